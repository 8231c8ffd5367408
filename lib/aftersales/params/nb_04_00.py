"""Parameters of ``04.00-evaluation``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from aftersales.choices import ALL_MODELS, PROTOCOLS, RANKING_METRICS, RANKING_ONLY_MODELS
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.params import _datasets
from aftersales.params._core import choice, items, number, register
from aftersales.params._grids import check_topn_grids
from aftersales.params._preparation import PreparationParams

__all__ = ["EvaluationParams"]

WHERE = "notebook 04.00"
PROTOCOL_CHOICES: tuple[str, ...] = ("auto", *PROTOCOLS)
"""Protocols: auto is chronological on transactions, the prepared random split on ratings."""
GROUPINGS: tuple[str, ...] = ("auto", "segment", "activity")
"""Customer groups of the breakdown: auto picks segment for transactions, else activity."""


def _default_model_params() -> dict[str, dict[str, Any]]:
    return {"KNNBaseline": {"sim_options": {"user_based": False}}}


@register("04.00")
@dataclass(frozen=True)
class EvaluationParams(PreparationParams):
    """Parameters of ``04.00-evaluation``.

    The protocol (chronological on transactions by default: the cut-off and the test
    window; or the prepared random split), the models also run under the other protocol,
    the preparation options, the models compared and their
    parameters, the list lengths, the bootstrap, the customer groups of the breakdown, the
    model whose recommendations are exported and the grids its parameters are tuned over
    (on the month before the cut-off) before its refit, how customer ids are exported, and the "buy
    again" list (``aftersales.replenish``) with its check.

    Raises
    ------
    ParameterError
        If a model name is unknown or repeated, fewer than two models are given, a model's
        parameters are invalid or name a model not compared, ``k`` is not one of ``ks``, a
        list length is below 2, ``export_model`` is neither ``"best"`` nor a compared model,
        ``export_grids`` names a model not compared or not top-N, an unknown parameter or an
        invalid value,
        RFM segments, the chronological protocol or ``buy_again`` are asked for on a ratings
        data set, or ``cutoff`` or ``buy_again_cutoff`` is not a date.
    """

    protocol: str = choice(
        *PROTOCOL_CHOICES, default="auto", help="auto, chronological (transactions) or random"
    )
    cutoff: str = field(
        default="",
        metadata={"help": "chronological: first test day (YYYY-MM-DD); empty: test_months early"},
    )
    test_months: int = number(1, low=1, high=12, help="chronological: months in the test window")
    # <= 20: the other protocol's run is a contrast, not a second comparison
    contrast_models: int = number(
        3, low=0, high=20, help="best models also run under the other protocol (0: none)"
    )
    # <= 20,000, as n_resamples
    contrast_resamples: int = number(
        100, low=10, high=20_000, help="bootstrap replicates of the other protocol's run"
    )
    models: tuple[str, ...] = items(
        ("BaselineOnly", "SVD", "KNNBaseline", "popularity", "ease"),
        choices=ALL_MODELS,
        help="models compared (Surprise names, top-N names, fbt)",
    )
    model_params: dict = field(
        default_factory=_default_model_params, metadata={"help": "model name -> its parameters"}
    )
    # each <= 1,000: a longer list is not a recommendation, and scores users x k
    ks: tuple[int, ...] = items(
        (5, 10, 20), high=1_000, help="list lengths of the ranking metrics (>= 2)"
    )
    # <= 1,000, as ks
    k: int = number(10, low=2, high=1_000, help="list length of the comparison table (one of ks)")
    choose_by: str = choice(
        *RANKING_METRICS, default="ndcg", help="metric@k that picks the best model"
    )
    alpha: float = number(
        0.05, low=0, high=1, open_low=True, open_high=True, help="significance level"
    )
    # <= 20,000: intervals are stable to 3 digits by 10,000; 20,000 x 10,000 users x 8 B = 1.6 GB
    n_resamples: int = number(
        200, low=10, high=20_000, help="bootstrap replicates of the intervals"
    )
    groups: str = choice(*GROUPINGS, default="auto", help="customer groups of the breakdown")
    activity_buckets: int = number(4, low=2, high=20, help="quantile buckets of activity")
    # <= 1e6: more paired users than any data set has customers
    min_pairs: int = number(
        10, low=2, high=1_000_000, help="fewest paired users for a significance test"
    )
    export_model: str = field(
        default="best", metadata={"help": "model exported: 'best' by choose_by@k, or a name"}
    )
    export_grids: dict = field(
        default_factory=dict,
        metadata={
            "help": "top-N model -> {parameter: values} tuned on validation data before the "
            "export refit (empty: the fixed model_params)"
        },
    )
    # <= 100: a longer list is not a recommendation; the export has customers x export_k rows
    export_k: int = number(10, low=1, high=100, help="recommendations per customer in the export")
    # <= 100,000 customers (0: all): with export_k <= 100, at most 1e7 rows (~1 GB)
    export_customers: int = number(
        200,
        low=0,
        high=100_000,
        help="customers in the export (first in the data); 0: every customer",
    )
    explain_top: int = number(2, low=1, high=10, help="reasons named per recommended item")
    export_raw_ids: bool = field(
        default=False, metadata={"help": "export raw customer ids (personal data)"}
    )
    # Empty: $AFTERSALES_PSEUDONYM_KEY, else the machine-local key file; never shown.
    pseudonym_key: str = field(default="", repr=False)
    # Buy again (aftersales.replenish): transactions only.
    buy_again: bool = field(
        default=False, metadata={"help": "transactions: list repeat items due to be bought again"}
    )
    # <= 365: a horizon beyond a year is not "due"
    buy_again_window_days: int = number(
        30, low=1, high=365, help="buy again: due means expected within this many days"
    )
    buy_again_tolerance_days: int = number(
        7, low=0, high=365, help="buy again: days late that are still due, not overdue"
    )
    buy_again_shrinkage: float = number(
        1.0, low=0, high=1_000, help="buy again: pseudo-intervals of the item's median interval"
    )
    buy_again_lapse_intervals: float = number(
        2.0, low=0, high=100, help="buy again: lapsed after this many usual intervals (0: never)"
    )
    buy_again_cutoff: str = field(
        default="",
        metadata={"help": "buy again: cut-off of the check (empty: the last window of data)"},
    )

    def __post_init__(self) -> None:
        """Check the values that depend on each other or on the data set's kind."""
        super().__post_init__()
        if len(set(self.models)) != len(self.models):
            raise ParameterError(f"{WHERE}: parameter `models` repeats a name: {list(self.models)}")
        if len(self.models) < 2:
            raise ParameterError(
                f"{WHERE}: parameter `models` must name at least two models to compare; "
                f"got {list(self.models)}"
            )
        extra = sorted(set(self.model_params) - set(self.models))
        if extra:
            raise ParameterError(
                f"{WHERE}: parameter `model_params` has entries for {extra}, which are not in "
                f"`models` {list(self.models)}"
            )
        from aftersales import models  # the parameters are checked by building them

        try:
            models.make_models(self.models, self.model_params, seed=self.seed)
        except (ParameterError, UnknownNameError, TypeError) as error:
            raise ParameterError(f"{WHERE}: parameter `model_params`: {error}") from None
        check_topn_grids(
            self.export_grids,
            self.models,
            where=WHERE,
            field="export_grids",
            models_field="models",
        )
        if not self.ks or min(self.ks) < 2:
            raise ParameterError(
                f"{WHERE}: parameter `ks` must hold list lengths >= 2 (diversity needs two "
                f"items); got {list(self.ks)}"
            )
        if self.k not in self.ks:
            raise ParameterError(
                f"{WHERE}: parameter `k` ({self.k}) must be one of `ks` {list(self.ks)}"
            )
        if self.export_model != "best" and self.export_model not in self.models:
            raise ParameterError(
                f"{WHERE}: parameter `export_model` is {self.export_model!r}; use 'best' or "
                f"one of `models` {list(self.models)}"
            )
        if self.protocol == "chronological" and self.kind != "transactions":
            raise ParameterError(
                f"{WHERE}: parameter `protocol` is 'chronological', but {self.dataset!r} holds "
                f"{self.kind}; a chronological split needs dated purchases (use 'random')"
            )
        if self.cutoff:
            try:
                stamp = pd.Timestamp(self.cutoff)
            except (TypeError, ValueError):
                stamp = pd.NaT
            if pd.isna(stamp):
                raise ParameterError(
                    f"{WHERE}: parameter `cutoff` must be a date such as '2011-11-09' or empty; "
                    f"got {self.cutoff!r}"
                )
        if self.buy_again and self.kind != "transactions":
            raise ParameterError(
                f"{WHERE}: parameter `buy_again` needs purchase dates of transactions; "
                f"{self.dataset!r} holds {self.kind} (set it false)"
            )
        if self.buy_again_cutoff and pd.isna(
            pd.to_datetime(self.buy_again_cutoff, errors="coerce")
        ):
            raise ParameterError(
                f"{WHERE}: parameter `buy_again_cutoff` must be a date (YYYY-MM-DD) or empty; "
                f"got {self.buy_again_cutoff!r}"
            )
        if self.groups == "segment" and self.kind != "transactions":
            raise ParameterError(
                f"{WHERE}: parameter `groups` is 'segment', but {self.dataset!r} holds "
                f"{self.kind}; RFM segments need transactions (use 'activity')"
            )

    @property
    def kind(self) -> str:
        """What the data set holds: ``"ratings"`` or ``"transactions"``."""
        return _datasets.kind(self.dataset)

    @property
    def grouping(self) -> str:
        """The breakdown used: ``"segment"`` or ``"activity"`` (``groups="auto"`` resolved)."""
        if self.groups != "auto":
            return self.groups
        return "segment" if self.kind == "transactions" else "activity"

    @property
    def group_label(self) -> str:
        """What the groups of the breakdown are, for labels."""
        return "RFM segment" if self.grouping == "segment" else "activity bucket (training rows)"

    @property
    def chosen_protocol(self) -> str:
        """The protocol evaluated (``protocol="auto"`` resolved by the data set's kind)."""
        if self.protocol != "auto":
            return self.protocol
        return "chronological" if self.kind == "transactions" else "random"

    @property
    def contrast_protocol(self) -> str | None:
        """The other protocol run for the side-by-side table, or None (ratings, or off)."""
        if self.kind != "transactions" or self.contrast_models == 0:
            return None
        return "random" if self.chosen_protocol == "chronological" else "chronological"

    @property
    def verb(self) -> str:
        """What a customer did with an item, for the explanations: bought or rated."""
        return "bought" if self.kind == "transactions" else "rated"

    @property
    def rating_models(self) -> tuple[str, ...]:
        """The compared models that predict ratings (Surprise)."""
        return tuple(m for m in self.models if m not in RANKING_ONLY_MODELS)

    @property
    def ranking_models(self) -> tuple[str, ...]:
        """The compared models that only rank (top-N, frequently bought together)."""
        return tuple(m for m in self.models if m in RANKING_ONLY_MODELS)
