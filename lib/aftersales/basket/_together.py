"""Frequently bought together: top-k associated items behind a ``recommend`` interface."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any, ClassVar, Literal, Self

import numpy as np
import pandas as pd
import scipy.sparse as sp

from aftersales import columns as C
from aftersales import validate
from aftersales.basket._baskets import make_baskets
from aftersales.basket._common import check_confidence, check_lift, check_support
from aftersales.basket._pairs import pair_metrics, pair_table
from aftersales.errors import DataValidationError, ParameterError, UnknownNameError
from aftersales.models import Ranker
from aftersales.topk import top_k

METRICS: tuple[str, ...] = (C.LIFT, C.CONFIDENCE)
"""Rule metrics a :class:`FrequentlyBoughtTogether` can rank by."""

AGGREGATES: tuple[str, ...] = ("max", "sum")
"""How the metrics of several basket items combine into one score."""


def _user_column(frame: pd.DataFrame) -> str:
    for candidate in (C.USER, C.CUSTOMER):
        if candidate in frame.columns:
            return candidate
    raise DataValidationError(
        f"`history`: needs a user column `{C.USER}` (or `{C.CUSTOMER}`); "
        f"the columns present are {list(frame.columns)}"
    )


class FrequentlyBoughtTogether:
    """Recommend the items most strongly associated with what a customer (or basket) holds.

    Fitting counts item pairs over the baskets (``X^T X`` on the sparse basket matrix) and keeps
    the pair rules ``a -> b`` that reach the thresholds. An item's score for a customer is the
    **maximum** of ``metric(a -> b)`` over the items ``a`` in the customer's history
    (``aggregate="max"``, the default): one strong association is enough, and long histories
    are not favoured over short ones. ``aggregate="sum"`` adds the metrics up instead, which
    rewards items associated with many history items. Items without any qualifying rule are not
    recommended, so a customer may get fewer than ``k`` items (no popularity fallback).

    Parameters
    ----------
    metric : {"lift", "confidence"}, default "lift"
        Rule metric to rank by.
    min_support : float, default 0.001
        Minimum pair support (share of baskets), in ``(0, 1]``.
    min_confidence : float, default 0.0
        Minimum confidence of a rule, in ``[0, 1]``.
    min_lift : float, default 1.0
        Minimum lift; the default drops pairs bought together less often than by chance.
    aggregate : {"max", "sum"}, default "max"
        How the metrics of several history items combine.

    Raises
    ------
    UnknownNameError
        If ``metric`` or ``aggregate`` is not a valid name.
    ParameterError
        If a threshold is out of range.
    """

    def __init__(
        self,
        metric: Literal["lift", "confidence"] = "lift",
        *,
        min_support: float = 0.001,
        min_confidence: float = 0.0,
        min_lift: float = 1.0,
        aggregate: Literal["max", "sum"] = "max",
    ) -> None:
        if metric not in METRICS:
            raise UnknownNameError(f"`metric` {metric!r} is unknown; valid: {list(METRICS)}")
        if aggregate not in AGGREGATES:
            raise UnknownNameError(
                f"`aggregate` {aggregate!r} is unknown; valid: {list(AGGREGATES)}"
            )
        self.metric = metric
        self.min_support = check_support(min_support)
        self.min_confidence = check_confidence(min_confidence)
        self.min_lift = check_lift(min_lift)
        self.aggregate = aggregate

    def __repr__(self) -> str:
        return (
            f"FrequentlyBoughtTogether(metric={self.metric!r}, min_support={self.min_support}, "
            f"min_confidence={self.min_confidence}, min_lift={self.min_lift}, "
            f"aggregate={self.aggregate!r})"
        )

    def fit(self, frame: pd.DataFrame) -> Self:
        """Count item pairs and keep the qualifying rules.

        Parameters
        ----------
        frame : pandas.DataFrame
            Cleaned transactions (baskets are invoices) or interactions (baskets are customers'
            histories); see :func:`make_baskets`.

        Returns
        -------
        FrequentlyBoughtTogether
            ``self``, fitted: ``items_`` (pandas.Index), ``descriptions_`` (pandas.Series) and
            ``scores_`` (sparse items x items matrix of ``metric(a -> b)``).

        Raises
        ------
        DataValidationError
            If ``frame`` cannot be turned into baskets.
        ParameterError
            If no item reaches ``min_support``.
        """
        baskets = make_baskets(frame)
        table = pair_table(baskets, min_support=self.min_support)
        metrics = pair_metrics(table)
        keep = (metrics[C.CONFIDENCE] >= self.min_confidence) & (metrics[C.LIFT] >= self.min_lift)
        n = baskets.n_items
        self.scores_ = sp.csr_array(
            (metrics[self.metric][keep], (table.antecedent[keep], table.consequent[keep])),
            shape=(n, n),
        )
        self.items_ = baskets.items
        self.descriptions_ = baskets.descriptions
        return self

    def _fitted(self) -> None:
        if not hasattr(self, "scores_"):
            raise ParameterError("this FrequentlyBoughtTogether is not fitted; call `fit` first")

    def basket_scores(self, baskets: np.ndarray, items: np.ndarray, n_baskets: int) -> np.ndarray:
        """Return every fitted item's score for baskets given as (basket, item position) pairs.

        Parameters
        ----------
        baskets : numpy.ndarray
            Row of each pair, in ``range(n_baskets)``.
        items : numpy.ndarray
            Position of each pair's item in ``items_``; a basket lists an item once.
        n_baskets : int
            Rows of the result.

        Returns
        -------
        numpy.ndarray
            ``(n_baskets, len(items_))``: the metric of the rules from the basket's items to
            each item, combined by ``aggregate``; 0 where no qualifying rule leads.

        Raises
        ------
        ParameterError
            If the model is not fitted.
        """
        self._fitted()
        scores = np.zeros((n_baskets, len(self.items_)))
        matrix = self.scores_
        starts = matrix.indptr[items]
        lengths = matrix.indptr[items + 1] - starts
        # Expand every basket item into its row of the score matrix, without a Python loop.
        first = np.repeat(np.cumsum(lengths) - lengths, lengths)
        flat = np.arange(int(lengths.sum())) - first + np.repeat(starts, lengths)
        target = (np.repeat(baskets, lengths), matrix.indices[flat])
        if self.aggregate == "max":
            np.maximum.at(scores, target, matrix.data[flat])
        else:
            np.add.at(scores, target, matrix.data[flat])
        return scores

    def for_items(self, items: Hashable | Iterable[Hashable], k: int = 10) -> pd.DataFrame:
        """Return the top-k items bought together with an item or a basket of items.

        Parameters
        ----------
        items : item id or iterable of item ids
            One item, or a basket (the basket's own items are never returned).
        k : int, default 10
            Number of items to return at most.

        Returns
        -------
        pandas.DataFrame
            Columns ``C.ITEM``, ``C.SCORE``, ``C.RANK`` (1 = best) and ``C.DESCRIPTION``;
            fewer than ``k`` rows when fewer items have a qualifying rule.

        Raises
        ------
        UnknownNameError
            If an item was not in the fitted baskets.
        ParameterError
            If the model is not fitted or ``k`` is not a positive integer.
        """
        self._fitted()
        k = validate.positive_int(k, "k")
        if isinstance(items, str) or not isinstance(items, Iterable):
            items = [items]
        query = pd.Index(list(items)).unique()
        positions = self.items_.get_indexer(query)
        if (positions < 0).any():
            unknown = query[positions < 0].tolist()
            raise UnknownNameError(
                f"`items` {unknown[:5]} not in the fitted baskets ({len(self.items_)} items, "
                f"e.g. {self.items_[:5].tolist()})"
            )
        scores = self.basket_scores(np.zeros(len(positions), dtype=np.int64), positions, 1)
        scores[0, positions] = 0.0  # the basket's own items
        _, cols, scores, ranks = top_k(np.where(scores > 0.0, scores, -np.inf), k)
        return pd.DataFrame(
            {
                C.ITEM: self.items_[cols],
                C.SCORE: scores,
                C.RANK: ranks,
                C.DESCRIPTION: self.descriptions_.to_numpy()[cols],
            }
        )

    def recommend(
        self,
        users: Iterable[Hashable],
        k: int = 10,
        *,
        history: pd.DataFrame,
        exclude_seen: bool = True,
        batch_size: int | None = None,
    ) -> pd.DataFrame:
        """Return each user's top-k items by the association with their history.

        The lists are ``aftersales.models.Ranker.recommend``'s over the users of ``history``
        (equal scores go to the smaller item id).

        Parameters
        ----------
        users : iterable of user ids
            Customers to recommend for (duplicates are dropped, order is kept).
        k : int, default 10
            Items per user at most.
        history : pandas.DataFrame
            What each user bought: ``C.ITEM`` and ``C.USER`` (or ``C.CUSTOMER``), e.g. the
            training interactions. Items unknown to the model are ignored.
        exclude_seen : bool, default True
            Never recommend an item already in the user's history.
        batch_size : int, optional
            Users scored per batch (bounds the working memory).

        Returns
        -------
        pandas.DataFrame
            Tidy columns ``C.USER``, ``C.ITEM``, ``C.SCORE``, ``C.RANK`` (1 = best), users in
            the given order. Users without history, or whose items have no qualifying rule, get
            fewer than ``k`` rows or none.

        Raises
        ------
        ParameterError
            If the model is not fitted or ``k`` is not a positive integer.
        DataValidationError
            If ``history`` lacks the user or item column.
        """
        self._fitted()
        validate.require_columns(history, [C.ITEM], source="`history`")
        ranked = _HistoryRules(self, history[_user_column(history)], history[C.ITEM])
        return ranked.recommend(
            pd.Index(list(users)).unique(),
            k,
            exclude_seen=exclude_seen,
            unknown_users="skip",
            batch_size=batch_size,
        )


class _HistoryRules(Ranker):
    """A fitted model's rules ranked for the customers of a purchase history.

    The users are the history's; an item scores by the rules from the user's history items
    (:meth:`FrequentlyBoughtTogether.basket_scores`), and only items a rule leads to are
    ranked. Users outside the history are left out (``unknown_users="skip"``).
    """

    unknown_policies: ClassVar[tuple[str, ...]] = ("skip",)
    default_unknown: ClassVar[str] = "skip"
    fitted_on: ClassVar[str] = "history"

    def __init__(self, model: FrequentlyBoughtTogether, users: pd.Series, items: pd.Series) -> None:
        self.model = model
        self.users = pd.Index(users.unique())
        rows = self.users.get_indexer(users)
        cols = model.items_.get_indexer(items)
        known = cols >= 0  # items never sold when the model was fitted are ignored
        seen = sp.csr_matrix(
            (np.ones(int(known.sum())), (rows[known], cols[known])),
            shape=(len(self.users), len(model.items_)),
        )
        seen.sum_duplicates()
        self.seen = seen

    def _lookup(self, users: Sequence[Any] | None) -> tuple[Any, np.ndarray]:
        wanted = self.users if users is None else pd.Index(list(users))
        return wanted, self.users.get_indexer(wanted)

    def _item_ids(self) -> pd.Index:
        return self.model.items_

    def _seen_items(self) -> sp.csr_matrix:
        return self.seen

    def _ranking_block(self, wanted: Any, codes: np.ndarray, policy: str) -> np.ndarray:
        sub = self.seen[codes]
        rows = np.repeat(np.arange(len(codes)), np.diff(sub.indptr))
        scores = self.model.basket_scores(rows, sub.indices, len(codes))
        scores[scores <= 0.0] = -np.inf  # only the items a qualifying rule leads to
        return scores
