"""Bad input never escapes as anything but DataValidationError; nothing is lost silently;
nothing needs the network."""
from __future__ import annotations

import socket
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import belarus_data as bd
from belarus_data import DataValidationError
from belarus_data._read import read_table
from belarus_data.schema import schemas

from .conftest import REPO, read_rows, write_bytes, write_rows

TABLES = list(schemas())
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _copy_of_repo_data(folder: Path) -> Path:
    import shutil

    for item in ("datasets", "schemas", "datapackage.json", "CITATION.cff"):
        source = REPO / item
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, folder / item)
    return folder


MUTATIONS = ["cell", "duplicate_row", "drop_row", "rename_column", "break_key"]


@FUZZ
@given(table=st.sampled_from(TABLES), mutation=st.sampled_from(MUTATIONS), data=st.data())
def test_a_mutated_table_is_accepted_or_refused_with_data_validation_error(table, mutation, data):
    with tempfile.TemporaryDirectory() as tmp:
        root = _copy_of_repo_data(Path(tmp))
        rows = read_rows(root, table)
        if not rows:
            return
        columns = list(rows[0])
        i = data.draw(st.integers(0, len(rows) - 1), label="row")
        column = data.draw(st.sampled_from(columns), label="column")
        if mutation == "cell":
            rows[i][column] = data.draw(st.text(max_size=12).filter(lambda s: "\r" not in s and "\n" not in s), label="value")
        elif mutation == "duplicate_row":
            rows.append(dict(rows[i]))
        elif mutation == "drop_row":
            del rows[i]
        elif mutation == "rename_column":
            columns[columns.index(column)] = column + "_x"
            rows = [{(k + "_x" if k == column else k): v for k, v in r.items()} for r in rows]
        elif mutation == "break_key":
            rows[i][columns[0]] = rows[i][columns[0]] + "-nope"
        write_rows(root, table, rows, columns)
        try:
            bd.validate(root)
        except DataValidationError as e:
            assert e.problems and all(p.file and p.rule for p in e.problems)
        try:
            frame = bd.load(table, root=root)
        except DataValidationError:
            return
        assert len(frame) == len(rows), "a row was dropped or invented while loading"


def _rows_of(data: bytes) -> int:
    return sum(1 for line in data.splitlines() if line.strip()) - 1


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("damage", ["bom", "crlf", "unbalanced_quote", "truncated_last_line", "empty", "latin1", "only_header"])
def test_the_reader_on_malformed_files_gives_a_clear_error_or_every_row(table, damage):
    schema = schemas()[table]
    data = (REPO / "datasets" / f"{table}.csv").read_bytes()
    if damage == "bom":
        data = b"\xef\xbb\xbf" + data
    elif damage == "crlf":
        data = data.replace(b"\n", b"\r\n")
    elif damage == "unbalanced_quote":
        lines = data.split(b"\n")
        lines[1] = b'"' + lines[1]
        data = b"\n".join(lines)
    elif damage == "truncated_last_line":
        data = data.rstrip(b"\n")
        data = data[: len(data) - max(1, len(data.split(b"\n")[-1]) // 2)]
    elif damage == "empty":
        data = b""
    elif damage == "latin1":
        data = data + "Łukašenka,é\n".encode("latin-1", errors="replace") + b"\xe9\n"
    elif damage == "only_header":
        data = data.split(b"\n")[0] + b"\n"
    result = read_table(data, schema, f"datasets/{table}.csv")
    if result.problems:
        assert all(p.file == f"datasets/{table}.csv" and p.rule for p in result.problems)
        return
    assert result.frame is not None and len(result.frame) == _rows_of(data)
    if damage in ("bom", "crlf"):
        assert result.frame.equals(read_table((REPO / "datasets" / f"{table}.csv").read_bytes(), schema, "x").frame)


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access attempted in an offline test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_everything_works_with_the_network_blocked(no_network, tmp_path):
    assert all(len(frame.columns) for frame in bd.load_all().values())
    bd.validate()
    assert not bd.find_person("Kalesnikava").empty
    assert bd.cite("bibtex").startswith("@misc")
    for format in ("parquet", "sqlite", "datapackage-zip"):
        assert bd.export(format, tmp_path / format)


def test_loading_says_which_file_changed_since_the_descriptor_was_built(data_copy, monkeypatch):
    path = data_copy / "datasets" / "releases.csv"
    write_bytes(data_copy, "releases", path.read_bytes() + b"\n", rehash=False)
    with pytest.raises(DataValidationError, match=r"datasets/releases.csv: \[hash\]"):
        bd.load("releases", root=data_copy)
    assert len(bd.load("releases", root=data_copy, verify_hash=False)) == len(bd.releases())
    monkeypatch.setenv("BELARUS_DATA_SKIP_HASH_CHECK", "1")
    assert len(bd.load("releases", root=data_copy)) == len(bd.releases())


def test_each_table_declares_bounds_and_losing_rows_below_them_fails(data_copy):
    for name, schema in schemas().items():
        # id_redirects starts empty: no id of a published version has gone yet
        assert schema.min_rows is not None and (schema.min_rows >= 1 or name == "id_redirects"), \
            f"{name} declares no x-minRows"
        assert len(bd.load(name)) >= schema.min_rows
    rows = read_rows(data_copy, "releases")
    keep = rows[:1]
    write_rows(data_copy, "releases", keep)
    with pytest.raises(DataValidationError) as caught:
        bd.validate(data_copy)
    assert any(p.rule == "row_bounds" and p.file == "datasets/releases.csv" for p in caught.value.problems)
