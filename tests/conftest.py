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
