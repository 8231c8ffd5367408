"""Single train/test splitters: random, per-user and per-item stratified, time, leave-last-n."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import DataValidationError, ParameterError, UnknownNameError
from aftersales.random import Seed, rng
from aftersales.split._result import (
    Split,
    check_frame,
    check_test_size,
    make_split,
    rank_within,
    round_half_up,
    time_values,
)

SINGLETON_POLICIES: tuple[str, ...] = ("train", "raise")
"""What stratified splitters do with groups of one row: keep them in train, or raise."""


def random_split(frame: pd.DataFrame, *, test_size: float = 0.2, seed: Seed) -> Split:
    """Put a random ``test_size`` share of all rows in the test set.

    The test set has ``round(test_size * n)`` rows (halves up), at least 1 and at most
    ``n - 1``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Ratings or interactions with ``C.USER`` and ``C.ITEM``; not modified.
    test_size : float, default 0.2
        Fraction in (0, 1).
    seed : int or numpy.random.Generator
        Randomness for the row draw.

    Returns
    -------
    Split
        Train and test in input order, with cold users and items.

    Raises
    ------
    ParameterError
        If ``test_size`` is outside (0, 1) or ``seed`` is invalid.
    DataValidationError
        If the frame lacks ids or has fewer than two rows.
    """
    test_size = check_test_size(test_size)
    generator = rng(seed)
    check_frame(frame, source="random_split: `frame`")
    n = len(frame)
    n_test = int(np.clip(round_half_up(test_size * n), 1, n - 1))
    test = np.zeros(n, dtype=bool)
    test[generator.permutation(n)[:n_test]] = True
    return make_split(frame, test, method="random")


def _stratified(
    frame: pd.DataFrame, by: str, *, test_size: float, seed: Seed, singletons: str, method: str
) -> Split:
    test_size = check_test_size(test_size)
    generator = rng(seed)
    if singletons not in SINGLETON_POLICIES:
        raise UnknownNameError(
            f"`singletons` must be one of {list(SINGLETON_POLICIES)}; got {singletons!r}"
        )
    source = f"{method}_split: `frame`"
    check_frame(frame, source=source)
    codes, uniques = pd.factorize(frame[by])
    rank, sizes = rank_within(codes, generator.random(len(frame)))
    single = sizes == 1
    if single.any() and singletons == "raise":
        examples = ", ".join(repr(u) for u in uniques[single][:3])
        raise DataValidationError(
            f"{source}: {int(single.sum())} values of `{by}` have a single row (first: "
            f"{examples}) and cannot be split; pass singletons='train' to keep them in train"
        )
    n_test = np.clip(round_half_up(test_size * sizes), 1, np.maximum(sizes - 1, 0))
    n_test[single] = 0
    if single.all():
        raise DataValidationError(
            f"{source}: every value of `{by}` has a single row, so nothing can be held out"
        )
    test = rank < n_test[codes]
    return make_split(frame, test, method=method, train_only_groups=int(single.sum()))


def user_stratified_split(
    frame: pd.DataFrame, *, test_size: float = 0.2, seed: Seed, singletons: str = "train"
) -> Split:
    """Put a random ``test_size`` share of each user's rows in the test set.

    A user with ``k >= 2`` rows gives ``round(test_size * k)`` of them (halves up), at
    least 1 and at most ``k - 1``, so every such user is in both train and test and
    there are no cold users. Users with a single row cannot be split: by default they
    stay in train and are counted in ``Split.train_only_groups``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Ratings or interactions with ``C.USER`` and ``C.ITEM``; not modified.
    test_size : float, default 0.2
        Fraction of each user's rows, in (0, 1).
    seed : int or numpy.random.Generator
        Randomness for which rows go to test.
    singletons : {"train", "raise"}, default "train"
        Keep one-row users in train, or raise.

    Returns
    -------
    Split
        Train and test in input order, with cold items (cold users are impossible).

    Raises
    ------
    ParameterError
        If ``test_size`` is outside (0, 1) or ``seed`` is invalid.
    UnknownNameError
        If ``singletons`` is not a known policy.
    DataValidationError
        If ids are missing, or a user has one row and ``singletons="raise"``, or every
        user has one row.
    """
    return _stratified(
        frame,
        C.USER,
        test_size=test_size,
        seed=seed,
        singletons=singletons,
        method="user_stratified",
    )


def item_stratified_split(
    frame: pd.DataFrame, *, test_size: float = 0.2, seed: Seed, singletons: str = "train"
) -> Split:
    """Put a random ``test_size`` share of each item's rows in the test set.

    The per-item mirror of :func:`user_stratified_split`: no cold items; items with a
    single row stay in train (counted in ``Split.train_only_groups``) or raise.

    Parameters
    ----------
    frame : pandas.DataFrame
        Ratings or interactions with ``C.USER`` and ``C.ITEM``; not modified.
    test_size : float, default 0.2
        Fraction of each item's rows, in (0, 1).
    seed : int or numpy.random.Generator
        Randomness for which rows go to test.
    singletons : {"train", "raise"}, default "train"
        Keep one-row items in train, or raise.

    Returns
    -------
    Split
        Train and test in input order, with cold users (cold items are impossible).

    Raises
    ------
    ParameterError
        If ``test_size`` is outside (0, 1) or ``seed`` is invalid.
    UnknownNameError
        If ``singletons`` is not a known policy.
    DataValidationError
        If ids are missing, or an item has one row and ``singletons="raise"``, or every
        item has one row.
    """
    return _stratified(
        frame,
        C.ITEM,
        test_size=test_size,
        seed=seed,
        singletons=singletons,
        method="item_stratified",
    )


def time_split(
    frame: pd.DataFrame,
    *,
    test_size: float | None = None,
    cutoff: object = None,
    seed: Seed | None = None,
) -> Split:
    """Put every row at or after one global cut-off time in the test set.

    Give either ``cutoff`` (a time comparable with ``C.TIMESTAMP``) or ``test_size``: then
    the cut-off is the time of the row at position ``n - round(test_size * n)`` in time
    order, and rows tied with it all go to test, so the test share can be a little larger.
    Neither given means ``test_size=0.2``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Ratings or interactions with ``C.USER``, ``C.ITEM`` and ``C.TIMESTAMP``; not modified.
    test_size : float, optional
        Approximate fraction of rows in test, in (0, 1).
    cutoff : datetime-like or number, optional
        Rows with ``C.TIMESTAMP >= cutoff`` go to test; a time without a zone is read in
        the column's zone (UTC for canonical frames).
    seed : int or numpy.random.Generator, optional
        Validated but unused: the cut is deterministic (accepted so every splitter has the
        same interface).

    Returns
    -------
    Split
        Train (before the cut) and test, with cold users and items.

    Raises
    ------
    ParameterError
        If both ``cutoff`` and ``test_size`` are given, ``test_size`` is outside (0, 1),
        ``cutoff`` is not a time, or ``seed`` is invalid.
    DataValidationError
        If the frame has no timestamps, or the cut leaves train or test empty.
    """
    if seed is not None:
        rng(seed)
    if cutoff is not None and test_size is not None:
        raise ParameterError("give `cutoff` or `test_size` to time_split, not both")
    source = "time_split: `frame`"
    check_frame(frame, source=source)
    times = time_values(frame, source=source)
    if cutoff is None:
        size = check_test_size(0.2 if test_size is None else test_size)
        n = len(frame)
        n_test = int(np.clip(round_half_up(size * n), 1, n - 1))
        threshold = np.sort(times)[n - n_test]
        test = times >= threshold
        shown = frame[C.TIMESTAMP].iloc[int(np.argmax(times == threshold))]
    else:
        shown = _as_cutoff(frame[C.TIMESTAMP], cutoff)
        test = (frame[C.TIMESTAMP] >= shown).to_numpy(dtype=bool)
    if test.all() or not test.any():
        raise DataValidationError(
            f"{source}: cut-off {shown} puts {int(test.sum())} of {len(frame)} rows in test; "
            f"both train and test need rows (many rows share the cut-off time?)"
        )
    return make_split(frame, test, method="time")


def _as_cutoff(stamps: pd.Series, cutoff: object) -> object:
    if not pd.api.types.is_datetime64_any_dtype(stamps.dtype):
        return cutoff
    try:
        moment = pd.Timestamp(cutoff)
    except (TypeError, ValueError):
        raise ParameterError(f"`cutoff` must be a date/time; got {cutoff!r}") from None
    zone = getattr(stamps.dtype, "tz", None)
    if zone is None:
        return moment.tz_localize(None) if moment.tz is not None else moment
    return moment.tz_localize(zone) if moment.tz is None else moment.tz_convert(zone)


def leave_last_n_split(frame: pd.DataFrame, *, n: int = 1, seed: Seed) -> Split:
    """Put each user's ``n`` most recent rows in the test set.

    Rows with equal times are ordered at random (by ``seed``). Users with ``n`` rows or
    fewer stay entirely in train and are counted in ``Split.train_only_groups``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Ratings or interactions with ``C.USER``, ``C.ITEM`` and ``C.TIMESTAMP``; not modified.
    n : int, default 1
        Rows per user to hold out, >= 1.
    seed : int or numpy.random.Generator
        Randomness for breaking ties in time.

    Returns
    -------
    Split
        Train and test in input order, with cold items (cold users are impossible).

    Raises
    ------
    ParameterError
        If ``n`` is not an integer >= 1 or ``seed`` is invalid.
    DataValidationError
        If the frame has no timestamps, or no user has more than ``n`` rows.
    """
    validate.integer(n, "n")
    generator = rng(seed)
    source = "leave_last_n_split: `frame`"
    check_frame(frame, source=source)
    times = time_values(frame, source=source)
    codes, _ = pd.factorize(frame[C.USER])
    rank, sizes = rank_within(codes, generator.random(len(frame)), times)
    from_end = sizes[codes] - 1 - rank
    small = sizes <= n
    if small.all():
        raise DataValidationError(
            f"{source}: no user has more than n={n} rows, so nothing can be held out"
        )
    test = (from_end < n) & ~small[codes]
    return make_split(frame, test, method="leave_last_n", train_only_groups=int(small.sum()))
