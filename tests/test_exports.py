"""Exports as other tools see them: typed SQLite with keys, typed Parquet, a reproducible zip,
written atomically, never from outside the data root nor over its inputs."""
from __future__ import annotations

import importlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import belarus_data as bd
from belarus_data.datapackage import PACKAGE_PROFILE, RESOURCE_PROFILE, TABLE_SCHEMA_PROFILE
from belarus_data.export import SQLITE_FILE, ZIP_FILE, ZIP_TIME, export, link_table
from belarus_data.schema import schemas
from belarus_data.validate import problems

from .conftest import REPO, read_rows, write_rows

TABLES = schemas(REPO)
EXPORT_MODULE = importlib.import_module("belarus_data.export")  # the module, not the function


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "belarus_data.cli", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory) -> sqlite3.Connection:
    out = tmp_path_factory.mktemp("sqlite")
    export("sqlite", out)
    db = sqlite3.connect(out / SQLITE_FILE)
    yield db
    db.close()


@pytest.fixture(scope="module")
def parquet_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("parquet")
    export("parquet", out)
    return out


# --- SQLite ----------------------------------------------------------------------------------

def test_sqlite_numbers_compare_as_numbers_like_pandas(sqlite_db):
    people = bd.prisoners()
    expected = int((people.sentence_years > 10).sum())
    assert sqlite_db.execute("SELECT count(*) FROM prisoners WHERE sentence_years > 10").fetchone()[0] == expected
    types = {t for (t,) in sqlite_db.execute("SELECT DISTINCT typeof(sentence_years) FROM prisoners")}
    assert types <= {"real", "null"}


@pytest.mark.parametrize("name", list(TABLES))
def test_sqlite_columns_are_typed_and_keys_declared(sqlite_db, name):
    schema = TABLES[name]
    info = {row[1]: row for row in sqlite_db.execute(f'PRAGMA table_info("{name}")')}
    expected_types = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER",
                      "date": "DATE", "list": "TEXT"}
    for f in schema.fields:
        _, _, declared, not_null, _, pk_position = info[f.name]
        assert declared == expected_types[f.type], f.name
        assert bool(not_null) == (f.required or f.is_list), f.name
        assert (pk_position > 0) == (f.name in schema.primary_key), f.name
    foreign = {(row[3], row[2], row[4]) for row in sqlite_db.execute(f'PRAGMA foreign_key_list("{name}")')}
    for f, ref in schema.references:
        if not f.is_list:
            assert (f.name, ref.resource, ref.field) in foreign
    indexed = {row[2] for ix in sqlite_db.execute(f'PRAGMA index_list("{name}")')
               for row in sqlite_db.execute(f'PRAGMA index_info("{ix[1]}")')}
    for f, _ in schema.references:
        if not f.is_list:
            assert f.name in indexed, f"{name}.{f.name} has no index"


def test_sqlite_every_reference_resolves_and_dates_are_iso_text(sqlite_db):
    assert sqlite_db.execute("PRAGMA foreign_key_check").fetchall() == []
    dates = sqlite_db.execute("SELECT date, typeof(date) FROM releases").fetchall()
    assert all(kind == "text" and pd.Timestamp(value).strftime("%Y-%m-%d") == value for value, kind in dates)


@pytest.mark.parametrize("name", [n for n, s in TABLES.items() if any(f.is_list for f in s.fields)])
def test_sqlite_lists_are_json_arrays_and_link_tables_with_the_same_items(sqlite_db, name):
    frame = bd.load(name)
    schema = TABLES[name]
    for f in (f for f in schema.fields if f.is_list):
        cells = [json.loads(v) for (v,) in sqlite_db.execute(f'SELECT "{f.name}" FROM "{name}"')]
        assert sorted(map(tuple, cells)) == sorted(tuple(v) for v in frame[f.name])  # [] when empty, never NULL
        link = link_table(schema, f)
        count = sqlite_db.execute(f'SELECT count(*) FROM "{link}"').fetchone()[0]
        assert count == int(frame[f.name].map(len).sum())
        if f.reference is not None:
            dangling = sqlite_db.execute(
                f'SELECT count(*) FROM "{link}" l LEFT JOIN "{f.reference.resource}" r '
                f'ON l.item = r."{f.reference.field}" WHERE r."{f.reference.field}" IS NULL').fetchone()[0]
            assert dangling == 0


def test_sqlite_carries_name_version_licence_and_citation(sqlite_db):
    row = sqlite_db.execute("SELECT name, version, licence, citation, exported_from FROM metadata").fetchone()
    assert row[0] == "belarus-data" and row[1] == bd.__version__ and row[2] == "CC-BY-4.0"
    assert row[3] == bd.cite("text") and row[4] == f"belarus_data {bd.__version__}"
    described = sqlite_db.execute('SELECT count(*) FROM "columns"').fetchone()[0]
    assert described == sum(len(s.fields) for s in TABLES.values())


def test_formula_like_text_is_refused_on_load_and_neutralised_by_the_export_function(data_copy):
    # The loader refuses such cells (rule `formula`), so no loaded frame holds one; the export's
    # own neutralising stays as a second guard for frames a user builds and exports.
    from belarus_data.export import neutralise

    rows = read_rows(data_copy, "prisoners")
    rows[0]["notes"] = "@SUM(A1)"
    write_rows(data_copy, "prisoners", rows)
    with pytest.raises(bd.DataValidationError, match=r"prisoners.csv, row 2, column 'notes': \[formula\]"):
        bd.load("prisoners", root=data_copy)
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("a @ b") == "a @ b"


# --- Parquet ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(TABLES))
def test_parquet_types_come_from_the_schema(parquet_dir, name):
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = pq.read_schema(parquet_dir / f"{name}.parquet")
    expected = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
                "date": pa.date32(), "list": pa.list_(pa.string())}
    for f in TABLES[name].fields:
        assert arrow.field(f.name).type == expected[f.type], f.name
    back = pd.read_parquet(parquet_dir / f"{name}.parquet")
    assert len(back) == len(bd.load(name))


def test_no_export_holds_a_path_of_the_machine_or_pandas_metadata(parquet_dir, sqlite_db, tmp_path):
    import pyarrow.parquet as pq

    export("datapackage-zip", tmp_path)
    machine_paths = [str(REPO), str(Path.home()), str(parquet_dir), str(tmp_path), "/tmp/", "/work/"]
    for path in parquet_dir.glob("*.parquet"):
        meta = pq.read_metadata(path).metadata
        assert b"pandas" not in meta
        text = b" ".join(meta.values()).decode("utf-8") + path.read_bytes().decode("latin-1")
        assert not [p for p in machine_paths if p in text], path.name
        table = json.loads(meta[b"belarus_data"])
        assert table["version"] == bd.__version__ and table["licence"] == "CC-BY-4.0"
    dump = "\n".join(sqlite_db.iterdump())
    assert not [p for p in machine_paths if p in dump]
    with zipfile.ZipFile(tmp_path / ZIP_FILE) as z:
        for name in ("README.md", "codebook.md", "datapackage.json"):
            assert not [p for p in machine_paths if p in z.read(name).decode("utf-8")], name


# --- the zipped data package -----------------------------------------------------------------

def _two_copies(tmp_path: Path) -> list[Path]:
    roots = []
    for i, name in enumerate(("first", "second")):
        root = tmp_path / name
        for item in ("datasets", "schemas", "datapackage.json", "CITATION.cff", "LICENSE", "LICENSE-DATA"):
            source = REPO / item
            (shutil.copytree if source.is_dir() else shutil.copy)(source, root / item)
        for path in root.rglob("*"):  # different times and permissions on each copy
            os.utime(path, (1_000_000_000 + i * 12345, 1_000_000_000 + i * 12345))
        (root / "LICENSE").chmod(0o600 if i else 0o664)
        roots.append(root)
    return roots


@pytest.mark.parametrize("format", ["datapackage-zip", "sqlite", "parquet"])
def test_the_same_data_export_to_the_same_bytes(tmp_path, format):
    outputs = []
    for n, root in enumerate(_two_copies(tmp_path)):
        for again in range(2 if n == 0 else 1):
            out = tmp_path / f"out-{n}-{again}"
            files = export(format, out, root=root)
            outputs.append({p.name: p.read_bytes() for p in files})
    assert outputs[0] == outputs[1] == outputs[2]


def test_the_zip_is_sorted_timeless_and_carries_readme_and_codebook(tmp_path):
    export("datapackage-zip", tmp_path)
    with zipfile.ZipFile(tmp_path / ZIP_FILE) as z:
        infos = z.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names)
        assert {"README.md", "codebook.md", "datapackage.json", "CITATION.cff", "LICENSE-DATA"} <= set(names)
        assert all(i.date_time == ZIP_TIME and (i.external_attr >> 16) & 0o777 == 0o644 for i in infos)
        readme = z.read("README.md").decode("utf-8")
        assert bd.__version__ in readme and "CC-BY-4.0" in readme and bd.cite("text") in readme
        for name in TABLES:
            assert f"`{name}`" in readme and f"## `{name}`" in z.read("codebook.md").decode("utf-8")


def test_the_zip_refuses_a_licence_that_links_out_of_the_data_root(data_copy, tmp_path_factory):
    secret = tmp_path_factory.mktemp("elsewhere") / "elsewhere.txt"
    secret.write_text("not part of the data", encoding="utf-8")
    (data_copy / "LICENSE").symlink_to(secret)
    out = tmp_path_factory.mktemp("out")
    done = run("export", "--format", "datapackage-zip", "--root", str(data_copy), "--out", str(out))
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "LICENSE" in done.stderr and "outside the data root" in done.stderr
    assert not (out / ZIP_FILE).exists() and not list(out.glob(".belarus-data-tmp-*"))


# --- where exports go ------------------------------------------------------------------------

def test_export_of_a_missing_root_is_an_error_and_writes_nothing(tmp_path):
    done = run("export", "--format", "sqlite", "--root", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "nowhere" in done.stderr and "not a data root" in done.stderr
    assert not (tmp_path / "out" / SQLITE_FILE).exists()


@pytest.mark.parametrize("where", ["a file", "below a file"])
def test_export_to_a_file_or_an_unwritable_place_is_a_clear_error(tmp_path, where):
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    out = blocker if where == "a file" else blocker / "sub"
    done = run("export", "--format", "sqlite", "--out", str(out))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"--out {out}" in done.stderr
    assert ("is a file" if where == "a file" else "cannot write there") in done.stderr


@pytest.mark.parametrize("inside", [".", "datasets", "schemas", "datasets/sub"])
def test_export_never_writes_into_the_data_root_or_its_inputs(data_copy, inside):
    before = sorted(p.relative_to(data_copy) for p in data_copy.rglob("*"))
    done = run("export", "--format", "parquet", "--root", str(data_copy), "--out", str(data_copy / inside))
    assert done.returncode == 2 and "refusing to write into the data root" in done.stderr
    assert sorted(p.relative_to(data_copy) for p in data_copy.rglob("*")) == before


def test_a_failed_export_leaves_the_previous_file_and_no_temporary_one(tmp_path, monkeypatch):
    export("sqlite", tmp_path)
    before = (tmp_path / SQLITE_FILE).read_bytes()

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(EXPORT_MODULE, "_metadata_tables", interrupted)
    with pytest.raises(KeyboardInterrupt):
        export("sqlite", tmp_path)
    assert (tmp_path / SQLITE_FILE).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [SQLITE_FILE]


# --- the descriptor --------------------------------------------------------------------------

def test_the_descriptor_declares_data_package_v2_everywhere_and_v1_nowhere():
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["$schema"] == PACKAGE_PROFILE and "profile" not in descriptor
    for resource in descriptor["resources"]:
        assert resource["$schema"] == RESOURCE_PROFILE and resource["type"] == "table"
        assert "profile" not in resource
        schema = json.loads((REPO / resource["schema"]).read_text(encoding="utf-8"))
        assert schema["$schema"] == TABLE_SCHEMA_PROFILE
    assert "frictionlessdata.io/schemas" not in (REPO / "datapackage.json").read_text(encoding="utf-8")


def test_frictionless_reads_the_list_fields_of_the_v2_descriptor():
    import frictionless

    package = frictionless.Package(str(REPO / "datapackage.json"))
    releases = package.get_resource("releases")
    assert releases.schema.get_field("source_ids").type == "list"
    report = frictionless.Package.validate_descriptor(str(REPO / "datapackage.json"))
    assert report.valid, report.errors


# --- URLs ------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["https://de.wikipedia.org./wiki/X", "https://example.org.", "http://a.b.?q=1"])
def test_a_url_whose_host_ends_with_a_dot_is_refused(edit, url):
    def change(rows):
        rows[0]["url"] = url
    root = edit("sources", change)
    found = [p for p in problems(root) if p.column == "url"]
    assert [(p.row, p.rule) for p in found] == [(2, "uri")]


@pytest.mark.parametrize("url", ["https://de.wikipedia.org/wiki/X", "https://example.org", "https://a.b:8080/x?y=1."])
def test_an_ordinary_url_passes(edit, url):
    def change(rows):
        rows[0]["url"] = url
    root = edit("sources", change)
    assert not [p for p in problems(root) if p.column == "url"]
