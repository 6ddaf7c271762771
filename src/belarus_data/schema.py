"""Frictionless Table Schemas (schemas/*.json), the single source of truth for every column.

This module reads them into small typed objects and derives from them what the rest of the
package needs: the pandas dtype of each column and, on demand, a pandera schema. Nothing here
imports pandera at module level, so ``import belarus_data`` stays light.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._files import SCHEMAS, resolve_root

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pandera.pandas as pa

LIST_DELIMITER = ";"
ROW_KEY_SEPARATOR = "|"


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
    d = json.loads(path.read_text(encoding="utf-8"))
    foreign = {}
    for fk in d.get("foreignKeys", []):
        ref = fk["reference"]
        foreign[_one(fk["fields"])] = Reference(ref["resource"], _one(ref["fields"]))
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
    )


def _one(fields: str | list[str]) -> str:
    if isinstance(fields, str):
        return fields
    if len(fields) != 1:
        raise ValueError(f"only single-column foreign keys are supported, got {fields}")
    return fields[0]


@cache
def _schemas_in(folder: Path) -> dict[str, TableSchema]:
    schemas = {p.stem: _read_schema(p) for p in sorted(folder.glob("*.json"))}
    return {name: schemas[name] for name in _dependency_order(schemas)}


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
    """Every table's schema, keyed by table name, referenced tables first."""
    return _schemas_in(resolve_root(root) / SCHEMAS)


def table_schema(name: str, root: str | Path | None = None) -> TableSchema:
    """The schema of one table; ``KeyError`` naming the known tables when there is none."""
    known = schemas(root)
    if name not in known:
        raise KeyError(f"unknown table '{name}'; the tables are: {', '.join(known)}")
    return known[name]
