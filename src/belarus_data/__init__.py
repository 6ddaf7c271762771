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
from .asof import as_of, designations_in_force, known_counts, known_release_figures, known_releases, latest_count
from .cite import cite
from .diff import diff
from ._files import default_root as data_root
from .errors import DataValidationError, Problem
from .export import export
from .load import (
    fact_source_of,
    fact_sources,
    id_redirects,
    designated_subjects,
    designation_exceptions,
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
from .ids import resolve as resolve_id
from .names import find_person
from .search import QueryError, find
from .schema import schemas
from .totals import release_totals
from .validate import validate

__all__ = [
    "DataValidationError", "Problem", "QueryError", "__version__", "as_of", "cite", "data_root",
    "designated_subjects", "designation_exceptions", "designations_in_force", "diff", "export",
    "fact_source_of", "fact_sources", "find", "find_person", "held_at_roster_export",
    "id_redirects", "judges", "known_counts", "known_release_figures", "known_releases",
    "latest_count", "load", "load_all", "prisoner_counts", "prisoner_facts", "prisoner_releases",
    "prisoners", "release_figures", "release_totals", "released_prisoners", "releases",
    "resolve_id", "sanction_designations", "sanctions", "schemas", "sources", "table_names",
    "validate",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from ._version import package_version

        return package_version()
    raise AttributeError(f"module 'belarus_data' has no attribute '{name}'")
