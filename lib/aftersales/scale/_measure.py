"""Wall time and peak memory of a workload run in a child process, under a memory limit.

The child is a fresh interpreter (``python -m aftersales.scale.run``), so its peak is its
own and a failure is a result rather than a crash of the caller. Peak memory is the
largest sum of resident set sizes over the child and all its descendants (Spark's JVM is
a grandchild), sampled every ``interval`` seconds with psutil; when the sum passes
``memory_limit`` the whole tree is killed and the run is recorded as stopped by memory:
the limit stands for a machine of that size, the same for both engines.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from aftersales.errors import ParameterError

STATUSES: tuple[str, ...] = ("ok", "memory", "timeout", "error")
"""How a run ended: finished, killed at the memory limit, killed at the time limit, failed."""


@dataclass(frozen=True)
class Measurement:
    """One run of one workload.

    Attributes
    ----------
    engine : str
        ``"pandas"`` or ``"spark"``.
    status : str
        One of :data:`STATUSES`.
    seconds : float
        Wall time of the workload as the child timed it (imports and start-up excluded);
        for a run that did not finish, the time until it was stopped.
    peak_bytes : int
        Largest resident memory of the process tree seen.
    result : dict
        The workload's summary (empty unless ``status == "ok"``).
    detail : str
        Why a run failed (last lines of its error output), else empty.
    """

    engine: str
    status: str
    seconds: float
    peak_bytes: int
    result: dict
    detail: str = ""


def tree_rss(process: psutil.Process) -> int:
    """Return the resident bytes of a process and all its descendants.

    Parameters
    ----------
    process : psutil.Process
        The root of the tree.

    Returns
    -------
    int
        Sum of RSS; processes that end while being read count as 0.
    """
    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total


def _kill_tree(process: psutil.Process) -> None:
    try:
        members = [*process.children(recursive=True), process]
    except psutil.Error:
        return
    for member in members:
        try:
            member.kill()
        except psutil.Error:
            continue


def run_measured(
    command: list[str],
    *,
    engine: str,
    memory_limit: int,
    timeout: float,
    interval: float = 0.05,
) -> Measurement:
    """Run a workload command, sampling its tree's memory, and read its JSON summary.

    The command must print one JSON object as its last line of standard output, with the
    key ``"seconds"`` (its own wall time) and any summary values.

    Parameters
    ----------
    command : list of str
        The child's command line.
    engine : str
        Label stored in the measurement.
    memory_limit : int
        Bytes; the tree is killed when its resident memory passes this.
    timeout : float
        Seconds; the tree is killed after this long.
    interval : float, default 0.05
        Seconds between memory samples.

    Returns
    -------
    Measurement
        Status, time, peak memory and summary.

    Raises
    ------
    ParameterError
        If ``memory_limit``, ``timeout`` or ``interval`` is not positive.
    """
    for name, value in (
        ("memory_limit", memory_limit),
        ("timeout", timeout),
        ("interval", interval),
    ):
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ParameterError(f"run_measured: `{name}` must be positive; got {value!r}")
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    root = psutil.Process(child.pid)
    peak, status = 0, ""
    while child.poll() is None:
        peak = max(peak, tree_rss(root))
        elapsed = time.perf_counter() - start
        if peak > memory_limit or elapsed > timeout:
            status = "memory" if peak > memory_limit else "timeout"
            _kill_tree(root)
            break
        time.sleep(interval)
    out, err = child.communicate()
    elapsed = time.perf_counter() - start
    if status:
        return Measurement(engine, status, elapsed, peak, {}, f"stopped after {elapsed:.1f} s")
    lines = out.strip().splitlines()
    if child.returncode != 0 or not lines:
        tail = " | ".join(err.strip().splitlines()[-3:])
        return Measurement(engine, "error", elapsed, peak, {}, tail or f"exit {child.returncode}")
    result = json.loads(lines[-1])
    return Measurement(engine, "ok", float(result.pop("seconds")), peak, result)


def workload_command(engine: str, folder: str | Path, *, driver_memory: str = "2g") -> list[str]:
    """Return the command line that runs preparation + RFM on a Parquet folder.

    Parameters
    ----------
    engine : {"pandas", "spark"}
        Which engine runs the workload.
    folder : str or Path
        Parquet folder written by :func:`aftersales.scale.enlarge`.
    driver_memory : str, default "2g"
        Spark's driver memory (ignored by pandas).

    Returns
    -------
    list of str
        ``[python, "-m", "aftersales.scale.run", ...]`` with this interpreter.

    Raises
    ------
    ParameterError
        If ``engine`` is not ``"pandas"`` or ``"spark"``.
    """
    if engine not in ("pandas", "spark"):
        raise ParameterError(f"workload_command: `engine` must be pandas or spark; got {engine!r}")
    return [
        sys.executable,
        "-m",
        "aftersales.scale.run",
        engine,
        str(folder),
        "--driver-memory",
        driver_memory,
    ]
