"""``belarus-data build``: rebuild every derived table from ``raw/`` (and ``curated/``) in a checkout.

Kept apart from the runtime loader: ``import belarus_data`` never imports this subpackage. It
reuses the runtime's schemas, readers and :class:`~belarus_data.errors.Problem`.

Steps, in this order (:data:`STEPS`):

1. ``sanction_designations`` from the US SDN and UK list snapshots (:mod:`belarus_data.designations`);
2. ``prisoners`` and ``prisoner_facts`` from the Viasna roster and ``curated/prisoners.csv``;
3. ``judges`` from the roster, linked to ``sanction_designations``;
4. ``datapackage.json`` and ``docs/codebook.md``;

and ``docs/build_report.md`` lists every roster text that did not parse, every record that broke
a rule, the merges and the candidates left unmerged or unlinked.
"""
from __future__ import annotations

from .run import STEPS, BuildResult, build

__all__ = ["STEPS", "BuildResult", "build"]
