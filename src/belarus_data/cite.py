"""How to cite the dataset: CITATION.cff rendered as BibTeX, APA or a single line."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from ._files import CITATION, resolve_root

Format = Literal["bibtex", "apa", "text", "cff"]
FORMATS: tuple[str, ...] = ("bibtex", "apa", "text", "cff")


def citation_metadata(root: str | Path | None = None) -> dict[str, Any]:
    import yaml

    return yaml.safe_load((resolve_root(root) / CITATION).read_text(encoding="utf-8"))


def cite(format: Format = "text", root: str | Path | None = None) -> str:
    """The dataset's citation.

    >>> print(cite("text"))  # doctest: +ELLIPSIS
    belarus-data contributors (...). belarus-data: ... (Version ...) [Data set]...
    """
    if format == "cff":
        return (resolve_root(root) / CITATION).read_text(encoding="utf-8")
    meta = citation_metadata(root)
    if format == "bibtex":
        return _bibtex(meta)
    if format in ("apa", "text"):
        return _apa(meta)
    raise ValueError(f"unknown citation format '{format}'; choose one of: {', '.join(FORMATS)}")


def _authors(meta: dict[str, Any]) -> list[str]:
    return [a.get("name") or f"{a.get('family-names', '')}, {a.get('given-names', '')}".strip(", ")
            for a in meta.get("authors", [])]


def _apa(meta: dict[str, Any]) -> str:
    year = str(meta.get("date-released", ""))[:4]
    url = meta.get("url") or meta.get("repository-code") or ""
    return (f"{' & '.join(_authors(meta))} ({year}). {meta['title']} (Version {meta['version']}) "
            f"[Data set]. {url}").strip()


def _bibtex(meta: dict[str, Any]) -> str:
    released = str(meta.get("date-released", ""))
    key = f"belarus_data_{meta['version'].replace('.', '_')}"
    fields = {
        "title": meta["title"],
        "author": " and ".join("{" + a + "}" for a in _authors(meta)),
        "year": released[:4],
        "version": meta["version"],
        "url": meta.get("url") or meta.get("repository-code"),
        "note": f"Data licensed {meta.get('license')}",
    }
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
    return f"@misc{{{key},\n{body}\n}}"
