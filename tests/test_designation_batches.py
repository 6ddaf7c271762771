"""Rule designation_batch_action: every day a list designates or delists subjects has an action of
its jurisdiction within a week, or a declared exception with a reason (small fictional frames)."""
from __future__ import annotations

import pandas as pd
import pytest

import belarus_data as bd
from belarus_data import DataValidationError
from belarus_data.rules import BATCH_WINDOW_DAYS, RULES, designation_batches, designation_batches_have_actions


def _designations(*rows: tuple) -> pd.DataFrame:
    """rows: (list, list_entry_id, designated_on, delisted_on)"""
    return pd.DataFrame([{"list": lst, "list_entry_id": eid, "designated_on": pd.Timestamp(on) if on else pd.NaT,
                          "delisted_on": pd.Timestamp(off) if off else pd.NaT} for lst, eid, on, off in rows])


def _actions(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame({"jurisdiction": [j for j, _ in rows], "date": pd.to_datetime([d for _, d in rows])},
                        ).astype({"date": "datetime64[ns]"})


def _exceptions(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame({"jurisdiction": [j for j, _, _ in rows], "date": pd.to_datetime([d for _, d, _ in rows]),
                         "reason": [r for _, _, r in rows]}).astype({"date": "datetime64[ns]"})


def _check(designations, actions, exceptions=None):
    tables = {"sanction_designations": designations, "sanctions": actions,
              "designation_exceptions": exceptions if exceptions is not None else _exceptions()}
    return designation_batches_have_actions(tables, {})


UK_BATCH = _designations(("uk_sanctions_list", "BEL1", "2023-12-07", None),
                         ("uk_sanctions_list", "BEL2", "2023-12-07", None),
                         ("us_ofac_sdn", "101", None, None))


def test_the_rule_is_registered_for_validate():
    from belarus_data.rules import as_rule

    assert as_rule("designation_batch_action", RULES["designation_batch_action"]).check is designation_batches_have_actions


def test_a_batch_without_an_action_fails_naming_the_first_row_and_the_day():
    problems = _check(UK_BATCH, _actions(("US", "2023-12-07"), ("UK", "2023-11-20")))
    assert len(problems) == 1
    p = problems[0]
    assert (p.file, p.row, p.column, p.rule) == ("datasets/sanction_designations.csv", 2, "designated_on",
                                                 "designation_batch_action")
    assert "2 UK subject(s) designated on 2023-12-07" in p.message


@pytest.mark.parametrize("day", ["2023-12-07", "2023-11-30", "2023-12-14"])
def test_an_action_of_the_jurisdiction_within_the_window_passes(day):
    assert BATCH_WINDOW_DAYS == 7
    assert _check(UK_BATCH, _actions(("UK", day))) == []


def test_a_delisting_day_needs_an_action_too():
    rows = _designations(("us_ofac_sdn", "former:X", None, "2026-05-01"))
    assert [p.column for p in _check(rows, _actions(("US", "2026-04-01")))] == ["delisted_on"]
    assert _check(rows, _actions(("US", "2026-05-01"))) == []


def test_a_declared_exception_with_a_reason_passes():
    exceptions = _exceptions(("UK", "2023-12-07", "The list dates these rows by X; no action is expected."))
    assert _check(UK_BATCH, _actions(), exceptions) == []


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_an_exception_without_a_reason_fails(reason):
    problems = _check(UK_BATCH, _actions(), _exceptions(("UK", "2023-12-07", reason)))
    assert {(p.file, p.column) for p in problems} == {("datasets/designation_exceptions.csv", "reason"),
                                                      ("datasets/sanction_designations.csv", "designated_on")}


def test_an_exception_that_is_not_needed_fails():
    stale = _exceptions(("UK", "2023-12-07", "covered now"), ("EU", "2001-01-01", "no such list day"))
    problems = _check(UK_BATCH, _actions(("UK", "2023-12-08")), stale)
    assert [(p.row, p.column) for p in problems] == [(2, "date"), (3, "date")]
    assert "an action now covers it" in problems[0].message and "no list designates" in problems[1].message


def test_batches_group_rows_by_jurisdiction_day_and_kind():
    batches = designation_batches(UK_BATCH)
    assert batches[["jurisdiction", "kind", "subjects", "first_index"]].values.tolist() == [
        ["UK", "designated_on", 2, 0]]


def test_a_shipped_exception_without_reason_fails_validation(edit):
    def blank(rows):
        rows[0]["reason"] = ""
    with pytest.raises(DataValidationError) as caught:
        bd.validate(edit("designation_exceptions", blank))
    assert any(p.file == "datasets/designation_exceptions.csv" and p.column == "reason" for p in caught.value.problems)


def test_an_exception_missing_its_day_is_left_to_the_schema_check():
    exceptions = _exceptions(("UK", None, "a reason"))
    assert [p.column for p in _check(UK_BATCH, _actions(), exceptions)] == ["designated_on"]
