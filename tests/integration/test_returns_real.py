"""Netting Online Retail's cancellations: revenue adds up, and cancelled bulk orders lose rank."""

import pandas as pd
import pytest

from aftersales import clean, datasets, segment
from aftersales import columns as C

pytestmark = [pytest.mark.mirror, pytest.mark.slow]

BULK = {"16446": 80_995, "12346": 74_215}
"""Customers whose bulk order was cancelled the same morning -> the units cancelled."""


@pytest.fixture(scope="module")
def raw(real_source) -> pd.DataFrame:
    return datasets.load("online-retail")


@pytest.fixture(scope="module")
def gross(raw) -> pd.DataFrame:
    return clean.clean_transactions(raw)[0]


@pytest.fixture(scope="module")
def netted(raw) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return clean.clean_transactions_net(raw)


def _revenue(lines: pd.DataFrame) -> float:
    return float((lines[C.QUANTITY] * lines[C.UNIT_PRICE]).sum())


def test_net_revenue_is_gross_minus_matched_returns(gross, netted):
    lines, audit, returns = netted
    matched = returns.loc[returns[C.MATCH] == "matched", C.VALUE].sum()
    print(
        f"gross sales {_revenue(gross):,.2f}; matched cancellations {matched:,.2f}; "
        f"net revenue {_revenue(lines):,.2f}"
    )
    assert _revenue(lines) == pytest.approx(_revenue(gross) - matched, abs=0.01)
    # measured: 8,737,227.64 gross, 448,138.90 matched
    assert _revenue(gross) == pytest.approx(8_737_227.64, abs=0.01)
    assert matched == pytest.approx(448_138.90, abs=0.01)
    clean.reconcile(audit)
    assert (returns[C.QUANTITY] > 0).all() and (returns[C.VALUE] > 0).all()
    matched_rows = returns[returns[C.MATCH] == "matched"]
    assert (matched_rows[C.DAYS_TO_RETURN] >= 0).all()
    assert matched_rows[C.INVOICE].notna().all() and matched_rows[C.TIMESTAMP].notna().all()
    assert returns.loc[returns[C.MATCH] == "unmatched", C.DAYS_TO_RETURN].isna().all()


def test_every_cancelled_unit_is_matched_or_unmatched_once(raw, netted):
    lines, audit, returns = netted
    frame = raw
    for step in (
        clean.drop_missing_customer,
        clean.drop_duplicate_lines,
        clean.drop_nonpositive_price,
        clean.drop_non_products,
    ):
        frame = step(frame)[0]
    cancelled = frame[frame[C.INVOICE].str.startswith("C")]
    steps = audit.set_index(C.STEP)[C.DROPPED]
    n_lines = steps[["returns_matched", "returns_partly_matched", "returns_unmatched"]].sum()
    assert n_lines == len(cancelled)
    assert returns[C.QUANTITY].sum() == -cancelled[C.QUANTITY].sum()
    # purchases only shrink: net quantity = bought - matched units of that line
    bought = frame.loc[lines.index, C.QUANTITY]
    assert (lines[C.QUANTITY] <= bought).all() and (lines[C.QUANTITY] > 0).all()
    taken = bought.sum() - lines[C.QUANTITY].sum()
    gone = frame.index.difference(lines.index).difference(cancelled.index)
    assert taken + frame.loc[gone, C.QUANTITY].clip(lower=0).sum() == (
        returns.loc[returns[C.MATCH] == "matched", C.QUANTITY].sum()
    )


def test_cancelled_bulk_orders_leave_the_top_100(gross, netted):
    lines, _, returns = netted
    for customer, units in BULK.items():
        mine = returns[(returns[C.CUSTOMER] == customer) & (returns[C.QUANTITY] == units)]
        assert len(mine) == 1 and mine[C.MATCH].iloc[0] == "matched"
        assert mine[C.DAYS_TO_RETURN].iloc[0] < 1 / 24  # cancelled within the hour
    before = segment.rfm(gross).sort_values(C.MONETARY, ascending=False)[C.CUSTOMER].tolist()
    after = segment.rfm(lines).sort_values(C.MONETARY, ascending=False)[C.CUSTOMER].tolist()
    print({c: (before.index(c) + 1, after.index(c) + 1 if c in after else None) for c in BULK})
    assert before.index("16446") < 10 and before.index("12346") < 10  # gross: both in the top 10
    assert "16446" not in after[:100] and "12346" not in after[:100]
    assert "12346" not in after  # the only order was cancelled: no purchase left
