"""Load the tables as typed pandas DataFrames."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from . import _package, _typed_cache
from ._files import CITATION, DATASETS, DESCRIPTOR, resolve_root
from ._read import read_bytes, read_typed
from .errors import DataValidationError, Problem
from .schema import TableSchema, schemas, table_schema

# Set to 1 while editing the CSVs by hand, so loading skips the check against datapackage.json.
SKIP_HASH_ENV = "BELARUS_DATA_SKIP_HASH_CHECK"
# Tables up to this many cells are kept once parsed (per process, per unchanged file, as pickled
# bytes) and each call unpickles a fresh copy: notebooks call the loaders again and again, and
# for small tables pandas' fixed per-column costs, not the bytes, dominate. The same bytes go to
# the cache on disk (_typed_cache), so a new process skips the typing too. Larger tables are
# parsed each time, so a million-row table is never held twice.
CACHE_MAX_CELLS = 1_000_000
_verified: set[tuple[Path, int, int]] = set()
_parsed: dict[tuple[Path, int, int], tuple[bytes, dict]] = {}
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

    Notes
    -----
    A table that loads without a problem is kept, typed, in a cache folder of the user's own,
    named by the sha256 of the file's bytes, its schema and this package's code, so that the
    next process reading exactly those bytes skips the typing; see ``belarus_data._typed_cache``
    (``BELARUS_DATA_CACHE=off`` turns it off).
    """
    base = resolve_root(root)
    schema = table_schema(name, base)
    path = table_path(name, base)
    label = f"{DATASETS}/{name}.csv"
    key = _file_key(path)
    if key in _parsed and (key in _verified or not _should_verify(verify_hash)):
        blob, attrs = _parsed[key]
        return _with_attrs(_typed_cache.thaw(blob), attrs)
    data, problems = read_bytes(path, label)
    if data is None:
        raise DataValidationError(problems)
    digest = _package.sha256(data)  # once: for the check against datapackage.json and the cache
    if _should_verify(verify_hash):
        _verify_once(base, path, label, data, digest)
    frame, blob = _typed(data, digest, schema, label)
    meta = _package.descriptor(base) if (base / DESCRIPTOR).exists() else {}  # absent while first built
    attrs = {"table": name, "version": meta.get("version"), "citation": meta.get("citation"),
             "path": str(path)}
    if key is not None and blob is not None:
        _parsed[key] = (blob, attrs)
    return _with_attrs(frame, attrs)


def _typed(data: bytes, digest: str, schema: TableSchema, label: str) -> tuple[pd.DataFrame, bytes | None]:
    """The typed frame of ``data``, from the cache on disk when an entry for exactly these inputs
    is there, and its pickled bytes (None for a table too large to keep)."""
    entry = _typed_cache.table_entry(schema.name, schema.digest, digest) if schema.digest else None
    blob = _typed_cache.get(entry) if entry else None
    if blob is not None:
        try:
            frame = _typed_cache.thaw(blob)
        except Exception:  # noqa: BLE001 - a damaged entry (any unpickling error) is read again below
            frame = None
        if isinstance(frame, pd.DataFrame) and list(frame.columns) == schema.columns:
            return frame, blob
    frame = read_typed(data, schema, label)  # raises on any problem: a bad file is never cached
    if frame.size > CACHE_MAX_CELLS:
        return frame, None
    blob = _typed_cache.freeze(frame)
    if entry:
        _typed_cache.put(entry, blob)
    return frame, blob


def _with_attrs(frame: pd.DataFrame, attrs: dict) -> pd.DataFrame:
    frame.attrs = dict(attrs)
    return frame


def _file_key(path: Path) -> tuple[Path, int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (path, stat.st_size, stat.st_mtime_ns)


def _should_verify(verify_hash: bool | None) -> bool:
    if verify_hash is not None:
        return verify_hash
    return os.environ.get(SKIP_HASH_ENV, "") not in {"1", "true", "yes"}


def _verify_once(root: Path, path: Path, label: str, data: bytes, digest: str) -> None:
    key = _file_key(path)
    if key in _verified:
        return
    problems = _package.hash_problems(root, label, data, digest) + _metadata_problems(root)
    if problems:
        raise DataValidationError(problems)
    _verified.add(key)


def _metadata_problems(root: Path) -> list:
    """The descriptor's name, version and citation, checked once per root and descriptor, so a
    faked version never reaches ``df.attrs`` or ``belarus-data info``."""
    key = (root, _file_key(root / DESCRIPTOR))
    if key in _verified_metadata:
        return []
    d = _package.descriptor(root)
    contents = [_bytes_or_none(root / name) for name in (DESCRIPTOR, CITATION, "pyproject.toml")]
    verdict = _typed_cache.verdict_entry(*contents)
    if _typed_cache.has_verdict(verdict):  # these very files passed before, with this code
        _verified_metadata.add(key)
        return []
    from .validate import PACKAGE_NAME, metadata_problems

    problems = metadata_problems(root, d)
    if d.get("name") != PACKAGE_NAME:
        problems.append(Problem(DESCRIPTOR, None, None, "descriptor",
                                f"the package is named '{d.get('name')}', not '{PACKAGE_NAME}'"))
    if not problems:
        _verified_metadata.add(key)
        if contents[0] is not None and _parses_to(contents[0], d):  # not edited since it was read
            _typed_cache.put_verdict(verdict)
    return problems


def _bytes_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _parses_to(content: bytes, d: dict) -> bool:
    try:
        return json.loads(content.decode("utf-8")) == d
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return False


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
    """Political prisoners, one row per person (``prisoners.csv``): every person of Viasna's roster
    as exported about March 2023, plus the people named as freed in 2024-2026 who are not in it."""
    return load("prisoners", **kw)


def prisoner_facts(**kw) -> pd.DataFrame:
    """Statements about people, one per fact and reporting source (``prisoner_facts.csv``)."""
    return load("prisoner_facts", **kw)


def judges(**kw) -> pd.DataFrame:
    """Judges named in the roster, with their sanctions designations (``judges.csv``)."""
    return load("judges", **kw)


def prisoner_releases(**kw) -> pd.DataFrame:
    """Which release freed which person, with outcome and destination (``prisoner_releases.csv``)."""
    return load("prisoner_releases", **kw)


def sanctions(**kw) -> pd.DataFrame:
    """Dated sanctions actions concerning Belarus (``sanctions.csv``)."""
    return load("sanctions", **kw)


def sanction_designations(**kw) -> pd.DataFrame:
    """Subjects of official Belarus sanctions lists (``sanction_designations.csv``)."""
    return load("sanction_designations", **kw)


def designation_exceptions(**kw) -> pd.DataFrame:
    """List days with no ``sanctions`` action expected, with the reason (``designation_exceptions.csv``)."""
    return load("designation_exceptions", **kw)


def prisoner_counts(**kw) -> pd.DataFrame:
    """Published counts of political prisoners at a date (``prisoner_counts.csv``)."""
    return load("prisoner_counts", **kw)


def fact_sources(**kw) -> pd.DataFrame:
    """Which source states which key fact of a row, where the row's first source does not
    (``fact_sources.csv``); see :func:`fact_source_of`."""
    return load("fact_sources", **kw)


def fact_source_of(table: str, row_key: str, field: str, **kw) -> list[str]:
    """The sources that state one key fact of one row: those ``fact_sources`` names for it,
    else the row's first source. ``row_key`` is the primary key joined by ``|``.

    >>> fact_source_of("releases", "2026-03-19", "date")
    ['polskieradio-2026-03-19-250-released', 'zerkalo-2026-03-19-arrived-lithuania']
    """
    from .schema import table_schema

    schema = table_schema(table, kw.get("root"))
    if field not in schema.key_facts:
        raise KeyError(f"'{field}' is not a key fact of {table}; its key facts are: {', '.join(schema.key_facts)}")
    facts = fact_sources(**kw)
    named = facts[(facts.table == table) & (facts.row_key == row_key) & (facts.field == field)]
    if len(named):
        return list(named.source_id)
    frame = load(table, **kw)
    rows = frame[schema.row_keys(frame) == row_key]
    if rows.empty:
        raise KeyError(f"no row of {table} has the key '{row_key}'")
    return rows.source_ids.iloc[0][:1]


def id_redirects(**kw) -> pd.DataFrame:
    """Where each id of a published version that is gone went (``id_redirects.csv``)."""
    return load("id_redirects", **kw)


ROSTER_FACTS = ("sentenced_on", "criminal_code_articles", "penalty_kind", "institution", "judge_ids",
                "viasna_status", "roster_record_id")


def released_prisoners(**kw) -> pd.DataFrame:
    """One row per person and release: who, when, how, and how long they had been detained.

    Columns: ``person_id``, ``name``, ``release_id``, ``release_date``, ``release_kind``,
    ``mediator``, ``outcome``, ``destination``, ``detained_on``, ``days_in_detention``
    (release date minus ``detained_on``; empty when either is unknown), ``sentence_years``, then
    the person's roster facts (empty for people not in Viasna's roster): ``sentenced_on``,
    ``criminal_code_articles``, ``penalty_kind``, ``institution``, ``judge_ids``,
    ``viasna_status`` (at the roster's export, about March 2023) and ``roster_record_id``.
    """
    links = prisoner_releases(**kw)
    people = prisoners(**kw)[["person_id", "name", "detained_on", "sentence_years", *ROSTER_FACTS]]
    events = releases(**kw)[["release_id", "date", "kind", "mediator"]].rename(
        columns={"date": "release_date", "kind": "release_kind"})
    joined = links.merge(people, on="person_id", how="left").merge(events, on="release_id", how="left")
    joined["days_in_detention"] = (joined["release_date"] - joined["detained_on"]).dt.days.astype("Int64")
    columns = ["person_id", "name", "release_id", "release_date", "release_kind", "mediator", "outcome",
               "destination", "detained_on", "days_in_detention", "sentence_years", *ROSTER_FACTS]
    result = joined[columns].sort_values(["release_date", "name"], kind="stable").reset_index(drop=True)
    result.attrs = {**links.attrs, "table": "released_prisoners"}
    return result


# list -> jurisdiction, and the order in which designated_subjects() reports them
LIST_JURISDICTION = {"us_ofac_sdn": "US", "uk_sanctions_list": "UK", "eu_financial_sanctions": "EU"}
JURISDICTIONS = ("US", "UK", "EU")


def designated_subjects(**kw) -> pd.DataFrame:
    """One row per sanctioned subject (``subject_id``), whichever lists name it.

    Columns: ``subject_id``, ``subject_type``, ``name`` (as the subject's first row spells it, in
    the order UK, EU, US), ``jurisdictions`` (those whose list has the subject, listed or delisted,
    sorted), ``listed_by`` and ``delisted_by`` (by status), ``first_designated_on`` (earliest
    ``designated_on`` of any list; empty when no list dates it), ``designated_on_us``,
    ``designated_on_uk``, ``designated_on_eu`` and ``delisted_on_us`` (``delisted_on_uk``,
    ``delisted_on_eu``) per jurisdiction, and ``list_entries`` (``list:list_entry_id`` of every row).

    Each jurisdiction's status is as of its list's ``list_as_of``: the EU rows are as of 2022-09-13,
    so ``listed_by`` lacks later EU listings and shows EU delistings after that day as listed. US
    rows have no designation dates (``designated_on_us`` is empty).
    """
    rows = sanction_designations(**kw)
    rows["jurisdiction"] = rows["list"].astype("string").map(LIST_JURISDICTION)
    order = {"uk_sanctions_list": 0, "eu_financial_sanctions": 1, "us_ofac_sdn": 2}
    rows["_rank"] = rows["list"].astype("string").map(order)
    rows = rows.sort_values(["subject_id", "_rank", "list_entry_id"], kind="stable")
    out = []
    for subject_id, group in rows.groupby("subject_id", sort=True, observed=True):
        first = group.iloc[0]
        record = {"subject_id": subject_id, "subject_type": first["subject_type"], "name": first["name"],
                  "jurisdictions": sorted(set(group["jurisdiction"])),
                  "listed_by": sorted(set(group.loc[group["status"] == "listed", "jurisdiction"])),
                  "delisted_by": sorted(set(group.loc[group["status"] == "delisted", "jurisdiction"])),
                  "first_designated_on": group["designated_on"].min()}
        for j in JURISDICTIONS:
            mine = group[group["jurisdiction"] == j]
            record[f"designated_on_{j.lower()}"] = mine["designated_on"].min()
            record[f"delisted_on_{j.lower()}"] = mine["delisted_on"].max()
        record["list_entries"] = [f"{a}:{b}" for a, b in zip(group["list"], group["list_entry_id"])]
        out.append(record)
    result = pd.DataFrame(out)
    for column in result.columns:
        if column.startswith(("designated_on", "delisted_on", "first_")):
            result[column] = pd.to_datetime(result[column]).astype("datetime64[ns]")
    result["subject_type"] = result["subject_type"].astype(rows["subject_type"].dtype)
    result.attrs = {**rows.attrs, "table": "designated_subjects"}
    return result.reset_index(drop=True)


def held_at_roster_export(**kw) -> pd.DataFrame:
    """The people Viasna's roster lists as held political prisoners at its export (about March
    2023), each with whether the sources of this dataset name them as freed since.

    Columns: every ``prisoners`` column, then ``named_as_freed`` (True when a ``prisoner_releases``
    row links the person to a release), ``first_release_id`` and ``first_release_date`` (the
    earliest such release; empty otherwise). ``named_as_freed`` False means only that no stored
    source names the person as freed: it is NOT evidence that the person is still held (many were
    freed at the end of their term or in releases whose names were not published).
    """
    people = prisoners(**kw)
    held = people[people["viasna_status"] == "held"]
    links = prisoner_releases(**kw)[["person_id", "release_id"]].merge(
        releases(**kw)[["release_id", "date"]], on="release_id", how="left")
    first = links.sort_values(["date", "release_id"], kind="stable").drop_duplicates("person_id")
    first = first.rename(columns={"release_id": "first_release_id", "date": "first_release_date"})
    result = held.merge(first, on="person_id", how="left")
    result.insert(len(people.columns), "named_as_freed", result["first_release_id"].notna())
    result["first_release_id"] = result["first_release_id"].astype("string")
    result = result.reset_index(drop=True)
    result.attrs = {**people.attrs, "table": "held_at_roster_export"}
    return result
