"""The Spark session from the preparation parameters, with the checks that name what is missing.

:func:`session` checks that pyspark is installed (the ``spark`` extra) and that Java 17 or
newer runs, probes a remote master's address before Spark starts waiting on it, and starts (or
reuses) the process's one SparkSession in UTC, so timestamps mean what they mean in pandas.
:func:`memory_guard` turns Spark's out-of-memory failures into :class:`EngineMemoryError`
naming ``spark_driver_memory``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aftersales.errors import (
    EngineConnectionError,
    EngineMemoryError,
    EngineUnavailableError,
    ParameterError,
)

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

JAVA_MIN = 17
"""Oldest Java major version Spark 4 runs on."""

CONNECT_TIMEOUT_S = 10.0
"""Seconds :func:`session` waits for each address of a remote master to accept a connection."""

INSTALL_SPARK = "pip install -e '.[spark]'"
INSTALL_JAVA = (
    "install Java 17 with the OS package manager (Debian/Ubuntu: `apt-get install "
    "openjdk-17-jre-headless`; macOS: `brew install openjdk@17`) or point JAVA_HOME at one"
)

_MEMORY = re.compile(r"^[1-9][0-9]*[kmgt]?$", re.IGNORECASE)
_LOCAL = re.compile(r"^local(\[(\*|[1-9][0-9]*)(,[0-9]+)?\])?$")
_OOM_SIGNS = (
    "OutOfMemoryError",
    "Java heap space",
    "GC overhead limit exceeded",
    "must be at least",  # Spark refuses a heap below its reserved minimum
    "Requested array size exceeds VM limit",
)


def check_pyspark() -> str:
    """Return pyspark's version, or say how to install it.

    Returns
    -------
    str
        The installed pyspark version.

    Raises
    ------
    EngineUnavailableError
        If pyspark cannot be imported.
    """
    try:
        import pyspark
    except ImportError:
        raise EngineUnavailableError(
            f"engine 'spark' needs pyspark, which is not installed: run `{INSTALL_SPARK}` "
            f"(and {INSTALL_JAVA})"
        ) from None
    return str(pyspark.__version__)


def java_command() -> str | None:
    """Return the ``java`` Spark will start: ``$JAVA_HOME/bin/java``, else the one on PATH.

    Returns
    -------
    str or None
        The command's path, or ``None`` when there is none.
    """
    home = os.environ.get("JAVA_HOME")
    if home:
        path = os.path.join(home, "bin", "java")
        return path if os.access(path, os.X_OK) else None
    return shutil.which("java")


def java_version(command: str) -> int:
    """Return the major version ``command -version`` reports (8 for ``1.8.0_x``).

    Parameters
    ----------
    command : str
        Path of a ``java`` executable.

    Returns
    -------
    int
        The major version.

    Raises
    ------
    EngineUnavailableError
        If it does not run or prints no version.
    """
    try:
        done = subprocess.run(
            [command, "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise EngineUnavailableError(
            f"engine 'spark' needs Java {JAVA_MIN}: `{command} -version` failed ({error}); "
            f"{INSTALL_JAVA}"
        ) from None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', done.stderr + done.stdout)
    if not found:
        raise EngineUnavailableError(
            f"engine 'spark' needs Java {JAVA_MIN}: `{command} -version` printed no version "
            f"({(done.stderr or done.stdout).strip()[:200]!r}); {INSTALL_JAVA}"
        )
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def check_java() -> int:
    """Return the Java major version Spark will use, or say how to install Java 17.

    Returns
    -------
    int
        The major version (>= :data:`JAVA_MIN`).

    Raises
    ------
    EngineUnavailableError
        If there is no Java, or it is older than :data:`JAVA_MIN`.
    """
    command = java_command()
    if command is None:
        where = (
            f"JAVA_HOME={os.environ['JAVA_HOME']!r} holds no bin/java"
            if os.environ.get("JAVA_HOME")
            else "no `java` on PATH and JAVA_HOME is not set"
        )
        raise EngineUnavailableError(
            f"engine 'spark' needs Java {JAVA_MIN}: {where}; {INSTALL_JAVA}"
        )
    major = java_version(command)
    if major < JAVA_MIN:
        raise EngineUnavailableError(
            f"engine 'spark' needs Java {JAVA_MIN} or newer; {command} is Java {major}: "
            f"{INSTALL_JAVA}"
        )
    return major


def check_driver_memory(value: str) -> str:
    """Return ``value`` when it is a JVM memory size such as ``"512m"`` or ``"2g"``.

    Parameters
    ----------
    value : str
        The ``spark_driver_memory`` parameter.

    Returns
    -------
    str
        ``value`` itself.

    Raises
    ------
    ParameterError
        If it is not a positive whole number with an optional k, m, g or t suffix.
    """
    if not isinstance(value, str) or not _MEMORY.match(value):
        raise ParameterError(
            f"`spark_driver_memory` must be a JVM size such as '512m' or '2g'; got {value!r}"
        )
    return value


def master_addresses(master: str) -> list[tuple[str, int]]:
    """Return the (host, port) pairs a master URL asks Spark to connect to.

    Parameters
    ----------
    master : str
        ``local``, ``local[n]``, ``local[*]``, ``spark://host:port[,host:port]``,
        ``k8s://https://host:port``, ``sc://host[:port]`` (Spark Connect) or ``yarn``.

    Returns
    -------
    list of tuple of (str, int)
        Empty for local mode and YARN (found through the Hadoop configuration).

    Raises
    ------
    ParameterError
        If the URL is none of these or lacks a host or port.
    """
    if not isinstance(master, str) or not master:
        raise ParameterError(f"`spark_master` must be a non-empty string; got {master!r}")
    if _LOCAL.match(master) or master == "yarn":
        return []
    defaults = {"spark://": 7077, "sc://": 15002, "k8s://": 443}
    for scheme, port in defaults.items():
        if master.startswith(scheme):
            rest = master[len(scheme) :]
            if scheme == "k8s://":
                url = urlsplit(rest if "://" in rest else f"https://{rest}")
                pairs = [(url.hostname or "", url.port or port)]
            else:
                pairs = []
                for part in rest.split("/")[0].split(","):
                    host, _, number = part.partition(":")
                    pairs.append((host, int(number) if number.isdigit() else port))
            if all(host for host, _ in pairs):
                return pairs
    raise ParameterError(
        f"`spark_master` must be local, local[n], local[*], spark://host:port, "
        f"k8s://https://host:port, sc://host:port or yarn; got {master!r}"
    )


def check_reachable(master: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Fail fast when no address of a remote master accepts a TCP connection.

    Spark's own client keeps retrying an unreachable standalone master for minutes; this
    probe answers within ``timeout`` seconds per address.

    Parameters
    ----------
    master : str
        The master URL.
    timeout : float, default CONNECT_TIMEOUT_S
        Seconds to wait for each address.

    Raises
    ------
    EngineConnectionError
        If none of the master's addresses answers; names them and the error.
    ParameterError
        If the URL is not a master URL.
    """
    problems = []
    for host, port in master_addresses(master):
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return
        except OSError as error:
            problems.append(f"{host}:{port} ({error or type(error).__name__})")
    if problems:
        raise EngineConnectionError(
            f"spark_master {master!r} is unreachable: no answer from {', '.join(problems)} "
            f"within {timeout:g} s; check the address, or use spark_master: 'local[*]'"
        )


def session(
    master: str = "local[*]",
    driver_memory: str = "2g",
    app_name: str = "aftersales",
    *,
    shuffle_partitions: int | None = None,
    config: dict[str, Any] | None = None,
) -> SparkSession:
    """Return the process's SparkSession for this master, starting it when needed.

    The session runs in UTC (``spark.sql.session.timeZone``) with the web UI off. A
    session already running in this process is reused when its master is ``master``;
    otherwise it is stopped and a new one started. The driver memory only takes effect
    when the process starts its JVM (Spark's rule): a second call with another size in
    the same process keeps the first size.

    Parameters
    ----------
    master : str, default "local[*]"
        The ``spark_master`` parameter (see :func:`master_addresses`).
    driver_memory : str, default "2g"
        The ``spark_driver_memory`` parameter (JVM heap of the driver, which in local mode
        runs every task).
    app_name : str, default "aftersales"
        Name shown by the cluster manager.
    shuffle_partitions : int, optional
        ``spark.sql.shuffle.partitions``; default twice the local cores (local mode) or
        Spark's 200.
    config : dict, optional
        More Spark settings.

    Returns
    -------
    pyspark.sql.SparkSession
        The running session.

    Raises
    ------
    EngineUnavailableError
        If pyspark or Java 17 is missing (the message says how to install them).
    EngineConnectionError
        If a remote master does not answer within :data:`CONNECT_TIMEOUT_S` seconds.
    EngineMemoryError
        If Spark refuses ``driver_memory`` as too small.
    ParameterError
        If ``master`` or ``driver_memory`` is malformed.
    """
    check_driver_memory(driver_memory)
    master_addresses(master)
    check_pyspark()
    check_java()
    check_reachable(master)
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        if active.sparkContext.master == master:
            return active
        active.stop()
    if shuffle_partitions is None:
        cores = _local_cores(master)
        shuffle_partitions = 2 * cores if cores else 200
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.driver.memory", driver_memory)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
    )
    for key, value in (config or {}).items():
        builder = builder.config(key, str(value))
    started = time.monotonic()
    with memory_guard(driver_memory):
        try:
            spark = builder.getOrCreate()
        except Exception as error:
            if _is_oom(error):
                raise
            raise EngineUnavailableError(
                f"Spark did not start on master {master!r} after "
                f"{time.monotonic() - started:.0f} s: {_first_line(error)}"
            ) from error
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _local_cores(master: str) -> int:
    found = _LOCAL.match(master)
    if not found:
        return 0
    count = found.group(2)
    return os.cpu_count() or 1 if count in (None, "*") else int(count)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    for line in text.splitlines():
        if "Exception" in line or "Error" in line:
            return line.strip()[:300]
    return text.splitlines()[0][:300] if text else type(error).__name__


def _is_oom(error: BaseException) -> bool:
    text = f"{type(error).__name__}: {error}"
    return any(sign in text for sign in _OOM_SIGNS)


@contextmanager
def memory_guard(driver_memory: str) -> Iterator[None]:
    """Turn Spark's out-of-memory failures inside the block into :class:`EngineMemoryError`.

    Parameters
    ----------
    driver_memory : str
        The ``spark_driver_memory`` in force, quoted in the message.

    Yields
    ------
    None
        Run Spark actions inside the block.

    Raises
    ------
    EngineMemoryError
        If the block fails with a Java out-of-memory error, or Spark refuses the heap size.
    """
    try:
        yield
    except Exception as error:
        if not _is_oom(error):
            raise
        raise EngineMemoryError(
            f"Spark ran out of memory with spark_driver_memory={driver_memory!r} "
            f"({_first_line(error)}); raise the parameter `spark_driver_memory` (e.g. '4g'), "
            "or give Spark less data per task"
        ) from error
