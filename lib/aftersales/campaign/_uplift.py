"""Uplift modelling: a two-model (T-learner) baseline, evaluated by Qini and uplift-at-k curves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from aftersales import columns as C
from aftersales.campaign._checks import design_matrix
from aftersales.campaign._schema import check_arms, covariates, is_binary
from aftersales.errors import DataValidationError, ParameterError
from aftersales.random import Seed, int_seed
from aftersales.stats import percentile_interval, resample_weights

FRACTIONS = tuple(np.round(np.linspace(0, 1, 21), 2))
"""Targeted shares at which the curves are evaluated: 0 %, 5 %, ..., 100 %."""


class UpliftSplit(NamedTuple):
    """A treated arm against control, split into training and held-out customers.

    Attributes
    ----------
    train, test : pandas.DataFrame
        Covariates (numbers, one-hot) with ``treated`` (1/0) and ``outcome`` columns.
    arm : str
        The treated arm.
    outcome : str
        The outcome column modelled.
    """

    train: pd.DataFrame
    test: pd.DataFrame
    arm: str
    outcome: str


def uplift_split(
    frame: pd.DataFrame,
    control: str,
    arm: str,
    *,
    outcome: str = C.OUTCOME,
    test_size: float = 0.3,
    seed: Seed,
) -> UpliftSplit:
    """Keep one treated arm and the control, and hold out a share stratified by arm.

    Parameters
    ----------
    frame : pandas.DataFrame
        A campaign frame.
    control : str
        The control arm.
    arm : str
        The treated arm to model.
    outcome : str, default "outcome"
        The outcome column.
    test_size : float, default 0.3
        Held-out share.
    seed : int or numpy.random.Generator
        Seed of the split.

    Returns
    -------
    UpliftSplit
        Training and held-out customers.

    Raises
    ------
    ParameterError
        If ``arm`` is not a treated arm, ``outcome`` is not a column, or ``test_size`` is
        not in (0, 1).
    ControlArmError, EmptyArmError
        If the control is missing or alone.
    """
    arms = check_arms(frame, control)
    if arm not in arms[1:]:
        raise ParameterError(f"uplift arm {arm!r} is not a treated arm; choose one of {arms[1:]}")
    if outcome not in frame.columns:
        raise ParameterError(f"outcome {outcome!r} is not a column of the campaign")
    if not 0 < test_size < 1:
        raise ParameterError(f"`test_size` must be in (0, 1); got {test_size!r}")
    kept = frame[frame[C.TREATMENT].isin([control, arm])]
    features = design_matrix(kept, covariates(kept))
    data = features.assign(
        treated=(kept[C.TREATMENT] == arm).astype("int64").to_numpy(),
        outcome=kept[outcome].to_numpy(),
    )
    train, test = train_test_split(
        data, test_size=test_size, stratify=data["treated"], random_state=int_seed(seed)
    )
    return UpliftSplit(train, test, arm, outcome)


def t_learner_scores(split: UpliftSplit, *, seed: Seed, max_iter: int = 100) -> np.ndarray:
    """Fit one model per arm on the training customers; score held-out uplift as their difference.

    Gradient-boosted trees (scikit-learn's histogram version, depth 3): classifiers and
    probability differences for a 0/1 outcome, regressors for a numeric one. The fits run
    on one thread.

    Parameters
    ----------
    split : UpliftSplit
        From :func:`uplift_split`.
    seed : int or numpy.random.Generator
        Seed of both fits.
    max_iter : int, default 100
        Boosting iterations of each model.

    Returns
    -------
    numpy.ndarray
        Predicted uplift of each held-out customer (row order of ``split.test``).

    Raises
    ------
    DataValidationError
        If an arm has no positive outcome in the training customers.
    """
    features = [c for c in split.train.columns if c not in ("treated", "outcome")]
    binary = is_binary(split.train["outcome"])
    with threadpool_limits(1):  # OpenMP threads on a shared machine ran ten times slower
        return _two_models(split, features, binary=binary, seed=seed, max_iter=max_iter)


def _two_models(
    split: UpliftSplit, features: list[str], *, binary: bool, seed: Seed, max_iter: int
) -> np.ndarray:
    predictions = []
    for treated in (1, 0):  # the two models
        part = split.train[split.train["treated"] == treated]
        if binary and part["outcome"].nunique() < 2:
            raise DataValidationError(
                f"uplift: the {'treated' if treated else 'control'} training customers all have "
                f"outcome {part['outcome'].iloc[0]:g}; nothing to learn"
            )
        options = {"max_depth": 3, "max_iter": max_iter, "random_state": int_seed(seed)}
        if binary:
            model = HistGradientBoostingClassifier(**options).fit(part[features], part["outcome"])
            predictions.append(model.predict_proba(split.test[features])[:, 1])
        else:
            model = HistGradientBoostingRegressor(**options).fit(part[features], part["outcome"])
            predictions.append(model.predict(split.test[features]))
    return predictions[0] - predictions[1]


def _curves(
    scores: np.ndarray,
    treated: np.ndarray,
    outcome: np.ndarray,
    weights: np.ndarray,
    fractions: Sequence[float],
) -> tuple[np.ndarray, np.ndarray]:
    """Qini and uplift-at-k values at each fraction (last axis), for each weight row.

    The weighted sums among the top ``k`` are ``weights @ (v * top)``, where ``top[i, j]`` says
    whether customer ``i`` is among the first ``k_j``: one matrix product per sum, no
    replicate-by-customer temporaries beyond the weights themselves.
    """
    n = len(scores)
    rank = np.empty(n, dtype="int64")
    rank[np.lexsort((np.arange(n), -scores))] = np.arange(n)  # highest first, ties by row
    cut = np.rint(np.asarray(fractions, dtype="float64") * n).astype("int64")
    top = (rank[:, None] < cut[None, :]).astype("float64")
    control = 1 - treated
    parts = np.column_stack([treated * outcome, treated, control * outcome, control])
    sums = [weights @ (parts[:, [j]] * top) for j in range(4)]  # the four sums
    yt, nt, yc, nc = sums
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(nc > 0, nt / nc, 0.0)
        qini = yt - yc * ratio
        uplift = np.where((nt > 0) & (nc > 0), yt / nt - yc / nc, np.nan)
    return qini, uplift


def uplift_curves(
    scores: np.ndarray,
    treated: np.ndarray,
    outcome: np.ndarray,
    *,
    fractions: Sequence[float] = FRACTIONS,
    n_resamples: int = 200,
    level: float = 0.95,
    seed: Seed,
) -> pd.DataFrame:
    """Qini and uplift-at-k curves of a targeting score against random targeting, with intervals.

    Customers are ranked by ``scores`` (highest first). Among the top ``k``: ``Y_t``, ``N_t``
    are the treated customers' outcome sum and count, ``Y_c``, ``N_c`` the control's. The
    Qini value is ``Y_t - Y_c * N_t / N_c`` (incremental outcomes, Radcliffe 2007) and
    uplift-at-k is ``Y_t / N_t - Y_c / N_c``. Random targeting reaches the straight line
    from 0 to the Qini value of everyone, and the overall uplift at every ``k``. Intervals
    are percentile bootstrap intervals that resample the held-out customers (scores fixed).

    Parameters
    ----------
    scores : numpy.ndarray
        Predicted uplift per held-out customer.
    treated : numpy.ndarray
        1 for a treated customer, 0 for control.
    outcome : numpy.ndarray
        Observed outcome.
    fractions : sequence of float
        Targeted shares in [0, 1].
    n_resamples : int, default 200
        Bootstrap replicates.
    level : float, default 0.95
        Confidence level.
    seed : int or numpy.random.Generator
        Seed of the resampling.

    Returns
    -------
    pandas.DataFrame
        Per fraction: ``fraction, qini, qini_low, qini_high, random`` (the random line),
        ``gain, gain_low, gain_high`` (Qini minus random), ``uplift, uplift_low,
        uplift_high``, ``random_uplift`` (the overall uplift).

    Raises
    ------
    DataValidationError
        If the inputs differ in length, are empty, or lack treated or control customers.
    """
    scores, treated, outcome = (np.asarray(a, dtype="float64") for a in (scores, treated, outcome))
    if not len(scores) == len(treated) == len(outcome) or len(scores) == 0:
        raise DataValidationError("uplift curves need equally long, non-empty inputs")
    if treated.min() == treated.max():
        raise DataValidationError("uplift curves need treated and control customers")
    grid = np.asarray(fractions, dtype="float64")
    qini, uplift = _curves(scores, treated, outcome, np.ones(len(scores)), grid)
    boot_q, boot_u = _curves(
        scores,
        treated,
        outcome,
        resample_weights(len(scores), n_resamples=n_resamples, seed=seed),
        grid,
    )
    random = grid * qini[-1]
    boot_random = grid * boot_q[:, -1:]
    out = pd.DataFrame({C.FRACTION: grid, C.QINI: qini, C.RANDOM: random})
    for name, point, boot in (
        ("qini", qini, boot_q),
        ("gain", qini - random, boot_q - boot_random),
        ("uplift", uplift, boot_u),
    ):
        bounds = [percentile_interval(boot[:, j], level=level) for j in range(len(grid))]
        out[name] = point
        out[f"{name}_low"] = [b[0] for b in bounds]
        out[f"{name}_high"] = [b[1] for b in bounds]
    out["random_uplift"] = uplift[-1]
    order = [C.FRACTION, "qini", "qini_low", "qini_high", C.RANDOM, "gain", "gain_low"]
    return out[[*order, "gain_high", "uplift", "uplift_low", "uplift_high", "random_uplift"]]


def qini_coefficient(
    scores: np.ndarray,
    treated: np.ndarray,
    outcome: np.ndarray,
    *,
    fractions: Sequence[float] = FRACTIONS,
    n_resamples: int = 200,
    level: float = 0.95,
    seed: Seed,
) -> pd.Series:
    """Area between the Qini curve and the random line, per customer, with an interval.

    The trapezoid area over the targeted share (0 to 1) of ``qini - random``, divided by the
    number of customers: 0 for random targeting, positive when the score finds the
    customers the campaign moves.

    Parameters
    ----------
    scores, treated, outcome : numpy.ndarray
        As :func:`uplift_curves`.
    fractions : sequence of float
        Grid of the area (must start at 0 and end at 1).
    n_resamples : int, default 200
        Bootstrap replicates.
    level : float, default 0.95
        Confidence level.
    seed : int or numpy.random.Generator
        Seed of the resampling.

    Returns
    -------
    pandas.Series
        ``qini``, ``ci_low``, ``ci_high``, ``customers``.

    Raises
    ------
    ParameterError
        If the grid does not run from 0 to 1.
    DataValidationError
        As :func:`uplift_curves`.
    """
    grid = np.asarray(fractions, dtype="float64")
    if grid[0] != 0 or grid[-1] != 1:
        raise ParameterError("the Qini area needs a grid from 0 to 1")
    scores, treated, outcome = (np.asarray(a, dtype="float64") for a in (scores, treated, outcome))
    if treated.min() == treated.max():
        raise DataValidationError("uplift curves need treated and control customers")
    n = len(scores)
    weights = np.vstack([np.ones(n), resample_weights(n, n_resamples=n_resamples, seed=seed)])
    qini, _ = _curves(scores, treated, outcome, weights, grid)
    gain = qini - grid * qini[:, -1:]
    width = np.diff(grid)
    area = ((gain[:, 1:] + gain[:, :-1]) / 2 * width).sum(axis=1) / n
    low, high = percentile_interval(area[1:], level=level)
    return pd.Series({"qini": float(area[0]), C.CI_LOW: low, C.CI_HIGH: high, "customers": n})
