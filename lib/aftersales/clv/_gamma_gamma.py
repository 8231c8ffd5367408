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

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import digamma, gammaln

from aftersales.clv._checks import ArrayLike, gamma_gamma_arrays, positive
from aftersales.clv._optimise import GRADIENT_TOL, log_start, mean_columns, minimise
from aftersales.errors import ConvergenceWarning, DataValidationError, ParameterError

LOG_BOUND = 15.0
"""Log-parameters are searched in [-15, 15]."""

NAMES = ("p", "q", "v")


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
        likelihood still rises towards the edge (a limit of the model, not an estimate).
    """

    p: float
    q: float
    v: float
    log_likelihood: float = float("nan")
    n_customers: int = 0
    converged: bool = True
    gradient_norm: float = float("nan")
    iterations: int = 0
    at_bounds: tuple[str, ...] = ()

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


def _log_likelihood_gradient(
    theta: np.ndarray, x: np.ndarray, m: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-customer log-likelihood and its gradient in ``theta = log(p, q, v)``.

    With psi the digamma function::

        d/dp = x (psi(px+q) - psi(px) - log(1 + v/(x m)))
        d/dq = psi(px+q) - psi(q) - log(1 + x m/v)
        d/dv = q/v - (px+q)/(v+x m)

    each multiplied by its parameter for the log scale. Returns the log-likelihoods (n,)
    and the gradients (n, 3).
    """
    p, q, v = np.exp(theta)
    px = p * x
    both = digamma(px + q)
    gradient = np.column_stack(
        [
            p * x * (both - digamma(px) - np.log1p(v / (x * m))),
            q * (both - digamma(q) - np.log1p(x * m / v)),
            q - v * (px + q) / (v + x * m),
        ]
    )
    return _log_likelihood(p, q, v, x, m), gradient


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


def fit_gamma_gamma(
    frequency: ArrayLike, monetary: ArrayLike, *, start: Sequence[float] | None = None
) -> GammaGamma:
    """Fit the Gamma-Gamma spend model by maximum likelihood on repeat customers.

    Parameters are optimised on the log scale as in :func:`fit_bgnbd`: L-BFGS-B with the
    analytic gradient of the exactly summed mean log-likelihood, then Newton steps until
    the gradient vanishes to rounding.

    Parameters
    ----------
    frequency : array-like
        Repeat purchases per customer (customers with 0 are ignored).
    monetary : array-like
        Mean value of the repeat purchases per customer.
    start : sequence of 3 floats, optional
        Starting ``(p, q, v)``; default p = q = 1 and v = the mean of ``monetary`` over
        repeat customers.

    Returns
    -------
    GammaGamma
        Fitted p, q, v with the total log-likelihood and the convergence record
        (``converged``, ``gradient_norm``, ``iterations``).

    Raises
    ------
    DataValidationError
        If the arrays are invalid, or no customer made a repeat purchase.
    ParameterError
        If ``start`` is not three positive numbers.

    Warns
    -----
    ConvergenceWarning
        If the fit did not reach the maximum (see ``GammaGamma.converged``).
    """
    x, m = _repeat_only(frequency, monetary)
    if len(x) == 0:
        raise DataValidationError(
            "no repeat customers: every customer has `frequency` 0, so Gamma-Gamma "
            "cannot be fitted (spend is modelled from repeat purchases only)"
        )
    if start is None:
        theta = np.log([1.0, 1.0, float(m.mean())])
    else:
        theta = log_start(start, NAMES)

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        values, gradient = _log_likelihood_gradient(theta, x, m)
        means = mean_columns(np.column_stack([values, gradient]))
        return -float(means[0]), -means[1:]

    fit = minimise(objective, theta, bound=LOG_BOUND)
    p, q, v = np.exp(fit.theta)
    if not fit.converged:
        warnings.warn(
            ConvergenceWarning(
                f"Gamma-Gamma fit on {len(x)} repeat customers did not converge: gradient "
                f"norm {fit.gradient_norm:.3g} (tolerance {GRADIENT_TOL:g}) after "
                f"{fit.iterations} iterations at p={p:.4g}, q={q:.4g}, v={v:.4g}; try "
                f"another `start` or check `monetary` for outliers"
            ),
            stacklevel=2,
        )
    return GammaGamma(
        p=float(p),
        q=float(q),
        v=float(v),
        log_likelihood=-fit.value * len(x),
        n_customers=len(x),
        converged=fit.converged,
        gradient_norm=fit.gradient_norm,
        iterations=fit.iterations,
        at_bounds=tuple(n for n, held in zip(NAMES, fit.at_bounds, strict=True) if held),
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
