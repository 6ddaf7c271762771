"""Frictionless Table Schemas (schemas/*.json), the single source of truth for every column.

This module reads them into small typed objects and derives from them what the rest of the
package needs: the pandas dtype of each column and, on demand, a pandera schema. Nothing here
imports pandera at module level, so ``import belarus_data`` stays light.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._files import SCHEMAS, resolve_root
from .errors import DataValidationError, Problem, unreadable

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pandera.pandas as pa

LIST_DELIMITER = ";"
ROW_KEY_SEPARATOR = "|"

# The tables of this package, declared once. A new table is its name here, plus
# schemas/<name>.json, datasets/<name>.csv and a loader function in load.py. A data root that
# lacks one of them, or has a schema of a table not named here, does not validate.
TABLES: tuple[str, ...] = (
    "sources",
    "prisoners",
    "releases",
    "prisoner_counts",
    "prisoner_releases",
    "release_figures",
    "sanction_designations",
    "sanctions",
    "prisoner_facts",
    "judges",
    "designation_exceptions",
    "fact_sources",
    "id_redirects",
)


@dataclass(frozen=True)
class Reference:
    """A column's values (or each item of a list column) must be keys of another table."""

    resource: str
    field: str


@dataclass(frozen=True)
class Field:
    """One column of a table, as its Table Schema declares it."""

    name: str
    type: str
    description: str
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    format: str | None = None  # "uri": the column holds web addresses
    minimum: float | None = None
    maximum: float | None = None
    item_pattern: str | None = None
    item_enum: tuple[str, ...] | None = None
    reference: Reference | None = None
    # For dates: `event` (the day the fact happened in law or in the world: designated, released,
    # counted), `published` (the day a source made it public) or `observed` (the day a list was read).
    date_kind: str | None = None

    @property
    def is_list(self) -> bool:
        return self.type == "list"

    @property
    def pandas_dtype(self) -> Any:
        """The dtype the loader gives this column (lists are Python lists in an object column)."""
        import pandas as pd

        if self.enum is not None:
            return pd.CategoricalDtype(list(self.enum))
        return _PANDAS_DTYPES[self.type]

    @classmethod
    def from_descriptor(cls, d: dict[str, Any], foreign: dict[str, Reference]) -> Field:
        c = d.get("constraints", {})
        ref = d.get("x-references")
        return cls(
            name=d["name"],
            type=d.get("type", "string"),
            description=d.get("description", ""),
            required=bool(c.get("required", False)),
            unique=bool(c.get("unique", False)),
            enum=tuple(c["enum"]) if "enum" in c else None,
            pattern=c.get("pattern"),
            format=d.get("format"),
            minimum=c.get("minimum"),
            maximum=c.get("maximum"),
            item_pattern=d.get("x-itemPattern"),
            item_enum=tuple(d["x-itemEnum"]) if "x-itemEnum" in d else None,
            reference=Reference(ref["resource"], ref["field"]) if ref else foreign.get(d["name"]),
            date_kind=d.get("x-dateKind"),
        )


_PANDAS_DTYPES = {
    "string": "string",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "date": "datetime64[ns]",
    "list": "object",
}


@dataclass(frozen=True)
class TableSchema:
    """A table: its name, description, columns and keys."""

    name: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    path: Path
    min_rows: int | None = None  # declared bound (x-minRows): fewer rows means data were lost
    # x-keyFacts: the columns a row's first source must state, unless fact_sources names another
    key_facts: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # x-notes: what a user can and cannot conclude (rendered in the codebook)
    max_rows: int | None = None  # expected bound (x-maxRows): more rows is a warning
    # sha256 of the schema file as it was read: part of the name of a typed frame cached on disk
    digest: str = ""

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"table '{self.name}' has no column '{name}'")

    def row_keys(self, frame: pd.DataFrame) -> pd.Series:
        """Each row's primary key as one string, the key values joined by ``|`` (dates as
        ``yyyy-mm-dd``): how ``fact_sources.row_key`` names a row."""
        parts = [frame[c].dt.strftime("%Y-%m-%d") if self.field(c).type == "date" else frame[c].astype("string")
                 for c in self.primary_key]
        keys = parts[0].fillna("")
        for part in parts[1:]:
            keys = keys + ROW_KEY_SEPARATOR + part.fillna("")
        return keys

    @property
    def references(self) -> list[tuple[Field, Reference]]:
        return [(f, f.reference) for f in self.fields if f.reference is not None]

    def to_pandera(self) -> pa.DataFrameSchema:
        """A pandera schema checking a frame as :func:`belarus_data.load` returns it."""
        from ._pandera import table_to_pandera

        return table_to_pandera(self)


def _read_schema(path: Path) -> TableSchema:
    """The schema at ``path``; DataValidationError naming the file when it cannot be one."""
    label = f"{SCHEMAS}/{path.name}"
    try:
        raw = path.read_bytes()
        schema = _parse_schema(json.loads(raw.decode("utf-8")), path)
        return dataclasses.replace(schema, digest=hashlib.sha256(raw).hexdigest())
    except OSError as e:
        raise DataValidationError([unreadable(label, path, e)]) from None
    except UnicodeDecodeError:
        message, rule = "is not UTF-8 text", "schema"
    except json.JSONDecodeError as e:
        message, rule = f"is not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})", "schema"
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        message, rule = f"is not a Table Schema this package can read ({type(e).__name__}: {e})", "schema"
    raise DataValidationError([Problem(label, None, None, rule, message)])


def _parse_schema(d: Any, path: Path) -> TableSchema:
    if not isinstance(d, dict) or not isinstance(d.get("fields"), list) or not d["fields"]:
        raise ValueError("it needs a non-empty list of 'fields'")
    for bound in ("x-minRows", "x-maxRows"):
        if bound in d and (not isinstance(d[bound], int) or isinstance(d[bound], bool) or d[bound] < 0):
            raise ValueError(f"'{bound}' must be a whole number ≥ 0")
    for f in d["fields"]:
        if f.get("type", "string") not in _PANDAS_DTYPES:
            raise ValueError(f"column '{f.get('name')}' has type '{f.get('type')}'; "
                             f"this package reads {', '.join(_PANDAS_DTYPES)}")
        for key, pattern in (("pattern", f.get("constraints", {}).get("pattern")), ("x-itemPattern", f.get("x-itemPattern"))):
            if pattern is not None:
                try:
                    re.compile(pattern)
                except (re.error, TypeError) as e:
                    raise ValueError(f"column '{f.get('name')}' has a {key} that is not a regular expression ({e})") from None
    names = [f["name"] for f in d["fields"]]
    if len(set(names)) != len(names):
        raise ValueError("a column name appears twice")
    foreign = {}
    for fk in d.get("foreignKeys", []):
        ref = fk["reference"]
        foreign[_one(fk["fields"])] = Reference(ref["resource"], _one(ref["fields"]))
    for f in d["fields"]:
        ref = f.get("x-references") or {}
        if ref and not isinstance(ref, dict):
            raise ValueError(f"column '{f['name']}' has an x-references that is not an object")
        if ref and ref.get("resource") not in TABLES:
            raise ValueError(f"column '{f['name']}' refers to '{ref.get('resource')}', which is not a table of this package")
    unknown = [r.resource for r in foreign.values() if r.resource not in TABLES]
    if unknown:
        raise ValueError(f"a foreign key refers to '{unknown[0]}', which is not a table of this package")
    pk = d.get("primaryKey", [])
    return TableSchema(
        name=path.stem,
        description=d.get("description", ""),
        fields=tuple(Field.from_descriptor(f, foreign) for f in d["fields"]),
        primary_key=(pk,) if isinstance(pk, str) else tuple(pk),
        path=path,
        min_rows=d.get("x-minRows"),
        key_facts=tuple(d.get("x-keyFacts", ())),
        notes=tuple(d.get("x-notes", ())),
        max_rows=d.get("x-maxRows"),
    )


def _one(fields: str | list[str]) -> str:
    if isinstance(fields, str):
        return fields
    if len(fields) != 1:
        raise ValueError(f"only single-column foreign keys are supported, got {fields}")
    return fields[0]


@cache
def _schemas_in(folder: Path) -> tuple[dict[str, TableSchema], tuple[Problem, ...]]:
    """The declared tables' schemas that could be read, and a problem for each that could not."""
    found: dict[str, TableSchema] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        return {}, (Problem(SCHEMAS, None, None, "file", f"folder is missing (expected at {folder})"),)
    for name in TABLES:
        try:
            found[name] = _read_schema(folder / f"{name}.json")
        except DataValidationError as e:
            problems += e.problems
    return {name: found[name] for name in _dependency_order(found)}, tuple(problems)


def _dependency_order(schemas: dict[str, TableSchema]) -> list[str]:
    """Table names with every referenced table before the tables that reference it."""
    order: list[str] = []

    def visit(name: str, seen: tuple[str, ...] = ()) -> None:
        if name in order or name not in schemas or name in seen:
            return
        for _, ref in schemas[name].references:
            visit(ref.resource, (*seen, name))
        order.append(name)

    for name in sorted(schemas, key=lambda n: (n != "sources", n)):
        visit(name)
    return order


def schemas(root: str | Path | None = None) -> dict[str, TableSchema]:
    """Every table's schema, keyed by table name, referenced tables first.

    Raises DataValidationError naming each declared table whose schema is missing or unreadable.
    """
    found, problems = _schemas_in(resolve_root(root) / SCHEMAS)
    if problems:
        raise DataValidationError(list(problems))
    return found


def readable_schemas(root: str | Path | None = None) -> tuple[dict[str, TableSchema], list[Problem]]:
    """The schemas that could be read, and the problems of the others (for the validator, which
    reports every problem instead of stopping at the first)."""
    folder = resolve_root(root) / SCHEMAS
    found, problems = _schemas_in(folder)
    declared = {f"{name}.json" for name in TABLES}
    strays = [Problem(f"{SCHEMAS}/{p.name}", None, None, "schema",
                      f"is not a table of this package (the tables are: {', '.join(TABLES)}); "
                      "remove it, or declare the table in belarus_data.schema.TABLES")
              for p in sorted(folder.glob("*.json")) if p.name not in declared] if folder.is_dir() else []
    return found, [*problems, *strays]


def table_schema(name: str, root: str | Path | None = None) -> TableSchema:
    """The schema of one table; ``KeyError`` naming the known tables when there is none."""
    known = schemas(root)
    if name not in known:
        raise KeyError(f"unknown table '{name}'; the tables are: {', '.join(known)}")
    return known[name]
