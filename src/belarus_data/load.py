"""Load the tables as typed pandas DataFrames."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from . import _package
from ._files import DATASETS, DESCRIPTOR, resolve_root
from ._read import read_bytes, read_typed
from .errors import DataValidationError, Problem
from .schema import schemas, table_schema

# Set to 1 while editing the CSVs by hand, so loading skips the check against datapackage.json.
SKIP_HASH_ENV = "BELARUS_DATA_SKIP_HASH_CHECK"
# Tables up to this many cells are kept once parsed (per process, per unchanged file) and handed
# out as copies: notebooks call the loaders again and again, and for small tables pandas' fixed
# per-column costs, not the bytes, dominate. Larger tables are parsed each time, so a million-row
# table is never held twice.
CACHE_MAX_CELLS = 1_000_000
_verified: set[tuple[Path, int, int]] = set()
_parsed: dict[tuple[Path, int, int], pd.DataFrame] = {}
_verified_metadata: set[tuple[Path, object]] = set()


def table_path(name: str, root: str | Path | None = None) -> Path:
    """Where table ``name``'s CSV file is."""
    return resolve_root(root) / DATASETS / f"{name}.csv"


def load(name: str, *, root: str | Path | None = None, verify_hash: bool | None = None) -> pd.DataFrame:
    """Load one table as a typed DataFrame.

    Parameters
    ----------
    name
        Table name, e.g. ``"releases"`` (see :func:`table_names`).
    root
        A folder holding ``datasets/``, ``schemas/`` and ``datapackage.json`` (a checkout or an
        unpacked data package); default: the data installed with this package.
    verify_hash
        Check the file's sha256 against ``datapackage.json`` (once per process and file).
        Default: on, unless the environment variable ``BELARUS_DATA_SKIP_HASH_CHECK=1`` is set.

    Returns
    -------
    pandas.DataFrame
        Dates as ``datetime64[ns]``, counts as ``Int64``, enums as ``category``, ``;``-lists as
        Python lists (``[]`` when empty), other text as ``string``. ``df.attrs`` records the
        table, the dataset version and the citation.

    Raises
    ------
    DataValidationError
        When the file is missing, not UTF-8, changed since datapackage.json was built, has other
        columns than its schema, or a cell that does not fit its column's type.
    """
    base = resolve_root(root)
    schema = table_schema(name, base)
    path = table_path(name, base)
    label = f"{DATASETS}/{name}.csv"
    key = _file_key(path)
    if key in _parsed and (key in _verified or not _should_verify(verify_hash)):
        return _copy(_parsed[key])
    data, problems = read_bytes(path, label)
    if data is None:
        raise DataValidationError(problems)
    if _should_verify(verify_hash):
        _verify_once(base, path, label, data)
    frame = read_typed(data, schema, label)
    meta = _package.descriptor(base) if (base / DESCRIPTOR).exists() else {}  # absent while first built
    frame.attrs = {"table": name, "version": meta.get("version"), "citation": meta.get("citation"),
                   "path": str(path)}
    if key is not None and frame.size <= CACHE_MAX_CELLS:
        _parsed[key] = frame
        return _copy(frame)
    return frame


def _file_key(path: Path) -> tuple[Path, int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (path, stat.st_size, stat.st_mtime_ns)


def _copy(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy the caller may change freely, the lists inside list columns included."""
    copy = frame.copy()
    for column in copy.columns[copy.dtypes == object]:
        copy[column] = [list(v) for v in copy[column]]
    return copy


def _should_verify(verify_hash: bool | None) -> bool:
    if verify_hash is not None:
        return verify_hash
    return os.environ.get(SKIP_HASH_ENV, "") not in {"1", "true", "yes"}


def _verify_once(root: Path, path: Path, label: str, data: bytes) -> None:
    key = _file_key(path)
    if key in _verified:
        return
    problems = _package.hash_problems(root, label, data) + _metadata_problems(root)
    if problems:
        raise DataValidationError(problems)
    _verified.add(key)


def _metadata_problems(root: Path) -> list:
    """The descriptor's name, version and citation, checked once per root and descriptor, so a
    faked version never reaches ``df.attrs`` or ``belarus-data info``."""
    from .validate import PACKAGE_NAME, metadata_problems

    key = (root, _file_key(root / DESCRIPTOR))
    if key in _verified_metadata:
        return []
    d = _package.descriptor(root)
    problems = metadata_problems(root, d)
    if d.get("name") != PACKAGE_NAME:
        problems.append(Problem(DESCRIPTOR, None, None, "descriptor",
                                f"the package is named '{d.get('name')}', not '{PACKAGE_NAME}'"))
    if not problems:
        _verified_metadata.add(key)
    return problems


def table_names(root: str | Path | None = None) -> list[str]:
    """Names of all tables, referenced tables first."""
    return list(schemas(root))


def load_all(*, root: str | Path | None = None, verify_hash: bool | None = None) -> dict[str, pd.DataFrame]:
    """Every table, as ``{name: DataFrame}``; see :func:`load`."""
    return {name: load(name, root=root, verify_hash=verify_hash) for name in table_names(root)}


def sources(**kw) -> pd.DataFrame:
    """Documents cited by the rows of every table (``sources.csv``); columns in docs/codebook.md."""
    return load("sources", **kw)


def releases(**kw) -> pd.DataFrame:
    """Release events: pardons, negotiated releases, exchanges (``releases.csv``)."""
    return load("releases", **kw)


def release_figures(**kw) -> pd.DataFrame:
    """Every number each party reported about each release (``release_figures.csv``)."""
    return load("release_figures", **kw)


def prisoners(**kw) -> pd.DataFrame:
    """The people freed, one row per person (``prisoners.csv``)."""
    return load("prisoners", **kw)


def prisoner_releases(**kw) -> pd.DataFrame:
    """Which release freed which person, with outcome and destination (``prisoner_releases.csv``)."""
    return load("prisoner_releases", **kw)


def sanctions(**kw) -> pd.DataFrame:
    """Dated sanctions actions concerning Belarus (``sanctions.csv``)."""
    return load("sanctions", **kw)


def sanction_designations(**kw) -> pd.DataFrame:
    """Subjects of official Belarus sanctions lists (``sanction_designations.csv``)."""
    return load("sanction_designations", **kw)


def prisoner_counts(**kw) -> pd.DataFrame:
    """Published counts of political prisoners at a date (``prisoner_counts.csv``)."""
    return load("prisoner_counts", **kw)


def released_prisoners(**kw) -> pd.DataFrame:
    """One row per person and release: who, when, how, and how long they had been detained.

    Columns: ``person_id``, ``name``, ``release_id``, ``release_date``, ``release_kind``,
    ``mediator``, ``outcome``, ``destination``, ``detained_on``, ``days_in_detention``
    (release date minus ``detained_on``; empty when either is unknown), ``sentence_years``.
    """
    links = prisoner_releases(**kw)
    people = prisoners(**kw)[["person_id", "name", "detained_on", "sentence_years"]]
    events = releases(**kw)[["release_id", "date", "kind", "mediator"]].rename(
        columns={"date": "release_date", "kind": "release_kind"})
    joined = links.merge(people, on="person_id", how="left").merge(events, on="release_id", how="left")
    joined["days_in_detention"] = (joined["release_date"] - joined["detained_on"]).dt.days.astype("Int64")
    columns = ["person_id", "name", "release_id", "release_date", "release_kind", "mediator", "outcome",
               "destination", "detained_on", "days_in_detention", "sentence_years"]
    result = joined[columns].sort_values(["release_date", "name"], kind="stable").reset_index(drop=True)
    result.attrs = {**links.attrs, "table": "released_prisoners"}
    return result
