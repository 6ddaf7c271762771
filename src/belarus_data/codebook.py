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
        lines += [f"## `{name}`", "", schema.description, ""]
        if schema.notes:
            lines += [*(f"- {note}" for note in schema.notes), ""]
        lines += [f"File `datasets/{name}.csv`; primary key: `{', '.join(schema.primary_key)}`"
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
    return "\n".join(lines)


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
