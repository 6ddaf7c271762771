"""`belarus-data build`: derived tables rebuilt from raw/ and curated/ equal the committed ones."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import belarus_data as bd
from belarus_data import _package
from belarus_data.build import STEPS, build
from belarus_data.build.judges import cluster_judges, link_designations
from belarus_data.build.prisoners import build_prisoners, match
from belarus_data.build.roster import Article, Judge, RosterRecord
from belarus_data.errors import DataValidationError
from belarus_data.validate import problems

REPO = Path(__file__).resolve().parents[1]
DERIVED = ["datasets/sanction_designations.csv", "datasets/prisoners.csv", "datasets/prisoner_facts.csv",
           "datasets/judges.csv", "datapackage.json", "docs/codebook.md", "docs/build_report.md"]


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    for item in ("datasets", "schemas", "raw", "curated", "docs", "pyproject.toml", "CITATION.cff", "datapackage.json"):
        source = REPO / item
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, tmp_path / item)
    _package.descriptor.cache_clear()
    return tmp_path


def test_rebuilding_from_raw_gives_the_committed_files_byte_for_byte(checkout: Path):
    for path in DERIVED[:4]:
        (checkout / path).write_text("damaged\n", encoding="utf-8") if path.endswith("designations.csv") else None
    build(checkout, echo=lambda *_: None)
    for path in DERIVED:
        assert (checkout / path).read_bytes() == (REPO / path).read_bytes(), f"{path} differs after a rebuild"


def test_a_rebuild_keeps_person_ids_even_when_a_name_slug_would_change(checkout: Path):
    table = checkout / "datasets" / "prisoners.csv"
    frame = pd.read_csv(table, dtype=str, keep_default_na=False)
    roster_only = frame[(frame.roster_record_id != "") & ~frame.source_ids.str.contains(";")].index[0]
    frame.loc[roster_only, "person_id"] = "an-id-a-user-holds"
    frame.to_csv(table, index=False, lineterminator="\n")
    build(checkout, echo=lambda *_: None)
    rebuilt = pd.read_csv(table, dtype=str, keep_default_na=False)
    record = frame.loc[roster_only, "roster_record_id"]
    assert rebuilt.loc[rebuilt.roster_record_id == record, "person_id"].tolist() == ["an-id-a-user-holds"]


@pytest.mark.parametrize("bad, rule", [("361-4-1", "item_pattern"), ("342(2", "item_pattern")])
def test_a_bad_curated_cell_stops_the_build_naming_its_row_before_anything_is_written(checkout: Path, bad, rule):
    curated = checkout / "curated" / "prisoners.csv"
    lines = curated.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if "361-4(1)" in line)
    lines[row] = lines[row].replace("361-4(1)", bad, 1)
    curated.write_text("".join(lines), encoding="utf-8")
    before = {path: (checkout / path).read_bytes() for path in DERIVED}
    with pytest.raises(DataValidationError) as caught:
        build(checkout, echo=lambda *_: None)
    found = caught.value.problems[0]
    assert (found.file, found.row, found.column, found.rule) == \
        ("curated/prisoners.csv", row + 1, "criminal_code_articles", rule)
    assert all((checkout / path).read_bytes() == data for path, data in before.items())


def test_the_build_steps_are_declared_in_order():
    assert STEPS.index("sanction_designations") < STEPS.index("prisoners") < STEPS.index("judges") \
        < STEPS.index("datapackage")


def test_build_without_raw_names_what_is_missing(tmp_path: Path):
    (tmp_path / "schemas").mkdir()
    from belarus_data.cli import main

    assert main(["build", "--root", str(tmp_path)]) == 2


def test_importing_the_package_does_not_import_the_build_subpackage():
    code = "import sys, belarus_data; bd = belarus_data; bd.prisoners(); print('belarus_data.build' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- merging, on small records -----------------------------------------------------------------

def _record(rid: int, name: str, arrested: str = "", verdict: str = "", codes=(), years=None, judges=()):
    raw = {"id": rid, "arrested": arrested, "verdict_date": verdict, "birth_year": ""}
    return RosterRecord(record_id=rid, line=rid, url=f"https://prisoners.spring96.org/en/person/p{rid}", name=name,
                        status="held", gender="male", roles=[], birth_year=None, detained_on=arrested or None,
                        sentenced_on=verdict or None, appeal_decided_on=None, released_on=None,
                        articles=[Article(c) for c in codes], sentence_text="", sentence_years=years,
                        penalty_kind=None, institution="", judges=[Judge(j) for j in judges], raw=raw)


def _curated(pid: str, name: str, aliases: str = "", detained: str = "", articles: str = "", years: str = ""):
    return {"person_id": pid, "name": name, "name_be": "", "name_ru": "", "aliases": aliases, "gender": "",
            "birth_year": "", "citizenship": "", "roles": "", "detained_on": detained, "sentenced_on": "",
            "sentence_years": years, "criminal_code_articles": articles, "viasna_url": "", "notes": "",
            "source_ids": "news-1"}


def test_a_curated_person_merges_only_with_a_name_and_an_agreeing_fact():
    records = [_record(1, "Maryia Kalesnikava", arrested="2020-09-07"), _record(2, "Ihar Losik", codes=["342"])]
    curated = [_curated("maria-k", "Maria Kalesnikava", aliases="Мария Колесникова", detained="2020-09-07"),
               _curated("ihar-losik", "Ihar Łosik", articles="130")]
    merges, report = match(curated, records)
    assert [(m.person_id, m.record.record_id) for m in merges] == [("maria-k", 1)]
    assert any(line.startswith("ihar-losik: candidate record 2") for line in report)


def test_an_article_part_refines_the_same_article_but_other_articles_do_not_agree():
    records = [_record(1, "Larysa Shchyrakova", codes=["361-4"]), _record(2, "Ivan Ivanou", codes=["342-2"])]
    curated = [_curated("larysa", "Larysa Shchyrakova", articles="361-4(1)"), _curated("ivan", "Ivan Ivanou", articles="130")]
    assert [m.person_id for m in match(curated, records)[0]] == ["larysa"]


@pytest.mark.parametrize("curated_code, roster_code", [
    ("342(2)", "342-2"),   # part 2 of article 342 is not article 342-2
    ("361", "361-1"),      # article 361 is not article 361-1
    ("293(1)", "293(2)"),  # two parts of one article
])
def test_codes_of_different_articles_or_parts_do_not_agree(curated_code, roster_code):
    records = [_record(1, "Ivan Ivanou", codes=[roster_code])]
    assert match([_curated("ivan", "Ivan Ivanou", articles=curated_code)], records)[0] == []


def test_two_roster_records_agreeing_with_one_person_merge_neither():
    records = [_record(1, "Ivan Ivanou", arrested="2021-01-02"), _record(2, "Ivan Ivanou", arrested="2021-01-02")]
    merges, report = match([_curated("ivan", "Ivan Ivanou", detained="2021-01-02")], records)
    assert merges == [] and "several roster records agree" in report[0]


def test_an_equal_sentence_length_alone_does_not_merge_but_is_reported():
    records = [_record(1, "Ivan Ivanou", years=5.0), _record(2, "Piotr Piatrou", arrested="2021-01-02", years=5.0)]
    curated = [_curated("ivan", "Ivan Ivanou", years="5"),
               _curated("piotr", "Piotr Piatrou", detained="2021-01-02", years="5")]
    merges, report = match(curated, records)
    assert [(m.person_id, m.evidence) for m in merges] == [("piotr", ["detained_on 2021-01-02", "sentence_years 5"])]
    assert any(line.startswith("ivan: candidate record 1") and "sentence_years 5 agrees (not enough alone)" in line
               for line in report)


def test_a_record_no_longer_merged_does_not_take_back_the_curated_persons_id():
    records = [_record(5, "Ivan Ivanou", years=5.0)]
    curated = [_curated("ivan-the-curated", "Ivan Ivanou", years="5")]
    rows, _, merges, _ = build_prisoners(records, [], curated, {}, {5: "ivan-the-curated"}, "roster", "2023-03")
    assert merges == [] and sorted(r["person_id"] for r in rows) == ["ivan-ivanou", "ivan-the-curated"]


def test_merged_people_keep_their_id_and_both_values_are_facts():
    records = [_record(7, "Ivan Ivanou", arrested="2021-01-02", years=5.0), _record(8, "Ivan Ivanou"),
               _record(9, "Piotr Piatrou", judges=["Vera Filonik"])]
    curated = [_curated("ivan-the-curated", "Ivan Ivanou", detained="2021-01-02", years="4")]
    judges, judge_id_of = cluster_judges(records)
    rows, facts, merges, _ = build_prisoners(records, [], curated, judge_id_of, {9: "piotr-held-id"}, "roster", "2023-03")
    ids = {r["person_id"]: r for r in rows}
    assert set(ids) == {"ivan-the-curated", "ivan-ivanou", "piotr-held-id"}
    assert ids["ivan-the-curated"]["sentence_years"] == "4" and ids["ivan-the-curated"]["roster_record_id"] == "7"
    assert ids["ivan-the-curated"]["source_ids"] == "news-1;roster"
    years = {(f["reported_by"], f["value"], f["used_in_prisoners"]) for f in facts
             if f["person_id"] == "ivan-the-curated" and f["field"] == "sentence_years"}
    assert years == {("curated_news", "4", "true"), ("viasna_roster", "5", "false")}
    assert ids["piotr-held-id"]["judge_ids"] == "vera-filonik"


def test_a_slug_taken_by_another_person_gets_the_record_id():
    records = [_record(3, "Ivan Ivanou"), _record(4, "Ivan Ivanou")]
    rows, *_ = build_prisoners(records, [], [], {}, {}, "roster", "2023-03")
    assert [r["person_id"] for r in rows] == ["ivan-ivanou", "ivan-ivanou-4"]


# --- judges ------------------------------------------------------------------------------------

def test_judge_spellings_cluster_only_when_they_are_the_same_name():
    records = [_record(1, "A B", judges=["Vera Filonik"]), _record(2, "C D", judges=["Filonik Vera", "Kulesh"]),
               _record(5, "I J", judges=["Vera Filonik"]),
               _record(3, "E F", judges=["Dzmitryi Karsiuk", "Aliaksandr Kulesh"]), _record(4, "G H", judges=["Dzmitry Karsiuk"])]
    judges, id_of = cluster_judges(records)
    by_id = {j["judge_id"]: j for j in judges}
    assert by_id["vera-filonik"]["aliases"] == ["Filonik Vera"] and by_id["vera-filonik"]["prisoners_sentenced"] == 3
    assert id_of["Kulesh"] != id_of["Aliaksandr Kulesh"]
    assert id_of["Dzmitryi Karsiuk"] == id_of["Dzmitry Karsiuk"]


def _designations(**columns) -> pd.DataFrame:
    base = {"list": ["eu_fsf", "uk_sanctions_list", "uk_sanctions_list", "us_ofac_sdn", "eu_fsf"],
            "list_entry_id": ["EU.1", "BEL0100", "BEL0200", "9001", "EU.2"],
            "name": ["Vera Mikhailovna FILONIK", "Vera Filonik", "Yauhen Brehan", "BREHAN, Yauhen", "Yauhen BREHAN"],
            "aliases": [["Вера Михайловна ФИЛОНИК"], [], [], [], []],
            "subject_type": ["individual"] * 5}
    base.update(columns)
    return pd.DataFrame({k: v for k, v in base.items() if v is not None})


JUDGES = [{"judge_id": "vera-filonik", "name": "Vera Filonik", "aliases": []},
          {"judge_id": "yauhen-brehan", "name": "Yauhen Brehan", "aliases": []}]


def test_a_judge_is_linked_through_the_eu_function_and_the_shared_subject_id():
    designations = _designations(function=["Judge of the Pershamaiski District Court of Minsk", None, None, None,
                                           "Head of a district executive committee"],
                                 subject_id=["s1", "s1", "s2", "s2", "s3"])
    links, report = link_designations(JUDGES, designations)
    assert links == {"vera-filonik": ["eu_fsf/EU.1", "uk_sanctions_list/BEL0100"]}
    assert any(line.startswith("yauhen-brehan:") and "no function says judge" in line for line in report)


def test_functions_as_lists_and_eu_person_rows_are_understood():
    designations = _designations(function=[["Judge of the Pershamaiski District Court of Minsk"], [], [], [], []],
                                 subject_type=["person", "individual", "individual", "individual", "entity"])
    assert link_designations(JUDGES, designations)[0] == {"vera-filonik": ["eu_fsf/EU.1"]}


def test_two_judicial_subjects_for_one_judge_link_nothing():
    designations = _designations(function=["Judge", None, None, None, "Judge of the Minsk City Court"],
                                 subject_id=["s1", "s1", "s2", "s2", "s3"],
                                 name=["Vera FILONIK", "Vera Filonik", "Yauhen Brehan", "BREHAN, Yauhen", "Vera Filonik"])
    links, report = link_designations(JUDGES, designations)
    assert links == {} and any("ambiguous" in line for line in report)


def test_without_function_or_subject_columns_candidates_are_reported_not_linked():
    links, report = link_designations(JUDGES, _designations(subject_type=None))
    assert links == {}
    assert any(line.startswith("vera-filonik: name candidate") and "no function column" in line for line in report)
    assert link_designations(JUDGES, pd.DataFrame({"list": []}))[0] == {}


# --- the rules and views on the built data ---------------------------------------------------------

def test_a_headline_that_no_source_reported_fails_validation(edit):
    def change(rows):
        row = next(r for r in rows if r["roster_record_id"] and r["sentence_years"])
        row["sentence_years"] = str(float(row["sentence_years"]) + 0.5)
    found = problems(edit("prisoners", change))
    assert [p.rule for p in found] == ["headline_reported"] and found[0].column == "sentence_years"


def test_an_unknown_judge_or_designation_fails_validation(edit):
    def change(rows):
        rows[0]["judge_ids"] = "no-such-judge"
    assert {p.rule for p in problems(edit("prisoners", change))} == {"foreign_key"}


def test_a_designation_link_to_no_listed_entry_fails_validation(edit):
    def change(rows):
        rows[0]["designations"] = "uk_sanctions_list/BEL9999"
    found = problems(edit("judges", change))
    assert [(p.rule, p.column) for p in found] == [("foreign_key", "designations")]


def test_every_roster_person_is_a_prisoners_row_and_cites_the_roster():
    people = bd.prisoners()
    roster = people[people.roster_record_id.notna()]
    assert roster.roster_record_id.is_unique
    assert roster.source_ids.map(lambda ids: "viasna-2023-03-political-prisoners-database" in ids).all()
    assert roster.viasna_status.notna().all() and (roster.viasna_status_as_of == "2023-03").all()


def test_held_at_export_says_who_is_named_as_freed():
    held = bd.held_at_roster_export()
    assert (held.viasna_status == "held").all()
    named = set(bd.prisoner_releases().person_id)
    assert (held.named_as_freed == held.person_id.isin(named)).all()
    assert held.loc[held.named_as_freed, "first_release_date"].notna().all()


def test_released_prisoners_carry_the_roster_facts_of_merged_people():
    view = bd.released_prisoners()
    people = bd.prisoners().set_index("person_id")
    in_roster = view[view.roster_record_id.notna()]
    assert len(in_roster) > 0
    for r in in_roster.itertuples():
        assert people.loc[r.person_id, "roster_record_id"] == r.roster_record_id
