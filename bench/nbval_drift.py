"""How far notebook numbers move under other CPU kernels: the measurement behind nbval's rtol.

Re-executes the canonical notebooks with their default parameters (as nbval does) under perturbed
arithmetic, each setting in a fresh kernel with a fresh data folder (parsed data sets linked, no
prepared caches), and compares every number in every text output with the committed one, after
the sanitisers of ``tests/notebooks/sanitize.cfg``:

- ``threads1``: ``OPENBLAS_NUM_THREADS=1`` (another blocking and summation order in BLAS);
- ``nosimd``: ``NPY_DISABLE_CPU_FEATURES`` = every target numpy dispatches to at run time here
  (baseline SIMD only: other exp/log/tanh kernels and reduction loops);
- ``blascore``: ``OPENBLAS_CORETYPE=Nehalem`` (SSE kernels instead of AVX2 GEMM/solvers);
- ``ulp``: every non-integer float the data sets load moved one ulp up or down (seeded);
- ``baseline`` (on request): an unperturbed re-execution, for the run-to-run noise.

Per setting and notebook it prints how many numbers were compared and changed, the largest
relative change, the largest change in units of the last shown digit, the largest relative
change *beyond* one unit of the last digit (what ``--nbval-rtol`` must cover), and how many
outputs the nbval plugin would still reject; then the worst cells. Usage::

    .venv/bin/python bench/nbval_drift.py [--settings threads1,nosimd,blascore,ulp]
        [--notebooks 01.00,02.00] [--cell-timeout 1200]
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbval.plugin import coalesce_streams, get_sanitize_patterns

from aftersales import datasets, paths
from aftersales.report import canonical

ROOT = Path(__file__).resolve().parents[1]
SANITIZE = ROOT / "tests" / "notebooks" / "sanitize.cfg"
# The comparison itself lives with the nbval plugin; load that file rather than copy it.
_spec = importlib.util.spec_from_file_location(
    "nbval_numbers", ROOT / "tests" / "notebooks" / "nbval_numbers.py"
)
nn = sys.modules.setdefault("nbval_numbers", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(nn)

_DISPATCH = " ".join(np._core._multiarray_umath.__cpu_dispatch__)
SETTINGS = {
    "baseline": {},
    "threads1": {"OPENBLAS_NUM_THREADS": "1"},
    "nosimd": {"NPY_DISABLE_CPU_FEATURES": _DISPATCH},
    "blascore": {"OPENBLAS_CORETYPE": "Nehalem"},
    "ulp": {},
}
# Run before the notebook's first cell under "ulp": every non-integer float a data set loads
# (online-retail's unit prices; MovieLens ratings are whole numbers) moves one ulp up or down,
# seeded, so every sum over them rounds differently. Integers stay, so no comparison flips.
ULP_NOISE = """
import numpy as _np
from aftersales import datasets as _datasets

_load = _datasets.load

def _nudged(*args, **kwargs):
    frame = _load(*args, **kwargs).copy()
    rng = _np.random.default_rng(12)
    for name in frame.select_dtypes("float").columns:
        values = frame[name].to_numpy()
        away = _np.where(rng.random(len(values)) < 0.5, -_np.inf, _np.inf)
        frame[name] = _np.where(values == _np.round(values), values, _np.nextafter(values, away))
    return frame

_datasets.load = _nudged
"""
PREAMBLE = {"ulp": ULP_NOISE}

# Kernels a notebook leans on, run in a child process per setting: the check that a setting
# really changes arithmetic here (bitwise), even where no printed digit moves.
PROBE = """
import sys
import numpy as np
rng = np.random.default_rng(0)
x = rng.random(100_003)
a, b = rng.random((301, 257)), rng.random((257, 199))
spd = a[:257] @ a[:257].T + np.eye(257)
values = [np.exp(x), np.log(x), np.tanh(x), np.exp(x.astype(np.float32)),
          np.log(x.astype(np.float32)), (a @ b).ravel(), np.linalg.svd(a, compute_uv=False),
          np.linalg.solve(spd, a[:257, 0]), np.linalg.cholesky(spd).ravel()]
np.save(sys.argv[1], np.concatenate([v.astype(np.float64) for v in values]))
"""


@dataclass
class Drift:
    """What moved in one notebook under one setting."""

    numbers: int = 0
    changed: int = 0
    max_rel: float = 0.0
    max_units: float = 0.0
    max_excess: float = 0.0
    rejected: int = 0
    text_changed: int = 0
    seconds: float = 0.0
    worst: list[tuple[float, str, str, str]] = field(default_factory=list)

    def add(self, other: Drift) -> None:
        """Accumulate another notebook's drift into this total."""
        self.numbers += other.numbers
        self.changed += other.changed
        self.max_rel = max(self.max_rel, other.max_rel)
        self.max_units = max(self.max_units, other.max_units)
        self.max_excess = max(self.max_excess, other.max_excess)
        self.rejected += other.rejected
        self.text_changed += other.text_changed
        self.seconds += other.seconds
        self.worst.extend(other.worst)


def sanitizer(path: Path):
    patterns = get_sanitize_patterns(path.read_text())

    def sanitize(text: str) -> str:
        for regex, replace in patterns:
            text = re.sub(regex, replace, text)
        return text

    return sanitize


def fresh_data_dir(folder: Path) -> Path:
    """Make a data folder holding only links to the parsed data sets: every cache is rebuilt."""
    interim = folder / "interim"
    interim.mkdir(parents=True)
    for name in datasets.NAMES:
        source = datasets.cache_path(name)
        for path in (source, source.with_suffix(".json")):
            if path.exists():
                (interim / path.name).symlink_to(path)
    return folder


def kernel_check(setting: str, folder: Path) -> str:
    """Run `PROBE` unperturbed and under ``setting``; say how many values differ bitwise."""
    results = []
    for name, extra in (("reference", {}), (setting, SETTINGS[setting])):
        target = folder / f"probe-{name}.npy"
        env = {**os.environ, **extra}
        subprocess.run([sys.executable, "-c", PROBE, str(target)], env=env, check=True)
        results.append(np.load(target))
    before, after = results
    moved = before != after
    rel = np.abs(before - after) / np.maximum(np.abs(before), np.finfo(float).tiny)
    return (
        f"kernel check: {int(moved.sum())} of {moved.size} probe values differ bitwise "
        f"(largest relative change {float(rel.max()):.2e})"
    )


def execute(
    path: Path, env: dict[str, str], timeout: int, preamble: str = ""
) -> nbformat.NotebookNode:
    """Execute a notebook in a new kernel with ``env``, after ``preamble`` when given."""
    nb = nbformat.read(path, as_version=4)
    if preamble:
        nb.cells.insert(0, nbformat.v4.new_code_cell(preamble))
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute(env=env)
    if preamble:
        nb.cells.pop(0)
    return nb


def compare(reference, executed, sanitize, label: str) -> Drift:
    """Compare every text output of every code cell, paired as nbval pairs them."""
    drift = Drift()
    ref_cells = [c for c in reference.cells if c.cell_type == "code"]
    new_cells = [c for c in executed.cells if c.cell_type == "code"]
    for number, (ref_cell, new_cell) in enumerate(zip(ref_cells, new_cells, strict=True)):
        ref = coalesce_streams(copy.deepcopy(ref_cell.outputs))
        new = coalesce_streams(copy.deepcopy(new_cell.outputs))
        ref_slots, new_slots = nn.slots(ref), nn.slots(new)
        for key in sorted(nn.TEXT_KEYS & ref_slots.keys()):
            pairs = zip(ref_slots[key], new_slots.get(key, []), strict=False)
            for (ri, rmime), (ti, tmime) in pairs:
                want = sanitize(nn.text_of(ref[ri], rmime))
                got = sanitize(nn.text_of(new[ti], tmime))
                ref_skeleton, ref_numbers = nn.parse(want)
                new_skeleton, new_numbers = nn.parse(got)
                if ref_skeleton != new_skeleton:
                    drift.text_changed += 1
                    drift.worst.append((float("inf"), f"{label} cell {number}", key, "text"))
                    continue
                drift.numbers += len(ref_numbers)
                if not nn.texts_agree(want, got):
                    drift.rejected += 1
                for a, b in zip(ref_numbers, new_numbers, strict=True):
                    if a.text == b.text:
                        continue
                    drift.changed += 1
                    if not (a.value.is_finite() and b.value.is_finite()):
                        drift.worst.append((float("inf"), f"{label} cell {number}", a.text, b.text))
                        continue
                    size = max(abs(a.value), abs(b.value))
                    diff = abs(a.value - b.value)
                    rel = float(diff / size)
                    drift.max_rel = max(drift.max_rel, rel)
                    if a.unit is not None and b.unit is not None:
                        unit = max(a.unit, b.unit)
                        drift.max_units = max(drift.max_units, float(diff / unit))
                        drift.max_excess = max(drift.max_excess, float(max(diff - unit, 0) / size))
                    else:
                        drift.max_excess = max(drift.max_excess, rel)
                    drift.worst.append((rel, f"{label} cell {number}", a.text, b.text))
    drift.worst = sorted(drift.worst, reverse=True)[:5]
    return drift


def _row(name: str, d: Drift) -> str:
    return (
        f"{name:<34}{d.numbers:>8}{d.changed:>8}{d.max_rel:>11.2e}{d.max_units:>8.1f}"
        f"{d.max_excess:>11.2e}{d.rejected:>9}{d.text_changed:>6}{d.seconds:>8.0f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default="threads1,nosimd,blascore,ulp")
    parser.add_argument("--notebooks", default="", help="comma-separated numbers; default all")
    parser.add_argument("--cell-timeout", type=int, default=1200)
    args = parser.parse_args(argv)
    settings = args.settings.split(",")
    unknown = sorted(set(settings) - SETTINGS.keys())
    if unknown:
        parser.error(f"unknown settings {unknown}; choose from {sorted(SETTINGS)}")
    notebooks = canonical()
    if args.notebooks:
        notebooks = {n: p for n, p in notebooks.items() if n in args.notebooks.split(",")}
    sanitize = sanitizer(SANITIZE)
    print(f"numpy dispatch targets here: {_DISPATCH}; rtol of the nbval plugin: {nn.RTOL:g}")
    header = (
        f"{'setting / notebook':<34}{'numbers':>8}{'changed':>8}{'max rel':>11}{'units':>8}"
        f"{'beyond 1u':>11}{'rejected':>9}{'text':>6}{'secs':>8}"
    )
    overall: dict[str, Drift] = {}
    for setting in settings:
        print(f"\n{header}")
        total = Drift()
        with tempfile.TemporaryDirectory(prefix=f"nbval-drift-{setting}-") as tmp:
            if not PREAMBLE.get(setting):
                print(f"{setting}: {kernel_check(setting, Path(tmp))}")
            env = {
                **os.environ,
                paths.DATA_DIR_ENV: str(fresh_data_dir(Path(tmp) / "data")),
                "PYTHONHASHSEED": "0",
                **SETTINGS[setting],
            }
            for number, path in notebooks.items():
                started = time.perf_counter()
                try:
                    executed = execute(path, env, args.cell_timeout, PREAMBLE.get(setting, ""))
                except CellExecutionError as error:
                    print(f"{setting} / {number}: execution failed: {str(error)[-300:]}")
                    continue
                reference = nbformat.read(path, as_version=4)
                drift = compare(reference, executed, sanitize, number)
                drift.seconds = time.perf_counter() - started
                print(_row(f"{setting} / {number}", drift), flush=True)
                if number != "03.00":  # its BG/NBD optimiser is being fixed (issue #12): apart
                    total.add(drift)
                overall.setdefault(number, Drift()).add(drift)
        print(_row(f"{setting} / all but 03.00", total))
        for rel, where, before, after in sorted(set(total.worst), reverse=True)[:5]:
            print(f"    worst: {where}: {before!r} -> {after!r} (relative {rel:.2e})")
    print("\nper notebook over all settings, worst changes:")
    for drift in overall.values():
        for rel, where, before, after in sorted(set(drift.worst), reverse=True)[:3]:
            print(f"    {where}: {before!r} -> {after!r} (relative {rel:.2e})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
