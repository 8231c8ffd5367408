"""A check that features built for a calibration period read nothing from after its end."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.clean import empty_returns
from aftersales.errors import LeakageError
from aftersales.segment import days as tx
from aftersales.segment.days import DateLike

FeatureBuilder = Callable[[pd.DataFrame, pd.DataFrame, DateLike], pd.DataFrame]
"""``(lines, returns, calibration_end) -> features``, as :func:`aftersales.retention.features`."""


class LeakCheck(NamedTuple):
    """What :func:`check_no_leak` compared.

    Attributes
    ----------
    customers : int
        Customers whose features were compared.
    columns : int
        Feature columns compared.
    lines_removed : int
        Transaction lines after ``calibration_end`` dropped from the second build.
    returns_put_back : int
        Returns after ``calibration_end`` (of earlier purchases) put back into the lines.
    """

    customers: int
    columns: int
    lines_removed: int
    returns_put_back: int


def _day_numbers(stamps: pd.Series) -> np.ndarray:
    if not isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_localize("UTC")
    return stamps.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("datetime64[D]")


def _restored_lines(lines: pd.DataFrame, later: pd.DataFrame) -> pd.DataFrame:
    """Canonical lines for returned purchases, as they stood before they came back."""
    units = later[C.QUANTITY].to_numpy(np.float64)
    columns: dict[str, object] = {
        C.INVOICE: later[C.INVOICE].astype("str").to_numpy(),
        C.ITEM: later[C.ITEM].astype("str").to_numpy(),
        C.QUANTITY: later[C.QUANTITY].to_numpy(),
        C.TIMESTAMP: later[C.TIMESTAMP].to_numpy(),  # the returns table's UTC times
        C.CUSTOMER: later[C.CUSTOMER].astype("str").to_numpy(),
    }
    if C.UNIT_PRICE in lines:
        columns[C.UNIT_PRICE] = later[C.VALUE].to_numpy(np.float64) / np.maximum(units, 1e-12)
    if C.REVENUE in lines:
        columns[C.REVENUE] = later[C.VALUE].to_numpy(np.float64)
    if C.COUNTRY in lines:
        country = lines.drop_duplicates(C.CUSTOMER).set_index(C.CUSTOMER)[C.COUNTRY]
        columns[C.COUNTRY] = later[C.CUSTOMER].map(country).to_numpy()
    frame = pd.DataFrame(columns, index=later.index)
    stamps = later[C.TIMESTAMP]
    if not isinstance(lines[C.TIMESTAMP].dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    frame[C.TIMESTAMP] = stamps.astype(lines[C.TIMESTAMP].dtype)
    return frame.reindex(columns=lines.columns)


def future_changed(
    lines: pd.DataFrame, returns: pd.DataFrame | None, calibration_end: DateLike
) -> tuple[pd.DataFrame, pd.DataFrame, int, int]:
    """Return the data as it stood on ``calibration_end``: no later line, no later return.

    Lines after the day are dropped, and so are returns of purchases after it. A return
    made after the day of an earlier purchase is taken out of the returns table and its
    units and value are put back into the lines (netting had taken them off). Features of
    the calibration period must come out the same on this data as on the full data.

    Parameters
    ----------
    lines : pandas.DataFrame
        Net transaction lines.
    returns : pandas.DataFrame or None
        Their returns table.
    calibration_end : date-like
        Last day known.

    Returns
    -------
    tuple
        The changed lines, the changed returns table, the number of lines dropped and the
        number of later returns put back into the lines.

    Raises
    ------
    ParameterError
        If ``calibration_end`` is not a date.
    """
    end = np.datetime64(tx.to_day(calibration_end, name="calibration_end") + 1, "D")
    keep = _day_numbers(lines[C.TIMESTAMP]) < end
    table = empty_returns() if returns is None else returns
    bought_before = _day_numbers(table[C.TIMESTAMP]) < end
    later = _day_numbers(table[C.RETURN_TIMESTAMP]) >= end
    is_matched = (table[C.MATCH].astype("str") == "matched").to_numpy()
    put_back = table[bought_before & later & is_matched]
    past = lines[keep]
    if len(put_back):
        restored = _restored_lines(lines, put_back).astype(past.dtypes.to_dict())
        past = pd.concat([past, restored], ignore_index=True)
    return past, table[bought_before & ~later], int((~keep).sum()), len(put_back)


def check_no_leak(
    build: FeatureBuilder,
    lines: pd.DataFrame,
    returns: pd.DataFrame | None,
    calibration_end: DateLike,
    *,
    atol: float = 1e-9,
) -> LeakCheck:
    """Check that features read no date after ``calibration_end``.

    Builds the features twice: on the data as given, and on the data as it stood on
    ``calibration_end`` (see :func:`future_changed`: later lines dropped, later returns
    undone). A
    builder that reads only the calibration period gives the same frame both times; any
    difference is a leak.

    Parameters
    ----------
    build : callable
        ``(lines, returns, calibration_end) -> features`` (one row per customer, with
        ``C.CUSTOMER``), e.g. :func:`aftersales.retention.features`.
    lines : pandas.DataFrame
        Net transaction lines.
    returns : pandas.DataFrame or None
        Their returns table.
    calibration_end : date-like
        First day of the holdout.
    atol : float, default 1e-9
        Absolute tolerance for numeric columns (sums may add in another order).

    Returns
    -------
    LeakCheck
        What was compared.

    Raises
    ------
    LeakageError
        If the customers or any column differ; the message names the columns and the
        number of customers that changed.
    ParameterError
        If ``calibration_end`` is not a date.
    """
    full = build(lines, returns, calibration_end)
    past_lines, past_returns, removed, moved = future_changed(lines, returns, calibration_end)
    past = build(past_lines, past_returns, calibration_end)
    where = f"features for `calibration_end` {calibration_end}"
    a = full.set_index(C.CUSTOMER).sort_index()
    b = past.set_index(C.CUSTOMER).sort_index()
    if not a.index.equals(b.index):
        extra = a.index.symmetric_difference(b.index)
        raise LeakageError(
            f"{where}: {len(extra)} customers appear only with the data after the cut "
            f"(first: {extra[0]!r}); the builder reads dates after `calibration_end`"
        )
    changed: list[str] = []
    counts: list[int] = []
    for column in a.columns:  # a dozen feature columns
        x, y = a[column], b[column]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            xv, yv = x.to_numpy(np.float64), y.to_numpy(np.float64)
            same = np.isclose(xv, yv, rtol=0.0, atol=atol) | (np.isnan(xv) & np.isnan(yv))
        else:
            same = (x.astype("str") == y.astype("str")).to_numpy()
        if not same.all():
            changed.append(column)
            counts.append(int((~same).sum()))
    if changed:
        shown = ", ".join(f"`{c}` ({n} customers)" for c, n in zip(changed, counts, strict=True))
        raise LeakageError(
            f"{where}: {shown} changed when the data after `calibration_end` changed "
            f"({removed} later lines dropped, {moved} later returns undone); these features "
            f"read dates after the cut"
        )
    return LeakCheck(len(a), len(a.columns), removed, moved)
