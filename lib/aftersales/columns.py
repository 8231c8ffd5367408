"""Canonical column names: the only place a column name is spelled.

Every loader renames its source columns to these names at the boundary, and every
function in the package refers to columns through these constants.
"""

from __future__ import annotations

# Explicit ratings (MovieLens and own rating files).
USER = "user_id"
ITEM = "item_id"
RATING = "rating"
TIMESTAMP = "timestamp"
TITLE = "title"
GENRES = "genres"
CATEGORY = "category"  # optional item category of own data (content features)

# Retail transactions (Online Retail and own transaction files).
INVOICE = "invoice_id"
DESCRIPTION = "description"
QUANTITY = "quantity"
UNIT_PRICE = "unit_price"
CUSTOMER = "customer_id"
COUNTRY = "country"
REVENUE = "revenue"

# Customer x item interactions aggregated from transactions.
PURCHASE_COUNT = "purchase_count"
TOTAL_QUANTITY = "total_quantity"
FIRST_PURCHASE = "first_purchase"
LAST_PURCHASE = "last_purchase"
WEIGHT = "weight"

# Buy again (aftersales.replenish): a customer's repeat purchases of one item and their schedule.
PURCHASE_DAYS = "purchase_days"
N_INTERVALS = "n_intervals"
OWN_INTERVAL = "own_interval_days"
ITEM_INTERVAL = "item_interval_days"
USUAL_INTERVAL = "usual_interval_days"
EXPECTED_DATE = "expected_date"
DAYS_SINCE = "days_since_last"
DAYS_OVERDUE = "days_overdue"
STATUS = "status"
EVIDENCE = "evidence"
METHOD = "method"
N_DUE = "n_due"
N_HITS = "n_hits"
N_BOUGHT = "n_bought"
PRECISION = "precision"
RECALL = "recall"

# Audit trail of cleaning steps.
STEP = "step"
RULE = "rule"
ROWS_IN = "rows_in"
ROWS_OUT = "rows_out"
DROPPED = "dropped"
REASON = "reason"

# Customer segmentation and lifetime value.
RECENCY = "recency"
FREQUENCY = "frequency"
MONETARY = "monetary"
TENURE = "tenure"
T = "T"
R_SCORE = "r_score"
F_SCORE = "f_score"
M_SCORE = "m_score"
RFM_CODE = "rfm_code"
SEGMENT = "segment"
CLUSTER = "cluster"
CLV = "clv"
EXPECTED_PURCHASES = "expected_purchases"
P_ALIVE = "p_alive"
ACTION = "action"
CUSTOMER_KEY = "customer_key"

# Predictions, rankings and evaluation results.
ESTIMATE = "estimate"
SCORE = "score"
RANK = "rank"
MODEL = "model"
METRIC = "metric"
K = "k"
VALUE = "value"
MEAN = "mean"
CI_LOW = "ci_low"
CI_HIGH = "ci_high"
FOLD = "fold"
FIT_TIME = "fit_time"
ROUTE = "route"
PREDICT_TIME = "predict_time"

RATINGS_COLUMNS: tuple[str, ...] = (USER, ITEM, RATING, TIMESTAMP)
"""Columns every ratings frame has, in this order (item metadata may follow)."""

TRANSACTIONS_COLUMNS: tuple[str, ...] = (
    INVOICE,
    ITEM,
    DESCRIPTION,
    QUANTITY,
    UNIT_PRICE,
    TIMESTAMP,
    CUSTOMER,
    COUNTRY,
)
"""Columns every transactions frame has, in this order."""

AUDIT_COLUMNS: tuple[str, ...] = (STEP, RULE, ROWS_IN, ROWS_OUT, DROPPED, REASON)
"""Columns of a cleaning audit table."""

# Returns: cancellation lines matched to the purchases they reverse (aftersales.clean.net_returns).
RETURN_INVOICE = "return_invoice_id"
RETURN_TIMESTAMP = "return_timestamp"
DAYS_TO_RETURN = "days_to_return"
MATCH = "match"
IS_RETURN = "is_return"  # an own export's return flag column, when it marks returns by a flag

RETURNS_COLUMNS: tuple[str, ...] = (
    RETURN_INVOICE,
    INVOICE,
    CUSTOMER,
    ITEM,
    RETURN_TIMESTAMP,
    TIMESTAMP,
    QUANTITY,
    VALUE,
    DAYS_TO_RETURN,
    MATCH,
)
"""Columns of a returns table, in this order (``VALUE`` is defined with the evaluation names)."""

# Market-basket analysis: frequent itemsets and association rules (mlxtend's names).
ITEMSETS = "itemsets"
SUPPORT = "support"
ANTECEDENTS = "antecedents"
CONSEQUENTS = "consequents"
ANTECEDENT_SUPPORT = "antecedent support"
CONSEQUENT_SUPPORT = "consequent support"
CONFIDENCE = "confidence"
LIFT = "lift"
LEVERAGE = "leverage"
CONVICTION = "conviction"
ANTECEDENT_DESCRIPTIONS = "antecedent descriptions"
CONSEQUENT_DESCRIPTIONS = "consequent descriptions"

ITEMSET_COLUMNS: tuple[str, ...] = (SUPPORT, ITEMSETS)
"""Columns of a frequent-itemsets frame (mlxtend's ``fpgrowth`` output)."""

RULE_COLUMNS: tuple[str, ...] = (
    ANTECEDENTS,
    CONSEQUENTS,
    ANTECEDENT_SUPPORT,
    CONSEQUENT_SUPPORT,
    SUPPORT,
    CONFIDENCE,
    LIFT,
    LEVERAGE,
    CONVICTION,
)
"""Columns every association-rules frame has, in this order (descriptions may follow)."""

# Segment and cluster summaries, k selection and calibration/holdout checks.
N_CUSTOMERS = "n_customers"
CUSTOMER_SHARE = "customer_share"
REVENUE_SHARE = "revenue_share"
SILHOUETTE = "silhouette"
INERTIA = "inertia"
EXPECTED_SPEND = "expected_spend"
PREDICTED = "predicted"
ACTUAL = "actual"

# Counts of rows per code in cleaning tables (e.g. non-product stock codes found in the data).
N_ROWS = "n_rows"

# Experiment timings, summaries and paired significance tests (aftersales.evaluate).
RANK_TIME = "rank_time"
N_USERS = "n_users"
N_ITEMS = "n_items"
N_EXCLUDED = "n_excluded"
BEST = "best"
TEST = "test"
STATISTIC = "statistic"
P_VALUE = "p_value"
P_ADJUSTED = "p_adjusted"
N_PAIRS = "n_pairs"
DIFFERENCE = "difference"
SIGNIFICANT = "significant"

# Neighbourhood explanations of recommendations (aftersales.models, aftersales.usercf).
ITEM_NAME = "item_name"
NEIGHBOR = "neighbor"
NEIGHBOR_NAME = "neighbor_name"
SIMILARITY = "similarity"
NEIGHBOR_RATING = "neighbor_rating"
N_NEIGHBORS = "n_neighbors"
SHARE = "share"

# Segment action plans and fitted-model parameter tables (aftersales.clv).
CLV_SHARE = "clv_share"
PARAMETER = "parameter"

# Market-basket comparisons and cross-sell tables (notebook 03.01, aftersales.basket).
FOUND_IN = "found_in"
CROSS_SELL_ITEM = "cross_sell_item_id"
CROSS_SELL_DESCRIPTION = "cross_sell_description"

# One-parameter sweeps of a model (aftersales.evaluate.sweep): the parameter's value.
SETTING = "setting"

# Per-group model comparison and the recommendation export (aftersales.evaluate, notebook 04.00).
GROUP = "group"
MARKER = "marker"
RUNNER_UP = "runner_up"
RUNNER_UP_MEAN = "runner_up_mean"
EXPLANATION = "explanation"

# Top-N explanations (a top-N model's explain): a training item's part of an item's score.
CONTRIBUTION = "contribution"
# Example top-N lists (aftersales.topn.examples): whether the user has the item in the test set.
HIT = "hit"

# Returns analysis (aftersales.returns, notebook 03.03): gross units and value sold, matched
# returns, their rates and the customers whose return share is unusually high.
SOLD_UNITS = "sold_units"
RETURNED_UNITS = "returned_units"
UNIT_RATE = "unit_rate"
SOLD_VALUE = "sold_value"
RETURNED_VALUE = "returned_value"
VALUE_RATE = "value_rate"
UNIT_CI_LOW = "unit_ci_low"
UNIT_CI_HIGH = "unit_ci_high"
VALUE_CI_LOW = "value_ci_low"
VALUE_CI_HIGH = "value_ci_high"
N_PURCHASES = "n_purchases"
RETURN_SHARE = "return_share"
FLAGGED = "flagged"
N_FLAGGED = "n_flagged"
FLAGGED_RETURNED_VALUE = "flagged_returned_value"
FLAGGED_NET_VALUE = "flagged_net_value"
QUANTILE = "quantile"
DAYS = "days"
GROSS_MONETARY = "gross_monetary"
GROSS_RANK = "gross_rank"
GROSS_SEGMENT = "gross_segment"
NET_MONETARY = "net_monetary"
NET_RANK = "net_rank"
NET_SEGMENT = "net_segment"
N_BEFORE = "n_before"
N_AFTER = "n_after"

# Parameter searches and the published-table check (aftersales.evaluate).
COMBINATION = "combination"
STD = "std"
OURS = "ours"
PUBLISHED = "published"

# Neighbourhood CF studies (aftersales.evaluate, notebook 02.00): user- or item-based, the measure.
BASIS = "basis"
SIMILARITY_MEASURE = "similarity_measure"
# One customer's rows in each part of a split (aftersales.models.customer_summary).
TRAIN_ROWS = "train_rows"
TEST_ROWS = "test_rows"

# Item content and cold start (02.03).
TEXT = "text"
CATEGORIES = "categories"
FEATURE = "feature"
TERMS = "shared_terms"
NEIGHBOR_DATE = "neighbor_date"
SCENARIO = "scenario"

# The integrated customer store (aftersales.store): order lines, orders, products, rule items.
LINE_NO = "line_no"
KEPT = "kept"
CANCELLED = "cancelled"
N_LINES = "n_lines"
N_ORDERS = "n_orders"
PRODUCT_NAME = "name"
PRICE_BAND = "price_band"
TOP_TERMS = "top_terms"
TERM = "term"
RULE_ID = "rule_id"
SIDE = "side"

# Campaigns (aftersales.campaign, notebook 04.01): one row per customer of a randomised campaign.
TREATMENT = "treatment"  # the arm a customer was randomised to
OUTCOME = "outcome"  # the campaign's outcome (0/1 from yes/no text, or a number)
VISIT = "visit"  # optional second outcome (Hillstrom: visited the site)
SPEND = "spend"  # optional money spent in the outcome window
ARM = "arm"
CONTROL = "control"  # customers per arm: CUSTOMERS, declared with retention's names below
DIFF_LOW = "difference_low"
DIFF_HIGH = "difference_high"
COVARIATE = "covariate"
SMD = "smd"
UPLIFT = "uplift"
FRACTION = "fraction"
QINI = "qini"
RANDOM = "random"
PROFIT = "profit"

# Retention (aftersales.retention, notebook 03.04): labels, features, scores and the contact list.
CUSTOMERS = "customers"
REPEAT_RATE = "repeat_rate"
BUYS_AGAIN = "buys_again"
AT_RISK = "at_risk"
RISK = "risk"
MEAN_GAP = "mean_gap_days"
MEDIAN_GAP = "median_gap_days"
GAP_RATIO = "gap_ratio"
BASKET_UNITS = "basket_units"
BASKET_VALUE = "basket_value"
N_PRODUCTS = "n_products"
TOP_PRODUCT_SHARE = "top_product_share"
AUC = "auc"
AVERAGE_PRECISION = "average_precision"
BRIER = "brier"
POSITIVE_RATE = "positive_rate"
TARGETED_SHARE = "targeted_share"
GAIN = "gain"
MEAN_PREDICTED = "mean_predicted"
OBSERVED_RATE = "observed_rate"
VALUE_AT_RISK = "value_at_risk"
SPLIT = "split"
AP_CI_LOW = "ap_ci_low"
AP_CI_HIGH = "ap_ci_high"

# Scale-out measurements (aftersales.scale): one row per data size and engine.
SCALE = "scale"
ENGINE = "engine"
SECONDS = "seconds"
PEAK_MIB = "peak_mib"
SCALE_COLUMNS: tuple[str, ...] = (
    SCALE,
    ENGINE,
    N_LINES,
    STATUS,
    SECONDS,
    PEAK_MIB,
    KEPT,
    N_PAIRS,
    N_CUSTOMERS,
    REASON,
)
