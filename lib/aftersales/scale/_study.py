"""Measure preparation + RFM for several data sizes and engines: the scale-out table."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import ParameterError
from aftersales.random import Seed
from aftersales.scale._enlarge import enlarge
from aftersales.scale._measure import Measurement, run_measured, workload_command
from aftersales.scale._workload import ENGINES

MIB = 2**20


def _row(scale: float, lines: int, m: Measurement) -> dict:
    ok = m.status == "ok"
    return {
        C.SCALE: scale,
        C.ENGINE: m.engine,
        C.N_LINES: lines,
        C.STATUS: m.status,
        C.SECONDS: m.seconds,
        C.PEAK_MIB: m.peak_bytes / MIB,
        C.KEPT: m.result["kept"] if ok else pd.NA,
        C.N_PAIRS: m.result["pairs"] if ok else pd.NA,
        C.N_CUSTOMERS: m.result["customers"] if ok else pd.NA,
        C.REASON: m.detail,
    }


def measure_scales(
    lines: pd.DataFrame,
    scales: Sequence[float],
    *,
    seed: Seed,
    engines: Sequence[str] = ENGINES,
    memory_limit_mib: float = 4096,
    timeout: float = 3600,
    driver_memory: str = "2g",
    folder: str | Path | None = None,
    on_result: Callable[[dict], None] | None = None,
) -> pd.DataFrame:
    """Enlarge ``lines`` to each size and measure preparation + RFM on every engine.

    Sizes are measured in the order given; an engine stopped by the memory limit at one
    size is recorded as stopped (not run) at every larger size, since it would only fail
    later. Each enlarged folder is deleted once measured.

    Parameters
    ----------
    lines : pandas.DataFrame
        Canonical transactions (online-retail).
    scales : sequence of float
        Enlargement factors (``0.1``, ``1``, ``10``, ``50``), each in (0, 1000].
    seed : int or numpy.random.Generator
        Seed of the enlargement.
    engines : sequence of str, default ("pandas", "spark")
        Engines to run.
    memory_limit_mib : float, default 4096
        Memory of the process tree at which a run is stopped, in MiB (the same for both
        engines; Spark's driver memory must fit under it).
    timeout : float, default 3600
        Seconds after which a run is stopped.
    driver_memory : str, default "2g"
        Spark's driver memory.
    folder : str or Path, optional
        Where the enlarged data go (a temporary folder by default).
    on_result : callable, optional
        Called with each row as it is measured (progress output).

    Returns
    -------
    pandas.DataFrame
        :data:`aftersales.columns.SCALE_COLUMNS`, one row per size and engine.

    Raises
    ------
    ParameterError
        If no size or engine is given, an engine is unknown or a size is out of range.
    """
    if not scales or not engines:
        raise ParameterError("measure_scales: give at least one scale and one engine")
    unknown = [e for e in engines if e not in ENGINES]
    if unknown:
        raise ParameterError(f"measure_scales: unknown engine(s) {unknown}; choose from {ENGINES}")
    limit = int(memory_limit_mib * MIB)
    root = (
        Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="aftersales-scale-"))
    )
    stopped: set[str] = set()
    rows = []
    for scale in scales:
        target = root / f"x{scale:g}"
        shutil.rmtree(target, ignore_errors=True)
        written = enlarge(lines, target, factor=scale, seed=seed)
        for engine in engines:
            if engine in stopped:
                m = Measurement(engine, "memory", float("nan"), 0, {}, "stopped at a smaller size")
            else:
                command = workload_command(engine, target, driver_memory=driver_memory)
                m = run_measured(command, engine=engine, memory_limit=limit, timeout=timeout)
                if m.status == "memory":
                    stopped.add(engine)
            row = _row(scale, written.rows, m)
            rows.append(row)
            if on_result is not None:
                on_result(row)
        shutil.rmtree(target, ignore_errors=True)
    if folder is None:
        shutil.rmtree(root, ignore_errors=True)
    return pd.DataFrame(rows, columns=list(C.SCALE_COLUMNS))


def ratios(table: pd.DataFrame) -> pd.DataFrame:
    """Spark's time and memory as multiples of pandas' at each size both finished.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`measure_scales` with both engines.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``C.N_LINES``: ``"time_ratio"`` and ``"memory_ratio"`` (spark / pandas);
        empty when no size was finished by both.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    needed = (C.ENGINE, C.N_LINES, C.STATUS, C.SECONDS, C.PEAK_MIB)
    validate.require_columns(table, needed, source="ratios: `table`")
    done = table[table[C.STATUS] == "ok"]
    wide = done.pivot_table(index=C.N_LINES, columns=C.ENGINE, values=[C.SECONDS, C.PEAK_MIB])
    if not {(C.SECONDS, "pandas"), (C.SECONDS, "spark")} <= set(wide.columns):
        return pd.DataFrame(
            {"time_ratio": [], "memory_ratio": []}, index=pd.Index([], name=C.N_LINES)
        )
    wide = wide.dropna()
    return pd.DataFrame(
        {
            "time_ratio": wide[(C.SECONDS, "spark")] / wide[(C.SECONDS, "pandas")],
            "memory_ratio": wide[(C.PEAK_MIB, "spark")] / wide[(C.PEAK_MIB, "pandas")],
        }
    )
