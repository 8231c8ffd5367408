"""04.01 on the real Hillstrom campaign, and an analyst's own campaign file through the report."""

import numpy as np
import pandas as pd
import pytest

from aftersales import campaign, datasets, report
from aftersales import columns as C

pytestmark = [pytest.mark.mirror, pytest.mark.slow]

CONTROL = "No E-Mail"


@pytest.fixture(scope="module")
def hillstrom(real_source):
    return datasets.load("hillstrom")


def test_hillstrom_gives_the_published_arm_rates(hillstrom):
    # The challenge's description: visit 10.62 / 15.14 / 18.28 %, conversion 0.573 / 0.884 /
    # 1.253 % for no e-mail, the women's and the men's e-mail; 64,000 customers.
    effects = campaign.arm_effects(hillstrom, CONTROL).set_index([C.METRIC, C.ARM])[C.MEAN]
    published = {
        (C.VISIT, CONTROL): 10.62,
        (C.VISIT, "Womens E-Mail"): 15.14,
        (C.VISIT, "Mens E-Mail"): 18.28,
        (C.OUTCOME, CONTROL): 0.573,
        (C.OUTCOME, "Womens E-Mail"): 0.884,
        (C.OUTCOME, "Mens E-Mail"): 1.253,
    }
    for key, percent in published.items():
        digits = 2 if key[0] == C.VISIT else 3
        assert round(100 * effects[key], digits) == percent, key
    assert len(hillstrom) == 64_000
    assert campaign.arm_counts(hillstrom, CONTROL) == {
        CONTROL: 21_306,
        "Mens E-Mail": 21_307,
        "Womens E-Mail": 21_387,
    }


def test_srm_passes_the_real_split_and_flags_an_injected_52_48_split(hillstrom):
    real = campaign.sample_ratio(campaign.arm_counts(hillstrom, CONTROL))
    assert not real.flagged and real.p_value > 0.5
    # Drop control customers until the two-arm split is 48 / 52 of the kept customers.
    two = hillstrom[hillstrom[C.TREATMENT].isin([CONTROL, "Mens E-Mail"])]
    kept = int(21_307 * 48 / 52)
    skewed = pd.concat(
        [two[two[C.TREATMENT] == CONTROL].head(kept), two[two[C.TREATMENT] != CONTROL]]
    )
    assert campaign.sample_ratio(campaign.arm_counts(skewed, CONTROL)).flagged


def test_hillstrom_covariates_are_balanced(hillstrom):
    balance = campaign.balance(hillstrom, CONTROL)
    assert balance[C.SMD].abs().max() < 0.05
    assert {"channel=Web", "zip_code=Surburban", "recency"} <= set(balance[C.COVARIATE])


def test_an_own_campaign_file_runs_through_04_01_with_no_code_change(tmp_path):
    generator = np.random.default_rng(11)
    n = 3_000
    arms = generator.choice(["Control", "Voucher"], n)
    age = generator.integers(18, 80, n)
    bought = generator.random(n) < 0.05 + 0.05 * (arms == "Voucher") * (age > 50)
    amount = np.where(bought, generator.gamma(2.0, 20.0, n).round(2), 0.0)
    frame = pd.DataFrame(
        {
            "member": [f"M{i:05d}" for i in range(n)],
            "group": arms,
            "purchased": np.where(bought, "yes", "no"),
            "basket": amount,
            "age": age,
            "region": generator.choice(["north", "south", "east"], n),
        }
    )
    frame.to_csv(tmp_path / "mailing.csv", index=False)
    (tmp_path / "mailing.yaml").write_text(
        "kind: campaign\npath: mailing.csv\ncontrol: Control\n"
        "columns: {customer_id: member, treatment: group, outcome: purchased, spend: basket}\n"
    )
    params_file = tmp_path / "own-campaign.yaml"
    params_file.write_text(
        f"dataset: {tmp_path / 'mailing.yaml'}\nn_resamples: 50\nboost_iterations: 30\n"
        "n_simulations: 200\n"
    )
    manifest = report.run(params_file, reports=tmp_path, progress=False)
    assert manifest.status == "ok", manifest.notebooks
    # Without `notebooks:`, the capabilities pick what a campaign supports: 04.01 alone.
    assert [n.notebook for n in manifest.notebooks] == ["04.01-campaigns"]
    run = tmp_path / "own-campaign"
    effects = pd.read_csv(run / "tables" / "campaign_effects.csv")
    rate = effects[(effects[C.METRIC] == C.OUTCOME) & (effects[C.ARM] == "Voucher")][C.MEAN]
    assert rate.iloc[0] == pytest.approx(bought[arms == "Voucher"].mean())
    targets = pd.read_csv(run / "tables" / "campaign_targets.csv")
    assert C.CUSTOMER_KEY in targets and C.CUSTOMER not in targets
    assert not set(targets[C.CUSTOMER_KEY]) & set(frame["member"])
    assert not (run / "tables" / "campaign_segments.csv").exists()  # plan_segments false
