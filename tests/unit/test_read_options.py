"""Reading options of analysts' files: delimiter, encoding, Excel sheet (issue #13)."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from aftersales import columns as C
from aftersales.datasets import load_ratings, load_transactions
from aftersales.errors import DataValidationError, ParameterError

MAPPING = {C.USER: "customer", C.ITEM: "sku", C.RATING: "stars", C.TIMESTAMP: "when"}
ROWS = [["u1", "i1", "4", "2020-01-01"], ["u2", "café", "5", "2020-01-02"]]


def _csv(tmp_path, delimiter: str, encoding: str = "utf-8", name: str = "r.csv"):
    lines = [delimiter.join(["customer", "sku", "stars", "when"])]
    lines += [delimiter.join(row) for row in ROWS]
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path, delimiter):
    frame = load_ratings(_csv(tmp_path, delimiter), columns=MAPPING)
    assert frame[C.ITEM].tolist() == ["i1", "café"]
    assert frame[C.RATING].tolist() == [4.0, 5.0]


def test_wrong_declared_delimiter_names_it_and_the_header(tmp_path):
    path = _csv(tmp_path, ";")
    with pytest.raises(
        DataValidationError,
        match=r"r\.csv: read with delimiter ',' \(declared\), the file has a single column "
        r"while the mapping names 4 .*header reads 'customer;sku;stars;when'.*`delimiter: ';'`",
    ):
        load_ratings(path, columns=MAPPING, delimiter=",")
    assert len(load_ratings(path, columns=MAPPING, delimiter=";")) == 2


def test_non_utf8_file_names_offset_and_suggests_an_encoding(tmp_path):
    path = _csv(tmp_path, ",", encoding="cp1252")
    # "café" is the first non-ASCII text: the header (24 bytes with its newline), row 1
    # (19 bytes), then "u2,caf" (6 bytes): its "é" (0xe9) sits at byte offset 49, line 3.
    with pytest.raises(
        DataValidationError,
        match=r"r\.csv: cannot be read as csv: not utf-8 text; byte 0xe9 at byte offset 49 "
        r"\(line 3\).*`encoding: cp1252`",
    ):
        load_ratings(path, columns=MAPPING)
    frame = load_ratings(path, columns=MAPPING, encoding="cp1252")
    assert frame[C.ITEM].tolist() == ["i1", "café"]


def test_non_utf8_byte_beyond_the_sniffed_lines(tmp_path):
    path = tmp_path / "r.csv"
    body = "customer,sku,stars,when\n" + "u1,i1,4,2020-01-01\n" * 100 + "u2,café,5,2020-01-02\n"
    path.write_bytes(body.encode("latin-1"))
    offset = len(("customer,sku,stars,when\n" + "u1,i1,4,2020-01-01\n" * 100 + "u2,caf").encode())
    with pytest.raises(DataValidationError, match=rf"byte offset {offset:,} \(line 102\)"):
        load_ratings(path, columns=MAPPING)
    assert load_ratings(path, columns=MAPPING, encoding="latin-1")[C.ITEM].iloc[-1] == "café"


def test_utf16_file_is_named_and_readable_when_declared(tmp_path):
    path = _csv(tmp_path, ",", encoding="utf-16")
    with pytest.raises(DataValidationError, match=r"byte 0xff at byte offset 0 .*utf-16"):
        load_ratings(path, columns=MAPPING)
    assert load_ratings(path, columns=MAPPING, encoding="utf-16")[C.ITEM].tolist() == ["i1", "café"]


def test_byte_order_mark_and_gzip(tmp_path):
    bom = _csv(tmp_path, ";", encoding="utf-8-sig")
    assert load_ratings(bom, columns=MAPPING)[C.USER].tolist() == ["u1", "u2"]
    zipped = tmp_path / "r.csv.gz"
    zipped.write_bytes(gzip.compress(_csv(tmp_path, "\t").read_bytes()))
    assert load_ratings(zipped, columns=MAPPING)[C.RATING].sum() == 9.0


def test_unknown_encoding_and_options_that_do_not_apply(tmp_path):
    path = _csv(tmp_path, ",")
    with pytest.raises(ParameterError, match=r"`encoding` 'utf-9' is not a known text encoding"):
        load_ratings(path, columns=MAPPING, encoding="utf-9")
    with pytest.raises(ParameterError, match=r"\['sheet'\] do not apply to a csv file"):
        load_ratings(path, columns=MAPPING, sheet="Sheet1")
    with pytest.raises(ParameterError, match=r"`delimiter` must be one character"):
        load_ratings(path, columns=MAPPING, delimiter=";;")


def _workbook(tmp_path):
    path = tmp_path / "r.xlsx"
    rows = pd.DataFrame(ROWS, columns=["customer", "sku", "stars", "when"])
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"note": ["read me"]}).to_excel(writer, sheet_name="About", index=False)
        rows.to_excel(writer, sheet_name="Ratings", index=False)
    return path


def test_excel_sheet_by_name_or_position(tmp_path):
    path = _workbook(tmp_path)
    by_name = load_ratings(path, columns=MAPPING, sheet="Ratings")
    assert by_name[C.ITEM].tolist() == ["i1", "café"]
    pd.testing.assert_frame_equal(load_ratings(path, columns=MAPPING, sheet=1), by_name)
    with pytest.raises(DataValidationError, match=r"missing mapped column\(s\) `customer`"):
        load_ratings(path, columns=MAPPING)  # the first sheet is "About"


def test_missing_excel_sheet_lists_the_sheets(tmp_path):
    path = _workbook(tmp_path)
    with pytest.raises(
        DataValidationError,
        match=r"r\.xlsx: has no sheet 'Orders'; its sheets are \['About', 'Ratings'\]",
    ):
        load_ratings(path, columns=MAPPING, sheet="Orders")
    with pytest.raises(DataValidationError, match=r"has no sheet at position 2 \(0-based\)"):
        load_ratings(path, columns=MAPPING, sheet=2)
    with pytest.raises(ParameterError, match=r"\['delimiter'\] do not apply to a excel file"):
        load_ratings(path, columns=MAPPING, delimiter=";")


def test_empty_and_blank_files(tmp_path):
    for name, content in (("empty.csv", b""), ("blank.csv", b"\n\n  \n")):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(DataValidationError, match=rf"{name}: the file is empty"):
            load_transactions(path)


def test_missing_path_is_named(tmp_path):
    with pytest.raises(DataValidationError, match=r"nope\.csv: no such file"):
        load_ratings(tmp_path / "nope.csv", columns=MAPPING)
