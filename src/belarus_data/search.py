"""One search over every person the data knows: prisoners, judges and designated subjects.

Each stored spelling of a person (name, Belarusian and Russian Cyrillic, aliases, every listed
spelling of a designated subject) is split into words and each word reduced to a spelling key
(:mod:`belarus_data.spelling`). A query is reduced the same way; each of its words is compared
with every distinct key (rapidfuzz, one vectorised call per word) and with the given-name
equivalences of ``given_names.csv`` (a word of one group never matches a word of another by resemblance:
Aliaksandr is not Aliaksei). A spelling scores the mean over the query's words of each
one's best match among the spelling's words (so word order and missing patronymics do not
matter), slightly lowered when words of the spelling stay unmatched; a person scores their best
spelling.

Rules for unusable queries (documented in the README): a query needs at least
``MIN_QUERY_LETTERS`` letters (after transliteration) and at most ``MAX_QUERY_CHARS``
characters, else ``QueryError`` says why. Words of one letter (initials) are ignored. Keys of up
to ``EXACT_ONLY_LENGTH`` letters match only exactly. Hits below ``MIN_SCORE`` are not returned.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

from .spelling import clean, latin_words, word_key, word_keys

KINDS = ("prisoner", "judge", "designated")
MIN_SCORE = 80.0
MIN_QUERY_LETTERS = 3
MAX_QUERY_CHARS = 300
EXACT_ONLY_LENGTH = 3      # keys this short (Iury -> "ur") match only exactly
WORD_CUTOFF = 60.0         # word similarities below this count as no match
MATCHED_WORD = 80.0        # a spelling's word counts as matched from this similarity
STRIPPED_ENDING_COST = 3.0
SHORTFALL_COST = 2.0       # see _sharpen
GENDER_ENDING_FACTOR = 0.85  # resemblance kept for -a against a consonant ending  # a query word matched only without its Lithuanian ending
COLUMNS = ["kind", "id", "name", "score", "matched", "why", "lists", "subject_type"]
_BRACKETS = re.compile(r"[(\[]([^)\]]*)[)\]]")
_PATRONYMIC = re.compile(r"(?:vich|vitj|vitch|wicz|vych|vna|una|vitsch)$")


class QueryError(ValueError):
    """A query that cannot be searched (too short, too long, no letters); the message says why."""


@dataclass
class _People:
    """What the index knows of each person: one entry per identity."""
    kind: list[str] = field(default_factory=list)
    id: list[str] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)
    subject_type: list[str] = field(default_factory=list)


def _given_name_groups() -> dict[str, int]:
    """Spelling key of every given-name form in ``given_names.csv`` -> its group number."""
    text = files("belarus_data").joinpath("given_names.csv").read_text(encoding="utf-8")
    groups: dict[str, int] = {}
    for number, row in enumerate(csv.DictReader(text.splitlines())):
        for spelling in row["spellings"].split(";"):
            for word in latin_words(spelling):
                groups.setdefault(word_key(word), number)
    return groups


def _texts(value) -> list[str]:
    """The non-empty strings of a cell that holds a string, a list of strings or nothing."""
    if isinstance(value, str):  # also category values, which arrive as str
        return [value] if value.strip() else []
    if isinstance(value, (list, tuple, np.ndarray)):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []


class NameIndex:
    """Every spelling of every person, reduced to word keys, ready to search."""

    def __init__(self, *, given_names: bool = True) -> None:
        self.people = _People()
        self._by_key: dict[tuple[str, str], int] = {}
        self.spelling_text: list[str] = []
        self.spelling_field: list[str] = []
        self.spelling_owner: list[int] = []
        self._spelling_words: list[list[str]] = []
        self._bracketed: list[set[int]] = []
        self.groups = _given_name_groups() if given_names else {}

    # ---- building ----------------------------------------------------------------------------
    def _person(self, kind: str, pid: str, name: str, lists: str = "", subject_type: str = "") -> int:
        key = (kind, pid)
        if key not in self._by_key:
            self._by_key[key] = len(self.people.id)
            for column, value in (("kind", kind), ("id", pid), ("name", name), ("lists", lists),
                                  ("subject_type", subject_type)):
                getattr(self.people, column).append(value)
        return self._by_key[key]

    def _spelling(self, owner: int, text: str, field_name: str) -> None:
        words, bracketed = _words_and_bracketed(text)
        if words:
            self.spelling_text.append(text)
            self.spelling_field.append(field_name)
            self.spelling_owner.append(owner)
            self._spelling_words.append(words)
            self._bracketed.append(bracketed)

    def add_people(self, kind: str, frame: pd.DataFrame, id_column: str) -> None:
        """Index a table of people with ``name``, optional ``name_be``/``name_ru`` and ``aliases``."""
        for row in frame.to_dict("records"):
            owner = self._person(kind, str(row[id_column]), str(row["name"]))
            self._spelling(owner, str(row["name"]), "name")
            for column in ("name_be", "name_ru", "aliases"):
                for text in _texts(row.get(column)):
                    self._spelling(owner, text, column)

    def add_designations(self, frame: pd.DataFrame, *, entities: bool = False,
                         same_as: dict[str, int] | None = None) -> None:
        """Index designated subjects: one identity per ``subject_id`` (or per list entry).

        ``same_as`` maps ``list/list_entry_id`` to a person already indexed (a judge whose
        ``designations`` name the entry): that subject's spellings and lists go to that person,
        so a designated judge is one hit, a judge designated by these lists.
        """
        rows = frame.to_dict("records")
        has_subject = "subject_id" in frame.columns
        identity = [str(r["subject_id"]) if has_subject and _texts(r.get("subject_id"))
                    else f"{r['list']}:{r['list_entry_id']}" for r in rows]
        lists: dict[str, set[str]] = {}
        linked: dict[str, int] = {}
        for pid, r in zip(identity, rows):
            lists.setdefault(pid, set()).add(str(r["list"]))
            ref = f"{r['list']}/{r['list_entry_id']}"
            if same_as and ref in same_as:
                linked[pid] = same_as[ref]
        for pid, r in zip(identity, rows):
            subject_type = next(iter(_texts(r.get("subject_type"))), "")
            if pid in linked:
                owner = linked[pid]
                known = set(filter(None, self.people.lists[owner].split(";")))
                self.people.lists[owner] = ";".join(sorted(known | lists[pid]))
            elif subject_type != "individual" and not entities:
                continue
            else:
                owner = self._person("designated", pid, str(r["name"]), ";".join(sorted(lists[pid])), subject_type)
            self._spelling(owner, str(r["name"]), f"{r['list']}:name")
            for text in _texts(r.get("aliases")):
                self._spelling(owner, text, f"{r['list']}:alias")

    def designation_links(self, judges: pd.DataFrame) -> dict[str, int]:
        """``list/list_entry_id`` -> the indexed judge whose ``designations`` column names it."""
        if "designations" not in judges.columns:
            return {}
        return {ref: self._by_key[("judge", str(judge_id))]
                for judge_id, refs in zip(judges["judge_id"], judges["designations"]) for ref in _texts(refs)}

    def freeze(self) -> "NameIndex":
        """Build the arrays searched: distinct word keys and each spelling's words as key numbers."""
        vocab: dict[str, int] = {}
        rows = []
        for words in self._spelling_words:
            rows.append([vocab.setdefault(word_key(w), len(vocab)) for w in words])
        self.vocab = list(vocab)
        self.vocab_ending = np.array([k[-1:] for k in self.vocab])
        self.vocab_consonant_end = np.array([k[-1:] not in "aeiou" for k in self.vocab], dtype=bool)
        self.vocab_group = np.array([self.groups.get(k, -1) for k in self.vocab], dtype=np.int64)
        width = max((len(r) for r in rows), default=1)
        pad = len(self.vocab)  # a column of zeros is appended to the similarities for padding
        self.tokens = np.full((len(rows), width), pad, dtype=np.int64)
        for i, r in enumerate(rows):
            self.tokens[i, :len(r)] = r
        self.n_words = np.array([len(r) for r in rows], dtype=np.float64)
        # Patronymics of three-word spellings and bracketed words need not be matched.
        self.optional = np.zeros_like(self.tokens, dtype=bool)
        for i, words in enumerate(self._spelling_words):
            for j in self._bracketed[i]:  # "Andreyeva (Bakhvalava)": either surname will do
                self.optional[i, j] = True
            if len(words) >= 3:
                for j, w in enumerate(words):
                    if _PATRONYMIC.search(w) and 0 < j:
                        self.optional[i, j] = True
                        break
        self.owner = np.array(self.spelling_owner, dtype=np.int64)
        # How many people spell a word with each key: common given names and patronymics say
        # little about who is meant, a rare surname says much (inverse document frequency).
        holders: list[set[int]] = [set() for _ in self.vocab]
        for owner, row in zip(self.spelling_owner, rows):
            for k in row:
                holders[k].add(owner)
        self.key_people = {k: len(h) for k, h in zip(self.vocab, holders)}
        self.kind = np.array(self.people.kind)
        self.spelling_kind = self.kind[self.owner] if len(self.owner) else np.array([], dtype=str)
        listed = np.array([bool(lists) for lists in self.people.lists], dtype=bool)
        self.spelling_listed = listed[self.owner] if len(self.owner) else np.array([], dtype=bool)
        self.normalised = [_normalise(t) for t in self.spelling_text]
        self.cyrillic = np.array([_has_cyrillic(t) for t in self.spelling_text], dtype=bool)
        return self

    # ---- searching ---------------------------------------------------------------------------
    def _word_similarities(self, query_words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """For each query word: similarity (0-100) to every key, and whether the given-name table gave it."""
        from rapidfuzz import fuzz, process

        sims = np.zeros((len(query_words), len(self.vocab) + 1), dtype=np.float64)
        by_name = np.zeros_like(sims, dtype=bool)
        for i, word in enumerate(query_words):
            for n, key in enumerate(word_keys(word)):
                cost = STRIPPED_ENDING_COST if n else 0.0
                if len(key) <= EXACT_ONLY_LENGTH:
                    row = np.array([100.0 if k == key else 0.0 for k in self.vocab])
                else:
                    row = process.cdist([key], self.vocab, scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF,
                                        dtype=np.float32, workers=1)[0].astype(np.float64)
                # A final -a on one word where the other ends in a consonant is usually the other
                # sex's form of the name (Aliaksandr/Aliaksandra, Valiantsin/Valiantsina): another person.
                other_sex = (self.vocab_ending == "a") & (key[-1] not in "aeiou") \
                    | (key[-1] == "a") & self.vocab_consonant_end
                row = np.where((row < 100.0) & other_sex, row * GENDER_ENDING_FACTOR, row)
                row = np.where(row > 0, row - cost, 0.0)
                group = self.groups.get(key, -1)
                if group >= 0:
                    # Two different known given names (Aliaksandr, Aliaksei) are not spellings of one.
                    row = np.where((self.vocab_group >= 0) & (self.vocab_group != group), 0.0, row)
                    same = self.vocab_group == group
                    by_name[i, :-1] |= same & (row < 100.0 - cost)
                    row = np.where(same, np.maximum(row, 100.0 - cost), row)
                sims[i, :-1] = np.maximum(sims[i, :-1], row)
        return sims, by_name

    def search(self, query: str, *, kinds=KINDS, limit: int | None = 10, min_score: float = MIN_SCORE,
               exclude: set[int] | frozenset[int] = frozenset()) -> pd.DataFrame:
        """People matching ``query``, best first (see :func:`find`). ``exclude``: spelling numbers to ignore."""
        words, bracketed = _query_words(query)
        sims, by_name = self._word_similarities(words)
        # Only spellings sharing some similar word can score; the rest stay at 0 (speed).
        near = sims.max(axis=0) > 0
        candidates = np.flatnonzero(near[self.tokens].any(axis=1))
        tokens = self.tokens[candidates]
        per_word = sims[:, tokens]                            # (query words, candidates, spelling words)
        best = per_word.max(axis=2)                            # each query word's best word of each spelling
        weights = self._weights(words)[:, None] * np.ones_like(best)
        if len(words) >= 3:  # a patronymic the spelling lacks is not held against it
            lacks_patronymic = ~self.optional[candidates].any(axis=1)  # another patronymic is
            for i, word in enumerate(words[1:], start=1):
                if _PATRONYMIC.search(word):
                    weights[i] = np.where((best[i] < MATCHED_WORD) & lacks_patronymic, 0.0, weights[i])
                    break
        for i in np.flatnonzero(bracketed):  # a bracketed word (another surname) may be missing
            weights[i] = np.where(best[i] < MATCHED_WORD, 0.0, weights[i])
        query_score = (weights * _sharpen(best)).sum(axis=0) / np.maximum(weights.sum(axis=0), 1e-9)
        # A spelling's word is matched when it is some query word's best match (one each, so
        # "Ivanou" does not also cover the "Ivan" of "Ivan Ivanou").
        matched = np.zeros(tokens.shape, dtype=bool)          # (candidates, spelling words)
        rows = np.arange(len(candidates))
        for i, best_word in enumerate(per_word.argmax(axis=2)):
            matched[rows, best_word] |= best[i] >= MATCHED_WORD
        required = ~self.optional[candidates] & (tokens < len(self.vocab))
        covered = (matched & required).sum(axis=1) / np.maximum(required.sum(axis=1), 1)
        score = np.zeros(len(self.tokens))
        score[candidates] = query_score * (0.9 + 0.1 * covered)
        wanted = np.isin(self.spelling_kind, list(kinds))
        if "designated" in kinds:  # a judge on a sanctions list is also a designated person
            wanted |= self.spelling_listed
        score = np.where(wanted, score, 0.0)
        if exclude:
            score[list(exclude)] = 0.0
        keep = np.flatnonzero(score >= min_score)
        # Best spelling per person: sort by score, keep each owner's first.
        wanted_text = _normalise(query)
        verbatim = np.array([self.normalised[k] == wanted_text for k in keep], dtype=bool)
        same_script = self.cyrillic[keep] == _has_cyrillic(query)
        # Ties go to the spelling typed verbatim, then to one in the query's script.
        order = keep[np.lexsort((keep, ~same_script, ~verbatim, -np.round(score[keep], 6)))]
        _, first = np.unique(self.owner[order], return_index=True)
        hits = order[np.sort(first)]
        if len(hits):
            typed = np.array([self.normalised[h] == wanted_text for h in hits], dtype=bool)
            names = np.array([self.people.name[self.owner[h]] for h in hits], dtype=object).astype(str)
            hits = hits[np.lexsort((names, ~typed, -np.round(score[hits], 6)))]
        if limit is not None:
            hits = hits[:max(int(limit), 0)]
        rows = [self._row(h, float(score[h]), query, words, sims, by_name, sims[:, self.tokens[h]]) for h in hits]
        found = pd.DataFrame(rows, columns=COLUMNS)
        found["score"] = found["score"].astype("float64").round(1)
        found.attrs = {"query": query}
        return found

    def _weights(self, words: list[str]) -> np.ndarray:
        """Each query word's weight: log(1 + people / (1 + people spelling a word with its key))."""
        people = len(self.people.id)
        return np.array([np.log1p(people / (1 + self.key_people.get(word_key(w), 0))) for w in words])

    def _row(self, spelling: int, score: float, query: str, words: list[str], sims, by_name, per_word) -> dict:
        owner = int(self.owner[spelling])
        return {"kind": self.people.kind[owner], "id": self.people.id[owner], "name": self.people.name[owner],
                "score": score, "matched": self.spelling_text[spelling],
                "why": self._why(spelling, query, words, by_name, per_word),
                "lists": self.people.lists[owner], "subject_type": self.people.subject_type[owner]}

    def _why(self, spelling: int, query: str, words: list[str], by_name, per_word) -> str:
        """How the query met this spelling: exact, alias, transliteration, given-name, order, partial, fuzzy."""
        if _normalise(query) == self.normalised[spelling]:
            return "exact" if self.spelling_field[spelling].endswith("name") else "alias"
        reasons = []
        spelled = self._spelling_words[spelling]
        field_name = self.spelling_field[spelling]
        if not field_name.endswith("name"):
            reasons.append("alias")
        if _has_cyrillic(query) != _has_cyrillic(self.spelling_text[spelling]):
            reasons.append("transliteration")
        positions = []
        for i, word in enumerate(words):
            j = int(per_word[i].argmax())
            if per_word[i, j] <= 0:
                continue
            positions.append(j)
            if j < len(spelled) and spelled[j] != word:
                if by_name[i, self.tokens[spelling, j]]:
                    reasons.append("given-name")
                elif per_word[i, j] >= 100.0 - STRIPPED_ENDING_COST:
                    reasons.append("transliteration")
                else:
                    reasons.append("fuzzy")
        if positions != sorted(positions):
            reasons.append("order")
        if any(j not in positions for j in range(len(spelled))):
            reasons.append("partial")  # words of the spelling left out: surname only, no patronymic
        # Nothing else differs: the same words, written with other diacritics or punctuation.
        return ";".join(dict.fromkeys(reasons)) or "transliteration"


def _sharpen(similarity: np.ndarray) -> np.ndarray:
    """Word similarity as credit: the spelling rules already make true variants equal, so each
    point a word falls short of its match costs double (90 -> 80, 80 -> 60)."""
    return np.clip(100.0 - SHORTFALL_COST * (100.0 - similarity), 0.0, 100.0)


def _has_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _words_and_bracketed(text: str) -> tuple[list[str], set[int]]:
    """The Latin words of ``text`` and which of them stand in brackets ("Andreyeva (Bakhvalava)")."""
    words: list[str] = []
    inside: set[int] = set()
    start = 0
    for m in _BRACKETS.finditer(text):
        words += latin_words(text[start:m.start()])
        inner = latin_words(m.group(1))
        inside.update(range(len(words), len(words) + len(inner)))
        words += inner
        start = m.end()
    return words + latin_words(text[start:]), inside


def _query_words(query: object) -> tuple[list[str], list[bool]]:
    """The usable words of a query and whether each was in brackets, or QueryError saying why none."""
    if not isinstance(query, str):
        raise QueryError(f"a query is text, not {type(query).__name__}")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(query)} characters; at most {MAX_QUERY_CHARS}): give a name")
    words, inside = _words_and_bracketed(query)
    if sum(len(w) for w in words) < MIN_QUERY_LETTERS:
        raise QueryError(f"query too short: '{clean(query)[:40]}' has fewer than {MIN_QUERY_LETTERS} letters "
                         "(after transliteration); give at least a surname")
    kept = [i for i, w in enumerate(words) if len(w) > 1] or list(range(len(words)))  # initials rank nothing
    return [words[i] for i in kept], [i in inside for i in kept]


def index_from_tables(prisoners: pd.DataFrame, designations: pd.DataFrame, judges: pd.DataFrame | None = None,
                      *, entities: bool = False, given_names: bool = True) -> NameIndex:
    """A searchable index of these tables (the benchmark and tests build their own).

    ``given_names=False`` leaves out the given-name table (the benchmark measures the rules alone).
    """
    index = NameIndex(given_names=given_names)
    index.add_people("prisoner", prisoners, "person_id")
    same_as = {}
    if judges is not None:
        index.add_people("judge", judges, "judge_id")
        same_as = index.designation_links(judges)
    index.add_designations(designations, entities=entities, same_as=same_as)
    return index.freeze()


def _index_for(root: Path | None, entities: bool) -> NameIndex:
    """The index of the data at ``root``, built once per process and per version of its files."""
    from .load import table_path

    signature = []
    for table in ("prisoners", "judges", "sanction_designations"):
        try:
            stat = table_path(table, root).stat()
            signature.append((table, stat.st_mtime_ns, stat.st_size))
        except OSError:
            signature.append((table, None, None))
    return _build_index(root, entities, tuple(signature))


@cache
def _build_index(root: Path | None, entities: bool, signature: tuple) -> NameIndex:
    from .load import load, prisoners, sanction_designations, table_names

    judges = load("judges", root=root) if "judges" in table_names(root) else None
    return index_from_tables(prisoners(root=root), sanction_designations(root=root), judges, entities=entities)


def find(query: str, *, kinds=KINDS, limit: int | None = 10, min_score: float = MIN_SCORE,
         entities: bool = False, root: str | Path | None = None) -> pd.DataFrame:
    """Everyone the data knows whose name matches ``query`` in any spelling or script, best first.

    Parameters
    ----------
    query
        A name as printed anywhere: any order (surname first too), with or without patronymic,
        Latin (Belarusian-, Russian-, Polish-, Lithuanian-based) or Cyrillic.
    kinds
        Which people: any of ``"prisoner"``, ``"judge"``, ``"designated"`` (default all).
    limit
        At most this many hits (``None``: all above ``min_score``).
    min_score
        Hits scoring below this (0-100) are left out; default ``MIN_SCORE``.
    entities
        Also search designated companies and organisations (default: individuals only).

    Returns
    -------
    pandas.DataFrame
        One row per person: ``kind``, ``id`` (person_id, judge_id, or the designated subject's
        ``subject_id``, else ``list:list_entry_id``), ``name``, ``score``, ``matched`` (the stored
        spelling that matched best), ``why`` (``;``-list of: exact, alias, transliteration,
        given-name, order, partial, fuzzy), ``lists`` (for designated subjects: the lists naming
        them), ``subject_type``. Empty (same columns) when nobody matches.

    Raises
    ------
    QueryError
        A ValueError when the query has fewer than ``MIN_QUERY_LETTERS`` letters or more than
        ``MAX_QUERY_CHARS`` characters.

    >>> find("Raman Haluza").id.iloc[0]
    'roman-galuza'
    """
    unknown = set(kinds) - set(KINDS)
    if isinstance(kinds, str) or unknown:
        raise QueryError(f"kinds must be a collection of {', '.join(KINDS)}; got {kinds!r}")
    base = None if root is None else Path(root).resolve()
    return _index_for(base, bool(entities)).search(query, kinds=tuple(kinds), limit=limit, min_score=min_score)
