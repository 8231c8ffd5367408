"""Basket x item incidence matrix built from cleaned transactions or interactions."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import DataValidationError, ParameterError, UnknownNameError

SOURCE = "`transactions`"


@dataclass(frozen=True, eq=False)
class Baskets:
    """Which items each basket holds, as a sparse boolean matrix.

    Attributes
    ----------
    matrix : scipy.sparse.csr_array
        Boolean ``(n_baskets, n_items)`` matrix; ``matrix[b, i]`` is true when basket ``b``
        holds item ``i`` at least once (quantities are ignored).
    baskets : pandas.Index
        Basket ids (invoice or customer ids), sorted; the row labels of ``matrix``.
    items : pandas.Index
        Item ids, sorted; the column labels of ``matrix``.
    descriptions : pandas.Series
        Indexed by ``items``: each item's most frequent description (missing when the input had
        none for it, or no description column at all).
    """

    matrix: sp.csr_array
    baskets: pd.Index
    items: pd.Index
    descriptions: pd.Series

    @property
    def n_baskets(self) -> int:
        """Number of baskets (rows)."""
        return int(self.matrix.shape[0])

    @property
    def n_items(self) -> int:
        """Number of distinct items (columns)."""
        return int(self.matrix.shape[1])

    def item_counts(self) -> np.ndarray:
        """Return how many baskets hold each item, in the order of ``items``.

        Returns
        -------
        numpy.ndarray
            Integer counts, one per item.
        """
        return np.bincount(self.matrix.indices, minlength=self.n_items).astype(np.int64)

    def item_support(self) -> pd.Series:
        """Return each item's support (share of baskets that hold it).

        Returns
        -------
        pandas.Series
            Named ``C.SUPPORT``, indexed by item id, in the order of ``items``.
        """
        return pd.Series(self.item_counts() / self.n_baskets, index=self.items, name=C.SUPPORT)


def _basket_key(frame: pd.DataFrame, key: str | None) -> str:
    if key is not None:
        validate.require_columns(frame, [key], source=SOURCE)
        return key
    for candidate in (C.INVOICE, C.USER):
        if candidate in frame.columns:
            return candidate
    raise DataValidationError(
        f"{SOURCE}: no basket column; expected `{C.INVOICE}` (transactions: one basket per "
        f"invoice) or `{C.USER}` (interactions: one basket per customer), or pass `key`; "
        f"the columns present are {list(frame.columns)}"
    )


def _customer_column(frame: pd.DataFrame, *, source: str) -> str:
    for candidate in (C.CUSTOMER, C.USER):
        if candidate in frame.columns:
            return candidate
    raise DataValidationError(
        f"{source}: needs a customer column `{C.CUSTOMER}` or `{C.USER}` to select a segment; "
        f"the columns present are {list(frame.columns)}"
    )


def _select_country(frame: pd.DataFrame, country: str) -> pd.DataFrame:
    validate.require_columns(frame, [C.COUNTRY], source=SOURCE)
    valid = sorted(frame[C.COUNTRY].dropna().unique().tolist())
    if country not in valid:
        raise UnknownNameError(
            f"`country` {country!r} is not in {SOURCE}; valid countries: {valid}"
        )
    return frame.loc[frame[C.COUNTRY] == country]


def _segment_customers(segments: pd.DataFrame, segment: Hashable) -> pd.Series:
    source = "`segments`"
    if not isinstance(segments, pd.DataFrame):
        raise ParameterError(
            f"`segments` must be a DataFrame with columns `{C.CUSTOMER}` and `{C.SEGMENT}`; "
            f"got {type(segments).__name__}"
        )
    if C.CUSTOMER not in segments.columns and C.USER not in segments.columns:
        segments = segments.reset_index()
    validate.require_columns(segments, [C.SEGMENT], source=source)
    key = _customer_column(segments, source=source)
    valid = sorted(segments[C.SEGMENT].dropna().unique().tolist(), key=str)
    if segment not in valid:
        raise UnknownNameError(f"`segment` {segment!r} does not exist; valid segments: {valid}")
    return segments.loc[segments[C.SEGMENT] == segment, key]


def _select_segment(frame: pd.DataFrame, segment: Hashable, segments: pd.DataFrame) -> pd.DataFrame:
    customers = _segment_customers(segments, segment)
    column = _customer_column(frame, source=SOURCE)
    selected = frame.loc[frame[column].isin(customers)]
    if len(selected) == 0:
        raise DataValidationError(
            f"{SOURCE}: no row belongs to segment {segment!r} ({customers.nunique()} customers "
            f"in `segments`); check that the customer ids match (`{column}` is "
            f"{frame[column].dtype}, the segment ids are {customers.dtype})"
        )
    return selected


def _descriptions(frame: pd.DataFrame, items: pd.Index) -> pd.Series:
    if C.DESCRIPTION not in frame.columns:
        return pd.Series(pd.NA, index=items, name=C.DESCRIPTION, dtype="str")
    text = frame[C.DESCRIPTION].astype("str").str.strip()
    pairs = pd.DataFrame({C.ITEM: frame[C.ITEM], C.DESCRIPTION: text.where(text != "")}).dropna()
    counts = pairs.groupby([C.ITEM, C.DESCRIPTION], sort=True).size()
    # A stable sort by count keeps (item, description) order among ties: the most frequent
    # description wins, and alphabetical order breaks a tie.
    counts = counts.sort_values(ascending=False, kind="stable")
    best = counts.index.to_frame(index=False).drop_duplicates(subset=C.ITEM, keep="first")
    found = pd.Series(best[C.DESCRIPTION].to_numpy(), index=best[C.ITEM].to_numpy())
    return found.reindex(items).astype("str").rename(C.DESCRIPTION)


def make_baskets(
    frame: pd.DataFrame,
    *,
    key: str | None = None,
    country: str | None = None,
    segment: Hashable | None = None,
    segments: pd.DataFrame | None = None,
) -> Baskets:
    """Build the basket x item boolean matrix from cleaned transactions or interactions.

    Parameters
    ----------
    frame : pandas.DataFrame
        Cleaned transactions (one basket per ``C.INVOICE``) or customer x item interactions
        (no invoice column: one basket per ``C.USER``, i.e. a customer's whole history).
        Needs ``C.ITEM``; ``C.DESCRIPTION`` is used for display when present. Rows are taken as
        they are: cancellations and non-product codes must be removed beforehand.
    key : str, optional
        Column that identifies a basket; by default ``C.INVOICE`` if present, else ``C.USER``.
    country : str, optional
        Keep only rows of this ``C.COUNTRY``.
    segment : hashable, optional
        Keep only customers of this segment (guests, who have no customer id, drop out).
    segments : pandas.DataFrame, optional
        Customer -> segment mapping, required with ``segment``: columns ``C.SEGMENT`` and
        ``C.CUSTOMER`` (or ``C.USER``), or the customer id as the index.

    Returns
    -------
    Baskets
        Sparse boolean matrix with sorted basket and item ids and item descriptions.

    Raises
    ------
    DataValidationError
        If ``frame`` has no rows, no ``C.ITEM`` column, missing item or basket ids, or no row in
        the chosen segment.
    UnknownNameError
        If ``country`` or ``segment`` does not occur (the message lists the valid ones).
    ParameterError
        If ``segment`` and ``segments`` are not given together.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"{SOURCE} must be a pandas DataFrame; got {type(frame).__name__}")
    if C.ITEM not in frame.columns:
        raise DataValidationError(
            f"{SOURCE}: baskets need item ids in column `{C.ITEM}`; "
            f"the columns present are {list(frame.columns)}"
        )
    validate.require_rows(frame, source=SOURCE)
    validate.non_null(frame[C.ITEM], source=SOURCE)
    basket_key = _basket_key(frame, key)
    validate.non_null(frame[basket_key], source=SOURCE)
    if (segment is None) != (segments is None):
        raise ParameterError("`segment` and `segments` must be given together; got only one")
    if country is not None:
        frame = _select_country(frame, country)
    if segment is not None and segments is not None:
        frame = _select_segment(frame, segment, segments)

    rows, baskets = pd.factorize(frame[basket_key], sort=True)
    cols, items = pd.factorize(frame[C.ITEM], sort=True)
    cells = np.unique(rows.astype(np.int64) * len(items) + cols)
    matrix = sp.csr_array(
        (np.ones(len(cells), dtype=bool), (cells // len(items), cells % len(items))),
        shape=(len(baskets), len(items)),
    )
    return Baskets(
        matrix=matrix,
        baskets=pd.Index(baskets, name=basket_key),
        items=pd.Index(items, name=C.ITEM),
        descriptions=_descriptions(frame, pd.Index(items, name=C.ITEM)),
    )
