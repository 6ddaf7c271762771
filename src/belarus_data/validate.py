"""Validate a data root: descriptor, citation, schemas, files, cells, and cross-table rules ->
one report. The checks of each file are the loader's own (``_read.check_file``)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from . import _package
from ._files import CITATION, DATASETS, DESCRIPTOR, SCHEMAS, resolve_root
from ._read import PARSE_RULES, check_file, read_bytes
from .errors import DataValidationError, Problem
from .rules import ERROR, check_rules, severity, skipped
from .schema import TABLES, readable_schemas

PACKAGE_NAME = "belarus-data"
REPORT_FORMAT = "belarus-data-validation-report/1"  # bumped when the JSON report changes shape
# Descriptor properties that frictionless would open (and fetch, were they URLs).
_OPENED = ("path", "schema", "dialect", "profile", "$schema")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://|^//", re.I)
_PROFILES = {"data-package", "tabular-data-package", "data-resource", "tabular-data-resource"}
# The standard profiles, which frictionless carries and recognises by their address alone.
_STANDARD_PROFILE = re.compile(r"^https://datapackage\.org/profiles/\d+\.\d+/[a-z]+\.json$")


def problems(root: str | Path | None = None) -> list[Problem]:
    """Every problem in the data at ``root`` (default: the installed data), warnings included;
    empty when there is nothing to report."""
    return _run(root)[0]


def _run(root: str | Path | None) -> tuple[list[Problem], list[str]]:
    base = resolve_root(root)
    if not base.is_dir():
        return [Problem(str(base), None, None, "file", "the data root is not a folder (give a checkout or an "
                        "unpacked data package: a folder holding datapackage.json, datasets/ and schemas/)")], []
    _package.descriptor.cache_clear()  # a contributor may have just rebuilt it
    found = descriptor_problems(base)
    descriptor_ok = not any(p.file == DESCRIPTOR and p.rule in ("file", "remote") for p in found)
    found += citation_problems(base)
    known, schema_problems = readable_schemas(base)
    found += schema_problems
    tables: dict[str, pd.DataFrame] = {}
    for name, schema in known.items():
        label = f"{DATASETS}/{name}.csv"
        data, file_problems = read_bytes(base / label, label)
        found += file_problems
        if data is None:
            continue
        if descriptor_ok:
            found += _descriptor_guarded(lambda: _package.hash_problems(base, label, data))
        result = check_file(data, schema, label)
        found += result.problems
        if result.frame is not None and not any(p.rule in PARSE_RULES for p in result.problems):
            tables[name] = result.frame  # a file read wrongly would mislead every cross-table rule
    found += check_rules(tables, known)
    return sorted(set(found), key=lambda p: (p.file, p.row or 0, p.column or "", p.rule, p.message)), skipped(tables)


def validate(root: str | Path | None = None) -> None:
    """Raise :class:`DataValidationError` listing every error-level problem, or return None
    when there is none (warning-level problems, listed by ``problems()``, do not fail)."""
    errors = [p for p in problems(root) if severity(p.rule) == ERROR]
    if errors:
        raise DataValidationError(errors)


def report(root: str | Path | None = None) -> dict[str, Any]:
    """The validation report for programs (``belarus-data validate --format json``).

    ``{"format", "valid", "root", "version", "errors", "warnings", "skipped_rules", "problems":
    [{"file", "row", "column", "rule", "severity", "message"}]}``; ``row`` counts the header as
    row 1 and is null for file-level problems, ``column`` null when the problem is not one
    column's; ``skipped_rules`` are cross-table checks not run because a table they need could
    not be read.
    """
    from ._version import package_version

    found, not_run = _run(root)
    listed = [{"file": p.file, "row": p.row, "column": p.column, "rule": p.rule,
               "severity": severity(p.rule), "message": p.message} for p in found]
    errors = sum(1 for p in listed if p["severity"] == ERROR)
    return {"format": REPORT_FORMAT, "valid": errors == 0, "root": str(resolve_root(root)),
            "version": package_version(), "errors": errors, "warnings": len(listed) - errors,
            "skipped_rules": not_run, "problems": listed}


def _descriptor_guarded(check) -> list[Problem]:
    try:
        return check()
    except DataValidationError as e:  # reported once by descriptor_problems
        return [] if all(p.file == DESCRIPTOR for p in e.problems) else list(e.problems)


def descriptor_problems(base: Path) -> list[Problem]:
    """datapackage.json exists, names no remote file, is a valid Frictionless descriptor of
    exactly this package's tables, and its metadata are true."""
    try:
        d = _package.descriptor(base)
    except DataValidationError as e:
        return list(e.problems)
    found = remote_problems(d)
    if found:  # never hand a descriptor with URLs to frictionless, which would fetch them
        return found
    found += _frictionless_problems(base)
    return found + resource_problems(d) + metadata_problems(base, d)


def remote_problems(d: dict[str, Any]) -> list[Problem]:
    """A URL where frictionless would open a file (a profile, a resource's path, schema or
    dialect) is refused: the package never needs the network."""
    places = [("the package", d)] + [(f"resource '{r.get('name', i)}'", r) for i, r in enumerate(d.get("resources", []))]
    found = []
    for where, item in places:
        for key in _OPENED:
            values = item.get(key)
            for value in values if isinstance(values, list) else [values]:
                standard = key in ("profile", "$schema") and isinstance(value, str) and _STANDARD_PROFILE.match(value)
                if isinstance(value, str) and _URL.match(value) and not standard:
                    found.append(Problem(DESCRIPTOR, None, None, "remote",
                                         f"{where} gives its {key} as a URL ({value}); this package reads local "
                                         "files only and never fetches anything: point it at a file in the package"))
                elif key == "profile" and isinstance(value, str) and value not in _PROFILES and not standard:
                    found.append(Problem(DESCRIPTOR, None, None, "descriptor",
                                         f"{where} has profile '{value}'; expected one of {', '.join(sorted(_PROFILES))}"))
    return found


def _frictionless_problems(base: Path) -> list[Problem]:
    import frictionless

    report = frictionless.Package.validate_descriptor(str(base / DESCRIPTOR))
    return [Problem(DESCRIPTOR, None, None, "descriptor", e.message) for e in report.errors]


def resource_problems(d: dict[str, Any]) -> list[Problem]:
    """The resources are exactly the package's tables, each with its own file and schema."""
    found = []
    if d.get("name") != PACKAGE_NAME:
        found.append(Problem(DESCRIPTOR, None, None, "descriptor",
                             f"the package is named '{d.get('name')}', not '{PACKAGE_NAME}': "
                             "this is not a belarus-data package"))
    resources = {r.get("name"): r for r in d.get("resources", [])}
    for name in TABLES:
        r = resources.get(name)
        if r is None:
            found.append(Problem(DESCRIPTOR, None, None, "descriptor", f"resource '{name}' is missing; "
                                 "every table of the package must be described (run `belarus-data build-datapackage`)"))
            continue
        for key, expected in (("path", f"{DATASETS}/{name}.csv"), ("schema", f"{SCHEMAS}/{name}.json")):
            if r.get(key) != expected:
                found.append(Problem(DESCRIPTOR, None, None, "descriptor",
                                     f"resource '{name}' has {key} {r.get(key)!r}, expected '{expected}'"))
    found += [Problem(DESCRIPTOR, None, None, "descriptor",
                      f"resource '{name}' is not a table of this package (the tables are: {', '.join(TABLES)})")
              for name in resources if name not in TABLES]
    return found


def metadata_problems(base: Path, d: dict[str, Any]) -> list[Problem]:
    """The descriptor's version and citation are what the citation file and project say."""
    from .cite import cite, citation_metadata

    try:
        meta = citation_metadata(base)
        citation = cite("text", base)
    except DataValidationError:
        return []  # reported by citation_problems
    found = []
    versions = {f"{CITATION}": str(meta.get("version"))}
    pyproject = _pyproject_version(base)
    if pyproject is not None:
        versions["pyproject.toml"] = pyproject
    for where, version in versions.items():
        if str(d.get("version")) != version:
            found.append(Problem(DESCRIPTOR, None, None, "metadata",
                                 f"version is '{d.get('version')}' but {where} says '{version}'"))
    if d.get("citation") != citation:
        found.append(Problem(DESCRIPTOR, None, None, "metadata",
                             f"citation is not the one {CITATION} gives; run `belarus-data build-datapackage`"))
    return found


def _pyproject_version(base: Path) -> str | None:
    import tomllib

    try:
        return str(tomllib.loads((base / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"])
    except FileNotFoundError:
        return None  # an unpacked data package or an installed wheel has none
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError) as e:
        return f"(unreadable: {type(e).__name__})"


def citation_problems(base: Path) -> list[Problem]:
    """CITATION.cff is YAML with a title, a version and authors, so `cite` can render it."""
    from .cite import cite

    try:
        cite("bibtex", base)
        cite("text", base)
    except DataValidationError as e:
        return list(e.problems)
    return []
