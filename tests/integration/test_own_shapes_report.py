"""01.00 and 03.00 run through papermill on exports without items or money (tiny data).

Three sources built in the test from one seeded set of orders: item lines without prices,
order-level (customer, date, amount) and bare (customer, date). Each report runs both
notebooks; the sections the data cannot feed show an Off note and write no file.
"""

import json

import numpy as np
import pandas as pd
import pytest

from aftersales import report

pytestmark = pytest.mark.slow

COLUMNS = {
    "lines": "{customer_id: cust, invoice_id: inv, item_id: item, quantity: qty, timestamp: date}",
    "orders": "{customer_id: cust, revenue: amount, timestamp: date}",
    "bare": "{customer_id: cust, timestamp: date}",
}


def _lines(seed: int = 0) -> pd.DataFrame:
    """40 customers, 1-8 orders each over 300 days from 2023-01-02, 1-3 of 12 items an order."""
    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp("2023-01-02")
    for customer in range(40):
        days = np.sort(rng.choice(300, size=1 + rng.poisson(3), replace=False))
        for order, day in enumerate(days):
            date = (start + pd.Timedelta(days=int(day))).strftime("%d/%m/%Y")
            for item in rng.choice(12, size=1 + rng.integers(3), replace=False):
                rows.append(
                    {
                        "cust": f"K{customer:03d}",
                        "inv": f"I{customer:03d}-{order}",
                        "item": f"P{item:02d}",
                        "qty": int(1 + rng.integers(4)),
                        "price": float(rng.choice([1.5, 2.0, 4.25, 9.99])),
                        "date": date,
                    }
                )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shapes")
    lines = _lines()
    orders = (
        lines.assign(amount=lines["qty"] * lines["price"])
        .groupby(["cust", "inv", "date"], as_index=False)["amount"]
        .sum()
    )
    frames = {
        "lines": lines[["cust", "inv", "item", "qty", "date"]],
        "orders": orders[["cust", "date", "amount"]],
        "bare": orders[["cust", "date"]],
    }
    made = {}
    for name, frame in frames.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
        source = folder / f"{name}.yaml"
        source.write_text(
            f"kind: transactions\npath: {name}.csv\ncolumns: {COLUMNS[name]}\n"
            'dates: {format: "%d/%m/%Y", timezone: UTC}\n'
        )
        made[name] = source
    return made


@pytest.mark.parametrize(
    ("shape", "off_01", "off_03"),
    [
        ("lines", {"plots.overview"}, {"money"}),
        ("orders", {"items", "plots.overview"}, set()),
        ("bare", {"items", "plots.overview"}, {"money"}),
    ],
)
def test_both_notebooks_run_and_note_what_is_off(
    shape, off_01, off_03, sources, isolated_data, tmp_path
):
    params = tmp_path / f"shape-{shape}.yaml"
    params.write_text(
        f"dataset: {sources[shape]}\nnotebooks: ['01.00', '03.00']\nk_max: 4\n"
        "min_user_interactions: 1\nmin_item_interactions: 1\n"
    )
    manifest = report.run(params, reports=tmp_path / "reports", progress=False)
    assert manifest.status == "ok", manifest.notebooks
    run = tmp_path / "reports" / params.stem
    saved = json.loads((run / "manifest.json").read_text())
    assert [n["status"] for n in saved["notebooks"]] == ["ok", "ok"]
    html_01 = (run / "01.00-preprocessing.html").read_text()
    html_03 = (run / "03.00-customer-segmentation.html").read_text()
    figures = {p.stem for p in (run / "figures").glob("*.png")}
    tables = {p.stem for p in (run / "tables").glob("*.csv")}
    # 01.00: the first-look figures need priced item lines; without items no k-core or split
    assert ("Off:" in html_01) == bool(off_01)
    assert "monthly" not in figures and "audit" in figures
    assert ("split" in tables) == ("items" not in off_01)
    # 03.00: R/F segments and BG/NBD always; money-only parts off with a note
    assert {"segments", "segment_summary", "clv_models", "clv_holdout"} <= tables
    segments = pd.read_csv(run / "tables" / "segments.csv")
    assert len(segments) == 40 and segments["segment"].notna().all()
    assert segments["p_alive"].between(0, 1).all()
    if off_03:
        assert "the data has no money" in html_03
        assert segments["clv"].isna().all() and segments["monetary"].isna().all()
        assert {"clv_distribution", "rfm_distributions", "cluster_scatter"}.isdisjoint(figures)
        models = pd.read_csv(run / "tables" / "clv_models.csv")
        assert set(models["model"]) == {"BG/NBD"}
    else:
        assert "the data has no money" not in html_03
        assert segments["clv"].notna().all()
        assert {"clv_distribution", "rfm_distributions"} <= figures
