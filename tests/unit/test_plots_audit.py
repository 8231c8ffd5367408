"""The cleaning and k-core audit chart of 01.00: legend clear of the value labels (issue #12)."""

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from aftersales import columns as C
from aftersales import plots


def _audit(rows_in: int, drops: list[int]) -> pd.DataFrame:
    rows = []
    for step, dropped in enumerate(drops, start=1):
        rows.append(
            {
                C.STEP: f"step {step}",
                C.RULE: "rule",
                C.ROWS_IN: rows_in,
                C.ROWS_OUT: rows_in - dropped,
                C.DROPPED: dropped,
                C.REASON: "why",
            }
        )
        rows_in -= dropped
    return pd.DataFrame(rows, columns=list(C.AUDIT_COLUMNS))


# Shapes of the real audits: retail cleaning (large first drops), k-core passes (small drops
# near the right edge, where a legend in the lower right used to sit).
@pytest.mark.parametrize(
    "table",
    [
        _audit(541_909, [135_080, 8_905, 40, 1_915, 5_225]),
        _audit(100_000, [0, 0, 0]),
        _audit(90_000, [12, 3, 1, 0]),
    ],
)
def test_legend_does_not_cover_value_labels(table):
    figure = plots.audit(table, title="audit", unit="rows")
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    (axes,) = figure.axes
    labels = [text.get_window_extent(renderer) for text in axes.texts]
    assert len(labels) == len(table) + 1  # one label per bar, the input bar included
    drawn = [*figure.legends, *filter(None, [axes.get_legend()])]
    assert len(drawn) == 1
    legend = drawn[0].get_window_extent(renderer)
    assert not any(legend.overlaps(label) for label in labels)
    box = axes.get_window_extent(renderer)
    # Every label ends inside the axes, so the x-limit leaves room for it.
    assert all(label.x1 <= box.x1 for label in labels)
    assert [t.get_text() for t in drawn[0].get_texts()] == ["kept", "dropped at this step"]
