"""Speed of RFM segmentation and of the BG/NBD + Gamma-Gamma fit on Online Retail.

Run as ``.venv/bin/python bench/segment.py``. Budgets (issue #5): RFM and segments for all
customers in under 2 s; BG/NBD plus Gamma-Gamma fit in under 10 s. Each vectorised step is
compared with a naive baseline measured in the same run:

- RFM: ``groupby(...).apply`` calling a Python function per customer;
- likelihood: one BG/NBD log-likelihood evaluation as a Python loop over customers with
  ``math.lgamma`` (the optimiser calls it a few hundred times per fit).

Transactions are cleaned here by the three rules of the brief (drop rows without a
customer, invoices starting with "C", unit price <= 0), so the numbers do not depend on
the cleaning module's options.
"""

from __future__ import annotations

import math
import statistics
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd

from aftersales import clv, datasets, segment
from aftersales import columns as C

REPEATS = 5
RFM_BUDGET_S = 2.0
FIT_BUDGET_S = 10.0


def best_time(func: Callable[[], object], repeats: int = REPEATS) -> tuple[float, object]:
    """Median wall time of ``repeats`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def peak_mib(func: Callable[[], object]) -> float:
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def load_clean() -> pd.DataFrame:
    raw = datasets.load("online-retail")
    keep = raw[C.CUSTOMER].notna() & ~raw[C.INVOICE].str.startswith("C") & (raw[C.UNIT_PRICE] > 0)
    return raw[keep].reset_index(drop=True)


def naive_rfm(transactions: pd.DataFrame) -> pd.DataFrame:
    reference = transactions[C.TIMESTAMP].dt.floor("D").max() + pd.Timedelta(days=1)

    def one(group: pd.DataFrame) -> pd.Series:
        days = group[C.TIMESTAMP].dt.floor("D")
        return pd.Series(
            {
                C.RECENCY: (reference - days.max()).days,
                C.FREQUENCY: group[C.INVOICE].nunique(),
                C.MONETARY: float((group[C.QUANTITY] * group[C.UNIT_PRICE]).sum()),
                C.TENURE: (reference - days.min()).days,
            }
        )

    return transactions.groupby(C.CUSTOMER).apply(one, include_groups=False).reset_index()


def naive_bgnbd_log_likelihood(model: clv.BGNBD, x, tx, T) -> float:
    r, alpha, a, b = model.r, model.alpha, model.a, model.b
    total = 0.0
    for xi, ti, Ti in zip(x, tx, T, strict=True):
        common = math.lgamma(r + xi) - math.lgamma(r) + r * math.log(alpha)
        beta_ab = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
        alive = (
            math.lgamma(a) + math.lgamma(b + xi) - math.lgamma(a + b + xi) - beta_ab
            - (r + xi) * math.log(alpha + Ti)
        )  # fmt: skip
        value = math.exp(alive)
        if xi > 0:
            dropped = (
                math.lgamma(a + 1) + math.lgamma(b + xi - 1) - math.lgamma(a + b + xi) - beta_ab
                - (r + xi) * math.log(alpha + ti)
            )  # fmt: skip
            value += math.exp(dropped)
        total += common + math.log(value)
    return total


def main() -> None:
    transactions = load_clean()
    n_customers = transactions[C.CUSTOMER].nunique()
    print(f"online-retail, cleaned: {len(transactions):,} rows, {n_customers:,} customers")

    # --- RFM and segments -----------------------------------------------------------------
    t_rfm, table = best_time(lambda: segment.rfm(transactions))
    t_seg, segmented = best_time(lambda: segment.segment_customers(transactions))
    t_naive, naive = best_time(lambda: naive_rfm(transactions), repeats=1)
    naive = naive.sort_values(C.CUSTOMER).reset_index(drop=True)
    for column in (C.RECENCY, C.FREQUENCY, C.TENURE):
        assert (naive[column].to_numpy() == table[column].to_numpy()).all(), column
    assert np.allclose(naive[C.MONETARY], table[C.MONETARY])
    mem_seg = peak_mib(lambda: segment.segment_customers(transactions))
    print("\nRFM and segments (median of 5 runs)")
    print(f"  rfm table            {t_rfm:8.3f} s")
    print(
        f"  rfm + scores + seg.  {t_seg:8.3f} s   peak {mem_seg:6.1f} MiB   budget {RFM_BUDGET_S} s"
    )
    print(f"  naive groupby-apply  {t_naive:8.3f} s   (same RFM values, checked)")
    print(f"  speed-up rfm vs naive {t_naive / t_rfm:7.1f}x")
    print(f"  segments: {segmented[C.SEGMENT].nunique()} used of {len(segment.SEGMENTS)}")

    # --- BG/NBD and Gamma-Gamma -------------------------------------------------------------
    t_summary, summary = best_time(lambda: clv.summary_from_transactions(transactions))
    x, tx, age = (summary[c].to_numpy() for c in (C.FREQUENCY, C.RECENCY, C.T))

    def fit_both() -> tuple[clv.BGNBD, clv.GammaGamma]:
        return clv.fit_bgnbd(x, tx, age), clv.fit_gamma_gamma(x, summary[C.MONETARY])

    t_fit, (bgnbd, spend) = best_time(fit_both)
    mem_fit = peak_mib(fit_both)
    t_ll, vectorised = best_time(lambda: clv.bgnbd_log_likelihood(bgnbd, x, tx, age).sum())
    t_ll_naive, looped = best_time(lambda: naive_bgnbd_log_likelihood(bgnbd, x, tx, age), 1)
    assert math.isclose(vectorised, looped, rel_tol=1e-9)
    print("\nBG/NBD + Gamma-Gamma (median of 5 runs; time unit weeks)")
    print(f"  summary              {t_summary:8.3f} s")
    print(
        f"  fit both             {t_fit:8.3f} s   peak {mem_fit:6.1f} MiB   budget {FIT_BUDGET_S} s"
    )
    print(f"  log-lik. vectorised  {t_ll * 1e3:8.3f} ms")
    print(f"  log-lik. Python loop {t_ll_naive * 1e3:8.3f} ms   (same value, checked)")
    print(f"  speed-up log-lik.    {t_ll_naive / t_ll:7.1f}x")
    print(
        f"  BG/NBD r={bgnbd.r:.4f} alpha={bgnbd.alpha:.4f} a={bgnbd.a:.4g} b={bgnbd.b:.4g} "
        f"LL={bgnbd.log_likelihood:.2f} n={bgnbd.n_customers}"
    )
    print(
        f"  Gamma-Gamma p={spend.p:.4f} q={spend.q:.4f} v={spend.v:.4f} "
        f"LL={spend.log_likelihood:.2f} n={spend.n_customers}"
    )

    ok = t_seg < RFM_BUDGET_S and t_fit < FIT_BUDGET_S
    print(f"\nbudgets {'met' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()
