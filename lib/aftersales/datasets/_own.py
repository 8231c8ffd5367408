"""Analysts' own files: CSV, Parquet or Excel read through a column mapping and validated.

Nothing is dropped at load: a file that breaks the schema is refused with an error naming the
file, the column, the number of failing rows and the first examples. Dates are never guessed
(:mod:`aftersales.dates`); what was assumed (naive times taken as UTC, a derived invoice id,
missing-value markers) is returned in the audit.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Literal, NamedTuple, overload

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import dates, validate
from aftersales.datasets._read import MISSING_MARKERS, blank_markers, check_markers, read
from aftersales.errors import DataValidationError

OwnResult = pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]


class _Options(NamedTuple):
    """How to read the file and its dates (see the loaders' docstrings)."""

    timestamp_unit: str | None
    date_format: str | None
    dayfirst: bool | None
    timezone: str | None
    delimiter: str | None
    encoding: str | None
    sheet: str | int | None


def _mapped(
    path: Path,
    columns: Mapping[str, str],
    *,
    required: tuple[str, ...],
    by_name: tuple[str, ...] = (),
    optional: tuple[str, ...],
    nullable: tuple[str, ...],
    markers: Collection[str],
    options: _Options,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """Read the mapped columns under canonical names, markers set missing and audited.

    ``required`` columns are looked up under their own name when unmapped; ``by_name``
    ones too, but are left out when the file has no such column; ``optional`` ones are read
    only when mapped. Every column read but the ``nullable`` ones must not be empty.
    """
    known = required + by_name + optional
    unknown = sorted(set(columns) - set(known))
    if unknown:
        raise DataValidationError(
            f"{path.name}: column mapping names unknown canonical column(s) {unknown}; "
            f"map onto {list(known)}"
        )
    wanted = check_markers(markers)
    dates.check_options(
        source=path.name,
        unit=options.timestamp_unit,
        date_format=options.date_format,
        dayfirst=options.dayfirst,
        timezone=options.timezone,
    )
    mapping = {name: columns.get(name, name) for name in required}
    mapping |= {name: columns[name] for name in by_name + optional if name in columns}
    raw = read(
        path,
        delimiter=options.delimiter,
        encoding=options.encoding,
        sheet=options.sheet,
        expected=list(mapping.values()),
    )
    mapping |= {name: name for name in by_name if name not in mapping and name in raw.columns}
    missing = [f"`{src}` (for {dst})" for dst, src in mapping.items() if src not in raw.columns]
    if missing:
        raise DataValidationError(
            f"{path.name}: missing mapped column(s) {', '.join(missing)}; the file has "
            f"{list(raw.columns)}"
        )
    validate.require_rows(raw, source=path.name)
    mapping = {name: mapping[name] for name in known if name in mapping}  # canonical order
    frame = raw[list(mapping.values())].set_axis(list(mapping), axis=1)
    non_null = [name for name in mapping if name not in nullable]
    frame, audit = blank_markers(
        frame, wanted, required=non_null, sources=mapping, source=path.name
    )
    return frame, audit, mapping


def _stamps(
    raw: pd.DataFrame, mapping: Mapping[str, str], source: str, options: _Options
) -> dates.Parsed:
    return dates.parse(
        raw[C.TIMESTAMP],
        source=source,
        unit=options.timestamp_unit,
        date_format=options.date_format,
        dayfirst=options.dayfirst,
        timezone=options.timezone,
        file_column=mapping.get(C.TIMESTAMP),
    )


def _joined(*audits: pd.DataFrame) -> pd.DataFrame:
    kept = [audit for audit in audits if len(audit)]
    return pd.concat(kept, ignore_index=True) if kept else audits[0]


@overload
def load_ratings(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = ...,
    scale: tuple[float, float] = ...,
    timestamp_unit: str | None = ...,
    date_format: str | None = ...,
    dayfirst: bool | None = ...,
    timezone: str | None = ...,
    delimiter: str | None = ...,
    encoding: str | None = ...,
    sheet: str | int | None = ...,
    missing_markers: Collection[str] = ...,
    with_audit: Literal[False] = ...,
) -> pd.DataFrame: ...
@overload
def load_ratings(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = ...,
    scale: tuple[float, float] = ...,
    timestamp_unit: str | None = ...,
    date_format: str | None = ...,
    dayfirst: bool | None = ...,
    timezone: str | None = ...,
    delimiter: str | None = ...,
    encoding: str | None = ...,
    sheet: str | int | None = ...,
    missing_markers: Collection[str] = ...,
    with_audit: Literal[True],
) -> tuple[pd.DataFrame, pd.DataFrame]: ...
def load_ratings(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    scale: tuple[float, float] = (1.0, 5.0),
    timestamp_unit: str | None = None,
    date_format: str | None = None,
    dayfirst: bool | None = None,
    timezone: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    missing_markers: Collection[str] = MISSING_MARKERS,
    with_audit: bool = False,
) -> OwnResult:
    """Read an explicit-ratings file and return canonical ratings.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` (optionally gzipped), ``.parquet`` or ``.xlsx`` file.
    columns : Mapping[str, str], optional
        Canonical name -> the file's column name, e.g.
        ``{"user_id": "customer", "item_id": "sku", "rating": "stars"}``. Unmapped
        canonical columns are looked up under their own name. ``timestamp`` is optional.
    scale : tuple of float, default (1.0, 5.0)
        The declared rating scale; every rating must lie within it.
    timestamp_unit : str, optional
        Epoch unit when timestamps are numbers (``"s"``, ``"ms"``, ``"us"``, ``"ns"``);
        otherwise they are parsed as dates, and numbers are refused.
    date_format : str, optional
        strptime format every timestamp must match, e.g. ``"%d/%m/%Y %H:%M"``.
    dayfirst : bool, optional
        Read numeric dates such as ``03/01/2023`` day-first (``True``) or month-first
        (``False``). Without it, or ``date_format``, such dates are refused
        (:class:`~aftersales.errors.AmbiguousDatesError`) when any reads both ways.
    timezone : str, optional
        IANA zone (e.g. ``"Europe/London"``) of times written without an offset; they are
        converted to UTC. Without it they are taken as UTC (and the audit says so).
    delimiter : str, optional
        CSV field delimiter; sniffed among ``, ; tab |`` when not given.
    encoding : str, optional
        CSV text encoding, ``"utf-8"`` when not given (e.g. ``"cp1252"``).
    sheet : str or int, optional
        Excel sheet name or 0-based position; the first sheet when not given.
    missing_markers : collection of str, default :data:`MISSING_MARKERS`
        Cell texts that mean "missing" (``NULL``, ``NaN``, ``NA``, empty, ...).
    with_audit : bool, default False
        Also return the audit table (see below).

    Returns
    -------
    pandas.DataFrame or (pandas.DataFrame, pandas.DataFrame)
        ``user_id, item_id`` (str), ``rating`` (float64), ``timestamp`` (UTC, or ``NaT`` when
        the file has none or a marker); with ``with_audit``, also an audit table
        (``C.AUDIT_COLUMNS``) with a row per column that held markers and per assumption
        about the timestamps (naive times taken as UTC or read in ``timezone``,
        daylight-saving times resolved).

    Raises
    ------
    DataValidationError
        For a missing file or column, a repeated header, an empty file, a wrong delimiter,
        a non-UTF-8 file without ``encoding``, a missing Excel sheet, missing ids or
        ratings (including markers), non-numeric or non-finite ratings, ratings outside
        ``scale``, numeric timestamps without ``timestamp_unit``, timestamps that contradict
        each other's day/month order, or unparseable timestamps.
    AmbiguousDatesError
        For dates that read both day-first and month-first when no order is declared.
    ParameterError
        For a bad ``timestamp_unit``, ``date_format``, ``dayfirst``, ``timezone`` (an unknown
        zone), ``delimiter``, ``encoding``, ``sheet`` or ``missing_markers``, or an option
        that does not apply to the file's type.
    """
    path = Path(path)
    low, high = scale
    if not low < high:
        raise DataValidationError(f"{path.name}: `scale` must be (low, high) with low < high")
    options = _Options(timestamp_unit, date_format, dayfirst, timezone, delimiter, encoding, sheet)
    raw, audit, mapping = _mapped(
        path,
        columns or {},
        required=(C.USER, C.ITEM, C.RATING),
        optional=(C.TIMESTAMP,),
        nullable=(C.TIMESTAMP,),
        markers=missing_markers,
        options=options,
    )
    source = path.name
    rating = validate.non_null(validate.numeric(raw[C.RATING], source=source), source=source)
    if C.TIMESTAMP in raw:
        parsed = _stamps(raw, mapping, source, options)
        stamps, audit = parsed.values, _joined(audit, parsed.audit)
    else:
        stamps = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns, UTC]")
    frame = pd.DataFrame(
        {
            C.USER: validate.identifiers(raw[C.USER], source=source),
            C.ITEM: validate.identifiers(raw[C.ITEM], source=source),
            C.RATING: validate.within(rating, low, high, source=source),
            C.TIMESTAMP: stamps,
        }
    )
    return (frame, audit) if with_audit else frame


@overload
def load_transactions(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = ...,
    timestamp_unit: str | None = ...,
    date_format: str | None = ...,
    dayfirst: bool | None = ...,
    timezone: str | None = ...,
    delimiter: str | None = ...,
    encoding: str | None = ...,
    sheet: str | int | None = ...,
    missing_markers: Collection[str] = ...,
    with_audit: Literal[False] = ...,
) -> pd.DataFrame: ...
@overload
def load_transactions(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = ...,
    timestamp_unit: str | None = ...,
    date_format: str | None = ...,
    dayfirst: bool | None = ...,
    timezone: str | None = ...,
    delimiter: str | None = ...,
    encoding: str | None = ...,
    sheet: str | int | None = ...,
    missing_markers: Collection[str] = ...,
    with_audit: Literal[True],
) -> tuple[pd.DataFrame, pd.DataFrame]: ...
def load_transactions(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    timestamp_unit: str | None = None,
    date_format: str | None = None,
    dayfirst: bool | None = None,
    timezone: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    missing_markers: Collection[str] = MISSING_MARKERS,
    with_audit: bool = False,
) -> OwnResult:
    """Read a retail transactions file (item lines or orders) and return canonical rows.

    Two layouts are read. An item-level export (one row per item line) needs ``item_id,
    quantity, timestamp``. An order-level export (one row per order) maps ``revenue``
    (the order's value); ``item_id``, ``quantity`` and ``unit_price`` are then read only
    when present. In both, ``invoice_id`` is derived when the file has none and money
    columns may be absent.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` (optionally gzipped), ``.parquet`` or ``.xlsx`` file.
    columns : Mapping[str, str], optional
        Canonical name -> the file's column name (see :data:`aftersales.columns`).
        ``timestamp`` is required; ``item_id`` and ``quantity`` too unless ``revenue`` is
        mapped. ``invoice_id``, ``item_id``, ``quantity`` and ``unit_price`` are looked up
        under their own names when unmapped (and left out when absent, if not required);
        ``description``, ``customer_id``, ``country`` and ``revenue`` are read only when
        mapped.
    timestamp_unit : str, optional
        Epoch unit when timestamps are numbers (``"s"``, ``"ms"``, ``"us"``, ``"ns"``);
        otherwise they are parsed as dates, and numbers are refused.
    date_format : str, optional
        strptime format every timestamp must match, e.g. ``"%d/%m/%Y %H:%M"``.
    dayfirst : bool, optional
        Read numeric dates such as ``03/01/2023`` day-first (``True``) or month-first
        (``False``). Without it, or ``date_format``, such dates are refused
        (:class:`~aftersales.errors.AmbiguousDatesError`) when any reads both ways.
    timezone : str, optional
        IANA zone (e.g. ``"Europe/London"``) of times written without an offset; they are
        converted to UTC. Without it they are taken as UTC (and the audit says so).
    delimiter : str, optional
        CSV field delimiter; sniffed among ``, ; tab |`` when not given.
    encoding : str, optional
        CSV text encoding, ``"utf-8"`` when not given (e.g. ``"cp1252"``).
    sheet : str or int, optional
        Excel sheet name or 0-based position; the first sheet when not given.
    missing_markers : collection of str, default :data:`MISSING_MARKERS`
        Cell texts that mean "missing" (``NULL``, ``NaN``, ``NA``, empty, ...). In
        ``customer_id`` they make a guest checkout, never a customer called ``"NULL"``.
    with_audit : bool, default False
        Also return the audit table (see below).

    Returns
    -------
    pandas.DataFrame or (pandas.DataFrame, pandas.DataFrame)
        Canonical transactions, nothing dropped, columns in this order:

        - ``invoice_id`` (str): from the file, or derived as ``"<customer_id>@<UTC time
          to the second>"`` (one invoice per customer and moment), ``"row<n>@<time>"`` for
          a row without a customer (its own invoice);
        - ``item_id`` (str) and ``quantity`` (int64): present when the file has them
          (always for an item-level export);
        - ``description`` (str, missing when unmapped);
        - ``unit_price`` (float64): present when the file has it;
        - ``timestamp`` (``datetime64[ns, UTC]``);
        - ``customer_id`` (str; missing for guests or when unmapped), ``country`` (str);
        - ``revenue`` (float64): present only when mapped; kept as given (not checked
          against ``quantity * unit_price``);
        - ``is_return`` (bool): present only when mapped (a return flag column).

        A frame with neither ``unit_price`` nor ``revenue`` holds no money: monetary
        analyses cannot use it. With ``with_audit``, also an audit table
        (``C.AUDIT_COLUMNS``) with a row per column that held markers, per assumption
        about the timestamps (naive times taken as UTC or read in ``timezone``,
        daylight-saving times resolved) and for a derived ``invoice_id``;
        ``clean.drop_missing_customer`` drops the guests.

    Raises
    ------
    DataValidationError
        For a missing file or column, a repeated header, an empty file, a wrong delimiter,
        a non-UTF-8 file without ``encoding``, a missing Excel sheet, missing invoice or
        item ids, quantities, prices, revenues or timestamps (including markers),
        non-numeric, non-finite, fractional or out-of-range quantities, non-numeric or
        non-finite prices or revenues, numeric timestamps without ``timestamp_unit``,
        timestamps that contradict each other's day/month order, or unparseable
        timestamps.
    AmbiguousDatesError
        For dates that read both day-first and month-first when no order is declared.
    ParameterError
        For a bad ``timestamp_unit``, ``date_format``, ``dayfirst``, ``timezone`` (an unknown
        zone), ``delimiter``, ``encoding``, ``sheet`` or ``missing_markers``, or an option
        that does not apply to the file's type.
    """
    path = Path(path)
    source = path.name
    options = _Options(timestamp_unit, date_format, dayfirst, timezone, delimiter, encoding, sheet)
    columns = columns or {}
    orders = C.REVENUE in columns
    lines = (C.ITEM, C.QUANTITY)
    raw, audit, mapping = _mapped(
        path,
        columns,
        required=(C.TIMESTAMP,) + (() if orders else lines),
        by_name=(C.INVOICE, C.UNIT_PRICE) + (lines if orders else ()),
        optional=(C.DESCRIPTION, C.CUSTOMER, C.COUNTRY, C.REVENUE, C.IS_RETURN),
        nullable=(C.DESCRIPTION, C.CUSTOMER, C.COUNTRY),
        markers=missing_markers,
        options=options,
    )
    missing_text = pd.Series(pd.NA, index=raw.index, dtype="str")
    parsed = _stamps(raw, mapping, source, options)
    stamps = validate.non_null(parsed.values, source=source)
    audit = _joined(audit, parsed.audit)
    customers = (
        validate.identifiers(raw[C.CUSTOMER], source=source, nullable=True)
        if C.CUSTOMER in raw
        else missing_text
    )
    if C.INVOICE in raw:
        invoices = validate.identifiers(raw[C.INVOICE], source=source)
    else:
        invoices, derived = _derived_invoices(customers, stamps)
        audit = _joined(audit, derived)

    def money(name: str) -> pd.Series:
        return validate.non_null(validate.numeric(raw[name], source=source), source=source)

    parts = {
        C.INVOICE: invoices,
        C.ITEM: validate.identifiers(raw[C.ITEM], source=source) if C.ITEM in raw else None,
        C.DESCRIPTION: _text(raw[C.DESCRIPTION]) if C.DESCRIPTION in raw else missing_text,
        C.QUANTITY: (
            validate.numeric(raw[C.QUANTITY], source=source, integer=True)
            if C.QUANTITY in raw
            else None
        ),
        C.UNIT_PRICE: money(C.UNIT_PRICE) if C.UNIT_PRICE in raw else None,
        C.TIMESTAMP: stamps,
        C.CUSTOMER: customers,
        C.COUNTRY: _text(raw[C.COUNTRY]) if C.COUNTRY in raw else missing_text,
        C.REVENUE: money(C.REVENUE) if C.REVENUE in raw else None,
        C.IS_RETURN: _flag(raw[C.IS_RETURN], source) if C.IS_RETURN in raw else None,
    }
    frame = pd.DataFrame({name: part for name, part in parts.items() if part is not None})
    return (frame, audit) if with_audit else frame


FLAG_TEXTS = {"true": True, "false": False, "yes": True, "no": False, "y": True, "n": False}
"""Texts a return flag column may hold (case-insensitive), besides booleans and 1/0."""


def _flag(values: pd.Series, source: str) -> pd.Series:
    """Read a return flag column as booleans; any other value is an error naming it."""
    text = values.astype("str").str.strip().str.lower()
    read = text.map({**FLAG_TEXTS, "1": True, "0": False, "1.0": True, "0.0": False})
    bad = read.isna()
    if bad.any():
        shown = sorted(set(values[bad].astype("str")))[:5]
        raise DataValidationError(
            f"{source}: return flag column `{C.IS_RETURN}` must hold true/false, yes/no, y/n "
            f"or 1/0; {int(bad.sum())} rows hold {shown}"
        )
    return read.astype(bool).rename(C.IS_RETURN)


def _derived_invoices(customers: pd.Series, stamps: pd.Series) -> tuple[pd.Series, pd.DataFrame]:
    """Return one invoice id per (customer, second) and per guest row, and its audit row."""
    seconds = np.datetime_as_string(
        stamps.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]"), unit="s"
    )
    moment = pd.Series(seconds, index=stamps.index, dtype="str") + "Z"
    rows = pd.Series(np.arange(1, len(stamps) + 1), index=stamps.index).astype("str")
    owner = customers.fillna("row" + rows)
    invoices = (owner + "@" + moment).rename(C.INVOICE)
    guests = int(customers.isna().sum())
    total = len(stamps)
    rule = (
        f"no invoice column: `{C.INVOICE}` derived from ({C.CUSTOMER}, {C.TIMESTAMP}) as "
        f"'<customer>@<UTC second>': {invoices.nunique():,} invoices from {total:,} rows"
        + (f"; {guests:,} rows without a customer get one each ('row<n>@...')" if guests else "")
    )
    audit = pd.DataFrame(
        [
            {
                C.STEP: f"derived:{C.INVOICE}",
                C.RULE: rule,
                C.ROWS_IN: total,
                C.ROWS_OUT: total,
                C.DROPPED: 0,
                C.REASON: "the export has no invoice ids: rows of one customer at one moment "
                "are one order",
            }
        ],
        columns=list(C.AUDIT_COLUMNS),
    )
    return invoices, audit


def _text(values: pd.Series) -> pd.Series:
    """Text column with missing cells kept missing (not the text ``"nan"``)."""
    return values.astype("str").where(values.notna())
