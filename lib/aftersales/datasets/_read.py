"""Read an analyst's file as raw columns: one header per column, missing-value markers found.

CSV cells are read as text, untouched; the cells that hold a missing-value marker
(:data:`MISSING_MARKERS`) are then set missing and counted per column, so ``NULL`` or ``NaN``
never becomes a customer called "NULL" and every marker is reported.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import logging
from collections import Counter
from collections.abc import Collection
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.errors import DataValidationError, ParameterError

log = logging.getLogger(__name__)

READERS = {".csv": "csv", ".txt": "csv", ".gz": "csv", ".parquet": "parquet", ".pq": "parquet"}
READERS |= {".xlsx": "excel", ".xls": "excel"}

MISSING_MARKERS: tuple[str, ...] = (
    "",
    "NA",
    "N/A",
    "n/a",
    "NaN",
    "nan",
    "-NaN",
    "-nan",
    "NULL",
    "null",
    "Null",
    "None",
    "none",
    "<NA>",
    "#N/A",
    "#NA",
    "#N/A N/A",
    "NaT",
)
"""Cell texts read as missing (after stripping surrounding white space).

The markers pandas, R, SQL exports and spreadsheets write for a missing value. Pass
``missing_markers=`` to a loader to change the list (e.g. add ``"?"`` or remove ``"NA"``
when it is a real code, such as Namibia's country code)."""


def check_markers(markers: Collection[str]) -> frozenset[str]:
    """Return the markers as a set, refusing anything but a collection of strings.

    Parameters
    ----------
    markers : collection of str
        Cell texts read as missing.

    Returns
    -------
    frozenset of str
        The markers.

    Raises
    ------
    ParameterError
        If ``markers`` is a single string or holds a non-string.
    """
    if isinstance(markers, str) or not all(isinstance(m, str) for m in markers):
        raise ParameterError(
            f"`missing_markers` must be a list of strings such as ['NULL', 'NaN']; got {markers!r}"
        )
    return frozenset(m.strip() for m in markers)


DELIMITERS = ",;\t|"
"""Delimiters a CSV file is sniffed for when none is declared."""

SNIFF_LINES = 50
"""Lines read from the top of a CSV file to sniff its delimiter."""


def read(
    path: Path,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    expected: Collection[str] = (),
) -> pd.DataFrame:
    """Read ``path`` (CSV as text, Parquet and Excel typed), refusing a repeated header.

    Parameters
    ----------
    path : Path
        A ``.csv``/``.txt``/``.gz``, ``.parquet``/``.pq`` or ``.xlsx``/``.xls`` file.
    delimiter : str, optional
        CSV only: the field delimiter. Without it the first :data:`SNIFF_LINES` lines are
        sniffed (:class:`csv.Sniffer`) for one of :data:`DELIMITERS`, ``","`` when none is
        found.
    encoding : str, optional
        CSV only: the text encoding, ``"utf-8"`` when not given (a byte-order mark is
        skipped).
    sheet : str or int, optional
        Excel only: the sheet's name or 0-based position; the first sheet when not given.
    expected : collection of str
        The file columns a mapping names; a CSV read as one column while two or more are
        expected is refused as a wrong delimiter.

    Returns
    -------
    pandas.DataFrame
        The file's columns under their header names.

    Raises
    ------
    DataValidationError
        If the file is missing, of an unsupported type, empty, unreadable, not text in
        its encoding (naming the byte offset and line), read as one column while the
        mapping names several (naming the delimiter and the header), an Excel sheet is
        missing (listing the sheets), or a header appears twice (naming it).
    ParameterError
        If an option does not apply to the file's type, names an unknown encoding, or
        ``delimiter`` is not one character.
    """
    if not path.is_file():
        raise DataValidationError(f"{path}: no such file")
    kind = READERS.get(path.suffix.lower())
    if kind is None:
        raise DataValidationError(
            f"{path}: unsupported file type {path.suffix!r}; expected one of {sorted(READERS)}"
        )
    _check_options(path, kind, delimiter=delimiter, encoding=encoding, sheet=sheet)
    try:
        if kind == "csv":
            return _read_csv(
                path, delimiter=delimiter, encoding=encoding or "utf-8", expected=expected
            )
        if kind == "parquet":
            _refuse_repeated(path, _parquet_names(path))
            return pd.read_parquet(path)
        return _read_excel(path, sheet)
    except pd.errors.EmptyDataError:
        raise DataValidationError(
            f"{path}: the file is empty; expected a header and rows"
        ) from None
    except DataValidationError:
        raise
    except Exception as exc:  # readers raise many types (zip, gzip, arrow, parser errors)
        raise DataValidationError(
            f"{path}: cannot be read as {kind} ({type(exc).__name__}: {exc})"
        ) from exc


def _check_options(
    path: Path, kind: str, *, delimiter: str | None, encoding: str | None, sheet: object
) -> None:
    given = {"delimiter": delimiter, "encoding": encoding, "sheet": sheet}
    applies = {"csv": ("delimiter", "encoding"), "excel": ("sheet",), "parquet": ()}[kind]
    wrong = [name for name, value in given.items() if value is not None and name not in applies]
    if wrong:
        raise ParameterError(
            f"{path.name}: option(s) {wrong} do not apply to a {kind} file "
            f"({'only ' + ', '.join(applies) if applies else 'it takes no reading options'})"
        )
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise ParameterError(
            f"{path.name}: `delimiter` must be one character such as ',' ';' or '\\t'; "
            f"got {delimiter!r}"
        )
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except (LookupError, TypeError):
            raise ParameterError(
                f"{path.name}: `encoding` {encoding!r} is not a known text encoding "
                "(e.g. 'utf-8', 'cp1252', 'latin-1', 'utf-16')"
            ) from None
    if sheet is not None and (not isinstance(sheet, str | int) or isinstance(sheet, bool)):
        raise ParameterError(
            f"{path.name}: `sheet` must be a sheet name or a 0-based position; got {sheet!r}"
        )


def _open_binary(path: Path) -> IO[bytes]:
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rb")
    return path.open("rb")


def _head(path: Path, encoding: str) -> str:
    """Return the first :data:`SNIFF_LINES` lines as text, refusing bytes not in ``encoding``."""
    with _open_binary(path) as stream:
        lines = [line for _, line in zip(range(SNIFF_LINES), stream, strict=False)]
    data = b"".join(lines)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:  # whole lines were read: no character is cut
        raise _not_encoded(path, encoding, data, exc) from None


def _not_encoded(path: Path, encoding: str, data: bytes, exc: UnicodeDecodeError) -> Exception:
    line = data.count(b"\n", 0, exc.start) + 1
    byte = data[exc.start : exc.start + 1].hex()
    utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")
    suggest = "utf-16" if utf16 else "cp1252 (Windows, Excel exports) or latin-1"
    where = " of the decompressed text" if path.suffix.lower() == ".gz" else ""
    return DataValidationError(
        f"{path.name}: cannot be read as csv: not {encoding} text; byte 0x{byte} at byte "
        f"offset {exc.start:,}{where} (line {line}) is not valid {encoding}; declare the "
        f"file's encoding, e.g. `encoding: {suggest.split()[0]}` ({suggest})"
    )


def _sniff(path: Path, head: str) -> str:
    lines = head.splitlines()
    if not lines:
        return ","
    try:
        found = csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        found = ""
    if found and found in lines[0]:
        return found
    counts = {d: lines[0].count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(
    path: Path, *, delimiter: str | None, encoding: str, expected: Collection[str]
) -> pd.DataFrame:
    head = _head(path, encoding)
    if not head.strip():
        raise pd.errors.EmptyDataError
    used = delimiter or _sniff(path, head)
    text = io.StringIO(head.removeprefix("\ufeff"))
    top = pd.read_csv(text, sep=used, header=None, nrows=1, dtype=str, keep_default_na=False)
    names = [str(name) for name in top.iloc[0]]
    _refuse_repeated(path, names)
    frame = _read_text_table(path, used, encoding, names)
    wanted = set(expected)
    if len(frame.columns) == 1 and len(wanted) > 1 and not wanted <= set(frame.columns):
        how = "declared" if delimiter else "sniffed from the first lines"
        first = head.splitlines()[0]
        raise DataValidationError(
            f"{path.name}: read with delimiter {used!r} ({how}), the file has a single "
            f"column while the mapping names {len(wanted)} ({sorted(wanted)}); the header "
            f"reads {first[:120]!r}; declare the delimiter, e.g. `delimiter: "
            f"{_likely(first, used)!r}`"
        )
    return frame


def _read_text_table(path: Path, delimiter: str, encoding: str, names: list[str]) -> pd.DataFrame:
    """Read every cell as text, untouched (pyarrow's reader: about 2x pandas' on 1M lines)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    try:
        table = pcsv.read_csv(
            path,
            read_options=pcsv.ReadOptions(encoding=encoding),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        if isinstance(exc, UnicodeDecodeError) or "utf8" in str(exc).lower():
            with _open_binary(path) as stream:
                data = stream.read()
            try:
                data.decode(encoding)
            except UnicodeDecodeError as bad:
                raise _not_encoded(path, encoding, data, bad) from None
        raise
    text = pd.StringDtype(na_value=np.nan)
    return table.to_pandas(types_mapper={pa.string(): text, pa.large_string(): text}.get)


def _likely(header: str, used: str) -> str:
    counts = {d: header.count(d) for d in DELIMITERS + ", " if d != used}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _parquet_names(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    return list(pq.read_schema(path).names)


def _read_excel(path: Path, sheet: str | int | None) -> pd.DataFrame:
    with pd.ExcelFile(path) as book:
        names = list(book.sheet_names)
        if isinstance(sheet, int) and not 0 <= sheet < len(names):
            raise DataValidationError(
                f"{path.name}: has no sheet at position {sheet} (0-based); its sheets are {names}"
            )
        if isinstance(sheet, str) and sheet not in names:
            raise DataValidationError(
                f"{path.name}: has no sheet {sheet!r}; its sheets are {names}"
            )
        chosen = 0 if sheet is None else sheet
        first = pd.read_excel(book, sheet_name=chosen, header=None, nrows=1)
        if first.empty:
            raise pd.errors.EmptyDataError
        _refuse_repeated(path, [str(v) for v in first.iloc[0].fillna("")])
        return pd.read_excel(book, sheet_name=chosen)


def _refuse_repeated(path: Path, names: list[str]) -> None:
    repeated = sorted(name for name, count in Counter(names).items() if count > 1)
    if repeated:
        where = ", ".join(
            f"`{name}` (columns {[i + 1 for i, n in enumerate(names) if n == name]})"
            for name in repeated
        )
        raise DataValidationError(
            f"{path.name}: header {where} appears more than once; rename the columns so that "
            "each name is used once (which of them to use cannot be guessed)"
        )


def blank_markers(
    frame: pd.DataFrame,
    markers: frozenset[str],
    *,
    required: Collection[str],
    sources: dict[str, str],
    source: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Set marker cells missing; refuse them in required columns; count them in an audit.

    Parameters
    ----------
    frame : pandas.DataFrame
        The mapped raw columns (canonical names).
    markers : frozenset of str
        Texts read as missing (compared after stripping white space).
    required : collection of str
        Canonical columns that must not be missing.
    sources : dict
        Canonical name -> the file's column name, for messages.
    source : str
        The file's name, for messages.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The frame with markers set missing, and an audit table (``C.AUDIT_COLUMNS``) with one
        row per column that held markers: nothing is dropped at load (``dropped`` is 0); the
        rows are counted and named here and dropped, if at all, by the cleaning steps.

    Raises
    ------
    DataValidationError
        If a required column holds a marker or is empty, naming the column, the rows and
        the values.
    """
    out = frame.copy()
    audit: list[dict[str, object]] = []
    for column in frame.columns:
        values = frame[column]
        if not (
            pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype)
        ):
            continue
        codes, distinct = pd.factorize(values)  # compare each distinct text once
        text = pd.Series(distinct, dtype=object).astype("str").str.strip()
        flags = text.isin(markers).to_numpy(dtype=bool)
        hit = np.append(flags, False)[codes]
        absent = codes < 0
        origin = sources.get(column, column)
        label = f"`{column}`" + (f" (file column `{origin}`)" if origin != column else "")
        if column in required and (hit.any() or absent.any()):
            bad = hit | absent
            rows = np.flatnonzero(bad)[:3]
            shown = ", ".join(f"row {r + 1} value {values.iloc[r]!r}" for r in rows)
            raise DataValidationError(
                f"{source}: column `{column}` must not be empty; {int(bad.sum())} rows fail "
                f"(first: {shown}); empty cells and missing-value markers count as empty"
                + (f" (file column `{origin}`)" if origin != column else "")
            )
        if not hit.any():
            continue
        out[column] = values.where(~hit)
        per_value = np.bincount(codes[hit], minlength=len(distinct))
        counts: Counter[str] = Counter()
        for index in np.flatnonzero(flags):
            counts[text.iloc[index]] += int(per_value[index])
        rows = ", ".join(str(r + 1) for r in np.flatnonzero(hit)[:3])
        listed = ", ".join(f"{marker!r} x{n}" for marker, n in counts.most_common())
        rule = f"{label} holds a missing-value marker ({listed}; first rows {rows})"
        log.warning("%s: %d rows: %s; read as missing", source, int(hit.sum()), rule)
        audit.append(
            {
                C.STEP: f"missing_markers:{column}",
                C.RULE: rule,
                C.ROWS_IN: len(frame),
                C.ROWS_OUT: len(frame),
                C.DROPPED: 0,
                C.REASON: "read as missing, never as a value (e.g. a guest, not a customer 'NULL')",
            }
        )
    table = pd.DataFrame(audit, columns=list(C.AUDIT_COLUMNS))
    return out, table.astype({C.ROWS_IN: "int64", C.ROWS_OUT: "int64", C.DROPPED: "int64"})
