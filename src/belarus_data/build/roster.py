"""Read Viasna's political-prisoner roster (a JSON-lines export) into typed records.

Every text that does not fit what this module understands is returned as a
:class:`~belarus_data.errors.Problem` naming the file, line (= record), field and the record id;
nothing is dropped silently. The raw text stays available on each record.

Conventions (also in docs/design.md and the codebook):

* ``sentence_years``: years + months / 12 + days / 365, rounded to 3 decimals, when the text
  gives a term ("2 1/2 years", "1 year and 6 months", "19 months", "4 1\\2 years", "1,5 years",
  "3 месяца"); a fine, "unknown", compulsory treatment, community service or a dismissal give
  no years (no problem reported: the text parsed, it states no term); anything else, typos
  included ("1 tear", "3 minths", "4 1/2" without a unit), gives no years and is reported.
* ``penalty_kind``: one of :data:`PENALTY_KINDS`, read from the ``penalty`` text only.
* Articles: ``article(part)`` codes: the article as the Code numbers it, with its suffix
  (``342``, ``361-1``: article 361-1 is an article of its own, not a part of 361), then the part
  in brackets when the text gives one (``293(2)``: part 2 of article 293; ``361-1(1)``). The two
  never look alike: "Art. 342-2" is ``342-2`` and "Part 2 of Art. 342" is ``342(2)``. A point
  ("p. 5 of Part 2") is dropped, as the code has no place for it; "Part 1 of Article 13 and
  Article 293" is a preparation of 293 and "Part 1 of Art. 14 and Part 2 of Art. 357" an
  attempt of 357(2): the code (``293``, ``357(2)``) goes into the articles and into
  ``articles_prepared`` / ``articles_attempted``.
* Judges: the ``judge`` text split at commas; Latin words are the name, Cyrillic words in the
  same item are other spellings; an item of initials only ("G.") names nobody and is reported.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem

STATUSES = {"active": "held", "former": "released", "np": "not_recognised"}
GENDERS = ("female", "male")
PENALTY_KINDS = {
    "imprisonment in a general-security penal colony": "general_security_colony",
    "imprisonment in a medium-security penal colony": "medium_security_colony",
    "imprisonment in a maximum-security penal colony": "maximum_security_colony",
    "imprisonment in a juvenile penal colony": "juvenile_colony",
    "imprisonment in a high security prison": "high_security_prison",
    "imprisonment in a maximum security prison": "maximum_security_prison",
    'restricted freedom in an open penal facility ("khimiya")': "restricted_freedom_open_facility",
    'restricted freedom under home confinement ("domashnyaya khimiya")': "restricted_freedom_home",
    "arrest": "arrest",
    "fine": "fine",
    "suspended imprisonment": "suspended_imprisonment",
    "compulsory psychiatric treatment": "compulsory_psychiatric_treatment",
    "compulsory measures of educational character (for minors)": "educational_measures",
}
MIN_BIRTH_YEAR = 1900
MIN_AGE = 14  # the youngest age of criminal responsibility in Belarus: a later birth year is impossible
ROLE_PATTERNS = (  # only what the description states; checked in this order
    ("human_rights_defender", r"human rights (?:defender|activist)"),
    ("journalist", r"\bjournalist|\breporter\b"),
    ("blogger", r"\bblogger\b"),
    ("politician", r"\bpolitician\b|presidential candidate"),
    ("activist", r"(?<!human rights )\bactivist\b"),
    ("trade_unionist", r"\btrade union\b"),
    ("lawyer", r"\blawyer\b"),
    ("student", r"\bstudent\b"),  # former students are removed first (_FORMER)
    ("religious_figure", r"\bpriest\b|\bpastor\b"),
    ("cultural_figure", r"\bpoet\b|\bwriter\b|\bmusician\b"),
)

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10}
_UNIT = {"year": 1.0, "years": 1.0, "month": 1 / 12, "months": 1 / 12, "месяц": 1 / 12,
         "месяца": 1 / 12, "месяцев": 1 / 12, "day": 1 / 365, "days": 1 / 365}
_TERM = re.compile(r"(\d+(?:[.,]\d+)?|" + "|".join(_NUMBER_WORDS) + r")(?:\s+(\d+)\s*[/\\]\s*(\d+))?\s+("
                   + "|".join(sorted(_UNIT, key=len, reverse=True)) + r")\b")
_TERMS = re.compile(rf"{_TERM.pattern}(?:(?:,\s*|\s+and\s+|,\s*and\s+){_TERM.pattern})*")
_FINE = r"\d[\d.,]*\s+(?:base rates?|base values?|basic values?|(?:belarusian )?rubles)"
_EXTRAS = (  # parts of a sentence text beside the term, stated and understood
    re.compile(r",\s*fine of [\d.,]+ rubles$"),
    re.compile(rf"^{_FINE},\s*"),
    re.compile(r"\s+(?:of arrest of|with serving in) the guardhouse of the military commandant's office$"),
)
NO_TERM = {  # texts that parse but state no term of years: (what, pattern)
    "fine": re.compile(rf"^{_FINE}$"),
    "unknown": re.compile(r"^(?:unknown|result unknown|the outcome of the trial is unknown)$"),
    "treatment": re.compile(r"^(?:coercive|compulsory)\b.*\btreatment\b.*$"),
    "community_service": re.compile(r"^.*\bcommunity[ -]service\b.*$"),
    "no_penalty": re.compile(r"^(?:charges dismissed|release from .*statute of limitations)$"),
}
_ARTICLE = r"(?:Art\.|Article|art\.)\s*(\d+(?:-\d+)?)"
_TAIL = r"(?:\s+of the Criminal [Cc]ode)?"
_PLAIN = re.compile(rf"(?:[pP]\.\s*(\d+) of )?(?:Part (\d+) of )?{_ARTICLE}{_TAIL}")
_INCHOATE = re.compile(rf"Part \d+ of {_ARTICLE} and (?:Part (\d+) of )?{_ARTICLE}{_TAIL}")
_INCHOATE_KIND = {"13": "prepared", "14": "attempted"}
# Anonymised people whom Viasna lists under a description instead of a name ("Citizen K.").
PLACEHOLDER_NAME = re.compile(r"^(?:an? )?(?:citizen|resident|defendant|guarantor|convicted)\b", re.IGNORECASE)
_FORMER = re.compile(r"\b(?:former|ex-?)\s*(?:[\w.]+\s+)?student\b")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


@dataclass
class Article:
    """One charge: the code and whether it was charged as an attempt or a preparation."""

    code: str
    attempted: bool = False
    prepared: bool = False


@dataclass
class Judge:
    """A judge as one roster item names them: Viasna's Latin spelling and other spellings."""

    name: str
    other_spellings: list[str] = field(default_factory=list)


@dataclass
class RosterRecord:
    """One record of the roster, typed; ``raw`` keeps the record as read."""

    record_id: int
    line: int
    url: str
    name: str
    status: str | None
    gender: str | None
    roles: list[str]
    birth_year: int | None
    detained_on: str | None
    sentenced_on: str | None
    appeal_decided_on: str | None
    released_on: str | None
    articles: list[Article]
    sentence_text: str
    sentence_years: float | None
    penalty_kind: str | None
    institution: str
    judges: list[Judge]
    raw: dict


def format_years(value: float | None) -> str:
    """The written form of a number of years: at most 3 decimals, no trailing zeros ("2.5", "16")."""
    if value is None:
        return ""
    return f"{value:.3f}".rstrip("0").rstrip(".")


def parse_sentence(text: str) -> tuple[float | None, str | None]:
    """(years, None) for a term; (None, None) for a text stating no term; (None, why) otherwise.

    >>> parse_sentence("1 year and 6 months")
    (1.5, None)
    >>> parse_sentence("150 base rates")
    (None, None)
    >>> parse_sentence("1 tear")[1]
    "no term of years, months or days understood in '1 tear'"
    """
    clean = " ".join(text.split())
    if not clean:
        return None, None
    lower = clean.lower()
    if any(p.match(lower) for p in NO_TERM.values()):
        return None, None
    for extra in _EXTRAS:
        lower = extra.sub("", lower)
    if not _TERMS.fullmatch(lower):
        return None, f"no term of years, months or days understood in {clean!r}"
    years = 0.0
    for number, num, den, unit in _TERM.findall(lower):
        value = _NUMBER_WORDS.get(number) or float(number.replace(",", "."))
        if num:
            value += int(num) / int(den)
        years += value * _UNIT[unit]
    return round(years, 3), None


def penalty_kind(text: str) -> tuple[str | None, str | None]:
    """(kind, None), or (None, why) for a penalty text not in :data:`PENALTY_KINDS`."""
    clean = " ".join(text.split())
    if not clean:
        return None, None
    kind = PENALTY_KINDS.get(clean)
    return (kind, None) if kind else (None, f"penalty {clean!r} is not a known kind")


def article_code(article: str, part: str | None) -> str:
    """``article`` (``342``, ``361-1``) with ``part`` in brackets when there is one: ``342(2)``."""
    return f"{article}({part})" if part else article


def parse_article(text: str) -> tuple[Article | None, str | None]:
    """One article text -> (Article, remark or None); (None, why) when it does not parse.

    >>> parse_article("Part 2 of Art. 293 of the Criminal Code — Participation in riots")[0]
    Article(code='293(2)', attempted=False, prepared=False)
    >>> parse_article("Art. 342-2 of the Criminal Code — Repeated violation")[0]
    Article(code='342-2', attempted=False, prepared=False)
    >>> parse_article("Part 1 of Article 13 and Article 293 of the Criminal Code — Preparation")[0]
    Article(code='293', attempted=False, prepared=True)
    """
    head = re.split(r"\s+[—–-]+\s+|:\s", " ".join(text.split()), maxsplit=1)[0]
    m = _INCHOATE.fullmatch(head)
    if m and m.group(1) in _INCHOATE_KIND:
        code = article_code(m.group(3), m.group(2))
        return Article(code, **{_INCHOATE_KIND[m.group(1)]: True}), None
    m = _PLAIN.fullmatch(head)
    if not m:
        return None, f"article text {text!r} not understood"
    point, part, article = m.groups()
    code = article_code(article, part)
    if point and not part:  # "P. 2 of Art. 424": a point or a part? Keep the article only.
        return Article(article), f"{head!r}: 'P. {point}' may be a point or a part; kept article {article} only"
    return Article(code), None


def parse_judges(text: str) -> tuple[list[Judge], list[str]]:
    """The judges an item list names, and a remark for each item that names nobody."""
    judges, remarks = [], []
    for item in (i.strip() for i in text.split(",")):
        if not item:
            continue
        words = item.split()
        latin = [w for w in words if not _CYRILLIC.search(w)]
        cyrillic = [w for w in words if _CYRILLIC.search(w)]
        if not latin or all(re.fullmatch(r"\w\.", w) for w in latin):
            remarks.append(f"judge {item!r} names nobody (initials only)")
            continue
        others = [" ".join(cyrillic[i:i + 2]) for i in range(0, len(cyrillic), 2)]
        judges.append(Judge(" ".join(latin), others))
    return judges, remarks


def roles(description: str) -> list[str]:
    """Roles the description states outright, in :data:`ROLE_PATTERNS` order."""
    text = _FORMER.sub("", description.lower())
    return [role for role, pattern in ROLE_PATTERNS if re.search(pattern, text)]


def _date(value: str) -> str | None:
    return value if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value or "") else None


def read_roster(path: Path, label: str | None = None) -> tuple[list[RosterRecord], list[Problem]]:
    """Every record of the roster at ``path``, typed, and every problem met.

    Records without a name (anonymised) are not returned; each is reported (rule ``anonymised``).
    Records naming a person only by a description ("Citizen K.", "Resident of Vitebsk") are
    returned, as the distinct people they are, and reported (rule ``placeholder_name``).
    """
    label = label or str(path)
    records, problems = [], []
    with open(path, encoding="utf-8") as f:
        for line, text in enumerate(f, start=1):
            if not text.strip():
                continue
            try:
                raw = json.loads(text)
            except json.JSONDecodeError as e:
                problems.append(Problem(label, line, None, "json", f"not a JSON object: {e}"))
                continue
            record, found = _record(raw, line, label)
            problems += found
            if record is not None:
                records.append(record)
    return records, problems


def _record(raw: dict, line: int, label: str) -> tuple[RosterRecord | None, list[Problem]]:
    rid = raw.get("id")
    problems: list[Problem] = []

    def report(column: str, rule: str, message: str) -> None:
        problems.append(Problem(label, line, column, rule, f"record {rid}: {message}"))

    if not isinstance(rid, int):
        report("id", "record_id", f"id {rid!r} is not an integer")
        return None, problems
    name = " ".join(str(raw.get("name", "")).split())
    if not name:
        report("name", "anonymised", "no name (anonymised record); not a prisoners row")
        return None, problems
    if PLACEHOLDER_NAME.match(name):
        report("name", "placeholder_name", f"Viasna gives no name, only {name!r}; kept as a person row with a note")
    status = STATUSES.get(raw.get("status", ""))
    if status is None:
        report("status", "status", f"status {raw.get('status')!r} is not one of {sorted(STATUSES)}")
    gender = raw.get("gender") or None
    if gender is not None and gender not in GENDERS:
        report("gender", "gender", f"gender {gender!r} is not one of {GENDERS}")
        gender = None
    dates = {}
    for column, key in (("detained_on", "arrested"), ("sentenced_on", "verdict_date"),
                        ("appeal_decided_on", "appeal_date"), ("released_on", "release_date")):
        value = raw.get(key, "")
        dates[column] = _date(value)
        if value and dates[column] is None:
            report(key, "date", f"{value!r} is not a date yyyy-mm-dd")
    for later, earlier in (("sentenced_on", "detained_on"), ("appeal_decided_on", "sentenced_on"),
                           ("released_on", "detained_on")):
        if dates[later] and dates[earlier] and dates[later] < dates[earlier]:
            report(later, "date_order", f"{later} {dates[later]} is before {earlier} {dates[earlier]}; "
                   f"{later} left empty, the roster's value kept in prisoner_facts")
            dates[later] = None
    birth_year = None
    raw_year = str(raw.get("birth_year", "") or "")
    if raw_year:
        latest = int((raw.get("arrested") or "2023")[:4]) - MIN_AGE
        if raw_year.isdigit() and MIN_BIRTH_YEAR <= int(raw_year) <= latest:
            birth_year = int(raw_year)
        else:
            report("birth_year", "birth_year", f"birth year {raw_year!r} is impossible (not between "
                   f"{MIN_BIRTH_YEAR} and {latest}); left empty, kept in prisoner_facts")
    articles = []
    for text in raw.get("articles") or []:
        article, remark = parse_article(text)
        if article is not None:
            articles.append(article)
        if remark:
            report("articles", "article", remark)
    sentence_text = " ".join(str(raw.get("decision", "")).split())
    years, remark = parse_sentence(sentence_text)
    if remark:
        report("decision", "sentence", remark)
    kind, remark = penalty_kind(str(raw.get("penalty", "")))
    if remark:
        report("penalty", "penalty", remark)
    judges, remarks = parse_judges(str(raw.get("judge", "")))
    for remark in remarks:
        report("judge", "judge", remark)
    record = RosterRecord(
        record_id=rid, line=line, url=str(raw.get("url", "")).strip(), name=name, status=status,
        gender=gender, roles=roles(str(raw.get("description", ""))), birth_year=birth_year,
        articles=articles, sentence_text=sentence_text, sentence_years=years, penalty_kind=kind,
        institution=" ".join(str(raw.get("prison", "")).split()), judges=judges, raw=raw, **dates)
    return record, problems
