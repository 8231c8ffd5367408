"""Bad input to metrics and evaluation raises a named error (issue #6, section 6).

Completes tests/unit/test_metrics.py and test_evaluate.py: every rating metric on empty
predictions, k <= 0 for every list metric, truth and lists with no user in common for
every ranking metric and inside an experiment, and significance with too few models or
paired users at the per-group level.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from surprise import BaselineOnly

from aftersales import columns as C
from aftersales import evaluate as E
from aftersales import metrics as M
from aftersales.errors import DataValidationError, ParameterError

RANKING = {
    "precision": M.precision_at_k,
    "recall": M.recall_at_k,
    "ndcg": M.ndcg_at_k,
    "map": M.map_at_k,
    "hit_rate": M.hit_rate_at_k,
    "mrr": M.mrr_at_k,
}


def recs() -> pd.DataFrame:
    return pd.DataFrame(
        {C.USER: ["u1", "u1", "u2", "u2"], C.ITEM: ["A", "B", "A", "C"], C.RANK: [1, 2, 1, 2]}
    )


def truth() -> pd.DataFrame:
    return pd.DataFrame({C.USER: ["u1", "u2"], C.ITEM: ["B", "C"], C.RATING: [5.0, 4.0]})


@pytest.mark.parametrize("metric", [M.rmse, M.mae, M.fcp])
def test_rating_metrics_on_empty_predictions(metric) -> None:
    with pytest.raises(DataValidationError, match="no data rows"):
        metric(M.predictions_to_frame([]))


def test_rating_metrics_together_on_empty_predictions() -> None:
    with pytest.raises(DataValidationError, match="no data rows"):
        M.rating_metrics(M.predictions_to_frame([]))


@pytest.mark.parametrize("name", sorted(RANKING))
@pytest.mark.parametrize("k", [0, -3])
def test_every_ranking_metric_refuses_k_below_one(name: str, k: int) -> None:
    with pytest.raises(ParameterError, match="`k` must be a positive integer"):
        RANKING[name](recs(), truth(), k=k)


def test_list_metrics_refuse_k_below_one() -> None:
    with pytest.raises(ParameterError, match="`ks`"):
        M.ranking_metrics(recs(), truth(), ks=[5, 0])
    with pytest.raises(ParameterError, match="`k` must be a positive integer"):
        M.catalogue_coverage(recs(), k=0, catalogue=truth())
    with pytest.raises(ParameterError, match="`k` must be a positive integer"):
        M.novelty(recs(), truth(), k=0)
    with pytest.raises(ParameterError, match="`k` must be a positive integer"):
        M.personalisation(recs(), k=-1)


@pytest.mark.parametrize("name", sorted(RANKING))
def test_every_ranking_metric_needs_a_user_in_common(name: str) -> None:
    strangers = truth().assign(**{C.USER: ["x1", "x2"]})
    with pytest.raises(DataValidationError, match="no user in common"):
        RANKING[name](recs(), strangers, k=2)


def test_ranking_metrics_together_need_a_user_in_common() -> None:
    strangers = truth().assign(**{C.USER: ["x1", "x2"]})
    with pytest.raises(DataValidationError, match="no user in common"):
        M.ranking_metrics(recs(), strangers, ks=[1, 2])


def test_experiment_whose_lists_miss_every_test_user() -> None:
    # The rank function returns lists for users who are not in the test frame.
    train = pd.DataFrame(
        {C.USER: ["a", "a", "b", "b"], C.ITEM: [1, 2, 1, 3], C.RATING: [4.0, 2.0, 5.0, 1.0]}
    )
    test = pd.DataFrame({C.USER: ["a", "b"], C.ITEM: [3, 2], C.RATING: [3.0, 4.0]})

    def elsewhere(model, users: np.ndarray, k: int) -> pd.DataFrame:
        return pd.DataFrame({C.USER: ["ghost"], C.ITEM: [1], C.RANK: [1]})

    with pytest.raises(DataValidationError, match="no user in common"):
        E.run_experiment(
            {"base": BaselineOnly(verbose=False)},
            (train, test),
            rank_fn=elsewhere,
            metrics=["ndcg"],
            ks=1,
            progress=False,
        )


def per_user(models: dict[str, list[float]], metric: str = "ndcg") -> pd.DataFrame:
    rows = [
        (model, 0, f"u{i}", metric, 10, value)
        for model, values in models.items()
        for i, value in enumerate(values)
    ]
    frame = pd.DataFrame(rows, columns=list(E.PER_USER_COLUMNS))
    return frame.astype({C.K: "Int64"})


def test_significance_with_one_model_or_too_few_pairs() -> None:
    one = per_user({"only": [0.1, 0.2, 0.3]})
    with pytest.raises(DataValidationError, match="1 model"):
        E.significance(one)
    few = per_user({"a": [0.1, 0.2, 0.3], "b": [0.2, 0.1, 0.0]})
    with pytest.raises(DataValidationError, match="3 users have values for both"):
        E.significance(few)  # min_pairs = 10
    with pytest.raises(DataValidationError, match="1 model"):
        E.best_per_group(one, pd.Series("G", index=["u0", "u1", "u2"]), metric="ndcg", k=10)
