"""How many people the releases freed: the raw sum of their sizes, and the distinct people behind it.

Summing ``released_total`` counts some people twice: a decree can formalise releases already
counted, and a person can be freed twice. ``releases.overlaps_release_id`` and ``overlap_count``
say where; this module turns them into the two honest bounds (see the codebook's totals rule).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class ReleaseTotals:
    """Totals over a set of releases.

    ``raw_sum`` adds up every best figure. ``distinct_at_most`` subtracts the people known to be
    counted twice (``overlap_count``); ``distinct_at_least`` further subtracts, for each overlap of
    unknown size, the most people it could cover (the smaller of the two releases' totals).
    ``political_prisoners`` adds up Viasna's figures where reported, over ``releases_with_political_figure``
    releases: a floor, not the number of political prisoners freed.
    """

    releases: int
    raw_sum: int
    known_overlap: int
    unsized_overlap_max: int
    releases_without_total: int
    political_prisoners: int
    releases_with_political_figure: int

    @property
    def distinct_at_most(self) -> int:
        return self.raw_sum - self.known_overlap

    @property
    def distinct_at_least(self) -> int:
        return self.distinct_at_most - self.unsized_overlap_max


def release_totals(releases: pd.DataFrame | None = None, *, until: str | None = None, **kw) -> ReleaseTotals:
    """Raw and distinct totals of people freed, over ``releases`` (default: every release),
    optionally only those dated on or before ``until`` (``yyyy-mm-dd``).

    >>> t = release_totals()
    >>> t.distinct_at_least <= t.distinct_at_most <= t.raw_sum
    True
    """
    if releases is None:
        from .load import releases as load_releases

        releases = load_releases(**kw)
    frame = releases if until is None else releases[releases.date <= pd.Timestamp(until)]
    totals = releases.set_index("release_id").released_total
    unsized = frame[frame.overlaps_release_id.notna() & frame.overlap_count.isna()]
    unsized_max = sum(int(min(_zero(r.released_total), _zero(totals.get(r.overlaps_release_id))))
                      for r in unsized.itertuples())
    return ReleaseTotals(
        releases=len(frame),
        raw_sum=int(frame.released_total.sum()),
        known_overlap=int(frame.overlap_count.sum()),
        unsized_overlap_max=unsized_max,
        releases_without_total=int(frame.released_total.isna().sum()),
        political_prisoners=int(frame.political_prisoners.sum()),
        releases_with_political_figure=int(frame.political_prisoners.notna().sum()),
    )


def _zero(value: object) -> int:
    return 0 if value is None or pd.isna(value) else int(value)
