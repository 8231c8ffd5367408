"""Findings of 03.03 (returns analysis), worded from the run's tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
from IPython.display import Markdown

from aftersales import columns as C
from aftersales.errors import DataValidationError
from aftersales.narrate._format import num, paragraph, require, share, words
from aftersales.returns import MATCHED, NO_LABEL, UNMATCHED, Returners


def _percent(value: float) -> str:
    """Format a rate in percent to one decimal: ``0.0412`` -> ``4.1 %``."""
    return f"{100 * value:.1f} %"


def returns_overview(summary: pd.DataFrame, overall: pd.DataFrame) -> Markdown:
    """How much came back, and how much of it reverses a purchase in the data.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`aftersales.returns.match_summary`.
    overall : pandas.DataFrame
        :func:`aftersales.returns.overall_rate` (one row).

    Returns
    -------
    IPython.display.Markdown
        Two sentences; money to whole units, rates to 0.1 %.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or a table is empty.
    """
    require(summary, (C.MATCH, C.N_ROWS, C.QUANTITY, C.VALUE, C.SHARE), what="match summary")
    require(overall, (C.UNIT_RATE, C.VALUE_RATE, C.VALUE_CI_LOW, C.VALUE_CI_HIGH), what="rate")
    rows = summary.set_index(C.MATCH)
    if MATCHED not in rows.index or UNMATCHED not in rows.index:
        raise DataValidationError("match summary: needs a matched and an unmatched row")
    total = float(rows[C.VALUE].sum())
    rate = overall.iloc[0]
    return paragraph(
        f"The returns table holds {int(rows[C.N_ROWS].sum()):,} rows worth {num(total, 0)}: "
        f"{share(rows.loc[MATCHED, C.SHARE])} of that value reverses a purchase in the data "
        f"({int(rows.loc[MATCHED, C.N_ROWS]):,} rows), the other "
        f"{share(rows.loc[UNMATCHED, C.SHARE])} ({int(rows.loc[UNMATCHED, C.N_ROWS]):,} rows) "
        f"was bought before the data starts and counts in no rate below.",
        f"Of everything sold, {_percent(rate[C.UNIT_RATE])} of the units and "
        f"{_percent(rate[C.VALUE_RATE])} of the value came back (95 % interval "
        f"{_percent(rate[C.VALUE_CI_LOW])} to {_percent(rate[C.VALUE_CI_HIGH])}).",
    )


def top_returned_findings(items: pd.DataFrame, *, n: int = 3) -> Markdown:
    """Name the most returned products, with what they sold.

    Parameters
    ----------
    items : pandas.DataFrame
        :func:`aftersales.returns.ranked_items`, most returned first.
    n : int, default 3
        How many products to name.

    Returns
    -------
    IPython.display.Markdown
        One sentence.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or the table is empty.
    """
    needed = (C.DESCRIPTION, C.SOLD_UNITS, C.RETURNED_UNITS, C.UNIT_RATE)
    require(items, needed, what="item rates")
    top = items[items[C.RETURNED_UNITS] > 0].head(n)
    if top.empty:
        return paragraph("No product was returned.")
    parts = [
        f"{row[C.DESCRIPTION] or 'an undescribed item'} ({row[C.RETURNED_UNITS]:,.0f} of "
        f"{row[C.SOLD_UNITS]:,.0f} units, {_percent(row[C.UNIT_RATE])})"
        for _, row in top.iterrows()
    ]
    return paragraph(f"The most returned products in units are {words(parts)}.")


def timing_findings(quantiles: pd.DataFrame) -> Markdown:
    """How soon returns come back.

    Parameters
    ----------
    quantiles : pandas.DataFrame
        :func:`aftersales.returns.time_to_return` with the 0.25, 0.5 and 0.9 quantiles.

    Returns
    -------
    IPython.display.Markdown
        One sentence; days to one decimal.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column or one of those quantiles is missing.
    """
    require(quantiles, (C.QUANTILE, C.DAYS), what="time-to-return quantiles")
    days = quantiles.set_index(quantiles[C.QUANTILE].round(6))[C.DAYS]
    missing = [q for q in (0.25, 0.5, 0.9) if q not in days.index]
    if missing:
        raise DataValidationError(f"time-to-return quantiles: no quantile {missing}")
    return paragraph(
        f"Half of the matched returns come back within {num(days[0.5], 1)} days of the "
        f"purchase (median), a quarter within {num(days[0.25], 1)} days and nine in ten within "
        f"{num(days[0.9], 1)} days."
    )


def rate_range_findings(rates: pd.DataFrame, by: str, *, what: str) -> Markdown:
    """Name the groups with the highest and the lowest value return rate.

    The group of customers without a label (:data:`aftersales.returns.NO_LABEL`: every
    purchase returned) is left out: its rate is 100 % by construction.

    Parameters
    ----------
    rates : pandas.DataFrame
        :func:`aftersales.returns.return_rates` (or a selection of its rows).
    by : str
        The group column.
    what : str
        The groups in words, e.g. ``"segment"``.

    Returns
    -------
    IPython.display.Markdown
        One sentence; rates to 0.1 %.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or no labelled group is left.
    """
    needed = (by, C.VALUE_RATE, C.VALUE_CI_LOW, C.VALUE_CI_HIGH)
    require(rates, needed, what=f"{what} rates")
    labelled = rates[(rates[by] != NO_LABEL).to_numpy()]
    require(labelled, needed, what=f"{what} rates")
    ordered = labelled.sort_values([C.VALUE_RATE, by], ascending=[False, True], kind="stable")
    high, low = ordered.iloc[0], ordered.iloc[-1]
    apart = high[C.VALUE_CI_LOW] > low[C.VALUE_CI_HIGH]
    return paragraph(
        f"By {what}, the share of the value returned runs from {_percent(low[C.VALUE_RATE])} "
        f"({low[by]}) to {_percent(high[C.VALUE_RATE])} ({high[by]}); their 95 % intervals "
        f"{'do not overlap' if apart else 'overlap'}."
    )


def review_findings(returners: Returners, review: pd.DataFrame) -> Markdown:
    """Who is flagged for review, where they sit and the value at stake.

    Parameters
    ----------
    returners : Returners
        :func:`aftersales.returns.flag_returners`.
    review : pandas.DataFrame
        :func:`aftersales.returns.segment_review`.

    Returns
    -------
    IPython.display.Markdown
        One paragraph; money to whole units.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or the review is empty.
    """
    needed = (C.SEGMENT, C.N_FLAGGED, C.FLAGGED_RETURNED_VALUE, C.FLAGGED_NET_VALUE)
    require(review, needed, what="segment review")
    flagged = int(review[C.N_FLAGGED].sum())
    rule = f"The rule flags a customer with {returners.rule}."
    if flagged == 0:
        return paragraph(rule, "No customer is above it in this run.")
    hit = review[review[C.N_FLAGGED] > 0].sort_values(
        C.FLAGGED_RETURNED_VALUE, ascending=False, kind="stable"
    )
    where = [f"{row[C.SEGMENT]} ({int(row[C.N_FLAGGED]):,})" for _, row in hit.iterrows()]
    return paragraph(
        rule,
        f"It flags {flagged:,} customers, in {words(where)}; they returned "
        f"{num(float(hit[C.FLAGGED_RETURNED_VALUE].sum()), 0)} and still hold "
        f"{num(float(hit[C.FLAGGED_NET_VALUE].sum()), 0)} of net value.",
    )


def netting_findings(ranks: pd.DataFrame, *, n: int = 10) -> Markdown:
    """Describe how the top customers by value change when returns are netted.

    Parameters
    ----------
    ranks : pandas.DataFrame
        :func:`aftersales.returns.netting_ranks`.
    n : int, default 10
        Size of the top list compared.

    Returns
    -------
    IPython.display.Markdown
        One paragraph: how many stay in the top ``n``, how many leave the customer base,
        the largest fall of the others, and how many customers change segment.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or the table is empty.
    """
    needed = (C.GROSS_RANK, C.NET_RANK, C.GROSS_SEGMENT, C.NET_SEGMENT)
    require(ranks, needed, what="netting ranks")
    top = ranks[(ranks[C.GROSS_RANK] <= n).fillna(False).to_numpy()]
    net = top[C.NET_RANK].astype("Float64").fillna(np.inf).to_numpy(dtype=np.float64)
    stay = int((net <= n).sum())
    gone = int(np.isinf(net).sum())
    text = [f"Of the {len(top):,} largest customers before netting, {stay:,} stay in the top {n}"]
    if gone:
        verb = "leaves" if gone == 1 else "leave"
        text[0] += f" and {gone:,} {verb} the customer base (every purchase returned)"
    text[0] += "."
    fall = np.where(np.isinf(net), -np.inf, net - top[C.GROSS_RANK].to_numpy(dtype=np.float64))
    if len(top) and fall.max() > 0:
        worst = top.iloc[int(np.argmax(fall))]
        text.append(
            f"The largest fall: the customer ranked {int(worst[C.GROSS_RANK])} before netting "
            f"ranks {int(worst[C.NET_RANK]):,} after, segment {worst[C.GROSS_SEGMENT]} before "
            f"and {worst[C.NET_SEGMENT]} after."
        )
    changed = int((ranks[C.GROSS_SEGMENT] != ranks[C.NET_SEGMENT]).sum())
    text.append(f"Over all customers, {changed:,} change segment.")
    return paragraph(*text)
