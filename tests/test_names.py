"""Finding people whatever the spelling or script (spellings below were seen in sources)."""
from __future__ import annotations

import subprocess
import sys

import pytest

import belarus_data as bd


@pytest.mark.parametrize(("query", "person_id"), [
    ("Kolesnikova", "maryia-kalesnikava"),       # Reuters, AP (Russian-based)
    ("Kalesnikava", "maryia-kalesnikava"),       # Viasna (Belarusian-based)
    ("Kalesnikawa", "maryia-kalesnikava"),       # Polish press
    ("Maria Kolesnikova", "maryia-kalesnikava"),
    ("Колесникова", "maryia-kalesnikava"),       # Russian Cyrillic
    ("Калеснікава", "maryia-kalesnikava"),       # Belarusian Cyrillic
    ("Tikhanovsky", "siarhei-tsikhanouski"),
    ("Cichanouski", "siarhei-tsikhanouski"),     # Polish
    ("Bialiatski", "ales-bialiatski"),
    ("Byalyatsky", "ales-bialiatski"),           # AFP
    ("Byalyatski", "ales-bialiatski"),
    ("Bialacki", "ales-bialiatski"),             # Polish
    ("Беляцкий", "ales-bialiatski"),             # Russian Cyrillic
    ("Babariko", "viktar-babaryka"),
])
def test_any_spelling_or_script_finds_the_person_first(query, person_id):
    found = bd.find_person(query)
    assert not found.empty, query
    assert found.person_id.iloc[0] == person_id


def test_every_recorded_alias_finds_its_own_person_among_the_best_matches():
    people = bd.prisoners()
    for person in people.itertuples():
        for alias in [*person.aliases, person.name]:
            found = bd.find_person(alias)
            best = found[found.match_score == found.match_score.max()]
            assert person.person_id in set(best.person_id), (alias, list(found.person_id[:3]))


def test_results_are_ordered_best_first_and_carry_a_score():
    found = bd.find_person("Siarhei")
    assert found.match_score.is_monotonic_decreasing
    assert found.match_score.between(0, 100).all()


def test_an_unknown_name_returns_an_empty_frame_with_the_prisoner_columns():
    found = bd.find_person("Zzyzx Qwertyuiop")
    assert found.empty
    assert list(found.columns) == [*bd.prisoners().columns, "match_score"]


def test_a_short_first_name_does_not_match_inside_a_surname():
    assert "maryia-kalesnikava" not in set(bd.find_person("Ales").person_id)


def test_cli_find_prints_the_person():
    done = subprocess.run([sys.executable, "-m", "belarus_data.cli", "find", "Колесникова"],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "Maryia Kalesnikava" in done.stdout
    none = subprocess.run([sys.executable, "-m", "belarus_data.cli", "find", "Zzyzx"], capture_output=True, text=True)
    assert none.returncode == 0 and "nobody matches" in none.stdout
