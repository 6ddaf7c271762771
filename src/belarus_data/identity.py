"""One identity across sanctions lists: which rows of different lists are the same subject.

The rule (published in docs/design.md and the codebook): two rows of *different* lists are the
same subject when

1. they have the same ``subject_type``;
2. they share a name key: some spelling of one (name or alias) and some spelling of the other,
   each transliterated to Latin and folded (:func:`belarus_data.names.fold`: unidecode, case,
   punctuation, the usual Belarusian/Russian/Polish romanisation pairs, French "tch"), give the same *set* of
   words (so word order does not matter: official lists print the surname first). For people the
   patronymic is optional: a spelling of given name + surname matches a spelling that adds a
   patronymic. For entities, legal-form words (OAO, JSC, LLC, Open Joint Stock Company, their
   Russian and Belarusian transliterations, ...) are ignored. A name in brackets or after "a.k.a."
   counts as a spelling of its own;
3. nothing contradicts: their birth years, when both rows give one, are equal, and their listed
   functions, when both give them, share at least one;
4. the match is one-to-one between the two lists (a row matching two rows of the other list is
   ambiguous), it never puts two rows of the same list into one subject, and no chain of matches
   joins a pair that this rule or rule 3 keeps apart.

A pair meeting 1-3 but failing 4, or meeting 1-2 but failing 3, or matching only through
given name + surname while both rows give differing patronymics, is an *unsure* match: the rows
stay separate subjects and the pair is counted (:func:`assign_subject_ids` returns them).
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

from .names import fold

LIST_ORDER = ("uk_sanctions_list", "eu_financial_sanctions", "us_ofac_sdn")  # whose name makes the slug
ENTITY_NOISE = {  # legal forms and filler words that differ between lists' spellings of one entity
    "aat", "ao", "cjsc", "co", "company", "corp", "corporation", "gmbh", "inc", "jsc", "joint", "llc",
    "ltd", "limited", "oao", "oat", "ojsc", "ooo", "pao", "pjsc", "plc", "sa", "stock", "tov", "zao",
    "uue", "rue", "rup", "the", "of", "open", "closed", "public", "private", "foreign", "additional",
    "liability", "fllc", "iooo", "ztaa", "taa", "zaat",
    # the same legal forms spelt out in Russian and Belarusian transliteration
    "otkrytoe", "otkrytoye", "zakrytoe", "zakrytoye", "aktsionernoe", "aktsionernoye", "obshchestvo",
    "s", "ogranichennoi", "ogranichennoy", "otvetstvennostiu", "otvetstvennostyu", "inostrannoe",
    "inostrannoye", "adkrytae", "adkrytaye", "zakrytae", "aktsyianernae", "aktsyyanernaye", "tavarystva",
    "z", "abmezhavanai", "abmezhavanay", "adkaznastsiu", "adkaznastsyu", "zamezhnae", "zamezhnaye"}
AKA = re.compile(r"\ba\.?\s?k\.?\s?a\b\.?", re.IGNORECASE)
PATRONYMIC = re.compile(r"(vich|vna|una|ichna|ich)$")  # folded endings: -ovich, -evna, -auna, -ichna


@lru_cache(maxsize=1)
def _entity_noise() -> frozenset[str]:
    """`ENTITY_NOISE` as :func:`fold` spells the words ("ojsc" -> "oisc")."""
    return frozenset(fold(w) for w in ENTITY_NOISE)


def _words(spelling: str) -> list[str]:
    # beyond find_person's folds: French-style "tch" ("Petrovitch") is the "ch" of other spellings
    return fold(spelling).replace("tch", "ch").split()


def _surname_first(spelling: str) -> bool:
    """Official lists print the surname first ("LUKASHENKA, Alyaksandr") or in capitals."""
    return "," in spelling


def _person_keys(spelling: str) -> tuple[set[frozenset], set[frozenset], str | None]:
    """(full keys, keys without patronymic, the patronymic) of one spelling of a person's name."""
    words = _words(spelling)
    full = {frozenset(words)} if words else set()
    if len(words) != 3:
        return full, (full if len(words) == 2 else set()), None
    raw = [w for w in re.split(r"[\s,]+", spelling.strip()) if w]
    if _surname_first(spelling):
        patronymic = words[2]          # SURNAME, Given Patronymic
    elif len(raw) == 3 and raw[2].isupper() and not raw[0].isupper():
        patronymic = words[1]          # Given Patronymic SURNAME
    else:
        patronymic = words[1]          # Given Patronymic Surname (UK)
    if not PATRONYMIC.search(patronymic):
        return full, set(), None
    rest = list(words)
    rest.remove(patronymic)
    return full, {frozenset(rest)}, patronymic


def _variants(spelling: str) -> list[str]:
    """A spelling, and the names inside it: "MZKT (Minsk Wheel Tractor Plant)" also gives "MZKT" and
    "Minsk Wheel Tractor Plant"; "Dana Holdings a.k.a Dana Astra" gives both names."""
    out = [spelling]
    for part in AKA.split(spelling):
        out += [part, re.sub(r"\([^)]*\)", " ", part), *re.findall(r"\(([^)]*)\)", part)]
    return [v for v in dict.fromkeys(out) if v.strip()]


def _keys(spellings: Iterable[str], subject_type: object) -> tuple[set, set, set]:
    """(full keys, short keys, patronymics) of all spellings of a row."""
    full, short, patronymics = set(), set(), set()
    for s in (v for spelling in spellings if isinstance(spelling, str) for v in _variants(spelling)):
        if not isinstance(s, str) or not s.strip():
            continue
        if subject_type == "individual":
            f, sh, p = _person_keys(s)
            full |= f
            short |= sh
            if p:
                patronymics.add(p)
        else:
            words = [w for w in _words(s) if w not in _entity_noise()]
            if words:
                full.add(frozenset(words))
    return full, short, patronymics


def _slug(name: str) -> str:
    from unidecode import unidecode

    return re.sub(r"[^a-z0-9]+", "-", unidecode(name).lower()).strip("-") or "subject"


def _contradiction(a: pd.Series, b: pd.Series) -> str | None:
    ya, yb = a.get("birth_year"), b.get("birth_year")
    if pd.notna(ya) and pd.notna(yb) and int(ya) != int(yb):
        return f"birth years {ya} and {yb}"
    fa, fb = a.get("function"), b.get("function")
    if isinstance(fa, list) and isinstance(fb, list) and fa and fb and not set(fa) & set(fb):
        return "listed functions differ"
    return None


def assign_subject_ids(df: pd.DataFrame) -> tuple[pd.Series, list[dict]]:
    """A ``subject_id`` for every row, and the unsure matches left apart.

    Parameters
    ----------
    df : DataFrame
        Rows of ``sanction_designations`` (columns list, list_entry_id, subject_type, name,
        aliases; optional birth_year, function).

    Returns
    -------
    (Series, list of dict)
        The ids (index of `df`): a slug of the name of the subject's first row in the order UK,
        EU, US (then list_entry_id), suffixed ``-2``, ``-3`` ... when two subjects share a slug;
        and one dict per unsure pair (``a``, ``b``: ``list:list_entry_id``; ``why``).
    """
    keyed = {}
    for i, r in df.iterrows():
        aliases = r["aliases"] if isinstance(r["aliases"], list) else []
        keyed[i] = _keys([r["name"], *aliases], r["subject_type"])
    full_index: dict[tuple, set] = defaultdict(set)
    short_index: dict[tuple, set] = defaultdict(set)
    for i, (full, short, _) in keyed.items():
        t = df.at[i, "subject_type"]
        for k in full:
            full_index[(t, k)].add(i)
        for k in short:
            short_index[(t, k)].add(i)
    candidates: dict[tuple, str] = {}  # (i, j) -> "sure" | reason unsure
    for i, (full, short, pats) in keyed.items():
        t, li = df.at[i, "subject_type"], df.at[i, "list"]
        found: dict[int, str] = {}
        for k in full:
            for j in full_index[(t, k)] | short_index[(t, k)]:
                found.setdefault(j, "sure")
        for k in short:
            for j in full_index[(t, k)]:
                found.setdefault(j, "sure")  # the other spelling has no patronymic
            for j in short_index[(t, k)]:
                if j not in found:
                    other = keyed[j][2]
                    found[j] = "sure" if (not pats or not other or pats & other) else "patronymics differ"
        for j, how in found.items():
            if j == i or df.at[j, "list"] == li:
                continue
            pair = (min(i, j), max(i, j))
            if how == "sure":
                why = _contradiction(df.loc[i], df.loc[j])
                how = why or how
            if candidates.get(pair) != "sure":
                candidates[pair] = how
    # one-to-one per pair of lists
    partners: dict[tuple, set] = defaultdict(set)  # (row, other list) -> rows
    for (i, j), how in candidates.items():
        if how == "sure":
            partners[(i, df.at[j, "list"])].add(j)
            partners[(j, df.at[i, "list"])].add(i)
    parent = {i: i for i in df.index}

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(candidates, key=lambda p: (_entry(df, p[0]), _entry(df, p[1])))
    verdict = {}
    for i, j in order:
        how = candidates[(i, j)]
        if how == "sure" and (len(partners[(i, df.at[j, "list"])]) > 1 or len(partners[(j, df.at[i, "list"])]) > 1):
            how = "matches more than one row of the other list"
        verdict[(i, j)] = how
    # an unsure pair stays apart: no chain of sure matches may join it either
    apart = {pair for pair, how in verdict.items() if how != "sure"}
    members = {i: {i} for i in df.index}
    unsure = [{"a": _entry(df, i), "b": _entry(df, j), "why": how} for (i, j), how in verdict.items() if how != "sure"]
    for i, j in (pair for pair in order if verdict[pair] == "sure"):
        ri, rj = root(i), root(j)
        if ri == rj:
            continue
        lists_i = {df.at[r, "list"] for r in members[ri]}
        lists_j = {df.at[r, "list"] for r in members[rj]}
        spans = any((min(a, b), max(a, b)) in apart for a in members[ri] for b in members[rj])
        if lists_i & lists_j or spans:
            why = "would join two rows of one list" if lists_i & lists_j else "would join a pair left apart as unsure"
            unsure.append({"a": _entry(df, i), "b": _entry(df, j), "why": why})
            continue
        parent[rj] = ri
        members[ri] |= members.pop(rj)
    groups: dict[int, list] = defaultdict(list)
    for i in df.index:
        groups[root(i)].append(i)
    ranked = sorted(groups.values(), key=lambda rows: min(_rank(df, r) for r in rows))
    ids, used, taken = {}, defaultdict(lambda: 1), set()
    for rows in ranked:
        first = min(rows, key=lambda r: _rank(df, r))
        base = _slug(df.at[first, "name"])
        sid = base
        while sid in taken:
            used[base] += 1
            sid = f"{base}-{used[base]}"
        taken.add(sid)
        for r in rows:
            ids[r] = sid
    return pd.Series(ids, dtype=object).reindex(df.index), unsure


def _entry(df: pd.DataFrame, i) -> str:
    return f"{df.at[i, 'list']}:{df.at[i, 'list_entry_id']}"


def _rank(df: pd.DataFrame, i) -> tuple:
    lst = df.at[i, "list"]
    pos = LIST_ORDER.index(lst) if lst in LIST_ORDER else len(LIST_ORDER)
    return (pos, lst, str(df.at[i, "list_entry_id"]))
