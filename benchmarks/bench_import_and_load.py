"""Print three ratios (targets in brackets):
- time of `python -c "import belarus_data"` / time of `python -c "import pandas"`   [<= 1.3]
- time of `bd.load_all()` / time of bare `pandas.read_csv` of the same files, as a
  notebook calls it again and again in one process                                  [<= 2.0]
- the same for the first call in a fresh process, each file's typed frame found in the
  cache on disk that an earlier process wrote (schemas read, every hash still checked)  [<= 2.0]
- the same with the cache off, as for the very first load of these files on a machine
  (every column typed and checked), for information: no target

Each side is timed many times, interleaved, and the medians compared, because the machines
here are shared and noisy. Run: python benchmarks/bench_import_and_load.py
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

REPEATS = 15


def _median_seconds(command: list[str]) -> float:
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        subprocess.run(command, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def import_ratio() -> float:
    pandas = _median_seconds([sys.executable, "-c", "import pandas"])
    ours = _median_seconds([sys.executable, "-c", "import belarus_data"])
    print(f"import pandas        {pandas * 1000:8.1f} ms")
    print(f"import belarus_data  {ours * 1000:8.1f} ms")
    return ours / pandas


def load_ratio() -> float:
    import pandas as pd

    import belarus_data as bd
    from belarus_data.load import table_path

    paths = [table_path(name) for name in bd.table_names()]
    bd.load_all()  # warm: schemas parsed and hashes verified once per process, as for a user

    def bare() -> None:
        for path in paths:
            pd.read_csv(path)

    ours_t, bare_t = [], []
    for _ in range(REPEATS * 4):
        t0 = time.perf_counter(); bare(); bare_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter(); bd.load_all(); ours_t.append(time.perf_counter() - t0)
    print(f"pandas.read_csv x{len(paths)}  {statistics.median(bare_t) * 1000:8.1f} ms")
    print(f"bd.load_all()       {statistics.median(ours_t) * 1000:8.1f} ms")
    return statistics.median(ours_t) / statistics.median(bare_t)


def first_call_ratio(cache: str) -> float:
    """``cache``: the BELARUS_DATA_CACHE setting of the timed processes."""
    timing = ("import time, pathlib, pandas as pd, belarus_data as bd\n"
              "from belarus_data.load import table_path\n"
              "paths = [table_path(n) for n in bd.table_names()]\n"
              "t0 = time.perf_counter(); {call}; print(time.perf_counter() - t0)")
    env = {**os.environ, "BELARUS_DATA_CACHE": cache}
    subprocess.run([sys.executable, "-c", "import belarus_data as bd; bd.load_all()"], env=env, check=True)
    ours, bare = [], []
    for _ in range(REPEATS):
        for call, into in (("bd.load_all()", ours), ("[pd.read_csv(p) for p in paths]", bare)):
            out = subprocess.run([sys.executable, "-c", timing.format(call=call)], check=True,
                                 capture_output=True, text=True, env=env)
            into.append(float(out.stdout))
    print(f"first call in a fresh process, cache {'off' if cache == 'off' else 'warm'}: "
          f"read_csv {statistics.median(bare) * 1000:.1f} ms, load_all {statistics.median(ours) * 1000:.1f} ms")
    return statistics.median(ours) / statistics.median(bare)


if __name__ == "__main__":
    print(f"import ratio: {import_ratio():.2f} (target <= 1.3)")
    with tempfile.TemporaryDirectory(prefix="belarus-data-bench-cache-") as cache:
        os.environ["BELARUS_DATA_CACHE"] = cache  # never the user's own cache
        print(f"load_all ratio: {load_ratio():.2f} (target <= 2.0)")
        print(f"first-call load_all ratio, warm cache: {first_call_ratio(cache):.2f} (target <= 2.0)")
    print(f"first-call load_all ratio, cache off: {first_call_ratio('off'):.2f} (no target)")
