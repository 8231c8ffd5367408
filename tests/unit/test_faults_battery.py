"""Issue #14: a battery of bad inputs and faults in loading, keys, parameters and downloads.

Each case either raises a named error (a type from :mod:`aftersales.errors` whose message
names the file, column, parameter, URL or row) or, for a missing-value marker in a column
that may be missing, reads the cell as missing and counts it in the audit. None may end in a
raw pandas/pyarrow traceback, and none may pass silently. ``CASES`` is a plain table so that
the same inputs can be replayed against an older version of the package.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from aftersales import columns as C
from aftersales import datasets, outputs, params, privacy
from aftersales.download import download
from aftersales.errors import (
    DataUnavailableError,
    DataValidationError,
    IntegrityError,
    ParameterError,
)

TX_MAP = {
    C.INVOICE: "inv",
    C.ITEM: "code",
    C.QUANTITY: "qty",
    C.UNIT_PRICE: "price",
    C.TIMESTAMP: "date",
    C.CUSTOMER: "cust",
}
TX_HEADER = "inv,code,qty,price,date,cust\n"
TX_GOOD = "1,A,2,1.5,2011-01-01 10:00,17850\n"
R_MAP = {C.USER: "u", C.ITEM: "i", C.RATING: "r", C.TIMESTAMP: "t"}
R_HEADER = "u,i,r,t\n"
R_GOOD = "u1,i1,4,2020-01-01\n"


class Case(NamedTuple):
    run: Callable[[Path], Any]
    error: type[Exception] | None  # None: an audited outcome, checked by ``check``
    pattern: str = ""
    check: Callable[[Any], bool] | None = None


def _write(tmp: Path, name: str, text: str | bytes) -> Path:
    path = tmp / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def tx_csv(*rows: str, header: str = TX_HEADER, **options: Any) -> Callable[[Path], Any]:
    def run(tmp: Path) -> Any:
        path = _write(tmp, "tx.csv", header + TX_GOOD + "".join(rows))
        return datasets.load_transactions(path, columns=TX_MAP, **options)

    return run


def ratings_csv(*rows: str, **options: Any) -> Callable[[Path], Any]:
    def run(tmp: Path) -> Any:
        path = _write(tmp, "r.csv", R_HEADER + R_GOOD + "".join(rows))
        return datasets.load_ratings(path, columns=R_MAP, **options)

    return run


def guest_audit(marker: str) -> Case:
    """A marker in customer_id: a guest (missing), counted in the audit, never a customer."""

    def run(tmp: Path) -> Any:
        path = _write(tmp, "tx.csv", TX_HEADER + TX_GOOD + f"2,B,1,2.0,2011-01-02 10:00,{marker}\n")
        return datasets.load_transactions(path, columns=TX_MAP, with_audit=True)

    def check(result: Any) -> bool:
        frame, audit = result
        rule = audit[C.RULE].iloc[0] if len(audit) else ""
        return (
            frame[C.CUSTOMER].isna().tolist() == [False, True]
            and frame[C.CUSTOMER].nunique() == 1
            and audit[C.STEP].str.startswith("missing_markers:").sum() == 1
            and audit[C.STEP].iloc[0] == f"missing_markers:{C.CUSTOMER}"
            and f"{marker.strip()!r} x1; first rows 2" in rule
        )

    return Case(run, None, check=check)


def parquet(frame_or_table: Any, loader: str = "transactions", **options: Any):
    def run(tmp: Path) -> Any:
        path = tmp / "data.parquet"
        table = frame_or_table() if callable(frame_or_table) else frame_or_table
        if isinstance(table, pa.Table):
            pq.write_table(table, path)
        else:
            table.to_parquet(path, index=False)
        if loader == "ratings":
            return datasets.load_ratings(path, columns=R_MAP, **options)
        return datasets.load_transactions(path, columns=TX_MAP, **options)

    return run


def _tx_frame(**overrides: Any) -> pd.DataFrame:
    base = {
        "inv": ["1", "2"],
        "code": ["A", "B"],
        "qty": [2, 1],
        "price": [1.5, 2.0],
        "date": ["2011-01-01 10:00", "2011-01-02 10:00"],
        "cust": ["17850", "17851"],
    }
    return pd.DataFrame(base | overrides)


def file_of(name: str, content: bytes, loader: str = "transactions"):
    def run(tmp: Path) -> Any:
        path = _write(tmp, name, content)
        if loader == "ratings":
            return datasets.load_ratings(path, columns=R_MAP)
        return datasets.load_transactions(path, columns=TX_MAP)

    return run


def excel_duplicate_header(tmp: Path) -> Any:
    path = tmp / "tx.xlsx"
    frame = pd.DataFrame([["1", "A", 2, 1.5, "2011-01-01", "17850", 3]])
    frame.columns = ["inv", "code", "qty", "price", "date", "cust", "qty"]
    frame.to_excel(path, index=False)
    return datasets.load_transactions(path, columns=TX_MAP)


def key_env(value: str) -> Callable[[Path], Any]:
    def run(tmp: Path) -> Any:
        import os

        old = os.environ.get(privacy.KEY_ENV_VAR)
        os.environ[privacy.KEY_ENV_VAR] = value
        try:
            return privacy.pseudonym("17850")
        finally:
            if old is None:
                del os.environ[privacy.KEY_ENV_VAR]
            else:
                os.environ[privacy.KEY_ENV_VAR] = old

    return run


def key_file(content: str) -> Callable[[Path], Any]:
    def run(tmp: Path) -> Any:
        import os

        saved = {k: os.environ.get(k) for k in ("AFTERSALES_DATA_DIR", privacy.KEY_ENV_VAR)}
        os.environ["AFTERSALES_DATA_DIR"] = str(tmp / "data")
        os.environ.pop(privacy.KEY_ENV_VAR, None)
        try:
            path = tmp / "data" / "interim" / outputs.LOCAL_KEY_FILE
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
            return outputs.pseudonym_key()
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    return run


def notebook(number: str, **values: Any) -> Callable[[Path], Any]:
    return lambda tmp: params.check(number, **values)


def fetch(url: str, **options: Any) -> Callable[[Path], Any]:
    return lambda tmp: download(url, tmp / "x.zip", progress=False, backoff=0, **options)


def local_file_url(content: bytes, **options: Any) -> Callable[[Path], Any]:
    def run(tmp: Path) -> Any:
        source = _write(tmp, "src.bin", content)
        return download(source.as_uri(), tmp / "out.bin", progress=False, **options)

    return run


EPOCHS = [1293876000, 1293962400]  # 2011-01-01 10:00 and 2011-01-02 10:00 UTC, in seconds

CASES: dict[str, Case] = {
    # --- missing-value markers ------------------------------------------------------------
    "marker NULL in customer_id": guest_audit("NULL"),
    "marker NaN in customer_id": guest_audit("NaN"),
    "marker nan in customer_id": guest_audit("nan"),
    "marker NA in customer_id": guest_audit("NA"),
    "marker ' NULL ' (padded) in customer_id": guest_audit(" NULL "),
    "marker #N/A in customer_id": guest_audit("#N/A"),
    "marker NULL in invoice_id": Case(
        tx_csv("NULL,B,1,2.0,2011-01-02 10:00,17851\n"),
        DataValidationError,
        r"tx\.csv: column `invoice_id` must not be empty; 1 rows fail "
        r"\(first: row 2 value 'NULL'\)",
    ),
    "marker nan in item_id (ratings)": Case(
        ratings_csv("u2,nan,3,2020-01-02\n"),
        DataValidationError,
        r"r\.csv: column `item_id` must not be empty; 1 rows fail \(first: row 2 value 'nan'\)",
    ),
    "marker NA in user_id (ratings)": Case(
        ratings_csv("NA,i2,3,2020-01-02\n"),
        DataValidationError,
        r"column `user_id` must not be empty.*row 2 value 'NA'.*file column `u`",
    ),
    "marker NA in quantity": Case(
        tx_csv("2,B,NA,2.0,2011-01-02 10:00,17851\n"),
        DataValidationError,
        r"column `quantity` must not be empty.*row 2 value 'NA'",
    ),
    "marker NULL in timestamp": Case(
        tx_csv("2,B,1,2.0,NULL,17851\n"),
        DataValidationError,
        r"column `timestamp` must not be empty.*row 2 value 'NULL'",
    ),
    "marker NaN in rating": Case(
        ratings_csv("u2,i2,NaN,2020-01-02\n"),
        DataValidationError,
        r"column `rating` must not be empty.*row 2 value 'NaN'",
    ),
    "custom marker '?' in customer_id": Case(
        tx_csv("2,B,1,2.0,2011-01-02 10:00,?\n", missing_markers=("?",)),
        None,
        check=lambda frame: frame[C.CUSTOMER].isna().tolist() == [False, True],
    ),
    "missing_markers given as one string": Case(
        tx_csv(missing_markers="NULL"),
        ParameterError,
        r"`missing_markers` must be a list of strings",
    ),
    # --- numbers --------------------------------------------------------------------------
    "quantity 1e20": Case(
        tx_csv("2,B,1e20,2.0,2011-01-02 10:00,17851\n"),
        DataValidationError,
        r"column `quantity` must hold whole numbers within \+/-9,007,199,254,740,991.*"
        r"row 2 value '1e20'",
    ),
    "quantity -1e20": Case(
        tx_csv("2,B,-1e20,2.0,2011-01-02 10:00,17851\n"),
        DataValidationError,
        r"`quantity` must hold whole numbers within.*row 2 value '-1e20'",
    ),
    "quantity 9223372036854775807 (int64 max as text)": Case(
        tx_csv("2,B,9223372036854775807,2.0,2011-01-02 10:00,17851\n"),
        DataValidationError,
        r"`quantity` must hold whole numbers within.*row 2",
    ),
    "quantity inf": Case(
        tx_csv("2,B,inf,2.0,2011-01-02 10:00,17851\n"),
        DataValidationError,
        r"`quantity` must hold finite numbers; 1 rows fail \(first: row 2 value 'inf'\)",
    ),
    "unit_price inf": Case(
        tx_csv("2,B,1,inf,2011-01-02 10:00,17851\n"),
        DataValidationError,
        r"`unit_price` must hold finite numbers.*row 2 value 'inf'",
    ),
    "unit_price -Infinity": Case(
        tx_csv("2,B,1,-Infinity,2011-01-02 10:00,17851\n"),
        DataValidationError,
        r"`unit_price` must hold finite numbers.*row 2 value '-Infinity'",
    ),
    "rating inf": Case(
        ratings_csv("u2,i2,inf,2020-01-02\n"),
        DataValidationError,
        r"`rating` must hold finite numbers.*row 2 value 'inf'",
    ),
    "quantity 1.5 (fractional)": Case(
        tx_csv("2,B,1.5,2.0,2011-01-02 10:00,17851\n"),
        DataValidationError,
        r"`quantity` must hold whole numbers; 1 rows fail \(first: row 2 value '1.5'\)",
    ),
    "quantity '1,000' (thousands separator)": Case(
        tx_csv('2,B,"1,000",2.0,2011-01-02 10:00,17851\n'),
        DataValidationError,
        r"`quantity` must be numeric; 1 rows fail \(first: row 2 value '1,000'\)",
    ),
    "quantity 1e20 in Parquet (float column)": Case(
        parquet(_tx_frame(qty=[2.0, 1e20])),
        DataValidationError,
        r"data\.parquet: column `quantity` must hold whole numbers within.*row 2",
    ),
    "booleans as ratings (Parquet)": Case(
        parquet(
            pd.DataFrame(
                {"u": ["a", "b"], "i": ["x", "y"], "r": [True, False], "t": ["2020-01-01"] * 2}
            ),
            loader="ratings",
        ),
        DataValidationError,
        r"column `rating` must be numeric; got booleans",
    ),
    # --- headers --------------------------------------------------------------------------
    "repeated mapped header (qty twice)": Case(
        tx_csv(header="inv,code,qty,price,date,cust,qty\n"),
        DataValidationError,
        r"tx\.csv: header `qty` \(columns \[3, 7\]\) appears more than once",
    ),
    "repeated unmapped header (note twice)": Case(
        tx_csv(header="inv,code,qty,price,date,cust,note,note\n"),
        DataValidationError,
        r"header `note` \(columns \[7, 8\]\) appears more than once",
    ),
    "repeated header in Excel": Case(
        excel_duplicate_header,
        DataValidationError,
        r"tx\.xlsx: header `qty` \(columns \[3, 7\]\) appears more than once",
    ),
    "repeated header in Parquet": Case(
        parquet(
            lambda: pa.table(
                [
                    pa.array(["1"]),
                    pa.array(["A"]),
                    pa.array([2]),
                    pa.array([1.5]),
                    pa.array(["2011-01-01"]),
                    pa.array(["17850"]),
                    pa.array([3]),
                ],
                names=["inv", "code", "qty", "price", "date", "cust", "qty"],
            )
        ),
        DataValidationError,
        r"data\.parquet: header `qty` \(columns \[3, 7\]\) appears more than once",
    ),
    # --- timestamps -----------------------------------------------------------------------
    "integer epochs in Parquet, no unit (transactions)": Case(
        parquet(_tx_frame(date=EPOCHS)),
        DataValidationError,
        r"column `timestamp` holds numbers, not dates; epoch times need their unit: "
        r"pass timestamp_unit=.*row 1 value 1293876000",
    ),
    "integer epochs in Parquet, no unit (ratings)": Case(
        parquet(
            pd.DataFrame({"u": ["a", "b"], "i": ["x", "y"], "r": [4.0, 5.0], "t": EPOCHS}),
            loader="ratings",
        ),
        DataValidationError,
        r"column `timestamp` holds numbers, not dates.*timestamp_unit",
    ),
    "float epochs in Parquet, no unit": Case(
        parquet(_tx_frame(date=[float(e) for e in EPOCHS])),
        DataValidationError,
        r"`timestamp` holds numbers, not dates",
    ),
    "epoch digits in a CSV, no unit": Case(
        ratings_csv("u2,i2,3,978300760\n"),
        DataValidationError,
        r"`timestamp` must hold dates/times.*row 2 value '978300760'.*timestamp_unit",
    ),
    "unknown timestamp_unit": Case(
        parquet(_tx_frame(date=EPOCHS), timestamp_unit="fortnight"),
        ParameterError,
        r"data\.parquet: `timestamp_unit` must be one of \['s', 'ms', 'us', 'ns'\] or None; "
        r"got 'fortnight'",
    ),
    "epoch out of datetime range (1e15 s)": Case(
        parquet(_tx_frame(date=[EPOCHS[0], 10**15]), timestamp_unit="s"),
        DataValidationError,
        r"`timestamp` must hold dates/times; 1 rows fail \(first: row 2 value 1000000000000000\)",
    ),
    "date in year 10000": Case(
        tx_csv("2,B,1,2.0,10000-01-01,17851\n"),
        DataValidationError,
        r"`timestamp` must hold dates/times.*row 2 value '10000-01-01'",
    ),
    # --- files ----------------------------------------------------------------------------
    "missing file": Case(
        lambda tmp: datasets.load_transactions(tmp / "nope.csv", columns=TX_MAP),
        DataValidationError,
        r"nope\.csv: no such file",
    ),
    "unsupported suffix .json": Case(
        file_of("tx.json", b"{}"), DataValidationError, r"tx\.json: unsupported file type '\.json'"
    ),
    "empty CSV": Case(file_of("tx.csv", b""), DataValidationError, r"tx\.csv: the file is empty"),
    "header-only CSV": Case(
        file_of("tx.csv", TX_HEADER.encode()), DataValidationError, r"tx\.csv: has no data rows"
    ),
    "text in a .parquet file": Case(
        file_of("tx.parquet", b"inv,code\n1,A\n"),
        DataValidationError,
        r"tx\.parquet: cannot be read as parquet",
    ),
    "text in a .xlsx file": Case(
        file_of("tx.xlsx", b"inv,code\n1,A\n"),
        DataValidationError,
        r"tx\.xlsx: cannot be read as excel",
    ),
    "truncated .csv.gz": Case(
        file_of("tx.csv.gz", gzip.compress((TX_HEADER + TX_GOOD * 200).encode())[:60]),
        DataValidationError,
        r"tx\.csv\.gz: cannot be read as csv",
    ),
    "ragged CSV row": Case(
        tx_csv("2,B,1,2.0,2011-01-02 10:00,17851,extra,fields\n"),
        DataValidationError,
        r"tx\.csv: cannot be read as csv",
    ),
    "UTF-16 bytes in a CSV": Case(
        file_of("tx.csv", (TX_HEADER + TX_GOOD).encode("utf-16")),
        DataValidationError,
        r"tx\.csv: cannot be read as csv",
    ),
    "mapping onto an unknown canonical column": Case(
        lambda tmp: datasets.load_transactions(
            _write(tmp, "tx.csv", TX_HEADER + TX_GOOD), columns={**TX_MAP, "sku": "code"}
        ),
        DataValidationError,
        r"tx\.csv: column mapping names unknown canonical column\(s\) \['sku'\]",
    ),
    "rating scale given reversed": Case(
        ratings_csv(scale=(5, 1)), DataValidationError, r"r\.csv: `scale` must be \(low, high\)"
    ),
    # --- keys -----------------------------------------------------------------------------
    "key 'secret' (6 characters)": Case(
        lambda tmp: privacy.pseudonym("1", key="secret"),
        ParameterError,
        r"`key` is not a strong key: a base64 key needs at least 22 characters",
    ),
    "key: a passphrase with spaces": Case(
        lambda tmp: privacy.pseudonym("1", key="our shop's customer key 2024"),
        ParameterError,
        r"`key` is not a strong key: it holds characters other than hex digits or base64",
    ),
    "key: 64 zeros": Case(
        lambda tmp: privacy.pseudonym("1", key="0" * 64),
        ParameterError,
        r"only 1 different character",
    ),
    "key: 30 hex digits": Case(
        lambda tmp: privacy.pseudonym("1", key="0123456789abcdef0123456789abcd"),
        ParameterError,
        r"at least 32 hex digits \(16 bytes\); got 30",
    ),
    "key: 15 raw bytes": Case(
        lambda tmp: privacy.pseudonym("1", key=b"0123456789abcde"),
        ParameterError,
        r"at least 16 bytes of random key material; got 15",
    ),
    "key of type int": Case(
        lambda tmp: privacy.pseudonym("1", key=12345678901234567890),
        ParameterError,
        r"`key` must be str or bytes; got int",
    ),
    "environment key 'k' x 32": Case(
        key_env("k" * 32),
        ParameterError,
        r"environment variable AFTERSALES_PSEUDONYM_KEY is not a strong key",
    ),
    "empty key file": Case(
        key_file(""), ParameterError, r"key file .*pseudonym\.key is not a strong key"
    ),
    "key file holding a word": Case(
        key_file("password\n"), ParameterError, r"key file .*pseudonym\.key is not a strong key"
    ),
    "fingerprint of a weak key": Case(
        lambda tmp: privacy.key_fingerprint("short"), ParameterError, r"not a strong key"
    ),
    # --- parameters -----------------------------------------------------------------------
    "n_resamples 1e9 (02.00)": Case(
        notebook("02.00", n_resamples=10**9),
        ParameterError,
        r"`n_resamples` must lie in \[1, 20000\]; got 1000000000",
    ),
    "n_resamples 1e9 (04.00)": Case(
        notebook("04.00", n_resamples=10**9),
        ParameterError,
        r"`n_resamples` must lie in \[10, 20000\]",
    ),
    "sweep_k [1e9] (02.00)": Case(
        notebook("02.00", sweep_k=[10, 10**9]),
        ParameterError,
        r"`sweep_k\[1\]` must lie in \[1, 10000\]",
    ),
    "factor_values [1e6] (02.01)": Case(
        notebook("02.01", factor_values=[10**6]),
        ParameterError,
        r"`factor_values\[0\]` must lie in \[1, 1000\]",
    ),
    "epoch_values [1e6] (02.01)": Case(
        notebook("02.01", epoch_values=[10**6]),
        ParameterError,
        r"`epoch_values\[0\]` must lie in \[0, 1000\]",
    ),
    "mf_folds 1e6 (02.01)": Case(
        notebook("02.01", mf_folds=10**6), ParameterError, r"`mf_folds` must lie in \[1, 20\]"
    ),
    "k 1e7 (02.02)": Case(
        notebook("02.02", k=10**7), ParameterError, r"`k` must lie in \[1, 1000\]"
    ),
    "top_customers 1e9 (03.00)": Case(
        notebook("03.00", top_customers=10**9),
        ParameterError,
        r"`top_customers` must lie in \[1, 10000\]",
    ),
    "top_rules 1e9 (03.01)": Case(
        notebook("03.01", top_rules=10**9), ParameterError, r"`top_rules` must lie in \[1, 10000\]"
    ),
    "seed 2**64 (01.00)": Case(
        notebook("01.00", seed=2**64), ParameterError, r"`seed` must lie in \[0, 4.29497e\+09\]"
    ),
    "min_user_interactions 1e12 (01.00)": Case(
        notebook("01.00", min_user_interactions=10**12),
        ParameterError,
        r"`min_user_interactions` must lie in \[1, 1e\+06\]",
    ),
    "extreme_quantity_threshold NaN (01.00)": Case(
        notebook("01.00", extreme_quantity_threshold=float("nan")),
        ParameterError,
        r"`extreme_quantity_threshold` must be a finite number; got nan",
    ),
    "export_customers 1e12 (04.00)": Case(
        notebook("04.00", export_customers=10**12),
        ParameterError,
        r"`export_customers` must lie in \[0, 100000\]",
    ),
    # --- downloads ------------------------------------------------------------------------
    "download: refused connection": Case(
        fetch("http://127.0.0.1:9/nothing.zip", retries=2),
        DataUnavailableError,
        r"could not download http://127\.0\.0\.1:9/nothing\.zip after 2 attempt",
    ),
    "download: address without a scheme": Case(
        fetch("files.grouplens.org/ml-100k.zip"),
        ParameterError,
        r"cannot download 'files\.grouplens\.org/ml-100k\.zip'",
    ),
    "download: ftp:// address": Case(
        fetch("ftp://example.org/x.zip"),
        ParameterError,
        r"cannot download 'ftp://example\.org/x\.zip'",
    ),
    "download: read timeout of 0": Case(
        fetch("http://127.0.0.1:9/x.zip", read_timeout=0),
        ParameterError,
        r"download of http://127\.0\.0\.1:9/x\.zip: `read_timeout` must be seconds",
    ),
    "download: checksum mismatch": Case(
        local_file_url(b"abc", sha256="0" * 64),
        IntegrityError,
        r"download of file://.*src\.bin: sha256 .* expected 0{64}",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_fault_is_named_or_audited(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    if case.error is None:
        assert case.check is not None and case.check(case.run(tmp_path)), name
        return
    with pytest.raises(case.error, match=case.pattern):
        case.run(tmp_path)


def test_the_battery_is_large_enough() -> None:
    assert len(CASES) >= 40
