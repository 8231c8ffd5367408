"""The resolution order and its failure modes, on a tiny MovieLens-shaped archive."""

import dataclasses
import json
import time
import zipfile

import pytest

from aftersales import columns as C
from aftersales import datasets
from aftersales.datasets import _registry
from aftersales.download import sha256_of
from aftersales.errors import DataUnavailableError, IntegrityError, UnknownNameError

U_DATA = "1\t10\t4\t881250949\n1\t20\t2\t881250950\n2\t10\t5\t881250951\n"
GENRE_FLAGS = "|".join(["0"] * 19)
U_ITEM = (
    f"10|Toy Story (1995)|01-Jan-1995||http://x|{GENRE_FLAGS[:-1]}1\n"
    f"20|Misérables, Les (1995)|01-Jan-1995||http://x|{GENRE_FLAGS}\n"
)


@pytest.fixture
def tiny(tmp_path, monkeypatch, isolated_data):
    archive = tmp_path / "upstream" / "tiny.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("ml-100k/u.data", U_DATA)
        zf.writestr("ml-100k/u.item", U_ITEM.encode("latin-1"))
    entry = dataclasses.replace(
        _registry.MOVIELENS_100K,
        name="tiny",
        url=archive.as_uri(),
        archive="tiny.zip",
        archive_sha256=sha256_of(archive),
        expected={"rows": 3, C.USER: 2, C.ITEM: 2},
    )
    monkeypatch.setitem(_registry.REGISTRY, "tiny", entry)
    return entry


def test_unknown_name_lists_valid_ones():
    with pytest.raises(UnknownNameError, match=r"unknown data set 'movielens'; valid names are"):
        datasets.load("movielens")


def test_download_parse_cache_then_cache_hit(tiny, isolated_data):
    frame = datasets.load("tiny")
    # 3 ratings; item 10 is Toy Story with the last genre flag (Western) set
    assert frame[C.RATING].tolist() == [4.0, 2.0, 5.0]
    assert frame.loc[0, C.TITLE] == "Toy Story (1995)" and frame.loc[0, C.GENRES] == "Western"
    assert frame.loc[1, C.TITLE] == "Misérables, Les (1995)" and frame.loc[1, C.GENRES] == ""
    assert (isolated_data / "raw" / "tiny.zip").exists()
    assert json.loads((isolated_data / "interim" / "tiny.json").read_text())["source"].startswith(
        "raw"
    )
    (isolated_data / "raw" / "tiny.zip").unlink()  # the second load must not need it
    started = time.perf_counter()
    again = datasets.load("tiny")
    assert time.perf_counter() - started < 1.0
    assert again.equals(frame)


def test_no_cache_no_mirror_no_network(tiny, monkeypatch):
    bad = dataclasses.replace(tiny, url="http://127.0.0.1:9/tiny.zip")
    monkeypatch.setitem(_registry.REGISTRY, "tiny", bad)
    monkeypatch.setattr("aftersales.download.time.sleep", lambda s: None)
    with pytest.raises(DataUnavailableError) as err:
        datasets.load("tiny")
    message = str(err.value)
    assert "no mirror is configured" in message and "AFTERSALES_DATA_MIRROR" in message
    assert "http://127.0.0.1:9/tiny.zip" in message


def test_checksum_mismatch_of_download(tiny, monkeypatch):
    monkeypatch.setitem(
        _registry.REGISTRY, "tiny", dataclasses.replace(tiny, archive_sha256="f" * 64)
    )
    with pytest.raises(IntegrityError, match=r"sha256 .* expected ffff"):
        datasets.load("tiny")


def test_corrupted_raw_archive_is_refused(tiny, isolated_data):
    raw = isolated_data / "raw" / "tiny.zip"
    raw.parent.mkdir(parents=True)
    raw.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(IntegrityError, match=r"raw file tiny\.zip: sha256"):
        datasets.load("tiny")


def test_corrupted_cache_is_detected_and_never_used(tiny, isolated_data):
    datasets.load("tiny")
    cache = isolated_data / "interim" / "tiny.parquet"
    cache.write_bytes(cache.read_bytes()[:-40])  # truncate
    with pytest.raises(IntegrityError, match=r"truncated or corrupted.*--refresh"):
        datasets.load("tiny")
    assert len(datasets.load("tiny", refresh=True)) == 3


def test_content_check_says_what_failed_and_how_to_refresh(tiny, monkeypatch):
    monkeypatch.setitem(
        _registry.REGISTRY,
        "tiny",
        dataclasses.replace(tiny, expected={"rows": 3, C.USER: 943}),
    )
    with pytest.raises(IntegrityError, match=r"expected 943 distinct `user_id` values, found 2"):
        datasets.load("tiny")


def test_mirror_is_used_and_verified(tiny, tmp_path, monkeypatch):
    mirror = tmp_path / "mirror" / "ml-100k"
    mirror.mkdir(parents=True)
    (mirror / "u.data").write_text(U_DATA)
    (mirror / "u.item").write_bytes(U_ITEM.encode("latin-1"))
    files = {f"ml-100k/{n}": sha256_of(mirror / n) for n in ("u.data", "u.item")}
    offline = dataclasses.replace(tiny, url="http://127.0.0.1:9/x", mirror_files=files)
    monkeypatch.setitem(_registry.REGISTRY, "tiny", offline)
    monkeypatch.setenv("AFTERSALES_DATA_MIRROR", str(tmp_path / "mirror"))
    assert len(datasets.load("tiny")) == 3
    (mirror / "u.data").write_text(U_DATA + "3\t10\t1\t881250952\n")
    with pytest.raises(IntegrityError, match=r"mirror file ml-100k/u\.data: sha256"):
        datasets.load("tiny", refresh=True)
