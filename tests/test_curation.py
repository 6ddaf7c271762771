"""Curation policies that the data must keep (see docs/design.md and CHANGELOG)."""
from __future__ import annotations

import belarus_data as bd

RELIEF = {"ease", "license", "lift", "announce"}


def _publishers(source_ids: list[str]) -> set[str]:
    publisher = dict(zip(bd.sources().source_id, bd.sources().publisher))
    return {publisher[i] for i in source_ids}


def test_every_us_negotiated_release_cites_two_independent_publishers():
    us = bd.releases()[bd.releases().mediator == "United States"]
    assert len(us)
    for release in us.itertuples():
        assert len(_publishers(release.source_ids)) >= 2, release.release_id


def test_every_relief_action_since_2025_cites_two_independent_publishers():
    actions = bd.sanctions()
    relief = actions[(actions.date >= "2025-01-01") & actions.action.isin(RELIEF)]
    assert len(relief)
    for action in relief.itertuples():
        assert len(_publishers(action.source_ids)) >= 2, action.action_id


def test_each_named_seed_person_is_linked_to_the_13_december_2025_release():
    links = bd.released_prisoners()
    seed = links[links.release_id == "2025-12-13"]
    for person_id in ("ales-bialiatski", "maryia-kalesnikava", "viktar-babaryka"):
        assert person_id in set(seed.person_id), person_id


def test_the_potash_relief_is_linked_to_the_release_it_was_traded_for():
    actions = bd.sanctions()
    potash = actions[actions.sectors.map(lambda s: "potash" in s) & actions.action.isin(RELIEF)]
    assert "2025-12-13" in set(potash.release_id.dropna())


def test_people_records_hold_birth_years_never_birth_dates():
    people = bd.prisoners()
    assert str(people.birth_year.dtype) == "Int64"
    assert not people.notes.dropna().str.contains(r"\bborn (?:on )?\d{1,2} \w+ \d{4}", regex=True).any()


def test_every_release_with_a_best_total_has_that_total_among_its_figures():
    figures = bd.release_figures()
    totals = figures[figures.measure == "released_total"]
    for release in bd.releases().dropna(subset=["released_total"]).itertuples():
        reported = set(totals[totals.release_id == release.release_id].value)
        assert release.released_total in reported, release.release_id


def test_source_ids_named_in_notes_exist():
    """Notes may point at a source by its id; such an id must be a real row of sources."""
    import re

    known = set(bd.sources().source_id)
    slug = re.compile(r"\b[a-z][a-z0-9]*(?:-[a-z0-9]+){2,}\b")
    for name, frame in bd.load_all().items():
        if name == "sources" or "notes" not in frame:
            continue
        for note in frame.notes.dropna():
            for token in slug.findall(note):
                if re.search(r"(19|20)\d\d", token):
                    assert token in known, (name, token)
