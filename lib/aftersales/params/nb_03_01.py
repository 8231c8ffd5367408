"""Parameters of ``03.01-basket-analysis``."""

from __future__ import annotations

from dataclasses import dataclass, field

from aftersales import columns as C
from aftersales.choices import SEGMENTS
from aftersales.errors import ParameterError
from aftersales.params import _datasets
from aftersales.params._core import choice, items, number, register
from aftersales.params._preparation import PreparationParams, dataset_field

__all__ = ["BasketParams"]

WHERE = "notebook 03.01"


@register("03.01")
@dataclass(frozen=True)
class BasketParams(PreparationParams):
    """Parameters of ``03.01-basket-analysis``.

    The preparation options (only the cleaning ones matter: baskets are the invoices of the
    cleaned transaction lines), the rule thresholds, the sizes of the tables and the network,
    the two segments and the two countries whose rules are compared, and the frequently
    bought together model.

    Raises
    ------
    ParameterError
        If the data set holds ratings rather than transactions, or the two segments (or the
        two countries) compared are the same.
    """

    dataset: str = dataset_field("online-retail", help="transactions: name or source file")
    min_support: float = number(0.01, low=0, high=1, open_low=True, help="itemset support")
    min_confidence: float = number(0.3, low=0, high=1, help="minimum rule confidence")
    # <= 1,000: a lift above needs an itemset in under 0.1% of baskets, below any min_support
    min_lift: float = number(1.0, low=0, high=1_000, help="minimum rule lift")
    # <= 10,000 rows of a table shown in the notebook
    top_rules: int = number(15, low=1, high=10_000, help="rules listed, strongest lift first")
    network_rules: int = number(20, low=1, high=100, help="pair rules drawn in the network")
    segment_a: str = choice(*SEGMENTS, default="Champions", help="first segment")
    segment_b: str = choice(*SEGMENTS, default="At Risk", help="second segment")
    segment_min_support: float = number(
        0.02, low=0, high=1, open_low=True, help="pair support within a segment"
    )
    country_a: str = field(default="United Kingdom", metadata={"help": "first country compared"})
    country_b: str = field(default="Germany", metadata={"help": "second country compared"})
    country_min_support: float = number(
        0.02, low=0, high=1, open_low=True, help="pair support within a country"
    )
    fbt_metric: str = choice(
        C.LIFT, C.CONFIDENCE, default=C.LIFT, help="frequently bought together ranks by"
    )
    fbt_min_support: float = number(
        0.005, low=0, high=1, open_low=True, help="pair support of frequently bought together"
    )
    # <= 100: a longer list is not a recommendation
    fbt_k: int = number(5, low=1, high=100, help="items recommended per item or basket")
    # <= 10,000 rows of a table shown in the notebook
    top_items: int = number(10, low=1, high=10_000, help="most sold items in the cross-sell table")
    example_basket: tuple[str, ...] = items(
        ("85123A", "22423", "47566"), help="item ids of the example basket"
    )

    def __post_init__(self) -> None:
        """Check the data set's kind and that each comparison has two different sides."""
        super().__post_init__()
        kind = _datasets.kind(self.dataset)
        if kind != "transactions":
            raise ParameterError(
                f"{WHERE}: parameter `dataset` is {self.dataset!r}, which holds {kind}; "
                f"03.01 needs transactions (baskets are invoices), e.g. 'online-retail'"
            )
        if self.segment_a == self.segment_b:
            raise ParameterError(
                f"{WHERE}: parameters `segment_a` and `segment_b` must differ; "
                f"both are {self.segment_a!r}"
            )
        if self.country_a == self.country_b:
            raise ParameterError(
                f"{WHERE}: parameters `country_a` and `country_b` must differ; "
                f"both are {self.country_a!r}"
            )
        if not self.example_basket:
            raise ParameterError(f"{WHERE}: parameter `example_basket` must name at least one item")
