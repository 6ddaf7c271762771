"""The headline figures of notebooks 04 (who was freed) and 05 (judges and sanctions).

Like :mod:`belarus_data.analyses`, each function takes the tables it needs (as ``bd.<table>()``
returns them) and never reads files, so the tests can check every denominator. Rules:

- a *named* person is one linked to a release in ``prisoner_releases``; ``prisoners`` also holds
  Viasna's whole 2023 roster, most of whom no source names as freed;
- shares of the freed are taken over every release, also those with nobody named (a release
  with nobody named adds its people to the denominator and none to the numerator);
- a person-release in which the person was not freed (``refused_to_leave_reimprisoned``) is no
  release: it does not count as time served until freedom;
- "not named as freed" is not "still held": the sources name only some of the people freed;
- where people went is a property of each release (``releases.destinations`` and the
  ``release_figures`` measures ``sent_to`` / ``stayed_in_belarus``), never read off the named.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .load import JURISDICTIONS, LIST_JURISDICTION

NOT_FREED = "refused_to_leave_reimprisoned"
HOME = "BY"
#: the day the roster export is dated to: only its month (2023-03) is known, so the middle of the
#: month is used and any span to it is uncertain by half a month either way
ROSTER_EXPORT_DAY = pd.Timestamp("2023-03-16")
NO_MEDIATOR = "none (Belarus alone)"
DAYS_A_YEAR = 365.25
#: printed under every figure and table that sets the named freed against the others
NOT_NAMED_WARNING = ("'Not named as freed' is not 'still held': the sources name only some of the people freed "
                     "(end of term, unnamed releases).")


# --- who is named ---------------------------------------------------------------------------

def named_freed(people: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """The people linked to at least one release in ``prisoner_releases`` (one row each, with
    every ``prisoners`` column): the named freed, never the whole roster."""
    return people[people.person_id.isin(set(links.person_id))].reset_index(drop=True)


@dataclass(frozen=True)
class Coverage:
    per_release: pd.DataFrame   # release_id, kind, date, released_total, named, share
    named: int                  # person-release links, in every release
    freed: int                  # raw sum of released_total over every release
    named_pardoned: int
    freed_pardoned: int
    releases_with_nobody_named: int

    @property
    def share(self) -> float:
        return self.named / self.freed

    @property
    def share_pardoned(self) -> float:
        return self.named_pardoned / self.freed_pardoned


def coverage(releases: pd.DataFrame, links: pd.DataFrame) -> Coverage:
    """How many of the people each release freed the sources name, over *every* release.

    Both counts are of person-releases (a person freed twice counts in each release, as the raw
    sum of ``released_total`` does), so the shares compare like with like.
    """
    named = links.groupby("release_id").person_id.nunique()
    table = releases[["release_id", "date", "kind", "released_total"]].copy()
    table["kind"] = table.kind.astype(str)
    table["named"] = table.release_id.map(named).fillna(0).astype(int)
    table["share"] = table.named / table.released_total.astype(float)
    table = table.sort_values("date").reset_index(drop=True)
    pardons = table[table.kind == "pardon"]
    return Coverage(table, int(table.named.sum()), int(table.released_total.sum()),
                    int(pardons.named.sum()), int(pardons.released_total.sum()),
                    int((table.named == 0).sum()))


def detention_spans(freed: pd.DataFrame) -> pd.DataFrame:
    """Person-releases in which the person was freed and both dates are known, with
    ``years_in_detention``. A link whose outcome is ``refused_to_leave_reimprisoned`` is left
    out: that person went back to prison and was not freed by that release."""
    out = freed[(freed.outcome.astype("string").fillna("") != NOT_FREED) & freed.days_in_detention.notna()].copy()
    out["years_in_detention"] = out.days_in_detention.astype(float) / DAYS_A_YEAR
    return out.reset_index(drop=True)


def sentence_statements(people: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """For each person, every ``sentence_years`` value a source states (``prisoner_facts``).

    Columns: person_id, name, values (the distinct values stated, sorted), reporters, differs
    (True when the sources state more than one value: a later extension, a new verdict or a
    correction; the data do not say which). Extensions as such are not a field of the data.
    """
    stated = facts[(facts.field == "sentence_years") & facts.person_id.isin(set(people.person_id))].copy()
    stated["number"] = pd.to_numeric(stated.value, errors="coerce")
    rows = []
    names = people.set_index("person_id").name
    for person_id, group in stated.groupby("person_id", sort=True):
        values = sorted(set(group.number.dropna()))
        rows.append({"person_id": person_id, "name": names.get(person_id), "values": values,
                     "reporters": sorted(set(group.reported_by.astype(str))), "differs": len(values) > 1})
    return pd.DataFrame(rows, columns=["person_id", "name", "values", "reporters", "differs"])


def article_of(code: str) -> str:
    """The article of a code, without its part: ``293(2)`` -> ``293``, ``361-1(1)`` -> ``361-1``.

    An article with a suffix (``361-1``) is an article of its own and stays apart from ``361``.
    """
    return str(code).split("(")[0]


def article_counts(people: pd.DataFrame) -> pd.DataFrame:
    """People per article code, as the data give it with its part (``as_given``) and per article,
    its parts together (``by_article``): index = code or article, one person counted once per row."""
    codes = people[["person_id", "criminal_code_articles"]].explode("criminal_code_articles").dropna()
    codes = codes.rename(columns={"criminal_code_articles": "code"})
    as_given = codes.drop_duplicates().groupby("code").person_id.nunique()
    codes["article"] = codes.code.map(article_of)
    by_article = codes.drop_duplicates(["person_id", "article"]).groupby("article").person_id.nunique()
    return pd.DataFrame({"as_given": as_given, "by_article": by_article}).fillna(0).astype(int)


# --- held at the roster export: who is named as freed since ---------------------------------

def years_held_at_export(held: pd.DataFrame) -> pd.Series:
    """Years from ``detained_on`` to the roster export (mid-March 2023, month precision)."""
    return (ROSTER_EXPORT_DAY - held.detained_on).dt.days.astype("Float64") / DAYS_A_YEAR


def named_vs_not_named(held: pd.DataFrame) -> pd.DataFrame:
    """The people held at the roster export, named as freed since vs not named: n, women's share,
    median and quartiles of sentence years and of years held to the export, with the number
    known for each. "Not named" is not "still held"."""
    frame = held.assign(years_held=years_held_at_export(held),
                        group=held.named_as_freed.map({True: "named as freed", False: "not named as freed"}))
    rows = []
    for group, part in frame.groupby("group", sort=True):
        gender = part.gender.dropna()
        sentence = part.sentence_years.dropna().astype(float)
        years = part.years_held.dropna().astype(float)
        rows.append({"group": group, "n": len(part),
                     "gender_known": len(gender), "women_share": (gender == "female").mean() if len(gender) else None,
                     "sentence_known": len(sentence), "sentence_median": sentence.median(),
                     "sentence_q1": sentence.quantile(0.25), "sentence_q3": sentence.quantile(0.75),
                     "years_held_known": len(years), "years_held_median": years.median(),
                     "years_held_q1": years.quantile(0.25), "years_held_q3": years.quantile(0.75)})
    return pd.DataFrame(rows).set_index("group")


def article_shares(held: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """Share of each group (named as freed / not named) convicted under each article (its parts
    together), for the ``top`` articles most frequent among all held; denominators = people with
    any article."""
    frame = held[held.criminal_code_articles.map(len) > 0]
    articles = frame.assign(article=frame.criminal_code_articles.map(lambda a: sorted({article_of(c) for c in a})))
    exploded = articles.explode("article")
    leading = exploded.article.value_counts().head(top).index
    out = {}
    for named, part in articles.groupby("named_as_freed"):
        label = "named as freed" if named else "not named as freed"
        hits = part.explode("article")
        out[label] = hits[hits.article.isin(leading)].groupby("article").person_id.nunique() / len(part)
        out[f"n {label}"] = pd.Series(len(part), index=leading)
    return pd.DataFrame(out).reindex(leading).fillna(0)


# --- analysis 4: freed abroad (forced exile) vs at home, for everyone freed ------------------

def abroad_or_home(releases: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """Per release, how many people were taken abroad and how many freed in Belarus.

    From the release's own figures: ``sent_to`` per country (the largest value reported for each
    country, the total capped at ``released_total`` because sources that name different
    countries for the same people conflict) and ``stayed_in_belarus``; where a release has no
    such figure, its ``destinations``: only ``BY`` = everyone at home, only other countries =
    everyone abroad; both, or none listed = ``unknown``. Columns: release_id, date, kind,
    mediator, released_total, abroad, home, unknown, basis, lower_bound (a figure used is given
    as about or at least), refused_to_leave (largest count reported of people who refused to
    cross the border, who are inside ``released_total`` or not as their sources say).
    """
    rows = []
    for r in releases.sort_values("date").itertuples():
        total = int(r.released_total)
        mine = figures[figures.release_id == r.release_id]
        sent = mine[mine.measure == "sent_to"]
        stayed = mine[mine.measure == "stayed_in_belarus"]
        refused = mine[mine.measure == "refused_to_leave"]
        destinations = list(r.destinations) if isinstance(r.destinations, list) else []
        lower = False
        if len(sent) or len(stayed):
            per_country = sent.groupby("country").value.max()
            abroad = min(int(per_country.sum()), total) if len(per_country) else None
            home = int(stayed.value.max()) if len(stayed) else None
            if abroad is None:
                abroad = total - home
            if home is None:
                home = 0 if HOME not in destinations else total - abroad
            lower = bool((sent.qualifier != "exact").any() and (per_country.sum() < total)
                         or (stayed.qualifier != "exact").any())
            basis = "figures (sent_to / stayed_in_belarus)"
        elif destinations == [HOME]:
            abroad, home, basis = 0, total, "destinations: BY only"
        elif destinations and HOME not in destinations:
            abroad, home, basis = total, 0, "destinations: abroad only"
        else:
            abroad, home, basis = 0, 0, "destinations: " + ("/".join(destinations) or "not stated")
        unknown = total - abroad - home
        rows.append({"release_id": r.release_id, "date": r.date, "kind": str(r.kind),
                     "mediator": r.mediator if pd.notna(r.mediator) else NO_MEDIATOR,
                     "released_total": total, "abroad": abroad, "home": home, "unknown": unknown,
                     "basis": basis, "lower_bound": lower,
                     "refused_to_leave": int(refused.value.max()) if len(refused) else 0})
    return pd.DataFrame(rows)


def named_destinations(freed: pd.DataFrame) -> pd.Series:
    """Where the *named* freed went (one per person-release), for illustration only."""
    return freed.outcome.astype("string").fillna("not stated").value_counts()


# --- analysis 5: mediators ------------------------------------------------------------------

def by_channel(freed: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Who each channel (the release's mediator; none = Belarus alone) frees, among the named:
    n person-releases where the person was freed, women's share (of those whose gender is
    known), median sentence years (of those known), and the three most frequent articles (parts together)."""
    free = freed[freed.outcome.astype("string").fillna("") != NOT_FREED]
    frame = free.merge(people[["person_id", "gender"]], on="person_id", how="left")
    frame["channel"] = frame.mediator.astype("string").fillna(NO_MEDIATOR)
    rows = []
    for channel, part in frame.groupby("channel", sort=True):
        gender = part.gender.dropna()
        sentence = part.sentence_years.dropna().astype(float)
        articles = part.criminal_code_articles.map(
            lambda a: sorted({article_of(c) for c in a}) if isinstance(a, list) else []).explode().dropna()
        rows.append({"channel": channel, "n": len(part), "gender_known": len(gender),
                     "women_share": (gender == "female").mean() if len(gender) else None,
                     "sentence_known": len(sentence), "sentence_median": sentence.median() if len(sentence) else None,
                     "articles_known": int((part.criminal_code_articles.map(lambda a: isinstance(a, list) and len(a) > 0)).sum()),
                     "top_articles": ", ".join(f"{a} ({c})" for a, c in articles.value_counts().head(3).items())})
    return pd.DataFrame(rows).set_index("channel").sort_values("n", ascending=False)


# --- notebook 05: judges and sanctions ------------------------------------------------------

def judge_designations(judges: pd.DataFrame, designations: pd.DataFrame) -> pd.DataFrame:
    """One row per judge and designation: judge_id, name, prisoners_sentenced, jurisdiction,
    list, list_entry_id, designated_on, status, list_as_of (judges without one are left out)."""
    keyed = designations.assign(key=designations.list.astype(str) + "/" + designations.list_entry_id.astype(str))
    rows = judges[["judge_id", "name", "prisoners_sentenced", "designations"]].explode("designations").dropna(
        subset=["designations"])
    out = rows.merge(keyed[["key", "list", "list_entry_id", "designated_on", "status", "list_as_of"]],
                     left_on="designations", right_on="key", how="left")
    out["jurisdiction"] = out.list.astype(str).map(LIST_JURISDICTION)
    return out[["judge_id", "name", "prisoners_sentenced", "jurisdiction", "list", "list_entry_id",
                "designated_on", "status", "list_as_of"]].reset_index(drop=True)


def designated_share(judges: pd.DataFrame, designations: pd.DataFrame, top: int | None = None) -> pd.DataFrame:
    """Of the judges (all, or the ``top`` by prisoners sentenced, ties at the cut kept), how many
    each jurisdiction's list names (listed or delisted, as of each list's own snapshot), and
    how many any list names. Columns: judges, designated, share."""
    pool = judges
    if top is not None:
        cut = judges.prisoners_sentenced.nlargest(top).min()
        pool = judges[judges.prisoners_sentenced >= cut]
    links = judge_designations(pool, designations)
    rows = {}
    for jurisdiction in JURISDICTIONS:
        hit = links[links.jurisdiction == jurisdiction].judge_id.nunique()
        rows[jurisdiction] = {"judges": len(pool), "designated": hit}
    rows["any"] = {"judges": len(pool), "designated": links.judge_id.nunique()}
    table = pd.DataFrame(rows).T
    table["share"] = table.designated / table.judges
    return table


def verdict_dates(people: pd.DataFrame) -> pd.DataFrame:
    """One row per judge and person sentenced with a known verdict day (``sentenced_on``)."""
    rows = people[["person_id", "judge_ids", "sentenced_on"]].explode("judge_ids").dropna(subset=["judge_ids", "sentenced_on"])
    return rows.rename(columns={"judge_ids": "judge_id"}).reset_index(drop=True)


def designation_lags(judges: pd.DataFrame, designations: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """For each designated judge and list: the judge's verdicts in the roster, and the days from
    them to the designation. Columns: judge_id, name, jurisdiction, designated_on (empty for the
    US list, which carries no dates), list_as_of, verdicts (known days), first_verdict,
    last_verdict, days_first_to_designation, verdicts_before, verdicts_after (verdicts on or after
    the designation day). Lags are empty where the list gives no designation day."""
    links = judge_designations(judges, designations)
    dates = verdict_dates(people)
    rows = []
    for link in links.itertuples():
        mine = dates[dates.judge_id == link.judge_id].sentenced_on
        first = mine.min() if len(mine) else pd.NaT
        dated = pd.notna(link.designated_on)
        rows.append({"judge_id": link.judge_id, "name": link.name, "jurisdiction": link.jurisdiction,
                     "designated_on": link.designated_on, "list_as_of": link.list_as_of,
                     "verdicts": len(mine), "first_verdict": first, "last_verdict": mine.max() if len(mine) else pd.NaT,
                     "days_first_to_designation": (link.designated_on - first).days if dated and pd.notna(first) else None,
                     "verdicts_before": int((mine < link.designated_on).sum()) if dated else None,
                     "verdicts_after": int((mine >= link.designated_on).sum()) if dated else None})
    out = pd.DataFrame(rows)
    for column in ("days_first_to_designation", "verdicts_before", "verdicts_after"):
        out[column] = out[column].astype("Int64")
    return out


def freed_with_designated_judge(freed: pd.DataFrame, judges: pd.DataFrame, designations: pd.DataFrame) -> pd.DataFrame:
    """The named freed whose verdict the roster credits to a judge some list designates:
    one row per person, judge and jurisdiction (person_id, name, release_id, judge, jurisdiction)."""
    free = freed[freed.outcome.astype("string").fillna("") != NOT_FREED]
    rows = free[["person_id", "name", "release_id", "judge_ids"]].explode("judge_ids").dropna(subset=["judge_ids"])
    links = judge_designations(judges, designations)[["judge_id", "name", "jurisdiction"]].rename(
        columns={"name": "judge"})
    out = rows.merge(links, left_on="judge_ids", right_on="judge_id")
    return out[["person_id", "name", "release_id", "judge", "jurisdiction"]].drop_duplicates().reset_index(drop=True)
