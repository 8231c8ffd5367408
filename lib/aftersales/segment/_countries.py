"""Each customer's main country, and segment counts per country."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import ParameterError
from aftersales.segment._grid import SEGMENTS
from aftersales.segment.days import has_money, revenue

OTHER_COUNTRIES = "Other countries"
"""Row of :func:`segment_by_country` that pools the countries outside the top ones."""

UNKNOWN_COUNTRY = "Unknown"
"""Country of customers whose lines carry no country."""


def customer_countries(transactions: pd.DataFrame) -> pd.DataFrame:
    """Return each customer's main country: the one with the most revenue.

    A few customers buy from more than one country; ties go to the country name that
    sorts first. Lines without a country are ignored. Revenue is the ``revenue`` column,
    else quantity x unit price (:func:`aftersales.segment.revenue`); for data without money
    the main country is the one with the most invoices.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Cleaned canonical transactions.

    Returns
    -------
    pandas.DataFrame
        ``C.CUSTOMER`` and ``C.COUNTRY``, one row per customer with a country, sorted by id.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    validate.require_columns(transactions, (C.CUSTOMER, C.COUNTRY), source="transactions")
    known = (transactions[C.CUSTOMER].notna() & transactions[C.COUNTRY].notna()).to_numpy()
    rows = transactions[known]
    if has_money(rows):
        weight = revenue(rows)
    else:
        validate.require_columns(rows, (C.INVOICE,), source="transactions")
        weight = (~rows[C.INVOICE].duplicated()).to_numpy(dtype=np.float64)
    lines = pd.DataFrame(
        {
            C.CUSTOMER: rows[C.CUSTOMER].astype("str").to_numpy(),
            C.COUNTRY: rows[C.COUNTRY].astype("str").to_numpy(),
            C.REVENUE: weight,
        }
    )
    totals = lines.groupby([C.CUSTOMER, C.COUNTRY], sort=True, as_index=False)[C.REVENUE].sum()
    ranked = totals.sort_values(
        [C.CUSTOMER, C.REVENUE, C.COUNTRY], ascending=[True, False, True], kind="stable"
    )
    main = ranked.drop_duplicates(C.CUSTOMER, keep="first")
    return main[[C.CUSTOMER, C.COUNTRY]].reset_index(drop=True)


def segment_by_country(
    segmented: pd.DataFrame, countries: pd.DataFrame, *, top: int = 8
) -> pd.DataFrame:
    """Count customers per country and segment, the smaller countries pooled.

    Parameters
    ----------
    segmented : pandas.DataFrame
        ``C.CUSTOMER`` and ``C.SEGMENT`` (e.g. from :func:`aftersales.segment.segment_customers`).
    countries : pandas.DataFrame
        Output of :func:`customer_countries`; customers missing from it count as
        :data:`UNKNOWN_COUNTRY`.
    top : int, default 8
        Countries with the most customers kept as rows (ties by name); the rest form
        :data:`OTHER_COUNTRIES`.

    Returns
    -------
    pandas.DataFrame
        Index ``C.COUNTRY`` (largest first, the pooled row last), columns ``C.N_CUSTOMERS``
        then every segment in :data:`aftersales.segment.SEGMENTS` order, cells customer
        counts; the counts sum to the number of customers.

    Raises
    ------
    ParameterError
        If ``top`` < 1.
    DataValidationError
        If a column is missing.
    """
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ParameterError(f"`top` must be an integer >= 1; got {top!r}")
    validate.require_columns(segmented, (C.CUSTOMER, C.SEGMENT), source="segmented frame")
    validate.require_columns(countries, (C.CUSTOMER, C.COUNTRY), source="countries")
    lookup = pd.Series(
        countries[C.COUNTRY].astype("str").to_numpy(),
        index=countries[C.CUSTOMER].astype("str").to_numpy(),
    )
    country = lookup.reindex(segmented[C.CUSTOMER].astype("str").to_numpy())
    country = country.fillna(UNKNOWN_COUNTRY).to_numpy(dtype=object)
    sizes = pd.Series(country).value_counts()
    order = sorted(sizes.index, key=lambda name: (-sizes[name], name))
    kept = order[:top]
    pooled = np.where(np.isin(country, kept), country, OTHER_COUNTRIES)
    rows = kept + ([OTHER_COUNTRIES] if len(order) > top else [])
    counts = pd.crosstab(
        pd.Series(pooled, name=C.COUNTRY),
        pd.Series(segmented[C.SEGMENT].to_numpy(), name=C.SEGMENT),
    )
    counts = counts.reindex(index=rows, columns=list(SEGMENTS), fill_value=0)
    counts.insert(0, C.N_CUSTOMERS, counts.sum(axis=1))
    counts.columns.name = None
    return counts.astype(np.int64)
