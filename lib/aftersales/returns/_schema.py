"""The returns table of :func:`aftersales.clean.net_returns`: its columns and its checks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import DataValidationError

RETURN_INVOICE = "return_invoice_id"
"""The cancellation invoice of a returns row."""

DAYS_TO_RETURN = "days_to_return"
"""Days from the purchase to its cancellation (NaN when unmatched)."""

MATCH = "match"
"""Whether a returns row reverses a purchase in the data (``matched``) or not."""

MATCHED = "matched"
UNMATCHED = "unmatched"

RETURNS_COLUMNS: tuple[str, ...] = (
    RETURN_INVOICE,
    C.INVOICE,
    C.CUSTOMER,
    C.ITEM,
    C.QUANTITY,
    C.VALUE,
    DAYS_TO_RETURN,
    MATCH,
)
"""Columns the analysis reads from a returns table (timestamps may follow)."""


def check_returns(returns: pd.DataFrame) -> pd.DataFrame:
    """Check a returns table and return it.

    Parameters
    ----------
    returns : pandas.DataFrame
        One row per (cancellation line, purchase line consumed) plus unmatched
        remainders: :data:`RETURNS_COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        ``returns`` itself.

    Raises
    ------
    DataValidationError
        If a column is missing, ``match`` holds another value than ``matched`` or
        ``unmatched``, a quantity or value is not positive, or a matched row has no
        purchase invoice or no days to return.
    """
    validate.require_columns(returns, RETURNS_COLUMNS, source="returns table")
    kinds = returns[MATCH].astype("str").to_numpy()
    bad = ~np.isin(kinds, (MATCHED, UNMATCHED))
    if bad.any():
        raise DataValidationError(
            f"returns table: column `{MATCH}` must be {MATCHED!r} or {UNMATCHED!r}; "
            f"{int(bad.sum())} rows fail (first: {kinds[bad][0]!r})"
        )
    for column in (C.QUANTITY, C.VALUE):
        values = returns[column].to_numpy(dtype=np.float64)
        fails = ~(values > 0)
        if fails.any():
            raise DataValidationError(
                f"returns table: column `{column}` must be > 0; {int(fails.sum())} rows fail "
                f"(first: {values[fails][0]!r})"
            )
    matched = kinds == MATCHED
    for column in (C.INVOICE, DAYS_TO_RETURN):
        missing = matched & returns[column].isna().to_numpy()
        if missing.any():
            raise DataValidationError(
                f"returns table: matched rows need `{column}`; {int(missing.sum())} have none"
            )
    return returns


def matched(returns: pd.DataFrame) -> pd.DataFrame:
    """Return the matched rows of a checked returns table.

    Parameters
    ----------
    returns : pandas.DataFrame
        A returns table (see :func:`check_returns`).

    Returns
    -------
    pandas.DataFrame
        Its rows whose ``match`` is ``matched``.

    Raises
    ------
    DataValidationError
        As :func:`check_returns`.
    """
    check_returns(returns)
    return returns[(returns[MATCH].astype("str") == MATCHED).to_numpy()]
