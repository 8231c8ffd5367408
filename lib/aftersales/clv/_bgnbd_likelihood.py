"""BG/NBD log-likelihood per customer and its gradient in the log-parameters.

Fader, Hardie and Lee (2005), equation 6; the gradient is derived in
:func:`log_likelihood_gradient`.
"""

from __future__ import annotations

import numpy as np


def _rising(terms: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Return ``sum(terms[:x])`` for each count ``x`` (partial sums, ``x`` whole numbers)."""
    return np.concatenate([[0.0], np.cumsum(terms)])[x.astype(np.int64)]


def _parts(
    r: float, alpha: float, a: float, b: float, x: np.ndarray, tx: np.ndarray, T: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # L = B(a, b+x)/B(a, b) * G(r+x) a^r / (G(r) (alpha+T)^(r+x))
    #   + [x > 0] B(a+1, b+x-1)/B(a, b) * G(r+x) a^r / (G(r) (alpha+t_x)^(r+x))
    # Returns the log of the common factor, of the "alive at T" term and of the
    # "dropped out after t_x" term (-inf without repeat purchases). For whole x the
    # ratios are finite products, G(r+x)/G(r) = prod_{k<x} (r+k) and
    # B(a, b+x)/B(a, b) = prod_{k<x} (b+k)/(a+b+k), B(a+1, b+x-1)/B(a, b) =
    # a/(a+b+x-1) prod_{k<x-1} (b+k)/(a+b+k): summed as logs they keep full precision
    # where differences of log-gamma functions cancel (huge b near the no-dropout limit).
    k = np.arange(int(x.max()) if len(x) else 0, dtype=np.float64)
    common = _rising(np.log(r + k), x) + r * np.log(alpha)
    survive = -np.log1p(a / (b + k))  # log (b+k)/(a+b+k)
    alive = _rising(survive, x) - (r + x) * np.log(alpha + T)
    repeat = x > 0
    safe_x = np.where(repeat, x, 1.0)
    dropped = (
        np.log(a)
        - np.log(a + b + safe_x - 1)
        + _rising(survive, safe_x - 1)
        - (r + x) * np.log(alpha + tx)
    )
    return common, alive, np.where(repeat, dropped, -np.inf)


def log_likelihood(
    r: float, alpha: float, a: float, b: float, x: np.ndarray, tx: np.ndarray, T: np.ndarray
) -> np.ndarray:
    common, alive, dropped = _parts(r, alpha, a, b, x, tx, T)
    return common + np.logaddexp(alive, dropped)


def log_likelihood_gradient(
    theta: np.ndarray, x: np.ndarray, tx: np.ndarray, T: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-customer log-likelihood and its gradient in ``theta = log(r, alpha, a, b)``.

    With ``w`` and ``1 - w`` the shares of the alive and dropped terms in the likelihood
    and psi the digamma function::

        d/dr     = psi(r+x) - psi(r) + log(alpha) - w log(alpha+T) - (1-w) log(alpha+t_x)
        d/dalpha = r/alpha - (r+x) (w/(alpha+T) + (1-w)/(alpha+t_x))
        d/da     = psi(a+b) - psi(a+b+x) + (1-w)/a
        d/db     = psi(a+b) - psi(a+b+x) - psi(b) + w psi(b+x) + (1-w) psi(b+x-1)

    (``B(a+1, .)`` contributes the ``1/a``); each is multiplied by its parameter for the
    log scale. For whole ``x``, ``psi(c+x) - psi(c) = sum_{k<x} 1/(c+k)``, so
    ``d/db = sum_{k<x} a/((b+k)(a+b+k)) - (1-w)/(b+x-1)``: computed that way the
    gradient keeps its precision for huge ``b`` or ``r``, where the digamma differences
    cancel. Returns the log-likelihoods (n,) and the gradients (n, 4).
    """
    r, alpha, a, b = np.exp(theta)
    common, alive, dropped = _parts(r, alpha, a, b, x, tx, T)
    mixed = np.logaddexp(alive, dropped)
    w_alive, w_dropped = np.exp(alive - mixed), np.exp(dropped - mixed)
    safe_x = np.where(x > 0, x, 1.0)
    k = np.arange(int(x.max()), dtype=np.float64)
    gradient = np.column_stack(
        [
            r
            * (
                _rising(1 / (r + k), x)
                + np.log(alpha)
                - w_alive * np.log(alpha + T)
                - w_dropped * np.log(alpha + tx)
            ),
            r - alpha * (r + x) * (w_alive / (alpha + T) + w_dropped / (alpha + tx)),
            w_dropped - a * _rising(1 / (a + b + k), x),
            b * (_rising(a / ((b + k) * (a + b + k)), x) - w_dropped / (b + safe_x - 1)),
        ]
    )
    return common + mixed, gradient
