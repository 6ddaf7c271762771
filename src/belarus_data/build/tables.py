"""Writing derived tables: text cells in schema column order, the way every derived CSV is written."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

from unidecode import unidecode

from ..schema import LIST_DELIMITER, TableSchema


def slug(text: str) -> str:
    """``"Maryia Kalesnikava"`` -> ``"maryia-kalesnikava"`` (transliterated, lower case, ``-`` between words)."""
    return re.sub(r"[^a-z0-9]+", "-", unidecode(text).lower()).strip("-")


def join(items: Iterable[str]) -> str:
    items = list(items)
    bad = [i for i in items if LIST_DELIMITER in i or not i]
    if bad:
        raise ValueError(f"list items {bad!r} are empty or contain '{LIST_DELIMITER}'")
    return LIST_DELIMITER.join(items)


def render(rows: list[dict[str, str]], schema: TableSchema) -> bytes:
    """The CSV bytes of ``rows`` (dicts of text cells; a missing key is an empty cell)."""
    extra = {key for row in rows for key in row} - set(schema.columns)
    if extra:
        raise ValueError(f"{schema.name}: cells for columns not in the schema: {sorted(extra)}")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=schema.columns, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def write(rows: list[dict[str, str]], schema: TableSchema, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render(rows, schema))
    return path
