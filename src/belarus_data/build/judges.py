"""The ``judges`` table: one row per judge named in the roster, and links to sanctions designations.

Spellings are clustered ONLY when they are the same name after folding transliteration
(:func:`belarus_data.names.fold`) with word order ignored ("Vera Filonik" = "Filonik Vera");
different names are never merged, so a surname given alone stays its own row.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

import pandas as pd

from ..names import fold
from .roster import RosterRecord
from .tables import join, slug

JUDICIAL = re.compile(r"\bjudge\b|\bcourt\b|\bсудья\b|\bсуд\w*\b|\bсуддзя\b", re.IGNORECASE)
NOT_PEOPLE = ("entity", "vessel", "aircraft")


def name_key(name: str) -> str:
    """Spelling- and order-insensitive key of a name."""
    return " ".join(sorted(fold(name).split()))


def cluster_judges(records: Iterable[RosterRecord]) -> tuple[list[dict], dict[str, str]]:
    """(judge rows without links, {Latin spelling: judge_id}).

    Row: judge_id, name (most frequent spelling, then alphabetical), aliases (other spellings
    seen, Latin then other scripts, alphabetical), prisoners_sentenced (records naming them).
    """
    spellings: dict[str, Counter] = defaultdict(Counter)
    others: dict[str, set[str]] = defaultdict(set)
    records_of: dict[str, set[int]] = defaultdict(set)
    for record in records:
        for judge in record.judges:
            key = name_key(judge.name)
            spellings[key][judge.name] += 1
            others[key].update(judge.other_spellings)
            records_of[key].add(record.record_id)
    rows, id_of, taken = [], {}, Counter()
    for key in sorted(spellings):
        name = sorted(spellings[key].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        base = slug(name)
        taken[base] += 1
        judge_id = base if taken[base] == 1 else f"{base}-{taken[base]}"
        aliases = sorted(s for s in spellings[key] if s != name) + sorted(others[key])
        rows.append({"judge_id": judge_id, "name": name, "aliases": aliases,
                     "prisoners_sentenced": len(records_of[key])})
        id_of.update({spelling: judge_id for spelling in spellings[key]})
    return rows, id_of


def _words(name: str) -> frozenset[str]:
    return frozenset(fold(name).split())


def link_designations(judges: list[dict], designations: pd.DataFrame) -> tuple[dict[str, list[str]], list[str]]:
    """({judge_id: ["list/list_entry_id", ...]}, report lines) for the judges' designations.

    A judge and a designation are *name candidates* when every word of some spelling of the
    judge (at least two words) is a word of some spelling of the designation (name or alias;
    patronymics may be extra). A candidate is *linked* when the designation's ``function`` says
    judge or court, or when it shares its ``subject_id`` with a linked designation (a UK or US
    row of the same person as an EU row). A judge whose judicial candidates are more than one
    subject, or a subject that is the judicial candidate of more than one judge, is ambiguous:
    nothing is linked and the candidates are reported. Columns ``aliases``, ``subject_type``,
    ``function`` and ``subject_id`` are optional; without ``function`` nothing is linked and the
    name candidates are only reported.
    """
    report: list[str] = []
    if designations is None or "name" not in designations or designations.empty:
        return {}, ["no designations with names to link"]
    rows = designations.reset_index(drop=True)

    def column(name: str) -> list:
        return rows[name].tolist() if name in rows else [None] * len(rows)

    entry = [f"{lst}/{eid}" for lst, eid in zip(rows["list"], rows["list_entry_id"])]
    kinds, subjects = column("subject_type"), column("subject_id")
    functions = ["; ".join(f) if isinstance(f, list) else f for f in column("function")]  # text or a list
    spellings = [[n, *(a if isinstance(a, list) else [])] for n, a in zip(rows["name"], column("aliases"))]
    word_sets = [{_words(s) for s in names if isinstance(s, str)} for names in spellings]
    by_word: dict[str, set[int]] = defaultdict(set)
    for i, sets in enumerate(word_sets):
        if kinds[i] not in NOT_PEOPLE:  # "individual", the EU's "person", or unknown
            for ws in sets:
                for w in ws:
                    by_word[w].add(i)
    candidates: dict[str, set[int]] = {}
    for judge in judges:
        found: set[int] = set()
        for spelling in [judge["name"], *judge["aliases"]]:
            words = _words(spelling)
            if len(words) < 2:
                continue
            pool = set.intersection(*(by_word.get(w, set()) for w in words))
            found |= {i for i in pool if any(words <= ws for ws in word_sets[i])}
        if found:
            candidates[judge["judge_id"]] = found
    has_function = "function" in rows
    subject = [s if isinstance(s, str) and s else entry[i] for i, s in enumerate(subjects)]
    judicial = {j: {i for i in found if isinstance(functions[i], str) and JUDICIAL.search(functions[i])}
                for j, found in candidates.items()}
    claimed = Counter(subject[i] for found in judicial.values() for i in found)
    links: dict[str, list[str]] = {}
    for judge_id, found in sorted(candidates.items()):
        described = ", ".join(f"{entry[i]} ({rows['name'][i]})" for i in sorted(found))
        subjects_found = {subject[i] for i in judicial[judge_id]}
        if not has_function:
            report.append(f"{judge_id}: name candidate(s) {described}; not linked: no function column")
        elif not subjects_found:
            report.append(f"{judge_id}: name candidate(s) {described}; not linked: no function says judge or court")
        elif len(subjects_found) > 1 or any(claimed[s] > 1 for s in subjects_found):
            report.append(f"{judge_id}: ambiguous, not linked: {described}")
        else:
            (the_subject,) = subjects_found
            linked = sorted(entry[i] for i in range(len(rows)) if subject[i] == the_subject)
            links[judge_id] = linked
            report.append(f"{judge_id}: linked {', '.join(linked)}")
    return links, report


def judge_rows(judges: list[dict], links: dict[str, list[str]], designations: pd.DataFrame | None,
               roster_source: str) -> list[dict[str, str]]:
    """The judges table as text cells."""
    sources_of: dict[str, list[str]] = {}
    if designations is not None and "source_ids" in designations:
        for lst, eid, ids in zip(designations["list"], designations["list_entry_id"], designations["source_ids"]):
            sources_of[f"{lst}/{eid}"] = list(ids) if isinstance(ids, list) else []
    out = []
    for judge in judges:
        linked = links.get(judge["judge_id"], [])
        source_ids = [roster_source]
        for e in linked:
            source_ids += [s for s in sources_of.get(e, []) if s not in source_ids]
        out.append({"judge_id": judge["judge_id"], "name": judge["name"], "aliases": join(judge["aliases"]),
                    "prisoners_sentenced": str(judge["prisoners_sentenced"]), "designations": join(linked),
                    "source_ids": join(source_ids)})
    return out
