"""Parameters of ``03.03-returns``."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from aftersales.errors import ParameterError
from aftersales.params import _datasets
from aftersales.params._core import number, register
from aftersales.params._preparation import EngineOptions, PreparationParams, dataset_field

__all__ = ["ReturnsParams"]

WHERE = "notebook 03.03"


@register("03.03")
@dataclass(frozen=True)
class ReturnsParams(PreparationParams):
    """Parameters of ``03.03-returns``.

    The preparation options (only the cleaning and netting ones matter: the analysis reads
    the net transaction lines and the returns table), the RFM reference date of the
    segments, the bootstrap, the sizes of the tables and figures, and the rule that flags
    customers with an unusually high return share. Exports never hold raw customer ids.

    Raises
    ------
    ParameterError
        If the data set holds ratings rather than transactions, or ``returns`` is not
        ``net`` (the analysis reads the returns table of the netting).
    """

    dataset: str = dataset_field("online-retail", help="transactions: name or source file")
    reference_date: str = field(
        default="", metadata={"help": "RFM reference day; empty: the day after the last sale"}
    )
    # <= 20,000: intervals are stable to 3 digits by 10,000 (as 02.00)
    n_resamples: int = number(200, low=1, high=20_000, help="bootstrap replicates per interval")
    # <= 1e6: more than any item's customers; beyond it no item is ranked
    min_item_customers: int = number(
        10, low=1, high=1_000_000, help="customers an item needs to be listed"
    )
    # <= 10,000 rows of a table shown in the notebook
    top_items: int = number(15, low=1, high=10_000, help="most returned items listed")
    # <= 100: more labels overlap into an unreadable figure
    label_items: int = number(10, low=0, high=100, help="items labelled in the scatter")
    # <= 300: more than the world's countries
    top_countries: int = number(10, low=1, high=300, help="countries with most customers shown")
    review_quantile: float = number(
        0.95, low=0, high=1, open_low=True, open_high=True, help="return-share quantile flagged"
    )
    # <= 1e6: more than any customer's invoices; beyond it nobody is eligible
    review_min_purchases: int = number(
        5, low=1, high=1_000_000, help="purchase invoices a customer needs to be flagged"
    )
    # <= 10,000 rows of a table shown in the notebook
    top_customers: int = number(10, low=1, high=10_000, help="customers by value, before/after")
    # Empty: $AFTERSALES_PSEUDONYM_KEY, else the machine-local key file; never shown.
    pseudonym_key: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        """Check that the data set holds transactions."""
        super().__post_init__()
        kind = _datasets.kind(self.dataset)
        if kind != "transactions":
            raise ParameterError(
                f"{WHERE}: parameter `dataset` is {self.dataset!r}, which holds {kind}; "
                f"03.03 needs transactions with cancellations, e.g. 'online-retail'"
            )
        if self.returns != "net":
            raise ParameterError(
                f"{WHERE}: parameter `returns` must be 'net' (03.03 analyses the returns table "
                f"of the netting and compares it with 'ignore' itself); got {self.returns!r}"
            )

    def gross_preparation(self) -> EngineOptions:
        """Return the same preparation with cancellations ignored (the lines before netting).

        Returns
        -------
        EngineOptions
            :meth:`preparation` with ``returns="ignore"``.
        """
        return replace(self.preparation(), returns="ignore")
