"""The shared preparation step on the real data sets: counts, cache round trip, export privacy."""

import json

import pandas as pd
import pytest

from aftersales import columns as C
from aftersales import prepare
from aftersales.clean import reconcile

pytestmark = [pytest.mark.mirror, pytest.mark.slow]


@pytest.fixture(scope="module")
def retail(real_source):
    return prepare.prepare(dataset="online-retail", cache=False)


def test_retail_counts(retail):
    # netted cleaning keeps 388,168 lines (391,150 gross, see test_audit_real, less 2,982
    # purchases returned in full); 264,743 pairs, the 5-core keeps 263,030
    assert len(retail.cleaned) == 388_168 and len(retail.interactions) == 263_030
    reconcile(retail.audit)
    reconcile(retail.kcore_audit)
    assert retail.kcore_audit[C.ROWS_IN].iloc[0] == 264_743
    assert len(retail.split.train) + len(retail.split.test) == 263_030
    assert len(retail.returns) == 9_020
    assert set(retail.interactions[C.RATING].unique()) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert retail.names["85123A"] == "WHITE HANGING HEART T-LIGHT HOLDER"


def test_cache_round_trip(retail, tmp_path, monkeypatch):
    monkeypatch.setenv("AFTERSALES_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(prepare, "_build", lambda options: retail)
    prepare.prepare(retail.options)
    monkeypatch.setattr(prepare, "_build", lambda options: pytest.fail("cache not used"))
    again = prepare.prepare(retail.options)
    pd.testing.assert_frame_equal(again.interactions, retail.interactions)
    pd.testing.assert_frame_equal(again.split.test, retail.split.test)
    assert again.split.method == retail.split.method
    assert list(again.split.cold_users) == list(retail.split.cold_users)
    pd.testing.assert_frame_equal(again.content, retail.content)  # item content is cached too


def test_retail_item_content(retail):
    content = retail.content.set_index(C.ITEM)
    assert content.index.is_unique and len(content) == retail.cleaned[C.ITEM].nunique()
    assert content.loc["85123A", C.TEXT] == "WHITE HANGING HEART T-LIGHT HOLDER"
    median = retail.cleaned.loc[retail.cleaned[C.ITEM] == "85123A", C.UNIT_PRICE].median()
    assert content.loc["85123A", C.UNIT_PRICE] == median


def test_export_has_no_raw_customer_ids(retail, tmp_path):
    written = prepare.export(retail, tmp_path, key=b"0123456789abcdef")
    names = {p.relative_to(tmp_path).as_posix() for p in written}
    assert {"data/interactions.parquet", "tables/audit.csv", "data/processed.json"} <= names
    raw_ids = set(retail.interactions[C.USER])
    for name in ("interactions", "train", "test"):
        exported = pd.read_parquet(tmp_path / "data" / f"{name}.parquet")
        assert exported[C.USER].str.fullmatch(r"c_[0-9a-f]{16}").all()
        assert not raw_ids & set(exported[C.USER])
    for path in (tmp_path / "tables").iterdir():
        text = path.read_text()
        assert not any(f",{i}," in text or text.startswith(f"{i},") for i in list(raw_ids)[:200])


def test_movielens_export_is_a_pointer_only(real_source, tmp_path):
    prepared = prepare.prepare(dataset="movielens-100k")
    prepare.export(prepared, tmp_path, key=b"0123456789abcdef")
    assert not list((tmp_path / "data").glob("*.parquet"))
    pointer = json.loads((tmp_path / "data" / "processed.json").read_text())
    assert "redistribution" in pointer["note"] and pointer["rows"]["interactions"] == 99_287
    # the pointer names the cache inside the project, never a path of this machine
    assert pointer["cache"] == f"data/processed/{prepare.cache_folder(prepared.options).name}"
