"""Write the tables out as Parquet files, one SQLite database, or a zipped data package."""
from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pandas as pd

from ._files import CITATION, DATASETS, DESCRIPTOR, SCHEMAS, resolve_root
from .load import load_all
from .rules import FORMULA_START
from .schema import LIST_DELIMITER, schemas

FORMATS = ("parquet", "sqlite", "datapackage-zip")


def export(format: str, out: str | Path, *, root: str | Path | None = None) -> list[Path]:
    """Export every table to ``out`` (a folder, created if needed); returns the files written."""
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    if format == "parquet":
        return _parquet(load_all(root=root), target)
    if format == "sqlite":
        return _sqlite(load_all(root=root), target / "belarus-data.sqlite")
    if format == "datapackage-zip":
        load_all(root=root)  # refuses files that changed since datapackage.json was built
        return _zip(resolve_root(root), target / "belarus-data-datapackage.zip")
    raise ValueError(f"unknown export format '{format}'; choose one of: {', '.join(FORMATS)}")


def _parquet(tables: dict[str, pd.DataFrame], target: Path) -> list[Path]:
    written = []
    for name, frame in tables.items():
        path = target / f"{name}.parquet"
        frame.to_parquet(path, index=False)
        written.append(path)
    return written


def flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists joined with ';', dates as ISO text, and any formula-like text neutralised with a
    leading apostrophe, so the frame is safe for a database browser or a spreadsheet."""
    out = frame.copy()
    for column in out.columns:
        s = out[column]
        if s.dtype == object:
            out[column] = s.map(lambda v: LIST_DELIMITER.join(v) if isinstance(v, list) else v)
        elif pd.api.types.is_datetime64_any_dtype(s):
            out[column] = s.dt.strftime("%Y-%m-%d")
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise, na_action="ignore")
    return out


def neutralise(value: object) -> object:
    """Prefix ``'`` to text a spreadsheet would run as a formula (=, +, -, @, tab, CR first)."""
    return "'" + value if isinstance(value, str) and FORMULA_START.match(value) else value


def _sqlite(tables: dict[str, pd.DataFrame], path: Path) -> list[Path]:
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        for name, frame in tables.items():
            rows = flat(frame).astype(object)
            rows.where(rows.notna(), None).to_sql(name, db, index=False)
    return [path]


def _zip(base: Path, path: Path) -> list[Path]:
    members = [DESCRIPTOR, CITATION, *(f"{SCHEMAS}/{n}.json" for n in schemas(base)),
               *(f"{DATASETS}/{n}.csv" for n in schemas(base))]
    members += [p.name for p in sorted(base.glob("LICENSE*"))]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for member in members:
            z.write(base / member, member)
    return [path]
