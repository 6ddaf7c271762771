"""The rules that span rows or tables, beyond each column's own type and constraints.

Each rule is a function ``(tables) -> list[Problem]`` over the typed frames the loader returns,
registered in :data:`RULES`; :func:`check_rules` runs those whose tables are all present.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pandas as pd

from ._read import FIRST_DATA_ROW
from .errors import Problem
from .ids import REDIRECTS, stable_ids
from .load import LIST_JURISDICTION  # each official list belongs to one jurisdiction of `sanctions`
from .schema import TableSchema

Tables = dict[str, pd.DataFrame]
# A cell a spreadsheet would run as a formula (OWASP "CSV injection"): = + - @, tab or CR first.
FORMULA_START = re.compile(r"^[=+\-@\t\r]")
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


def no_formulas(raw_tables: Tables) -> list[Problem]:
    """No cell starts like a spreadsheet formula (checked on the text as written)."""
    problems = []
    for name, raw in raw_tables.items():
        for column in raw.columns:
            cells = raw[column].dropna()
            bad = cells[cells.str.match(FORMULA_START)]
            problems += [Problem(_label(name), _row(i), column, "formula",
                                 f"cell starts with {v[:1]!r}, which a spreadsheet would run as a formula; "
                                 "reword it") for i, v in bad.items()]
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


RULES: dict[str, tuple[Callable[[Tables, dict[str, TableSchema]], list[Problem]], tuple[str, ...]]] = {
    "foreign_key": (foreign_keys, ()),
    "uncited_source": (sources_cited, ("sources",)),
    "future_date": (no_future_dates, ()),
    "date_order": (dates_in_order, ("prisoners", "prisoner_releases", "releases")),
    "people_within_total": (people_within_total, ("prisoner_releases", "releases")),
    "best_figure_reported": (best_figure_reported, ("releases", "release_figures")),
    "headline_reported": (headline_reported, ("prisoners", "prisoner_facts")),
    "designation_link": (designations_resolve, ("judges", "sanction_designations")),
    "row_bounds": (row_bounds, ()),
    "fact_source": (fact_sources_valid, ("fact_sources",)),
    "key_facts": (key_facts_declared, ()),
    "inferred_link": (inferred_links_explained, ("prisoner_releases",)),
    "overlap": (overlaps_consistent, ("releases",)),
    "stable_ids": (stable_ids, (REDIRECTS,)),
    "designation_batch_action": (designation_batches_have_actions,
                                 ("sanction_designations", "sanctions", "designation_exceptions")),
}


def check_rules(tables: Tables, schemas: dict[str, TableSchema]) -> list[Problem]:
    """Run every rule whose tables loaded; a table that failed to load is reported elsewhere."""
    problems = []
    for rule, needs in RULES.values():
        if all(name in tables for name in needs):
            problems += rule(tables, schemas)
    return problems
