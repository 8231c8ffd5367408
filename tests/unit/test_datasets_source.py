"""Source files: validation with named errors, loading, and the preparation cache key."""

from __future__ import annotations

import pandas as pd
import pytest

from aftersales import capabilities, datasets, prepare
from aftersales import columns as C
from aftersales.datasets import __main__ as cli
from aftersales.errors import DataValidationError, ParameterError, UnknownNameError

ORDERS = """order,sku,qty,price,when,client,land
1,A,2,1.5,2011-01-03 10:00:00,c1,UK
1,B,1,4.0,2011-01-03 10:00:00,c1,UK
2,A,1,1.5,2011-01-05 12:00:00,c2,FR
3,C,3,2.0,2011-02-07 09:30:00,c1,UK
4,B,2,4.0,2011-02-08 16:00:00,c3,
"""

MAPPING = """columns:
  invoice_id: order
  item_id: sku
  quantity: qty
  unit_price: price
  timestamp: when
  customer_id: client
  country: land
"""


@pytest.fixture
def shop(tmp_path, isolated_data):
    """A transactions source in sources/, its data one folder up (a relative path)."""
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "orders.csv").write_text(ORDERS)
    folder = tmp_path / "sources"
    folder.mkdir()
    file = folder / "shop.yaml"
    file.write_text("kind: transactions\npath: ../exports/orders.csv\n" + MAPPING)
    return file


def _source(tmp_path, text, name="s.yaml"):
    (tmp_path / "data.csv").write_text("user,item,stars\nu1,i1,4\n")
    file = tmp_path / name
    file.write_text(text)
    return file


def test_read_source_resolves_the_path_against_the_source_file(shop):
    source = datasets.read_source(shop)
    assert source.kind == "transactions" and source.name == "shop"
    assert source.path == (shop.parent.parent / "exports" / "orders.csv").resolve()
    assert source.columns[C.CUSTOMER] == "client"
    assert source.rating_scale == (1.0, 5.0) and source.delimiter is None


@pytest.mark.parametrize(
    ("text", "error", "pattern"),
    [
        ("kind: ratings\npath: data.csv\ncolumn: {}\n", ParameterError,
         r"unknown key 'column' \(did you mean 'columns'\?\)"),
        ("kind: rating\npath: data.csv\n", ParameterError,
         r"unknown kind 'rating' \(did you mean 'ratings'\?\)"),
        ("path: data.csv\n", ParameterError, r"`kind` is required"),
        ("kind: ratings\n", ParameterError, r"`path` is required"),
        ("kind: ratings\npath: nothere.csv\n", DataValidationError,
         r"data file .*nothere\.csv does not exist"),
        ("kind: ratings\npath: data.csv\ncolumns: {user: user}\n", ParameterError,
         r"unknown canonical column 'user' \(did you mean 'user_id'\?\)"),
        ("kind: ratings\npath: data.csv\ndates: {fromat: '%d'}\n", ParameterError,
         r"`dates`: unknown key 'fromat' \(did you mean 'format'\?\)"),
        ("kind: ratings\npath: data.csv\nrating_scale: [5, 1]\n", ParameterError,
         r"`rating_scale` needs low < high"),
        ("kind: transactions\npath: data.csv\nrating_scale: [1, 5]\n", ParameterError,
         r"`rating_scale` applies to kind: ratings only"),
        ("- a list\n", ParameterError, r"expected a mapping"),
        ("kind: [unclosed\n", ParameterError, r"not valid YAML at line"),
    ],
)  # fmt: skip
def test_bad_sources_are_named(tmp_path, text, error, pattern):
    with pytest.raises(error, match=pattern):
        datasets.read_source(_source(tmp_path, text))


def test_missing_source_file_is_named(tmp_path):
    with pytest.raises(DataValidationError, match=r"source file .*absent\.yaml does not exist"):
        datasets.read_source(tmp_path / "absent.yaml")
    with pytest.raises(DataValidationError, match=r"looked at .*absent\.yaml"):
        datasets.spec(str(tmp_path / "absent.yaml"))


def test_a_name_that_is_neither_registered_nor_a_path(isolated_data):
    with pytest.raises(UnknownNameError, match=r"unknown data set 'my-shop'.*source file"):
        datasets.load("my-shop")


def test_load_reads_a_source_and_spec_describes_it(shop):
    frame = datasets.load(str(shop))
    assert len(frame) == 5
    assert frame[C.CUSTOMER].tolist() == ["c1", "c1", "c2", "c1", "c3"]
    assert frame[C.QUANTITY].tolist() == [2, 1, 1, 3, 2]
    assert str(frame[C.TIMESTAMP].iloc[0]) == "2011-01-03 10:00:00+00:00"
    assert pd.isna(frame[C.COUNTRY].iloc[4])
    entry = datasets.spec(str(shop))
    assert (entry.name, entry.kind, entry.redistributable) == ("shop", "transactions", False)


def _quantity_of_c(prepared):
    cleaned = prepared.cleaned
    return cleaned.loc[cleaned[C.ITEM] == "C", C.QUANTITY].tolist()


def test_prepare_cache_is_keyed_by_source_and_data_content(shop):
    options = prepare.Preparation(
        dataset=str(shop), min_user_interactions=1, min_item_interactions=1, test_size=0.4
    )
    first = options.key
    assert prepare.cache_folder(options).name == f"shop-{first}"
    assert _quantity_of_c(prepare.prepare(options)) == [3]
    data = shop.parent.parent / "exports" / "orders.csv"
    data.write_text(ORDERS.replace("3,C,3,", "3,C,30,"))  # the data changes
    second = options.key
    assert second != first
    assert _quantity_of_c(prepare.prepare(options)) == [30]
    shop.write_text(shop.read_text() + "description: edited\n")  # the source changes
    assert options.key not in (first, second)
    assert prepare.Preparation(dataset="online-retail").key == (
        prepare.Preparation(dataset="online-retail").key
    )


def test_params_accept_a_source_and_refuse_a_bad_one(shop, tmp_path):
    from aftersales import params

    assert params.check("03.00", dataset=str(shop)).dataset == str(shop)
    with pytest.raises(ParameterError, match=r"`dataset` is 'nowhere\.yaml'.*does not exist"):
        params.check("01.00", dataset="nowhere.yaml")
    ratings = _source(tmp_path, "kind: ratings\npath: data.csv\ncolumns: {user_id: user}\n")
    with pytest.raises(ParameterError, match=r"03\.00 needs transactions"):
        params.check("03.00", dataset=str(ratings))


def test_check_prints_profile_and_capabilities(shop, capsys):
    assert cli.main(["check", str(shop)]) == 0
    out = capsys.readouterr().out
    assert "rows: 5" in out and "customers: 3" in out and "items: 3" in out
    assert "invoices: 4" in out and "dates: 2011-01-03 to 2011-02-08 (UTC)" in out
    assert "money: quantity x unit_price" in out
    assert "  03.01  yes" in out and "  01.00  yes" in out


def test_check_reports_a_bad_source(tmp_path, capsys, isolated_data):
    bad = _source(tmp_path, "kind: transactoins\npath: data.csv\n")
    assert cli.main(["check", str(bad)]) == 1
    assert "did you mean 'transactions'" in capsys.readouterr().err


def test_capabilities_of_a_ratings_source_without_timestamps(tmp_path, isolated_data):
    file = _source(tmp_path, "kind: ratings\npath: data.csv\ncolumns: {user_id: user, "
                             "item_id: item, rating: stars}\n")  # fmt: skip
    assert capabilities.supported(str(file)) == ["01.00", "02.00", "02.01", "02.02", "04.00"]
    with pytest.raises(ParameterError, match=r"02.00 needs timestamp \(split_method 'time'"):
        capabilities.require(str(file), ["02.00"], split_methods={"02.00": "time"})
    with pytest.raises(ParameterError, match=r"03.01 needs kind: transactions"):
        capabilities.require(str(file), ["01.00", "03.01"])
