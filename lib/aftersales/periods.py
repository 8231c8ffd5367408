"""Dates given relative to the data: ``-13w`` is 13 weeks before the data's last day.

Date parameters (03.00's ``calibration_end``) default to positions relative to the data
rather than calendar dates of one data set, so a source from another year runs with the
defaults. A relative spec is a minus sign, a whole number and a unit: ``d`` days, ``w``
weeks or ``m`` calendar months (``-13w``, ``-90d``, ``-3m``). An explicit date outside the
data's range stays an error, raised where the data is known.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from aftersales.errors import ParameterError

PATTERN = re.compile(r"^\s*-\s*(?P<count>\d+)\s*(?P<unit>[dwm])\s*$")
"""``-<count><unit>``, unit one of d, w, m."""

UNITS = {"d": "days", "w": "weeks", "m": "months"}
"""Unit letters and what they mean."""


def is_relative(value: object) -> bool:
    """Return whether ``value`` is a relative date spec such as ``"-13w"``.

    Parameters
    ----------
    value : object
        A parameter value.

    Returns
    -------
    bool
        True for a string matching ``-<count><d|w|m>``.
    """
    return isinstance(value, str) and PATTERN.match(value) is not None


def check(value: str, *, name: str) -> str:
    """Return ``value`` when it is a relative spec or a date; raise naming the parameter.

    Parameters
    ----------
    value : str
        A relative spec (``"-13w"``) or a date (``"2011-09-09"``).
    name : str
        The parameter, for the message.

    Returns
    -------
    str
        ``value`` itself.

    Raises
    ------
    ParameterError
        If it is neither.
    """
    if is_relative(value):
        return value
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        stamp = pd.NaT
    if not isinstance(value, str) or not value.strip() or stamp is pd.NaT:
        raise ParameterError(
            f"parameter `{name}` must be a date such as '2011-09-09' or a position relative "
            f"to the data's last day such as '-13w' (d days, w weeks, m months); got {value!r}"
        )
    return value


def shift_day(day: int, spec: str) -> int:
    """Return the day number ``spec`` before ``day``.

    Parameters
    ----------
    day : int
        Days since 1970-01-01 (the anchor, e.g. the data's last day).
    spec : str
        A relative spec such as ``"-13w"``.

    Returns
    -------
    int
        The shifted day number; months are calendar months (clipped to the month's end).

    Raises
    ------
    ParameterError
        If ``spec`` is not a relative spec.
    """
    match = PATTERN.match(spec) if isinstance(spec, str) else None
    if match is None:
        raise ParameterError(f"{spec!r} is not a relative date such as '-13w'")
    count, unit = int(match["count"]), match["unit"]
    if unit == "d":
        return day - count
    if unit == "w":
        return day - 7 * count
    anchor = pd.Timestamp(np.datetime64(int(day), "D"))
    shifted = anchor - pd.DateOffset(months=count)
    return int(np.datetime64(shifted.to_datetime64(), "D").astype(np.int64))
