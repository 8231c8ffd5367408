"""Parameters of ``02.00-collaborative-filtering``."""

from __future__ import annotations

from dataclasses import dataclass, field

from aftersales.choices import BASES, KNN_MODELS, SIMILARITIES
from aftersales.errors import ParameterError
from aftersales.params._core import choice, items, number, register
from aftersales.params._preparation import PreparationParams

__all__ = ["CollaborativeFilteringParams"]

WHERE = "notebook 02.00"


@register("02.00")
@dataclass(frozen=True)
class CollaborativeFilteringParams(PreparationParams):
    """Parameters of ``02.00-collaborative-filtering``.

    The preparation options (the data set and its split), the k-NN model and the grid of
    bases and similarity measures it is evaluated on, the neighbourhood sizes swept, how
    many test users are scored, the example customer and its explanations, and the options
    of ``UserCosineCF`` (the source design's user CF done right).

    Raises
    ------
    ParameterError
        If a list is empty or repeats a value, a similarity measure is unknown (the message
        lists the valid ones), ``knn_min_k`` exceeds the neighbourhood sizes, or the
        example's basis is not among ``bases``.
    """

    bases: tuple[str, ...] = items(BASES, choices=BASES, help="user- and/or item-based")
    similarities: tuple[str, ...] = items(SIMILARITIES, help="similarity measures compared")
    knn_model: str = choice(*KNN_MODELS, default="KNNWithMeans", help="Surprise k-NN model")
    # <= 10,000: more neighbours than either data set has users or items
    knn_k: int = number(40, low=1, high=10_000, help="neighbours in the similarity comparison")
    # <= 10,000: never more than knn_k (checked below)
    knn_min_k: int = number(1, low=1, high=10_000, help="minimum neighbours of an estimate")
    # each <= 10,000, as knn_k
    sweep_k: tuple[int, ...] = items(
        (10, 20, 40, 80), low=1, high=10_000, help="neighbourhood sizes swept"
    )
    # <= 1e6 customers scored (0: all); the batches keep memory flat, time grows linearly
    max_test_users: int = number(150, low=0, high=1_000_000, help="test users scored (0: all)")
    # <= 20,000: intervals are stable to 3 digits by 10,000; 20,000 x 10,000 users x 8 B = 1.6 GB
    n_resamples: int = number(200, low=1, high=20_000, help="bootstrap replicates per interval")
    # <= 1,000: a longer list is not a recommendation, and scores users x k
    top_k: int = number(10, low=1, high=1_000, help="items recommended per customer")
    # <= 100: neighbours shown in a table
    n_neighbors: int = number(3, low=1, high=100, help="neighbours shown per recommended item")
    example_basis: str = choice("best", *BASES, default="item", help="basis of the example")
    # <= 10,000: more than the data sets' users
    usercf_k: int = number(40, low=1, high=10_000, help="UserCosineCF: neighbours per user")
    usercf_min_similarity: float = number(
        0.0, low=-1, high=1, open_high=True, help="UserCosineCF: minimum similarity"
    )
    # <= 1e6: n / (n + shrinkage) is then ~0 for every pair of real customers
    usercf_shrinkage: float = number(
        0.0, low=0, high=1e6, help="UserCosineCF: similarity shrinkage"
    )
    usercf_center: bool = field(
        default=False, metadata={"help": "UserCosineCF: mean-centre the ratings"}
    )
    # Empty: the most active test customer. A raw id, so never shown in the repr.
    example_customer: str = field(default="", repr=False)
    # Empty: $AFTERSALES_PSEUDONYM_KEY, else the machine-local key file; never shown.
    pseudonym_key: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        """Check the lists, the similarity names, ``knn_min_k`` and the example's basis."""
        super().__post_init__()
        for name in ("bases", "similarities", "sweep_k"):
            values = getattr(self, name)
            if not values:
                raise ParameterError(f"{WHERE}: parameter `{name}` must hold at least one value")
            if len(set(values)) != len(values):
                raise ParameterError(
                    f"{WHERE}: parameter `{name}` repeats a value; got {list(values)}"
                )
        unknown = [s for s in self.similarities if s not in SIMILARITIES]
        if unknown:
            raise ParameterError(
                f"{WHERE}: parameter `similarities`: unknown measure(s) {unknown}; "
                f"Surprise computes {list(SIMILARITIES)}"
            )
        if self.knn_min_k > min(self.knn_k, *self.sweep_k):
            raise ParameterError(
                f"{WHERE}: parameter `knn_min_k` ({self.knn_min_k}) must not exceed `knn_k` "
                f"({self.knn_k}) or the smallest `sweep_k` ({min(self.sweep_k)})"
            )
        if self.example_basis != "best" and self.example_basis not in self.bases:
            raise ParameterError(
                f"{WHERE}: parameter `example_basis` is {self.example_basis!r} but `bases` "
                f"is {list(self.bases)}; choose 'best' or one of {list(self.bases)}"
            )
