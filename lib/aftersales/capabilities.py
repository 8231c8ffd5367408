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
| 02.03 | as 02.02, plus item content: a title, genres, description or category |
| 03.00 | transactions: customer, timestamp (money for monetary parts, else a note) |
| 03.01 | transactions: item and an invoice (or customer and timestamp to derive one) |
| 03.02 | transactions: customer, item, timestamp (it reads the run's customer store) |
| 03.03 | transactions: customer, item, timestamp, quantity and unit price (or revenue) |
| 03.04 | transactions: customer, timestamp (money for the value at risk, else missing) |
| 04.01 | campaign: treatment and outcome (a campaign runs 04.01 only) |
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from aftersales import columns as C
from aftersales import datasets
from aftersales.errors import ParameterError

NOTEBOOKS: tuple[str, ...] = (
    "01.00",
    "02.00",
    "02.01",
    "02.02",
    "02.03",
    "03.00",
    "03.01",
    "03.02",
    "03.03",
    "03.04",
    "04.00",
    "04.01",
)
"""The canonical notebooks whose needs are known."""

REGISTERED_COLUMNS: dict[str, frozenset[str]] = {
    "movielens-100k": frozenset({C.USER, C.ITEM, C.RATING, C.TIMESTAMP, C.TITLE, C.GENRES}),
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
    "hillstrom": frozenset({C.CUSTOMER, C.TREATMENT, C.OUTCOME, C.VISIT, C.SPEND}),
}
"""Columns of the registered data sets, known without loading them."""

Need = tuple[tuple[str, ...], ...]
"""Alternatives: the need is met when every column of one alternative is present."""

MONEY: Need = ((C.REVENUE,), (C.QUANTITY, C.UNIT_PRICE))
"""Monetary analyses need a revenue, or a quantity and a unit price."""

NEEDS: dict[str, dict[str, tuple[Need, ...]]] = {
    "ratings": {
        "01.00": (),
        "02.00": (((C.USER,),), ((C.ITEM,),), ((C.RATING,),)),
        "02.01": (((C.USER,),), ((C.ITEM,),), ((C.RATING,),)),
        "02.02": (((C.USER,),), ((C.ITEM,),), ((C.RATING,),)),
        "02.03": (((C.USER,),), ((C.ITEM,),), ((C.RATING,),), ((C.TITLE,), (C.GENRES,))),
        "04.00": (((C.USER,),), ((C.ITEM,),), ((C.RATING,),)),
    },
    "transactions": {
        "01.00": (),
        "02.00": (((C.CUSTOMER,),), ((C.ITEM,),)),
        "02.01": (((C.CUSTOMER,),), ((C.ITEM,),)),
        "02.02": (((C.CUSTOMER,),), ((C.ITEM,),), ((C.TIMESTAMP,),)),
        "02.03": (
            ((C.CUSTOMER,),),
            ((C.ITEM,),),
            ((C.TIMESTAMP,),),
            ((C.DESCRIPTION,), (C.CATEGORY,)),
        ),
        "03.00": (((C.CUSTOMER,),), ((C.TIMESTAMP,),)),
        "03.01": (((C.ITEM,),), ((C.INVOICE,), (C.CUSTOMER, C.TIMESTAMP))),
        "03.02": (((C.CUSTOMER,),), ((C.ITEM,),), ((C.TIMESTAMP,),)),
        "03.03": (((C.CUSTOMER,),), ((C.ITEM,),), ((C.TIMESTAMP,),), MONEY),
        "03.04": (((C.CUSTOMER,),), ((C.TIMESTAMP,),)),
        "04.00": (((C.CUSTOMER,),), ((C.ITEM,),)),
    },
    "campaign": {
        "04.01": (((C.TREATMENT,),), ((C.OUTCOME,),)),
    },
}
"""Kind -> notebook -> needs; a notebook absent for a kind needs the other kind."""

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
    kind : {"transactions", "ratings", "campaign"}
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
            other = " or ".join(k for k in NEEDS if number in NEEDS[k])
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
        if not gap and C.TIMESTAMP not in present and number != "01.00" and kind != "campaign":
            note = "no timestamps: chronological splits unavailable"
        rows.append({"notebook": number, "status": "no" if gap else "yes", "note": note})
    return pd.DataFrame(rows, columns=["notebook", "status", "note"])


SECTION_NEEDS: dict[str, Need] = {
    "items": ((C.ITEM,),),
    "money": MONEY,
    "overview": ((C.ITEM, C.RATING), (C.ITEM, C.QUANTITY, C.UNIT_PRICE)),
}
"""What a notebook section may need from the cleaned data, by name.

``items``: item ids (interactions, the k-core, the split); ``money``: a revenue, or quantity
and unit price (monetary value, revenue shares, spend and lifetime value); ``overview``:
01.00's first-look figures, ratings or priced item lines (quantity per line, revenue per
month and country).
"""

SECTION_REASONS: dict[str, str] = {
    "items": "the data has no item ids (an order-level export: one row per order)",
    "money": "the data has no money (neither `revenue` nor `quantity` and `unit_price`)",
    "overview": "these figures need ratings, or item lines with `quantity` and `unit_price`",
}
"""Why a section is off, per need."""


@dataclass(frozen=True)
class Off:
    """A notebook section switched off because the data lacks what it needs.

    Shown in a notebook as one line saying what is off and why. It stands in for the
    section's result: indexing it (``figures["monthly"]``) returns it, and
    :meth:`Sections.run` returns it again when it is passed to a later step, so the cells
    that follow show the same note instead of failing.

    Attributes
    ----------
    what : str
        The step switched off (the function's name).
    needs : tuple of str
        The missing needs (keys of :data:`SECTION_NEEDS`).
    reason : str
        Why, in words.
    """

    what: str
    needs: tuple[str, ...]
    reason: str

    def __str__(self) -> str:
        return f"Off: {self.what}: {self.reason}."

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        return f"**Off:** `{self.what}`: {self.reason}."

    def __getitem__(self, _: object) -> Off:
        return self


class Sections:
    """Which notebook sections the data can feed; runs a section or returns an :class:`Off`.

    Parameters
    ----------
    present : collection of str
        Canonical columns holding at least one value (see :func:`present_columns`).
    """

    def __init__(self, present: Collection[str]) -> None:
        self.present = frozenset(present)

    def __repr__(self) -> str:
        on = [name for name in SECTION_NEEDS if self.can(name)]
        return f"Sections(on={on}, off={[n for n in SECTION_NEEDS if n not in on]})"

    def can(self, need: str) -> bool:
        """Return whether the data meets a named need.

        Parameters
        ----------
        need : str
            A key of :data:`SECTION_NEEDS`.

        Returns
        -------
        bool
            True when the need is met.

        Raises
        ------
        ParameterError
            If ``need`` is unknown.
        """
        if need not in SECTION_NEEDS:
            raise ParameterError(f"unknown need {need!r}; choose one of {sorted(SECTION_NEEDS)}")
        return not _missing(SECTION_NEEDS[need], self.present)

    def run(
        self, needs: str | tuple[str, ...], step: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> Any:
        """Run ``step(*args, **kwargs)`` when the data meets ``needs``, else return an Off note.

        Parameters
        ----------
        needs : str or tuple of str
            Keys of :data:`SECTION_NEEDS` the step needs.
        step : callable
            The package function the section calls.
        *args, **kwargs
            Its arguments; an :class:`Off` among them is returned as it is (the step it
            came from is off, so this one is too).

        Returns
        -------
        object
            The step's result, or an :class:`Off` naming the step and what is missing.

        Raises
        ------
        ParameterError
            If a need is unknown.
        """
        wanted = (needs,) if isinstance(needs, str) else tuple(needs)
        missing = tuple(need for need in wanted if not self.can(need))
        what = getattr(step, "__name__", str(step))
        if missing:
            return Off(what, missing, "; ".join(SECTION_REASONS[n] for n in missing))
        for value in (*args, *kwargs.values()):
            if isinstance(value, Off):
                return value
        return step(*args, **kwargs)


def sections(frame: pd.DataFrame) -> Sections:
    """Return which sections a cleaned frame can feed.

    Parameters
    ----------
    frame : pandas.DataFrame
        Cleaned canonical transactions or ratings.

    Returns
    -------
    Sections
        Built from the frame's columns holding values.
    """
    return Sections(present_columns(frame))


def available(*results: Mapping[str, Any] | Off) -> dict[str, Any]:
    """Merge named results, leaving out the sections switched off.

    Parameters
    ----------
    *results : Mapping[str, object] or Off
        Name -> figure, table or :class:`Off`; a whole :class:`Off` in place of a mapping
        (e.g. a switched-off ``plots.overview``) adds nothing.

    Returns
    -------
    dict
        The mappings merged (later ones win) without :class:`Off` values, for
        :func:`aftersales.outputs.write`.
    """
    merged: dict[str, Any] = {}
    for mapping in results:
        if not isinstance(mapping, Off):
            merged |= {k: v for k, v in mapping.items() if not isinstance(v, Off)}
    return merged
