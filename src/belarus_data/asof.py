"""The state of things on a date: what was in force, and what had been made public by then.

Two dates are kept apart (the schemas mark each date column with ``x-dateKind``): the date of the
event (a designation, a release, the day a count refers to) and the date a source published it
(``sources.published_on``, ``release_figures.reported_on``). A fact counts as *known* on a day
only when it had happened by then and a source dated on or before that day reported it; a fact
whose sources show no publication date is not counted as known on any day (``attrs["undated"]``
says how many were set aside).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .load import load

DateLike = str | dt.date | pd.Timestamp


def _day(date: DateLike) -> pd.Timestamp:
    try:
        day = pd.Timestamp(date)
    except (TypeError, ValueError):
        raise ValueError(f"'{date}' is not a date; write it yyyy-mm-dd") from None
    if pd.isna(day):
        raise ValueError(f"'{date}' is not a date; write it yyyy-mm-dd")
    return day.normalize().tz_localize(None) if day.tzinfo else day.normalize()


def designations_in_force(date: DateLike, list_name: str | None = None, *, root: str | Path | None = None) -> pd.DataFrame:
    """Subjects on an official list (``list_name``, default: every list) on ``date``: ``designated_on <= date`` and not ``delisted_on <= date``.

    A row whose ``designated_on`` is unknown is left out (``attrs["undated"]`` counts them: the US
    SDN export gives no designation dates). A subject delisted on an unknown day is counted as
    gone from ``list_as_of`` (the snapshot that no longer had it) on, and marked
    ``certain = False`` before it. The answer is only as recent as the newest snapshot
    (``attrs["list_as_of"]``): a later removal is not in the data.
    """
    day = _day(date)
    rows = load("sanction_designations", root=root)
    if list_name is not None:
        known = set(rows["list"].astype(str))
        if list_name not in known:
            raise ValueError(f"unknown list '{list_name}'; the lists are: {', '.join(sorted(known))}")
        rows = rows[rows["list"] == list_name]
    undated = int(rows.designated_on.isna().sum())
    gone_on_unknown_day = (rows.status == "delisted") & rows.delisted_on.isna()
    gone = (rows.delisted_on <= day) | (gone_on_unknown_day & (rows.list_as_of <= day))
    in_force = rows[(rows.designated_on <= day) & ~gone.fillna(False)].copy()
    in_force["certain"] = ~gone_on_unknown_day[in_force.index]
    in_force = in_force.reset_index(drop=True)
    in_force.attrs = {**rows.attrs, "as_of": day, "undated": undated,
                      "list_as_of": rows.list_as_of.max() if len(rows) else pd.NaT}
    return in_force


def _first_published(source_lists: pd.Series, published_on: dict[str, pd.Timestamp]) -> pd.Series:
    """For each row's list of source ids, the earliest publication date among them (NaT if none)."""
    firsts = [min((published_on[s] for s in ids if pd.notna(published_on.get(s, pd.NaT))), default=pd.NaT)
              for ids in source_lists]
    return pd.Series(firsts, index=source_lists.index, dtype="datetime64[ns]")


def _published_on(root: str | Path | None) -> dict[str, pd.Timestamp]:
    sources = load("sources", root=root)
    return dict(zip(sources.source_id, sources.published_on))


def known_releases(date: DateLike, *, root: str | Path | None = None) -> pd.DataFrame:
    """Releases that had happened by ``date`` and that a source dated on or before it reported.

    Adds ``first_reported_on``: the earliest ``published_on`` among the sources of the release
    and of its figures.
    """
    day = _day(date)
    events = load("releases", root=root)
    figures = load("release_figures", root=root)
    figure_sources = figures.groupby("release_id").source_id.agg(list)
    cited = pd.Series([[*ids, *figure_sources.get(r, [])] for r, ids in zip(events.release_id, events.source_ids)],
                      index=events.index, dtype=object)
    events["first_reported_on"] = _first_published(cited, _published_on(root))
    known = events[(events.date <= day) & (events.first_reported_on <= day)].reset_index(drop=True)
    known.attrs = {**events.attrs, "as_of": day,
                   "undated": int(((events.date <= day) & events.first_reported_on.isna()).sum())}
    return known


def known_release_figures(date: DateLike, *, root: str | Path | None = None) -> pd.DataFrame:
    """The numbers reported about releases by ``date``: ``reported_on``, or where it is empty the
    ``published_on`` of the figure's source, on or before ``date``. Adds ``published``, the date used."""
    day = _day(date)
    figures = load("release_figures", root=root)
    figures["published"] = figures.reported_on.fillna(figures.source_id.map(_published_on(root))) \
        .astype("datetime64[ns]")
    known = figures[figures.published <= day].reset_index(drop=True)
    known.attrs = {**figures.attrs, "as_of": day, "undated": int(figures.published.isna().sum())}
    return known


def known_counts(date: DateLike, measure: str | None = None, counted_by: str | None = None, *,
                 root: str | Path | None = None) -> pd.DataFrame:
    """Counts of political prisoners dated on or before ``date`` and published by then.

    Adds ``first_published_on``: the earliest ``published_on`` among the row's sources.
    """
    day = _day(date)
    counts = load("prisoner_counts", root=root)
    if measure is not None:
        if measure not in counts.measure.cat.categories:
            raise ValueError(f"unknown measure '{measure}'; the measures are: "
                             f"{', '.join(counts.measure.cat.categories)}")
        counts = counts[counts.measure == measure]
    if counted_by is not None:
        counts = counts[counts.counted_by == counted_by]
    counts = counts.copy()
    counts["first_published_on"] = _first_published(counts.source_ids, _published_on(root))
    dated = counts.date <= day
    known = counts[dated & (counts.first_published_on <= day)].reset_index(drop=True)
    known.attrs = {**counts.attrs, "as_of": day, "undated": int((dated & counts.first_published_on.isna()).sum())}
    return known


def latest_count(date: DateLike, measure: str = "held_now", counted_by: str = "Viasna", *,
                 root: str | Path | None = None) -> pd.Series | None:
    """The most recent count known on ``date`` (by the day it refers to), or None if none was.

    Default: Viasna's count of political prisoners held. Its ``date`` is the day the count refers
    to; ``first_published_on`` the day it was first published.
    """
    return _newest(known_counts(date, measure, counted_by, root=root))


def _newest(counts: pd.DataFrame) -> pd.Series | None:
    """The count referring to the latest day (of two, the later published), or None."""
    if counts.empty:
        return None
    return counts.sort_values(["date", "first_published_on"], kind="stable").iloc[-1]


@dataclass
class AsOf:
    """Everything the data say about one day (see the module's docstring for what *known* means)."""

    date: pd.Timestamp
    designations: pd.DataFrame
    releases: pd.DataFrame
    release_figures: pd.DataFrame
    prisoner_counts: pd.DataFrame

    def latest_count(self, measure: str = "held_now", counted_by: str = "Viasna") -> pd.Series | None:
        counts = self.prisoner_counts
        return _newest(counts[(counts.measure == measure) & (counts.counted_by == counted_by)])


def as_of(date: DateLike, *, root: str | Path | None = None) -> AsOf:
    """The state of the data on ``date``: designations in force, and releases, figures and counts
    known by then.

    >>> import belarus_data as bd
    >>> state = bd.as_of("2025-09-12")
    >>> "2025-09-11" in set(state.releases.release_id)
    True
    >>> "2025-09-11" in set(bd.as_of("2025-09-10").releases.release_id)
    False
    """
    day = _day(date)
    return AsOf(day, designations_in_force(day, root=root), known_releases(day, root=root),
                known_release_figures(day, root=root), known_counts(day, root=root))
