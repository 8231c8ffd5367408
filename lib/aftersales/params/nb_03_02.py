"""Parameters of ``03.02-customer-360``."""

from __future__ import annotations

from dataclasses import dataclass, field

from aftersales.choices import CLV_BANDS, SEGMENTS
from aftersales.errors import ParameterError
from aftersales.params import _datasets
from aftersales.params._core import NotebookParams, choice, items, number, register
from aftersales.params._preparation import dataset_field

__all__ = ["CustomerViewParams"]

WHERE = "notebook 03.02"


@register("03.02")
@dataclass(frozen=True)
class CustomerViewParams(NotebookParams):
    """Parameters of ``03.02-customer-360``.

    Which store to read (the run's, another run's, or one built from the data set alone),
    which customers to look at one at a time, and the filters of the campaign audience.

    Raises
    ------
    ParameterError
        If the data set holds ratings, a customer is not a pseudonymised key, or an
        audience segment is unknown.
    """

    dataset: str = dataset_field("online-retail", help="transactions: name or source file")
    seed: int = number(
        42, low=0, high=2**32 - 1, help="seed of the data-only store's preparation and model"
    )
    store_file: str = field(
        default="",
        metadata={"help": "run folder or store file; empty: the run's own, else from the data"},
    )
    customers: tuple[str, ...] = items((), help="customer keys (c_...) looked at one at a time")
    audience_segments: tuple[str, ...] = items(
        ("At Risk", "Can't Lose Them"), choices=SEGMENTS, help="audience segments"
    )
    audience_countries: tuple[str, ...] = items((), help="audience countries; empty: any")
    audience_clv_band: str = choice(*CLV_BANDS, default="any", help="audience CLV band")
    audience_product: str = field(
        default="", metadata={"help": "audience bought a product whose name contains this"}
    )
    # <= 3,650: ten years of purchases
    audience_days: int = number(90, low=1, high=3_650, help="days of the product filter")
    # Empty: $AFTERSALES_PSEUDONYM_KEY, else the machine-local key file; never shown.
    pseudonym_key: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        """Check the data set and that customers are given as keys, never as raw ids."""
        _datasets.check_dataset(self.dataset)
        kind = _datasets.kind(self.dataset)
        if kind != "transactions":
            raise ParameterError(
                f"{WHERE}: parameter `dataset` is {self.dataset!r}, which holds {kind}; "
                "03.02 needs transactions (orders, baskets), e.g. 'online-retail'"
            )
        raw = [c for c in self.customers if not str(c).startswith("c_")]
        if raw:
            raise ParameterError(
                f"{WHERE}: parameter `customers` takes pseudonymised keys (c_ + 16 hex); "
                f"got {raw[:3]}: raw ids are never stored"
            )
