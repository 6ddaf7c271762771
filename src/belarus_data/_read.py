"""Read one CSV file into a typed DataFrame, reporting every cell that does not fit its column.

One code path serves both the loader (which raises on the problems) and the validator (which
collects them): :func:`check_file` reads the bytes, types every cell and runs every per-file
check, so a file that loads is exactly a file whose cells pass ``validate``, with the same
message for the same cell. Only the cross-table rules (``rules.py``) are the validator's alone.
"""
from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ._constraints import FIRST_DATA_ROW, constraint_problems
from .errors import DataValidationError, Problem, unreadable
from .schema import LIST_DELIMITER, Field, TableSchema

# ASCII digits only: \d would also take Arabic-Indic and other digits that pandas cannot convert.
_INTEGER = r"-?[0-9]+"
_NUMBER = r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"  # no inf, nan, spaces or thousands separators
_INT64 = (-(2**63), 2**63 - 1)
_DATE = r"(1[89]|2[01])[0-9]{2}-[0-9]{2}-[0-9]{2}"  # 1800-2199: within datetime64[ns]
_TRUE = {"true", "True", "TRUE", "1"}
_FALSE = {"false", "False", "FALSE", "0"}
_BOOLEANS = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
# A cell a spreadsheet would run as a formula (OWASP "CSV injection"): = + - @, tab or CR first.
FORMULA_START = re.compile(r"^[=+\-@\t\r]")
# Characters that hide or reorder what a reader sees: C0 and C1 controls (NUL, ESC of terminal
# escapes, ...), bidirectional embeddings, overrides and isolates, and a stray byte-order mark.
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
# Whether a file can hold such a cell at all, searched once in its whole text (RE2, through
# pyarrow, which pandas already loaded: a few ms for every file together) so that the per-column
# searches run only for a file that may. Line ends are not cells' characters; a line break inside
# a cell also breaks the line count, and then every column is searched anyway.
_UNPRINTABLE_IN_FILE = (r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\x{202a}-\x{202e}\x{2066}-\x{2069}\x{feff}]"
                        r"|\r[^\n]|\r$")
# a cell starts a line or follows a comma; a lone CR also ends a line for the CSV parser
_FORMULA_IN_FILE = r'(?m)(?:^|[,\r])"?[=+\-@\t\r]'
# After a problem that breaks parsing, the file's other problems are mostly its echoes.
PARSE_RULES = ("csv",)


@dataclass
class ReadResult:
    """What reading a file gave: the typed frame (None when unreadable) and the problems."""

    frame: pd.DataFrame | None
    problems: list[Problem] = field(default_factory=list)
    raw: pd.DataFrame | None = None  # the cells as text, for checks that need the original


def read_bytes(path: Path, label: str) -> tuple[bytes | None, list[Problem]]:
    """The file's bytes, or a problem saying why there are none (missing, a folder, unreadable)."""
    try:
        return path.read_bytes(), []
    except OSError as e:
        return None, [unreadable(label, path, e)]


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
    """The loader's reader: :func:`check_file`, raising DataValidationError on any problem."""
    result = check_file(data, schema, label)
    if result.problems:
        raise DataValidationError(result.problems)
    return result.frame


def check_file(data: bytes, schema: TableSchema, label: str) -> ReadResult:
    """Read a file and run every check on it alone: encoding, CSV structure, header, full rows,
    each cell's type, printable text, no formula, and the schema's constraints."""
    result = read_table(data, schema, label)
    if result.frame is None:
        return result
    text = data.decode("utf-8-sig")
    broken = any(p.rule in PARSE_RULES for p in result.problems)
    problems = result.problems + field_count_problems(text, len(schema.fields), label) \
        + text_problems(result.raw, label, text, search_all=broken)
    problems += constraint_problems(result.frame, schema, label)
    return ReadResult(result.frame, _summarised(_without_echoes(problems), label), result.raw)


def _without_echoes(found: list[Problem]) -> list[Problem]:
    """A cell that is not of its type is emptied when typed; the constraints then report it missing too.
    Keep the first, real report only."""
    mistyped = {(p.file, p.row, p.column) for p in found if p.rule in ("type", "enum")}
    return [p for p in found if not (p.rule == "required" and (p.file, p.row, p.column) in mistyped)]


def _summarised(found: list[Problem], label: str) -> list[Problem]:
    """When the file could not be parsed as it should (a quote swallowing lines), list that
    problem and count the rest, which are mostly its echoes, instead of listing them."""
    broken = [p for p in found if p.rule in PARSE_RULES]
    rest = len(found) - len(broken)
    if not broken or rest == 0:
        return found
    return [*broken, Problem(label, None, None, "csv",
                             f"{rest} further problem{'s' if rest != 1 else ''} in this file not listed: "
                             "they probably follow from the one above; fix it and validate again")]


def field_count_problems(text: str, expected: int, label: str) -> list[Problem]:
    """Rows with more or fewer cells than the header (pandas would pad short rows silently)."""
    try:
        counts = [len(r) for r in csv.reader(io.StringIO(text, newline="")) if r]
    except csv.Error as e:
        return [Problem(label, None, None, "csv", f"not a readable CSV file: {e}")]
    return [Problem(label, n, None, "field_count", f"row has {count} cells, the header has {expected}")
            for n, count in enumerate(counts[1:], start=FIRST_DATA_ROW) if count != expected]


def text_problems(raw: pd.DataFrame, label: str, text: str, search_all: bool = False) -> list[Problem]:
    """Cells that a spreadsheet would run as a formula, or that hold characters which hide or
    reorder text on a screen (checked on the text as written; ``text`` is the whole file, searched
    first so that a clean file costs one search, not two per column)."""
    unprintable = search_all or _file_matches(text, _UNPRINTABLE_IN_FILE)
    formula = search_all or _file_matches(text, _FORMULA_IN_FILE)
    problems = []
    for column in raw.columns if unprintable or formula else ():
        cells = raw[column].dropna()
        for i, v in cells[cells.str.contains(UNPRINTABLE)].items() if unprintable else ():
            c = UNPRINTABLE.search(v).group()
            problems.append(Problem(label, int(i) + FIRST_DATA_ROW, column, "text",
                                    f"cell holds the invisible character U+{ord(c):04X} at position "
                                    f"{v.index(c) + 1}; remove it"))
        problems += [Problem(label, int(i) + FIRST_DATA_ROW, column, "formula",
                             f"cell starts with {v[:1]!r}, which a spreadsheet would run as a formula; reword it")
                     for i, v in (cells[cells.str.match(FORMULA_START)].items() if formula else ())]
    if unprintable and not any(p.rule == "text" for p in problems):
        # Some pandas versions (2.2.0) cut a cell at a NUL while parsing: find it in the text itself.
        problems += _unprintable_in_text(text, label)
    return problems


def _unprintable_in_text(text: str, label: str) -> list[Problem]:
    """The invisible characters of ``text`` located by row and column with the csv module, which
    keeps every character of a cell (used when the parsed cells lost one)."""
    problems = []
    try:
        rows = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    except csv.Error:
        return problems  # the csv rule reports the file
    header = rows[0] if rows else []
    for n, row in enumerate(rows[1:], start=FIRST_DATA_ROW):
        for column, v in zip(header, row):
            found = UNPRINTABLE.search(v)
            if found:
                c = found.group()
                problems.append(Problem(label, n, column, "text", f"cell holds the invisible character "
                                        f"U+{ord(c):04X} at position {v.index(c) + 1}; remove it"))
    return problems


def _file_matches(text: str, pattern: str) -> bool:
    import pyarrow as pa
    import pyarrow.compute as pc

    return bool(pc.match_substring_regex(pa.array([text], pa.large_string()), pattern)[0].as_py())


def read_table(data: bytes, schema: TableSchema, label: str) -> ReadResult:
    """Parse ``data`` (a CSV file's bytes) and convert each column to its schema type."""
    problems = decode_problems(data, label)
    if problems:
        return ReadResult(None, problems)
    if not data.strip():
        return ReadResult(None, [Problem(label, None, None, "file", "file is empty; expected at least the header row")])
    try:
        with warnings.catch_warnings():  # a long row: field_count_problems names it
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            raw = pd.read_csv(io.BytesIO(data), dtype="string", keep_default_na=False, na_values=[""],
                              encoding="utf-8-sig", index_col=False)  # a long row never becomes an index
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
    """Column ``s`` (text, NA when empty) converted to ``f``'s type, and its bad cells."""
    present = s.notna()
    if f.is_list:
        return pd.Series([_split(v) for v in s.tolist()], index=s.index, dtype=object), []
    if f.enum is not None:
        codes = pd.Index(list(f.enum)).get_indexer(s)  # -1: empty, or not in the enum
        values = pd.Categorical.from_codes(codes, dtype=f.pandas_dtype)
        bad = present & (codes == -1)
        allowed = ", ".join(f.enum)
        return (pd.Series(values, index=s.index, name=s.name),
                _cells(s, bad, "enum", lambda v: f"'{v}' is not one of: {allowed}"))
    if f.type == "string":
        return s, []  # read as "string" already
    if f.type == "integer":
        ok = s.str.fullmatch(_INTEGER, na=False).astype(bool)  # na=False: no pandas 2.2 FutureWarning
        long = ok & (s.str.len() > 18)  # only these can fall outside 64 bits
        huge = pd.Series(False, index=s.index)
        if long.any():
            huge[long] = [not _INT64[0] <= int(v) <= _INT64[1] for v in s[long]]
        ok &= ~huge
        values = pd.to_numeric(s.where(ok)).astype("Int64")
        return values, (_cells(s, present & ~ok & ~huge, "type", lambda v: f"'{v}' is not an integer")
                        + _cells(s, huge, "type", lambda v: f"'{v}' is outside the 64-bit integer range"))
    if f.type == "number":
        ok = s.str.fullmatch(_NUMBER, na=False).astype(bool)
        # errors="coerce": pandas 2.2.0 refuses to parse "1e999" where later versions give inf;
        # either way a well-formed number that is not finite is refused below
        values = pd.to_numeric(s.where(ok), errors="coerce").astype("Float64")
        infinite = ok & (values.isna() | values.isin([float("inf"), float("-inf")])).fillna(True).astype(bool)
        values = values.mask(infinite)
        return values, (_cells(s, present & ~ok, "type", lambda v: f"'{v}' is not a number")
                        + _cells(s, infinite, "type", lambda v: f"'{v}' is too large to be a finite number"))
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
    raise ValueError(f"column '{f.name}' has type '{f.type}', which this package does not support")  # schema.py refuses it first


def _split(cell: object) -> list[str]:
    return cell.split(LIST_DELIMITER) if isinstance(cell, str) and cell else []


def _cells(s: pd.Series, bad: pd.Series, rule: str, message) -> list[tuple[int, str, str]]:
    return [(i, rule, message(v)) for i, v in s[bad].items()]
