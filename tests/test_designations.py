"""Tests for belarus_data.designations (fixtures: fictional entries in tests/fixtures/designations)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from belarus_data.designations import (
    COLUMNS,
    DesignationInputError,
    belarus_looking,
    build_designations,
    designation_sources,
    main,
    names_gone,
    write_table,
)

FIX = Path(__file__).parent / "fixtures" / "designations"
SDN = FIX / "us-ofac-sdn-2026-08-20.csv"
NAMES = FIX / "us-ofac-sdn-names-2026-03-22.json"
UK_SUBJECTS = "uk-sanctions-list-belarus-subjects-2026-04.csv"
UK_NAMES = "uk-sanctions-list-belarus-names-2026-04.csv"
SCHEMA = Path(__file__).parents[1] / "schemas" / "sanction_designations.json"


def _row(df: pd.DataFrame, entry_id: str) -> pd.Series:
    found = df[df["list_entry_id"] == entry_id]
    assert len(found) == 1, entry_id
    return found.iloc[0]


def _sanctions(**overrides) -> pd.DataFrame:
    rows = [
        # exact target (punctuation and case differ), the row we expect
        dict(action_id="us-2026-05-01-sample-potash", date="2026-05-01", jurisdiction="US", action="lift",
             target="Sample-Potash, OAO", target_kind="entities", source_ids="test-2026-05-01-a;test-2026-05-01-b"),
        # ignored: other jurisdiction, sector target, later than the later snapshot, still listed, not a lift
        dict(action_id="eu-2026-06-01-minsk-demo", date="2026-06-01", jurisdiction="EU", action="lift",
             target="Minsk Demo Factory", target_kind="entities", source_ids="test-eu"),
        dict(action_id="us-2026-05-01-potash", date="2026-05-01", jurisdiction="US", action="lift",
             target="Gone Holdings Ltd", target_kind="sector", source_ids="test-sector"),
        dict(action_id="us-2026-09-01-gone", date="2026-09-01", jurisdiction="US", action="lift",
             target="Gone Holdings Ltd", target_kind="entities", source_ids="test-late"),
        dict(action_id="us-2026-05-02-example", date="2026-05-02", jurisdiction="US", action="lift",
             target="Example Works OAO", target_kind="entities", source_ids="test-listed"),
        dict(action_id="us-2026-05-03-impose", date="2026-05-03", jurisdiction="US", action="impose",
             target="Minsk Demo Factory", target_kind="entities", source_ids="test-impose"),
    ]
    df = pd.DataFrame(rows)
    for k, v in overrides.items():
        df[k] = v
    return df


def test_us_rows_filtered_by_belarus_programme():
    df = build_designations(SDN, None)
    assert list(df.columns) == COLUMNS
    assert list(df["list_entry_id"]) == ["101", "102", "104", "106"]  # 103, 105 lack a BELARUS programme
    assert set(df["list"]) == {"us_ofac_sdn"}
    assert _row(df, "102")["programs"] == ["BELARUS-EO14038"]  # RUSSIA-EO14024 left out
    assert _row(df, "106")["programs"] == ["BELARUS", "BELARUS-EO14038"]
    assert _row(df, "104")["subject_type"] == "aircraft"
    ivan = _row(df, "101")
    assert ivan["name"] == "TESTOVICH, Ivan Ivanovich"
    assert ivan["aliases"] == ["TESTOVICH, Ivan", "TESTOVYCH, Ivan"]  # dedupe, order kept, primary removed
    assert ivan["source_ids"] == ["ofac-2026-08-20-sdn-list"]
    assert df["list_as_of"].eq(pd.Timestamp("2026-08-20")).all()
    assert df["designated_on"].isna().all() and df["delisted_on"].isna().all()
    for col in ("designated_on", "delisted_on", "list_as_of"):
        assert df[col].dtype == "datetime64[ns]"


def test_uk_rows_aliases_types_and_dates():
    df = build_designations(None, FIX)
    assert list(df["list_entry_id"]) == ["BEL9001", "BEL9002", "BEL9003"]
    ivan, plant, ship = (_row(df, i) for i in ("BEL9001", "BEL9002", "BEL9003"))
    assert ivan["name"] == "Ivan Ivanovich Testovich"
    assert ivan["aliases"] == ["Ivan Testovich"]
    assert plant["name"] == "Example Plant"  # first primary; blanks collapsed
    assert plant["aliases"] == ["OJSC 'Example Plant'", "Example Plant JSC"]  # second primary becomes an alias
    assert [ivan["subject_type"], plant["subject_type"], ship["subject_type"]] == ["individual", "entity", "vessel"]
    assert ivan["designated_on"] == pd.Timestamp("2020-12-31")
    assert plant["designated_on"] == pd.Timestamp("2021-06-21")
    assert pd.isna(ship["designated_on"])
    assert df["list_as_of"].eq(pd.Timestamp("2025-09-03")).all()  # max last_updated
    assert all(p == ["UK-BELARUS"] for p in df["programs"])
    assert all(s == ["uk-fcdo-2026-04-sanctions-list-belarus"] for s in df["source_ids"])


def test_both_lists_sorted_and_counted():
    df = build_designations(SDN, FIX, NAMES, None)  # no sanctions table: no delisted rows
    assert list(df["list"]) == ["uk_sanctions_list"] * 3 + ["us_ofac_sdn"] * 4
    assert df.attrs["counts"] == {"us_current": 4, "uk": 3}


def test_names_gone_and_belarus_looking():
    gone = names_gone(NAMES, SDN)
    # EXAMPLEWORKS JSC matches EXAMPLE-WORKS JSC and TESTOVICH IVAN matches "TESTOVICH, Ivan"
    assert gone == ["DEMO AIRLINES", "DEMO AIRLINES OAO", "EW99999", "GONE HOLDINGS LTD", "JSC SAMPLE POTASH",
                    "MINSK DEMO FACTORY", "OAO TESTKALIY", "PRETESTKALI LLC", "SAMPLE POTASH COMPANY",
                    "SAMPLE POTASH OAO", "TESTKALI OAO", "TESTKALIYNAYA PLANT"]
    assert belarus_looking(gone) == ["MINSK DEMO FACTORY"]


def test_delisted_rows_from_lift_actions():
    df = build_designations(SDN, None, NAMES, _sanctions())
    former = df[df["list_entry_id"].str.startswith("former:")]
    assert len(former) == 1
    row = former.iloc[0]
    assert row["list_entry_id"] == "former:SAMPLE-POTASH-OAO"
    assert row["name"] == "SAMPLE POTASH OAO"
    assert row["aliases"] == []  # exact target: no token-containment siblings
    assert row["subject_type"] == "entity"
    assert row["status"] == "delisted"
    assert row["delisted_on"] == pd.Timestamp("2026-05-01")
    assert row["list_as_of"] == pd.Timestamp("2026-08-20")
    assert row["source_ids"] == ["ofac-2026-08-20-sdn-list", "ofac-2026-03-22-sdn-names",
                                 "test-2026-05-01-a", "test-2026-05-01-b"]
    assert df.attrs["counts"] == {"us_current": 4, "us_delisted": 1}


def test_delisted_target_contained_in_names_gives_one_row():
    sanctions = _sanctions().iloc[:1].assign(target="sample potash", source_ids=[["test-x"]], target_kind=None)
    df = build_designations(SDN, None, NAMES, sanctions)
    row = df[df["list_entry_id"].str.startswith("former:")].iloc[0]
    # shortest matching gone name (tie broken alphabetically); the other matches become aliases
    assert row["name"] == "JSC SAMPLE POTASH"
    assert row["aliases"] == ["SAMPLE POTASH COMPANY", "SAMPLE POTASH OAO"]
    assert pd.isna(row["subject_type"])
    assert row["source_ids"][-1] == "test-x"


def test_sanctions_as_mapping_and_without_lifts():
    mapping = {"action": ["impose", "lift"], "target": ["Minsk Demo Factory"] * 2,
               "date": ["2026-01-01", "2026-04-01"], "source_ids": ["test-a", ["test-b", "test-c"]]}
    df = build_designations(SDN, None, NAMES, mapping)
    row = _row(df, "former:MINSK-DEMO-FACTORY")
    assert row["delisted_on"] == pd.Timestamp("2026-04-01")
    assert row["source_ids"][2:] == ["test-b", "test-c"]
    no_lift = {k: v[:1] for k, v in mapping.items()}
    assert build_designations(SDN, None, NAMES, no_lift).attrs["counts"] == {"us_current": 4, "us_delisted": 0}


def test_sanctions_bad_date_and_missing_column():
    with pytest.raises(DesignationInputError, match=r"sanctions table, row 0, column 'date'.*bad date"):
        build_designations(SDN, None, NAMES, _sanctions(date="01/05/2026"))
    with pytest.raises(DesignationInputError, match=r"missing column.*source_ids"):
        build_designations(SDN, None, NAMES, _sanctions().drop(columns="source_ids"))


@pytest.fixture
def uk_copy(tmp_path: Path) -> Path:
    for name in (UK_SUBJECTS, UK_NAMES):
        shutil.copy(FIX / name, tmp_path / name)
    return tmp_path


def test_missing_column_names_file_and_column(uk_copy: Path):
    path = uk_copy / UK_SUBJECTS
    pd.read_csv(path, dtype=str).drop(columns="date_designated").to_csv(path, index=False)
    with pytest.raises(DesignationInputError, match=r"subjects-2026-04\.csv: missing column.*'date_designated'"):
        build_designations(None, uk_copy)


def test_bad_date_names_file_row_and_column(uk_copy: Path):
    path = uk_copy / UK_SUBJECTS
    path.write_text(path.read_text().replace("21/06/2021", "31/02/2021"))
    with pytest.raises(DesignationInputError) as err:
        build_designations(None, uk_copy)
    msg = str(err.value)
    assert UK_SUBJECTS in msg and "row 3" in msg and "'date_designated'" in msg and "31/02/2021" in msg


def test_unknown_subject_type(uk_copy: Path):
    path = uk_copy / UK_SUBJECTS
    path.write_text(path.read_text().replace("Ship", "Submarine"))
    with pytest.raises(DesignationInputError, match=r"row 4, column 'subject_type'.*'Submarine'"):
        build_designations(None, uk_copy)


def test_names_of_unknown_subject_are_not_dropped(uk_copy: Path):
    path = uk_copy / UK_NAMES
    path.write_text(path.read_text() + "00009,BEL9999,primary,,Nobody,Nobody,,,,,\n")
    with pytest.raises(DesignationInputError, match=r"row 10, column 'unique_id'.*BEL9999"):
        build_designations(None, uk_copy)


def test_formula_like_cell_is_rejected(tmp_path: Path):
    sdn = tmp_path / "us-ofac-sdn-2026-08-20.csv"
    sdn.write_text(SDN.read_text().replace("TESTOVYCH, Ivan", "=HYPERLINK(1)"))
    with pytest.raises(DesignationInputError, match=r"row 2, column 'alternate_names'.*starts with"):
        build_designations(sdn, None)


def test_snapshot_date_from_file_name_and_error(tmp_path: Path):
    sdn = tmp_path / "us-ofac-sdn-2026-01-02.csv"  # no metadata beside it
    shutil.copy(SDN, sdn)
    assert build_designations(sdn, None)["list_as_of"].eq(pd.Timestamp("2026-01-02")).all()
    undated = tmp_path / "sdn.csv"
    shutil.copy(SDN, undated)
    with pytest.raises(DesignationInputError, match=r"sdn\.csv: no snapshot date"):
        build_designations(undated, None)


def test_determinism_and_input_order(tmp_path: Path):
    write_table(build_designations(SDN, FIX, NAMES, _sanctions()), tmp_path / "a.csv")
    write_table(build_designations(SDN, FIX, NAMES, _sanctions()), tmp_path / "b.csv")
    shuffled = tmp_path / "us-ofac-sdn-2026-08-20.csv"
    lines = SDN.read_text().splitlines(keepends=True)
    shuffled.write_text(lines[0] + "".join(reversed(lines[1:])))
    shutil.copy(FIX / "us-ofac-sdn-2026-08-20.metadata.json", tmp_path)
    write_table(build_designations(shuffled, FIX, NAMES, _sanctions().iloc[::-1]), tmp_path / "c.csv")
    a = (tmp_path / "a.csv").read_bytes()
    assert a == (tmp_path / "b.csv").read_bytes() == (tmp_path / "c.csv").read_bytes()


def test_write_table_format(tmp_path: Path):
    out = tmp_path / "sub" / "t.csv"
    write_table(build_designations(SDN, FIX, NAMES, _sanctions()), out)
    raw = out.read_bytes()
    assert b"\r" not in raw
    text = raw.decode("utf-8").splitlines()
    assert text[0] == ",".join(COLUMNS)
    assert text[1] == ("uk_sanctions_list,BEL9001,ivan-ivanovich-testovich,individual,Ivan Ivanovich Testovich,"
                       "Ivan Testovich,,,UK-BELARUS,2020-12-31,listed,,2025-09-03,uk-fcdo-2026-04-sanctions-list-belarus")
    # the same person on the US list: one subject_id across lists
    assert ('us_ofac_sdn,101,ivan-ivanovich-testovich,individual,"TESTOVICH, Ivan Ivanovich",'
            '"TESTOVICH, Ivan;TESTOVYCH, Ivan",,,BELARUS,,listed,,2026-08-20,ofac-2026-08-20-sdn-list') in text
    assert ("us_ofac_sdn,former:SAMPLE-POTASH-OAO,sample-potash-oao,entity,SAMPLE POTASH OAO,,,,,,delisted,"
            "2026-05-01,2026-08-20,"
            "ofac-2026-08-20-sdn-list;ofac-2026-03-22-sdn-names;test-2026-05-01-a;test-2026-05-01-b") in text


def test_write_table_rejects_semicolon_in_list_item(tmp_path: Path):
    df = build_designations(None, FIX)
    df.at[0, "aliases"] = ["a;b"]
    with pytest.raises(DesignationInputError, match="contains ';'"):
        write_table(df, tmp_path / "t.csv")


def test_designation_sources():
    src = designation_sources(SDN, FIX, NAMES)
    assert list(src["source_id"]) == ["ofac-2026-08-20-sdn-list", "ofac-2026-03-22-sdn-names",
                                      "uk-fcdo-2026-04-sanctions-list-belarus"]
    assert src["source_id"].str.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*").all()
    assert src.loc[0, "url"] == "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.CSV"
    assert src.loc[0, "published_on"] == "2026-08-20"
    assert src.loc[2, "url"] == "https://www.gov.uk/government/publications/the-uk-sanctions-list"
    assert "kindrat86/ofac-sdn-json" in src.loc[0, "notes"] and "covyr/uk-sanctions-list" in src.loc[2, "notes"]
    assert set(src["kind"]) == {"government"} and set(src["language"]) == {"en"}


def test_cli_summary(tmp_path: Path, capsys):
    out = tmp_path / "t.csv"
    assert main(["--ofac-sdn", str(SDN), "--uk-dir", str(FIX), "--ofac-earlier-names", str(NAMES),
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "wrote 7 rows" in printed
    assert "12 names gone between the SDN snapshots, 1 Belarus-looking" in printed
    assert "MINSK DEMO FACTORY" in printed


# --- status, announce actions, multi-subject targets --------------------------------------------

def _act(action_id: str, date: str, action: str, target: str, sources: str, kind: str = "entities") -> dict:
    return dict(action_id=action_id, date=date, jurisdiction="US", action=action, target=target,
                target_kind=kind, source_ids=sources)


def test_columns_follow_schema_and_status_values():
    fields = [f["name"] for f in json.loads(SCHEMA.read_text(encoding="utf-8"))["fields"]]
    assert COLUMNS == fields
    assert COLUMNS.index("status") == COLUMNS.index("delisted_on") - 1
    df = build_designations(SDN, FIX, NAMES, _sanctions())
    assert list(df.columns) == fields
    former = df["list_entry_id"].str.startswith("former:")
    assert df.loc[former, "status"].eq("delisted").all() and former.sum() == 1
    assert df.loc[~former, "status"].eq("listed").all() and (~former).sum() == 7  # US and UK
    assert df.loc[~former, "delisted_on"].isna().all()


def test_announce_gives_delisted_row_without_date():
    sanctions = pd.DataFrame([_act("us-2026-04-01-announce", "2026-04-01", "announce", "Minsk Demo Factory",
                                   "test-envoy-a;test-envoy-b")])
    df = build_designations(SDN, None, NAMES, sanctions)
    row = _row(df, "former:MINSK-DEMO-FACTORY")
    assert row["status"] == "delisted"
    assert pd.isna(row["delisted_on"])
    assert row["subject_type"] == "entity"
    assert row["source_ids"] == ["ofac-2026-08-20-sdn-list", "ofac-2026-03-22-sdn-names",
                                 "test-envoy-a", "test-envoy-b"]
    assert df.attrs["counts"] == {"us_current": 4, "us_delisted": 1}
    # announcements of other jurisdictions, of sectors, or after the later snapshot do not count
    ignored = pd.DataFrame([
        {**_act("eu-a", "2026-04-01", "announce", "Minsk Demo Factory", "t"), "jurisdiction": "EU"},
        _act("us-b", "2026-04-01", "announce", "Minsk Demo Factory", "t", kind="sector"),
        _act("us-c", "2026-08-21", "announce", "Minsk Demo Factory", "t")])
    assert build_designations(SDN, None, NAMES, ignored).attrs["counts"]["us_delisted"] == 0


def test_written_announce_row_has_empty_delisted_on(tmp_path: Path):
    sanctions = pd.DataFrame([_act("us-2026-04-01-announce", "2026-04-01", "announce", "Minsk Demo Factory", "t")])
    write_table(build_designations(SDN, None, NAMES, sanctions), tmp_path / "t.csv")
    assert ("us_ofac_sdn,former:MINSK-DEMO-FACTORY,minsk-demo-factory,entity,MINSK DEMO FACTORY,,,,,,delisted,,2026-08-20,"
            "ofac-2026-08-20-sdn-list;ofac-2026-03-22-sdn-names;t") in (tmp_path / "t.csv").read_text().splitlines()


@pytest.mark.parametrize("order", [1, -1])
def test_lift_outranks_announce_for_the_same_subject(order):
    # "Sample Potash" matches all three gone spellings, so the later actions reach the same row
    rows = [_act("us-2026-04-01-announce", "2026-04-01", "announce", "Sample Potash", "test-announce"),
            _act("us-2026-05-01-lift", "2026-05-01", "lift", "Sample Potash OAO", "test-lift"),
            _act("us-2026-06-01-announce", "2026-06-01", "announce", "Sample Potash Company", "test-late-announce")]
    df = build_designations(SDN, None, NAMES, pd.DataFrame(rows[::order]))
    former = df[df["status"] == "delisted"]
    assert len(former) == 1  # one subject: one row, id and name from the earliest action
    row = former.iloc[0]
    assert row["list_entry_id"] == "former:JSC-SAMPLE-POTASH"
    assert row["aliases"] == ["SAMPLE POTASH COMPANY", "SAMPLE POTASH OAO"]
    assert row["delisted_on"] == pd.Timestamp("2026-05-01")  # the lift's date, not an announcement's
    assert row["source_ids"][2:] == ["test-lift"]


def test_unlinked_spellings_stay_separate_rows():
    # the earlier snapshot has no ids: spellings that no target part links stay apart (a known limit)
    rows = [_act("us-a", "2026-04-01", "announce", "Sample Potash Company", "t1"),
            _act("us-b", "2026-05-01", "lift", "JSC Sample Potash", "t2")]
    df = build_designations(SDN, None, NAMES, pd.DataFrame(rows))
    assert list(df.loc[df["status"] == "delisted", "list_entry_id"]) == [
        "former:JSC-SAMPLE-POTASH", "former:SAMPLE-POTASH-COMPANY"]


def test_comma_and_and_separated_targets():
    target = "Testkali, Demo Airlines and aircraft EW-99999, and Minsk Demo Factory"
    df = build_designations(SDN, None, NAMES, pd.DataFrame([_act("us-a", "2026-05-01", "lift", target, "t")]))
    former = df[df["status"] == "delisted"].set_index("list_entry_id")
    assert list(former.index) == ["former:DEMO-AIRLINES", "former:EW99999", "former:MINSK-DEMO-FACTORY",
                                  "former:TESTKALI-OAO"]
    assert former.loc["former:DEMO-AIRLINES", "aliases"] == ["DEMO AIRLINES OAO"]
    assert former.loc["former:EW99999", "subject_type"] == "aircraft"  # leading "aircraft" word
    assert former.loc["former:MINSK-DEMO-FACTORY", "subject_type"] == "entity"
    # prefix variant: one word of >= 6 letters, at most 2 more letters; not inside or far beyond a word
    assert former.loc["former:TESTKALI-OAO", "name"] == "TESTKALI OAO"  # whole-word match preferred
    assert former.loc["former:TESTKALI-OAO", "aliases"] == ["OAO TESTKALIY"]
    assert former["delisted_on"].eq(pd.Timestamp("2026-05-01")).all()
    assert all(s == ["ofac-2026-08-20-sdn-list", "ofac-2026-03-22-sdn-names", "t"] for s in former["source_ids"])


def test_target_parts_not_split_inside_names_and_legal_forms_ignored():
    acts = pd.DataFrame([
        _act("us-a", "2026-05-01", "lift", "Demo Airlines, OAO", "t"),  # a name with a comma: kept whole
        _act("us-b", "2026-05-01", "announce", "Minsk Demo Factory, OAO", "t")])  # "OAO" alone names nothing
    df = build_designations(SDN, None, NAMES, acts)
    former = df[df["status"] == "delisted"]
    assert list(former["list_entry_id"]) == ["former:DEMO-AIRLINES-OAO", "former:MINSK-DEMO-FACTORY"]
    assert _row(df, "former:DEMO-AIRLINES-OAO")["aliases"] == []
    assert _row(df, "former:MINSK-DEMO-FACTORY")["aliases"] == []


def test_short_one_word_part_gets_no_prefix_match():
    acts = pd.DataFrame([_act("us-a", "2026-05-01", "lift", "EW9999, Demo", "t")])
    df = build_designations(SDN, None, NAMES, acts)
    demo = _row(df, "former:DEMO-AIRLINES")  # "Demo" matches whole words only
    assert demo["aliases"] == ["DEMO AIRLINES OAO", "MINSK DEMO FACTORY"]
    assert not df["list_entry_id"].eq("former:EW99999").any()  # EW9999 is not a prefix match of EW99999


def test_determinism_with_multi_subject_targets(tmp_path: Path):
    acts = pd.DataFrame([
        _act("us-2026-04-01-a", "2026-04-01", "announce", "Testkali, Sample Potash Company", "t1"),
        _act("us-2026-05-01-b", "2026-05-01", "lift", "Demo Airlines and aircraft EW-99999", "t2"),
        _act("us-2026-05-01-c", "2026-05-01", "lift", "Sample Potash", "t3")])  # same subject as in -a
    outs = []
    for i, frame in enumerate([acts, acts.iloc[::-1], acts.sample(frac=1, random_state=3)]):
        write_table(build_designations(SDN, FIX, NAMES, frame), tmp_path / f"{i}.csv")
        outs.append((tmp_path / f"{i}.csv").read_bytes())
    assert outs[0] == outs[1] == outs[2]
    text = outs[0].decode()
    assert ("former:SAMPLE-POTASH-COMPANY,sample-potash-company,entity,SAMPLE POTASH COMPANY,"
            "JSC SAMPLE POTASH;SAMPLE POTASH OAO,,,,,delisted,2026-05-01,") in text
    assert "former:TESTKALI-OAO,testkali-oao,entity,TESTKALI OAO,OAO TESTKALIY,,,,,delisted,,2026-08-20," in text


# --- EU list and the cross-list identity -----------------------------------------------------------

EU = FIX / "eu-fsf-belarus-2022-09-13.csv"


def test_eu_rows_read_names_functions_birth_years():
    df = build_designations(eu_list=EU)
    assert set(df["list"]) == {"eu_financial_sanctions"}
    assert df["list_as_of"].eq(pd.Timestamp("2022-09-13")).all()
    assert all(p == ["EU-BLR"] for p in df["programs"])
    ivan = _row(df, "9001")
    assert ivan["name"] == "Ivan Ivanavich TESTOVICH"
    assert ivan["aliases"] == ["Иван Иванович ТЕСТОВИЧ", "Іван Іванавіч ТЭСТОВІЧ"]
    assert ivan["function"] == ["Director of Example Plant"]  # duplicate after blank-normalising dropped
    assert ivan["birth_year"] == 1960 and ivan["subject_type"] == "individual"
    assert _row(df, "9002")["subject_type"] == "entity" and pd.isna(_row(df, "9002")["birth_year"])
    assert _row(df, "9002")["aliases"] == ["ОАО «Пример Плант»", 'ОАО "Пример"']  # doubled quotes written once
    assert _row(df, "9004")["function"] == ["Judge of the Demo Court"]  # the file's literal \n read as a blank
    assert all(s == ["ec-2022-09-13-fsf-belarus"] for s in df["source_ids"])


def test_eu_designated_on_is_the_listing_regulation_unless_it_only_restated_the_name():
    df = build_designations(eu_list=EU)
    assert _row(df, "9001")["designated_on"] == pd.Timestamp("2021-06-21")
    # 2022-02-25 first-listed nobody (a renewal that restated the name): the remark's first listing day
    assert _row(df, "9003")["designated_on"] == pd.Timestamp("2020-10-02")
    # a remark disagreeing with a regulation that did list people is not used
    assert _row(df, "9004")["designated_on"] == pd.Timestamp("2021-06-21")


def test_eu_bad_birth_year_and_missing_column_name_file_row_column(tmp_path: Path):
    bad = tmp_path / EU.name
    bad.write_text(EU.read_text(encoding="utf-8").replace(",1975,", ",about 1975,"), encoding="utf-8")
    with pytest.raises(DesignationInputError, match=r"eu-fsf-belarus-2022-09-13\.csv, row 5, column 'birth_year'"):
        build_designations(eu_list=bad)
    pd.read_csv(EU, dtype=str).drop(columns="remark").to_csv(bad, index=False)
    with pytest.raises(DesignationInputError, match=r"missing column.*'remark'"):
        build_designations(eu_list=bad)


def test_subject_id_joins_the_same_subject_across_lists():
    df = build_designations(SDN, FIX, eu_list=EU)
    assert df["subject_id"].str.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*").all()
    ids = df.set_index(df["list"] + ":" + df["list_entry_id"])["subject_id"]
    # Testovich: UK (given names first), US (surname first), EU (Belarusian spelling, Cyrillic aliases)
    assert ids["uk_sanctions_list:BEL9001"] == ids["us_ofac_sdn:101"] == ids["eu_financial_sanctions:9001"]
    assert ids["uk_sanctions_list:BEL9001"] == "ivan-ivanovich-testovich"  # the UK row's name makes the slug
    assert ids["eu_financial_sanctions:9002"] == ids["uk_sanctions_list:BEL9002"]  # legal forms ignored
    assert ids["eu_financial_sanctions:9003"] == ids["us_ofac_sdn:106"]  # "Petr DEMO" = "DEMO, Petr"
    assert ids["us_ofac_sdn:102"] != ids["uk_sanctions_list:BEL9002"]  # Example Works is not Example Plant
    assert ids.is_unique is False and df.groupby("subject_id")["list"].agg(lambda x: x.is_unique).all()


def test_eu_source_row_and_cli(tmp_path: Path, capsys):
    src = designation_sources(eu_list=EU)
    assert list(src["source_id"]) == ["ec-2022-09-13-fsf-belarus"]
    assert src.loc[0, "url"] == "https://webgate.ec.europa.eu/fsd/fsf"
    assert src.loc[0, "publisher"] == "European Commission" and src.loc[0, "published_on"] == "2022-09-13"
    assert "2011/833/EU" in src.loc[0, "notes"] and "simonabisiani/EU-sanctions-tracker" in src.loc[0, "notes"]
    out = tmp_path / "t.csv"
    assert main(["--uk-dir", str(FIX), "--eu-list", str(EU), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "wrote 7 rows" in printed and "eu_financial_sanctions" in printed
    assert "5 subjects: 2 on 2 lists, 0 on 3 lists" in printed
