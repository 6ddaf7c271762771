"""The ``prisoners`` and ``prisoner_facts`` tables: the roster's people merged with the curated ones.

Inputs: the typed roster records (:mod:`.roster`) and ``curated/prisoners.csv``, the people
curated by hand from the news (edit that file, never ``datasets/prisoners.csv``).

Merging. A curated person and a roster record are the same person when (1) a spelling of the
curated person (name, name_be, name_ru or an alias) and a spelling of the record (Viasna's name
or its page's slug) are the same name after folding transliteration, word order ignored, and (2)
at least one fact agrees: the detention day, the verdict day, an article (the same article, and
the same part where both codes give one: ``361-4`` ~ ``361-4(1)``, but ``361-1`` is not ``361``),
or the Viasna page URL. An equal
sentence length is listed with the evidence but never merges on its own: many people got the same
term. A curated person with such evidence for more than one record, or a record claimed by more
than one curated person, is not merged and is reported. Likely matches without evidence (same name
but no agreeing fact, or a close spelling) are reported, never merged.

Headline values. For detained_on, sentenced_on, sentence_years, criminal_code_articles and
birth_year the curated value wins where there is one, else the roster's; every value reported
by either is a ``prisoner_facts`` row, so a disagreement stays recorded.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import fuzz, process

from .._read import check_file
from ..errors import DataValidationError, Problem
from ..schema import TableSchema
from .judges import name_key
from .roster import RosterRecord, format_years
from .tables import join, slug

FACT_FIELDS = ("detained_on", "sentenced_on", "sentence_years", "criminal_code_articles", "birth_year")
CANDIDATE_SCORE = 88  # rapidfuzz token_sort_ratio of folded names: close spellings worth a look


@dataclass
class Merge:
    person_id: str
    record: RosterRecord
    evidence: list[str] = field(default_factory=list)


def read_curated(path: Path, schema: TableSchema, label: str) -> list[dict[str, str]]:
    """The curated people as text cells; raises DataValidationError naming file, row and column.

    The file gets every per-file check of the runtime (types, item patterns such as the article
    codes, keys, printable text), so a bad cell is reported in curated/prisoners.csv, where it is
    fixed, before any derived file is written."""
    data = path.read_bytes() if path.exists() else None
    if data is None:
        raise DataValidationError([Problem(label, None, None, "file", f"file is missing (expected at {path})")])
    header = data.split(b"\n", 1)[0].decode("utf-8", "replace").strip().split(",")
    curated_schema = replace(schema, fields=tuple(f for f in schema.fields if f.name in header))
    result = check_file(data, curated_schema, label)
    if result.problems:
        raise DataValidationError(result.problems)
    raw = result.raw.fillna("")
    return [{k: str(v) for k, v in row.items()} for row in raw.to_dict("records")]


def _split(cell: str) -> list[str]:
    return [x for x in cell.split(";") if x] if cell else []


def _spellings(person: dict[str, str]) -> list[str]:
    return [s for s in [person["name"], person.get("name_be", ""), person.get("name_ru", ""),
                        *_split(person.get("aliases", ""))] if s]


def _record_spellings(record: RosterRecord) -> list[str]:
    """Viasna's name, its page slug as words, and for "Katsiaryna Andreyeva (Bakhvalava)" both names."""
    spellings = [record.name, record.url.rstrip("/").rsplit("/", 1)[-1].replace("-", " ")]
    m = re.fullmatch(r"(\S+) (.+?) \((.+)\)", record.name)
    if m:
        spellings += [f"{m.group(1)} {m.group(2)}", f"{m.group(1)} {m.group(3)}"]
    return spellings


def _codes(record: RosterRecord) -> list[str]:
    return [a.code for a in record.articles]


def _article_agrees(a: str, b: str) -> bool:
    """The same article (``361-1`` is not ``361``), and the same part where both give one:
    ``293`` agrees with ``293(2)``, ``293(1)`` does not agree with ``293(2)``."""
    (article_a, _, part_a), (article_b, _, part_b) = a.partition("("), b.partition("(")
    return article_a == article_b and (not part_a or not part_b or part_a == part_b)


SUPPORTING_ONLY = ("sentence_years",)  # agreeing facts that are shown but cannot merge on their own


def evidence(person: dict[str, str], record: RosterRecord) -> list[str]:
    """The facts on which a curated person and a roster record agree (see :func:`merges_on`)."""
    found = []
    raw = record.raw
    if person["detained_on"] and person["detained_on"] == raw.get("arrested"):
        found.append(f"detained_on {person['detained_on']}")
    if person["sentenced_on"] and person["sentenced_on"] == raw.get("verdict_date"):
        found.append(f"sentenced_on {person['sentenced_on']}")
    shared = sorted({c for c in _split(person["criminal_code_articles"])
                     if any(_article_agrees(c, r) for r in _codes(record))})
    if shared:
        found.append("article " + ", ".join(shared))
    if person["sentence_years"] and record.sentence_years is not None \
            and abs(float(person["sentence_years"]) - record.sentence_years) < 1e-9:
        found.append(f"sentence_years {person['sentence_years']}")
    if person["viasna_url"] and person["viasna_url"] == record.url:
        found.append("viasna_url")
    return found


def merges_on(found: list[str]) -> bool:
    """Whether agreeing facts are enough to merge: one besides those in SUPPORTING_ONLY."""
    return any(not fact.startswith(SUPPORTING_ONLY) for fact in found)


def match(curated: list[dict[str, str]], records: list[RosterRecord]) -> tuple[list[Merge], list[str]]:
    """(merges, report lines: unmerged conflicts and likely-but-unconfirmed candidates)."""
    by_key: dict[str, set[int]] = defaultdict(set)
    for pos, record in enumerate(records):
        for s in _record_spellings(record):
            by_key[name_key(s)].add(pos)
    proposals: dict[str, list[Merge]] = {}
    same_name: dict[str, list[int]] = {}
    for person in curated:
        positions = sorted({p for s in _spellings(person) for p in by_key.get(name_key(s), ())})
        same_name[person["person_id"]] = positions
        proposals[person["person_id"]] = [Merge(person["person_id"], records[p], evidence(person, records[p]))
                                          for p in positions]
    claims: dict[int, list[str]] = defaultdict(list)
    for pid, found in proposals.items():
        for m in found:
            if merges_on(m.evidence):
                claims[m.record.record_id].append(pid)
    merges, report = [], []
    for person in curated:
        pid = person["person_id"]
        backed = [m for m in proposals[pid] if merges_on(m.evidence)]
        if len(backed) == 1 and len(claims[backed[0].record.record_id]) == 1:
            merges.append(backed[0])
        elif len(backed) > 1:
            report.append(f"{pid}: not merged, several roster records agree: "
                          + "; ".join(f"record {m.record.record_id} ({', '.join(m.evidence)})" for m in backed))
        elif backed:
            report.append(f"{pid}: not merged, record {backed[0].record.record_id} is also claimed by "
                          + ", ".join(p for p in claims[backed[0].record.record_id] if p != pid))
        for m in proposals[pid]:
            if not merges_on(m.evidence):
                agreeing = f"only {', '.join(m.evidence)} agrees (not enough alone)" if m.evidence else "no agreeing fact"
                report.append(f"{pid}: candidate record {m.record.record_id} ({m.record.name}, {m.record.url}): "
                              f"same name, {agreeing}; not merged")
    merged_ids = {m.person_id for m in merges}
    merged_records = {m.record.record_id for m in merges}
    choices = {pos: name_key(r.name) for pos, r in enumerate(records)}
    for person in curated:
        pid = person["person_id"]
        if pid in merged_ids:
            continue
        close: set[int] = set()
        for s in _spellings(person):
            for _, score, pos in process.extract(name_key(s), choices, scorer=fuzz.token_sort_ratio,
                                                  score_cutoff=CANDIDATE_SCORE, limit=5):
                if pos not in same_name[pid]:
                    close.add(pos)
        for pos in sorted(close):
            r = records[pos]
            if r.record_id in merged_records:
                continue
            agree = evidence(person, r)
            report.append(f"{pid}: candidate record {r.record_id} ({r.name}, {r.url}): close spelling"
                          + (f", agreeing {', '.join(agree)}" if agree else ", no agreeing fact") + "; not merged")
    return merges, report


def _roster_cells(record: RosterRecord, judge_id_of: dict[str, str], as_of: str) -> dict[str, str]:
    return {
        "gender": record.gender or "",
        "birth_year": str(record.birth_year) if record.birth_year is not None else "",
        "roles": record.roles,
        "detained_on": record.detained_on or "",
        "sentenced_on": record.sentenced_on or "",
        "sentence_years": format_years(record.sentence_years),
        "criminal_code_articles": join(_dedupe(_codes(record))),
        "viasna_url": record.url,
        "articles_attempted": join(_dedupe(a.code for a in record.articles if a.attempted)),
        "articles_prepared": join(_dedupe(a.code for a in record.articles if a.prepared)),
        "sentence_text": record.sentence_text,
        "penalty_kind": record.penalty_kind or "",
        "appeal_decided_on": record.appeal_decided_on or "",
        "roster_released_on": record.released_on or "",
        "institution": record.institution,
        "judge_ids": join(_dedupe(judge_id_of[j.name] for j in record.judges)),
        "viasna_status": record.status or "",
        "viasna_status_as_of": as_of,
        "roster_record_id": str(record.record_id),
    }


def _dedupe(items) -> list[str]:
    out: list[str] = []
    for i in items:
        if i not in out:
            out.append(i)
    return out


def _roster_notes(record: RosterRecord, problems: list[Problem]) -> str:
    raw = record.raw
    notes = []
    for p in problems:
        if p.rule == "placeholder_name":
            notes.append(f"Viasna's roster gives no name for this person, only the description '{record.name}'.")
        elif p.rule == "birth_year":
            notes.append(f"The roster's birth year {raw.get('birth_year')} is impossible, so birth_year is empty.")
        elif p.rule == "date_order":
            notes.append(f"The roster dates a later step before an earlier one ({p.message.split(': ', 1)[1].split(';')[0]}), "
                         f"so {p.column} is empty here; both roster dates are in prisoner_facts.")
        elif p.rule == "sentence":
            notes.append("The roster's sentence text states no term this build understands, so sentence_years is empty.")
        elif p.rule == "article":
            notes.append("One article text of the roster is ambiguous; only the article number is kept.")
    return " ".join(notes)


def build_prisoners(records: list[RosterRecord], problems: list[Problem], curated: list[dict[str, str]],
                    judge_id_of: dict[str, str], committed_ids: dict[int, str], roster_source: str,
                    as_of: str) -> tuple[list[dict[str, str]], list[dict[str, str]], list[Merge], list[str]]:
    """(prisoner rows, fact rows, merges, report lines); cells are text."""
    merges, report = match(curated, records)
    merged_by_record = {m.record.record_id: m for m in merges}
    merged_by_person = {m.person_id: m for m in merges}
    problems_of: dict[int, list[Problem]] = defaultdict(list)
    for p in problems:
        if p.message.startswith("record "):
            problems_of[int(p.message.split()[1].rstrip(":"))].append(p)
    taken = {p["person_id"] for p in curated}
    rows, facts = [], []
    for person in curated:
        row = {k: person.get(k, "") for k in person}
        m = merged_by_person.get(person["person_id"])
        if m is not None:
            cells = _roster_cells(m.record, judge_id_of, as_of)
            aliases = _split(person["aliases"])
            if m.record.name != person["name"] and m.record.name not in aliases:
                aliases.append(m.record.name)
            row["aliases"] = join(aliases)
            for column, value in cells.items():
                if column == "roles":
                    row["roles"] = join(_dedupe([*_split(person["roles"]), *value]))
                elif not row.get(column):
                    row[column] = value
            roster_note = " ".join(x for x in (
                f"Same person as record {m.record.record_id} of Viasna's roster export (about March 2023; agreeing: "
                f"{'; '.join(m.evidence)}): the roster columns come from it; where the curated and the roster values "
                "differ, both are in prisoner_facts.", _roster_notes(m.record, problems_of[m.record.record_id])) if x)
            row["notes"] = " ".join(x for x in (person["notes"], roster_note) if x)
            row["source_ids"] = join(_dedupe([*_split(person["source_ids"]), roster_source]))
        rows.append(row)
        facts += _curated_facts(person)
    # A record that was merged before and no longer is must not take back the curated person's id.
    reused = {rid: pid for rid, pid in committed_ids.items() if rid not in merged_by_record and pid not in taken}
    taken |= set(reused.values())
    for record in records:
        if record.record_id in merged_by_record:
            continue
        person_id = reused.get(record.record_id)
        if person_id is None:
            person_id = slug(record.name)
            if person_id in taken:
                person_id = f"{person_id}-{record.record_id}"
            taken.add(person_id)
        cells = _roster_cells(record, judge_id_of, as_of)
        cells["roles"] = join(cells["roles"])
        rows.append({"person_id": person_id, "name": record.name, **cells,
                     "notes": _roster_notes(record, problems_of[record.record_id]), "source_ids": roster_source})
    person_of = {r["roster_record_id"]: r["person_id"] for r in rows if r.get("roster_record_id")}
    for record in records:
        facts += _roster_facts(record, person_of[str(record.record_id)], roster_source, as_of)
    rows.sort(key=lambda r: r["person_id"])
    headline = {r["person_id"]: r for r in rows}
    for fact in facts:
        fact["used_in_prisoners"] = "true" if headline[fact["person_id"]].get(fact["field"], "") == fact["value"] else "false"
    facts.sort(key=lambda f: (f["person_id"], FACT_FIELDS.index(f["field"]), f["reported_by"]))
    return rows, facts, merges, report


def _curated_facts(person: dict[str, str]) -> list[dict[str, str]]:
    return [{"person_id": person["person_id"], "field": f, "reported_by": "curated_news", "value": person[f],
             "as_of": "", "notes": "", "source_ids": person["source_ids"]}
            for f in FACT_FIELDS if person.get(f)]


def _roster_facts(record: RosterRecord, person_id: str, source: str, as_of: str) -> list[dict[str, str]]:
    raw = record.raw
    values = {
        "detained_on": (raw.get("arrested", ""), ""),
        "sentenced_on": (raw.get("verdict_date", ""),
                         "" if record.sentenced_on or not raw.get("verdict_date")
                         else "Not used: dated before the roster's detention date."),
        "sentence_years": (format_years(record.sentence_years), ""),
        "criminal_code_articles": (join(_dedupe(_codes(record))), ""),
        "birth_year": (str(raw.get("birth_year", "") or ""),
                       "" if record.birth_year is not None or not raw.get("birth_year")
                       else "Not used: an impossible birth year."),
    }
    return [{"person_id": person_id, "field": f, "reported_by": "viasna_roster", "value": value, "as_of": as_of,
             "notes": note, "source_ids": source} for f, (value, note) in values.items() if value]
