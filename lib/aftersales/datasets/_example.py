"""The example own-data export: online-retail written in a shape the workbench has never seen.

``make data`` builds ``data/raw/example-export/orders.csv.gz`` from the parsed online-retail
cache: renamed columns, UK local times written ``dd/mm/yyyy HH:MM``, a semicolon separator,
gzipped. ``sources/example-export.yaml`` describes it, ``params/example-own-data.yaml``
reports on it, so the own-data path runs in ``make reports`` and in the tests.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from aftersales import columns as C
from aftersales import paths

EXPORT_COLUMNS = {
    C.INVOICE: "Order No",
    C.ITEM: "SKU",
    C.DESCRIPTION: "Product",
    C.QUANTITY: "Units",
    C.UNIT_PRICE: "Price (GBP)",
    C.TIMESTAMP: "Order Date",
    C.CUSTOMER: "Client",
    C.COUNTRY: "Ship Country",
}
"""Canonical name -> the export's column name (as ``sources/example-export.yaml`` maps it)."""

DATE_FORMAT = "%d/%m/%Y %H:%M"
"""How the export writes order times (UK local time)."""

TIMEZONE = "Europe/London"
"""The export's local time zone."""


def export_path() -> Path:
    """Return where the example export is written.

    Returns
    -------
    Path
        ``data/raw/example-export/orders.csv.gz`` (git-ignored with the rest of ``data/``).
    """
    return paths.raw_dir() / "example-export" / "orders.csv.gz"


def export_frame(transactions: pd.DataFrame) -> pd.DataFrame:
    """Return canonical transactions in the example export's shape (all text).

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical transactions (UTC timestamps).

    Returns
    -------
    pandas.DataFrame
        The export's columns in its order: local ``dd/mm/yyyy HH:MM`` times, missing
        values as empty text.
    """
    local = transactions[C.TIMESTAMP].dt.tz_convert(TIMEZONE).dt.strftime(DATE_FORMAT)
    frame = transactions.assign(**{C.TIMESTAMP: local})[list(EXPORT_COLUMNS)]
    frame = frame.rename(columns=EXPORT_COLUMNS)
    return frame.astype("str").where(frame.notna(), "")


def build_example_export(transactions: pd.DataFrame, target: Path | None = None) -> Path:
    """Write the example export (semicolon-separated, gzipped CSV), atomically.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Canonical online-retail transactions.
    target : Path, optional
        Where to write (default :func:`export_path`).

    Returns
    -------
    Path
        The written file.
    """
    target = target or export_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_name(target.name + ".part")
    export_frame(transactions).to_csv(
        scratch, sep=";", index=False, compression={"method": "gzip", "mtime": 0}
    )
    scratch.rename(target)
    return target
