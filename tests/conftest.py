"""Shared fixtures: an isolated data folder, and the real data sets when a mirror is present."""

from __future__ import annotations

import pytest

from aftersales import paths


@pytest.fixture
def isolated_data(tmp_path, monkeypatch):
    """Point the data folder at a temporary directory and switch the mirror off."""
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "data"))
    monkeypatch.setenv(paths.MIRROR_ENV, "")
    return tmp_path / "data"


@pytest.fixture(scope="session")
def real_source():
    """Skip a test when neither the parsed caches nor a mirror can provide the real data."""
    from aftersales import datasets

    have_cache = all(datasets.cache_path(name).exists() for name in datasets.NAMES)
    if not have_cache and paths.mirror_dir() is None:
        pytest.skip(f"no data cache and no mirror (set {paths.MIRROR_ENV})")
    return True


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Keep a test file on one pytest-xdist worker, and every file that runs Spark on the same one.

    With ``-n 2 --dist loadgroup`` (``make test``), a file's module fixtures (real-data
    preparations, report runs) are built once, not once per worker, and only one worker runs
    Spark, so two Spark JVMs never compete for the two cores and the memory.
    """
    if getattr(config.option, "dist", "no") != "loadgroup":
        return
    spark_files = {
        item.path
        for item in items
        if item.get_closest_marker("spark") or "spark" in getattr(item, "fixturenames", ())
    }
    for item in items:
        if item.path in spark_files:
            group = "spark"
        else:
            group = item.path.relative_to(config.rootpath).as_posix()
        item.add_marker(pytest.mark.xdist_group(group))
