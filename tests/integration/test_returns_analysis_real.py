"""The returns analysis on Online Retail agrees with the gross cleaning it is derived around."""

import numpy as np
import pandas as pd
import pytest

from aftersales import clean, datasets, returns
from aftersales import columns as C

pytestmark = [pytest.mark.mirror, pytest.mark.slow]


@pytest.fixture(scope="module")
def raw(real_source) -> pd.DataFrame:
    return datasets.load("online-retail")


@pytest.fixture(scope="module")
def gross(raw) -> pd.DataFrame:
    return clean.clean_transactions(raw)[0]


@pytest.fixture(scope="module")
def netted(raw) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return clean.clean_transactions_net(raw)


def test_gross_sales_rebuilt_from_net_lines_and_matched_returns(gross, netted):
    # customer_items adds matched returns back onto the net lines; the gross cleaning never
    # took them off: per customer, units and value must agree.
    lines, _, table = netted
    items = returns.customer_items(lines, table)
    rebuilt = items.groupby(C.CUSTOMER)[[C.SOLD_UNITS, C.SOLD_VALUE]].sum()
    direct = (
        gross.assign(**{C.REVENUE: gross[C.QUANTITY] * gross[C.UNIT_PRICE]})
        .assign(**{C.CUSTOMER: gross[C.CUSTOMER].astype("str")})
        .groupby(C.CUSTOMER)[[C.QUANTITY, C.REVENUE]]
        .sum()
    )
    assert set(rebuilt.index) == set(direct.index)
    direct = direct.reindex(rebuilt.index)
    np.testing.assert_allclose(rebuilt[C.SOLD_UNITS], direct[C.QUANTITY])
    np.testing.assert_allclose(rebuilt[C.SOLD_VALUE], direct[C.REVENUE], rtol=1e-9, atol=1e-6)


def test_purchase_counts_are_the_gross_invoices(gross, netted):
    lines, _, table = netted
    counts = returns.purchase_counts(lines, table)
    direct = gross.groupby(gross[C.CUSTOMER].astype("str"))[C.INVOICE].nunique()
    pd.testing.assert_series_equal(
        counts, direct.reindex(counts.index).astype(np.int64), check_names=False
    )
