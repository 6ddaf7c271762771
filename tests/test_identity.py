"""The cross-list identity rule (belarus_data.identity), on small fictional frames."""
from __future__ import annotations

import pandas as pd

from belarus_data.identity import assign_subject_ids


def _frame(*rows: tuple) -> pd.DataFrame:
    """rows: (list, id, type, name, aliases[, birth_year[, function]])"""
    out = []
    for r in rows:
        lst, eid, kind, name, aliases, *rest = r
        out.append({"list": lst, "list_entry_id": eid, "subject_type": kind, "name": name, "aliases": aliases,
                    "birth_year": rest[0] if rest else pd.NA, "function": rest[1] if len(rest) > 1 else []})
    return pd.DataFrame(out)


UK, EU, US = "uk_sanctions_list", "eu_financial_sanctions", "us_ofac_sdn"


def _ids(df: pd.DataFrame) -> dict[str, str]:
    ids, _ = assign_subject_ids(df)
    return dict(zip(df["list_entry_id"], ids))


def test_one_person_in_three_scripts_and_word_orders_is_one_subject():
    df = _frame((UK, "u1", "individual", "Aliaksandr Ryhoravich Testenka", []),
                (EU, "e1", "individual", "Александр Григорьевич ТЕСТЕНКО", ["Aliaksandr Ryhoravich TESTENKA"], 1954),
                (US, "s1", "individual", "TESTENKA, Aliaksandr Ryhoravich", []))
    ids, unsure = assign_subject_ids(df)
    assert ids.nunique() == 1 and ids.iloc[0] == "aliaksandr-ryhoravich-testenka" and unsure == []


def test_the_patronymic_is_optional():
    ids = _ids(_frame((UK, "u1", "individual", "Ivan Samplau", []),
                      (US, "s1", "individual", "SAMPLAU, Ivan Piatrovich", [])))
    assert ids["u1"] == ids["s1"]


def test_differing_patronymics_stay_apart_and_are_counted_unsure():
    df = _frame((EU, "e1", "individual", "Anatol Anatolievich SAMPLEU", []),
                (US, "s1", "individual", "SAMPLEU, Anatol Ivanovich", []))
    ids, unsure = assign_subject_ids(df)
    assert ids.nunique() == 2
    assert unsure == [{"a": f"{EU}:e1", "b": f"{US}:s1", "why": "patronymics differ"}]


def test_a_contradicting_birth_year_or_function_keeps_rows_apart():
    by_year = _frame((EU, "e1", "individual", "Ivan Petrovich DEMAU", [], 1960),
                     (UK, "u1", "individual", "Ivan Petrovich Demau", [], 1961))
    ids, unsure = assign_subject_ids(by_year)
    assert ids.nunique() == 2 and "birth years" in unsure[0]["why"]
    by_function = _frame((EU, "e1", "individual", "Ivan Petrovich DEMAU", [], pd.NA, ["Judge"]),
                         (UK, "u1", "individual", "Ivan Petrovich Demau", [], pd.NA, ["Minister of Demo"]))
    ids, unsure = assign_subject_ids(by_function)
    assert ids.nunique() == 2 and unsure[0]["why"] == "listed functions differ"


def test_types_must_agree_and_rows_of_one_list_never_merge():
    ids = _ids(_frame((UK, "u1", "entity", "Demo Airlines", []), (US, "s1", "aircraft", "DEMO AIRLINES", []),
                      (US, "s2", "entity", "Sample Plant", []), (US, "s3", "entity", "SAMPLE PLANT", [])))
    assert len(set(ids.values())) == 4


def test_entity_legal_forms_and_quotes_are_ignored():
    ids = _ids(_frame((UK, "u1", "entity", "OJSC 'Sample Potash'", []),
                      (US, "s1", "entity", "SAMPLE POTASH OAO", []),
                      (EU, "e1", "entity", "ОАО «Сампле Поташ»", ["Sample Potash JSC"])))
    assert ids["u1"] == ids["s1"] == ids["e1"]


def test_a_row_matching_two_rows_of_another_list_is_unsure():
    df = _frame((UK, "u1", "individual", "Ivan Demau", []),
                (US, "s1", "individual", "DEMAU, Ivan Petrovich", []),
                (US, "s2", "individual", "DEMAU, Ivan Sergeevich", []))
    ids, unsure = assign_subject_ids(df)
    assert ids.nunique() == 3
    assert {u["b"] for u in unsure} == {f"{US}:s1", f"{US}:s2"}
    assert all(u["why"] == "matches more than one row of the other list" for u in unsure)


def test_ids_do_not_depend_on_row_order_and_shared_slugs_are_suffixed():
    df = _frame((UK, "u1", "individual", "Ivan Demau", []), (EU, "e9", "individual", "Ivan Sergeevich DEMAU", []),
                (US, "s1", "entity", "Ivan Demau", []))
    a = _ids(df)
    b = _ids(df.iloc[::-1].reset_index(drop=True))
    assert a == b
    assert a["u1"] == a["e9"] == "ivan-demau" and a["s1"] == "ivan-demau-2"


def test_a_pair_left_apart_is_not_joined_through_a_third_list():
    # the UK row names two EU entities at once (ambiguous), and one US entity that is one of them
    df = _frame((UK, "u1", "entity", "Demo Holdings a.k.a Demo Astra", []),
                (EU, "e1", "entity", "ООО «Демо Холдингз»", ["Demo Holdings"]),
                (EU, "e2", "entity", "ЗТАА «Демо Астра»", ["Demo Astra"]),
                (US, "s1", "entity", "FOREIGN LIMITED LIABILITY COMPANY DEMO ASTRA", ["ZTAA DEMO ASTRA"]))
    ids, unsure = assign_subject_ids(df)
    by = dict(zip(df["list_entry_id"], ids))
    assert by["e2"] == by["s1"]  # the one-to-one EU-US match holds
    assert by["u1"] not in {by["e1"], by["e2"]}  # the ambiguous UK row stays apart, also from the US row
    assert {u["why"] for u in unsure} == {"matches more than one row of the other list",
                                          "would join a pair left apart as unsure"}
