"""The checks a campaign analyst runs first: sample-ratio mismatch and covariate balance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from aftersales import columns as C
from aftersales.campaign._schema import check_arms, covariates, design_shares
from aftersales.errors import ParameterError


class SampleRatio(NamedTuple):
    """A sample-ratio-mismatch test.

    Attributes
    ----------
    table : pandas.DataFrame
        ``arm, customers, expected, share, planned_share``.
    chi2 : float
        Pearson's chi-square statistic of the arm sizes against the design.
    p_value : float
        Its p-value (``arms - 1`` degrees of freedom).
    alpha : float
        The threshold below which the split is flagged.
    flagged : bool
        Whether ``p_value < alpha``: the randomisation or the logging is suspect.
    """

    table: pd.DataFrame
    chi2: float
    p_value: float
    alpha: float
    flagged: bool


def sample_ratio(
    counts: Mapping[str, int],
    *,
    design: Mapping[str, float] | None = None,
    alpha: float = 0.001,
) -> SampleRatio:
    """Test the arm sizes against the planned split (chi-square goodness of fit).

    Parameters
    ----------
    counts : Mapping[str, int]
        Customers per arm.
    design : Mapping[str, float], optional
        Planned weight per arm; default equal.
    alpha : float, default 0.001
        Flag threshold (SRM checks use a strict one: with many customers a small imbalance
        is already significant, and a false alarm stops a sound experiment).

    Returns
    -------
    SampleRatio
        The table, statistic, p-value and verdict.

    Raises
    ------
    ParameterError
        If ``alpha`` is not in (0, 1) or fewer than two arms are given.
    """
    if not 0 < alpha < 1:
        raise ParameterError(f"`alpha` must be in (0, 1); got {alpha!r}")
    arms = list(counts)
    if len(arms) < 2:
        raise ParameterError(f"a sample-ratio test needs two arms or more; got {arms}")
    shares = design_shares(arms, design)
    observed = np.array([counts[a] for a in arms], dtype="float64")
    expected = observed.sum() * np.array([shares[a] for a in arms])
    chi2, p = stats.chisquare(observed, expected)
    table = pd.DataFrame(
        {
            C.ARM: arms,
            C.CUSTOMERS: observed.astype("int64"),
            "expected": expected,
            "share": observed / observed.sum(),
            "planned_share": [shares[a] for a in arms],
        }
    )
    return SampleRatio(table, float(chi2), float(p), alpha, bool(p < alpha))


def arm_counts(frame: pd.DataFrame, control: str) -> dict[str, int]:
    """Return customers per arm, control first.

    Parameters
    ----------
    frame : pandas.DataFrame
        A campaign frame.
    control : str
        The control arm.

    Returns
    -------
    dict
        Arm -> customers.

    Raises
    ------
    ControlArmError, EmptyArmError
        If the control arm is missing or alone.
    """
    arms = check_arms(frame, control)
    sizes = frame[C.TREATMENT].value_counts()
    return {arm: int(sizes[arm]) for arm in arms}


def design_matrix(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Return the covariates as numbers: numeric columns as they are, others one-hot.

    Parameters
    ----------
    frame : pandas.DataFrame
        A campaign frame.
    columns : sequence of str, optional
        Covariates; default every column but id, arm and outcomes.

    Returns
    -------
    pandas.DataFrame
        float64 columns; a categorical ``c`` with level ``v`` becomes ``c=v`` (every level
        kept, so balance is shown for each).
    """
    names = list(columns) if columns is not None else covariates(frame)
    parts = []
    for name in names:  # a handful of covariates
        values = frame[name]
        if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
            values.dtype
        ):
            parts.append(values.astype("float64").rename(name))
        else:
            dummies = pd.get_dummies(values.astype("str"), prefix=name, prefix_sep="=")
            parts.append(dummies.astype("float64"))
    return pd.concat(parts, axis=1) if parts else pd.DataFrame(index=frame.index)


def balance(
    frame: pd.DataFrame,
    control: str,
    *,
    columns: Sequence[str] | None = None,
    threshold: float = 0.1,
) -> pd.DataFrame:
    """Return the standardised mean difference of every covariate, each treated arm vs control.

    ``SMD = (mean_t - mean_c) / sqrt((var_t + var_c) / 2)`` with sample variances (ddof 1);
    a categorical covariate is one-hot encoded and each level gets its own row. An
    ``|SMD|`` above ``threshold`` (0.1 is the usual rule) marks an imbalance.

    Parameters
    ----------
    frame : pandas.DataFrame
        A campaign frame.
    control : str
        The control arm.
    columns : sequence of str, optional
        Covariates; default every column but id, arm and outcomes.
    threshold : float, default 0.1
        ``|SMD|`` above which a row is flagged.

    Returns
    -------
    pandas.DataFrame
        ``arm, covariate, treated_mean, control_mean, smd, imbalanced``; a level constant
        in both arms has SMD 0.

    Raises
    ------
    ControlArmError, EmptyArmError
        If the control arm is missing or alone.
    """
    arms = check_arms(frame, control)
    matrix = design_matrix(frame, columns)
    groups = matrix.groupby(frame[C.TREATMENT].astype("str").to_numpy())
    mean, var = groups.mean(), groups.var(ddof=1).fillna(0.0)
    rows = []
    for arm in arms[1:]:  # treated arms
        pooled = np.sqrt((var.loc[arm] + var.loc[control]) / 2)
        diff = mean.loc[arm] - mean.loc[control]
        smd = (diff / pooled.where(pooled > 0)).fillna(0.0)
        rows.append(
            pd.DataFrame(
                {
                    C.ARM: arm,
                    C.COVARIATE: matrix.columns,
                    "treated_mean": mean.loc[arm].to_numpy(),
                    "control_mean": mean.loc[control].to_numpy(),
                    C.SMD: smd.to_numpy(),
                }
            )
        )
    out = pd.concat(rows, ignore_index=True)
    return out.assign(imbalanced=out[C.SMD].abs() > threshold)
