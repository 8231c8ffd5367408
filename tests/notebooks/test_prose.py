"""The canonical notebooks' prose quotes no number of a particular run (issue #12).

A finding with numbers in it is rendered from the run's result frames by `aftersales.narrate`
(a Markdown output), so it reads right on every data set and every parameter file. A markdown cell
may still hold digits that do not depend on the run: section and notebook numbers, parameter names
and values in backticks, link targets, issue numbers, and the short list of literature values,
definitions and data-set descriptions below. Anything else is a stale number, and fails here.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from aftersales.report import canonical

CANONICAL = canonical()

# Digits that are not results of a run, each with where it comes from. Whitespace in the
# notebooks is normalised to single spaces before these are removed.
ALLOWED: dict[str, str] = {
    # Data-set descriptions: the publishers' names, periods and counts.
    "MovieLens 100K": "the data set's name (GroupLens)",
    "100,000": "MovieLens 100K holds 100,000 ratings (GroupLens README)",
    "2010-2011": "Online Retail's period (UCI data set description)",
    "December 2010 to December 2011": "Online Retail's period (UCI data set description)",
    # Literature: issue #7's reported values and targets for movielens-100k top-N.
    "precision@10 0.089": "issue #7: Surprise SVD's reported precision@10",
    "0.34-0.41": "issue #7: the published range of top-N precision@10",
    "precision@10 0.41, NDCG@10 0.47": "issue #7: the target, top of the published range",
    "under 10 s": "issue #7: the target fit time",
    "75/25": "issue #7's item-stratified split",
    "25 %": "issue #7's test and validation share",
    # Literature: Surprise's documented defaults and its published benchmark protocol.
    "Surprise's default of 20 epochs": "Surprise SVD: n_epochs=20 (Surprise docs)",
    "Surprise's default of 100 factors": "Surprise SVD: n_factors=100 (Surprise docs)",
    "Surprise's default shrinkage of 100": "Surprise pearson_baseline: shrinkage=100",
    "5-fold": "Surprise README benchmark: 5-fold cross-validation",
    "seeded with 0": "Surprise README benchmark: random_state=0",
    "(Fader, Hardie and Lee 2005)": "the BG/NBD paper's citation",
    # Definitions that hold for every run.
    "1-5": "the rating scale and the RFM quintile scores",
    "(5 = most recent, most frequent": "definition of the RFM scores",
    "95 %": "the confidence level of every interval",
    "(1: independent)": "definition of lift",
    "1 is perfect, 0 means on the border": "definition of the silhouette",
    "16 hex characters": "the pseudonym format of aftersales.privacy",
    "-log2": "definition of novelty",
    "L2 regularisation": "the name of the penalty",
    "shrunk towards 0": "definition of Surprise's shrunk similarity",
    "unrated as 0": "definition of UserCosineCF's cosine",
    "add up to 1": "definition of the shares of an explanation",
    "confidence 0": "a rule never seen in a group",
    "one- or two-time": "plain words",
    "Customer 360": "notebook 03.02's name: the whole-customer view",
}

# Digits that are structure, not content: removed before the scan.
STRUCTURE = [
    re.compile(r"`[^`]*`"),  # code: parameter names and values, file names, calls
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"^#+ \d+(\.\d+)*\.? ", re.MULTILINE),  # section headings `## 3.`
    re.compile(r"^# \d\d\.\d\d ", re.MULTILINE),  # notebook titles `# 02.01 ...`
    re.compile(r"\b\d\d\.\d\d\b"),  # notebook numbers `02.01`
    re.compile(r"#\d+"),  # issue numbers
    re.compile(r"\bmovielens-100k\b"),  # the registered data set's name
    re.compile(r"\bsections? \d+(\.\d+)*"),  # cross-references to sections
    re.compile(r"@`?k`?"),  # metric@k
]


def stale_numbers(markdown: str) -> list[str]:
    """Each digit left in a markdown text after the allowed ones, with its context.

    Parameters
    ----------
    markdown : str
        The source of one markdown cell.

    Returns
    -------
    list of str
        About 30 characters around each remaining run of digits; empty when none is left.
    """
    text = markdown
    for pattern in STRUCTURE:
        text = pattern.sub(" ", text)
    text = " ".join(text.split())
    for phrase in sorted(ALLOWED, key=len, reverse=True):
        text = text.replace(phrase, " ")
    return [
        text[max(m.start() - 30, 0) : m.end() + 30] for m in re.finditer(r"\d(?:[\d.,]*\d)?", text)
    ]


def test_scanner_flags_a_quoted_result():
    found = stale_numbers("In the default run SVD scores RMSE 0.935, ahead of `BaselineOnly`.")
    assert found == ["e default run SVD scores RMSE 0.935, ahead of ."]


def test_scanner_passes_structure_and_literature():
    text = (
        "## 3. Neighbourhood size\n\nSee [02.01](02.01-matrix-factorization.ipynb), issue #7 "
        "and section 1.4: `sweep_k` = `[10, 20]`, 95 % intervals, precision@10 0.089."
    )
    assert stale_numbers(text) == []


@pytest.mark.parametrize("number", list(CANONICAL))
def test_markdown_quotes_no_run_result(number):
    nb = nbformat.read(CANONICAL[number], as_version=4)
    stale = {
        index: found
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "markdown" and (found := stale_numbers(cell.source))
    }
    assert not stale, (
        f"{CANONICAL[number].name}: markdown quotes numbers of one run; render them with "
        f"aftersales.narrate or say what to look for instead: {stale}"
    )
