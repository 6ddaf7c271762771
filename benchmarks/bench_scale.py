"""How validate and load grow with the data: synthetic tables of 10k, 100k and 1M prisoners
(with releases, figures, links and sources in proportion) in a temporary folder.

Prints, per size: wall time and peak memory (RSS) of `validate` and of `load_all`, each in a fresh
process, the ratio of `load_all` to bare `pandas.read_csv` of the same files, and the growth
exponent between sizes (1.0 = linear). Targets: 1M prisoners validate in under 60 s and 4 GB,
growth close to linear. The cache on disk of typed tables is off in the timed processes: this
measures reading and typing, not the cache. The synthetic rows are generated, obviously fake, and never saved in the
repository. Run: python benchmarks/bench_scale.py [--sizes 10000,100000,1000000]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
PEOPLE_PER_RELEASE = 100
PEOPLE_PER_SOURCE = 10
PEOPLE_PER_JUDGE = 25


def build(root: Path, people: int) -> None:
    """Write a valid synthetic data root with ``people`` prisoners."""
    shutil.copytree(REPO / "schemas", root / "schemas")
    for name in ("pyproject.toml", "CITATION.cff"):
        shutil.copy2(REPO / name, root / name)
    (root / "datasets").mkdir()
    rng = np.random.default_rng(0)
    n_rel, n_src = max(1, people // PEOPLE_PER_RELEASE), max(1, people // PEOPLE_PER_SOURCE)
    src = pd.Series(np.arange(n_src)).map("src-{:07d}".format)
    days = pd.Timestamp("2024-07-01") + pd.to_timedelta(np.arange(n_rel) % 700, unit="D")
    rel_ids = pd.Series(days.strftime("%Y-%m-%d")) + "-" + pd.Series(np.arange(n_rel)).map("r{:06d}".format)
    cite = lambda n: src.iloc[rng.integers(0, n_src, n)].to_numpy()  # noqa: E731
    write = lambda name, frame: frame.to_csv(root / "datasets" / f"{name}.csv", index=False)  # noqa: E731
    write("sources", pd.DataFrame({
        "source_id": src, "url": "https://example.org/" + src, "publisher": "Synthetic", "title": "Synthetic " + src,
        "published_on": "2025-01-01", "language": "en", "kind": "other", "notes": ""}))
    write("releases", pd.DataFrame({
        "release_id": rel_ids, "date": days.strftime("%Y-%m-%d"), "kind": "pardon", "released_total": PEOPLE_PER_RELEASE,
        "political_prisoners": "", "foreign_nationals": "", "destinations": "BY", "mediator": "", "envoys": "",
        "summary": "Synthetic release.", "notes": "", "source_ids": src.iloc[np.arange(n_rel) % n_src].to_numpy()}))
    write("release_figures", pd.DataFrame({
        "release_id": np.repeat(rel_ids, 3), "measure": "released_total", "country": "",
        "value": PEOPLE_PER_RELEASE, "qualifier": "exact",
        "reported_by": np.tile(["Presidency", "Viasna", "Embassy"], n_rel),
        "reported_on": "", "source_id": cite(3 * n_rel), "notes": ""}))
    person = pd.Series(np.arange(people)).map("person-{:07d}".format)
    detained = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 900, people), unit="D")
    headline = {"birth_year": rng.integers(1940, 2005, people), "detained_on": detained.strftime("%Y-%m-%d"),
                "sentenced_on": (detained + pd.Timedelta(days=90)).strftime("%Y-%m-%d"),
                "sentence_years": rng.integers(1, 15, people), "criminal_code_articles": "342(1);130(3)"}
    judge = pd.Series(np.arange(max(1, people // PEOPLE_PER_JUDGE))).map("judge-{:06d}".format)
    person_source = cite(people)
    write("prisoners", _in_schema_order("prisoners", {
        "person_id": person, "name": "Person " + person, "name_be": "", "name_ru": "", "aliases": "Alias " + person,
        "gender": np.where(np.arange(people) % 2, "female", "male"), "citizenship": "BY", "roles": "activist;protester",
        **headline, "viasna_url": "https://example.org/person/" + person, "sentence_text": "2 years",
        "penalty_kind": "general_security_colony", "judge_ids": judge.iloc[np.arange(people) % len(judge)].to_numpy(),
        "viasna_status": "held", "viasna_status_as_of": "2023-03", "roster_record_id": np.arange(1, people + 1),
        "notes": "", "source_ids": person_source}))
    write("prisoner_facts", pd.concat([pd.DataFrame({  # every headline value is a reported one
        "person_id": person, "field": column, "reported_by": "viasna_roster", "value": np.broadcast_to(np.asarray(values).astype(str), people),
        "used_in_prisoners": "true", "as_of": "2023-03", "notes": "", "source_ids": person_source})
        for column, values in headline.items()]).sort_values(["person_id"], kind="stable"))
    write("judges", pd.DataFrame({"judge_id": judge, "name": "Judge " + judge, "aliases": "", "prisoners_sentenced": 1,
                                  "designations": "", "source_ids": cite(len(judge))}))
    write("prisoner_releases", pd.DataFrame({
        "person_id": person, "release_id": rel_ids.iloc[np.arange(people) // PEOPLE_PER_RELEASE].to_numpy(),
        "outcome": "released_in_belarus", "destination": "BY", "notes": "", "source_ids": cite(people)}))
    for name in ("sanctions", "sanction_designations", "designation_exceptions", "prisoner_counts"):
        shutil.copy2(REPO / "datasets" / f"{name}.csv", root / "datasets" / f"{name}.csv")
    actions = pd.read_csv(root / "datasets" / "sanctions.csv", dtype=str, keep_default_na=False)
    actions.assign(release_id="").to_csv(root / "datasets" / "sanctions.csv", index=False)  # no real releases here
    # The copied tables cite repository sources: add those rows so every reference resolves.
    repo_sources = pd.read_csv(REPO / "datasets" / "sources.csv", dtype=str, keep_default_na=False)
    synthetic = pd.read_csv(root / "datasets" / "sources.csv", dtype=str, keep_default_na=False)
    pd.concat([synthetic, repo_sources]).to_csv(root / "datasets" / "sources.csv", index=False)
    _drop_uncited_repo_sources(root, set(repo_sources.source_id))
    _run(f"from belarus_data.datapackage import write_descriptor; write_descriptor({str(root)!r})")


def _in_schema_order(table: str, columns: dict) -> pd.DataFrame:
    """The columns of ``table``'s schema, in order; the ones not given are empty."""
    names = [f["name"] for f in json.loads((REPO / "schemas" / f"{table}.json").read_text(encoding="utf-8"))["fields"]]
    return pd.DataFrame({name: columns.get(name, "") for name in names})


def _drop_uncited_repo_sources(root: Path, repo_ids: set[str]) -> None:
    cited: set[str] = set()
    for name in ("sanctions", "sanction_designations", "designation_exceptions", "prisoner_counts"):
        frame = pd.read_csv(root / "datasets" / f"{name}.csv", dtype=str, keep_default_na=False)
        cited.update(i for cell in frame.source_ids for i in cell.split(";"))
    sources = pd.read_csv(root / "datasets" / "sources.csv", dtype=str, keep_default_na=False)
    keep = ~sources.source_id.isin(repo_ids - cited)
    sources[keep].to_csv(root / "datasets" / "sources.csv", index=False)


def _run(code: str, setup: str = "import belarus_data as bd, pandas as pd, pathlib") -> tuple[float, float]:
    """Seconds of ``code`` (imports in ``setup`` excluded) and peak RSS (MB), in a fresh interpreter."""
    probe = (f"import resource, time\n{setup}\nt0 = time.perf_counter()\n{code}\n"
             "print(time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         env={**os.environ, "BELARUS_DATA_CACHE": "off"})
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    seconds, mb = out.stdout.split()[-2:]
    return float(seconds), float(mb)


def measure(root: Path) -> dict[str, tuple[float, float]]:
    r = repr(str(root))
    return {
        # validate imports pandera and frictionless on first use: import them first, time the work
        "validate": _run(f"bd.validate({r})", "import belarus_data as bd, pandera.pandas, frictionless"),
        "load_all": _run(f"bd.load_all(root={r})"),
        "read_csv": _run(f"[pd.read_csv(p) for p in sorted(pathlib.Path({r}).glob('datasets/*.csv'))]"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    results = {}
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            build(Path(tmp), size)
            built = time.perf_counter() - t0
            results[size] = measure(Path(tmp))
        v, l, b = results[size]["validate"], results[size]["load_all"], results[size]["read_csv"]
        print(f"{size:>9} prisoners (built in {built:5.1f} s): validate {v[0]:6.1f} s {v[1]:7.0f} MB | "
              f"load_all {l[0]:6.1f} s {l[1]:7.0f} MB | read_csv {b[0]:6.1f} s | load/read_csv {l[0] / b[0]:4.2f}",
              flush=True)
    for a, b in zip(sizes, sizes[1:]):
        for what in ("validate", "load_all"):
            k = math.log(results[b][what][0] / results[a][what][0]) / math.log(b / a)
            print(f"growth exponent of {what} from {a} to {b}: {k:.2f}")


if __name__ == "__main__":
    main()
