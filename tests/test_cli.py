"""The command line, as a user types it."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import zipfile

import pandas as pd
import pytest

import belarus_data as bd


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "belarus_data.cli", *args], capture_output=True, text=True)


def test_info_lists_every_table_with_rows_version_licences_and_citation():
    done = run("info")
    assert done.returncode == 0, done.stderr
    for name, frame in bd.load_all().items():
        assert any(line.split()[:2] == [name, str(len(frame))] for line in done.stdout.splitlines()), name
    assert bd.__version__ in done.stdout and "CC-BY-4.0" in done.stdout and "Cite as:" in done.stdout


@pytest.mark.parametrize("format", ["bibtex", "apa", "cff", "text"])
def test_cite_prints_the_citation_in_each_format(format):
    done = run("cite", "--format", format)
    assert done.returncode == 0
    assert bd.__version__ in done.stdout
    assert done.stdout.strip() == bd.cite(format).strip()
    if format == "bibtex":
        assert done.stdout.startswith("@misc{")


def test_export_parquet_round_trips_every_table(tmp_path):
    assert run("export", "--format", "parquet", "--out", str(tmp_path)).returncode == 0
    for name, frame in bd.load_all().items():
        back = pd.read_parquet(tmp_path / f"{name}.parquet")
        assert len(back) == len(frame) and list(back.columns) == list(frame.columns)


def test_export_sqlite_has_one_table_per_dataset(tmp_path):
    assert run("export", "--format", "sqlite", "--out", str(tmp_path)).returncode == 0
    with sqlite3.connect(tmp_path / "belarus-data.sqlite") as db:
        for name, frame in bd.load_all().items():
            assert db.execute(f'select count(*) from "{name}"').fetchone()[0] == len(frame)


def test_export_datapackage_zip_validates_when_unpacked(tmp_path):
    assert run("export", "--format", "datapackage-zip", "--out", str(tmp_path)).returncode == 0
    with zipfile.ZipFile(tmp_path / "belarus-data-datapackage.zip") as z:
        z.extractall(tmp_path / "unpacked")
    assert run("validate", "--root", str(tmp_path / "unpacked")).returncode == 0


def test_export_refuses_an_unknown_format(tmp_path):
    done = run("export", "--format", "xlsx", "--out", str(tmp_path))
    assert done.returncode == 2 and "invalid choice" in done.stderr


def test_flattening_for_spreadsheets_neutralises_formula_like_text():
    from belarus_data.export import flat

    frame = pd.DataFrame({"a": pd.Series(["=1+1", "-2", "@x", "plain"], dtype="string"), "b": [["x", "y"]] * 4})
    out = flat(frame)
    assert out.a.tolist() == ["'=1+1", "'-2", "'@x", "plain"]
    assert out.b.tolist() == ["x;y"] * 4
