"""The vectorised user-based cosine CF model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.models import Names, Ranker, Scores, check_options, explanation_frame
from aftersales.random import Seed, rng
from aftersales.topk import batch_rows, top_k
from aftersales.usercf._helpers import (
    _DECIMALS,
    _check_frame,
    _ids,
)


class UserCosineCF(Ranker):
    """User-based k-nearest-neighbour CF with cosine similarity (formulas: module docstring).

    ``recommend`` is :meth:`aftersales.models.Ranker.recommend`: equal scores to the smaller
    item id, items no neighbour rated never listed; users outside the fitted frame raise by
    default (``unknown_users="error"``), or get items by their number of users
    (``"popular"``, ``C.SCORE`` is that count) or are left out (``"skip"``).

    Parameters
    ----------
    k : int, default 40
        Neighbours kept per user, >= 1.
    min_similarity : float, default 0.0
        Neighbours need a similarity strictly above this, in [-1, 1).
    shrinkage : float, default 0.0
        Shrinks similarities resting on few co-rated items; >= 0 (0 turns it off).
    center : bool, default False
        Mean-centre each user's values before the cosine and the score.
    seed : int or numpy.random.Generator, default 0
        Validated and unused (the model is deterministic); the registry passes one to all.

    Raises
    ------
    ParameterError
        If an option is out of range or of the wrong type.
    """

    fitted_on: ClassVar[str] = "fitted frame"
    batch_blocks: ClassVar[int] = 4
    neighbours_are_items: bool = False

    def __init__(
        self,
        k: int = 40,
        *,
        min_similarity: float = 0.0,
        shrinkage: float = 0.0,
        center: bool = False,
        seed: Seed = 0,
    ) -> None:
        rng(seed)  # validated; the model is deterministic
        if not isinstance(center, bool):
            raise ParameterError(f"`center` must be True or False; got {center!r}")
        self.k = validate.positive_int(k, "k")
        self.min_similarity = validate.number(
            min_similarity, "min_similarity", low=-1.0, strict=False, high=1.0
        )
        self.shrinkage = validate.number(shrinkage, "shrinkage", strict=False)
        self.center = center
        self.users_: pd.Index | None = None
        self.items_: pd.Index | None = None

    def __repr__(self) -> str:
        return (
            f"UserCosineCF(k={self.k}, min_similarity={self.min_similarity}, "
            f"shrinkage={self.shrinkage}, center={self.center})"
        )

    def fit(
        self, frame: pd.DataFrame, *, value: str | None = None, batch_size: int | None = None
    ) -> UserCosineCF:
        """Build the user x item matrix, the similarities and each user's neighbours.

        Parameters
        ----------
        frame : pandas.DataFrame
            One row per (``C.USER``, ``C.ITEM``) pair with a finite value column.
        value : str, optional
            The value column; default ``C.RATING`` if present, else ``C.WEIGHT``.
        batch_size : int, optional
            Users per similarity batch; the default bounds a batch to about 32 MB.

        Returns
        -------
        UserCosineCF
            ``self``, fitted (``users_`` and ``items_`` hold the sorted ids).

        Raises
        ------
        DataValidationError
            If ``frame`` is not a frame, lacks a column, is empty, has a missing id or a
            missing or non-finite value, or repeats a (user, item) pair.
        ParameterError
            If ``batch_size`` is not a positive integer.
        """
        users, items, values = _check_frame(frame, value)
        batch_rows(batch_size, 1, blocks=4)  # validate before the work
        u_codes, users_ = pd.factorize(users, sort=True)
        i_codes, items_ = pd.factorize(items, sort=True)
        shape = (len(users_), len(items_))
        self._values = sp.csr_matrix((values, (u_codes, i_codes)), shape=shape)
        self._rated = sp.csr_matrix((np.ones(len(values)), (u_codes, i_codes)), shape=shape)
        counts = np.diff(self._rated.indptr)
        self._means = np.asarray(self._values.sum(axis=1)).ravel() / counts
        self._x = self._values.copy()
        if self.center:
            self._x.data -= np.repeat(self._means, counts)
        norms = np.sqrt(np.asarray(self._x.multiply(self._x).sum(axis=1)).ravel())
        inverse = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        unit = (sp.diags(inverse) @ self._x).tocsr()
        rows_per_batch = batch_rows(batch_size, shape[0], blocks=4)
        parts = []
        for start in range(0, shape[0], rows_per_batch):
            stop = min(start + rows_per_batch, shape[0])
            sims = (unit[start:stop] @ unit.T).toarray()
            if self.shrinkage > 0:
                common = (self._rated[start:stop] @ self._rated.T).toarray()
                sims *= common / (common + self.shrinkage)
            sims[np.arange(stop - start), np.arange(start, stop)] = -np.inf  # not one's own
            sims[sims <= self.min_similarity] = -np.inf
            row, col, sim, _ = top_k(sims, self.k)
            parts.append((row + start, col, sim))
        row, col, sim = (np.concatenate(p) for p in zip(*parts, strict=True))
        self._neighbors = sp.csr_matrix((sim, (row, col)), shape=(shape[0], shape[0]))
        self._popularity = np.bincount(i_codes, minlength=shape[1]).astype(np.float64)
        self.users_, self.items_ = users_, items_
        return self

    def _codes(self, users: Sequence[Any] | None, unknown_ok: bool) -> tuple[pd.Index, np.ndarray]:
        """Raw ids and their codes (-1 for unknown users) of the users asked for."""
        if self.users_ is None:
            raise ParameterError("`UserCosineCF` is not fitted; call fit(frame) first")
        if users is None:
            return self.users_, np.arange(len(self.users_))
        if isinstance(users, str | bytes) or not hasattr(users, "__len__"):
            raise ParameterError(f"`users` must be a sequence of user ids; got {users!r}")
        wanted = _ids(users, self.users_)
        if wanted.has_duplicates:
            raise ParameterError("`users` must not contain duplicates")
        codes = self.users_.get_indexer(wanted).astype(np.int64)
        missing = wanted[codes < 0]
        if len(missing) and not unknown_ok:
            raise UnknownNameError(
                f"`users`: {len(missing)} user(s) are not in the fitted frame (first: "
                f"{', '.join(map(repr, missing[:5].tolist()))}); pass unknown_users='popular' "
                "or 'skip' to recommend anyway"
            )
        return wanted, codes

    def _score_rows(self, codes: np.ndarray) -> np.ndarray:
        """Scores of the known users ``codes`` over every item (NaN: no neighbour rated)."""
        weights = self._neighbors[codes]
        numerator = (weights @ self._x).toarray()
        denominator = (abs(weights) @ self._rated).toarray()
        out = np.full_like(numerator, np.nan)
        np.divide(numerator, denominator, out=out, where=denominator > 0)
        if self.center:
            out += self._means[codes, None]
        # s * 5 / s can differ from 5 in the last bit: round so equal scores tie exactly.
        return np.round(out, _DECIMALS, out=out)

    def score_all(self, users: Sequence[Any] | None, *, batch_size: int | None = None) -> Scores:
        """Return the score of every fitted item for each user (module docstring formula).

        Parameters
        ----------
        users : sequence or None
            Fitted user ids, no duplicates; ``None`` means every fitted user.
        batch_size : int, optional
            Users per batch; the default bounds a batch to about 32 MB.

        Returns
        -------
        aftersales.models.Scores
            ``values`` (users x items, NaN where no neighbour rated the item), ``users``,
            ``items`` (ascending item ids).

        Raises
        ------
        ParameterError
            If the model is not fitted, ``users`` is not a sequence or has duplicates, or
            ``batch_size`` < 1.
        UnknownNameError
            If a user is not in the fitted frame.
        """
        wanted, codes = self._codes(users, unknown_ok=False)
        rows = batch_rows(batch_size, len(self.items_), blocks=4)
        values = np.empty((len(codes), len(self.items_)))
        for start in range(0, len(codes), rows):
            values[start : start + rows] = self._score_rows(codes[start : start + rows])
        return Scores(values=values, users=wanted.to_numpy(), items=self.items_.to_numpy())

    def _lookup(self, users: Sequence[Any] | None) -> tuple[pd.Index, np.ndarray]:
        return self._codes(users, unknown_ok=True)

    def _item_ids(self) -> pd.Index:
        return self.items_

    def _ranking_block(self, wanted: pd.Index, codes: np.ndarray, policy: str) -> np.ndarray:
        known = codes >= 0
        values = np.empty((len(codes), len(self.items_)))
        values[~known] = self._popularity
        values[known] = self._score_rows(codes[known])
        return values

    def _seen_items(self) -> sp.csr_matrix:
        return self._rated

    def neighbors(self, users: Sequence[Any] | None = None) -> pd.DataFrame:
        """Return each user's neighbours, most similar first (equal ones by user id).

        Parameters
        ----------
        users : sequence, optional
            Fitted user ids, no duplicates; default every fitted user.

        Returns
        -------
        pandas.DataFrame
            ``C.USER``, ``C.NEIGHBOR``, ``C.SIMILARITY``, ``C.RANK`` (from 1).

        Raises
        ------
        ParameterError
            If the model is not fitted or ``users`` is not a sequence of distinct ids.
        UnknownNameError
            If a user is not in the fitted frame.
        """
        wanted, codes = self._codes(users, unknown_ok=False)
        sub = self._neighbors[codes]
        values = np.full(sub.shape, -np.inf)
        values[np.repeat(np.arange(sub.shape[0]), np.diff(sub.indptr)), sub.indices] = sub.data
        row, col, sim, rank = top_k(values, max(self.k, 1))
        return pd.DataFrame(
            {C.USER: wanted[row], C.NEIGHBOR: self.users_[col], C.SIMILARITY: sim, C.RANK: rank}
        )

    def contributions(self, user: Any, items: Sequence[Any]) -> pd.DataFrame:
        """Return the neighbours of ``user`` behind the score of each of ``items``.

        Parameters
        ----------
        user : object
            A fitted user id.
        items : sequence
            Fitted item ids, in the order the result should follow.

        Returns
        -------
        pandas.DataFrame
            ``C.ITEM``, ``C.NEIGHBOR``, ``C.SIMILARITY`` and ``C.NEIGHBOR_RATING`` (the
            neighbour's raw value for the item), one row per neighbour who rated the item,
            in ``items`` order, then by descending similarity, then neighbour id.

        Raises
        ------
        ParameterError
            If the model is not fitted or ``items`` is not a sequence.
        UnknownNameError
            If ``user`` or an item is not in the fitted frame.
        """
        _, code = self._codes([user], unknown_ok=False)
        if isinstance(items, str | bytes) or not hasattr(items, "__len__"):
            raise ParameterError(f"`items` must be a sequence of item ids; got {items!r}")
        wanted = _ids(items, self.items_)
        i_codes = self.items_.get_indexer(wanted)
        if (i_codes < 0).any():
            missing = wanted[i_codes < 0][:5].tolist()
            raise UnknownNameError(
                f"`items`: {int((i_codes < 0).sum())} item(s) are not in the fitted frame "
                f"(first: {', '.join(map(repr, missing))})"
            )
        row = self._neighbors[code[0]]
        order = np.lexsort((row.indices, -row.data))
        nb, sim = row.indices[order], row.data[order]
        rated = self._rated[nb][:, i_codes].toarray().T > 0  # (items, neighbours)
        item_pos, nb_pos = np.nonzero(rated)
        values = self._values[nb][:, i_codes].toarray().T
        return pd.DataFrame(
            {
                C.ITEM: wanted[item_pos],
                C.NEIGHBOR: self.users_[nb[nb_pos]],
                C.SIMILARITY: sim[nb_pos],
                C.NEIGHBOR_RATING: values[item_pos, nb_pos],
            }
        )

    def explain(
        self, user: Any, items: Sequence[Any], *, top: int = 3, names: Names | None = None
    ) -> pd.DataFrame:
        """Return the neighbours behind each of ``items``' scores for ``user``.

        The contributors to ``score(user, i)`` are the user's neighbours who rated ``i``
        (:meth:`contributions`); they are listed by decreasing similarity, equal ones by
        user id.

        Parameters
        ----------
        user : object
            A user id of the fitted frame.
        items : sequence
            Item ids of the fitted frame, in the order to show.
        top : int, default 3
            Neighbours shown per item (``C.N_NEIGHBORS`` counts all contributors).
        names : mapping or pandas.Series, optional
            Item id -> title or description, for ``C.ITEM_NAME``.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`aftersales.models.EXPLANATION_COLUMNS`; ``C.NEIGHBOR`` is a user
            id and ``C.NEIGHBOR_NAME`` is missing. Items no neighbour rated have no rows.

        Raises
        ------
        ParameterError
            If the model is not fitted or an option is invalid.
        UnknownNameError
            If ``user`` or an item is not in the fitted frame.
        """
        wanted = check_options(items, top, names)
        parts = self.contributions(user, wanted)
        weight = parts[C.SIMILARITY].abs()
        position = pd.Index(wanted).get_indexer(parts[C.ITEM])  # rows are grouped in this order
        total = weight.groupby(position).transform("sum").to_numpy()
        count = weight.groupby(position).transform("size").to_numpy()
        rank = weight.groupby(position).cumcount().to_numpy() + 1
        keep = rank <= top
        rows = {
            C.ITEM: parts[C.ITEM].to_numpy()[keep].tolist(),
            C.NEIGHBOR: parts[C.NEIGHBOR].to_numpy()[keep].tolist(),
            C.SIMILARITY: parts[C.SIMILARITY].to_numpy()[keep],
            C.NEIGHBOR_RATING: parts[C.NEIGHBOR_RATING].to_numpy()[keep],
            C.SHARE: (weight.to_numpy() / total)[keep],
            C.N_NEIGHBORS: count[keep],
            C.RANK: rank[keep],
        }
        return explanation_frame(user, rows, names, item_based=False)
