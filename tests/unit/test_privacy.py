from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from aftersales import columns as C
from aftersales import privacy
from aftersales.errors import DataValidationError, ParameterError

KEY = "a-test-key-of-32-characters-long"


def _hmac_sha256(key: bytes, message: bytes) -> str:
    """HMAC written out from RFC 2104 with hashlib only (independent of the hmac module)."""
    block = 64
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(k ^ 0x36 for k in key) + message).digest()
    return hashlib.sha256(bytes(k ^ 0x5C for k in key) + inner).hexdigest()


def test_token_matches_rfc_4231_test_case_1() -> None:
    # RFC 4231, test case 1: key = 20 bytes of 0x0b, data "Hi There",
    # HMAC-SHA256 = b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7.
    assert privacy.pseudonym("Hi There", key=b"\x0b" * 20) == "c_b0344c61d8db3853"


def test_pseudonymise_replaces_ids_with_hmac_tokens() -> None:
    frame = pd.DataFrame(
        {
            C.CUSTOMER: pd.array(["12346", "12347", None, "12346"], dtype="str"),
            C.CLV: [10.0, 20.0, 5.0, 10.0],
        }
    )
    before = frame.copy()
    out = privacy.pseudonymise(frame, C.CUSTOMER, key=KEY)
    expected = ["c_" + _hmac_sha256(KEY.encode(), cid.encode())[:16] for cid in ("12346", "12347")]
    assert out[C.CUSTOMER].iloc[0] == expected[0]
    assert out[C.CUSTOMER].iloc[1] == expected[1]
    assert pd.isna(out[C.CUSTOMER].iloc[2])  # a missing id stays missing
    assert out[C.CUSTOMER].iloc[3] == expected[0]  # stable
    assert list(out.columns) == [C.CUSTOMER, C.CLV]
    pd.testing.assert_frame_equal(frame, before)  # the argument is untouched
    assert "12346" not in out.to_string()


def test_output_column_drops_the_raw_ids_and_keeps_position() -> None:
    frame = pd.DataFrame({C.SEGMENT: ["Lost"], C.CUSTOMER: [12346], C.CLV: [1.0]})
    out = privacy.pseudonymise(frame, C.CUSTOMER, key=KEY, output_column=C.CUSTOMER_KEY)
    assert list(out.columns) == [C.SEGMENT, C.CUSTOMER_KEY, C.CLV]
    # Integer ids are hashed as their text: 12346 and "12346" share a token.
    assert out[C.CUSTOMER_KEY].iloc[0] == privacy.pseudonym("12346", key=KEY)
    with pytest.raises(ParameterError, match="already exists"):
        privacy.pseudonymise(frame, C.CUSTOMER, key=KEY, output_column=C.CLV)


def test_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(privacy.KEY_ENV_VAR, KEY)
    assert privacy.pseudonym("17850") == privacy.pseudonym("17850", key=KEY)
    other = privacy.pseudonym("17850", key="another-key-of-sufficient-length")
    assert other != privacy.pseudonym("17850")


def test_missing_key_says_how_to_set_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(privacy.KEY_ENV_VAR, raising=False)
    frame = pd.DataFrame({C.CUSTOMER: ["1"]})
    with pytest.raises(ParameterError, match=r"AFTERSALES_PSEUDONYM_KEY.*export.*secrets"):
        privacy.pseudonymise(frame, C.CUSTOMER)
    monkeypatch.setenv(privacy.KEY_ENV_VAR, "")
    with pytest.raises(ParameterError, match="no pseudonymisation key"):
        privacy.pseudonymise(frame, C.CUSTOMER)


def test_short_keys_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ParameterError, match=r"at least 22 characters \(16 bytes\); got 6"):
        privacy.pseudonym("1", key="secret")
    monkeypatch.setenv(privacy.KEY_ENV_VAR, "short")
    with pytest.raises(ParameterError, match=r"environment variable.*not a strong key"):
        privacy.pseudonym("1")


def test_ephemeral_keys_differ_between_calls() -> None:
    first, second = privacy.ephemeral_key(), privacy.ephemeral_key()
    assert len(first) == 32 and first != second
    assert privacy.pseudonym("1", key=first) != privacy.pseudonym("1", key=second)


def test_float_ids_are_refused() -> None:
    frame = pd.DataFrame({C.CUSTOMER: np.array([12346.0, np.nan])})
    with pytest.raises(DataValidationError, match="floats"):
        privacy.pseudonymise(frame, C.CUSTOMER, key=KEY)
