"""The Spark engine: the same preparation and RFM as pandas, as Spark DataFrame jobs.

Install with ``pip install -e '.[spark]'`` and Java 17. :func:`session` starts the Spark
session from the ``spark_master`` and ``spark_driver_memory`` parameters; every other
function takes that session (or a Spark DataFrame) and returns Spark DataFrames, or small
pandas frames (audits, summaries, per-customer tables) for the notebooks.
"""

from __future__ import annotations

from aftersales.spark._session import (
    CONNECT_TIMEOUT_S,
    INSTALL_SPARK,
    JAVA_MIN,
    check_driver_memory,
    check_java,
    check_pyspark,
    check_reachable,
    master_addresses,
    memory_guard,
    session,
)

__all__ = [
    "CONNECT_TIMEOUT_S",
    "INSTALL_SPARK",
    "JAVA_MIN",
    "check_driver_memory",
    "check_java",
    "check_pyspark",
    "check_reachable",
    "master_addresses",
    "memory_guard",
    "session",
]
