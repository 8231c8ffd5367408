"""Parameter checks and the rating-method refusals shared by the top-N models."""

from __future__ import annotations

from typing import Any

import numpy as np

from aftersales.errors import ParameterError, RankingOnlyError


def check_bool(value: Any, name: str) -> bool:
    """Return ``value`` if it is a bool.

    Parameters
    ----------
    value : object
        The value given.
    name : str
        Parameter name for the message.

    Returns
    -------
    bool
        ``value``.

    Raises
    ------
    ParameterError
        If it is not ``True`` or ``False``.
    """
    if not isinstance(value, bool | np.bool_):
        raise ParameterError(f"`{name}` must be True or False; got {value!r}")
    return bool(value)


def check_int(value: Any, name: str, *, low: int = 1, high: int | None = None) -> int:
    """Return ``value`` as an int if it is an integer in ``[low, high]``.

    Parameters
    ----------
    value : object
        The value given.
    name : str
        Parameter name for the message.
    low : int, default 1
        Smallest accepted value.
    high : int, optional
        Largest accepted value (no bound when omitted).

    Returns
    -------
    int
        ``value``.

    Raises
    ------
    ParameterError
        If it is not an integer or lies outside ``[low, high]``.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer) or value < low:
        raise ParameterError(f"`{name}` must be an integer >= {low}; got {value!r}")
    if high is not None and value > high:
        raise ParameterError(
            f"`{name}` must be at most {high:,} (what a 2-core, 24 GB machine can fit); "
            f"got {value!r}"
        )
    return int(value)


MAX_FACTORS = 1_000
"""Latent factors of ALS/BPR: 1,000 x 1M customers is already 8 GB of float64."""
MAX_ITERATIONS = 10_000
"""Training passes of ALS/BPR (each a pass over every interaction)."""
MAX_NEIGHBORS = 100_000
"""Neighbours kept per item by item-kNN."""


def check_number(value: Any, name: str, *, low: float = 0.0, strict: bool = True) -> float:
    """Return ``value`` as a float if it is a finite number above ``low``.

    Parameters
    ----------
    value : object
        The value given.
    name : str
        Parameter name for the message.
    low : float, default 0.0
        Lower bound.
    strict : bool, default True
        Require ``value > low`` (else ``value >= low``).

    Returns
    -------
    float
        ``value``.

    Raises
    ------
    ParameterError
        If it is not a finite number or is out of range.
    """
    is_number = isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )
    if not is_number or not np.isfinite(value) or value < low or (strict and value == low):
        bound = f"> {low:g}" if strict else f">= {low:g}"
        raise ParameterError(f"`{name}` must be a finite number {bound}; got {value!r}")
    return float(value)


def check_k(k: Any, n_items: int) -> int:
    """Check a list length against the catalogue.

    Parameters
    ----------
    k : object
        Items per user asked for.
    n_items : int
        Items in the fitted catalogue.

    Returns
    -------
    int
        ``k``.

    Raises
    ------
    ParameterError
        If ``k`` is not a positive integer or exceeds the catalogue.
    """
    k = check_int(k, "k")
    if k > n_items:
        raise ParameterError(
            f"`k`={k} is larger than the catalogue: the model was fitted on {n_items} items; "
            f"ask for at most {n_items}"
        )
    return k


class RanksOnly:
    """Mixin: Surprise's rating methods, each raising :class:`RankingOnlyError`."""

    def _ranks_only(self, method: str) -> RankingOnlyError:
        return RankingOnlyError(
            f"{type(self).__name__}.{method}: this model ranks items only; its scores order a "
            "user's items but are not rating estimates. Use recommend(users, k) or "
            "score_all(users), or a rating model from aftersales.models for predictions"
        )

    def predict(self, *args: Any, **kwargs: Any) -> Any:
        """Refuse a rating prediction (Surprise's ``predict``).

        Parameters
        ----------
        *args, **kwargs
            Ignored.

        Returns
        -------
        object
            Never returns.

        Raises
        ------
        RankingOnlyError
            Always: the model ranks items only.
        """
        raise self._ranks_only("predict")

    def estimate(self, *args: Any, **kwargs: Any) -> Any:
        """Refuse a rating estimate (Surprise's ``estimate``).

        Parameters
        ----------
        *args, **kwargs
            Ignored.

        Returns
        -------
        object
            Never returns.

        Raises
        ------
        RankingOnlyError
            Always: the model ranks items only.
        """
        raise self._ranks_only("estimate")

    def test(self, *args: Any, **kwargs: Any) -> Any:
        """Refuse to predict a test set (Surprise's ``test``; ask run_experiment for list metrics).

        Parameters
        ----------
        *args, **kwargs
            Ignored.

        Returns
        -------
        object
            Never returns.

        Raises
        ------
        RankingOnlyError
            Always: the model ranks items only.
        """
        raise self._ranks_only("test")
