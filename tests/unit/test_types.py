"""Parsing of ledger values as spreadsheets hold them."""

from __future__ import annotations

import pandas as pd
import pytest

from orggraph._types import parse

pytestmark = pytest.mark.quick  # in the quick subset (docs/testing.md)


def _vals(raw, typ):
    typed, bad = parse(pd.Series(raw, dtype=object), typ)
    return [None if pd.isna(v) else v for v in typed], list(bad)


def test_integers_fullwidth_separators_and_bad():
    vals, bad = _vals(["１２０", " 3,400 ", "x", None, "　", "12.5", "7.0"], "int")
    assert vals == [120, 3400, None, None, None, None, 7]
    assert bad == [False, False, True, False, False, True, False]


def test_dates_in_every_accepted_form():
    vals, bad = _vals(["2021年12月5日", "2021/12/5", "2021.12.5", "2021-12-05", "44535", "2021-12-05 08:30", "bad", None], "date")
    assert [v.date().isoformat() if v is not None else None for v in vals] == ["2021-12-05"] * 6 + [None, None]
    assert bad == [False] * 6 + [True, False]


def test_booleans():
    vals, bad = _vals(["是", "否", "Y", "n", "√", "×", "true", "0", "maybe", None], "bool")
    assert vals == [True, False, True, False, True, False, True, False, None, None]
    assert bad == [False] * 8 + [True, False]


def test_text_is_folded_and_stripped():
    vals, _ = _vals(["　御景小区 ", "", None, 12.0, "ＡＢＣ"], "str")
    assert vals == ["御景小区", None, None, "12", "ABC"]


def test_a_date_outside_what_pandas_holds_is_a_bad_value_not_a_crash():
    """1500-01-01 parses, but datetime64[ns] cannot hold it: it is reported like any bad date."""
    import datetime as dt

    vals, bad = parse(pd.Series(["1500-01-01", "2021-12-05", "2021年12月5日", "2300-1-1"]), "date")
    assert bad.tolist() == [True, False, False, True]
    assert vals.dtype == "datetime64[ns]" and vals[1] == pd.Timestamp("2021-12-05") == vals[2]
    vals, bad = parse(pd.Series([dt.date(1500, 1, 1), dt.datetime(2021, 12, 5, 8, 30)], dtype=object), "date")
    assert bad.tolist() == [True, False] and vals[1] == pd.Timestamp("2021-12-05")
