"""The dependency floors in pyproject.toml are the versions CI tests at (.ci/minimum-versions.txt)."""
from __future__ import annotations

import re
import tomllib

from .conftest import REPO

MINIMUM = REPO / ".ci" / "minimum-versions.txt"


def _release(version: str) -> tuple[int, ...]:
    parts = tuple(int(p) for p in version.split("."))
    return parts + (0,) * (3 - len(parts))


def _floors() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    floors = {}
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        found = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", requirement)
        assert found, f"'{requirement}': every dependency declares a floor (name>=version) and nothing else"
        floors[found[1].lower()] = found[2]
    return floors


def _pins() -> dict[str, str]:
    pins = {}
    for line in MINIMUM.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def test_every_floor_is_pinned_for_the_minimum_versions_run_and_nothing_else():
    floors, pins = _floors(), _pins()
    assert sorted(floors) == sorted(pins)
    for name, floor in floors.items():
        assert _release(floor) == _release(pins[name]), f"{name}: pyproject says >={floor}, CI tests {pins[name]}"


def test_the_ci_script_runs_the_tests_at_the_minimum_versions():
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "minimum-versions.txt" in script and "pytest" in script


def test_the_floors_known_to_fail_are_excluded():
    floors = {name: _release(v) for name, v in _floors().items()}
    assert floors["frictionless"] >= (5, 20, 0), "frictionless 5.19 has no list field type"
    assert floors["pandera"] >= (0, 32, 0), "pandera 0.31 reports false pattern failures"
    assert floors["matplotlib"] >= (3, 9, 0), "matplotlib 3.8 fails with current IPython"
