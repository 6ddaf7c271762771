"""Find people whatever the spelling or script: Kolesnikova, Kalesnikava, Колесникова.

Names are transliterated to Latin with ``unidecode`` (Cyrillic of either language), folded so
the usual Belarusian-, Russian- and Polish-based romanisations meet (w/v, kh/h, y/j/i, ...),
then compared word by word with ``rapidfuzz``: each word of the query scores its best match
among the words of a name, so "Kolesnikova" finds "Maryia Kalesnikava" but "Ales" does not
match inside "Kalesnikava".

This is the older, prisoners-only search, kept for its callers. :func:`belarus_data.find`
(``search.py``) searches prisoners, judges and designated people, by spelling rules
(``spelling.py``) and a given-name table, and says why each hit matched.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

MIN_SCORE = 85.0
# Spelling pairs that romanisations of the same Cyrillic letters produce; order matters.
_FOLDS = (("shch", "sh"), ("sch", "sh"), ("cz", "ch"), ("sz", "sh"), ("kh", "h"), ("ck", "k"),
          ("w", "v"), ("ts", "c"), ("tz", "c"), ("j", "i"), ("y", "i"), ("ii", "i"), ("ie", "e"),
          ("ia", "a"), ("io", "o"), ("iu", "u"), ("ł", "l"), ("ff", "f"), ("ss", "s"))


def fold(name: str) -> str:
    """A spelling-insensitive key: ``fold("Калеснікава") == fold("Kalesnikawa")``."""
    from unidecode import unidecode

    text = unidecode(name.replace("ł", "l").replace("Ł", "L")).lower()
    text = re.sub(r"[^a-z ]+", " ", text)
    for a, b in _FOLDS:
        text = text.replace(a, b)
    text = re.sub(r"ov(?=[^aeiou]|$)", "ou", text)  # Russian -ov- where Belarusian has -oŭ-
    return re.sub(r"\s+", " ", text).strip()


def _score(query_words: list[str], name_words: list[str]) -> float:
    """Mean over the query's words of each one's best similarity (0-100) to a word of the name."""
    from rapidfuzz import fuzz

    return sum(max(fuzz.ratio(q, w) for w in name_words) for q in query_words) / len(query_words)


def _variants(people: pd.DataFrame) -> tuple[list[str], list[int]]:
    keys, owners = [], []
    for pos, (name, be, ru, aliases) in enumerate(zip(people.name, people.name_be, people.name_ru, people.aliases)):
        for variant in [name, be, ru, *aliases]:
            if isinstance(variant, str) and variant:
                keys.append(fold(variant))
                owners.append(pos)
    return keys, owners


def find_person(query: str, *, root: str | Path | None = None, min_score: float = MIN_SCORE) -> pd.DataFrame:
    """People whose name or any alias matches ``query``, best match first.

    Returns the matching rows of :func:`belarus_data.prisoners` with a ``match_score`` column
    (0-100); an empty frame with the same columns when nobody matches.

    >>> find_person("Колесникова").name.tolist()[:1]
    ['Maryia Kalesnikava']
    """
    from .load import prisoners

    people = prisoners(root=root).reset_index(drop=True)
    wanted = fold(query)
    best: dict[int, float] = {}
    if wanted:
        keys, owners = _variants(people)
        words = wanted.split()
        for owner, key in zip(owners, keys):
            score = _score(words, key.split())
            if score >= min_score and score > best.get(owner, -1):
                best[owner] = float(score)
    order = sorted(best, key=lambda pos: (-best[pos], people.name.iloc[pos]))
    found = people.iloc[order].copy()
    found["match_score"] = pd.Series([best[pos] for pos in order], index=found.index, dtype="Float64")
    found.attrs = {**people.attrs, "query": query}
    return found.reset_index(drop=True)
