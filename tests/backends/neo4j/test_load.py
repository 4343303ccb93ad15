"""Loading into Neo4j (the Bolt test server): round trips, idempotency, atomicity, hostile values, secrets.

Every test runs on the real server (ArcadeDB, or ORGGRAPH_NEO4J_URI); nothing is mocked.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import orggraph as og
from orggraph.backends.neo4j import cypher
from orggraph.compare import graph_differences

HOSTILE = [
    "a'b", 'say "hi"', "`tick`", "{brace}", "}) MATCH (n) DETACH DELETE n //", "line\nbreak", "// comment",
    "MATCH (n) DETACH DELETE n", "$param", "\\backslash", "中文 社区", "tab\there", "/* block */", "RETURN 1;",
]


def connect(bolt_server, database):
    return og.connect(bolt_server.uri, auth=bolt_server.auth, database=database)


def snapshot(db) -> tuple[dict, og.OrgGraph]:
    return db.backend.counts(), db.to_memory()


@pytest.fixture(scope="module")
def small():
    return og.load_sample("jiaohe")


@pytest.mark.parametrize("name,state", [(n, None) for n in og.list_samples()] + [("dongcheng", "before"), ("qixia", "before")])
def test_samples_round_trip(name, state, bolt_server, fresh_database):
    g = og.load_sample(name, state)
    with connect(bolt_server, fresh_database) as db:
        report = db.load(g, batch_size=5_000, progress=False)
        assert report.counts == g.backend.counts()
        assert not graph_differences(g, db.to_memory())
        for kind in ("Street", "Community"):
            territory = sorted(g.nodes(kind)["id"])[0]
            assert not graph_differences(g.within(territory), db.to_memory(within=territory)), (kind, territory)
        assert db.nodes("Community").columns.tolist() == g.nodes("Community").columns.tolist()


def test_loading_twice_is_idempotent(small, bolt_server, fresh_database):
    with connect(bolt_server, fresh_database) as db:
        first = db.load(small, batch_size=100, progress=False)
        second = db.load(small, batch_size=37, progress=False)
        assert second.counts == first.counts == small.backend.counts()
        assert second.updated == 0
        assert not graph_differences(small, db.to_memory())


def test_reload_updates_changed_nodes_and_adds_new_ones(small, bolt_server, fresh_database):
    changed = small.copy()
    changed.add_node("Cadre", "new_person", name="新人")
    cadres = changed.nodes("Cadre")
    first = cadres["id"].iloc[0]
    frame = changed.backend.store.node_frame("Cadre").copy()
    frame.loc[frame["id"] == first, "name"] = "改名"
    changed.backend.store.replace_nodes("Cadre", frame)
    with connect(bolt_server, fresh_database) as db:
        db.load(small, progress=False)
        report = db.load(changed, progress=False)
        assert report.updated == 1
        back = db.to_memory()
        assert back.node(first)["name"] == "改名"
        assert "new_person" in back
        assert report.counts["Cadre"] == small.backend.counts()["Cadre"] + 1


def test_identical_edges_are_kept_apart(bolt_server, fresh_database):
    g = og.OrgGraph()
    g.add_node("Unit", "u1", name="居委会", kind="residents_committee")
    g.add_node("Cadre", "k1", name="张三")
    for _ in range(3):
        g.add_edge("HOLDS_POST", "k1", "u1", role="member", start="2020-01-01")
    with connect(bolt_server, fresh_database) as db:
        db.load(g, progress=False)
        db.load(g, progress=False)
        assert db.backend.counts()["HOLDS_POST"] == 3
        assert not graph_differences(g, db.to_memory())


def _poisoned(g: og.OrgGraph, *, in_edges: bool) -> og.OrgGraph:
    """A copy of ``g`` plus new elements, the last of which holds a value the server rejects (a map)."""
    bad = g.copy()
    bad.add_nodes("Cadre", [{"id": f"extra{i}", "name": f"新{i}"} for i in range(40)])
    frame = bad.backend.store.node_frame("Cadre").copy()
    first = frame["id"].iloc[0]
    frame.loc[frame["id"] == first, "name"] = "不该出现"  # a change to a pre-existing node
    bad.backend.store.replace_nodes("Cadre", frame)
    if in_edges:
        bad.add_edges("LIAISES", [{"source": f"extra{i}", "target": g.nodes("Street")["id"].iloc[0]} for i in range(30)])
        bad.add_edges("LIAISES", pd.DataFrame([{"source": "extra39", "target": g.nodes("Street")["id"].iloc[0], "meta": {"a": 1}}]))
    else:
        bad.add_nodes("Cadre", pd.DataFrame([{"id": "zz_bad", "name": "坏", "meta": {"a": 1}}]))
    return bad


@pytest.mark.parametrize("in_edges", [False, True], ids=["bad-node", "bad-edge"])
def test_a_failed_load_leaves_no_trace(small, in_edges, bolt_server, fresh_database):
    import neo4j.exceptions

    bad = _poisoned(small, in_edges=in_edges)
    with connect(bolt_server, fresh_database) as db:
        db.load(small, progress=False)
        counts, before = snapshot(db)
        with pytest.raises((neo4j.exceptions.Neo4jError, TypeError, ValueError)):
            db.load(bad, batch_size=7, progress=False)
        assert db.backend.counts() == counts
        assert not graph_differences(before, db.to_memory())
        # nothing staged remains: no load tags anywhere
        assert not db.backend.runner.records(_TAGGED)


def test_a_failed_load_into_an_empty_database_leaves_it_empty(small, bolt_server, fresh_database):
    import neo4j.exceptions

    bad = _poisoned(small, in_edges=True)
    with connect(bolt_server, fresh_database) as db:
        with pytest.raises((neo4j.exceptions.Neo4jError, TypeError, ValueError)):
            db.load(bad, batch_size=50, progress=False)
        assert sum(db.backend.counts().values()) == 0


_TAGGED = cypher.Statement(
    "test.tagged", "MATCH (n) WHERE n._orggraph_load IS NOT NULL RETURN n.id AS id UNION ALL "
    "MATCH ()-[r]->() WHERE r._orggraph_load IS NOT NULL RETURN r._orggraph_key AS id",
)


def test_hostile_values_round_trip_unchanged(bolt_server, fresh_database):
    g = og.OrgGraph()
    g.add_node("Street", "s1", name="街道")
    for i, text in enumerate(HOSTILE):
        g.add_node("Community", f"c{i}{text}", name=text, street_id="s1")
        g.add_node("Cadre", f"p{i}'`{{}}", name=text, phone=text)
        g.add_edge("LIAISES", f"p{i}'`{{}}", f"c{i}{text}", start="2021-12-05")
    g.add_nodes("Unit", pd.DataFrame([{"id": "u1", "name": HOSTILE[0], "note": HOSTILE[4], "kind": "social_org"}]))
    with connect(bolt_server, fresh_database) as db:
        db.load(g, batch_size=4, progress=False)
        assert db.backend.counts() == g.backend.counts()
        back = db.to_memory()
        assert not graph_differences(g, back)
        names = dict(zip(back.nodes("Community")["id"], back.nodes("Community")["name"]))
        assert names == {f"c{i}{t}": t for i, t in enumerate(HOSTILE)}
        assert back.node("u1")["note"] == HOSTILE[4]
        # a hostile id is still just an id
        assert db.kind_of(f"c4{HOSTILE[4]}") == "Community"


def test_dates_are_cypher_dates_and_missing_values_are_absent(bolt_server, fresh_database):
    g = og.OrgGraph()
    g.add_node("Unit", "u1", name="居委会", kind="residents_committee")
    g.add_node("Cadre", "k1", name="张三")
    g.add_edge("HOLDS_POST", "k1", "u1", role="director", start="2021-12-05")
    with connect(bolt_server, fresh_database) as db:
        db.load(g, progress=False)
        probe = cypher.Statement(
            "test.post", "MATCH (:Cadre {id: 'k1'})-[r:HOLDS_POST]->() RETURN r.start AS start, keys(r) AS keys"
        )
        rec = db.backend.runner.records(probe)[0]
        assert rec["start"] == dt.date(2021, 12, 5)
        assert "end" not in rec["keys"] and "part_time" not in rec["keys"]


def test_to_neo4j_and_connect_from_the_environment(small, bolt_server, fresh_database, monkeypatch):
    user, password = bolt_server.auth
    report = small.to_neo4j(bolt_server.uri, auth=bolt_server.auth, database=fresh_database, batch_size=500)
    assert report.counts == small.backend.counts()
    monkeypatch.setenv("ORGGRAPH_NEO4J_URI", bolt_server.uri)
    monkeypatch.setenv("ORGGRAPH_NEO4J_USER", user)
    monkeypatch.setenv("ORGGRAPH_NEO4J_PASSWORD", password)
    monkeypatch.setenv("ORGGRAPH_NEO4J_DATABASE", fresh_database)
    with og.connect() as db:
        assert db.backend_name == "neo4j"
        assert len(db) == len(small)
        for text in (repr(db), repr(db.backend), db.backend.describe(), repr(db.backend.runner)):
            assert password not in text


def test_the_password_never_shows_in_errors(bolt_server, fresh_database):
    import neo4j.exceptions

    secret = "Sup3r-Secret-Pw"
    db = og.connect(bolt_server.uri, auth=(bolt_server.auth[0], secret), database=fresh_database)
    try:
        assert secret not in repr(db.backend) and secret not in db.backend.describe()
        with pytest.raises(neo4j.exceptions.Neo4jError) as info:
            db.backend.counts()
        assert secret not in str(info.value) and secret not in repr(info.value)
    finally:
        db.close()


def test_unsupported_scheme_and_missing_uri(monkeypatch):
    monkeypatch.delenv("ORGGRAPH_NEO4J_URI", raising=False)
    with pytest.raises(og.BackendError, match="ORGGRAPH_NEO4J_URI"):
        og.connect()
    with pytest.raises(og.BackendError, match="scheme"):
        og.connect("http://localhost:7474")


def test_a_quiet_load_prints_nothing(small, bolt_server, fresh_database, capsys):
    with connect(bolt_server, fresh_database) as db:
        db.load(small, batch_size=50)  # many batches, but not a terminal: no progress bar
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_discard_load_recovers_a_crashed_loader(small, bolt_server, fresh_database):
    stage = cypher.node_stage("Street")
    with connect(bolt_server, fresh_database) as db:
        db.backend.runner.write(stage, rows=[{"id": "orphan", "props": {"id": "orphan", "name": "x"}}], load="crashed")
        assert db.backend.counts()["Street"] == 1
        assert db.backend.discard_load("crashed") == 1
        assert db.backend.counts()["Street"] == 0


def test_queries_refuse_a_bad_within(small, bolt_server, fresh_database):
    with connect(bolt_server, fresh_database) as db:
        db.load(small, progress=False)
        with pytest.raises(og.NodeNotFound):
            db.cross_appointment_rate(within="no-such-id")
        with pytest.raises(og.SchemaError):
            db.one_shoulder(within=small.nodes("Cadre")["id"].iloc[0])


@pytest.mark.parametrize("scheme", ["bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"])
def test_uri_schemes_pass_through_to_the_driver(scheme):
    pytest.importorskip("neo4j")
    db = og.connect(f"{scheme}://db.example.invalid:7687", auth=("neo4j", "pw-123-secret"), database="x")
    try:  # the driver connects lazily: nothing is contacted here
        assert db.backend.describe() == f"neo4j {scheme}://db.example.invalid:7687 database x"
        assert "pw-123-secret" not in repr(db.backend) + repr(db.backend.runner)
    finally:
        db.close()
