"""Frequent itemsets and association rules with mlxtend's FP-growth; display helpers."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.basket._baskets import Baskets
from aftersales.basket._common import (
    RULE_METRICS,
    check_confidence,
    check_lift,
    check_support,
    frequent_items,
)
from aftersales.basket._pairs import pair_table
from aftersales.errors import DataValidationError, ParameterError

SEPARATOR = " + "
"""Joins the items (or descriptions) of one side of a rule for display."""


def _side_key(itemset: frozenset) -> str:
    return SEPARATOR.join(sorted(map(str, itemset)))


def _keys(itemsets: Iterable[frozenset]) -> np.ndarray:
    # Fixed-width unicode, which numpy's lexsort can compare (object arrays it cannot).
    return np.array([_side_key(s) for s in itemsets], dtype=str)


def _describe_side(itemset: frozenset, descriptions: dict) -> str:
    return SEPARATOR.join(str(descriptions.get(item, "?")) for item in sorted(itemset, key=str))


def frequent_itemsets(
    baskets: Baskets, *, min_support: float, max_len: int | None = None
) -> pd.DataFrame:
    """Find the frequent itemsets with mlxtend's FP-growth.

    Every subset of a frequent itemset is frequent, so an itemset of two or more items holds
    only items that are in some frequent pair. The frequent pairs come cheaply from one sparse
    product (:func:`pair_table`); only their items' columns go to FP-growth (a dense boolean
    frame over all baskets, so supports keep the full basket count as denominator), and the
    other frequent items are added back as single itemsets. The result is exactly FP-growth's
    on the whole matrix, three to four times faster on Online Retail at 1% support.

    Parameters
    ----------
    baskets : Baskets
        Output of :func:`make_baskets`.
    min_support : float
        Minimum support (share of baskets) in ``(0, 1]``.
    max_len : int, optional
        Largest itemset size; unlimited by default.

    Returns
    -------
    pandas.DataFrame
        Columns ``C.SUPPORT`` and ``C.ITEMSETS`` (frozensets of item ids), sorted by support
        descending, then size, then items.

    Raises
    ------
    ParameterError
        If ``min_support`` is not in ``(0, 1]``, ``max_len`` is not a positive integer, or no
        itemset reaches ``min_support`` (the message gives the highest support found).
    """
    if max_len is not None and (
        isinstance(max_len, bool) or not isinstance(max_len, int | np.integer) or max_len < 1
    ):
        raise ParameterError(f"`max_len` must be a positive integer or None; got {max_len!r}")
    keep = frequent_items(baskets, min_support)
    paired = np.zeros(0, dtype=np.int64)
    if max_len != 1:
        paired = np.unique(pair_table(baskets, min_support=min_support).antecedent)
    labels = baskets.items.tolist()
    singles = np.setdiff1d(keep, paired)
    itemsets = [frozenset((labels[i],)) for i in singles]
    support = baskets.item_counts()[singles] / baskets.n_baskets
    if len(paired):
        from mlxtend.frequent_patterns import fpgrowth  # mlxtend: only when mining

        onehot = pd.DataFrame(baskets.matrix[:, paired].toarray())
        found = fpgrowth(onehot, min_support=min_support, max_len=max_len)
        itemsets += [frozenset(labels[paired[i]] for i in s) for s in found[C.ITEMSETS]]
        support = np.concatenate([support, found[C.SUPPORT].to_numpy()])
    sizes = np.array([len(s) for s in itemsets])
    order = np.lexsort((_keys(itemsets), sizes, -support))
    return pd.DataFrame(
        {
            C.SUPPORT: support[order],
            C.ITEMSETS: np.array(itemsets, dtype=object)[order],
        }
    )


def filter_rules(
    rules: pd.DataFrame,
    *,
    min_support: float | None = None,
    min_confidence: float | None = None,
    min_lift: float | None = None,
) -> pd.DataFrame:
    """Keep the rules that reach every given threshold.

    Parameters
    ----------
    rules : pandas.DataFrame
        A rules frame (``C.RULE_COLUMNS``).
    min_support : float, optional
        Minimum rule support, in ``(0, 1]``.
    min_confidence : float, optional
        Minimum confidence, in ``[0, 1]``.
    min_lift : float, optional
        Minimum lift, ``>= 0``.

    Returns
    -------
    pandas.DataFrame
        A new frame with the rules that pass, in their original order, index reset.

    Raises
    ------
    ParameterError
        If a threshold is out of range.
    DataValidationError
        If ``rules`` lacks a metric column.
    """
    validate.require_columns(rules, RULE_METRICS, source="`rules`")
    keep = np.ones(len(rules), dtype=bool)
    if min_support is not None:
        keep &= rules[C.SUPPORT].to_numpy() >= check_support(min_support)
    if min_confidence is not None:
        keep &= rules[C.CONFIDENCE].to_numpy() >= check_confidence(min_confidence)
    if min_lift is not None:
        keep &= rules[C.LIFT].to_numpy() >= check_lift(min_lift)
    return rules.loc[keep].reset_index(drop=True)


def _empty_rules() -> pd.DataFrame:
    frame = pd.DataFrame({column: pd.Series(dtype=float) for column in RULE_METRICS})
    frame.insert(0, C.CONSEQUENTS, pd.Series(dtype=object))
    frame.insert(0, C.ANTECEDENTS, pd.Series(dtype=object))
    frame[C.ANTECEDENT_DESCRIPTIONS] = pd.Series(dtype="str")
    frame[C.CONSEQUENT_DESCRIPTIONS] = pd.Series(dtype="str")
    return frame


def association_rules(
    baskets: Baskets,
    *,
    min_support: float,
    min_confidence: float = 0.0,
    min_lift: float = 0.0,
    max_len: int | None = None,
) -> pd.DataFrame:
    """Mine association rules from the frequent itemsets (mlxtend's FP-growth and rules).

    Parameters
    ----------
    baskets : Baskets
        Output of :func:`make_baskets`.
    min_support : float
        Minimum support of the itemset a rule comes from, in ``(0, 1]``.
    min_confidence : float, default 0.0
        Minimum confidence, in ``[0, 1]``.
    min_lift : float, default 0.0
        Minimum lift, ``>= 0``.
    max_len : int, optional
        Largest itemset size (antecedent plus consequent); unlimited by default.

    Returns
    -------
    pandas.DataFrame
        ``C.RULE_COLUMNS`` (antecedents and consequents are frozensets of item ids) followed by
        ``C.ANTECEDENT_DESCRIPTIONS`` and ``C.CONSEQUENT_DESCRIPTIONS`` (descriptions in sorted
        item order, joined by ``" + "``; ``"?"`` for an item without one). Sorted by lift,
        confidence and support (descending), then by the items; empty (same columns) when no
        rule passes.

    Raises
    ------
    ParameterError
        If a threshold is out of range, or no itemset reaches ``min_support`` (the message gives
        the highest support found).
    """
    check_confidence(min_confidence)
    check_lift(min_lift)
    itemsets = frequent_itemsets(baskets, min_support=min_support, max_len=max_len)
    return rules_from_itemsets(itemsets, baskets, min_confidence=min_confidence, min_lift=min_lift)


def rules_from_itemsets(
    itemsets: pd.DataFrame,
    baskets: Baskets,
    *,
    min_confidence: float = 0.0,
    min_lift: float = 0.0,
) -> pd.DataFrame:
    """Turn frequent itemsets into association rules (mlxtend's ``association_rules``).

    Lets a caller show the itemsets and the rules without mining twice.

    Parameters
    ----------
    itemsets : pandas.DataFrame
        Output of :func:`frequent_itemsets` on ``baskets`` (complete: every subset of an
        itemset must be present, as FP-growth guarantees).
    baskets : Baskets
        The baskets the itemsets were mined from (basket count and descriptions).
    min_confidence : float, default 0.0
        Minimum confidence, in ``[0, 1]``.
    min_lift : float, default 0.0
        Minimum lift, ``>= 0``.

    Returns
    -------
    pandas.DataFrame
        As :func:`association_rules`.

    Raises
    ------
    ParameterError
        If a threshold is out of range.
    DataValidationError
        If ``itemsets`` lacks its columns, or a subset of an itemset is missing.
    """
    min_confidence = check_confidence(min_confidence)
    min_lift = check_lift(min_lift)
    validate.require_columns(itemsets, C.ITEMSET_COLUMNS, source="`itemsets`")
    if len(itemsets) == 0 or itemsets[C.ITEMSETS].map(len).max() < 2:
        return _empty_rules()
    from mlxtend.frequent_patterns import association_rules as _mlxtend_rules

    try:
        rules = _mlxtend_rules(
            itemsets,
            num_itemsets=baskets.n_baskets,
            metric=C.CONFIDENCE,
            min_threshold=min_confidence,
            return_metrics=list(RULE_METRICS),
        )
    except KeyError as exc:
        raise DataValidationError(
            f"`itemsets`: a subset of a frequent itemset is missing ({exc}); pass the complete "
            "output of `frequent_itemsets`"
        ) from exc
    rules = filter_rules(rules[list(C.RULE_COLUMNS)], min_lift=min_lift)
    if len(rules) == 0:
        return _empty_rules()
    order = np.lexsort(
        (
            _keys(rules[C.CONSEQUENTS]),
            _keys(rules[C.ANTECEDENTS]),
            -rules[C.SUPPORT].to_numpy(),
            -rules[C.CONFIDENCE].to_numpy(),
            -rules[C.LIFT].to_numpy(),
        )
    )
    rules = rules.iloc[order].reset_index(drop=True)
    known = baskets.descriptions.dropna().to_dict()  # a missing description shows as "?"
    return rules.assign(
        **{
            C.ANTECEDENT_DESCRIPTIONS: rules[C.ANTECEDENTS].map(lambda s: _describe_side(s, known)),
            C.CONSEQUENT_DESCRIPTIONS: rules[C.CONSEQUENTS].map(lambda s: _describe_side(s, known)),
        }
    )


def format_rules(rules: pd.DataFrame) -> pd.DataFrame:
    """Return a display copy of a rules frame whose item columns are sorted, joined text.

    A frozenset's printed order changes from run to run (string hashing is salted), so
    notebooks show this copy instead.

    Parameters
    ----------
    rules : pandas.DataFrame
        Output of :func:`association_rules` or :func:`pair_rules`.

    Returns
    -------
    pandas.DataFrame
        The same rows, with ``C.ANTECEDENTS`` and ``C.CONSEQUENTS`` as strings such as
        ``"22697 + 22699"``.

    Raises
    ------
    DataValidationError
        If ``rules`` lacks ``C.ANTECEDENTS`` or ``C.CONSEQUENTS``.
    """
    validate.require_columns(rules, [C.ANTECEDENTS, C.CONSEQUENTS], source="`rules`")

    def text(side: object) -> str:
        if isinstance(side, Iterable) and not isinstance(side, str):
            return _side_key(frozenset(side))
        return str(side)

    return rules.assign(
        **{
            C.ANTECEDENTS: rules[C.ANTECEDENTS].map(text).astype("str"),
            C.CONSEQUENTS: rules[C.CONSEQUENTS].map(text).astype("str"),
        }
    )
