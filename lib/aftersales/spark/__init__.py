"""The Spark engine: the same preparation and RFM as pandas, as Spark DataFrame jobs.

Install with ``pip install -e '.[spark]'`` and Java 17. :func:`session` starts the Spark
session from the ``spark_master`` and ``spark_driver_memory`` parameters; every other
function takes that session (or a Spark DataFrame) and returns Spark DataFrames, or small
pandas frames (audits, summaries, per-customer tables) for the notebooks.
"""

from __future__ import annotations

from aftersales.spark._als import RANKING_METRICS_SPARK, SparkALS, ranking_per_user, ranking_summary
from aftersales.spark._clean import apply_rules, clean_lines
from aftersales.spark._interactions import aggregate, kcore, ratings_table
from aftersales.spark._io import ROW, check_schemas, read_lines, source_parquet
from aftersales.spark._prepare import build, check_options, to_pandas
from aftersales.spark._rfm import rank_thresholds, rfm, segment_customers, segments_to_pandas
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
from aftersales.spark._split import SPLITS, TEST, time_split, user_stratified_split

__all__ = [
    "CONNECT_TIMEOUT_S",
    "INSTALL_SPARK",
    "JAVA_MIN",
    "RANKING_METRICS_SPARK",
    "ROW",
    "SPLITS",
    "TEST",
    "SparkALS",
    "aggregate",
    "apply_rules",
    "build",
    "check_driver_memory",
    "check_java",
    "check_options",
    "check_pyspark",
    "check_reachable",
    "check_schemas",
    "clean_lines",
    "kcore",
    "master_addresses",
    "memory_guard",
    "rank_thresholds",
    "ranking_per_user",
    "ranking_summary",
    "ratings_table",
    "read_lines",
    "rfm",
    "segment_customers",
    "segments_to_pandas",
    "session",
    "source_parquet",
    "time_split",
    "to_pandas",
    "user_stratified_split",
]
