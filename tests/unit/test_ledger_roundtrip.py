"""A valid ledger round-trips: read → write → read gives an equal graph (CSV and .xlsx)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

import orggraph as og
from orggraph.compare import graph_differences
from fixtures.strategies import graph_from, ledgers


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_csv_roundtrip(tables):
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        (d / "in").mkdir()
        g = graph_from(tables, d / "in")
        g.write_ledger(d / "out")
        g2 = og.read_ledger(d / "out")
        assert graph_differences(g, g2) == []
        # every drawn row is in the graph
        assert len(g.nodes("Cadre")) == len(tables["cadres"])
        assert len(g.edges("HOLDS_POST")) == len(tables["posts"])


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers(hostile=True))
def test_xlsx_roundtrip(tables):
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        (d / "in").mkdir()
        g = graph_from(tables, d / "in")
        g.write_ledger(d / "ledger.xlsx")
        g2 = og.read_ledger(d / "ledger.xlsx")
        assert graph_differences(g, g2) == []


def test_roundtrip_keeps_extra_columns_and_second_claims(tmp_path):
    from fixtures.strategies import write_csv_ledger

    tables = {
        "districts": [{"id": "d1", "name": "东港区"}],
        "streets": [{"id": "s1", "name": "石臼街道", "district_id": "d1"}],
        "communities": [
            {"id": "c1", "name": "振兴社区", "street_id": "s1", "merge_into": "c2"},
            {"id": "c2", "name": "碧海社区", "street_id": "s1", "merge_into": None},
        ],
        "areas": [{"id": "z1", "name": "交界区域", "kind": "boundary_zone", "parent_id": "c1"}],
        "contains": [{"parent_id": "c2", "child_id": "z1"}],
    }
    write_csv_ledger(tables, tmp_path)
    g = og.read_ledger(tmp_path)
    assert list(g.nodes("Community")["merge_into"].fillna("")) == ["c2", ""]
    # the parent column keeps the first claim; the second stays in contains.csv
    out = g.write_ledger(tmp_path / "out")
    areas = (out / "areas.csv").read_text(encoding="utf-8")
    contains = (out / "contains.csv").read_text(encoding="utf-8")
    assert "z1,交界区域,boundary_zone,,,,,,,,c1" in areas  # households, geometry, population, registered_population, crs, start, end empty
    assert contains.splitlines() == ["parent_id,child_id,start,end", "c2,z1,,"]
    assert og.read_ledger(out).equals(g)


def test_graphml_and_json_export(tmp_path):
    import json

    import networkx as nx

    from fixtures.strategies import write_csv_ledger

    write_csv_ledger({"streets": [{"id": "s1", "name": "街道"}],
                      "communities": [{"id": "c1", "name": "社区", "street_id": "s1"}],
                      "cadres": [{"id": "p1", "name": "甲"}],
                      "units": [{"id": "u1", "name": "居委会", "kind": "residents_committee", "territory_id": "c1"}],
                      "posts": [{"cadre_id": "p1", "body_id": "u1", "role": "director", "start": "2021-12-05"}]}, tmp_path)
    g = og.read_ledger(tmp_path)
    g.to_graphml(tmp_path / "g.graphml")
    back = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    assert back.number_of_nodes() == 4 and back.number_of_edges() == 3
    data = g.to_json(tmp_path / "g.json")
    assert json.loads((tmp_path / "g.json").read_text(encoding="utf-8")) == data
    post = next(e for e in data["edges"] if e["type"] == "HOLDS_POST")
    assert post["start"] == "2021-12-05" and post["role"] == "director"
