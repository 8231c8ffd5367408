from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import silhouette_score

from aftersales import columns as C
from aftersales import segment
from aftersales.errors import DataValidationError, ParameterError, UnknownNameError


def _transactions(rows: list[tuple[str, str, str, int, float]]) -> pd.DataFrame:
    """Rows of (customer, invoice, timestamp, quantity, unit price)."""
    customer, invoice, stamp, quantity, price = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            C.INVOICE: pd.array(invoice, dtype="str"),
            C.ITEM: pd.array(["85123A"] * len(rows), dtype="str"),
            C.DESCRIPTION: pd.array(["MUG"] * len(rows), dtype="str"),
            C.QUANTITY: np.array(quantity, dtype=np.int64),
            C.UNIT_PRICE: np.array(price, dtype=np.float64),
            C.TIMESTAMP: pd.to_datetime(list(stamp), utc=True, format="ISO8601"),
            C.CUSTOMER: pd.array(customer, dtype="str"),
            C.COUNTRY: pd.array(["United Kingdom"] * len(rows), dtype="str"),
        }
    )


@pytest.fixture
def small() -> pd.DataFrame:
    return _transactions(
        [
            ("A", "1", "2011-01-01 10:00", 2, 5.0),  # invoice 1: 10 + 3 = 13
            ("A", "1", "2011-01-01 10:00", 1, 3.0),
            ("A", "2", "2011-01-10 09:00", 4, 2.5),  # 10; A's last day is the data's last
            ("B", "3", "2011-01-06 00:30+01:00", 1, 100.0),  # 2011-01-05 23:30 UTC: day 5
            ("C", "4", "2011-01-02 08:00", 3, 1.0),  # 3
            ("C", "5", "2011-01-02 15:00", 1, 7.0),  # 7, same day, another invoice
            ("C", "6", "2011-01-08 12:00", 2, 0.5),  # 1
        ]
    )


def test_rfm_hand_worked(small: pd.DataFrame) -> None:
    before = small.copy()
    table = segment.rfm(small)
    # Reference date: the day after the last transaction, 2011-01-11 (UTC days).
    # A: last 01-10, first 01-01 -> recency 1, tenure 10; invoices {1, 2}; 13 + 10 = 23.
    # B: 01-05 (UTC) -> recency 6, tenure 6; one invoice; 100.
    # C: last 01-08, first 01-02 -> recency 3, tenure 9; invoices {4, 5, 6}; 3 + 7 + 1 = 11.
    assert list(table.columns) == list(segment.RFM_COLUMNS)
    assert table[C.CUSTOMER].tolist() == ["A", "B", "C"]
    assert table[C.RECENCY].tolist() == [1, 6, 3]
    assert table[C.FREQUENCY].tolist() == [2, 1, 3]
    assert table[C.MONETARY].tolist() == pytest.approx([23.0, 100.0, 11.0])
    assert table[C.TENURE].tolist() == [10, 6, 9]
    pd.testing.assert_frame_equal(small, before)


def test_rfm_at_an_earlier_reference_date_ignores_later_transactions(small: pd.DataFrame) -> None:
    table = segment.rfm(small, reference_date="2011-01-09")
    # Only days before 01-09: A keeps invoice 1 (01-01): recency 8, 13, tenure 8;
    # B: recency 4, tenure 4; C keeps all three invoices: recency 1, tenure 7.
    assert table[C.RECENCY].tolist() == [8, 4, 1]
    assert table[C.FREQUENCY].tolist() == [1, 1, 3]
    assert table[C.MONETARY].tolist() == pytest.approx([13.0, 100.0, 11.0])
    assert table[C.TENURE].tolist() == [8, 4, 7]


@pytest.fixture
def rfm_table() -> pd.DataFrame:
    ids = [f"c{i:02d}" for i in range(1, 11)]
    frame = pd.DataFrame(
        {
            C.CUSTOMER: pd.array(ids, dtype="str"),
            C.RECENCY: [1, 1, 5, 10, 20, 30, 40, 50, 60, 70],
            C.FREQUENCY: [5, 1, 1, 1, 2, 2, 3, 8, 8, 8],
            C.MONETARY: [100.0, 50.0, 10.0, 500.0, 20.0, 20.0, 30.0, 1000.0, 40.0, 60.0],
            C.TENURE: [300] * 10,
        }
    )
    return frame.iloc[::-1].reset_index(drop=True)  # row order must not matter


# Scores worked by hand (10 customers: ranks 1-2 -> 1, 3-4 -> 2, ..., 9-10 -> 5; ties by id).
# R ranks -recency: c10 c09 | c08 c07 | c06 c05 | c04 c03 | c01 c02.
# F, ascending with ties by id: c02 c03 | c04 c05 | c06 c07 | c01 c08 | c09 c10
#   (frequency 1 is split c02, c03 -> 1 and c04 -> 2; frequency 8 c08 -> 4, c09, c10 -> 5).
# M: c03 c05 | c06 c07 | c09 c02 | c10 c01 | c04 c08 (monetary 20: c05 -> 1, c06 -> 2).
EXPECTED = {
    #       R  F  M  segment from (R, F)
    "c01": (5, 4, 4, "Champions"),
    "c02": (5, 1, 3, "New Customers"),
    "c03": (4, 1, 1, "Promising"),
    "c04": (4, 2, 5, "Potential Loyalists"),
    "c05": (3, 2, 1, "About to Sleep"),
    "c06": (3, 3, 2, "Need Attention"),
    "c07": (2, 3, 2, "At Risk"),
    "c08": (2, 4, 5, "At Risk"),
    "c09": (1, 5, 3, "Can't Lose Them"),
    "c10": (1, 5, 4, "Can't Lose Them"),
}


def test_scores_and_segments_hand_worked(rfm_table: pd.DataFrame) -> None:
    before = rfm_table.copy()
    scored = segment.assign_segments(segment.rfm_scores(rfm_table))
    got = {
        row[C.CUSTOMER]: (row[C.R_SCORE], row[C.F_SCORE], row[C.M_SCORE], row[C.SEGMENT])
        for _, row in scored.iterrows()
    }
    assert got == EXPECTED
    codes = dict(zip(scored[C.CUSTOMER], scored[C.RFM_CODE], strict=True))
    assert codes["c01"] == "544"
    assert codes["c09"] == "153"
    assert scored[C.CUSTOMER].tolist() == rfm_table[C.CUSTOMER].tolist()  # row order kept
    pd.testing.assert_frame_equal(rfm_table, before)


def test_grid_cells_and_coverage() -> None:
    grid = segment.segment_grid()
    assert grid.shape == (5, 5)
    assert set(grid.to_numpy().ravel()) == set(segment.SEGMENTS)  # all 11, nothing else
    cells = {
        (1, 1): "Lost",
        (1, 2): "Lost",
        (2, 1): "Hibernating",
        (2, 2): "Hibernating",
        (1, 3): "At Risk",
        (2, 4): "At Risk",
        (2, 5): "Can't Lose Them",
        (3, 1): "About to Sleep",
        (3, 3): "Need Attention",
        (3, 5): "Loyal Customers",
        (4, 4): "Loyal Customers",
        (5, 3): "Potential Loyalists",
        (5, 5): "Champions",
    }
    scored = pd.DataFrame(list(cells), columns=[C.R_SCORE, C.F_SCORE])
    assert segment.assign_segments(scored)[C.SEGMENT].tolist() == list(cells.values())
    for (r, f), name in cells.items():
        assert grid.loc[r, f] == name


def test_scores_outside_one_to_five_are_refused() -> None:
    with pytest.raises(DataValidationError, match="r_score"):
        segment.assign_segments(pd.DataFrame({C.R_SCORE: [6], C.F_SCORE: [1]}))


def test_actions_cover_every_segment_and_attach(rfm_table: pd.DataFrame) -> None:
    assert set(segment.SEGMENT_ACTIONS) == set(segment.SEGMENTS)
    scored = segment.attach_actions(segment.assign_segments(segment.rfm_scores(rfm_table)))
    row = scored[scored[C.CUSTOMER] == "c08"].iloc[0]
    assert row[C.ACTION] == segment.SEGMENT_ACTIONS["At Risk"]
    assert "win-back" in row[C.ACTION].lower()
    with pytest.raises(UnknownNameError, match="Champions"):
        segment.attach_actions(pd.DataFrame({C.SEGMENT: ["Whales"]}))


def test_segment_summary(rfm_table: pd.DataFrame) -> None:
    scored = segment.assign_segments(segment.rfm_scores(rfm_table))
    summary = segment.segment_summary(scored)
    assert summary[C.SEGMENT].tolist() == list(segment.SEGMENTS)
    by_name = summary.set_index(C.SEGMENT)
    # At Risk: c07 (30) and c08 (1000) of a total 1830.
    assert by_name.loc["At Risk", C.N_CUSTOMERS] == 2
    assert by_name.loc["At Risk", C.MONETARY] == pytest.approx(515.0)
    assert by_name.loc["At Risk", C.REVENUE_SHARE] == pytest.approx(1030 / 1830)
    assert by_name.loc["Lost", C.N_CUSTOMERS] == 0
    assert summary[C.N_CUSTOMERS].sum() == 10
    assert summary[C.REVENUE_SHARE].sum() == pytest.approx(1.0)


def test_segment_customers_chains_the_steps(small: pd.DataFrame) -> None:
    extra = _transactions([("D", "7", "2011-01-03", 1, 1.0), ("E", "8", "2011-01-04", 1, 2.0)])
    table = segment.segment_customers(pd.concat([small, extra], ignore_index=True))
    assert table[C.CUSTOMER].tolist() == ["A", "B", "C", "D", "E"]
    assert {C.RFM_CODE, C.SEGMENT} <= set(table.columns)


def _three_groups() -> pd.DataFrame:
    # Three well separated groups of five in log-RFM space; "high" spends the most.
    recency = [*(1, 2, 3, 2, 1), *(200, 210, 190, 205, 195), *(20, 22, 18, 21, 19)]
    frequency = [*(30, 28, 32, 31, 29), *(1, 1, 1, 1, 1), *(5, 6, 5, 4, 5)]
    monetary = [*(9000, 8000, 9500, 8800, 9100), *(40, 50, 45, 55, 35), *(600, 500, 550, 650, 580)]
    return pd.DataFrame(
        {
            C.CUSTOMER: pd.array([f"k{i:02d}" for i in range(15)], dtype="str"),
            C.RECENCY: recency,
            C.FREQUENCY: frequency,
            C.MONETARY: np.array(monetary, dtype=float),
        }
    )


def test_cluster_picks_k_by_silhouette_and_profiles() -> None:
    table = _three_groups()
    result = segment.cluster_customers(table, k_range=range(2, 6), seed=7)
    assert result.k == 3
    assert result.silhouette[C.K].tolist() == [2, 3, 4, 5]
    best = result.silhouette.loc[result.silhouette[C.SILHOUETTE].idxmax(), C.K]
    assert best == 3
    labels = result.labels[C.CLUSTER].to_numpy()
    # Cluster 0 has the largest revenue share: the big spenders k00..k04.
    assert (labels[:5] == 0).all()
    assert len(set(labels[5:10])) == 1 and len(set(labels[10:])) == 1
    # Mean silhouette equals scikit-learn's score on the same features and labels.
    features = segment.log_rfm_features(table)
    row = result.silhouette.set_index(C.K).loc[3]
    assert row[C.SILHOUETTE] == pytest.approx(silhouette_score(features, labels))
    assert result.labels[C.SILHOUETTE].mean() == pytest.approx(row[C.SILHOUETTE])
    profiles = result.profiles
    assert profiles[C.N_CUSTOMERS].tolist() == [5, 5, 5]
    assert profiles[C.REVENUE_SHARE].is_monotonic_decreasing
    assert profiles[C.REVENUE_SHARE].sum() == pytest.approx(1.0)
    assert profiles.loc[0, C.MONETARY] == pytest.approx(np.mean([9000, 8000, 9500, 8800, 9100]))


def test_cluster_is_reproducible_with_a_seed_and_fixed_k() -> None:
    table = _three_groups()
    first = segment.cluster_customers(table, k=4, seed=3)
    second = segment.cluster_customers(table, k=4, seed=3)
    pd.testing.assert_frame_equal(first.labels, second.labels)
    assert first.silhouette[C.K].tolist() == [4]


def test_features_are_standardised_log_rfm() -> None:
    table = _three_groups()
    features = segment.log_rfm_features(table)
    expected = np.log1p(table[C.RECENCY].to_numpy(dtype=float))
    expected = (expected - expected.mean()) / expected.std()
    np.testing.assert_allclose(features[:, 0], expected)
    np.testing.assert_allclose(features.mean(axis=0), 0.0, atol=1e-12)


# ---- bad input -------------------------------------------------------------------------


def test_reference_date_before_first_transaction(small: pd.DataFrame) -> None:
    with pytest.raises(ParameterError, match=r"reference_date.*2011-01-01"):
        segment.rfm(small, reference_date="2010-12-31")
    with pytest.raises(ParameterError, match="reference_date"):
        segment.rfm(small, reference_date="2011-01-01")  # no day before it


def test_negative_monetary_left_after_cleaning(small: pd.DataFrame) -> None:
    refund = _transactions([("B", "C9", "2011-01-07", -3, 100.0)])
    with pytest.raises(DataValidationError, match=r"monetary.*'B'.*-200\.00"):
        segment.rfm(pd.concat([small, refund], ignore_index=True))


def test_k_outside_two_to_number_of_customers() -> None:
    table = _three_groups()
    for bad in (1, 15, 16):
        with pytest.raises(ParameterError, match=r"`k` must be an integer in \[2, .* 15\)"):
            segment.cluster_customers(table, k=bad, seed=0)
    with pytest.raises(ParameterError, match="k_range"):
        segment.cluster_customers(table, k_range=[2, 20], seed=0)


def test_transactions_without_customer_ids(small: pd.DataFrame) -> None:
    guests = small.assign(**{C.CUSTOMER: small[C.CUSTOMER].where(small[C.CUSTOMER] != "B")})
    with pytest.raises(DataValidationError, match="1 rows have no `customer_id`"):
        segment.rfm(guests)


def test_scores_need_five_customers(small: pd.DataFrame) -> None:
    with pytest.raises(DataValidationError, match="at least 5 customers"):
        segment.rfm_scores(segment.rfm(small))
