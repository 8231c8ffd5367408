"""Net cancellations against the purchases they reverse, and keep the returns as a table.

A cancellation (return) line is matched to earlier purchase lines of the same customer and
item, oldest purchase quantity first (FIFO). Matching is vectorised: within each (customer,
item) group the purchases and returns form one event stream in time order, and the quantity
matched by the end of return ``j`` is ``M_j = R_j + min(0, min_{k <= j} (P_k - R_k))``, with
``P`` and ``R`` the cumulative purchased and returned quantities (the closed form of
``M_j = min(M_{j-1} + r_j, P_j)``: a return takes what it asks for, capped by what was bought
before it). The units it consumes are the interval ``[M_{j-1}, M_j)`` of the group's
cumulative purchase quantity, which :func:`numpy.searchsorted` maps onto purchase lines.

Tie rule: a purchase with the same timestamp as a return counts as earlier (Online Retail
records minutes, and a same-minute cancellation reverses that order); purchases with equal
timestamps are consumed, and returns with equal timestamps are served, in row order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.clean._audit import AuditRow, audit_table
from aftersales.errors import ParameterError

RETURNS_MODES = ("net", "ignore")
"""``net``: match and net cancellations; ``ignore``: drop them (the behaviour before netting)."""

MARKERS = ("prefix", "flag", "negative_quantity")
"""How return lines are recognised: invoice-id prefix, a true flag column, a negative quantity."""

MATCHED = "matched"
UNMATCHED = "unmatched"

DERIVED_INVOICE = r"@\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"
"""Invoice ids the loaders derive (``<customer>@<UTC second>Z``): never returns by prefix."""

_SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class ReturnMarker:
    """How return lines are marked in the data.

    Attributes
    ----------
    by : str
        One of :data:`MARKERS`.
    prefix : str
        ``by="prefix"``: invoice ids starting with it (case-insensitive, after stripping)
        are returns; ids the loaders derive from (customer, time) never are.
    column : str
        ``by="flag"``: the column whose true values mark returns.

    Raises
    ------
    ParameterError
        If ``by`` is unknown, or the prefix or column it needs is empty.
    """

    by: str = "negative_quantity"
    prefix: str = ""
    column: str = ""

    def __post_init__(self) -> None:
        if self.by not in MARKERS:
            raise ParameterError(
                f"returns marker: unknown `by` {self.by!r}; choose one of {MARKERS}"
            )
        if self.by == "prefix" and not self.prefix.strip():
            raise ParameterError("returns marker: `by: prefix` needs a non-empty `prefix`")
        if self.by == "flag" and not self.column.strip():
            raise ParameterError("returns marker: `by: flag` needs the flag's `column`")

    @property
    def rule(self) -> str:
        """The marking rule in words, for the audit."""
        if self.by == "prefix":
            return f"`{C.INVOICE}` starts with {self.prefix!r}"
        if self.by == "flag":
            return f"`{self.column}` is true"
        return f"`{C.QUANTITY}` < 0"

    def mask(self, lines: pd.DataFrame) -> np.ndarray:
        """Return which lines are returns.

        Parameters
        ----------
        lines : pandas.DataFrame
            Transaction lines.

        Returns
        -------
        numpy.ndarray
            Boolean, one entry per line.

        Raises
        ------
        DataValidationError
            If the column the marker reads is missing.
        """
        source = "returns marker: `lines`"
        if self.by == "prefix":
            validate.require_columns(lines, [C.INVOICE], source=source)
            ids = lines[C.INVOICE].astype("string").str.strip()
            derived = ids.str.contains(DERIVED_INVOICE, regex=True).fillna(False)
            marked = ids.str.upper().str.startswith(self.prefix.strip().upper()).fillna(False)
            return (marked & ~derived).to_numpy(dtype=bool)
        if self.by == "flag":
            validate.require_columns(lines, [self.column], source=source)
            return lines[self.column].fillna(False).astype(bool).to_numpy()
        validate.require_columns(lines, [C.QUANTITY], source=source)
        return lines[C.QUANTITY].to_numpy(dtype="float64") < 0


ONLINE_RETAIL_MARKER = ReturnMarker("prefix", prefix="C")
"""Online Retail marks cancellations by invoice numbers starting with ``C``."""


@dataclass(frozen=True, eq=False)
class Netted:
    """Purchases net of returns, the returns table and the audit of the netting.

    Attributes
    ----------
    lines : pandas.DataFrame
        The input lines without the return lines; matched purchase lines carry their net
        quantity and fully returned ones are removed (original index and order).
    returns : pandas.DataFrame
        Columns :data:`aftersales.columns.RETURNS_COLUMNS`: one row per (return line,
        purchase line it consumes) with ``match == "matched"``, and one row per unmatched
        remainder (``match == "unmatched"``: bought before the data starts).
    audit : pandas.DataFrame
        Audit rows (``C.AUDIT_COLUMNS``) that chain and reconcile: fully matched, partly
        matched and unmatched return lines removed, then fully returned purchase lines.
    """

    lines: pd.DataFrame
    returns: pd.DataFrame
    audit: pd.DataFrame


def empty_returns() -> pd.DataFrame:
    """Return a returns table with no rows and the canonical dtypes.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`aftersales.columns.RETURNS_COLUMNS`.
    """
    return pd.DataFrame(
        {
            C.RETURN_INVOICE: pd.Series(dtype="string"),
            C.INVOICE: pd.Series(dtype="string"),
            C.CUSTOMER: pd.Series(dtype="string"),
            C.ITEM: pd.Series(dtype="string"),
            C.RETURN_TIMESTAMP: pd.Series(dtype="datetime64[ns, UTC]"),
            C.TIMESTAMP: pd.Series(dtype="datetime64[ns, UTC]"),
            C.QUANTITY: pd.Series(dtype="int64"),
            C.VALUE: pd.Series(dtype="float64"),
            C.DAYS_TO_RETURN: pd.Series(dtype="float64"),
            C.MATCH: pd.Series(dtype="string"),
        }
    )


def _check(returns: str) -> None:
    if returns not in RETURNS_MODES:
        raise ParameterError(
            f"net_returns: `returns` must be one of {RETURNS_MODES}; got {returns!r}"
        )


def _group_codes(lines: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """Integer code per selected row for its (customer, item) pair; -1 when either is missing."""
    customer, _ = pd.factorize(lines[C.CUSTOMER].iloc[rows])
    item, items = pd.factorize(lines[C.ITEM].iloc[rows])
    codes = customer.astype("int64") * max(len(items), 1) + item
    return np.where((customer < 0) | (item < 0), -1, codes)


def _match(
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


def _nanoseconds(stamps: pd.Series) -> np.ndarray:
    """Timestamps as int64 nanoseconds since the epoch (UTC for zone-aware ones)."""
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    return stamps.to_numpy().astype("datetime64[ns]").astype("int64")


def _returns_table(
    lines: pd.DataFrame,
    ret_rows: np.ndarray,
    matched: np.ndarray,
    piece_buy: np.ndarray,
    piece_ret: np.ndarray,
    piece_qty: np.ndarray,
) -> pd.DataFrame:
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


def _audit(
    lines: pd.DataFrame,
    ret_rows: np.ndarray,
    matched: np.ndarray,
    returns: pd.DataFrame,
    fully_returned: int,
    reduced: int,
    marker: ReturnMarker,
) -> pd.DataFrame:
    asked = np.abs(lines[C.QUANTITY].to_numpy(dtype="float64"))[ret_rows]
    got = matched[ret_rows]
    kinds = (
        ("returns_matched", got >= asked, "fully matched to earlier purchases"),
        ("returns_partly_matched", (got > 0) & (got < asked), "partly matched"),
        ("returns_unmatched", got <= 0, "matched to no earlier purchase"),
    )
    rows: list[AuditRow] = []
    n = len(lines)
    value_matched = returns.loc[returns[C.MATCH] == MATCHED]
    value_open = returns.loc[returns[C.MATCH] == UNMATCHED]
    for step, mask, words in kinds:
        units = float(got[mask].sum())
        open_units = float((asked - got)[mask].sum())
        rule = (
            f"{marker.rule}: return lines {words} (same customer and item, oldest first); "
            f"{units:,.0f} units matched, {open_units:,.0f} units unmatched"
        )
        if step == "returns_matched":
            rule += f"; matched value {value_matched[C.VALUE].sum():,.2f}"
        if step == "returns_unmatched":
            rule += f"; unmatched value {value_open[C.VALUE].sum():,.2f} (all return lines)"
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


def net_returns(
    lines: pd.DataFrame, *, returns: str = "net", marker: ReturnMarker = ONLINE_RETAIL_MARKER
) -> Netted:
    """Match return lines to the purchases they reverse and net the purchase quantities.

    Parameters
    ----------
    lines : pandas.DataFrame
        Transaction lines as the loader gives them (purchases and returns; not modified).
    returns : {"net", "ignore"}, default "net"
        ``"net"`` matches and nets; ``"ignore"`` drops the return lines and leaves the
        purchases as they are (the audit then has one ``cancellations`` row and the
        returns table is empty).
    marker : ReturnMarker, default invoice ids starting with ``C``
        How return lines are recognised.

    Returns
    -------
    Netted
        Net purchase lines, the returns table and the audit rows (see :class:`Netted`).
        Return quantities are taken as absolute values; lines that are neither returns nor
        positive purchases (stock adjustments) are passed through unchanged. Lines without
        a customer or item never match.

    Raises
    ------
    ParameterError
        If ``returns`` is not one of :data:`RETURNS_MODES`.
    DataValidationError
        If a needed column is missing.
    """
    _check(returns)
    needed = (C.INVOICE, C.CUSTOMER, C.ITEM, C.QUANTITY, C.UNIT_PRICE, C.TIMESTAMP)
    validate.require_columns(lines, needed, source="net_returns: `lines`")
    is_ret = marker.mask(lines)
    if returns == "ignore":
        kept = lines[~is_ret]
        row = AuditRow(
            "cancellations",
            marker.rule,
            len(lines),
            len(kept),
            int(is_ret.sum()),
            "cancellation lines carry negative quantities that reverse a sale; not purchases",
        )
        return Netted(kept, empty_returns(), audit_table([row]))
    quantity = lines[C.QUANTITY].to_numpy(dtype="float64")
    is_buy = ~is_ret & (quantity > 0)
    rows = np.flatnonzero(is_ret | is_buy)
    group = _group_codes(lines, rows)
    usable = group >= 0
    rows, group = rows[usable], group[usable]
    time = _nanoseconds(lines[C.TIMESTAMP])[rows]
    matched_ev, piece_buy, piece_ret, piece_qty = _match(
        group, time, np.abs(quantity[rows]), is_ret[rows]
    )
    matched = np.zeros(len(lines))
    matched[rows] = matched_ev
    ret_rows = np.flatnonzero(is_ret)
    table = _returns_table(lines, ret_rows, matched, rows[piece_buy], rows[piece_ret], piece_qty)
    if pd.api.types.is_integer_dtype(lines[C.QUANTITY].dtype):  # whole units stay whole
        table[C.QUANTITY] = table[C.QUANTITY].round().astype("int64")
    taken = np.bincount(rows[piece_buy], weights=piece_qty, minlength=len(lines))
    net = np.where(is_buy, quantity - taken, quantity)
    gone = is_buy & (net <= 0)
    reduced = int((is_buy & (taken > 0) & ~gone).sum())
    kept = lines.assign(**{C.QUANTITY: net.astype(lines[C.QUANTITY].dtype)})[~(is_ret | gone)]
    audit = _audit(lines, ret_rows, matched, table, int(gone.sum()), reduced, marker)
    return Netted(kept, table, audit)
