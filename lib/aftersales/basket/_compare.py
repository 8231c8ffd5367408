"""Rules of two groups compared, and cross-sell lists for the most sold items (notebook 03.01)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.basket._baskets import Baskets
from aftersales.basket._pairs import pair_rules
from aftersales.basket._together import FrequentlyBoughtTogether
from aftersales.errors import ParameterError

BOTH = "both"
"""``C.FOUND_IN`` value of a rule that passes the thresholds in both groups."""

GROUP_METRICS: tuple[str, ...] = (C.SUPPORT, C.CONFIDENCE, C.LIFT)
"""Metrics :func:`compare_rules` reports for each group."""


def group_column(metric: str, label: str) -> str:
    """Return the name of a comparison column: a metric in one group.

    Parameters
    ----------
    metric : str
        A rule metric, e.g. ``C.CONFIDENCE``.
    label : str
        The group's label, e.g. ``"Champions"``.

    Returns
    -------
    str
        For example ``"confidence (Champions)"``.
    """
    return f"{metric} ({label})"


def only_in(label: str) -> str:
    """Return the ``C.FOUND_IN`` value of a rule that passes in one group only.

    Parameters
    ----------
    label : str
        The group's label.

    Returns
    -------
    str
        For example ``"Champions only"``.
    """
    return f"{label} only"


def pair_metrics_in(
    baskets: Baskets, antecedents: pd.Index, consequents: pd.Index
) -> dict[str, np.ndarray]:
    """Compute support, confidence and lift of given pair rules on other baskets.

    Parameters
    ----------
    baskets : aftersales.Baskets
        The baskets to evaluate on.
    antecedents, consequents : pandas.Index
        Item ids, one pair rule ``antecedent -> consequent`` per position.

    Returns
    -------
    dict of str to numpy.ndarray
        ``C.SUPPORT``, ``C.CONFIDENCE`` and ``C.LIFT`` per rule. A rule whose antecedent
        (consequent) never occurs in these baskets has support 0 and no confidence (lift): NaN.
    """
    first = baskets.items.get_indexer(antecedents)
    second = baskets.items.get_indexer(consequents)
    known = (first >= 0) & (second >= 0)
    both = np.zeros(len(first))
    if known.any():
        left = baskets.matrix[:, first[known]].astype(np.int32)
        right = baskets.matrix[:, second[known]].astype(np.int32)
        both[known] = np.asarray(left.multiply(right).sum(axis=0)).ravel()
    counts = np.append(baskets.item_counts(), 0)  # position -1 (unknown item) counts 0
    count_a, count_c = counts[first].astype(float), counts[second].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        confidence = np.where(count_a > 0, both / count_a, np.nan)
        lift = np.where(count_c > 0, confidence * baskets.n_baskets / count_c, np.nan)
    return {C.SUPPORT: both / baskets.n_baskets, C.CONFIDENCE: confidence, C.LIFT: lift}


def compare_rules(
    baskets_a: Baskets,
    baskets_b: Baskets,
    *,
    labels: tuple[str, str],
    min_support: float,
    min_confidence: float = 0.0,
    min_lift: float = 0.0,
) -> pd.DataFrame:
    """Compare the pair rules of two groups of baskets (two segments, two countries).

    The pair rules (one item on each side) that reach the thresholds in either group are
    pooled, and each is evaluated in both groups, so a rule that is strong in one group shows
    how weak it is in the other rather than just missing there.

    Parameters
    ----------
    baskets_a, baskets_b : aftersales.Baskets
        The two groups' baskets (see :func:`aftersales.make_baskets` with ``segment``
        or ``country``).
    labels : tuple of (str, str)
        Names of the two groups, used in column names and in ``C.FOUND_IN``.
    min_support : float
        Minimum pair support within a group, in ``(0, 1]``.
    min_confidence : float, default 0.0
        Minimum confidence within a group, in ``[0, 1]``.
    min_lift : float, default 0.0
        Minimum lift within a group, ``>= 0``.

    Returns
    -------
    pandas.DataFrame
        One row per pooled rule: ``C.ANTECEDENTS`` and ``C.CONSEQUENTS`` (item ids), their
        descriptions, ``C.FOUND_IN`` (``"<label> only"`` or ``"both"``), support, confidence
        and lift in each group (columns from :func:`group_column`) and ``C.DIFFERENCE``, the
        confidence in the first group minus that in the second. Sorted by the difference
        (largest first, undefined last), then by the item ids.

    Raises
    ------
    ParameterError
        If the labels are not two different strings, a threshold is out of range, or no item
        reaches ``min_support`` in a group.
    """
    if (
        not isinstance(labels, tuple | list)
        or len(labels) != 2
        or not all(isinstance(label, str) for label in labels)
        or labels[0] == labels[1]
    ):
        raise ParameterError(f"`labels` must be two different strings; got {labels!r}")
    thresholds = {"min_support": min_support, "min_confidence": min_confidence}
    found = [
        pair_rules(group, **thresholds, min_lift=min_lift).assign(**{C.FOUND_IN: label})
        for group, label in zip((baskets_a, baskets_b), labels, strict=True)
    ]
    pooled = pd.concat(found, ignore_index=True)
    keys = [C.ANTECEDENTS, C.CONSEQUENTS]
    counted = pooled.groupby(keys, sort=True)[C.FOUND_IN]
    rules = counted.agg(lambda where: BOTH if len(where) == 2 else only_in(where.iloc[0]))
    rules = rules.reset_index()
    text = pooled.drop_duplicates(keys).set_index(keys)
    index = pd.MultiIndex.from_frame(rules[keys])
    table = rules[keys].assign(
        **{
            C.ANTECEDENT_DESCRIPTIONS: text[C.ANTECEDENT_DESCRIPTIONS].reindex(index).to_numpy(),
            C.CONSEQUENT_DESCRIPTIONS: text[C.CONSEQUENT_DESCRIPTIONS].reindex(index).to_numpy(),
            C.FOUND_IN: rules[C.FOUND_IN].to_numpy(),
        }
    )
    for group, label in zip((baskets_a, baskets_b), labels, strict=True):
        metrics = pair_metrics_in(
            group, pd.Index(table[C.ANTECEDENTS]), pd.Index(table[C.CONSEQUENTS])
        )
        table = table.assign(**{group_column(m, label): metrics[m] for m in GROUP_METRICS})
    difference = (
        table[group_column(C.CONFIDENCE, labels[0])] - table[group_column(C.CONFIDENCE, labels[1])]
    )
    table = table.assign(**{C.DIFFERENCE: difference})
    order = np.lexsort(
        (
            table[C.CONSEQUENTS].to_numpy(dtype=str),
            table[C.ANTECEDENTS].to_numpy(dtype=str),
            -table[C.DIFFERENCE].fillna(-np.inf).to_numpy(),
        )
    )
    return table.iloc[order].reset_index(drop=True)


def cross_sell(
    model: FrequentlyBoughtTogether,
    baskets: Baskets,
    *,
    n_items: int = 10,
    k: int = 5,
) -> pd.DataFrame:
    """List what is bought together with each of the most sold items.

    Parameters
    ----------
    model : aftersales.FrequentlyBoughtTogether
        A fitted model.
    baskets : aftersales.Baskets
        Baskets that define the most sold items (those held by most baskets; ties by id).
    n_items : int, default 10
        Number of most sold items.
    k : int, default 5
        Items listed per sold item at most (fewer when fewer have a qualifying rule).

    Returns
    -------
    pandas.DataFrame
        ``C.ITEM``, ``C.DESCRIPTION``, ``C.SUPPORT`` of the sold item, then ``C.RANK``
        (1 = strongest), ``C.CROSS_SELL_ITEM``, ``C.CROSS_SELL_DESCRIPTION`` and the model's
        metric (column ``model.metric``); sold items by support, partners by rank.

    Raises
    ------
    ParameterError
        If ``n_items`` or ``k`` is not a positive integer, or the model is not fitted.
    UnknownNameError
        If a most sold item is unknown to the model (fitted on other baskets).
    """
    for name, value in (("n_items", n_items), ("k", k)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ParameterError(f"`{name}` must be a positive integer; got {value!r}")
    if not hasattr(model, "scores_"):
        raise ParameterError("`model` is not fitted; call its `fit` first")
    counts = baskets.item_counts()
    top = np.lexsort((np.arange(baskets.n_items), -counts))[:n_items]  # most baskets, then id
    names = {
        C.ITEM: C.CROSS_SELL_ITEM,
        C.DESCRIPTION: C.CROSS_SELL_DESCRIPTION,
        C.SCORE: model.metric,
    }
    parts = [
        model.for_items(item, k=k)
        .rename(columns=names)
        .assign(**{C.ITEM: item, C.SUPPORT: counts[position] / baskets.n_baskets})
        for position, item in zip(top, baskets.items[top], strict=True)
    ]
    listed = pd.concat(parts, ignore_index=True)
    listed = listed.assign(
        **{C.DESCRIPTION: baskets.descriptions.reindex(listed[C.ITEM]).to_numpy()}
    )
    columns = [C.ITEM, C.DESCRIPTION, C.SUPPORT, C.RANK, C.CROSS_SELL_ITEM]
    return listed[[*columns, C.CROSS_SELL_DESCRIPTION, model.metric]]
