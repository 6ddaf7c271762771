"""Every kind of bad input gives one clear error naming file, row, column and rule."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import belarus_data as bd
from belarus_data import DataValidationError

from .conftest import read_rows, write_bytes, write_rows


def _set(table, column, value, row=0):
    def mutate(root: Path) -> None:
        rows = read_rows(root, table)
        rows[row][column] = value
        write_rows(root, table, rows)
    return mutate


def _duplicate_first_row(table):
    def mutate(root: Path) -> None:
        rows = read_rows(root, table)
        write_rows(root, table, rows + [dict(rows[0])])
    return mutate


def _drop_column(table, column):
    def mutate(root: Path) -> None:
        rows = read_rows(root, table)
        write_rows(root, table, rows, [c for c in rows[0] if c != column])
    return mutate


def _add_column(table, column):
    def mutate(root: Path) -> None:
        rows = read_rows(root, table)
        write_rows(root, table, rows, [*rows[0], column])
    return mutate


def _remove_file(table):
    def mutate(root: Path) -> None:
        (root / "datasets" / f"{table}.csv").unlink()
    return mutate


def _latin1_cell(table):
    def mutate(root: Path) -> None:
        data = (root / "datasets" / f"{table}.csv").read_bytes()
        lines = data.split(b"\n")
        lines[2] = lines[2].replace(b",", "é,".encode("latin-1"), 1)
        write_bytes(root, table, b"\n".join(lines))
    return mutate


def _edit_without_rehash(table):
    def mutate(root: Path) -> None:
        path = root / "datasets" / f"{table}.csv"
        write_bytes(root, table, path.read_bytes() + path.read_bytes().splitlines(keepends=True)[1], rehash=False)
    return mutate


def _append_to_list(table, column, item, row=0):
    def mutate(root: Path) -> None:
        rows = read_rows(root, table)
        rows[row][column] = rows[row][column] + ";" + item
        write_rows(root, table, rows)
    return mutate


# (case, mutation, file, row, column, rule): row 2 is the first data row (the header is row 1).
CASES = [
    ("missing file", _remove_file("prisoner_releases"), "datasets/prisoner_releases.csv", None, None, "file"),
    ("missing column", _drop_column("releases", "kind"), "datasets/releases.csv", 1, "kind", "header"),
    ("extra column", _add_column("releases", "comment"), "datasets/releases.csv", 1, "comment", "header"),
    ("bad date", _set("releases", "date", "13/12/2025"), "datasets/releases.csv", 2, "date", "type"),
    ("impossible date", _set("prisoners", "detained_on", "2021-02-30"), "datasets/prisoners.csv", 2, "detained_on", "type"),
    ("bad integer", _set("releases", "released_total", "about 120"), "datasets/releases.csv", 2, "released_total", "type"),
    ("duplicate key", _duplicate_first_row("prisoners"), "datasets/prisoners.csv", None, "person_id", "unique"),
    ("duplicate composite key", _duplicate_first_row("release_figures"), "datasets/release_figures.csv", None, None, "primary_key"),
    ("dangling foreign key", _set("prisoner_releases", "release_id", "1999-01-01"), "datasets/prisoner_releases.csv", 2, "release_id", "foreign_key"),
    ("dangling key inside a list", _append_to_list("releases", "source_ids", "no-such-source"), "datasets/releases.csv", 2, "source_ids", "foreign_key"),
    ("unknown enum value", _set("releases", "kind", "amnesty"), "datasets/releases.csv", 2, "kind", "enum"),
    ("unknown list item", _append_to_list("prisoners", "roles", "wizard"), "datasets/prisoners.csv", 2, "roles", "item_enum"),
    ("formula cell", _set("releases", "summary", "=HYPERLINK(\"http://x\")"), "datasets/releases.csv", 2, "summary", "formula"),
    ("formula after at-sign", _set("sources", "title", "@SUM(A1:A2)"), "datasets/sources.csv", 2, "title", "formula"),
    ("pattern", _set("prisoners", "person_id", "Not A Slug"), "datasets/prisoners.csv", 2, "person_id", "pattern"),
    ("no source cited", _set("releases", "source_ids", ""), "datasets/releases.csv", 2, "source_ids", "required"),
    ("hash mismatch", _edit_without_rehash("sources"), "datasets/sources.csv", None, None, "hash"),
    ("non-UTF-8 file", _latin1_cell("sources"), "datasets/sources.csv", 3, None, "encoding"),
]


@pytest.mark.parametrize(("mutate", "file", "row", "column", "rule"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_validate_names_file_row_column_and_rule(data_copy, mutate, file, row, column, rule):
    mutate(data_copy)
    with pytest.raises(DataValidationError) as caught:
        bd.validate(data_copy)
    matching = [p for p in caught.value.problems if p.file == file and p.rule == rule]
    assert matching, str(caught.value)
    if row is not None:
        assert any(p.row == row for p in matching), str(caught.value)
    if column is not None:
        assert any(p.column == column for p in matching), str(caught.value)
    assert file in str(caught.value) and f"[{rule}]" in str(caught.value)


@pytest.mark.parametrize(("mutate", "file", "rule"), [(c[1], c[2], c[5]) for c in CASES
                                                       if c[5] in {"file", "header", "type", "enum", "hash", "encoding"}],
                         ids=[c[0] for c in CASES if c[5] in {"file", "header", "type", "enum", "hash", "encoding"}])
def test_loading_a_broken_file_raises_the_same_error(data_copy, mutate, file, rule):
    mutate(data_copy)
    table = Path(file).stem
    with pytest.raises(DataValidationError, match=rf"\[{rule}\]"):
        bd.load(table, root=data_copy)


@pytest.mark.parametrize(("mutate", "file", "rule"), [(c[1], c[2], c[5]) for c in CASES[::4]],
                         ids=[c[0] for c in CASES[::4]])
def test_cli_validate_exits_1_with_one_line_per_problem_and_no_traceback(data_copy, mutate, file, rule):
    mutate(data_copy)
    done = subprocess.run([sys.executable, "-m", "belarus_data.cli", "validate", "--root", str(data_copy)],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert any(line.startswith(file) and f"[{rule}]" in line for line in done.stderr.splitlines()), done.stderr


def test_cli_validate_exits_0_on_the_shipped_data():
    done = subprocess.run([sys.executable, "-m", "belarus_data.cli", "validate"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
