"""Parameters of ``03.00-customer-segmentation``."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from aftersales import periods
from aftersales.choices import TIME_UNITS
from aftersales.errors import ParameterError
from aftersales.params import _datasets
from aftersales.params._core import choice, number, register
from aftersales.params._preparation import EngineParams, dataset_field

__all__ = ["SegmentationParams"]

WHERE = "notebook 03.00"


def _day(value: str, *, name: str) -> pd.Timestamp:
    """Return ``value`` as a UTC day, or raise naming the parameter."""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        stamp = pd.NaT
    if stamp is pd.NaT:
        raise ParameterError(
            f"{WHERE}: parameter `{name}` must be a date such as '2011-09-09'; got {value!r}"
        )
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.normalize()


@register("03.00")
@dataclass(frozen=True)
class SegmentationParams(EngineParams):
    """Parameters of ``03.00-customer-segmentation``.

    The preparation options (only the cleaning ones matter here: segmentation reads the
    cleaned transaction lines), the RFM reference date, the k-means settings, the lifetime
    value horizon and its calibration/holdout check, and how customer ids are exported.

    Raises
    ------
    ParameterError
        If the data set holds ratings rather than transactions, ``n_clusters`` is 1,
        ``k_max`` < ``k_min``, a date does not parse, or ``calibration_end`` does not leave
        a holdout period before ``reference_date``.
    """

    dataset: str = dataset_field("online-retail", help="transactions: name or source file")
    reference_date: str = field(
        default="", metadata={"help": "RFM reference day; empty: the day after the last sale"}
    )
    # <= 100: segments a marketing team can act on; silhouette cost grows with k
    n_clusters: int = number(0, low=0, high=100, help="k-means clusters; 0 chooses k by silhouette")
    # <= 100, as n_clusters
    k_min: int = number(2, low=2, high=100, help="smallest k tried when n_clusters is 0")
    # <= 100, as n_clusters (one k-means fit per k)
    k_max: int = number(8, low=2, high=100, help="largest k tried when n_clusters is 0")
    time_unit: str = choice(*TIME_UNITS, default="weeks", help="time unit of BG/NBD")
    clv_months: int = number(12, low=1, high=120, help="lifetime value horizon in months")
    monthly_discount_rate: float = number(0.01, low=0, high=1, help="monthly discount rate")
    calibration_end: str = field(
        default="-13w",
        metadata={
            "help": "last day of the BG/NBD calibration period: a date, or relative to the "
            "data's last day ('-13w': a 13-week holdout)"
        },
    )
    # <= 10,000 rows of a table shown in the notebook
    top_customers: int = number(10, low=1, high=10_000, help="customers listed by lifetime value")
    export_raw_ids: bool = field(
        default=False, metadata={"help": "export raw customer ids (personal data)"}
    )
    # Empty: $AFTERSALES_PSEUDONYM_KEY, else the machine-local key file; never shown.
    pseudonym_key: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        """Check the values that depend on each other or on the data set's kind."""
        super().__post_init__()
        kind = _datasets.kind(self.dataset)
        if kind != "transactions":
            raise ParameterError(
                f"{WHERE}: parameter `dataset` is {self.dataset!r}, which holds {kind}; "
                f"03.00 needs transactions (invoices with dates and amounts), e.g. "
                f"'online-retail'"
            )
        if self.n_clusters == 1:
            raise ParameterError(
                f"{WHERE}: parameter `n_clusters` must be 0 (choose k by silhouette) or >= 2; got 1"
            )
        if self.k_max < self.k_min:
            raise ParameterError(
                f"{WHERE}: parameter `k_max` must be >= `k_min` = {self.k_min}; got {self.k_max}"
            )
        try:
            periods.check(self.calibration_end, name="calibration_end")
        except ParameterError as error:
            raise ParameterError(f"{WHERE}: {error}") from None
        if self.reference_date:
            reference = _day(self.reference_date, name="reference_date")
        if self.reference_date and not periods.is_relative(self.calibration_end):
            calibration_end = _day(self.calibration_end, name="calibration_end")
            if calibration_end >= reference - pd.Timedelta(days=1):
                raise ParameterError(
                    f"{WHERE}: parameter `calibration_end` must be at least two days before "
                    f"`reference_date` = {self.reference_date!r}, to leave a holdout period; "
                    f"got {self.calibration_end!r}"
                )
