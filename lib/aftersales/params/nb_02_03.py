"""Parameters of ``02.03-content-based``."""

from __future__ import annotations

from dataclasses import dataclass, field

from aftersales.choices import SPLITTERS, TOPN_MODELS
from aftersales.errors import ParameterError
from aftersales.params import _datasets
from aftersales.params._core import choice, items, number, register
from aftersales.params._preparation import PreparationParams, dataset_field

__all__ = ["ContentParams"]

WHERE = "notebook 02.03"

COLLABORATIVE: tuple[str, ...] = tuple(m for m in TOPN_MODELS if m not in ("content", "hybrid"))
"""Models the hybrid may blend with content."""


def _default_weights() -> tuple[float, ...]:
    return (0.1, 0.3, 0.5, 0.7)


@register("02.03")
@dataclass(frozen=True)
class ContentParams(PreparationParams):
    """Parameters of ``02.03-content-based``.

    The preparation options (the split of notebook 02.02: for ratings by default issue #7's
    item-stratified 75/25, for transactions the last ``test_months`` of purchases), the
    content features, the collaborative part of the hybrid and the blend weights tried on
    validation data, the cold-start protocol and the bootstrap.

    Raises
    ------
    ParameterError
        If a blend weight is outside [0, 1], the collaborative parameters are invalid,
        ``k`` is not in ``ks``, or a rating threshold is given for transactions.
    """

    dataset: str = dataset_field("movielens-100k", help="registered data set or source file")
    split_method: str = choice(*SPLITTERS, default="item_stratified", help="ratings: split")
    test_size: float = number(
        0.25, low=0, high=1, open_low=True, open_high=True, help="ratings: test share"
    )
    test_months: int = number(1, low=1, high=12, help="retail: months of purchases in test")
    # <= 100: above every rating scale in use (1-5, 1-10, 0-100)
    rating_threshold: float = number(
        0.0, low=0, high=100, help="ratings: lowest rating that is an interaction (0: all)"
    )
    collaborative: str = choice(
        *COLLABORATIVE, default="itemknn", help="collaborative model of the hybrid"
    )
    collaborative_params: dict = field(
        default_factory=dict, metadata={"help": "its parameters (e.g. 02.02's chosen ones)"}
    )
    blend_weights: tuple[float, ...] = items(
        _default_weights(), low=0, high=1, help="content shares of the hybrid tried on validation"
    )
    category_weight: float = number(1.0, low=0, high=100, help="weight of categories vs words")
    price_weight: float = number(0.5, low=0, high=100, help="weight of the price band")
    min_df: int = number(2, low=1, high=1_000_000, help="fewest items a feature word describes")
    cold_share: float = number(
        0.1, low=0, high=0.5, open_low=True, help="ratings: share of films and customers made cold"
    )
    max_history: int = number(2, low=1, high=10, help="most training items of a cold customer")
    # <= 1,000: a longer list is not a recommendation
    k: int = number(10, low=1, high=1_000, help="list length of the table and of tuning")
    ks: tuple[int, ...] = items((5, 10, 20), low=1, high=1_000, help="list lengths measured")
    alpha: float = number(
        0.05, low=0, high=1, open_low=True, open_high=True, help="significance level"
    )
    # <= 20,000: intervals are stable to 3 digits by 10,000
    n_resamples: int = number(
        200, low=10, high=20_000, help="bootstrap replicates of the intervals"
    )
    n_examples: int = number(2, low=1, high=20, help="customers whose lists are explained")
    pseudonym_key: str = field(default="", repr=False, metadata={"help": "pseudonym key"})

    def __post_init__(self) -> None:
        """Check the cross-field constraints."""
        super().__post_init__()
        if not self.blend_weights:
            raise ParameterError(f"{WHERE}: parameter `blend_weights` must list weights")
        if self.k not in self.ks:
            raise ParameterError(f"{WHERE}: parameter `k` ({self.k}) must be one of `ks`")
        from aftersales.models import make  # the parameters are checked by building it

        try:
            make(self.collaborative, self.collaborative_params, seed=0)
        except ParameterError as error:
            raise ParameterError(f"{WHERE}: parameter `collaborative_params`: {error}") from None
        if self.rating_threshold > 0 and self.transactions:
            raise ParameterError(
                f"{WHERE}: parameter `rating_threshold` applies to ratings; set it to 0"
            )

    @property
    def transactions(self) -> bool:
        """True when the data set holds transactions (the chronological retail setting)."""
        return _datasets.kind(self.dataset) == "transactions"

    @property
    def relevance_threshold(self) -> float | None:
        """The rating threshold of interactions and relevant items; None when it keeps all."""
        return self.rating_threshold if self.rating_threshold > 0 else None
