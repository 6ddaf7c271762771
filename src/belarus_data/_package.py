"""The data package descriptor (datapackage.json) as the loader needs it: version, citation,
and the sha256 of every file, read once per process."""
from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from ._files import DESCRIPTOR
from .errors import DataValidationError, Problem, unreadable


@cache
def descriptor(root: Path) -> dict[str, Any]:
    """datapackage.json as a dict; DataValidationError naming it when it cannot be read as one."""
    path = root / DESCRIPTOR
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise DataValidationError([unreadable(DESCRIPTOR, path, e)]) from None
    except UnicodeDecodeError:
        rule, message = "descriptor", "is not UTF-8 text"
    except json.JSONDecodeError as e:
        rule, message = "descriptor", f"is not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})"
    else:
        if isinstance(d, dict) and isinstance(d.get("resources", []), list) \
                and all(isinstance(r, dict) for r in d.get("resources", [])):
            return d
        rule, message = "descriptor", "is not a data package descriptor (a JSON object with a list of resources)"
    raise DataValidationError([Problem(DESCRIPTOR, None, None, rule, message)])


def resource(root: Path, relative_path: str) -> dict[str, Any] | None:
    """The resource of datapackage.json whose path is ``relative_path``, or None if not listed."""
    for r in descriptor(root).get("resources", []):
        if r.get("path") == relative_path:
            return r
    return None


def expected_hash(root: Path, relative_path: str) -> str | None:
    """The ``sha256:...`` hash datapackage.json records for a file, or None if not listed."""
    r = resource(root, relative_path)
    return None if r is None else r.get("hash")


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def hash_problems(root: Path, relative_path: str, data: bytes, actual: str | None = None) -> list[Problem]:
    """The file's size and sha256 against what datapackage.json records for it (``actual``: the
    :func:`sha256` of ``data`` when the caller has it already)."""
    r = resource(root, relative_path)
    expected = None if r is None else r.get("hash")
    if expected is None:
        return [Problem(relative_path, None, None, "hash", f"{DESCRIPTOR} does not list this file"
                        + (" with a hash" if r is not None else "") + "; run `belarus-data build-datapackage`")]
    if r.get("bytes") != len(data):
        return [Problem(relative_path, None, None, "hash",
                        f"{DESCRIPTOR} says {r.get('bytes')} bytes, the file has {len(data)}; "
                        "if the edit is intended, run `belarus-data build-datapackage`")]
    actual = actual or sha256(data)
    if actual != expected:
        return [Problem(relative_path, None, None, "hash",
                        f"file changed since {DESCRIPTOR} was built ({actual[:19]}... != {expected[:19]}...); "
                        "if the edit is intended, run `belarus-data build-datapackage`")]
    return []
