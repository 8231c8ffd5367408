"""Analysts' own files: CSV, Parquet or Excel read through a column mapping and validated.

Nothing is dropped at load: a file that breaks the schema is refused with an error naming the
file, the column, the number of failing rows and the first examples.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Literal, overload

import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.datasets._read import MISSING_MARKERS, blank_markers, check_markers, read
from aftersales.errors import DataValidationError, ParameterError

OwnResult = pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]


def _check_unit(unit: str | None, source: str) -> None:
    if unit is not None and unit not in validate.EPOCH_UNITS:
        raise ParameterError(
            f"{source}: `timestamp_unit` must be one of {list(validate.EPOCH_UNITS)} or None; "
            f"got {unit!r}"
        )


def _mapped(
    path: Path,
    columns: Mapping[str, str],
    required: tuple[str, ...],
    optional: tuple[str, ...],
    *,
    markers: Collection[str],
    non_null: tuple[str, ...],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    unknown = sorted(set(columns) - set(required) - set(optional))
    if unknown:
        raise DataValidationError(
            f"{path.name}: column mapping names unknown canonical column(s) {unknown}; "
            f"map onto {list(required + optional)}"
        )
    wanted = check_markers(markers)
    mapping = {name: columns.get(name, name) for name in required}
    mapping |= {name: columns[name] for name in optional if name in columns}
    raw = read(path)
    source_names = list(mapping.values())
    missing = [f"`{src}` (for {dst})" for dst, src in mapping.items() if src not in raw.columns]
    if missing:
        raise DataValidationError(
            f"{path.name}: missing mapped column(s) {', '.join(missing)}; the file has "
            f"{list(raw.columns)}"
        )
    validate.require_rows(raw, source=path.name)
    frame = raw[source_names].set_axis(list(mapping), axis=1)
    return blank_markers(frame, wanted, required=non_null, sources=mapping, source=path.name)


@overload
def load_ratings(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = ...,
    scale: tuple[float, float] = ...,
    timestamp_unit: str | None = ...,
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
    missing_markers: Collection[str] = ...,
    with_audit: Literal[True],
) -> tuple[pd.DataFrame, pd.DataFrame]: ...
def load_ratings(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    scale: tuple[float, float] = (1.0, 5.0),
    timestamp_unit: str | None = None,
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
    missing_markers : collection of str, default :data:`MISSING_MARKERS`
        Cell texts that mean "missing" (``NULL``, ``NaN``, ``NA``, empty, ...).
    with_audit : bool, default False
        Also return the audit table of the markers found (see below).

    Returns
    -------
    pandas.DataFrame or (pandas.DataFrame, pandas.DataFrame)
        ``user_id, item_id`` (str), ``rating`` (float64), ``timestamp`` (UTC, or ``NaT`` when
        the file has none or a marker); with ``with_audit``, also an audit table
        (``C.AUDIT_COLUMNS``) with a row per column that held markers.

    Raises
    ------
    DataValidationError
        For a missing file or column, a repeated header, an empty file, missing ids or
        ratings (including markers), non-numeric or non-finite ratings, ratings outside
        ``scale``, numeric timestamps without ``timestamp_unit`` or unparseable timestamps.
    ParameterError
        For a bad ``timestamp_unit`` or ``missing_markers``.
    """
    path = Path(path)
    low, high = scale
    if not low < high:
        raise DataValidationError(f"{path.name}: `scale` must be (low, high) with low < high")
    _check_unit(timestamp_unit, path.name)
    required = (C.USER, C.ITEM, C.RATING)
    raw, audit = _mapped(
        path,
        columns or {},
        required,
        (C.TIMESTAMP,),
        markers=missing_markers,
        non_null=required,
    )
    source = path.name
    rating = validate.non_null(validate.numeric(raw[C.RATING], source=source), source=source)
    stamps = (
        validate.timestamps(raw[C.TIMESTAMP], source=source, unit=timestamp_unit)
        if C.TIMESTAMP in raw
        else pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns, UTC]")
    )
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
    missing_markers: Collection[str] = ...,
    with_audit: Literal[False] = ...,
) -> pd.DataFrame: ...
@overload
def load_transactions(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = ...,
    timestamp_unit: str | None = ...,
    missing_markers: Collection[str] = ...,
    with_audit: Literal[True],
) -> tuple[pd.DataFrame, pd.DataFrame]: ...
def load_transactions(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    timestamp_unit: str | None = None,
    missing_markers: Collection[str] = MISSING_MARKERS,
    with_audit: bool = False,
) -> OwnResult:
    """Read a retail transactions file and return canonical transactions.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` (optionally gzipped), ``.parquet`` or ``.xlsx`` file.
    columns : Mapping[str, str], optional
        Canonical name -> the file's column name (see :data:`aftersales.columns`). Required:
        ``invoice_id, item_id, quantity, unit_price, timestamp``; optional: ``description,
        customer_id, country``.
    timestamp_unit : str, optional
        Epoch unit when timestamps are numbers (``"s"``, ``"ms"``, ``"us"``, ``"ns"``);
        otherwise they are parsed as dates, and numbers are refused.
    missing_markers : collection of str, default :data:`MISSING_MARKERS`
        Cell texts that mean "missing" (``NULL``, ``NaN``, ``NA``, empty, ...). In
        ``customer_id`` they make a guest checkout, never a customer called ``"NULL"``.
    with_audit : bool, default False
        Also return the audit table of the markers found (see below).

    Returns
    -------
    pandas.DataFrame or (pandas.DataFrame, pandas.DataFrame)
        Canonical transactions; ``customer_id`` may be missing (guest checkouts), nothing is
        dropped. With ``with_audit``, also an audit table (``C.AUDIT_COLUMNS``) with a row
        per column that held markers; ``clean.drop_missing_customer`` drops the guests.

    Raises
    ------
    DataValidationError
        For a missing file or column, a repeated header, an empty file, missing invoice or
        item ids, quantities, prices or timestamps (including markers), non-numeric,
        non-finite, fractional or out-of-range quantities, non-numeric or non-finite prices,
        numeric timestamps without ``timestamp_unit`` or unparseable timestamps.
    ParameterError
        For a bad ``timestamp_unit`` or ``missing_markers``.
    """
    path = Path(path)
    _check_unit(timestamp_unit, path.name)
    required = (C.INVOICE, C.ITEM, C.QUANTITY, C.UNIT_PRICE, C.TIMESTAMP)
    optional = (C.DESCRIPTION, C.CUSTOMER, C.COUNTRY)
    raw, audit = _mapped(
        path, columns or {}, required, optional, markers=missing_markers, non_null=required
    )
    source = path.name
    missing_text = pd.Series(pd.NA, index=raw.index, dtype="str")
    stamps = validate.non_null(
        validate.timestamps(raw[C.TIMESTAMP], source=source, unit=timestamp_unit), source=source
    )
    frame = pd.DataFrame(
        {
            C.INVOICE: validate.identifiers(raw[C.INVOICE], source=source),
            C.ITEM: validate.identifiers(raw[C.ITEM], source=source),
            C.DESCRIPTION: (_text(raw[C.DESCRIPTION]) if C.DESCRIPTION in raw else missing_text),
            C.QUANTITY: validate.numeric(raw[C.QUANTITY], source=source, integer=True),
            C.UNIT_PRICE: validate.non_null(
                validate.numeric(raw[C.UNIT_PRICE], source=source), source=source
            ),
            C.TIMESTAMP: stamps,
            C.CUSTOMER: (
                validate.identifiers(raw[C.CUSTOMER], source=source, nullable=True)
                if C.CUSTOMER in raw
                else missing_text
            ),
            C.COUNTRY: _text(raw[C.COUNTRY]) if C.COUNTRY in raw else missing_text,
        }
    )
    return (frame, audit) if with_audit else frame


def _text(values: pd.Series) -> pd.Series:
    """Text column with missing cells kept missing (not the text ``"nan"``)."""
    return values.astype("str").where(values.notna())
