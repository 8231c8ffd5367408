"""The contract for Surprise's algorithms: an adapter, since a Surprise class cannot carry it.

:func:`recommender` gives any model the contract's calls: a model that has them is returned
as it is; a Surprise algorithm is wrapped in a :class:`SurpriseRecommender`, which scores
with the vectorised scorer of its family, ranks with the one ``recommend`` and explains
k-NN estimates by their neighbours.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp
from surprise import NormalPredictor

from aftersales import choices
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.models._contract import Ranker, Scores
from aftersales.models._explain import Names, explain_knn
from aftersales.models._families import scorer_class
from aftersales.models._knn import KNNScorer
from aftersales.models._policy import UNKNOWN_USER_POLICIES
from aftersales.models._scorers import Scorer
from aftersales.models._trainset import (
    id_array,
    inner_ids,
    item_counts,
    item_mapping,
    raw_item_ids,
    raw_user_ids,
    user_lists,
    user_mapping,
)
from aftersales.topk import batch_rows

SUPPORTED_MODELS: tuple[str, ...] = tuple(
    f"{name} (seeded)" if name == "NormalPredictor" else name for name in choices.MODEL_NAMES
)
"""The Surprise algorithms the adapter scores (exact classes: a subclass may change estimate)."""

_REFUSED: dict[type, str] = {
    NormalPredictor: (
        "`model`: Surprise's NormalPredictor draws from numpy's global generator and "
        "cannot be reproduced; build it with models.make('NormalPredictor', seed=...)"
    )
}

_REASONS = {KNNScorer: explain_knn}
"""Scorer family -> the function that explains its estimates (others give no reasons)."""


def fitted_scorer(model: Any) -> Scorer:
    """Return the vectorised scorer of a fitted Surprise algorithm.

    Parameters
    ----------
    model : surprise.AlgoBase
        A fitted algorithm of a supported family (``SUPPORTED_MODELS``).

    Returns
    -------
    Scorer
        The family's scorer with its arrays prepared.

    Raises
    ------
    ParameterError
        If ``model`` is not a fitted Surprise algorithm, or is Surprise's unseeded
        ``NormalPredictor``.
    UnknownNameError
        If the model's family has no fast scorer.
    """
    if not callable(getattr(model, "estimate", None)):
        raise ParameterError(f"`model` must be a Surprise algorithm; got {type(model).__name__}")
    if getattr(model, "trainset", None) is None:
        raise ParameterError(f"`model` ({type(model).__name__}) is not fitted; call fit first")
    if type(model) in _REFUSED:
        raise ParameterError(_REFUSED[type(model)])
    family = scorer_class(model)
    if family is None:
        raise UnknownNameError(
            f"`model`: no fast scorer for {type(model).__name__}; supported: "
            f"{', '.join(SUPPORTED_MODELS)} (exact classes: a subclass may change estimate)"
        )
    return family(model)


def as_ids(ids: Sequence[Any] | np.ndarray | pd.Series, name: str) -> list[Any]:
    """Return raw ids as a list of plain Python values.

    Parameters
    ----------
    ids : sequence
        Raw ids.
    name : str
        The argument's name, for the message.

    Returns
    -------
    list
        The ids, numpy scalars turned into Python ones.

    Raises
    ------
    ParameterError
        If ``ids`` is a string or not a sequence.
    """
    if isinstance(ids, str | bytes) or not hasattr(ids, "__len__"):
        raise ParameterError(f"`{name}` must be a sequence of raw ids; got {ids!r}")
    return [x.item() if isinstance(x, np.generic) else x for x in ids]


def blocks(
    scorer: Scorer,
    users: list[Any],
    u_inner: np.ndarray,
    items: list[Any] | None,
    rows: int,
    clip: bool,
) -> Iterator[tuple[slice, np.ndarray, np.ndarray]]:
    """Yield ``(row slice, inner user ids, scores)`` per batch of ``rows`` users.

    Known users over every item come from ``scorer.known``; a grid with an unknown user or
    item from ``scorer.unknown``, its known cells from ``scorer.known``.
    """
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


class SurpriseRecommender(Ranker):
    """A Surprise algorithm behind the recommender contract.

    Parameters
    ----------
    algo : surprise.AlgoBase
        The algorithm (fitted, or fitted later through :meth:`fit`).
    """

    unknown_policies: ClassVar[tuple[str, ...]] = UNKNOWN_USER_POLICIES
    default_unknown: ClassVar[str] = "error"
    fitted_on: ClassVar[str] = "trainset"
    tie_decimals: ClassVar[int | None] = 12
    batch_budget: ClassVar[int] = 16 * 2**20
    batch_blocks: ClassVar[int] = 4

    def __init__(self, algo: Any) -> None:
        self.algo = algo
        self._scorer: Scorer | None = None

    def __repr__(self) -> str:
        return f"SurpriseRecommender({type(self.algo).__name__})"

    @property
    def neighbours_are_items(self) -> bool:  # type: ignore[override]
        """Whether reasons would name items: all but a user-based k-NN model."""
        options = getattr(self.algo, "sim_options", None)
        return True if options is None else not options.get("user_based", True)

    def fit(self, data: Any) -> SurpriseRecommender:
        """Fit the algorithm on a Surprise trainset.

        Parameters
        ----------
        data : surprise.Trainset
            The training ratings.

        Returns
        -------
        SurpriseRecommender
            ``self``, fitted.
        """
        self.algo.fit(data)
        self._scorer = None
        return self

    def predict(self, uid: Any, iid: Any, r_ui: float | None = None, clip: bool = True) -> Any:
        """Return Surprise's prediction of one (user, item) pair.

        Parameters
        ----------
        uid, iid : object
            Raw user and item ids.
        r_ui : float, optional
            The true rating, if known.
        clip : bool, default True
            Clip the estimate to the rating scale.

        Returns
        -------
        surprise.Prediction
            As ``algo.predict`` gives it.
        """
        return self.algo.predict(uid, iid, r_ui=r_ui, clip=clip)

    def scorer(self) -> Scorer:
        """Return the family's scorer, built once per fit.

        Returns
        -------
        Scorer
            See :func:`fitted_scorer`.

        Raises
        ------
        ParameterError, UnknownNameError
            As :func:`fitted_scorer`.
        """
        if self._scorer is None or self._scorer.trainset is not self.algo.trainset:
            self._scorer = fitted_scorer(self.algo)
        return self._scorer

    def score_all(
        self,
        users: Sequence[Any] | None,
        *,
        items: Sequence[Any] | None = None,
        clip: bool = True,
        batch_size: int | None = None,
    ) -> Scores:
        """Return ``predict(u, i).est`` for every user x item pair (see ``models.score_all``).

        Parameters
        ----------
        users : sequence or None
            Raw user ids (None: every trainset user).
        items : sequence, optional
            Raw item ids; default every trainset item.
        clip : bool, default True
            Clip to the rating scale.
        batch_size : int, optional
            Users per batch.

        Returns
        -------
        Scores
            The estimates and their ids.

        Raises
        ------
        ParameterError, UnknownNameError
            As :func:`aftersales.models.score_all`.
        """
        scorer = self.scorer()
        ts = scorer.trainset
        user_list = list(raw_user_ids(ts)) if users is None else as_ids(users, "users")
        item_list = None if items is None else as_ids(items, "items")
        item_ids = raw_item_ids(ts) if items is None else id_array(item_list)
        values = np.empty((len(user_list), len(item_ids)))
        rows = batch_rows(batch_size, len(item_ids), budget=self.batch_budget, blocks=4)
        u_inner = inner_ids(user_mapping(ts), user_list)
        for part, _, block in blocks(scorer, user_list, u_inner, item_list, rows, clip):
            values[part] = block
        return Scores(values=values, users=id_array(user_list), items=item_ids)

    def explain(
        self, user: Any, items: Sequence[Any], *, top: int = 3, names: Names | None = None
    ) -> pd.DataFrame:
        """Return the neighbours behind a k-NN estimate; no rows for other families.

        Parameters
        ----------
        user : object
            A raw user id of the trainset.
        items : sequence
            Raw item ids of the trainset.
        top : int, default 3
            Neighbours per item.
        names : mapping or pandas.Series, optional
            Item id -> name.

        Returns
        -------
        pandas.DataFrame
            :data:`aftersales.models.EXPLANATION_COLUMNS` (see
            :func:`aftersales.models.explain_knn`).

        Raises
        ------
        ParameterError, UnknownNameError
            As :func:`aftersales.models.explain_knn`.
        """
        reasons = _REASONS.get(scorer_class(self.algo))
        if reasons is None:
            return self.explain_empty()
        return reasons(self.algo, user, items, top=top, names=names)

    def knows(self, user: Any) -> bool:
        """Tell whether ``user`` is in the fitted trainset.

        Parameters
        ----------
        user : object
            A raw user id.

        Returns
        -------
        bool
            True when the trainset has the user.

        Raises
        ------
        ParameterError
            If the algorithm is not fitted.
        """
        trainset = getattr(self.algo, "trainset", None)
        if trainset is None:
            raise ParameterError(
                f"`model` ({type(self.algo).__name__}) is not fitted; call fit first"
            )
        return user in user_mapping(trainset)

    def _lookup(self, users: Sequence[Any] | None) -> tuple[np.ndarray, np.ndarray]:
        ts = self.scorer().trainset
        user_list = list(raw_user_ids(ts)) if users is None else as_ids(users, "users")
        return id_array(user_list), inner_ids(user_mapping(ts), user_list)

    def _item_ids(self) -> np.ndarray:
        return raw_item_ids(self.scorer().trainset)

    def _seen_items(self) -> sp.csr_matrix:
        return user_lists(self.scorer().trainset).matrix()

    def _ranking_block(self, wanted: np.ndarray, codes: np.ndarray, policy: str) -> np.ndarray:
        scorer = self.scorer()
        (_, _, values), *_ = blocks(scorer, wanted.tolist(), codes, None, len(codes), clip=True)
        if policy == "popular" and (codes < 0).any():
            values[codes < 0] = item_counts(scorer.trainset)
        return values


def recommender(model: Any) -> Any:
    """Return ``model`` with the recommender contract: itself, or a Surprise adapter.

    Parameters
    ----------
    model : object
        A model of the registry (``aftersales.models.make``), fitted or not.

    Returns
    -------
    object
        ``model`` when it ranks on its own (has ``recommend``: it follows the contract), else
        a :class:`SurpriseRecommender` around it (Surprise's ``AlgoBase`` has no ``recommend``).
    """
    return model if callable(getattr(model, "recommend", None)) else SurpriseRecommender(model)
