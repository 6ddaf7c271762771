"""The Table Schema constraints of one typed frame, as vectorised pandas checks.

This is the loader's and the validator's one implementation of the per-column constraints the
schemas declare (required, unique, primary key, pattern, minimum, maximum, uri, and a list's
items: none empty, item pattern, item enum). It gives exactly the problems, with exactly the
messages, that the pandera schema derived from the same Table Schema gives (``_pandera.py``,
which a test runs beside this on the real data and on generated bad cells), without importing
pandera, whose import and per-check overhead cost more than reading the files.
"""
from __future__ import annotations

from itertools import chain

import numpy as np
import pandas as pd

from .errors import Problem
from .schema import Field, TableSchema

FIRST_DATA_ROW = 2  # the header is row 1, as a spreadsheet numbers them
# http(s), a host that does not end with a dot (`example.org.` is the same host written as an
# absolute DNS name, which URI validators and many clients refuse), then anything but spaces.
URI = r"^https?://[^\s/?#]+(?<!\.)(?:[/?#]\S*)?$"
EMPTY_ITEM = "has an empty item (two ';' in a row, or one at an end)"


def constraint_problems(frame: pd.DataFrame, schema: TableSchema, label: str) -> list[Problem]:
    """One Problem per cell (per row for the primary key) that breaks a declared constraint."""
    found: list[Problem] = []
    for f in schema.fields:
        found += _column_problems(frame[f.name], f, label)
    pk = list(schema.primary_key)
    if len(pk) > 1:
        duplicated = frame.duplicated(pk, keep=False).to_numpy()
        message = f"duplicate primary key ({', '.join(pk)})"
        found += [Problem(label, int(i) + FIRST_DATA_ROW, None, "primary_key", message)
                  for i in frame.index[duplicated]]
    return found


def _column_problems(s: pd.Series, f: Field, label: str) -> list[Problem]:
    if f.is_list:
        return _list_problems(s, f, label)
    present = s.notna().to_numpy()
    found = []
    if f.required:
        found += _cells(s, ~present, label, f.name, "required", lambda v: "value is required")
    if f.pattern:
        found += _broken(s, present, s.str.match(f.pattern), label, f, "pattern", f.pattern)
    if f.minimum is not None:
        found += _broken(s, present, s >= f.minimum, label, f, "minimum", f.minimum)
    if f.maximum is not None:
        found += _broken(s, present, s <= f.maximum, label, f, "maximum", f.maximum)
    if f.type == "string" and f.format == "uri":
        found += _broken(s, present, s.str.match(URI), label, f, "uri", "http(s)://...")
    if f.unique:
        repeated = present & s.duplicated(keep=False).to_numpy()
        found += _cells(s, repeated, label, f.name, "unique",
                        lambda v: f"'{v}' appears more than once; this column is a key")
    return found


def _broken(s: pd.Series, present, passed: pd.Series, label: str, f: Field, rule: str, bound) -> list[Problem]:
    failed = present & ~passed.fillna(True).astype(bool).to_numpy()
    return _cells(s, failed, label, f.name, rule, lambda v: f"'{v}' breaks {rule} ({bound})")


def _list_problems(s: pd.Series, f: Field, label: str) -> list[Problem]:
    """Checks on the items, vectorised over the exploded column (not one Python call per cell)."""
    cells = s.tolist()
    counts = np.fromiter(map(len, cells), dtype=np.int64, count=len(cells))
    items = pd.Series(list(chain.from_iterable(cells)), index=np.repeat(s.index, counts), dtype="string")
    lengths = items.str.len()
    found = []
    if f.required:
        empty = _any_item(s, items, lengths == 0) | (counts == 0)
        found += _cells(s, empty, label, f.name, "required",
                        lambda v: "must list at least one item, with no empty item")
    else:
        found += _cells(s, _any_item(s, items, lengths == 0), label, f.name, "list_item",
                        lambda v: f"{v!r} {EMPTY_ITEM}")
    if f.item_pattern:
        bad = _any_item(s, items, ~items.str.fullmatch(f.item_pattern).astype(bool))
        found += _cells(s, bad, label, f.name, "item_pattern",
                        lambda v: f"'{v}' breaks item_pattern ({f.item_pattern})")
    if f.item_enum:
        allowed = "one of " + ", ".join(f.item_enum)
        bad = _any_item(s, items, ~items.isin(f.item_enum))
        found += _cells(s, bad, label, f.name, "item_enum", lambda v: f"'{v}' breaks item_enum ({allowed})")
    return found


def _any_item(cells: pd.Series, items: pd.Series, failed: pd.Series):
    """For each cell, whether any of its items failed (``items`` is ``cells`` exploded)."""
    return cells.index.isin(items.index[failed.to_numpy()])


def _cells(s: pd.Series, bad, label: str, column: str, rule: str, message) -> list[Problem]:
    if not bad.any():
        return []
    return [Problem(label, int(i) + FIRST_DATA_ROW, column, rule, message(v))
            for i, v in zip(s.index[bad], s[bad].tolist())]
