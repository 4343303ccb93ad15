"""The met / not-met logic of benchmarks/targets.py (issue #19's targets), on hand-made benchmark rows."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import targets  # noqa: E402


def test_verdict():
    assert targets.verdict(0.5, "<=", 0.5) == "met"
    assert targets.verdict(0.51, "<=", 0.5) == "not met"
    assert targets.verdict(30, ">=", 30) == "met"
    assert targets.verdict(29.9, ">=", 30) == "not met"
    assert targets.verdict(None, "<=", 1) == "not measured"
    assert targets.verdict(float("nan"), "<=", 1) == "not measured"
    assert targets.verdict(1, "<=", None) == "not measured"
    with pytest.raises(ValueError):
        targets.verdict(1, "<", 2)


@given(st.floats(0, 1e6, allow_nan=False), st.floats(0, 1e6, allow_nan=False))
def test_verdict_is_the_comparison(v, limit):
    assert (targets.verdict(v, "<=", limit) == "met") == (v <= limit)
    assert (targets.verdict(v, ">=", limit) == "met") == (v >= limit)


def test_exponent():
    # twice the size, four times the time: quadratic
    assert targets.exponent(1.0, 4.0, 1_000, 2_000) == pytest.approx(2.0)
    # ten times the size, ten times the time: linear
    assert targets.exponent(0.5, 5.0, 1e6, 1e7) == pytest.approx(1.0)
    assert targets.exponent(None, 4.0, 1, 2) is None
    assert targets.exponent(1.0, 4.0, 5, 5) is None
    assert targets.exponent(0.0, 4.0, 1, 2) is None


def _row(scale, key, cpu=None, **extra):
    return {**dict(scale=scale, step=key, key=key, nodes=1_000, edges=2_000, seconds=cpu, cpu=cpu, peak_mb=None,
                   note=""), **extra}


def _status(results, start):
    hits = [r for r in results if r["target"].startswith(start)]
    assert len(hits) == 1, [r["target"] for r in results]
    return hits[0]["status"], hits[0]["measured"]


def test_evaluate_on_hand_made_rows():
    rows = [
        _row("S20", "xlsx_csv_read", 1.0), _row("S20", "xlsx_read", 2.9),  # 2.9× ≤ 3: met
        _row("M", "xlsx_csv_read", 1.0), _row("M", "xlsx_read", 3.1),  # 3.1× > 3: not met
        _row("M", "xlsx_csv_write", 2.0), _row("M", "xlsx_write", 10.0),  # 5.0× ≤ 5: met
        _row("L", "read", 2.5, text_mb=200.0),  # 2.5 s > 2 s; 200 MB ≤ 400 / 2
        _row("L", "audit", 0.4), _row("M", "audit", 0.1),
        _row("L", "bl_lib", 0.2), _row("L", "bl_naive", 5.0), _row("L", "bl_floor", 0.05),  # 25× (not met), 4×
        _row("L", "nx", 6.0, held_mb=700.0),  # 6 / 10 = 0.6 (met), 700 / 1000 = 0.7 (not met)
        _row("M", "neo4j_audit", 0.3, server_cpu=0.6),  # (0.3 + 0.6) / 0.1 = 9× (met)
        _row("-", "import_pandas", 0.5), _row("-", "import_orggraph", 0.55), _row("-", "help", 0.7),
        _row("-", "audit_sample", 0.2),
        _row("L", "q_leadership_profile", 0.1, result_rows=12), _row("L", "q_term_expiry", 0.1, result_rows=0),
    ]
    res = targets.evaluate(rows, baseline={"text_mb_L": 400.0, "nx_cpu_L": 10.0, "nx_mb_L": 1000.0})
    assert _status(res, "read_ledger .xlsx / CSV at S20")[0] == "met"
    assert _status(res, "read_ledger .xlsx / CSV at M") == ("not met", "3.1× (3.10 s / 1.00 s)")
    assert _status(res, "read_ledger .xlsx / CSV at L")[0] == "not measured"
    assert _status(res, "write .xlsx / CSV at M")[0] == "met"
    assert _status(res, "CSV read at L")[0] == "not met"
    assert _status(res, "CSV read growth exponent")[0] == "not measured"
    assert _status(res, "graph's text memory at L")[0] == "met"
    assert _status(res, "audit at L")[0] == "met"
    assert _status(res, "baseline queries: naive")[0] == "not met"
    assert _status(res, "baseline queries: orggraph / numpy floor")[0] == "not met"
    assert _status(res, "g.nx build at L: time")[0] == "met"
    assert _status(res, "g.nx build at L: memory")[0] == "not met"
    assert _status(res, "Neo4j 5.26 audit at M")[0] == "met"
    assert _status(res, "import orggraph")[0] == "met"  # 0.05 s over pandas
    assert _status(res, "orggraph --help")[0] == "not met"  # 0.2 s over pandas
    assert _status(res, "orggraph audit --sample")[0] == "met"
    assert _status(res, "leadership_profile at L")[0] == "met"
    assert _status(res, "term_expiry at L")[0] == "not met"  # no rows: the generator gave it nothing to find
    assert _status(res, "party_membership at L")[0] == "not measured"
    assert all(r["status"] == "not measured" for r in res if r["target"].startswith("XXL"))
    md = targets.table(res)
    assert md.count("\n") == len(res) + 1 and "| not met |" in md


def test_growth_rows_from_l_to_xxl():
    size_l, size_xxl = 1_000_000, 10_000_000
    rows = []
    for scale, size, t in (("L", size_l, 1.0), ("XXL", size_xxl, 11.0)):
        for key in ("read", "audit", "scenario"):
            rows.append(dict(scale=scale, step=key, key=key, nodes=size // 2, edges=size // 2, seconds=t, cpu=t,
                             peak_mb=7000.0 if scale == "XXL" else 900.0, note=""))
    rows += [_row("L", "generate", 1.0), _row("L", "write_csv", 1.0), _row("XXL", "generate_write", 25.0, peak_mb=9000.0)]
    res = targets.evaluate(rows, baseline={})
    # 11× the time for 10× the size: exponent log 11 / log 10 = 1.041 ≤ 1.05
    assert _status(res, "XXL read: growth exponent")[0] == "met"
    assert _status(res, "XXL read: growth exponent")[1].startswith(f"{math.log(11) / math.log(10):.2f}")
    assert _status(res, "XXL generate + write ledger: growth")[0] == "not met"  # 12.5× for 10×
    assert _status(res, "XXL read + audit + merge scenario: peak RSS")[0] == "met"
    assert _status(res, "XXL generate + write ledger: peak RSS")[0] == "not met"
    assert _status(res, "graph's text memory")[0] == "not measured"
