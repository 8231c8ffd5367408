"""What each notebook needs: the capability table and the relative dates of 03.00."""

from __future__ import annotations

import pandas as pd
import pytest

from aftersales import capabilities, periods
from aftersales import columns as C
from aftersales.errors import ParameterError

ORDER_LEVEL = {C.CUSTOMER, C.TIMESTAMP, C.REVENUE, C.INVOICE}
"""An order-level export: customer, date, order amount (invoice derived), no items."""


def test_order_level_export_supports_01_00_03_00_and_03_04_only():
    table = capabilities.capabilities("transactions", ORDER_LEVEL)
    assert [n for n, gap in table.items() if not gap] == ["01.00", "03.00", "03.04"]
    assert table["02.00"] == (C.ITEM,)
    assert table["03.01"] == (C.ITEM,)
    assert capabilities.has_money(ORDER_LEVEL)


def test_invoice_may_be_derived_from_customer_and_timestamp():
    lines = {C.ITEM, C.CUSTOMER, C.TIMESTAMP}
    assert capabilities.capabilities("transactions", lines)["03.01"] == ()
    table = capabilities.capabilities("transactions", {C.ITEM, C.TIMESTAMP})
    assert table["03.01"] == ("invoice_id or customer_id",)
    assert table["03.00"] == (C.CUSTOMER,)


def test_registered_sets_match_the_shipped_params():
    movielens = capabilities.capabilities(
        "ratings", capabilities.REGISTERED_COLUMNS["movielens-100k"]
    )
    assert [n for n, gap in movielens.items() if not gap] == [
        "01.00", "02.00", "02.01", "02.02", "02.03", "04.00"
    ]  # fmt: skip
    assert movielens["03.00"] == ("kind: transactions",)
    retail = capabilities.capabilities(
        "transactions", capabilities.REGISTERED_COLUMNS["online-retail"]
    )
    assert {n: gap for n, gap in retail.items() if gap} == {"04.01": ("kind: campaign",)}
    hillstrom = capabilities.capabilities("campaign", capabilities.REGISTERED_COLUMNS["hillstrom"])
    assert [n for n, gap in hillstrom.items() if not gap] == ["04.01"]


def test_content_notebook_needs_a_content_column():
    # an own export without descriptions or categories cannot run 02.03
    present = {C.CUSTOMER, C.ITEM, C.TIMESTAMP, C.INVOICE}
    assert capabilities.capabilities("transactions", present)["02.03"]
    assert not capabilities.capabilities("transactions", present | {C.DESCRIPTION})["02.03"]


def test_money_absent_turns_monetary_parts_off_with_a_note():
    present = {C.CUSTOMER, C.TIMESTAMP, C.INVOICE, C.ITEM}
    assert not capabilities.has_money(present)
    assert capabilities.has_money(present | {C.QUANTITY, C.UNIT_PRICE})
    assert not capabilities.has_money(present | {C.QUANTITY})
    table = capabilities.describe("transactions", present).set_index("notebook")
    assert table.loc["03.00", "status"] == "yes"
    assert "monetary parts off" in table.loc["03.00", "note"]


def test_present_columns_ignores_empty_columns():
    frame = pd.DataFrame({C.USER: ["a"], C.TIMESTAMP: pd.Series([pd.NaT])})
    assert capabilities.present_columns(frame) == {C.USER}


def test_require_names_every_missing_column():
    with pytest.raises(ParameterError, match=r"unknown data kind"):
        capabilities.capabilities("orders", set())


@pytest.mark.parametrize(
    ("spec", "expected"),
    [("-13w", "2011-09-09"), ("-91d", "2011-09-09"), ("-3m", "2011-09-09"), ("-0d", "2011-12-09"),
     ("-1m", "2011-11-09")],
)  # fmt: skip
def test_relative_days_count_back_from_the_anchor(spec, expected):
    # 2011-12-09 is online-retail's last day: 13 weeks = 91 days earlier is 2011-09-09,
    # today's literal default; three calendar months earlier is the same day.
    day = int(pd.Timestamp("2011-12-09").to_datetime64().astype("datetime64[D]").astype(int))
    assert str(pd.Timestamp(periods.shift_day(day, spec) * 86_400, unit="s").date()) == expected


def test_relative_specs_are_checked():
    assert periods.check("-13w", name="x") == "-13w"
    assert periods.check("2011-09-09", name="x") == "2011-09-09"
    for bad in ("13w", "-13y", "soon", ""):
        with pytest.raises(ParameterError, match="parameter `x` must be a date"):
            periods.check(bad, name="x")
