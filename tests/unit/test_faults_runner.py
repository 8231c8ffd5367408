"""Issue #14, runner side: secrets never reach a report, run folders stay consistent after any
fault (failure, Ctrl-C, killed kernel, read-only or full disk), concurrent runs and cache
preparations do not corrupt each other, and a params file must name its data set.

Each test starts from the fault as a user meets it and checks the outcome: a named error,
a manifest that says what happened, and no file of an earlier run beside a new status.
"""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from aftersales import columns as C
from aftersales import locks, outputs, prepare, privacy, split
from aftersales import report as rpt
from aftersales.errors import LockedError, ParameterError, WriteError
from aftersales.report.__main__ import main

pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals and flock are POSIX")


def _notebook(folder: Path, name: str, parameters: str, *cells: str) -> None:
    nb = new_notebook(
        cells=[new_markdown_cell(f"# {name}"), *(new_code_cell(c) for c in (parameters, *cells))]
    )
    nb.cells[1].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, folder / name)


def _params(tmp_path: Path, text: str, name: str = "demo") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return path


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text())


def _default_sigint() -> None:
    # A test session started in the background (`make test &`, `nohup`) inherits SIGINT as
    # ignored, and Python keeps an ignored SIGINT ignored: the runner must start as it does in
    # a terminal, where Ctrl-C raises KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _cli(*args: str | Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "aftersales.report", *map(str, args), "--no-progress"]
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_default_sigint,
    )


def _wait_for(path: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.1)


# ---- 1. a secret parameter reaches no output; the manifest records its fingerprint

SECRET_NOTEBOOK = (
    "pseudonym_key: str = ''  # pseudonymisation key\noutput_dir: str = ''",
    # the kernel must still get the key: it prints the key's fingerprint, never the key
    "from aftersales import outputs, privacy\n"
    "print('fingerprint', privacy.key_fingerprint(outputs.pseudonym_key(pseudonym_key)))",
)


def test_a_key_parameter_reaches_no_output(tmp_path, isolated_data, monkeypatch, capfd):
    monkeypatch.delenv(privacy.KEY_ENV_VAR, raising=False)
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs, "01.00-first.ipynb", *SECRET_NOTEBOOK)
    key = secrets.token_hex(32)
    params_file = _params(tmp_path, f"pseudonym_key: '{key}'\n")
    reports = tmp_path / "reports"
    assert main([str(params_file), "--notebook-dir", str(nbs), "--reports", str(reports)]) == 0
    printed = capfd.readouterr()
    fingerprint = privacy.key_fingerprint(key)
    for path in [p for p in reports.rglob("*") if p.is_file()]:
        text = path.read_bytes().decode(errors="replace")
        assert key not in text, path
        assert not re.search(r'"pseudonym_key": "[^"]', text), path  # the shipped hook's check
    assert key not in printed.out + printed.err
    manifest = _manifest(reports / "demo")
    assert manifest["status"] == "ok"
    assert manifest["parameters"] == {"pseudonym_key_fingerprint": fingerprint}
    executed = (reports / "demo" / "01.00-first.ipynb").read_text()
    assert f"fingerprint {fingerprint}" in executed  # the kernel used the run's key


def test_a_weak_key_parameter_stops_the_run_without_printing_it(tmp_path, capfd):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs, "01.00-first.ipynb", *SECRET_NOTEBOOK)
    weak = "my secret passphrase 2024"
    params_file = _params(tmp_path, f"pseudonym_key: '{weak}'\n")
    reports = tmp_path / "reports"
    assert main([str(params_file), "--notebook-dir", str(nbs), "--reports", str(reports)]) == 1
    printed = capfd.readouterr()
    assert "pseudonym_key" in printed.err and weak not in printed.out + printed.err
    assert not (reports / "demo").exists()


# ---- 2. a failed re-run leaves no file of the earlier run

WRITER = (
    "fail: bool = False\noutput_dir: str = ''",
    "assert not fail, 'asked to fail'",
    "import pandas as pd\nfrom aftersales import outputs\n"
    "table = pd.DataFrame({'model': ['A'], 'metric': ['rmse'], 'k': [None], 'mean': [0.9]})\n"
    "outputs.write(output_dir, tables={'metrics': table})",
)


def test_a_failed_rerun_leaves_no_table_of_the_earlier_run(tmp_path):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs, "01.00-first.ipynb", *WRITER)
    reports = tmp_path / "reports"
    first = rpt.run(_params(tmp_path, "fail: false\n"), reports=reports, folder=nbs, progress=False)
    assert first.status == "ok" and (reports / "demo" / "tables" / "metrics.csv").exists()
    again = rpt.run(_params(tmp_path, "fail: true\n"), reports=reports, folder=nbs, progress=False)
    assert again.status == "failed"
    run_dir = reports / "demo"
    assert not (run_dir / "tables").exists()
    assert _manifest(run_dir)["status"] == "failed"
    assert sorted(p.name for p in reports.iterdir()) == ["demo"]  # no scratch folder left
    page = rpt.write_index(reports).read_text()
    assert "failed" in page and "Key metrics" not in page  # no old metric beside `failed`


def test_output_dir_shown_is_the_final_folder(tmp_path):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs, "01.00-first.ipynb", "output_dir: str = ''", "print(output_dir)")
    reports = tmp_path / "reports"
    rpt.run(
        _params(tmp_path, "{notebooks: ['01.00']}\n"), reports=reports, folder=nbs, progress=False
    )
    executed = (reports / "demo" / "01.00-first.ipynb").read_text()
    html = (reports / "demo" / "01.00-first.html").read_text()
    for text in (executed, html):
        assert "../reports/demo" in text and ".partial" not in text


# ---- 3. Ctrl-C and a killed kernel end the manifest; a killed run's leftovers are cleaned

SLEEPER = (
    "marker: str = ''\nseconds: float = 0.0\noutput_dir: str = ''",
    "import pathlib, time\nif marker:\n    pathlib.Path(marker).touch()\ntime.sleep(seconds)",
)


@pytest.mark.slow
def test_ctrl_c_ends_the_run_interrupted_and_the_next_run_recovers(tmp_path):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs, "01.00-first.ipynb", *SLEEPER)
    _notebook(nbs, "02.00-second.ipynb", "output_dir: str = ''")
    reports = tmp_path / "reports"
    marker = tmp_path / "sleeping"
    # The notebook sleeps 10 minutes: a run that ends within the 2 allowed ended by the
    # interrupt, not by the sleep.
    params_file = _params(tmp_path, f"marker: '{marker}'\nseconds: 600\n")
    child = _cli(params_file, "--notebook-dir", nbs, "--reports", reports)
    _wait_for(marker)
    os.killpg(child.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends
    try:
        out, err = child.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)  # the interrupt did not end it: leave no sleeper
        raise
    assert child.returncode == 130, err
    assert "Traceback" not in err and "[demo] interrupted" in out
    saved = _manifest(reports / "demo")
    assert saved["status"] == "interrupted"
    assert [n["status"] for n in saved["notebooks"]] == ["interrupted", "skipped"]
    assert "<span class='interrupted'>interrupted</span>" in (reports / "index.html").read_text()
    assert sorted(p.name for p in reports.iterdir()) == ["demo", "index.html"]
    params_file.write_text("seconds: 0\n")
    assert rpt.run(params_file, reports=reports, folder=nbs, progress=False).status == "ok"


def test_a_killed_kernel_ends_the_run_with_a_clear_error(tmp_path):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(
        nbs, "01.00-first.ipynb", "output_dir: str = ''", "import os\nos.kill(os.getpid(), 9)"
    )
    reports = tmp_path / "reports"
    params_file = _params(tmp_path, "{notebooks: ['01.00']}\n")
    manifest = rpt.run(params_file, reports=reports, folder=nbs, progress=False)
    assert manifest.status == "interrupted"
    outcome = manifest.notebooks[0]
    assert outcome.status == "interrupted" and outcome.failing_cell == 3
    assert "kernel died" in outcome.error and "out of memory" in outcome.error
    assert _manifest(reports / "demo")["status"] == "interrupted"


def test_leftovers_of_a_killed_run_are_cleaned(tmp_path):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs, "01.00-first.ipynb", "output_dir: str = ''")
    reports = tmp_path / "reports"
    for leftover in (".demo.partial", ".demo.previous"):  # a run killed mid-run or mid-swap
        (reports / leftover / "tables").mkdir(parents=True)
        (reports / leftover / "tables" / "old.csv").write_text("a\n1\n")
        (reports / leftover / "manifest.json").write_text('{"run": "demo", "status": "running"}')
    (reports / ".demo.lock").write_text("not json")  # its lock ended with the process
    params_file = _params(tmp_path, "{notebooks: ['01.00']}\n")
    assert rpt.run(params_file, reports=reports, folder=nbs, progress=False).status == "ok"
    assert sorted(p.name for p in reports.iterdir()) == ["demo"]
    assert "'running'" not in rpt.write_index(reports).read_text()


# ---- 4. read-only or full disk: a named error naming the folder; the manifest where possible


def test_an_unwritable_report_folder_is_named(tmp_path, capsys):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs, "01.00-first.ipynb", "output_dir: str = ''")
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    reports = blocker / "reports"
    params_file = _params(tmp_path, "{notebooks: ['01.00']}\n")
    assert main([str(params_file), "--notebook-dir", str(nbs), "--reports", str(reports)]) == 1
    err = capsys.readouterr().err
    assert f"error: {blocker}" in err and "cannot write the report folder" in err
    assert "Not a directory" in err


def test_a_full_disk_during_a_run_fails_it_with_a_manifest(tmp_path, monkeypatch):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs, "01.00-first.ipynb", "output_dir: str = ''")
    from aftersales.report import _run

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(_run, "to_html", full)
    params_file = _params(tmp_path, "{notebooks: ['01.00']}\n")
    manifest = rpt.run(params_file, reports=tmp_path / "reports", folder=nbs, progress=False)
    assert manifest.status == "failed"
    error = manifest.notebooks[0].error
    assert error.startswith(f"WriteError: {tmp_path / 'reports'}")
    assert "01.00-first.html" in error and "No space left on device" in error
    assert _manifest(tmp_path / "reports" / "demo")["status"] == "failed"


def test_an_unwritable_manifest_is_a_named_error(tmp_path, monkeypatch):
    from aftersales.report._manifest import Manifest

    def read_only(self, *args, **kwargs):
        if self.name == "manifest.json":
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return original(self, *args, **kwargs)

    original = Path.write_text
    monkeypatch.setattr(Path, "write_text", read_only)
    manifest = Manifest("demo", "demo.yaml", {}, "2024-01-01T00:00:00+00:00", "abc")
    with pytest.raises(WriteError, match=r"cannot write the manifest.*Read-only file system"):
        manifest.write(tmp_path)


def test_outputs_into_an_unwritable_folder_name_the_file(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    table = pd.DataFrame({"a": [1]})
    with pytest.raises(WriteError, match=r"blocker/tables: cannot write table `t` \(t\.csv\)"):
        outputs.write(blocker, tables={"t": table})


def _tiny_prepared(options: prepare.Preparation) -> prepare.Prepared:
    # 4 interactions of 2 users; train the first of each user, test the second
    frame = pd.DataFrame(
        {C.USER: ["u1", "u1", "u2", "u2"], C.ITEM: ["i1", "i2", "i1", "i2"], C.RATING: [4.0] * 4}
    )
    audit = pd.DataFrame({"step": ["load"], "rows": [4]})
    parts = split.Split(
        frame.iloc[[0, 2]], frame.iloc[[1, 3]], pd.Index([]), pd.Index([]), "random", 0
    )
    names = pd.Series(["one", "two"], index=pd.Index(["i1", "i2"], name=C.ITEM), name=C.TITLE)
    return prepare.Prepared(options, frame, audit, audit, frame, parts, names)


def test_an_unwritable_data_folder_is_named(tmp_path, monkeypatch):
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    monkeypatch.setenv("AFTERSALES_DATA_DIR", str(blocker / "data"))
    monkeypatch.setattr(prepare, "_build", _tiny_prepared)
    with pytest.raises(WriteError, match=r"blocker/data/processed: cannot write .*movielens-100k"):
        prepare.prepare(dataset="movielens-100k")


def test_a_full_data_disk_is_named_and_leaves_no_scratch(isolated_data, monkeypatch):
    monkeypatch.setattr(prepare, "_build", _tiny_prepared)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    processed = isolated_data / "processed"
    with pytest.raises(
        WriteError,
        match=rf"{processed}: cannot write the prepared cache of movielens-100k-.*No space left",
    ):
        prepare.prepare(dataset="movielens-100k")
    assert list(processed.iterdir()) == []


# ---- 5. two runs of one params file, two preparations of one cache, at once


WAITER = (
    "marker: str = ''\nrelease: str = ''\noutput_dir: str = ''",
    "import pathlib, time\npathlib.Path(marker).touch()\ndeadline = time.monotonic() + 120\n"
    "while not pathlib.Path(release).exists() and time.monotonic() < deadline:\n"
    "    time.sleep(0.1)",
)


@pytest.mark.slow
def test_a_second_run_of_the_same_params_names_the_first(tmp_path):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs, "01.00-first.ipynb", *WAITER)
    reports = tmp_path / "reports"
    marker, release = tmp_path / "running", tmp_path / "release"
    params_file = _params(tmp_path, f"marker: '{marker}'\nrelease: '{release}'\n")
    first = _cli(params_file, "--notebook-dir", nbs, "--reports", reports)
    _wait_for(marker)  # the first run holds its lock until `release` exists
    second = _cli(params_file, "--notebook-dir", nbs, "--reports", reports)
    _, err2 = second.communicate(timeout=120)
    release.touch()
    _, err1 = first.communicate(timeout=120)
    assert first.returncode == 0, err1
    assert second.returncode == 1 and "Traceback" not in err2
    assert f"report run demo is busy: the lock .demo.lock is held by pid {first.pid}" in err2
    assert _manifest(reports / "demo")["status"] == "ok"
    assert sorted(p.name for p in reports.iterdir()) == ["demo", "index.html"]


BUILDS: list[Path] = []  # set by the test before the children fork


def _slow_build(options: prepare.Preparation) -> prepare.Prepared:
    with BUILDS[0].open("a") as log:
        log.write(f"{os.getpid()}\n")
    time.sleep(1.0)
    return _tiny_prepared(options)


def _prepare_in_child(data_dir: str, barrier, queue) -> None:
    os.environ["AFTERSALES_DATA_DIR"] = data_dir
    prepare._build = _slow_build  # this child only
    barrier.wait()
    try:
        prepared = prepare.prepare(dataset="movielens-100k")
        queue.put(("ok", prepared.interactions.to_json()))
    except Exception as error:  # reported to the parent, which fails the test
        queue.put(("error", f"{type(error).__name__}: {error}"))


def test_processes_preparing_one_cache_build_it_once(tmp_path):
    BUILDS[:] = [tmp_path / "builds.log"]
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(3)
    queue = context.Queue()
    data_dir = str(tmp_path / "data")
    workers = [
        context.Process(target=_prepare_in_child, args=(data_dir, barrier, queue)) for _ in range(3)
    ]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert [status for status, _ in results] == ["ok"] * 3, results
    assert len({text for _, text in results}) == 1
    assert len(BUILDS[0].read_text().splitlines()) == 1  # the others waited and read the cache
    folders = sorted(p.name for p in (tmp_path / "data" / "processed").iterdir())
    assert len(folders) == 1 and folders[0].startswith("movielens-100k-")


def test_a_lock_names_its_holder_and_ends_with_it(tmp_path):
    lock = tmp_path / "x.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom aftersales import locks\n"
            f"with locks.hold(__import__('pathlib').Path({str(lock)!r}), purpose='a test', "
            "timeout=0):\n    print('held', flush=True)\n    time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "held\n"
        began = time.monotonic()
        with pytest.raises(LockedError, match=rf"held by pid {holder.pid} on .*\(a test\)"):
            with locks.hold(lock, purpose="mine", timeout=0.5):
                pass
        assert 0.5 <= time.monotonic() - began < 5
    finally:
        holder.kill()  # SIGKILL: no clean-up runs, the system ends the lock
        holder.wait()
    with locks.hold(lock, purpose="mine", timeout=5):
        assert "(mine)" in locks.holder(lock)
    assert not lock.exists()


# ---- 6. a params file must name its data set


def test_an_empty_params_file_is_an_error(tmp_path):
    with pytest.raises(ParameterError, match=r"empty\.yaml: .*no `dataset`"):
        rpt.read_params(_params(tmp_path, "", name="empty"))
    with pytest.raises(ParameterError, match=r"comments\.yaml: .*no `dataset`"):
        rpt.read_params(_params(tmp_path, "# only a comment\n", name="comments"))


def test_a_params_file_without_dataset_is_an_error(tmp_path):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs, "01.00-first.ipynb", "dataset: str = 'movielens-100k'\noutput_dir: str = ''")
    params_file = _params(tmp_path, "{notebooks: ['01.00']}\n")
    with pytest.raises(ParameterError, match=r"demo\.yaml: no `dataset`.*01\.00-first"):
        rpt.run(params_file, reports=tmp_path / "reports", folder=nbs, progress=False)
    assert not (tmp_path / "reports").exists()
