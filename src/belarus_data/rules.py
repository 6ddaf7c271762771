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
}


def check_rules(tables: Tables, schemas: dict[str, TableSchema]) -> list[Problem]:
    """Run every rule whose tables loaded; a table that failed to load is reported elsewhere."""
    problems = []
    for rule, needs in RULES.values():
        if all(name in tables for name in needs):
            problems += rule(tables, schemas)
    return problems
