"""The data package descriptor (datapackage.json) as the loader needs it: version, citation,
and the sha256 of every file, read once per process."""
from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from ._files import DESCRIPTOR
from .errors import DataValidationError, Problem


@cache
def descriptor(root: Path) -> dict[str, Any]:
    path = root / DESCRIPTOR
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataValidationError([Problem(DESCRIPTOR, None, None, "file", f"file is missing (expected at {path})")]) from None


def expected_hash(root: Path, relative_path: str) -> str | None:
    """The ``sha256:...`` hash datapackage.json records for a file, or None if not listed."""
    for resource in descriptor(root).get("resources", []):
        if resource.get("path") == relative_path:
            return resource.get("hash")
    return None


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def hash_problems(root: Path, relative_path: str, data: bytes) -> list[Problem]:
    expected = expected_hash(root, relative_path)
    if expected is None:
        return [Problem(relative_path, None, None, "hash", f"{DESCRIPTOR} does not list this file; "
                        "run `belarus-data build-datapackage`")]
    actual = sha256(data)
    if actual != expected:
        return [Problem(relative_path, None, None, "hash",
                        f"file changed since {DESCRIPTOR} was built ({actual[:19]}... != {expected[:19]}...); "
                        "if the edit is intended, run `belarus-data build-datapackage`")]
    return []
