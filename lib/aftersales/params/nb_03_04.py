"""Parameters of ``03.04-retention``."""

from __future__ import annotations

from dataclasses import dataclass, field

from aftersales import periods
from aftersales.errors import ParameterError
from aftersales.params import _datasets
from aftersales.params._core import items, number, register
from aftersales.params._preparation import PreparationParams, dataset_field

__all__ = ["RetentionParams"]

WHERE = "notebook 03.04"


@register("03.04")
@dataclass(frozen=True)
class RetentionParams(PreparationParams):
    """Parameters of ``03.04-retention``.

    The preparation options (the cleaning and netting ones matter: features read the net
    lines and the returns table), the churn horizon and the calibration end, the model
    grids, the bootstrap, the lifetime-value horizon and the size of the contact list.
    Exports never hold raw customer ids.

    Raises
    ------
    ParameterError
        If the data set holds ratings, ``calibration_end`` is neither empty, a date nor a
        relative spec, or a grid is empty.
    """

    dataset: str = dataset_field("online-retail", help="transactions: name or source file")
    # <= 520 weeks: ten years; the data after calibration_end must be at least this long
    churn_horizon_weeks: int = number(13, low=1, high=520, help="holdout length in weeks")
    calibration_end: str = field(
        default="",
        metadata={
            "help": "last calibration day: a date, relative ('-13w'), or empty for "
            "churn_horizon_weeks before the last purchase"
        },
    )
    # <= 1e6: beyond it the logistic regression is unregularised in practice
    logistic_c: tuple[float, ...] = items(
        (0.01, 0.1, 1.0, 10.0), low=1e-6, high=1e6, help="logistic regression C values tried"
    )
    boosting_learning_rates: tuple[float, ...] = items(
        (0.05, 0.1), low=1e-4, high=1.0, help="gradient-boosting learning rates tried"
    )
    # <= 256: leaves per tree; more overfits a few thousand customers
    boosting_leaves: tuple[int, ...] = items(
        (8, 31), low=2, high=256, help="gradient-boosting leaves per tree tried"
    )
    validation_share: float = number(
        0.3, low=0, high=1, open_low=True, open_high=True, help="tuning share of training"
    )
    # <= 50 indicator columns
    n_countries: int = number(5, low=0, high=50, help="countries given an indicator column")
    # <= 20,000: intervals are stable to 3 digits by 10,000 (as 02.00)
    n_resamples: int = number(200, low=1, high=20_000, help="bootstrap replicates per interval")
    # <= 1,000 points on the gain curve
    gain_points: int = number(20, low=2, high=1_000, help="targeted shares on the gain chart")
    # <= 100 bins of the calibration curve
    calibration_bins: int = number(10, low=2, high=100, help="bins of the calibration curve")
    clv_months: int = number(12, low=1, high=120, help="lifetime value horizon in months")
    # <= 10,000 customers per segment in the contact list
    contact_per_segment: int = number(10, low=1, high=10_000, help="contacts listed per segment")
    contact_min_risk: float = number(0.5, low=0, high=1, help="lowest risk in the contact list")
    contact_overdue_only: bool = field(
        default=True,
        metadata={"help": "list only customers silent for at least their usual purchase gap"},
    )
    # Empty: $AFTERSALES_PSEUDONYM_KEY, else the machine-local key file; never shown.
    pseudonym_key: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        """Check the data kind, the calibration end and the grids."""
        super().__post_init__()
        kind = _datasets.kind(self.dataset)
        if kind != "transactions":
            raise ParameterError(
                f"{WHERE}: parameter `dataset` is {self.dataset!r}, which holds {kind}; "
                f"03.04 needs transactions with customers and dates, e.g. 'online-retail'"
            )
        if self.calibration_end:
            try:
                periods.check(self.calibration_end, name="calibration_end")
            except ParameterError as error:
                raise ParameterError(f"{WHERE}: {error}") from None
        for name in ("logistic_c", "boosting_learning_rates", "boosting_leaves"):
            if not getattr(self, name):
                raise ParameterError(f"{WHERE}: parameter `{name}` must hold at least one value")

    @property
    def boosting_grid(self) -> tuple[tuple[float, int], ...]:
        """Every (learning rate, leaves) pair of the gradient-boosting grid."""
        return tuple(
            (float(rate), int(leaves))
            for rate in self.boosting_learning_rates
            for leaves in self.boosting_leaves
        )
