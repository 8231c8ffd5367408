"""Report runs end with the customer store, and run the notebooks that read it after it."""

import json

import duckdb
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from aftersales import report, store
from aftersales.report._run import AFTER_STORE


def _notebook(folder, name, parameters, body):
    cells = [new_markdown_cell(f"# {name}"), new_code_cell(parameters), new_code_cell(body)]
    cells[1].metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, folder / name)


EXPORT = """
import pathlib
import pandas as pd
tables = pathlib.Path(output_dir) / "tables"
tables.mkdir(parents=True, exist_ok=True)
pd.DataFrame({"user_id": ["c_00000000000000aa"] * 2, "rank": [1, 2], "item_id": ["A", "B"],
              "item_name": ["a", "b"], "score": [0.5, 0.25], "explanation": ["x", "y"]}
             ).to_csv(tables / "recommendations.csv", index=False)
"""

READ = """
import pathlib
import duckdb
con = duckdb.connect(str(pathlib.Path(output_dir) / "store.duckdb"), read_only=True)
assert con.execute("SELECT count(*) FROM recommendations").fetchone()[0] == 2
"""


def test_run_builds_the_store_before_the_notebooks_that_read_it(tmp_path):
    assert "03.02" in AFTER_STORE
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs, "01.00-first.ipynb", "output_dir: str = ''", "print('first')")
    _notebook(nbs, "03.02-reader.ipynb", "output_dir: str = ''", READ)
    _notebook(nbs, "04.00-export.ipynb", "export_model: str = 'SVD'\noutput_dir: str = ''", EXPORT)
    params_file = tmp_path / "demo.yaml"
    params_file.write_text("notebooks: ['01.00', '03.02', '04.00']\nexport_model: SVD\n")
    reports = tmp_path / "reports"
    manifest = report.run(params_file, reports=reports, folder=nbs, progress=False)
    assert manifest.status == "ok", manifest.notebooks
    assert manifest.ran == ["01.00", "04.00", "03.02"]  # the reader last, after the store
    assert manifest.store["rows"]["recommendations"] == 2
    saved = json.loads((reports / "demo" / "manifest.json").read_text())
    assert saved["store"]["file"] == store.STORE_FILE and saved["store"]["load_seconds"] >= 0
    with duckdb.connect(str(reports / "demo" / store.STORE_FILE), read_only=True) as con:
        status, notebooks = con.execute("SELECT status, notebooks FROM runs").fetchone()
        model = con.execute("SELECT DISTINCT model FROM recommendations").fetchone()[0]
    assert status == "ok" and len(json.loads(notebooks)) == 3  # the final manifest
    assert model == "SVD"  # the exported model, from the run's parameters


def test_a_run_without_readers_still_ends_with_its_store(tmp_path):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs, "01.00-first.ipynb", "output_dir: str = ''", "print('first')")
    params_file = tmp_path / "solo.yaml"
    params_file.write_text("{notebooks: ['01.00']}\n")
    manifest = report.run(params_file, reports=tmp_path / "r", folder=nbs, progress=False)
    assert manifest.status == "ok"
    with store.connect(tmp_path / "r" / "solo") as con:
        assert store.row_counts(con)["n_rows"].sum() == 1  # only the runs row
