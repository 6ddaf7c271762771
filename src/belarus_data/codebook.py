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
        "least one source in `sources.csv`. Row numbers in error messages count the header as row 1.",
        "",
    ]
    for name, schema in schemas(root).items():
        lines += [f"## `{name}`", "", schema.description, "",
                  f"File `datasets/{name}.csv`; primary key: `{', '.join(schema.primary_key)}`"
                  + (f"; at least {schema.min_rows} rows (declared bound, `x-minRows`)." if schema.min_rows else "."), ""]
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
    return _escape("; ".join(parts))


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_codebook(root: str | Path | None = None) -> Path:
    path = resolve_root(root) / CODEBOOK
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_codebook(root), encoding="utf-8")
    return path
