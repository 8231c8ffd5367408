"""The due list: repeat pairs due or overdue at the reference date, with the evidence in words."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import outputs
from aftersales.errors import DataValidationError
from aftersales.replenish._schedule import LISTED, SCHEDULE_COLUMNS

DUE_COLUMNS: tuple[str, ...] = (
    C.CUSTOMER,
    C.ITEM,
    C.DESCRIPTION,
    C.LAST_PURCHASE,
    C.PURCHASE_DAYS,
    C.USUAL_INTERVAL,
    C.EXPECTED_DATE,
    C.DAYS_OVERDUE,
    C.STATUS,
    C.EVIDENCE,
)
"""Columns of :func:`due_list`, in this order."""


def _days(values: np.ndarray) -> np.ndarray:
    """Whole numbers of days as text: ``1 day``, ``2 days``."""
    return np.char.add(values.astype(str), np.where(values == 1, " day", " days"))


def evidence(table: pd.DataFrame, *, shrinkage: float = 1.0) -> pd.Series:
    """Say why a pair is listed: ``"bought every ~30 days, last 41 days ago"``.

    The usual interval is rounded to whole days. When the item's interval weighs at least
    as much as the customer's own (``n_intervals <= shrinkage``), the sentence gives both:
    ``"bought on 2 days, 20 days apart; its buyers' usual is ~40 days; last 41 days ago"``.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows of :func:`aftersales.replenish.schedule`; not modified.
    shrinkage : float, default 1.0
        The shrinkage the schedule was made with.

    Returns
    -------
    pandas.Series
        One sentence per row, on the table's index.

    Raises
    ------
    DataValidationError
        If a schedule column is missing.
    """
    missing = [c for c in SCHEDULE_COLUMNS if c not in table.columns]
    if missing:
        raise DataValidationError(f"replenish.evidence: `table` lacks column(s) {missing}")
    usual = np.floor(table[C.USUAL_INTERVAL].to_numpy(dtype="float64") + 0.5).astype("int64")
    item = np.floor(table[C.ITEM_INTERVAL].to_numpy(dtype="float64") + 0.5).astype("int64")
    own = np.floor(table[C.OWN_INTERVAL].to_numpy(dtype="float64") + 0.5).astype("int64")
    since = table[C.DAYS_SINCE].to_numpy(dtype="int64")
    days = table[C.PURCHASE_DAYS].to_numpy(dtype="int64")
    gaps = table[C.N_INTERVALS].to_numpy(dtype="int64")
    last = np.char.add(np.char.add("last ", _days(since)), " ago")
    plain = np.char.add(np.char.add("bought every ~", _days(usual)), np.char.add(", ", last))
    apart = np.where(gaps == 1, " apart", " apart (median)")
    few = np.char.add(np.char.add("bought on ", days.astype(str)), " days, ")
    few = np.char.add(np.char.add(few, _days(own)), apart)
    few = np.char.add(np.char.add(few, "; its buyers' usual is ~"), _days(item))
    few = np.char.add(np.char.add(few, "; "), last)
    text = np.where(gaps <= shrinkage, few, plain)
    return pd.Series(text.astype(object), index=table.index, name=C.EVIDENCE, dtype="str")


def due_list(
    table: pd.DataFrame,
    *,
    key: bytes | str,
    names: Mapping[object, str] | pd.Series | None = None,
    shrinkage: float = 1.0,
    raw_ids: bool = False,
) -> pd.DataFrame:
    """Return the due and overdue pairs of a schedule, most overdue first, ready to share.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`aftersales.replenish.schedule`; not modified.
    key : bytes or str
        Pseudonymisation key (``aftersales.outputs.pseudonym_key``).
    names : mapping or pandas.Series, optional
        Item id -> description.
    shrinkage : float, default 1.0
        The shrinkage the schedule was made with (for the evidence).
    raw_ids : bool, default False
        Keep raw customer ids (personal data); by default they become keyed pseudonyms.

    Returns
    -------
    pandas.DataFrame
        :data:`DUE_COLUMNS`; sorted by days overdue (descending), customer and item. May be
        empty when nothing is due.

    Raises
    ------
    DataValidationError
        If a schedule column is missing.
    """
    text = evidence(table, shrinkage=shrinkage)
    listed = table[C.STATUS].isin(LISTED).to_numpy()
    lookup = {} if names is None else names
    rows = table.loc[listed].assign(**{C.EVIDENCE: text[listed]})
    rows = rows.assign(
        **{C.DESCRIPTION: pd.array([lookup.get(i) for i in rows[C.ITEM]], dtype="str")}
    )
    rows = rows.sort_values(
        [C.DAYS_OVERDUE, C.CUSTOMER, C.ITEM], ascending=[False, True, True], kind="stable"
    )
    rows = rows[list(DUE_COLUMNS)].reset_index(drop=True)
    return rows if raw_ids else outputs.shareable(rows, key=key)
