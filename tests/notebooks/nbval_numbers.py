"""A pytest plugin for nbval: compare the numbers in notebook outputs with a stated tolerance.

nbval compares outputs as exact text, so a value that lands near a rounding boundary (0.06735)
prints as 0.0674 on one CPU and 0.0673 on another: numpy's SIMD dispatch and OpenBLAS's kernels
differ in the last bits. This plugin keeps nbval as the runner and changes only what "equal"
means for text outputs (``text/plain``, ``text/html`` and the ``stdout``/``stderr`` streams):
both texts, after nbval's sanitisers, are split into a skeleton (the text between numbers) and
number tokens. They match when the skeletons are identical (runs of spaces and tabs count as one
space, because a table pads its columns to its widest number) and every pair of numbers agrees:

- an integer (no decimal point, no exponent) must be equal: counts are exact;
- a decimal shown with ``d`` decimals may differ by one unit of its last shown digit (a value
  at a rounding boundary flips by one unit), plus ``rtol * max(|a|, |b|)``;
- ``nan`` only matches ``nan``, ``inf`` only an infinity of the same sign.

An output that does not match is left alone, so nbval reports it with its usual diff. Load the
plugin with ``-p nbval_numbers`` (this folder on ``PYTHONPATH``, as the Makefile's ``test``
target does); ``--nbval-rtol`` overrides the default tolerance.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

RTOL = 1e-6
"""Default relative tolerance on top of one unit of the last shown digit.

Measured with ``bench/nbval_drift.py`` (2 cores, AMD EPYC, AVX2): one OpenBLAS thread, another
OpenBLAS core type and numpy's SIMD dispatch switched off change 4e4 to 1e5 of 6e5 probe values
bitwise, by at most 7e-10 relative in float64 BLAS and 2.7e-7 in float32 exp/log (2 float32
ulps); rtol covers the float32 case with a factor 4 of margin. In the notebooks, none of 6,422
printed numbers outside 03.00 moved under any setting (the rounding absorbs it here; another CPU
model flips values at a rounding boundary, which the unit term covers). 1e-6 still fails
221479.81 -> 221477.95 (8.4e-6 relative): 03.00's BG/NBD optimiser drifting, a real change.
"""

TEXT_KEYS = frozenset({"text/plain", "text/html", "stdout", "stderr"})
"""Output keys compared with tolerance: nbval's MIME keys, and stream names for streams."""

_NUMBER = re.compile(
    r"""
    (?<![\w.])                          # not inside a word, an identifier or a dotted version
    (?P<sign>[-+]?)
    (?:
        (?P<nonfinite>nan|inf(?:inity)?)
      | (?P<digits>\d{1,3}(?:,\d{3})+|\d+)  # 1,234,567 or 1234567
        (?:\.(?P<frac>\d+))?
        (?:[eE](?P<exp>[-+]?\d+))?
    )
    (?!\w|\.\d)                         # ... and not continued by one
    """,
    re.VERBOSE | re.IGNORECASE,
)
_BLANKS = re.compile(r"[ \t]+")


@dataclass(frozen=True)
class Number:
    """One number token as printed.

    Attributes
    ----------
    text : str
        The token as it appears in the output.
    value : Decimal
        Its exact decimal value (``Decimal('NaN')`` or an infinity for non-finite tokens).
    unit : Decimal or None
        One unit of the last shown digit, or None for integers (which must match exactly).
    """

    text: str
    value: Decimal
    unit: Decimal | None


def parse(text: str) -> tuple[list[str], list[Number]]:
    """Split a text into its skeleton and its number tokens.

    Parameters
    ----------
    text : str
        An output text (plain, HTML or a stream).

    Returns
    -------
    tuple of (list of str, list of Number)
        ``len(numbers) + 1`` skeleton pieces (blanks collapsed) around the numbers.
    """
    skeleton: list[str] = []
    numbers: list[Number] = []
    start = 0
    for match in _NUMBER.finditer(text):
        skeleton.append(_BLANKS.sub(" ", text[start : match.start()]))
        numbers.append(_number(match))
        start = match.end()
    skeleton.append(_BLANKS.sub(" ", text[start:]))
    return skeleton, numbers


def _number(match: re.Match[str]) -> Number:
    sign = "-" if match["sign"] == "-" else ""
    if match["nonfinite"]:
        word = "NaN" if match["nonfinite"].lower() == "nan" else f"{sign}Infinity"
        return Number(match[0], Decimal(word), None)
    frac = match["frac"]
    exp = int(match["exp"]) if match["exp"] is not None else None
    mantissa = match["digits"].replace(",", "") + (f".{frac}" if frac is not None else "")
    value = Decimal(f"{sign}{mantissa}").scaleb(exp or 0)
    if frac is None and exp is None:
        return Number(match[0], value, None)
    return Number(match[0], value, Decimal(1).scaleb((exp or 0) - len(frac or "")))


def numbers_agree(a: Number, b: Number, rtol: float) -> bool:
    """Say whether two printed numbers agree within tolerance.

    Parameters
    ----------
    a, b : Number
        The reference and the re-computed token.
    rtol : float
        Relative tolerance added to one unit of the coarser last shown digit.

    Returns
    -------
    bool
        True when equal as text, or both decimals and
        ``|a - b| <= max(unit_a, unit_b) + rtol * max(|a|, |b|)``.
    """
    if a.text == b.text:
        return True
    if a.value.is_nan() or b.value.is_nan():
        return a.value.is_nan() and b.value.is_nan()
    if a.value.is_infinite() or b.value.is_infinite():
        return a.value == b.value
    if a.unit is None or b.unit is None:
        # An integer against an integer is exact (1,234 == 1234); against a decimal, a type change.
        return a.unit is None and b.unit is None and a.value == b.value
    bound = max(a.unit, b.unit) + Decimal(rtol) * max(abs(a.value), abs(b.value))
    return abs(a.value - b.value) <= bound


def texts_agree(reference: str, test: str, rtol: float = RTOL) -> bool:
    """Say whether a re-computed output text matches its reference within tolerance.

    Parameters
    ----------
    reference : str
        The output stored in the notebook (after sanitising).
    test : str
        The output of the re-execution (after sanitising).
    rtol : float, default RTOL
        Relative tolerance, see `numbers_agree`.

    Returns
    -------
    bool
        True when the skeletons are identical and every pair of numbers agrees.

    Raises
    ------
    ValueError
        If ``rtol`` is negative or not finite.
    """
    if not 0 <= rtol < float("inf"):
        raise ValueError(f"rtol must be a finite number >= 0, got {rtol!r}")
    if reference == test:
        return True
    ref_skeleton, ref_numbers = parse(reference)
    test_skeleton, test_numbers = parse(test)
    if ref_skeleton != test_skeleton:
        return False
    return all(numbers_agree(a, b, rtol) for a, b in zip(ref_numbers, test_numbers, strict=True))


def largest_relative_change(reference: str, test: str) -> float:
    """Return the largest relative change between paired numbers of two parsable texts.

    Parameters
    ----------
    reference, test : str
        Texts with identical skeletons.

    Returns
    -------
    float
        ``max |a - b| / max(|a|, |b|)`` over finite pairs (0.0 when none differ).
    """
    worst = 0.0
    for a, b in zip(parse(reference)[1], parse(test)[1], strict=False):
        if a.value.is_finite() and b.value.is_finite() and a.value != b.value:
            worst = max(worst, float(abs(a.value - b.value) / max(abs(a.value), abs(b.value))))
    return worst


# --- nbval integration -----------------------------------------------------------------------


def slots(outputs: Sequence[Any]) -> dict[str, list[tuple[int, str | None]]]:
    """Find every value an output list holds under nbval's comparison key, in nbval's order.

    Parameters
    ----------
    outputs : sequence of dict-like
        A cell's outputs, streams coalesced as nbval does.

    Returns
    -------
    dict
        Per key (MIME type, or stream name for a stream), ``(output index, MIME type or None)``
        for each value; nbval compares the n-th value of a key with the n-th of the reference.
    """
    slots: dict[str, list[tuple[int, str | None]]] = defaultdict(list)
    for index, output in enumerate(outputs):
        if output.get("output_type") == "stream":
            slots[output["name"]].append((index, None))
        else:
            for mime in output.get("data", {}):
                slots[mime].append((index, mime))
    return slots


def text_of(output: Any, mime: str | None) -> Any:
    """Return the value `slots` located: a stream's text or one MIME type's data."""
    return output["text"] if mime is None else output["data"][mime]


def reconcile(
    test: Sequence[Any],
    reference: Sequence[Any],
    sanitize: Callable[[Any], Any],
    rtol: float,
) -> tuple[list[Any], list[float]]:
    """Replace each test text that matches its reference within tolerance by the reference.

    nbval pairs outputs per key (MIME type or stream name) in order; so does this. An output
    that does not match stays as it was, for nbval to report.

    Parameters
    ----------
    test, reference : sequence of dict-like
        The re-computed outputs and the stored ones (nbval's coalesced output lists).
    sanitize : callable
        nbval's sanitiser for this cell, applied before comparing.
    rtol : float
        Relative tolerance, see `numbers_agree`.

    Returns
    -------
    tuple of (list, list of float)
        The new test outputs (changed outputs are copies) and, per replaced text, the largest
        relative change of its numbers.
    """
    new = list(test)
    changes: list[float] = []
    test_slots, ref_slots = slots(test), slots(reference)
    for key in TEXT_KEYS & test_slots.keys() & ref_slots.keys():
        for (ti, tmime), (ri, rmime) in zip(test_slots[key], ref_slots[key], strict=False):
            got, want = text_of(new[ti], tmime), text_of(reference[ri], rmime)
            if not (isinstance(got, str) and isinstance(want, str)):
                continue
            clean_got, clean_want = sanitize(got), sanitize(want)
            if clean_got == clean_want or not texts_agree(clean_want, clean_got, rtol):
                continue
            changes.append(largest_relative_change(clean_want, clean_got))
            copy = type(new[ti])(new[ti])
            if tmime is None:
                copy["text"] = want
            else:
                copy["data"] = type(copy["data"])(copy["data"])
                copy["data"][tmime] = want
            new[ti] = copy
    return new, changes


_STATE: dict[str, Any] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--nbval-rtol``."""
    parser.getgroup("nbval").addoption(
        "--nbval-rtol",
        type=float,
        default=RTOL,
        help=f"relative tolerance for numbers in notebook outputs (default {RTOL:g}), "
        "on top of one unit of the last shown digit; integers always match exactly",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Wrap nbval's output comparison so that text outputs compare numbers with tolerance."""
    from nbval.plugin import IPyNbCell

    rtol = config.getoption("nbval_rtol")
    if not 0 <= rtol < float("inf"):
        raise pytest.UsageError(f"--nbval-rtol must be a finite number >= 0, got {rtol}")
    original = IPyNbCell.compare_outputs
    tolerated: list[tuple[str, int, float]] = []

    def compare_outputs(self, test, ref, skip_compare=None):
        test, changes = reconcile(test, ref, self.sanitize, rtol)
        if changes:
            tolerated.append((self.nodeid, len(changes), max(changes)))
        return original(self, test, ref, skip_compare)

    IPyNbCell.compare_outputs = compare_outputs
    _STATE.update(original=original, tolerated=tolerated, rtol=rtol)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Put nbval's own comparison back."""
    if "original" in _STATE:
        from nbval.plugin import IPyNbCell

        IPyNbCell.compare_outputs = _STATE.pop("original")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say how many cells matched only within tolerance, and the largest change."""
    tolerated = _STATE.get("tolerated")
    if not tolerated:
        return
    nodeid, _, worst = max(tolerated, key=lambda item: item[2])
    terminalreporter.write_line(
        f"nbval_numbers: {len(tolerated)} cell(s) matched within tolerance "
        f"(rtol={_STATE['rtol']:g} + one unit of the last digit); largest relative change "
        f"{worst:.3g} in {nodeid}"
    )
