"""Closed-form top-N models: popularity (global or per group), item-kNN and EASE."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import ParameterError
from aftersales.random import Seed
from aftersales.topn._base import TopNModel
from aftersales.topn._common import MAX_NEIGHBORS
from aftersales.topn._ease import ease_weights
from aftersales.topn._knn import item_blocks, neighbours
from aftersales.topn._matrix import Interactions
from aftersales.topn._memory import budget_bytes, check_budget, ease_estimate, refuse_over_budget


class Popularity(TopNModel):
    """Rank items by how many customers interacted with them, globally or within a group.

    With ``x_ui`` = 1 for an interaction (``binary=True``) or its strength, ``n`` the
    number of fitted users and ``n_g`` those of group ``g``:

    * global score ``s(i) = sum_u x_ui / n`` (for binary data, the share of customers
      who have the item);
    * group score ``s_g(i) = (sum_{u in g} x_ui + m * s(i)) / (n_g + m)`` with
      ``m = smoothing``: the group's share shrunk towards the global one by ``m``
      pseudo-customers, so small groups borrow from everyone and items nobody in the
      group has are still ordered by global popularity.

    Users without a group, or whose group has no fitted user, get the global score.
    Unknown users with a known group get their group's score.

    Parameters
    ----------
    binary : bool, default True
        Count customers (True) or add up strengths (False, e.g. revenue).
    group : mapping or pandas.Series, optional
        User id -> group (country, segment); None ranks globally.
    smoothing : float, default 1.0
        Pseudo-customers ``m`` >= 0 of the group score (0: the raw group share).
    seed : int or numpy.random.Generator, default 0
        Validated but unused (the model is deterministic).

    Raises
    ------
    ParameterError
        If an option is of the wrong type or out of range.
    """

    name = "popularity"

    def __init__(
        self,
        *,
        binary: bool = True,
        group: Mapping[Any, Any] | pd.Series | None = None,
        smoothing: float = 1.0,
        seed: Seed = 0,
    ) -> None:
        super().__init__(seed=seed)
        self.binary = validate.boolean(binary, "binary")
        if group is not None and not isinstance(group, Mapping | pd.Series):
            raise ParameterError(
                f"`group` must be a mapping or Series of user id -> group, or None; "
                f"got {type(group).__name__}"
            )
        self.group = None if group is None else pd.Series(group).copy()
        if self.group is not None and self.group.index.has_duplicates:
            first = self.group.index[self.group.index.duplicated()][0]
            raise ParameterError(f"`group` must give each user one group; {first!r} repeats")
        self.smoothing = validate.number(smoothing, "smoothing", strict=False)

    def _group_codes(self, users: pd.Index) -> np.ndarray:
        """Group row of each user in ``self._table`` (the last row is the global one)."""
        if self.group is None:
            return np.full(len(users), len(self._groups))
        labels = self.group.reindex(users).to_numpy()
        codes = self._groups.get_indexer(pd.Index(labels))
        return np.where(codes < 0, len(self._groups), codes)

    def _fit(self, matrix: sp.csr_matrix, data: Interactions) -> None:
        totals = np.asarray(matrix.sum(axis=0)).ravel()
        overall = totals / matrix.shape[0]
        self._groups = pd.Index([])
        if self.group is not None:
            labels = self.group.reindex(data.users)
            self._groups = pd.Index(labels.dropna().unique()).sort_values()
        codes = self._group_codes(data.users)
        n_groups = len(self._groups)
        member = sp.csr_matrix(
            (np.ones(len(codes)), (codes, np.arange(len(codes)))),
            shape=(n_groups + 1, len(codes)),
        )
        sums = (member @ matrix).toarray()[:n_groups]
        sizes = np.bincount(codes, minlength=n_groups + 1)[:n_groups, None]
        smoothed = (sums + self.smoothing * overall) / (sizes + self.smoothing)  # sizes >= 1
        self._table = np.vstack([smoothed, overall])
        self._user_rows = codes

    def _known_scores(self, codes: np.ndarray) -> np.ndarray:
        return self._table[self._user_rows[codes]]

    def _fallback_scores(self, users: pd.Index) -> np.ndarray:
        if self.group is None:
            return super()._fallback_scores(users)
        return self._table[self._group_codes(users)]

    def _reason_rows(
        self, user_row: int, cols: np.ndarray, data: Interactions, top: int
    ) -> pd.DataFrame:
        """One row per item: no neighbour, its popularity (the user's group score)."""
        scores = self._known_scores(np.array([user_row]))[0, cols]
        return pd.DataFrame(
            {
                C.ITEM: data.items[cols],
                C.NEIGHBOR: None,
                C.SIMILARITY: np.nan,
                C.NEIGHBOR_RATING: np.nan,
                C.CONTRIBUTION: scores,
                C.SHARE: 1.0,
                C.N_NEIGHBORS: 0,
                C.RANK: 1,
                C.SCORE: scores,
            }
        )


class ItemKNN(TopNModel):
    """Item-based k-nearest neighbours on the customer x item matrix.

    With ``x_i`` the column of item ``i`` (1 per customer who has it, or the strength
    when ``binary=False``):

    * similarity ``s_ij = x_i . x_j / (|x_i| |x_j| + shrinkage)`` for ``j != i``: cosine,
      pulled towards 0 for items with few customers;
    * neighbourhood ``N(i)``: the ``neighbors`` items ``j`` most similar to ``i`` with
      ``s_ij > 0``
      (equal similarities go to the smaller item id);
    * score ``score(u, i) = sum_{j in N(i)} s_ij x_uj``: the summed similarity of the
      target item's neighbours the customer has.

    Parameters
    ----------
    neighbors : int, default 100
        Neighbourhood size k, from 1 to the number of items minus one.
    shrinkage : float, default 10.0
        Added to the denominator, >= 0 (0: plain cosine).
    binary : bool, default True
        Presence (True) or strengths (False) in similarities and scores.
    seed : int or numpy.random.Generator, default 0
        Validated but unused (the model is deterministic).

    Raises
    ------
    ParameterError
        If an option is of the wrong type or out of range.
    """

    name = "itemknn"

    def __init__(
        self,
        *,
        neighbors: int = 100,
        shrinkage: float = 10.0,
        binary: bool = True,
        seed: Seed = 0,
    ) -> None:
        super().__init__(seed=seed)
        self.neighbors = validate.integer(neighbors, "neighbors", high=MAX_NEIGHBORS)
        self.shrinkage = validate.number(shrinkage, "shrinkage", strict=False)
        self.binary = validate.boolean(binary, "binary")

    def _fit(self, matrix: sp.csr_matrix, data: Interactions) -> None:
        n_items = matrix.shape[1]
        if self.neighbors > n_items - 1:
            raise ParameterError(
                f"`neighbors`={self.neighbors} is larger than the catalogue allows: the data "
                f"has {n_items} items, so at most {n_items - 1} neighbours per item"
            )
        by_item = matrix.T.tocsr()
        norms = np.sqrt(np.asarray(by_item.multiply(by_item).sum(axis=1)).ravel())
        parts = [
            neighbours(by_item[start:stop] @ matrix, start, norms, self.shrinkage, self.neighbors)
            for start, stop in item_blocks(by_item, matrix)  # bounded memory per block
        ]
        neighbor, target, value = (np.concatenate(p) for p in zip(*parts, strict=True))
        # weights[j, i] = s_ij for j in N(i), so score = X @ weights
        self._weights = sp.csr_matrix((value, (neighbor, target)), shape=(n_items, n_items))

    def _known_scores(self, codes: np.ndarray) -> np.ndarray:
        return (self._matrix[codes] @ self._weights).toarray()

    def _reason_weights(
        self, seen: np.ndarray, values: np.ndarray, cols: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        return values, self._weights[seen][:, cols].toarray()


class EASE(TopNModel):
    """Embarrassingly shallow autoencoder (Steck 2019): a closed-form item-item model.

    ``B = argmin |X - X B|^2 + regularization * |B|^2`` subject to ``diag(B) = 0``, so
    with ``P = (X'X + regularization * I)^-1``, ``B = I - P diag(1 / diag(P))``, i.e.
    ``B_ij = -P_ij / P_jj`` off the diagonal. Scores are ``X B``.

    ``P`` is computed exactly by the cheaper route for the shape (attribute ``route_``):
    ``"cholesky"`` (LAPACK ``potrf``/``potri`` on the items x items system) when items
    <= users, ``"woodbury"`` (the users x users system ``XX' + regularization * I``)
    when users < items. Before fitting, the peak memory is estimated from the shape
    and the fit is refused when it exceeds ``memory_budget``.

    Parameters
    ----------
    regularization : float, default 500.0
        The L2 penalty, > 0.
    binary : bool, default True
        Presence (True) or strengths (False) in ``X``.
    memory_budget : float, optional
        Bytes the fit may allocate at its peak; None (default): 50 % of the machine's
        physical memory.
    seed : int or numpy.random.Generator, default 0
        Validated but unused (the model is deterministic).

    Attributes
    ----------
    route_ : str
        After ``fit``: ``"cholesky"`` or ``"woodbury"``.
    memory_estimate_ : int
        After ``fit``: the estimated peak bytes of the fit.

    Raises
    ------
    ParameterError
        If an option is of the wrong type or out of range.
    MemoryBudgetError
        From ``fit``, when the estimated peak exceeds the budget (the message names
        item-kNN and ALS as alternatives).
    """

    name = "ease"

    def __init__(
        self,
        *,
        regularization: float = 500.0,
        binary: bool = True,
        memory_budget: float | None = None,
        seed: Seed = 0,
    ) -> None:
        super().__init__(seed=seed)
        self.regularization = validate.number(regularization, "regularization")
        self.binary = validate.boolean(binary, "binary")
        self.memory_budget = check_budget(memory_budget)

    def _fit(self, matrix: sp.csr_matrix, data: Interactions) -> None:
        estimate = ease_estimate(matrix)
        refuse_over_budget("EASE", matrix, estimate, budget_bytes(self.memory_budget))
        self._weights = ease_weights(matrix, self.regularization, estimate.route)
        self.route_ = estimate.route
        self.memory_estimate_ = estimate.peak_bytes

    def _known_scores(self, codes: np.ndarray) -> np.ndarray:
        return np.asarray(self._matrix[codes] @ self._weights)

    def _reason_weights(
        self, seen: np.ndarray, values: np.ndarray, cols: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        return values, self._weights[np.ix_(seen, cols)]
