"""Beyond-accuracy metrics of top-k lists: coverage, novelty, diversity, personalisation.

These describe the lists themselves and need no held-out data. Every user with a list is
evaluated; lists are cut to their first ``k`` items by ``C.RANK`` as in the ranking metrics.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import sparse

from aftersales import columns as C
from aftersales.errors import DataValidationError
from aftersales.metrics._base import (
    MetricResult,
    check_recommendations,
    per_user_series,
    top_k,
)
from aftersales.metrics._features import ItemFeatures, incidence
from aftersales.validate import positive_int, require_columns, require_rows

_ENTRIES_PER_BATCH = 4_000_000
"""Upper bound on the entries of the user x feature product held at once (diversity)."""


def _lists(recs: pd.DataFrame, k: object) -> tuple[pd.DataFrame, pd.Index, np.ndarray, int]:
    k = positive_int(k, "k")
    check_recommendations(recs)
    top = top_k(recs, k)
    users = pd.Index(top[C.USER].unique()).sort_values()
    return top, users, users.get_indexer(top[C.USER]), k


def catalogue_coverage(
    recs: pd.DataFrame, *, k: int, catalogue: pd.DataFrame | Iterable[object]
) -> MetricResult:
    """Share of the catalogue that appears in at least one top-k list.

    Parameters
    ----------
    recs : pandas.DataFrame
        Recommendations: ``C.USER``, ``C.ITEM``, ``C.RANK`` (1 = first).
    k : int
        List length.
    catalogue : pandas.DataFrame or iterable
        The items that could be recommended: a frame with ``C.ITEM`` (e.g. the training
        frame) or the item ids themselves. Recommended items outside it are not counted.

    Returns
    -------
    MetricResult
        ``value`` in [0, 1]; ``per_user`` is empty since coverage describes all lists
        together. Higher is better.

    Raises
    ------
    ParameterError
        If ``k`` is not a positive integer.
    DataValidationError
        If ``recs`` is empty or malformed, or the catalogue is empty.
    """
    top, users, _, k = _lists(recs, k)
    if isinstance(catalogue, pd.DataFrame):
        require_columns(catalogue, [C.ITEM], source="`catalogue`")
        catalogue = catalogue[C.ITEM]
    if not isinstance(catalogue, pd.Series | pd.Index | np.ndarray):
        catalogue = list(catalogue)
    items = pd.Index(catalogue).unique()
    if len(items) == 0:
        raise DataValidationError("`catalogue`: holds no item; expected at least one")
    covered = items.isin(top[C.ITEM].unique()).sum()
    empty = pd.Series([], dtype="float64", index=users[:0].rename(C.USER), name="coverage")
    return MetricResult(name="coverage", k=k, value=float(covered / len(items)), per_user=empty)


def item_popularity(train: pd.DataFrame) -> tuple[pd.Series, int]:
    """Count the distinct training users of each item, and the training users in all.

    Parameters
    ----------
    train : pandas.DataFrame
        Training interactions with ``C.USER`` and ``C.ITEM``.

    Returns
    -------
    tuple of (pandas.Series, int)
        Users per item (indexed by item id) and the number of distinct users: what
        :func:`novelty` reads from ``train``. Compute it once to score many lists.

    Raises
    ------
    DataValidationError
        If a column is missing or ``train`` is empty.
    """
    require_columns(train, [C.USER, C.ITEM], source="`train`")
    require_rows(train, source="`train`")
    n_train_users = train[C.USER].nunique()
    return train.drop_duplicates([C.USER, C.ITEM])[C.ITEM].value_counts(), n_train_users


def novelty(
    recs: pd.DataFrame,
    train: pd.DataFrame,
    *,
    k: int,
    popularity: tuple[pd.Series, int] | None = None,
) -> MetricResult:
    """Mean self-information of the recommended items, in bits.

    An item's popularity share is the fraction of training users who interacted with it,
    and its self-information is ``-log2(share)``: an item every user has scores 0, an item
    one user in 1,024 has scores 10. An item absent from ``train`` is treated as seen by a
    single user (the largest finite value). A user's novelty is the mean over its list.

    Parameters
    ----------
    recs : pandas.DataFrame
        Recommendations: ``C.USER``, ``C.ITEM``, ``C.RANK`` (1 = first).
    train : pandas.DataFrame
        Training interactions with ``C.USER`` and ``C.ITEM``.
    k : int
        List length.
    popularity : tuple of (pandas.Series, int), optional
        :func:`item_popularity` of ``train``, computed once for many lists (``train`` is
        then not read again); default computed here.

    Returns
    -------
    MetricResult
        Mean over users with a list, and per-user values. Higher is more novel.

    Raises
    ------
    ParameterError
        If ``k`` is not a positive integer.
    DataValidationError
        If a frame is empty or malformed.
    """
    top, users, codes, k = _lists(recs, k)
    counts_per_item, n_train_users = popularity or item_popularity(train)
    counts = counts_per_item.reindex(top[C.ITEM]).fillna(1).to_numpy(dtype="float64")
    information = -np.log2(counts / n_train_users)
    total = np.bincount(codes, weights=information, minlength=len(users))
    values = total / np.bincount(codes, minlength=len(users))
    per_user = per_user_series(users, values, "novelty")
    return MetricResult(name="novelty", k=k, value=float(values.mean()), per_user=per_user)


def intra_list_diversity(recs: pd.DataFrame, features: ItemFeatures, *, k: int) -> MetricResult:
    """Mean pairwise dissimilarity ``1 - cosine`` between the items of each list.

    A user's value is one minus the mean cosine similarity over the pairs of its listed
    items that have a feature vector (items missing from ``features`` or with an all-zero
    vector are left out). Users with fewer than two such items are excluded and counted.
    The pairwise sum is computed without forming pairs: for unit vectors ``x_i`` of a
    list, the sum of ``cos(i, j)`` over ordered pairs ``i != j`` is
    ``||sum_i x_i||^2 - n``.

    Parameters
    ----------
    recs : pandas.DataFrame
        Recommendations: ``C.USER``, ``C.ITEM``, ``C.RANK`` (1 = first).
    features : ItemFeatures
        Item vectors, e.g. :func:`cooccurrence_features` of the training frame or
        :func:`genre_features` of the item metadata.
    k : int
        List length.

    Returns
    -------
    MetricResult
        Mean over evaluated users and per-user values in [0, 1] for non-negative
        features. Higher is more diverse.

    Raises
    ------
    ParameterError
        If ``k`` is not a positive integer.
    DataValidationError
        If ``recs`` is empty or malformed, or no list has two items with features.
    """
    top, users, _, k = _lists(recs, k)
    matrix = features.matrix.tocsr()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    with np.errstate(divide="ignore"):
        scale = np.where(norms > 0, 1.0 / norms, 0.0)
    unit = (sparse.diags_array(scale, format="csr") @ matrix).tocsr()
    has_vector = pd.Index(features.items[norms > 0])
    listed = incidence(top[C.USER], top[C.ITEM], row_index=users, column_index=has_vector)
    unit = unit[np.flatnonzero(norms > 0)]
    n_items = np.asarray(listed.sum(axis=1)).ravel()
    squared = np.empty(len(users))
    batch = max(1, _ENTRIES_PER_BATCH // max(unit.shape[1], 1))
    for start in range(0, len(users), batch):  # batches of users bound the memory
        summed = listed[start : start + batch] @ unit
        squared[start : start + batch] = np.asarray(summed.multiply(summed).sum(axis=1)).ravel()
    evaluated = n_items >= 2
    if not evaluated.any():
        raise DataValidationError(
            "`recommendations`: diversity needs a list with two items that have features; "
            f"none of {len(users)} lists has (check that `features` covers the items)"
        )
    n = n_items[evaluated]
    mean_similarity = (squared[evaluated] - n) / (n * (n - 1))
    values = np.maximum(1.0 - mean_similarity, 0.0)
    return MetricResult(
        name="diversity",
        k=k,
        value=float(values.mean()),
        per_user=per_user_series(users[evaluated], values, "diversity"),
        n_excluded=int((~evaluated).sum()),
    )


def personalisation(recs: pd.DataFrame, *, k: int) -> MetricResult:
    """One minus the mean cosine similarity between the top-k lists of two users.

    Lists are binary item vectors, so the cosine of two lists of length k is their
    overlap divided by k. A user's value is one minus its mean similarity to every other
    user; the mean of these per-user values equals one minus the mean over all pairs of
    users. Computed without forming pairs: with unit list vectors ``a_u`` and
    ``s = sum_v a_v``, user u's similarities to the others sum to ``a_u . s - 1``.

    Parameters
    ----------
    recs : pandas.DataFrame
        Recommendations: ``C.USER``, ``C.ITEM``, ``C.RANK`` (1 = first).
    k : int
        List length.

    Returns
    -------
    MetricResult
        Values in [0, 1]: 0 when every user gets the same list, 1 when no two lists share
        an item. Higher is more personalised.

    Raises
    ------
    ParameterError
        If ``k`` is not a positive integer.
    DataValidationError
        If ``recs`` is empty or malformed, or fewer than two users have a list.
    """
    top, users, _, k = _lists(recs, k)
    if len(users) < 2:
        raise DataValidationError(
            "`recommendations`: personalisation compares users' lists; needs two or more "
            f"users, got {len(users)}"
        )
    items = pd.Index(top[C.ITEM].unique())
    listed = incidence(top[C.USER], top[C.ITEM], row_index=users, column_index=items)
    lengths = np.asarray(listed.sum(axis=1)).ravel()
    unit = sparse.diags_array(1.0 / np.sqrt(lengths), format="csr") @ listed
    column_sums = np.asarray(unit.sum(axis=0)).ravel()
    similarity_sums = unit @ column_sums - 1.0
    values = np.clip(1.0 - similarity_sums / (len(users) - 1), 0.0, 1.0)
    return MetricResult(
        name="personalisation",
        k=k,
        value=float(values.mean()),
        per_user=per_user_series(users, values, "personalisation"),
    )
