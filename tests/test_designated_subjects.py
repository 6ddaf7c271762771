"""bd.designated_subjects(): one row per subject across the US, UK and EU lists."""
from __future__ import annotations

import pandas as pd

import belarus_data as bd


def test_one_row_per_subject_and_every_list_row_in_exactly_one():
    rows, subjects = bd.sanction_designations(), bd.designated_subjects()
    assert subjects["subject_id"].is_unique
    assert set(subjects["subject_id"]) == set(rows["subject_id"])
    entries = subjects["list_entries"].explode()
    assert entries.is_unique and set(entries) == set(rows["list"].astype(str) + ":" + rows["list_entry_id"].astype(str))
    assert subjects.attrs["table"] == "designated_subjects"


def test_a_subject_joins_rows_of_distinct_lists_of_one_type():
    rows = bd.sanction_designations()
    per = rows.groupby("subject_id", observed=True)
    assert per["list"].agg(lambda x: x.is_unique).all()
    assert (per["subject_type"].nunique(dropna=False) == 1).all()


def test_jurisdictions_status_and_dates_follow_the_rows():
    rows, subjects = bd.sanction_designations(), bd.designated_subjects().set_index("subject_id")
    jurisdiction = rows["list"].astype(str).map({"us_ofac_sdn": "US", "uk_sanctions_list": "UK",
                                                  "eu_financial_sanctions": "EU"})
    for subject_id, group in rows.assign(j=jurisdiction).groupby("subject_id", observed=True):
        s = subjects.loc[subject_id]
        assert s["jurisdictions"] == sorted(set(group["j"]))
        assert set(s["listed_by"]) | set(s["delisted_by"]) == set(s["jurisdictions"])
        assert set(s["delisted_by"]) == set(group.loc[group["status"] == "delisted", "j"])
        first = group["designated_on"].min()
        assert (pd.isna(first) and pd.isna(s["first_designated_on"])) or s["first_designated_on"] == first
        uk = group.loc[group["j"] == "UK", "designated_on"]
        assert (uk.empty or pd.isna(uk.min())) == pd.isna(s["designated_on_uk"])
    assert subjects["designated_on_us"].isna().all()  # the SDN file has no dates
    assert str(subjects["first_designated_on"].dtype) == "datetime64[ns]"


def test_some_subject_is_on_every_list():
    # the point of the identity: Lukashenka-type subjects listed by US, UK and EU are one row
    subjects = bd.designated_subjects()
    assert (subjects["jurisdictions"].map(len) == 3).any()
