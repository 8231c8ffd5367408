import pandas as pd
import pytest

from aftersales import columns as C
from aftersales.datasets import load_ratings, load_transactions
from aftersales.errors import DataValidationError

RATINGS_CSV = (
    "customer,sku,stars,when\nu1,i1,4,2020-01-01\nu1,i2,5,2020-01-02\nu2,i1,1,2020-01-03\n"
)
MAPPING = {C.USER: "customer", C.ITEM: "sku", C.RATING: "stars", C.TIMESTAMP: "when"}


def test_load_ratings_csv_maps_columns(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(RATINGS_CSV)
    frame = load_ratings(path, columns=MAPPING)
    assert list(frame.columns) == list(C.RATINGS_COLUMNS)
    assert frame[C.RATING].tolist() == [4.0, 5.0, 1.0]
    assert frame[C.USER].tolist() == ["u1", "u1", "u2"]
    assert frame[C.TIMESTAMP].iloc[2] == pd.Timestamp("2020-01-03", tz="UTC")


def test_load_ratings_parquet_and_excel_agree_with_csv(tmp_path):
    source = pd.read_csv(pd.io.common.StringIO(RATINGS_CSV))
    source.to_parquet(tmp_path / "r.parquet")
    source.to_excel(tmp_path / "r.xlsx", index=False)
    expected = load_ratings(tmp_path / "r.parquet", columns=MAPPING)
    pd.testing.assert_frame_equal(load_ratings(tmp_path / "r.xlsx", columns=MAPPING), expected)
    assert expected[C.RATING].sum() == 10.0


def test_missing_mapped_column_names_file_and_column(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(RATINGS_CSV)
    with pytest.raises(DataValidationError, match=r"r\.csv: missing mapped column\(s\) `score`"):
        load_ratings(path, columns={**MAPPING, C.RATING: "score"})


def test_non_numeric_rating_names_row_and_value(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(RATINGS_CSV.replace("u2,i1,1", "u2,i1,five"))
    with pytest.raises(DataValidationError, match=r"`rating` must be numeric; 1 rows fail.*row 3"):
        load_ratings(path, columns=MAPPING)


def test_rating_outside_scale(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(RATINGS_CSV.replace("u1,i2,5", "u1,i2,7"))
    with pytest.raises(DataValidationError, match=r"scale \[1, 5\]; 1 rows fail"):
        load_ratings(path, columns=MAPPING)
    assert len(load_ratings(path, columns=MAPPING, scale=(0, 10))) == 3  # nothing dropped


def test_empty_and_header_only_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DataValidationError, match=r"empty\.csv: the file is empty"):
        load_ratings(empty, columns=MAPPING)
    header = tmp_path / "header.csv"
    header.write_text("customer,sku,stars,when\n")
    with pytest.raises(DataValidationError, match=r"header\.csv: has no data rows"):
        load_ratings(header, columns=MAPPING)


def test_missing_id_is_an_error_not_a_drop(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(RATINGS_CSV.replace("u2,i1", ",i1"))
    with pytest.raises(DataValidationError, match=r"`user_id` must not be empty; 1 rows fail"):
        load_ratings(path, columns=MAPPING)


def test_load_transactions_keeps_guests_and_cancellations(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "inv,code,desc,qty,price,date,cust,country\n"
        "1,A,Mug,2,1.5,2011-01-01 10:00,17850.0,UK\n"
        "C2,A,Mug,-2,1.5,2011-01-02 10:00,17850.0,UK\n"
        "3,B,,1,0.5,2011-01-03 10:00,,France\n"
    )
    mapping = {
        C.INVOICE: "inv",
        C.ITEM: "code",
        C.DESCRIPTION: "desc",
        C.QUANTITY: "qty",
        C.UNIT_PRICE: "price",
        C.TIMESTAMP: "date",
        C.CUSTOMER: "cust",
        C.COUNTRY: "country",
    }
    frame = load_transactions(path, columns=mapping)
    assert list(frame.columns) == list(C.TRANSACTIONS_COLUMNS)
    assert len(frame) == 3
    assert frame[C.QUANTITY].tolist() == [2, -2, 1]
    assert frame[C.CUSTOMER].iloc[0] == "17850" and pd.isna(frame[C.CUSTOMER].iloc[2])
    with pytest.raises(DataValidationError, match=r"t\.csv: column `quantity` must hold whole"):
        path.write_text(path.read_text().replace(",-2,", ",-2.5,"))
        load_transactions(path, columns=mapping)


def test_unknown_canonical_name_in_mapping(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(RATINGS_CSV)
    with pytest.raises(DataValidationError, match=r"unknown canonical column\(s\) \['stars'\]"):
        load_ratings(path, columns={"stars": "stars"})
