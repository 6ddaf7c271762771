"""Write the tables out as Parquet files, one SQLite database, or a zipped data package.

Every export is typed from the Table Schemas (not guessed from pandas dtypes), carries the
version, licence and citation, holds no path of the machine that wrote it, and is reproducible:
the same data give the same bytes. Files are written atomically (see ``_output``).
"""
from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from . import _package
from ._files import CITATION, DATASETS, DESCRIPTOR, SCHEMAS, resolve_root
from ._output import OutputError, inside, output_folder, write_atomically
from .load import load_all
from .rules import FORMULA_START
from .schema import LIST_DELIMITER, Field, TableSchema, schemas

FORMATS = ("parquet", "sqlite", "datapackage-zip")
SQLITE_FILE = "belarus-data.sqlite"
ZIP_FILE = "belarus-data-datapackage.zip"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: no machine's clock inside
LICENSE_FILES = ("LICENSE", "LICENSE-DATA")


def export(format: str, out: str | Path, *, root: str | Path | None = None) -> list[Path]:
    """Export every table to ``out`` (a folder, created if needed); returns the files written."""
    if format not in FORMATS:
        raise ValueError(f"unknown export format '{format}'; choose one of: {', '.join(FORMATS)}")
    base = resolve_root(root)
    if not (base / DESCRIPTOR).is_file() or not schemas(base):
        raise FileNotFoundError(f"--root {base}: not a data root (it needs {DESCRIPTOR}, {SCHEMAS}/ and "
                                f"{DATASETS}/); nothing was exported")
    tables = load_all(root=base)  # refuses files that changed since datapackage.json was built
    target = output_folder(out, base)
    meta = package_metadata(base)
    if format == "parquet":
        return _parquet(tables, schemas(base), meta, target)
    if format == "sqlite":
        return [write_atomically(target / SQLITE_FILE, lambda p: _sqlite(tables, schemas(base), meta, p))]
    return [write_atomically(target / ZIP_FILE, lambda p: _zip(base, tables, meta, p))]


def package_metadata(base: Path) -> dict[str, str]:
    """Name, version, licence and citation of the data, as every export carries them."""
    from ._version import package_version

    d = _package.descriptor(base)
    licences = d.get("licenses") or [{}]
    return {"name": d.get("name", ""), "title": d.get("title", ""), "version": d.get("version", ""),
            "licence": licences[0].get("name", ""), "licence_url": licences[0].get("path", ""),
            "citation": d.get("citation", ""), "exported_from": f"belarus_data {package_version()}"}


# --- Parquet ---------------------------------------------------------------------------------

def _parquet(tables: dict[str, pd.DataFrame], described: dict[str, TableSchema], meta: dict[str, str],
             target: Path) -> list[Path]:
    import pyarrow.parquet as pq

    written = []
    for name, frame in tables.items():
        table = arrow_table(frame, described[name], meta)
        written.append(write_atomically(target / f"{name}.parquet", lambda p: pq.write_table(table, p)))
    return written


def arrow_table(frame: pd.DataFrame, schema: TableSchema, meta: dict[str, str]):
    """The frame as an Arrow table typed from its Table Schema: dates as date32, lists as
    list<string>, nullable integers as int64; the metadata hold the table's description and the
    package's version, licence and citation (and no pandas metadata, which would carry paths)."""
    import pyarrow as pa

    fields, arrays = [], []
    for f in schema.fields:
        arrow_type = _arrow_type(f)
        fields.append(pa.field(f.name, arrow_type, nullable=not f.required or f.is_list,
                               metadata={"description": f.description}))
        arrays.append(_arrow_array(frame[f.name], f, arrow_type))
    table_meta = {**meta, "table": schema.name, "description": schema.description,
                  "primary_key": json.dumps(list(schema.primary_key))}
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata={
        "belarus_data": json.dumps(table_meta, ensure_ascii=False, sort_keys=True)}))


def _arrow_type(f: Field):
    import pyarrow as pa

    return {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
            "date": pa.date32(), "list": pa.list_(pa.string())}[f.type]


def _arrow_array(s: pd.Series, f: Field, arrow_type):
    import pyarrow as pa

    if f.type == "date":
        return pa.array(s.to_numpy(dtype="datetime64[ns]"), type=pa.timestamp("ns")).cast(arrow_type)
    if f.is_list:
        return pa.array([list(v) for v in s], type=arrow_type)
    return pa.array(_python_values(s), type=arrow_type)


def _python_values(s: pd.Series) -> list[Any]:
    """Plain Python values with None for every missing one (pd.NA, NaN, NaT)."""
    return [None if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v) else v
            for v in s.astype(object).tolist()]


# --- SQLite ----------------------------------------------------------------------------------

_SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER",
              "date": "DATE", "list": "TEXT"}


def _sqlite(tables: dict[str, pd.DataFrame], described: dict[str, TableSchema], meta: dict[str, str],
            path: Path) -> None:
    """One table per CSV with typed columns, keys and indexes; each list column also as a link
    table ``<table>_<column>`` (key..., position, item); a ``metadata`` and a ``columns`` table."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA foreign_keys = ON")  # the export itself proves every reference resolves
        for name, frame in tables.items():  # referenced tables come first
            schema = described[name]
            for statement in create_statements(schema):
                db.execute(statement)
            rows = list(zip(*(_sql_values(frame[f.name], f) for f in schema.fields)))
            marks = ", ".join("?" * len(schema.fields))
            db.executemany(f"INSERT INTO {_q(name)} VALUES ({marks})", rows)
            for f in schema.fields:
                if f.is_list:
                    db.executemany(f"INSERT INTO {_q(link_table(schema, f))} VALUES "
                                   f"({', '.join('?' * (len(schema.primary_key) + 2))})",
                                   _link_rows(frame, schema, f))
        _metadata_tables(db, described, meta)
        db.commit()
    finally:
        db.close()


def link_table(schema: TableSchema, f: Field) -> str:
    return f"{schema.name}_{f.name}"


def create_statements(schema: TableSchema) -> list[str]:
    """CREATE TABLE and CREATE INDEX statements for a table and its list columns' link tables."""
    key = schema.primary_key
    columns = [f"{_q(f.name)} {_SQL_TYPES[f.type]}" + (" NOT NULL" if f.required or f.is_list else "")
               for f in schema.fields]
    constraints = [f"PRIMARY KEY ({_names(key)})"] if key else []
    constraints += [f"FOREIGN KEY ({_q(f.name)}) REFERENCES {_q(r.resource)} ({_q(r.field)})"
                    for f, r in schema.references if not f.is_list]
    statements = [f"CREATE TABLE {_q(schema.name)} ({', '.join(columns + constraints)})"]
    statements += [f"CREATE INDEX {_q(f'{schema.name}__{f.name}')} ON {_q(schema.name)} ({_q(f.name)})"
                   for f, _ in schema.references if not f.is_list and (f.name,) != key[:1]]
    for f in schema.fields:
        if not f.is_list:
            continue
        link = link_table(schema, f)
        key_columns = [f"{_q(k)} {_SQL_TYPES[schema.field(k).type]}" + (" NOT NULL" if schema.field(k).required else "")
                       for k in key]
        parts = key_columns + ['"position" INTEGER NOT NULL', '"item" TEXT NOT NULL',
                               f"PRIMARY KEY ({_names(key)}, \"position\")",
                               f"FOREIGN KEY ({_names(key)}) REFERENCES {_q(schema.name)} ({_names(key)})"]
        if f.reference is not None:
            parts.append(f'FOREIGN KEY ("item") REFERENCES {_q(f.reference.resource)} ({_q(f.reference.field)})')
        statements.append(f"CREATE TABLE {_q(link)} ({', '.join(parts)})")
        statements.append(f'CREATE INDEX {_q(f"{link}__item")} ON {_q(link)} ("item")')
    return statements


def _sql_values(s: pd.Series, f: Field) -> list[Any]:
    if f.is_list:  # always a JSON array: [] when the cell is empty, never NULL
        return [json.dumps([neutralise(i) for i in v], ensure_ascii=False) for v in s]
    if f.type == "date":
        return [None if pd.isna(v) else v.strftime("%Y-%m-%d") for v in s]
    values = _python_values(s)
    if f.type == "boolean":
        return [None if v is None else int(v) for v in values]
    if f.type == "integer":
        return [None if v is None else int(v) for v in values]
    if f.type == "number":
        return [None if v is None else float(v) for v in values]
    return [neutralise(v) for v in values]


def _link_rows(frame: pd.DataFrame, schema: TableSchema, f: Field) -> list[tuple]:
    keys = zip(*(_sql_values(frame[k], schema.field(k)) for k in schema.primary_key))
    return [(*key, position, neutralise(item))
            for key, items in zip(keys, frame[f.name]) for position, item in enumerate(items, start=1)]


def _metadata_tables(db: sqlite3.Connection, described: dict[str, TableSchema], meta: dict[str, str]) -> None:
    db.execute(f"CREATE TABLE metadata ({', '.join(f'{_q(k)} TEXT NOT NULL' for k in meta)})")
    db.execute(f"INSERT INTO metadata VALUES ({', '.join('?' * len(meta))})", list(meta.values()))
    db.execute('CREATE TABLE "columns" ("table_name" TEXT NOT NULL, "column_name" TEXT NOT NULL, '
               '"type" TEXT NOT NULL, "required" INTEGER NOT NULL, "description" TEXT NOT NULL, '
               'PRIMARY KEY ("table_name", "column_name"))')
    db.executemany('INSERT INTO "columns" VALUES (?, ?, ?, ?, ?)',
                   [(t.name, f.name, "list of string (JSON array; link table "
                     f"{link_table(t, f)})" if f.is_list else f.type, int(f.required), f.description)
                    for t in described.values() for f in t.fields])


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _names(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join(_q(n) for n in names)


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


# --- zipped data package ---------------------------------------------------------------------

def _zip(base: Path, tables: dict[str, pd.DataFrame], meta: dict[str, str], path: Path) -> None:
    """The data package as a zip whose bytes depend only on the data: sorted entries, a fixed
    time and fixed permissions; with a generated README.md and codebook.md beside the data."""
    from .codebook import render_codebook

    names = list(schemas(base))
    files = [DESCRIPTOR, CITATION, *LICENSE_FILES, *(f"{SCHEMAS}/{n}.json" for n in names),
             *(f"{DATASETS}/{n}.csv" for n in names)]
    members = {name: inside(base, name).read_bytes() for name in files if name not in LICENSE_FILES
               or (base / name).exists() or (base / name).is_symlink()}
    members["README.md"] = data_readme(base, tables, meta).encode("utf-8")
    members["codebook.md"] = render_codebook(base).encode("utf-8")
    with zipfile.ZipFile(path, "w") as z:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permissions below are read
            info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            z.writestr(info, members[name], compresslevel=9)


def data_readme(base: Path, tables: dict[str, pd.DataFrame], meta: dict[str, str]) -> str:
    """A short README for the unpacked data package: what it is, its files, how to read it."""
    described = schemas(base)
    rows = "\n".join(f"| `{name}` | {len(frame)} | {described[name].description} |" for name, frame in tables.items())
    return f"""# {meta['title'] or meta['name']}

Version {meta['version']}. Data licence: {meta['licence']} (`LICENSE-DATA`); the code that built this
package: MIT (`LICENSE`). Exported by {meta['exported_from']}.

Cite as: {meta['citation']}

## Files

- `datapackage.json`: the Frictionless Data Package (v2) descriptor: every table, its schema,
  licence, sources, size and sha256 hash.
- `datasets/*.csv`: the tables (UTF-8, comma-separated, a header row, dates as `yyyy-mm-dd`). An
  empty cell means unknown. List columns hold `;`-separated items in one cell.
- `schemas/*.json`: one Table Schema per table: columns, types, constraints, keys.
- `codebook.md`: every column of every table, with its type, constraints and meaning.
- `CITATION.cff`: how to cite the data.

## Tables

| table | rows | one row is |
|---|---|---|
{rows}

## Reading it

- Python: `pip install belarus-data`, then `belarus_data.load("releases", root="THIS_FOLDER")`
  (typed DataFrames; `belarus-data validate --root THIS_FOLDER` checks the files).
- Any Frictionless tool: `frictionless validate datapackage.json`.
- Any CSV reader: see `codebook.md` for the types; every row cites `sources.csv`.
"""
