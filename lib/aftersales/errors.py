"""Exception types raised by the workbench.

Each subclasses a built-in (``ValueError``, ``KeyError`` or ``OSError``) so callers that
already catch those keep working, and each message names the file, column, parameter or
row at fault and what was expected.
"""

from __future__ import annotations


class AftersalesError(Exception):
    """Base class of every error the workbench raises on purpose."""


class DataValidationError(AftersalesError, ValueError):
    """Input data does not satisfy its schema (missing column, bad values, empty file)."""


class AmbiguousDatesError(DataValidationError):
    """Dates read two ways (day-first or month-first) and nothing declares which one.

    Raised rather than guessing: the message names the column, shows both readings of the
    first examples and says how to declare ``date_format`` or ``dayfirst``.
    """


class UnknownNameError(AftersalesError, KeyError):
    """A name (data set, model, scheme, splitter) is not registered; lists the valid ones."""

    def __str__(self) -> str:
        # KeyError quotes its argument; show the message as written.
        return str(self.args[0]) if self.args else ""


class ParameterError(AftersalesError, ValueError):
    """A parameter is unknown, of the wrong type or out of range."""


class DataUnavailableError(AftersalesError, OSError):
    """A data set could be found neither in the cache, the mirror nor upstream."""


class IntegrityError(AftersalesError, ValueError):
    """A downloaded, mirrored or cached file failed its checksum or content check."""


class WriteError(AftersalesError, OSError):
    """A file or folder could not be written (read-only, full disk, a file in the way).

    The message names the folder, what was being written and the system's reason.
    """


class LockedError(AftersalesError, TimeoutError):
    """Another process holds a lock (a run of the same params, a cache being prepared).

    The message names the lock, what it guards and its holder (process id, host, start).
    """


class RankingOnlyError(AftersalesError, NotImplementedError):
    """A top-N model was asked for a rating estimate; it only orders items.

    Raised by ``predict``, ``estimate`` and ``test`` of every :mod:`aftersales.topn`
    model: their scores rank a user's items but are not ratings on any scale.
    """


class MemoryBudgetError(AftersalesError, MemoryError):
    """A fit would need more memory than its budget allows; refused before allocating.

    The message gives the estimated peak, the budget (``memory_budget``) and the
    alternatives that fit (e.g. item-kNN or ALS instead of a dense EASE).
    """


class ConvergenceWarning(RuntimeWarning):
    """A model fit stopped before its optimiser met the first-order conditions.

    The estimates are returned (their ``converged`` attribute is false) but may depend on
    the starting point and on the CPU; the message gives the gradient norm reached.
    """


class StoreMissingError(AftersalesError, FileNotFoundError):
    """A run folder has no customer store (or is no run folder); says how to build one."""


class StoreVersionError(AftersalesError, ValueError):
    """A customer store was built under another schema version; says how to rebuild it."""


class StoreReadOnlyError(AftersalesError, PermissionError):
    """SQL that writes was sent to a store opened read-only (the CLI, ``connect``)."""


class StoreQueryError(AftersalesError, ValueError):
    """A query failed; the message is DuckDB's own (syntax, unknown table or column)."""


class UnknownCustomerError(AftersalesError, KeyError):
    """A customer key is not in the store; the message shows how keys look."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class EngineUnavailableError(AftersalesError, RuntimeError):
    """An engine's software is missing (pyspark, or Java 17 for Spark); says how to install it."""


class EngineConnectionError(AftersalesError, ConnectionError):
    """The Spark master could not be reached in time; names its address."""


class EngineMemoryError(AftersalesError, MemoryError):
    """Spark ran out of memory; names the parameter that sets it (``spark_driver_memory``)."""


class SchemaMismatchError(DataValidationError):
    """The Parquet files of one folder disagree on their columns; names the files and columns."""


__all__ = [
    "AftersalesError",
    "AmbiguousDatesError",
    "ConvergenceWarning",
    "DataUnavailableError",
    "DataValidationError",
    "EngineConnectionError",
    "EngineMemoryError",
    "EngineUnavailableError",
    "IntegrityError",
    "LockedError",
    "MemoryBudgetError",
    "ParameterError",
    "RankingOnlyError",
    "SchemaMismatchError",
    "StoreMissingError",
    "StoreQueryError",
    "StoreReadOnlyError",
    "StoreVersionError",
    "UnknownCustomerError",
    "UnknownNameError",
    "WriteError",
]
