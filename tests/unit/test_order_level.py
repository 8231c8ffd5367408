"""Order-level exports (customer, date, order amount; no items): the calls 03.00 makes."""

import pandas as pd
import pytest

from aftersales import clean, prepare, segment
from aftersales import columns as C
from aftersales.errors import DataValidationError

ORDERS = """Client;When;Amount
A;03/01/2023;10.5
A;15/02/2023;20
B;05/01/2023;7
B;20/03/2023;8
B;28/03/2023;9
C;10/01/2023;30
D;11/01/2023;12
D;11/02/2023;13
E;12/01/2023;5
F;01/02/2023;6
F;01/03/2023;6
"""


@pytest.fixture
def source(tmp_path):
    (tmp_path / "orders.csv").write_text(ORDERS)
    file = tmp_path / "orders.yaml"
    file.write_text(
        "kind: transactions\npath: orders.csv\n"
        "columns: {customer_id: Client, timestamp: When, revenue: Amount}\n"
        'dates: {format: "%d/%m/%Y", timezone: UTC}\n'
    )
    return str(file)


def test_cleaning_skips_steps_whose_column_is_absent(source):
    prepared = prepare.prepare(dataset=source, cache=False)
    audit = prepared.audit.set_index(C.STEP)
    for step, column in (
        ("nonpositive_quantity", C.QUANTITY),
        ("nonpositive_price", C.UNIT_PRICE),
        ("non_products", C.ITEM),
    ):
        assert audit.loc[step, C.RULE] == f"skipped: the data has no `{column}` column"
        assert audit.loc[step, C.DROPPED] == 0
    # customer C's derived invoices ("C@2023-01-10T00:00:00Z") are not cancellations
    assert audit.loc["cancellations", C.DROPPED] == 0
    assert len(prepared.cleaned) == 11


def test_no_items_means_no_interactions_and_a_note(source):
    prepared = prepare.prepare(dataset=source, cache=False)
    assert prepared.interactions.empty and prepared.split.train.empty
    assert prepared.kcore_audit[C.STEP].tolist() == ["no_items"]
    assert "order-level" in prepared.kcore_audit[C.RULE].iloc[0]
    assert prepared.names.empty


def test_rfm_reads_the_order_amount(source):
    cleaned = prepare.prepare(dataset=source, cache=False).cleaned
    table = segment.rfm(cleaned).set_index(C.CUSTOMER)
    # by hand: A 10.5 + 20; B 7 + 8 + 9, three orders, last on 28/03 (reference 29/03)
    assert table.loc["A", C.MONETARY] == pytest.approx(30.5)
    assert table.loc["B", C.MONETARY] == pytest.approx(24.0)
    assert table.loc["B", C.FREQUENCY] == 3
    assert table.loc["B", C.RECENCY] == 1
    assert table.loc["C", C.MONETARY] == pytest.approx(30.0)
    # A's last order 15/02 -> 29/03 is 42 days
    assert table.loc["A", C.RECENCY] == 42


def test_revenue_prefers_the_revenue_column_then_quantity_times_price():
    both = pd.DataFrame({C.REVENUE: [5.0], C.QUANTITY: [2], C.UNIT_PRICE: [3.0]})
    lines = pd.DataFrame({C.QUANTITY: [2, 4], C.UNIT_PRICE: [3.0, 0.5]})
    assert segment.revenue(both).tolist() == [5.0]
    assert segment.revenue(lines).tolist() == [6.0, 2.0]
    assert pd.isna(segment.revenue(pd.DataFrame({C.QUANTITY: [1]}))).all()
    assert not segment.has_money(pd.DataFrame({C.QUANTITY: [1]}))


def test_clean_transactions_still_needs_invoice_and_timestamp():
    with pytest.raises(DataValidationError, match="invoice_id"):
        clean.clean_transactions(pd.DataFrame({C.CUSTOMER: ["a"]}))
