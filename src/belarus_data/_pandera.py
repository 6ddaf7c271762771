"""Table Schema -> pandera schema.

pandera's own ``from_frictionless_schema`` reads dates as strings, integers as non-nullable
int64 and knows neither list columns nor our item constraints, so this derives the checks from
the same :class:`~belarus_data.schema.TableSchema` the loader uses instead of keeping a second copy.
"""
from __future__ import annotations

import re

import pandas as pd
import pandera.errors
import pandera.pandas as pa

from ._constraints import FIRST_DATA_ROW, URI
from .errors import Problem
from .schema import Field, TableSchema


def table_to_pandera(schema: TableSchema) -> pa.DataFrameSchema:
    pk = list(schema.primary_key)
    return pa.DataFrameSchema(
        {f.name: _column(f) for f in schema.fields},
        strict=True,
        ordered=True,
        unique=pk if len(pk) > 1 else None,
        name=schema.name,
    )


def _column(f: Field) -> pa.Column:
    checks: list[pa.Check] = []
    if f.pattern:
        checks.append(pa.Check.str_matches(f.pattern, name="pattern"))
    if f.minimum is not None:
        checks.append(pa.Check.ge(f.minimum, name="minimum"))
    if f.maximum is not None:
        checks.append(pa.Check.le(f.maximum, name="maximum"))
    if f.is_list:
        checks += _list_checks(f)
    elif f.type == "string" and f.format == "uri":
        checks.append(pa.Check(lambda s: s.str.match(URI), element_wise=False, name="uri"))
    return pa.Column(
        None if f.is_list else f.pandas_dtype,
        checks=checks,
        nullable=not f.required or f.is_list,
        unique=f.unique,
        required=True,
        name=f.name,
    )


def _list_checks(f: Field) -> list[pa.Check]:
    """Checks on list cells, vectorised over the exploded items (one Python call per column,
    not per cell: a million-row table has millions of items)."""
    checks = [pa.Check(lambda s: s.map(lambda v: isinstance(v, list)), name="type")]
    if f.required:
        checks.append(pa.Check(lambda s: (s.map(len) > 0) & _each_item(s, lambda i: i.str.len() > 0),
                               name="required"))
    else:
        checks.append(pa.Check(lambda s: _each_item(s, lambda i: i.str.len() > 0), name="list_item"))
    if f.item_pattern:
        pattern = f.item_pattern
        checks.append(pa.Check(lambda s: _each_item(s, lambda i: i.str.fullmatch(pattern)), name="item_pattern"))
    if f.item_enum:
        allowed = list(f.item_enum)
        checks.append(pa.Check(lambda s: _each_item(s, lambda i: i.isin(allowed)), name="item_enum"))
    return checks


def _each_item(cells: pd.Series, test) -> pd.Series:
    """True for each cell whose every item passes ``test`` (a vectorised test on a string Series)."""
    items = cells.explode().dropna().astype("string")
    passed = test(items).fillna(False).astype(bool)
    failed_cells = passed.index[~passed.to_numpy()]
    return pd.Series(~cells.index.isin(failed_cells), index=cells.index)


_RULE_NAMES = {
    "not_nullable": "required",
    "field_uniqueness": "unique",
    "multiple_fields_uniqueness": "primary_key",
    "dtype": "type",
    "column_in_dataframe": "header",
    "column_in_schema": "header",
    "column_ordered": "header",
    "str_matches": "pattern",
    "greater_than_or_equal_to": "minimum",
    "less_than_or_equal_to": "maximum",
}
_MESSAGES = {
    "type": "must be a list",
    "list_item": "has an empty item (two ';' in a row, or one at an end)",
}


def pandera_problems(frame: pd.DataFrame, schema: TableSchema, label: str) -> list[Problem]:
    """Run the pandera schema derived from the Table Schema; one Problem per failing cell."""
    try:
        schema.to_pandera().validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as e:
        return [_to_problem(r, schema, label) for r in e.failure_cases.to_dict("records")]
    return []


def _to_problem(case: dict, schema: TableSchema, label: str) -> Problem:
    check = str(case.get("check"))
    rule = _RULE_NAMES.get(check.split("(")[0], check.split("(")[0])
    column = case.get("column")
    index = case.get("index")
    row = int(index) + FIRST_DATA_ROW if index is not None and pd.notna(index) else None
    value = case.get("failure_case")
    if rule == "primary_key":
        column = None
        message = f"duplicate primary key ({', '.join(schema.primary_key)})"
    elif rule == "unique":
        message = f"'{value}' appears more than once; this column is a key"
    elif rule == "required":
        message = "value is required" if not schema.field(column).is_list else \
            "must list at least one item, with no empty item"
    elif rule in _MESSAGES:
        message = f"{value!r} {_MESSAGES[rule]}"
    else:
        constraint = _constraint_text(schema, column, rule)
        message = f"'{value}' breaks {rule}{constraint}"
    return Problem(label, row, column if isinstance(column, str) else None, rule, message)


def _constraint_text(schema: TableSchema, column: object, rule: str) -> str:
    if not isinstance(column, str) or column not in schema.columns:
        return ""
    f = schema.field(column)
    value = {"pattern": f.pattern, "minimum": f.minimum, "maximum": f.maximum, "uri": "http(s)://...",
             "item_pattern": f.item_pattern,
             "item_enum": "one of " + ", ".join(f.item_enum) if f.item_enum else None}.get(rule)
    return f" ({value})" if value is not None else ""
