"""Shared pieces of the basket package: rule metric names and threshold checks."""

from __future__ import annotations

import numpy as np

from aftersales import columns as C
from aftersales import validate
from aftersales.basket._baskets import Baskets
from aftersales.errors import ParameterError

RULE_METRICS: tuple[str, ...] = C.RULE_COLUMNS[2:]
"""Metric columns of a rules frame (supports, confidence, lift, leverage, conviction)."""


def check_support(min_support: object) -> float:
    """Validate a minimum support.

    Parameters
    ----------
    min_support : object
        The value to check.

    Returns
    -------
    float
        ``min_support`` as a float.

    Raises
    ------
    ParameterError
        If it is not a number in ``(0, 1]``.
    """
    value = validate.number(min_support, "min_support", low=None)
    if not 0.0 < value <= 1.0:
        raise ParameterError(f"`min_support` must be in (0, 1]; got {min_support!r}")
    return value


def check_confidence(min_confidence: object) -> float:
    """Validate a minimum confidence.

    Parameters
    ----------
    min_confidence : object
        The value to check.

    Returns
    -------
    float
        ``min_confidence`` as a float.

    Raises
    ------
    ParameterError
        If it is not a number in ``[0, 1]``.
    """
    value = validate.number(min_confidence, "min_confidence", low=None)
    if not 0.0 <= value <= 1.0:
        raise ParameterError(f"`min_confidence` must be in [0, 1]; got {min_confidence!r}")
    return value


def check_lift(min_lift: object) -> float:
    """Validate a minimum lift.

    Parameters
    ----------
    min_lift : object
        The value to check.

    Returns
    -------
    float
        ``min_lift`` as a float.

    Raises
    ------
    ParameterError
        If it is not a finite number ``>= 0``.
    """
    value = validate.number(min_lift, "min_lift", low=None)
    if value < 0.0:
        raise ParameterError(f"`min_lift` must be >= 0; got {min_lift!r}")
    return value


def frequent_items(baskets: Baskets, min_support: float) -> np.ndarray:
    """Return the positions of the items whose support reaches ``min_support``.

    Parameters
    ----------
    baskets : Baskets
        The baskets.
    min_support : float
        Minimum support in ``(0, 1]``.

    Returns
    -------
    numpy.ndarray
        Column positions into ``baskets.items`` (sorted).

    Raises
    ------
    ParameterError
        If ``min_support`` is out of range, or no item (hence no itemset) reaches it; the
        message gives the highest support found.
    """
    min_support = check_support(min_support)
    support = baskets.item_counts() / baskets.n_baskets
    keep = np.flatnonzero(support >= min_support)
    if len(keep) == 0:
        top = int(np.argmax(support))
        raise ParameterError(
            f"no itemset reaches `min_support`={min_support:g}: the highest support in these "
            f"{baskets.n_baskets} baskets is {support[top]:.6g} (item {baskets.items[top]!r}); "
            f"choose `min_support` <= {support[top]:.6g}"
        )
    return keep
