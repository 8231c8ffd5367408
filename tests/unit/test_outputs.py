import pandas as pd
import pytest
from matplotlib.figure import Figure

from aftersales import columns as C
from aftersales import outputs
from aftersales.errors import ParameterError


def test_nothing_written_without_output_dir(tmp_path):
    assert outputs.write("", tables={"t": pd.DataFrame({"a": [1]})}) == []
    assert list(tmp_path.iterdir()) == []


def test_figures_and_tables_are_written(tmp_path):
    figure = Figure()
    figure.add_subplot().plot([1, 2])
    written = outputs.write(tmp_path, figures={"f": figure}, tables={"t": pd.DataFrame({"a": [1]})})
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        "figures/f.png",
        "tables/t.csv",
    ]
    assert (tmp_path / "tables" / "t.csv").read_text() == "a\n1\n"


def test_raw_customer_ids_are_refused_unless_asked(tmp_path):
    table = pd.DataFrame({C.CUSTOMER: ["17850"], C.CLV: [1.0]})
    with pytest.raises(ParameterError, match=r"table 'segments' holds raw customer ids"):
        outputs.write(tmp_path, tables={"segments": table})
    assert not (tmp_path / "tables").exists()
    assert len(outputs.write(tmp_path, tables={"segments": table}, allow_raw_ids=True)) == 1
