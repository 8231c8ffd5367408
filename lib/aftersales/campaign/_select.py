"""Choices the notebook makes from the data: what to model, which arm, which baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.campaign._schema import is_binary
from aftersales.campaign._uplift import UpliftSplit
from aftersales.errors import DataValidationError, ParameterError


def uplift_target(frame: pd.DataFrame, outcome: str = "auto") -> str:
    """Return the outcome column the uplift model predicts.

    Parameters
    ----------
    frame : pandas.DataFrame
        A campaign frame.
    outcome : {"auto", "outcome", "visit", "spend"}, default "auto"
        ``auto``: ``spend`` when the frame has it (money is what a targeting decision
        weighs), else ``outcome``.

    Returns
    -------
    str
        A column of ``frame``.

    Raises
    ------
    ParameterError
        If the asked outcome is not a column of the campaign.
    """
    if outcome == "auto":
        return C.SPEND if C.SPEND in frame.columns else C.OUTCOME
    if outcome not in frame.columns:
        raise ParameterError(
            f"`uplift_outcome` is {outcome!r}, which this campaign does not hold; it has "
            f"{[c for c in (C.OUTCOME, C.VISIT, C.SPEND) if c in frame.columns]} (or use 'auto')"
        )
    return outcome


def strongest_arm(effects: pd.DataFrame, metric: str, arm: str = "") -> str:
    """Return ``arm`` when given, else the treated arm with the largest difference in ``metric``.

    Parameters
    ----------
    effects : pandas.DataFrame
        :func:`aftersales.campaign.arm_effects`.
    metric : str
        The outcome compared.
    arm : str, optional
        An arm chosen by the analyst (checked to be a treated arm).

    Returns
    -------
    str
        The arm.

    Raises
    ------
    ParameterError
        If ``arm`` is given and is not a treated arm.
    """
    rows = effects[(effects[C.METRIC] == metric) & effects[C.DIFF_LOW].notna()]
    if arm:
        if arm not in set(rows[C.ARM]):
            raise ParameterError(
                f"`uplift_arm` is {arm!r}; the treated arms are {sorted(rows[C.ARM])}"
            )
        return arm
    return str(rows.loc[rows[C.DIFFERENCE].idxmax(), C.ARM])


def planning_baseline(effects: pd.DataFrame, baseline: float = 0.0) -> float:
    """Return the baseline rate to plan from: ``baseline`` if set, else the control's outcome rate.

    Parameters
    ----------
    effects : pandas.DataFrame
        :func:`aftersales.campaign.arm_effects` (its first ``outcome`` row is the control).
    baseline : float, default 0.0
        A rate chosen by the analyst; 0 takes the control's.

    Returns
    -------
    float
        A rate in (0, 1).

    Raises
    ------
    ParameterError
        If ``baseline`` is 0 and the control's outcome is not a rate in (0, 1).
    """
    if baseline > 0:
        return float(baseline)
    rate = float(effects.loc[effects[C.METRIC] == C.OUTCOME, C.MEAN].iloc[0])
    if not 0 < rate < 1:
        raise ParameterError(
            f"the control's mean outcome {rate:g} is not a rate in (0, 1); set `power_baseline`"
        )
    return rate


def scored_customers(frame: pd.DataFrame, split: UpliftSplit, scores: np.ndarray) -> pd.DataFrame:
    """Return the held-out customers ranked by predicted uplift (the targeting list).

    Parameters
    ----------
    frame : pandas.DataFrame
        The campaign frame the split was made from.
    split : UpliftSplit
        :func:`aftersales.campaign.uplift_split`.
    scores : numpy.ndarray
        :func:`aftersales.campaign.t_learner_scores`.

    Returns
    -------
    pandas.DataFrame
        ``rank, customer_id, treatment, <outcome>, uplift``, highest predicted uplift first
        (raw ids: pseudonymise before export).

    Raises
    ------
    DataValidationError
        If ``scores`` and the held-out customers differ in number.
    """
    if len(scores) != len(split.test):
        raise DataValidationError(f"{len(scores)} scores for {len(split.test)} held-out customers")
    rows = frame.loc[split.test.index, [C.CUSTOMER, C.TREATMENT, split.outcome]]
    ranked = rows.assign(**{C.UPLIFT: scores}).sort_values(C.UPLIFT, ascending=False, kind="stable")
    ranked.insert(0, C.RANK, np.arange(1, len(ranked) + 1))
    return ranked.reset_index(drop=True)


def binary_outcomes(frame: pd.DataFrame) -> dict[str, bool]:
    """Return, per outcome column, whether it is a 0/1 rate.

    Parameters
    ----------
    frame : pandas.DataFrame
        A campaign frame.

    Returns
    -------
    dict
        Outcome -> True for 0/1.
    """
    return {c: is_binary(frame[c]) for c in (C.OUTCOME, C.VISIT, C.SPEND) if c in frame.columns}
