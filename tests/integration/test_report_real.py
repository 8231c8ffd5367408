"""A real report run of 01.00 on online-retail: files, offline HTML, manifest."""

import json
import re

import pytest

from aftersales import paths, report

pytestmark = [pytest.mark.mirror, pytest.mark.slow]


def test_online_retail_report(real_source, tmp_path):
    params_file = tmp_path / "retail-smoke.yaml"
    params_file.write_text("dataset: online-retail\n")
    manifest = report.run(params_file, notebooks=["01.00"], reports=tmp_path, progress=False)
    run = tmp_path / "retail-smoke"
    assert manifest.status == "ok", manifest.notebooks
    assert (run / "01.00-preprocessing.ipynb").exists()
    html = (run / "01.00-preprocessing.html").read_text()
    assert "<script src=" not in html and "data:image/png;base64" in html
    assert "p = params.check" not in html  # code cells are hidden
    assert re.search(r"<title>01\.00 [A-Z][^<]*</title>", html)  # the notebook's own title
    assert "02.00-collaborative-filtering" not in html  # 02.00 is not in this run: no link
    executed = (run / "01.00-preprocessing.ipynb").read_text()
    for text in (html, executed):
        assert str(paths.PROJECT_ROOT) not in text  # no machine path, output_dir is relative
    figures = {p.name for p in (run / "figures").iterdir()}
    assert {"monthly.png", "breakdown.png", "popularity.png"} <= figures
    summary = (run / "tables" / "summary.csv").read_text()
    assert "rows,541909" in summary and "invoices,25900" in summary
    saved = json.loads((run / "manifest.json").read_text())
    assert saved["notebooks"][0]["status"] == "ok" and saved["parameters"] == {
        "dataset": "online-retail"
    }
    assert saved["ran"] == ["01.00"]
    cells = saved["notebooks"][0]["cells"]
    assert any(c["source"].startswith("p = params.check") for c in cells)
    assert 0 < sum(c["seconds"] for c in cells) <= saved["notebooks"][0]["duration_s"]
