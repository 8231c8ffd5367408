"""All-items scoring and top-k ranking of fitted Surprise models, batched by users."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from surprise import AlgoBase, NormalPredictor

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.models._data import (
    id_array,
    inner_ids,
    item_counts,
    item_mapping,
    raw_item_ids,
    raw_user_ids,
    user_lists,
    user_mapping,
)
from aftersales.models._families import scorer_for
from aftersales.models._policy import UnknownUsers, check_unknown_users
from aftersales.models._scorers import Scorer
from aftersales.models._seeded import SeededNormalPredictor
from aftersales.topk import batch_rows, top_k

_TIE_DECIMALS = 12
"""Scores are rounded to this many decimals before ranking."""

_BATCH_BYTES = 16 * 2**20
"""Default memory for one batch of scores; sets the number of users per batch."""

SUPPORTED_MODELS: tuple[str, ...] = (
    "NormalPredictor (seeded)",
    "BaselineOnly",
    "KNNBasic",
    "KNNWithMeans",
    "KNNWithZScore",
    "KNNBaseline",
    "SVD",
    "SVDpp",
    "NMF",
    "SlopeOne",
    "CoClustering",
)


@dataclass(frozen=True)
class Scores:
    """Dense estimates of a model for a grid of users and items.

    Attributes
    ----------
    values : numpy.ndarray
        Shape ``(len(users), len(items))``; ``values[r, c]`` equals
        ``model.predict(users[r], items[c]).est``.
    users : numpy.ndarray
        Raw user id of each row, in the order asked for.
    items : numpy.ndarray
        Raw item id of each column (the trainset's items in inner-id order by default).
    """

    values: np.ndarray
    users: np.ndarray
    items: np.ndarray


def _scorer(model: AlgoBase) -> Scorer:
    if not isinstance(model, AlgoBase):
        raise ParameterError(f"`model` must be a Surprise algorithm; got {type(model).__name__}")
    if getattr(model, "trainset", None) is None:
        raise ParameterError(f"`model` ({type(model).__name__}) is not fitted; call fit first")
    if isinstance(model, NormalPredictor) and not isinstance(model, SeededNormalPredictor):
        raise ParameterError(
            "`model`: Surprise's NormalPredictor draws from numpy's global generator and "
            "cannot be reproduced; build it with make_model('NormalPredictor', seed=...)"
        )
    scorer = scorer_for(model)
    if scorer is None:
        raise UnknownNameError(
            f"`model`: no fast scorer for {type(model).__name__}; supported: "
            f"{', '.join(SUPPORTED_MODELS)} (exact classes: a subclass may change estimate)"
        )
    return scorer


def _as_ids(ids: Sequence[Any] | np.ndarray | pd.Series, name: str) -> list[Any]:
    if isinstance(ids, str | bytes) or not hasattr(ids, "__len__"):
        raise ParameterError(f"`{name}` must be a sequence of raw ids; got {ids!r}")
    return [x.item() if isinstance(x, np.generic) else x for x in ids]


def _blocks(
    scorer: Scorer,
    users: list[Any],
    u_inner: np.ndarray,
    items: list[Any] | None,
    rows: int,
    clip: bool,
) -> Iterator[tuple[slice, np.ndarray, np.ndarray]]:
    """Yield ``(row slice, inner user ids, scores)`` per batch of users."""
    ts = scorer.trainset
    if items is None:
        i_inner, all_items = np.arange(ts.n_items), True
    else:
        i_inner = inner_ids(item_mapping(ts), items)
        all_items = np.array_equal(i_inner, np.arange(ts.n_items))
    i_known = i_inner >= 0
    raw_items = items if items is not None else list(raw_item_ids(ts))
    low, high = ts.rating_scale
    for start in range(0, len(users), rows):
        part = slice(start, min(start + rows, len(users)))
        uids = u_inner[part]
        u_known = uids >= 0
        if u_known.all() and all_items:
            values = scorer.known(uids)
        else:
            values = scorer.unknown(uids, i_inner, users[part], raw_items)
            if u_known.any() and i_known.any():
                known = scorer.known(uids[u_known])[:, i_inner[i_known]]
                values[np.ix_(u_known, i_known)] = known
        if clip:
            np.clip(values, low, high, out=values)
        yield part, uids, values


def score_all(
    model: AlgoBase,
    users: Sequence[Any],
    *,
    items: Sequence[Any] | None = None,
    clip: bool = True,
    batch_size: int | None = None,
) -> Scores:
    """Return ``model.predict(u, i).est`` for every user x item pair, vectorised.

    Parameters
    ----------
    model : surprise.AlgoBase
        A fitted model of a supported family (see ``SUPPORTED_MODELS``).
    users : sequence
        Raw user ids; ids outside the trainset get Surprise's fallback estimate.
    items : sequence, optional
        Raw item ids (unknown ones allowed); the default is every trainset item in
        inner-id order.
    clip : bool, default True
        Clip to the trainset's rating scale, as ``predict`` does by default.
    batch_size : int, optional
        Users scored per batch (bounds the working memory); the default fits a batch
        near 4 MB (16 MB of temporaries).

    Returns
    -------
    Scores
        ``values`` (n_users x n_items), ``users`` and ``items`` raw ids.

    Raises
    ------
    ParameterError
        If ``model`` is not a fitted Surprise algorithm (or is Surprise's unseeded
        NormalPredictor), ``users``/``items`` are not sequences, or ``batch_size`` < 1.
    UnknownNameError
        If the model's family has no fast scorer.
    """
    scorer = _scorer(model)
    user_list = _as_ids(users, "users")
    item_list = None if items is None else _as_ids(items, "items")
    item_ids = raw_item_ids(model.trainset) if items is None else id_array(item_list)
    values = np.empty((len(user_list), len(item_ids)))
    rows = batch_rows(batch_size, len(item_ids), budget=_BATCH_BYTES, blocks=4)
    u_inner = inner_ids(user_mapping(model.trainset), user_list)
    for part, _, block in _blocks(scorer, user_list, u_inner, item_list, rows, clip):
        values[part] = block
    return Scores(values=values, users=id_array(user_list), items=item_ids)


def recommend(
    model: AlgoBase,
    users: Sequence[Any] | None,
    k: int,
    *,
    exclude_seen: bool = True,
    unknown_users: UnknownUsers = "error",
    batch_size: int | None = None,
) -> pd.DataFrame:
    """Return each user's top-``k`` trainset items by the model's (clipped) estimate.

    Scores are rounded to 12 decimals (float noise from summation order would otherwise
    decide between equal estimates); ties are then broken by the item's inner id (its
    first appearance in the trainset).

    Parameters
    ----------
    model : surprise.AlgoBase
        A fitted model of a supported family.
    users : sequence or None
        Raw user ids, no duplicates; ``None`` ranks every trainset user.
    k : int
        Items per user, >= 1. A user with fewer candidate items gets fewer rows.
    exclude_seen : bool, default True
        Leave out the items the user rated in the trainset.
    unknown_users : {"error", "popular", "skip", "model"}, default "error"
        Users outside the trainset (:data:`UNKNOWN_USER_POLICIES`): ``"error"`` raises;
        ``"popular"`` ranks items by their number of training ratings (``C.SCORE`` is that
        count); ``"skip"`` leaves them out; ``"model"`` ranks
        by the model's fallback estimate for an unknown user (what ``predict`` gives,
        e.g. ``mu + b_i`` for SVD, a constant for KNNBasic).
    batch_size : int, optional
        Users per batch; see :func:`score_all`.

    Returns
    -------
    pandas.DataFrame
        Columns ``C.USER``, ``C.ITEM``, ``C.SCORE`` (float64) and ``C.RANK`` (int64,
        from 1), ordered by the input user order then rank.

    Raises
    ------
    ParameterError
        If ``k`` is not a positive integer, ``users`` has duplicates, the policy is
        unknown, or the model is not a fitted supported algorithm.
    UnknownNameError
        If ``unknown_users="error"`` and a user is outside the trainset (the message
        counts them and shows the first few), or the model family is unsupported.
    """
    validate.positive_int(k, "k")
    check_unknown_users(unknown_users)
    scorer = _scorer(model)
    ts = model.trainset
    user_list = list(raw_user_ids(ts)) if users is None else _as_ids(users, "users")
    if len(set(user_list)) != len(user_list):
        raise ParameterError("`users` must not contain duplicates")
    u_inner = inner_ids(user_mapping(ts), user_list)
    missing = [u for u, inner in zip(user_list, u_inner, strict=True) if inner < 0]
    if missing and unknown_users == "error":
        raise UnknownNameError(
            f"`users`: {len(missing)} user(s) are not in the trainset (first: "
            f"{', '.join(map(repr, missing[:5]))}); pass unknown_users='popular' or "
            "'model' to rank them anyway, or 'skip' to leave them out"
        )
    if missing and unknown_users == "skip":
        keep = u_inner >= 0
        user_list = [u for u, known in zip(user_list, keep, strict=True) if known]
        u_inner = u_inner[keep]
    seen = user_lists(ts).matrix() if exclude_seen else None
    popularity = item_counts(ts) if unknown_users == "popular" else None
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    rows = batch_rows(batch_size, ts.n_items, budget=_BATCH_BYTES, blocks=4)
    for part, uids, values in _blocks(scorer, user_list, u_inner, None, rows, clip=True):
        # equal estimates computed in another summation order differ by ~1e-16: round,
        # so that such ties are broken by item, not by float noise
        np.round(values, _TIE_DECIMALS, out=values)
        known = uids >= 0
        if seen is not None and known.any():
            sub = seen[uids[known]]
            local = np.flatnonzero(known)[np.repeat(np.arange(sub.shape[0]), np.diff(sub.indptr))]
            values[local, sub.indices] = -np.inf
        if popularity is not None and not known.all():
            values[~known] = popularity
        r, c, s, rank = top_k(values, k)
        parts.append((r + part.start, c, s, rank))
    if parts:
        row, col, score, rank = (np.concatenate(x) for x in zip(*parts, strict=True))
    else:
        row = col = rank = np.empty(0, np.int64)
        score = np.empty(0, np.float64)
    return pd.DataFrame(
        {
            C.USER: id_array(user_list)[row],
            C.ITEM: raw_item_ids(ts)[col],
            C.SCORE: score.astype(np.float64),
            C.RANK: rank.astype(np.int64),
        }
    )
