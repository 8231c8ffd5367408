"""Per-customer features as of a day, from the purchases and returns known on that day.

The net transaction lines of the preparation already have every later return taken off
(netting reads the whole history), so the lines before a day are not what was known on that
day: a purchase returned afterwards looks smaller, or is gone. :func:`as_of` puts back what
was returned on or after the day, and counts as returned only what came back before it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.clean import empty_returns
from aftersales.errors import DataValidationError
from aftersales.returns import matched
from aftersales.segment import days as tx

FEATURE_COLUMNS: tuple[str, ...] = (
    C.RECENCY,
    C.FREQUENCY,
    C.PURCHASE_DAYS,
    C.MONETARY,
    C.TENURE,
    C.MEAN_GAP,
    C.MEDIAN_GAP,
    C.GAP_RATIO,
    C.BASKET_UNITS,
    C.BASKET_VALUE,
    C.N_PRODUCTS,
    C.TOP_PRODUCT_SHARE,
    C.RETURN_SHARE,
)
"""Numeric feature columns of :func:`features`, in order (``C.COUNTRY`` follows them)."""

_BOUGHT = (C.CUSTOMER, C.INVOICE, tx.DAY, C.ITEM, C.QUANTITY, C.REVENUE, C.COUNTRY)


def _days(stamps: pd.Series) -> np.ndarray:
    """UTC calendar day numbers of timestamps (naive values are UTC)."""
    if not isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_localize("UTC")
    naive = stamps.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    return naive.astype("datetime64[D]").astype(np.int64)


def _line_frame(lines: pd.DataFrame) -> pd.DataFrame:
    prepared = tx.prepare(lines)
    n = len(lines)
    return prepared.assign(
        **{
            C.ITEM: lines[C.ITEM].astype("str").to_numpy() if C.ITEM in lines else "",
            C.QUANTITY: lines[C.QUANTITY].to_numpy(np.float64) if C.QUANTITY in lines else 1.0,
            C.COUNTRY: (
                lines[C.COUNTRY].astype("str").to_numpy() if C.COUNTRY in lines else [""] * n
            ),
        }
    )[list(_BOUGHT)]


def as_of(
    lines: pd.DataFrame, returns: pd.DataFrame | None, day: int
) -> tuple[pd.DataFrame, pd.Series]:
    """Return the purchase lines and returned value per customer known before ``day``.

    Parameters
    ----------
    lines : pandas.DataFrame
        Net transaction lines of the preparation.
    returns : pandas.DataFrame or None
        Its returns table (``Prepared.returns``); None or empty when returns were ignored.
    day : int
        UTC day number: only what happened on earlier days is known.

    Returns
    -------
    tuple
        The bought lines (``C.CUSTOMER``, ``C.INVOICE``, day, ``C.ITEM``, ``C.QUANTITY``,
        ``C.REVENUE``, ``C.COUNTRY``): the net lines before ``day`` plus the matched returns
        of purchases before ``day`` that came back on or after it; and a Series, customer ->
        value of the matched returns of purchases before ``day`` that came back before it.

    Raises
    ------
    DataValidationError
        If a column is missing, a row has no customer or the returns table fails its checks.
    """
    bought = _line_frame(lines)
    bought = bought[bought[tx.DAY].to_numpy() < day]
    back = matched(empty_returns() if returns is None else returns)
    bought_day = _days(back[C.TIMESTAMP])
    return_day = _days(back[C.RETURN_TIMESTAMP])
    before = bought_day < day
    later = back[before & (return_day >= day)]
    restored = pd.DataFrame(
        {
            C.CUSTOMER: later[C.CUSTOMER].astype("str").to_numpy(),
            C.INVOICE: later[C.INVOICE].astype("str").to_numpy(),
            tx.DAY: bought_day[before & (return_day >= day)],
            C.ITEM: later[C.ITEM].astype("str").to_numpy(),
            C.QUANTITY: later[C.QUANTITY].to_numpy(np.float64),
            C.REVENUE: later[C.VALUE].to_numpy(np.float64),
            C.COUNTRY: "",
        }
    )
    if len(restored):
        bought = pd.concat([bought, restored], ignore_index=True)
    early = back[before & (return_day < day)]
    returned = (
        early.assign(**{C.CUSTOMER: early[C.CUSTOMER].astype("str")})
        .groupby(C.CUSTOMER)[C.VALUE]
        .sum()
        .astype(np.float64)
    )
    return bought.reset_index(drop=True), returned


def _gaps(bought: pd.DataFrame) -> pd.DataFrame:
    days = bought[[C.CUSTOMER, tx.DAY]].drop_duplicates().sort_values([C.CUSTOMER, tx.DAY])
    gap = days.groupby(C.CUSTOMER)[tx.DAY].diff()
    gaps = days.assign(gap=gap).dropna(subset=["gap"]).groupby(C.CUSTOMER)["gap"]
    return pd.DataFrame({C.MEAN_GAP: gaps.mean(), C.MEDIAN_GAP: gaps.median()})


def _main_country(bought: pd.DataFrame) -> pd.Series:
    known = bought[bought[C.COUNTRY] != ""]
    spend = known.groupby([C.CUSTOMER, C.COUNTRY], as_index=False)[C.QUANTITY].sum()
    spend = spend.sort_values([C.CUSTOMER, C.QUANTITY, C.COUNTRY], ascending=[True, False, True])
    return spend.drop_duplicates(C.CUSTOMER).set_index(C.CUSTOMER)[C.COUNTRY]


def features_as_of(lines: pd.DataFrame, returns: pd.DataFrame | None, day: int) -> pd.DataFrame:
    """Build :func:`features` on the data known before day number ``day`` (internal helper)."""
    bought, returned = as_of(lines, returns, day)
    grouped = bought.groupby(C.CUSTOMER, sort=True)
    table = grouped.agg(
        first=(tx.DAY, "min"),
        last=(tx.DAY, "max"),
        frequency=(C.INVOICE, "nunique"),
        purchase_days=(tx.DAY, "nunique"),
        monetary=(C.REVENUE, "sum"),
        units=(C.QUANTITY, "sum"),
        n_products=(C.ITEM, "nunique"),
        n_lines=(C.ITEM, "size"),
    )
    top = bought.groupby([C.CUSTOMER, C.ITEM]).size().groupby(level=0).max()
    gaps = _gaps(bought).reindex(table.index)
    recency = day - table["last"]
    returned_value = returned.reindex(table.index, fill_value=0.0)
    money = bool(np.isfinite(bought[C.REVENUE].to_numpy()).any())
    gross = table["monetary"] + returned_value
    with np.errstate(divide="ignore", invalid="ignore"):
        share = (returned_value / gross).where(gross > 0, 0.0) if money else np.nan
    result = pd.DataFrame(
        {
            C.RECENCY: recency.astype(np.int64),
            C.FREQUENCY: table["frequency"].astype(np.int64),
            C.PURCHASE_DAYS: table["purchase_days"].astype(np.int64),
            C.MONETARY: table["monetary"] if money else np.nan,
            C.TENURE: (day - table["first"]).astype(np.int64),
            C.MEAN_GAP: gaps[C.MEAN_GAP],
            C.MEDIAN_GAP: gaps[C.MEDIAN_GAP],
            C.GAP_RATIO: recency / gaps[C.MEDIAN_GAP],
            C.BASKET_UNITS: table["units"] / table["frequency"],
            C.BASKET_VALUE: table["monetary"] / table["frequency"] if money else np.nan,
            C.N_PRODUCTS: table["n_products"].astype(np.int64),
            C.TOP_PRODUCT_SHARE: top.reindex(table.index) / table["n_lines"],
            C.RETURN_SHARE: share,
        },
        index=table.index,
    )
    country = _main_country(bought).reindex(table.index).fillna("")
    result = result.assign(**{C.COUNTRY: country.astype("str")})
    result.index.name = C.CUSTOMER
    return result.reset_index().astype({C.CUSTOMER: "str"})


def features(
    lines: pd.DataFrame, returns: pd.DataFrame | None, calibration_end: pd.Timestamp | str
) -> pd.DataFrame:
    """Return each customer's features from the purchases and returns known on a day.

    Parameters
    ----------
    lines : pandas.DataFrame
        Net transaction lines of the preparation (``Prepared.cleaned``).
    returns : pandas.DataFrame or None
        Its returns table (``Prepared.returns``); None or empty when returns were ignored.
    calibration_end : date-like
        The last day known: only purchases and returns up to that day are read.

    Returns
    -------
    pandas.DataFrame
        One row per customer who bought up to ``calibration_end``, sorted by id:
        ``C.CUSTOMER`` then :data:`FEATURE_COLUMNS` and ``C.COUNTRY``. ``C.RECENCY`` and
        ``C.TENURE`` are days from the last and first purchase day to the day after
        ``calibration_end`` (as RFM's reference date: a purchase on that day has recency 1);
        ``C.FREQUENCY`` invoices; ``C.PURCHASE_DAYS`` distinct days; ``C.MONETARY`` net value
        bought (purchases returned later count, as they were not yet returned);
        ``C.MEAN_GAP`` and ``C.MEDIAN_GAP`` days between consecutive purchase days (missing
        with one purchase day); ``C.GAP_RATIO`` recency over the median gap;
        ``C.BASKET_UNITS`` and ``C.BASKET_VALUE`` units and value per invoice;
        ``C.N_PRODUCTS`` distinct items; ``C.TOP_PRODUCT_SHARE`` the share of the lines on
        the customer's most bought item; ``C.RETURN_SHARE`` value returned up to
        ``calibration_end`` over value bought; ``C.COUNTRY`` the country of most units
        (empty when unknown). Money columns are missing for data without money.

    Raises
    ------
    ParameterError
        If ``calibration_end`` is not a date.
    DataValidationError
        If a column is missing, a row has no customer, the returns table fails its checks,
        or nobody bought up to ``calibration_end``.
    """
    day = tx.to_day(calibration_end, name="calibration_end") + 1
    table = features_as_of(lines, returns, day)
    if table.empty:
        raise DataValidationError(
            f"no customer bought up to `calibration_end` {tx.day_label(day - 1)}; move it later"
        )
    return table
