"""Read one CSV file into a typed DataFrame, reporting every cell that does not fit its column.

One code path serves both the loader (which raises on the first batch of problems) and the
validator (which collects them), so a file that loads is a file that passed these checks.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import Problem
from .schema import LIST_DELIMITER, Field, TableSchema

_INTEGER = r"-?\d+"
_DATE = r"(1[89]|2[01])\d{2}-\d{2}-\d{2}"  # 1800-2199: within datetime64[ns]
_TRUE = {"true", "True", "TRUE", "1"}
_FALSE = {"false", "False", "FALSE", "0"}
_BOOLEANS = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
FIRST_DATA_ROW = 2  # the header is row 1, as a spreadsheet numbers them


@dataclass
class ReadResult:
    """What reading a file gave: the typed frame (None when unreadable) and the problems."""

    frame: pd.DataFrame | None
    problems: list[Problem] = field(default_factory=list)
    raw: pd.DataFrame | None = None  # the cells as text, for checks that need the original


def read_bytes(path: Path, label: str) -> tuple[bytes | None, list[Problem]]:
    """The file's bytes, or a problem saying it is missing."""
    try:
        return path.read_bytes(), []
    except FileNotFoundError:
        return None, [Problem(label, None, None, "file", f"file is missing (expected at {path})")]


def decode_problems(data: bytes, label: str) -> list[Problem]:
    """A problem naming the row of the first byte that is not UTF-8, if any."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        row = data[: e.start].count(b"\n") + 1
        return [Problem(label, row, None, "encoding",
                        f"byte {data[e.start]:#04x} at offset {e.start} is not UTF-8; save the file as UTF-8")]
    return []


def read_typed(data: bytes, schema: TableSchema, label: str) -> pd.DataFrame:
    """The loader's fast path: let the CSV parser type most columns in one pass.

    Anything unexpected (a cell of the wrong type, an unknown enum value, other columns, a line
    count that does not add up, bytes that are not UTF-8) sends the file through
    :func:`read_table`, whose cell-by-cell checks name each problem; so both paths accept exactly
    the same files and return the same frame, and only the fast one is paid for valid data.
    """
    try:
        raw = pd.read_csv(io.BytesIO(data), dtype=_parser_dtypes(schema), keep_default_na=False,
                          na_values=[""], encoding="utf-8-sig")
    except (ValueError, pd.errors.ParserError):  # UnicodeDecodeError is a ValueError too
        return _strict(data, schema, label)
    if list(raw.columns) != schema.columns or line_count_problems(data, len(raw), label):
        return _strict(data, schema, label)
    columns = {}
    for f in schema.fields:
        s = raw[f.name]
        if f.is_list:  # inlined _split: this loop is most of the first load of a large table
            s = pd.Series([v.split(LIST_DELIMITER) if v.__class__ is str else [] for v in s.tolist()],
                          index=raw.index, dtype=object)
        elif f.enum is not None:
            if (s.notna() & ~s.isin(f.enum)).any():
                return _strict(data, schema, label)
            s = s.astype(f.pandas_dtype)
        elif f.type == "date":
            if not s.dropna().str.fullmatch(_DATE).all():
                return _strict(data, schema, label)
            typed = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")
            if (typed.isna() & s.notna()).any():  # 2021-02-30 and the like
                return _strict(data, schema, label)
            s = typed
        elif f.type == "boolean":
            if (s.notna() & ~s.isin(_TRUE | _FALSE)).any():
                return _strict(data, schema, label)
            s = s.map(_BOOLEANS).astype("boolean")
        columns[f.name] = s
    return pd.DataFrame(columns, index=raw.index)


def _parser_dtypes(schema: TableSchema) -> dict[str, object]:
    parsed_by_pandas = {"string": "string", "integer": "Int64", "number": "Float64"}
    return {f.name: parsed_by_pandas.get(f.type, str) if f.enum is None else str for f in schema.fields}


def _strict(data: bytes, schema: TableSchema, label: str) -> pd.DataFrame:
    from .errors import DataValidationError

    result = read_table(data, schema, label)
    if result.problems:
        raise DataValidationError(result.problems)
    return result.frame


def read_table(data: bytes, schema: TableSchema, label: str) -> ReadResult:
    """Parse ``data`` (a CSV file's bytes) and convert each column to its schema type."""
    problems = decode_problems(data, label)
    if problems:
        return ReadResult(None, problems)
    if not data.strip():
        return ReadResult(None, [Problem(label, None, None, "file", "file is empty; expected at least the header row")])
    try:
        raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_values=[""],
                          encoding="utf-8-sig")
    except (pd.errors.ParserError, ValueError) as e:
        return ReadResult(None, [Problem(label, None, None, "csv", f"not a readable CSV file: {e}")])
    problems = header_problems(list(raw.columns), schema, label)
    if problems:
        return ReadResult(None, problems)
    problems = line_count_problems(data, len(raw), label)
    frame = pd.DataFrame(index=raw.index)
    for f in schema.fields:
        frame[f.name], bad = convert_column(raw[f.name], f)
        problems += [Problem(label, int(i) + FIRST_DATA_ROW, f.name, rule, msg) for i, rule, msg in bad]
    return ReadResult(frame, problems, raw)


def header_problems(found: list[str], schema: TableSchema, label: str) -> list[Problem]:
    expected = schema.columns
    problems = [Problem(label, 1, c, "header", f"column '{c}' is missing (see {schema.path.name})")
                for c in expected if c not in found]
    problems += [Problem(label, 1, c, "header", f"column '{c}' is not in the schema {schema.path.name}; "
                         "add it there first or remove it") for c in found if c not in expected]
    if not problems and found != expected:
        problems.append(Problem(label, 1, None, "header",
                                f"columns are out of order; expected {', '.join(expected)}"))
    return problems


def line_count_problems(data: bytes, rows: int, label: str) -> list[Problem]:
    """Cells never hold line breaks here, so every data row is one non-blank line. A mismatch
    means a quote swallowed lines (or a cell broke the rule): rows would be lost or merged."""
    lines = sum(1 for line in data.splitlines() if line.strip())
    if lines - 1 != rows:
        return [Problem(label, None, None, "csv",
                        f"the file has {lines - 1} data lines but {rows} rows were read; "
                        "look for an unbalanced quote or a line break inside a cell")]
    return []


def convert_column(s: pd.Series, f: Field) -> tuple[pd.Series, list[tuple[int, str, str]]]:
    """Column ``s`` (text, NaN when empty) converted to ``f``'s type, and its bad cells."""
    present = s.notna()
    if f.is_list:
        return pd.Series([_split(v) for v in s.tolist()], index=s.index, dtype=object), []
    if f.enum is not None:
        bad = present & ~s.isin(f.enum)
        allowed = ", ".join(f.enum)
        return (s.where(~bad).astype(f.pandas_dtype),
                _cells(s, bad, "enum", lambda v: f"'{v}' is not one of: {allowed}"))
    if f.type == "string":
        return s.astype("string"), []
    if f.type == "integer":
        ok = s.str.fullmatch(_INTEGER, na=False).astype(bool)  # na=False: no pandas 2.2 FutureWarning
        bad = present & ~ok
        values = pd.to_numeric(s.where(ok)).astype("Int64")
        return values, _cells(s, bad, "type", lambda v: f"'{v}' is not an integer")
    if f.type == "number":
        values = pd.to_numeric(s, errors="coerce").astype("Float64")
        bad = present & values.isna()
        return values, _cells(s, bad, "type", lambda v: f"'{v}' is not a number")
    if f.type == "date":
        ok = s.str.fullmatch(_DATE, na=False).astype(bool)
        values = pd.to_datetime(s.where(ok), format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")
        bad = present & values.isna()
        return values, _cells(s, bad, "type",
                                      lambda v: f"'{v}' is not a date written yyyy-mm-dd between 1800 and 2199")
    if f.type == "boolean":
        bad = present & ~s.isin(_TRUE | _FALSE)
        values = s.map(lambda v: True if v in _TRUE else False if v in _FALSE else pd.NA).astype("boolean")
        return values, _cells(s, bad, "type", lambda v: f"'{v}' is not true or false")
    raise ValueError(f"column '{f.name}' has type '{f.type}', which this package does not support")


def _split(cell: object) -> list[str]:
    return cell.split(LIST_DELIMITER) if isinstance(cell, str) and cell else []


def _cells(s: pd.Series, bad: pd.Series, rule: str, message) -> list[tuple[int, str, str]]:
    return [(i, rule, message(v)) for i, v in s[bad].items()]
