"""The measured workload on Spark: the same steps as :func:`aftersales.scale.pandas_workload`.

Runs on ``local[2]`` (the two cores the benchmark allows) with the given driver memory;
Spark's out-of-memory failures are turned into :class:`aftersales.errors.EngineMemoryError`
naming the driver memory. Only counts come back to the driver.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aftersales import columns as C
from aftersales.scale._workload import summary

MASTER = "local[2]"
"""Spark's master in the benchmark: two local cores."""


def spark_workload(folder: str | Path, *, driver_memory: str = "2g") -> dict[str, Any]:
    """Run preparation + RFM in Spark: read, clean and net, aggregate pairs, segment.

    Parameters
    ----------
    folder : str or Path
        Parquet folder of canonical lines.
    driver_memory : str, default "2g"
        Spark's driver memory (the heap that runs every task in local mode).

    Returns
    -------
    dict
        See :func:`aftersales.scale._workload.summary`.

    Raises
    ------
    EngineUnavailableError
        If pyspark or Java 17 is missing.
    EngineMemoryError
        If Spark runs out of its driver memory.
    DataValidationError
        If the folder holds no Parquet file or mixed schemas.
    """
    from aftersales import spark as engine

    session = engine.session(MASTER, driver_memory, "aftersales-scale")
    with engine.memory_guard(driver_memory):
        lines = engine.read_lines(session, Path(folder))
        n_lines = lines.count()
        cleaned, audit, _ = engine.clean_lines(lines)
        kept = cleaned.count()
        pairs = engine.aggregate(cleaned).count()
        segments = engine.segment_customers(cleaned).groupBy(C.SEGMENT).count().toPandas()
        cleaned.unpersist()
    return summary(n_lines, kept, pairs, segments.set_index(C.SEGMENT)["count"], audit)
