"""A campaign frame's schema: outcomes read as numbers, arms checked against the design."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.errors import ControlArmError, EmptyArmError, OutcomeValueError

YES = frozenset({"1", "yes", "y", "true", "t"})
"""Texts read as a positive outcome (case and surrounding spaces ignored)."""

NO = frozenset({"0", "no", "n", "false", "f"})
"""Texts read as a negative outcome."""

OUTCOMES = (C.OUTCOME, C.VISIT, C.SPEND)
"""Outcome columns a campaign frame may hold, in display order."""


def outcome_values(values: pd.Series, *, column: str, source: str) -> pd.Series:
    """Read an outcome column as numbers: 0/1, yes/no text (true/false, y/n) or any number.

    Parameters
    ----------
    values : pandas.Series
        The column as read (text, numbers or booleans).
    column : str
        The file's column name, for the message.
    source : str
        The file name, for the message.

    Returns
    -------
    pandas.Series
        float64 values, same index; yes/no read as 1/0.

    Raises
    ------
    OutcomeValueError
        If a value is missing or neither yes/no text nor a number; names the column, how many
        rows fail and the first offending values.
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("float64")
    if pd.api.types.is_numeric_dtype(values.dtype):
        bad = values.isna() | ~np.isfinite(values.astype("float64"))
        if bad.any():
            _refuse(values, bad, column=column, source=source)
        return values.astype("float64")
    text = values.astype("str").str.strip().str.lower().where(values.notna())
    words = text.map(lambda v: 1.0 if v in YES else 0.0 if v in NO else np.nan)
    numbers = pd.to_numeric(text.where(words.isna()), errors="coerce")
    out = words.fillna(numbers)
    bad = out.isna() | ~np.isfinite(out)
    if bad.any():
        _refuse(values, bad, column=column, source=source)
    return out.astype("float64")


def _refuse(values: pd.Series, bad: pd.Series, *, column: str, source: str) -> None:
    shown = pd.unique(values[bad].astype("str").to_numpy())[:5]
    first = int(np.flatnonzero(bad.to_numpy())[0])
    raise OutcomeValueError(
        f"{source}: outcome column `{column}` must hold 0/1, yes/no or numbers; "
        f"{int(bad.sum()):,} row(s) fail (first: row {first + 1}), offending values "
        f"{[str(v) for v in shown]}"
    )


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


def check_arms(
    frame: pd.DataFrame,
    control: str,
    *,
    design: Mapping[str, float] | None = None,
    source: str = "campaign",
) -> list[str]:
    """Check that the control arm exists and no arm is empty; return the arms, control first.

    Parameters
    ----------
    frame : pandas.DataFrame
        A campaign frame with a ``treatment`` column.
    control : str
        The control arm's label.
    design : Mapping[str, float], optional
        Planned arms and their shares; each must have customers.
    source : str, default "campaign"
        Name for messages.

    Returns
    -------
    list of str
        The control arm, then the treated arms in sorted order.

    Raises
    ------
    ControlArmError
        If no customer is in the control arm; lists the arms found.
    EmptyArmError
        If a designed arm has no customer, or the control is the only arm.
    """
    counts = frame[C.TREATMENT].astype("str").value_counts()
    found = sorted(counts.index)
    if control not in counts.index:
        raise ControlArmError(
            f"{source}: the control arm {control!r} has no customer; the arms found are "
            f"{found} (set `control:` to one of them)"
        )
    empty = [arm for arm in (design or {}) if counts.get(arm, 0) == 0]
    if empty:
        raise EmptyArmError(
            f"{source}: arm(s) {empty} of the design have no customer; the arms found are "
            f"{dict(counts.sort_index())}"
        )
    treated = [arm for arm in found if arm != control]
    if not treated:
        raise EmptyArmError(
            f"{source}: only the control arm {control!r} has customers; a campaign needs at "
            "least one treated arm"
        )
    return [control, *treated]


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
