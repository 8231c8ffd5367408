"""The example own-data export: built from online-retail, read back, reported on."""

import json

import pandas as pd
import pytest
import yaml

from aftersales import columns as C
from aftersales import datasets, paths, report
from aftersales.datasets._example import build_example_export

pytestmark = [pytest.mark.mirror, pytest.mark.slow, pytest.mark.loader_options]


@pytest.fixture(scope="module")
def example(real_source, tmp_path_factory):
    """The shipped source file pointed at an export written into a temporary folder."""
    folder = tmp_path_factory.mktemp("own")
    retail = datasets.load("online-retail")
    data = build_example_export(retail, folder / "orders.csv.gz")
    shipped = yaml.safe_load((paths.PROJECT_ROOT / "sources" / "example-export.yaml").read_text())
    source = folder / "example-export.yaml"
    source.write_text(yaml.safe_dump({**shipped, "path": str(data)}))
    return retail, source


def test_example_export_reads_back_as_online_retail(example):
    retail, source = example
    frame = datasets.load_source(datasets.read_source(source))
    assert len(frame) == len(retail) == 541_909
    for column in (C.INVOICE, C.ITEM, C.CUSTOMER, C.QUANTITY):
        assert frame[column].tolist() == retail[column].tolist(), column
    # dd/mm/yyyy local times, read with the declared format and zone: the same UTC instants.
    pd.testing.assert_series_equal(frame[C.TIMESTAMP], retail[C.TIMESTAMP], check_dtype=False)


def test_example_report_01_00_keeps_customer_ids_private(example, tmp_path):
    retail, source = example
    params_file = tmp_path / "own-smoke.yaml"
    params_file.write_text(f"dataset: {source}\nnotebooks: ['01.00']\n")
    manifest = report.run(params_file, reports=tmp_path, progress=False)
    assert manifest.status == "ok", manifest.notebooks
    run = tmp_path / "own-smoke"
    summary = (run / "tables" / "summary.csv").read_text()
    assert "rows,541909" in summary and "invoices,25900" in summary
    saved = json.loads((run / "manifest.json").read_text())
    assert [n["status"] for n in saved["notebooks"]] == ["ok"]
    raw_ids = set(retail[C.CUSTOMER].dropna().unique()[:200])
    texts = [(run / "01.00-preprocessing.html").read_text()]
    texts += [p.read_text() for p in (run / "tables").glob("*.csv")]
    leaked = {i for i in raw_ids if any(f">{i}<" in t or f",{i}," in t for t in texts)}
    assert not leaked, sorted(leaked)[:5]
