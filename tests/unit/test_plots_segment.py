"""aftersales.plots.segments: each figure is checked through the data it draws."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from aftersales import clv, segment
from aftersales import columns as C
from aftersales.errors import DataValidationError
from aftersales.plots import segments as plots


def rfm_table():
    # eight customers; one with zero net revenue
    return pd.DataFrame(
        {
            C.CUSTOMER: pd.array(list("abcdefgh"), dtype="str"),
            C.RECENCY: [1, 3, 10, 40, 90, 200, 300, 360],
            C.FREQUENCY: [20, 12, 6, 3, 2, 1, 1, 1],
            C.MONETARY: [5000.0, 2500.0, 900.0, 300.0, 120.0, 60.0, 0.0, 30.0],
        }
    )


def bar_widths(axes):
    return [patch.get_width() for patch in axes.patches]


def test_rfm_distributions_counts_every_customer():
    figure = plots.rfm_distributions(rfm_table())
    assert isinstance(figure, Figure) and len(figure.axes) == 3
    recency, frequency, monetary = figure.axes
    heights = [sum(p.get_height() for p in axes.patches) for axes in figure.axes]
    # all eight in recency and frequency; the zero-revenue customer is left out of monetary
    assert heights == [8, 8, 7]
    assert frequency.get_xscale() == "log" and monetary.get_xscale() == "log"
    assert "days" in recency.get_xlabel() and "GBP" in monetary.get_xlabel()
    assert "8 customers" in figure.get_suptitle()


def test_rfm_distributions_needs_the_columns():
    with pytest.raises(DataValidationError, match=C.MONETARY):
        plots.rfm_distributions(rfm_table().drop(columns=[C.MONETARY]))


def test_segment_shares_draws_both_shares():
    summary = pd.DataFrame(
        {
            C.SEGMENT: ["Champions", "Lost"],
            C.N_CUSTOMERS: [1, 3],
            C.CUSTOMER_SHARE: [0.25, 0.75],
            C.REVENUE_SHARE: [0.9, 0.1],
        }
    )
    axes = plots.segment_shares(summary).axes[0]
    # customers first (Champions, Lost), then revenue
    assert bar_widths(axes) == [0.25, 0.75, 0.9, 0.1]
    labels = [t.get_text() for t in axes.get_yticklabels()]
    assert labels == ["Champions (1)", "Lost (3)"]
    # Champions is drawn on top (higher y)
    assert axes.patches[0].get_y() > axes.patches[1].get_y()


def test_segments_by_country_stacks_to_one():
    counts = pd.DataFrame(
        {C.N_CUSTOMERS: [4, 2], "Champions": [1, 0], "Lost": [3, 2]},
        index=pd.Index(["United Kingdom", "France"], name=C.COUNTRY),
    )
    axes = plots.segments_by_country(counts).axes[0]
    # two segments x two countries; per country the widths sum to 1
    widths = np.array(bar_widths(axes)).reshape(2, 2)  # rows: segments, columns: countries
    np.testing.assert_allclose(widths.sum(axis=0), [1.0, 1.0])
    np.testing.assert_allclose(widths[0], [0.25, 0.0])
    legend = [t.get_text() for t in axes.get_legend().get_texts()]
    assert legend == ["Champions", "Lost"]
    assert axes.patches[0].get_facecolor()[:3] == pytest.approx(
        tuple(int(plots.SEGMENT_COLOURS["Champions"][i : i + 2], 16) / 255 for i in (1, 3, 5))
    )


def test_cluster_scatter_colours_by_label():
    table = rfm_table()
    labels = pd.DataFrame({C.CUSTOMER: list("hgfedcba"), C.CLUSTER: [1, 1, 1, 1, 0, 0, 0, 0]})
    figure = plots.cluster_scatter(table, labels)
    left, right = figure.axes
    sizes = [len(c.get_offsets()) for c in left.collections]
    assert sizes == [4, 4]
    # cluster 0 = a..d: recency 1, 3, 10, 40 against frequency 20, 12, 6, 3
    np.testing.assert_allclose(
        left.collections[0].get_offsets(), [[1, 20], [3, 12], [10, 6], [40, 3]]
    )
    # the customer with zero revenue (g, cluster 1) is not in the monetary panel
    assert [len(c.get_offsets()) for c in right.collections] == [4, 3]
    assert "k = 2" in figure.get_suptitle()
    with pytest.raises(DataValidationError, match="1 customers of the RFM table have no label"):
        plots.cluster_scatter(table, labels.iloc[1:])


def test_silhouette_marks_the_chosen_k():
    clustering = segment.cluster_customers(rfm_table(), k_range=[2, 3], seed=0)
    figure = plots.silhouette(clustering)
    left = figure.axes[0]
    x, y = left.lines[0].get_data()
    assert list(x) == [2, 3]
    np.testing.assert_allclose(y, clustering.silhouette[C.SILHOUETTE])
    assert f"chosen k = {clustering.k}" in [t.get_text() for t in left.get_legend().get_texts()]
    right = figure.axes[-1]
    assert len(right.collections) == clustering.k  # one filled shape per cluster
    mean = right.lines[0].get_xdata()[0]
    assert mean == pytest.approx(clustering.labels[C.SILHOUETTE].mean())


def test_clv_distribution_reports_the_top_share():
    values = pd.Series(np.arange(1.0, 11.0))  # top 10 % = the single value 10 of 55
    figure = plots.clv_distribution(values, months=12)
    axes = figure.axes[0]
    assert "12-month" in axes.get_title() and "18%" in axes.get_title()
    assert sum(p.get_height() for p in axes.patches) == 10
    medians = [line.get_xdata()[0] for line in axes.lines]
    assert medians == [5.5, 5.5]  # median and mean of 1..10


def test_holdout_plots_predicted_and_actual():
    by_frequency = pd.DataFrame(
        {
            C.FREQUENCY: [0, 1, 7],
            C.N_CUSTOMERS: [10, 5, 2],
            C.PREDICTED: [0.5, 1.0, 3.0],
            C.ACTUAL: [0.6, 1.2, 4.0],
        }
    )
    check = clv.HoldoutCheck(
        model=clv.BGNBD(r=1, alpha=1, a=0.5, b=1),
        customers=pd.DataFrame(),
        by_frequency=by_frequency,
        horizon=13.0,
        mae=0.5,
        baseline_mae=0.6,
        total_predicted=9.0,
        total_actual=12.0,
        relative_error=-0.25,
    )
    axes = plots.holdout(check).axes[0]
    actual, predicted = axes.lines
    np.testing.assert_allclose(actual.get_ydata(), [0.6, 1.2, 4.0])
    np.testing.assert_allclose(predicted.get_ydata(), [0.5, 1.0, 3.0])
    assert [t.get_text() for t in axes.get_xticklabels()] == ["0\n(10)", "1\n(5)", "7+\n(2)"]
    assert "-25.0%" in axes.get_title() and "13 weeks" in axes.get_title()
    # without pooling at max_frequency the last group is not marked "+"
    axes = plots.holdout(check, max_frequency=9).axes[0]
    assert axes.get_xticklabels()[-1].get_text() == "7\n(2)"
