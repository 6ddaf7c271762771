"""belarus-data: political-prisoner releases in Belarus, the people freed, and the sanctions
eased in exchange, as typed pandas DataFrames.

>>> import belarus_data as bd
>>> releases = bd.releases()
>>> releases.attrs["table"]
'releases'
"""
from __future__ import annotations

from typing import Any

# Function names equal to module names (validate, cite, export) are imported here, eagerly, so
# that the functions, not the submodules, are what ``bd.validate`` etc. mean. None of these
# modules imports pandera, frictionless, rapidfuzz or yaml until it is called.
from .cite import cite
from .errors import DataValidationError, Problem
from .export import export
from .load import (
    held_at_roster_export,
    judges,
    load,
    load_all,
    prisoner_counts,
    prisoner_facts,
    prisoner_releases,
    prisoners,
    release_figures,
    released_prisoners,
    releases,
    sanction_designations,
    sanctions,
    sources,
    table_names,
)
from .names import find_person
from .schema import schemas
from .validate import validate

__all__ = [
    "DataValidationError", "Problem", "__version__", "cite", "export", "find_person", "held_at_roster_export",
    "judges", "load", "load_all", "prisoner_counts", "prisoner_facts", "prisoner_releases", "prisoners", "release_figures", "released_prisoners", "releases",
    "sanction_designations", "sanctions", "schemas", "sources", "table_names", "validate",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from ._version import package_version

        return package_version()
    raise AttributeError(f"module 'belarus_data' has no attribute '{name}'")
