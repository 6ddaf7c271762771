"""The cross-table rules of the design, each shown to catch what it is for."""
from __future__ import annotations

import pytest

import belarus_data as bd
from belarus_data import DataValidationError

from .conftest import rule_problems as _problems


def test_the_shipped_data_passes_every_rule():
    bd.validate()


def test_a_sentence_before_the_detention_is_refused(edit):
    def swap(rows):
        row = next(r for r in rows if r["detained_on"] and r["sentenced_on"] and r["detained_on"] < r["sentenced_on"])
        row["detained_on"], row["sentenced_on"] = row["sentenced_on"], row["detained_on"]
    _problems(edit("prisoners", swap), "date_order")


def test_a_release_before_the_detention_is_refused(edit):
    def late(rows):
        for r in rows:
            r["detained_on"] = "2025-12-14" if r["detained_on"] else ""
            r["sentenced_on"] = ""
    _problems(edit("prisoners", late), "date_order")


def test_nothing_may_be_dated_after_today(edit):
    def future(rows):
        rows[0]["published_on"] = "2199-01-01"
    problem = _problems(edit("sources", future), "future_date")[0]
    assert problem.column == "published_on" and problem.row == 2


def test_a_release_cannot_have_more_people_than_its_total(edit):
    links = bd.prisoner_releases()
    busiest = links.release_id.value_counts().index[0]
    linked = int(links.release_id.value_counts().iloc[0])

    def shrink(rows):
        row = next(r for r in rows if r["release_id"] == busiest)
        row["released_total"] = str(linked - 1)
    root = edit("releases", shrink)
    assert any(p.rule == "people_within_total" for p in _problems(root, "people_within_total"))


def test_the_best_figure_must_be_one_that_someone_reported(edit):
    def change(rows):
        row = next(r for r in rows if r["released_total"])
        row["released_total"] = str(int(row["released_total"]) + 1000)
    problem = _problems(edit("releases", change), "best_figure_reported")[0]
    assert problem.column == "released_total"


def test_every_source_must_be_cited_by_some_row(edit):
    def add(rows):
        rows.append({**rows[0], "source_id": "an-uncited-source"})
    problem = _problems(edit("sources", add), "uncited_source")[0]
    assert problem.row == 2 + len(bd.sources())
