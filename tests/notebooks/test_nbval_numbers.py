"""The nbval number comparison (tests/notebooks/nbval_numbers.py) on hand-made outputs."""

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import nbformat
import nbval_numbers as nn
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

HERE = Path(__file__).parent


@pytest.mark.parametrize(
    ("reference", "test"),
    [
        ("0.0674", "0.0673"),  # a rounding-boundary flip: one unit of the 4th decimal
        ("rmse 0.9412 mae 0.7401", "rmse 0.9413 mae 0.7400"),
        ("<td>0.1234</td><td>7</td>", "<td>0.1235</td><td>7</td>"),  # one HTML cell, 4th decimal
        ("total 1,234.5", "total 1,234.6"),  # thousands separators, one unit of the 1st decimal
        ("p = 1.2e-05", "p = 1.3e-05"),  # unit of the last mantissa digit: 1e-06
        ("share 12.3%", "share 12.4%"),
        ("-0.0000", "0.0000"),  # the sign of a zero
        ("value   9.9996\nother   0.1000", "value  9.9997\nother  0.1000"),  # table padding
        ("2011-12-09, notebook 02.00, v1.2.3", "2011-12-09, notebook 02.00, v1.2.3"),
        ("nan inf -inf", "NaN inf -inf"),
        ("x = 0.30000000000000004", "x = 0.3"),  # the coarser of the two last digits
    ],
)
def test_agree(reference, test):
    assert nn.texts_agree(reference, test)


@pytest.mark.parametrize(
    ("reference", "test"),
    [
        ("0.0674", "0.0672"),  # two units of the last digit
        ("221479.81", "221477.95"),  # 8.4e-6 relative: above RTOL
        ("3357 customers", "3358 customers"),  # counts are exact
        ("1,234 rows", "1,235 rows"),
        ("Champions 0.146", "Champion 0.146"),  # a changed word
        ("mean 0.5000", "mean NaN"),  # a number that becomes NaN
        ("mean NaN", "mean 0.5000"),
        ("inf", "-inf"),
        ("0.0001", "-0.0001"),  # the sign matters: two units apart
        ("12%", "13%"),
        ("p = 1.2e-05", "p = 1.4e-05"),
        ("3", "3.0"),  # an integer that becomes a float
        ("2011-12-09", "2011-12-10"),  # a date is integers
        ("version 1.2.3", "version 1.3.3"),  # a dotted version is text, not 1.2 and .3
        ("svd2 0.5", "svd3 0.5"),  # digits inside a name are text
        ("a 1 b", "a 1 b 2"),  # an extra number
    ],
)
def test_disagree(reference, test):
    assert not nn.texts_agree(reference, test)


def test_rtol_option_widens_the_band():
    # |221479.81 - 221477.95| = 1.86; 1e-5 * 221479.81 + 0.01 = 2.2248 >= 1.86
    assert nn.texts_agree("221479.81", "221477.95", rtol=1e-5)
    # rtol=0 still allows one unit of the last digit, and no more
    assert nn.texts_agree("0.0674", "0.0673", rtol=0)
    assert not nn.texts_agree("0.0674", "0.06729", rtol=0)  # 1.1e-4 > max(1e-4, 1e-5)


def test_negative_rtol_is_refused():
    with pytest.raises(ValueError, match="rtol"):
        nn.texts_agree("1.0", "1.1", rtol=-1)


def test_parse_skeleton_and_units():
    skeleton, numbers = nn.parse("n=1,234  x=-0.50 e=2.5E+03 d=2011-12-09")
    assert skeleton == ["n=", " x=", " e=", " d=", "-", "-", ""]
    assert [n.value for n in numbers] == [
        Decimal(1234),
        Decimal("-0.50"),
        Decimal(2500),
        Decimal(2011),
        Decimal(12),
        Decimal(9),
    ]
    assert [n.unit for n in numbers] == [None, Decimal("0.01"), Decimal(100), None, None, None]


def test_largest_relative_change():
    # |0.0674 - 0.0673| / 0.0674 = 1.4837e-3; |100.0 - 100.1| / 100.1 = 9.99e-4
    change = nn.largest_relative_change("0.0674 and 100.0", "0.0673 and 100.1")
    assert change == pytest.approx(1e-4 / 0.0674)


def _outputs(rmse: str, count: str):
    return [
        new_output("stream", name="stdout", text=f"rmse {rmse}\n"),
        new_output(
            "execute_result",
            data={"text/plain": f"{count} customers", "image/png": "iVBORw0KGgo="},
            execution_count=1,
        ),
    ]


def test_reconcile_replaces_only_matching_texts():
    reference = _outputs("0.0674", "3357")
    test = _outputs("0.0673", "3358")
    new, changes = nn.reconcile(test, reference, sanitize=lambda s: s, rtol=nn.RTOL)
    assert new[0]["text"] == "rmse 0.0674\n"  # within one unit: takes the reference text
    assert new[1]["data"]["text/plain"] == "3358 customers"  # a count: left for nbval to report
    assert changes == [pytest.approx(1e-4 / 0.0674)]
    assert test[0]["text"] == "rmse 0.0673\n"  # the caller's outputs are not changed


def test_reconcile_compares_sanitised_texts():
    reference = [new_output("stream", name="stdout", text="took 3.2 s elapsed, 0.5000\n")]
    test = [new_output("stream", name="stdout", text="took 9.9 s elapsed, 0.5001\n")]
    new, _ = nn.reconcile(test, reference, sanitize=lambda s: s.replace("9.9", "3.2"), rtol=0)
    assert new[0]["text"] == reference[0]["text"]


def _run_nbval(folder: Path, *plugin: str) -> subprocess.CompletedProcess:
    path = os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])
    command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env"]
    return subprocess.run(
        [*command, "-p", "no:cacheprovider", *plugin, "nb.ipynb"],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_nbval_end_to_end(tmp_path):
    # cell 0 re-prints 0.0673 where the notebook holds 0.0674 (one unit); cell 1 prints 0.0672
    cells = []
    for number, (printed, stored) in enumerate([("0.0673", "0.0674"), ("0.0672", "0.0674")]):
        cell = new_code_cell(f"print('rmse', {printed})", execution_count=number + 1)
        cell.outputs = [new_output("stream", name="stdout", text=f"rmse {stored}\n")]
        cells.append(cell)
    nbformat.write(new_notebook(cells=cells), tmp_path / "nb.ipynb")

    plain = _run_nbval(tmp_path)
    assert "2 failed" in plain.stdout, plain.stdout
    tolerant = _run_nbval(tmp_path, "-p", "nbval_numbers")
    assert "1 failed, 1 passed" in tolerant.stdout, tolerant.stdout
    assert "rmse 0.0672" in tolerant.stdout  # nbval's usual diff for the cell that fails
    assert "nbval_numbers: 1 cell(s) matched within tolerance" in tolerant.stdout
