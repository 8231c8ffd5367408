import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from aftersales import report
from aftersales.errors import ParameterError, UnknownNameError


def test_invalid_yaml_names_file_and_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("dataset: online-retail\nseed: [1, 2\n")
    with pytest.raises(ParameterError, match=r"bad\.yaml: not valid YAML at line \d+, column \d+"):
        report.read_params(path)


def test_params_file_must_be_a_mapping(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text("- dataset\n- seed\n")
    with pytest.raises(ParameterError, match=r"list\.yaml: expected a mapping.*got list"):
        report.read_params(path)


def _notebook(folder, name, body, extra=()):
    cells = [new_markdown_cell(f"# {name}"), new_code_cell(body), *extra]
    cells[1].metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, folder / name)


@pytest.fixture
def folder(tmp_path):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs, "01.00-first.ipynb", "alpha: int = 1\noutput_dir: str = ''")
    _notebook(
        nbs,
        "02.00-second.ipynb",
        "beta: str = 'x'\noutput_dir: str = ''",
        [new_code_cell("print(beta)"), new_code_cell("1 / 0"), new_code_cell("print('after')")],
    )
    return nbs


def test_plan_gives_each_notebook_only_its_parameters(folder):
    planned = report.plan({"alpha": 3, "beta": "y"}, source="run.yaml", folder=folder)
    assert {n: own for n, (_, own) in planned.items()} == {
        "01.00": {"alpha": 3},
        "02.00": {"beta": "y"},
    }


def test_plan_refuses_a_key_no_notebook_declares(folder):
    with pytest.raises(ParameterError, match=r"run\.yaml: parameter\(s\) \['gamma'\] are declared"):
        report.plan({"alpha": 3, "gamma": 1}, source="run.yaml", folder=folder)


def test_plan_ignores_keys_of_unselected_notebooks(folder):
    planned = report.plan({"alpha": 3, "beta": "y"}, source="run.yaml", notebooks=["01.00"],
                          folder=folder)  # fmt: skip
    assert {n: own for n, (_, own) in planned.items()} == {"01.00": {"alpha": 3}}
    with pytest.raises(ParameterError, match=r"\['gamma'\] are declared by none"):
        report.plan({"beta": "y", "gamma": 1}, source="run.yaml", notebooks=["01.00"],
                    folder=folder)  # fmt: skip


def test_plan_of_the_shipped_params_with_a_notebook_subset():
    # The README's example: online-retail's keys of 02.x/04.00 are ignored for 01.00,03.00.
    from aftersales import paths

    settings = report.read_params(paths.PARAMS_DIR / "online-retail.yaml")
    planned = report.plan(settings, source="online-retail.yaml", notebooks=["01.00", "03.00"])
    assert list(planned) == ["01.00", "03.00"]
    assert "models" not in planned["03.00"][1] and planned["03.00"][1]["dataset"] == "online-retail"


def test_plan_without_notebooks_runs_what_the_data_supports():
    planned = report.plan({"dataset": "movielens-100k"}, source="ml.yaml")
    assert list(planned) == ["01.00", "02.00", "02.01", "02.02", "04.00"]
    with pytest.raises(
        ParameterError,
        match=r"ml\.yaml: data set 'movielens-100k' cannot run "
        r"03\.00 needs kind: transactions",
    ):
        report.plan({"dataset": "movielens-100k"}, source="ml.yaml", notebooks=["03.00"])


def test_plan_unknown_notebook_number(folder):
    with pytest.raises(UnknownNameError, match=r"unknown notebook\(s\) \['03.00'\]"):
        report.plan({}, source="run.yaml", notebooks=["03.00"], folder=folder)


def test_failing_notebook_stops_the_run_and_is_kept(folder, tmp_path):
    params_file = tmp_path / "demo.yaml"
    params_file.write_text("alpha: 2\nbeta: hello\n")
    manifest = report.run(params_file, reports=tmp_path / "reports", folder=folder, progress=False)
    run_dir = tmp_path / "reports" / "demo"
    assert manifest.status == "failed"
    first, second = manifest.notebooks
    assert (first.status, second.status) == ("ok", "failed")
    # executed: parameters [1], papermill's injected parameters [2], print [3], 1 / 0 [4]
    assert second.failing_cell == 4 and second.failing_source == "1 / 0"
    assert second.error == "ZeroDivisionError: division by zero"
    executed = nbformat.read(run_dir / "02.00-second.ipynb", as_version=4)
    assert any("hello" in o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
    html = (run_dir / "02.00-second.html").read_text()
    assert "ZeroDivisionError" in html and "<script src=" not in html  # readable offline
    saved = json.loads((run_dir / "manifest.json").read_text())
    assert saved["parameters"] == {"alpha": 2, "beta": "hello"}
    assert saved["notebooks"][1]["failing_cell"] == 4 and "numpy" in saved["packages"]


def test_index_links_runs_shows_failures_and_best_metrics(folder, tmp_path):
    params_file = tmp_path / "demo.yaml"
    params_file.write_text("alpha: 2\nbeta: hello\n")
    reports = tmp_path / "reports"
    report.run(params_file, reports=reports, folder=folder, progress=False)
    tables = reports / "demo" / "tables"
    tables.mkdir()
    (tables / "metrics.csv").write_text(
        "model,metric,k,mean,ci_low,ci_high\n"
        "SVD,rmse,,0.93,0.92,0.94\nKNNBasic,rmse,,0.98,0.97,0.99\n"
        "SVD,precision,10,0.05,0.04,0.06\nKNNBasic,precision,10,0.07,0.06,0.08\n"
    )
    best = report.key_metrics(reports / "demo")
    # lower RMSE wins, higher precision wins
    assert best[["metric", "model"]].values.tolist() == [["rmse", "SVD"], ["precision", "KNNBasic"]]
    assert best["k"].tolist() == ["", "10"]  # shown as a list length, never NaN or 10.0
    page = report.write_index(reports).read_text()
    assert "href='demo/01.00-first.html'" in page and "href='demo/02.00-second.html'" in page
    assert "failed in cell [4]" in page and "1 / 0" in page and "<script" not in page
