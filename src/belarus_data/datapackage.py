"""Build datapackage.json from pyproject.toml, CITATION.cff, the schemas and the CSV files.

The descriptor is never edited by hand: ``belarus-data build-datapackage`` writes it, and a test
fails when the committed one differs from a fresh build.
"""
from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from . import _package
from ._files import DATASETS, DESCRIPTOR, SCHEMAS, resolve_root
from ._write import write_atomic
from .errors import DataValidationError
from .cite import cite, citation_metadata
from .schema import schemas

DATA_LICENSE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
                "path": "https://creativecommons.org/licenses/by/4.0/"}
# Data Package v2: the standard that defines the `list` field type our list columns use. The
# descriptor, each resource and each Table Schema declare it, so no client reads them as v1.
PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
CODE_LICENSE = {"name": "MIT", "title": "MIT License (the code of the belarus_data package)",
                "path": "https://opensource.org/license/mit"}


def build_descriptor(root: str | Path | None = None) -> dict[str, Any]:
    """The Data Package descriptor for the checkout at ``root``."""
    base = resolve_root(root)
    project = tomllib.loads((base / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    meta = citation_metadata(base)
    cited = _publishers_cited(base)
    resources = []
    for name, schema in schemas(base).items():
        path = f"{DATASETS}/{name}.csv"
        data = (base / path).read_bytes()
        resources.append({
            "$schema": RESOURCE_PROFILE,
            "name": name,
            "type": "table",
            "path": path,
            "title": name.replace("_", " ").capitalize(),
            "description": schema.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": len(data),
            "hash": _package.sha256(data),
            "schema": f"{SCHEMAS}/{name}.json",
            "sources": [{"title": p} for p in cited.get(name, [])],
            "licenses": [DATA_LICENSE],
        })
    descriptor = {
        "$schema": PACKAGE_PROFILE,
        "name": project["name"],
        "title": meta["title"],
        "description": meta.get("abstract", project.get("description", "")),
        "version": project["version"],
        "homepage": meta.get("url") or meta.get("repository-code"),  # dropped below when unset
        "keywords": meta.get("keywords", []),
        "licenses": [DATA_LICENSE, CODE_LICENSE],
        "contributors": [{"title": a.get("name") or f"{a.get('given-names')} {a.get('family-names')}",
                          "role": "author"} for a in meta.get("authors", [])],
        "sources": [{"title": "Every document listed in datasets/sources.csv", "path": f"{DATASETS}/sources.csv"}],
        "citation": cite("text", base),
        "resources": resources,
    }
    return {key: value for key, value in descriptor.items() if value is not None}


def _publishers_cited(base: Path) -> dict[str, list[str]]:
    """For each table, the publishers of the sources its rows cite (sorted, unique)."""
    from .load import load_all

    tables = load_all(root=base, verify_hash=False)
    publisher = dict(zip(tables["sources"].source_id, tables["sources"].publisher))
    found: dict[str, list[str]] = {}
    for name, frame in tables.items():
        ids: set[str] = set()
        for column in ("source_ids", "source_id"):
            if column in frame:
                values = frame[column].explode() if column == "source_ids" else frame[column]
                ids.update(values.dropna())
        if name == "sources":
            ids = set(frame.source_id)
        found[name] = sorted({publisher[i] for i in ids if i in publisher})
    return found


def render(descriptor: dict[str, Any]) -> str:
    return json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"


# Problems a rebuilt descriptor itself resolves: stale sizes, hashes, version or citation.
_RESOLVED_BY_REBUILDING = {"hash", "metadata", "descriptor", "remote"}


def write_descriptor(root: str | Path | None = None) -> Path:
    """Rebuild datapackage.json (atomically). Refuses, writing nothing, while any file fails
    validation: the descriptor's hashes vouch for the files they describe."""
    from .rules import ERROR, severity
    from .validate import problems

    base = resolve_root(root)
    blocking = [p for p in problems(base) if severity(p.rule) == ERROR
                and not (p.rule in _RESOLVED_BY_REBUILDING or (p.file == DESCRIPTOR and p.rule == "file"))]
    if blocking:
        raise DataValidationError(blocking)
    path = write_atomic(base / DESCRIPTOR, render(build_descriptor(base)))
    _package.descriptor.cache_clear()
    return path
