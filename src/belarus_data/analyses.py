"""The verdicts and headline figures of the notebooks, as functions of the loaded tables.

The notebooks print and draw what these functions return, so tests can check every verdict and
denominator. Each function takes the tables it needs (as ``bd.<table>()`` returns them) and never
reads files itself. Rules the functions follow:

- relief is what the sources say eases a measure (``sanctions.direction == "eases"``), never
  guessed from the ``action`` verb;
- a lower-bound count can support a claim of "at least N", never refute it;
- counts and releases are compared over the same window;
- a relief step that the data does not show by the day it was last observed is censored, not
  zero days late.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

SUPPORTED, PARTLY, NOT_SUPPORTED, CONTRADICTED, NOT_IN_DATA = (
    "supported", "partly supported", "not supported", "contradicted", "not in the data")
INVASION = pd.Timestamp("2022-02-24")
ELECTION_2020 = pd.Timestamp("2020-08-09")
VIASNA = "Viasna"
#: release kinds as routes out of prison (end of sentence is not a release event: see ``monthly_flows``)
ROUTES = {"pardon": "pardon", "negotiated_release": "negotiated release", "exchange": "exchange",
          "handover": "negotiated release", "other": "other release"}
STEPS = ("announce", "license", "delist")


@dataclass(frozen=True)
class Verdict:
    claim: str
    verdict: str
    evidence: str
    steps: tuple[str, ...] = field(default_factory=tuple)


# --- relief ---------------------------------------------------------------------------------

def relief_actions(sanctions: pd.DataFrame) -> pd.DataFrame:
    """The actions that ease a measure, as their sources describe them."""
    return sanctions[sanctions.direction == "eases"]


def _sector(row) -> str:
    sectors = list(row.sectors) if isinstance(row.sectors, list) else []
    return sectors[0] if sectors else str(row.target)


def concessions(sanctions: pd.DataFrame) -> pd.DataFrame:
    """Relief rows traded for a release, grouped into concessions.

    A concession is what one jurisdiction eased for one release in one sector (its first named
    sector, else its target): Belavia's announcement, licences and delisting are one concession.
    Columns: jurisdiction, release_id, sector, rows, action_ids, and the first day of each step
    (``announce``, ``license``, ``delist``; NaT when the data show none).
    """
    eased = relief_actions(sanctions).dropna(subset=["release_id"]).copy()
    eased["sector"] = [_sector(r) for r in eased.itertuples()]
    eased["step"] = eased.action.astype(str).map({"announce": "announce", "license": "license",
                                                  "ease": "license", "lift": "delist"})
    out = []
    for (jurisdiction, release_id, sector), group in eased.groupby(
            [eased.jurisdiction.astype(str), eased.release_id.astype(str), "sector"], sort=True):
        row = {"jurisdiction": jurisdiction, "release_id": release_id, "sector": sector,
               "rows": len(group), "action_ids": sorted(group.action_id)}
        for step in STEPS:
            days = group[group.step == step].date
            row[step] = days.min() if len(days) else pd.NaT
        out.append(row)
    columns = ["jurisdiction", "release_id", "sector", "rows", "action_ids", *STEPS]
    return pd.DataFrame(out, columns=columns)


def _delisted_between(designations: pd.DataFrame, names: list[str]) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The window in which the US list dropped subjects named in ``names``: (last seen, first absent).

    The SDN rows of ``status == "delisted"`` are subjects present in an earlier snapshot and
    absent from the later one; without a ``delisted_on`` the day is only bounded by the two
    snapshots (the earlier is 2026-03-22, the names-only copy; see the codebook).
    """
    us = designations[(designations.list == "us_ofac_sdn") & (designations.status == "delisted")]
    hits = us[us.name.str.upper().map(lambda n: any(w.upper() in n for w in names))]
    if hits.empty:
        return None
    dated = hits.delisted_on.dropna()
    if len(dated):
        return dated.max(), dated.max()
    return EARLIER_SDN_SNAPSHOT, hits.list_as_of.max()


EARLIER_SDN_SNAPSHOT = pd.Timestamp("2026-03-22")
#: the three companies General License 13 names (sanctions row us-2025-12-15-potash-gl13)
POTASH_COMPANIES = ("Belaruskali", "Belarusian Potash Company", "Agrorozkvit")


def potash_claim(sanctions: pd.DataFrame, designations: pd.DataFrame, release_id: str = "2025-12-13") -> Verdict:
    """"The US agreed to lift potash sanctions in exchange": each step, and what it was traded for."""
    potash = relief_actions(sanctions)
    potash = potash[(potash.jurisdiction == "US") & potash.sectors.map(lambda s: "potash" in s)].sort_values("date")
    steps = [f"{a.date:%Y-%m-%d} {a.action} ({a.target}); traded for release {a.release_id}"
             for a in potash.itertuples()]
    gone = _delisted_between(designations, list(POTASH_COMPANIES))
    if gone:
        steps.append(f"between {gone[0]:%Y-%m-%d} and {gone[1]:%Y-%m-%d}: the potash companies left the "
                     "US SDN list (sanction_designations, status delisted)")
    linked = potash[potash.release_id == release_id]
    if linked.empty:
        return Verdict("the US agreed to lift potash sanctions in exchange", NOT_IN_DATA,
                       "no potash relief linked to the release", tuple(steps))
    lifted = linked.action.isin(["lift"]).any()
    verdict = SUPPORTED if lifted else PARTLY
    evidence = ("for this release: " + "; ".join(f"{a.action} {a.date:%Y-%m-%d}" for a in linked.itertuples())
                + ("" if lifted else "; the delisting came only with a later release"))
    return Verdict("the US agreed to lift potash sanctions in exchange", verdict, evidence, tuple(steps))


# --- impositions ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Intensification:
    before: int
    after: int
    years_before: float
    years_after: float
    new_sectors_after: tuple[str, ...]
    sectors_before: tuple[str, ...]
    sectors_after: tuple[str, ...]
    verdict: Verdict

    @property
    def rate_before(self) -> float:
        return self.before / self.years_before

    @property
    def rate_after(self) -> float:
        return self.after / self.years_after


def intensification(sanctions: pd.DataFrame, jurisdictions=("US", "EU"), start=ELECTION_2020,
                    cutoff=INVASION, end=None) -> Intensification:
    """Impositions (``direction == "imposes"``) per year before and after ``cutoff``, and their sectors.

    The periods run from ``start`` (the 2020 election) to the day before ``cutoff``, and from
    ``cutoff`` to ``end`` (default: the newest action in the table, the end of observation).
    Verdict: *supported* when the rate rose and new sectors were hit, *partly supported* when only
    one of the two holds, *not supported* when neither does. An action is one legal step, whatever
    the number of names or goods it covers, so the rate measures activity, not severity.
    """
    end = pd.Timestamp(end) if end is not None else sanctions.date.max()
    imposed = sanctions[(sanctions.direction == "imposes") & sanctions.jurisdiction.isin(list(jurisdictions))]
    before = imposed[(imposed.date >= start) & (imposed.date < cutoff)]
    after = imposed[(imposed.date >= cutoff) & (imposed.date <= end)]
    years_before = (cutoff - start).days / 365.25
    years_after = ((end - cutoff).days + 1) / 365.25
    sectors_before = sorted(set(before.sectors.explode().dropna()))
    sectors_after = sorted(set(after.sectors.explode().dropna()))
    new = tuple(s for s in sectors_after if s not in sectors_before)
    rate_b, rate_a = len(before) / years_before, len(after) / years_after
    rose = rate_a > rate_b
    verdict = SUPPORTED if rose and new else (PARTLY if rose or new else NOT_SUPPORTED)
    evidence = (f"{'/'.join(jurisdictions)} impositions: {len(before)} from {start:%Y-%m-%d} to {cutoff:%Y-%m-%d} "
                f"({rate_b:.1f} a year), {len(after)} from {cutoff:%Y-%m-%d} to {end:%Y-%m-%d} ({rate_a:.1f} a year); "
                f"sectors first hit after {cutoff:%Y-%m-%d}: {', '.join(new) or 'none'}")
    return Intensification(len(before), len(after), years_before, years_after, new, tuple(sectors_before),
                           tuple(sectors_after),
                           Verdict("the US and EU intensified sanctions after 2022", verdict, evidence))


# --- counts ---------------------------------------------------------------------------------

def counts_of_the_day(counts: pd.DataFrame, day, days: int = 14, measure: str = "held_now") -> pd.DataFrame:
    """Every count of ``measure`` dated within ``days`` of ``day``, by any counter, in date order."""
    day = pd.Timestamp(day)
    near = counts[(counts.measure == measure) & ((counts.date - day).abs() <= pd.Timedelta(days=days))]
    return near.sort_values(["date", "counted_by"])


def at_least_claim(claim: str, claimed_minimum: int, near: pd.DataFrame, *, same_population: bool) -> Verdict:
    """Check a claim "at least ``claimed_minimum``" against counts.

    A count reaching the minimum supports the claim. A count below it refutes it only when the
    count is exact *and* counts the population the claim is about; a lower bound (``at_least``)
    or a count of a narrower population (recognised political prisoners for "detainees") cannot.
    """
    values = ", ".join(f"{'≥' if r.qualifier == 'at_least' else ('~' if r.qualifier == 'about' else '')}"
                       f"{r.value:,} ({r.counted_by}, {r.date:%Y-%m-%d})" for r in near.itertuples())
    if near.empty:
        return Verdict(claim, NOT_IN_DATA, "no count near the day")
    if (near.value >= claimed_minimum).any():
        return Verdict(claim, SUPPORTED, values)
    exact = near[near.qualifier == "exact"]
    if same_population and not exact.empty:
        return Verdict(claim, CONTRADICTED, values)
    return Verdict(claim, NOT_IN_DATA,
                   f"counts of the day: {values}; these count recognised political prisoners, a narrower "
                   "population than detainees, so they neither confirm nor refute 'thousands'")


def viasna_balance(counts: pd.DataFrame) -> pd.DataFrame:
    """Viasna's running totals on the days it published all three: recognised since 2020,
    released since 2020, held now; ``gap`` = recognised - released - held (0 when they balance)."""
    viasna = counts[counts.counted_by == VIASNA]
    wide = viasna.pivot_table(index="date", columns="measure", values="value", aggfunc="first",
                              observed=True)
    qual = viasna.pivot_table(index="date", columns="measure", values="qualifier", aggfunc="first",
                              observed=True)
    need = ["recognised_since_2020", "released_since_2020", "held_now"]
    if not set(need) <= set(wide.columns):
        return pd.DataFrame(columns=[*need, "gap", "qualifiers"])
    both = wide[need].dropna().astype(int)
    both["gap"] = both.recognised_since_2020 - both.released_since_2020 - both.held_now
    both["qualifiers"] = [", ".join(sorted(set(qual.loc[d, need]))) for d in both.index]
    return both


@dataclass(frozen=True)
class Window:
    start: pd.Timestamp
    end: pd.Timestamp
    held_start: int
    held_end: int
    releases: int
    raw_sum: int
    distinct_at_least: int
    distinct_at_most: int
    political_floor: int
    same_day_releases: tuple[str, ...]
    recognised_start: int | None
    recognised_end: int | None

    @property
    def fall(self) -> int:
        return self.held_start - self.held_end


def held_vs_freed(counts: pd.DataFrame, releases: pd.DataFrame, start=None, end=None) -> Window:
    """Viasna's count of people held at two days, and the releases between them (same window).

    Default window: from the last Viasna count before the first release to Viasna's newest count.
    Releases count from the day after ``start`` to ``end`` inclusive; releases dated on ``end``
    itself (the count may or may not include them) are named in ``same_day_releases``.
    """
    from .totals import release_totals

    held = counts[(counts.measure == "held_now") & (counts.counted_by == VIASNA)].sort_values("date")
    first_release = releases.date.min()
    start = pd.Timestamp(start) if start is not None else held[held.date < first_release].date.max()
    end = pd.Timestamp(end) if end is not None else held.date.max()
    at = held.drop_duplicates("date", keep="last").set_index("date").value
    inside = releases[(releases.date > start) & (releases.date <= end)]
    totals = release_totals(inside)
    recognised = counts[(counts.measure == "recognised_since_2020") & (counts.counted_by == VIASNA)].set_index("date").value
    return Window(start, end, int(at[start]), int(at[end]), totals.releases, totals.raw_sum,
                  totals.distinct_at_least, totals.distinct_at_most, totals.political_prisoners,
                  tuple(inside[inside.date == end].release_id),
                  int(recognised[start]) if start in recognised.index else None,
                  int(recognised[end]) if end in recognised.index else None)


# --- the field's analyses -------------------------------------------------------------------

def freed_by_route(releases: pd.DataFrame) -> pd.DataFrame:
    """People freed per month and route (pardon, negotiated release, exchange, other release),
    from the releases' best figures: a month-by-route table of raw sums (people freed twice
    are counted in each release, see ``release_totals``)."""
    frame = releases.assign(month=releases.date.dt.to_period("M"),
                            route=releases.kind.astype(str).map(ROUTES))
    return frame.pivot_table(index="month", columns="route", values="released_total", aggfunc="sum",
                             fill_value=0).astype(int)


def running_total_flows(counts: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Differences between consecutive Viasna values of a running total (``recognised_since_2020``,
    ``released_since_2020``): the people added between two publication days.

    Columns: start, end, months (length of the interval), added, per_month, exact (both ends
    exact; otherwise one end is ``about`` or ``at_least`` and the difference is rough).
    """
    series = counts[(counts.measure == measure) & (counts.counted_by == VIASNA)].sort_values("date")
    rows = []
    for a, b in zip(series.itertuples(), series.iloc[1:].itertuples()):
        months = (b.date - a.date).days / 30.44
        rows.append({"start": a.date, "end": b.date, "months": round(months, 1), "added": int(b.value - a.value),
                     "per_month": (b.value - a.value) / months if months else float("nan"),
                     "exact": a.qualifier == "exact" and b.qualifier == "exact"})
    return pd.DataFrame(rows, columns=["start", "end", "months", "added", "per_month", "exact"])


def political_status(releases: pd.DataFrame, figures: pd.DataFrame) -> pd.Series:
    """Per release, what the data say about the political status of the people freed:
    ``all political (Viasna)`` when Viasna's figure equals the total, ``partly non-political``
    when the authorities' own count of 'extremism' convictions is below the total (the others
    were convicted of other offences), ``not stated`` otherwise."""
    extremism = figures[figures.measure == "convicted_of_extremism"].groupby("release_id", observed=True).value.max()
    out = {}
    for r in releases.itertuples():
        total = r.released_total
        if pd.notna(r.political_prisoners) and pd.notna(total) and r.political_prisoners >= total:
            out[r.release_id] = "all political (Viasna)"
        elif r.release_id in extremism.index and pd.notna(total) and extremism[r.release_id] < total:
            out[r.release_id] = "partly non-political"
        else:
            out[r.release_id] = "not stated"
    return pd.Series(out, name="political_status")


def relief_steps(releases: pd.DataFrame, sanctions: pd.DataFrame, designations: pd.DataFrame,
                 mediator: str = "United States", jurisdiction: str = "US") -> pd.DataFrame:
    """Every release that ``mediator`` mediated, with each concession of ``jurisdiction`` and
    the days from the release to each step (announcement, licence, delisting).

    One row per concession; a release with none has one row with ``sector`` empty. A step the
    data do not show is censored at the end of observation: ``<step>_days`` is empty and
    ``<step>_censored_at`` gives the days observed without it. A delisting seen only between two
    list snapshots gets ``delist_days_min``/``delist_days_max``.
    """
    observed_until = max(sanctions.date.max(),
                         designations[designations.list == "us_ofac_sdn"].list_as_of.max())
    con = concessions(sanctions)
    con = con[con.jurisdiction == jurisdiction]
    # the SDN delisting of the potash companies (seen only between two snapshots) belongs to the
    # last potash concession announced before the earlier snapshot
    window = _delisted_between(designations, list(POTASH_COMPANIES))
    potash = con[(con.sector == "potash") & (con.announce <= window[0])] if window else con.iloc[0:0]
    potash_for_delisting = potash.sort_values("announce").release_id.iloc[-1] if len(potash) else None
    rows = []
    mediated = releases[releases.mediator == mediator].sort_values("date")
    for r in mediated.itertuples():
        mine = con[con.release_id == r.release_id]
        if mine.empty:
            rows.append({"release_id": r.release_id, "release_date": r.date, "released_total": r.released_total,
                         "sector": None, "censored_at": (observed_until - r.date).days})
            continue
        for c in mine.itertuples():
            row = {"release_id": r.release_id, "release_date": r.date, "released_total": r.released_total,
                   "sector": c.sector, "action_ids": c.action_ids, "censored_at": (observed_until - r.date).days}
            for step in STEPS:
                day = getattr(c, step)
                row[f"{step}_days"] = (day - r.date).days if pd.notna(day) else None
            if row.get("delist_days") is None and c.sector == "potash" and r.release_id == potash_for_delisting:
                    row["delist_days_min"] = max((window[0] - r.date).days, 0)
                    row["delist_days_max"] = (window[1] - r.date).days
            rows.append(row)
    frame = pd.DataFrame(rows)
    for column in [f"{s}_days" for s in STEPS] + ["delist_days_min", "delist_days_max"]:
        if column not in frame:
            frame[column] = None
        frame[column] = frame[column].astype("Int64")
    frame.attrs["observed_until"] = observed_until
    return frame


def jurisdiction_split(sanctions: pd.DataFrame, since="2024-07-01") -> pd.DataFrame:
    """Actions per jurisdiction and direction since ``since`` (the first release of the series):
    who eased and who kept imposing while prisoners were being freed."""
    recent = sanctions[sanctions.date >= pd.Timestamp(since)]
    table = pd.crosstab(recent.jurisdiction.astype(str), recent.direction.astype(str))
    for column in ("imposes", "eases", "neutral"):
        if column not in table:
            table[column] = 0
    return table[["imposes", "eases", "neutral"]]


def designations_crosstab(designations: pd.DataFrame, on=None) -> pd.DataFrame:
    """Subjects per list and type that were designated on ``on`` (default: each list's own
    snapshot day, delisted rows left out); with ``on``, the rows designated by then (a known
    ``designated_on`` on or before it) and not delisted by then; rows without a designation day
    cannot be placed and are left out. Each list is read as of its own snapshot, so the
    lists answer for different days (the codebook says which)."""
    frame = designations
    if on is not None:
        on = pd.Timestamp(on)
        designated_by = frame.designated_on.notna() & (frame.designated_on <= on)
        not_yet_gone = (frame.status != "delisted") | (frame.delisted_on.notna() & (frame.delisted_on > on))
        frame = frame[designated_by & not_yet_gone & (frame.list_as_of >= on)]
    else:
        frame = frame[frame.status != "delisted"]
    return pd.crosstab(frame.list.astype(str), frame.subject_type.astype(str))
