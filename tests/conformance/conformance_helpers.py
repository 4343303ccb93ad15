"""Helpers of the conformance suite: importing fixture builders, comparing answers."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pandas as pd


_TESTS = Path(__file__).resolve().parents[1]

#: (backend, query) → (exception, reason): known gaps, run as strict xfails
NOT_IMPLEMENTED: dict[tuple[str, str], tuple[type[BaseException], str]] = {}


def wipe(server, database) -> None:
    import neo4j

    with neo4j.GraphDatabase.driver(server.uri, auth=server.auth) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n", database_=database, routing_=neo4j.RoutingControl.WRITE)




def fixture_module(relative: str):
    """Import a test module of the analytics unit tests by path (to reuse its fixture builder)."""
    path = _TESTS / relative
    name = "conformance_fixture_" + path.stem
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- comparing answers


def _kind(dtype) -> str:
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    return "object"


def _canon(v):
    if isinstance(v, (list, tuple, np.ndarray)):
        return tuple(sorted(_canon(x) for x in v))
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def _sort_key(v) -> str:
    return repr(round(v, 6)) if isinstance(v, float) else repr(v)


def assert_frames_agree(got: pd.DataFrame, want: pd.DataFrame, what: str = "") -> None:
    """Equal after sorting rows; list columns as sorted lists; floats with a tolerance; NaN equals NaN (and None)."""
    assert list(got.columns) == list(want.columns), f"{what}: columns {list(got.columns)} != {list(want.columns)}"
    assert len(got) == len(want), f"{what}: {len(got)} rows != {len(want)} rows\n{got}\n{want}"
    for c in want.columns:
        if len(want) and len(got) and not (got[c].isna().all() or want[c].isna().all()):
            assert _kind(got[c].dtype) == _kind(want[c].dtype), f"{what}: column {c} is {got[c].dtype}, expected {want[c].dtype}"
    floats = {i for i, c in enumerate(want.columns) if _kind(want[c].dtype) == "float"}
    order = [i for i in range(len(want.columns)) if i not in floats] + sorted(floats)

    def rows(frame):
        recs = [tuple(_canon(v) for v in r) for r in frame.itertuples(index=False, name=None)]
        return sorted(recs, key=lambda r: tuple(_sort_key(r[i]) for i in order))

    cols = list(want.columns)
    for ra, rb in zip(rows(got), rows(want)):
        for c, x, y in zip(cols, ra, rb):
            if isinstance(x, float) and isinstance(y, float):
                ok = (math.isinf(x) and x == y) or math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)
                assert ok, f"{what}: column {c}: {x} != {y}\nrow  {ra}\nwant {rb}"
            else:
                assert x == y, f"{what}: column {c}: {x!r} != {y!r}\nrow  {ra}\nwant {rb}"


def assert_reports_agree(got, want, what: str = "") -> None:
    assert list(got.keys()) == list(want.keys()), what
    for name in want:
        assert_frames_agree(got[name], want[name], f"{what} {name}")
    assert_frames_agree(got.rates, want.rates, f"{what} rates")


def assert_agree(got, want, what: str = "") -> None:
    if isinstance(want, pd.DataFrame):
        assert_frames_agree(got, want, what)
    else:
        assert_reports_agree(got, want, what)


def ledger_graph(tables: dict[str, list[dict]]):
    """The graph of hand-written ledger tables (headers may be Chinese aliases), read by the real ledger reader."""
    import tempfile

    import orggraph as og

    with tempfile.TemporaryDirectory() as tmp:
        for table, rows in tables.items():
            pd.DataFrame(rows).to_csv(Path(tmp) / f"{table}.csv", index=False)
        return og.read_ledger(tmp)
