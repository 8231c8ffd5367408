"""aftersales.campaign on frames small enough to work out by hand, and against scipy/statsmodels."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from aftersales import campaign
from aftersales import columns as C
from aftersales.errors import ControlArmError, EmptyArmError, OutcomeValueError, ParameterError


def _frame(arms, outcomes, **covariates):
    return pd.DataFrame(
        {
            C.CUSTOMER: range(1, len(arms) + 1),
            C.TREATMENT: arms,
            C.OUTCOME: np.asarray(outcomes, dtype="float64"),
            **covariates,
        }
    )


# --- outcomes and arms ---------------------------------------------------------------------


def test_outcome_values_reads_yes_no_text_and_numbers():
    text = pd.Series(["yes", " No", "TRUE", "f", "1", "0", "2.5"])
    out = campaign.outcome_values(text, column="bought", source="mailing.csv")
    assert out.tolist() == [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 2.5]
    numbers = pd.Series([0, 1, 3])
    assert campaign.outcome_values(numbers, column="n", source="x").tolist() == [0.0, 1.0, 3.0]


def test_outcome_values_names_the_column_and_the_offending_values():
    values = pd.Series(["yes", "maybe", "no", "perhaps", "maybe"])
    with pytest.raises(OutcomeValueError) as info:
        campaign.outcome_values(values, column="bought", source="mailing.csv")
    message = str(info.value)
    assert "`bought`" in message and "mailing.csv" in message
    assert "'maybe'" in message and "'perhaps'" in message and "3 row(s)" in message
    assert "row 2" in message


def test_check_arms_puts_control_first_and_refuses_a_missing_control():
    frame = _frame(["B", "ctl", "A", "ctl"], [0, 1, 0, 1])
    assert campaign.check_arms(frame, "ctl") == ["ctl", "A", "B"]
    with pytest.raises(ControlArmError, match=r"'No E-Mail'.*\['A', 'B', 'ctl'\]"):
        campaign.check_arms(frame, "No E-Mail")


def test_check_arms_refuses_an_empty_arm_of_the_design_and_a_lonely_control():
    frame = _frame(["A", "ctl", "A", "ctl"], [0, 1, 0, 1])
    with pytest.raises(EmptyArmError, match=r"\['B'\]"):
        campaign.check_arms(frame, "ctl", design={"ctl": 1, "A": 1, "B": 1})
    with pytest.raises(EmptyArmError, match="only the control"):
        campaign.check_arms(_frame(["ctl", "ctl"], [0, 1]), "ctl")


# --- effects -------------------------------------------------------------------------------


def test_arm_effects_by_hand():
    # control: 1 of 4 (0.25, var 0.25); A: 3 of 4 (0.75, var 0.25). Difference 0.5 with
    # se sqrt(0.25/4 + 0.25/4) = 0.35355; z = 1.41421; p = 2 * sf(1.41421) = 0.15730.
    frame = _frame(["c"] * 4 + ["A"] * 4, [1, 0, 0, 0, 1, 1, 1, 0])
    effects = campaign.arm_effects(frame, "c").set_index(C.ARM)
    assert effects.loc["c", C.MEAN] == 0.25 and effects.loc["A", C.MEAN] == 0.75
    assert effects.loc["A", C.DIFFERENCE] == pytest.approx(0.5)
    z = stats.norm.ppf(0.975)
    assert effects.loc["A", C.DIFF_LOW] == pytest.approx(0.5 - z * 0.353553, abs=1e-6)
    assert effects.loc["A", C.P_VALUE] == pytest.approx(0.157299, abs=1e-6)
    assert np.isnan(effects.loc["c", C.P_VALUE])


# --- sample-ratio mismatch and balance -----------------------------------------------------


def test_sample_ratio_flags_an_injected_52_48_split_on_64k():
    result = campaign.sample_ratio({"control": 30_720, "e-mail": 33_280})  # 48 / 52 of 64,000
    # chi2 = 2 * 1280^2 / 32000 = 102.4
    assert result.chi2 == pytest.approx(102.4)
    assert result.flagged and result.p_value < 1e-20


def test_sample_ratio_follows_an_unequal_design_and_passes_a_fair_split():
    result = campaign.sample_ratio({"c": 2_010, "t": 7_990}, design={"c": 1, "t": 4})
    # expected 2000 / 8000: chi2 = 100/2000 + 100/8000 = 0.0625
    assert result.chi2 == pytest.approx(0.0625)
    assert not result.flagged
    assert result.table["planned_share"].tolist() == [0.2, 0.8]


def test_balance_smd_by_hand_with_a_one_hot_categorical():
    # age: control 20, 30 (mean 25, var 50); treated 30, 40 (mean 35, var 50):
    # SMD = 10 / sqrt(50) = 1.41421. channel: control web, phone; treated web, web:
    # web: means 0.5 / 1.0, vars 0.5 / 0 -> SMD 0.5 / sqrt(0.25) = 1.0; phone -1.0.
    frame = _frame(
        ["c", "c", "t", "t"],
        [0, 0, 1, 0],
        age=[20, 30, 30, 40],
        channel=["web", "phone"] * 1 + ["web", "web"],
    )
    table = campaign.balance(frame, "c").set_index(C.COVARIATE)
    assert table.loc["age", C.SMD] == pytest.approx(10 / np.sqrt(50))
    assert table.loc["channel=web", C.SMD] == pytest.approx(1.0)
    assert table.loc["channel=phone", C.SMD] == pytest.approx(-1.0)
    assert table["imbalanced"].all()


# --- uplift curves -------------------------------------------------------------------------

SCORES = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
TREATED = np.array([1, 0, 1, 0, 1, 0])
OUTCOME = np.array([1, 0, 1, 1, 0, 0])
THIRDS = [0, 1 / 3, 2 / 3, 1]


def test_qini_and_uplift_at_k_by_hand():
    # top 2: Yt 1 (Nt 1), Yc 0 (Nc 1): Qini 1, uplift 1. top 4: Yt 2/2, Yc 1/2: Qini 1,
    # uplift 0.5. all 6: Yt 2/3, Yc 1/3: Qini 1, uplift 1/3. Random line: fraction * 1.
    curves = campaign.uplift_curves(
        SCORES, TREATED, OUTCOME, fractions=THIRDS, seed=0, n_resamples=3
    )
    assert curves["qini"].tolist() == [0.0, 1.0, 1.0, 1.0]
    assert curves[C.RANDOM].tolist() == pytest.approx([0, 1 / 3, 2 / 3, 1])
    assert curves["uplift"].iloc[1:].tolist() == pytest.approx([1.0, 0.5, 1 / 3])
    assert curves["random_uplift"].iloc[0] == pytest.approx(1 / 3)


def test_qini_coefficient_by_hand_and_zero_for_a_random_ranking():
    # gain over random: 0, 2/3, 1/3, 0; trapezoids of width 1/3: 1/9 + 1/6 + 1/18 = 1/3;
    # per customer: 1/18.
    qini = campaign.qini_coefficient(
        SCORES, TREATED, OUTCOME, fractions=THIRDS, seed=0, n_resamples=50
    )
    assert qini["qini"] == pytest.approx(1 / 18)


def test_qini_of_random_scores_is_zero_and_its_interval_covers_zero():
    # A score unrelated to the outcome: the Qini coefficient averages 0 over repetitions and
    # its 95 % interval covers 0 in about 95 % of them (at least 85 % of 30 here).
    values, covered = [], 0
    for seed in range(30):  # repetitions of a random ranking
        generator = np.random.default_rng(seed)
        treated = generator.integers(0, 2, 2_000)
        outcome = generator.random(2_000) < 0.1 + 0.05 * treated
        qini = campaign.qini_coefficient(
            generator.random(2_000), treated, outcome, seed=seed, n_resamples=200
        )
        values.append(qini["qini"])
        covered += qini[C.CI_LOW] < 0 < qini[C.CI_HIGH]
    assert covered >= 26
    assert abs(np.mean(values)) < 3 * np.std(values) / np.sqrt(30)


def test_profit_of_targeting_by_hand():
    curves = pd.DataFrame(
        {
            C.FRACTION: [0.0, 0.5, 1.0],
            "uplift": [np.nan, 0.04, 0.02],
            "uplift_low": [np.nan, 0.01, 0.0],
            "uplift_high": [np.nan, 0.07, 0.04],
        }
    )
    # 1,000 customers, cost 1, margin 50: half -> 500 * (0.04 * 50 - 1) = 500; all -> 0.
    profit = campaign.targeting_profit(curves, population=1_000, cost_per_contact=1, margin=50)
    assert profit[C.PROFIT].tolist() == pytest.approx([0, 500, 0])
    assert profit["profit_low"].tolist() == pytest.approx([0, -250, -1000])
    best = campaign.best_target(profit)
    assert best.fraction == 0.5 and best.profit == pytest.approx(500) and best.everyone == 0


# --- planning ------------------------------------------------------------------------------


@pytest.mark.parametrize(("baseline", "lift"), [(0.1, 0.02), (0.0057, 0.0029), (0.5, -0.05)])
def test_sample_size_matches_the_closed_form(baseline, lift):
    # Arcsine scale: 2 arcsin(sqrt(p)) has variance 1 / n, so n = 2 ((z_0.975 + z_0.8) / h)^2.
    h = 2 * np.arcsin(np.sqrt(baseline + lift)) - 2 * np.arcsin(np.sqrt(baseline))
    closed = int(np.ceil(2 * ((stats.norm.ppf(0.975) + stats.norm.ppf(0.8)) / h) ** 2))
    assert campaign.sample_size(baseline, lift) == closed


def test_detectable_lift_inverts_sample_size():
    n = campaign.sample_size(0.2, 0.03)
    assert campaign.detectable_lift(0.2, n) == pytest.approx(0.03, abs=2e-4)


def test_simulated_power_lands_on_the_planned_power():
    n = campaign.sample_size(0.1, 0.02)
    simulated = campaign.simulated_power(0.1, 0.02, n, n_simulations=4_000, seed=3)
    assert simulated == pytest.approx(0.8, abs=0.025)  # 3 standard errors of 4,000 draws
    # with no lift the test rejects (upwards) about alpha / 2 of the time
    assert campaign.simulated_power(0.1, 1e-12, n, n_simulations=4_000, seed=3) < 0.05


def test_bad_planning_values_are_refused():
    with pytest.raises(ParameterError, match="baseline"):
        campaign.sample_size(0.0, 0.01)
    with pytest.raises(ParameterError, match="lift"):
        campaign.sample_size(0.9, 0.2)


def test_segment_plan_uses_half_of_each_segment_per_arm():
    rates = pd.DataFrame(
        {C.SEGMENT: ["Champions", "Tiny"], C.CUSTOMERS: [1_000, 3], C.REPEAT_RATE: [0.5, 0.5]}
    )
    plan = campaign.segment_plan(rates).set_index(C.SEGMENT)
    assert plan.loc["Champions", "customers_per_arm"] == 500
    assert plan.loc["Champions", "detectable_lift"] == pytest.approx(
        campaign.detectable_lift(0.5, 500)
    )
    assert np.isnan(plan.loc["Tiny", "detectable_lift"])  # one customer per arm


def test_t_learner_finds_customers_whom_the_contact_moves():
    # The contact lifts the rate from 0.1 to 0.5 for x > 0.5 and does nothing below: the
    # T-learner's ranking must beat random targeting on the held-out customers.
    generator = np.random.default_rng(7)
    n = 4_000
    x = generator.random(n)
    arms = np.where(generator.random(n) < 0.5, "mail", "none")
    rate = 0.1 + 0.4 * ((arms == "mail") & (x > 0.5))
    frame = _frame(arms, generator.random(n) < rate, x=x, region=generator.choice(["n", "s"], n))
    split = campaign.uplift_split(frame, "none", "mail", test_size=0.5, seed=1)
    scores = campaign.t_learner_scores(split, seed=1, max_iter=30)
    test = split.test
    qini = campaign.qini_coefficient(
        scores, test["treated"].to_numpy(), test["outcome"].to_numpy(), seed=1, n_resamples=100
    )
    assert qini[C.CI_LOW] > 0
    ranked = campaign.scored_customers(frame, split, scores)
    assert len(ranked) == 2_000 and ranked[C.UPLIFT].is_monotonic_decreasing
    top = frame.set_index(C.CUSTOMER).loc[ranked[C.CUSTOMER].head(500), "x"]
    assert (top > 0.5).mean() > 0.9


def test_uplift_target_and_arm_choice():
    frame = _frame(["c", "a", "b", "c", "a", "b"], [0, 1, 0, 0, 1, 1])
    assert campaign.uplift_target(frame) == C.OUTCOME
    assert campaign.uplift_target(frame.assign(spend=1.0)) == C.SPEND
    with pytest.raises(ParameterError, match="visit"):
        campaign.uplift_target(frame, "visit")
    effects = campaign.arm_effects(frame, "c")
    assert campaign.strongest_arm(effects, C.OUTCOME) == "a"  # 1.0 against b's 0.5
    assert campaign.strongest_arm(effects, C.OUTCOME, "b") == "b"
    with pytest.raises(ParameterError, match="treated arms"):
        campaign.strongest_arm(effects, C.OUTCOME, "c")
