"""Name -> top-N model registry, and one ``recommend`` for every kind of fitted model."""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import pandas as pd
from surprise import AlgoBase

from aftersales import choices
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.random import Seed
from aftersales.topn._base import TopNModel
from aftersales.topn._content import ContentBased, Hybrid
from aftersales.topn._factor import ALS, BPR
from aftersales.topn._models import EASE, ItemKNN, Popularity

TOPN_MODELS: Mapping[str, type[TopNModel]] = MappingProxyType(
    dict(
        zip(
            choices.TOPN_MODELS,  # each name with its class, in this order
            (Popularity, ItemKNN, EASE, ALS, BPR, ContentBased, Hybrid),
            strict=True,
        )
    )
)
"""Every top-N model :func:`make_topn` builds, by name."""


def _lookup(name: str) -> type[TopNModel]:
    if not isinstance(name, str) or name not in TOPN_MODELS:
        raise UnknownNameError(
            f"unknown top-N model {name!r}; valid models: {', '.join(TOPN_MODELS)}"
        )
    return TOPN_MODELS[name]


def default_topn_params(name: str) -> dict[str, Any]:
    """Return the parameters a top-N model accepts, with their defaults.

    Parameters
    ----------
    name : str
        A key of :data:`TOPN_MODELS`.

    Returns
    -------
    dict
        Parameter name -> default (``seed`` excluded: :func:`make_topn` takes it apart).

    Raises
    ------
    UnknownNameError
        If ``name`` is not registered (lists the valid names).
    """
    cls = _lookup(name)
    signature = inspect.signature(cls.__init__)
    return {name: signature.parameters[name].default for name in cls.param_names()}


def make_topn(name: str, params: Mapping[str, Any] | None = None, *, seed: Seed) -> TopNModel:
    """Build an unfitted top-N model by name.

    Parameters
    ----------
    name : str
        One of :data:`TOPN_MODELS`: ``"popularity"``, ``"itemknn"``, ``"ease"``,
        ``"als"``, ``"bpr"``.
    params : mapping, optional
        Parameters by name (see :func:`default_topn_params`); missing ones keep their
        defaults. Not modified.
    seed : int or numpy.random.Generator
        Seed of the model (used by ALS and BPR, validated by all).

    Returns
    -------
    TopNModel
        The model, ready for ``fit``.

    Raises
    ------
    UnknownNameError
        If ``name`` is not registered (lists the valid names).
    ParameterError
        If a parameter is unknown (lists the valid ones), ``seed`` is given in
        ``params``, or a value has the wrong type or is out of range.
    """
    cls = _lookup(name)
    given = dict(params or {})
    if "seed" in given:
        raise ParameterError(f"model {name!r}: pass the seed through `seed`, not params['seed']")
    valid = cls.param_names()
    unknown = sorted(set(given) - set(valid), key=str)
    if unknown:
        raise ParameterError(
            f"model {name!r}: unknown parameter(s) {', '.join(map(repr, unknown))}; "
            f"valid parameters: {', '.join(valid)}"
        )
    return cls(**given, seed=seed)


def recommend(
    model: Any,
    users: Sequence[Any] | None,
    k: int,
    *,
    exclude_seen: bool = True,
    **options: Any,
) -> pd.DataFrame:
    """Top-``k`` lists from any fitted model: top-N, Surprise, or one with its own ``recommend``.

    The ``rank_fn`` for :func:`aftersales.evaluate.run_experiment` when an experiment mixes
    model kinds. A Surprise algorithm goes to :func:`aftersales.models.recommend`; any other
    model (a :class:`TopNModel`, ``aftersales.usercf.UserCosineCF``, the basket
    recommender of ``aftersales.recommendations``) ranks with its own
    ``recommend(users, k, *, exclude_seen, **options)``. All return the same frame.

    Parameters
    ----------
    model : object
        A fitted model.
    users : sequence or None
        User ids, no duplicates; None means every fitted user.
    k : int
        Items per user.
    exclude_seen : bool, default True
        Leave out the items each user has in the training data.
    **options
        Passed on (``unknown_users``, ``batch_size``); each kind has its own
        ``unknown_users`` default (top-N: ``"popular"``; Surprise: ``"error"``).

    Returns
    -------
    pandas.DataFrame
        ``C.USER``, ``C.ITEM``, ``C.SCORE``, ``C.RANK``.

    Raises
    ------
    ParameterError, UnknownNameError
        As raised by the model's ranking function, or if ``model`` can rank in neither way.
    """
    if isinstance(model, AlgoBase):
        from aftersales.models import recommend as surprise_recommend

        return surprise_recommend(model, users, k, exclude_seen=exclude_seen, **options)
    if callable(getattr(model, "recommend", None)):
        return model.recommend(users, k, exclude_seen=exclude_seen, **options)
    raise ParameterError(
        f"`model` must be a fitted Surprise algorithm or have a `recommend(users, k)` method; "
        f"got {type(model).__name__}"
    )
