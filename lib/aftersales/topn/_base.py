"""The base of every top-N model: fit, score_all and the hooks of the one recommend; no ratings."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

from aftersales.errors import ParameterError
from aftersales.models import Ranker, Scores
from aftersales.random import Seed, rng
from aftersales.topk import batch_rows
from aftersales.topn._common import RanksOnly, check_k
from aftersales.topn._explain import ItemReasons
from aftersales.topn._matrix import Interactions, interaction_matrix


class TopNModel(ItemReasons, Ranker, RanksOnly):
    """Base class of the implicit-feedback top-N models.

    A model is fitted on interactions (``fit``), scores every fitted item for any users
    (``score_all``) and ranks them (``recommend``). Scores order items; they are not
    ratings, so ``predict``, ``estimate`` and ``test`` raise :class:`RankingOnlyError`.

    Unknown users (absent from the fitted data) get the popularity fallback: items
    ranked by their number of distinct training users (:class:`Popularity` with a
    ``group`` mapping uses the user's group when the group is known). ``recommend`` is
    :meth:`aftersales.models.Ranker.recommend` (k at most the catalogue, equal scores to the
    smaller item id, ``unknown_users`` "popular" by default, "error" or "skip").

    Parameters
    ----------
    seed : int or numpy.random.Generator
        Randomness of the fit (validated and unused by deterministic models).

    Raises
    ------
    ParameterError
        If ``seed`` is invalid.
    """

    name: ClassVar[str] = ""
    default_unknown: ClassVar[str] = "popular"
    binary: bool = True
    route_: str = ""
    """How the last fit was computed, when a model has several exact ways (EASE)."""

    def __init__(self, *, seed: Seed) -> None:
        rng(seed)  # validates
        self.seed = seed
        self._data: Interactions | None = None

    @classmethod
    def param_names(cls) -> tuple[str, ...]:
        """Return the model's parameter names (the keyword arguments except ``seed``).

        Returns
        -------
        tuple of str
            Names in signature order.
        """
        signature = inspect.signature(cls.__init__)
        return tuple(p for p in signature.parameters if p not in ("self", "seed"))

    @property
    def params(self) -> dict[str, Any]:
        """The model's parameters by name."""
        return {name: getattr(self, name) for name in self.param_names()}

    def __repr__(self) -> str:
        shown = ", ".join(  # None: a default resolved at fit time (e.g. the memory budget)
            f"{key}={value!r}"
            for key, value in self.params.items()
            if key != "group" and value is not None
        )
        return f"{type(self).__name__}({shown})"

    @property
    def users_(self) -> pd.Index:
        """Sorted ids of the fitted users."""
        return self._fitted().users

    @property
    def items_(self) -> pd.Index:
        """Sorted ids of the fitted items (the columns of ``score_all``)."""
        return self._fitted().items

    def _fitted(self) -> Interactions:
        if self._data is None:
            raise ParameterError(f"`{type(self).__name__}` is not fitted; call fit(frame) first")
        return self._data

    def fit(self, data: Any) -> TopNModel:
        """Fit the model on implicit interactions.

        Parameters
        ----------
        data : pandas.DataFrame or surprise.Trainset
            ``C.USER``, ``C.ITEM`` and optionally a strength: ``C.WEIGHT`` if present,
            else ``C.RATING``, else 1 per row; strengths of a repeated pair add up. A
            Surprise trainset (as ``aftersales.evaluate.run_experiment`` passes) gives
            its ratings as strengths. Models with ``binary=True`` use presence only.

        Returns
        -------
        TopNModel
            ``self``, fitted.

        Raises
        ------
        DataValidationError
            If the data lacks a column, is empty (an empty interaction matrix), has a
            missing id, or a strength that is not a finite number > 0.
        ParameterError
            If a parameter does not fit the data (e.g. more neighbours than items).
        """
        data = interaction_matrix(data, source=f"{type(self).__name__}.fit: `data`")
        matrix = data.binary if self.binary else data.values
        self._fit(matrix, data)
        self._data = data
        self._matrix = matrix
        self._seen = data.binary
        return self

    def _fit(self, matrix: sp.csr_matrix, data: Interactions) -> None:
        raise NotImplementedError  # pragma: no cover - every model overrides it

    def _known_scores(self, codes: np.ndarray) -> np.ndarray:
        """Scores of fitted users ``codes`` over every fitted item (float64)."""
        raise NotImplementedError  # pragma: no cover - every model overrides it

    def _fallback_scores(self, users: pd.Index) -> np.ndarray:
        """Scores for users absent from the fitted data: the item popularity."""
        return np.tile(self._fitted().user_counts, (len(users), 1))

    def _codes(self, users: Sequence[Any] | None) -> tuple[pd.Index, np.ndarray]:
        data = self._fitted()
        if users is None:
            return data.users, np.arange(len(data.users))
        if isinstance(users, str | bytes) or not hasattr(users, "__len__"):
            raise ParameterError(f"`users` must be a sequence of user ids; got {users!r}")
        values = [u.item() if isinstance(u, np.generic) else u for u in users]
        try:
            wanted = pd.Index(values, dtype=data.users.dtype)
        except (TypeError, ValueError):
            wanted = pd.Index(values, dtype=object)
        return wanted, data.users.get_indexer(wanted).astype(np.int64)

    def _block(self, wanted: pd.Index, codes: np.ndarray) -> np.ndarray:
        known = codes >= 0
        values = np.empty((len(codes), len(self._fitted().items)))
        if known.any():
            values[known] = self._known_scores(codes[known])
        if not known.all():
            values[~known] = self._fallback_scores(wanted[~known])
        return values

    def score_all(
        self, users: Sequence[Any] | None = None, *, batch_size: int | None = None
    ) -> Scores:
        """Return every fitted item's score for each user (higher ranks first).

        Parameters
        ----------
        users : sequence, optional
            User ids; default every fitted user. Unknown users get the popularity
            fallback (see the class docstring).
        batch_size : int, optional
            Users scored per batch; the default bounds a batch to about 32 MB.

        Returns
        -------
        aftersales.models.Scores
            ``values`` (users x items, float64), ``users`` and ``items`` (the column
            index: sorted fitted item ids).

        Raises
        ------
        ParameterError
            If the model is not fitted, ``users`` is not a sequence, or ``batch_size`` < 1.
        """
        wanted, codes = self._codes(users)
        items = self._fitted().items
        rows = batch_rows(batch_size, len(items))
        values = np.empty((len(codes), len(items)))
        for start in range(0, len(codes), rows):  # batches bound the memory
            part = slice(start, start + rows)
            values[part] = self._block(wanted[part], codes[part])
        return Scores(values=values, users=wanted.to_numpy(), items=items.to_numpy())

    def _lookup(self, users: Sequence[Any] | None) -> tuple[pd.Index, np.ndarray]:
        return self._codes(users)

    def _item_ids(self) -> pd.Index:
        return self._fitted().items

    def _ranking_block(self, wanted: pd.Index, codes: np.ndarray, policy: str) -> np.ndarray:
        return self._block(wanted, codes)

    def _seen_items(self) -> sp.csr_matrix:
        return self._seen

    def _list_length(self, k: Any) -> int:
        return check_k(k, len(self._fitted().items))
