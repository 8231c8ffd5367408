"""Item feature vectors for intra-list diversity: co-occurrence in training, or genres."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from aftersales import columns as C
from aftersales.validate import non_null, require_columns, require_rows


@dataclass(frozen=True, eq=False)
class ItemFeatures:
    """One feature vector per item; cosine similarity between rows compares items.

    Attributes
    ----------
    items : pandas.Index
        Item ids, one per row of ``matrix``.
    matrix : scipy.sparse.csr_array
        ``len(items) x n_features`` non-negative features (a row of zeros means the item
        has no features and takes part in no comparison).
    """

    items: pd.Index
    matrix: sparse.csr_array


def incidence(
    rows: pd.Series, columns: pd.Series, *, row_index: pd.Index, column_index: pd.Index
) -> sparse.csr_array:
    """Binary ``len(row_index) x len(column_index)`` matrix with a 1 at each (row, column) pair.

    Pairs whose row or column is not in its index are dropped; repeated pairs count once.
    """
    r = row_index.get_indexer(rows)
    c = column_index.get_indexer(columns)
    keep = (r >= 0) & (c >= 0)
    matrix = sparse.csr_array(
        (np.ones(int(keep.sum())), (r[keep], c[keep])),
        shape=(len(row_index), len(column_index)),
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def cooccurrence_features(train: pd.DataFrame) -> ItemFeatures:
    """Describe each item by the training users who interacted with it.

    The cosine similarity of two such vectors is the number of users who have both items
    divided by the geometric mean of the two items' user counts.

    Parameters
    ----------
    train : pandas.DataFrame
        Training interactions with ``C.USER`` and ``C.ITEM``.

    Returns
    -------
    ItemFeatures
        One row per distinct training item (sorted), one column per training user.

    Raises
    ------
    DataValidationError
        If a column is missing or ``train`` is empty.
    """
    source = "`train`"
    require_columns(train, [C.USER, C.ITEM], source=source)
    require_rows(train, source=source)
    items = pd.Index(train[C.ITEM].unique()).sort_values()
    users = pd.Index(train[C.USER].unique())
    matrix = incidence(train[C.ITEM], train[C.USER], row_index=items, column_index=users)
    return ItemFeatures(items=items, matrix=matrix)


def genre_features(items: pd.DataFrame, *, sep: str = "|") -> ItemFeatures:
    """Describe each item by its genres (one binary column per genre).

    Parameters
    ----------
    items : pandas.DataFrame
        ``C.ITEM`` and ``C.GENRES`` (a ratings frame with item metadata will do; each item
        keeps its first row). A genre value is a ``sep``-separated string such as
        ``"Comedy|Drama"`` or a list of genre names; an empty value means no genre.
    sep : str, default "|"
        Separator of genre names in string values.

    Returns
    -------
    ItemFeatures
        One row per distinct item (sorted), one column per genre (sorted).

    Raises
    ------
    DataValidationError
        If a column is missing, the frame is empty or an item id is missing.
    """
    source = "`items`"
    require_columns(items, [C.ITEM, C.GENRES], source=source)
    require_rows(items, source=source)
    non_null(items[C.ITEM], source=source)
    first = items.drop_duplicates(C.ITEM)[[C.ITEM, C.GENRES]]
    # One call per distinct item (a few thousand), not per user x item.
    split = first[C.GENRES].map(
        lambda value: value.split(sep) if isinstance(value, str) else value, na_action="ignore"
    )
    long = pd.DataFrame({C.ITEM: first[C.ITEM].to_numpy(), C.GENRES: split.to_numpy()})
    long = long.explode(C.GENRES).dropna(subset=[C.GENRES])
    long = long.assign(**{C.GENRES: long[C.GENRES].astype("str").str.strip()})
    long = long.loc[long[C.GENRES] != ""]
    item_index = pd.Index(first[C.ITEM].unique()).sort_values()
    genre_index = pd.Index(long[C.GENRES].unique()).sort_values()
    matrix = incidence(long[C.ITEM], long[C.GENRES], row_index=item_index, column_index=genre_index)
    return ItemFeatures(items=item_index, matrix=matrix)
