"""Real report runs of 01.00 and 03.00 on online-retail: files, offline HTML, manifest, engines.

One pandas run serves both tests (the report's files, and the reference the Spark run must
equal), so the two online-retail notebooks execute once per engine, not once per test.
Both engines run both notebooks as report runs; the tables the notebooks write (audit, split
summary, segments, segment summary...) must agree. Lifetime value and clustering read the
same prepared lines on both engines, so their tables agree as well.
"""

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from aftersales import paths, report

pytestmark = [pytest.mark.mirror, pytest.mark.slow]

PARAMS = (
    "dataset: online-retail\nnotebooks: ['01.00', '03.00']\nsplit_method: time\nk_max: 3\n"
    "seed: 42\n"
)


def _run(folder: Path, name: str, extra: str) -> Path:
    params = folder / f"{name}.yaml"
    params.write_text(PARAMS + extra)
    manifest = report.run(params, reports=folder / "reports", progress=False)
    assert manifest.status == "ok", manifest.notebooks
    return folder / "reports" / name


def _tables(run: Path) -> dict[str, pd.DataFrame]:
    return {path.stem: pd.read_csv(path) for path in sorted((run / "tables").glob("*.csv"))}


@pytest.fixture(scope="module")
def pandas_run(real_source, tmp_path_factory) -> Path:
    return _run(tmp_path_factory.mktemp("retail"), "pandas", "")


def test_online_retail_report(pandas_run):
    run = pandas_run
    assert (run / "01.00-preprocessing.ipynb").exists()
    html = (run / "01.00-preprocessing.html").read_text()
    assert "<script src=" not in html and "data:image/png;base64" in html
    assert "p = params.check" not in html  # code cells are hidden
    assert re.search(r"<title>01\.00 [A-Z][^<]*</title>", html)  # the notebook's own title
    assert "02.00-collaborative-filtering" not in html  # 02.00 is not in this run: no link
    # 03.00's link to 01.00, a page of this run, points at that page
    page_03 = (run / "03.00-customer-segmentation.html").read_text()
    assert 'href="01.00-preprocessing.html"' in page_03
    executed = (run / "01.00-preprocessing.ipynb").read_text()
    for text in (html, executed):
        assert str(paths.PROJECT_ROOT) not in text  # no machine path, output_dir is relative
    figures = {p.name for p in (run / "figures").iterdir()}
    assert {"monthly.png", "breakdown.png", "popularity.png"} <= figures
    summary = (run / "tables" / "summary.csv").read_text()
    assert "rows,541909" in summary and "invoices,25900" in summary
    saved = json.loads((run / "manifest.json").read_text())
    assert [n["status"] for n in saved["notebooks"]] == ["ok", "ok"]
    assert saved["parameters"] == {
        "dataset": "online-retail",
        "split_method": "time",
        "k_max": 3,
        "seed": 42,
    }
    assert saved["ran"] == ["01.00", "03.00"]
    cells = saved["notebooks"][0]["cells"]
    assert any(c["source"].startswith("p = params.check") for c in cells)
    assert 0 < sum(c["seconds"] for c in cells) <= saved["notebooks"][0]["duration_s"]


@pytest.mark.spark
def test_spark_engine_reports_equal_pandas(pandas_run, tmp_path):
    pytest.importorskip("pyspark")
    pandas = _tables(pandas_run)
    spark = _tables(_run(tmp_path, "spark", "engine: spark\nspark_master: 'local[2]'\n"))
    assert set(spark) == set(pandas)
    assert {"segments", "segment_summary"} <= set(pandas)
    for name, frame in pandas.items():
        pd.testing.assert_frame_equal(spark[name], frame, rtol=1e-9, obj=name)
