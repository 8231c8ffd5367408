"""Market-basket speed on Online Retail: all rules at support >= 1%, and pair paths compared.

Run as ``.venv/bin/python bench/basket.py [--min-support 0.01] [--no-memory]``. Prints the time
and counts for baskets, frequent itemsets and rules (target: under 20 s on 2 cores) against plain
mlxtend on the full one-hot frame (the baseline, without our pair pruning), then the pair rules
from one sparse ``X^T X`` product against the mlxtend pair path (FP-growth with ``max_len=2``
and ``association_rules``) at the same support, both as time ratios, and the sparse path on the
whole catalogue (every pair seen in at least one basket). Peak memory comes from a
second run of each step under tracemalloc (which slows pure-Python code, so it is not timed).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd
from mlxtend.frequent_patterns import association_rules, fpgrowth

from aftersales import basket, clean, datasets
from aftersales import columns as C

T = TypeVar("T")


def timed(label: str, func: Callable[[], T], *, memory: bool) -> tuple[T, float]:
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    peak = ""
    if memory:
        tracemalloc.start()
        func()
        peak = f", peak {tracemalloc.get_traced_memory()[1] / 2**20:,.0f} MiB"
        tracemalloc.stop()
    print(f"{label:<52s} {seconds:8.2f} s{peak}")
    return result, seconds


def plain_mlxtend(baskets: basket.Baskets, min_support: float, max_len: int | None = None):
    """Baseline: mlxtend as documented, on the full one-hot frame (no pair pruning)."""
    onehot = pd.DataFrame(baskets.matrix.toarray(), columns=baskets.items)
    itemsets = fpgrowth(onehot, min_support=min_support, use_colnames=True, max_len=max_len)
    rules = association_rules(
        itemsets, num_itemsets=baskets.n_baskets, metric="confidence", min_threshold=0.0
    )
    return itemsets, rules


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-support", type=float, default=0.01)
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    args = parser.parse_args()
    memory = not args.no_memory
    support = args.min_support

    raw = datasets.load("online-retail")
    cleaned, _ = clean.clean_transactions(raw)  # the notebooks' cleaning (01.00, 03.01)
    print(
        f"transactions: {len(raw):,} rows, {len(cleaned):,} after cleaning "
        "(guests, cancellations, non-products and duplicate lines dropped)"
    )

    baskets, t_baskets = timed(
        "baskets (sparse invoice x item)", lambda: basket.make_baskets(cleaned), memory=memory
    )
    print(
        f"  {baskets.n_baskets:,} baskets x {baskets.n_items:,} items, {baskets.matrix.nnz:,} cells"
    )
    itemsets, t_itemsets = timed(
        f"frequent itemsets, FP-growth (support >= {support:g})",
        lambda: basket.frequent_itemsets(baskets, min_support=support),
        memory=memory,
    )
    rules, t_rules = timed(
        "association rules from the itemsets",
        lambda: basket.rules_from_itemsets(itemsets, baskets),
        memory=memory,
    )
    total = t_baskets + t_itemsets + t_rules
    sizes = itemsets[C.ITEMSETS].map(len).value_counts().sort_index()
    print(f"  {len(itemsets):,} itemsets (by size: {sizes.to_dict()}), {len(rules):,} rules")
    print(f"  all rules at support >= {support:g}: {total:.2f} s (target < 20 s)")
    shown = basket.format_rules(rules.head(5))
    print(shown[[C.ANTECEDENTS, C.CONSEQUENTS, *basket.RULE_METRICS[2:]]].round(4).to_string())
    print(shown[[C.ANTECEDENT_DESCRIPTIONS, C.CONSEQUENT_DESCRIPTIONS]].to_string())

    (base_itemsets, base_rules), t_base = timed(
        f"baseline: plain mlxtend, all rules (support >= {support:g})",
        lambda: plain_mlxtend(baskets, support),
        memory=memory,
    )
    same = len(base_itemsets) == len(itemsets) and len(base_rules) == len(rules)
    print(
        f"  same itemset and rule counts: {same}; speed-up over plain mlxtend: "
        f"{t_base / (t_itemsets + t_rules):.1f}x"
    )

    print()
    (_, reference), t_mlxtend = timed(
        f"pair rules, mlxtend path (max_len=2, support >= {support:g})",
        lambda: plain_mlxtend(baskets, support, max_len=2),
        memory=memory,
    )
    sparse, t_sparse = timed(
        f"pair rules, sparse X^T X path (support >= {support:g})",
        lambda: basket.pair_rules(baskets, min_support=support),
        memory=memory,
    )
    same = len(reference) == len(sparse) and np.array_equal(
        np.sort(reference[C.SUPPORT].to_numpy()), np.sort(sparse[C.SUPPORT].to_numpy())
    )
    print(f"  {len(sparse):,} pair rules; same supports as mlxtend: {same}")
    print(f"  speed-up of the sparse path over mlxtend: {t_mlxtend / t_sparse:.1f}x")
    floor = 1.0 / baskets.n_baskets
    catalogue, _ = timed(
        "pair rules, sparse path, whole catalogue (count >= 1)",
        lambda: basket.pair_table(baskets, min_support=floor),
        memory=memory,
    )
    print(f"  {len(catalogue.count):,} ordered pairs over {baskets.n_items:,} items")


if __name__ == "__main__":
    main()
