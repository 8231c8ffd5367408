"""aftersales.plots.returns: each figure is checked through the data it draws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from aftersales import columns as C
from aftersales.errors import DataValidationError, ParameterError
from aftersales.plots import returns as plots


def rates() -> pd.DataFrame:
    return pd.DataFrame(
        {
            C.SEGMENT: ["Champions", "Lost"],
            C.N_CUSTOMERS: [10, 1200],
            C.VALUE_RATE: [0.05, 0.02],
            C.VALUE_CI_LOW: [0.03, 0.015],
            C.VALUE_CI_HIGH: [0.08, 0.03],
            C.UNIT_RATE: [0.04, 0.01],
            C.UNIT_CI_LOW: [0.02, 0.005],
            C.UNIT_CI_HIGH: [0.06, 0.02],
        }
    )


def test_rate_intervals_draws_rates_and_whiskers():
    figure = plots.rate_intervals(rates(), C.SEGMENT, title="By segment")
    axes = figure.axes[0]
    assert isinstance(figure, Figure) and axes.get_title() == "By segment"
    assert [p.get_width() for p in axes.patches] == pytest.approx([0.05, 0.02])
    assert [t.get_text() for t in axes.get_yticklabels()] == ["Champions (10)", "Lost (1,200)"]
    # the whiskers run from each interval's low to its high end
    segments = axes.collections[0].get_segments()
    ends = [value for s in segments for value in (s[0][0], s[1][0])]
    assert ends == pytest.approx([0.03, 0.08, 0.015, 0.03])
    assert "value" in axes.get_xlabel()
    units = plots.rate_intervals(rates(), C.SEGMENT, measure="units").axes[0]
    assert [p.get_width() for p in units.patches] == pytest.approx([0.04, 0.01])
    with pytest.raises(ParameterError, match="measure"):
        plots.rate_intervals(rates(), C.SEGMENT, measure="euros")


def test_time_to_return_counts_every_return_and_marks_the_median():
    days = np.array([0.0, 0.5, 1.0, 3.0, 10.0])
    quantiles = pd.DataFrame({C.QUANTILE: [0.25, 0.5, 0.75], C.DAYS: [0.5, 1.0, 3.0]})
    axes = plots.time_to_return(days, quantiles).axes[0]
    assert sum(p.get_height() for p in axes.patches) == 5
    assert [line.get_xdata()[0] for line in axes.lines] == [0.5, 1.0, 3.0]
    assert "days" in axes.get_xlabel() and "5 matched" in axes.get_title()
    with pytest.raises(DataValidationError):
        plots.time_to_return(np.array([]), quantiles)


def test_returned_vs_sold_leaves_out_items_without_returns():
    items = pd.DataFrame(
        {
            C.DESCRIPTION: ["RED MUG", "A VERY LONG DESCRIPTION OF A CAKE STAND", "BOWL"],
            C.SOLD_UNITS: [100.0, 50.0, 10.0],
            C.RETURNED_UNITS: [20.0, 5.0, 0.0],
        }
    )
    axes = plots.returned_vs_sold(items, labels=2).axes[0]
    points = axes.collections[0].get_offsets()
    assert np.asarray(points).tolist() == [[100.0, 20.0], [50.0, 5.0]]
    assert axes.get_xscale() == axes.get_yscale() == "log"
    labels = [t.get_text() for t in axes.texts if t.get_text() not in ("1%", "10%", "100%")]
    assert labels == ["1. RED MUG", "2. A VERY LONG DESCRIPTION OF\u2026"]
    with pytest.raises(DataValidationError):
        plots.returned_vs_sold(items.assign(**{C.RETURNED_UNITS: 0.0}))


def test_return_shares_draws_eligible_customers_only():
    customers = pd.DataFrame({C.N_PURCHASES: [1, 5, 6, 9], C.RETURN_SHARE: [0.9, 0.1, 0.0, 0.5]})
    axes = plots.return_shares(customers, threshold=0.4, min_purchases=5).axes[0]
    assert sum(p.get_height() for p in axes.patches) == 3
    assert axes.lines[0].get_xdata()[0] == 0.4
    assert "3 customers" in axes.get_title()
