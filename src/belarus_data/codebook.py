"""docs/codebook.md, generated from the Table Schemas (a test fails when it is stale)."""
from __future__ import annotations

from pathlib import Path

from ._files import resolve_root
from .schema import Field, schemas

CODEBOOK = Path("docs") / "codebook.md"


def render_codebook(root: str | Path | None = None) -> str:
    lines = [
        "# Codebook",
        "",
        "Generated from `schemas/*.json` by `belarus-data build-codebook`; do not edit by hand.",
        "",
        "Conventions: an empty cell means unknown; list columns hold `;`-separated items in one cell",
        "and load as Python lists; dates are ISO 8601 (`yyyy-mm-dd`) and load as `datetime64[ns]`;",
        "integers load as nullable `Int64`; enumerated columns load as `category`. Every row cites at",
        "least one source in `sources.csv` (`id_redirects` cites one when a redirect rests on a fact about",
        "the world). Row numbers in error messages count the header as row 1.",
        "",
        "Ids: each table's primary key is its id (for a key of several columns, the cells joined by `|`).",
        "Ids are this dataset's own and keep their meaning in every later version, or are redirected in",
        "`id_redirects` (`versions/` keeps each release's ids). Official reference numbers (OFAC uid,",
        "UK and EU list ids, Viasna's page) are attributes, never keys of a person or a release; in",
        "`sanction_designations` a row *is* one entry of one official list, so the list's entry id names it.",
        "",
        "Dates: every date column says which date it is. *Date of the event*: the day the fact happened",
        "in law or in the world (signed, designated, delisted, released, detained, counted). *Date",
        "published*: the day a source made the fact public (`sources.published_on`, the date a figure was",
        "reported). *Date observed*: the day an official list was read (`list_as_of`). What was known on",
        "a day is decided by the publication dates, never by the event dates (see `belarus_data.as_of`).",
        "",
        "**Which source states which fact.** A table's schema names its key facts (`x-keyFacts`,",
        "listed under each table below). The first of a row's `source_ids` states every key fact of the",
        "row, unless `fact_sources` names another of the row's own sources for a fact; then that source",
        "states it (`belarus_data.fact_source_of(table, row_key, field)` answers either way). Validation",
        "refuses a `fact_sources` row whose table declares no such key fact, whose row does not exist,",
        "whose fact is empty, or whose source the row does not cite. In `release_figures` each number has",
        "exactly one source, `source_id`. Person-release links say in `link_basis` whether a cited source",
        "states the link (`stated`) or the compiler matched the person to the release (`inferred`, with the",
        "reason in `notes`); keep `link_basis == \"stated\"` for links a source vouches for.",
        "",
        "**Totals that add up.** The raw sum of `releases.released_total` counts some people twice. A",
        "release that counts people of an earlier release again (a decree formalising releases already",
        "counted, a person freed a second time) names it in `overlaps_release_id`, with `overlap_count`",
        "when the number is known. Distinct people freed = raw sum − sum of `overlap_count` (an upper",
        "bound while any overlap is of unknown size); subtracting, for each overlap of unknown size, the",
        "smaller of the two releases' totals gives the lower bound. A person linked to two releases in",
        "`prisoner_releases` must appear as such an overlap (validation checks it). `political_prisoners`",
        "is Viasna's figure where Viasna published one, so its sum is a floor for the political",
        "prisoners among those freed. `belarus_data.release_totals()` computes all of these.",
        "",
    ]
    for name, schema in schemas(root).items():
        lines += [f"## `{name}`", "", schema.description, ""]
        if schema.notes:
            lines += [*(f"- {note}" for note in schema.notes), ""]
        lines += [f"File `datasets/{name}.csv`; primary key: `{', '.join(schema.primary_key)}`"
                  + (f"; at least {schema.min_rows} rows (declared bound, `x-minRows`)." if schema.min_rows else "."), ""]
        if schema.key_facts:
            lines += ["Key facts (stated by the row's first source unless `fact_sources` names another): "
                      + ", ".join(f"`{c}`" for c in schema.key_facts) + ".", ""]
        refs = [f"`{f.name}` → `{r.resource}.{r.field}`" + (" (each item)" if f.is_list else "")
                for f, r in schema.references]
        if refs:
            lines += ["References: " + "; ".join(refs) + ".", ""]
        lines += ["| column | type | required | constraints | description |",
                  "|---|---|---|---|---|"]
        lines += [f"| `{f.name}` | {_type(f)} | {'yes' if f.required else ''} | {_constraints(f)} | "
                  f"{_escape(f.description)} |" for f in schema.fields]
        lines.append("")
    lines += _GIVEN_NAMES
    return "\n".join(lines)


# Package data that is not a table of the data package: described here so that it has one home.
_GIVEN_NAMES = [
    "## Package data: `src/belarus_data/given_names.csv`",
    "",
    "Given-name equivalences used by `find` (not a dataset table; shipped inside the Python package).",
    "One row per given name; a row's forms are spellings of the same name printed side by side for one",
    "person by an official list or in this dataset. Forms the spelling rules already make equal are listed",
    "too, so the row documents the name. Two forms of one row match each other fully; forms of two",
    "different rows never match by resemblance (Aliaksandr is not Aliaksei).",
    "",
    "| column | description |",
    "|---|---|",
    "| `spellings` | `;`-separated forms, Latin and Cyrillic (Belarusian-, Russian-, Polish-, Ukrainian-based) |",
    "| `evidence` | `;`-separated places where two or more forms are printed for one person: `prisoners:<person_id>`"
    " or `<list>:<list_entry_id>` (rows of this dataset, which cite their sources), `eu:<EU reference number>`"
    " (EU Financial Sanctions File, Belarus regime, as of 2022-09-13), or a URL |",
    "| `notes` | which form is which language's, where that matters |",
    "",
]


def _type(f: Field) -> str:
    return "list of string" if f.is_list else f.type


def _constraints(f: Field) -> str:
    parts = []
    if f.unique:
        parts.append("unique")
    if f.enum:
        parts.append("one of " + ", ".join(f"`{v}`" for v in f.enum))
    if f.pattern:
        parts.append(f"matches `{f.pattern}`")
    if f.minimum is not None:
        parts.append(f"≥ {f.minimum:g}")
    if f.maximum is not None:
        parts.append(f"≤ {f.maximum:g}")
    if f.item_pattern:
        parts.append(f"each item matches `{f.item_pattern}`")
    if f.item_enum:
        parts.append("each item one of " + ", ".join(f"`{v}`" for v in f.item_enum))
    if f.date_kind:
        parts.append(_DATE_KINDS.get(f.date_kind, f"date kind `{f.date_kind}`"))
    return _escape("; ".join(parts))


_DATE_KINDS = {"event": "date of the event", "published": "date published", "observed": "date observed"}


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_codebook(root: str | Path | None = None) -> Path:
    path = resolve_root(root) / CODEBOOK
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_codebook(root), encoding="utf-8")
    return path
