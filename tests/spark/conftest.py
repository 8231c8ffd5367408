"""One small local Spark session for every test under tests/spark (local[2], 1 GB, no UI)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def spark():
    """Start one Spark session for the test run (skips when pyspark or Java 17 is missing)."""
    pytest.importorskip("pyspark")
    from aftersales import spark as engine
    from aftersales.errors import EngineUnavailableError

    try:
        engine.check_java()
    except EngineUnavailableError as error:
        pytest.skip(str(error))
    session = engine.session(
        "local[2]",
        "1g",
        "aftersales-tests",
        shuffle_partitions=4,
        config={"spark.default.parallelism": 2, "spark.sql.adaptive.enabled": "true"},
    )
    yield session
    session.stop()
