"""Campaign data: the Hillstrom e-mail campaign and analysts' own campaign files.

A campaign frame has one row per customer: ``customer_id`` (the row number when the file has
none), ``treatment`` (the arm, as text), ``outcome`` (a number; yes/no text read as 1/0),
optional ``visit`` and ``spend``, and every other column of the file as a covariate under its
own name.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from aftersales import columns as C
from aftersales.campaign._schema import check_arms, outcome_values
from aftersales.datasets._read import read
from aftersales.errors import DataValidationError

HILLSTROM_COLUMNS = {
    C.TREATMENT: "segment",
    C.OUTCOME: "conversion",
    C.VISIT: "visit",
    C.SPEND: "spend",
}
"""Canonical names -> Hillstrom's arm and outcome columns; the other columns are covariates."""

HILLSTROM_CONTROL = "No E-Mail"
"""Hillstrom's control arm."""

HILLSTROM_FILE = "hillstrom.csv"
"""The file's name in the mirror (``hillstrom/``) and in ``data/raw``."""

CAMPAIGN_COLUMNS = (C.CUSTOMER, C.TREATMENT, C.OUTCOME, C.VISIT, C.SPEND)
"""Canonical names a campaign source may map (``customer_id``, ``visit``, ``spend`` optional)."""


def canonical(
    raw: pd.DataFrame,
    mapping: Mapping[str, str],
    *,
    control: str,
    design: Mapping[str, float] | None = None,
    source: str,
) -> pd.DataFrame:
    """Turn a campaign file into a canonical campaign frame.

    Parameters
    ----------
    raw : pandas.DataFrame
        The file's columns under their own names.
    mapping : Mapping[str, str]
        Canonical name -> the file's column; ``treatment`` and ``outcome`` are required.
    control : str
        The control arm's label.
    design : Mapping[str, float], optional
        Planned arms and shares; each arm must have customers.
    source : str
        File name for messages.

    Returns
    -------
    pandas.DataFrame
        ``customer_id, treatment, outcome[, visit][, spend]`` and the covariates.

    Raises
    ------
    DataValidationError
        If a mapped column is missing, a treatment is missing or customer ids repeat.
    OutcomeValueError
        If an outcome, visit or spend column holds something other than 0/1, yes/no or
        numbers (naming the column and the offending values).
    ControlArmError, EmptyArmError
        If the control arm has no customer, or an arm is empty.
    """
    unknown = sorted(set(mapping) - set(CAMPAIGN_COLUMNS))
    if unknown:
        raise DataValidationError(
            f"{source}: column mapping names unknown canonical column(s) {unknown}; a campaign "
            f"maps onto {list(CAMPAIGN_COLUMNS)}"
        )
    wanted = {name: mapping.get(name, name) for name in (C.TREATMENT, C.OUTCOME)}
    wanted |= {name: mapping[name] for name in (C.CUSTOMER, C.VISIT, C.SPEND) if name in mapping}
    missing = [f"`{col}` (for {name})" for name, col in wanted.items() if col not in raw.columns]
    if missing:
        raise DataValidationError(
            f"{source}: missing mapped column(s) {', '.join(missing)}; the file has "
            f"{list(raw.columns)}"
        )
    if raw.empty:
        raise DataValidationError(f"{source}: the file has no rows")
    arms = raw[wanted[C.TREATMENT]]
    if arms.isna().any():
        rows = [int(i) + 1 for i in arms.index[arms.isna()][:5]]
        raise DataValidationError(
            f"{source}: treatment column `{wanted[C.TREATMENT]}` is empty in "
            f"{int(arms.isna().sum()):,} row(s) (first rows {rows})"
        )
    if C.CUSTOMER in wanted:
        ids = raw[wanted[C.CUSTOMER]].astype("str")
        repeated = ids[ids.duplicated()]
        if len(repeated):
            raise DataValidationError(
                f"{source}: customer id column `{wanted[C.CUSTOMER]}` repeats {len(repeated):,} "
                f"id(s) (first {list(repeated[:3])}); a campaign has one row per customer"
            )
    else:
        ids = pd.Series(range(1, len(raw) + 1), index=raw.index, dtype="int64")
    frame = pd.DataFrame({C.CUSTOMER: ids, C.TREATMENT: arms.astype("str").str.strip()})
    for name in (C.OUTCOME, C.VISIT, C.SPEND):
        if name in wanted:
            frame[name] = outcome_values(raw[wanted[name]], column=wanted[name], source=source)
    used = set(wanted.values())
    for column in raw.columns:
        if column not in used and column not in frame.columns:
            frame[column] = raw[column]
    check_arms(frame, control, design=design, source=source)
    return frame.reset_index(drop=True)


def _typed(raw: pd.DataFrame) -> pd.DataFrame:
    """Columns read as text become numbers where every value parses."""
    out = {}
    for name in raw.columns:
        numbers = pd.to_numeric(raw[name], errors="coerce")
        parses = numbers.notna() | raw[name].isna()
        out[name] = numbers if parses.all() and numbers.notna().any() else raw[name]
    return pd.DataFrame(out, index=raw.index)


def load_campaign(
    path: Path,
    *,
    columns: Mapping[str, str],
    control: str,
    design: Mapping[str, float] | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
) -> pd.DataFrame:
    """Read an analyst's campaign file (CSV, Parquet or Excel).

    Parameters
    ----------
    path : Path
        The data file.
    columns : Mapping[str, str]
        Canonical name -> the file's column (see :data:`CAMPAIGN_COLUMNS`).
    control : str
        The control arm's label.
    design : Mapping[str, float], optional
        Planned arms and shares.
    delimiter, encoding, sheet : optional
        Reading options, as for the other own loaders.

    Returns
    -------
    pandas.DataFrame
        A canonical campaign frame (see :func:`canonical`).

    Raises
    ------
    DataValidationError
        If the file cannot be read or breaks the schema (see :func:`canonical`).
    """
    options = {"delimiter": delimiter, "encoding": encoding, "sheet": sheet}
    raw = read(path, expected=list(columns.values()), **options)
    return canonical(_typed(raw), columns, control=control, design=design, source=path.name)


def parse_hillstrom(path: Path) -> pd.DataFrame:
    """Parse ``hillstrom.csv`` (the mirror's copy or the publisher's download).

    Parameters
    ----------
    path : Path
        The CSV file, or the folder holding it.

    Returns
    -------
    pandas.DataFrame
        64,000 customers: id (row number), arm, conversion as ``outcome``, ``visit``,
        ``spend`` and the eight covariates.

    Raises
    ------
    DataValidationError
        If the file lacks a column or a value breaks the schema.
    """
    path = path / HILLSTROM_FILE if path.is_dir() else path
    raw = pd.read_csv(path)
    return canonical(raw, HILLSTROM_COLUMNS, control=HILLSTROM_CONTROL, source=path.name)
