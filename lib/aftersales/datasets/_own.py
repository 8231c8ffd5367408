"""Analysts' own files: CSV, Parquet or Excel read through a column mapping and validated.

Nothing is dropped at load: a file that breaks the schema is refused with an error naming the
file, the column, the number of failing rows and the first examples.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import DataValidationError

READERS = {".csv": "csv", ".txt": "csv", ".gz": "csv", ".parquet": "parquet", ".pq": "parquet"}
READERS |= {".xlsx": "excel", ".xls": "excel"}


def _read(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise DataValidationError(f"{path}: no such file")
    kind = READERS.get(path.suffix.lower())
    if kind is None:
        raise DataValidationError(
            f"{path}: unsupported file type {path.suffix!r}; expected one of {sorted(READERS)}"
        )
    try:
        if kind == "csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        if kind == "parquet":
            return pd.read_parquet(path)
        return pd.read_excel(path)
    except pd.errors.EmptyDataError:
        raise DataValidationError(
            f"{path}: the file is empty; expected a header and rows"
        ) from None
    except (ValueError, OSError) as exc:
        raise DataValidationError(f"{path}: cannot be read as {kind} ({exc})") from exc


def _mapped(
    path: Path, columns: Mapping[str, str], required: tuple[str, ...], optional: tuple[str, ...]
) -> pd.DataFrame:
    unknown = sorted(set(columns) - set(required) - set(optional))
    if unknown:
        raise DataValidationError(
            f"{path.name}: column mapping names unknown canonical column(s) {unknown}; "
            f"map onto {list(required + optional)}"
        )
    mapping = {name: columns.get(name, name) for name in required}
    mapping |= {name: columns[name] for name in optional if name in columns}
    raw = _read(path)
    source_names = list(mapping.values())
    missing = [f"`{src}` (for {dst})" for dst, src in mapping.items() if src not in raw.columns]
    if missing:
        raise DataValidationError(
            f"{path.name}: missing mapped column(s) {', '.join(missing)}; the file has "
            f"{list(raw.columns)}"
        )
    validate.require_rows(raw, source=path.name)
    return raw[source_names].set_axis(list(mapping), axis=1)


def load_ratings(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    scale: tuple[float, float] = (1.0, 5.0),
    timestamp_unit: str | None = None,
) -> pd.DataFrame:
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
        Epoch unit when timestamps are numbers (``"s"``); otherwise they are parsed as dates.

    Returns
    -------
    pandas.DataFrame
        ``user_id, item_id`` (str), ``rating`` (float64), ``timestamp`` (UTC, or ``NaT`` when
        the file has none).

    Raises
    ------
    DataValidationError
        For a missing file or column, an empty file, missing ids, non-numeric ratings,
        ratings outside ``scale`` or unparseable timestamps.
    """
    path = Path(path)
    low, high = scale
    if not low < high:
        raise DataValidationError(f"{path.name}: `scale` must be (low, high) with low < high")
    raw = _mapped(path, columns or {}, (C.USER, C.ITEM, C.RATING), (C.TIMESTAMP,))
    source = path.name
    rating = validate.non_null(validate.numeric(raw[C.RATING], source=source), source=source)
    stamps = (
        validate.timestamps(raw[C.TIMESTAMP], source=source, unit=timestamp_unit)
        if C.TIMESTAMP in raw
        else pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns, UTC]")
    )
    return pd.DataFrame(
        {
            C.USER: validate.identifiers(raw[C.USER], source=source),
            C.ITEM: validate.identifiers(raw[C.ITEM], source=source),
            C.RATING: validate.within(rating, low, high, source=source),
            C.TIMESTAMP: stamps,
        }
    )


def load_transactions(
    path: str | Path, *, columns: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Read a retail transactions file and return canonical transactions.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` (optionally gzipped), ``.parquet`` or ``.xlsx`` file.
    columns : Mapping[str, str], optional
        Canonical name -> the file's column name (see :data:`aftersales.columns`). Required:
        ``invoice_id, item_id, quantity, unit_price, timestamp``; optional: ``description,
        customer_id, country``.

    Returns
    -------
    pandas.DataFrame
        Canonical transactions; ``customer_id`` may be missing (guest checkouts), nothing is
        dropped.

    Raises
    ------
    DataValidationError
        For a missing file or column, an empty file, missing invoice or item ids,
        non-numeric or fractional quantities, non-numeric prices or unparseable timestamps.
    """
    path = Path(path)
    required = (C.INVOICE, C.ITEM, C.QUANTITY, C.UNIT_PRICE, C.TIMESTAMP)
    optional = (C.DESCRIPTION, C.CUSTOMER, C.COUNTRY)
    raw = _mapped(path, columns or {}, required, optional)
    source = path.name
    missing_text = pd.Series(pd.NA, index=raw.index, dtype="str")
    stamps = validate.non_null(validate.timestamps(raw[C.TIMESTAMP], source=source), source=source)
    return pd.DataFrame(
        {
            C.INVOICE: validate.identifiers(raw[C.INVOICE], source=source),
            C.ITEM: validate.identifiers(raw[C.ITEM], source=source),
            C.DESCRIPTION: (
                raw[C.DESCRIPTION].astype("str") if C.DESCRIPTION in raw else missing_text
            ),
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
            C.COUNTRY: raw[C.COUNTRY].astype("str") if C.COUNTRY in raw else missing_text,
        }
    )
