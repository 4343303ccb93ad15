"""``load(sync=True)``: after it the database holds exactly the graph; ``sync=False`` keeps merging.

Runs on the session's Bolt test server (Neo4j 5.26, else ArcadeDB); nothing is mocked.
Expected figures are worked out by hand from the definition of 交叉任职率
(docs/queries/appointments.md) on the small ledger below.
"""

from __future__ import annotations

import math

import pytest

import orggraph as og
from orggraph.compare import graph_differences

AS_OF = "2023-06-30"


def ledger(*, p2_r1_end: str | None = None, with_p6: bool = True, households: bool = True) -> og.OrgGraph:
    """One street s1, two communities.

    c1: party committee P1, residents' committee R1
        p1: secretary P1 + director R1     → in both
        p2: member P1 + member R1          → in both (until the R1 post ends)
        p3: member P1; p4: deputy_director R1
    c2: general branch P2, residents' committee R2
        p5: secretary P2 + director R2     → in both
        p6: member R2
    """
    g = og.OrgGraph()
    g.add_node("District", "d1", name="区")
    g.add_node("Street", "s1", name="东城街道", district_id="d1")
    g.add_node("Community", "c1", name="安宁社区", street_id="s1", **({"households": 800} if households else {}))
    g.add_node("Community", "c2", name="辽河社区", street_id="s1", **({"households": 500} if households else {}))
    g.add_node("PartyOrg", "P1", name="安宁社区党委", level="committee", territory_id="c1")
    g.add_node("Unit", "R1", name="安宁居委会", kind="residents_committee", territory_id="c1")
    g.add_node("PartyOrg", "P2", name="辽河社区党总支", level="general_branch", territory_id="c2")
    g.add_node("Unit", "R2", name="辽河居委会", kind="residents_committee", territory_id="c2")
    people = ["p1", "p2", "p3", "p4", "p5"] + (["p6"] if with_p6 else [])
    for p in people:
        g.add_node("Cadre", p, name=f"人{p}")
    posts = [
        ("p1", "P1", "secretary"), ("p1", "R1", "director"), ("p2", "P1", "member"),
        ("p3", "P1", "member"), ("p4", "R1", "deputy_director"),
        ("p5", "P2", "secretary"), ("p5", "R2", "director"),
    ] + ([("p6", "R2", "member")] if with_p6 else [])
    for cadre, body, role in posts:
        g.add_edge("HOLDS_POST", cadre, body, role=role, start="2020-01-01")
    end = {"end": p2_r1_end} if p2_r1_end else {}
    g.add_edge("HOLDS_POST", "p2", "R1", role="member", start="2020-01-01", **end)
    return g


def rates(db, by: str = "community") -> dict[str, tuple[int, int, float]]:
    frame = db.cross_appointment_rate(by=by, as_of=AS_OF)
    return {r[f"{by}_id"]: (int(r["members"]), int(r["cross_appointed"]), float(r["rate"])) for _, r in frame.iterrows()}


def close(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        a[k][:2] == b[k][:2] and math.isclose(a[k][2], b[k][2]) for k in a
    )


def test_a_post_ended_and_synced_is_no_longer_counted(bolt_server, fresh_database, tmp_path):
    before, after = ledger(), ledger(p2_r1_end="2022-12-31")
    with og.connect(bolt_server.uri, auth=bolt_server.auth, database=fresh_database) as db:
        first = db.load(before.write_ledger(tmp_path / "v1"), sync=True, progress=False)
        assert first.sync and (first.nodes_removed, first.edges_removed) == (0, 0)
        # c1: members p1 p2 p3 p4, in both p1 p2; c2: members p5 p6, in both p5
        assert close(rates(db), {"c1": (4, 2, 0.5), "c2": (2, 1, 0.5)})
        assert close(rates(db, "street"), {"s1": (6, 3, 0.5)})

        second = db.load(after.write_ledger(tmp_path / "v2"), sync=True, progress=False)
        # the open-ended p2→R1 post went; the one with its end date was staged in its place
        assert (second.nodes_removed, second.edges_removed, second.properties_removed) == (0, 1, 0)
        # p2 still sits on P1 (a member of c1) but is no longer in both bodies on 2023-06-30
        assert close(rates(db), {"c1": (4, 1, 0.25), "c2": (2, 1, 0.5)})
        assert close(rates(db, "street"), {"s1": (6, 2, 2 / 6)})
        assert db.backend.counts() == after.backend.counts()
        assert not graph_differences(after, db.to_memory())


def test_merge_keeps_what_the_graph_no_longer_has(bolt_server, fresh_database):
    """``sync=False`` (the default) keeps today's behaviour: the old open-ended post stays beside the new one."""
    with og.connect(bolt_server.uri, auth=bolt_server.auth, database=fresh_database) as db:
        db.load(ledger(), progress=False)
        report = db.load(ledger(p2_r1_end="2022-12-31"), progress=False)
        assert not report.sync and report.edges_removed == 0
        assert db.backend.counts()["HOLDS_POST"] == ledger().backend.counts()["HOLDS_POST"] + 1
        assert close(rates(db), {"c1": (4, 2, 0.5), "c2": (2, 1, 0.5)})


def test_sync_removes_nodes_edges_and_properties(bolt_server, fresh_database):
    smaller = ledger(with_p6=False, households=False)
    with og.connect(bolt_server.uri, auth=bolt_server.auth, database=fresh_database) as db:
        db.load(ledger(), progress=False)
        report = db.load(smaller, sync=True, batch_size=1, progress=False)
        # p6 and its one post go; c1 and c2 lose their households; nothing else changes
        assert (report.nodes_removed, report.edges_removed, report.properties_removed) == (1, 1, 2)
        assert report.updated == 2
        assert db.backend.counts() == smaller.backend.counts()
        assert not graph_differences(smaller, db.to_memory())
        assert db.to_memory().nodes("Community")["households"].isna().all()
        # c2: only p5 is left, in both bodies
        assert close(rates(db), {"c1": (4, 2, 0.5), "c2": (1, 1, 1.0)})
        again = db.load(smaller, sync=True, progress=False)
        assert (again.nodes_removed, again.edges_removed, again.properties_removed, again.updated) == (0, 0, 0, 0)


def test_a_failed_sync_changes_nothing(bolt_server, fresh_database):
    """All or nothing: a sync whose staging fails (a map value the server rejects) removes nothing."""
    import neo4j.exceptions
    import pandas as pd

    bad = ledger(with_p6=False)
    bad.add_nodes("Cadre", pd.DataFrame([{"id": "zz_bad", "name": "坏", "meta": {"a": 1}}]))
    with og.connect(bolt_server.uri, auth=bolt_server.auth, database=fresh_database) as db:
        db.load(ledger(), progress=False)
        with pytest.raises((neo4j.exceptions.Neo4jError, TypeError, ValueError)):
            db.load(bad, sync=True, batch_size=2, progress=False)
        assert db.backend.counts() == ledger().backend.counts()
        assert not graph_differences(ledger(), db.to_memory())


def _ids(g: og.OrgGraph) -> set[str]:
    return set(g.backend.store.id_index().index)


def test_a_scenario_on_a_street_of_the_database_written_back(bolt_server, fresh_database):
    """``within`` gives the in-memory street; a scenario runs on it; its graph is synced back into the database."""
    g = og.load_sample("jiaohe")
    with og.connect(bolt_server.uri, auth=bolt_server.auth, database=fresh_database) as db:
        db.load(g, progress=False)
        street = sorted(g.nodes("Street")["id"])[0]
        part = db.within(street)
        assert part.backend_name == "memory"
        assert not graph_differences(g.within(street), part)
        with pytest.raises(og.QueryNotSupportedError, match=r"within\("):
            db.scenario("撤并")
        s = part.scenario("撤并", date="2024-01-01")
        s.merge_communities(["jh-c02"], into="jh-c01")
        result = s.graph
        report = result.to_neo4j(bolt_server.uri, auth=bolt_server.auth, database=fresh_database, sync=True)
        assert report.nodes_removed == len(_ids(g) - _ids(result)) > 0
        assert not graph_differences(result, db.to_memory())


def _unit_over_two(first: str, second: str) -> og.OrgGraph:
    """One street, communities c1 and c2, and a 业委会 U covering both: its ``territory_id`` (its first
    ``COVERS``) is ``first``, a second ``COVERS`` edge reaches ``second``."""
    g = og.OrgGraph()
    g.add_node("Street", "s1", name="东城街道")
    for c in ("c1", "c2"):
        g.add_node("Community", c, name=f"社区{c}", street_id="s1")
    g.add_node("Unit", "U", name="联合业委会", kind="owners_committee", territory_id=first)
    g.add_edge("COVERS", "U", second)
    return g


def test_a_sync_that_only_reorders_edges_moves_the_reference(bolt_server, fresh_database):
    """The same edges in another order are another graph: U's territory moves from c1 to c2 (a unit's
    ``territory_id`` is its first ``COVERS``), though not one edge is added or removed."""
    before, after = _unit_over_two("c1", "c2"), _unit_over_two("c2", "c1")
    assert before.backend.counts() == after.backend.counts()
    with og.connect(bolt_server.uri, auth=bolt_server.auth, database=fresh_database) as db:
        db.load(before, sync=True, progress=False)
        assert db.to_memory().nodes("Unit").set_index("id").at["U", "territory_id"] == "c1"
        report = db.load(after, sync=True, progress=False)
        assert (report.nodes_removed, report.edges_removed) == (0, 0)
        back = db.to_memory()
        assert back.nodes("Unit").set_index("id").at["U", "territory_id"] == "c2"
        assert not graph_differences(after, back)
        assert back.equals(after)
