"""Pair rules from sparse co-occurrence counts (``X^T X``), for the whole catalogue."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp

from aftersales import columns as C
from aftersales.basket._baskets import Baskets
from aftersales.basket._common import check_confidence, check_lift, frequent_items


class PairTable(NamedTuple):
    """Co-occurrence counts of the ordered item pairs that reach a minimum support.

    Attributes
    ----------
    antecedent : numpy.ndarray
        Item positions (into ``Baskets.items``) of the first item.
    consequent : numpy.ndarray
        Item positions of the second item (never equal to ``antecedent``).
    count : numpy.ndarray
        Number of baskets holding both.
    item_count : numpy.ndarray
        Number of baskets holding each item (all items).
    n_baskets : int
        Number of baskets.
    """

    antecedent: np.ndarray
    consequent: np.ndarray
    count: np.ndarray
    item_count: np.ndarray
    n_baskets: int


def pair_table(baskets: Baskets, *, min_support: float) -> PairTable:
    """Count co-occurring item pairs with one sparse product ``X^T X``.

    Only the columns of frequent items enter the product, so its size is bounded by them;
    with a tiny ``min_support`` it covers the whole catalogue.

    Parameters
    ----------
    baskets : Baskets
        Output of :func:`make_baskets`.
    min_support : float
        Minimum pair support, in ``(0, 1]``.

    Returns
    -------
    PairTable
        Both orders of every pair whose support reaches ``min_support``, sorted by
        antecedent then consequent.

    Raises
    ------
    ParameterError
        If ``min_support`` is out of range, or no item reaches it.
    """
    keep = frequent_items(baskets, min_support)
    counts = baskets.item_counts()
    sub = baskets.matrix[:, keep].astype(np.int32)
    cooc = sp.csr_array(sub.T @ sub)
    cooc.sort_indices()  # row-major with sorted columns: pairs come out in item order
    first = np.repeat(np.arange(len(keep)), np.diff(cooc.indptr))
    second, both = cooc.indices, cooc.data
    mask = (first != second) & (both / baskets.n_baskets >= min_support)
    return PairTable(
        antecedent=keep[first[mask]],
        consequent=keep[second[mask]],
        count=both[mask].astype(np.int64),
        item_count=counts,
        n_baskets=baskets.n_baskets,
    )


def pair_metrics(table: PairTable) -> dict[str, np.ndarray]:
    """Compute the rule metrics of each ordered pair ``antecedent -> consequent``.

    Parameters
    ----------
    table : PairTable
        Output of :func:`pair_table`.

    Returns
    -------
    dict of str to numpy.ndarray
        One array per name in ``RULE_METRICS``. Conviction is ``inf`` where confidence is 1.
    """
    n = table.n_baskets
    s_a = table.item_count[table.antecedent] / n
    s_c = table.item_count[table.consequent] / n
    s_ac = table.count / n
    confidence = table.count / table.item_count[table.antecedent]
    conviction = np.full(len(s_ac), np.inf)
    below = confidence < 1.0
    conviction[below] = (1.0 - s_c[below]) / (1.0 - confidence[below])
    return {
        C.ANTECEDENT_SUPPORT: s_a,
        C.CONSEQUENT_SUPPORT: s_c,
        C.SUPPORT: s_ac,
        C.CONFIDENCE: confidence,
        C.LIFT: confidence / s_c,
        C.LEVERAGE: s_ac - s_a * s_c,
        C.CONVICTION: conviction,
    }


def pair_rules(
    baskets: Baskets,
    *,
    min_support: float,
    min_confidence: float = 0.0,
    min_lift: float = 0.0,
) -> pd.DataFrame:
    """Mine one-item -> one-item rules from sparse co-occurrence counts (no itemset mining).

    Gives the same pairs and supports as :func:`association_rules` with ``max_len=2``, but
    scales to the whole catalogue. A pair rule has one item on each side, so ``C.ANTECEDENTS``
    and ``C.CONSEQUENTS`` hold plain item ids rather than frozensets.

    Parameters
    ----------
    baskets : Baskets
        Output of :func:`make_baskets`.
    min_support : float
        Minimum pair support, in ``(0, 1]``.
    min_confidence : float, default 0.0
        Minimum confidence, in ``[0, 1]``.
    min_lift : float, default 0.0
        Minimum lift, ``>= 0``.

    Returns
    -------
    pandas.DataFrame
        ``C.RULE_COLUMNS`` then ``C.ANTECEDENT_DESCRIPTIONS`` and ``C.CONSEQUENT_DESCRIPTIONS``,
        sorted like :func:`association_rules`.

    Raises
    ------
    ParameterError
        If a threshold is out of range, or no item reaches ``min_support``.
    """
    min_confidence = check_confidence(min_confidence)
    min_lift = check_lift(min_lift)
    table = pair_table(baskets, min_support=min_support)
    metrics = pair_metrics(table)
    keep = (metrics[C.CONFIDENCE] >= min_confidence) & (metrics[C.LIFT] >= min_lift)
    items = baskets.items
    rules = pd.DataFrame(
        {
            C.ANTECEDENTS: items[table.antecedent[keep]],
            C.CONSEQUENTS: items[table.consequent[keep]],
            **{name: values[keep] for name, values in metrics.items()},
            C.ANTECEDENT_DESCRIPTIONS: baskets.descriptions.to_numpy()[table.antecedent[keep]],
            C.CONSEQUENT_DESCRIPTIONS: baskets.descriptions.to_numpy()[table.consequent[keep]],
        }
    )
    return rules.sort_values(
        [C.LIFT, C.CONFIDENCE, C.SUPPORT, C.ANTECEDENTS, C.CONSEQUENTS],
        ascending=[False, False, False, True, True],
        kind="stable",
    ).reset_index(drop=True)
