"""Findings of 03.01 (market baskets), worded from the run's rule tables."""

from __future__ import annotations

import re

import pandas as pd
from IPython.display import Markdown

from aftersales import columns as C
from aftersales.narrate._format import num, paragraph, require, share, words

_SIDES = (C.ANTECEDENT_DESCRIPTIONS, C.CONSEQUENT_DESCRIPTIONS)


def _rule(row: pd.Series) -> str:
    return f"{row[C.ANTECEDENT_DESCRIPTIONS]} -> {row[C.CONSEQUENT_DESCRIPTIONS]}"


def top_rules_findings(rules: pd.DataFrame, *, n: int = 10) -> Markdown:
    """Name the strongest association rules of 03.01 by lift and the products they join.

    Parameters
    ----------
    rules : pandas.DataFrame
        Rules with descriptions, support, confidence and lift.
    n : int, default 10
        Strongest rules whose products are named.

    Returns
    -------
    IPython.display.Markdown
        One paragraph: the strongest rule with its confidence and lift, and the products of
        the ``n`` strongest.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or there is no rule.
    """
    require(rules, (*_SIDES, C.CONFIDENCE, C.LIFT), what="rules")
    ranked = rules.sort_values([C.LIFT, C.CONFIDENCE], ascending=False, kind="stable")
    top = ranked.iloc[0]
    products = pd.unique(
        pd.Series(
            [p for side in _SIDES for text in ranked[side].head(n) for p in text.split(" + ")]
        )
    )
    return paragraph(
        f"The strongest rule is {_rule(top)}: {share(top[C.CONFIDENCE])} of the baskets with the "
        f"left side also hold the right, {num(top[C.LIFT], 0)} times more often than chance.",
        f"The {min(n, len(ranked))} strongest rules join {len(products)} products: "
        f"{words(products)}.",
    )


def _counts(table: pd.DataFrame, labels: tuple[str, str]) -> dict[str, int]:
    found = table[C.FOUND_IN].value_counts()
    a_only, b_only = (int(found.get(f"{label} only", 0)) for label in labels)
    both = int(found.get("both", 0))
    return {labels[0]: a_only + both, labels[1]: b_only + both, "both": both}


def segment_rules_findings(
    comparison: pd.DataFrame, *, labels: tuple[str, str], n: int = 3
) -> Markdown:
    """How the pair rules of two customer segments differ (03.01).

    Parameters
    ----------
    comparison : pandas.DataFrame
        ``basket.compare_rules``: descriptions, found_in and difference (confidence in the
        first group minus in the second).
    labels : tuple of (str, str)
        The two groups' names, as given to ``compare_rules``.
    n : int, default 3
        Rules named at each end.

    Returns
    -------
    IPython.display.Markdown
        One paragraph: rules per group, shared rules, the most one-sided rules.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or there is no rule.
    """
    require(comparison, (*_SIDES, C.FOUND_IN, C.DIFFERENCE), what="rule comparison")
    counts = _counts(comparison, labels)
    ordered = comparison.sort_values(C.DIFFERENCE, kind="stable")
    higher_a = ordered[ordered[C.DIFFERENCE] > 0].iloc[::-1].head(n)
    higher_b = ordered[ordered[C.DIFFERENCE] < 0].head(n)
    sentences = [
        f"{counts[labels[0]]:,} pair rules pass among {labels[0]} and {counts[labels[1]]:,} "
        f"among {labels[1]}, {counts['both']:,} of them in both."
    ]
    for label, rows in ((labels[0], higher_a), (labels[1], higher_b)):
        if len(rows):
            sentences.append(
                f"The rules most more confident among {label}: "
                f"{words(_rule(row) for _, row in rows.iterrows())}."
            )
    return paragraph(*sentences)


def country_rules_findings(
    comparison: pd.DataFrame,
    *,
    labels: tuple[str, str],
    n_baskets: tuple[int, int],
    min_support: float,
) -> Markdown:
    """How the pair rules of two countries differ (03.01), and why a small country differs.

    Parameters
    ----------
    comparison : pandas.DataFrame
        ``basket.compare_rules`` for the two countries, with ``lift (<label>)`` columns.
    labels : tuple of (str, str)
        The two countries, as given to ``compare_rules``.
    n_baskets : tuple of (int, int)
        Baskets of each country.
    min_support : float
        The pair support each country's rules must reach.

    Returns
    -------
    IPython.display.Markdown
        One paragraph: baskets behind the support threshold, rules per country, and the item
        most rules found only in one country lead to.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or there is no rule.
    """
    require(comparison, (*_SIDES, C.FOUND_IN), what="rule comparison")
    counts = _counts(comparison, labels)
    small = 0 if n_baskets[0] <= n_baskets[1] else 1
    sentences = [
        f"{labels[small]} holds {n_baskets[small]:,} baskets (against {n_baskets[1 - small]:,}), "
        f"so a support of {share(min_support)} there is {min_support * n_baskets[small]:,.0f} "
        f"baskets.",
        f"{counts[labels[0]]:,} pooled rules pass in {labels[0]} and {counts[labels[1]]:,} in "
        f"{labels[1]}; {counts['both']:,} pass in both.",
    ]
    for label in labels:
        only = comparison[comparison[C.FOUND_IN] == f"{label} only"]
        if len(only) < 2:
            continue
        target = only[C.CONSEQUENT_DESCRIPTIONS].value_counts()
        lift = f"lift ({label})"
        leading = only[only[C.CONSEQUENT_DESCRIPTIONS] == target.index[0]]
        text = f"Of the rules found only in {label}, {target.iloc[0]:,} lead to {target.index[0]}"
        if lift in only.columns:
            text += f" (lift {num(leading[lift].min(), 1)} to {num(leading[lift].max(), 1)} there)"
        sentences.append(text + ".")
    return paragraph(*sentences)


_STOP = {"SET", "WITH", "AND", "THE", "DESIGN", "SMALL", "LARGE", "ASSORTED"}


def _words(description: str) -> set[str]:
    return {w for w in re.findall(r"[A-Z']{4,}", str(description).upper()) if w not in _STOP}


def cross_sell_findings(cross_sell: pd.DataFrame) -> Markdown:
    """Whether the best sellers' partners (03.01) complete a range or cross to other products.

    A partner belongs to the item's range when the two descriptions share a word of four
    letters or more (other than generic ones such as SET or DESIGN).

    Parameters
    ----------
    cross_sell : pandas.DataFrame
        ``basket.cross_sell``: item_id, description, cross_sell_description, lift.

    Returns
    -------
    IPython.display.Markdown
        One paragraph: how many best sellers mostly pair within their range, the exceptions,
        and the strongest pair.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or the table is empty.
    """
    require(
        cross_sell, (C.ITEM, C.DESCRIPTION, C.CROSS_SELL_DESCRIPTION, C.LIFT), what="cross-sell"
    )
    same = cross_sell.apply(
        lambda row: bool(_words(row[C.DESCRIPTION]) & _words(row[C.CROSS_SELL_DESCRIPTION])),
        axis=1,
    )
    by_item = same.groupby(cross_sell[C.ITEM], sort=False).mean()
    names = cross_sell.drop_duplicates(C.ITEM).set_index(C.ITEM)[C.DESCRIPTION]
    ranged = by_item[by_item > 0.5]
    others = names[by_item[by_item <= 0.5].index]
    strongest = cross_sell.loc[cross_sell[C.LIFT].idxmax()]
    sentences = [
        f"For {len(ranged)} of the {len(by_item)} best sellers most partners share a word of the "
        f"description: the same product in another colour or print, or the rest of its range."
    ]
    if len(others):
        sentences.append(f"The exceptions: {words(others)}.")
    sentences.append(
        f"The strongest pair is {strongest[C.DESCRIPTION]} with "
        f"{strongest[C.CROSS_SELL_DESCRIPTION]} (lift {num(strongest[C.LIFT], 1)})."
    )
    return paragraph(*sentences)
