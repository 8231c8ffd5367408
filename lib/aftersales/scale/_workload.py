"""The measured workload, preparation + RFM on a Parquet folder, for pandas and for Spark.

Both engines run the same steps on the lines of an :func:`aftersales.scale.enlarge` folder:
cleaning with returns netted (the audit of :func:`aftersales.clean.clean_transactions_net`),
the customer x item interactions, and the RFM scores and segments of every customer. Each
returns the same small summary, so a measurement can check that both engines agree.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from aftersales import clean, interactions, segment
from aftersales import columns as C
from aftersales.choices import ENGINES
from aftersales.errors import DataValidationError, ParameterError
from aftersales.spark import ROW


def read_lines(folder: str | Path) -> pd.DataFrame:
    """Read every Parquet file of a folder into one canonical transactions frame.

    Parameters
    ----------
    folder : str or Path
        Folder of ``*.parquet`` files with the canonical columns.

    Returns
    -------
    pandas.DataFrame
        The lines, files in name order, timestamps as ``datetime64[ns, UTC]``.

    Raises
    ------
    DataValidationError
        If the folder holds no Parquet file.
    """
    files = sorted(Path(folder).glob("*.parquet"))
    if not files:
        raise DataValidationError(f"read_lines: `{folder}` holds no .parquet file")
    frame = pq.ParquetDataset(files).read().to_pandas()
    if ROW in frame.columns:  # the generator's row order, which pandas keeps by position
        frame = frame.sort_values(ROW, kind="stable", ignore_index=True).drop(columns=ROW)
    return frame.astype({C.TIMESTAMP: "datetime64[ns, UTC]"})


def summary(
    lines: int, kept: int, pairs: int, segments: pd.Series, audit: pd.DataFrame
) -> dict[str, Any]:
    """Return the workload's result: counts an engine comparison can check.

    Parameters
    ----------
    lines, kept, pairs : int
        Source lines, lines kept by cleaning, customer x item pairs.
    segments : pandas.Series
        Customers per segment name.
    audit : pandas.DataFrame
        The cleaning audit (``step``, ``rows_out``).

    Returns
    -------
    dict
        ``lines``, ``kept``, ``pairs``, ``customers``, ``segments`` (name -> customers) and
        ``audit`` (step -> rows out).
    """
    return {
        "lines": int(lines),
        "kept": int(kept),
        "pairs": int(pairs),
        "customers": int(segments.sum()),
        "segments": {str(k): int(v) for k, v in sorted(segments.items())},
        "audit": {str(s): int(n) for s, n in zip(audit["step"], audit["rows_out"], strict=True)},
    }


def pandas_workload(folder: str | Path) -> dict[str, Any]:
    """Run preparation + RFM in pandas: read, clean and net, aggregate pairs, segment.

    Parameters
    ----------
    folder : str or Path
        Parquet folder of canonical lines.

    Returns
    -------
    dict
        See :func:`summary`.

    Raises
    ------
    DataValidationError
        If the folder holds no Parquet file or the lines fail validation.
    """
    lines = read_lines(folder)
    cleaned, audit, _ = clean.clean_transactions_net(lines)
    n_lines = len(lines)
    del lines
    pairs = interactions.aggregate(cleaned)
    segmented = segment.segment_customers(cleaned)
    return summary(n_lines, len(cleaned), len(pairs), segmented[C.SEGMENT].value_counts(), audit)


def run_workload(engine: str, folder: str | Path, *, driver_memory: str = "2g") -> dict[str, Any]:
    """Run and time one engine's workload; the summary gains ``seconds``.

    Parameters
    ----------
    engine : {"pandas", "spark"}
        The engine.
    folder : str or Path
        Parquet folder of canonical lines.
    driver_memory : str, default "2g"
        Spark's driver memory (its session runs on ``local[2]``).

    Returns
    -------
    dict
        The summary and ``seconds`` (wall time, Spark's session start included).

    Raises
    ------
    DataValidationError
        If the folder holds no Parquet file or the lines fail validation.
    ParameterError
        If ``engine`` is not one of :data:`ENGINES`.
    """
    start = time.perf_counter()
    if engine == "pandas":
        result = pandas_workload(folder)
    elif engine == "spark":
        from aftersales.scale._spark_workload import spark_workload

        result = spark_workload(folder, driver_memory=driver_memory)
    else:
        raise ParameterError(f"run_workload: `engine` must be one of {ENGINES}; got {engine!r}")
    return {**result, "seconds": time.perf_counter() - start}
