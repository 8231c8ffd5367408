"""Measuring a child process tree: status, time, peak memory; the scale table's ratios and words."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from aftersales import columns as C
from aftersales import narrate, scale
from aftersales.errors import ParameterError
from aftersales.plots import scale as plots_scale

MIB = 2**20
PY = sys.executable


def _run(code: str, **options):
    defaults = {"engine": "t", "memory_limit": 2048 * MIB, "timeout": 60}
    return scale.run_measured([PY, "-c", code], **{**defaults, **options})


def test_a_finished_run_reports_its_own_time_and_summary():
    m = _run('import json; print("noise"); print(json.dumps({"seconds": 1.25, "kept": 7}))')
    assert (m.status, m.seconds, m.result) == ("ok", 1.25, {"kept": 7})
    assert m.peak_bytes > 0


def test_memory_of_a_grandchild_counts_and_the_limit_stops_the_tree():
    # The child starts a grandchild that holds 300 MiB; the child itself holds little.
    grandchild = "b = bytearray(300 * 2**20); import time; time.sleep(30)"
    code = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}])"
    m = _run(code, memory_limit=200 * MIB)
    assert m.status == "memory" and m.peak_bytes > 200 * MIB
    assert m.seconds < 30  # killed, not waited for


def test_timeout_and_error():
    assert _run("import time; time.sleep(20)", timeout=1).status == "timeout"
    failed = _run("raise SystemExit('bad input: x')")
    assert failed.status == "error" and "bad input: x" in failed.detail


def test_options_are_checked():
    with pytest.raises(ParameterError, match="memory_limit"):
        _run("pass", memory_limit=0)
    with pytest.raises(ParameterError, match="engine"):
        scale.workload_command("polars", "x")


@pytest.fixture
def table():
    # pandas: 10 s / 500 MiB at 1,000 lines, stopped by memory at 10,000 (peak 4,100 MiB);
    # spark: 40 s / 2,000 MiB and 60 s / 2,500 MiB.
    rows = [
        (1.0, "pandas", 1000, "ok", 10.0, 500.0, 800, 300, 40, ""),
        (1.0, "spark", 1000, "ok", 40.0, 2000.0, 800, 300, 40, ""),
        (10.0, "pandas", 10000, "memory", 12.0, 4100.0, pd.NA, pd.NA, pd.NA, "stopped after 12 s"),
        (10.0, "spark", 10000, "ok", 60.0, 2500.0, 8000, 3000, 400, ""),
    ]
    return pd.DataFrame(rows, columns=list(C.SCALE_COLUMNS))


def test_ratios(table):
    ratios = scale.ratios(table)
    assert ratios.index.tolist() == [1000]
    assert ratios.loc[1000, "time_ratio"] == 4.0 and ratios.loc[1000, "memory_ratio"] == 4.0
    assert scale.ratios(table[table[C.ENGINE] == "spark"]).empty


def test_findings_and_agreement(table):
    text = narrate.scale_findings(table, memory_limit_mib=4096).data
    assert (
        "pandas finished up to 1,000 lines and passed the memory limit of 4,096 MiB at "
        "10,000 lines." in text
    )
    assert "spark finished up to 10,000 lines." in text
    assert "Spark took 40.0 s against pandas' 10.0 s (4.00 times)" in text
    agree = narrate.scale_agreement(table).data
    assert agree == (
        "At 1,000 lines both engines keep 800 lines, 300 customer x item pairs and 40 customers."
    )
    crashed = table.copy()
    crashed.loc[3, [C.STATUS, C.REASON]] = ["error", "java.lang.OutOfMemoryError: Java heap space"]
    assert (
        "spark finished up to 1,000 lines and ended with status error "
        "(java.lang.OutOfMemoryError: Java heap space) at 10,000 lines."
    ) in narrate.scale_findings(crashed, memory_limit_mib=4096).data
    other = table.copy()
    other.loc[1, C.KEPT] = 799
    assert "DISAGREE" in narrate.scale_agreement(other).data


def test_curves_plot_the_table(table):
    figure = plots_scale.scale_curves(table, memory_limit_mib=4096)
    time_axes, memory_axes = figure.axes
    assert time_axes.get_ylabel() == "wall time (s)"
    assert memory_axes.get_ylabel() == "peak memory (MiB)"
    spark_line = next(ln for ln in memory_axes.get_lines() if ln.get_label() == "spark")
    assert list(spark_line.get_ydata()) == [2000.0, 2500.0]
