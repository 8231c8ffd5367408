"""Campaign data: the Hillstrom e-mail campaign and analysts' own campaign files.

A campaign frame has one row per customer: ``customer_id`` (the row number when the file has
none), ``treatment`` (the arm, as text), ``outcome`` (a number; yes/no text read as 1/0),
optional ``visit`` and ``spend``, and every other column of the file as a covariate under its
own name.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.datasets._read import read
from aftersales.errors import (
    ControlArmError,
    DataValidationError,
    EmptyArmError,
    OutcomeValueError,
)

YES = frozenset({"1", "yes", "y", "true", "t"})
"""Texts read as a positive outcome (case and surrounding spaces ignored)."""

NO = frozenset({"0", "no", "n", "false", "f"})
"""Texts read as a negative outcome."""


def outcome_values(values: pd.Series, *, column: str, source: str) -> pd.Series:
    """Read an outcome column as numbers: 0/1, yes/no text (true/false, y/n) or any number.

    Parameters
    ----------
    values : pandas.Series
        The column as read (text, numbers or booleans).
    column : str
        The file's column name, for the message.
    source : str
        The file name, for the message.

    Returns
    -------
    pandas.Series
        float64 values, same index; yes/no read as 1/0.

    Raises
    ------
    OutcomeValueError
        If a value is missing or neither yes/no text nor a number; names the column, how many
        rows fail and the first offending values.
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("float64")
    if pd.api.types.is_numeric_dtype(values.dtype):
        bad = values.isna() | ~np.isfinite(values.astype("float64"))
        if bad.any():
            _refuse(values, bad, column=column, source=source)
        return values.astype("float64")
    text = values.astype("str").str.strip().str.lower().where(values.notna())
    words = text.map(lambda v: 1.0 if v in YES else 0.0 if v in NO else np.nan)
    numbers = pd.to_numeric(text.where(words.isna()), errors="coerce")
    out = words.fillna(numbers)
    bad = out.isna() | ~np.isfinite(out)
    if bad.any():
        _refuse(values, bad, column=column, source=source)
    return out.astype("float64")


def _refuse(values: pd.Series, bad: pd.Series, *, column: str, source: str) -> None:
    shown = pd.unique(values[bad].astype("str").to_numpy())[:5]
    first = int(np.flatnonzero(bad.to_numpy())[0])
    raise OutcomeValueError(
        f"{source}: outcome column `{column}` must hold 0/1, yes/no or numbers; "
        f"{int(bad.sum()):,} row(s) fail (first: row {first + 1}), offending values "
        f"{[str(v) for v in shown]}"
    )


def check_arms(
    frame: pd.DataFrame,
    control: str,
    *,
    design: Mapping[str, float] | None = None,
    source: str = "campaign",
) -> list[str]:
    """Check that the control arm exists and no arm is empty; return the arms, control first.

    Parameters
    ----------
    frame : pandas.DataFrame
        A campaign frame with a ``treatment`` column.
    control : str
        The control arm's label.
    design : Mapping[str, float], optional
        Planned arms and their shares; each must have customers.
    source : str, default "campaign"
        Name for messages.

    Returns
    -------
    list of str
        The control arm, then the treated arms in sorted order.

    Raises
    ------
    ControlArmError
        If no customer is in the control arm; lists the arms found.
    EmptyArmError
        If a designed arm has no customer, or the control is the only arm.
    """
    counts = frame[C.TREATMENT].astype("str").value_counts()
    found = sorted(counts.index)
    if control not in counts.index:
        raise ControlArmError(
            f"{source}: the control arm {control!r} has no customer; the arms found are "
            f"{found} (set `control:` to one of them)"
        )
    empty = [arm for arm in (design or {}) if counts.get(arm, 0) == 0]
    if empty:
        raise EmptyArmError(
            f"{source}: arm(s) {empty} of the design have no customer; the arms found are "
            f"{dict(counts.sort_index())}"
        )
    treated = [arm for arm in found if arm != control]
    if not treated:
        raise EmptyArmError(
            f"{source}: only the control arm {control!r} has customers; a campaign needs at "
            "least one treated arm"
        )
    return [control, *treated]


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
    arms = (
        raw[wanted[C.TREATMENT]].astype("str").str.strip().where(raw[wanted[C.TREATMENT]].notna())
    )
    blank = arms.isna() | (arms == "")
    if blank.any():
        rows = [int(i) + 1 for i in np.flatnonzero(blank.to_numpy())[:5]]
        raise DataValidationError(
            f"{source}: treatment column `{wanted[C.TREATMENT]}` is empty in "
            f"{int(blank.sum()):,} row(s) (first rows {rows})"
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
    frame = pd.DataFrame({C.CUSTOMER: ids, C.TREATMENT: arms})
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
