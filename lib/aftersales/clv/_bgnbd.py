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

from dataclasses import dataclass

import numpy as np
from scipy import optimize
from scipy.special import betaln, expit, gammaln, hyp2f1

from aftersales.clv._checks import ArrayLike, bgnbd_arrays, positive
from aftersales.errors import DataValidationError, ParameterError

LOG_BOUND = 15.0
"""Log-parameters are searched in [-15, 15] (parameters in about [3e-7, 3e6])."""


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
        Whether the optimiser reported success.
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float = float("nan")
    n_customers: int = 0
    converged: bool = True

    def __post_init__(self) -> None:
        for name in ("r", "alpha", "a", "b"):
            object.__setattr__(self, name, positive(getattr(self, name), name=name))


def _log_likelihood(
    r: float, alpha: float, a: float, b: float, x: np.ndarray, tx: np.ndarray, T: np.ndarray
) -> np.ndarray:
    # L = B(a, b+x)/B(a, b) * G(r+x) a^r / (G(r) (alpha+T)^(r+x))
    #   + [x > 0] B(a+1, b+x-1)/B(a, b) * G(r+x) a^r / (G(r) (alpha+t_x)^(r+x))
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    alive = betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + T)
    repeat = x > 0
    safe_x = np.where(repeat, x, 1.0)  # keeps b + x - 1 > 0 where the term is unused
    dropped = betaln(a + 1, b + safe_x - 1) - betaln(a, b) - (r + x) * np.log(alpha + tx)
    return common + np.logaddexp(alive, np.where(repeat, dropped, -np.inf))


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
    return _log_likelihood(model.r, model.alpha, model.a, model.b, x, tx, age)


def fit_bgnbd(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> BGNBD:
    """Fit BG/NBD by maximum likelihood.

    The four parameters are optimised on the log scale (so they stay positive) with
    L-BFGS-B on the mean negative log-likelihood, starting from r = a = b = 1 and alpha =
    the mean of ``T``.

    Parameters
    ----------
    frequency, recency, T : array-like
        Repeat purchases, time of the last purchase and observation time per customer,
        in one time unit (see :func:`summary_from_transactions`).

    Returns
    -------
    BGNBD
        Fitted r, alpha, a, b with the total log-likelihood; ``converged`` is false when
        the optimiser stopped without meeting its tolerance.

    Raises
    ------
    DataValidationError
        If the arrays are invalid, or no customer made a repeat purchase (the dropout
        process is then not identified and the model cannot be fitted).
    """
    x, tx, age = bgnbd_arrays(frequency, recency, T)
    if not (x > 0).any():
        raise DataValidationError(
            f"no repeat customers: all {len(x)} customers have `frequency` 0, so BG/NBD "
            f"cannot be fitted; use a longer observation period or more customers"
        )

    def objective(theta: np.ndarray) -> float:
        r, alpha, a, b = np.exp(theta)
        return -float(np.mean(_log_likelihood(r, alpha, a, b, x, tx, age)))

    start = np.log([1.0, max(float(age.mean()), 1e-3), 1.0, 1.0])
    result = optimize.minimize(
        objective, start, method="L-BFGS-B", bounds=[(-LOG_BOUND, LOG_BOUND)] * 4
    )
    r, alpha, a, b = np.exp(result.x)
    return BGNBD(
        r=float(r),
        alpha=float(alpha),
        a=float(a),
        b=float(b),
        log_likelihood=-float(result.fun) * len(x),
        n_customers=len(x),
        converged=bool(result.success),
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
    hyper = hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, t / (alpha + age + t))
    unconditional = (a + b + x - 1) / (a - 1) * (1 - np.exp((a - 1) * log_ratio) * hyper)
    return unconditional * expit(-_log_dropped_odds(model, x, tx, age))
