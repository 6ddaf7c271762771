"""The state on a date: the date of an event and the date it was published are kept apart."""
from __future__ import annotations

import pandas as pd
import pytest

import belarus_data as bd

from .conftest import REPO, read_rows, write_rows


def test_every_date_column_says_whether_it_is_an_event_a_publication_or_an_observation():
    for name, schema in bd.schemas(REPO).items():
        for f in schema.fields:
            if f.type == "date":
                assert f.date_kind in {"event", "published", "observed"}, f"{name}.{f.name} needs x-dateKind"


@pytest.mark.parametrize("day", ["2021-06-30", "2024-01-01", "2026-04-01"])
def test_designations_in_force_were_designated_by_then_and_not_yet_delisted(day):
    found = bd.designations_in_force(day)
    d = pd.Timestamp(day)
    assert (found.designated_on <= d).all()
    assert not (found.delisted_on <= d).any()
    every = bd.sanction_designations()
    expected = every[(every.designated_on <= d) & ~(every.delisted_on <= d)
                     & ~((every.status == "delisted") & every.delisted_on.isna() & (every.list_as_of <= d))]
    assert len(found) == len(expected)


def test_a_subject_is_in_force_the_day_before_its_delisting_and_not_on_it(edit):
    def delist(rows):
        # a row of a list whose snapshot is later than the day asked about below
        row = next(r for r in rows if r["designated_on"] and r["status"] == "listed" and r["list_as_of"] > "2025-01-01")
        row["status"], row["delisted_on"] = "delisted", "2025-06-01"
    root = edit("sanction_designations", delist)
    entry = next(r for r in read_rows(root, "sanction_designations") if r["delisted_on"] == "2025-06-01")
    before = bd.designations_in_force("2025-05-31", entry["list"], root=root)
    on = bd.designations_in_force("2025-06-01", entry["list"], root=root)
    assert entry["list_entry_id"] in set(before.list_entry_id)
    assert entry["list_entry_id"] not in set(on.list_entry_id)
    assert set(on["list"].astype(str)) == {entry["list"]}


def test_a_subject_delisted_on_an_unknown_day_is_uncertain_before_the_snapshot_that_lost_it(edit):
    def delist(rows):
        # a row of a list whose snapshot is later than the day asked about below
        row = next(r for r in rows if r["designated_on"] and r["status"] == "listed" and r["list_as_of"] > "2025-01-01")
        row["status"] = "delisted"
    root = edit("sanction_designations", delist)
    entry = next(r for r in read_rows(root, "sanction_designations") if r["status"] == "delisted"
                 and r["designated_on"])
    before = bd.designations_in_force("2025-01-01", root=root)
    assert not before.loc[before.list_entry_id == entry["list_entry_id"], "certain"].iloc[0]
    assert entry["list_entry_id"] not in set(bd.designations_in_force(entry["list_as_of"], root=root).list_entry_id)


def test_a_release_is_known_only_once_a_source_dated_by_then_reported_it():
    known = bd.known_releases("2025-09-12")
    assert "2025-09-11" in set(known.release_id)
    assert (known.date <= pd.Timestamp("2025-09-12")).all()
    assert (known.first_reported_on <= pd.Timestamp("2025-09-12")).all()
    assert "2025-09-11" not in set(bd.known_releases("2025-09-10").release_id)


def test_a_release_reported_only_later_is_not_known_on_its_own_day(edit):
    event = next(r for r in read_rows(REPO, "releases") if r["release_id"] == "2025-09-11")
    cited = set(event["source_ids"].split(";"))
    cited |= {r["source_id"] for r in read_rows(REPO, "release_figures") if r["release_id"] == "2025-09-11"}

    def publish_late(rows):
        for row in rows:
            if row["source_id"] in cited:
                row["published_on"] = "2025-10-01"
    root = edit("sources", publish_late)
    assert "2025-09-11" not in set(bd.known_releases("2025-09-30", root=root).release_id)
    assert "2025-09-11" in set(bd.known_releases("2025-10-01", root=root).release_id)


def test_a_figure_is_known_from_its_reported_on_date_or_else_its_source_date():
    known = bd.known_release_figures("2025-09-11")
    assert (known.published <= pd.Timestamp("2025-09-11")).all()
    with_date = known[known.reported_on.notna()]
    assert (with_date.published == with_date.reported_on).all()


def test_the_latest_count_is_the_newest_one_published_by_then():
    day = pd.Timestamp("2026-01-15")
    latest = bd.latest_count(day)
    known = bd.known_counts(day, "held_now", "Viasna")
    assert latest is not None and latest.date == known.date.max()
    assert latest.date <= day and latest.first_published_on <= day
    assert latest.measure == "held_now" and latest.counted_by == "Viasna"


def test_a_count_published_after_the_day_is_not_yet_known_even_if_it_refers_to_an_earlier_day(edit):
    root = edit("prisoner_counts", lambda rows: None)
    counts = read_rows(root, "prisoner_counts")
    sources = read_rows(root, "sources")
    late = dict(sources[0], source_id="zz-test-2026-06-01-retrospective", published_on="2026-06-01")
    write_rows(root, "sources", [*sources, late])
    counts.append(dict(counts[-1], date="2026-01-10", measure="held_now", counted_by="Viasna", value="1",
                       source_ids=late["source_id"], notes=""))
    write_rows(root, "prisoner_counts", counts)
    def has_it(day):
        known = bd.known_counts(day, "held_now", "Viasna", root=root)
        return bool(((known.date == pd.Timestamp("2026-01-10")) & (known.value == 1)).any())
    assert not has_it("2026-01-15") and has_it("2026-06-01")
    assert bd.latest_count("2026-01-15", root=root).date < pd.Timestamp("2026-01-10")


def test_as_of_bundles_the_same_answers():
    state = bd.as_of("2025-12-31")
    assert set(state.releases.release_id) == set(bd.known_releases("2025-12-31").release_id)
    assert len(state.designations) == len(bd.designations_in_force("2025-12-31"))
    assert state.latest_count().equals(bd.latest_count("2025-12-31"))


@pytest.mark.parametrize("call", [lambda: bd.as_of("2025-13-01"), lambda: bd.latest_count("soon"),
                                  lambda: bd.designations_in_force("2025-01-01", "eu_list"),
                                  lambda: bd.known_counts("2025-01-01", measure="held_then")])
def test_a_bad_date_list_or_measure_is_named(call):
    with pytest.raises(ValueError, match="2025-13-01|soon|eu_list|held_then"):
        call()


def test_the_command_prints_the_state_on_a_date():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "belarus_data.cli", "as-of", "2025-12-31"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    latest = bd.latest_count("2025-12-31")
    assert f"{latest.value} ({latest.qualifier}) on {latest.date:%Y-%m-%d}" in done.stdout
    assert f"releases known: {len(bd.known_releases('2025-12-31'))}" in done.stdout
