"""Notebooks 04 and 05 (``belarus_data.people_analyses``), checked as rules.

Each test fails on the behaviour issue 17 found wrong in notebook 04: every roster person taken
for a freed one, a coverage join that drops the releases with nobody named, a person-release in
which the person was not freed counted as time to freedom, articles split from their parts, and
where the named went read as where everyone freed went.
"""
from __future__ import annotations

import nbformat
import pandas as pd
import pytest

import belarus_data as bd
from belarus_data import people_analyses as pa

from .conftest import REPO


@pytest.fixture(scope="module")
def t():
    class Tables:
        releases = bd.releases()
        links = bd.prisoner_releases()
        people = bd.prisoners()
        freed = bd.released_prisoners()
        figures = bd.release_figures()
        facts = bd.prisoner_facts()
        held = bd.held_at_roster_export()
        judges = bd.judges()
        designations = bd.sanction_designations()
    return Tables


def _source(stem: str) -> str:
    return "\n".join(c.source for c in nbformat.read(REPO / "notebooks" / f"{stem}.ipynb", as_version=4).cells)


# --- notebook 04 ----------------------------------------------------------------------------

def test_the_named_freed_are_the_people_linked_to_a_release_not_the_roster(t):
    named = pa.named_freed(t.people, t.links)
    assert set(named.person_id) == set(t.links.person_id)
    assert len(named) < len(t.people), "the roster holds people no source names as freed"
    assert "pa.named_freed(" in _source("04_who_was_freed")


def test_coverage_counts_every_release_also_those_with_nobody_named(t):
    c = pa.coverage(t.releases, t.links)
    assert c.freed == int(t.releases.released_total.sum())
    assert set(c.per_release.release_id) == set(t.releases.release_id)
    assert c.releases_with_nobody_named == int((~t.releases.release_id.isin(t.links.release_id)).sum()) > 0
    inner = c.per_release[c.per_release.named > 0]
    assert c.share < inner.named.sum() / inner.released_total.sum(), "an inner join overstates the share named"
    pardons = t.releases[t.releases.kind == "pardon"]
    assert c.freed_pardoned == int(pardons.released_total.sum())
    assert c.named_pardoned == int(t.links[t.links.release_id.isin(pardons.release_id)].person_id.size)


def test_detention_time_counts_only_releases_that_freed_the_person(t):
    spans = pa.detention_spans(t.freed)
    assert pa.NOT_FREED not in set(spans.outcome.astype("string").dropna())
    not_freed = t.freed[(t.freed.outcome == pa.NOT_FREED) & t.freed.days_in_detention.notna()]
    assert len(not_freed), "the data hold a person-release in which the person was not freed"
    assert len(spans) == int(t.freed.days_in_detention.notna().sum()) - len(not_freed)


def test_sentence_statements_flag_people_whose_sources_state_different_terms(t):
    named = pa.named_freed(t.people, t.links)
    table = pa.sentence_statements(named, t.facts)
    assert set(table.person_id) <= set(named.person_id)
    for row in table.itertuples():
        stated = pd.to_numeric(t.facts[(t.facts.person_id == row.person_id) & (t.facts.field == "sentence_years")].value)
        assert row.differs == (stated.nunique() > 1)


def test_articles_are_counted_as_given_with_their_parts_and_per_article(t):
    named = pa.named_freed(t.people, t.links)
    counts = pa.article_counts(named)
    given = set(named.criminal_code_articles.explode().dropna())
    assert any("(" in code for code in given)
    assert given <= set(counts[counts.as_given > 0].index), "every code is kept as the data give it"
    for article in {pa.article_of(code) for code in given}:
        with_article = named.criminal_code_articles.map(lambda a: any(pa.article_of(c) == article for c in a))
        assert counts.loc[article, "by_article"] == int(with_article.sum())
    assert pa.article_of("361-1(1)") == "361-1" and pa.article_of("293(2)") == "293"


def test_held_at_export_compares_named_and_not_named_over_everyone_held(t):
    table = pa.named_vs_not_named(t.held)
    assert table.n.sum() == len(t.held)
    assert table.loc["named as freed", "n"] == int(t.held.named_as_freed.sum())
    source = _source("04_who_was_freed")
    assert source.count("pa.NOT_NAMED_WARNING") >= 2, "the comparison's table and figure say it"


def test_years_held_at_export_run_to_the_export_month():
    held = pd.DataFrame({"detained_on": pd.to_datetime(["2022-03-16", None])})
    years = pa.years_held_at_export(held)
    assert abs(years.iloc[0] - 1) < 0.01 and pd.isna(years.iloc[1])


# --- analysis 4: abroad or at home, for everyone freed --------------------------------------

def test_abroad_or_home_accounts_for_everyone_each_release_freed(t):
    table = pa.abroad_or_home(t.releases, t.figures)
    assert len(table) == len(t.releases)
    assert (table.abroad + table.home + table.unknown == table.released_total).all()
    assert (table[["abroad", "home", "unknown"]] >= 0).all().all()


def test_abroad_or_home_uses_each_releases_own_figures_before_its_destinations(t):
    table = pa.abroad_or_home(t.releases, t.figures).set_index("release_id")
    stayed = t.figures[t.figures.measure == "stayed_in_belarus"].groupby("release_id").value.max()
    assert len(stayed)
    for release_id, value in stayed.items():
        assert table.loc[release_id, "home"] == value
    mixed = t.releases[t.releases.destinations.map(lambda d: "BY" in d and len(d) > 1)]
    for release_id in mixed.release_id:
        row = table.loc[release_id]
        assert row.basis.startswith("figures") or row.unknown == row.released_total


def test_where_everyone_went_is_read_from_the_releases_never_from_the_named(t):
    table = pa.abroad_or_home(t.releases, t.figures)  # takes no table of people
    assert table.released_total.sum() == int(t.releases.released_total.sum()), "everyone freed, not the named"
    source = _source("04_who_was_freed")
    assert "pa.abroad_or_home(" in source and "for illustration only" in source


# --- analysis 5: mediators ------------------------------------------------------------------

def test_channels_count_people_freed_with_their_roster_facts(t):
    table = pa.by_channel(t.freed, t.people)
    freed = t.freed[t.freed.outcome.astype("string").fillna("") != pa.NOT_FREED]
    assert table.n.sum() == len(freed)
    assert pa.NO_MEDIATOR in table.index
    assert (table.gender_known <= table.n).all() and (table.sentence_known <= table.n).all()


# --- notebook 05 ----------------------------------------------------------------------------

def test_judge_designations_follow_the_judges_links(t):
    links = pa.judge_designations(t.judges, t.designations)
    expected = t.judges.designations.map(len).sum()
    assert len(links) == expected and links.jurisdiction.notna().all()


def test_designated_share_over_the_top_judges_keeps_ties_and_counts_each_judge_once(t):
    top = pa.designated_share(t.judges, t.designations, top=10)
    cut = t.judges.prisoners_sentenced.nlargest(10).min()
    assert top.loc["any", "judges"] == int((t.judges.prisoners_sentenced >= cut).sum())
    assert (top.designated <= top.judges).all()
    assert top.loc["any", "designated"] >= top.loc[["US", "UK", "EU"], "designated"].max()


def test_lags_run_from_the_judges_roster_verdicts_and_are_empty_without_a_designation_day(t):
    lags = pa.designation_lags(t.judges, t.designations, t.people)
    verdicts = pa.verdict_dates(t.people)
    for row in lags.itertuples():
        mine = verdicts[verdicts.judge_id == row.judge_id].sentenced_on
        assert row.verdicts == len(mine)
        if pd.isna(row.designated_on) or not len(mine):
            assert pd.isna(row.days_first_to_designation)
        else:
            assert row.days_first_to_designation == (row.designated_on - mine.min()).days
            assert row.verdicts_before + row.verdicts_after == len(mine)


def test_freed_with_a_designated_judge_are_named_freed_whose_roster_judge_is_listed(t):
    table = pa.freed_with_designated_judge(t.freed, t.judges, t.designations)
    designated = set(t.judges[t.judges.designations.map(len) > 0].name)
    assert set(table.judge) <= designated
    assert set(table.person_id) <= set(t.links.person_id)
