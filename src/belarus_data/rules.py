"""The catalogue of validation rules, and the checks that span rows or tables.

Every problem the validator or the loader reports carries the ``code`` of one :class:`Rule` in
:data:`RULES`, as frictionless models its errors: a code, a title, a description, a severity
(``error`` fails validation; ``warning`` is reported but passes) and, for the rules checked
after the files are read, a check function ``(tables, schemas) -> list[Problem]`` over the typed
frames the loader returns. Rules without a check are checked while each file is read
(``_read.py``), or on the descriptor and citation (``validate.py``).

Registering a rule is one line: ``register("code", check)`` (title and description come from
the function's docstring), or the plain entry ``RULES["code"] = (check, ("table", ...))`` with
the tables the check needs. The README's and docs' rule lists are generated from this catalogue
(``belarus-data rules``); a test fails when they are stale.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from ._read import FIRST_DATA_ROW, FORMULA_START  # noqa: F401 (export.py imports it from here)
from .errors import Problem
from .ids import REDIRECTS, stable_ids
from .load import LIST_JURISDICTION  # each official list belongs to one jurisdiction of `sanctions`
from .schema import TABLES as PACKAGE_TABLES
from .schema import TableSchema

Tables = dict[str, pd.DataFrame]
TODAY = date.today


def _label(table: str) -> str:
    return f"datasets/{table}.csv"


def _row(index: object) -> int:
    return int(index) + FIRST_DATA_ROW


def foreign_keys(tables: Tables, schemas: dict[str, TableSchema]) -> list[Problem]:
    """Every reference resolves, including each item of a ``;``-list."""
    problems = []
    for name, frame in tables.items():
        for f, ref in schemas[name].references:
            if ref.resource not in tables:
                continue
            keys = set(tables[ref.resource][ref.field].dropna())
            values = frame[f.name].explode() if f.is_list else frame[f.name]
            values = values.dropna()
            for i, v in values[~values.isin(keys)].items():
                problems.append(Problem(_label(name), _row(i), f.name, "foreign_key",
                                        f"'{v}' is not a {ref.field} in {ref.resource}.csv"))
    return problems


def sources_cited(tables: Tables, schemas: dict[str, TableSchema]) -> list[Problem]:
    """Every source is cited by at least one row of another table."""
    cited: set[str] = set()
    for name, frame in tables.items():
        for f, ref in schemas[name].references:
            if ref.resource == "sources":
                cited.update((frame[f.name].explode() if f.is_list else frame[f.name]).dropna())
    src = tables["sources"]
    return [Problem(_label("sources"), _row(i), "source_id", "uncited_source",
                    f"source '{v}' is cited by no row; cite it or remove it")
            for i, v in src["source_id"][~src["source_id"].isin(cited)].items()]


def no_future_dates(tables: Tables, schemas: dict[str, TableSchema]) -> list[Problem]:
    """Nothing is dated after today."""
    today = pd.Timestamp(TODAY())
    problems = []
    for name, frame in tables.items():
        for f in schemas[name].fields:
            if f.type == "date":
                late = frame[f.name] > today
                problems += [Problem(_label(name), _row(i), f.name, "future_date",
                                     f"{v:%Y-%m-%d} is after today") for i, v in frame[f.name][late].items()]
    return problems


def dates_in_order(tables: Tables, schemas: dict[str, TableSchema]) -> list[Problem]:
    """detained_on <= sentenced_on <= the date of each release the person is linked to."""
    people, links, events = tables["prisoners"], tables["prisoner_releases"], tables["releases"]
    problems = [Problem(_label("prisoners"), _row(i), "sentenced_on", "date_order",
                        f"sentenced on {r.sentenced_on:%Y-%m-%d}, before being detained on {r.detained_on:%Y-%m-%d}")
                for i, r in people[people.sentenced_on < people.detained_on].iterrows()]
    joined = links.reset_index().merge(people[["person_id", "detained_on", "sentenced_on"]], on="person_id") \
        .merge(events[["release_id", "date"]], on="release_id")
    for column in ("detained_on", "sentenced_on"):
        early = joined[joined["date"] < joined[column]]
        problems += [Problem(_label("prisoner_releases"), _row(r["index"]), "release_id", "date_order",
                             f"release {r.release_id} is dated before the person's {column} ({r[column]:%Y-%m-%d})")
                     for _, r in early.iterrows()]
    return problems


def people_within_total(tables: Tables, schemas: dict[str, TableSchema]) -> list[Problem]:
    """A release never has more linked people than its released_total."""
    events = tables["releases"].drop_duplicates("release_id")  # duplicates: the key check reports them
    linked = tables["prisoner_releases"].groupby("release_id", observed=True).size()
    totals = events.set_index("release_id").released_total
    problems = []
    for index, event in events.iterrows():
        n = int(linked.get(event.release_id, 0))
        if pd.notna(event.released_total) and n > event.released_total:
            problems.append(Problem(_label("releases"), _row(index), "released_total", "people_within_total",
                                    f"{n} people are linked to release {event.release_id}, "
                                    f"more than its released_total {totals[event.release_id]}"))
    return problems


def best_figure_reported(tables: Tables, schemas: dict[str, TableSchema]) -> list[Problem]:
    """A release's released_total, political_prisoners and foreign_nationals are reported figures."""
    figures = tables["release_figures"]
    reported = set(zip(figures.release_id, figures.measure.astype("string"), figures.value))
    problems = []
    for i, r in tables["releases"].iterrows():
        for measure in ("released_total", "political_prisoners", "foreign_nationals"):
            value = r[measure]
            if pd.notna(value) and (r.release_id, measure, value) not in reported:
                problems.append(Problem(_label("releases"), _row(i), measure, "best_figure_reported",
                                        f"{value} is not among release_figures' {measure} values for {r.release_id}; "
                                        "add the figure with who reported it"))
    return problems


HEADLINE_FIELDS = ("detained_on", "sentenced_on", "sentence_years", "criminal_code_articles", "birth_year")


def _as_fact_value(value: object) -> str | None:
    """A typed prisoners cell written as prisoner_facts writes values (None when empty)."""
    if isinstance(value, list):
        return ";".join(value) or None
    if value is None or pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(value)


def headline_reported(tables: Tables, schemas: dict[str, TableSchema]) -> list[Problem]:
    """A person's headline detained_on, sentenced_on, sentence_years, articles and birth_year are
    each a value that some source reported (a prisoner_facts row), as best_figure_reported
    requires of releases."""
    facts = tables["prisoner_facts"]
    reported = set(zip(facts.person_id, facts.field.astype("string"), facts.value))
    problems = []
    people = tables["prisoners"]
    for column in HEADLINE_FIELDS:
        for i, person_id, value in zip(people.index, people.person_id, people[column]):
            text = _as_fact_value(value)
            if text is not None and (person_id, column, text) not in reported:
                problems.append(Problem(_label("prisoners"), _row(i), column, "headline_reported",
                                        f"'{text}' is not among prisoner_facts' {column} values for {person_id}; "
                                        "add the statement with its source"))
    return problems


def designations_resolve(tables: Tables, schemas: dict[str, TableSchema]) -> list[Problem]:
    """Each item of judges.designations (`list/list_entry_id`) is a row of sanction_designations."""
    known = {f"{a}/{b}" for a, b in zip(tables["sanction_designations"]["list"].astype("string"),
                                         tables["sanction_designations"].list_entry_id)}
    judges = tables["judges"]
    items = judges.designations.explode().dropna()
    return [Problem(_label("judges"), _row(i), "designations", "foreign_key",
                    f"'{v}' is not a list/list_entry_id in sanction_designations.csv")
            for i, v in items[~items.isin(known)].items()]


def row_bounds(tables: Tables, schemas: dict[str, TableSchema]) -> list[Problem]:
    """Each table keeps at least the rows its schema declares (x-minRows), so a change that
    loses rows by mistake fails instead of shipping a smaller dataset."""
    return [Problem(_label(name), None, None, "row_bounds",
                    f"{len(frame)} rows, fewer than the {schemas[name].min_rows} that {schemas[name].path.name} "
                    "declares (x-minRows); if rows were removed on purpose, lower the bound")
            for name, frame in tables.items()
            if schemas[name].min_rows is not None and len(frame) < schemas[name].min_rows]


def fact_sources_valid(tables: Tables, schemas: dict[str, TableSchema]) -> list[Problem]:
    """Each fact_sources row names a row that exists, one of that table's declared key facts
    (``x-keyFacts``) holding a value, and a source that the row itself cites."""
    facts = tables["fact_sources"]
    problems = []
    rows_by_table: dict[str, dict[str, pd.Series]] = {}
    for i, fact in facts.iterrows():
        def problem(column: str, message: str) -> None:
            problems.append(Problem(_label("fact_sources"), _row(i), column, "fact_source", message))
        schema = schemas.get(fact.table)
        if schema is None or fact.table not in tables:
            problem("table", f"'{fact.table}' is not a table of the package")
            continue
        if "source_ids" not in schema.columns:
            problem("table", f"{fact.table} has no source_ids; each of its rows has one source already")
            continue
        if fact.field not in schema.key_facts:
            declared = ", ".join(schema.key_facts) or "none"
            problem("field", f"'{fact.field}' is not a key fact of {fact.table} (its x-keyFacts: {declared})")
            continue
        if fact.table not in rows_by_table:
            frame = tables[fact.table]
            rows_by_table[fact.table] = dict(zip(schema.row_keys(frame), (r for _, r in frame.iterrows())))
        row = rows_by_table[fact.table].get(fact.row_key)
        if row is None:
            problem("row_key", f"no row of {fact.table}.csv has the key '{fact.row_key}'")
            continue
        value = row[fact.field]
        if value is None or (isinstance(value, list) and not value) or (not isinstance(value, list) and pd.isna(value)):
            problem("field", f"{fact.field} of {fact.table} row '{fact.row_key}' is empty; a source cannot state an unknown")
        if fact.source_id not in row["source_ids"]:
            problem("source_id", f"'{fact.source_id}' is not among the source_ids of {fact.table} row '{fact.row_key}'")
    return problems


def key_facts_declared(tables: Tables, schemas: dict[str, TableSchema]) -> list[Problem]:
    """x-keyFacts names columns of its own table (a typo would silently exempt a fact)."""
    return [Problem(f"schemas/{name}.json", None, None, "key_facts",
                    f"x-keyFacts names '{column}', which is not a column of {name}")
            for name, schema in schemas.items() for column in schema.key_facts if column not in schema.columns]


def inferred_links_explained(tables: Tables, schemas: dict[str, TableSchema]) -> list[Problem]:
    """A person-release link that no source states outright says in notes why it was made."""
    links = tables["prisoner_releases"]
    bare = links[(links.link_basis == "inferred") & (links.notes.isna() | (links.notes.str.strip() == ""))]
    return [Problem(_label("prisoner_releases"), _row(i), "notes", "inferred_link",
                    f"the link of {r.person_id} to {r.release_id} is inferred; say in notes from what")
            for i, r in bare.iterrows()]


def overlaps_consistent(tables: Tables, schemas: dict[str, TableSchema]) -> list[Problem]:
    """A release overlaps an earlier release (never itself or a later one), by no more people than
    either counts; a count of overlapping people needs the release it overlaps; and a person linked
    to two releases makes the later one declare that it overlaps the earlier."""
    events = tables["releases"].drop_duplicates("release_id")
    by_id = events.set_index("release_id")
    problems = []

    def problem(index: object, column: str, message: str) -> None:
        problems.append(Problem(_label("releases"), _row(index), column, "overlap", message))

    for i, r in events.iterrows():
        other = r.overlaps_release_id
        if pd.isna(other):
            if pd.notna(r.overlap_count):
                problem(i, "overlap_count", "an overlap_count needs the overlaps_release_id it refers to")
            continue
        if other not in by_id.index:
            continue  # the foreign-key rule reports it
        if other == r.release_id or by_id.loc[other, "date"] > r.date:
            problem(i, "overlaps_release_id", f"{r.release_id} can only overlap an earlier release, not {other}")
        if pd.notna(r.overlap_count):
            for total in (r.released_total, by_id.loc[other, "released_total"]):
                if pd.notna(total) and r.overlap_count > total:
                    problem(i, "overlap_count", f"{r.overlap_count} overlapping people exceed a released_total ({total})")
    if "prisoner_releases" in tables:
        links = tables["prisoner_releases"].merge(events[["release_id", "date"]], on="release_id")
        for person, group in links.groupby("person_id", observed=True):
            ordered = group.sort_values("date")
            for earlier, later in zip(ordered.release_id, ordered.release_id.iloc[1:]):
                index = events.index[events.release_id == later][0]
                declared = by_id.loc[later, "overlaps_release_id"]
                if pd.isna(declared) or declared != earlier:
                    problem(index, "overlaps_release_id",
                            f"{person} is linked to {earlier} and again to {later}; set overlaps_release_id to {earlier}")
    return problems


def row_upper_bounds(tables: Tables, schemas: dict[str, TableSchema]) -> list[Problem]:
    """A table holds no more rows than its schema expects (x-maxRows): a sudden jump is more
    often rows copied twice than news."""
    return [Problem(_label(name), None, None, "row_upper_bounds",
                    f"{len(frame)} rows, more than the {schemas[name].max_rows} that {schemas[name].path.name} "
                    "expects (x-maxRows); if the rows are real, raise the bound")
            for name, frame in tables.items()
            if schemas[name].max_rows is not None and len(frame) > schemas[name].max_rows]


def _publishers_of(tables: Tables, source_ids: list[str]) -> set[str]:
    publisher = dict(zip(tables["sources"].source_id, tables["sources"].publisher))
    return {publisher[i] for i in source_ids if i in publisher}


def two_publishers(tables: Tables, schemas: dict[str, TableSchema]) -> list[Problem]:
    """A US-negotiated release, and a sanctions relief action since 2025, cite at least two
    independent publishers (curation policy: such claims are checked twice)."""
    problems = []
    releases = tables["releases"]
    for i, r in releases[releases.mediator == "United States"].iterrows():
        if len(_publishers_of(tables, r.source_ids)) < 2:
            problems.append(Problem(_label("releases"), _row(i), "source_ids", "two_publishers",
                                    f"US-negotiated release {r.release_id} cites fewer than two publishers"))
    actions = tables["sanctions"]
    relief = actions[(actions.date >= "2025-01-01") & (actions.direction == "eases")]
    for i, r in relief.iterrows():
        if len(_publishers_of(tables, r.source_ids)) < 2:
            problems.append(Problem(_label("sanctions"), _row(i), "source_ids", "two_publishers",
                                    f"relief action {r.action_id} cites fewer than two publishers"))
    return problems


# A list dates a batch by its legal act or its publication, the press and our actions by the
# decision or announcement: a week either side joins them without joining two distinct rounds.
BATCH_WINDOW_DAYS = 7


def designation_batches(designations: pd.DataFrame) -> pd.DataFrame:
    """Days on which a list designates or delists subjects: one row per (jurisdiction, date, kind).

    Columns ``jurisdiction``, ``date``, ``kind`` (``designated_on`` or ``delisted_on``), ``subjects``
    (rows of that day) and ``first_index`` (the first such row of `designations`).
    """
    parts = []
    for column in ("designated_on", "delisted_on"):
        dated = designations[designations[column].notna()]
        frame = pd.DataFrame({"jurisdiction": dated["list"].astype("string").map(LIST_JURISDICTION),
                              "date": dated[column], "kind": column, "index": dated.index})
        parts.append(frame)
    rows = pd.concat(parts, ignore_index=True).dropna(subset=["jurisdiction"])
    grouped = rows.groupby(["jurisdiction", "date", "kind"], observed=True, sort=True)["index"]
    return grouped.agg(subjects="size", first_index="min").reset_index()


def designation_batches_have_actions(tables: Tables, schemas: dict[str, TableSchema]) -> list[Problem]:
    """Every day a list designates or delists subjects of a jurisdiction has a ``sanctions`` action of
    that jurisdiction within BATCH_WINDOW_DAYS, or ``designation_exceptions`` declares that
    (jurisdiction, date) with a reason. An exception that is not needed (no such batch, or an action
    now covers it) is reported too, so the list of exceptions stays true."""
    designations, actions = tables["sanction_designations"], tables["sanctions"]
    exceptions = tables["designation_exceptions"]
    window = pd.Timedelta(days=BATCH_WINDOW_DAYS)
    by_jurisdiction = {j: frame["date"] for j, frame in actions.groupby(actions["jurisdiction"].astype("string"))}

    def covered(jurisdiction: str, day: pd.Timestamp) -> bool:
        dates = by_jurisdiction.get(jurisdiction)
        return dates is not None and bool(((dates - day).abs() <= window).any())

    declared: dict[tuple[str, pd.Timestamp], int] = {}
    problems = []
    for i, e in exceptions.iterrows():
        if pd.isna(e["jurisdiction"]) or pd.isna(e["date"]):
            continue  # a missing key cell: the schema check reports it
        if pd.isna(e["reason"]) or not str(e["reason"]).strip():
            problems.append(Problem(_label("designation_exceptions"), _row(i), "reason", "designation_batch_action",
                                    "an exception needs a reason saying why no action is expected"))
        else:
            declared[(str(e["jurisdiction"]), e["date"])] = i
    batches = designation_batches(designations)
    used = set()
    for b in batches.itertuples():
        if covered(b.jurisdiction, b.date):
            continue
        key = (b.jurisdiction, b.date)
        if key in declared:
            used.add(key)
            continue
        verb = "designated" if b.kind == "designated_on" else "delisted"
        problems.append(Problem(
            _label("sanction_designations"), _row(b.first_index), b.kind, "designation_batch_action",
            f"{b.subjects} {b.jurisdiction} subject(s) {verb} on {b.date:%Y-%m-%d}, but sanctions.csv has no "
            f"{b.jurisdiction} action within {BATCH_WINDOW_DAYS} days; add the action, or declare "
            f"({b.jurisdiction}, {b.date:%Y-%m-%d}) in designation_exceptions.csv with a reason"))
    batch_days = set(zip(batches["jurisdiction"], batches["date"]))
    for key, i in declared.items():
        if key in used:
            continue
        why = ("an action now covers it" if key in batch_days else "no list designates or delists anyone that day")
        problems.append(Problem(_label("designation_exceptions"), _row(i), "date", "designation_batch_action",
                                f"exception ({key[0]}, {key[1]:%Y-%m-%d}) is not needed: {why}; remove it"))
    return problems


_SLUG_WITH_YEAR = re.compile(r"\b[a-z][a-z0-9]*(?:-[a-z0-9]+){2,}\b")


def notes_cite_known_sources(tables: Tables, schemas: dict[str, TableSchema]) -> list[Problem]:
    """A source id named in a note (a slug with a year in it) is a row of sources."""
    known = set(tables["sources"].source_id)
    problems = []
    for name, frame in tables.items():
        if name == "sources" or "notes" not in frame:
            continue
        for i, note in frame.notes.dropna().items():
            for token in _SLUG_WITH_YEAR.findall(note):
                if re.search(r"(19|20)\d\d", token) and token not in known:
                    problems.append(Problem(_label(name), _row(i), "notes", "notes_cite_known_sources",
                                            f"the note names '{token}', which is not a source_id in sources.csv"))
    return problems


_BIRTH_DATE = re.compile(r"\bborn (?:on )?\d{1,2} \w+ \d{4}")


def birth_year_only(tables: Tables, schemas: dict[str, TableSchema]) -> list[Problem]:
    """A person's record holds a birth year, never a full birth date (personal data policy)."""
    people = tables["prisoners"]
    notes = people.notes.dropna()
    return [Problem(_label("prisoners"), _row(i), "notes", "birth_year_only",
                    "the note gives a full birth date; keep the birth year only (birth_year)")
            for i in notes[notes.str.contains(_BIRTH_DATE)].index]


Check = Callable[[Tables, dict[str, TableSchema]], list[Problem]]
ERROR, WARNING = "error", "warning"
SEVERITIES = (ERROR, WARNING)
ALL = PACKAGE_TABLES  # ``needs=ALL``: the check is meaningful only when every table was read


@dataclass(frozen=True)
class Rule:
    """One entry of the catalogue: what a problem's ``rule`` code means."""

    code: str
    title: str
    description: str
    severity: str = ERROR
    check: Check | None = None  # None: checked while reading a file, or on the descriptor
    needs: tuple[str, ...] = ()  # tables the check needs; it is skipped unless all were read

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"rule '{self.code}': severity must be one of {SEVERITIES}, not '{self.severity}'")


def _rule(code: str, title: str, description: str, severity: str = ERROR) -> Rule:
    return Rule(code, title, description, severity)


RULES: dict[str, Rule | tuple[Check, tuple[str, ...]]] = {r.code: r for r in [
    # The package's files.
    _rule("file", "File present and readable",
          "Every table's CSV and schema, datapackage.json and CITATION.cff exist and are readable files."),
    _rule("remote", "No network",
          "datapackage.json names local files only: a URL as a resource's path, schema or dialect, or as a "
          "profile other than the standard datapackage.org ones, is refused before anything could fetch it."),
    _rule("descriptor", "Valid descriptor",
          "datapackage.json is a valid Frictionless Data Package whose resources are exactly this package's "
          "tables, each pointing at its own CSV and schema."),
    _rule("metadata", "Descriptor metadata true",
          "The descriptor's name, version and citation are this package's: the version equals CITATION.cff's "
          "(and pyproject.toml's in a checkout), the citation is what CITATION.cff renders."),
    _rule("hash", "Sizes and hashes match",
          "Each resource's bytes and sha256 hash in datapackage.json match its file."),
    _rule("citation", "Valid citation",
          "CITATION.cff is YAML with a title, a version and authors."),
    _rule("schema", "Valid schema",
          "Each schemas/*.json is a readable Table Schema of a table this package declares."),
    # Each file, as it is read.
    _rule("encoding", "UTF-8", "Each CSV file is UTF-8 (a byte-order mark is allowed)."),
    _rule("csv", "Readable CSV",
          "The file parses as CSV, and every non-blank line is one row (no quote swallows a line break)."),
    _rule("header", "Columns as declared", "The header row has exactly the schema's columns, in its order."),
    _rule("field_count", "Full rows", "Every row has as many cells as the header; short rows are not padded."),
    _rule("type", "Cell type",
          "Every cell has its column's type: integers are digits only (no 1e3, 25.0 or spaces) within 64 bits, "
          "numbers are finite, dates are yyyy-mm-dd, lists are lists."),
    _rule("enum", "Allowed value", "A cell of an enumerated column is one of its values."),
    _rule("text", "Printable text",
          "No cell holds a NUL, another control character, a terminal escape or a bidirectional-override "
          "character, which would hide or reorder what a reader sees."),
    _rule("formula", "No spreadsheet formula",
          "No cell starts with =, +, -, @, a tab or a carriage return, which a spreadsheet would run."),
    _rule("required", "Required value", "A required cell is not empty; a required list has at least one item."),
    _rule("unique", "Unique key", "A column declared unique has no value twice."),
    _rule("primary_key", "Unique primary key", "No two rows share the primary key."),
    _rule("pattern", "Pattern", "A cell matches its column's pattern."),
    _rule("uri", "Web address", "A column declared `format: uri` holds http(s) addresses."),
    _rule("minimum", "Minimum", "A value is not below its column's minimum."),
    _rule("maximum", "Maximum", "A value is not above its column's maximum."),
    _rule("list_item", "No empty list item", "A list has no empty item (two ';' in a row, or one at an end)."),
    _rule("item_pattern", "List item pattern", "Each item of a list matches the column's item pattern."),
    _rule("item_enum", "Allowed list item", "Each item of a list is one of the column's item values."),
    # Across rows and tables, on the typed frames.
    Rule("foreign_key", "References resolve",
         "Every reference resolves to a key of the referenced table, each item of a ;-list included.",
         check=foreign_keys),
    Rule("uncited_source", "Every source cited", "Every source is cited by at least one row of another table.",
         check=sources_cited, needs=ALL),
    Rule("future_date", "No future date", "Nothing is dated after today.", check=no_future_dates),
    Rule("date_order", "Dates in order",
         "detained_on ≤ sentenced_on ≤ the date of each release the person is linked to.",
         check=dates_in_order, needs=("prisoners", "prisoner_releases", "releases")),
    Rule("people_within_total", "People within the total",
         "A release never links more people than its released_total.",
         check=people_within_total, needs=("prisoner_releases", "releases")),
    Rule("best_figure_reported", "Best figure reported",
         "A release's released_total, political_prisoners and foreign_nationals are among its reported figures.",
         check=best_figure_reported, needs=("releases", "release_figures")),
    Rule("row_bounds", "No rows lost",
         "Each table keeps at least the rows its schema declares (x-minRows).", check=row_bounds),
    Rule("birth_year_only", "Birth year only",
         "A person's note never gives a full birth date; the record holds the birth year only.",
         check=birth_year_only, needs=("prisoners",)),
    Rule("row_upper_bounds", "No sudden growth",
         "A table holds no more rows than its schema expects (x-maxRows); more is often rows copied twice.",
         severity=WARNING, check=row_upper_bounds),
    Rule("two_publishers", "Two publishers",
         "A US-negotiated release, and a sanctions relief action since 2025, cite at least two publishers.",
         severity=WARNING, check=two_publishers, needs=("sources", "releases", "sanctions")),
    Rule("notes_cite_known_sources", "Sources named in notes exist",
         "A source id named in a note is a row of sources.",
         severity=WARNING, check=notes_cite_known_sources, needs=ALL),
    Rule("headline_reported", "Headline facts are reported",
         "A person's headline detention, verdict, sentence, articles and birth year are each a statement "
         "of prisoner_facts.", check=headline_reported, needs=("prisoners", "prisoner_facts")),
    Rule("designation_link", "Judges' designations resolve",
         "Every judge's designation link names a row of sanction_designations.",
         check=designations_resolve, needs=("judges", "sanction_designations")),
    Rule("fact_source", "Fact sources are real",
         "Each fact_sources row names an existing row, one of its table's declared key facts holding a value, "
         "and a source that row cites.", check=fact_sources_valid, needs=ALL),
    Rule("key_facts", "Key facts declared", "x-keyFacts names columns of its own table.",
         check=key_facts_declared),
    Rule("inferred_link", "Inferred links explained",
         "A person-release link that no source states outright (link_basis inferred) says why in notes.",
         check=inferred_links_explained, needs=("prisoner_releases",)),
    Rule("overlap", "Overlaps declared",
         "A release overlaps only an earlier release, by no more people than either freed; a person linked to "
         "two releases makes the later one declare the overlap.", check=overlaps_consistent, needs=("releases",)),
    Rule("stable_ids", "Published ids kept",
         "Every id of every published version is still present or redirected in id_redirects, and every redirect "
         "points at an id that exists.", check=stable_ids, needs=(REDIRECTS,)),
    Rule("designation_batch_action", "Every list day has an action",
         "Every day on which a list designates or delists subjects of a jurisdiction has a sanctions action of "
         "that jurisdiction within 7 days, or a designation_exceptions row with a reason; an exception no longer "
         "needed fails too.", check=designation_batches_have_actions,
         needs=("sanction_designations", "sanctions", "designation_exceptions")),
]}


def register(code: str, check: Check, needs: tuple[str, ...] = (), severity: str = ERROR,
             title: str | None = None, description: str | None = None) -> Check:
    """Add a cross-table rule to the catalogue; the title and description default to the
    check's docstring. Returns ``check``, so it may be used as a plain call or after a def."""
    doc = " ".join((check.__doc__ or code.replace("_", " ")).split())
    RULES[code] = Rule(code, title or doc.split(".")[0], description or doc, severity, check, tuple(needs))
    return check


def catalogue() -> list[Rule]:
    """Every rule, plain ``(check, needs)`` entries included, in catalogue order."""
    return [as_rule(code, entry) for code, entry in RULES.items()]


def as_rule(code: str, entry: Rule | tuple[Check, tuple[str, ...]]) -> Rule:
    if isinstance(entry, Rule):
        return entry
    check, needs = entry
    doc = " ".join((check.__doc__ or code.replace("_", " ")).split())
    return Rule(code, doc.split(".")[0], doc, ERROR, check, tuple(needs))


def severity(code: str) -> str:
    """The severity of a rule code (an unknown code is an error: never let a problem pass)."""
    entry = RULES.get(code)
    return as_rule(code, entry).severity if entry is not None else ERROR


def check_rules(tables: Tables, schemas: dict[str, TableSchema]) -> list[Problem]:
    """Run every check whose tables were all read; a table that could not be read is reported
    once, where it failed, and the checks that need it are skipped rather than misled."""
    problems = []
    for rule in catalogue():
        if rule.check is not None and all(name in tables for name in rule.needs):
            problems += rule.check(tables, schemas)
    return problems


def skipped(tables: Tables) -> list[str]:
    """Codes of the checks that did not run because a table they need was not read."""
    return [r.code for r in catalogue() if r.check is not None and not all(n in tables for n in r.needs)]


def render_markdown() -> str:
    """The catalogue as a Markdown table: the rule lists in README.md and docs/design.md."""
    lines = ["| rule | severity | title | what it checks |", "|---|---|---|---|"]
    escaped = [(r, r.description.replace("|", "\\|")) for r in catalogue()]
    lines += [f"| `{r.code}` | {r.severity} | {r.title} | {description} |" for r, description in escaped]
    return "\n".join(lines)
