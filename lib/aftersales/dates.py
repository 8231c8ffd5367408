"""Read a date/time column exactly: declared formats, day/month orders, time zones.

Dates are never guessed. A column is parsed

- with ``date_format`` (strptime codes) when one is declared, exactly;
- otherwise by the shape of its texts, each shape with an explicit format: ISO-like
  ``yyyy-mm-dd``/``yyyy/mm/dd`` (with optional time and offset) needs nothing; numeric
  ``a/b/yyyy`` (or ``-``, ``.``, space, two-digit years) is read day-first or month-first
  only when ``dayfirst`` says so or when no row reads both ways; texts with an English month
  name (``5 Jan 2011``) are parsed row by row, the month being named.

Parsing works on the column's distinct texts (a 1M-row export holds far fewer), each shape
with one vectorised :func:`pandas.to_datetime` call. Times without an offset are wall-clock
times in ``timezone`` (converted to UTC) or, without one, taken as UTC and reported in the
audit. Daylight-saving changes are resolved, never refused, and counted in the audit: a
time in the repeated hour (clocks going back) is read as its first, summer-time, occurrence;
a time in the skipped hour (clocks going forward) is shifted forward by the gap.
"""

from __future__ import annotations

import difflib
import logging
import re
import zoneinfo
from typing import NamedTuple

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import AmbiguousDatesError, DataValidationError, ParameterError

log = logging.getLogger(__name__)

MAX_EXAMPLES = 3
SAMPLE = 2000
"""Distinct texts classified per round to find the column's shapes (each shape is then
parsed over every remaining text at once)."""

EPOCH_UNITS = validate.EPOCH_UNITS
"""Units of numeric (epoch) timestamps."""

_TIME = (
    r"(?P<tsep>[T ]+)(?P<H>\d{1,2}):(?P<M>\d{2})"
    r"(?::(?P<S>\d{2})(?P<F>[.,]\d{1,9})?)?(?P<P>\s*[AaPp][Mm])?"
)
_SHAPE = re.compile(
    r"(?P<a>\d{1,4})(?P<sep>[-/. ])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,4})"
    rf"(?:{_TIME})?(?P<Z>\s*(?:Z|[+-]\d{{2}}:?\d{{2}}))?"
)
_MONTH_NAME = r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
_ZONE_SUFFIX = r"(?i)(?:Z|[+-]\d{2}:?\d{2}|\bUTC|\bGMT)$"
_DIGITS = r"\s*-?\d+(\.\d*)?\s*"
_FIRST, _SECOND = "<1>", "<2>"
_NAT = np.datetime64("NaT", "ns")


class Parsed(NamedTuple):
    """A parsed column and the audit rows (``C.AUDIT_COLUMNS``) of what was assumed."""

    values: pd.Series
    audit: pd.DataFrame


def check_options(
    *,
    source: str,
    unit: str | None = None,
    date_format: str | None = None,
    dayfirst: bool | None = None,
    timezone: str | None = None,
) -> zoneinfo.ZoneInfo | None:
    """Check the date options and return the time zone they name.

    Parameters
    ----------
    source : str
        How to name the data in the message.
    unit : str, optional
        Epoch unit, one of :data:`EPOCH_UNITS`.
    date_format : str, optional
        strptime format, e.g. ``"%d/%m/%Y %H:%M"``.
    dayfirst : bool, optional
        Read numeric dates day-first (``True``) or month-first (``False``).
    timezone : str, optional
        IANA time-zone name, e.g. ``"Europe/London"``.

    Returns
    -------
    zoneinfo.ZoneInfo or None
        The time zone, or None when none is declared.

    Raises
    ------
    ParameterError
        For a unit outside :data:`EPOCH_UNITS`, a format without ``%`` codes, a
        ``dayfirst`` that is not a bool, two options that both fix the reading
        (``date_format`` with ``dayfirst`` or ``timestamp_unit``), or a time-zone name
        that does not exist (suggesting close names).
    """
    if unit is not None and unit not in EPOCH_UNITS:
        raise ParameterError(
            f"{source}: `timestamp_unit` must be one of {list(EPOCH_UNITS)} or None; got {unit!r}"
        )
    if date_format is not None and (not isinstance(date_format, str) or "%" not in date_format):
        raise ParameterError(
            f"{source}: `date_format` must be a strptime format such as '%d/%m/%Y %H:%M'; "
            f"got {date_format!r}"
        )
    if dayfirst is not None and not isinstance(dayfirst, bool | np.bool_):
        raise ParameterError(f"{source}: `dayfirst` must be true, false or None; got {dayfirst!r}")
    if date_format is not None and (dayfirst is not None or unit is not None):
        other = "dayfirst" if dayfirst is not None else "timestamp_unit"
        raise ParameterError(
            f"{source}: declare either `date_format` or `{other}`, not both (the format "
            "already fixes how the dates are read)"
        )
    return check_timezone(timezone, source=source)


def check_timezone(name: str | None, *, source: str) -> zoneinfo.ZoneInfo | None:
    """Return the IANA time zone called ``name``, or None for None.

    Parameters
    ----------
    name : str or None
        An IANA name such as ``"Europe/London"`` or ``"UTC"``.
    source : str
        How to name the data in the message.

    Returns
    -------
    zoneinfo.ZoneInfo or None
        The zone.

    Raises
    ------
    ParameterError
        If ``name`` is not a string or names no zone; the message suggests close names.
    """
    if name is None:
        return None
    if not isinstance(name, str) or not name.strip():
        raise ParameterError(
            f"{source}: `timezone` must be an IANA time-zone name such as 'Europe/London'; "
            f"got {name!r}"
        )
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        pass
    known = {zone.lower(): zone for zone in zoneinfo.available_timezones()}
    key = name.strip().lower().replace(" ", "_")
    close = [known[k] for k in known if k.endswith("/" + key)]
    close += [known[k] for k in difflib.get_close_matches(key, list(known), n=3, cutoff=0.6)]
    hint = f"did you mean {sorted(dict.fromkeys(close))}? " if close else ""
    raise ParameterError(
        f"{source}: `timezone` {name!r} is not an IANA time-zone name; {hint}"
        "(names look like 'Europe/London', 'America/New_York' or 'UTC')"
    )


def parse(
    values: pd.Series,
    *,
    source: str,
    unit: str | None = None,
    date_format: str | None = None,
    dayfirst: bool | None = None,
    timezone: str | None = None,
    file_column: str | None = None,
) -> Parsed:
    """Parse a column to UTC timestamps, saying in an audit what was assumed.

    Parameters
    ----------
    values : pandas.Series
        Texts, datetimes, or numbers (epochs, with ``unit``); missing stays missing.
    source : str
        How to name the data in messages (the file's name).
    unit : str, optional
        Epoch unit (one of :data:`EPOCH_UNITS`) of numeric timestamps; epochs are instants,
        so ``timezone`` does not apply to them. Without it numbers are refused.
    date_format : str, optional
        strptime format every text must match exactly (``%z`` for offsets).
    dayfirst : bool, optional
        Read numeric ``a/b/yyyy`` dates day-first (``True``) or month-first (``False``).
        Without it (or ``date_format``) such dates are read only when every row has one
        valid reading.
    timezone : str, optional
        IANA zone of times written without an offset; they are converted to UTC. Without
        it they are taken as UTC and an audit row says so. Times with an offset keep it.
    file_column : str, optional
        The column's name in the file, for messages.

    Returns
    -------
    Parsed
        ``values``: ``datetime64[ns, UTC]``; ``audit``: rows (``C.AUDIT_COLUMNS``) for
        naive times taken as UTC, times localised to ``timezone`` and daylight-saving
        times resolved (nothing is dropped).

    Raises
    ------
    ParameterError
        For bad options (see :func:`check_options`).
    AmbiguousDatesError
        When numeric dates read both day-first and month-first and nothing declares which;
        the message shows both readings and how to declare the order.
    DataValidationError
        When rows contradict each other (some only valid day-first, others only
        month-first), numbers come without ``unit``, or texts cannot be parsed (with the
        declared format or at all), naming the count and first rows.
    """
    zone = check_options(
        source=source, unit=unit, date_format=date_format, dayfirst=dayfirst, timezone=timezone
    )
    label = f"column `{values.name}`"
    origin = f" (file column `{file_column}`)" if file_column and file_column != values.name else ""
    if unit is not None:
        return Parsed(
            _epochs(values, unit, source=source, label=label, origin=origin), _audit([], 0)
        )
    codes, uniques = pd.factorize(values)
    context = _Context(codes, len(uniques), source, label, origin)
    cells = np.asarray(uniques, dtype=object)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        wall = pd.DatetimeIndex(uniques).tz_convert("UTC").tz_localize(None)
        naive = np.zeros(len(uniques), dtype=bool)
    elif pd.api.types.is_datetime64_dtype(values.dtype):
        wall, naive = pd.DatetimeIndex(uniques), np.ones(len(uniques), dtype=bool)
    else:
        _refuse_epochs(values, cells, codes, source=source, label=label, origin=origin)
        mixed = pd.api.types.is_object_dtype(values.dtype)
        wall, naive = _parse_cells(cells, context, date_format, dayfirst, mixed=mixed)
    wall = _within_bounds(wall)
    _refuse_unparsed(cells, wall, context, date_format=date_format, dayfirst=dayfirst)
    utc, audit = _to_utc(wall, naive, zone, context)
    stamps = np.append(utc.to_numpy(dtype="datetime64[ns]"), _NAT)[codes]
    series = pd.Series(stamps, index=values.index, name=values.name).dt.tz_localize("UTC")
    return Parsed(series, audit)


class _Context(NamedTuple):
    codes: np.ndarray  # row -> distinct value, -1 for missing
    n: int  # number of distinct values
    source: str
    label: str  # column `timestamp`
    origin: str  # " (file column `when`)" or ""

    def rows(self, flags: np.ndarray) -> np.ndarray:
        """Rows (0-based) whose distinct value is flagged."""
        return np.append(flags, False)[self.codes]

    def first_rows(self, flags: np.ndarray) -> list[tuple[int, int]]:
        """(row, distinct index) of the first rows of the first flagged distinct values."""
        rows = np.flatnonzero(self.rows(flags))
        _, first = np.unique(self.codes[rows], return_index=True)
        return [(int(rows[i]), int(self.codes[rows[i]])) for i in np.sort(first)[:MAX_EXAMPLES]]


def _epochs(values: pd.Series, unit: str, *, source: str, label: str, origin: str) -> pd.Series:
    numbers = validate.numeric(values, source=source)
    parsed = pd.to_datetime(numbers, unit=unit, utc=True, errors="coerce")
    bad = (parsed.isna() & values.notna()).to_numpy()
    if bad.any():
        raise DataValidationError(
            f"{source}: {label} must hold dates/times; {_examples(values, bad)} "
            f"(dates must lie in the years 1677-2262){origin}"
        )
    return parsed.astype("datetime64[ns, UTC]")


def _refuse_epochs(
    values: pd.Series, cells: np.ndarray, codes: np.ndarray, *, source: str, label: str, origin: str
) -> None:
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        raise DataValidationError(f"{source}: {label} must hold dates/times; got booleans{origin}")
    kinds = (int, float, np.number)
    if pd.api.types.is_numeric_dtype(dtype):
        flags = np.ones(len(cells), dtype=bool)
    elif pd.api.types.is_object_dtype(dtype):  # e.g. a spreadsheet column of mixed cells
        flags = np.array([isinstance(v, kinds) and not isinstance(v, bool) for v in cells], bool)
    else:
        return
    numbers = np.append(flags, False)[codes]
    if numbers.any():
        raise DataValidationError(
            f"{source}: {label} holds numbers, not dates; epoch times need their unit: pass "
            f"timestamp_unit= one of {list(EPOCH_UNITS)} ('s': seconds since 1970-01-01 UTC); "
            f"{_examples(values, numbers)}{origin}"
        )


def _parse_cells(
    cells: np.ndarray,
    context: _Context,
    date_format: str | None,
    dayfirst: bool | None,
    *,
    mixed: bool,
) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Return distinct cells' wall-clock times and whether each was written without offset."""
    wall = np.full(len(cells), _NAT)
    naive = np.ones(len(cells), dtype=bool)
    stamps = np.zeros(len(cells), dtype=bool)
    if mixed:  # a spreadsheet column may hold datetimes and texts
        stamps = np.array([isinstance(c, np.datetime64) or hasattr(c, "year") for c in cells])
        stamps &= np.array([not isinstance(c, str) for c in cells], dtype=bool)
    for i in np.flatnonzero(stamps):  # datetime cells of a spreadsheet column
        stamp = pd.Timestamp(cells[i])
        naive[i] = stamp.tzinfo is None
        wall[i] = (stamp if naive[i] else stamp.tz_convert("UTC")).tz_localize(None).asm8
    texts = pd.Series(cells[~stamps], dtype="str").str.strip().to_numpy(dtype=object)
    at = np.flatnonzero(~stamps)
    if date_format is not None:
        parsed = _strptime(texts, date_format)
        wall[at] = parsed
        naive[at] = "%z" not in date_format and "%Z" not in date_format
    else:
        text_wall, text_naive = _parse_texts(texts, at, context, dayfirst)
        wall[at], naive[at] = text_wall, text_naive
    return pd.DatetimeIndex(wall), naive


def _strptime(texts: np.ndarray, fmt: str) -> np.ndarray:
    """Parse with one exact format: offsets converted to UTC, failures NaT."""
    if len(texts) == 0:
        return np.array([], dtype="datetime64[ns]")
    parsed = pd.to_datetime(pd.Index(texts), format=fmt, errors="coerce", utc=True)
    return _within_bounds(parsed.tz_localize(None)).to_numpy(dtype="datetime64[ns]")


def _within_bounds(stamps: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Return nanosecond times, dates outside 1677-2262 set to NaT (reported as unparsed)."""
    if stamps.dtype == "datetime64[ns]":
        return stamps
    outside = (stamps < pd.Timestamp.min) | (stamps > pd.Timestamp.max)
    return stamps.where(~outside).as_unit("ns")


def _shape(text: str) -> tuple[str, bool] | None:
    """Return the exact format of a numeric date text and whether its day/month order is open."""
    match = _SHAPE.fullmatch(text)
    if match is None:
        return None
    sep, first, last = match["sep"], match["a"], match["c"]
    if len(first) == 4 and len(last) <= 2:
        date, open_order = f"%Y{sep}%m{sep}%d", False
    elif len(first) <= 2 and len(last) in (2, 4):
        year = "%Y" if len(last) == 4 else "%y"
        date, open_order = f"{_FIRST}{sep}{_SECOND}{sep}{year}", True
    else:
        return None
    time = ""
    if match["H"] is not None:
        time = match["tsep"] + ("%I" if match["P"] else "%H") + ":%M"
        time += ":%S" * bool(match["S"]) + (match["F"] or " ")[0] * bool(match["F"])
        time += "%f" * bool(match["F"]) + (match["P"] or "")[:-2] + "%p" * bool(match["P"])
    zone = ""
    if match["Z"]:
        zone = match["Z"][: len(match["Z"]) - len(match["Z"].lstrip())] + "%z"
    return date + time + zone, open_order


def _orders(fmt: str) -> tuple[str, str]:
    """Return the day-first and month-first versions of an open format."""
    day = fmt.replace(_FIRST, "%d").replace(_SECOND, "%m")
    return day, fmt.replace(_FIRST, "%m").replace(_SECOND, "%d")


def _parse_texts(
    texts: np.ndarray, at: np.ndarray, context: _Context, dayfirst: bool | None
) -> tuple[np.ndarray, np.ndarray]:
    n = len(texts)
    wall = np.full(n, _NAT)
    naive = np.ones(n, dtype=bool)
    day, month = np.full(n, _NAT), np.full(n, _NAT)  # both readings of open-order texts
    done = np.zeros(n, dtype=bool)
    looked = np.zeros(n, dtype=bool)
    seen: set[tuple[str, bool]] = set()
    while True:
        sample = np.flatnonzero(~done & ~looked)[:SAMPLE]
        if not len(sample):
            break
        looked[sample] = True
        shapes = {s for s in map(_shape, texts[sample]) if s is not None} - seen
        seen |= shapes
        for fmt, open_order in sorted(shapes):
            rest = np.flatnonzero(~done)
            if open_order:
                formats = _orders(fmt)
                day[rest], month[rest] = (_strptime(texts[rest], f) for f in formats)
                hit = ~np.isnat(day[rest]) | ~np.isnat(month[rest])
            else:
                wall[rest] = _strptime(texts[rest], fmt)
                hit = ~np.isnat(wall[rest])
            done[rest[hit]] = True
            naive[rest[hit]] = not fmt.endswith("%z")
    rest = np.flatnonzero(~done)
    named = np.zeros(n, dtype=bool)
    named[rest] = pd.Series(texts[rest], dtype=object).str.contains(_MONTH_NAME).to_numpy(bool)
    if named.any():  # the month is named, so no order is guessed
        parsed = pd.to_datetime(pd.Index(texts[named]), format="mixed", errors="coerce", utc=True)
        wall[named] = _within_bounds(parsed.tz_localize(None)).to_numpy(dtype="datetime64[ns]")
        zoned = pd.Series(texts[named]).str.contains(_ZONE_SUFFIX).to_numpy(dtype=bool)
        naive[named] = ~zoned
    both = ~np.isnat(day) | ~np.isnat(month)
    if both.any():
        wall[both] = _choose_order(texts, day, month, at, context, dayfirst)[both]
    return wall, naive


def _choose_order(
    texts: np.ndarray,
    day: np.ndarray,
    month: np.ndarray,
    at: np.ndarray,
    context: _Context,
    dayfirst: bool | None,
) -> np.ndarray:
    """Return the declared reading of open-order texts, or the only one the rows allow."""
    if dayfirst is not None:
        return day if dayfirst else month
    day_ok, month_ok = ~np.isnat(day), ~np.isnat(month)
    lookup = np.full(context.n, -1)
    lookup[at] = np.arange(len(at))

    def spread(mask: np.ndarray) -> np.ndarray:  # texts -> distinct values
        flags = np.zeros(context.n, dtype=bool)
        flags[at[mask]] = True
        return flags

    def shown(flags: np.ndarray, readings: bool = False) -> str:
        items = []
        for row, code in context.first_rows(flags):
            i = lookup[code]
            reading = f": {_spoken(day[i])} or {_spoken(month[i])}" if readings else ""
            items.append(f"row {row + 1} {texts[i]!r}{reading}")
        return "; ".join(items)

    def count(flags: np.ndarray) -> int:
        return int(context.rows(flags).sum())

    day_only, month_only = spread(day_ok & ~month_ok), spread(month_ok & ~day_ok)
    both = spread(day_ok & month_ok & (day != month))
    where, origin = f"{context.source}: {context.label}", context.origin
    if day_only.any() and month_only.any():
        raise DataValidationError(
            f"{where} mixes day/month orders: {count(day_only):,} rows are only valid "
            f"day-first (first: {shown(day_only)}) and {count(month_only):,} rows only "
            f"month-first (first: {shown(month_only)}); one of the two readings is wrong for "
            "some rows, so the column cannot be read: fix the export, or declare the order "
            f"(`dayfirst: true`/`false`) and correct the rows it refuses{origin}"
        )
    if not both.any():
        return np.where(day_ok, day, month)
    shape = _shape(str(texts[lookup[context.first_rows(both)[0][1]]]))
    day_format, month_format = _orders(shape[0]) if shape else ("%d/%m/%Y", "%m/%d/%Y")
    declared, order = day_format, "true"
    if day_only.any():
        hint = (
            f"the data suggest day-first ({count(day_only):,} rows have a day above 12 in "
            f"first place, first: {shown(day_only)}), but dates are never guessed"
        )
    elif month_only.any():
        hint = (
            f"the data suggest month-first ({count(month_only):,} rows have a day above 12 "
            f"in second place, first: {shown(month_only)}), but dates are never guessed"
        )
        declared, order = month_format, "false"
    else:
        hint = "no row settles the order (no day above 12)"
    raise AmbiguousDatesError(
        f"{where} has dates that read two ways: {count(both):,} of "
        f"{int((context.codes >= 0).sum()):,} rows are valid both day-first and month-first "
        f"(first: {shown(both, readings=True)}); {hint}. Declare the order in the source "
        f'file: `dates.format: "{declared}"` or `dayfirst: {order}` (date_format= or '
        f"dayfirst= in Python){origin}"
    )


def _spoken(stamp: np.datetime64) -> str:
    moment = pd.Timestamp(stamp)
    return f"{moment.day} {moment:%B %Y}"


def _examples(values: pd.Series | np.ndarray, rows: np.ndarray) -> str:
    positions = np.flatnonzero(rows)[:MAX_EXAMPLES]
    cells = values.iloc if isinstance(values, pd.Series) else values
    shown = ", ".join(f"row {p + 1} value {_plain(cells[p])!r}" for p in positions)
    return f"{int(rows.sum()):,} rows fail (first: {shown})"


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def _refuse_unparsed(
    cells: np.ndarray,
    wall: pd.DatetimeIndex,
    context: _Context,
    *,
    date_format: str | None,
    dayfirst: bool | None,
) -> None:
    bad = np.asarray(wall.isna())
    if not bad.any():
        return
    shown = ", ".join(f"row {r + 1} value {_plain(cells[c])!r}" for r, c in context.first_rows(bad))
    failing = f"{int(context.rows(bad).sum()):,} rows fail (first: {shown})"
    where = f"{context.source}: {context.label}"
    if date_format is not None:
        raise DataValidationError(
            f"{where} does not match the declared date format {date_format!r}; {failing} "
            f"(dates must lie in the years 1677-2262){context.origin}"
        )
    texts = pd.Series(cells[bad].astype(str), dtype=object)
    if texts.str.fullmatch(_DIGITS).all():
        hint = f"; epoch numbers need timestamp_unit= one of {list(EPOCH_UNITS)}"
    elif dayfirst is not None and any(_shape(t.strip()) for t in texts[:MAX_EXAMPLES]):
        order = "day-first" if dayfirst else "month-first"
        hint = f"; read {order} as declared (`dayfirst: {str(dayfirst).lower()}`)"
    else:
        hint = "; declare the format, e.g. date_format='%d %b %Y %H:%M' (strptime codes)"
    raise DataValidationError(
        f"{where} must hold dates/times; {failing} (dates must lie in the years "
        f"1677-2262){hint}{context.origin}"
    )


def _audit(rows: list[dict[str, object]], total: int) -> pd.DataFrame:
    del total
    table = pd.DataFrame(rows, columns=list(C.AUDIT_COLUMNS))
    return table.astype({C.ROWS_IN: "int64", C.ROWS_OUT: "int64", C.DROPPED: "int64"})


def _to_utc(
    wall: pd.DatetimeIndex, naive: np.ndarray, zone: zoneinfo.ZoneInfo | None, context: _Context
) -> tuple[pd.DatetimeIndex, pd.DataFrame]:
    """Return UTC instants of distinct wall-clock times, and audit rows of what was assumed."""
    total = len(context.codes)
    n_naive = int(context.rows(naive).sum())
    where = f"{context.label}{context.origin}"
    utc = wall.tz_localize("UTC")
    audit: list[dict[str, object]] = []

    def note(step: str, rule: str, reason: str, level: int = logging.INFO) -> None:
        log.log(level, "%s: %s", context.source, rule)
        audit.append(
            {
                C.STEP: step,
                C.RULE: rule,
                C.ROWS_IN: total,
                C.ROWS_OUT: total,
                C.DROPPED: 0,
                C.REASON: reason,
            }
        )

    if not n_naive:
        return utc, _audit(audit, total)
    if zone is None:
        note(
            "timestamps:naive_utc",
            f"{where}: {n_naive:,} of {total:,} rows hold times without a time zone; taken as UTC",
            "naive times taken as UTC; declare dates.timezone",
        )
        return utc, _audit(audit, total)
    local = wall[naive]
    summer = np.ones(len(local), dtype=bool)  # True: the daylight-saving reading
    probe = local.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
    trouble = np.asarray(probe.isna() & local.notna())
    if trouble.any():
        repeated = trouble & np.asarray(
            local.tz_localize(zone, ambiguous=summer, nonexistent="NaT").notna()
        )
        probe = local.tz_localize(zone, ambiguous=summer, nonexistent="shift_forward")
        parts = []
        for mask, what in (
            (
                repeated,
                "in the hour repeated when clocks go back (read as its first, "
                "summer-time, occurrence)",
            ),
            (
                trouble & ~repeated,
                "in the hour skipped when clocks go forward (shifted forward by the gap)",
            ),
        ):
            flags = np.zeros(context.n, dtype=bool)
            flags[np.flatnonzero(naive)[mask]] = True
            if flags.any():
                first = ", ".join(str(r + 1) for r, _ in context.first_rows(flags))
                parts.append(f"{int(context.rows(flags).sum()):,} rows {what}, first rows {first}")
        note(
            "timestamps:daylight_saving",
            f"{where}: local times in {zone.key} that a clock change makes ambiguous or "
            f"impossible: {'; '.join(parts)}",
            "resolved, not dropped: a wall-clock time in a clock change names no single instant",
            logging.WARNING,
        )
    converted = utc.to_numpy(dtype="datetime64[ns]").copy()
    converted[naive] = probe.tz_convert("UTC").tz_localize(None).to_numpy(dtype="datetime64[ns]")
    note(
        "timestamps:timezone",
        f"{where}: {n_naive:,} of {total:,} rows hold times without an offset; read as "
        f"{zone.key} wall-clock times and converted to UTC",
        "declared dates.timezone",
    )
    return pd.DatetimeIndex(converted).tz_localize("UTC"), _audit(audit, total)
