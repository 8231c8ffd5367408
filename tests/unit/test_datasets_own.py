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


ORDERS_CSV = (
    "order_date;client;total\n"
    "2023-01-05 10:00;c1;30.5\n"
    "2023-01-05 10:00;c1;4.5\n"
    "2023-01-06 09:00;;12\n"
    "2023-01-06 09:00;;8\n"
    "2023-01-07 18:30;c2;-3\n"
)
ORDER_MAP = {C.TIMESTAMP: "order_date", C.CUSTOMER: "client", C.REVENUE: "total"}


def test_order_level_export_derives_invoices_from_customer_and_time(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS_CSV)
    frame, audit = load_transactions(path, columns=ORDER_MAP, with_audit=True)
    assert list(frame.columns) == [
        C.INVOICE,
        C.DESCRIPTION,
        C.TIMESTAMP,
        C.CUSTOMER,
        C.COUNTRY,
        C.REVENUE,
    ]
    # c1's two rows share a moment: one invoice; each guest row is its own invoice.
    assert frame[C.INVOICE].tolist() == [
        "c1@2023-01-05T10:00:00Z",
        "c1@2023-01-05T10:00:00Z",
        "row3@2023-01-06T09:00:00Z",
        "row4@2023-01-06T09:00:00Z",
        "c2@2023-01-07T18:30:00Z",
    ]
    assert frame[C.REVENUE].tolist() == [30.5, 4.5, 12.0, 8.0, -3.0]
    derived = audit.set_index(C.STEP).loc[f"derived:{C.INVOICE}", C.RULE]
    assert "4 invoices from 5 rows; 2 rows without a customer get one each" in derived
    assert "timestamps:naive_utc" in audit[C.STEP].tolist()


def test_order_level_export_keeps_item_columns_when_present(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        "inv,when,sku,qty,price,total\n1,2023-01-05,A,2,1.5,2.7\n2,2023-01-06,B,1,4,4\n"
    )
    mapping = {
        C.INVOICE: "inv",
        C.TIMESTAMP: "when",
        C.ITEM: "sku",
        C.QUANTITY: "qty",
        C.UNIT_PRICE: "price",
        C.REVENUE: "total",
    }
    frame = load_transactions(path, columns=mapping)
    assert list(frame.columns) == [*C.TRANSACTIONS_COLUMNS, C.REVENUE]
    assert frame[C.QUANTITY].tolist() == [2, 1] and frame[C.UNIT_PRICE].tolist() == [1.5, 4.0]
    assert frame[C.REVENUE].tolist() == [2.7, 4.0]  # kept as given (a discount on row 1)


def test_item_level_export_without_money_columns(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("invoice_id,item_id,quantity,timestamp\n1,A,2,2023-01-05\n")
    frame = load_transactions(path)
    assert list(frame.columns) == [
        C.INVOICE,
        C.ITEM,
        C.DESCRIPTION,
        C.QUANTITY,
        C.TIMESTAMP,
        C.CUSTOMER,
        C.COUNTRY,
    ]
    with pytest.raises(DataValidationError, match=r"missing mapped column\(s\) `price`"):
        load_transactions(path, columns={C.UNIT_PRICE: "price"})  # mapped: then required


def test_order_level_revenue_must_be_numbers(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS_CSV.replace(";4.5", ";NULL"))
    with pytest.raises(DataValidationError, match=r"column `revenue` must not be empty.*row 2"):
        load_transactions(path, columns=ORDER_MAP)


def test_loader_passes_date_options(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("customer;sku;stars;when\nu1;i1;4;03/01/2023 10:00\n")
    frame, audit = load_ratings(
        path, columns=MAPPING, dayfirst=True, timezone="America/New_York", with_audit=True
    )
    assert frame[C.TIMESTAMP].iloc[0] == pd.Timestamp("2023-01-03 15:00", tz="UTC")  # EST = -5
    assert audit[C.STEP].tolist() == ["timestamps:timezone"]
