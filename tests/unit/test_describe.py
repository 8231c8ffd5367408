import pandas as pd

from aftersales import columns as C
from aftersales import datasets, segment


def test_describe_counts_and_density():
    frame = pd.DataFrame(
        {
            C.USER: [1, 1, 2, 3],
            C.ITEM: [10, 20, 10, 10],
            C.RATING: [4.0, 2.0, 5.0, 1.0],
            C.TIMESTAMP: pd.to_datetime(
                ["2020-01-01", "2020-02-01", "2020-02-03", "2020-03-01"], utc=True
            ),
        }
    )
    table = datasets.describe(frame).set_index("measure")["value"]
    # 3 users x 2 items = 6 cells, 4 distinct pairs -> 66.6667 %
    assert table["rows"] == "4" and table["distinct user_id"] == "3"
    assert table["density (%)"] == "66.6667" and table["mean rating"] == "3.0"
    assert datasets.per_month(frame).tolist() == [1, 2, 1]


def test_revenue_and_monthly_sum():
    tx = pd.DataFrame(
        {
            C.QUANTITY: [2, -1, 3],
            C.UNIT_PRICE: [1.5, 1.5, 2.0],
            C.TIMESTAMP: pd.to_datetime(["2011-01-05", "2011-01-09", "2011-02-01"], utc=True),
        }
    )
    lines = tx.assign(**{C.REVENUE: segment.revenue(tx)})
    assert lines[C.REVENUE].tolist() == [3.0, -1.5, 6.0]
    assert datasets.per_month(lines, value=C.REVENUE).tolist() == [1.5, 6.0]
