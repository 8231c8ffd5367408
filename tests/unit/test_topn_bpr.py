"""Tests of aftersales.topn.BPR (cornac's SGD): hand-made preference structures, seeds."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from aftersales import columns as C
from aftersales import topn
from aftersales.errors import ParameterError


def two_tastes(n_per_group: int = 12) -> pd.DataFrame:
    """Two groups of users, each with its own four items; every user lacks one of them.

    Group A holds items a0..a3, group B items b0..b3; user ``A<n>`` has every A item
    except ``a<n mod 4>`` (likewise for B). No user has an item of the other group, so a
    ranking that learned the tastes puts the missing item of the user's own group first
    among the five unseen items.
    """
    rows = []
    for group in "AB":
        for n in range(n_per_group):  # a few users per group
            missing = n % 4
            rows.extend((f"{group}{n}", f"{group.lower()}{i}") for i in range(4) if i != missing)
    return pd.DataFrame(rows, columns=[C.USER, C.ITEM])


def test_bpr_ranks_the_missing_item_of_the_users_own_taste_first():
    frame = two_tastes()
    model = topn.BPR(factors=8, iterations=200, learning_rate=0.05, seed=3).fit(frame)
    recs = model.recommend(None, 1)
    expected = {f"{g}{n}": f"{g.lower()}{n % 4}" for g in "AB" for n in range(12)}
    assert dict(zip(recs[C.USER], recs[C.ITEM], strict=True)) == expected


def popular_and_rare(seed: int = 0) -> pd.DataFrame:
    """300 users who each hold every item independently with probability ``p_i``.

    ``p_i`` falls from 0.6 to 0.02 over 30 items and no taste links them: the only
    structure to learn is popularity, which BPR's item biases must follow.
    """
    generator = np.random.default_rng(seed)
    p = np.linspace(0.6, 0.02, 30)
    held = generator.random((300, 30)) < p[None, :]
    held[np.arange(300), np.arange(300) % 30] = True  # every user and item appears
    users, items = np.nonzero(held)
    return pd.DataFrame({C.USER: users, C.ITEM: items})


def test_bpr_item_bias_follows_popularity():
    frame = popular_and_rare()
    model = topn.BPR(factors=4, iterations=50, seed=1).fit(frame)
    counts = frame[C.ITEM].value_counts().reindex(model.items_).to_numpy()
    assert spearmanr(model._items[:, -1], counts).statistic > 0.9


def test_same_seed_same_lists_different_seed_different_factors():
    frame = popular_and_rare(4)
    options = {"factors": 16, "iterations": 20}
    first = topn.BPR(**options, seed=9).fit(frame)
    again = topn.BPR(**options, seed=9).fit(frame)
    np.testing.assert_array_equal(first.score_all().values, again.score_all().values)
    pd.testing.assert_frame_equal(first.recommend(None, 10), again.recommend(None, 10))
    other = topn.BPR(**options, seed=10).fit(frame)
    assert not np.allclose(first.score_all().values, other.score_all().values)


PROBE = """
import sys
import numpy as np
import pandas as pd
from aftersales import topn
model = topn.BPR(factors=16, iterations=20, seed=9).fit(pd.read_csv(sys.argv[1]))
np.save(sys.argv[2], model.score_all().values)
"""


def test_the_fit_does_not_depend_on_the_number_of_openmp_threads(tmp_path):
    # cornac runs one thread when seeded; a process allowed 1 or 4 OpenMP threads agrees
    data = tmp_path / "frame.csv"
    popular_and_rare(4).to_csv(data, index=False)
    results = []
    for threads in ("1", "4"):
        out = tmp_path / f"scores{threads}.npy"
        env = {**os.environ, "OMP_NUM_THREADS": threads}
        subprocess.run([sys.executable, "-c", PROBE, str(data), str(out)], check=True, env=env)
        results.append(np.load(out))
    np.testing.assert_array_equal(results[0], results[1])


@pytest.mark.parametrize(
    ("option", "value"),
    [("learning_rate", 0.0), ("learning_rate", -0.1), ("factors", 0), ("iterations", 0)],
)
def test_bad_options_are_refused(option, value):
    with pytest.raises(ParameterError, match=option):
        topn.BPR(**{option: value}, seed=0)
