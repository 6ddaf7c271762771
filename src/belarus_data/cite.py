"""How to cite the dataset: CITATION.cff rendered as BibTeX, APA or a single line."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from ._files import CITATION, resolve_root
from .errors import DataValidationError, Problem, unreadable

Format = Literal["bibtex", "apa", "text", "cff"]
FORMATS: tuple[str, ...] = ("bibtex", "apa", "text", "cff")


def citation_metadata(root: str | Path | None = None) -> dict[str, Any]:
    """CITATION.cff as a dict; DataValidationError naming the file when it cannot be cited from."""
    import yaml

    path = resolve_root(root) / CITATION
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise DataValidationError([unreadable(CITATION, path, e)]) from None
    except UnicodeDecodeError:
        raise _problem("citation", "is not UTF-8 text") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise _problem("citation", f"is not valid YAML{where}") from None
    if not isinstance(meta, dict):
        raise _problem("citation", "is not a CFF mapping of keys to values")
    missing = [k for k in ("title", "version", "authors") if not meta.get(k)]
    if missing:
        raise _problem("citation", f"lacks {', '.join(missing)}")
    if not isinstance(meta["authors"], list) or not all(isinstance(a, dict) for a in meta["authors"]):
        raise _problem("citation", "authors must be a list of persons or entities")
    return meta


def _problem(rule: str, message: str) -> DataValidationError:
    return DataValidationError([Problem(CITATION, None, None, rule, message)])


def cite(format: Format = "text", root: str | Path | None = None) -> str:
    """The dataset's citation.

    >>> print(cite("text"))  # doctest: +ELLIPSIS
    belarus-data contributors (...). belarus-data: ... (Version ...) [Data set]...
    """
    if format not in FORMATS:
        raise ValueError(f"unknown citation format '{format}'; choose one of: {', '.join(FORMATS)}")
    meta = citation_metadata(root)  # checked even for "cff": a broken file is never handed out
    if format == "cff":
        return (resolve_root(root) / CITATION).read_text(encoding="utf-8")
    if format == "bibtex":
        return _bibtex(meta)
    return _apa(meta)


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
    key = f"belarus_data_{str(meta['version']).replace('.', '_')}"
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
