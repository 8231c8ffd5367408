"""What each notebook needs from the data, and which notebooks a data set supports.

A notebook needs some canonical columns (:mod:`aftersales.columns`); a data set supports it
when it holds them with at least one value. :func:`capabilities` answers per notebook with
the missing columns (empty: supported), so a params file can omit ``notebooks:`` and get
every notebook its data supports, and asking for one it cannot support is refused before
anything runs, naming what is missing.

| notebook | needs |
| --- | --- |
| 01.00 | anything a loader accepts |
| 02.00, 02.01, 04.00 | ratings: user, item, rating; transactions: customer, item |
| 02.02 | as 02.00; transactions also a timestamp (the test period is the last months) |
| 03.00 | transactions: customer, timestamp (money for monetary parts, else a note) |
| 03.01 | transactions: item and an invoice (or customer and timestamp to derive one) |
| 03.02 | transactions: customer, item, timestamp (it reads the run's customer store) |
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pandas as pd

from aftersales import columns as C
from aftersales import datasets
from aftersales.errors import ParameterError

NOTEBOOKS: tuple[str, ...] = (
    "01.00",
    "02.00",
    "02.01",
    "02.02",
    "03.00",
    "03.01",
    "03.02",
    "04.00",
)
"""The canonical notebooks whose needs are known."""

REGISTERED_COLUMNS: dict[str, frozenset[str]] = {
    "movielens-100k": frozenset({C.USER, C.ITEM, C.RATING, C.TIMESTAMP}),
    "online-retail": frozenset(
        {
            C.INVOICE,
            C.ITEM,
            C.DESCRIPTION,
            C.QUANTITY,
            C.UNIT_PRICE,
            C.TIMESTAMP,
            C.CUSTOMER,
            C.COUNTRY,
        }
    ),
}
"""Columns of the registered data sets, known without loading them."""

Need = tuple[tuple[str, ...], ...]
"""Alternatives: the need is met when every column of one alternative is present."""

NEEDS: dict[str, dict[str, tuple[Need, ...]]] = {
    "ratings": {
        "01.00": (),
        "02.00": (((C.USER,),), ((C.ITEM,),), ((C.RATING,),)),
        "02.01": (((C.USER,),), ((C.ITEM,),), ((C.RATING,),)),
        "02.02": (((C.USER,),), ((C.ITEM,),), ((C.RATING,),)),
        "04.00": (((C.USER,),), ((C.ITEM,),), ((C.RATING,),)),
    },
    "transactions": {
        "01.00": (),
        "02.00": (((C.CUSTOMER,),), ((C.ITEM,),)),
        "02.01": (((C.CUSTOMER,),), ((C.ITEM,),)),
        "02.02": (((C.CUSTOMER,),), ((C.ITEM,),), ((C.TIMESTAMP,),)),
        "03.00": (((C.CUSTOMER,),), ((C.TIMESTAMP,),)),
        "03.01": (((C.ITEM,),), ((C.INVOICE,), (C.CUSTOMER, C.TIMESTAMP))),
        "03.02": (((C.CUSTOMER,),), ((C.ITEM,),), ((C.TIMESTAMP,),)),
        "04.00": (((C.CUSTOMER,),), ((C.ITEM,),)),
    },
}
"""Kind -> notebook -> needs; a notebook absent for a kind needs the other kind."""

MONEY: Need = ((C.REVENUE,), (C.QUANTITY, C.UNIT_PRICE))
"""Monetary analyses need a revenue, or a quantity and a unit price."""

CHRONOLOGICAL = ("time", "leave_last_n")
"""Split methods that order interactions by time."""


def _missing(need: Need, present: Collection[str]) -> tuple[str, ...]:
    gaps = [tuple(c for c in option if c not in present) for option in need]
    if any(not gap for gap in gaps):
        return ()
    if len(gaps) == 1:
        return gaps[0]
    return (" or ".join("+".join(gap) for gap in gaps),)


def capabilities(kind: str, present: Collection[str]) -> dict[str, tuple[str, ...]]:
    """Return, per notebook, what the data lacks to run it.

    Parameters
    ----------
    kind : {"transactions", "ratings"}
        What the data set holds.
    present : collection of str
        Canonical columns holding at least one value.

    Returns
    -------
    dict
        Notebook number -> missing columns (empty: supported). Alternatives read
        ``"invoice_id or customer_id+timestamp"``; a notebook that needs the other kind
        lists ``"kind: transactions"``.

    Raises
    ------
    ParameterError
        If ``kind`` is unknown.
    """
    if kind not in NEEDS:
        raise ParameterError(f"unknown data kind {kind!r}; choose one of {sorted(NEEDS)}")
    result: dict[str, tuple[str, ...]] = {}
    for number in NOTEBOOKS:
        needs = NEEDS[kind].get(number)
        if needs is None:
            other = next(k for k in NEEDS if number in NEEDS[k])
            result[number] = (f"kind: {other}",)
            continue
        result[number] = tuple(gap for need in needs for gap in _missing(need, present))
    return result


def has_money(present: Collection[str]) -> bool:
    """Return whether monetary analyses can run (revenue, or quantity and unit price).

    Parameters
    ----------
    present : collection of str
        Canonical columns holding at least one value.

    Returns
    -------
    bool
        True when money can be computed.
    """
    return not _missing(MONEY, present)


def present_columns(frame: pd.DataFrame) -> frozenset[str]:
    """Return the canonical columns of a frame that hold at least one value.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical ratings or transactions.

    Returns
    -------
    frozenset of str
        Column names with a non-missing value.
    """
    return frozenset(name for name in frame.columns if frame[name].notna().any())


def dataset_columns(dataset: str) -> tuple[str, frozenset[str]]:
    """Return a data set's kind and its canonical columns holding values.

    Registered sets are known without loading; a source is loaded (through its cache).

    Parameters
    ----------
    dataset : str
        A registered name or the path of a source file.

    Returns
    -------
    (str, frozenset of str)
        The kind and the present columns.

    Raises
    ------
    UnknownNameError, DataValidationError, ParameterError
        If the data set is unknown, or the source is missing, invalid or unreadable.
    """
    if dataset in REGISTERED_COLUMNS:
        return datasets.spec(dataset).kind, REGISTERED_COLUMNS[dataset]
    entry = datasets.spec(dataset)
    return entry.kind, present_columns(datasets.load(dataset))


def supported(dataset: str) -> list[str]:
    """Return the notebooks a data set supports, in run order.

    Parameters
    ----------
    dataset : str
        A registered name or the path of a source file.

    Returns
    -------
    list of str
        Notebook numbers.

    Raises
    ------
    UnknownNameError, DataValidationError, ParameterError
        As :func:`dataset_columns`.
    """
    kind, present = dataset_columns(dataset)
    return [n for n, gap in capabilities(kind, present).items() if not gap]


def require(
    dataset: str,
    notebooks: Collection[str],
    *,
    split_methods: Mapping[str, str] | None = None,
    where: str = "",
) -> None:
    """Refuse notebooks the data cannot support, naming the missing columns.

    Parameters
    ----------
    dataset : str
        A registered name or the path of a source file.
    notebooks : collection of str
        Notebook numbers asked for (unknown numbers are not checked here).
    split_methods : Mapping[str, str], optional
        Notebook -> its ``split_method``; a chronological split also needs timestamps.
    where : str, optional
        Prefix of the message (the params file).

    Raises
    ------
    ParameterError
        Naming each unsupported notebook and what it lacks.
    UnknownNameError, DataValidationError
        As :func:`dataset_columns`.
    """
    kind, present = dataset_columns(dataset)
    table = capabilities(kind, present)
    problems = []
    for number in notebooks:
        gap = list(table.get(number, ()))
        method = (split_methods or {}).get(number)
        if method in CHRONOLOGICAL and C.TIMESTAMP not in present and number != "03.00":
            gap.append(f"{C.TIMESTAMP} (split_method {method!r} orders by time)")
        if gap:
            problems.append(f"{number} needs {', '.join(gap)}")
    if problems:
        prefix = f"{where}: " if where else ""
        can = [n for n, g in table.items() if not g]
        raise ParameterError(
            f"{prefix}data set {dataset!r} cannot run {'; '.join(problems)}; it supports "
            f"{can} (omit `notebooks:` to run exactly those)"
        )


def describe(kind: str, present: Collection[str]) -> pd.DataFrame:
    """Return the capability table as a frame for printing.

    Parameters
    ----------
    kind : {"transactions", "ratings"}
        What the data set holds.
    present : collection of str
        Canonical columns holding at least one value.

    Returns
    -------
    pandas.DataFrame
        ``notebook``, ``status`` (``"yes"`` or ``"no"``) and ``note`` (missing columns,
        or that monetary parts are off).
    """
    rows = []
    for number, gap in capabilities(kind, present).items():
        note = f"missing {', '.join(gap)}" if gap else ""
        if not gap and number == "03.00" and not has_money(present):
            note = "monetary parts off: no revenue, nor quantity and unit_price"
        if not gap and C.TIMESTAMP not in present and number != "01.00":
            note = "no timestamps: chronological splits unavailable"
        rows.append({"notebook": number, "status": "no" if gap else "yes", "note": note})
    return pd.DataFrame(rows, columns=["notebook", "status", "note"])
