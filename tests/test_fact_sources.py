"""Each key fact is checkable in one step: the row's first source states it, or fact_sources names
the source that does; person-release links say whether a source states them; overlapping releases
are declared, so distinct totals can be computed."""
from __future__ import annotations

import json

import pandas as pd

import pytest

import belarus_data as bd
from belarus_data import DataValidationError

from .conftest import rule_problems as _problems


def _fact(rows, **changes):
    rows.append({**rows[0], **changes})


def test_every_table_with_source_ids_declares_its_key_facts_or_is_documented_without():
    for name in ("releases", "prisoner_releases", "prisoner_counts"):
        facts = bd.schemas()[name].key_facts
        assert facts and set(facts) <= set(bd.schemas()[name].columns), name


def test_a_fact_source_for_a_column_that_is_not_a_key_fact_is_refused(edit):
    root = edit("fact_sources", lambda rows: _fact(rows, field="summary"))
    problem = _problems(root, "fact_source")[0]
    assert problem.column == "field" and "x-keyFacts" in problem.message


def test_a_fact_source_the_row_does_not_cite_is_refused(edit):
    root = edit("fact_sources", lambda rows: _fact(rows, field="date", source_id="hrw-2025-12-15-belarus",
                                                    row_key="2024-06-28"))
    problem = _problems(root, "fact_source")[0]
    assert problem.column == "source_id" and "2024-06-28" in problem.message


def test_a_fact_source_for_a_row_that_does_not_exist_is_refused(edit):
    root = edit("fact_sources", lambda rows: _fact(rows, row_key="1999-01-01"))
    assert _problems(root, "fact_source")[0].column == "row_key"


def test_a_fact_source_for_an_empty_value_is_refused(edit):
    # 2024-08-01 has no destination: no source can be said to state it
    root = edit("fact_sources", lambda rows: _fact(rows, row_key="2024-08-01", field="destinations",
                                                    source_id="guardian-2024-08-01-swap-live"))
    assert "empty" in _problems(root, "fact_source")[0].message


def test_key_facts_must_name_columns_of_their_table(data_copy):
    path = data_copy / "schemas" / "releases.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["x-keyFacts"].append("released_totl")
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    problem = _problems(data_copy, "key_facts")[0]
    assert "released_totl" in problem.message and problem.file == "schemas/releases.json"


def test_fact_sources_rows_of_a_multi_column_key_resolve(edit):
    """prisoner_releases and prisoner_counts rows are named by their key joined with '|'."""
    def add(rows):
        _fact(rows, table="prisoner_counts", row_key="2025-12-23|held_now|Viasna", field="value",
              source_id="reform-2025-12-23-viasna-2025-political-prisoners")
        _fact(rows, table="prisoner_releases", row_key="ales-bialiatski|2025-12-13", field="destination",
              source_id="pravda-2025-12-13-bialiatski-lithuania")
    bd.validate(edit("fact_sources", add))


def test_fact_source_of_gives_the_named_source_else_the_first():
    assert bd.fact_source_of("releases", "2026-03-19", "date") == [
        "polskieradio-2026-03-19-250-released", "zerkalo-2026-03-19-arrived-lithuania"]
    first = bd.releases().set_index("release_id").loc["2024-06-28", "source_ids"][0]
    assert bd.fact_source_of("releases", "2024-06-28", "date") == [first]
    with pytest.raises(KeyError, match="not a key fact"):
        bd.fact_source_of("releases", "2024-06-28", "summary")


def test_links_are_stated_or_inferred_and_a_user_can_keep_the_stated_ones():
    links = bd.prisoner_releases()
    assert set(links.link_basis.dropna()) <= {"stated", "inferred"} and links.link_basis.notna().all()
    basis = links.set_index(["person_id", "release_id"]).link_basis
    # the one link the issue named: a single source describes her, and no source dates her release
    assert basis[("alena-badzyaka", "2025-12-13")] == "inferred"
    stated = links[links.link_basis == "stated"]
    assert ("alena-badzyaka", "2025-12-13") not in set(zip(stated.person_id, stated.release_id))


def test_an_inferred_link_without_a_reason_is_refused(edit):
    def bare(rows):
        rows[0]["link_basis"], rows[0]["notes"] = "inferred", ""
    problem = _problems(edit("prisoner_releases", bare), "inferred_link")[0]
    assert problem.row == 2 and problem.column == "notes"


def test_a_link_basis_outside_its_vocabulary_is_refused(edit):
    def odd(rows):
        rows[0]["link_basis"] = "probable"
    assert _problems(edit("prisoner_releases", odd), "enum")[0].column == "link_basis"


def test_a_person_freed_twice_needs_the_later_release_to_declare_the_overlap(edit):
    def forget(rows):
        for r in rows:
            r["overlaps_release_id"] = r["overlap_count"] = ""
    problem = _problems(edit("releases", forget), "overlap")[0]
    assert problem.column == "overlaps_release_id" and "linked to" in problem.message


def test_a_release_cannot_overlap_a_later_one_or_by_more_than_its_total(edit):
    def wrong(rows):
        first = next(r for r in rows if r["release_id"] == "2024-06-28")
        first["overlaps_release_id"], first["overlap_count"] = "2025-12-13", "6"
    found = _problems(edit("releases", wrong), "overlap")
    assert {p.column for p in found} == {"overlaps_release_id", "overlap_count"}


def _releases(*rows):
    frame = pd.DataFrame(rows, columns=["release_id", "date", "released_total", "political_prisoners",
                                        "overlaps_release_id", "overlap_count"])
    frame["date"] = pd.to_datetime(frame.date)
    for column in ("released_total", "political_prisoners", "overlap_count"):
        frame[column] = frame[column].astype("Int64")
    return frame


def test_a_known_overlap_is_subtracted_once_from_the_raw_sum():
    totals = bd.release_totals(_releases(("a", "2025-01-01", 10, 10, None, None),
                                         ("b", "2025-02-01", 3, None, "a", 1)))
    assert (totals.raw_sum, totals.distinct_at_most, totals.distinct_at_least) == (13, 12, 12)
    assert (totals.political_prisoners, totals.releases_with_political_figure) == (10, 1)


def test_an_overlap_of_unknown_size_widens_the_range_by_the_smaller_release():
    totals = bd.release_totals(_releases(("a", "2025-01-01", 4, None, None, None),
                                         ("b", "2025-02-01", 30, None, "a", None)))
    assert (totals.distinct_at_most, totals.distinct_at_least) == (34, 30)


def test_totals_can_stop_at_a_date():
    frame = _releases(("a", "2025-01-01", 4, None, None, None), ("b", "2025-02-01", 30, None, "a", None))
    assert bd.release_totals(frame, until="2025-01-15").raw_sum == 4


def test_a_fact_source_for_a_table_without_source_ids_is_refused(edit):
    root = edit("fact_sources", lambda rows: _fact(rows, table="release_figures"))
    assert "no source_ids" in _problems(root, "fact_source")[0].message
