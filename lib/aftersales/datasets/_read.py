"""Read an analyst's file as raw columns: one header per column, missing-value markers found.

CSV cells are read as text, untouched; the cells that hold a missing-value marker
(:data:`MISSING_MARKERS`) are then set missing and counted per column, so ``NULL`` or ``NaN``
never becomes a customer called "NULL" and every marker is reported.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection
from pathlib import Path

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.errors import DataValidationError, ParameterError

log = logging.getLogger(__name__)

READERS = {".csv": "csv", ".txt": "csv", ".gz": "csv", ".parquet": "parquet", ".pq": "parquet"}
READERS |= {".xlsx": "excel", ".xls": "excel"}

MISSING_MARKERS: tuple[str, ...] = (
    "",
    "NA",
    "N/A",
    "n/a",
    "NaN",
    "nan",
    "-NaN",
    "-nan",
    "NULL",
    "null",
    "Null",
    "None",
    "none",
    "<NA>",
    "#N/A",
    "#NA",
    "#N/A N/A",
    "NaT",
)
"""Cell texts read as missing (after stripping surrounding white space).

The markers pandas, R, SQL exports and spreadsheets write for a missing value. Pass
``missing_markers=`` to a loader to change the list (e.g. add ``"?"`` or remove ``"NA"``
when it is a real code, such as Namibia's country code)."""


def check_markers(markers: Collection[str]) -> frozenset[str]:
    """Return the markers as a set, refusing anything but a collection of strings.

    Parameters
    ----------
    markers : collection of str
        Cell texts read as missing.

    Returns
    -------
    frozenset of str
        The markers.

    Raises
    ------
    ParameterError
        If ``markers`` is a single string or holds a non-string.
    """
    if isinstance(markers, str) or not all(isinstance(m, str) for m in markers):
        raise ParameterError(
            f"`missing_markers` must be a list of strings such as ['NULL', 'NaN']; got {markers!r}"
        )
    return frozenset(m.strip() for m in markers)


def read(path: Path) -> pd.DataFrame:
    """Read ``path`` (CSV as text, Parquet and Excel typed), refusing a repeated header.

    Parameters
    ----------
    path : Path
        A ``.csv``/``.txt``/``.gz``, ``.parquet``/``.pq`` or ``.xlsx``/``.xls`` file.

    Returns
    -------
    pandas.DataFrame
        The file's columns under their header names.

    Raises
    ------
    DataValidationError
        If the file is missing, of an unsupported type, empty, unreadable, or a header
        appears twice (naming it).
    """
    if not path.is_file():
        raise DataValidationError(f"{path}: no such file")
    kind = READERS.get(path.suffix.lower())
    if kind is None:
        raise DataValidationError(
            f"{path}: unsupported file type {path.suffix!r}; expected one of {sorted(READERS)}"
        )
    try:
        _refuse_repeated_headers(path, kind)
        if kind == "csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
        if kind == "parquet":
            return pd.read_parquet(path)
        return pd.read_excel(path)
    except pd.errors.EmptyDataError:
        raise DataValidationError(
            f"{path}: the file is empty; expected a header and rows"
        ) from None
    except DataValidationError:
        raise
    except Exception as exc:  # readers raise many types (zip, gzip, arrow, parser errors)
        raise DataValidationError(
            f"{path}: cannot be read as {kind} ({type(exc).__name__}: {exc})"
        ) from exc


def _refuse_repeated_headers(path: Path, kind: str) -> None:
    if kind == "parquet":
        import pyarrow.parquet as pq

        names = list(pq.read_schema(path).names)
    elif kind == "csv":
        names = list(pd.read_csv(path, header=None, nrows=1, dtype=str).iloc[0].fillna(""))
    else:
        names = [str(v) for v in pd.read_excel(path, header=None, nrows=1).iloc[0].fillna("")]
    repeated = sorted(name for name, count in Counter(names).items() if count > 1)
    if repeated:
        where = ", ".join(
            f"`{name}` (columns {[i + 1 for i, n in enumerate(names) if n == name]})"
            for name in repeated
        )
        raise DataValidationError(
            f"{path.name}: header {where} appears more than once; rename the columns so that "
            "each name is used once (which of them to use cannot be guessed)"
        )


def blank_markers(
    frame: pd.DataFrame,
    markers: frozenset[str],
    *,
    required: Collection[str],
    sources: dict[str, str],
    source: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Set marker cells missing; refuse them in required columns; count them in an audit.

    Parameters
    ----------
    frame : pandas.DataFrame
        The mapped raw columns (canonical names).
    markers : frozenset of str
        Texts read as missing (compared after stripping white space).
    required : collection of str
        Canonical columns that must not be missing.
    sources : dict
        Canonical name -> the file's column name, for messages.
    source : str
        The file's name, for messages.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The frame with markers set missing, and an audit table (``C.AUDIT_COLUMNS``) with one
        row per column that held markers: nothing is dropped at load (``dropped`` is 0); the
        rows are counted and named here and dropped, if at all, by the cleaning steps.

    Raises
    ------
    DataValidationError
        If a required column holds a marker or is empty, naming the column, the rows and
        the values.
    """
    out = frame.copy()
    audit: list[dict[str, object]] = []
    for column in frame.columns:
        values = frame[column]
        if not (
            pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype)
        ):
            continue
        text = values.astype("str").str.strip()
        hit = (values.notna() & text.isin(markers)).to_numpy(dtype=bool)
        absent = values.isna().to_numpy(dtype=bool)
        origin = sources.get(column, column)
        label = f"`{column}`" + (f" (file column `{origin}`)" if origin != column else "")
        if column in required and (hit.any() or absent.any()):
            bad = hit | absent
            rows = np.flatnonzero(bad)[:3]
            shown = ", ".join(f"row {r + 1} value {values.iloc[r]!r}" for r in rows)
            raise DataValidationError(
                f"{source}: column `{column}` must not be empty; {int(bad.sum())} rows fail "
                f"(first: {shown}); empty cells and missing-value markers count as empty"
                + (f" (file column `{origin}`)" if origin != column else "")
            )
        if not hit.any():
            continue
        out[column] = values.where(~hit)
        counts = Counter(text[hit].tolist())
        rows = ", ".join(str(r + 1) for r in np.flatnonzero(hit)[:3])
        listed = ", ".join(f"{marker!r} x{n}" for marker, n in counts.most_common())
        rule = f"{label} holds a missing-value marker ({listed}; first rows {rows})"
        log.warning("%s: %d rows: %s; read as missing", source, int(hit.sum()), rule)
        audit.append(
            {
                C.STEP: f"missing_markers:{column}",
                C.RULE: rule,
                C.ROWS_IN: len(frame),
                C.ROWS_OUT: len(frame),
                C.DROPPED: 0,
                C.REASON: "read as missing, never as a value (e.g. a guest, not a customer 'NULL')",
            }
        )
    table = pd.DataFrame(audit, columns=list(C.AUDIT_COLUMNS))
    return out, table.astype({C.ROWS_IN: "int64", C.ROWS_OUT: "int64", C.DROPPED: "int64"})
