"""Notebook 03.00's pipeline on Online Retail: segment counts, model numbers, export privacy."""

import pandas as pd
import pytest

from aftersales import clv, outputs, prepare, segment
from aftersales import columns as C
from aftersales.errors import DataValidationError, ParameterError

pytestmark = [pytest.mark.mirror, pytest.mark.slow]

KEY = b"integration-test-key-0123456789"


@pytest.fixture(scope="module")
def transactions(real_source):
    # numbers measured on gross purchases (returns ignored); the netted figures are checked
    # in test_returns_real
    return prepare.prepare(dataset="online-retail", returns="ignore").cleaned


@pytest.fixture(scope="module")
def pipeline(transactions):
    segmented = segment.segment_customers(transactions)
    clustering = segment.choose_clusters(segmented, seed=42)
    value = clv.lifetime_value(transactions)
    customers = clv.customer_table(segmented, clustering, value)
    check = clv.calibration_holdout(transactions, calibration_end="2011-09-09")
    return segmented, clustering, value, customers, check


def test_segment_counts_sum_to_customers(transactions, pipeline):
    segmented, clustering, _, customers, _ = pipeline
    n = transactions[C.CUSTOMER].nunique()
    assert n == 4334 == len(segmented) == len(customers)
    summary = segment.segment_summary(segmented).set_index(C.SEGMENT)
    assert summary[C.N_CUSTOMERS].sum() == n
    assert summary[C.REVENUE_SHARE].sum() == pytest.approx(1.0)
    # measured with the default cleaning (extreme_quantity_rule "none")
    assert summary.loc["Champions", C.N_CUSTOMERS] == 634
    assert summary.loc["At Risk", C.N_CUSTOMERS] == 590
    assert summary.loc["Lost", C.N_CUSTOMERS] == 671
    assert clv.action_plan(customers)[C.N_CUSTOMERS].sum() == n
    countries = segment.customer_countries(transactions)
    by_country = segment.segment_by_country(segmented, countries)
    assert by_country[C.N_CUSTOMERS].sum() == n
    assert by_country.index[0] == "United Kingdom"
    assert segment.segments_by_cluster(customers).to_numpy().sum() == n
    assert clustering.profiles[C.N_CUSTOMERS].sum() == n


def test_k_and_model_numbers(pipeline):
    _, clustering, value, _, check = pipeline
    # the silhouette falls from k = 2 (0.433) onwards
    assert clustering.k == 2
    assert clustering.silhouette[C.SILHOUETTE].iloc[0] == pytest.approx(0.4328, abs=1e-3)
    assert value.bgnbd.r == pytest.approx(0.823, abs=0.01)
    assert value.bgnbd.alpha == pytest.approx(9.87, abs=0.1)
    assert value.gamma_gamma.q > 1
    assert value.customers[C.CLV].gt(0).all()
    # 13-week holdout into the Christmas peak: BG/NBD forecasts about a quarter too few
    assert check.horizon == 13.0
    assert check.relative_error == pytest.approx(-0.247, abs=0.01)
    assert check.mae == pytest.approx(0.934, abs=0.01)


def test_exports_hold_no_raw_customer_ids(transactions, pipeline, tmp_path):
    segmented, clustering, value, customers, check = pipeline
    tables = {
        "segments": clv.export_table(customers, key=KEY),
        "segment_actions": clv.action_plan(customers),
        "segment_summary": segment.segment_summary(segmented),
        "segments_by_country": segment.segment_by_country(
            segmented, segment.customer_countries(transactions)
        ),
        "cluster_profiles": clustering.profiles,
        "segments_by_cluster": segment.segments_by_cluster(customers),
        "clv_models": clv.model_parameters(value),
        "clv_top_customers": clv.top_customers(customers, n=10, key=KEY),
        "clv_holdout": clv.holdout_summary(check),
        "clv_holdout_by_frequency": check.by_frequency,
    }
    written = outputs.write(tmp_path, tables=tables)
    assert len(written) == len(tables)
    raw_ids = set(transactions[C.CUSTOMER].astype("str"))
    for path in written:
        cells = set(pd.read_csv(path, dtype="str").stack().str.strip())
        cells |= set(path.read_text().replace("\n", ",").split(","))
        assert not raw_ids & cells, f"{path.name} holds raw customer ids"
    segments = pd.read_csv(tmp_path / "tables" / "segments.csv")
    assert len(segments) == 4334 and C.CUSTOMER not in segments
    assert segments[C.CUSTOMER_KEY].str.fullmatch(r"c_[0-9a-f]{16}").all()
    assert segments[C.CUSTOMER_KEY].is_unique
    assert list(segments.columns) == [C.CUSTOMER_KEY, *clv.EXPORT_COLUMNS[1:]]
    assert segments[C.ACTION].notna().all()


def test_bad_input_is_named(transactions):
    with pytest.raises(ParameterError, match="`reference_date` must be after"):
        segment.segment_customers(transactions, reference_date="2010-11-30")
    with pytest.raises(ParameterError, match="`reference_date` must be after"):
        clv.lifetime_value(transactions, reference_date="2010-11-30")
    table = segment.rfm(transactions)
    with pytest.raises(ParameterError, match=r"`n_clusters` must be .* = 4334\); got 4334"):
        segment.choose_clusters(table, n_clusters=4334)
    # only the first day observed: every customer has a single purchase day
    with pytest.raises(DataValidationError, match="no repeat customers"):
        clv.lifetime_value(transactions, reference_date="2010-12-02")
