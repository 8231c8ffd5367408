"""Item content as sparse feature vectors: TF-IDF words, one-hot categories, a price band."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from aftersales import columns as C
from aftersales import validate
from aftersales.clean import CONTENT_COLUMNS, item_content
from aftersales.errors import DataValidationError

TOKEN_PATTERN = r"(?u)\b[^\W\d_]{2,}\b"
"""Words of two or more letters (numbers and sizes such as "3" or "20cm" are not content)."""


@dataclass(frozen=True, eq=False)
class ContentFeatures:
    """Items as rows of a sparse, row-normalised feature matrix.

    Attributes
    ----------
    items : pandas.Index
        Sorted item ids; row ``r`` describes ``items[r]``.
    matrix : scipy.sparse.csr_matrix
        items x features, float64, every row of unit length (an item without any feature
        is a zero row).
    names : numpy.ndarray
        The feature of each column: a word, ``genre:Drama``, ``decade:1990s``,
        ``category:...`` or ``price:band 2 of 5``.
    words : numpy.ndarray
        Boolean, True for the columns that are words (TF-IDF).
    """

    items: pd.Index
    matrix: sp.csr_matrix
    names: np.ndarray
    words: np.ndarray

    def __repr__(self) -> str:
        return (
            f"ContentFeatures({len(self.items):,} items x {len(self.names):,} features, "
            f"{int(self.words.sum()):,} words, {self.matrix.nnz:,} non-zeros)"
        )

    def table(self) -> pd.DataFrame:
        """Return every feature with the number of items that have it.

        Returns
        -------
        pandas.DataFrame
            ``C.FEATURE``, ``"kind"`` (word, category or price) and ``C.N_ITEMS``,
            most frequent first.
        """
        counts = np.bincount(self.matrix.indices, minlength=len(self.names))
        kind = np.where(
            self.words,
            "word",
            np.where(np.char.startswith(self.names.astype(str), "price:"), "price", "category"),
        )
        frame = pd.DataFrame({C.FEATURE: self.names, "kind": kind, C.N_ITEMS: counts})
        return frame.sort_values([C.N_ITEMS, C.FEATURE], ascending=[False, True]).reset_index(
            drop=True
        )

    def top_terms(self, n: int = 5) -> pd.DataFrame:
        """Return each item's ``n`` heaviest words (its TF-IDF share of the unit-length row).

        Parameters
        ----------
        n : int, default 5
            Words per item, at least 1; items with fewer words list all of them.

        Returns
        -------
        pandas.DataFrame
            ``C.ITEM``, ``C.TERM``, ``C.WEIGHT``: per item the heaviest words first, ties by
            word; items without words have no rows. Categories and price bands are left out.

        Raises
        ------
        ParameterError
            If ``n`` is not a positive integer.
        """
        validate.integer(n, "n", low=1)
        coo = self.matrix.tocoo()
        word = self.words[coo.col]
        rows, cols, weights = coo.row[word], coo.col[word], coo.data[word]
        names = self.names[cols].astype(str)
        order = np.lexsort((names, -weights, rows))
        rows, names, weights = rows[order], names[order], weights[order]
        starts = np.searchsorted(rows, rows, side="left")
        keep = (np.arange(len(rows)) - starts) < n
        return pd.DataFrame(
            {
                C.ITEM: self.items[rows[keep]],
                C.TERM: names[keep],
                C.WEIGHT: weights[keep],
            }
        )

    def rows(self, items: Any) -> sp.csr_matrix:
        """Return the feature rows of ``items`` (zero rows for items without content).

        Parameters
        ----------
        items : sequence or pandas.Index
            Item ids.

        Returns
        -------
        scipy.sparse.csr_matrix
            ``len(items)`` x features.
        """
        codes = self.items.get_indexer(pd.Index(items))
        known = codes >= 0
        picker = sp.csr_matrix(
            (np.ones(int(known.sum())), (np.flatnonzero(known), codes[known])),
            shape=(len(codes), len(self.items)),
        )
        return (picker @ self.matrix).tocsr()


def _one_hot(labels: pd.Series) -> tuple[sp.csr_matrix, np.ndarray]:
    """Rows of ``"|"``-separated labels to a 0/1 matrix and its sorted label names."""
    split = [[x for x in str(value).split("|") if x] for value in labels]
    names = np.array(sorted({x for row in split for x in row}), dtype=object)
    lookup = {name: i for i, name in enumerate(names)}
    cols = [lookup[x] for row in split for x in row]
    rows = np.repeat(np.arange(len(split)), [len(row) for row in split])
    matrix = sp.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(split), len(names)))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix, names


def _price_bands(prices: pd.Series, bands: int) -> tuple[sp.csr_matrix, np.ndarray]:
    """Quantile bands of the prices as one-hot columns (items without a price: none)."""
    known = prices.notna().to_numpy()
    if bands == 0 or not known.any():
        return sp.csr_matrix((len(prices), 0)), np.array([], dtype=object)
    codes = pd.qcut(prices[known].rank(method="first"), bands, labels=False).to_numpy()
    n = int(codes.max()) + 1
    names = np.array([f"price:band {b + 1} of {n}" for b in range(n)], dtype=object)
    matrix = sp.csr_matrix(
        (np.ones(int(known.sum())), (np.flatnonzero(known), codes.astype(np.int64))),
        shape=(len(prices), n),
    )
    return matrix, names


def content_features(
    content: pd.DataFrame,
    *,
    category_weight: float = 1.0,
    price_weight: float = 0.5,
    price_bands: int = 5,
    min_df: int = 2,
) -> ContentFeatures:
    """Build the sparse feature matrix of :func:`aftersales.content.item_content`'s table.

    Each item's row is the concatenation of three blocks, each of unit length before
    weighting, and the whole row is scaled to unit length again:

    * words: scikit-learn's ``TfidfVectorizer`` over ``C.TEXT`` (lower-cased, English
      stop words removed, words of two or more letters, in at least ``min_df`` items,
      sublinear term frequency, smoothed idf);
    * categories: one column per label of ``C.CATEGORIES``, times ``category_weight``;
    * price: the item's price quintile (``price_bands`` quantile bands of
      ``C.UNIT_PRICE``), times ``price_weight``.

    The cosine of two rows is then a weighted blend of shared words, shared categories
    and the same price band.

    Parameters
    ----------
    content : pandas.DataFrame
        :data:`aftersales.content.CONTENT_COLUMNS`, one row per item; not modified.
    category_weight : float, default 1.0
        Weight of the category block relative to words, >= 0.
    price_weight : float, default 0.5
        Weight of the price block, >= 0 (0 leaves the price out).
    price_bands : int, default 5
        Quantile bands of the price, from 0 (none) to 100.
    min_df : int, default 2
        Fewest items a word must describe to become a feature (1 keeps every word).

    Returns
    -------
    ContentFeatures
        The matrix and the feature names.

    Raises
    ------
    DataValidationError
        If a column is missing, an item repeats, the table is empty, or no item has any
        word or category (empty descriptions everywhere).
    ParameterError
        If a weight, ``price_bands`` or ``min_df`` is out of range.
    """
    source = "content_features: `content`"
    validate.require_columns(content, list(CONTENT_COLUMNS), source=source)
    validate.require_rows(content, source=source)
    category_weight = validate.number(category_weight, "category_weight", strict=False)
    price_weight = validate.number(price_weight, "price_weight", strict=False)
    price_bands = validate.integer(price_bands, "price_bands", low=0, high=100)
    min_df = validate.integer(min_df, "min_df", high=1_000_000)
    if content[C.ITEM].duplicated().any():
        first = content[C.ITEM][content[C.ITEM].duplicated()].iloc[0]
        raise DataValidationError(f"{source}: item {first!r} has more than one row")
    table = content.sort_values(C.ITEM)
    text = table[C.TEXT].fillna("").astype("str")
    categories = table[C.CATEGORIES].fillna("").astype("str")
    if not text.str.strip().any() and not categories.str.strip().any():
        raise DataValidationError(
            f"{source}: every one of the {len(table):,} items has an empty description and no "
            "category, so there is no content to compare; check the source's `description` "
            "column"
        )
    # scikit-learn loads in seconds: imported here, not by every notebook that imports params
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    blocks, names, words = [], [], []
    if text.str.strip().any():
        vectoriser = TfidfVectorizer(
            lowercase=True,
            stop_words="english",
            token_pattern=TOKEN_PATTERN,
            min_df=min(min_df, len(table)),
            sublinear_tf=True,
            dtype=np.float64,
        )
        try:
            matrix = vectoriser.fit_transform(text)
        except ValueError:  # no word survives min_df and the stop words
            matrix = sp.csr_matrix((len(table), 0))
        else:
            names.append(vectoriser.get_feature_names_out().astype(object))
            words.append(np.ones(matrix.shape[1], dtype=bool))
            blocks.append(matrix)
    for (matrix, labels), weight in (
        (_one_hot(categories), category_weight),
        (_price_bands(table[C.UNIT_PRICE], price_bands), price_weight),
    ):
        if matrix.shape[1] and weight > 0:
            blocks.append(normalize(matrix) * weight)
            names.append(labels)
            words.append(np.zeros(matrix.shape[1], dtype=bool))
    if not blocks:
        raise DataValidationError(
            f"{source}: no word is shared by {min_df} items and no item has a category; "
            "lower `min_df`"
        )
    full = normalize(sp.hstack(blocks, format="csr"))
    full.eliminate_zeros()
    full.sort_indices()
    return ContentFeatures(
        items=pd.Index(table[C.ITEM].to_numpy()),
        matrix=full.astype(np.float64),
        names=np.concatenate(names).astype(object),
        words=np.concatenate(words),
    )


@functools.lru_cache(maxsize=8)
def load_features(dataset: str) -> ContentFeatures:
    """Return the default content features of a data set's prepared item content.

    Parameters
    ----------
    dataset : str
        A registered data set or a source file (as ``aftersales.prepare.prepare`` takes),
        prepared with the default options (cached; the item content does not depend on
        the k-core or the split).

    Returns
    -------
    ContentFeatures
        ``content_features(prepared.content)`` with the default weights (one object per
        data set and process).

    Raises
    ------
    DataValidationError
        If the data set has no content column or no content at all.
    UnknownNameError
        If the data set is not registered.
    """
    from aftersales import prepare

    prepared = prepare.prepare(dataset=dataset)
    if prepared.content.empty:
        item_content(prepared.cleaned)  # raises the error that names the missing columns
    return content_features(prepared.content)
