"""Bad input to the Spark engine: mixed Parquet schemas, options it does not run."""

from __future__ import annotations

import pandas as pd
import pytest

from aftersales import prepare
from aftersales import spark as engine
from aftersales.errors import DataValidationError, ParameterError, SchemaMismatchError


def test_mixed_schemas_name_the_files_and_columns(tmp_path):
    folder = tmp_path / "lines"
    folder.mkdir()
    pd.DataFrame({"invoice_id": ["1"], "quantity": [2]}).to_parquet(folder / "a.parquet")
    pd.DataFrame({"invoice_id": ["2"], "quantity": [2.5], "extra": [1]}).to_parquet(
        folder / "b.parquet"
    )
    with pytest.raises(SchemaMismatchError, match=r"b\.parquet differs from a\.parquet") as info:
        engine.check_schemas(folder)
    message = str(info.value)
    assert "extra ['extra']" in message and "quantity (int64 vs double)" in message


def test_same_schemas_pass_and_hidden_files_are_ignored(tmp_path):
    folder = tmp_path / "lines"
    (folder / "month=1").mkdir(parents=True)
    pd.DataFrame({"q": [1]}).to_parquet(folder / "month=1" / "part-0.parquet")
    pd.DataFrame({"q": [2]}).to_parquet(folder / "part-1.parquet")
    (folder / "_SUCCESS").write_text("")
    engine.check_schemas(folder)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataValidationError, match="holds no data file"):
        engine.check_schemas(empty)


def test_read_lines_refuses_a_mixed_folder(spark, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    pd.DataFrame({"a": [1]}).to_parquet(folder / "x.parquet")
    pd.DataFrame({"b": [1]}).to_parquet(folder / "y.parquet")
    with pytest.raises(SchemaMismatchError, match=r"missing \['a'\]; extra \['b'\]"):
        engine.read_lines(spark, folder)


def test_spark_engine_refuses_ratings_and_other_splits():
    with pytest.raises(ParameterError, match="transaction data"):
        engine.check_options(prepare.Preparation(dataset="movielens-100k", engine="spark"))
    with pytest.raises(ParameterError, match="split_method 'random'"):
        engine.check_options(
            prepare.Preparation(dataset="online-retail", engine="spark", split_method="random")
        )


def test_unknown_engine_is_a_parameter_error():
    with pytest.raises(ParameterError, match="engine"):
        prepare.prepare(dataset="online-retail", engine="dask", cache=False)


def test_pandas_keys_leave_the_engine_out_spark_keys_keep_it():
    pandas = prepare.Preparation(dataset="online-retail")
    assert "engine" not in pandas.identity() and "spark_master" not in pandas.identity()
    moved = prepare.Preparation(dataset="online-retail", spark_master="local[1]")
    assert moved.key == pandas.key
    sparked = prepare.Preparation(dataset="online-retail", engine="spark")
    assert sparked.identity()["engine"] == "spark" and sparked.key != pandas.key
