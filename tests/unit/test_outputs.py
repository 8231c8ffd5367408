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


def test_pseudonym_key_order_and_local_file(isolated_data, monkeypatch):
    monkeypatch.delenv("AFTERSALES_PSEUDONYM_KEY", raising=False)
    first = outputs.pseudonym_key()
    path = isolated_data / "interim" / "pseudonym.key"
    assert path.exists() and (path.stat().st_mode & 0o777) == 0o600
    assert outputs.pseudonym_key() == first  # stable on this machine
    env_key, parameter_key = "0123456789abcdef" * 2, "fedcba9876543210" * 2
    monkeypatch.setenv("AFTERSALES_PSEUDONYM_KEY", env_key)
    assert outputs.pseudonym_key() == env_key.encode()
    assert outputs.pseudonym_key(parameter_key) == parameter_key.encode()  # a parameter wins


def test_shareable_replaces_every_id_column():
    import hashlib
    import hmac

    key = b"0123456789abcdef"
    frame = pd.DataFrame({C.USER: [196, 186], C.CUSTOMER: ["17850", None], C.ITEM: [1, 2]})
    out = outputs.shareable(frame, key=key)
    # independent HMAC-SHA256 of the text id, first 16 hex characters
    expected = "c_" + hmac.new(key, b"196", hashlib.sha256).hexdigest()[:16]
    assert out.loc[0, C.USER] == expected
    assert out.loc[0, C.CUSTOMER] == "c_" + hmac.new(key, b"17850", hashlib.sha256).hexdigest()[:16]
    assert pd.isna(out.loc[1, C.CUSTOMER]) and out[C.ITEM].tolist() == [1, 2]
    assert frame.loc[0, C.USER] == 196  # input untouched
