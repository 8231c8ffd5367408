"""Vectorised estimates of (user, item) pairs: ``model.predict(u, i).est`` for many pairs.

Surprise's ``AlgoBase.test`` calls ``predict`` pair by pair, in Python; for the k-NN family
and SVD++ that costs milliseconds a pair. :func:`predict_pairs` groups the pairs by user,
scores a batch of users over every item with the family's scorer (the one ``score_all``
uses) and reads the asked-for cells, so a test fold costs a few matrix products.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from aftersales.errors import ParameterError
from aftersales.models._families import scorer_class
from aftersales.models._scorers import Scorer
from aftersales.models._surprise import as_ids, fitted_scorer
from aftersales.models._trainset import inner_ids, item_mapping, user_mapping
from aftersales.topk import batch_rows

_BATCH_BYTES = 16 * 2**20
"""Memory for one batch of dense scores (users x every item)."""


def has_pair_scorer(model: object) -> bool:
    """Tell whether :func:`predict_pairs` can score a model's pairs.

    Parameters
    ----------
    model : object
        Any algorithm.

    Returns
    -------
    bool
        True for a fitted Surprise algorithm of a supported family (exact class, see
        ``SUPPORTED_MODELS``: not Surprise's unseeded ``NormalPredictor``, nor a subclass
        that may change ``estimate``); False otherwise.
    """
    return getattr(model, "trainset", None) is not None and scorer_class(model) is not None


def _known_cells(
    scorer: Scorer, u_inner: np.ndarray, i_inner: np.ndarray, rows: int, out: np.ndarray
) -> None:
    """Fill ``out`` at the pairs whose user and item are both known, a user batch at a time."""
    both = np.flatnonzero((u_inner >= 0) & (i_inner >= 0))
    if both.size == 0:
        return
    pairs = getattr(scorer, "pairs", None)
    if pairs is not None:  # the family computes single pairs directly (k-NN)
        out[both] = pairs(u_inner[both], i_inner[both])
        return
    users, position = np.unique(u_inner[both], return_inverse=True)
    order = np.argsort(position, kind="stable")
    bounds = np.searchsorted(position[order], np.arange(0, users.size + rows, rows))
    for number, start in enumerate(range(0, users.size, rows)):  # batches of users
        block = scorer.known(users[start : start + rows])
        cells = order[bounds[number] : bounds[number + 1]]
        out[both[cells]] = block[position[cells] - start, i_inner[both[cells]]]


def _unknown_cells(
    scorer: Scorer,
    u_inner: np.ndarray,
    i_inner: np.ndarray,
    raw_users: list[Any],
    raw_items: list[Any],
    out: np.ndarray,
) -> None:
    """Fill ``out`` at the pairs with an unknown user or item (the model's fallback)."""
    some = np.flatnonzero((u_inner < 0) | (i_inner < 0))
    if some.size == 0:
        return
    # one grid per distinct user: a user's unknown pairs share its row of the fallback
    user_codes, first = pd.factorize(pd.Series([raw_users[x] for x in some], dtype=object))
    for code in range(len(first)):  # users with a cold pair: usually a handful
        cells = some[user_codes == code]
        grid = scorer.unknown(
            u_inner[cells[:1]], i_inner[cells], [raw_users[cells[0]]], [raw_items[x] for x in cells]
        )
        out[cells] = grid[0]


def predict_pairs(
    model: Any,
    users: Sequence[Any],
    items: Sequence[Any],
    *,
    clip: bool = True,
    batch_size: int | None = None,
) -> np.ndarray:
    """Return ``model.predict(users[n], items[n]).est`` for every pair ``n``, vectorised.

    Equal to Surprise's per-pair ``predict`` up to float summation order (about 1e-15):
    known pairs are read from the family's all-items scores (as ``score_all``), pairs with
    an unknown user or item get what ``predict`` falls back to.

    Parameters
    ----------
    model : surprise.AlgoBase
        A fitted model of a supported family (see ``SUPPORTED_MODELS``).
    users, items : sequence
        Raw ids of equal length: the pairs, in order (repeats allowed).
    clip : bool, default True
        Clip to the trainset's rating scale, as ``predict`` does by default.
    batch_size : int, optional
        Users scored at once (bounds the working memory); the default fits a batch of
        all-items scores in about 16 MB.

    Returns
    -------
    numpy.ndarray
        float64, one estimate per pair.

    Raises
    ------
    ParameterError
        If ``model`` is not a fitted Surprise algorithm (or is Surprise's unseeded
        NormalPredictor), ``users`` / ``items`` are not sequences of equal length, or
        ``batch_size`` < 1.
    UnknownNameError
        If the model's family has no fast scorer.
    """
    scorer = fitted_scorer(model)
    user_list, item_list = as_ids(users, "users"), as_ids(items, "items")
    if len(user_list) != len(item_list):
        raise ParameterError(
            f"`users` and `items` must have equal lengths (the pairs); got {len(user_list)} "
            f"and {len(item_list)}"
        )
    ts = model.trainset
    u_inner = inner_ids(user_mapping(ts), user_list)
    i_inner = inner_ids(item_mapping(ts), item_list)
    out = np.empty(len(user_list))
    rows = batch_rows(batch_size, ts.n_items, budget=_BATCH_BYTES, blocks=4)
    _known_cells(scorer, u_inner, i_inner, rows, out)
    _unknown_cells(scorer, u_inner, i_inner, user_list, item_list, out)
    if clip:
        low, high = ts.rating_scale
        np.clip(out, low, high, out=out)
    return out
