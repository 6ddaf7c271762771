"""Derive the ``sanction_designations`` table from official sanctions-list files.

Inputs (as described in the README of the raw sources folder):

* the US OFAC SDN list as a flattened CSV (``uid,name,type,programs,alternate_names``,
  lists ``;``-separated) with a sibling ``<stem>.metadata.json`` giving ``published``;
* optionally an earlier names-only SDN snapshot (JSON array of upper-cased, punctuation-free
  names) with a sibling ``<stem>.metadata.json`` giving ``syncedAt``;
* the UK Sanctions List, Belarus regime: a directory holding ``*-subjects-*.csv`` and
  ``*-names-*.csv`` (a ``*-countries-*.csv`` may sit beside them; it is not used);
* the EU Belarus-regime list (Financial Sanctions File joined with the travel-ban export): one
  row per entry (``eu_logical_id``, ``subject_type``, ``name_as_listed``, ``names``,
  ``function``, ``birth_year``, ``name_listed_on``, ``remark``, ...) with a sibling
  ``<stem>.metadata.json`` giving ``as_of``.

Conventions chosen here:

* US rows: entries with a programme matching ``^BELARUS``; ``programs`` keeps only those
  programmes (other programmes of the same entry, e.g. ``RUSSIA-EO14024``, are left out).
  The SDN export has no dates, so ``designated_on`` is empty.
* UK rows: every subject of the regime files, ``programs`` = ``["UK-BELARUS"]`` (the UK regime
  "Belarus", prefixed to tell it apart from OFAC's ``BELARUS`` code). ``name`` is the first
  ``primary`` name in file order; every other name (primary variations, aliases, a second
  ``primary``) becomes an alias. ``list_as_of`` is the latest ``last_updated`` of the subjects.
* EU rows: every entry of the file, ``programs`` = ``["EU-BLR"]`` (the EU programme code
  ``BLR``, Regulation (EC) No 765/2006); ``list_entry_id`` = the EU logical id (stable across
  list versions); ``name`` = ``name_as_listed``; ``aliases`` = the other spellings of ``names``
  (Latin, Russian and Belarusian Cyrillic; quotes the file doubles around a name, ``""X""``, are
  written once); ``function`` = the listed functions (the file's
  literal ``\\n`` read as blanks, duplicates after whitespace normalisation dropped);
  ``birth_year``; ``list_as_of`` = the metadata's ``as_of``.
  ``designated_on`` = ``name_listed_on`` (the Official Journal publication day of the regulation
  that listed the name), except when that day is no entry's first-listing day: such a regulation
  (the annual renewals) only restated names already listed, and the entry's first EU listing day
  given in ``remark`` ("Date of UN designation: yyyy-mm-dd", which for this regime carries the
  first EU listing) is used instead. A remark day that disagrees with a listing regulation's day
  is not used (the regulation's day is kept).
* ``function`` and ``birth_year`` are empty for US and UK rows (their files do not give them).
* Names and aliases are whitespace-normalised (stripped, runs of blanks collapsed); aliases are
  de-duplicated exactly, in list order, without the primary name.
* ``status``: ``listed`` for every row read from the latest snapshots (US and UK), ``delisted``
  for the rows of US subjects gone between the two SDN snapshots (below).
* Delisted US subjects (only when an earlier names snapshot *and* ``sanctions`` rows are given):
  an earlier name is *gone* when its normalised form (upper case, punctuation removed) is neither
  a name nor an alternate name of the later SDN file. Evidence that a gone name is a Belarus
  subject is a US ``lift`` or ``announce`` action (an envoy's announced delisting) dated on or
  before the later snapshot, whose ``target_kind`` is not ``sector`` or ``country``.

  - The ``target`` is split into *parts* at commas, then at the word ``and`` ("Belaruskali,
    Belarusian Potash Company, Agrorozkvit"; "Belavia and aircraft EW-301PJ"). A target or comma
    piece that as a whole already equals a gone name or occurs in one as whole words is not split
    further (keeps "Sample-Potash, OAO", "TESTOVICH, Ivan" or "Trade and Industry ..." whole).
    A part made only of legal-form words (`LEGAL_FORMS`: OAO, JSC, LLC, ...) is dropped. A
    leading ``aircraft`` / ``vessel`` word is dropped from a part and sets its subject type;
    otherwise the type comes from the action's ``target_kind``.
  - A part matches a gone name when its normalised form (punctuation deleted, or read as
    blanks) equals the name or occurs in it as whole words. Transliteration variants: a part of
    ONE word of at least 6 letters also matches a gone name with a word that starts with it and
    has at most 2 more letters ("Belaruskali" catches "OAO BELARUSKALIY", not "BELARUSKALIYNAYA"
    nor names merely containing the letters inside a word). Chosen over a match on the first
    word of the name only, because legal forms usually come first ("OAO ...", "AAT ...").
    Word-internal or longer variants ("BELORUSSKAYA KALIYNAYA KOMPANIYA") are not caught.
  - Each matching part yields ONE row: ``name`` = the gone name equal to the part, else the
    shortest whole-word match, else the shortest prefix match (ties alphabetical); the other
    gone names matching that part are its ``aliases``; ``list_entry_id`` = ``former:<SLUG>``
    with SLUG the upper-case name with runs of other characters than A-Z/0-9 replaced by ``-``;
    ``programs`` empty; ``list_as_of`` = the later snapshot date.
  - ``delisted_on`` = the date of a ``lift`` action; EMPTY when the evidence is only an
    ``announce`` action (the formal removal day is not sourced). ``source_ids`` = the later and
    the earlier snapshot source ids, then the action's ``source_ids``.
  - Several actions for one subject (a part matching a gone name already in a row): one row,
    with its first id and name; the matched names are merged into its aliases; a ``lift``
    outranks an ``announce``, otherwise the later action (then larger ``action_id``) wins and
    gives ``delisted_on``, ``subject_type`` and the action's ``source_ids``. The earlier snapshot
    has no ids, so spellings that no part links ("JSC X" in one action, "X Company" in another)
    stay separate rows.
  - Caveat: parts are matched against every gone name, whatever its programme; a generic part
    (e.g. "Ministry of Finance") could match another country's entry. Review the delisted rows
    the CLI prints. Aliases are in alphabetical order.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

import pandas as pd

from .identity import assign_subject_ids

__all__ = [
    "COLUMNS",
    "DesignationInputError",
    "belarus_looking",
    "build_designations",
    "designation_sources",
    "eu_source_id",
    "main",
    "names_gone",
    "ofac_names_source_id",
    "ofac_sdn_source_id",
    "uk_source_id",
    "write_table",
]

log = logging.getLogger(__name__)

COLUMNS = [
    "list", "list_entry_id", "subject_id", "subject_type", "name", "aliases", "function", "birth_year",
    "programs", "designated_on", "status", "delisted_on", "list_as_of", "source_ids",
]
LIST_COLUMNS = ("aliases", "function", "programs", "source_ids")
DATE_COLUMNS = ("designated_on", "delisted_on", "list_as_of")
SOURCE_COLUMNS = ["source_id", "url", "publisher", "title", "published_on", "language", "kind", "notes"]

US_LIST, UK_LIST, EU_LIST = "us_ofac_sdn", "uk_sanctions_list", "eu_financial_sanctions"
US_PROGRAM = re.compile(r"^BELARUS")
UK_PROGRAM = "UK-BELARUS"
EU_PROGRAM = "EU-BLR"
EU_FIRST_LISTED = re.compile(r"Date of UN designation:\s*(\d{4}-\d{2}-\d{2})")
SUBJECT_TYPES = {"individual": "individual", "person": "individual", "entity": "entity", "vessel": "vessel",
                 "ship": "vessel", "aircraft": "aircraft"}
TARGET_KINDS = {"individuals": "individual", "entities": "entity", "aircraft": "aircraft"}
LISTED, DELISTED = "listed", "delisted"
DELISTING_ACTIONS = ("lift", "announce")  # a lift dates the removal; an announcement does not
PART_KINDS = {"aircraft": "aircraft", "vessel": "vessel"}  # leading word of a target part
LEGAL_FORMS = {  # a target part made only of these words names no subject ("Sample Potash, OAO")
    "AAT", "AO", "CJSC", "CO", "COMPANY", "CORP", "CORPORATION", "GMBH", "INC", "JSC", "JOINT", "LLC",
    "LTD", "LIMITED", "OAO", "OJSC", "OOO", "PAO", "PJSC", "PLC", "SA", "STOCK", "TOV", "ZAO"}
PREFIX_MIN_LETTERS, PREFIX_MAX_EXTRA = 6, 2  # one-word part "BELARUSKALI" matches word "BELARUSKALIY"
BELARUS_LOOKING = re.compile(
    r"BELARUS|BELORUS|BELAVIA|BELSHINA|BELNEFT|BELAZ|BELTECH|MINSK|GRODNO|HRODNA|HOMEL|GOMEL|"
    r"MOGIL|MAHIL|VITEBSK|POLOTSK|NAFTAN|MOZYR|LUKASHEN")
FORBIDDEN_START = ("=", "+", "-", "@")

OFAC_URL = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.CSV"
OFAC_ALT_URL = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ALT.CSV"
UK_URL = "https://www.gov.uk/government/publications/the-uk-sanctions-list"
EU_URL = "https://webgate.ec.europa.eu/fsd/fsf"
OFAC_PUBLISHER = "U.S. Department of the Treasury, Office of Foreign Assets Control"
UK_PUBLISHER = "Foreign, Commonwealth & Development Office"
EU_PUBLISHER = "European Commission"
EU_MIRROR = "simonabisiani/EU-sanctions-tracker"
OFAC_MIRROR, OFAC_NAMES_MIRROR, UK_MIRROR = (
    "kindrat86/ofac-sdn-json", "ClearAg3nt/ofac-sdn-mirror", "covyr/uk-sanctions-list")


class DesignationInputError(ValueError):
    """Malformed input: the message names the file, row and column.

    For CSV files ``row N`` is the line number (the header is row 1); for the ``sanctions``
    table it is the DataFrame index label.
    """


def _where(path: object, row: int | None = None, column: str | None = None) -> str:
    parts = [str(path)] + ([f"row {row}"] if row is not None else [])
    return ", ".join(parts + ([f"column {column!r}"] if column else []))


def _clean(text: str) -> str:
    return " ".join(str(text).split())


def _norm(text: str) -> str:
    """Upper case, accents and punctuation removed, blanks collapsed (the earlier snapshot's form)."""
    text = "".join(c for c in unicodedata.normalize("NFKD", str(text)) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]|_", "", text.upper()).split())


def _target_forms(text: str) -> set[str]:
    """`_norm` of a target with punctuation deleted and with punctuation read as a blank."""
    return {_norm(text), _norm(re.sub(r"[^\w\s]|_", " ", str(text)))} - {""}


def _slug(name: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "-", _norm(name)).strip("-")


def _dedupe(items: Iterable[str], exclude: str = "") -> list[str]:
    out: list[str] = []
    for item in items:
        if item and item != exclude and item not in out:
            out.append(item)
    return out


def _check_cell(value: str, where: str) -> None:
    if str(value).startswith(FORBIDDEN_START):
        raise DesignationInputError(f"{where}: value {value!r} starts with one of {FORBIDDEN_START}")


def _subject_type(value: str, where: str) -> str:
    try:
        return SUBJECT_TYPES[value.strip().lower()]
    except KeyError:
        raise DesignationInputError(
            f"{where}: unknown subject type {value!r} (known: {sorted(SUBJECT_TYPES)})") from None


def _read_csv(path: Path, required: Iterable[str]) -> pd.DataFrame:
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DesignationInputError(f"{path}: cannot read CSV: {exc}") from exc
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DesignationInputError(f"{path}: missing column(s) {missing} (found {list(df.columns)})")
    return df


def _parse_date(value: str, fmt: str, where: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(pd.to_datetime(value.strip(), format=fmt))
    except (ValueError, TypeError):
        raise DesignationInputError(f"{where}: bad date {value!r} (expected {fmt})") from None


def _snapshot_date(path: Path, field: str) -> date:
    """Date of a snapshot: ``field`` of ``<stem>.metadata.json``, else a yyyy-mm-dd in the file name."""
    meta = path.with_name(f"{path.stem}.metadata.json")
    if meta.exists():
        try:
            value = json.loads(meta.read_text(encoding="utf-8")).get(field)
        except (json.JSONDecodeError, AttributeError) as exc:
            raise DesignationInputError(f"{meta}: not a JSON object: {exc}") from exc
        if value:
            try:
                return date.fromisoformat(str(value)[:10])
            except ValueError:
                raise DesignationInputError(f"{meta}: field {field!r}: bad date {value!r}") from None
    found = re.search(r"\d{4}-\d{2}-\d{2}", path.name)
    if found:
        return date.fromisoformat(found.group())
    raise DesignationInputError(
        f"{path}: no snapshot date ({meta.name} field {field!r}, or yyyy-mm-dd in the file name)")


def ofac_sdn_source_id(published: date) -> str:
    """``sources.source_id`` of the SDN list published on ``published``."""
    return f"ofac-{published:%Y-%m-%d}-sdn-list"


def ofac_names_source_id(synced: date) -> str:
    """``sources.source_id`` of the names-only SDN snapshot synced on ``synced``."""
    return f"ofac-{synced:%Y-%m-%d}-sdn-names"


def eu_source_id(as_of: date) -> str:
    """``sources.source_id`` of the EU Belarus-regime list as of ``as_of``."""
    return f"ec-{as_of:%Y-%m-%d}-fsf-belarus"


def uk_source_id(label: str) -> str:
    """``sources.source_id`` of the UK Belarus regime files labelled ``label`` (e.g. ``2026-04``)."""
    return f"uk-fcdo-{label}-sanctions-list-belarus"


# --- US OFAC -------------------------------------------------------------------------------------

def _read_ofac(path: Path) -> pd.DataFrame:
    df = _read_csv(path, ["uid", "name", "type", "programs", "alternate_names"])
    if df["uid"].duplicated().any():
        dup = df.index[df["uid"].duplicated()][0]
        raise DesignationInputError(f"{_where(path, dup + 2, 'uid')}: duplicate uid {df.at[dup, 'uid']!r}")
    return df


def _split(cell: str) -> list[str]:
    return [_clean(x) for x in cell.split(";") if x.strip()]


def _ofac_rows(df: pd.DataFrame, path: Path) -> list[dict]:
    as_of = _snapshot_date(path, "published")
    rows = []
    for i, r in df.iterrows():
        programs = _dedupe(p for p in _split(r["programs"]) if US_PROGRAM.match(p))
        if not programs:
            continue
        line = int(i) + 2  # header is line 1
        for col in ("uid", "name"):
            if not r[col].strip():
                raise DesignationInputError(f"{_where(path, line, col)}: empty value")
        name = _clean(r["name"])
        aliases = _dedupe(_split(r["alternate_names"]), exclude=name)
        for col, values in (("uid", [r["uid"].strip()]), ("name", [name]), ("alternate_names", aliases)):
            for v in values:
                _check_cell(v, _where(path, line, col))
        rows.append({"list": US_LIST, "list_entry_id": r["uid"].strip(),
                     "subject_type": _subject_type(r["type"], _where(path, line, "type")),
                     "name": name, "aliases": aliases, "programs": programs,
                     "designated_on": pd.NaT, "status": LISTED, "delisted_on": pd.NaT,
                     "list_as_of": pd.Timestamp(as_of), "source_ids": [ofac_sdn_source_id(as_of)]})
    log.info("%s: %d entries read, %d under a Belarus programme kept, %d other entries skipped",
             path, len(df), len(rows), len(df) - len(rows))
    return rows


def _ofac_names(df: pd.DataFrame) -> set[str]:
    names = {_norm(n) for n in df["name"]}
    for cell in df["alternate_names"]:
        names.update(_norm(a) for a in cell.split(";") if a.strip())
    return names


def _read_names(path: Path) -> list[str]:
    try:
        names = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DesignationInputError(f"{path}: cannot read JSON: {exc}") from exc
    if not isinstance(names, list):
        raise DesignationInputError(f"{path}: expected a JSON array of names")
    for i, n in enumerate(names):
        if not isinstance(n, str) or not n.strip():
            raise DesignationInputError(f"{path}, item {i}: expected a non-empty string, got {n!r}")
    return [_clean(n) for n in names]


def names_gone(ofac_earlier_names: Path, ofac_sdn: Path) -> list[str]:
    """All names of the earlier snapshot that the later SDN file no longer carries.

    Parameters
    ----------
    ofac_earlier_names : Path
        Names-only JSON snapshot (earlier).
    ofac_sdn : Path
        Flattened SDN CSV (later); its names and alternate names count.

    Returns
    -------
    list of str
        Earlier spellings, sorted and unique, compared after `_norm` (case and punctuation ignored).
    """
    return _gone(_read_names(Path(ofac_earlier_names)), _ofac_names(_read_ofac(Path(ofac_sdn))))


def _gone(earlier: Iterable[str], later: set[str]) -> list[str]:
    return sorted({n for n in earlier if _norm(n) not in later})


def belarus_looking(names: Iterable[str]) -> list[str]:
    """The names containing a Belarus marker (BELARUS, BELAVIA, MINSK, GRODNO, NAFTAN, ...)."""
    return [n for n in names if BELARUS_LOOKING.search(_norm(n))]


def _delisting_actions(sanctions: pd.DataFrame | Mapping, later: date) -> pd.DataFrame:
    """US ``lift``/``announce`` rows naming subjects, dated on or before the later snapshot."""
    acts = pd.DataFrame(sanctions)
    missing = [c for c in ("action", "target", "date", "source_ids") if c not in acts.columns]
    if missing:
        raise DesignationInputError(f"sanctions table: missing column(s) {missing}")
    acts["action"] = acts["action"].astype(str).str.strip()
    keep = acts["action"].isin(DELISTING_ACTIONS)
    if "jurisdiction" in acts.columns:
        keep &= acts["jurisdiction"].astype(str).str.strip().eq("US")
    if "target_kind" in acts.columns:
        keep &= ~acts["target_kind"].isin(["sector", "country"])
    acts = acts[keep].copy()
    for i, v in acts["target"].items():
        if not isinstance(v, str) or not _norm(v):
            raise DesignationInputError(f"{_where('sanctions table', i, 'target')}: empty target {v!r}")
    acts["date"] = pd.Series([_parse_date(str(v)[:10], "%Y-%m-%d", _where("sanctions table", i, "date"))
                              for i, v in acts["date"].items()], index=acts.index, dtype="datetime64[ns]")
    acts["source_ids"] = [v if isinstance(v, list) else _split(str(v)) for v in acts["source_ids"]]
    if "action_id" not in acts.columns:
        acts["action_id"] = ""
    acts["action_id"] = acts["action_id"].fillna("").astype(str)
    return acts[acts["date"] <= pd.Timestamp(later)].sort_values(["date", "action_id"], kind="stable")


def _match(part: str, gone: list[str]) -> dict[str, int]:
    """Gone names matching a target part -> tier (0 equal, 1 whole words, 2 word prefix)."""
    forms = _target_forms(part)
    found: dict[str, int] = {}
    for n in gone:
        norm = _norm(n)
        if norm in forms:
            found[n] = 0
        elif any(f" {t} " in f" {norm} " for t in forms):
            found[n] = 1
        elif any(_prefix_match(t, norm) for t in forms):
            found[n] = 2
    return found


def _prefix_match(form: str, norm: str) -> bool:
    if " " in form or not form.isalpha() or len(form) < PREFIX_MIN_LETTERS:
        return False
    return any(w.startswith(form) and len(w) - len(form) <= PREFIX_MAX_EXTRA and w.isalpha()
               for w in norm.split())


def _target_parts(target: str, gone: list[str], kind: str | None) -> list[tuple[str, str | None, dict]]:
    """(part, subject type, matches) for the parts of a target that match gone names, in order."""
    def strong(found: dict[str, int]) -> bool:  # equal or whole-word match: a name, do not split
        return any(t < 2 for t in found.values())

    target = _clean(target)
    whole = _match(target, gone)
    out = []
    for piece in ([target] if strong(whole) else target.split(",")):
        piece = _clean(piece)
        if not _norm(piece):
            continue
        found = whole if piece == target else _match(piece, gone)
        parts = [piece] if strong(found) else [
            p for p in re.split(r"(?:^|\s+)and\s+", piece, flags=re.IGNORECASE) if _norm(p)]
        for part in parts:
            part_kind = kind
            first, _, rest = part.partition(" ")
            if first.lower() in PART_KINDS and _norm(rest):
                part, part_kind = rest, PART_KINDS[first.lower()]
            if set(_norm(part).split()) <= LEGAL_FORMS:
                log.info("target %r: part %r is only a legal form, not matched", target, part)
                continue
            matched = found if part == piece else _match(part, gone)
            if matched:
                out.append((part, part_kind, matched))
    return out


def _delisted_rows(earlier_path: Path, later_names: set[str], later: date,
                   sanctions: pd.DataFrame | Mapping) -> list[dict]:
    earlier = _snapshot_date(earlier_path, "syncedAt")
    gone = _gone(_read_names(earlier_path), later_names)
    rows: dict[str, dict] = {}
    owner: dict[str, str] = {}  # gone name -> list_entry_id of the row holding it
    for act in _delisting_actions(sanctions, later).itertuples():  # date order: later ones win
        kind = getattr(act, "target_kind", None)
        kind = TARGET_KINDS.get(kind) if isinstance(kind, str) else None
        for _part, part_kind, matched in _target_parts(act.target, gone, kind):
            name = min(matched, key=lambda n: (matched[n], len(n), n))
            _check_cell(name, _where(earlier_path, None, "name"))
            fields = {"subject_type": part_kind, "action": act.action,
                      "delisted_on": act.date if act.action == "lift" else pd.NaT,
                      "source_ids": _dedupe([ofac_sdn_source_id(later), ofac_names_source_id(earlier),
                                             *act.source_ids])}
            held = sorted({owner[n] for n in matched if n in owner})
            if held:  # the same subject as an earlier action (or part): merge into its row
                row = rows[held[0]]
                row["aliases"] = _dedupe([*row["aliases"], *sorted(matched)], exclude=row["name"])
                if not (row["action"] == "lift" and act.action != "lift"):
                    row.update(fields)
            else:
                entry_id = f"former:{_slug(name)}"
                row = rows[entry_id] = {
                    "list": US_LIST, "list_entry_id": entry_id, "name": name,
                    "aliases": _dedupe(sorted(matched), exclude=name),
                    "programs": [], "designated_on": pd.NaT, "status": DELISTED,
                    "list_as_of": pd.Timestamp(later), **fields}
            for n in [row["name"], *row["aliases"]]:
                owner.setdefault(n, row["list_entry_id"])
    for row in rows.values():
        del row["action"]
    log.info("%s: %d names gone by %s, %d delisted rows matched to lift/announce actions",
             earlier_path, len(gone), later, len(rows))
    return list(rows.values())


# --- UK ------------------------------------------------------------------------------------------

def _uk_file(directory: Path, kind: str) -> Path:
    found = sorted(directory.glob(f"*-{kind}-*.csv"))
    if len(found) != 1:
        raise DesignationInputError(
            f"{directory}: expected one *-{kind}-*.csv file, found {[p.name for p in found]}")
    return found[0]


def _uk_label(subjects: Path, as_of: date | None) -> str:
    """Snapshot label for the source id: yyyy-mm(-dd) in the file name, else the list date."""
    found = re.search(r"\d{4}-\d{2}(-\d{2})?", subjects.name)
    if found or as_of:
        return found.group() if found else as_of.isoformat()
    raise DesignationInputError(f"{subjects}: no snapshot date in the name and no last_updated values")


def _uk_rows(directory: Path) -> list[dict]:
    spath, npath = _uk_file(directory, "subjects"), _uk_file(directory, "names")
    subjects = _read_csv(spath, ["unique_id", "subject_type", "date_designated", "last_updated"])
    names = _read_csv(npath, ["unique_id", "name_type", "full_name"])
    if subjects["unique_id"].duplicated().any():
        dup = subjects.index[subjects["unique_id"].duplicated()][0]
        raise DesignationInputError(f"{_where(spath, dup + 2, 'unique_id')}: duplicate id")
    by_id: dict[str, list[tuple[str, str]]] = {uid: [] for uid in subjects["unique_id"]}
    for i, r in names.iterrows():
        where = _where(npath, int(i) + 2, "full_name")
        if r["unique_id"] not in by_id:
            raise DesignationInputError(
                f"{_where(npath, int(i) + 2, 'unique_id')}: unknown subject {r['unique_id']!r}")
        if not r["full_name"].strip():
            raise DesignationInputError(f"{where}: empty name")
        _check_cell(_clean(r["full_name"]), where)
        by_id[r["unique_id"]].append((r["name_type"].strip().lower(), _clean(r["full_name"])))
    updated = [_parse_date(r["last_updated"], "%d/%m/%Y", _where(spath, int(i) + 2, "last_updated"))
               for i, r in subjects.iterrows()]
    as_of = max(updated).date() if updated else None
    label = _uk_label(spath, as_of)
    rows = []
    for i, r in subjects.iterrows():
        line, uid = int(i) + 2, r["unique_id"].strip()
        primaries = [n for t, n in by_id[r["unique_id"]] if t == "primary"]
        if not uid or not primaries:
            raise DesignationInputError(
                f"{_where(spath, line, 'unique_id')}: empty id or no primary name in {npath.name}")
        designated = (_parse_date(r["date_designated"], "%d/%m/%Y", _where(spath, line, "date_designated"))
                      if r["date_designated"].strip() else pd.NaT)
        _check_cell(uid, _where(spath, line, "unique_id"))
        rows.append({"list": UK_LIST, "list_entry_id": uid,
                     "subject_type": _subject_type(r["subject_type"], _where(spath, line, "subject_type")),
                     "name": primaries[0],
                     "aliases": _dedupe((n for _, n in by_id[r["unique_id"]]), exclude=primaries[0]),
                     "programs": [UK_PROGRAM], "designated_on": designated, "status": LISTED,
                     "delisted_on": pd.NaT,
                     "list_as_of": pd.Timestamp(as_of), "source_ids": [uk_source_id(label)]})
    log.info("%s: %d subjects read, %d rows; %s: %d names attached",
             spath, len(subjects), len(rows), npath, len(names))
    return rows


# --- EU ------------------------------------------------------------------------------------------

EU_REQUIRED = ("eu_logical_id", "subject_type", "name_as_listed", "names", "function", "birth_year",
               "name_listed_on", "remark")


def _eu_functions(cell: str) -> list[str]:
    # the file writes line breaks inside a function as a literal backslash-n
    return _dedupe(_clean(f.replace("\\n", " ")) for f in cell.split(";"))


def _eu_name(cell: str) -> str:
    # some Cyrillic names come with their quotes doubled (ОАО ""Минский ...""): quote them once
    return _clean(re.sub(r'""\s*([^"]+?)\s*""', r'"\1"', cell))


def _eu_rows(path: Path) -> list[dict]:
    as_of = _snapshot_date(path, "as_of")
    df = _read_csv(path, EU_REQUIRED)
    if df["eu_logical_id"].duplicated().any():
        dup = df.index[df["eu_logical_id"].duplicated()][0]
        raise DesignationInputError(f"{_where(path, dup + 2, 'eu_logical_id')}: duplicate id")
    listed_on = [_parse_date(v, "%Y-%m-%d", _where(path, int(i) + 2, "name_listed_on"))
                 for i, v in df["name_listed_on"].items()]
    first = []
    for i, v in df["remark"].items():
        found = EU_FIRST_LISTED.search(v)
        first.append(_parse_date(found.group(1), "%Y-%m-%d", _where(path, int(i) + 2, "remark"))
                     if found else pd.NaT)
    first_days = {d for d in first if pd.notna(d)}
    rows = []
    for (i, r), listed, first_listed in zip(df.iterrows(), listed_on, first):
        line, uid = int(i) + 2, r["eu_logical_id"].strip()
        if not uid or not r["name_as_listed"].strip():
            raise DesignationInputError(f"{_where(path, line, 'eu_logical_id')}: empty id or name")
        name = _eu_name(r["name_as_listed"])
        aliases = _dedupe((_eu_name(n) for n in r["names"].split(";")), exclude=name)
        functions = _eu_functions(r["function"])
        year = r["birth_year"].strip()
        if year and not re.fullmatch(r"\d{4}", year):
            raise DesignationInputError(f"{_where(path, line, 'birth_year')}: bad year {year!r}")
        for col, values in (("eu_logical_id", [uid]), ("name_as_listed", [name]), ("names", aliases),
                            ("function", functions)):
            for v in values:
                _check_cell(v, _where(path, line, col))
        # a regulation that first-listed nobody (an annual renewal) only restated the name
        designated = first_listed if listed not in first_days and pd.notna(first_listed) else listed
        rows.append({"list": EU_LIST, "list_entry_id": uid,
                     "subject_type": _subject_type(r["subject_type"], _where(path, line, "subject_type")),
                     "name": name, "aliases": aliases, "function": functions,
                     "birth_year": int(year) if year else pd.NA, "programs": [EU_PROGRAM],
                     "designated_on": designated, "status": LISTED, "delisted_on": pd.NaT,
                     "list_as_of": pd.Timestamp(as_of), "source_ids": [eu_source_id(as_of)]})
    log.info("%s: %d entries read", path, len(rows))
    return rows


# --- public API ----------------------------------------------------------------------------------

def build_designations(ofac_sdn: Path | None = None, uk_list_dir: Path | None = None,
                       ofac_earlier_names: Path | None = None,
                       sanctions: pd.DataFrame | Mapping | None = None, *,
                       eu_list: Path | None = None) -> pd.DataFrame:
    """Build the ``sanction_designations`` table.

    Parameters
    ----------
    ofac_sdn : Path or None
        Flattened OFAC SDN CSV (with ``<stem>.metadata.json``); None skips US rows.
    uk_list_dir : Path or None
        Directory with the UK Belarus regime ``*-subjects-*.csv`` and ``*-names-*.csv``.
    ofac_earlier_names : Path or None
        Earlier names-only SDN snapshot, used with `sanctions` for delisted rows.
    sanctions : DataFrame or mapping of columns, optional
        Rows of the ``sanctions`` table (``action``, ``target``, ``date``, ``source_ids``; optional
        ``jurisdiction``, ``target_kind``, ``action_id``). Only US ``lift`` and ``announce``
        rows are used.
    eu_list : Path or None
        EU Belarus-regime list CSV (with ``<stem>.metadata.json`` giving ``as_of``); None skips
        EU rows.

    Returns
    -------
    DataFrame
        Columns `COLUMNS`; list columns hold Python lists, date columns are ``datetime64[ns]``,
        ``birth_year`` is ``Int64``; sorted by ``list`` then ``list_entry_id`` (string order).
        ``subject_id`` joins rows of different lists that are one subject
        (:func:`belarus_data.identity.assign_subject_ids`); ``attrs["counts"]`` gives the rows per
        input and ``attrs["unsure_matches"]`` the pairs left apart.

    Raises
    ------
    DesignationInputError
        On malformed input, naming the file, row and column.
    """
    rows: list[dict] = []
    counts: dict[str, int] = {}
    if ofac_sdn is not None:
        ofac_sdn = Path(ofac_sdn)
        raw = _read_ofac(ofac_sdn)
        rows += _ofac_rows(raw, ofac_sdn)
        counts["us_current"] = len(rows)
        if ofac_earlier_names is not None and sanctions is not None:
            delisted = _delisted_rows(Path(ofac_earlier_names), _ofac_names(raw),
                                      _snapshot_date(ofac_sdn, "published"), sanctions)
            clash = {r["list_entry_id"] for r in delisted} & {r["list_entry_id"] for r in rows}
            if clash:
                raise DesignationInputError(
                    f"{ofac_earlier_names}: delisted ids clash with current ones: {sorted(clash)}")
            rows += delisted
            counts["us_delisted"] = len(delisted)
    if uk_list_dir is not None:
        uk = _uk_rows(Path(uk_list_dir))
        rows += uk
        counts["uk"] = len(uk)
    if eu_list is not None:
        eu = _eu_rows(Path(eu_list))
        rows += eu
        counts["eu"] = len(eu)
    df = pd.DataFrame([{"function": [], "birth_year": pd.NA, **r} for r in rows], columns=COLUMNS)
    for col in DATE_COLUMNS:
        df[col] = pd.to_datetime(df[col]).astype("datetime64[ns]")
    df["birth_year"] = df["birth_year"].astype("Int64")
    df = df.sort_values(["list", "list_entry_id"], kind="stable").reset_index(drop=True)
    if len(df) != sum(counts.values()) or df.duplicated(["list", "list_entry_id"]).any():
        raise AssertionError(f"row count or key check failed: {counts}, {len(df)} rows")
    df["subject_id"], unsure = assign_subject_ids(df)
    df.attrs["counts"] = counts
    df.attrs["unsure_matches"] = unsure
    return df


def designation_sources(ofac_sdn: Path | None = None, uk_list_dir: Path | None = None,
                        ofac_earlier_names: Path | None = None, *,
                        eu_list: Path | None = None) -> pd.DataFrame:
    """``sources`` rows for the snapshots given (columns `SOURCE_COLUMNS`, one row per snapshot).

    Parameters
    ----------
    ofac_sdn, uk_list_dir, ofac_earlier_names, eu_list : Path or None
        The same inputs as `build_designations`; a None input yields no row.

    Returns
    -------
    DataFrame
        ``published_on`` is an ISO string, empty when the snapshot does not state a publication day.
    """
    ofac = {"url": OFAC_URL, "publisher": OFAC_PUBLISHER, "language": "en", "kind": "government"}
    rows = []
    if ofac_sdn is not None:
        d = _snapshot_date(Path(ofac_sdn), "published")
        rows.append({**ofac, "source_id": ofac_sdn_source_id(d), "published_on": d.isoformat(),
                     "title": "Specially Designated Nationals and Blocked Persons List (SDN)",
                     "notes": f"Official SDN.CSV + ALT.CSV exports, read as flattened by the mirror "
                              f"{OFAC_MIRROR} (file {Path(ofac_sdn).name}); no designation dates."})
    if ofac_earlier_names is not None:
        d = _snapshot_date(Path(ofac_earlier_names), "syncedAt")
        rows.append({**ofac, "source_id": ofac_names_source_id(d), "published_on": "",
                     "title": "Specially Designated Nationals and Blocked Persons List (SDN), names only",
                     "notes": f"Primary and alternate names (SDN.CSV and {OFAC_ALT_URL}) as synced on "
                              f"{d.isoformat()} by the mirror {OFAC_NAMES_MIRROR}, upper-cased, without "
                              "punctuation, ids or programmes; OFAC's publication day is not recorded."})
    if uk_list_dir is not None:
        uk = _uk_rows(Path(uk_list_dir))  # also validates the files
        if not uk:
            raise DesignationInputError(f"{uk_list_dir}: no UK subjects")
        rows.append({"source_id": uk[0]["source_ids"][0], "url": UK_URL, "publisher": UK_PUBLISHER,
                     "title": "The UK Sanctions List", "published_on": "", "language": "en",
                     "kind": "government",
                     "notes": f"Belarus regime subjects and names, read as reshaped by the mirror "
                              f"{UK_MIRROR}; latest entry update {uk[0]['list_as_of']:%Y-%m-%d}. Contains "
                              "public sector information licensed under the Open Government Licence v3.0."})
    if eu_list is not None:
        eu_list = Path(eu_list)
        d = _snapshot_date(eu_list, "as_of")
        _eu_rows(eu_list)  # validates the file
        rows.append({"source_id": eu_source_id(d), "url": EU_URL, "publisher": EU_PUBLISHER,
                     "title": "Consolidated list of persons, groups and entities subject to EU financial "
                              "sanctions; consolidated list of persons subject to EU travel restrictions",
                     "published_on": d.isoformat(), "language": "en", "kind": "government",
                     "notes": f"Belarus regime (programme BLR, Regulation (EC) No 765/2006) entries of the "
                              f"two official exports of {d.isoformat()}, read as joined by the public tracker "
                              f"{EU_MIRROR} (file {eu_list.name}); later EU listings are not in it. Reuse "
                              "authorised with acknowledgement of the source (Commission Decision 2011/833/EU)."})
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS)


def write_table(df: pd.DataFrame, path: Path) -> None:
    """Write `df` as CSV: lists joined with ``;``, dates ``yyyy-mm-dd``, UTF-8, ``\\n`` line ends.

    Raises
    ------
    DesignationInputError
        If a list item contains ``;`` or a cell starts with ``=``, ``+``, ``-`` or ``@``.
    """
    out = df[COLUMNS].copy()
    for col in LIST_COLUMNS:
        for i, items in out[col].items():
            if any(";" in str(x) for x in items):
                raise DesignationInputError(f"table row {i}, column {col!r}: item contains ';': {items!r}")
        out[col] = [";".join(map(str, items)) for items in out[col]]
    for col in DATE_COLUMNS:
        out[col] = pd.to_datetime(out[col]).dt.strftime("%Y-%m-%d").fillna("")
    out["birth_year"] = [str(int(v)) if pd.notna(v) else "" for v in out["birth_year"]]
    out = out.fillna("").astype(str)
    for col in COLUMNS:
        for i, v in out[col].items():
            _check_cell(v, f"table row {i}, column {col!r}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)


def main(argv: list[str] | None = None) -> int:
    """CLI: build the table, write it, print a summary (counts and Belarus-looking names gone)."""
    p = argparse.ArgumentParser(prog="belarus-data build-designations", description=main.__doc__)
    p.add_argument("--ofac-sdn", type=Path)
    p.add_argument("--uk-dir", type=Path)
    p.add_argument("--ofac-earlier-names", type=Path)
    p.add_argument("--sanctions", type=Path, help="sanctions CSV (for delisted rows)")
    p.add_argument("--eu-list", type=Path, help="EU Belarus-regime list CSV (with its .metadata.json)")
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args(argv)
    sanctions = pd.read_csv(a.sanctions, dtype=str, keep_default_na=False) if a.sanctions else None
    try:
        df = build_designations(a.ofac_sdn, a.uk_dir, a.ofac_earlier_names, sanctions, eu_list=a.eu_list)
        write_table(df, a.out)
    except DesignationInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(df)} rows to {a.out}")
    for (lst, kind), n in df.groupby(["list", "subject_type"], dropna=False).size().items():
        print(f"  {lst:18} {kind!s:11} {n}")
    per_subject = df.groupby("subject_id")["list"].nunique()
    print(f"{per_subject.size} subjects: {int((per_subject == 2).sum())} on 2 lists, "
          f"{int((per_subject == 3).sum())} on 3 lists; {len(df.attrs['unsure_matches'])} unsure matches left apart:")
    for u in df.attrs["unsure_matches"]:
        print(f"  {u['a']}  ~  {u['b']}  ({u['why']})")
    delisted = df[df["status"] == DELISTED]
    if len(delisted):
        print(f"{len(delisted)} delisted rows (review: each should be a Belarus subject):")
        for r in delisted.itertuples():
            when = f"{r.delisted_on:%Y-%m-%d}" if pd.notna(r.delisted_on) else "announced, no date"
            print(f"  {r.list_entry_id}  [{when}]  aliases: {'; '.join(r.aliases) or '-'}")
    if a.ofac_sdn and a.ofac_earlier_names:
        gone = names_gone(a.ofac_earlier_names, a.ofac_sdn)
        looking = belarus_looking(gone)
        print(f"{len(gone)} names gone between the SDN snapshots, {len(looking)} Belarus-looking:")
        for n in looking:
            print(f"  {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
