"""The notebooks' verdicts and headline figures (``belarus_data.analyses``), checked as rules.

Each test fails on the behaviour issue 17 found wrong: relief guessed from the verb, a potash
claim called supported before any delisting, an untested "intensified", a lower bound used to
refute "thousands", counts and releases compared over different windows, censored lags drawn as
zero, releases without relief left off, delisted subjects counted as listed.
"""
from __future__ import annotations

import re

import nbformat
import pandas as pd
import pytest

import belarus_data as bd
from belarus_data import analyses as an

from .conftest import REPO


@pytest.fixture(scope="module")
def t():
    class Tables:
        sanctions = bd.sanctions()
        designations = bd.sanction_designations()
        counts = bd.prisoner_counts()
        releases = bd.releases()
        figures = bd.release_figures()
    return Tables


# --- relief ---------------------------------------------------------------------------------

def test_relief_is_what_eases_never_what_the_verb_suggests(t):
    relief = an.relief_actions(t.sanctions)
    assert set(relief.direction) == {"eases"}
    announced_tightening = t.sanctions[(t.sanctions.action == "announce") & (t.sanctions.direction != "eases")]
    licences_not_relief = t.sanctions[(t.sanctions.action == "license") & (t.sanctions.direction != "eases")]
    assert len(announced_tightening) and len(licences_not_relief), "the data hold verbs that are not relief"
    assert not set(announced_tightening.action_id) & set(relief.action_id)
    assert not set(licences_not_relief.action_id) & set(relief.action_id)


@pytest.mark.parametrize("stem", ["01_the_article_checked", "03_sanctions_for_prisoners"])
def test_notebooks_filter_relief_by_direction_not_by_the_action_verb(stem):
    source = "\n".join(c.source for c in nbformat.read(REPO / "notebooks" / f"{stem}.ipynb", as_version=4).cells)
    assert not re.search(r"action\.isin\(\s*\[?\s*[\"'A-Z_]*(announce|RELIEF)", source), stem
    assert "RELIEF = [" not in source


def test_relief_rows_are_grouped_into_concessions(t):
    con = an.concessions(t.sanctions)
    linked = an.relief_actions(t.sanctions).dropna(subset=["release_id"])
    assert con.rows.sum() == len(linked)
    assert len(con) < len(linked), "several rows (announcement, licences, delisting) make one concession"
    assert not con.duplicated(["jurisdiction", "release_id", "sector"]).any()
    for c in con.itertuples():
        rows = linked[linked.action_id.isin(c.action_ids)]
        assert set(rows.release_id) == {c.release_id} and set(rows.jurisdiction) == {c.jurisdiction}


def test_relief_steps_list_every_us_mediated_release_and_censor_what_is_missing(t):
    steps = an.relief_steps(t.releases, t.sanctions, t.designations)
    mediated = set(t.releases[t.releases.mediator == "United States"].release_id)
    assert set(steps.release_id) == mediated, "releases that got no relief stay on the chart"
    without = steps[steps.sector.isna()]
    assert len(without), "some US-mediated releases got no relief"
    assert without[[f"{s}_days" for s in an.STEPS]].isna().all().all()
    for step in an.STEPS:
        missing = steps[steps.sector.notna() & steps[f"{step}_days"].isna()]
        # a step not seen is censored at the end of observation, never drawn as day 0
        assert (missing.censored_at > 0).all()
    observed = steps.attrs["observed_until"]
    assert (steps.censored_at == (observed - steps.release_date).dt.days).all()


def test_a_delisting_seen_only_between_two_snapshots_is_an_interval_on_the_release_that_announced_it(t):
    steps = an.relief_steps(t.releases, t.sanctions, t.designations)
    interval = steps[steps.delist_days_min.notna()]
    for r in interval.itertuples():
        assert r.delist_days_min <= r.delist_days_max
        assert pd.isna(r.delist_days)
        announced = t.sanctions[t.sanctions.release_id == r.release_id]
        assert announced.sectors.map(lambda s: "potash" in s).any()


# --- article 01 -----------------------------------------------------------------------------

def test_the_potash_claim_is_supported_only_when_a_delisting_was_traded_for_the_release(t):
    claim = an.potash_claim(t.sanctions, t.designations)
    seed = an.relief_actions(t.sanctions)
    seed = seed[(seed.release_id == "2025-12-13") & seed.sectors.map(lambda s: "potash" in s)]
    if (seed.action == "lift").any():
        assert claim.verdict == an.SUPPORTED
    else:
        assert claim.verdict == an.PARTLY, "an announcement and a licence are not a lifting"
    assert any("SDN" in s for s in claim.steps) == (
        (t.designations.status == "delisted") & t.designations.name.str.contains("POTASH|BELARUSKALI", case=False)).any()


def test_the_potash_claim_becomes_supported_when_the_delisting_is_traded_for_the_release(t):
    lift = t.sanctions[t.sanctions.action_id == "us-2025-12-15-potash-gl13"].assign(
        action_id="us-test-lift", action="lift", date=pd.Timestamp("2025-12-20"))
    claim = an.potash_claim(pd.concat([t.sanctions, lift]), t.designations)
    assert claim.verdict == an.SUPPORTED


def _impositions(dates_and_sectors):
    return pd.DataFrame({"date": pd.to_datetime([d for d, _ in dates_and_sectors]),
                         "jurisdiction": "US", "direction": "imposes",
                         "sectors": [s for _, s in dates_and_sectors]})


@pytest.mark.parametrize("rows, expected", [
    ([("2021-01-01", ["oil"]), ("2021-06-01", ["oil"]), ("2023-01-01", ["oil"]), ("2024-01-01", ["oil"]), ("2025-01-01", ["oil"])], an.NOT_SUPPORTED),
    ([("2021-01-01", ["oil"]), ("2021-06-01", ["oil"]), ("2023-01-01", ["steel"])], an.PARTLY),
    ([("2021-01-01", ["oil"])] + [(f"2022-0{m}-01", ["steel"]) for m in range(3, 10)], an.SUPPORTED),
])
def test_intensification_verdict_follows_the_rates_and_the_sectors(rows, expected):
    result = an.intensification(_impositions(rows), end="2025-02-23")
    assert result.verdict.verdict == expected


def test_intensification_counts_impositions_by_direction(t):
    result = an.intensification(t.sanctions)
    imposed = t.sanctions[(t.sanctions.direction == "imposes") & t.sanctions.jurisdiction.isin(["US", "EU"])]
    assert result.before + result.after == len(imposed[imposed.date >= an.ELECTION_2020])
    rose, new = result.rate_after > result.rate_before, bool(result.new_sectors_after)
    assert result.verdict.verdict == (an.SUPPORTED if rose and new else an.PARTLY if rose or new else an.NOT_SUPPORTED)


def _counts(*rows):
    return pd.DataFrame([{"date": pd.Timestamp(d), "measure": "held_now", "value": v, "qualifier": q,
                          "counted_by": "X"} for d, v, q in rows])


def test_a_lower_bound_never_refutes_an_at_least_claim():
    near = _counts(("2025-12-13", 1100, "at_least"))
    assert an.at_least_claim("thousands", 2000, near, same_population=True).verdict == an.NOT_IN_DATA
    assert an.at_least_claim("thousands", 2000, _counts(("2025-12-13", 2100, "at_least")),
                             same_population=False).verdict == an.SUPPORTED
    exact = _counts(("2025-12-13", 1100, "exact"))
    assert an.at_least_claim("thousands", 2000, exact, same_population=True).verdict == an.CONTRADICTED
    assert an.at_least_claim("thousands", 2000, exact, same_population=False).verdict == an.NOT_IN_DATA


def test_thousands_remain_is_not_called_contradicted_and_shows_every_count_of_the_day(t):
    near = an.counts_of_the_day(t.counts, "2025-12-13")
    assert near.counted_by.nunique() > 1, "the conflicting counts of the day are shown"
    verdict = an.at_least_claim("thousands remain", 2000, near, same_population=False)
    assert verdict.verdict != an.CONTRADICTED
    for value in near.value:
        assert f"{value:,}" in verdict.evidence


# --- notebook 02 ----------------------------------------------------------------------------

def test_counts_held_and_releases_are_compared_over_the_same_window(t):
    w = an.held_vs_freed(t.counts, t.releases)
    inside = t.releases[(t.releases.date > w.start) & (t.releases.date <= w.end)]
    assert w.raw_sum == int(inside.released_total.sum())
    after = t.releases[t.releases.date > w.end]
    if len(after):
        assert w.raw_sum < bd.release_totals().raw_sum, "releases after the last count are left out"
    assert w.distinct_at_least <= w.distinct_at_most <= w.raw_sum
    held = t.counts[(t.counts.measure == "held_now") & (t.counts.counted_by == "Viasna")]
    assert w.end == held.date.max() and w.start < t.releases.date.min()


def test_viasnas_running_totals_balance_with_the_count_held(t):
    balance = an.viasna_balance(t.counts)
    assert len(balance), "recognised, released and held are published together on some day"
    exact = balance[balance.qualifiers.isin(["exact", "at_least, exact"])]
    assert len(exact) and (exact.gap == 0).all(), exact


def test_the_26_january_2025_release_is_not_coded_as_us_mediated(t):
    nuhfer = t.releases.set_index("release_id").loc["2025-01-26"]
    assert "unilateral" in nuhfer.notes
    assert pd.isna(nuhfer.mediator), "the US called it unilateral and no source says it mediated"


def test_releases_with_people_convicted_of_other_offences_are_marked(t):
    status = an.political_status(t.releases, t.figures)
    extremism = t.figures[t.figures.measure == "convicted_of_extremism"].groupby("release_id").value.max()
    totals = t.releases.set_index("release_id").released_total
    for release_id, value in extremism.items():
        if value < totals[release_id]:
            assert status[release_id] == "partly non-political"


# --- the field's analyses -------------------------------------------------------------------

def test_freed_by_route_adds_up_to_the_raw_sum(t):
    routes = an.freed_by_route(t.releases)
    assert int(routes.values.sum()) == bd.release_totals().raw_sum
    assert set(routes.columns) <= set(an.ROUTES.values())


def test_running_total_flows_are_differences_of_consecutive_values(t):
    flows = an.running_total_flows(t.counts, "recognised_since_2020")
    series = t.counts[(t.counts.measure == "recognised_since_2020") & (t.counts.counted_by == "Viasna")]
    assert flows.added.sum() == series.sort_values("date").value.iloc[-1] - series.sort_values("date").value.iloc[0]
    assert (flows.end > flows.start).all()


def test_the_designations_crosstab_leaves_out_delisted_subjects(t):
    table = an.designations_crosstab(t.designations)
    assert int(table.values.sum()) == int((t.designations.status != "delisted").sum())
    dated = an.designations_crosstab(t.designations, on="2021-01-01")
    uk_by_then = t.designations[(t.designations.list == "uk_sanctions_list")
                                & (t.designations.designated_on <= "2021-01-01")]
    assert int(dated.loc["uk_sanctions_list"].sum()) == len(uk_by_then)


def test_the_jurisdiction_split_counts_every_action_since_the_first_release(t):
    split = an.jurisdiction_split(t.sanctions)
    assert int(split.values.sum()) == int((t.sanctions.date >= "2024-07-01").sum())
