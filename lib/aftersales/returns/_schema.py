"""The returns table of :func:`aftersales.clean.net_returns`: its columns and its checks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import DataValidationError

MATCHED = "matched"
UNMATCHED = "unmatched"

REQUIRED: tuple[str, ...] = (
    C.RETURN_INVOICE,
    C.INVOICE,
    C.CUSTOMER,
    C.ITEM,
    C.QUANTITY,
    C.VALUE,
    C.DAYS_TO_RETURN,
    C.MATCH,
)
"""Columns of a returns table (:data:`aftersales.columns.RETURNS_COLUMNS`) the analysis reads."""


def check_returns(returns: pd.DataFrame) -> pd.DataFrame:
    """Check a returns table and return it.

    Parameters
    ----------
    returns : pandas.DataFrame
        One row per (cancellation line, purchase line consumed) plus unmatched
        remainders: :data:`REQUIRED`.

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
    validate.require_columns(returns, REQUIRED, source="returns table")
    kinds = returns[C.MATCH].astype("str").to_numpy()
    bad = ~np.isin(kinds, (MATCHED, UNMATCHED))
    if bad.any():
        raise DataValidationError(
            f"returns table: column `{C.MATCH}` must be {MATCHED!r} or {UNMATCHED!r}; "
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
    for column in (C.INVOICE, C.DAYS_TO_RETURN):
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
    return returns[(returns[C.MATCH].astype("str") == MATCHED).to_numpy()]
