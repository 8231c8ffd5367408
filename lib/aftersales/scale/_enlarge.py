"""Enlarge a transactions frame N times into a folder of Parquet files, one copy at a time.

Copy 0 is the source as it is, so the 1x data set is the real one. Every further copy ``k``
is the same lines under new customer and invoice ids (``"<id>-<k>"``; a cancellation's
``C`` prefix stays first), with each customer's dates shifted by a whole number of days
and each customer's quantities scaled by one factor (rounded, never to zero, sign kept, so
a return still reverses its purchase). The item catalogue, prices and countries are those
of the source. A fractional part of the factor adds a copy restricted to a seeded share of
the customers (lines without a customer are drawn by invoice). Each copy is written to its
own file and released before the next is built, so memory stays at about one copy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from aftersales import columns as C
from aftersales import validate
from aftersales.choices import MAX_FACTOR
from aftersales.errors import ParameterError, WriteError
from aftersales.random import Seed, int_seed
from aftersales.spark import ROW

ENLARGE_COLUMNS: tuple[str, ...] = (C.INVOICE, C.CUSTOMER, C.TIMESTAMP, C.QUANTITY)
"""Columns the generator rewrites (every other column is copied as it is)."""


@dataclass(frozen=True)
class Enlarged:
    """What :func:`enlarge` wrote.

    Attributes
    ----------
    folder : Path
        The Parquet folder (one ``part-NNNNN.parquet`` file a copy).
    files : tuple of Path
        The files, in copy order.
    rows : int
        Lines written.
    factor : float
        The enlargement asked for.
    """

    folder: Path
    files: tuple[Path, ...]
    rows: int
    factor: float


def _check(factor: object, max_shift_days: object, quantity_spread: object) -> float:
    if isinstance(factor, bool) or not isinstance(factor, int | float) or not math.isfinite(factor):
        raise ParameterError(f"enlarge: `factor` must be a number; got {factor!r}")
    if not 0 < factor <= MAX_FACTOR:
        raise ParameterError(f"enlarge: `factor` must be in (0, {MAX_FACTOR:g}]; got {factor!r}")
    if (
        isinstance(max_shift_days, bool)
        or not isinstance(max_shift_days, int)
        or max_shift_days < 0
    ):
        raise ParameterError(
            f"enlarge: `max_shift_days` must be a non-negative integer; got {max_shift_days!r}"
        )
    if (
        isinstance(quantity_spread, bool)
        or not isinstance(quantity_spread, int | float)
        or not 0 <= quantity_spread < 1
    ):
        raise ParameterError(
            f"enlarge: `quantity_spread` must be in [0, 1); got {quantity_spread!r}"
        )
    return float(factor)


def _keys(lines: pd.DataFrame) -> tuple[np.ndarray, int]:
    """One code per customer, and per invoice for lines without a customer."""
    customer = lines[C.CUSTOMER].astype("string")
    key = ("c" + customer).fillna("i" + lines[C.INVOICE].astype("string"))
    codes, uniques = pd.factorize(key, sort=True)
    return codes, len(uniques)


def _suffixed(values: pd.Series, copy: int) -> pd.Series:
    return (values.astype("string") + f"-{copy}").astype(values.dtype)


def copy_lines(
    lines: pd.DataFrame,
    copy: int,
    *,
    seed: Seed,
    share: float = 1.0,
    max_shift_days: int = 14,
    quantity_spread: float = 0.25,
) -> pd.DataFrame:
    """Return copy ``copy`` of transaction lines (copy 0 is the lines themselves).

    Parameters
    ----------
    lines : pandas.DataFrame
        Canonical transactions with at least :data:`ENLARGE_COLUMNS`, identifiers as
        strings; not modified.
    copy : int
        Copy number, >= 0. Copy ``k`` draws from ``numpy.random.default_rng([seed, k])``,
        so a copy does not depend on which copies were made before it.
    seed : int or numpy.random.Generator
        Seed of the jitter (and of the customer sample when ``share < 1``).
    share : float, default 1.0
        Share of customers kept, in (0, 1].
    max_shift_days : int, default 14
        Each customer's lines move together by a whole number of days drawn uniformly from
        ``[-max_shift_days, max_shift_days]``.
    quantity_spread : float, default 0.25
        Each customer's quantities are multiplied by a factor drawn uniformly from
        ``[1 - spread, 1 + spread]``, rounded half to even, at least 1 in absolute value.

    Returns
    -------
    pandas.DataFrame
        The copy, in the source's row order, with a fresh index.

    Raises
    ------
    ParameterError
        If ``copy``, ``share`` or a jitter option is out of range.
    DataValidationError
        If a needed column is missing.
    """
    _check(1, max_shift_days, quantity_spread)
    if isinstance(copy, bool) or not isinstance(copy, int) or copy < 0:
        raise ParameterError(f"copy_lines: `copy` must be an integer >= 0; got {copy!r}")
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1:
        raise ParameterError(f"copy_lines: `share` must be in (0, 1]; got {share!r}")
    validate.require_columns(lines, ENLARGE_COLUMNS, source="copy_lines: `lines`")
    rng = np.random.default_rng([int_seed(seed), copy])
    codes, n_keys = _keys(lines)
    keep = rng.random(n_keys) < share if share < 1 else np.ones(n_keys, dtype=bool)
    shift = rng.integers(-max_shift_days, max_shift_days + 1, size=n_keys)
    scale = rng.uniform(1 - quantity_spread, 1 + quantity_spread, size=n_keys)
    rows = keep[codes]
    out = lines[rows].reset_index(drop=True)
    if copy == 0:
        return out
    codes = codes[rows]
    quantity = out[C.QUANTITY].to_numpy(dtype="float64")
    scaled = np.maximum(np.rint(np.abs(quantity) * scale[codes]), 1.0) * np.sign(quantity)
    return out.assign(
        **{
            C.INVOICE: _suffixed(out[C.INVOICE], copy),
            C.CUSTOMER: _suffixed(out[C.CUSTOMER], copy),
            C.TIMESTAMP: out[C.TIMESTAMP] + pd.to_timedelta(shift[codes], unit="D"),
            C.QUANTITY: scaled.astype(out[C.QUANTITY].dtype),
        }
    )


def _table(frame: pd.DataFrame) -> pa.Table:
    """Arrow table of a copy, timestamps in microseconds (what every Parquet reader takes)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    fields = [
        pa.field(f.name, pa.timestamp("us", tz=f.type.tz))
        if pa.types.is_timestamp(f.type)
        else pa.field(f.name, pa.string() if pa.types.is_large_string(f.type) else f.type)
        for f in table.schema
    ]
    return table.cast(pa.schema(fields).remove_metadata())


def enlarge(
    lines: pd.DataFrame,
    folder: str | Path,
    *,
    factor: float,
    seed: Seed,
    max_shift_days: int = 14,
    quantity_spread: float = 0.25,
) -> Enlarged:
    """Write ``lines`` enlarged ``factor`` times as a folder of Parquet files.

    Copies ``0 .. floor(factor) - 1`` are whole (see :func:`copy_lines`); a fractional part
    ``r`` adds one copy holding a share ``r`` of the customers, so ``factor=0.1`` writes a
    tenth of the source's customers with their lines as they are. Files are written one
    copy at a time (``part-00000.parquet``, ...; no partition column, so every file has the
    source's schema plus ``aftersales.spark.ROW``, the line's position in the whole data
    set, copy after copy, which the Spark reader uses as row order); a folder that already
    holds Parquet files is refused.

    Parameters
    ----------
    lines : pandas.DataFrame
        Canonical transactions (``aftersales.datasets.load("online-retail")``); not modified.
    folder : str or Path
        Output folder, created if missing.
    factor : float
        Size of the result relative to ``lines``, in (0, :data:`MAX_FACTOR`].
    seed : int or numpy.random.Generator
        Seed of the jitter and samples; the same seed writes the same files.
    max_shift_days : int, default 14
        Date jitter per customer, in whole days either way.
    quantity_spread : float, default 0.25
        Relative quantity jitter per customer, in [0, 1).

    Returns
    -------
    Enlarged
        The folder, its files and the number of lines.

    Raises
    ------
    ParameterError
        If an option is out of range.
    DataValidationError
        If a needed column is missing.
    WriteError
        If the folder already holds Parquet files.
    """
    factor = _check(factor, max_shift_days, quantity_spread)
    validate.require_columns(lines, ENLARGE_COLUMNS, source="enlarge: `lines`")
    folder = Path(folder)
    if folder.is_dir() and any(folder.glob("*.parquet")):
        raise WriteError(f"enlarge: `{folder}` already holds Parquet files; choose an empty folder")
    folder.mkdir(parents=True, exist_ok=True)
    whole, rest = int(factor), factor - int(factor)
    shares = [1.0] * whole + ([rest] if rest > 1e-9 else [])
    base = int_seed(seed)
    files, rows = [], 0
    indexed = lines.assign(**{ROW: np.arange(len(lines), dtype="int64")})
    for copy, share in enumerate(shares):
        frame = copy_lines(
            indexed,
            copy,
            seed=base,
            share=share,
            max_shift_days=max_shift_days,
            quantity_spread=quantity_spread,
        )
        frame[ROW] += copy * len(lines)
        path = folder / f"part-{copy:05d}.parquet"
        pq.write_table(_table(frame), path)
        files.append(path)
        rows += len(frame)
        del frame
    return Enlarged(folder=folder, files=tuple(files), rows=rows, factor=factor)
