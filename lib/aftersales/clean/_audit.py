"""The audit trail: one row per cleaning step, and the check that it adds up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import DataValidationError


@dataclass(frozen=True)
class AuditRow:
    """What one cleaning step did.

    Attributes
    ----------
    step : str
        Short name of the step, e.g. ``"cancellations"``.
    rule : str
        The condition a dropped row met, stated with its parameters.
    rows_in, rows_out : int
        Rows before and after the step.
    dropped : int
        Rows removed (or merged into another row); always ``rows_in - rows_out``.
    reason : str
        Why such rows are removed, in plain words.
    """

    step: str
    rule: str
    rows_in: int
    rows_out: int
    dropped: int
    reason: str

    def __post_init__(self) -> None:
        if self.dropped != self.rows_in - self.rows_out or self.dropped < 0:
            raise DataValidationError(
                f"audit row `{self.step}`: `dropped` must equal rows_in - rows_out >= 0; "
                f"got rows_in={self.rows_in}, rows_out={self.rows_out}, dropped={self.dropped}"
            )

    def as_dict(self) -> dict[str, str | int]:
        """Return the row keyed by the canonical audit column names.

        Returns
        -------
        dict
            ``{C.STEP: ..., C.RULE: ..., C.ROWS_IN: ..., ...}``.
        """
        return {
            C.STEP: self.step,
            C.RULE: self.rule,
            C.ROWS_IN: self.rows_in,
            C.ROWS_OUT: self.rows_out,
            C.DROPPED: self.dropped,
            C.REASON: self.reason,
        }


def audit_table(parts: Iterable[AuditRow | pd.DataFrame]) -> pd.DataFrame:
    """Stack audit rows and audit tables, in order, into one audit table.

    Parameters
    ----------
    parts : iterable of AuditRow or pandas.DataFrame
        Rows returned by single steps, or tables returned by pipelines.

    Returns
    -------
    pandas.DataFrame
        Columns ``C.AUDIT_COLUMNS``, counts as ``int64``, a fresh 0-based index.
    """
    frames = [
        pd.DataFrame([part.as_dict()]) if isinstance(part, AuditRow) else part for part in parts
    ]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in C.AUDIT_COLUMNS}).astype(
            {C.STEP: "str", C.RULE: "str", C.REASON: "str"}
        )
    table = pd.concat(frames, ignore_index=True)[list(C.AUDIT_COLUMNS)]
    return table.astype({C.ROWS_IN: "int64", C.ROWS_OUT: "int64", C.DROPPED: "int64"})


def reconcile(audit: pd.DataFrame) -> pd.DataFrame:
    """Check that an audit table accounts for every row.

    Three checks: each step's ``dropped`` equals ``rows_in - rows_out``; each step starts
    with the rows the previous one ended with; and the rows in at the first step minus the
    rows out at the last equal the sum of ``dropped``.

    Parameters
    ----------
    audit : pandas.DataFrame
        An audit table (``C.AUDIT_COLUMNS``), e.g. from :func:`clean_transactions`.

    Returns
    -------
    pandas.DataFrame
        ``audit`` itself, so the call can be chained.

    Raises
    ------
    DataValidationError
        If the table is empty, lacks a column, or any check fails (the message names the
        step).
    """
    validate.require_columns(audit, C.AUDIT_COLUMNS, source="reconcile: `audit`")
    validate.require_rows(audit, source="reconcile: `audit`")
    rows_in = audit[C.ROWS_IN].to_numpy(dtype="int64")
    rows_out = audit[C.ROWS_OUT].to_numpy(dtype="int64")
    dropped = audit[C.DROPPED].to_numpy(dtype="int64")
    steps = audit[C.STEP].to_numpy()
    bad = np.flatnonzero((rows_in - rows_out != dropped) | (dropped < 0))
    if bad.size:
        i = bad[0]
        raise DataValidationError(
            f"reconcile: step {i} `{steps[i]}` has rows_in={rows_in[i]}, "
            f"rows_out={rows_out[i]} but dropped={dropped[i]}; expected "
            f"dropped = rows_in - rows_out >= 0"
        )
    gaps = np.flatnonzero(rows_out[:-1] != rows_in[1:])
    if gaps.size:
        i = gaps[0]
        raise DataValidationError(
            f"reconcile: step {i + 1} `{steps[i + 1]}` starts with {rows_in[i + 1]} rows but "
            f"the step before (`{steps[i]}`) ended with {rows_out[i]}; rows were lost or "
            f"added between steps"
        )
    if rows_in[0] - rows_out[-1] != dropped.sum():
        raise DataValidationError(
            f"reconcile: {rows_in[0]} rows in minus {rows_out[-1]} rows out is "
            f"{rows_in[0] - rows_out[-1]}, but the steps dropped {dropped.sum()}"
        )
    return audit


def keep_rows(
    frame: pd.DataFrame, drop: np.ndarray, *, step: str, rule: str, reason: str
) -> tuple[pd.DataFrame, AuditRow]:
    """Drop the rows flagged in ``drop`` and describe it (shared by every step).

    Parameters
    ----------
    frame : pandas.DataFrame
        Input frame (not modified).
    drop : numpy.ndarray
        Boolean mask, one entry per row, true for rows to remove.
    step, rule, reason : str
        Audit text (see :class:`AuditRow`).

    Returns
    -------
    tuple of (pandas.DataFrame, AuditRow)
        The kept rows (original index and order) and the audit row.
    """
    drop = np.asarray(drop, dtype=bool)
    out = frame[~drop]
    row = AuditRow(step, rule, len(frame), len(out), int(drop.sum()), reason)
    return out, row
