"""The realistic retail setting: train on purchases before a date, test on the month after."""

from __future__ import annotations

import pandas as pd

from aftersales import columns as C
from aftersales import interactions, validate
from aftersales import split as splitters
from aftersales.errors import DataValidationError, ParameterError

_LINE_COLUMNS = (C.CUSTOMER, C.ITEM, C.INVOICE, C.QUANTITY, C.UNIT_PRICE, C.TIMESTAMP)


def purchase_time_split(
    transactions: pd.DataFrame,
    *,
    cutoff: object = None,
    weight: str = "count",
    repeat_purchases: bool = False,
) -> splitters.Split:
    """Split cleaned purchase lines at a date and aggregate each side to interactions.

    Lines at or after ``cutoff`` (``split.time_split``) form the test period; each side
    is aggregated per (customer, item) with ``interactions.aggregate`` and given an
    implicit weight with ``interactions.to_implicit``, so a pair bought in both periods
    is in train with its past purchases only. Aggregating after the cut (not splitting
    aggregated pairs by their last purchase) keeps the test period's purchases out of
    the training weights.

    Parameters
    ----------
    transactions : pandas.DataFrame
        Cleaned transaction lines (``aftersales.clean.clean_transactions``): a customer,
        positive quantity and unit price on every line; not modified.
    cutoff : datetime-like, optional
        First moment of the test period; default one calendar month before the last
        line (the last month of purchases).
    weight : {"count", "quantity", "revenue", "binary"}, default "count"
        Implicit weight of both sides (see ``interactions.WEIGHTS``).
    repeat_purchases : bool, default False
        Keep test pairs the customer had already bought before the cut-off. By default
        they are dropped: with seen items excluded from the lists they cannot be hit,
        and "what to buy next" asks for new items.

    Returns
    -------
    aftersales.split.Split
        ``train`` and ``test`` interactions (``C.USER``, ``C.ITEM``, ``C.WEIGHT``,
        ``C.TIMESTAMP`` = last purchase, then the aggregates), method ``"time"``, with
        the customers and items first seen in the test period as cold.

    Raises
    ------
    DataValidationError
        If a column is missing, the lines are not clean, a side of the cut is empty,
        or no new purchase is left in the test period.
    UnknownNameError
        If ``weight`` is not registered.
    ParameterError
        If ``cutoff`` is not a time.
    """
    source = "purchase_time_split: `transactions`"
    validate.require_columns(transactions, _LINE_COLUMNS, source=source)
    validate.require_rows(transactions, source=source)
    lines = transactions[list(_LINE_COLUMNS)]
    if cutoff is None:
        cutoff = lines[C.TIMESTAMP].max() - pd.DateOffset(months=1)
    parts = splitters.time_split(lines.assign(**{C.USER: lines[C.CUSTOMER]}), cutoff=cutoff)
    sides = [
        interactions.to_implicit(interactions.aggregate(part.drop(columns=[C.USER])), weight=weight)
        for part in (parts.train, parts.test)
    ]
    train, test = sides
    if not repeat_purchases:
        known = pd.MultiIndex.from_frame(train[[C.USER, C.ITEM]])
        test = test[~pd.MultiIndex.from_frame(test[[C.USER, C.ITEM]]).isin(known)]
        if len(test) == 0:
            raise DataValidationError(
                f"{source}: every purchase from {cutoff} on repeats an earlier one; pass "
                "repeat_purchases=True or an earlier cutoff"
            )
    cold_users = pd.Index(test[C.USER].unique()).difference(pd.Index(train[C.USER].unique()))
    cold_items = pd.Index(test[C.ITEM].unique()).difference(pd.Index(train[C.ITEM].unique()))
    return splitters.Split(
        train.reset_index(drop=True),
        test.reset_index(drop=True),
        cold_users,
        cold_items,
        "time",
    )


def validation_split(
    transactions: pd.DataFrame,
    cutoff: object,
    *,
    months: int = 1,
    weight: str = "count",
    rating_scheme: str | None = None,
) -> splitters.Split:
    """Carve a validation split from the purchases before ``cutoff`` only.

    The lines before ``cutoff`` are split by :func:`purchase_time_split` at ``months``
    calendar months before it: the earlier lines train, the window up to ``cutoff``
    validates. Nothing at or after ``cutoff`` is read, so a tuner given this split never
    sees the test period (02.02's validation period, and 04.00's before its export).

    Parameters
    ----------
    transactions : pandas.DataFrame
        Cleaned transaction lines, as :func:`purchase_time_split` takes; not modified.
    cutoff : datetime-like
        First moment of the test period (the end of the validation window).
    months : int, default 1
        Calendar months of the validation window.
    weight : str, default "count"
        Implicit weight of both sides (``interactions.WEIGHTS``).
    rating_scheme : str, optional
        Rate both sides 1-5 with ``interactions.to_ratings`` and keep ``C.USER``,
        ``C.ITEM``, ``C.RATING`` and ``C.TIMESTAMP`` only, as the models of a rated
        protocol are fitted; None keeps the weighted interactions.

    Returns
    -------
    aftersales.split.Split
        Validation ``train`` and ``test`` (method ``"time"``).

    Raises
    ------
    ParameterError
        If ``months`` is not a positive integer or ``cutoff`` is not a time.
    DataValidationError
        As :func:`purchase_time_split` (e.g. no purchase before the validation window).
    UnknownNameError
        If ``weight`` or ``rating_scheme`` is not registered.
    """
    months = validate.integer(months, "months")
    validate.require_columns(transactions, [C.TIMESTAMP], source="validation_split")
    try:
        stamp = pd.Timestamp(cutoff)
    except (TypeError, ValueError):
        stamp = pd.NaT
    if pd.isna(stamp):
        raise ParameterError(f"`cutoff` must be a time; got {cutoff!r}")
    earlier = transactions[transactions[C.TIMESTAMP] < stamp]
    parts = purchase_time_split(earlier, cutoff=stamp - pd.DateOffset(months=months), weight=weight)
    if rating_scheme is None:
        return parts
    kept = [C.USER, C.ITEM, C.RATING, C.TIMESTAMP]
    train, test = (
        interactions.to_ratings(side, rating_scheme)[kept] for side in (parts.train, parts.test)
    )
    return splitters.Split(train, test, parts.cold_users, parts.cold_items, parts.method)


def user_groups(frame: pd.DataFrame, column: str, *, user: str = C.CUSTOMER) -> pd.Series:
    """Return each user's most frequent value of ``column`` (e.g. their country).

    The mapping ``Popularity(group=...)`` takes. Ties go to the value that sorts first.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows with ``user`` and ``column`` (transaction lines, interactions); not modified.
    column : str
        The grouping column, e.g. ``C.COUNTRY`` or ``C.SEGMENT``.
    user : str, default ``C.CUSTOMER``
        The user id column (``C.USER`` for interactions).

    Returns
    -------
    pandas.Series
        Indexed by user id, named ``column``; users whose values are all missing are
        left out.

    Raises
    ------
    DataValidationError
        If a column is missing or no row has both values.
    """
    source = "user_groups: `frame`"
    validate.require_columns(frame, [user, column], source=source)
    pairs = frame[[user, column]].dropna()
    if len(pairs) == 0:
        raise DataValidationError(f"{source}: no row has both `{user}` and `{column}`")
    counts = pairs.groupby([user, column]).size().rename(C.N_ROWS).reset_index()
    counts = counts.sort_values([user, C.N_ROWS, column], ascending=[True, False, True])
    return counts.drop_duplicates(user).set_index(user)[column]
