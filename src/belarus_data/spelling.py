"""Spelling rules that make the romanisations of one East Slavic name meet.

A name reaches us in Belarusian or Russian Cyrillic, or romanised by Belarusian (Viasna: Siarhei
Tsikhanouski), Russian (Sergei Tikhanovsky), Polish (Siarhiej Cichanouski), Belarusian Latin
(Łacinka: Ciechanoŭski), Lithuanian (Sergejus Tichanovskis) or Scandinavian (Sjejman) habits.
:func:`word_key` reduces one word to a key in which those differences vanish, by rules that each
undo one known correspondence:

- script: Cyrillic of either language to Latin with ``unidecode``; Czech/Lithuanian/Łacinka
  hacek letters first spelled out (š -> sh, č -> ch, ž -> zh), ł -> l;
- digraphs of other languages: Polish sz, cz, rz, szcz; Scandinavian sj (before a consonant;
  elsewhere sj is s and a soft j, as in Bjaljackij), tj, zj; German sch,
  tsch; x -> ks, w -> v, ph -> f;
- Belarusian against Russian: h/g/kh (Belarusian г is h, Russian г is g, х is kh), akanye and
  yakanye (unstressed o and e written a: Kalesnikava/Kolesnikova, Bialiatski/Beliatsky: all of
  a, e, o become a), tsekanye and dzekanye (ці/дзі where Russian has ти/ди: Tsikhanouski/
  Tikhanovsky, Dzmitry/Dmitry), ў where Russian has в (-ou/-au/-ov/-ow/-ev, Navumau/Naumov: v
  before a consonant or at the end of a word becomes u) or л (Vouk/Volk: l between a vowel and
  a consonant becomes u);
- i/y/j/ii/ij/yi all one letter; the i that only marks softness before a vowel dropped
  (Maryia/Maria, Iury/Yuri/Juryj); doubled letters single (Natallia/Natalia); a final i after
  a consonant dropped (Vitaly/Vital, Dzmitry/Dmitrii); soft signs and apostrophes dropped;
- Lithuanian nominative endings (-as, -is, -us, -ius, -ys) are tried off, by :func:`word_keys`.

The keys are deliberately coarse; search ranks by how close keys are (rapidfuzz) and by how many
words agree, so a coarse key costs little precision. Given names that differ by more than these
rules (Mikita/Nikita, Volha/Olga, Zmitser/Dmitry) are data: ``given_names.csv``.
"""
from __future__ import annotations

import re
import unicodedata

# Letters whose unidecode form loses what they sound like (š -> s would meet s, not sh).
_SPELL_OUT = str.maketrans({
    "š": "sh", "Š": "sh", "č": "ch", "Č": "ch", "ž": "zh", "Ž": "zh", "ż": "zh", "Ż": "zh",
    "ł": "l", "Ł": "l", "ŭ": "u", "Ŭ": "u", "ў": "u", "Ў": "u", "ґ": "g", "Ґ": "g",
    "ß": "ss", "ø": "o", "Ø": "o",
})
# Ordered (pattern, replacement) rules, applied to a lower-case a-z word.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), r) for p, r in (
    (r"szcz|shch|sch|tsch", "sh"),  # щ (Polish, Russian-English, German) read as ш
    (r"sz|sj(?=[^aeiouy])", "sh"),  # Polish sz; Scandinavian sj before a consonant (SJVED)
    (r"cz|tj|tch", "ch"),           # Polish cz, Scandinavian tj, French tch
    (r"rz|(?<!d)zj", "zh"),         # Polish rz, Scandinavian zj (not dzj: Dzjadok is soft dz)
    (r"ph", "f"),
    (r"x", "ks"),
    (r"w", "v"),
    (r"kh|g", "h"),                 # х and г: Belarusian h, Russian g or kh
    (r"ts|tz", "c"),                # ц
    (r"[yj]", "i"),
    (r"dz(?=[^h]|$)", "d"),         # Belarusian дз where Russian has д (Dzmitry/Dmitry)
    (r"ci", "ti"),                  # Belarusian ці where Russian has ти
    (r"i+(?=[aeouy])", ""),         # softness marks before a vowel: ia, ie, io, iu, ya, ja...
    (r"[eo]", "a"),                 # akanye, yakanye
    (r"v(?=[^aeiou]|$)", "u"),      # ў where Russian has в: -ou, -au, -ov, -ev, -ow
    (r"(?<=a)l(?=[^aiul])", "u"),   # ў where Russian has л before a consonant (Vouk/Volk)
    (r"(.)\1+", r"\1"),             # doubled letters
    (r"(?<=[^aiu])i$", ""),         # Russian -ий/-ый, Belarusian -і or nothing (Vitaly/Vital)
))
# Lithuanian nominative endings, tried off the word (Babarykas, Sergejus, Tichanovskis).
_LITHUANIAN = re.compile(r"(?:ius|as|is|us|ys)$")
_NOT_LETTER = re.compile(r"[^a-z]+")
# Apostrophes (and unidecode's rendering of ь and ъ) are soft or hard signs inside a word.
_SIGNS = re.compile(r"['\"`\u2019\u02bc\u02b9\u00b4]")


def clean(text: str) -> str:
    """``text`` with control, format (bidi) and other invisible characters removed, spaces single.

    Safe to print: what is left is letters, digits, punctuation, symbols and single spaces.
    """
    kept = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "CZ":  # controls, format/bidi marks, unassigned, private use, separators
            kept.append(" ")
        else:
            kept.append(ch)
    return " ".join("".join(kept).split())


def latin_words(text: str) -> list[str]:
    """The words of ``text`` in lower-case a-z, from any script (hyphenated names split)."""
    from unidecode import unidecode

    latin = _SIGNS.sub("", unidecode(_SIGNS.sub("", unicodedata.normalize("NFC", text)).translate(_SPELL_OUT)))
    latin = latin.lower()
    return [w for w in _NOT_LETTER.split(latin) if w]


def word_key(word: str) -> str:
    """The spelling-insensitive key of one lower-case a-z word.

    >>> word_key("kalesnikava") == word_key("kolesnikova")
    True
    >>> word_key("tsikhanouski") == word_key("tikhanovsky")
    True
    """
    for pattern, replacement in _RULES:
        word = pattern.sub(replacement, word)
    return word


def word_keys(word: str) -> list[str]:
    """The key of ``word`` and, when it carries a Lithuanian ending, of the word without it."""
    keys = [word_key(word)]
    bare = _LITHUANIAN.sub("", word)
    if bare != word and len(bare) >= 3:
        keys.append(word_key(bare))
    return keys


def name_keys(text: str) -> list[str]:
    """The key of every word of a name in any script: ``name_keys("Раман Галуза")``."""
    return [word_key(w) for w in latin_words(text)]
