"""Parameters of ``04.01-campaigns``."""

from __future__ import annotations

from dataclasses import dataclass, field

from aftersales.errors import AftersalesError, ParameterError
from aftersales.params import _datasets
from aftersales.params._core import NotebookParams, choice, items, number, register
from aftersales.params._preparation import EngineOptions, dataset_field

__all__ = ["CampaignParams"]

WHERE = "notebook 04.01"

UPLIFT_OUTCOMES = ("auto", "outcome", "visit", "spend")
"""What the uplift model predicts; ``auto``: ``spend`` when the data has it, else ``outcome``."""


@register("04.01")
@dataclass(frozen=True)
class CampaignParams(NotebookParams):
    """Parameters of ``04.01-campaigns``.

    The campaign data set, the thresholds of the first checks, the uplift model and its
    evaluation, the money of the targeting decision, the planning of the next campaign and
    the optional planning table for the retailer's own segments.

    Raises
    ------
    ParameterError
        If the data set is not a campaign, the planning data set holds no transactions, or
        a value is out of range.
    """

    dataset: str = dataset_field("hillstrom", help="campaign: registered name or source file")
    srm_alpha: float = number(
        0.001, low=0, high=0.5, open_low=True, help="sample-ratio mismatch flag threshold"
    )
    balance_threshold: float = number(
        0.1, low=0, high=10, open_low=True, help="|standardised mean difference| flagged"
    )
    uplift_arm: str = field(
        default="", metadata={"help": "treated arm modelled; empty: the largest effect"}
    )
    uplift_outcome: str = choice(*UPLIFT_OUTCOMES, default="auto", help="outcome modelled")
    test_size: float = number(
        0.3, low=0, high=1, open_low=True, open_high=True, help="held-out share"
    )
    # <= 2,000: a depth-3 model stops improving long before; more only costs time
    boost_iterations: int = number(100, low=1, high=2_000, help="boosting iterations per model")
    # <= 20,000: intervals are stable to 3 digits by 10,000 (as 02.00)
    n_resamples: int = number(200, low=1, high=20_000, help="bootstrap replicates per interval")
    cost_per_contact: float = number(
        0.1, low=0, high=1e6, help="cost of one contact (currency units)"
    )
    margin: float = number(
        0.3, low=0, high=1e6, help="value of one unit of the modelled outcome (currency units)"
    )
    power_baseline: float = number(
        0.0, low=0, high=1, open_high=True, help="planning baseline rate; 0: the control's"
    )
    relative_lifts: tuple[float, ...] = items(
        (0.1, 0.25, 0.5), low=0.001, high=100, help="lifts to plan for, relative to baseline"
    )
    alpha: float = number(0.05, low=0, high=0.5, open_low=True, help="two-sided test level")
    power: float = number(0.8, low=0, high=1, open_low=True, open_high=True, help="target power")
    # <= 100,000: the simulated power's standard error is then below 0.002
    n_simulations: int = number(2_000, low=1, high=100_000, help="simulated campaigns per lift")
    plan_segments: bool = field(
        default=True, metadata={"help": "add the planning table of the retailer's segments"}
    )
    planning_dataset: str = field(
        default="online-retail", metadata={"help": "transactions whose segments are planned"}
    )
    # <= 104: two years; the horizon must fit in the data after the calibration end
    churn_horizon_weeks: int = number(13, low=1, high=104, help="repeat-purchase window")
    seed: int = number(42, low=0, high=2**32 - 1, help="seed of splits, fits and resampling")
    # Empty: $AFTERSALES_PSEUDONYM_KEY, else the machine-local key file; never shown.
    pseudonym_key: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        """Check that the data set is a campaign and the planning data holds transactions."""
        for name in ("dataset", "planning_dataset"):
            try:
                kind = _datasets.kind(getattr(self, name))
            except AftersalesError as error:
                raise ParameterError(f"{WHERE}: parameter `{name}`: {error}") from None
            wanted = "campaign" if name == "dataset" else "transactions"
            if kind != wanted and (name == "dataset" or self.plan_segments):
                raise ParameterError(
                    f"{WHERE}: parameter `{name}` is {getattr(self, name)!r}, which holds "
                    f"{kind}; it must hold {wanted} (e.g. "
                    f"{'hillstrom' if wanted == 'campaign' else 'online-retail'!r})"
                )
        if self.power_baseline > 0 and any(
            self.power_baseline * (1 + lift) >= 1 for lift in self.relative_lifts
        ):
            raise ParameterError(
                f"{WHERE}: `power_baseline` {self.power_baseline} raised by a lift in "
                f"`relative_lifts` {list(self.relative_lifts)} reaches a rate of 1 or more"
            )

    @property
    def control(self) -> str:
        """The control arm declared by the data set (registry entry or source file)."""
        return _datasets.spec(self.dataset).control

    @property
    def design(self) -> dict[str, float]:
        """The planned arm shares declared by the data set (empty: equal)."""
        return dict(_datasets.spec(self.dataset).design)

    def planning_preparation(self) -> EngineOptions:
        """Return the preparation of the planning data set (01.00's defaults, returns netted).

        Returns
        -------
        EngineOptions
            Options for :func:`aftersales.prepare.prepare`.
        """
        return EngineOptions(dataset=self.planning_dataset, seed=self.seed)
