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


# ---- find(): one search over prisoners, judges and designated subjects -------------------------
# Spellings below were seen in sources: the data's own aliases (each cites its sources), the EU
# Financial Sanctions File (Belarus regime, 2022-09-13; entries named by EU reference number) and
# the given_names.csv evidence.
import csv as _csv
import unicodedata
from importlib.resources import files

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from belarus_data import search
from belarus_data.cli import main
from belarus_data.spelling import latin_words, word_key

NAVUMAU = {"uk_sanctions_list:BEL0001", "us_ofac_sdn:9898"}  # the same man on the UK and US lists


def navumau_ids() -> set[str]:
    """His ids in find(): the list entries, or the cross-list subject_id where the data has one."""
    designations = bd.sanction_designations()
    keys = designations["list"].astype(str) + ":" + designations["list_entry_id"].astype(str)
    ids = set(NAVUMAU)
    if "subject_id" in designations:
        ids |= set(designations.loc[keys.isin(NAVUMAU), "subject_id"])
    return ids


@pytest.mark.parametrize("query", ["Raman Haluza", "Haluza", "Roman Galuza", "Галуза Раман"])
def test_a_belarusian_spelling_nobody_stored_finds_roman_galuza(query):
    # Raman is the Belarusian form of Roman (EU.5954.45 prints Roman/Raman MELNIK side by side);
    # h for g is the Belarusian reading of г.
    found = bd.find(query)
    assert found.id.iloc[0] == "roman-galuza"
    assert found.kind.iloc[0] == "prisoner"


@pytest.mark.parametrize("query", [
    "Уладзімір Уладзіміравіч Навумаў",   # EU.3479.37, Belarusian Cyrillic
    "Владимир Владимирович Наумов",      # EU.3479.37, Russian Cyrillic
    "NAUMOV Vladimir Vladimirovich",     # EU.3479.37 Latin, surname first as lists print it
    "Uladzimir Uladzimiravitj NAVUMAU",  # EU.3479.37, Scandinavian romanisation
    "Vladimir Naumov",                   # no patronymic
])
def test_any_script_order_or_patronymic_finds_the_designated_person(query):
    found = bd.find(query, kinds=["designated"])
    assert found.id.iloc[0] in navumau_ids()
    assert {"uk_sanctions_list", "us_ofac_sdn"} & set(str(found.lists.iloc[0]).replace(",", ";").split(";"))


@pytest.mark.parametrize(("a", "b"), [
    ("Kalesnikava", "Колесникова"), ("Tsikhanouski", "Tikhanovsky"), ("Navumau", "НАВУМАЎ"),
    ("Bialiatski", "Беляцкий"), ("Bialacki", "Byalyatsky"), ("Szczyrakowa", "Shchyrakova"),
    ("Uladzimiravitj", "Vladimirovich"), ("Dzierbysz", "Dzerbysh"), ("Mackiewicz", "Matskevich"),
    ("Łabkowicz", "Labkovich"), ("Dzmitry", "Дмитрий"), ("Siarhei", "Sergei"), ("Raman", "Roman"),
])
def test_spelling_rules_make_recorded_variants_one_key(a, b):
    # Each pair is printed for one person in prisoners.aliases or in the EU file.
    assert [word_key(w) for w in latin_words(a)] == [word_key(w) for w in latin_words(b)]


def test_different_names_keep_different_keys():
    assert word_key("kalesnikava") != word_key("kalinouski")
    assert word_key("aliaksandr") != word_key("aliaksei")


def _fixture_index(**tables):
    empty_designations = pd.DataFrame(columns=["list", "list_entry_id", "subject_type", "name", "aliases"])
    return search.index_from_tables(tables.get("prisoners"), tables.get("designations", empty_designations),
                                    tables.get("judges"))


def _prisoners(*rows):
    return pd.DataFrame([{"person_id": pid, "name": name, "name_be": None, "name_ru": None, "aliases": []}
                         for pid, name in rows])


@pytest.mark.parametrize(("stored", "query"), [
    ("Zmitser Dashkevich", "Dmitry Dashkevich"),   # prisoners zmitser-dashkevich aliases
    ("Nikita Zolotarev", "Mikita Zalatarou"),      # Belsat, English and Russian pages
    ("Volha Novikava", "Olga Novikova"),           # prisoners volha-novikava aliases
    ("Mikalai Statkevich", "Nikolai Statkevich"),  # prisoners mikalai-statkevich aliases
    ("Katsiaryna Andreyeva", "Ekaterina Andreeva"),
])
def test_given_name_equivalences_find_a_person_stored_in_one_form_only(stored, query):
    index = _fixture_index(prisoners=_prisoners(("p", stored), ("q", "Ivan Kazlou")))
    found = index.search(query)
    assert found.id.tolist()[:1] == ["p"]
    assert "given-name" in found.why.iloc[0]


def test_a_lithuanian_spelling_finds_the_person():
    index = _fixture_index(prisoners=_prisoners(("ales-bialiatski", "Ales Bialiatski"), ("x", "Ales Kalinouski")))
    assert index.search("Alesis Bialiatskis").id.iloc[0] == "ales-bialiatski"  # prisoners aliases (LRT)


def test_two_different_given_names_do_not_match_by_resemblance():
    # Aliaksandr and Aliaksei are both in given_names.csv, different groups.
    index = _fixture_index(prisoners=_prisoners(("a", "Aliaksei Melnikau")))
    assert index.search("Aliaksandr Melnikau", min_score=80).empty


def test_why_says_how_the_query_matched():
    people = pd.DataFrame([{"person_id": "v", "name": "Viktar Babaryka", "name_be": "Віктар Бабарыка",
                            "name_ru": None, "aliases": ["Viktor Babariko"]}])
    index = _fixture_index(prisoners=people)
    assert index.search("Viktar Babaryka").why.iloc[0] == "exact"
    assert index.search("viktor  babariko").why.iloc[0] == "alias"
    assert "order" in index.search("Babaryka Viktar").why.iloc[0]
    assert "transliteration" in index.search("Виктор Бабарико").why.iloc[0]
    assert "partial" in index.search("Babaryka").why.iloc[0]


def test_judges_and_linked_designations_are_searched_when_present():
    judges = pd.DataFrame([{"judge_id": "judge-1", "name": "Siarhei Khrypach", "aliases": ["Sergei Khripach"]}])
    designations = pd.DataFrame([
        {"list": "uk_sanctions_list", "list_entry_id": "BEL0001", "subject_type": "individual",
         "name": "Uladzimir Uladzimiravich Navumau", "aliases": [], "subject_id": "s1"},
        {"list": "eu_financial_sanctions", "list_entry_id": "EU.3479.37", "subject_type": "individual",
         "name": "Vladimir Vladimirovich NAUMOV", "aliases": ["Уладзімір Уладзіміравіч НАВУМАЎ"], "subject_id": "s1"},
        {"list": "uk_sanctions_list", "list_entry_id": "BEL9999", "subject_type": "entity",
         "name": "Naumov Holdings", "aliases": [], "subject_id": "s2"},
    ])
    index = _fixture_index(prisoners=_prisoners(("p", "Roman Gałuza")), judges=judges, designations=designations)
    judge = index.search("Khrypach")
    assert judge[["kind", "id"]].values.tolist() == [["judge", "judge-1"]]  # Viasna's spelling
    found = index.search("Naumov")
    assert found.id.tolist() == ["s1"]  # one identity across lists; the entity is left out
    assert found.lists.iloc[0] == "eu_financial_sanctions;uk_sanctions_list"


def test_an_unknown_name_is_an_empty_result_with_the_columns():
    found = bd.find("Zzyzx Qwertyuiop")
    assert found.empty and list(found.columns) == search.COLUMNS


@pytest.mark.parametrize("query", ["a", "", "  ", "!!!", "😀😀😀", "\x00\x1b", "ab"])
def test_queries_with_too_few_letters_are_refused_with_a_reason(query):
    with pytest.raises(search.QueryError, match="too short"):
        bd.find(query)


def test_a_very_long_query_is_refused_with_a_reason():
    with pytest.raises(search.QueryError, match="too long"):
        bd.find("Kalesnikava " * 1000)


def test_a_single_letter_does_not_return_unrelated_people_at_full_score():
    with pytest.raises(search.QueryError):
        bd.find("a")
    found = bd.find("a b c")  # only initials: nothing to rank by
    assert (found.score < 100).all()


def test_a_surname_alone_ranks_below_the_full_name():
    assert bd.find("Kalesnikava").score.iloc[0] < bd.find("Maryia Kalesnikava").score.iloc[0] == 100


def test_unknown_kinds_are_refused():
    with pytest.raises(search.QueryError):
        bd.find("Kalesnikava", kinds=["martian"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_gives_a_frame_or_a_query_error(text):
    try:
        found = bd.find(text)
    except search.QueryError as e:
        assert str(e)
    else:
        assert list(found.columns) == search.COLUMNS
        assert found.score.between(0, 100).all()


def _printable(text):
    return all(unicodedata.category(ch)[0] != "C" or ch == "\n" for ch in text)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_cli_find_never_prints_a_traceback_or_control_characters(capsys, text):
    code = main(["find", "--", text or " "])
    out, err = capsys.readouterr()
    assert code in (0, 2)
    assert "Traceback" not in out + err
    assert _printable(out) and _printable(err)


def test_cli_find_strips_bidi_and_escape_characters_from_what_it_prints(capsys):
    assert main(["find", "\u202eMaryia\x1b[31m Kalesnikava"]) == 0
    out = capsys.readouterr().out
    assert "Maryia Kalesnikava" in out and _printable(out)


def test_cli_find_says_who_designated_a_person(capsys):
    assert main(["find", "--kind", "designated", "--limit", "1", "Naumov", "Vladimir", "Vladimirovich"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("100.0  designated") and ("uk_sanctions_list" in out or "us_ofac_sdn" in out)


def test_every_given_name_group_is_backed_by_evidence_in_the_data():
    text = files("belarus_data").joinpath("given_names.csv").read_text(encoding="utf-8")
    people = bd.prisoners()
    spelled = {f"prisoners:{r.person_id}": [r.name, r.name_be, r.name_ru, *r.aliases] for r in people.itertuples()}
    for r in bd.sanction_designations().itertuples():
        spelled[f"{r.list}:{r.list_entry_id}"] = [r.name, *r.aliases]
    checked = 0
    for row in _csv.DictReader(text.splitlines()):
        assert row["evidence"], row
        group = {word_key(w) for s in row["spellings"].split(";") for w in latin_words(s)}
        for ref in row["evidence"].split(";"):
            if ref.startswith("http") or ref not in spelled and ref.startswith("eu:"):
                continue  # a URL, or an EU entry this branch's data does not hold
            assert ref in spelled, (ref, "names a record the data does not have")
            keys = {word_key(w) for s in spelled[ref] if isinstance(s, str) for w in latin_words(s)}
            assert len(keys & group) >= 1, (row["spellings"], ref)
            checked += 1
    assert checked


def test_a_judge_linked_to_a_designation_is_one_hit_that_names_the_lists():
    # judges.designations holds `list/list_entry_id` of the same person's entries (when present).
    judges = pd.DataFrame([{"judge_id": "judge-k", "name": "Uladzimir Kalach", "aliases": [],
                            "designations": ["eu_financial_sanctions/125000"]}])
    designations = pd.DataFrame([{"list": "eu_financial_sanctions", "list_entry_id": "125000",
                                  "subject_type": "individual", "name": "Vladimir Viktorovich KALACH",
                                  "aliases": ["Уладзімір Віктаравіч КАЛАЧ"]}])
    index = _fixture_index(prisoners=_prisoners(("p", "Roman Gałuza")), judges=judges, designations=designations)
    found = index.search("Уладзімір Віктаравіч Калач")
    assert found[["kind", "id", "lists"]].values.tolist() == [["judge", "judge-k", "eu_financial_sanctions"]]
    assert index.search("Kalach", kinds=["designated"]).id.tolist() == ["judge-k"]


def test_a_second_surname_in_brackets_may_be_left_out():
    # "Katsiaryna Andreyeva (Bakhvalava)": how Viasna's roster writes a journalist's two surnames.
    people = _prisoners(("k", "Katsiaryna Andreyeva (Bakhvalava)"), ("x", "Katsiaryna Andreyeva-Smirnova"))
    index = _fixture_index(prisoners=people)
    assert index.search("Katsiaryna Bakhvalava").id.iloc[0] == "k"
    assert index.search("Ekaterina Andreeva (Bakhvalova)").id.iloc[0] == "k"


@given(st.text(max_size=200))
def test_spelling_keys_exist_for_any_text(text):
    words = latin_words(text)
    assert all(w.isascii() and w.isalpha() and w.islower() for w in words)
    assert all(isinstance(word_key(w), str) for w in words)
