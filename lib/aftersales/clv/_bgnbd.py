"""The BG/NBD model of repeat purchasing (Fader, Hardie and Lee 2005).

While active, a customer makes repeat purchases as a Poisson process with rate lambda,
lambda ~ Gamma(r, alpha) across customers (shape r, rate alpha). After each repeat
purchase the customer drops out for good with probability p, p ~ Beta(a, b).

Per customer the data are ``x`` repeat purchases (``frequency``), the time ``t_x`` of the
last one measured from the first purchase (``recency``) and the time ``T`` from the first
purchase to the end of observation, all in one time unit (weeks by default in
:func:`summary_from_transactions`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy.special import expit, hyp2f1

from aftersales.clv import _bgnbd_likelihood as likelihood
from aftersales.clv._checks import ArrayLike, bgnbd_arrays, positive
from aftersales.clv._optimise import FLAT, GRADIENT_TOL, log_start, mean_columns, minimise
from aftersales.errors import ConvergenceWarning, DataValidationError, ParameterError

LOG_BOUND = 15.0
"""Log-parameters are searched in [-15, 15] (parameters in about [3e-7, 3e6])."""

NAMES = ("r", "alpha", "a", "b")


@dataclass(frozen=True)
class BGNBD:
    """BG/NBD parameters, and how they were fitted.

    Attributes
    ----------
    r, alpha : float
        Shape and rate of the gamma distribution of purchase rates (rate in purchases per
        time unit of the data).
    a, b : float
        Parameters of the beta distribution of dropout probabilities.
    log_likelihood : float
        Total log-likelihood at these parameters (NaN when set by hand).
    n_customers : int
        Customers in the fit (0 when set by hand).
    converged : bool
        Whether the fit reached the maximum: the gradient of the mean log-likelihood in
        the log-parameters is at most :data:`aftersales.clv.GRADIENT_TOL` and the
        Hessian is positive definite (true when set by hand).
    gradient_norm : float
        Largest absolute component of that gradient at the estimates, for parameters not
        held at the search bounds (NaN when set by hand).
    iterations : int
        Optimiser iterations: L-BFGS-B plus Newton steps (0 when set by hand).
    at_bounds : tuple of str
        Parameters that ended on the search bounds ``exp(+-LOG_BOUND)``, where the
        likelihood still rises towards the edge. ``("a", "b")`` with ``a`` tiny and ``b``
        huge means the data show no dropout: the fit is the no-dropout (NBD) limit, and
        ``a`` and ``b`` say no more than ``a / (a + b)`` ~ 0.
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float = float("nan")
    n_customers: int = 0
    converged: bool = True
    gradient_norm: float = float("nan")
    iterations: int = 0
    at_bounds: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("r", "alpha", "a", "b"):
            object.__setattr__(self, name, positive(getattr(self, name), name=name))


def bgnbd_log_likelihood(
    model: BGNBD, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> np.ndarray:
    """Return each customer's BG/NBD log-likelihood (equation 6 of Fader et al. 2005).

    Parameters
    ----------
    model : BGNBD
        Parameters r, alpha, a, b.
    frequency, recency, T : array-like
        Repeat purchases ``x``, time of the last purchase ``t_x`` and observation time
        ``T`` per customer, ``t_x`` and ``T`` measured from the first purchase.

    Returns
    -------
    numpy.ndarray
        One log-likelihood per customer.

    Raises
    ------
    DataValidationError
        If the arrays differ in length or hold impossible values (negative counts,
        ``recency`` > ``T``, non-zero recency without repeat purchases).
    """
    x, tx, age = bgnbd_arrays(frequency, recency, T)
    return likelihood.log_likelihood(model.r, model.alpha, model.a, model.b, x, tx, age)


def fit_bgnbd(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    *,
    start: Sequence[float] | None = None,
) -> BGNBD:
    """Fit BG/NBD by maximum likelihood.

    The four parameters are optimised on the log scale (so they stay positive): L-BFGS-B
    with the analytic gradient of the mean log-likelihood, then Newton steps (Hessian
    from central differences of that gradient) until the gradient vanishes to rounding.
    The mean is summed exactly (``math.fsum``), so the order of the customers does not
    matter; the estimates do not depend on the starting point either.

    Parameters
    ----------
    frequency, recency, T : array-like
        Repeat purchases, time of the last purchase and observation time per customer,
        in one time unit (see :func:`summary_from_transactions`).
    start : sequence of 4 floats, optional
        Starting ``(r, alpha, a, b)``; default r = a = b = 1 and alpha = the mean of ``T``.

    Returns
    -------
    BGNBD
        Fitted r, alpha, a, b with the total log-likelihood and the convergence record
        (``converged``, ``gradient_norm``, ``iterations``).

    Raises
    ------
    DataValidationError
        If the arrays are invalid, or no customer made a repeat purchase (the dropout
        process is then not identified and the model cannot be fitted).
    ParameterError
        If ``start`` is not four positive numbers.

    Warns
    -----
    ConvergenceWarning
        If the fit did not reach the maximum (see ``BGNBD.converged``).
    """
    x, tx, age = bgnbd_arrays(frequency, recency, T)
    if not (x > 0).any():
        raise DataValidationError(
            f"no repeat customers: all {len(x)} customers have `frequency` 0, so BG/NBD "
            f"cannot be fitted; use a longer observation period or more customers"
        )
    default = np.log([1.0, max(float(age.mean()), 1e-3), 1.0, 1.0])
    theta = default if start is None else log_start(start, NAMES)

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        values, gradient = likelihood.log_likelihood_gradient(theta, x, tx, age)
        means = mean_columns(np.column_stack([values, gradient]))
        return -float(means[0]), -means[1:]

    fit = minimise(objective, theta, bound=LOG_BOUND)
    if start is not None and (not fit.converged or fit.at_bounds.any()):
        # A far start can climb the no-dropout ridge although an interior maximum exists:
        # keep the better of it and the default start's fit.
        other = minimise(objective, default, bound=LOG_BOUND)
        if other.value <= fit.value + FLAT * abs(fit.value):
            fit = replace(other, iterations=fit.iterations + other.iterations)
    if not fit.converged or fit.at_bounds[2:].any():
        # The likelihood may rise all the way to a / (a + b) -> 0 (no dropout), where it
        # is flat in a and b and the optimiser stops anywhere on the ridge: go to that
        # limit's corner of the box (a and b on their bounds) and fit r and alpha there.
        corner = minimise(
            objective,
            np.array([fit.theta[0], fit.theta[1], -LOG_BOUND, LOG_BOUND]),
            bound=LOG_BOUND,
            hold=np.array([False, False, True, True]),
        )
        if corner.value <= fit.value + FLAT * abs(fit.value):
            fit = replace(corner, iterations=fit.iterations + corner.iterations)
    r, alpha, a, b = np.exp(fit.theta)
    if not fit.converged:
        warnings.warn(
            ConvergenceWarning(
                f"BG/NBD fit on {len(x)} customers did not converge: gradient norm "
                f"{fit.gradient_norm:.3g} (tolerance {GRADIENT_TOL:g}) after {fit.iterations} "
                f"iterations at r={r:.4g}, alpha={alpha:.4g}, a={a:.4g}, b={b:.4g}; try "
                f"another `start` or check the summary (time unit, outliers)"
            ),
            stacklevel=2,
        )
    return BGNBD(
        r=float(r),
        alpha=float(alpha),
        a=float(a),
        b=float(b),
        log_likelihood=-fit.value * len(x),
        n_customers=len(x),
        converged=fit.converged,
        gradient_norm=fit.gradient_norm,
        iterations=fit.iterations,
        at_bounds=tuple(n for n, held in zip(NAMES, fit.at_bounds, strict=True) if held),
    )


def _log_dropped_odds(model: BGNBD, x: np.ndarray, tx: np.ndarray, T: np.ndarray) -> np.ndarray:
    # log of  a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x)  for x > 0; -inf for x = 0
    safe_x = np.where(x > 0, x, 1.0)
    odds = (
        np.log(model.a)
        - np.log(model.b + safe_x - 1)
        + (model.r + x) * (np.log(model.alpha + T) - np.log(model.alpha + tx))
    )
    return np.where(x > 0, odds, -np.inf)


def probability_alive(
    model: BGNBD, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> np.ndarray:
    """Return the probability that each customer is still active at ``T``.

    ``P(alive) = 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))``
    (equation 11 of Fader et al. 2005); 1 for customers without repeat purchases.

    Parameters
    ----------
    model : BGNBD
        Fitted parameters.
    frequency, recency, T : array-like
        As in :func:`fit_bgnbd`.

    Returns
    -------
    numpy.ndarray
        Probabilities in [0, 1].

    Raises
    ------
    DataValidationError
        If the arrays are invalid.
    """
    x, tx, age = bgnbd_arrays(frequency, recency, T)
    return expit(-_log_dropped_odds(model, x, tx, age))


def expected_purchases(
    model: BGNBD, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, *, horizon: float
) -> np.ndarray:
    """Return each customer's expected number of purchases in ``(T, T + horizon]``.

    The conditional expectation of equation 10 of Fader et al. (2005)::

        (a+b+x-1)/(a-1) * [1 - ((alpha+T)/(alpha+T+t))^(r+x)
                             * 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))] * P(alive)

    Parameters
    ----------
    model : BGNBD
        Fitted parameters (``a`` must differ from 1).
    frequency, recency, T : array-like
        As in :func:`fit_bgnbd`.
    horizon : float
        Length ``t`` of the future period, in the time unit of the data (> 0).

    Returns
    -------
    numpy.ndarray
        Expected purchases per customer.

    Raises
    ------
    ParameterError
        If ``horizon`` is not positive or ``a`` is 1 (the formula divides by a - 1).
    DataValidationError
        If the arrays are invalid.
    """
    t = positive(horizon, name="horizon")
    if model.a == 1.0:
        raise ParameterError("`model.a` must differ from 1 for the expected-purchases formula")
    x, tx, age = bgnbd_arrays(frequency, recency, T)
    r, alpha, a, b = model.r, model.alpha, model.a, model.b
    # Euler's transformation 2F1(A, B; C; z) = (1 - z)^(C-A-B) 2F1(C-A, C-B; C; z), with
    # 1 - z = (alpha+T)/(alpha+T+t), turns the bracket into 1 - (1 - z)^(a-1) 2F1(a+b-1-r,
    # a-1; a+b+x-1; z): the same value without the huge factors that overflow for large x.
    log_ratio = np.log(alpha + age) - np.log(alpha + age + t)
    with np.errstate(invalid="ignore", over="ignore"):
        hyper = hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, t / (alpha + age + t))
        unconditional = (a + b + x - 1) / (a - 1) * (1 - np.exp((a - 1) * log_ratio) * hyper)
    failed = ~np.isfinite(unconditional)
    if failed.any():
        # 2F1 fails for huge a and b, the limit where every customer has the same dropout
        # probability p = a / (a + b): then E[X(t) | alive] = (1 - ((alpha+T) /
        # (alpha+T+p t))^(r+x)) / p, the gamma posterior average of (1 - e^(-lambda p t)) / p.
        p = a / (a + b)
        share = np.log(alpha + age) - np.log(alpha + age + p * t)
        limit = -np.expm1((r + x) * share) / p
        unconditional = np.where(failed, limit, unconditional)
    return unconditional * expit(-_log_dropped_odds(model, x, tx, age))
