"""Stable ids: the ids each published version used, and where each one that left went.

An id is the text of a row's primary-key cells, joined by :data:`ID_SEPARATOR` when the key has
several columns (``prisoner_releases``: ``ales-bialiatski|2025-09-11``). ``versions/<version>-ids.csv``
keeps every id a release shipped, with the key columns it was made of; ``datasets/id_redirects.csv``
says where an id went when a later version no longer has it (``new_id`` empty: withdrawn). The
rule :func:`stable_ids` proves that every published id is either still present or redirected.

An id is "still present" when some row of the table has the same text in the same key columns as
when it was published, so a table whose primary key gains or changes columns keeps its old ids as
long as the old key columns still hold them.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from ._files import DATASETS, SCHEMAS, resolve_root
from ._read import FIRST_DATA_ROW
from .errors import DataValidationError, Problem

ID_SEPARATOR = "|"
VERSIONS = "versions"  # what each release was: its ids, and its diff from the release before
IDS_SUFFIX = "-ids.csv"
REDIRECTS = "id_redirects"
PUBLISHED_COLUMNS = ["table", "key", "id"]
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


def cell_text(s: pd.Series) -> pd.Series:
    """Cells as the CSV file writes them: dates as yyyy-mm-dd, empty as ''."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.strftime("%Y-%m-%d").fillna("")
    return s.astype(object).where(s.notna(), "").astype(str)


def row_ids(frame: pd.DataFrame, key: tuple[str, ...] | list[str]) -> pd.Series:
    """The id of each row: its key cells as text, joined by ``|``.

    In a key of several columns a cell's own ``\\`` and ``|`` are escaped with a backslash
    (``fact_sources`` keys hold other tables' joined keys), so two different rows never share an id.
    """
    parts = [cell_text(frame[column]) for column in key]
    if len(parts) > 1:
        parts = [p.str.replace("\\", "\\\\", regex=False).str.replace(ID_SEPARATOR, "\\" + ID_SEPARATOR, regex=False)
                 for p in parts]
    ids = parts[0]
    for part in parts[1:]:
        ids = ids + ID_SEPARATOR + part
    return ids


def read_text_table(path: Path, label: str) -> pd.DataFrame:
    """A CSV file's cells as text ('' when empty), for comparisons that must not depend on types."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataValidationError([Problem(label, None, None, "file", f"file is missing (expected at {path})")])
    except (pd.errors.ParserError, ValueError) as e:
        raise DataValidationError([Problem(label, None, None, "csv", f"not a readable CSV file: {e}")])


def primary_keys(root: str | Path) -> dict[str, tuple[str, ...]]:
    """Each table's primary key, read from ``schemas/*.json`` at ``root`` (any version's layout)."""
    import json

    keys = {}
    for path in sorted((Path(root) / SCHEMAS).glob("*.json")):
        pk = json.loads(path.read_text(encoding="utf-8")).get("primaryKey", [])
        keys[path.stem] = (pk,) if isinstance(pk, str) else tuple(pk)
    return keys


def current_ids(root: str | Path | None = None) -> pd.DataFrame:
    """Every id of the data at ``root``: columns ``table``, ``key`` (key columns joined by ``|``), ``id``."""
    base = resolve_root(root)
    frames = []
    for table, key in primary_keys(base).items():
        label = f"{DATASETS}/{table}.csv"
        cells = read_text_table(base / label, label)
        frames.append(pd.DataFrame({"table": table, "key": ID_SEPARATOR.join(key), "id": row_ids(cells, key)}))
    ids = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=PUBLISHED_COLUMNS)
    return ids.sort_values(["table", "id"], kind="stable").reset_index(drop=True)


def version_tuple(version: str) -> tuple[int, ...]:
    if not _VERSION.match(version):
        raise ValueError(f"'{version}' is not a version written major.minor.patch")
    return tuple(int(part) for part in version.split("."))


def ids_file(version: str) -> str:
    """Where the ids of ``version`` are kept, relative to the data root."""
    return f"{VERSIONS}/{version}{IDS_SUFFIX}"


def diff_file(old: str, new: str) -> str:
    """Where the diff from release ``old`` to release ``new`` ships, relative to the data root."""
    return f"{VERSIONS}/{old}-to-{new}-diff.csv"


def published_versions(root: str | Path | None = None) -> list[str]:
    """The versions whose ids ``versions/`` keeps, oldest first."""
    folder = resolve_root(root) / VERSIONS
    names = [p.name.removesuffix(IDS_SUFFIX) for p in folder.glob(f"*{IDS_SUFFIX}")]
    names = [n for n in names if _VERSION.match(n)]
    return sorted(names, key=version_tuple)


def published_ids(version: str, root: str | Path | None = None) -> pd.DataFrame:
    """The ids version ``version`` shipped: columns ``table``, ``key``, ``id``."""
    label = ids_file(version)
    ids = read_text_table(resolve_root(root) / label, label)
    if list(ids.columns) != PUBLISHED_COLUMNS:
        raise DataValidationError([Problem(label, 1, None, "header",
                                           f"expected the columns {', '.join(PUBLISHED_COLUMNS)}")])
    return ids


def write_published_ids(version: str, root: str | Path | None = None) -> Path:
    """Record the ids of the data at ``root`` as those of ``version`` (run once, at its release)."""
    version_tuple(version)
    base = resolve_root(root)
    path = base / ids_file(version)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    current_ids(base).to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def redirect_problems(published: dict[str, pd.DataFrame], current: dict[str, pd.DataFrame],
                      keys: dict[str, tuple[str, ...]], redirects: pd.DataFrame) -> list[Problem]:
    """What breaks the stable-id promise.

    ``published``: ``{version: ids}`` as :func:`published_ids` returns them; ``current``: the tables
    now (text or typed); ``keys``: their primary keys now; ``redirects``: ``id_redirects`` (text or typed).
    """
    label = f"{DATASETS}/{REDIRECTS}.csv"
    redirects = pd.DataFrame({c: cell_text(redirects[c]) for c in ("table", "old_id", "new_id", "version")},
                             index=redirects.index)
    now = {table: set(row_ids(frame, keys[table])) for table, frame in current.items() if table in keys}
    targets = {(r.table, r.old_id): r.new_id for r in redirects.itertuples()}
    problems = []
    ever_published: set[tuple[str, str]] = set()
    for version, ids in published.items():
        for (table, key), group in ids.groupby(["table", "key"], sort=True):
            ever_published.update((table, i) for i in group["id"])
            columns = key.split(ID_SEPARATOR)
            frame = current.get(table)
            if frame is None:
                present: set[str] = set()
                why = f"table '{table}' is gone"
            elif not set(columns) <= set(frame.columns):
                present = set()
                why = f"its key columns ({', '.join(columns)}) are no longer all in {table}.csv"
            else:
                present = set(row_ids(frame, columns))
                why = f"no row of {table}.csv has it in ({', '.join(columns)})"
            for old in group["id"][~group["id"].isin(present)]:
                if (table, old) not in targets:
                    problems.append(Problem(f"{DATASETS}/{table}.csv", None, None, "stable_ids",
                                            f"id '{old}', published in {version}, vanished: {why}; keep it, or add "
                                            f"a row to {REDIRECTS}.csv saying where it went (empty new_id: withdrawn)"))
    for index, r in redirects.iterrows():
        row, table = int(index) + FIRST_DATA_ROW, r["table"]
        if published and (table, r["old_id"]) not in ever_published:
            problems.append(Problem(label, row, "old_id", "stable_ids",
                                    f"'{r['old_id']}' is not an id of {table} in any published version "
                                    f"({', '.join(published)}); a redirect is for an id users may hold"))
        if r["old_id"] in now.get(table, set()):
            problems.append(Problem(label, row, "old_id", "stable_ids",
                                    f"'{r['old_id']}' is still an id of {table}; a redirect would give it two meanings"))
        final, seen = r["new_id"], {r["old_id"]}
        while final and final not in now.get(table, set()) and (table, final) in targets and final not in seen:
            seen.add(final)
            final = targets[(table, final)]
        if final and final in seen:
            problems.append(Problem(label, row, "new_id", "stable_ids", f"redirects of {table} run in a circle "
                                    f"through '{r['old_id']}'"))
        elif final and final not in now.get(table, set()):
            problems.append(Problem(label, row, "new_id", "stable_ids",
                                    f"'{final}' (where '{r['old_id']}' leads) is not an id of {table} now"))
        try:
            version_tuple(r["version"])
        except ValueError as e:
            problems.append(Problem(label, row, "version", "stable_ids", str(e)))
    return problems


def stable_ids(tables: dict[str, pd.DataFrame], schemas: dict) -> list[Problem]:
    """Rule: every id of every published version is still present or redirected, and every
    redirect leads to an id that exists. Runs where ``versions/`` sits next to ``schemas/``
    (a checkout); an unpacked data package without it has nothing to compare."""
    root = schemas[REDIRECTS].path.parent.parent
    versions = published_versions(root)
    if not versions:
        return []
    published = {v: published_ids(v, root) for v in versions}
    keys = {name: schema.primary_key for name, schema in schemas.items()}
    return redirect_problems(published, tables, keys, tables[REDIRECTS])


def resolve(table: str, old_id: str, root: str | Path | None = None) -> str | None:
    """Where an id a user holds points now: the same id, its redirect target, or None if withdrawn.

    >>> import belarus_data as bd
    >>> bd.resolve_id("prisoners", "ales-bialiatski")
    'ales-bialiatski'
    """
    from .load import load

    base = resolve_root(root)
    keys = primary_keys(base)
    if table not in keys:
        raise KeyError(f"unknown table '{table}'; the tables are: {', '.join(keys)}")
    now = set(row_ids(load(table, root=base), keys[table]))
    redirects = load(REDIRECTS, root=base)
    targets = {(t, o): n for t, o, n in zip(cell_text(redirects["table"]), cell_text(redirects["old_id"]),
                                            cell_text(redirects["new_id"]))}
    current, seen = old_id, set()
    while current not in now:
        if (table, current) not in targets or current in seen:
            raise KeyError(f"'{old_id}' is not an id of {table}, now or redirected")
        seen.add(current)
        current = targets[(table, current)]
        if not current:
            return None
    return current
