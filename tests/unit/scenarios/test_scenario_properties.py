"""Hypothesis properties of scenarios on random valid street graphs (tests/strategies.py).

* the baseline is never changed by any sequence of operations (valid or not);
* undo after any operation gives the graph before it;
* an invalid operation raises ScenarioError and changes nothing;
* merging conserves households, areas and grids, and ends every post of a dissolved body at the scenario date.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orggraph as og
from fixtures.strategies import graph_from, ledgers

DAY = "2022-07-01"
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _graph(tables):
    with tempfile.TemporaryDirectory() as tmp:
        return graph_from(tables, Path(tmp))


def _snapshot(g):
    nodes, edges = g.backend.store.tables()
    return {k: (v, v.copy(deep=True)) for k, v in {**nodes, **edges}.items()}


def _unchanged(g, snap) -> bool:
    nodes, edges = g.backend.store.tables()
    now = {**nodes, **edges}
    return all(now[k] is obj and obj.equals(copy) for k, (obj, copy) in snap.items())


def _ids(g, kind):
    return list(g.nodes(kind)["id"])


@st.composite
def operation(draw, g):
    """One operation with parameters drawn from the graph's ids (sometimes a bogus or ill-typed one)."""
    comms, grids, areas = _ids(g, "Community"), _ids(g, "Grid"), _ids(g, "Area")
    cadres, party, units = _ids(g, "Cadre"), _ids(g, "PartyOrg"), _ids(g, "Unit")
    anything = comms + grids + areas + cadres + party + units + ["nope"]
    pick = lambda xs: draw(st.sampled_from(xs or ["nope"]))  # noqa: E731
    op = draw(st.sampled_from(["merge", "split", "move", "assign", "station", "regrid", "appoint", "end_post", "report"]))
    if op == "merge":
        into = pick(comms)
        sources = draw(st.lists(st.sampled_from(comms or ["nope"]), min_size=1, max_size=3, unique=True))
        return "merge_communities", {"sources": sources, "into": into}
    if op == "split":
        source = pick(comms)
        c = g.edges("CONTAINS")
        children = list(c.loc[c["source"] == source, "target"])
        cut = draw(st.integers(0, len(children)))
        return "split_community", {"source": source, "parts": [
            {"id": "new-1", "name": "甲", "territories": children[:cut]},
            {"id": "new-2", "name": "乙", "territories": children[cut:], "rest": True}]}
    if op == "move":
        return "move_areas", {"areas": [pick(areas + grids)], "to": pick(anything)}
    if op == "assign":
        return "assign_area", {"area": pick(areas), "community": pick(comms + grids)}
    if op == "station":
        return "separate_station", {"community_or_committees": draw(st.lists(st.sampled_from(anything), min_size=1, max_size=3, unique=True)),
                                    "station": draw(st.sampled_from(["ws-new", *units]))}
    if op == "regrid":
        return "regrid", {"community": pick(comms), "target_households": draw(st.sampled_from([150, 300]))}
    if op == "appoint":
        return "appoint", {"cadre": pick(cadres), "body": pick(party + units + grids), "role": draw(st.sampled_from(["member", "staff", "委员"]))}
    if op == "end_post":
        return "end_post", {"cadre": pick(cadres), "body": pick(party + units + grids)}
    return "report", {"reporter": pick(cadres + units), "community": pick(comms)}


@SETTINGS
@given(tables=ledgers(max_communities=3, hostile=False), data=st.data())
def test_baseline_never_changes_and_undo_is_exact(tables, data):
    g = _graph(tables)
    snap = _snapshot(g)
    s = g.scenario("p", date=DAY)
    for _ in range(data.draw(st.integers(1, 5))):
        op, params = data.draw(operation(s.graph))
        before = s.graph.backend.store
        previous = s.graph.copy()
        n = len(s.log)
        try:
            s.apply(op, **params)
        except og.ScenarioError:
            # an invalid operation changes nothing
            assert s.graph.backend.store is before and len(s.log) == n
            continue
        step = s.undo()
        assert s.graph.equals(previous) and s.graph.backend.store is before
        s.apply(step.op, **step.params)  # and again, to go on from there
        assert _unchanged(g, snap)
    assert _unchanged(g, snap)


@SETTINGS
@given(tables=ledgers(max_communities=4, hostile=False), data=st.data())
def test_merge_conserves_and_ends_dissolved_posts(tables, data):
    g = _graph(tables)
    comms = _ids(g, "Community")
    if len(comms) < 2:
        return
    into = data.draw(st.sampled_from(comms))
    sources = data.draw(st.lists(st.sampled_from([c for c in comms if c != into]), min_size=1, unique=True))
    s = g.scenario("m", date=DAY)
    step = s.merge_communities(sources, into=into)
    h = s.graph
    hb, ha = g.nodes("Community")["households"], h.nodes("Community")["households"]
    assert int(ha.sum()) == int(hb.sum())
    assert set(h.nodes("Area")["id"]) == set(g.nodes("Area")["id"])
    assert set(g.nodes("Grid")["id"]) <= set(h.nodes("Grid")["id"])
    assert len(h.nodes("Grid")) == len(g.nodes("Grid")) + len(step.summary["cooperative_grids"])
    # every territory of a source now sits in `into` (or its grids)
    for child in g.edges("CONTAINS").query("source in @sources")["target"]:
        assert into in set(h.edges("CONTAINS").query("target == @child")["source"]) or child in sources
    posts = h.edges("HOLDS_POST")
    dissolved = posts[posts["target"].isin(list(step.summary["dissolved"]))]
    assert (dissolved["end"] <= pd.Timestamp(DAY)).all()
    assert set(sources).isdisjoint(_ids(h, "Community"))


@SETTINGS
@given(tables=ledgers(max_communities=3, hostile=False), data=st.data())
def test_invalid_operations_raise_and_change_nothing(tables, data):
    g = _graph(tables)
    comms, areas = _ids(g, "Community"), _ids(g, "Area")
    s = g.scenario("bad", date=DAY)
    store = s.graph.backend.store
    bad = []
    if comms:
        c = data.draw(st.sampled_from(comms))
        bad.append(("merge_communities", {"sources": [c], "into": c}))  # into itself
    bad.append(("merge_communities", {"sources": ["nope"], "into": comms[0] if comms else "nope"}))  # unknown id
    non_territory = _ids(g, "Cadre") + _ids(g, "PartyOrg") + _ids(g, "Unit")
    if areas and non_territory:
        bad.append(("move_areas", {"areas": [data.draw(st.sampled_from(areas))], "to": data.draw(st.sampled_from(non_territory))}))
    for op, params in bad:
        try:
            s.apply(op, **params)
        except og.ScenarioError:
            pass
        else:  # pragma: no cover - the property fails
            raise AssertionError(f"{op}({params}) did not raise ScenarioError")
        assert s.graph.backend.store is store and len(s.log) == 0
