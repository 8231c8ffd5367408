"""Parquet in and out of Spark: the row order column, the schema check, small frames back.

Spark reads a folder of Parquet files in no fixed order, and the pandas cleaning keeps the
first of two duplicate lines and serves returns in row order; :data:`ROW` carries the row
order explicitly. :func:`source_parquet` writes a registered data set (or source file) once
as Parquet with that column; :func:`read_lines` reads any Parquet file or folder, after
checking that its files agree on their columns (:class:`SchemaMismatchError` otherwise).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow.parquet as pq

from aftersales import datasets, locks, paths
from aftersales.errors import DataValidationError, SchemaMismatchError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

ROW = "_row"
"""Row position in the source (int64): the order the pandas steps see the lines in."""

_FILE_ORDER = "_file"


def parquet_files(folder: Path) -> list[Path]:
    """Return the data files of a Parquet folder (hidden and ``_``-prefixed ones left out).

    Parameters
    ----------
    folder : Path
        A folder of Parquet files, possibly partitioned into ``key=value`` sub-folders.

    Returns
    -------
    list of Path
        The files, sorted by path.
    """
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and not any(part.startswith((".", "_")) for part in path.relative_to(folder).parts)
    )


def check_schemas(path: Path) -> None:
    """Check that every Parquet file under ``path`` has the same column names and types.

    Parameters
    ----------
    path : Path
        A Parquet file or folder.

    Raises
    ------
    SchemaMismatchError
        If two files differ; names the first file, the file that differs, and the columns
        missing, added or typed differently.
    DataValidationError
        If the folder holds no file, or a file is not Parquet.
    """
    files = [path] if path.is_file() else parquet_files(path)
    if not files:
        raise DataValidationError(f"Parquet folder {path} holds no data file")
    reference = None
    for file in files:
        try:
            schema = pq.read_schema(file)
        except Exception as error:  # pyarrow raises ArrowInvalid and OSError alike
            raise DataValidationError(f"{file} is not a Parquet file: {error}") from None
        columns = {name: str(schema.field(name).type) for name in schema.names}
        if reference is None:
            reference = (file, columns)
            continue
        first, expected = reference
        if columns != expected:
            missing = sorted(set(expected) - set(columns))
            added = sorted(set(columns) - set(expected))
            retyped = sorted(
                f"{name} ({expected[name]} vs {columns[name]})"
                for name in set(expected) & set(columns)
                if expected[name] != columns[name]
            )
            parts = [
                f"missing {missing}" if missing else "",
                f"extra {added}" if added else "",
                f"other types: {', '.join(retyped)}" if retyped else "",
            ]
            raise SchemaMismatchError(
                f"Parquet folder {path} mixes schemas: {file.relative_to(path)} differs from "
                f"{first.relative_to(path)}: {'; '.join(p for p in parts if p)}. "
                "Rewrite the files with one schema, or read them as separate folders"
            )


def read_lines(spark: SparkSession, path: str | Path) -> DataFrame:
    """Read transaction lines from a Parquet file or folder, with a row-order column.

    When the files carry no :data:`ROW` column, the order is file path, then position in
    the file.

    Parameters
    ----------
    spark : pyspark.sql.SparkSession
        The session.
    path : str or Path
        A Parquet file, or a folder of them (partitioned folders are read with their
        partition columns).

    Returns
    -------
    pyspark.sql.DataFrame
        The lines, with :data:`ROW`.

    Raises
    ------
    SchemaMismatchError
        If the folder's files disagree on their columns.
    DataValidationError
        If the path does not exist or holds no Parquet data.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    path = Path(path)
    if not path.exists():
        raise DataValidationError(f"no Parquet file or folder at {path}")
    check_schemas(path)
    frame = spark.read.parquet(str(path))
    if ROW in frame.columns:
        return frame.withColumn(ROW, F.col(ROW).cast("long"))
    ordered = frame.withColumn(_FILE_ORDER, F.input_file_name()).withColumn(
        "_pos", F.monotonically_increasing_id()
    )
    order = Window.orderBy(_FILE_ORDER, "_pos")
    return ordered.withColumn(ROW, F.row_number().over(order).cast("long") - 1).drop(
        _FILE_ORDER, "_pos"
    )


def source_parquet(dataset: str) -> Path:
    """Write a data set once as Parquet with :data:`ROW`, and return the file.

    Parameters
    ----------
    dataset : str
        Registered name or the path of a source file.

    Returns
    -------
    Path
        ``data/interim/spark/<name>-<fingerprint>.parquet``.

    Raises
    ------
    WriteError
        If the file cannot be written.
    """
    spec = datasets.spec(dataset)
    tag = (datasets.fingerprint(dataset) or "registered")[:12]
    target = paths.interim_dir() / "spark" / f"{spec.name}-{tag}.parquet"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = target.with_name(f".{target.name}.lock")
    with locks.hold(lock, purpose=f"writing {target.name}", timeout=600.0):
        if not target.exists():
            raw = datasets.load(dataset)
            scratch = target.with_name(target.name + ".part")
            # Spark reads microsecond timestamps; nanoseconds would be refused
            raw.assign(**{ROW: pd.RangeIndex(len(raw), dtype="int64")}).to_parquet(
                scratch, index=False, coerce_timestamps="us", allow_truncated_timestamps=False
            )
            scratch.replace(target)
    return target
