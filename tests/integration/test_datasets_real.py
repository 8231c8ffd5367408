"""The real data sets, from the cache or the mirror: published counts, dtypes, cache speed."""

import time

import pytest

from aftersales import columns as C
from aftersales import datasets

pytestmark = [pytest.mark.mirror]


def test_movielens_100k(real_source):
    frame = datasets.load("movielens-100k")
    assert list(frame.columns) == [*C.RATINGS_COLUMNS, C.TITLE, C.GENRES]
    assert (len(frame), frame[C.USER].nunique(), frame[C.ITEM].nunique()) == (100_000, 943, 1_682)
    # published in the mirror README: mean 3.52986, 21,201 five-star ratings
    assert round(frame[C.RATING].mean(), 5) == 3.52986
    assert int((frame[C.RATING] == 5).sum()) == 21_201
    assert str(frame[C.TIMESTAMP].dtype) == "datetime64[ns, UTC]"
    assert frame[C.TIMESTAMP].min().timestamp() == 874724710
    titles = frame.drop_duplicates(C.ITEM).set_index(C.ITEM)[C.TITLE]
    assert titles[1] == "Toy Story (1995)" and "Misérables" in " ".join(titles)


def test_online_retail(real_source):
    frame = datasets.load("online-retail")
    assert list(frame.columns) == list(C.TRANSACTIONS_COLUMNS)
    assert len(frame) == 541_909 and frame[C.CUSTOMER].nunique() == 4_372
    assert frame[C.INVOICE].nunique() == 25_900 and int(frame[C.CUSTOMER].isna().sum()) == 135_080
    # publisher's sums: quantity 5,176,450 and quantity x price 9,747,747.934
    assert int(frame[C.QUANTITY].sum()) == 5_176_450
    assert round(float((frame[C.QUANTITY] * frame[C.UNIT_PRICE]).sum()), 3) == 9_747_747.934
    assert int(frame[C.INVOICE].str.startswith("C").sum()) == 9_288
    assert frame[C.TIMESTAMP].min().tz_convert("Europe/London").strftime("%Y-%m-%d %H:%M") == (
        "2010-12-01 08:26"
    )


@pytest.mark.parametrize("name", datasets.NAMES)
def test_second_load_comes_from_cache_quickly(real_source, name):
    datasets.load(name)
    started = time.perf_counter()
    datasets.load(name)
    assert time.perf_counter() - started < 1.0
