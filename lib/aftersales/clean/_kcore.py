"""k-core filtering: iterate user and item minimums to a fixed point."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.clean._audit import AuditRow, audit_table
from aftersales.errors import DataValidationError


def kcore(
    frame: pd.DataFrame, *, min_user: int, min_item: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep users with at least ``min_user`` rows and items with at least ``min_item`` rows.

    Dropping users can push items below their minimum and vice versa, so each pass drops
    users, then items, and passes repeat until one drops nothing (the fixed point). The
    audit has two rows per pass (users, then items); the last pass shows zero drops.
    Rows are counted, so resolve repeated (user, item) pairs first.

    Parameters
    ----------
    frame : pandas.DataFrame
        Ratings or interactions with ``C.USER`` and ``C.ITEM``; not modified.
    min_user : int
        Minimum rows per user (1 keeps every user).
    min_item : int
        Minimum rows per item (1 keeps every item).

    Returns
    -------
    tuple of (pandas.DataFrame, pandas.DataFrame)
        The k-core (original index and order) and the audit table.

    Raises
    ------
    ParameterError
        If a minimum is not an integer >= 1.
    DataValidationError
        If a column or an id is missing, the frame is empty, or the filter removes every row (the
        message lists the users and items left after each pass).
    """
    min_user = validate.integer(min_user, "min_user")
    min_item = validate.integer(min_item, "min_item")
    validate.require_columns(frame, [C.USER, C.ITEM], source="kcore: `frame`")
    validate.require_rows(frame, source="kcore: `frame`")
    validate.non_null(frame[C.USER], source="kcore: `frame`")
    validate.non_null(frame[C.ITEM], source="kcore: `frame`")
    users, _ = pd.factorize(frame[C.USER])
    items, _ = pd.factorize(frame[C.ITEM])
    keep = np.ones(len(frame), dtype=bool)
    rows: list[AuditRow] = []
    history: list[str] = []
    n_pass = 0
    while True:
        n_pass += 1
        dropped_this_pass = 0
        for side, codes, minimum in (("users", users, min_user), ("items", items, min_item)):
            counts = np.bincount(codes[keep], minlength=codes.max(initial=-1) + 1)
            drop = keep & (counts[codes] < minimum)
            n_in = int(keep.sum())
            keep = keep & ~drop
            n_out = int(keep.sum())
            dropped_this_pass += n_in - n_out
            left_users = np.count_nonzero(np.bincount(users[keep]))
            left_items = np.count_nonzero(np.bincount(items[keep]))
            rows.append(
                AuditRow(
                    step=f"kcore_pass{n_pass}_{side}",
                    rule=f"pass {n_pass}: {side} with fewer than {minimum} rows",
                    rows_in=n_in,
                    rows_out=n_out,
                    dropped=n_in - n_out,
                    reason=f"too little history to learn from; {left_users} users and "
                    f"{left_items} items remain",
                )
            )
        history.append(f"pass {n_pass}: {left_users} users, {left_items} items")
        if n_out == 0:
            raise DataValidationError(
                f"kcore: min_user={min_user}, min_item={min_item} removes every one of the "
                f"{len(frame)} rows; left after each pass: {'; '.join(history)}. "
                f"Lower the minimums."
            )
        if dropped_this_pass == 0:
            break
    return frame[keep], audit_table(rows)
