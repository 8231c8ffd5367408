"""Speed of the customer store: building it from a run, and the README's example question.

Run as ``.venv/bin/python bench/store.py [reports/online-retail]`` after a report run.
Budgets (issue #17): loading the 541,909 Online Retail lines plus every derived table in
under 5 s on two cores; the example question ("which At Risk customers in Germany bought a
teapot in the last 90 days, their top-3 recommendations and why") in under 100 ms. The
query is compared with its pandas equivalent on the same tables, timed in the same run, and
both answers are checked to be the same rows. The question is asked for Germany (the
README's) and for the United Kingdom (a non-empty answer on this data).

The build is timed as wall time and as CPU time of the process (DuckDB's threads included);
on a shared machine the CPU time is the fairer of the two, so the load average is printed.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from aftersales import columns as C
from aftersales import outputs, store

LOAD_BUDGET_S = 5.0
QUERY_BUDGET_MS = 100.0
BUILDS = 3
QUERIES = 20
COUNTRIES = ("Germany", "United Kingdom")


def median_ms(func: Callable[[], object], repeats: int = QUERIES) -> tuple[float, object]:
    """Median wall time of ``repeats`` calls in ms, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times), result


def read(run: Path, key: bytes) -> store.Sources:
    """Read the run's sources; without a run, the Online Retail lines alone."""
    if (run / "manifest.json").exists():
        return store.read_run(run, key=key)
    lines = store.order_lines("online-retail", key=key)
    return store.Sources(manifest={"run": "data only"}, lines=lines)


def build_once(run: Path, key: bytes, target: Path) -> tuple[float, float, dict[str, int]]:
    """Read the run and write a store: wall and CPU seconds, rows per table."""
    wall, cpu = time.perf_counter(), time.process_time()
    built = store.write(read(run, key), target)
    return time.perf_counter() - wall, time.process_time() - cpu, built.rows


def pandas_answer(frames: dict[str, pd.DataFrame], country: str) -> pd.DataFrame:
    """Answer the example question in pandas, on the store's tables held in memory."""
    lines, products = frames["order_lines"], frames["products"]
    customers, recs = frames["customers"], frames["recommendations"]
    since = lines[C.TIMESTAMP].max() - pd.Timedelta(days=90)
    teapots = products.loc[
        products[C.PRODUCT_NAME].str.contains("teapot", case=False, na=False), C.ITEM
    ]
    recent = lines[
        lines[C.ITEM].isin(teapots) & (lines[C.QUANTITY] > 0) & (lines[C.TIMESTAMP] >= since)
    ][C.CUSTOMER_KEY].unique()
    chosen = customers[
        customers[C.CUSTOMER_KEY].isin(recent)
        & (customers[C.SEGMENT] == "At Risk")
        & (customers[C.COUNTRY] == country)
    ][[C.CUSTOMER_KEY, C.CLV]]
    top = recs[recs[C.RANK] <= 3][[C.CUSTOMER_KEY, C.RANK, C.ITEM_NAME, C.REASON]]
    answer = chosen.merge(top, on=C.CUSTOMER_KEY)
    return answer.sort_values(
        [C.CLV, C.CUSTOMER_KEY, C.RANK], ascending=[False, True, True]
    ).reset_index(drop=True)


def main(run: Path) -> None:
    """Time the build and the example question on one run folder."""
    key = outputs.pseudonym_key("")
    if not (run / "manifest.json").exists():
        print(f"no report run in {run}: timing the lines alone (run the online-retail report)")
    print(f"run {run}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / store.STORE_FILE
        timings = [build_once(run, key, target) for _ in range(BUILDS)]
        walls, cpus = [t[0] for t in timings], [t[1] for t in timings]
        rows = timings[-1][2]
        print(
            f"build: {rows['order_lines']:,} lines, {sum(rows.values()):,} rows in all; "
            f"median wall {statistics.median(walls):.2f} s, CPU {statistics.median(cpus):.2f} s "
            f"(budget {LOAD_BUDGET_S:g} s)"
        )
        with store.connect(target) as con:
            frames = {
                name: store.query(con, f"SELECT * FROM {name}")
                for name in ("order_lines", "products", "customers", "recommendations")
            }
            for country in COUNTRIES:
                sql = store.EXAMPLE_QUERY.replace("'Germany'", f"'{country}'")
                sql_ms, answer = median_ms(lambda sql=sql: store.query(con, sql))
                pandas_ms, expected = median_ms(lambda c=country: pandas_answer(frames, c))
                same = list(answer.columns) == list(expected.columns) and answer.astype(
                    "str"
                ).reset_index(drop=True).equals(expected.astype("str"))
                print(
                    f"example question ({country}): {len(answer):,} rows for "
                    f"{answer[C.CUSTOMER_KEY].nunique():,} customers; DuckDB {sql_ms:.1f} ms, "
                    f"pandas {pandas_ms:.1f} ms ({pandas_ms / sql_ms:.1f}x); same rows: {same} "
                    f"(budget {QUERY_BUDGET_MS:g} ms)"
                )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("reports/online-retail"))
