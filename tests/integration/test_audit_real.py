"""The cleaning audit on the real data sets: it reconciles, and the retail counts are pinned.

The pinned counts were computed from the mirror's Online Retail file (541,909 lines) with
this package; a change in any of them means a rule or the loader changed meaning.
"""

from __future__ import annotations

import pandas as pd
import pytest

from aftersales import clean
from aftersales import columns as C
from aftersales import interactions as I
from aftersales import split as S
from aftersales.datasets import load

pytestmark = [pytest.mark.mirror, pytest.mark.slow]

RETAIL_STEPS = pd.DataFrame(
    {
        C.STEP: [
            "missing_customer",
            "cancellations",
            "nonpositive_quantity",
            "nonpositive_price",
            "non_product_codes",
            "duplicate_lines",
        ],
        C.ROWS_IN: [541_909, 406_829, 397_924, 397_924, 397_884, 396_337],
        C.ROWS_OUT: [406_829, 397_924, 397_924, 397_884, 396_337, 391_150],
        C.DROPPED: [135_080, 8_905, 0, 40, 1_547, 5_187],
    }
)


@pytest.fixture(scope="module")
def retail() -> pd.DataFrame:
    return load("online-retail")


@pytest.fixture(scope="module")
def movielens() -> pd.DataFrame:
    return load("movielens-100k")


@pytest.fixture(scope="module")
def cleaned(retail: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    return clean.clean_transactions(retail)


def test_retail_audit_pins_each_step(cleaned):
    frame, audit = cleaned
    clean.reconcile(audit)
    pd.testing.assert_frame_equal(
        audit[list(RETAIL_STEPS.columns)], RETAIL_STEPS, check_dtype=False
    )
    assert audit[C.ROWS_IN].iloc[0] - audit[C.ROWS_OUT].iloc[-1] == audit[C.DROPPED].sum()
    assert len(frame) == 391_150
    assert frame[C.CUSTOMER].notna().all() and (frame[C.QUANTITY] > 0).all()
    assert (frame[C.UNIT_PRICE] > 0).all() and not frame.duplicated().any()


def test_retail_non_product_codes_all_occur(retail):
    table = clean.non_product_codes(retail)
    assert (table[C.N_ROWS] > 0).all(), table[table[C.N_ROWS] == 0]
    assert dict(zip(table[C.ITEM], table[C.N_ROWS], strict=True))["POST"] == 1_256


def test_retail_extreme_rule_reconciles(retail):
    rule = clean.ExtremeQuantity("log_iqr", 3)
    _, audit = clean.clean_transactions(retail, drop_extreme_quantity=rule)
    clean.reconcile(audit)
    # log10 fence at 2,592 units: the 80,995 and 74,215 unit lines and 10 other bulk lines
    assert audit[C.STEP].iloc[-1] == "extreme_quantity" and audit[C.DROPPED].iloc[-1] == 12


def test_retail_interactions_and_kcore(cleaned):
    frame, _ = cleaned
    pairs = I.aggregate(frame)
    assert len(pairs) == 266_221
    assert pairs[C.USER].nunique() == 4_334 and pairs[C.ITEM].nunique() == 3_659
    assert pairs[C.TOTAL_QUANTITY].sum() == frame[C.QUANTITY].sum()
    revenue = (frame[C.QUANTITY] * frame[C.UNIT_PRICE]).sum()
    assert pairs[C.REVENUE].sum() == pytest.approx(revenue, rel=1e-12)
    core, audit = clean.kcore(pairs, min_user=5, min_item=5)
    clean.reconcile(audit)
    assert audit[C.DROPPED].tolist() == [587, 1_116, 8, 0, 0, 0]
    assert len(core) == 264_510
    for scheme in I.RATING_SCHEMES:
        ratings = I.to_ratings(core, scheme)
        assert ratings[C.RATING].between(1, 5).all()
    result = S.split(I.to_ratings(core), "leave_last_n", n=1, seed=0)
    assert set(result.train.index).isdisjoint(result.test.index)


def test_movielens_audit_reconciles(movielens):
    frame, audit = clean.clean_ratings(movielens, scale=(1, 5), duplicates="latest")
    assert audit[C.DROPPED].tolist() == [0, 0, 0] and len(frame) == 100_000
    core, core_audit = clean.kcore(frame, min_user=20, min_item=20)
    both = clean.audit_table([audit, core_audit])
    clean.reconcile(both)
    assert core_audit[C.DROPPED].tolist() == [0, 5_032, 487, 38, 0, 0]
    assert (len(core), core[C.USER].nunique(), core[C.ITEM].nunique()) == (94_443, 917, 937)
