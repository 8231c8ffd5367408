"""What the source design's CF sketch (section 1.4) gets wrong."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd


class SeedFlaw(NamedTuple):
    """One defect of the source design's CF sketch: the code, the problem, the fix."""

    code: str
    problem: str
    fix: str


SEED_DESIGN_FLAWS: tuple[SeedFlaw, ...] = (
    SeedFlaw(
        "user_similarity(data) on 1.4.1's frame",
        "1.4.1 leaves `data` long (one row per rating), so the loop compares rating records "
        "(user_id, item_id, rating triples), not users: the user x item pivot is missing",
        "build the sparse user x item matrix once",
    ),
    SeedFlaw(
        "cosine(data.iloc[i], data.iloc[j])",
        "scipy's `cosine` is a distance (1 - similarity), so `sort_values(ascending=False)` "
        "ranks the LEAST similar users first",
        "similarity = normalised dot product (1 - distance)",
    ),
    SeedFlaw(
        "for j in range(i + 1, ...)",
        "only the upper triangle is filled: `similarity[user_id]` is NaN for every user after "
        "`user_id` (all NaN for the first user), and NaN sorts last",
        "a symmetric similarity matrix",
    ),
    SeedFlaw(
        "similarity.loc[i, j] with positions i, j",
        "positions are used as labels: with user ids 1..n as the index it writes into a new "
        "row/column 0 and shifts every user by one; the empty frame is object dtype",
        "keep positions and ids apart (factorised indices, float arrays)",
    ),
    SeedFlaw(
        "data.iloc[similarity.index[1:top_n]]",
        "returns rows of `data` (the neighbours' rating vectors), not items, and feeds labels "
        "from `similarity.index` to the positional `.iloc`",
        "score items from the neighbours' ratings",
    ),
    SeedFlaw(
        "[1:top_n]",
        "`drop(user_id)` already removed the user, so the slice skips the best neighbour and "
        "returns top_n - 1 rows; one `top_n` serves as both neighbour and item count",
        "separate `k` neighbours and `k` items per user",
    ),
    SeedFlaw(
        "nested Python loop with .iloc/.loc",
        "n(n-1)/2 scipy calls through pandas indexing (444,153 for 943 users), redone at "
        "every call, i.e. for every user recommended",
        "one sparse product per batch of users, fitted once",
    ),
    SeedFlaw(
        "unrated items as 0",
        "a missing rating counts as a rating below 1 star, so cosine rewards users who rated "
        "the same items whatever they thought of them; raw positive ratings make every "
        "similarity >= 0",
        "`center=True` (mean-centred ratings) and `shrinkage` for few co-rated items",
    ),
    SeedFlaw(
        "no exclusion of seen items",
        "items the user already rated or bought come back as recommendations",
        "`exclude_seen=True`",
    ),
)
"""What the source design's ``user_similarity`` / ``collaborative_filtering`` get wrong."""


def seed_flaws() -> pd.DataFrame:
    """Return ``aftersales.usercf.SEED_DESIGN_FLAWS`` as a table.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``problem``, ``fix``: one row per defect of the source design's sketch.
    """
    return pd.DataFrame(SEED_DESIGN_FLAWS, columns=list(SeedFlaw._fields))
