"""The Gamma-Gamma model of spend per transaction.

Fader, Hardie and Lee (2005), "RFM and CLV: using iso-value curves", after Colombo and
Jiang (1999).

A customer's transaction values are Gamma(p, nu) (shape p, rate nu); nu varies across
customers as Gamma(q, v) (shape q, rate v). The observed mean ``m`` of ``x`` transaction
values then has the density::

    G(px + q) / (G(px) G(q)) * v^q * m^(px-1) * x^(px) / (v + x m)^(px + q)

Only customers with repeat purchases enter the fit (``x`` > 0, ``m`` their mean repeat
purchase value).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize
from scipy.special import gammaln

from aftersales.clv._checks import ArrayLike, gamma_gamma_arrays, positive
from aftersales.errors import DataValidationError, ParameterError

LOG_BOUND = 15.0
"""Log-parameters are searched in [-15, 15]."""


@dataclass(frozen=True)
class GammaGamma:
    """Gamma-Gamma parameters, and how they were fitted.

    Attributes
    ----------
    p : float
        Shape of the gamma distribution of one customer's transaction values.
    q, v : float
        Shape and rate of the gamma distribution of that distribution's rate.
    log_likelihood : float
        Total log-likelihood at these parameters (NaN when set by hand).
    n_customers : int
        Repeat customers in the fit (0 when set by hand).
    converged : bool
        Whether the optimiser reported success.
    """

    p: float
    q: float
    v: float
    log_likelihood: float = float("nan")
    n_customers: int = 0
    converged: bool = True

    def __post_init__(self) -> None:
        for name in ("p", "q", "v"):
            object.__setattr__(self, name, positive(getattr(self, name), name=name))


def _log_likelihood(p: float, q: float, v: float, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    px = p * x
    return (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(v)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(v + x * m)
    )


def _repeat_only(frequency: ArrayLike, monetary: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    x, m = gamma_gamma_arrays(frequency, monetary)
    repeat = x > 0
    return x[repeat], m[repeat]


def gamma_gamma_log_likelihood(
    model: GammaGamma, frequency: ArrayLike, monetary: ArrayLike
) -> np.ndarray:
    """Return the Gamma-Gamma log-likelihood of each repeat customer.

    Parameters
    ----------
    model : GammaGamma
        Parameters p, q, v.
    frequency : array-like
        Repeat purchases per customer.
    monetary : array-like
        Mean value of the repeat purchases per customer.

    Returns
    -------
    numpy.ndarray
        One value per customer with ``frequency`` > 0, in input order (others are left
        out: they carry no spend information).

    Raises
    ------
    DataValidationError
        If the arrays differ in length, ``monetary`` is negative, or a repeat customer has
        monetary value 0.
    """
    x, m = _repeat_only(frequency, monetary)
    return _log_likelihood(model.p, model.q, model.v, x, m)


def fit_gamma_gamma(frequency: ArrayLike, monetary: ArrayLike) -> GammaGamma:
    """Fit the Gamma-Gamma spend model by maximum likelihood on repeat customers.

    Parameters are optimised on the log scale with L-BFGS-B on the mean negative
    log-likelihood, starting from p = q = 1 and v = the mean of ``monetary``.

    Parameters
    ----------
    frequency : array-like
        Repeat purchases per customer (customers with 0 are ignored).
    monetary : array-like
        Mean value of the repeat purchases per customer.

    Returns
    -------
    GammaGamma
        Fitted p, q, v with the total log-likelihood.

    Raises
    ------
    DataValidationError
        If the arrays are invalid, or no customer made a repeat purchase.
    """
    x, m = _repeat_only(frequency, monetary)
    if len(x) == 0:
        raise DataValidationError(
            "no repeat customers: every customer has `frequency` 0, so Gamma-Gamma "
            "cannot be fitted (spend is modelled from repeat purchases only)"
        )

    def objective(theta: np.ndarray) -> float:
        p, q, v = np.exp(theta)
        return -float(np.mean(_log_likelihood(p, q, v, x, m)))

    start = np.log([1.0, 1.0, float(m.mean())])
    result = optimize.minimize(
        objective, start, method="L-BFGS-B", bounds=[(-LOG_BOUND, LOG_BOUND)] * 3
    )
    p, q, v = np.exp(result.x)
    return GammaGamma(
        p=float(p),
        q=float(q),
        v=float(v),
        log_likelihood=-float(result.fun) * len(x),
        n_customers=len(x),
        converged=bool(result.success),
    )


def expected_spend(model: GammaGamma, frequency: ArrayLike, monetary: ArrayLike) -> np.ndarray:
    """Return each customer's expected value per future transaction.

    ``E[M | x, m] = p (v + x m) / (p x + q - 1)``: a weighted mean of the population mean
    ``p v / (q - 1)`` and the customer's own mean ``m``; customers without repeat
    purchases get the population mean.

    Parameters
    ----------
    model : GammaGamma
        Fitted parameters (``q`` must exceed 1, or the mean spend is infinite).
    frequency : array-like
        Repeat purchases per customer.
    monetary : array-like
        Mean value of the repeat purchases (ignored where ``frequency`` is 0).

    Returns
    -------
    numpy.ndarray
        Expected spend per transaction, one per customer.

    Raises
    ------
    ParameterError
        If ``model.q`` <= 1.
    DataValidationError
        If the arrays are invalid.
    """
    if model.q <= 1:
        raise ParameterError(
            f"`model.q` must exceed 1 for a finite expected spend; got {model.q:.4g}"
        )
    x, m = gamma_gamma_arrays(frequency, monetary)
    m = np.where(x > 0, m, 0.0)
    return model.p * (model.v + x * m) / (model.p * x + model.q - 1)
