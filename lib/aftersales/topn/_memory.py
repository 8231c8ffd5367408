"""Peak-memory estimates of the dense top-N fits, checked against a budget before fitting."""

from __future__ import annotations

import os
from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sp

from aftersales.errors import MemoryBudgetError, ParameterError
from aftersales.topn._ease import route_for

DEFAULT_BUDGET_SHARE = 0.5
"""Share of the machine's physical memory a dense fit may use when no budget is given."""

_FLOAT = 8  # bytes of a float64
_SPARSE_ENTRY = 12  # bytes of a CSR entry: float64 value and int32 column index


def machine_memory() -> int:
    """Return the machine's physical memory in bytes (``os.sysconf``, no extra dependency).

    Returns
    -------
    int
        Page size times the number of physical pages.

    Raises
    ------
    OSError
        If the platform does not report its memory through ``os.sysconf``.
    """
    return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))


def check_budget(value: Any) -> float | None:
    """Validate a ``memory_budget`` parameter: bytes > 0, or None for the default.

    Parameters
    ----------
    value : object
        The value given.

    Returns
    -------
    float or None
        The budget in bytes, or None (:data:`DEFAULT_BUDGET_SHARE` of the machine).

    Raises
    ------
    ParameterError
        If it is neither None nor a finite number > 0.
    """
    if value is None:
        return None
    is_number = isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )
    if not is_number or not np.isfinite(value) or value <= 0:
        raise ParameterError(
            f"`memory_budget` must be a number of bytes > 0, or None (half of this machine's "
            f"memory); got {value!r}"
        )
    return float(value)


def budget_bytes(budget: float | None) -> float:
    """Return the budget in bytes: ``budget``, or half of the machine's memory when None.

    Parameters
    ----------
    budget : float or None
        A value checked by :func:`check_budget`.

    Returns
    -------
    float
        Bytes.
    """
    return DEFAULT_BUDGET_SHARE * machine_memory() if budget is None else budget


class Estimate(NamedTuple):
    """A dense fit's route and its estimated peak memory.

    Attributes
    ----------
    route : str
        ``"cholesky"`` (items x items system) or ``"woodbury"`` (users x users system).
    peak_bytes : int
        Memory allocated beyond the interaction matrix at the fit's peak.
    """

    route: str
    peak_bytes: int


def ease_estimate(matrix: sp.csr_matrix) -> Estimate:
    """Choose EASE's cheapest exact route by shape and estimate its peak memory.

    With ``u`` users, ``n`` items and ``n_u`` items of user ``u``, the cross product
    ``X'X`` has at most ``min(n^2, sum_u n_u^2)`` non-zeros (``XX'``: ``min(u^2, sum_i
    u_i^2)``). Cholesky (``n <= u``): the sparse ``X'X`` and its dense copy, the
    in-place factor and its inverse, and the product ``P``: ``16 n^2 + 12 nnz(X'X)``.
    Woodbury (``u < n``): the sparse and dense ``XX' + lambda I``, the dense ``u x n``
    solve and the ``n x n`` result: ``8 (n^2 + u n + u^2) + 12 nnz(XX')``.

    Parameters
    ----------
    matrix : scipy.sparse.csr_matrix
        Users x items interactions.

    Returns
    -------
    Estimate
        The route and the estimated peak in bytes.
    """
    users, items = matrix.shape
    per_user = np.diff(matrix.indptr).astype(np.float64)
    per_item = np.bincount(matrix.indices, minlength=items).astype(np.float64)
    if route_for(users, items) == "cholesky":
        pairs = min(float(items) ** 2, float(per_user @ per_user))
        peak = 2 * _FLOAT * items**2 + _SPARSE_ENTRY * pairs
        return Estimate("cholesky", int(peak))
    pairs = min(float(users) ** 2, float(per_item @ per_item))
    peak = _FLOAT * (items**2 + users * items + users**2) + _SPARSE_ENTRY * pairs
    return Estimate("woodbury", int(peak))


def refuse_over_budget(
    model: str, matrix: sp.csr_matrix, estimate: Estimate, budget: float
) -> None:
    """Raise :class:`MemoryBudgetError` when a dense fit's estimate exceeds the budget.

    Parameters
    ----------
    model : str
        Model name for the message.
    matrix : scipy.sparse.csr_matrix
        The interactions (their shape goes into the message).
    estimate : Estimate
        From :func:`ease_estimate`.
    budget : float
        Bytes allowed.

    Raises
    ------
    MemoryBudgetError
        If ``estimate.peak_bytes > budget``; the message gives the estimate, the budget
        and the alternatives.
    """
    if estimate.peak_bytes <= budget:
        return
    users, items = matrix.shape
    gib = 2**30
    raise MemoryBudgetError(
        f"{model} on {users:,} users x {items:,} items would need about "
        f"{estimate.peak_bytes / gib:.1f} GiB at its peak ({estimate.route} route, dense "
        f"{items:,} x {items:,} float64 weights), more than the memory budget of "
        f"{budget / gib:.1f} GiB (`memory_budget`; default {DEFAULT_BUDGET_SHARE:.0%} of "
        f"this machine's {machine_memory() / gib:.1f} GiB). For a catalogue this size use "
        "'itemknn' (sparse top-k neighbours per item) or 'als' (latent factors), or raise "
        "`memory_budget`"
    )
