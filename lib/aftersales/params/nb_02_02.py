"""Parameters of ``02.02-implicit-top-n``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aftersales.choices import RANKING_METRICS, SPLITTERS, TOPN_MODELS
from aftersales.errors import ParameterError
from aftersales.params import _datasets
from aftersales.params._core import choice, items, number, register
from aftersales.params._grids import check_topn_grids
from aftersales.params._preparation import PreparationParams, dataset_field

__all__ = ["TopNParams"]

WHERE = "notebook 02.02"

DEFAULT_GRIDS: dict[str, dict[str, list[Any]]] = {
    "itemknn": {"neighbors": [50, 200]},
    "ease": {"regularization": [200.0, 800.0]},
    "als": {"factors": [32, 64], "regularization": [3.0, 30.0]},
}
"""Small validation grids of the default (nbval) run."""


def _default_grids() -> dict[str, dict[str, list[Any]]]:
    return {
        name: {key: list(values) for key, values in grid.items()}
        for name, grid in DEFAULT_GRIDS.items()
    }


@register("02.02")
@dataclass(frozen=True)
class TopNParams(PreparationParams):
    """Parameters of ``02.02-implicit-top-n``.

    The preparation options (for ratings: the split of the comparison, by default issue #7's
    item-stratified 75/25; for transactions only the cleaning matters, the split is
    chronological), the models and their validation grids, the list lengths, the relevance
    threshold of ratings, issue #7's reference protocol, the retail test period and the
    example customers.

    Raises
    ------
    ParameterError
        If a grid names an unselected model or an unknown parameter, holds an invalid
        value (e.g. a regularisation <= 0) or an empty list; ``curve_ks`` is empty; the
        reference protocol is asked for another data set or another k than 10; or a
        rating threshold is given for transactions.
    """

    dataset: str = dataset_field("movielens-100k", help="registered data set or source file")
    split_method: str = choice(*SPLITTERS, default="item_stratified", help="ratings: split")
    test_size: float = number(
        0.25, low=0, high=1, open_low=True, open_high=True, help="ratings: test share"
    )
    topn_models: tuple[str, ...] = items(
        ("popularity", "itemknn", "ease", "als"), choices=TOPN_MODELS, help="top-N models"
    )
    topn_grids: dict = field(
        default_factory=_default_grids,
        metadata={"help": "model -> {parameter: values} searched on the validation split"},
    )
    validation_metric: str = choice(*RANKING_METRICS, default="ndcg", help="tuning maximises")
    # <= 1,000: a longer list is not a recommendation, and scores users x k
    k: int = number(10, low=1, high=1_000, help="list length of the comparison table and of tuning")
    # each <= 1,000, as k
    curve_ks: tuple[int, ...] = items(
        (1, 5, 10, 20), low=1, high=1_000, help="list lengths of the metric@k curves"
    )
    svd: bool = field(default=True, metadata={"help": "compare with Surprise's SVD"})
    # <= 100: above every rating scale in use (1-5, 1-10, 0-100)
    rating_threshold: float = number(
        0.0, low=0, high=100, help="ratings: lowest rating that is an interaction (0: all)"
    )
    reference_protocol: bool = field(
        default=False, metadata={"help": "run issue #7's movielens-100k protocol"}
    )
    test_months: int = number(1, low=1, high=12, help="retail: months of purchases in test")
    popularity_group: str = choice(
        "none", "country", default="country", help="retail: popularity per group too"
    )
    n_examples: int = number(3, low=1, high=50, help="example customers")
    # <= 100: items shown in a table
    explain_top: int = number(3, low=1, high=100, help="training items shown per recommendation")
    # <= 20,000: intervals are stable to 3 digits by 10,000; 20,000 x 10,000 users x 8 B = 1.6 GB
    n_resamples: int = number(
        200, low=10, high=20_000, help="bootstrap replicates of the intervals"
    )
    pseudonym_key: str = field(default="", repr=False, metadata={"help": "pseudonym key"})

    def __post_init__(self) -> None:
        """Check the cross-field constraints."""
        super().__post_init__()
        kind = _datasets.kind(self.dataset)
        if not self.topn_models or len(set(self.topn_models)) != len(self.topn_models):
            raise ParameterError(
                f"{WHERE}: parameter `topn_models` must list distinct models; "
                f"got {list(self.topn_models)}"
            )
        if not self.curve_ks or any(not isinstance(x, int) or x < 1 for x in self.curve_ks):
            raise ParameterError(
                f"{WHERE}: parameter `curve_ks` must list positive integers; "
                f"got {list(self.curve_ks)}"
            )
        self._check_grids()
        if self.reference_protocol and self.dataset != "movielens-100k":
            raise ParameterError(
                f"{WHERE}: parameter `reference_protocol` is issue #7's movielens-100k "
                f"protocol; set it false for dataset {self.dataset!r}"
            )
        if self.reference_protocol and self.k != 10:
            raise ParameterError(
                f"{WHERE}: parameter `k` must be 10 with `reference_protocol` (issue #7 "
                f"reports @10); got {self.k}"
            )
        if self.rating_threshold > 0 and kind != "ratings":
            raise ParameterError(
                f"{WHERE}: parameter `rating_threshold` applies to ratings; dataset "
                f"{self.dataset!r} holds {kind}: set it to 0"
            )

    def _check_grids(self) -> None:
        check_topn_grids(
            self.topn_grids,
            self.topn_models,
            where=WHERE,
            field="topn_grids",
            models_field="topn_models",
        )

    @property
    def transactions(self) -> bool:
        """True when the data set holds transactions (the chronological retail setting)."""
        return _datasets.kind(self.dataset) == "transactions"

    @property
    def relevance_threshold(self) -> float | None:
        """The rating threshold of interactions and relevant items; None when it keeps all."""
        return self.rating_threshold if self.rating_threshold > 0 else None

    @property
    def list_lengths(self) -> list[int]:
        """The list lengths measured: ``curve_ks`` and ``k``, sorted."""
        return sorted({*self.curve_ks, self.k})
