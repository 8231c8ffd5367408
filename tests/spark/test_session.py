"""The Spark session: named errors for missing pyspark or Java, a bad master, little memory."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

from aftersales import spark as engine
from aftersales.errors import (
    EngineConnectionError,
    EngineMemoryError,
    EngineUnavailableError,
    ParameterError,
)


def test_session_runs_in_utc_with_the_requested_partitions(spark):
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    assert spark.conf.get("spark.sql.shuffle.partitions") == "4"
    assert spark.range(10).count() == 10
    # the same master reuses the running session
    assert engine.session("local[2]", "1g") is spark


def test_missing_pyspark_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(EngineUnavailableError, match=r"pip install -e '\.\[spark\]'"):
        engine.check_pyspark()


def test_missing_java_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(
        EngineUnavailableError, match=r"Java 17.*holds no bin/java.*package manager"
    ):
        engine.check_java()
    monkeypatch.delenv("JAVA_HOME")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EngineUnavailableError, match="no `java` on PATH"):
        engine.session("local[1]", "1g")


def test_old_java_is_refused(monkeypatch, tmp_path):
    fake = tmp_path / "bin" / "java"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'java version \"1.8.0_392\"' >&2\n")
    fake.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    assert engine._session.java_version(str(fake)) == 8
    with pytest.raises(EngineUnavailableError, match=r"Java 17 or newer.*Java 8"):
        engine.check_java()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_unreachable_master_fails_fast_naming_the_address():
    port = _closed_port()
    started = time.monotonic()
    with pytest.raises(EngineConnectionError, match=f"127.0.0.1:{port}"):
        engine.session(f"spark://127.0.0.1:{port}", "1g")
    assert time.monotonic() - started < 30


def test_silent_master_times_out_within_30_s():
    # 192.0.2.0/24 is reserved for documentation: nothing answers there
    started = time.monotonic()
    with pytest.raises(EngineConnectionError, match=r"192\.0\.2\.1:7077"):
        engine.check_reachable("spark://192.0.2.1:7077", timeout=3)
    assert time.monotonic() - started < 30


@pytest.mark.parametrize(
    ("master", "expected"),
    [
        ("local[*]", []),
        ("local[4]", []),
        ("yarn", []),
        ("spark://a:7077,b:7078", [("a", 7077), ("b", 7078)]),
        ("spark://head", [("head", 7077)]),
        ("k8s://https://api.example:6443", [("api.example", 6443)]),
        ("sc://connect.example", [("connect.example", 15002)]),
    ],
)
def test_master_addresses(master, expected):
    assert engine.master_addresses(master) == expected


@pytest.mark.parametrize("master", ["", "locale", "local[0]", "mesos://x:5050", "spark://"])
def test_malformed_master_is_a_parameter_error(master):
    with pytest.raises(ParameterError, match="spark_master"):
        engine.master_addresses(master)


@pytest.mark.parametrize("memory", ["", "2 g", "0g", "two", "-1g", 2])
def test_malformed_driver_memory_is_a_parameter_error(memory):
    with pytest.raises(ParameterError, match="spark_driver_memory"):
        engine.check_driver_memory(memory)


def test_memory_guard_names_the_parameter():
    with (
        pytest.raises(EngineMemoryError, match=r"spark_driver_memory='1g'.*Java heap space"),
        engine.memory_guard("1g"),
    ):
        raise RuntimeError("java.lang.OutOfMemoryError: Java heap space")
    with pytest.raises(KeyError), engine.memory_guard("1g"):
        raise KeyError("not memory")


@pytest.mark.slow
def test_driver_memory_below_sparks_minimum_names_the_parameter():
    # Spark refuses a driver heap below its reserved ~450 MB; a fresh process starts a fresh JVM
    code = (
        "from aftersales import spark\n"
        "from aftersales.errors import EngineMemoryError\n"
        "try:\n"
        "    spark.session('local[1]', '200m').range(3).count()\n"
        "except EngineMemoryError as error:\n"
        "    print('NAMED', error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=240, check=False
    )
    assert "NAMED" in done.stdout, done.stdout + done.stderr[-2000:]
    assert "spark_driver_memory='200m'" in done.stdout
