"""UCI Online Retail: parse the mirror's CSV or the upstream zip holding the original .xlsx."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import IntegrityError

SOURCE_COLUMNS = {
    "InvoiceNo": C.INVOICE,
    "StockCode": C.ITEM,
    "Description": C.DESCRIPTION,
    "Quantity": C.QUANTITY,
    "InvoiceDate": C.TIMESTAMP,
    "UnitPrice": C.UNIT_PRICE,
    "CustomerID": C.CUSTOMER,
    "Country": C.COUNTRY,
}
"""Publisher's column names mapped to the canonical ones."""

LOCAL_TZ = "Europe/London"
"""The publisher's invoice times are UK local time without a zone; they are converted to UTC."""


def canonical(raw: pd.DataFrame, *, source: str) -> pd.DataFrame:
    """Turn the publisher's columns into a canonical transactions frame.

    Parameters
    ----------
    raw : pandas.DataFrame
        Frame with the publisher's column names (from the CSV or the .xlsx).
    source : str
        File name used in error messages.

    Returns
    -------
    pandas.DataFrame
        Canonical transactions, original row order.

    Raises
    ------
    DataValidationError
        If a column is missing or holds values of the wrong kind.
    """
    validate.require_columns(raw, SOURCE_COLUMNS, source=source)
    frame = raw.rename(columns=SOURCE_COLUMNS)
    description = frame[C.DESCRIPTION].astype("str").where(frame[C.DESCRIPTION].notna())
    local = pd.to_datetime(frame[C.TIMESTAMP], format="%Y-%m-%d %H:%M:%S")
    return pd.DataFrame(
        {
            C.INVOICE: validate.identifiers(frame[C.INVOICE], source=source),
            C.ITEM: validate.identifiers(frame[C.ITEM], source=source),
            C.DESCRIPTION: description.where(description != ""),
            C.QUANTITY: validate.numeric(frame[C.QUANTITY], source=source, integer=True),
            C.UNIT_PRICE: validate.numeric(frame[C.UNIT_PRICE], source=source),
            C.TIMESTAMP: local.dt.tz_localize(LOCAL_TZ)
            .dt.tz_convert("UTC")
            .astype("datetime64[ns, UTC]"),
            C.CUSTOMER: validate.identifiers(frame[C.CUSTOMER], source=source, nullable=True),
            C.COUNTRY: frame[C.COUNTRY].astype("str"),
        }
    )


def parse_mirror(folder: Path) -> pd.DataFrame:
    """Parse the mirror's ``online_retail/online_retail.csv.gz``.

    Parameters
    ----------
    folder : Path
        The mirror's ``online_retail`` folder.

    Returns
    -------
    pandas.DataFrame
        Canonical transactions.
    """
    path = folder / "online_retail.csv.gz"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values={"CustomerID": [""]})
    raw["Description"] = raw["Description"].where(raw["Description"] != "")
    return canonical(raw, source=path.name)


def parse_archive(path: Path) -> pd.DataFrame:
    """Parse the upstream ``online+retail.zip`` (one .xlsx sheet inside).

    Parameters
    ----------
    path : Path
        The downloaded zip.

    Returns
    -------
    pandas.DataFrame
        Canonical transactions.

    Raises
    ------
    IntegrityError
        If the zip is unreadable or holds no .xlsx.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            sheets = [n for n in archive.namelist() if n.lower().endswith(".xlsx")]
            if not sheets:
                raise IntegrityError(f"{path}: holds no .xlsx; delete it and fetch again")
            with archive.open(sheets[0]) as handle:
                raw = pd.read_excel(handle, dtype={"InvoiceNo": str, "StockCode": str})
    except zipfile.BadZipFile as exc:
        raise IntegrityError(f"{path}: not a readable zip ({exc}); delete it, fetch again") from exc
    raw["InvoiceDate"] = pd.to_datetime(raw["InvoiceDate"]).dt.strftime("%Y-%m-%d %H:%M:%S")
    return canonical(raw, source=f"{path.name}:{sheets[0]}")
