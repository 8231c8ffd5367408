"""All-items scoring and top-k ranking of fitted models, batched by users."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from aftersales.models._contract import Scores
from aftersales.models._policy import UnknownUsers
from aftersales.models._surprise import SurpriseRecommender, recommender


def score_all(
    model: Any,
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
    return SurpriseRecommender(model).score_all(
        users, items=items, clip=clip, batch_size=batch_size
    )


def recommend(
    model: Any,
    users: Sequence[Any] | None,
    k: int,
    *,
    exclude_seen: bool = True,
    unknown_users: UnknownUsers | None = None,
    batch_size: int | None = None,
) -> pd.DataFrame:
    """Return each user's top-``k`` items of any model of the registry (the one ``recommend``).

    A model with the contract ranks with its own ``recommend`` (:class:`Ranker`'s); a Surprise
    algorithm through :class:`SurpriseRecommender`, by its (clipped) estimate. For Surprise,
    scores are rounded to 12 decimals (float noise from summation order would otherwise
    decide between equal estimates); ties are then broken by the item's inner id (its
    first appearance in the trainset).

    Parameters
    ----------
    model : object
        A fitted model: a Surprise algorithm of a supported family, or any model with the
        contract (top-N models, ``UserCosineCF``, frequently bought together).
    users : sequence or None
        Raw user ids, no duplicates; ``None`` ranks every trainset user.
    k : int
        Items per user, >= 1. A user with fewer candidate items gets fewer rows.
    exclude_seen : bool, default True
        Leave out the items the user rated in the trainset.
    unknown_users : {"error", "popular", "skip", "model"}, optional
        Users outside the trainset (:data:`UNKNOWN_USER_POLICIES`; default the model's
        ``default_unknown``: ``"error"`` for Surprise, ``"popular"`` for top-N models):
        ``"error"`` raises;
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
    return recommender(model).recommend(
        users, k, exclude_seen=exclude_seen, unknown_users=unknown_users, batch_size=batch_size
    )
