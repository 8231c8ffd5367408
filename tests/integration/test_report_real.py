"""A real report run of 01.00 on online-retail: files, offline HTML, manifest."""

import json

import pytest

from aftersales import report

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
    figures = {p.name for p in (run / "figures").iterdir()}
    assert {"monthly.png", "breakdown.png", "popularity.png"} <= figures
    summary = (run / "tables" / "summary.csv").read_text()
    assert "rows,541909" in summary and "invoices,25900" in summary
    saved = json.loads((run / "manifest.json").read_text())
    assert saved["notebooks"][0]["status"] == "ok" and saved["parameters"] == {
        "dataset": "online-retail"
    }
