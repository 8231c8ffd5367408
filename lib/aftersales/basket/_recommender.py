"""Frequently bought together as a model of the registry (``"fbt"``): rules, then popular items."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

from aftersales import columns as C
from aftersales import topn
from aftersales.basket._together import FrequentlyBoughtTogether
from aftersales.errors import ParameterError
from aftersales.models import EXPLANATION_COLUMNS, Ranker, Scores
from aftersales.random import Seed, rng


class BasketRecommender(Ranker, topn.RanksOnly):
    """Frequently bought together ranked per customer, filled up with popular items.

    Fitting treats each customer's training items as one basket
    (``FrequentlyBoughtTogether`` on the training interactions, so no test purchase leaks
    in) and counts each item's customers. A customer's list holds the items with a
    qualifying rule from their history (by the rule metric, the strongest rule from any
    history item), then, up to ``k``, the most popular unseen items (score 0), so every
    customer gets a full list like the other models; users outside the training data get
    popular items only. ``recommend`` is :meth:`aftersales.models.Ranker.recommend`: the
    items rank by their rule score, and items without a rule rank below every rule item by
    popularity (equal scores go to the smaller item id). Rating methods raise
    ``RankingOnlyError``.

    Parameters
    ----------
    metric : {"lift", "confidence"}, default "lift"
        Rule metric to rank by.
    min_support : float, default 0.001
        Minimum pair support (share of customers).
    min_lift : float, default 1.0
        Minimum lift.
    seed : int or numpy.random.Generator, default 0
        Validated and unused (the model is deterministic); the registry passes one to all.

    Raises
    ------
    UnknownNameError, ParameterError
        As ``FrequentlyBoughtTogether`` for a bad metric or threshold.
    """

    neighbours_are_items = True
    unknown_policies: ClassVar[tuple[str, ...]] = ("popular",)
    default_unknown: ClassVar[str] = "popular"
    fitted_on: ClassVar[str] = "training interactions"
    batch_blocks: ClassVar[int] = 4  # rule scores, their columns, the tiered values, top-k's

    def __init__(
        self,
        metric: str = C.LIFT,
        *,
        min_support: float = 0.001,
        min_lift: float = 1.0,
        seed: Seed = 0,
    ) -> None:
        rng(seed)  # validated; the model is deterministic
        self.model = FrequentlyBoughtTogether(metric, min_support=min_support, min_lift=min_lift)

    def __repr__(self) -> str:
        return f"BasketRecommender({self.model!r})"

    def fit(self, data: Any) -> BasketRecommender:
        """Fit on training interactions.

        Parameters
        ----------
        data : pandas.DataFrame or surprise.Trainset
            ``C.USER`` and ``C.ITEM`` rows, or a Surprise trainset.

        Returns
        -------
        BasketRecommender
            ``self``, fitted.

        Raises
        ------
        DataValidationError
            If ``data`` is malformed or empty.
        ParameterError
            If no item reaches ``min_support``.
        """
        matrix = topn.interaction_matrix(data, source="BasketRecommender.fit: `data`")
        coo = matrix.binary.tocoo()
        self.history_ = pd.DataFrame({C.USER: matrix.users[coo.row], C.ITEM: matrix.items[coo.col]})
        self.model.fit(self.history_)
        self.users_ = matrix.users
        self.items_ = matrix.items
        self.seen_ = sp.csr_matrix(matrix.binary)
        self.popularity_ = np.asarray(matrix.binary.sum(axis=0), dtype=np.float64).ravel()
        self.rule_items_ = self.model.items_.get_indexer(self.items_)
        return self

    def _fitted(self) -> None:
        if not hasattr(self, "history_"):
            raise ParameterError("BasketRecommender is not fitted; call fit(data) first")

    def _who(self) -> str:
        return "fbt"

    def _lookup(self, users: Sequence[Any] | None) -> tuple[Any, np.ndarray]:
        self._fitted()
        wanted = self.users_ if users is None else pd.Index(list(users))
        return wanted, self.users_.get_indexer(wanted)

    def _item_ids(self) -> pd.Index:
        return self.items_

    def _seen_items(self) -> sp.csr_matrix:
        return self.seen_

    def _rule_scores(self, codes: np.ndarray) -> np.ndarray:
        """Each fitted item's strongest rule from the users' history items (0 without one)."""
        known = np.flatnonzero(codes >= 0)
        sub = self.seen_[codes[known]]
        rows = known[np.repeat(np.arange(known.size), np.diff(sub.indptr))]
        sources = self.rule_items_[sub.indices]
        kept = sources >= 0
        scores = self.model.basket_scores(rows[kept], sources[kept], len(codes))
        values = np.zeros((len(codes), len(self.items_)))
        columns = np.flatnonzero(self.rule_items_ >= 0)
        values[:, columns] = scores[:, self.rule_items_[columns]]
        return values

    def _ranking_block(self, wanted: Any, codes: np.ndarray, policy: str) -> np.ndarray:
        rules = self._rule_scores(codes)
        # a lower tier: popularity counts shifted below 0 (exactly, being whole numbers)
        popular = self.popularity_ - (self.popularity_.max() + 1.0)
        return np.where(rules > 0.0, rules, popular)

    def _list_scores(self, scores: np.ndarray) -> np.ndarray:
        return np.where(scores > 0.0, scores, 0.0)  # popular items without a rule show 0

    def score_all(self, users: Sequence[Any], *, batch_size: int | None = None) -> Scores:
        """Return the rule score of every fitted item for each user.

        An item's score is its strongest qualifying rule from an item of the user's history
        (the score ``recommend`` ranks rule items by), 0 without one.

        Parameters
        ----------
        users : sequence
            User ids (unknown users score 0 everywhere).
        batch_size : int, optional
            Ignored (every user is scored at once).

        Returns
        -------
        aftersales.models.Scores
            ``values`` (users x fitted items), ``users``, ``items``.

        Raises
        ------
        ParameterError
            If the model is not fitted.
        """
        wanted, codes = self._lookup(users)
        return Scores(
            values=self._rule_scores(codes),
            users=wanted.to_numpy(),
            items=self.items_.to_numpy(),
        )

    def explain(
        self, user: Any, items: Sequence[Any], *, top: int = 3, names: Any = None
    ) -> pd.DataFrame:
        """Return the user's history items with the strongest rules to each item.

        Parameters
        ----------
        user : object
            A user id.
        items : sequence
            Item ids to explain.
        top : int, default 3
            History items shown per item.
        names : mapping or pandas.Series, optional
            Item id -> name.

        Returns
        -------
        pandas.DataFrame
            ``aftersales.models.EXPLANATION_COLUMNS``: ``C.NEIGHBOR`` a history item,
            ``C.SIMILARITY`` the rule metric (e.g. lift), ``C.SHARE`` missing; items without
            a rule (popular fill) have no rows.
        """
        self._fitted()
        lookup = {} if names is None else names
        history = self.history_.loc[self.history_[C.USER] == user, C.ITEM]
        source = self.model.items_.get_indexer(history)
        source = source[source >= 0]
        rows = []
        for item in items:  # the user's k items
            target = self.model.items_.get_indexer([item])[0]
            if target < 0 or not source.size:
                continue
            strength = self.model.scores_[source][:, [target]].toarray().ravel()
            used = np.flatnonzero(strength > 0)
            order = used[np.lexsort((source[used], -strength[used]))][:top]
            for rank, position in enumerate(order, start=1):
                neighbor = self.model.items_[source[position]]
                rows.append(
                    [
                        user,
                        item,
                        lookup.get(item),
                        neighbor,
                        lookup.get(neighbor),
                        strength[position],
                        np.nan,
                        np.nan,
                        used.size,
                        rank,
                    ]
                )
        return pd.DataFrame(rows, columns=list(EXPLANATION_COLUMNS))
