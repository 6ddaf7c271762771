"""Shared fixtures: a private copy of the repository's data that a test may break."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from belarus_data import _package

REPO = Path(__file__).resolve().parents[1]
DATA_ITEMS = ("datasets", "schemas", "datapackage.json", "CITATION.cff", "pyproject.toml")
_OWN_CACHE: tempfile.TemporaryDirectory | None = None


def pytest_configure(config: pytest.Config) -> None:
    """The tests (and the subprocesses and notebook kernels they start) share one typed cache of
    their own, set before any test module is imported: they never write into the user's cache."""
    global _OWN_CACHE
    from belarus_data._typed_cache import CACHE_ENV

    _OWN_CACHE = tempfile.TemporaryDirectory(prefix="belarus-data-test-cache-")
    os.environ[CACHE_ENV] = _OWN_CACHE.name


def pytest_unconfigure(config: pytest.Config) -> None:
    if _OWN_CACHE is not None:
        _OWN_CACHE.cleanup()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the repository's data root in a temporary folder."""
    for item in DATA_ITEMS:
        source = REPO / item
        if source.is_dir():
            shutil.copytree(source, tmp_path / item)
        else:
            shutil.copy2(source, tmp_path / item)
    _package.descriptor.cache_clear()
    return tmp_path


def read_rows(root: Path, table: str) -> list[dict[str, str]]:
    with open(root / "datasets" / f"{table}.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_rows(root: Path, table: str, rows: list[dict[str, str]], columns: list[str] | None = None) -> None:
    """Rewrite a table (and its hash in datapackage.json, so only the intended fault remains)."""
    columns = columns or list(rows[0])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    write_bytes(root, table, buffer.getvalue().encode("utf-8"))


def write_bytes(root: Path, table: str, data: bytes, rehash: bool = True) -> None:
    path = f"datasets/{table}.csv"
    (root / path).write_bytes(data)
    if rehash:
        descriptor_path = root / "datapackage.json"
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
        for resource in descriptor["resources"]:
            if resource["path"] == path:
                resource["bytes"], resource["hash"] = len(data), _package.sha256(data)
        descriptor_path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
        _package.descriptor.cache_clear()


@pytest.fixture
def edit(data_copy: Path) -> Callable[[str, Callable[[list[dict[str, str]]], None]], Path]:
    """``edit(table, change)``: apply ``change`` to the rows of ``table`` in the data copy."""

    def apply(table: str, change: Callable[[list[dict[str, str]]], None]) -> Path:
        rows = read_rows(data_copy, table)
        columns = list(rows[0])
        change(rows)
        write_rows(data_copy, table, rows, columns)
        return data_copy

    return apply


def rule_problems(root: Path, rule: str) -> list:
    """The problems of one rule that validating ``root`` reports; fails when there are none."""
    import belarus_data as bd
    from belarus_data import DataValidationError

    with pytest.raises(DataValidationError) as caught:
        bd.validate(root)
    found = [p for p in caught.value.problems if p.rule == rule]
    assert found, str(caught.value)
    return found
