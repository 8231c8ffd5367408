"""Net cancellations against the purchases they reverse, and keep the returns as a table.

A cancellation (return) line is matched to earlier purchase lines of the same customer and
item, oldest purchase quantity first (FIFO); :mod:`aftersales.clean._matching` does it without a
loop over returns. What a return asks beyond what was bought before it is "unmatched" (bought
before the data starts).

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
from aftersales.choices import RETURNS_MODES
from aftersales.clean._audit import AuditRow, audit_table
from aftersales.clean._matching import (
    audit_rows,
    group_codes,
    match,
    nanoseconds,
    returns_table,
)
from aftersales.errors import ParameterError

MARKERS = ("prefix", "flag", "negative_quantity")
"""How return lines are recognised: invoice-id prefix, a true flag column, a negative quantity."""

DERIVED_INVOICE = r"@\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"
"""Invoice ids the loaders derive (``<customer>@<UTC second>Z``): never returns by prefix."""


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
    group = group_codes(lines, rows)
    usable = group >= 0
    rows, group = rows[usable], group[usable]
    time = nanoseconds(lines[C.TIMESTAMP])[rows]
    matched_ev, piece_buy, piece_ret, piece_qty = match(
        group, time, np.abs(quantity[rows]), is_ret[rows]
    )
    matched = np.zeros(len(lines))
    matched[rows] = matched_ev
    ret_rows = np.flatnonzero(is_ret)
    table = returns_table(lines, ret_rows, matched, rows[piece_buy], rows[piece_ret], piece_qty)
    if pd.api.types.is_integer_dtype(lines[C.QUANTITY].dtype):  # whole units stay whole
        table[C.QUANTITY] = table[C.QUANTITY].round().astype("int64")
    taken = np.bincount(rows[piece_buy], weights=piece_qty, minlength=len(lines))
    net = np.where(is_buy, quantity - taken, quantity)
    gone = is_buy & (net <= 0)
    reduced = int((is_buy & (taken > 0) & ~gone).sum())
    kept = lines.assign(**{C.QUANTITY: net.astype(lines[C.QUANTITY].dtype)})[~(is_ret | gone)]
    price = lines[C.UNIT_PRICE].to_numpy(dtype="float64")
    worth = np.bincount(
        rows[piece_ret], weights=piece_qty * price[rows[piece_buy]], minlength=len(lines)
    )
    audit = audit_rows(lines, ret_rows, matched, worth, int(gone.sum()), reduced, marker.rule)
    return Netted(kept, table, audit)
