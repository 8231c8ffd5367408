"""The optional extreme-quantity rule (upper tail only; off unless a rule is given)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.choices import EXTREME_METHODS
from aftersales.clean._audit import AuditRow, keep_rows
from aftersales.errors import ParameterError, UnknownNameError


@dataclass(frozen=True)
class ExtremeQuantity:
    """A stated rule that flags a line's quantity as extreme.

    Only the upper tail is flagged (bulk orders such as 80,995 units of one item); the
    threshold is computed on the lines that reach this step and written into the audit.

    Attributes
    ----------
    method : str
        ``"above"``: drop quantity > ``threshold`` (a count of units).
        ``"quantile"``: drop quantity > the ``threshold`` quantile (in (0, 1)) of quantities.
        ``"log_iqr"``: Tukey's fence on log10 quantity: drop
        log10(quantity) > Q3 + ``threshold`` * (Q3 - Q1) (``threshold`` > 0, e.g. 3).
    threshold : float
        The method's parameter (see above).

    Raises
    ------
    UnknownNameError
        If ``method`` is not one of :data:`EXTREME_METHODS`.
    ParameterError
        If ``threshold`` is out of range for the method.
    """

    method: str
    threshold: float

    def __post_init__(self) -> None:
        if self.method not in EXTREME_METHODS:
            raise UnknownNameError(
                f"`method` of ExtremeQuantity must be one of {list(EXTREME_METHODS)}; "
                f"got {self.method!r}"
            )
        value = self.threshold
        if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
            raise ParameterError(f"`threshold` must be a finite number; got {value!r}")
        if self.method == "quantile" and not 0 < value < 1:
            raise ParameterError(f"`threshold` of a 'quantile' rule must be in (0, 1); got {value}")
        if self.method != "quantile" and value <= 0:
            raise ParameterError(f"`threshold` of a {self.method!r} rule must be > 0; got {value}")

    def cutoff(self, quantity: np.ndarray) -> float:
        """Return the quantity above which a line is extreme.

        Parameters
        ----------
        quantity : numpy.ndarray
            Quantities of the lines the rule is applied to.

        Returns
        -------
        float
            The cutoff in units (``inf`` when there are no positive quantities).
        """
        if self.method == "above":
            return float(self.threshold)
        positive = quantity[quantity > 0]
        if positive.size == 0:
            return float("inf")
        if self.method == "quantile":
            return float(np.quantile(positive, self.threshold))
        q1, q3 = np.quantile(np.log10(positive), [0.25, 0.75])
        return float(10 ** (q3 + self.threshold * (q3 - q1)))

    def describe(self) -> str:
        """Return the rule in words, e.g. ``"0.999 quantile"``.

        Returns
        -------
        str
            How the cutoff is derived.
        """
        if self.method == "above":
            return "a fixed cap"
        if self.method == "quantile":
            return f"the {self.threshold:g} quantile of positive quantities"
        return f"log10 Q3 + {self.threshold:g} x IQR of positive quantities"


def drop_extreme_quantities(
    tx: pd.DataFrame, rule: ExtremeQuantity
) -> tuple[pd.DataFrame, AuditRow]:
    """Drop lines whose quantity is above the rule's cutoff.

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions with ``C.QUANTITY``.
    rule : ExtremeQuantity
        How the cutoff is set.

    Returns
    -------
    tuple of (pandas.DataFrame, AuditRow)
        Kept lines and the audit row, whose rule states the cutoff in units.

    Raises
    ------
    DataValidationError
        If the column is missing.
    ParameterError
        If ``rule`` is not an :class:`ExtremeQuantity`.
    """
    if not isinstance(rule, ExtremeQuantity):
        raise ParameterError(
            f"`rule` must be an ExtremeQuantity, e.g. ExtremeQuantity('quantile', 0.999); "
            f"got {rule!r}"
        )
    validate.require_columns(tx, [C.QUANTITY], source="drop_extreme_quantities: `tx`")
    quantity = tx[C.QUANTITY].to_numpy(dtype="float64")
    cutoff = rule.cutoff(quantity)
    return keep_rows(
        tx,
        quantity > cutoff,
        step="extreme_quantity",
        rule=f"`{C.QUANTITY}` > {cutoff:,.6g} ({rule.describe()})",
        reason="bulk outliers would dominate counts and revenue of a few customers",
    )
