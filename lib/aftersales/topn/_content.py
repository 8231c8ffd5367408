"""Content-based and hybrid top-N models: items scored through their features, new ones too.

Both models rank the whole described catalogue: the training items and every item of
their :class:`aftersales.content.ContentFeatures`, so an item nobody has bought yet (a
cold item) gets a score from its words, categories and price band.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.models import Ranker
from aftersales.random import Seed
from aftersales.topk import top_k
from aftersales.topn._base import TopNModel
from aftersales.topn._common import MAX_NEIGHBORS
from aftersales.topn._matrix import Interactions, interaction_matrix

Features = Any  # ContentFeatures, or a data set name resolved at fit (import cycle otherwise)


def _check_features(value: Any) -> Any:
    from aftersales.content import ContentFeatures

    if value is None or isinstance(value, ContentFeatures | str):
        return value
    raise ParameterError(
        "`features` must be aftersales.content.ContentFeatures, a data set name whose "
        f"item content is read (e.g. 'online-retail'), or None; got {type(value).__name__}"
    )


def _resolve(value: Any, model: str) -> Any:
    from aftersales.content import load_features

    if value is None:
        raise ParameterError(
            f"`{model}` needs item content: pass features=aftersales.content.content_features"
            "(...) or the data set name (model_params: {features: online-retail})"
        )
    return load_features(value) if isinstance(value, str) else value


def _widen(data: Interactions, items: pd.Index) -> Interactions:
    """Return the same interactions over the union of their items and ``items`` (sorted)."""
    union = data.items.union(pd.Index(items))
    if union.has_duplicates:  # pragma: no cover - both are distinct ids
        raise ParameterError("item ids repeat between the data and the features")
    union = union.sort_values()
    cols = union.get_indexer(data.items)
    values = data.values.tocoo()
    matrix = sp.csr_matrix(
        (values.data, (values.row, cols[values.col])), shape=(len(data.users), len(union))
    )
    matrix.sort_indices()
    return Interactions(users=data.users, items=union, values=matrix)


def _row_scaled(values: np.ndarray) -> np.ndarray:
    """Each row divided by its largest absolute value (rows of zeros stay zero)."""
    top = np.abs(values).max(axis=1, keepdims=True) if values.shape[1] else values[:, :0]
    return np.divide(values, top, out=np.zeros_like(values), where=top > 0)


_TRANSFER_BLOCK = 1_024


def _transfer(
    features: sp.csr_matrix, warm: np.ndarray, cold: np.ndarray, neighbors: int
) -> sp.csr_matrix:
    """Return warm x cold weights: each cold item's most similar warm items by content.

    Column ``c`` holds the cosines of cold item ``cold[c]`` to its ``neighbors`` most
    similar warm items (positive ones only), scaled to sum to 1; a cold item without a
    similar warm item has an empty column.
    """
    n = min(neighbors, len(warm))
    by_warm = features[warm].T.tocsr()
    parts = []
    for start in range(0, len(cold), _TRANSFER_BLOCK):  # bounded memory: a block of cold items
        sims = (features[cold[start : start + _TRANSFER_BLOCK]] @ by_warm).toarray()
        sims[sims <= 0] = -np.inf
        row, col, value, _ = top_k(sims, n)  # n >= 1: a fitted model has warm items
        parts.append((col, row + start, value))
    if not parts:
        return sp.csr_matrix((len(warm), len(cold)))
    col, row, value = (np.concatenate(p) for p in zip(*parts, strict=True))
    keep = np.isfinite(value)
    weights = sp.csr_matrix((value[keep], (col[keep], row[keep])), shape=(len(warm), len(cold)))
    totals = np.asarray(weights.sum(axis=0)).ravel()
    scale = np.divide(1.0, totals, out=np.zeros_like(totals), where=totals > 0)
    return (weights @ sp.diags(scale)).tocsr()


class ContentBased(TopNModel):
    """Rank items by the cosine between their content and the customer's profile.

    With ``f_i`` an item's unit-length feature row and ``x_uj`` the customer's value of
    training item ``j`` (1, or the strength when ``binary=False``):

    * profile ``p_u = sum_j x_uj f_j / |sum_j x_uj f_j|``, the normalised weighted mean of
      what the customer bought (or rated);
    * score ``score(u, i) = (p_u - m) . f_i`` with ``m`` the mean profile of the fitted
      customers (``centred=True``), or the cosine ``p_u . f_i`` (``centred=False``).

    Centring removes what every customer's profile shares: without it the features most
    items have (on films the 1990s, drama and comedy) dominate every profile, so the
    cosine ranks first the items that have little else (a plain 1990s drama), the same
    for everyone, whatever the customer's own taste.

    Every item of ``features`` is ranked, bought or not. Sparse products only, batch by
    batch; no loop over customers.

    Parameters
    ----------
    features : ContentFeatures or str
        Item features (``aftersales.content.content_features``), or a data set name whose
        prepared item content is used (``aftersales.content.load_features``).
    binary : bool, default True
        Weigh bought items equally (True) or by strength (False).
    centred : bool, default True
        Subtract the mean profile of the fitted customers from every profile.
    seed : int or numpy.random.Generator, default 0
        Validated but unused (the model is deterministic).

    Raises
    ------
    ParameterError
        If an option is of the wrong type.
    """

    name = "content"

    def __init__(
        self,
        *,
        features: Features = None,
        binary: bool = True,
        centred: bool = True,
        seed: Seed = 0,
    ) -> None:
        super().__init__(seed=seed)
        self.features = _check_features(features)
        self.binary = validate.boolean(binary, "binary")
        self.centred = validate.boolean(centred, "centred")

    def __repr__(self) -> str:
        shown = self.features if isinstance(self.features, str) else "..."
        return (
            f"{type(self).__name__}(features={shown!r}, binary={self.binary!r}, "
            f"centred={self.centred!r})"
        )

    def fit(self, data: Any) -> ContentBased:
        """Fit the profiles on implicit interactions (see :meth:`TopNModel.fit`).

        Parameters
        ----------
        data : pandas.DataFrame or surprise.Trainset
            Interactions; a frame with ``C.TIMESTAMP`` also dates the explanations.

        Returns
        -------
        ContentBased
            ``self``, fitted.

        Raises
        ------
        DataValidationError
            As :meth:`TopNModel.fit`, or if the features cannot be built.
        ParameterError
            If no features were given.
        """
        features = _resolve(self.features, type(self).__name__)
        data_ = _widen(interaction_matrix(data, source=f"{self.name}.fit: `data`"), features.items)
        self._item_features = features.rows(data_.items)
        self._feature_names = features.names
        matrix = data_.binary if self.binary else data_.values
        self._data, self._matrix, self._seen = data_, matrix, data_.binary
        from sklearn.preprocessing import normalize  # scikit-learn: only when fitted

        self._profiles = normalize(matrix @ self._item_features)
        self._by_feature = self._item_features.T.tocsr()
        # the mean customer's score of every item, m . f_i (zero when not centred)
        mean = np.asarray(self._profiles.mean(axis=0)) if self.centred else None
        self._offset = (
            np.asarray(self._item_features @ mean.T).ravel()
            if mean is not None and self._profiles.shape[0]
            else np.zeros(len(data_.items))
        )
        self._dates = None
        if isinstance(data, pd.DataFrame) and C.TIMESTAMP in data:
            self._dates = data.groupby([C.USER, C.ITEM])[C.TIMESTAMP].max()
        return self

    def _known_scores(self, codes: np.ndarray) -> np.ndarray:
        return (self._profiles[codes] @ self._by_feature).toarray() - self._offset

    def profiles(self, users: Sequence[Any]) -> sp.csr_matrix:
        """Return the unit-length content profiles of fitted customers (not centred).

        Parameters
        ----------
        users : sequence
            User ids of the fitted data.

        Returns
        -------
        scipy.sparse.csr_matrix
            users x features.

        Raises
        ------
        UnknownNameError
            If a customer has no training history (a profile needs a bought item).
        ParameterError
            If the model is not fitted or ``users`` is not a sequence.
        """
        wanted, codes = self._codes(users)
        if (codes < 0).any():
            missing = wanted[codes < 0][:5].tolist()
            raise UnknownNameError(
                f"{type(self).__name__}: customer(s) {missing!r} have no training history, so no "
                "content profile; recommend(..., unknown_users='popular') ranks them by "
                "popularity"
            )
        return self._profiles[codes]

    def explain(
        self,
        user: Any,
        items: Sequence[Any],
        *,
        top: int = 3,
        names: Mapping[Any, str] | pd.Series | None = None,
        terms: int = 3,
    ) -> pd.DataFrame:
        """Return the bought items behind each item's score, with the features they share.

        The score decomposes exactly: ``score(u, i) = sum_j x_uj (f_j . f_i) / |sum_j x_uj
        f_j| - m . f_i``, so bought item ``j`` contributes its share of it (``m . f_i``, the
        mean customer's part, is zero when the model is not centred).

        Parameters
        ----------
        user : object
            A fitted customer.
        items : sequence
            Item ids to explain (in the model's catalogue).
        top : int, default 3
            Bought items shown per item.
        names : mapping or pandas.Series, optional
            Item id -> name.
        terms : int, default 3
            Shared features named per pair.

        Returns
        -------
        pandas.DataFrame
            ``aftersales.models.EXPLANATION_COLUMNS`` plus ``C.CONTRIBUTION``,
            ``C.SCORE``, ``C.TERMS`` (the shared features, strongest first, ``", "``-joined)
            and ``C.NEIGHBOR_DATE`` (when the customer last bought it; missing unless the
            model was fitted on a frame with ``C.TIMESTAMP``).

        Raises
        ------
        UnknownNameError
            If the customer has no training history or an item is not in the catalogue.
        ParameterError
            If ``top`` or ``terms`` is not a positive integer.
        """
        from aftersales.content import explain_content

        return explain_content(self, user, items, top=top, names=names, terms=terms)

    explain_lists = Ranker.explain_lists  # per user: the shared features are named per call


class Hybrid(TopNModel):
    """Blend a collaborative model with :class:`ContentBased`; new items score by content.

    Each part's scores are divided by the customer's largest absolute score of that part
    (so both run to 1), then ``score = (1 - weight) * collaborative + weight * content``.
    An item the collaborative model never saw (a cold item) borrows its collaborative
    part from its ``neighbors`` most similar items by content: the mean of their
    collaborative scores weighted by the content cosine ("items like this new one sell
    to customers like you"), so new items compete with bought ones on both parts.
    ``weight`` is the blend weight; tune it on validation data that holds new items too
    (``aftersales.topn.tune("hybrid", {"weight": [...]}, ...)``).

    Parameters
    ----------
    features : ContentFeatures or str
        As :class:`ContentBased`.
    collaborative : str, default "ease"
        A top-N model name (not ``content`` or ``hybrid``).
    collaborative_params : mapping, optional
        Its parameters.
    weight : float, default 0.3
        Content share of the blend, in [0, 1] (0: collaborative only, 1: content only).
    neighbors : int, default 20
        Warm items by content a cold item borrows its collaborative score from (>= 1).
    binary : bool, default True
        Passed to the content part.
    centred : bool, default True
        Passed to the content part.
    seed : int or numpy.random.Generator, default 0
        Seed of the collaborative part.

    Raises
    ------
    ParameterError
        If ``weight`` is outside [0, 1] or another option is invalid.
    UnknownNameError
        If ``collaborative`` is not a registered model.
    """

    name = "hybrid"

    def __init__(
        self,
        *,
        features: Features = None,
        collaborative: str = "ease",
        collaborative_params: Mapping[str, Any] | None = None,
        weight: float = 0.3,
        neighbors: int = 20,
        binary: bool = True,
        centred: bool = True,
        seed: Seed = 0,
    ) -> None:
        from aftersales.models import make

        super().__init__(seed=seed)
        self.features = _check_features(features)
        if collaborative in ("content", "hybrid"):
            raise ParameterError(
                f"`collaborative` must be a collaborative model; got {collaborative!r}"
            )
        self.collaborative = collaborative
        self.collaborative_params = dict(collaborative_params or {})
        make(collaborative, self.collaborative_params, seed=seed)  # validates
        is_number = isinstance(weight, int | float | np.integer | np.floating) and not isinstance(
            weight, bool | np.bool_
        )
        if not is_number or not 0.0 <= float(weight) <= 1.0:
            raise ParameterError(
                f"`weight` (the content share of the blend) must be a number in [0, 1]; "
                f"got {weight!r}"
            )
        self.weight = float(weight)
        self.neighbors = validate.integer(neighbors, "neighbors", high=MAX_NEIGHBORS)
        self.binary = validate.boolean(binary, "binary")
        self.centred = validate.boolean(centred, "centred")

    def __repr__(self) -> str:
        return (
            f"Hybrid(collaborative={self.collaborative!r}, "
            f"collaborative_params={self.collaborative_params!r}, weight={self.weight!r})"
        )

    def fit(self, data: Any) -> Hybrid:
        """Fit both parts on the same interactions.

        Parameters
        ----------
        data : pandas.DataFrame or surprise.Trainset
            Interactions (see :meth:`TopNModel.fit`).

        Returns
        -------
        Hybrid
            ``self``, fitted.

        Raises
        ------
        DataValidationError, ParameterError
            As either part's ``fit``.
        """
        from aftersales.models import make

        content = ContentBased(
            features=self.features, binary=self.binary, centred=self.centred
        ).fit(data)
        collaborative = make(self.collaborative, self.collaborative_params, seed=self.seed)
        return self._assemble(content, collaborative.fit(data))

    def with_parts(self, content: ContentBased, collaborative: TopNModel) -> Hybrid:
        """Return a copy fitted from parts already fitted on the same interactions.

        Saves refitting a collaborative model that is evaluated on its own too.

        Parameters
        ----------
        content : ContentBased
            The fitted content part (its features are used, not ``self.features``).
        collaborative : TopNModel
            The fitted collaborative part, of this model's ``collaborative`` kind.

        Returns
        -------
        Hybrid
            A fitted copy with this model's weight.

        Raises
        ------
        ParameterError
            If a part is not fitted, is of the wrong kind, or the two parts were fitted on
            different customers.
        """
        kinds = (getattr(type(content), "name", ""), getattr(type(collaborative), "name", ""))
        if kinds != (ContentBased.name, self.collaborative):
            raise ParameterError(
                f"`with_parts` takes a ContentBased and a fitted {self.collaborative!r} model; "
                f"got {type(content).__name__} and {type(collaborative).__name__}"
            )
        if not content.users_.equals(collaborative.users_):
            raise ParameterError("`with_parts`: the parts were fitted on different customers")
        return copy.copy(self)._assemble(content, collaborative)

    def _assemble(self, content: ContentBased, collaborative: TopNModel) -> Hybrid:
        self.content_, self.collaborative_ = content, collaborative
        self._data = self.content_._data
        self._matrix, self._seen = self.content_._matrix, self.content_._seen
        self._cf_cols = self._data.items.get_indexer(self.collaborative_.items_)
        cold = np.ones(len(self._data.items), dtype=bool)
        cold[self._cf_cols] = False
        self._cold_cols = np.flatnonzero(cold)
        self._transfer = _transfer(
            self.content_._item_features, self._cf_cols, self._cold_cols, self.neighbors
        )
        return self

    def reweighted(self, weight: float) -> Hybrid:
        """Return a copy with another blend weight that shares this model's fitted parts.

        Parameters
        ----------
        weight : float
            Content share of the blend, in [0, 1].

        Returns
        -------
        Hybrid
            The copy (fitted when this model is); both parts are shared, not refitted.

        Raises
        ------
        ParameterError
            If ``weight`` is outside [0, 1].
        """
        other = copy.copy(self)
        other.weight = Hybrid(weight=weight, collaborative="popularity").weight  # validates
        return other

    def _known_scores(self, codes: np.ndarray) -> np.ndarray:
        content = _row_scaled(self.content_._known_scores(codes))
        known = self.collaborative_._known_scores(codes)
        collaborative = np.zeros_like(content)
        collaborative[:, self._cf_cols] = known
        if self._cold_cols.size:  # new items: their content neighbours' collaborative scores
            collaborative[:, self._cold_cols] = np.asarray(known @ self._transfer)
        return (1.0 - self.weight) * _row_scaled(collaborative) + self.weight * content

    def explain(
        self,
        user: Any,
        items: Sequence[Any],
        *,
        top: int = 3,
        names: Mapping[Any, str] | pd.Series | None = None,
        terms: int = 3,
    ) -> pd.DataFrame:
        """Explain the content part of the blend (see :meth:`ContentBased.explain`).

        Parameters
        ----------
        user : object
            A fitted customer.
        items : sequence
            Item ids to explain.
        top : int, default 3
            Bought items shown per item.
        names : mapping or pandas.Series, optional
            Item id -> name.
        terms : int, default 3
            Shared features named per pair.

        Returns
        -------
        pandas.DataFrame
            As :meth:`ContentBased.explain`.

        Raises
        ------
        UnknownNameError, ParameterError
            As :meth:`ContentBased.explain`.
        """
        self._fitted()
        return self.content_.explain(user, items, top=top, names=names, terms=terms)

    explain_lists = Ranker.explain_lists
