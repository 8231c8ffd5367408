"""aftersales.narrate findings of 03.03, worded from tiny hand-made tables."""

from __future__ import annotations

import pandas as pd
import pytest

from aftersales import columns as C
from aftersales import narrate, returns
from aftersales.errors import DataValidationError


def test_returns_overview():
    summary = pd.DataFrame(
        {
            C.MATCH: ["matched", "unmatched"],
            C.N_ROWS: [300, 100],
            C.QUANTITY: [900.0, 100.0],
            C.VALUE: [7500.0, 2500.0],
            C.SHARE: [0.75, 0.25],
        }
    )
    overall = pd.DataFrame(
        {
            C.UNIT_RATE: [0.0412],
            C.VALUE_RATE: [0.05],
            C.VALUE_CI_LOW: [0.041],
            C.VALUE_CI_HIGH: [0.06],
        }
    )
    text = narrate.returns_overview(summary, overall).data
    assert text.startswith("The returns table holds 400 rows worth 10,000: 75 % of that value")
    assert "the other 25 % (100 rows)" in text
    assert text.endswith(
        "4.1 % of the units and 5.0 % of the value came back (95 % interval 4.1 % to 6.0 %)."
    )


def test_top_returned_findings():
    items = pd.DataFrame(
        {
            C.DESCRIPTION: ["RED MUG", "", "BOWL"],
            C.SOLD_UNITS: [1000.0, 200.0, 50.0],
            C.RETURNED_UNITS: [100.0, 20.0, 0.0],
            C.UNIT_RATE: [0.1, 0.1, 0.0],
        }
    )
    text = narrate.top_returned_findings(items, n=3).data
    assert text == (
        "The most returned products in units are RED MUG (100 of 1,000 units, 10.0 %) and "
        "an undescribed item (20 of 200 units, 10.0 %)."
    )


def test_timing_findings_and_missing_quantile():
    quantiles = pd.DataFrame({C.QUANTILE: [0.25, 0.5, 0.9], C.DAYS: [0.04, 1.5, 30.25]})
    assert narrate.timing_findings(quantiles).data == (
        "Half of the matched returns come back within 1.5 days of the purchase (median), a "
        "quarter within 0.0 days and nine in ten within 30.2 days."
    )
    with pytest.raises(DataValidationError, match=r"0\.9"):
        narrate.timing_findings(quantiles.head(2))


def test_rate_range_findings():
    rates = pd.DataFrame(
        {
            C.SEGMENT: ["Champions", "Lost", "At Risk"],
            C.VALUE_RATE: [0.08, 0.01, 0.03],
            C.VALUE_CI_LOW: [0.06, 0.005, 0.02],
            C.VALUE_CI_HIGH: [0.1, 0.02, 0.05],
        }
    )
    with_none = pd.concat(
        [rates, rates.head(1).assign(**{C.SEGMENT: returns.NO_LABEL, C.VALUE_RATE: 1.0})]
    )
    text = narrate.rate_range_findings(with_none, C.SEGMENT, what="segment").data
    assert text == (
        "By segment, the share of the value returned runs from 1.0 % (Lost) to 8.0 % "
        "(Champions); their 95 % intervals do not overlap."
    )


def test_review_findings():
    flagged = returns.Returners(pd.DataFrame(), threshold=0.2, quantile=0.95, min_purchases=5)
    review = pd.DataFrame(
        {
            C.SEGMENT: ["Champions", "Lost", "At Risk"],
            C.N_FLAGGED: [2, 0, 3],
            C.FLAGGED_RETURNED_VALUE: [100.0, 0.0, 400.0],
            C.FLAGGED_NET_VALUE: [1000.0, 0.0, 500.0],
        }
    )
    text = narrate.review_findings(flagged, review).data
    assert text.startswith("The rule flags a customer with a return share above 20.0 %")
    assert text.endswith(
        "It flags 5 customers, in At Risk (3) and Champions (2); they returned 500 and still "
        "hold 1,500 of net value."
    )
    nobody = narrate.review_findings(flagged, review.assign(**{C.N_FLAGGED: 0})).data
    assert nobody.endswith("No customer is above it in this run.")


def test_netting_findings():
    gross = pd.DataFrame(
        {
            C.CUSTOMER: ["a", "b", "c", "d"],
            C.MONETARY: [40.0, 30.0, 20.0, 10.0],
            C.SEGMENT: ["Champions", "Champions", "Lost", "Lost"],
        }
    )
    net = pd.DataFrame(
        {
            C.CUSTOMER: ["a", "c", "d"],
            C.MONETARY: [1.0, 20.0, 10.0],
            C.SEGMENT: ["Lost", "Lost", "Lost"],
        }
    )
    ranks = returns.netting_ranks(gross, net)
    # top 2 before: a (falls to 3) and b (every purchase returned); a and b change segment.
    text = narrate.netting_findings(ranks, n=2).data
    assert text == (
        "Of the 2 largest customers before netting, 0 stay in the top 2 and 1 leaves the "
        "customer base (every purchase returned). The largest fall: the customer ranked 1 "
        "before netting ranks 3 after, segment Champions before and Lost after. Over all "
        "customers, 2 change segment."
    )
