"""Maximum likelihood on log-parameters: L-BFGS-B to the basin, then Newton steps to the optimum.

The lifetime-value likelihoods are flat along ridges (BG/NBD's ``a`` and ``b`` on sparse
dropout data, Gamma-Gamma's ``p`` and ``v``). L-BFGS-B with its default tolerances stops
anywhere on such a ridge where the mean log-likelihood changes by less than about 1e-9, so
last-bit differences between CPUs moved the reported parameters in the third digit. Here
L-BFGS-B only brings the parameters close; Newton steps with the analytic gradient and a
Hessian from central differences of that gradient then go to the point where the gradient
is zero to rounding, which does not depend on the starting point or the summation order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from aftersales.clv._checks import positive
from aftersales.errors import ParameterError

Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]
"""Mean negative log-likelihood and its gradient, both in the log-parameters."""

GRADIENT_TOL = 1e-8
"""A fit has converged when no free component of the gradient of the mean log-likelihood
with respect to the log-parameters exceeds this; fits of the shipped data sets reach about
1e-15, the rounding floor of the mean."""

LBFGS_ITERATIONS = 2000
"""Iterations allowed to L-BFGS-B before the Newton steps."""

NEWTON_STEPS = 50
"""Newton steps allowed; a fit started near the optimum needs three to six."""

HESSIAN_STEP = 1e-5
"""Step of the central differences of the gradient that give the Hessian (log scale)."""

HALVINGS = 40
"""Step halvings tried before a Newton step is given up as lost in rounding noise."""

FLAT = 1e-11
"""Relative rise of the objective taken for rounding when a step shrinks the gradient: the
per-customer terms (log-gamma of hundreds) are far larger than their mean, whose last bits
are then noise of about 1e-13 relative."""


@dataclass(frozen=True)
class Optimum:
    """Where :func:`minimise` stopped.

    Attributes
    ----------
    theta : numpy.ndarray
        Log-parameters.
    value : float
        Mean negative log-likelihood there.
    gradient_norm : float
        Largest absolute component of the gradient over the parameters not held at a bound.
    iterations : int
        L-BFGS-B iterations plus Newton steps.
    converged : bool
        ``gradient_norm`` <= :data:`GRADIENT_TOL` and the Hessian of the free parameters
        is positive definite (a minimum, not a saddle).
    at_bounds : numpy.ndarray of bool
        Parameters held on a bound of the box by the first-order conditions.
    """

    theta: np.ndarray
    value: float
    gradient_norm: float
    iterations: int
    converged: bool
    at_bounds: np.ndarray


def mean_columns(values: np.ndarray) -> np.ndarray:
    """Return the exactly rounded mean of each column (``math.fsum``: order-free)."""
    n = values.shape[0]
    return np.array([math.fsum(column) / n for column in values.T])


def log_start(start: Sequence[float], names: Sequence[str]) -> np.ndarray:
    """Return the log of user-given starting parameters, checked to be positive.

    Raises
    ------
    ParameterError
        If ``start`` does not hold one positive number per name.
    """
    values = list(start)
    if len(values) != len(names):
        raise ParameterError(
            f"`start` must hold {len(names)} numbers ({', '.join(names)}); got {len(values)}"
        )
    return np.log([positive(v, name=f"start {n}") for v, n in zip(values, names, strict=True)])


def _free(theta: np.ndarray, gradient: np.ndarray, bound: float) -> np.ndarray:
    """Mask of the parameters not held at a bound.

    A parameter is held when it sits on a bound and the gradient pushes it outwards, or
    is too small to tell (at most :data:`GRADIENT_TOL`): the first-order conditions of
    the box-constrained problem.
    """
    held = (np.abs(theta) >= bound) & (
        (np.sign(theta) * gradient <= 0) | (np.abs(gradient) <= GRADIENT_TOL)
    )
    return ~held


def _norm(gradient: np.ndarray, free: np.ndarray) -> float:
    return float(np.abs(gradient[free]).max()) if free.any() else 0.0


def _hessian(objective: Objective, theta: np.ndarray, free: np.ndarray) -> np.ndarray:
    index = np.flatnonzero(free)
    columns = []
    for i in index:
        up, down = theta.copy(), theta.copy()
        up[i] += HESSIAN_STEP
        down[i] -= HESSIAN_STEP
        columns.append((objective(up)[1][index] - objective(down)[1][index]) / (2 * HESSIAN_STEP))
    hessian = np.column_stack(columns)
    return (hessian + hessian.T) / 2


def _newton_direction(hessian: np.ndarray, gradient: np.ndarray) -> np.ndarray:
    """Newton direction, with eigenvalues made positive where the Hessian's are not."""
    eigenvalues, vectors = np.linalg.eigh(hessian)
    floor = 1e-10 * max(float(np.abs(eigenvalues).max()), 1e-300)
    safe = np.maximum(np.abs(eigenvalues), floor)
    return -(vectors @ ((vectors.T @ gradient) / safe))


def _newton(
    objective: Objective, theta: np.ndarray, bound: float, movable: np.ndarray
) -> tuple[np.ndarray, float, np.ndarray, int]:
    """Newton steps from ``theta`` on the ``movable`` parameters until no step helps."""
    value, gradient = objective(theta)
    steps = 0
    while steps < NEWTON_STEPS:
        free = _free(theta, gradient, bound) & movable
        if not free.any():
            break
        direction = np.zeros_like(theta)
        direction[free] = _newton_direction(_hessian(objective, theta, free), gradient[free])
        noise = 8 * np.finfo(float).eps * max(1.0, abs(value))
        flat = FLAT * max(1.0, abs(value))
        norm = _norm(gradient, free)
        length, accepted = 1.0, None
        for _ in range(HALVINGS):
            trial = np.clip(theta + length * direction, -bound, bound)
            trial_value, trial_gradient = objective(trial)
            trial_norm = _norm(trial_gradient, _free(trial, trial_gradient, bound) & movable)
            # Near the optimum the objective changes by less than its rounding: accept a
            # step that does not make it visibly worse and shrinks the gradient.
            if trial_value < value - noise or (trial_value <= value + flat and trial_norm < norm):
                accepted = trial, trial_value, trial_gradient
                break
            length /= 2
        if accepted is None:
            break
        steps += 1
        moved = float(np.abs(accepted[0] - theta).max())
        theta, value, gradient = accepted
        if moved <= 1e-14:
            break
    return theta, float(value), gradient, steps


def minimise(
    objective: Objective,
    start: np.ndarray,
    *,
    bound: float,
    hold: np.ndarray | None = None,
) -> Optimum:
    """Minimise ``objective`` over log-parameters in ``[-bound, bound]``.

    Parameters
    ----------
    objective : callable
        Returns the mean negative log-likelihood and its gradient at a log-parameter vector.
    start : numpy.ndarray
        Starting log-parameters.
    bound : float
        Box for every log-parameter.
    hold : numpy.ndarray of bool, optional
        Parameters kept at their starting value (a limit of the model on the box edge).

    Returns
    -------
    Optimum
        The log-parameters reached and how well they meet the first-order conditions of
        the box-constrained problem (held parameters included: they count as free unless
        on a bound with the gradient pushing outwards).
    """
    start = np.clip(np.asarray(start, dtype=np.float64), -bound, bound)
    movable = np.ones(len(start), dtype=bool) if hold is None else ~np.asarray(hold)
    box = [
        (-bound, bound) if m else (float(s), float(s)) for m, s in zip(movable, start, strict=True)
    ]
    lbfgs = optimize.minimize(
        objective,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=box,
        options={"maxiter": LBFGS_ITERATIONS, "ftol": 1e-15, "gtol": GRADIENT_TOL / 10},
    )
    theta, value, gradient, steps = _newton(
        objective, np.clip(lbfgs.x, -bound, bound), bound, movable
    )
    free = _free(theta, gradient, bound)
    norm, definite = _norm(gradient, free), True
    if free.any():
        definite = bool(np.linalg.eigvalsh(_hessian(objective, theta, free)).min() > 0)
    return Optimum(
        theta=theta,
        value=value,
        gradient_norm=norm,
        iterations=int(lbfgs.nit) + steps,
        converged=bool(norm <= GRADIENT_TOL and definite),
        at_bounds=~free,
    )
