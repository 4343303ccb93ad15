"""Scenario mechanics: branch, log, undo, staffing operations, files and replay, compare, CLI."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

import orggraph as og
from orggraph.cli import main
from fixtures.scenario_town import DAY, posts_of


def _frames(g):
    nodes, edges = g.backend.store.tables()
    return {**{k: v for k, v in nodes.items()}, **{k: v for k, v in edges.items()}}


def test_branch_shares_tables_and_never_touches_the_baseline(town):
    before = _frames(town)
    s = town.scenario("x", date=DAY)
    assert all(a is b for a, b in zip(_frames(s.graph).values(), before.values()))  # no copy made
    s.merge_communities("B", into="A")
    s.regrid("A")
    after = _frames(town)
    assert all(after[k] is before[k] for k in before)  # the baseline's tables are the very same objects
    # only the tables an operation changes are rebuilt: the districts are still shared
    assert _frames(s.graph)["District"] is before["District"]


def test_log_records_parameters_and_undo_is_exact(town):
    s = town.scenario("x", date=DAY)
    s.merge_communities(["B"], into="A")
    merged = s.graph.copy()
    s.appoint("p7", "poA", "委员")
    log = s.log
    assert log["operation"].tolist() == ["merge_communities", "appoint"]
    assert log.loc[0, "parameters"] == {"sources": ["B"], "into": "A"}
    assert log.loc[1, "parameters"] == {"cadre": "p7", "body": "poA", "role": "委员"}
    assert not s.graph.equals(merged)
    assert s.undo().op == "appoint"
    assert s.graph.equals(merged)
    assert s.undo().op == "merge_communities"
    assert s.graph.equals(town) and len(s.log) == 0
    with pytest.raises(og.ScenarioError, match="nothing to undo"):
        s.undo()


def test_staffing_operations(town):
    s = town.scenario("x", date=DAY)
    s.appoint("p7", "poA", "委员", part_time=True)
    p = posts_of(s.graph, "poA").set_index("source")
    assert p.loc["p7", "role"] == "member" and p.loc["p7", "start"] == pd.Timestamp(DAY)
    with pytest.raises(og.ScenarioError, match="already holds"):
        s.appoint("p7", "poA", "member")
    with pytest.raises(og.ScenarioError, match="not one of"):
        s.appoint("p7", "poA", "总经理")
    s.end_post("p1", "poA")
    assert posts_of(s.graph, "poA").set_index("source").loc["p1", "end"] == pd.Timestamp(DAY)
    with pytest.raises(og.ScenarioError, match="holds no"):
        s.end_post("p1", "poA")
    step = s.add_party_org("branch", "aA1", "poA")
    assert step.params["id"] == "aA1-po-branch"  # the generated id is recorded for replays
    po = s.graph.nodes("PartyOrg").set_index("id").loc["aA1-po-branch"]
    assert (po["name"], po["territory_id"], po["parent_id"]) == ("aA1党支部", "aA1", "poA")
    s.add_part_time_member("ruX", "poA")  # the unit's party secretary p10 becomes a 兼职委员
    assert posts_of(s.graph, "poA").set_index("source").loc["p10", "role"] == "part_time_member"
    with pytest.raises(og.ScenarioError, match="no current party secretary"):
        s.add_part_time_member("rcA", "poA")
    s.report("ruX", "C")
    with pytest.raises(og.ScenarioError, match="already reports"):
        s.report("ruX", "C")
    with pytest.raises(og.ScenarioError, match="not a Community"):
        s.report("ruX", "gA1")
    assert len(s.log) == 5


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_file_round_trip_and_replay(town, tmp_path, suffix):
    s = town.scenario("振兴并入中盛", date=DAY, description='quotes " and \\ and 中文')
    s.merge_communities(["B"], into="A", transition_until="2022-06-30")
    s.split_community("A", [{"id": "A1", "name": "东", "territories": ["gA1", "gB1"]},
                            {"id": "A2", "name": "西", "rest": True}])
    s.regrid("A1")
    path = s.to_file(tmp_path / f"s{suffix}")
    plan = og.Scenario.from_file(path)
    assert not plan.bound and len(plan) == 3 and plan.description == s.description
    assert plan.operations == s.operations
    again = plan.replay(town)
    assert again.graph.equals(s.graph)
    with pytest.raises(og.ScenarioError, match="no graph yet"):
        plan.graph


def test_replay_refuses_when_an_id_is_gone(town, tmp_path):
    s = town.scenario("x", date=DAY)
    s.merge_communities(["B"], into="A")
    s.regrid("A")
    other = town.scenario("y", date=DAY)
    other.merge_communities(["A"], into="C")
    with pytest.raises(og.ScenarioError, match=r"step 1 of 2 \(merge_communities\): into: unknown id\(s\) \['A'\]"):
        s.replay(other.graph)


@pytest.mark.parametrize("data, message", [
    ({"operations": [{"op": "explode"}]}, "unknown operation"),
    ({"operations": [{"op": "regrid", "community": "A", "colour": 1}]}, "unexpected keyword"),
    ({"operations": [{"op": "regrid"}]}, "missing a required"),
    ({"orggraph_scenario": 9}, "version"),
    ({"steps": []}, "unknown key"),
])
def test_bad_files_are_refused(tmp_path, data, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(og.ScenarioError, match=message):
        og.Scenario.from_file(path)


def test_compare_structure_people_and_indicators(town):
    s = town.scenario("x", date=DAY)
    s.merge_communities("B", into="A")
    c = og.compare(town, s)
    n = c.nodes.set_index("id")
    assert n.loc["B", "change"] == "removed" and n.loc["coopB-grid", "change"] == "added"
    assert n.loc["gB1", "change"] == "moved" and n.loc["gB1", "detail"] == "community_id: B → A"
    assert "households: 600 → 900" in n.loc["A", "detail"]
    ended = c.posts[c.posts["change"] == "ended"]
    assert sorted(zip(ended["cadre_id"], ended["body_id"])) == [("p2", "poB"), ("p2", "rcB"), ("p3", "poB"), ("p3", "rcB")]
    people = c.people.set_index("cadre_id")
    assert people.loc["p2", "lost"] == ["poB:secretary", "rcB:director"] and people.loc["p2", "n_gained"] == 0
    assert people.loc["p4", "gained"] == ["coopB-grid:grid_leader", "poA:member"]
    ind = c.indicators.set_index("indicator")
    # one_shoulder: C has no 居委会, so it is not applicable (不适用) and not counted: before A (p1 secretary and
    # director) and B (p2) of the 2 applicable → 2/2; after the merge A of 1 → 1/1
    assert ind.loc["one_shoulder_share", ["before", "after"]].tolist() == pytest.approx([1.0, 1.0])
    assert ind.loc["contested_areas", "change"] == -1
    assert list(c.indicators.columns) == ["indicator", "zh", "measure", "before", "after", "change"]
    fig = c.plot()
    assert len(fig.axes) == 2
    assert og.compare_scenarios is og.scenarios.compare


def test_orggraph_compare_is_both_module_and_function(town):
    import orggraph.compare as module
    from orggraph.compare import graph_differences

    assert module is og.compare and og.compare.graph_differences is graph_differences
    assert og.compare(town, town.copy()).changed_indicators().empty


def test_neo4j_graph_is_refused_with_advice(town):
    class Remote:
        @property
        def store(self):
            raise og.QueryNotSupportedError("in memory only")

    with pytest.raises(og.QueryNotSupportedError, match="to_memory"):
        og.Scenario(Remote(), "x")


def test_cli_scenario_run(tmp_path, capsys):
    path = og.sample_path("shijiu") / "scenarios" / "cun_gai_ju_merger.toml"
    assert main(["scenario", "run", str(path), "--sample", "shijiu", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    # the one contested zone lies between 秀湖 and 隆华, and 隆华 merges into 秀湖: 1 → 0
    assert re.search(r"交界争议区域\s*│[^│]*│\s*1\s*│\s*0\s*│\s*-1", out)
    g = og.read_ledger(tmp_path / "out")
    # 7 city communities, plus the 7 of batches 1 and 2 recorded with their 撤销日期; none existing after 2021-12-05
    assert len(g.nodes("Community")) == 14
    assert (g.at("2021-12-05").nodes("Community")["kind"] == "urban").all()
    assert main(["scenario", "run", str(path), "--sample", "qixia/before"]) == 1
    assert "step 1 of 4" in capsys.readouterr().err
