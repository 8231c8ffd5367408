"""The contract every recommender follows, and the one ``recommend`` that ranks for all of them.

Every model of the workbench (Surprise algorithms through :class:`SurpriseRecommender`, the
top-N models, the seed design's user CF, frequently bought together) answers the same calls,
as Surprise's ``AlgoBase`` writes ``predict`` once and LensKit separates a scorer from one
ranker:

``fit(data)``
    learn from interactions or ratings; returns the model.
``score_all(users)``
    dense scores of every fitted item for the users (:class:`Scores`).
``recommend(users, k, *, exclude_seen, unknown_users, batch_size)``
    each user's top-``k``: :meth:`Ranker.recommend`, written once here.
``explain(user, items, *, top, names)``
    the reasons behind items (at least the explanation columns; no rows when the model
    gives none), with the capabilities ``knows(user)`` (was the user fitted?) and
    ``neighbours_are_items`` (do the reasons name items or users?).

Rating models add ``predict(user, item)``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import numpy as np
import pandas as pd
import scipy.sparse as sp

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.models._explain import EXPLANATION_COLUMNS
from aftersales.models._policy import RANKING_POLICIES, UnknownUsers, check_unknown_users
from aftersales.topk import BATCH_BYTES, batch_rows, top_k


@dataclass(frozen=True)
class Scores:
    """Dense estimates of a model for a grid of users and items.

    Attributes
    ----------
    values : numpy.ndarray
        Shape ``(len(users), len(items))``; ``values[r, c]`` is the score of ``items[c]``
        for ``users[r]`` (for a Surprise model ``model.predict(users[r], items[c]).est``).
    users : numpy.ndarray
        Raw user id of each row, in the order asked for.
    items : numpy.ndarray
        Raw item id of each column (the fitted items in the model's order by default).
    """

    values: np.ndarray
    users: np.ndarray
    items: np.ndarray


class Recommender(Protocol):
    """What every recommender answers (the module docstring lists the calls)."""

    neighbours_are_items: bool

    def fit(self, data: Any) -> Any:
        """Fit on training data and return the model."""

    def score_all(self, users: Sequence[Any] | None, *, batch_size: int | None = None) -> Scores:
        """Return every fitted item's score for each user."""

    def recommend(
        self, users: Sequence[Any] | None, k: int, *, exclude_seen: bool = True, **options: Any
    ) -> pd.DataFrame:
        """Return each user's top-``k`` items (``C.USER, C.ITEM, C.SCORE, C.RANK``)."""

    def explain(
        self, user: Any, items: Sequence[Any], *, top: int = 3, names: Any = None
    ) -> pd.DataFrame:
        """Return the reasons behind ``items`` for ``user``."""

    def knows(self, user: Any) -> bool:
        """Tell whether ``user`` was in the fitted data."""


class RatingRecommender(Recommender, Protocol):
    """A recommender that also estimates ratings (Surprise's algorithms)."""

    def predict(self, uid: Any, iid: Any, r_ui: float | None = None, clip: bool = True) -> Any:
        """Return the rating estimate of one (user, item) pair."""


class Ranker(ABC):
    """The one ``recommend``: a model supplies its users, items and scores; this ranks them.

    A subclass implements :meth:`_lookup` (raw ids and row codes, -1 for users outside the
    fitted data), :meth:`_item_ids` (the column ids), :meth:`_ranking_block` (scores of a batch
    of users, unknown ones by the asked policy) and :meth:`_seen_items` (who has which item), and
    may override :meth:`_list_length` (the check of ``k``), :meth:`_list_scores` (the scores a
    list shows, when the ranked values encode more, e.g. a tier) and the class attributes below.
    """

    unknown_policies: ClassVar[tuple[str, ...]] = RANKING_POLICIES
    """The ``unknown_users`` policies the model supports."""
    default_unknown: ClassVar[str] = "error"
    """The policy ``recommend`` applies when none is given."""
    fitted_on: ClassVar[str] = "fitted data"
    """How error messages name the data the model was fitted on."""
    tie_decimals: ClassVar[int | None] = None
    """Round scores to this many decimals before ranking (None: rank them as they are)."""
    batch_budget: ClassVar[int] = BATCH_BYTES
    batch_blocks: ClassVar[int] = 2
    neighbours_are_items: bool = True
    """Whether :meth:`explain` names the user's items (else other users) as reasons."""

    @abstractmethod
    def _lookup(self, users: Sequence[Any] | None) -> tuple[Any, np.ndarray]:
        """Return the raw ids asked for (array or Index) and their row codes (-1 unknown)."""

    @abstractmethod
    def _item_ids(self) -> Any:
        """Return the raw item ids of the score columns (array or Index)."""

    @abstractmethod
    def _ranking_block(self, wanted: Any, codes: np.ndarray, policy: str) -> np.ndarray:
        """Return the scores of a batch of users over every fitted item (a new array)."""

    @abstractmethod
    def _seen_items(self) -> sp.csr_matrix:
        """Return the users x items matrix of what each fitted user has (non-zero: has)."""

    def _list_length(self, k: Any) -> int:
        """Return ``k`` checked (a positive integer by default)."""
        return validate.positive_int(k, "k")

    def _list_scores(self, scores: np.ndarray) -> np.ndarray:
        """Return the scores a list shows for the ranked values (the values by default)."""
        return scores

    def knows(self, user: Any) -> bool:
        """Tell whether ``user`` was in the fitted data.

        Parameters
        ----------
        user : object
            A raw user id.

        Returns
        -------
        bool
            True when the model was fitted on the user.
        """
        return bool(self._lookup([user])[1][0] >= 0)

    def recommend(
        self,
        users: Sequence[Any] | None,
        k: int,
        *,
        exclude_seen: bool = True,
        unknown_users: UnknownUsers | None = None,
        batch_size: int | None = None,
    ) -> pd.DataFrame:
        """Return each user's top-``k`` items by score; equal scores go to the earlier column.

        Parameters
        ----------
        users : sequence or None
            Raw user ids, no duplicates; None ranks every fitted user.
        k : int
            Items per user (>= 1); a user with fewer candidate items gets fewer rows.
        exclude_seen : bool, default True
            Leave out the items the user has in the fitted data.
        unknown_users : {"error", "popular", "skip", "model"}, optional
            Users outside the fitted data (:data:`aftersales.models.UNKNOWN_USER_POLICIES`;
            each model supports its ``unknown_policies`` and defaults to
            ``default_unknown``): raise, rank them by item popularity, leave them out, or
            rank them by the model's own estimate for an unknown user.
        batch_size : int, optional
            Users scored per batch (bounds the working memory).

        Returns
        -------
        pandas.DataFrame
            ``C.USER``, ``C.ITEM``, ``C.SCORE`` (float64) and ``C.RANK`` (int64 from 1), in
            input user order then rank.

        Raises
        ------
        ParameterError
            If ``k`` or ``batch_size`` is invalid, ``users`` is not a sequence or holds
            duplicates, the policy is unknown or unsupported, or the model is not fitted.
        UnknownNameError
            If ``unknown_users="error"`` and a user is outside the fitted data.
        """
        policy = self.default_unknown if unknown_users is None else unknown_users
        check_unknown_users(policy, supported=self.unknown_policies, who=self._who())
        wanted, codes = self._lookup(users)
        k = self._list_length(k)
        if pd.Index(wanted).has_duplicates:
            raise ParameterError("`users` must not contain duplicates")
        missing = codes < 0
        if missing.any() and policy == "error":
            first = ", ".join(map(repr, pd.Index(wanted)[missing][:5].tolist()))
            others = " or ".join(
                repr(p) for p in self.unknown_policies if p not in ("error", "skip")
            )
            raise UnknownNameError(
                f"`users`: {int(missing.sum())} user(s) are not in the {self.fitted_on} "
                f"(first: {first}); pass unknown_users={others} to rank them anyway, or "
                "'skip' to leave them out"
            )
        if missing.any() and policy == "skip":
            wanted, codes = wanted[~missing], codes[~missing]
        items = self._item_ids()
        seen = self._seen_items() if exclude_seen else None
        rows = batch_rows(
            batch_size, len(items), budget=self.batch_budget, blocks=self.batch_blocks
        )
        parts = [(np.empty(0, np.int64),) * 2 + (np.empty(0), np.empty(0, np.int64))]
        for start in range(0, len(codes), rows):  # batches bound the memory
            block = codes[start : start + rows]
            values = self._ranking_block(wanted[start : start + rows], block, policy)
            if self.tie_decimals is not None:
                # equal scores computed in another summation order differ by ~1e-16: round,
                # so that such ties are broken by item, not by float noise
                np.round(values, self.tie_decimals, out=values)
            known = np.flatnonzero(block >= 0)
            if seen is not None and known.size:
                sub = seen[block[known]]
                local = known[np.repeat(np.arange(sub.shape[0]), np.diff(sub.indptr))]
                values[local, sub.indices] = -np.inf
            row, col, score, rank = top_k(values, k)
            parts.append((row + start, col, score, rank))
        row, col, score, rank = (np.concatenate(p) for p in zip(*parts, strict=True))
        return pd.DataFrame(
            {
                C.USER: wanted[row],
                C.ITEM: items[col],
                C.SCORE: self._list_scores(score).astype(np.float64),
                C.RANK: rank.astype(np.int64),
            }
        )

    def _who(self) -> str:
        return type(self).__name__

    def explain_lists(
        self, lists: pd.DataFrame, *, top: int = 3, names: Any = None
    ) -> pd.DataFrame:
        """Return :meth:`explain` for every user of ``lists`` the model knows, in one frame.

        Parameters
        ----------
        lists : pandas.DataFrame
            ``C.USER``, ``C.ITEM``: each user's items in the order to show (e.g. top-k lists).
        top : int, default 3
            Reasons per item.
        names : mapping or pandas.Series, optional
            Item id -> name.

        Returns
        -------
        pandas.DataFrame
            The rows of :meth:`explain` per known user, users in order of appearance
            (users outside the fitted data give none).

        Raises
        ------
        ParameterError, UnknownNameError
            As :meth:`explain`.
        """
        validate.require_columns(lists, [C.USER, C.ITEM], source="`lists`")
        parts = [
            self.explain(user, part[C.ITEM].tolist(), top=top, names=names)
            for user, part in lists.groupby(C.USER, sort=False)  # one call per user
            if self.knows(user)
        ]
        filled = [part for part in parts if len(part)]
        if not filled:
            return parts[0] if parts else self.explain_empty()
        return pd.concat(filled, ignore_index=True)

    def explain(
        self, user: Any, items: Sequence[Any], *, top: int = 3, names: Any = None
    ) -> pd.DataFrame:
        """Return the reasons behind ``items`` for ``user``; none for a model without reasons.

        Parameters
        ----------
        user : object
            A raw user id.
        items : sequence
            Item ids to explain.
        top : int, default 3
            Reasons per item.
        names : mapping or pandas.Series, optional
            Item id -> name.

        Returns
        -------
        pandas.DataFrame
            At least :data:`aftersales.models.EXPLANATION_COLUMNS`; this default has no
            rows (the model's score does not decompose into reasons).
        """
        return self.explain_empty()

    @staticmethod
    def explain_empty() -> pd.DataFrame:
        """Return an explanation frame without rows.

        Returns
        -------
        pandas.DataFrame
            The columns :data:`aftersales.models.EXPLANATION_COLUMNS`, no rows.
        """
        return pd.DataFrame(columns=list(EXPLANATION_COLUMNS))
