"""Share one fit between models that differ only in parameters ``fit`` never reads.

Surprise's k-NN algorithms compute their similarities (and means or baselines) in
``fit``; ``k`` and ``min_k`` are read only by ``estimate``. Models of one fold that differ
only in those two (a sweep of ``k``) can therefore be fitted once: each is a shallow copy
of the fitted model with its own ``k`` and ``min_k``, and predicts exactly what its own
fit would.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Hashable, Sequence
from typing import Any

import surprise

ESTIMATE_ONLY: dict[type, tuple[str, ...]] = {
    surprise.KNNBasic: ("k", "min_k"),
    surprise.KNNWithMeans: ("k", "min_k"),
    surprise.KNNWithZScore: ("k", "min_k"),
    surprise.KNNBaseline: ("k", "min_k"),
}
"""Exact class -> the attributes only its ``estimate`` reads (a subclass may differ)."""

_IGNORED = ("verbose",)
"""Attributes that change neither the fit nor the estimates."""


def fit_key(algo: Any) -> Hashable | None:
    """Return what determines an unfitted algorithm's fit, or None if it cannot be shared.

    Parameters
    ----------
    algo : object
        A fresh, unfitted algorithm.

    Returns
    -------
    hashable or None
        ``(class, settings)`` with every attribute but the estimate-only ones, for the
        classes of :data:`ESTIMATE_ONLY`; None for any other class or a fitted model.
    """
    cls = type(algo)
    if cls not in ESTIMATE_ONLY or getattr(algo, "trainset", None) is not None:
        return None
    skip = set(ESTIMATE_ONLY[cls]) | set(_IGNORED)
    settings = {name: value for name, value in vars(algo).items() if name not in skip}
    return cls, json.dumps(settings, sort_keys=True, default=repr)


def with_estimate_settings(fitted: Any, fresh: Any) -> Any:
    """Return a shallow copy of ``fitted`` carrying ``fresh``'s estimate-only settings.

    Parameters
    ----------
    fitted : object
        A fitted algorithm whose :func:`fit_key` (before fitting) equalled ``fresh``'s.
    fresh : object
        The unfitted algorithm it stands for.

    Returns
    -------
    object
        A copy sharing the fitted arrays (never modified by ``estimate``).
    """
    out = copy.copy(fitted)
    for name in ESTIMATE_ONLY[type(fresh)]:
        setattr(out, name, getattr(fresh, name))
    return out


class FitShare:
    """The fits of one fold that later models of the fold will reuse.

    Parameters
    ----------
    keys : sequence
        The :func:`fit_key` of each model of the fold, in run order. A fit is kept only
        while a later model needs it, so memory holds at most the shared fits still due.
    """

    def __init__(self, keys: Sequence[Hashable | None]) -> None:
        self._due = Counter(key for key in keys if key is not None)
        self._fits: dict[Hashable, tuple[Any, float]] = {}

    def take(self, key: Hashable | None) -> tuple[Any, float] | None:
        """Return ``(fitted model, its fit time)`` kept for ``key``, or None.

        Counts the model as served: the kept fit is dropped after its last user.
        """
        if key is None:
            return None
        self._due[key] -= 1
        found = self._fits.get(key)
        if self._due[key] <= 0:
            self._fits.pop(key, None)
        return found

    def keep(self, key: Hashable | None, fitted: Any, fit_time: float) -> None:
        """Keep a fit for the models still due under ``key`` (if any)."""
        if key is not None and self._due[key] > 0:
            self._fits[key] = (fitted, fit_time)
