"""The roster parse: real strings of Viasna's export as examples, and every problem reported."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from belarus_data.build.roster import (
    PENALTY_KINDS,
    format_years,
    parse_article,
    parse_judges,
    parse_sentence,
    penalty_kind,
    read_roster,
    roles,
)

REPO = Path(__file__).resolve().parents[1]
ROSTER = REPO / "raw" / "viasna-political-prisoners-2023-03.jsonl"


@pytest.mark.parametrize("text, years", [
    ("2 1/2 years", 2.5), ("1 year and 6 months", 1.5), ("19 months", 1.583), ("4 1\\2 years", 4.5),
    ("1,5 years", 1.5), ("five years", 5.0), ("3 месяца", 0.25), ("2 2/3 years", 2.667),
    ("6 years, 3 months and 2 days", 6.255), ("8 1/2 years, fine of 8,700 rubles", 8.5),
    ("140 base rates, 18 months", 1.5), ("7 1/2 months", 0.625), ("1 years", 1.0), ("3 month", 0.25),
    ("3 months of arrest of the guardhouse of the military commandant's office", 0.25),
])
def test_a_sentence_text_giving_a_term_gives_its_years(text, years):
    assert parse_sentence(text) == (years, None)


@pytest.mark.parametrize("text", [
    "150 base rates", "5.100 Belarusian rubles", "500 base value", "unknown", "the outcome of the trial is unknown",
    "coercive treatment", "Charges dismissed", "120 community-service hours", "",
    "release from criminal liability due to the statute of limitations",
])
def test_fines_unknowns_and_treatment_give_no_years_and_no_problem(text):
    assert parse_sentence(text) == (None, None)


@pytest.mark.parametrize("text", ["1 tear", "3 yers", "3 minths", "1 year adn 6 months", "4 1/2"])
def test_typos_give_no_years_and_a_reason(text):
    years, why = parse_sentence(text)
    assert years is None and text in why


def test_years_are_written_with_at_most_three_decimals_and_no_trailing_zeros():
    assert [format_years(v) for v in (16.0, 2.5, 1.0833333, None)] == ["16", "2.5", "1.083", ""]


@pytest.mark.parametrize("text, code, attempted, prepared", [
    ("Art. 342 of the Criminal Code — Organization and preparation of actions that grossly violate public order", "342", False, False),
    ("Part 2 of Art. 293 of the Criminal Code — Participation in riots", "293(2)", False, False),
    ("Art. 361-1 of the Criminal Code — Creation of an extremist formation", "361-1", False, False),
    ("Part 3 of Art. 361-1 of the Criminal Code — Participation in an extremist formation", "361-1(3)", False, False),
    ("Part 3 of Art. 293 of the Criminal code — Training", "293(3)", False, False),
    # an article with a suffix and a part of the same number never give the same code
    ("Art. 342-2 of the Criminal Code — Repeated violation of the order of mass events", "342-2", False, False),
    ("Part 2 of Art. 342 of the Criminal Code — Funding of group actions", "342(2)", False, False),
    ("art. 188 of the Criminal Code — Libel", "188", False, False),
    ("Art. 411", "411", False, False),
    ("Art. 426 of the Criminal Code: Abuse of power or authority", "426", False, False),
    ("Part 1 of Article 13 and Article 293 of the Criminal Code — Preparation for mass riots", "293", False, True),
    ("Part 1 of Art. 14 and Part 2 of Art. 357 of the Criminal Code — Attempted conspiracy", "357(2)", True, False),
    ("p. 5 of Part 2 of Art. 147 of the Criminal Code — Grievous bodily harm", "147(2)", False, False),
])
def test_article_texts_become_codes_with_attempts_and_preparations_marked(text, code, attempted, prepared):
    article, remark = parse_article(text)
    assert (article.code, article.attempted, article.prepared, remark) == (code, attempted, prepared, None)


def test_an_article_with_an_unclear_point_keeps_the_article_and_says_why():
    article, remark = parse_article("P. 2 of Art. 424 — Abuse of power")
    assert article.code == "424" and "P. 2" in remark
    assert parse_article("Criminal Code, some article")[0] is None


def test_every_penalty_text_of_the_roster_has_a_kind():
    for text in PENALTY_KINDS:
        assert penalty_kind(text)[0] is not None
    assert penalty_kind("imprisonment in a medium-security penal colony") == ("medium_security_colony", None)
    assert penalty_kind("community work")[0] is None and "community work" in penalty_kind("community work")[1]


def test_judges_split_at_commas_and_cyrillic_spellings_kept_apart():
    judges, remarks = parse_judges("Mikalai Siarheika Сергейко Николай Сяргейка Мікалай")
    assert [(j.name, j.other_spellings) for j in judges] == [("Mikalai Siarheika", ["Сергейко Николай", "Сяргейка Мікалай"])]
    judges, remarks = parse_judges("Yauhen Brehan, Vera Filonik, G.")
    assert [j.name for j in judges] == ["Yauhen Brehan", "Vera Filonik"] and remarks == ["judge 'G.' names nobody (initials only)"]


@pytest.mark.parametrize("description, expected", [
    ("Viasna volunteer, sentenced to 6 years", []),
    ("Blogger and public figure", ["blogger"]),
    ("human rights activist, coordinator of Viasna's Volunteer Service, sentenced to 15 years", ["human_rights_defender"]),
    ("journalist, political activist", ["journalist", "activist"]),
    ("former BSU student, served full term, released", []),
    ("trade union activist", ["activist", "trade_unionist"]),
    ("Orthodox priest, sentenced to 16 years of imprisonment", ["religious_figure"]),
    ("taxi driver, sentenced to 4 1/2 years in prison", []),
])
def test_roles_only_where_the_description_states_one(description, expected):
    assert roles(description) == expected


def test_reading_the_roster_reports_every_anonymised_or_broken_record_by_id():
    records, problems = read_roster(ROSTER, "raw/roster.jsonl")
    lines = [json.loads(x) for x in ROSTER.read_text(encoding="utf-8").splitlines() if x.strip()]
    anonymised = {p.message.split(":")[0] for p in problems if p.rule == "anonymised"}
    assert len(records) + len(anonymised) == len(lines)  # no record dropped silently
    assert anonymised == {f"record {r['id']}" for r in lines if not r["name"].strip()}
    for p in problems:
        assert p.file == "raw/roster.jsonl" and p.row and p.message.startswith("record ")
    by_id = {r.record_id: r for r in records}
    for p in problems:
        if p.rule == "birth_year":
            assert by_id[int(p.message.split()[1].rstrip(":"))].birth_year is None
        if p.rule == "date_order":
            record = by_id[int(p.message.split()[1].rstrip(":"))]
            assert getattr(record, p.column) is None and record.raw["verdict_date"]


def test_people_listed_only_by_a_description_are_kept_and_reported():
    records, problems = read_roster(ROSTER)
    flagged = {int(p.message.split()[1].rstrip(":")) for p in problems if p.rule == "placeholder_name"}
    names = {r.record_id: r.name for r in records}
    assert flagged and all(names[i].split()[0] in ("Citizen", "Resident", "A", "Defendant", "Guarantor", "Convicted")
                           for i in flagged)
    assert not any(names[i] == "Castro e Silva Sergio" for i in flagged)


def test_typed_records_keep_their_dates_in_order_and_birth_years_possible():
    records, _ = read_roster(ROSTER)
    for r in records:
        if r.detained_on and r.sentenced_on:
            assert r.detained_on <= r.sentenced_on
        if r.birth_year is not None:
            assert 1900 <= r.birth_year <= int((r.detained_on or "2023")[:4]) - 14


def test_a_broken_line_is_reported_not_dropped(tmp_path):
    path = tmp_path / "roster.jsonl"
    good = ROSTER.read_text(encoding="utf-8").splitlines()[0]
    path.write_text(good + "\n{not json\n" + good.replace('"1 1/2 years"', '"x"').replace('"6 years"', '"6 yaers"') + "\n",
                    encoding="utf-8")
    records, problems = read_roster(path, "r.jsonl")
    assert len(records) == 2
    assert [(p.row, p.rule) for p in problems] == [(2, "json"), (3, "sentence")]
