"""The names an option can take, declared once for the package that implements them and for params.

A splitter, a model, a metric or a segment is implemented in its domain package, but its *name*
is also what a notebook parameter is checked against. Both import the names from here, so
:mod:`aftersales.params` can check a parameter without importing the package that implements
it (Surprise, implicit, mlxtend...), and no name list is written twice. The module imports
nothing; a registry that maps names to implementations builds its mapping from these tuples.
"""

from __future__ import annotations

# Cleaning and preparation (aftersales.clean, interactions, split, prepare)
DUPLICATE_POLICIES: tuple[str, ...] = ("latest", "mean")
"""Repeated (user, item) ratings: keep the latest, or their mean."""

EXTREME_METHODS: tuple[str, ...] = ("above", "quantile", "log_iqr")
"""Rules of :class:`aftersales.clean.ExtremeQuantity` that flag bulk-order lines."""

RETURNS_MODES: tuple[str, ...] = ("net", "ignore")
"""``net``: match and net cancellations; ``ignore``: drop them (the behaviour before netting)."""

RATING_SCHEMES: tuple[str, ...] = ("frequency_quantile", "quantity_quantile", "log_count")
"""How retail (customer, item) pairs become 1-5 ratings (``interactions.RATING_SCHEMES``)."""

WEIGHTS: tuple[str, ...] = ("count", "quantity", "revenue", "binary")
"""Implicit weights of retail pairs (:data:`aftersales.interactions.WEIGHTS`)."""

SPLITTERS: tuple[str, ...] = (
    "random",
    "user_stratified",
    "item_stratified",
    "time",
    "leave_last_n",
)
"""Single train/test splitters (:data:`aftersales.split.SPLITTERS`)."""

ENGINES: tuple[str, ...] = ("pandas", "spark")
"""Engines that run the preparation and the scale-out workloads."""

MAX_FACTOR: float = 1000.0
"""Largest enlargement of a data set (a guard against a typo such as 5000 for 50)."""

# Models (aftersales.models, topn, evaluate)
MODEL_NAMES: tuple[str, ...] = (
    "NormalPredictor",
    "BaselineOnly",
    "KNNBasic",
    "KNNWithMeans",
    "KNNWithZScore",
    "KNNBaseline",
    "SVD",
    "SVDpp",
    "NMF",
    "SlopeOne",
    "CoClustering",
)
"""Surprise's algorithms, by class name (:func:`aftersales.models.make`)."""

SIMILARITIES: tuple[str, ...] = ("cosine", "msd", "pearson", "pearson_baseline")
"""Similarity names Surprise computes (``sim_options["name"]``)."""

KNN_MODELS: tuple[str, ...] = ("KNNBasic", "KNNWithMeans", "KNNWithZScore", "KNNBaseline")
"""Surprise's k-NN algorithms."""

BASES: tuple[str, ...] = ("user", "item")
"""Neighbourhoods of a k-NN model: similar users (user-based) or similar items."""

SEARCH_KINDS: tuple[str, ...] = ("grid", "random")
"""``"grid"`` tries every combination; ``"random"`` samples ``n_iter`` of them."""

PUBLISHED_MODELS: tuple[str, ...] = (
    "SVD",
    "SVDpp",
    "NMF",
    "SlopeOne",
    "KNNBasic",
    "KNNWithMeans",
    "KNNBaseline",
    "CoClustering",
    "BaselineOnly",
    "NormalPredictor",
)
"""Models of Surprise's published MovieLens 100K table (:data:`aftersales.published.PUBLISHED`)."""

CI_MODELS: tuple[str, ...] = tuple(name for name in PUBLISHED_MODELS if name != "SVDpp")
"""The published models the test suite checks (SVD++ takes minutes: reported, not tested)."""

TOPN_MODELS: tuple[str, ...] = (
    "popularity",
    "itemknn",
    "ease",
    "als",
    "bpr",
    "content",
    "hybrid",
)
"""Top-N models (:data:`aftersales.topn.TOPN_MODELS`)."""

BASKET_MODEL: str = "fbt"
"""Name of frequently bought together among the models."""

RANKING_ONLY_MODELS: tuple[str, ...] = (*TOPN_MODELS, BASKET_MODEL)
"""Models that rank only (no rating estimates): evaluated on list metrics."""

ALL_MODELS: tuple[str, ...] = (*MODEL_NAMES, *RANKING_ONLY_MODELS)
"""Every model name the notebooks compare (:func:`aftersales.models.make` builds them all)."""

# Evaluation (aftersales.metrics, evaluate)
RANKING_METRICS: tuple[str, ...] = ("precision", "recall", "ndcg", "map", "hit_rate", "mrr")
"""Names of the ranking metrics, in display order."""

PROTOCOLS: tuple[str, ...] = ("chronological", "random")
"""Evaluation protocols of :func:`aftersales.evaluate.make_protocol`."""

# Customers (aftersales.segment, clv, store)
SEGMENTS: tuple[str, ...] = (
    "Champions",
    "Loyal Customers",
    "Potential Loyalists",
    "New Customers",
    "Promising",
    "Need Attention",
    "About to Sleep",
    "At Risk",
    "Can't Lose Them",
    "Hibernating",
    "Lost",
)
"""RFM segment names, from the most to the least valuable relationship."""

TIME_UNITS: tuple[str, ...] = ("days", "weeks")
"""Time units of recency and T in the lifetime-value models (:data:`aftersales.clv.TIME_UNITS`)."""

CLV_BANDS: tuple[str, ...] = ("any", "top_quarter", "top_half", "bottom_half")
"""Lifetime-value bands a campaign audience of the customer store can ask for."""
