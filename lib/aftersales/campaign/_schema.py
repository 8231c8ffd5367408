"""A campaign frame's schema: its outcomes and covariates (the load checks live in datasets)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from aftersales import columns as C
from aftersales.datasets import check_arms, outcome_values

__all__ = [
    "OUTCOMES",
    "check_arms",
    "covariates",
    "design_shares",
    "is_binary",
    "outcome_values",
    "outcomes",
]

OUTCOMES = (C.OUTCOME, C.VISIT, C.SPEND)
"""Outcome columns a campaign frame may hold, in display order."""


def is_binary(values: pd.Series) -> bool:
    """Return whether an outcome holds only 0 and 1.

    Parameters
    ----------
    values : pandas.Series
        A numeric outcome.

    Returns
    -------
    bool
        True when every value is 0 or 1.
    """
    return bool(values.isin([0.0, 1.0]).all())


def covariates(frame: pd.DataFrame) -> list[str]:
    """Return the columns that are neither the id, the arm nor an outcome.

    Parameters
    ----------
    frame : pandas.DataFrame
        A campaign frame.

    Returns
    -------
    list of str
        Covariate names in frame order.
    """
    skip = {C.CUSTOMER, C.TREATMENT, *OUTCOMES}
    return [name for name in frame.columns if name not in skip]


def outcomes(frame: pd.DataFrame) -> list[str]:
    """Return the outcome columns a campaign frame holds.

    Parameters
    ----------
    frame : pandas.DataFrame
        A campaign frame.

    Returns
    -------
    list of str
        Outcome names among :data:`OUTCOMES`, in that order.
    """
    return [name for name in OUTCOMES if name in frame.columns]


def design_shares(arms: Sequence[str], design: Mapping[str, float] | None) -> dict[str, float]:
    """Return each arm's planned share (equal when no design is given), summing to 1.

    Parameters
    ----------
    arms : sequence of str
        The arms.
    design : Mapping[str, float], optional
        Planned weights by arm (any positive scale).

    Returns
    -------
    dict
        Arm -> share.
    """
    if not design:
        return {arm: 1 / len(arms) for arm in arms}
    total = float(sum(design.get(arm, 0.0) for arm in arms))
    return {arm: float(design.get(arm, 0.0)) / total for arm in arms}
