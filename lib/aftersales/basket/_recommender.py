"""Frequently bought together as a model of the registry (``"fbt"``): rules, then popular items."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import topn
from aftersales.basket._together import FrequentlyBoughtTogether
from aftersales.errors import ParameterError
from aftersales.models import EXPLANATION_COLUMNS, Ranker, Scores, UnknownUsers, check_unknown_users
from aftersales.random import Seed, rng
from aftersales.topk import top_k

CELLS_PER_BATCH = 1_000_000
"""Dense popularity cells (users x items) held at once when filling lists."""


class BasketRecommender(topn.RanksOnly):
    """Frequently bought together ranked per customer, filled up with popular items.

    Fitting treats each customer's training items as one basket
    (``FrequentlyBoughtTogether`` on the training interactions, so no test purchase leaks
    in) and counts each item's customers. A customer's list holds the items with a
    qualifying rule from their history (by the rule metric, the strongest rule from any
    history item), then, up to ``k``, the most popular unseen items (score 0), so every
    customer gets a full list like the other models. Rating methods raise
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
    explain_lists = Ranker.explain_lists
    explain_empty = staticmethod(Ranker.explain_empty)

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
        self.items_ = matrix.items
        self.popularity_ = np.asarray(matrix.binary.sum(axis=0)).ravel()
        return self

    def _fitted(self) -> None:
        if not hasattr(self, "history_"):
            raise ParameterError("BasketRecommender is not fitted; call fit(data) first")

    def knows(self, user: Any) -> bool:
        """Tell whether ``user`` has a training history.

        Parameters
        ----------
        user : object
            A user id.

        Returns
        -------
        bool
            True when the user is in the fitted interactions.

        Raises
        ------
        ParameterError
            If the model is not fitted.
        """
        self._fitted()
        return bool((self.history_[C.USER] == user).any())

    def score_all(self, users: Sequence[Any], *, batch_size: int | None = None) -> Scores:
        """Return the rule score of every fitted item for each user.

        An item's score is its strongest qualifying rule from an item of the user's history
        (the score ``recommend`` ranks rule items by), 0 without one.

        Parameters
        ----------
        users : sequence
            User ids (unknown users score 0 everywhere).
        batch_size : int, optional
            Ignored (the scores are built a user at a time).

        Returns
        -------
        aftersales.models.Scores
            ``values`` (users x fitted items), ``users``, ``items``.

        Raises
        ------
        ParameterError
            If the model is not fitted.
        """
        self._fitted()
        wanted = pd.Index(list(users))
        cols = self.items_.get_indexer(self.model.items_)
        values = np.zeros((len(wanted), len(self.items_)))
        by_user = self.history_.groupby(C.USER, sort=False)[C.ITEM]
        for row, user in enumerate(wanted):  # a sparse max per user
            if user not in by_user.groups:
                continue
            source = self.model.items_.get_indexer(by_user.get_group(user))
            source = source[source >= 0]
            if source.size:
                strongest = self.model.scores_[source].max(axis=0).toarray().ravel()
                values[row, cols] = strongest
        return Scores(values=values, users=wanted.to_numpy(), items=self.items_.to_numpy())

    def recommend(
        self,
        users: Sequence[Any],
        k: int,
        *,
        exclude_seen: bool = True,
        unknown_users: UnknownUsers | None = None,
        batch_size: int | None = None,
    ) -> pd.DataFrame:
        """Return each user's top-``k``: rule items first, then popular items.

        Parameters
        ----------
        users : sequence
            User ids (unknown users get popular items only).
        k : int
            Items per user.
        exclude_seen : bool, default True
            Leave out the user's training items.
        unknown_users : {"popular"}, optional
            Users without history get popular items (the only policy of this model).
        batch_size : int, optional
            Ignored (the lists are filled in batches of :data:`CELLS_PER_BATCH` cells).

        Returns
        -------
        pandas.DataFrame
            ``C.USER, C.ITEM, C.SCORE, C.RANK``, users in the given order.

        Raises
        ------
        ParameterError
            If the model is not fitted, ``k`` is not a positive integer or the policy is not
            "popular".
        """
        check_unknown_users(unknown_users or "popular", supported=("popular",), who="fbt")
        self._fitted()
        wanted = pd.Index(list(users)).unique()
        rules = self.model.recommend(wanted, k, history=self.history_, exclude_seen=exclude_seen)
        n_rules = rules.groupby(C.USER, sort=False).size().reindex(wanted, fill_value=0)
        n_rules = n_rules.to_numpy()
        taken = pd.concat([self.history_ if exclude_seen else self.history_.iloc[:0], rules])
        rows = wanted.get_indexer(taken[C.USER])
        cols = self.items_.get_indexer(taken[C.ITEM])
        known = (rows >= 0) & (cols >= 0)
        rows, cols = rows[known], cols[known]
        order = np.argsort(rows, kind="stable")
        rows, cols = rows[order], cols[order]
        batch = max(1, CELLS_PER_BATCH // max(1, len(self.items_)))
        parts = [(np.zeros(0, np.int64),) * 3]  # so that no user is fine
        for start in range(0, len(wanted), batch):  # batches bound the memory
            stop = min(start + batch, len(wanted))
            values = np.tile(self.popularity_.astype(np.float64), (stop - start, 1))
            lo, hi = np.searchsorted(rows, [start, stop])
            values[rows[lo:hi] - start, cols[lo:hi]] = -np.inf
            row, col, _, rank = top_k(values, min(int(k), len(self.items_)))
            row = row + start
            keep = rank <= k - n_rules[row]
            parts.append((row[keep], col[keep], rank[keep] + n_rules[row[keep]]))
        row, col, rank = (np.concatenate(p) for p in zip(*parts, strict=True))
        fill = pd.DataFrame(
            {C.USER: wanted[row], C.ITEM: self.items_[col], C.SCORE: 0.0, C.RANK: rank}
        )
        out = pd.concat([rules, fill], ignore_index=True)
        order = np.lexsort((out[C.RANK].to_numpy(), wanted.get_indexer(out[C.USER])))
        return out.iloc[order].reset_index(drop=True).astype({C.RANK: "int64"})

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
