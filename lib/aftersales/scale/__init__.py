"""Scale-out measurements: enlarge a data set N times, time and measure engines on it.

:func:`enlarge` writes online-retail (or any canonical transactions) N times over as a
folder of Parquet files, one copy at a time; :func:`run_measured` runs a workload in a
child process and records its wall time and the peak memory of its whole process tree
(Spark's JVM included), stopping it at a memory limit; :func:`measure_scales` does both
for several sizes and engines and returns the table behind notebook 05.00 and
``bench/scale.py``.
"""

from __future__ import annotations

from aftersales.scale._enlarge import ENLARGE_COLUMNS, MAX_FACTOR, Enlarged, copy_lines, enlarge
from aftersales.scale._measure import (
    STATUSES,
    Measurement,
    run_measured,
    tree_rss,
    workload_command,
)
from aftersales.scale._study import measure_scales, ratios
from aftersales.scale._workload import ENGINES, pandas_workload, read_lines, run_workload

__all__ = [
    "ENGINES",
    "ENLARGE_COLUMNS",
    "MAX_FACTOR",
    "STATUSES",
    "Enlarged",
    "Measurement",
    "copy_lines",
    "enlarge",
    "measure_scales",
    "pandas_workload",
    "ratios",
    "read_lines",
    "run_measured",
    "run_workload",
    "tree_rss",
    "workload_command",
]
