"""Buy again (aftersales.replenish) on a hand-made history, worked out by hand.

History before the reference date 2024-03-01 (2024 is a leap year: Jan 31 -> Mar 1 is 30 days):

- A buys X on Jan 1, Jan 11, Jan 31: gaps 10, 20 -> own median 15 over 2 intervals.
- B buys X on Jan 1, Feb 1: one gap of 31 days.
- X's interval: median of the customers' own intervals (15, 31) = 23.
- C buys Y on Feb 10 and twice on Feb 20 (two invoices, one purchase day): one gap of 10; Y's
  interval is C's, 10. C buys Z once: not a repeat pair.
- D buys W on 2023-06-01 and 2023-12-01: one gap of 183 days; W's interval 183.
- After the reference date: A buys X on Mar 5, D buys W on Mar 10, C buys Z on Mar 3, E buys V
  on Mar 30 (the last day of data, so a 30-day window from Mar 1 fits).

With shrinkage 2 (pseudo-intervals of the item's interval), window 30, tolerance 7 (and the
default lapse after 2 usual intervals, which no pair reaches here):

- A: (2 * 15 + 2 * 23) / 4 = 19 -> expected Jan 31 + 19 = Feb 19; 30 days since, 11 overdue
  (> 7): overdue.
- B: (31 + 2 * 23) / 3 = 25.67 -> 26 days -> expected Feb 27; 29 days since, 3 overdue: due.
- C, Y: 10 -> expected Mar 1; 10 days since, 0 overdue: due.
- D, W: 183 -> expected 2024-06-01; 91 days since, -92 overdue (<= -30): not yet.
"""

from __future__ import annotations

import itertools
import math
import statistics
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aftersales import columns as C
from aftersales import narrate, outputs, replenish
from aftersales.errors import DataValidationError, ParameterError
from aftersales.plots import replenish as plots_replenish

KEY = "replenish-test-key-0123456789"
REFERENCE = "2024-03-01"


def _lines() -> pd.DataFrame:
    rows = [
        ("A", "X", "2024-01-01 10:00"),
        ("A", "X", "2024-01-11 09:00"),
        ("A", "X", "2024-01-31 17:30"),
        ("B", "X", "2024-01-01 12:00"),
        ("B", "X", "2024-02-01 08:00"),
        ("C", "Y", "2024-02-10 11:00"),
        ("C", "Y", "2024-02-20 10:00"),
        ("C", "Y", "2024-02-20 15:00"),
        ("C", "Z", "2024-02-25 15:00"),
        ("D", "W", "2023-06-01 10:00"),
        ("D", "W", "2023-12-01 10:00"),
        ("A", "X", "2024-03-05 10:00"),
        ("D", "W", "2024-03-10 10:00"),
        ("C", "Z", "2024-03-03 10:00"),
        ("E", "V", "2024-03-30 10:00"),
    ]
    frame = pd.DataFrame(rows, columns=[C.CUSTOMER, C.ITEM, C.TIMESTAMP])
    return frame.assign(**{C.TIMESTAMP: pd.to_datetime(frame[C.TIMESTAMP])})


def _row(table: pd.DataFrame, customer: str, item: str) -> pd.Series:
    match = table[(table[C.CUSTOMER] == customer) & (table[C.ITEM] == item)]
    assert len(match) == 1
    return match.iloc[0]


def test_repeat_pairs_count_days_not_lines() -> None:
    pairs = replenish.repeat_pairs(_lines(), before=pd.Timestamp(REFERENCE))
    assert list(zip(pairs[C.CUSTOMER], pairs[C.ITEM], strict=True)) == [
        ("A", "X"),
        ("B", "X"),
        ("C", "Y"),
        ("D", "W"),
    ]
    assert pairs[C.PURCHASE_DAYS].tolist() == [3, 2, 2, 2]
    assert pairs[C.N_INTERVALS].tolist() == [2, 1, 1, 1]
    assert pairs[C.OWN_INTERVAL].tolist() == [15.0, 31.0, 10.0, 183.0]
    assert _row(pairs, "A", "X")[C.LAST_PURCHASE] == pd.Timestamp("2024-01-31")


def test_schedule_shrinks_towards_the_item_interval() -> None:
    table = replenish.schedule(_lines(), reference_date=REFERENCE, shrinkage=2.0)
    assert tuple(table.columns) == replenish.SCHEDULE_COLUMNS
    a, b, c, d = (_row(table, *pair) for pair in [("A", "X"), ("B", "X"), ("C", "Y"), ("D", "W")])
    assert a[C.ITEM_INTERVAL] == b[C.ITEM_INTERVAL] == 23.0
    assert a[C.USUAL_INTERVAL] == pytest.approx(19.0)
    assert b[C.USUAL_INTERVAL] == pytest.approx(77 / 3)
    assert a[C.EXPECTED_DATE] == pd.Timestamp("2024-02-19")
    assert b[C.EXPECTED_DATE] == pd.Timestamp("2024-02-27")
    assert c[C.EXPECTED_DATE] == pd.Timestamp("2024-03-01")
    assert d[C.EXPECTED_DATE] == pd.Timestamp("2024-06-01")
    assert [r[C.DAYS_SINCE] for r in (a, b, c, d)] == [30, 29, 10, 91]
    assert [r[C.DAYS_OVERDUE] for r in (a, b, c, d)] == [11, 3, 0, -92]
    assert [r[C.STATUS] for r in (a, b, c, d)] == ["overdue", "due", "due", "not yet"]


def test_schedule_own_only_and_item_only() -> None:
    own = replenish.schedule(_lines(), reference_date=REFERENCE, shrinkage=0)
    # A on its own 15 days: expected Feb 15, 15 overdue; B on 31: expected Mar 3, -2.
    assert _row(own, "A", "X")[C.DAYS_OVERDUE] == 15
    assert _row(own, "B", "X")[C.EXPECTED_DATE] == pd.Timestamp("2024-03-03")
    assert _row(own, "B", "X")[C.DAYS_OVERDUE] == -2
    item = replenish.schedule(_lines(), reference_date=REFERENCE, shrinkage=math.inf)
    # Both on X's 23 days: A expected Feb 23, 7 overdue = the tolerance: still due.
    assert _row(item, "A", "X")[C.USUAL_INTERVAL] == 23.0
    assert _row(item, "A", "X")[C.DAYS_OVERDUE] == 7
    assert _row(item, "A", "X")[C.STATUS] == "due"
    assert _row(item, "B", "X")[C.DAYS_OVERDUE] == 6


def test_tolerance_window_and_lapse_move_the_status() -> None:
    strict = replenish.schedule(_lines(), reference_date=REFERENCE, shrinkage=2.0, tolerance_days=2)
    assert _row(strict, "B", "X")[C.STATUS] == "overdue"  # 3 days late > 2
    short = replenish.schedule(_lines(), reference_date=REFERENCE, shrinkage=2.0, window_days=92)
    assert _row(short, "D", "W")[C.STATUS] == "not yet"  # -92 is not > -92
    wide = replenish.schedule(_lines(), reference_date=REFERENCE, shrinkage=2.0, window_days=93)
    assert _row(wide, "D", "W")[C.STATUS] == "due"
    # lapse after 1.5 usual intervals: A's 30 days > 1.5 * 19 = 28.5; B's 29 < 38.5.
    lapsed = replenish.schedule(
        _lines(), reference_date=REFERENCE, shrinkage=2.0, lapse_intervals=1.5
    )
    assert _row(lapsed, "A", "X")[C.STATUS] == "lapsed"
    assert _row(lapsed, "B", "X")[C.STATUS] == "due"


def test_default_reference_is_the_day_after_the_last_purchase() -> None:
    table = replenish.schedule(_lines())
    # Reference Mar 31: C bought Z again on Mar 3 -> a repeat pair with a 7-day gap.
    assert _row(table, "C", "Z")[C.OWN_INTERVAL] == 7.0
    assert _row(table, "A", "X")[C.DAYS_SINCE] == 26  # Mar 5 -> Mar 31


def test_timezone_aware_lines_use_local_days() -> None:
    lines = _lines()
    aware = lines.assign(**{C.TIMESTAMP: lines[C.TIMESTAMP].dt.tz_localize("Europe/London")})
    table = replenish.schedule(aware, reference_date=REFERENCE, shrinkage=2.0)
    assert _row(table, "A", "X")[C.DAYS_OVERDUE] == 11


def test_due_list_with_evidence_in_words() -> None:
    table = replenish.schedule(_lines(), reference_date=REFERENCE, shrinkage=2.0)
    names = {"X": "tea", "Y": "soap"}
    due = replenish.due_list(table, key=KEY, shrinkage=2.0, names=names, raw_ids=True)
    assert tuple(due.columns) == replenish.DUE_COLUMNS
    assert list(zip(due[C.CUSTOMER], due[C.ITEM], strict=True)) == [
        ("A", "X"),
        ("B", "X"),
        ("C", "Y"),
    ]
    assert due[C.DESCRIPTION].tolist() == ["tea", "tea", "soap"]
    first = "bought on 3 days, 15 days apart (median); its buyers' usual is ~23 days; "
    assert due[C.EVIDENCE].tolist() == [
        first + "last 30 days ago",
        "bought on 2 days, 31 days apart; its buyers' usual is ~23 days; last 29 days ago",
        "bought on 2 days, 10 days apart; its buyers' usual is ~10 days; last 10 days ago",
    ]
    # With one pseudo-interval A's own two intervals weigh more: (2 * 15 + 23) / 3 = 17.67.
    light = replenish.schedule(_lines(), reference_date=REFERENCE, shrinkage=1)
    text = replenish.evidence(light, shrinkage=1)
    assert text[_row(light, "A", "X").name] == "bought every ~18 days, last 30 days ago"


def test_due_list_pseudonymises_customers(tmp_path: Path) -> None:
    table = replenish.schedule(_lines(), reference_date=REFERENCE, shrinkage=2.0)
    due = replenish.due_list(table, key=KEY, shrinkage=2.0)
    assert C.CUSTOMER not in due and due.columns[0] == C.CUSTOMER_KEY
    assert due[C.CUSTOMER_KEY].str.startswith("c_").all()
    assert due[C.CUSTOMER_KEY].nunique() == 3
    assert not set(due[C.CUSTOMER_KEY]) & {"A", "B", "C"}
    assert outputs.write(tmp_path, tables={"buy_again": due})  # accepted as shareable
    raw = replenish.due_list(table, key=KEY, raw_ids=True)
    with pytest.raises(ParameterError, match="raw customer ids"):
        outputs.write(tmp_path, tables={"buy_again": raw})


def test_evaluate_precision_and_recall_on_a_tiny_split() -> None:
    result = replenish.evaluate(
        _lines(), cutoff=REFERENCE, shrinkage=2.0, window_days=30, n_resamples=200, seed=0
    )
    assert result.cutoff == pd.Timestamp(REFERENCE)
    assert result.window_end == pd.Timestamp("2024-03-31")
    table = result.table.set_index(C.METHOD)
    assert list(table.index) == list(replenish.METHODS)
    # Window purchases of repeat pairs: A-X (Mar 5) and D-W (Mar 10); C-Z is not a repeat.
    assert (table[C.N_BOUGHT] == 2).all()
    # Every rule lists A, B and C-Y (D is not yet due); only A buys: 1/3, recall 1/2.
    for method in (replenish.SHRUNK, replenish.OWN, replenish.ITEM):
        assert table.loc[method, C.N_DUE] == 3
        assert table.loc[method, C.N_HITS] == 1
        assert table.loc[method, C.PRECISION] == pytest.approx(1 / 3)
        assert table.loc[method, C.RECALL] == pytest.approx(1 / 2)
    every = table.loc[replenish.EVERY]
    assert (every[C.N_DUE], every[C.N_HITS], every[C.RECALL]) == (4, 2, 1.0)
    assert every[C.PRECISION] == 0.5
    assert 0 <= every[C.CI_LOW] <= 0.5 <= every[C.CI_HIGH] <= 1
    again = replenish.evaluate(_lines(), cutoff=REFERENCE, shrinkage=2.0, n_resamples=200, seed=0)
    pd.testing.assert_frame_equal(result.table, again.table)
    assert result.scored[C.HIT].tolist() == [True, False, False, True]


def test_hit_rate_by_overdue_bins() -> None:
    result = replenish.evaluate(_lines(), cutoff=REFERENCE, shrinkage=2.0, n_resamples=50, seed=1)
    rates = replenish.hit_rate_by_overdue(result.scored).set_index(C.DAYS_OVERDUE)
    # D at -92 (hit), B at 3 and C at 0 (no hits), A at 11 (hit).
    assert rates.loc["<= -60", C.N_PAIRS] == 1 and rates.loc["<= -60", C.PRECISION] == 1.0
    assert rates.loc["-7 to 7", C.N_PAIRS] == 2 and rates.loc["-7 to 7", C.PRECISION] == 0.0
    assert rates.loc["8 to 30", C.N_HITS] == 1
    assert rates[C.N_PAIRS].sum() == 4
    assert np.isnan(rates.loc["> 240", C.PRECISION])
    with pytest.raises(ParameterError, match="edges"):
        replenish.hit_rate_by_overdue(result.scored, edges=(0, 10, 5))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"window_days": 0}, "window_days"),
        ({"window_days": -5}, "window_days"),
        ({"tolerance_days": -1}, "tolerance_days"),
        ({"shrinkage": -1.0}, "shrinkage"),
        ({"lapse_intervals": math.inf}, "lapse_intervals"),
        ({"reference_date": "not a date"}, "reference_date"),
    ],
)
def test_bad_parameters_are_named(options: dict, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        replenish.schedule(_lines(), **options)


@pytest.mark.parametrize("reference", ["2030-01-01", "2023-06-01", "2020-01-01"])
def test_reference_date_outside_the_data(reference: str) -> None:
    with pytest.raises(DataValidationError, match="outside the data"):
        replenish.schedule(_lines(), reference_date=reference)


def test_no_repeat_purchases_at_all() -> None:
    once = _lines().drop_duplicates([C.CUSTOMER, C.ITEM])
    with pytest.raises(DataValidationError, match="two distinct days"):
        replenish.schedule(once)
    with pytest.raises(DataValidationError, match="two distinct days"):
        replenish.evaluate(once, n_resamples=50, seed=0)


def test_evaluation_window_must_fit_in_the_data() -> None:
    with pytest.raises(DataValidationError, match="after the data"):
        replenish.evaluate(_lines(), cutoff="2024-03-02", n_resamples=50, seed=0)
    with pytest.raises(ParameterError, match="window_days"):
        replenish.evaluate(_lines(), window_days=0, seed=0)
    with pytest.raises(ParameterError, match="n_resamples"):
        replenish.evaluate(_lines(), cutoff=REFERENCE, n_resamples=0, seed=0)


def test_evidence_says_one_day_not_one_days() -> None:
    rows = [("F", "Q", "2024-01-01"), ("F", "Q", "2024-01-02"), ("F", "Q", "2024-01-03")]
    frame = pd.DataFrame(rows, columns=[C.CUSTOMER, C.ITEM, C.TIMESTAMP])
    lines = frame.assign(**{C.TIMESTAMP: pd.to_datetime(frame[C.TIMESTAMP])})
    # Gaps 1, 1: own 1, item 1, usual 1; reference Jan 4 -> last purchase 1 day ago.
    table = replenish.schedule(lines)
    assert replenish.evidence(table, shrinkage=1).tolist() == [
        "bought every ~1 day, last 1 day ago"
    ]
    assert replenish.evidence(table, shrinkage=2).tolist() == [
        "bought on 3 days, 1 day apart (median); its buyers' usual is ~1 day; last 1 day ago"
    ]


def _check_table() -> pd.DataFrame:
    # Hand-made: 40 repeat pairs, 10 bought in the window (base rate 25 %); the rule lists 16
    # and 8 of them are bought (50 %, 2.00 times the base rate, recall 8 / 10).
    rows = [
        (replenish.SHRUNK, 16, 8, 0.5, 0.4, 0.6, 10, 0.8),
        (replenish.OWN, 10, 6, 0.6, 0.45, 0.75, 10, 0.6),
        (replenish.ITEM, 20, 7, 0.35, 0.25, 0.45, 10, 0.7),
        (replenish.EVERY, 40, 10, 0.25, 0.2, 0.3, 10, 1.0),
    ]
    return pd.DataFrame(rows, columns=list(replenish.EVALUATION_COLUMNS))


def test_buy_again_findings_words_the_numbers() -> None:
    text = narrate.buy_again_findings(_check_table(), cutoff="2011-11-09", window_days=30).data
    assert "At the cut-off 2011-11-09, 40 (customer, item) pairs" in text
    assert "10 of them (25.0 %, the base rate) were bought again in the next 30 days" in text
    assert "named 16 pairs, of which 8 were bought: precision 50.0 %" in text
    assert "40.0 % to 60.0 %), recall 80.0 %" in text
    assert "2.00 times the base rate" in text
    assert "own interval only 60.0 % (recall 60.0 %)" in text
    assert "The most precise rule here is own interval only." in text
    with pytest.raises(DataValidationError, match="no pair"):
        narrate.buy_again_findings(
            _check_table().assign(**{C.N_DUE: 0}), cutoff="2011-11-09", window_days=30
        )


def test_hit_rate_figure_draws_the_rates_in_percent() -> None:
    result = replenish.evaluate(_lines(), cutoff=REFERENCE, shrinkage=2.0, n_resamples=50, seed=1)
    rates = replenish.hit_rate_by_overdue(result.scored)
    figure = plots_replenish.hit_rate_by_overdue(rates, window_days=30, base_rate=0.5)
    axes = figure.axes[0]
    heights = [bar.get_height() for bar in axes.patches]
    assert heights[0] == 100.0 and heights[3] == 0.0 and heights[4] == 100.0
    assert axes.get_title() and "days overdue" in axes.get_xlabel()
    assert "%" in axes.get_ylabel()
    assert axes.lines[0].get_ydata()[0] == 50.0
    with pytest.raises(DataValidationError):
        plots_replenish.hit_rate_by_overdue(rates.iloc[:0], window_days=30)


def test_duplicate_index_and_missing_customers_are_handled() -> None:
    lines = _lines()
    doubled = pd.concat(
        [lines, lines.iloc[:1].assign(**{C.CUSTOMER: None})], ignore_index=False
    ).set_axis([0] * (len(lines) + 1))
    table = replenish.schedule(doubled, reference_date=REFERENCE, shrinkage=2.0)
    expected = replenish.schedule(lines, reference_date=REFERENCE, shrinkage=2.0)
    pd.testing.assert_frame_equal(table, expected, check_dtype=False)  # None made it object


def test_times_must_be_datetimes() -> None:
    lines = _lines().astype({C.TIMESTAMP: "str"})
    with pytest.raises(DataValidationError, match="must hold times"):
        replenish.schedule(lines)


def _loop_schedule(lines: pd.DataFrame, reference: pd.Timestamp, shrinkage: float) -> dict:
    """Independent reference: plain Python over pairs, (customer, item) -> (usual, overdue)."""
    days: dict = {}
    for customer, item, stamp in zip(
        lines[C.CUSTOMER], lines[C.ITEM], lines[C.TIMESTAMP], strict=True
    ):
        if stamp < reference:
            days.setdefault((customer, item), set()).add(stamp.date())
    own, count = {}, {}
    for pair, found in days.items():
        ordered = sorted(found)
        gaps = [(b - a).days for a, b in itertools.pairwise(ordered)]
        if gaps:
            own[pair], count[pair] = statistics.median(gaps), len(gaps)
    per_item: dict = {}
    for (_, item), value in own.items():
        per_item.setdefault(item, []).append(value)
    result = {}
    for pair, value in own.items():
        item_value = statistics.median(per_item[pair[1]])
        usual = (count[pair] * value + shrinkage * item_value) / (count[pair] + shrinkage)
        since = (reference.date() - max(days[pair])).days
        result[pair] = (usual, since - math.floor(usual + 0.5))
    return result


def test_schedule_matches_a_loop_over_pairs_on_random_histories() -> None:
    generator = np.random.default_rng(7)
    n = 400
    start = pd.Timestamp("2023-01-01")
    lines = pd.DataFrame(
        {
            C.CUSTOMER: generator.integers(0, 15, n),
            C.ITEM: generator.choice(list("abcdef"), n),
            C.TIMESTAMP: start + pd.to_timedelta(generator.integers(0, 300 * 24, n), unit="h"),
        }
    )
    reference = pd.Timestamp("2023-09-01")
    table = replenish.schedule(lines, reference_date=reference, shrinkage=1.5)
    expected = _loop_schedule(lines, reference, 1.5)
    assert len(table) == len(expected) > 20
    for row in table.itertuples(index=False):
        usual, overdue = expected[(getattr(row, C.CUSTOMER), getattr(row, C.ITEM))]
        assert getattr(row, C.USUAL_INTERVAL) == pytest.approx(usual)
        assert getattr(row, C.DAYS_OVERDUE) == overdue
