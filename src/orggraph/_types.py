"""Vectorised parsing of ledger values into typed columns.

Every parser takes a Series of raw values (strings, numbers or missing) and
returns ``(typed, bad)``: the typed Series and a boolean mask of the values that
could not be parsed (missing values are never bad; requiredness is checked
elsewhere). Used by the ledger reader (which reports the bad values) and by
:meth:`OrgGraph.add_nodes` (which refuses them).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from itertools import repeat

import numpy as np
import pandas as pd

__all__ = ["parse", "clean_text", "DTYPES", "is_missing", "empty_column"]

DTYPES = {"str": object, "wkt": object, "int": "Int64", "float": "float64", "bool": "boolean", "date": "datetime64[ns]",
          "month": "datetime64[ns]"}

_TRUE = {"true", "t", "yes", "y", "1", "是", "√", "✓", "✔", "对", "有"}
_FALSE = {"false", "f", "no", "n", "0", "否", "×", "✗", "✘", "无", "不是"}
_DATE_SEP_CHARS = "年月/.．"
_DATE_SEP = re.compile(f"[{_DATE_SEP_CHARS}]")
_SERIAL = re.compile(r"\d{5}(\.0+)?")
_TIME = re.compile(r"\s+\d{1,2}:\d{2}(:\d{2})?$")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
#: Excel serial numbers read as dates from text or number cells: 1950-01-01 to 2099-12-31. Outside it a
#: number is not taken for a date (10000 would be 1927-05-18): it is reported. A date-formatted cell
#: of a workbook arrives as a date and is not limited by this.
SERIAL_DAYS = (18264, 73050)


def empty_column(typ: str, index) -> pd.Series:
    """An all-missing column of the dtype used for ``typ``."""
    if typ in ("str", "wkt"):
        return pd.Series([None] * len(index), index=index, dtype=object)
    return pd.Series(pd.NaT if typ in ("date", "month") else pd.NA, index=index, dtype=DTYPES[typ])


def is_missing(s: pd.Series) -> pd.Series:
    """True for None, NaN and blank strings."""
    miss = s.isna()
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        miss |= s.astype(str).str.strip().eq("") & ~miss
    return miss


def _clean(v):
    if isinstance(v, str):
        v = v.strip() if v.isascii() else unicodedata.normalize("NFKC", v).strip()
        return v or None
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
        return None
    return v


#: joins a column into one string to check all its values at once: not whitespace, left alone by NFKC,
#: and a starter that composes with nothing, so NFKC(a + _SEP + b) == NFKC(a) + _SEP + NFKC(b)
_SEP = "\x00"
_NFKC = functools.partial(unicodedata.normalize, "NFKC")


def _objects(values) -> np.ndarray:
    """A 1-d object array of ``values`` (tuples and lists stay single values)."""
    values = list(values)
    return np.fromiter(values, dtype=object, count=len(values))


def _clean_texts(texts: list) -> list:
    """:func:`_clean` of every value of ``texts`` (all of them ``str``).

    Most columns are clean already: joined into one string, they are ASCII or
    NFKC-normal, hold no whitespace and no blank value, and then every value
    is its own cleaned form. That check runs in C; so does the work otherwise
    (``normalize`` returns ASCII and already-normal text as it is).
    """
    if not texts:
        return []
    joined = _SEP.join(texts)
    # when no value holds the separator, what is true of the joined string is true of each value
    separable = joined.count(_SEP) == len(texts) - 1
    normal = separable and (joined.isascii() or unicodedata.is_normalized("NFKC", joined))
    if normal and not _has_space(joined) and not _has_blank(joined):
        return texts
    if not normal:
        texts = map(_NFKC, texts)
    return [v or None for v in map(str.strip, texts)]


def _has_space(text: str) -> bool:
    """Whether ``text`` holds whitespace (what ``str.strip`` removes); ``str.split`` finds it in C."""
    return text.split(None, 1) != [text]


def _has_blank(joined: str) -> bool:
    """Whether a column joined with :data:`_SEP` has an empty value."""
    return not joined or joined.startswith(_SEP) or joined.endswith(_SEP) or _SEP + _SEP in joined


def _clean_array(s: pd.Series) -> tuple[np.ndarray, bool]:
    """:func:`_clean` of every value of ``s`` as an object array, and whether all are text or None.

    Text is cleaned column-wise by :func:`_clean_texts`; missing values become
    None; only values of other types (numbers, dates from a workbook) go
    through :func:`_clean` one by one.
    """
    n = len(s)
    out = np.full(n, None, dtype=object)
    if isinstance(s.dtype, pd.StringDtype):  # text or missing, nothing else
        values = s.to_numpy(dtype=object)
        text = ~_text_missing(s, values)
        out[text] = _objects(_clean_texts(values[text].tolist()))
        return out, True
    values = _objects(s.tolist())
    types = np.fromiter(map(type, values), dtype=object, count=n)
    text = types == str
    if text.any():
        out[text] = _objects(_clean_texts(values[text].tolist()))
    if text.all():
        return out, True
    # floats: NaN is missing, any other number stays; None stays None
    floats = types == float
    number = floats.copy()
    number[floats] = ~np.isnan(values[floats].astype("float64"))
    out[number] = values[number]
    other = ~(text | floats | (types == type(None)))
    if other.any():
        out[other] = _objects(_clean(v) for v in values[other])
    return out, not number.any() and all(v is None for v in out[other])


def _text_missing(s: pd.Series, values: np.ndarray) -> np.ndarray:
    """The missing values of a text (``StringDtype``) column, given as ``values`` (an object array)."""
    if s.dtype.na_value is np.nan:  # the default text dtype: NaN is the only value not equal to itself
        return values != values
    return s.isna().to_numpy()


def clean_text(s: pd.Series) -> pd.Series:
    """NFKC-fold (full-width digits and spaces), strip, and turn blanks into missing.

    Only non-ASCII strings go through :func:`unicodedata.normalize`, and a column
    whose text is clean already is recognised as a whole (see :func:`_clean_texts`);
    non-text values are kept, and missing ones (None, NaN, NA, NaT) become None.
    """
    return pd.Series(_clean_array(s)[0], index=s.index, dtype=object)


def _numbers(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    values, all_text = _clean_array(s)
    present = _present(values, all_text)
    text = present if all_text else np.fromiter(map(isinstance, values, repeat(str)), dtype=bool, count=len(values))
    strings = values[text].tolist()
    joined = "".join(strings)
    if all_text and joined.isascii() and joined.isdigit():
        whole = _whole_numbers(strings, exact_float=not present.all())
        if whole is not None:
            num = pd.Series(whole, index=s.index) if present.all() else pd.Series(np.full(len(values), np.nan), index=s.index)
            if not present.all():
                num[present] = whole
            return num, pd.Series(False, index=s.index)
    if "," in joined or "，" in joined:  # thousands separators, half- or full-width
        values = values.copy()
        values[text] = _objects(v.replace(",", "").replace("，", "") for v in strings)
    num = pd.to_numeric(pd.Series(values, index=s.index, dtype=object), errors="coerce")
    if num.dtype != "float64":  # uint64 (a 20-digit number) or int64: as float, to test finiteness below
        num = num.astype("float64")
    # inf, 1e400 (read as inf) and numbers beyond int64 are not numbers a ledger can hold
    huge = ~(num.abs() < 2.0**63).to_numpy() & num.notna().to_numpy()
    if huge.any():
        num = num.where(~huge)
    bad = pd.Series(present, index=s.index) & num.isna()
    return num, bad


def _whole_numbers(digits: list, exact_float: bool) -> np.ndarray | None:
    """Values written in ASCII digits only, as to_numeric reads them (int64), without its per-value parser.

    None when they do not all fit: too large for int64, or (``exact_float``, as a
    column with missing values becomes float) for a float to hold exactly.
    """
    try:
        whole = np.array(digits, dtype=np.int64)
    except OverflowError:
        return None
    if exact_float and len(whole) and whole.max() >= 2**53:
        return None
    return whole


def _present(values: np.ndarray, all_text: bool) -> np.ndarray:
    """``pd.notna`` of cleaned values (text or None only when ``all_text``: a cheaper test then)."""
    return values != None if all_text else pd.notna(values)  # noqa: E711 (element-wise)


def parse(s: pd.Series, typ: str) -> tuple[pd.Series, pd.Series]:
    """Parse ``s`` as ``typ`` (one of ``str, wkt, int, float, bool, date``)."""
    s = pd.Series(s) if not isinstance(s, pd.Series) else s
    if typ in ("str", "wkt"):
        values, all_text = _clean_array(s)
        if not all_text:  # a number read by a spreadsheet back to its text; NaN-like values to missing
            fix = np.flatnonzero([not (v is None or isinstance(v, str)) for v in values])
            values[fix] = _objects(None if v != v else _plain(v) for v in values[fix])
        # typed as text once any value is text, where a missing value reads NaN
        if any(v is not None for v in values):
            values[~_present(values, True)] = np.nan  # text or None by now
        return pd.Series(values, index=s.index, dtype=object), pd.Series(False, index=s.index)
    if typ == "int":
        num, bad = _numbers(s)
        frac = num.notna() & (num != np.floor(num.fillna(0)))
        bad = bad | frac
        return num.where(~bad).round().astype("Int64"), bad
    if typ == "float":
        num, bad = _numbers(s)
        return num.astype("float64"), bad
    if typ == "bool":
        if s.dtype == bool or str(s.dtype) == "boolean":
            return s.astype("boolean"), pd.Series(False, index=s.index)
        values, all_text = _clean_array(s)
        present = _present(values, all_text)
        text = present if all_text else np.fromiter(map(isinstance, values, repeat(str)), dtype=bool, count=len(values))
        truth = np.full(len(values), None, dtype=object)  # True, False or None (not a yes/no value)
        codes, distinct = pd.factorize(values[text])  # a handful of spellings: each is read once
        truth[text] = _objects([_truth(v.lower()) for v in distinct])[codes]  # clean text is stripped already
        other = present & ~text
        truth[other] = _objects(_truth(str(v).strip().lower()) for v in values[other])
        unknown = truth == None  # noqa: E711 (element-wise)
        out = pd.Series(pd.arrays.BooleanArray((truth == True) & ~unknown, unknown), index=s.index)  # noqa: E712
        return out, pd.Series(present & unknown, index=s.index)
    if typ == "date":
        return _dates(s)
    if typ == "month":
        return _months(s)
    raise ValueError(f"unknown attribute type {typ!r}")


def _truth(low: str):
    """True, False or None for a lower-case yes/no spelling."""
    low = {"1.0": "1", "0.0": "0"}.get(low, low)
    return False if low in _FALSE else True if low in _TRUE else None


def _plain(v) -> str:
    """A number read by a spreadsheet as float (``12.0``) back to its text (``12``)."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _dates(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    out, bad, _ = parse_dates(s)
    return out, bad


_MONTH = re.compile(r"\d{4}-\d{1,2}")


def parse_dates(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse ``s`` as dates: ``(typed, bad, month)``, ``month`` marking dates written to the month only.

    ``2021.05``, ``2021-05`` and ``2021年5月`` (text, not a number cell: 2021.10 as a number is
    2021.1) are read as the first of the month and marked in ``month``.
    """
    month = pd.Series(False, index=s.index)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return s.astype("datetime64[ns]").dt.normalize(), pd.Series(False, index=s.index), month  # a time of day is dropped, as from text
    values, all_text = _clean_array(s)
    present = pd.Series(_present(values, all_text), index=s.index)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    if not present.any():
        return out, pd.Series(False, index=s.index), month
    vals = pd.Series(values, index=s.index, dtype=object)[present]
    if all_text:  # text has no year: no date or timestamp objects to convert
        rest_index, texts = vals.index, vals.to_numpy()
    else:
        is_ts = vals.map(lambda v: hasattr(v, "year") and hasattr(v, "month"))
        if is_ts.any():
            out.loc[vals.index[is_ts]] = _in_range(pd.to_datetime(
                vals[is_ts].map(lambda v: v.isoformat()[:10] if hasattr(v, "isoformat") else str(v)),
                format="%Y-%m-%d", errors="coerce"))
        written = vals[~is_ts].map(lambda v: isinstance(v, str))
        rest = vals[~is_ts].astype(str)
        rest_index, texts = rest.index, rest.to_numpy(dtype=object)
    if all_text and _iso_dates(texts.tolist()):  # the documented form already: nothing to normalise
        parsed = pd.to_datetime(pd.Series(texts, index=rest_index, dtype=object), format="%Y-%m-%d", errors="coerce")
        out.loc[parsed.index] = _in_range(parsed)
        return out, present & out.isna(), month
    # Excel serial dates (days since 1899-12-30), as a spreadsheet export may hold them
    serial = np.fromiter((m is not None for m in map(_SERIAL.fullmatch, texts)), dtype=bool, count=len(texts))
    if serial.any():
        days = pd.to_numeric(vals.loc[rest_index[serial]].astype(str)).astype(int)
        ok = days.between(*SERIAL_DAYS)
        out.loc[days.index[ok]] = _EXCEL_EPOCH + pd.to_timedelta(days[ok], unit="D")
        rest_index, texts = rest_index[~serial], texts[~serial]
    # 2021年12月5日, 2021/12/5, 2021.12.5 → 2021-12-5; a time of day is dropped. Each step runs
    # (value by value, in C) only when the column holds a character it acts on.
    joined = "".join(texts.tolist())
    norm = texts.tolist()
    if "日" in joined:
        norm = map(str.replace, norm, repeat("日"), repeat(""))
    if any(c in joined for c in _DATE_SEP_CHARS):
        norm = map(_DATE_SEP.sub, repeat("-"), norm)
    norm = map(str.strip, norm, repeat("-"))
    if ":" in joined:
        norm = map(_TIME.sub, repeat(""), norm)
    norm = pd.Series(list(norm), index=rest_index, dtype=object)
    parsed = pd.to_datetime(norm, format="%Y-%m-%d", errors="coerce")
    out.loc[parsed.index] = _in_range(parsed)
    # month precision (2021-05 after the steps above), from text only: the failures are few
    failed = norm[parsed.isna()]
    if len(failed):
        is_month = failed.map(lambda v: _MONTH.fullmatch(v) is not None)
        if not all_text:
            is_month &= written.reindex(failed.index, fill_value=False)
        if is_month.any():
            firsts = _in_range(pd.to_datetime(failed[is_month] + "-1", format="%Y-%m-%d", errors="coerce"))
            out.loc[firsts.index] = firsts
            month.loc[firsts.index[firsts.notna()]] = True
    bad = present & out.isna()
    return out, bad, month


_YEAR_MONTH = re.compile(r"(\d{4})\s*[-/.．年]\s*(\d{1,2})\s*月?")


def _months(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A date that may be given to the month only (出生年月): ``1985-06``, ``1985.06``, ``1985年6月``,
    ``1985/6``, or any full date :func:`_dates` reads (an Excel date too). A month becomes its first day.

    ``1985.10`` written by a spreadsheet as the number ``1985.1`` is read as October only when the
    column is text; as a number it is January (the decimal lost the zero), so write it as text.
    """
    out, bad = _dates(s)
    if not bad.any():
        return out, bad
    rest = clean_text(s[bad].astype(object).map(lambda v: v if isinstance(v, str) else _plain(v)))
    for i, v in rest.items():
        m = _YEAR_MONTH.fullmatch(v) if isinstance(v, str) else None
        if m and 1 <= int(m.group(2)) <= 12 and 1678 <= int(m.group(1)) <= 2261:
            out.loc[i] = pd.Timestamp(int(m.group(1)), int(m.group(2)), 1)
            bad.loc[i] = False
    return out, bad


def _in_range(parsed: pd.Series) -> pd.Series:
    """Parsed dates as datetime64[ns]; a date ns cannot hold (before 1677 or after 2262) becomes NaT, a bad value."""
    ok = parsed.notna() & (parsed >= pd.Timestamp.min.ceil("D")) & (parsed <= pd.Timestamp.max.floor("D"))
    return parsed.where(ok).astype("datetime64[ns]")


def _iso_dates(texts: list) -> bool:
    """Whether every value is written YYYY-MM-DD in ASCII digits (so no step of :func:`_dates` changes it)."""
    joined = _SEP.join(texts) + _SEP
    if len(joined) != 11 * len(texts) or not joined.isascii():
        return False
    rows = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(-1, 11)  # each value and its separator
    digits = rows[:, [0, 1, 2, 3, 5, 6, 8, 9]]
    return bool(((digits >= ord("0")) & (digits <= ord("9"))).all() and (rows[:, [4, 7]] == ord("-")).all()
                and (rows[:, 10] == 0).all())
