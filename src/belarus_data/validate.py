"""Validate a data root: descriptor, files, cells (pandera), and cross-table rules -> one report."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from . import _package
from ._files import DATASETS, DESCRIPTOR, resolve_root
from ._read import FIRST_DATA_ROW, read_bytes, read_table
from .errors import DataValidationError, Problem
from .rules import check_rules, no_formulas
from .schema import TableSchema, schemas


def problems(root: str | Path | None = None) -> list[Problem]:
    """Every problem in the data at ``root`` (default: the installed data); empty when valid."""
    base = resolve_root(root)
    _package.descriptor.cache_clear()  # a contributor may have just rebuilt it
    found = descriptor_problems(base)
    tables: dict[str, pd.DataFrame] = {}
    raw: dict[str, pd.DataFrame] = {}
    known = schemas(base)
    for name, schema in known.items():
        label = f"{DATASETS}/{name}.csv"
        data, file_problems = read_bytes(base / label, label)
        found += file_problems
        if data is None:
            continue
        if (base / DESCRIPTOR).exists():
            found += _package.hash_problems(base, label, data)
        result = read_table(data, schema, label)
        found += result.problems
        if result.frame is None:
            continue
        found += field_count_problems(data, len(schema.fields), label)
        found += pandera_problems(result.frame, schema, label)
        tables[name], raw[name] = result.frame, result.raw
    found += no_formulas(raw)
    found += check_rules(tables, known)
    return sorted(set(_without_echoes(found)), key=lambda p: (p.file, p.row or 0, p.column or "", p.rule))


def _without_echoes(found: list[Problem]) -> list[Problem]:
    """A cell that is not of its type is emptied when typed; pandera then reports it missing too.
    Keep the first, real report only."""
    mistyped = {(p.file, p.row, p.column) for p in found if p.rule in ("type", "enum")}
    return [p for p in found if not (p.rule == "required" and (p.file, p.row, p.column) in mistyped)]


def validate(root: str | Path | None = None) -> None:
    """Raise :class:`DataValidationError` listing every problem, or return None when valid."""
    found = problems(root)
    if found:
        raise DataValidationError(found)


def descriptor_problems(base: Path) -> list[Problem]:
    """datapackage.json must exist and be a valid Frictionless Data Package descriptor."""
    path = base / DESCRIPTOR
    if not path.exists():
        return [Problem(DESCRIPTOR, None, None, "file", f"file is missing (expected at {path})")]
    import frictionless

    report = frictionless.Package.validate_descriptor(str(path))
    return [Problem(DESCRIPTOR, None, None, "descriptor", e.message) for e in report.errors]


def field_count_problems(data: bytes, expected: int, label: str) -> list[Problem]:
    """Rows with more or fewer cells than the header (pandas would pad short rows silently)."""
    text = data.decode("utf-8-sig")
    rows = (r for r in csv.reader(io.StringIO(text)) if r)
    next(rows, None)
    return [Problem(label, n, None, "field_count", f"row has {len(r)} cells, the header has {expected}")
            for n, r in enumerate(rows, start=FIRST_DATA_ROW) if len(r) != expected]


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
    import pandera.errors

    try:
        schema.to_pandera().validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as e:
        return [_to_problem(r, schema, label) for r in e.failure_cases.to_dict("records")]
    return []


def _to_problem(case: dict, schema: TableSchema, label: str) -> Problem:
    check = str(case.get("check"))
    rule = _RULE_NAMES.get(check.split("(")[0], check.split("(")[0])
    column = case.get("column")
    if rule == "pattern" and isinstance(column, str) and column.endswith("url"):
        rule = "uri"
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
