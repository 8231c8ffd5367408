"""Findings of the "buy again" check (aftersales.replenish), worded from the run's table."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from aftersales import columns as C
from aftersales.errors import DataValidationError
from aftersales.narrate._format import paragraph, require


def _percent(value: float) -> str:
    return f"{100 * value:.1f} %"


def buy_again_findings(table: pd.DataFrame, *, cutoff: object, window_days: int) -> Markdown:
    """How well "due in the next ``window_days`` days" picked the pairs bought again.

    Parameters
    ----------
    table : pandas.DataFrame
        ``replenish.evaluate(...).table``: one row per rule (``C.METHOD``) with
        ``C.N_DUE, C.N_HITS, C.PRECISION, C.CI_LOW, C.CI_HIGH, C.N_BOUGHT, C.RECALL``; the
        first row is the rule of the due list, the last lists every repeat pair.
    cutoff : datetime-like
        The cut-off of the check.
    window_days : int
        Length of the window after the cut-off.

    Returns
    -------
    IPython.display.Markdown
        One paragraph; shares in percent to one decimal.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing, the table has fewer than two rules, or no pair is listed
        by the rule of the due list.
    """
    columns = (C.METHOD, C.N_DUE, C.N_HITS, C.PRECISION, C.CI_LOW, C.CI_HIGH, C.N_BOUGHT, C.RECALL)
    require(table, columns, what="buy-again check")
    if len(table) < 2:
        raise DataValidationError("buy-again check: needs the rule and the every-pair baseline")
    rule, every = table.iloc[0], table.iloc[-1]
    if rule[C.N_DUE] == 0:
        raise DataValidationError("buy-again check: the rule listed no pair as due")
    day = pd.Timestamp(cutoff).date()
    sentences = [
        f"At the cut-off {day}, {int(every[C.N_DUE]):,} (customer, item) pairs had been bought "
        f"on two days or more; {int(every[C.N_BOUGHT]):,} of them "
        f"({_percent(every[C.PRECISION])}, the base rate) were bought again in the next "
        f"{window_days} days.",
        f"The due list ({rule[C.METHOD]}) named {int(rule[C.N_DUE]):,} pairs, of which "
        f"{int(rule[C.N_HITS]):,} were bought: precision {_percent(rule[C.PRECISION])} (95 % "
        f"interval over customers {_percent(rule[C.CI_LOW])} to {_percent(rule[C.CI_HIGH])}), "
        f"recall {_percent(rule[C.RECALL])}.",
    ]
    lift = rule[C.PRECISION] / every[C.PRECISION] if every[C.PRECISION] > 0 else float("nan")
    if pd.notna(lift):
        sentences.append(f"That is {lift:.2f} times the base rate.")
    others = [
        f"{row[C.METHOD]} {_percent(row[C.PRECISION])} (recall {_percent(row[C.RECALL])})"
        for _, row in table.iloc[1:-1].iterrows()  # the two or so alternative rules
        if row[C.N_DUE] > 0
    ]
    if others:
        best = table.iloc[:-1][C.PRECISION].idxmax()
        sentences.append(
            "Other rules: " + "; ".join(others) + f". The most precise rule here is "
            f"{table.loc[best, C.METHOD]}."
        )
    return paragraph(*sentences)
