"""Findings of 03.04 (retention), worded from the run's studies and tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
from IPython.display import Markdown

from aftersales import columns as C
from aftersales.narrate._format import num, paragraph, require, share
from aftersales.retention import MODELS, Current, LeakCheck, Study, not_yet_due


def _day(stamp: pd.Timestamp) -> str:
    return f"{stamp:%Y-%m-%d}"


def _auc(row: pd.Series) -> str:
    return f"{num(row[C.AUC])} ({num(row[C.CI_LOW])} to {num(row[C.CI_HIGH])})"


def retention_setup(test: Study, train: Study, leak: LeakCheck) -> Markdown:
    """Word the cut, the study sizes, the share at risk and the leak check.

    Parameters
    ----------
    test : Study
        The main cut (evaluated on its holdout).
    train : Study
        The validation cut one horizon earlier (the learned models' data).
    leak : LeakCheck
        The passed leak check of the main cut.

    Returns
    -------
    IPython.display.Markdown
        Three sentences; shares to whole percent.
    """
    cut, early = test.cut, train.cut
    at_risk = int(test.at_risk.sum())
    return paragraph(
        f"The calibration period ends on {_day(cut.calibration_end)} and the holdout runs "
        f"{cut.weeks} weeks to {_day(cut.holdout_last)}: of the {len(test.at_risk):,} customers "
        f"who bought by then, {at_risk:,} ({share(at_risk / len(test.at_risk))}) did not buy "
        f"again in the holdout (at risk).",
        f"The learned models train on the cut one horizon earlier (calibration to "
        f"{_day(early.calibration_end)}, holdout to {_day(early.holdout_last)}): "
        f"{len(train.at_risk):,} customers, {share(float(train.at_risk.mean()))} at risk.",
        f"Leak check passed: the {leak.columns} feature columns of {leak.customers:,} customers "
        f"are the same when the {leak.lines_removed:,} later lines are dropped and the "
        f"{leak.returns_put_back:,} later returns undone.",
    )


def retention_findings(table: pd.DataFrame, test: Study) -> Markdown:
    """Rank the scores by AUC, and say what P(alive) does with one-time buyers.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`aftersales.retention.score_table` with display names in ``C.MODEL``.
    test : Study
        The evaluated study (its BG/NBD summary counts the one-time buyers).

    Returns
    -------
    IPython.display.Markdown
        Three or four sentences; AUC to three decimals.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or the table is empty.
    """
    require(table, (C.MODEL, C.AUC, C.CI_LOW, C.CI_HIGH, C.AVERAGE_PRECISION), what="AUC table")
    ranked = table.sort_values(C.AUC, ascending=False, kind="stable")
    best = ranked.iloc[0]
    rows = table.set_index(C.MODEL)
    recency = rows.loc[MODELS["recency"]]
    alive = rows.loc[MODELS["p_alive"]]
    one_day = test.summary[C.FREQUENCY].to_numpy() == 0
    once = float(one_day.mean())
    left_once = float(test.at_risk[one_day].mean()) if one_day.any() else float("nan")
    left_repeat = float(test.at_risk[~one_day].mean()) if (~one_day).any() else float("nan")
    sentences = [
        f"{best[C.MODEL]} ranks the customers who leave best: AUC {_auc(best)}, average "
        f"precision {num(best[C.AVERAGE_PRECISION])} against {num(best[C.POSITIVE_RATE])} for "
        f"a random order.",
        f"Recency alone reaches {_auc(recency)}.",
    ]
    overlap = best[C.CI_LOW] > recency[C.CI_HIGH]
    sentences.append(
        f"The intervals of {best[C.MODEL]} and recency alone "
        + ("do not overlap." if overlap else "overlap: the gain over recency is uncertain.")
    )
    where = "below" if alive[C.AUC] < 0.5 else "above"
    sentences.append(
        f"BG/NBD's P(alive) is 1 for every customer with one purchase day ({share(once)} of "
        f"them here; {share(left_once)} of them did not buy again, against "
        f"{share(left_repeat)} of the repeat buyers), so 1 - P(alive) as a churn score "
        f"reaches AUC {_auc(alive)}, {where} the 0.5 of chance: it says whether a repeat "
        f"buyer's silence is unusual for them, not who leaves."
    )
    return paragraph(*sentences)


def contact_findings(
    current: Current,
    risks: pd.DataFrame,
    contacts: pd.DataFrame,
    *,
    min_risk: float = 0.5,
    overdue_only: bool = True,
) -> Markdown:
    """Who is at risk today, the value at stake and the size of the contact list.

    Parameters
    ----------
    current : Current
        :func:`aftersales.retention.current_risk`.
    risks : pandas.DataFrame
        :func:`aftersales.retention.risk_table`.
    contacts : pandas.DataFrame
        :func:`aftersales.retention.contact_list`.
    min_risk, overdue_only
        The arguments the contact list was made with.

    Returns
    -------
    IPython.display.Markdown
        Two or three sentences; money to whole units.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or the risk table is empty.
    """
    require(risks, (C.RISK, C.VALUE_AT_RISK, C.SEGMENT), what="risk table")
    likely = risks[C.RISK] >= 0.5
    value = risks[C.VALUE_AT_RISK].to_numpy(np.float64)
    money = bool(np.isfinite(value).any())
    total = float(np.nansum(value))
    segments = contacts[C.SEGMENT].nunique() if len(contacts) else 0
    waiting = int(((risks[C.RISK] >= min_risk) & not_yet_due(risks)).sum())
    held_back = (
        f"Left out although their risk is at least {num(min_risk, 2)}: {waiting:,} repeat "
        f"{'buyer' if waiting == 1 else 'buyers'} silent for less than their usual gap between "
        "purchases, whose risk reflects a long buying cycle rather than leaving."
        if overdue_only and waiting
        else ""
    )
    return paragraph(
        f"On {_day(current.as_of)}, {MODELS[current.model]} (refitted on the latest labelled "
        f"cut) gives {int(likely.sum()):,} of {len(risks):,} customers "
        f"({share(float(likely.mean()))}) a risk of 0.5 or more"
        + (
            f"; the expected value at risk (risk x lifetime value) sums to {num(total, 0)}."
            if money
            else "; without money in the data there is no value at risk."
        ),
        f"The contact list holds {len(contacts):,} customers from {segments} segments.",
        held_back,
    )


def calibration_findings(bins: pd.DataFrame, test: Study, train: Study) -> Markdown:
    """Compare each probability's mean with the observed share at risk.

    Parameters
    ----------
    bins : pandas.DataFrame
        :func:`aftersales.retention.calibration` (``C.MODEL``, ``C.MEAN_PREDICTED``,
        ``C.OBSERVED_RATE``, ``C.N_CUSTOMERS``).
    test : Study
        The evaluated study.
    train : Study
        The learned models' training study (the earlier cut).

    Returns
    -------
    IPython.display.Markdown
        Two sentences; shares to whole percent.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or the table is empty.
    """
    needed = (C.MODEL, C.MEAN_PREDICTED, C.OBSERVED_RATE, C.N_CUSTOMERS)
    require(bins, needed, what="calibration bins")
    observed = float(test.at_risk.mean())
    weights = bins[C.N_CUSTOMERS].to_numpy(np.float64)
    predicted = (bins[C.MEAN_PREDICTED] * weights).groupby(bins[C.MODEL], sort=False).sum()
    totals = pd.Series(weights, index=bins.index).groupby(bins[C.MODEL], sort=False).sum()
    means = predicted / totals
    parts = [
        f"{model} {share(float(mean)) if mean >= 0.001 else 'below 0.1 %'}"
        for model, mean in means.items()
    ]
    return paragraph(
        f"{share(observed)} of the holdout's customers did not buy again; the mean predicted "
        f"probability is {', '.join(parts)}.",
        f"The learned models were trained on the earlier cut, where "
        f"{share(float(train.at_risk.mean()))} did not buy again: their probabilities carry "
        f"that base rate, and the gap to the diagonal shows it.",
    )
