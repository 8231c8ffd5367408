"""Open a store (read-only by default, version checked) and ask it questions."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pandas as pd

from aftersales import paths
from aftersales.errors import (
    ParameterError,
    StoreMissingError,
    StoreQueryError,
    StoreReadOnlyError,
    StoreVersionError,
)
from aftersales.store import _schema as S

REBUILD = "rebuild it with `python -m aftersales.store build reports/<run>`"
"""How to replace a store the workbench cannot read."""


def store_path(run: str | Path) -> Path:
    """Return the store file of a run folder (or ``run`` itself when it is the file).

    Parameters
    ----------
    run : str or Path
        ``reports/<run>/`` or its ``store.duckdb``.

    Returns
    -------
    Path
        The store file.

    Raises
    ------
    StoreMissingError
        If there is no store there; says how to make one.
    """
    path = Path(run)
    target = path / S.STORE_FILE if path.is_dir() else path
    if not target.is_file():
        raise StoreMissingError(
            f"{paths.shown(target)}: no customer store; report runs write one at the end "
            f"(`python -m aftersales.report params/<run>.yaml`), or {REBUILD[:-1]} from a "
            "finished run folder`"
            if path.is_dir()
            else f"{paths.shown(target)}: no such store file; give a run folder or its "
            f"{S.STORE_FILE}"
        )
    return target


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """Return the schema version a store was built with (None: not a workbench store).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        An open store.

    Returns
    -------
    int or None
        The version recorded in ``store_meta``.
    """
    try:
        row = con.execute(f"SELECT max(schema_version) FROM {S.META_TABLE}").fetchone()
    except duckdb.CatalogException:
        return None
    return None if row is None or row[0] is None else int(row[0])


def connect(run: str | Path, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open a run's store.

    Parameters
    ----------
    run : str or Path
        ``reports/<run>/`` or its ``store.duckdb``.
    read_only : bool, default True
        Open read-only: a statement that writes raises (see :func:`query`).

    Returns
    -------
    duckdb.DuckDBPyConnection
        The open store; close it when done (or use it in a ``with`` block).

    Raises
    ------
    StoreMissingError
        If there is no store, or the file is not a DuckDB database.
    StoreVersionError
        If the store was built under another schema version; says how to rebuild it.
    """
    path = store_path(run)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise StoreMissingError(
            f"{paths.shown(path)}: not a readable DuckDB store ({exc}); {REBUILD}"
        ) from exc
    found = schema_version(con)
    if found != S.SCHEMA_VERSION:
        con.close()
        made = "no schema version" if found is None else f"schema version {found}"
        raise StoreVersionError(
            f"{paths.shown(path)} was built with {made}; this workbench reads version "
            f"{S.SCHEMA_VERSION}: {REBUILD}"
        )
    return con


def query(
    con: duckdb.DuckDBPyConnection, sql: str, parameters: list | dict | None = None
) -> pd.DataFrame:
    """Run one SQL statement and return its result as a frame.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        An open store.
    sql : str
        The statement.
    parameters : list or dict, optional
        Values of ``?`` or ``$name`` placeholders.

    Returns
    -------
    pandas.DataFrame
        The result (empty for a statement that returns nothing).

    Raises
    ------
    StoreReadOnlyError
        If the statement writes and the store is open read-only.
    StoreQueryError
        If DuckDB refuses the statement; the message is DuckDB's.
    """
    try:
        relation = con.execute(sql, parameters)
        return relation.df() if relation.description else pd.DataFrame()
    except duckdb.Error as exc:
        message = str(exc)
        if "read-only" in message:
            raise StoreReadOnlyError(
                f"the store is open read-only; statements that write are refused ({message})"
            ) from exc
        raise StoreQueryError(message) from exc


def timed(
    con: duckdb.DuckDBPyConnection, sql: str, *, repeat: int = 5
) -> tuple[pd.DataFrame, float]:
    """Run a query ``repeat`` times; return its result and the median time in milliseconds.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        An open store.
    sql : str
        The statement.
    repeat : int, default 5
        Runs timed (the first one included: a notebook asks once).

    Returns
    -------
    tuple of (pandas.DataFrame, float)
        The result and the median wall time per run in ms.

    Raises
    ------
    ParameterError
        If ``repeat`` < 1.
    StoreQueryError, StoreReadOnlyError
        As :func:`query`.
    """
    if isinstance(repeat, bool) or not isinstance(repeat, int) or repeat < 1:
        raise ParameterError(f"`repeat` must be a positive integer; got {repeat!r}")
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        result = query(con, sql)
        times.append(1000 * (time.perf_counter() - began))
    return result, float(pd.Series(times).median())
