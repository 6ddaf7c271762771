"""The cache on disk of typed tables: it may make loading faster, never different."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import belarus_data as bd
from belarus_data import DataValidationError, _package, _typed_cache
loader = sys.modules["belarus_data.load"]  # the package exports a function of the same name
from belarus_data.schema import _schemas_in, schemas

from .conftest import read_rows, write_bytes, write_rows

TABLES = list(schemas())


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(_typed_cache.CACHE_ENV, str(folder))
    return folder


def _as_a_new_process(name: str, root: Path | None = None) -> pd.DataFrame:
    """Load with nothing remembered in this process, as the first call of a new one would."""
    loader._parsed.clear()
    loader._verified.clear()
    loader._verified_metadata.clear()
    _package.descriptor.cache_clear()
    _schemas_in.cache_clear()
    return bd.load(name, root=root)


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / _typed_cache.TABLES).glob("*.pickle"))


@pytest.mark.parametrize("name", TABLES)
def test_a_frame_from_the_cache_equals_the_frame_read_from_the_file(name, cache, monkeypatch):
    written = _as_a_new_process(name)
    from_cache = _as_a_new_process(name)
    assert any(p.name.startswith(f"{name}-") for p in _entries(cache))
    monkeypatch.setenv(_typed_cache.CACHE_ENV, "off")
    read = _as_a_new_process(name)
    for frame in (written, from_cache):
        pd.testing.assert_frame_equal(frame, read)
        assert list(frame.dtypes) == list(read.dtypes)
        assert frame.attrs == read.attrs


def test_a_changed_cell_is_a_new_entry_and_the_new_value_is_loaded(data_copy, cache):
    _as_a_new_process("releases", data_copy)
    before = _entries(cache)
    rows = read_rows(data_copy, "releases")
    rows[0]["notes"] = "changed for this test"
    write_rows(data_copy, "releases", rows)
    frame = _as_a_new_process("releases", data_copy)
    assert frame.loc[0, "notes"] == "changed for this test"
    assert len(_entries(cache)) == len(before) + 1


def test_a_changed_schema_is_a_new_entry(data_copy, cache):
    _as_a_new_process("releases", data_copy)
    path = data_copy / "schemas" / "releases.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"description": "', '"description": "Edited. ', 1),
                    encoding="utf-8")
    before = _entries(cache)
    _as_a_new_process("releases", data_copy)
    assert len(_entries(cache)) == len(before) + 1


def test_the_hash_check_runs_with_a_warm_cache(data_copy, cache):
    _as_a_new_process("releases", data_copy)
    path = data_copy / "datasets" / "releases.csv"
    path.write_bytes(path.read_bytes() + b"\n")  # a byte more than datapackage.json records
    with pytest.raises(DataValidationError, match="hash"):
        _as_a_new_process("releases", data_copy)


def test_a_file_with_a_problem_is_never_cached_and_fails_every_time(data_copy, cache):
    rows = read_rows(data_copy, "releases")
    rows[0]["date"] = "2025-13-45"
    write_rows(data_copy, "releases", rows)
    for _ in range(2):
        with pytest.raises(DataValidationError, match="yyyy-mm-dd"):
            _as_a_new_process("releases", data_copy)
    assert not [p for p in _entries(cache) if p.name.startswith("releases-")]


@pytest.mark.parametrize("damage", [b"", b"not a pickle", None], ids=["empty", "garbage", "truncated"])
def test_a_damaged_entry_is_read_again_from_the_file_and_replaced(damage, cache):
    expected = _as_a_new_process("prisoners")
    (entry,) = [p for p in _entries(cache) if p.name.startswith("prisoners-")]
    entry.write_bytes(entry.read_bytes()[:1000] if damage is None else damage)
    pd.testing.assert_frame_equal(_as_a_new_process("prisoners"), expected)
    assert _as_a_new_process("prisoners").equals(expected)  # the replaced entry is whole again


def test_an_entry_holding_another_table_is_not_used(cache):
    expected = _as_a_new_process("releases")
    _as_a_new_process("judges")
    (releases,) = [p for p in _entries(cache) if p.name.startswith("releases-")]
    (judges,) = [p for p in _entries(cache) if p.name.startswith("judges-")]
    releases.write_bytes(judges.read_bytes())
    pd.testing.assert_frame_equal(_as_a_new_process("releases"), expected)


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv(_typed_cache.CACHE_ENV, "off")
    _as_a_new_process("releases")
    assert _typed_cache.folder() is None
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()


def test_without_a_setting_the_cache_is_in_the_users_cache_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(_typed_cache.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _typed_cache.folder() == tmp_path / "xdg" / "belarus-data"


@pytest.mark.parametrize("make", ["a file", "shared with others"])
def test_a_cache_folder_that_cannot_be_used_safely_is_skipped(make, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    if make == "a file":
        folder.write_text("not a folder")
    else:
        if not hasattr(os, "getuid"):
            pytest.skip("permission bits are POSIX")
        folder.mkdir()
        folder.chmod(0o777)  # anyone could plant a pickle here
    monkeypatch.setenv(_typed_cache.CACHE_ENV, str(folder))
    assert _typed_cache.folder() is None
    expected = bd.load("releases", root=None)
    pd.testing.assert_frame_equal(_as_a_new_process("releases"), expected)
    assert folder.is_file() or not list(folder.iterdir())


def test_a_new_cache_folder_is_private(cache):
    _as_a_new_process("releases")
    if hasattr(os, "getuid"):
        assert cache.stat().st_mode & 0o077 == 0


def test_the_oldest_used_entries_are_pruned_past_the_size_limit(cache):
    for name in ("releases", "judges", "sources"):
        _as_a_new_process(name)
    entries = {p.name.split("-")[0]: p for p in _entries(cache)}
    for age, name in enumerate(("sources", "releases", "judges")):  # sources least recently used
        os.utime(entries[name], ns=(10**18 + age, 10**18 + age))
    keep = entries["releases"].stat().st_size + entries["judges"].stat().st_size
    _typed_cache.prune(cache, max_bytes=keep)
    assert sorted(p.name.split("-")[0] for p in _entries(cache)) == ["judges", "releases"]


def test_the_metadata_verdict_is_remembered_only_for_the_same_files(data_copy, cache):
    _as_a_new_process("releases", data_copy)
    verdicts = list((cache / _typed_cache.VERDICTS).iterdir())
    assert len(verdicts) == 1
    citation = data_copy / "CITATION.cff"
    citation.write_text(citation.read_text(encoding="utf-8").replace('version: "', 'version: "9', 1),
                        encoding="utf-8")
    with pytest.raises(DataValidationError, match="version"):
        _as_a_new_process("releases", data_copy)


def test_a_new_process_reads_the_entries_the_first_one_wrote(cache):
    code = ("import belarus_data as bd, belarus_data._typed_cache as c\n"
            "reads = []\nget = c.get\n"
            "c.get = lambda name: reads.append(get(name) is not None) or get(name)\n"
            "bd.load_all()\nprint(sum(reads), len(reads))")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
            for _ in range(2)]
    assert runs[0] == ["0", str(len(TABLES))]  # the first process finds nothing and writes
    assert runs[1] == [str(len(TABLES))] * 2  # the second reads every table from the cache


def test_a_large_table_is_not_cached(cache, monkeypatch):
    monkeypatch.setattr(loader, "CACHE_MAX_CELLS", 10)
    _as_a_new_process("releases")
    assert not [p for p in _entries(cache) if p.name.startswith("releases-")]


def test_a_cell_broken_after_the_cache_was_warmed_is_reported(data_copy, cache):
    _as_a_new_process("releases", data_copy)
    data = (data_copy / "datasets" / "releases.csv").read_bytes()
    write_bytes(data_copy, "releases", data.replace(b"\n2025-09-11,2025-09-11,", b"\n2025-09-11,2025-09-31,", 1))
    with pytest.raises(DataValidationError, match="2025-09-31"):
        _as_a_new_process("releases", data_copy)
