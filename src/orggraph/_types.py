"""Vectorised parsing of ledger values into typed columns.

Every parser takes a Series of raw values (strings, numbers or missing) and
returns ``(typed, bad)``: the typed Series and a boolean mask of the values that
could not be parsed (missing values are never bad; requiredness is checked
elsewhere). Used by the ledger reader (which reports the bad values) and by
:meth:`OrgGraph.add_nodes` (which refuses them).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

__all__ = ["parse", "clean_text", "DTYPES", "is_missing", "empty_column"]

DTYPES = {"str": object, "wkt": object, "int": "Int64", "float": "float64", "bool": "boolean", "date": "datetime64[ns]"}

_TRUE = {"true", "t", "yes", "y", "1", "是", "√", "✓", "✔", "对", "有"}
_FALSE = {"false", "f", "no", "n", "0", "否", "×", "✗", "✘", "无", "不是"}
_DATE_SEP = re.compile(r"[年月/.．]")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def empty_column(typ: str, index) -> pd.Series:
    """An all-missing column of the dtype used for ``typ``."""
    if typ in ("str", "wkt"):
        return pd.Series([None] * len(index), index=index, dtype=object)
    return pd.Series(pd.NA if typ != "date" else pd.NaT, index=index, dtype=DTYPES[typ])


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


def clean_text(s: pd.Series) -> pd.Series:
    """NFKC-fold (full-width digits and spaces), strip, and turn blanks into missing.

    Only non-ASCII strings go through :func:`unicodedata.normalize`; one pass
    in Python over the values (pandas' ``.str`` methods loop in Python too, with
    more overhead per call on the small tables most ledgers have).
    """
    return pd.Series([_clean(v) for v in s.tolist()], index=s.index, dtype=object)


def _numbers(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    txt = clean_text(s)
    present = txt.notna()
    as_str = txt.where(~present | ~txt.map(lambda v: isinstance(v, str)), txt.astype(str).str.replace(",", "", regex=False).str.replace("，", "", regex=False))
    num = pd.to_numeric(as_str, errors="coerce")
    bad = present & num.isna()
    return num, bad


def parse(s: pd.Series, typ: str) -> tuple[pd.Series, pd.Series]:
    """Parse ``s`` as ``typ`` (one of ``str, wkt, int, float, bool, date``)."""
    s = pd.Series(s) if not isinstance(s, pd.Series) else s
    if typ in ("str", "wkt"):
        out = clean_text(s)
        out = out.map(lambda v: v if isinstance(v, str) else (None if v is None or v != v else _plain(v)))
        return out.astype(object), pd.Series(False, index=s.index)
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
        txt = clean_text(s)
        low = txt.map(lambda v: None if v is None else str(v).strip().lower())
        low = low.map(lambda v: "1" if v in ("1.0",) else ("0" if v == "0.0" else v))
        out = pd.Series(pd.NA, index=s.index, dtype="boolean")
        out[low.isin(_TRUE)] = True
        out[low.isin(_FALSE)] = False
        bad = low.notna() & out.isna()
        return out, bad
    if typ == "date":
        return _dates(s)
    raise ValueError(f"unknown attribute type {typ!r}")


def _plain(v) -> str:
    """A number read by a spreadsheet as float (``12.0``) back to its text (``12``)."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _dates(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return s.astype("datetime64[ns]"), pd.Series(False, index=s.index)
    txt = clean_text(s)
    present = txt.notna()
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    if not present.any():
        return out, pd.Series(False, index=s.index)
    vals = txt[present]
    is_ts = vals.map(lambda v: hasattr(v, "year") and hasattr(v, "month"))
    if is_ts.any():
        out.loc[vals.index[is_ts]] = pd.to_datetime(vals[is_ts].map(lambda v: pd.Timestamp(v).date().isoformat()))
    rest = vals[~is_ts].astype(str)
    # Excel serial dates (days since 1899-12-30), as a spreadsheet export may hold them
    serial = rest.str.fullmatch(r"\d{5}(\.0+)?")
    if serial.any():
        days = pd.to_numeric(rest[serial]).astype(int)
        ok = days.between(1, 80000)
        out.loc[days.index[ok]] = _EXCEL_EPOCH + pd.to_timedelta(days[ok], unit="D")
    rest = rest[~serial]
    norm = rest.str.replace("日", "", regex=False).str.replace(_DATE_SEP, "-", regex=True).str.strip("-")
    norm = norm.str.replace(r"\s+\d{1,2}:\d{2}(:\d{2})?$", "", regex=True)
    parsed = pd.to_datetime(norm, format="%Y-%m-%d", errors="coerce")
    out.loc[parsed.index] = parsed
    bad = present & out.isna()
    return out, bad
