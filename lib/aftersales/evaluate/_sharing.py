"""Share fits: between models that differ only in what ``fit`` never reads, and across runs.

Surprise's k-NN algorithms compute their similarities (and means or baselines) in
``fit``; ``k`` and ``min_k`` are read only by ``estimate``. Models of one fold that differ
only in those two (a sweep of ``k``) can therefore be fitted once: each is a shallow copy
of the fitted model with its own ``k`` and ``min_k``, and predicts exactly what its own
fit would. :data:`MEMO` keeps seeded factor-model fits by (settings, training rows), so
a later ``run_experiment`` of the same process reuses an identical fit; :data:`NEIGHBOURS`
does the same for k-NN fits (by their :func:`fit_key`, so another ``k`` is a hit too),
within a memory budget, since each holds a users x users or items x items matrix.
"""

from __future__ import annotations

import copy
import hashlib
import json
import sys
import time
from collections import Counter, OrderedDict
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import surprise

from aftersales import columns as C

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


MEMO_CLASSES: tuple[type, ...] = (
    surprise.BaselineOnly,
    surprise.SVD,
    surprise.SVDpp,
    surprise.NMF,
    surprise.CoClustering,
)
"""Exact classes whose fits :class:`FitMemo` keeps: seeded (an integer ``random_state``
fixes the fit) and small (factor and bias arrays, not item x item matrices)."""

MEMO_SIZE = 32
"""Fits kept by the process-wide memo (the least recently used go first)."""


def fold_key(train: pd.DataFrame, scale: tuple[float, float]) -> str:
    """Return a digest of a fold's training rows, in order, and its rating scale.

    Parameters
    ----------
    train : pandas.DataFrame
        ``C.USER``, ``C.ITEM``, ``C.RATING``: what the trainset is built from (the row
        order matters: it is Surprise's inner-id and SGD order).
    scale : tuple of float
        The rating scale.

    Returns
    -------
    str
        A sha256 hex digest.
    """
    rows = pd.util.hash_pandas_object(train[[C.USER, C.ITEM, C.RATING]], index=False)
    digest = hashlib.sha256(rows.to_numpy().tobytes())
    digest.update(repr(tuple(float(x) for x in scale)).encode())
    return digest.hexdigest()


def memo_key(algo: Any, fold: str) -> Hashable | None:
    """Return the memo key of an unfitted algorithm on a fold, or None if not memoised.

    Parameters
    ----------
    algo : object
        A fresh, unfitted algorithm.
    fold : str
        :func:`fold_key` of the training rows.

    Returns
    -------
    hashable or None
        ``(class, every setting, fold)`` for :data:`MEMO_CLASSES` seeded with an
        integer; None otherwise (another class, an unseeded model, a fitted one).
    """
    cls = type(algo)
    if cls not in MEMO_CLASSES or getattr(algo, "trainset", None) is not None:
        return None
    seed = getattr(algo, "random_state", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        return None
    settings = {name: value for name, value in vars(algo).items() if name not in _IGNORED}
    return cls, json.dumps(settings, sort_keys=True, default=repr), fold


class Lru:
    """A small least-recently-used store.

    Parameters
    ----------
    size : int
        Entries kept; the least recently used go first.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: Hashable | None) -> Any:
        """Return the value kept under ``key``, or None."""
        if key is None or key not in self._values:
            return None
        self._values.move_to_end(key)
        return self._values[key]

    def put(self, key: Hashable | None, value: Any) -> None:
        """Keep ``value`` under ``key`` (ignored when ``key`` is None)."""
        if key is None:
            return
        self._values[key] = value
        self._values.move_to_end(key)
        while len(self._values) > self.size:
            self._values.popitem(last=False)

    def clear(self) -> None:
        """Forget everything."""
        self._values.clear()


class FitMemo(Lru):
    """Fitted models by :func:`memo_key`, shared by every ``run_experiment`` of a process.

    A notebook often fits the same seeded model on the same fold more than once (the
    comparison's SVD is also the factor sweep's ``n_factors=100`` and the epoch sweep's
    ``n_epochs=20``); a later ``run_experiment`` reuses the first fit, which is exactly
    what a refit would give, and reports its fit time.
    """

    def get(self, key: Hashable | None) -> tuple[Any, float] | None:
        """Return ``(a shallow copy of the fitted model, its fit time)``, or None."""
        found = super().get(key)
        return None if found is None else (copy.copy(found[0]), found[1])


MEMO = FitMemo(MEMO_SIZE)
"""The process-wide memo of fits ``run_experiment`` reads and fills."""


class NeighbourMemo(Lru):
    """k-NN fits by :func:`neighbour_key`, kept while their arrays fit a memory budget.

    A notebook fits the same k-NN model on the same rows several times: the similarity
    grid's measure again in the ``k`` sweep, the best setting again in a comparison and
    in an example. The fit (similarities, means, baselines) does not depend on ``k``, so a
    later model of another ``k`` is served a copy carrying its own ``k`` and ``min_k``.

    Parameters
    ----------
    budget : int
        Bytes of arrays kept (the least recently used fits go first); a fit larger than
        the budget is not kept.
    """

    def __init__(self, budget: int) -> None:
        super().__init__(size=sys.maxsize)
        self.budget = budget
        self._bytes: dict[Hashable, int] = {}

    def put(self, key: Hashable | None, value: Any) -> None:
        """Keep ``(fitted model, fit time)`` under ``key`` while the budget allows."""
        if key is None:
            return
        size = sum(v.nbytes for v in vars(value[0]).values() if isinstance(v, np.ndarray))
        if size > self.budget:
            return
        super().put(key, value)
        self._bytes[key] = size
        while sum(self._bytes.values()) > self.budget:
            oldest = next(iter(self._values))
            self._values.pop(oldest)
            self._bytes.pop(oldest, None)

    def get(self, key: Hashable | None) -> Any:
        """Return ``(a copy of the fit, its fit time)`` for the model ``key`` names, or None.

        ``key`` is ``(neighbour key, fresh model)``: the copy carries the fresh model's
        estimate-only settings.
        """
        if key is None:
            return None
        found = super().get(key[0])
        return None if found is None else (with_estimate_settings(found[0], key[1]), found[1])

    def clear(self) -> None:
        """Forget everything."""
        super().clear()
        self._bytes.clear()


def neighbour_key(algo: Any, fold: str) -> Hashable | None:
    """Return the :class:`NeighbourMemo` key of an unfitted k-NN model on a fold, or None.

    Parameters
    ----------
    algo : object
        A fresh, unfitted algorithm.
    fold : str
        :func:`fold_key` of the training rows.

    Returns
    -------
    hashable or None
        ``(fit_key(algo), fold)`` for the classes of :data:`ESTIMATE_ONLY`; None otherwise.
    """
    key = fit_key(algo)
    return None if key is None else (key, fold)


NEIGHBOURS_BUDGET = 1 << 30
"""Bytes of k-NN arrays :data:`NEIGHBOURS` keeps (1 GiB: online-retail's 4,300 x 4,300
user similarities take 150 MB, so the eight fits of a similarity grid stay)."""

NEIGHBOURS = NeighbourMemo(NEIGHBOURS_BUDGET)
"""The process-wide memo of k-NN fits ``run_experiment`` and ``fit_ratings`` read and fill."""


def fit_once(algo: Any, trainset: Any, fold: str | None) -> tuple[Any, float]:
    """Fit ``algo`` on a trainset, or reuse an identical fit of this process.

    Parameters
    ----------
    algo : object
        A fresh, unfitted algorithm.
    trainset : surprise.Trainset
        The fold's trainset.
    fold : str or None
        :func:`fold_key` of the rows the trainset was built from; None fits without
        reading or filling the memos (a model whose settings do not say what it fits).

    Returns
    -------
    tuple
        ``(fitted model, fit seconds)``: a copy of a memoised fit (:data:`MEMO` or
        :data:`NEIGHBOURS`, with the first fit's seconds), or ``algo`` fitted now.
    """
    remembered = near = None
    if fold is not None:
        remembered, near = memo_key(algo, fold), neighbour_key(algo, fold)
    found = MEMO.get(remembered) or NEIGHBOURS.get(None if near is None else (near, algo))
    if found is not None:
        return found
    start = time.perf_counter()
    algo.fit(trainset)
    fit_time = time.perf_counter() - start
    MEMO.put(remembered, (algo, fit_time))
    NEIGHBOURS.put(near, (algo, fit_time))
    return algo, fit_time


TRAINSETS = Lru(8)
"""Surprise trainsets by :func:`fold_key`: memoised fits of one fold share one trainset."""
