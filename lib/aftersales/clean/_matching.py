"""Vectorised FIFO matching of returns to purchases, the returns table and its audit rows.

Within each (customer, item) group the purchases and returns form one event stream in time
order (purchases before returns at equal times, then row order). With ``P`` and ``R`` the
cumulative purchased and returned quantities, the quantity matched by the end of event ``j`` is
``M_j = R_j + min(0, min_{k <= j} (P_k - R_k))``: the closed form of ``M_j = min(M_{j-1} + r_j,
P_j)`` (a return takes what it asks for, capped by what was bought before it). FIFO consumption
keeps the consumed units a prefix of the group's purchases in time order, so return ``j`` takes
the interval ``[M_{j-1}, M_j)`` of the group's cumulative purchase quantity, which
:func:`numpy.searchsorted` maps onto purchase lines. One ``cummin`` per group, cumulative sums
and a sorted search: no Python loop over returns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.clean._audit import AuditRow, audit_table

MATCHED = "matched"
"""``C.MATCH`` of a return row that reverses part of a purchase line."""

UNMATCHED = "unmatched"
"""``C.MATCH`` of a return's remainder that no earlier purchase covers."""

_SECONDS_PER_DAY = 86_400.0


def group_codes(lines: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """Integer code per selected row for its (customer, item) pair; -1 when either is missing."""
    customer, _ = pd.factorize(lines[C.CUSTOMER].iloc[rows])
    item, items = pd.factorize(lines[C.ITEM].iloc[rows])
    codes = customer.astype("int64") * max(len(items), 1) + item
    return np.where((customer < 0) | (item < 0), -1, codes)


def match(
    group: np.ndarray, time: np.ndarray, quantity: np.ndarray, is_return: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """FIFO-match returns to purchases; every argument has one entry per event.

    Returns four arrays: the quantity matched per event (0 for purchases), and per piece
    (a return consuming part of one purchase) the purchase's event index, the return's
    event index and the quantity.
    """
    order = np.lexsort((np.arange(len(group)), is_return, time, group))
    g, q, ret = group[order], quantity[order], is_return[order]
    bought = np.where(ret, 0.0, q)
    returned = np.where(ret, q, 0.0)
    starts = np.r_[True, g[1:] != g[:-1]]
    start_index = np.maximum.accumulate(np.where(starts, np.arange(len(g)), 0))
    total_bought = np.cumsum(bought)
    base = total_bought[start_index] - bought[start_index]  # bought in earlier groups
    p = total_bought - base
    total_returned = np.cumsum(returned)
    r = total_returned - (total_returned[start_index] - returned[start_index])
    lowest = pd.Series(p - r).groupby(g).cummin().to_numpy()
    m = r + np.minimum(lowest, 0.0)
    m_before = np.where(starts, 0.0, np.r_[0.0, m[:-1]])
    matched_sorted = np.where(ret, m - m_before, 0.0)
    # purchase pieces: the interval [base + m_before, base + m) of the global purchase axis
    purchase_pos = np.flatnonzero(~ret)
    ends = total_bought[purchase_pos]
    takes = np.flatnonzero(ret & (matched_sorted > 0))
    low = base[takes] + m_before[takes]
    high = base[takes] + m[takes]
    first = np.searchsorted(ends, low, side="right")
    last = np.searchsorted(ends, high, side="left")
    count = last - first + 1
    owner = np.repeat(np.arange(len(takes)), count)
    offset = np.arange(owner.size) - np.repeat(np.cumsum(count) - count, count)
    piece = first[owner] + offset
    piece_end = ends[piece]
    piece_start = piece_end - bought[purchase_pos[piece]]
    piece_qty = np.minimum(high[owner], piece_end) - np.maximum(low[owner], piece_start)
    matched = np.empty(len(group))
    matched[order] = matched_sorted
    return matched, order[purchase_pos[piece]], order[takes[owner]], piece_qty


def _days(later: pd.Series, earlier: pd.Series) -> np.ndarray:
    return (later - earlier).dt.total_seconds().to_numpy(dtype="float64") / _SECONDS_PER_DAY


def nanoseconds(stamps: pd.Series) -> np.ndarray:
    """Timestamps as int64 nanoseconds since the epoch (UTC for zone-aware ones)."""
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    return stamps.to_numpy().astype("datetime64[ns]").astype("int64")


def returns_table(
    lines: pd.DataFrame,
    ret_rows: np.ndarray,
    matched: np.ndarray,
    piece_buy: np.ndarray,
    piece_ret: np.ndarray,
    piece_qty: np.ndarray,
) -> pd.DataFrame:
    """Build the returns table (``C.RETURNS_COLUMNS``) from the matched pieces.

    One row per piece, valued at the purchase line's unit price, and one ``unmatched`` row per
    return line with a remainder, valued at the return line's own price; rows in return-line
    order, each return's pieces oldest purchase first, its remainder last. Positions index
    ``lines``.
    """
    price = lines[C.UNIT_PRICE].to_numpy(dtype="float64")
    asked = np.abs(lines[C.QUANTITY].to_numpy(dtype="float64"))
    left = asked[ret_rows] - matched[ret_rows]
    open_rows = ret_rows[left > 0]
    take = np.r_[piece_ret, open_rows]
    bought_at = np.r_[piece_buy, np.full(open_rows.size, -1)]
    known = bought_at >= 0
    needed = lines[[C.INVOICE, C.CUSTOMER, C.ITEM, C.TIMESTAMP]]
    src = needed.iloc[take].reset_index(drop=True)
    orig = needed.iloc[np.where(known, bought_at, take)].reset_index(drop=True)
    qty = np.r_[piece_qty, left[left > 0]]
    unit = np.where(known, price[np.where(known, bought_at, take)], np.abs(price[take]))
    when = orig[C.TIMESTAMP].where(pd.Series(known))
    table = pd.DataFrame(
        {
            C.RETURN_INVOICE: src[C.INVOICE].astype("string"),
            C.INVOICE: orig[C.INVOICE].astype("string").where(known, pd.NA),
            C.CUSTOMER: src[C.CUSTOMER].astype("string"),
            C.ITEM: src[C.ITEM].astype("string"),
            C.RETURN_TIMESTAMP: src[C.TIMESTAMP],
            C.TIMESTAMP: when,
            C.QUANTITY: qty,
            C.VALUE: qty * unit,
            C.DAYS_TO_RETURN: _days(src[C.TIMESTAMP], when),
            C.MATCH: np.where(known, MATCHED, UNMATCHED),
        }
    )
    table = table.astype({C.MATCH: "string"})
    # return line order, then the purchases it consumed oldest first, then its remainder
    position = np.r_[np.arange(piece_ret.size), np.full(open_rows.size, piece_ret.size)]
    table = table.iloc[np.lexsort((position, take))].reset_index(drop=True)
    return table


def audit_rows(
    lines: pd.DataFrame,
    ret_rows: np.ndarray,
    matched: np.ndarray,
    matched_value: np.ndarray,
    fully_returned: int,
    reduced: int,
    marking: str,
) -> pd.DataFrame:
    """Audit rows that chain: fully, partly and un-matched return lines, then spent purchases.

    Each return row's rule states the units and value matched (at the purchases' prices) and
    unmatched (at the return lines' prices); ``matched_value`` has one entry per line of
    ``lines``; ``marking`` is how return lines were recognised, in words.
    """
    asked = np.abs(lines[C.QUANTITY].to_numpy(dtype="float64"))[ret_rows]
    price = np.abs(lines[C.UNIT_PRICE].to_numpy(dtype="float64"))[ret_rows]
    got = matched[ret_rows]
    worth = matched_value[ret_rows]
    kinds = (
        ("returns_matched", got >= asked, "fully matched to earlier purchases"),
        ("returns_partly_matched", (got > 0) & (got < asked), "partly matched"),
        ("returns_unmatched", got <= 0, "matched to no earlier purchase"),
    )
    rows: list[AuditRow] = []
    n = len(lines)
    for step, mask, words in kinds:
        short = (asked - got)[mask]
        rule = (
            f"{marking}: return lines {words} (same customer and item, oldest first); "
            f"{got[mask].sum():,.0f} units matched (value {worth[mask].sum():,.2f}), "
            f"{short.sum():,.0f} units unmatched (value {(short * price[mask]).sum():,.2f})"
        )
        dropped = int(mask.sum())
        rows.append(
            AuditRow(
                step,
                rule,
                n,
                n - dropped,
                dropped,
                "a return reverses a sale: netted against the purchase, kept in the returns table"
                if step != "returns_unmatched"
                else "bought before the data starts: nothing to net; kept in the returns table",
            )
        )
        n -= dropped
    rows.append(
        AuditRow(
            "returned_purchases",
            f"purchase lines whose whole quantity came back; {reduced:,} more lines keep a "
            "reduced net quantity",
            n,
            n - fully_returned,
            fully_returned,
            "a purchase returned in full was never a sale",
        )
    )
    return audit_table(rows)
