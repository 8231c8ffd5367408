import json
import os
from pathlib import Path

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
    assert list(planned) == ["01.00", "02.00", "02.01", "02.02", "02.03", "04.00"]
    with pytest.raises(
        ParameterError,
        match=r"ml\.yaml: data set 'movielens-100k' cannot run "
        r"03\.00 needs kind: transactions",
    ):
        report.plan({"dataset": "movielens-100k"}, source="ml.yaml", notebooks=["03.00"])


def test_plan_runs_part_of_a_file(folder):
    # `beta` belongs to 02.00, which the file covers: picking 01.00 alone is not an error
    settings = {"notebooks": ["01.00", "02.00"], "alpha": 3, "beta": "y"}
    planned = report.plan(settings, source="run.yaml", notebooks=["01.00"], folder=folder)
    assert {n: own for n, (_, own) in planned.items()} == {"01.00": {"alpha": 3}}


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


def test_plan_suggests_the_closest_declared_key(folder):
    with pytest.raises(
        ParameterError, match=r"\['alpah'\] are declared by none.*did you mean `alpha`\?"
    ):
        report.plan({"alpah": 3}, source="run.yaml", folder=folder)


# ---- HTML pages: title, links between notebooks, pandas' row numbers, no machine paths


@pytest.fixture
def linked(tmp_path):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    intro = new_markdown_cell(
        "# 01.00 *First* steps\n\nPurpose.\n\n**Next.** [02.00 Second](02.00-second.ipynb#top); "
        "later [03.00 Absent](03.00-absent.ipynb)."
    )
    tables = new_code_cell(
        "import pandas as pd\n"
        "from IPython.display import display\n"
        "display(pd.DataFrame({'model': ['SVD', 'NMF'], 'rmse': [0.93, 0.96]}))\n"
        "display(pd.DataFrame({'rmse': [0.93]}, index=pd.Index(['SVD'], name='model')))\n"
        "print(output_dir)"
    )
    _notebook(nbs, "01.00-first.ipynb", "alpha: int = 1\noutput_dir: str = ''", [tables])
    nb = nbformat.read(nbs / "01.00-first.ipynb", as_version=4)
    nb.cells[0] = intro
    nbformat.write(nb, nbs / "01.00-first.ipynb")
    _notebook(nbs, "02.00-second.ipynb", "output_dir: str = ''")
    return nbs


def test_html_page_reads_as_a_report(linked, tmp_path):
    params_file = tmp_path / "demo.yaml"
    params_file.write_text("alpha: 2\n")
    reports = tmp_path / "reports"
    manifest = report.run(params_file, reports=reports, folder=linked, progress=False)
    assert manifest.status == "ok"
    page = (reports / "demo" / "01.00-first.html").read_text()
    assert "<title>01.00 First steps</title>" in page
    # the next notebook is in the run: its page; the absent one: its text, without a link
    assert '<a href="02.00-second.html#top">02.00 Second</a>' in page
    assert "later 03.00 Absent." in page and "03.00-absent" not in page and ".ipynb" not in page
    # default 0..n-1 row numbers are dropped, a named index is kept
    assert "<th>0</th>" not in page and "<th>1</th>" not in page
    assert "<td>SVD</td>" in page and "<th>SVD</th>" in page and "<th>model</th>" in page
    # no absolute path of the machine in the page or the executed copy
    executed = (reports / "demo" / "01.00-first.ipynb").read_text()
    for text in (page, executed):
        assert str(tmp_path) not in text
    assert "../reports/demo" in page  # output_dir is relative to the notebook's folder
    second = (reports / "demo" / "02.00-second.html").read_text()
    assert "<title>02.00-second.ipynb</title>" in second  # `# {name}` heading of _notebook


def test_links_to_notebooks_outside_the_run_are_dropped(linked, tmp_path):
    params_file = tmp_path / "demo.yaml"
    params_file.write_text("alpha: 2\n")
    reports = tmp_path / "reports"
    report.run(params_file, notebooks=["01.00"], reports=reports, folder=linked, progress=False)
    page = (reports / "demo" / "01.00-first.html").read_text()
    assert "<strong>Next.</strong> 02.00 Second; later 03.00 Absent." in page
    assert "02.00-second" not in page and "03.00-absent" not in page


def test_hide_range_index_keeps_meaningful_labels():
    pd = pytest.importorskip("pandas")
    from aftersales.report._render import hide_range_index

    plain = pd.DataFrame({"a": [1, 2, 3]}).to_html()
    hidden = hide_range_index(plain)
    assert "<th>0</th>" not in hidden and "<th>2</th>" not in hidden
    assert hidden.count("<th>") == 1 and "<td>3</td>" in hidden  # header `a` only
    with pd.option_context("display.max_rows", 4, "display.min_rows", 4):
        truncated = pd.DataFrame({"a": range(10)})._repr_html_()
    assert "<th>...</th>" in truncated
    hidden = hide_range_index(truncated)
    assert "<th>9</th>" not in hidden and "<td>9</td>" in hidden and "<th>...</th>" not in hidden
    kept = [
        pd.DataFrame({"a": [1, 2]}, index=[1, 2]).to_html(),  # not numbered from 0
        pd.DataFrame({"a": [1, 2]}, index=pd.RangeIndex(2, name="rank")).to_html(),  # named
        pd.DataFrame({"a": [1, 2]}, index=pd.MultiIndex.from_tuples([(0, 0), (1, 0)])).to_html(),
        "<p>no table</p>",
    ]
    for fragment in kept:
        assert hide_range_index(fragment) == fragment


def test_notebook_title_and_relink():
    from aftersales.report._render import notebook_title, relink

    nb = new_notebook(cells=[new_code_cell("x = 1"), new_markdown_cell("## Sub\n# 04.00 `Eval`")])
    assert notebook_title(nb) == "04.00 Eval"
    assert notebook_title(new_notebook(cells=[new_markdown_cell("## only a subsection")])) is None
    page = '<p><a href="01.00-a.ipynb">A</a> <a href="./02.00-b-c.ipynb" title="t">B</a></p>'
    assert relink(page, {"01.00-a", "02.00-b-c"}) == (
        '<p><a href="01.00-a.html">A</a> <a href="02.00-b-c.html" title="t">B</a></p>'
    )
    assert relink(page, {"02.00-b-c"}) == '<p>A <a href="02.00-b-c.html" title="t">B</a></p>'


# ---- manifest: what ran and where the time went


def test_manifest_records_what_ran_and_cell_timings(tmp_path):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    slow = new_code_cell("\n# wait a little\nimport time\ntime.sleep(0.5)")
    _notebook(nbs, "01.00-first.ipynb", "alpha: int = 1\noutput_dir: str = ''", [slow])
    _notebook(nbs, "02.00-second.ipynb", "beta: int = 1\noutput_dir: str = ''")
    params_file = tmp_path / "demo.yaml"
    params_file.write_text("notebooks: ['01.00', '02.00']\nalpha: 2\n")
    reports = tmp_path / "reports"
    report.run(params_file, notebooks=["01.00"], reports=reports, folder=nbs, progress=False)
    saved = json.loads((reports / "demo" / "manifest.json").read_text())
    assert saved["ran"] == ["01.00"] and saved["parameters"] == {"alpha": 2}
    assert [entry["notebook"] for entry in saved["notebooks"]] == ["01.00-first"]
    cells = saved["notebooks"][0]["cells"]
    # executed cells: 0 markdown title, 1 parameters, 2 papermill's injected parameters, 3 sleep
    assert [(c["cell"], c["source"]) for c in cells] == [
        (1, "alpha: int = 1"),
        (2, "# Parameters"),
        (3, "# wait a little"),
    ]
    assert cells[2]["seconds"] >= 0.5 and all(c["seconds"] >= 0 for c in cells)
    assert saved["params_file"] == "demo.yaml"  # not the machine's absolute path


def test_cell_timings_skip_cells_that_never_ran():
    from aftersales.report._manifest import CellTiming, cell_timings

    nb = new_notebook(
        cells=[new_markdown_cell("# T"), new_code_cell("a = 1"), new_code_cell("b = 2")]
    )
    nb.cells[0].metadata["papermill"] = {"duration": 0.01}  # markdown: not a code cell
    nb.cells[1].metadata["papermill"] = {"duration": 1.23456}
    nb.cells[2].metadata["papermill"] = {"duration": None}  # after a failure
    assert cell_timings(nb) == [CellTiming(1, "a = 1", 1.235)]


# ---- command line: --help is fast, missing report folder, parallel runs


def test_help_imports_no_modelling_library():
    import subprocess
    import sys

    probe = (
        "import runpy, sys\n"
        "sys.argv = ['aftersales.report', '--help']\n"
        "try:\n"
        "    runpy.run_module('aftersales.report', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ['surprise', 'mlxtend', 'implicit', 'papermill', 'pandas', 'nbconvert']\n"
        "print('loaded:', sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "--jobs" in done.stdout and "loaded: []" in done.stdout


def test_thread_environment_shares_the_cpus(monkeypatch):
    from aftersales.report.__main__ import thread_environment

    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # a user's choice is kept
    env = thread_environment(2, cpus=2)
    assert env["OPENBLAS_NUM_THREADS"] == "1" and env["OMP_NUM_THREADS"] == "3"
    assert thread_environment(2, cpus=8)["OPENBLAS_NUM_THREADS"] == "4"
    assert thread_environment(4, cpus=2)["OPENBLAS_NUM_THREADS"] == "1"


def _stable(notebook_path):
    nb = nbformat.read(notebook_path, as_version=4)
    return [(c.source, c.get("outputs")) for c in nb.cells]


@pytest.mark.slow
def test_parallel_runs_match_runs_in_turn(tmp_path, capsys):
    from aftersales.report.__main__ import main

    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(
        nbs,
        "01.00-first.ipynb",
        "alpha: int = 1\noutput_dir: str = ''",
        [new_code_cell("print(sum(range(alpha)))")],
    )
    files = []
    for name, alpha in (("one", 10), ("two", 100)):
        files.append(tmp_path / f"{name}.yaml")
        files[-1].write_text(f"alpha: {alpha}\n")
    common = [*map(str, files), "--notebook-dir", str(nbs), "--no-progress"]
    both = tmp_path / "missing" / "reports"  # does not exist yet: created
    assert main([*common, "--jobs", "1", "--reports", str(both)]) == 0
    capsys.readouterr()
    turn = both.rename(tmp_path / "in-turn")  # the same output_dir for the parallel runs
    assert main([*common, "--jobs", "2", "--reports", str(both)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "[one] 01.00 ok" in "\n".join(lines) and "[two] 01.00 ok" in "\n".join(lines)
    assert all(line.startswith(("[one] ", "[two] ", "index: ")) for line in lines), lines
    for name, total in (("one", "45"), ("two", "4950")):
        executed = both / name / "01.00-first.ipynb"
        assert _stable(executed) == _stable(turn / name / "01.00-first.ipynb")
        assert _stable(executed)[-1][1][0]["text"] == f"{total}\n"
        html = (both / name / "01.00-first.html").read_text()
        assert html == (turn / name / "01.00-first.html").read_text()
    assert (both / "index.html").exists() and (turn / "index.html").exists()


@pytest.mark.skipif(os.name != "posix", reason="Unix domain sockets")
def test_kernel_talks_over_private_sockets_and_is_not_interrupted_at_shutdown(monkeypatch):
    import asyncio

    from jupyter_client.manager import KernelManager

    from aftersales.report._kernel import IPCKernelManager

    interrupts = []

    async def spy(self):
        interrupts.append(self)

    monkeypatch.setattr(KernelManager, "_async_interrupt_kernel", spy)

    async def life():
        manager = IPCKernelManager(kernel_name="python3")
        await manager.start_kernel()
        client = manager.client()
        client.start_channels()
        await client.wait_for_ready(timeout=120)
        folder = Path(manager.ip).parent
        sockets = sorted(p.name for p in folder.iterdir())
        client.stop_channels()
        await manager._async_interrupt_kernel()  # outside a shutdown it still interrupts
        await manager.shutdown_kernel()
        return manager.transport, sockets, folder.exists()

    transport, sockets, left = asyncio.run(life())
    assert transport == "ipc" and len(interrupts) == 1  # none added by the shutdown
    assert sockets and all(name.startswith("kernel-") for name in sockets)
    assert not left  # the socket folder is removed with the kernel


def _state(name, numbers, expected=None, **kw):
    from aftersales.report._manifest import Manifest
    from aftersales.report._pool import RunState

    planned = {n: (Path(f"{n}-x.ipynb"), {}) for n in numbers}
    manifest = Manifest(run=name, params_file="", parameters={}, started="", git_commit="")
    here = Path(".")
    return RunState(name, planned, manifest, here, here, None, 0.0, expected or {}, **kw)


def test_pool_graph_first_notebook_then_free_then_store_then_after_store():
    from aftersales.report._manifest import NotebookOutcome
    from aftersales.report._pool import STORE

    state = _state("r", ["01.00", "02.00", "03.02", "04.00"])
    assert state.ready() == ["01.00"]
    state.running.add("01.00")
    assert state.ready() == []  # the others wait for 01.00
    state.running.clear()
    state.outcomes["01.00"] = NotebookOutcome("01.00-x", "ok")
    assert state.ready() == ["02.00", "04.00"]  # 03.02 waits for the store
    state.outcomes["02.00"] = NotebookOutcome("02.00-x", "ok")
    state.running.add("04.00")
    assert state.ready() == []
    state.running.clear()
    state.outcomes["04.00"] = NotebookOutcome("04.00-x", "ok")
    assert state.ready() == [STORE]
    state.manifest.store = {"file": "store.duckdb"}
    assert state.ready() == ["03.02"]
    state.stopped = True  # a failure stops the run: nothing more starts
    assert state.ready() == [] and state.idle()


def test_pool_order_unblocks_runs_then_takes_the_longest_first():
    from aftersales.report._pool import STORE, order

    a = _state("a", ["01.00", "02.00", "02.01"], {"02.00": 50.0, "02.01": 400.0})
    b = _state("b", ["01.00", "02.00"], {"02.00": 150.0})
    tasks = [(a, "02.00"), (a, "02.01"), (b, "02.00"), (b, "01.00"), (a, STORE)]
    assert [(s.name, n) for s, n in order(tasks)] == [
        ("a", STORE), ("b", "01.00"), ("a", "02.01"), ("b", "02.00"), ("a", "02.00"),
    ]  # fmt: skip


def test_expected_seconds_prefer_an_earlier_run(tmp_path):
    from aftersales.report._pool import DEFAULT_SECONDS, TYPICAL_SECONDS, expected_seconds

    (tmp_path / "r").mkdir()
    ok = {"notebook": "02.00-cf", "status": "ok", "duration_s": 12.5}
    failed = {"notebook": "02.01-mf", "status": "failed", "duration_s": 3.0}
    earlier = {"notebooks": [ok, failed]}
    (tmp_path / "r" / "manifest.json").write_text(json.dumps(earlier))
    seconds = expected_seconds("r", ["02.00", "02.01", "09.99"], tmp_path)
    assert seconds == {"02.00": 12.5, "02.01": TYPICAL_SECONDS["02.01"], "09.99": DEFAULT_SECONDS}
    assert expected_seconds("none", ["02.00"], tmp_path) == {"02.00": TYPICAL_SECONDS["02.00"]}


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="Linux /proc")
def test_process_cpu_seconds_counts_this_process_work():
    import time

    from aftersales.report._kernel import process_cpu_seconds

    before = process_cpu_seconds(os.getpid())
    end = time.process_time() + 0.3
    while time.process_time() < end:  # 0.3 s of CPU work
        pass
    after = process_cpu_seconds(os.getpid())
    assert 0.25 <= after - before <= 1.0
    assert process_cpu_seconds(2**22 + 12345) is None  # no such process
