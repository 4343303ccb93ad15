"""separate_station (居站分设) and regrid on the hand-built street, and the shipped dongcheng and qixia scenarios."""

from __future__ import annotations

import pandas as pd
import pytest

import orggraph as og
from fixtures.scenario_town import DAY, claims_on, posts_of

END = pd.Timestamp(DAY)


def test_station_serves_communities_and_takes_their_workers(town):
    s = town.scenario("station", date=DAY)
    step = s.separate_station(["rcA", "C"], station="ws1", chief="p7")
    g = s.graph
    unit = g.nodes("Unit").set_index("id").loc["ws1"]
    assert (unit["kind"], unit["name"], unit["territory_id"]) == ("workstation", "中盛社区工作站", "s1")
    cov = g.edges("COVERS")
    assert list(cov.loc[cov["source"] == "ws1", "target"]) == ["s1", "A", "C"]
    # p8, staff of A's 居委会, moves: the post there ends, the same role starts at the station
    rc = posts_of(g, "rcA").set_index("source")
    assert rc.loc["p8", "end"] == END
    ws = posts_of(g, "ws1")
    assert list(zip(ws["source"], ws["role"])) == [("p7", "station_chief"), ("p8", "staff")]
    assert (ws["start"] == END).all()
    assert step.summary["serves"] == 2 and step.summary["one_station_many_committees"]
    # extending the station to B: one more community, nobody appointed twice
    step = s.separate_station("B", station="ws1", move_staff=False)
    assert step.summary["serves"] == 3 and step.summary["posts_created"] == 0


@pytest.mark.parametrize("kwargs, message", [
    (dict(community_or_committees=["poA"], station="ws1"), "not a community or a residents' committee"),
    (dict(community_or_committees=["A"], station="poA"), "not a work station"),
    (dict(community_or_committees=["A"], station="ws1", chief="nobody"), "unknown id"),
    (dict(community_or_committees=["zz"], station="ws1"), "unknown id"),
])
def test_invalid_station_changes_nothing(town, kwargs, message):
    s = town.scenario("station", date=DAY)
    with pytest.raises(og.ScenarioError, match=message):
        s.separate_station(**kwargs)
    assert s.graph.equals(town)


def test_regrid_by_hand(town):
    s = town.scenario("regrid", date=DAY)
    step = s.regrid("A", target_households=300)
    g = s.graph
    # 600 households → round(600/300) = 2 grids; aA1 (300) alone reaches the first grid's goal of 300,
    # aA2 (300) and z1 (0) make the second; gA1 and gA2 are gone
    grids = g.nodes("Grid").set_index("id")
    assert {"gA1", "gA2"}.isdisjoint(grids.index)
    assert grids.loc[["A-g01", "A-g02"], "households"].tolist() == [300, 300]
    assert grids.loc["A-g01", "name"] == "中盛社区第1网格"
    assert claims_on(g, "aA1") == ["A-g01"] and claims_on(g, "aA2") == ["A-g02"]
    # z1 keeps its place before B's claim (still contested)
    assert claims_on(g, "z1") == ["A-g02", "B"]
    d = step.details.set_index("grid_id")
    # z1 was held by the community itself and nothing says it neighbours aA2
    assert d["contiguous"].tolist() == [True, False]
    assert step.summary["grids"] == 2 and step.summary["households_std"] == 0.0
    # gA1's grid worker moves with gA1's households to A-g01
    assert list(posts_of(g, "A-g01")["source"]) == ["p9"]


def test_regrid_big_compound_gets_overlay_grids():
    g = og.OrgGraph()
    g.add_node("Street", "s", name="街道")
    g.add_node("Community", "c", name="龙腾社区", street_id="s", households=1000)
    g.add_node("Grid", "old", name="旧网格", community_id="c", households=1000)
    for aid, hh in (("big", 700), ("a1", 150), ("a2", 150)):
        g.add_node("Area", aid, name=aid, kind="compound", parent_id="old", households=hh)
    g.add_edge("ADJACENT", "a1", "a2")
    s = g.scenario("big", date=DAY)
    step = s.regrid("c", target_households=300, tolerance="1/3")
    # 1000 → 3 grids; big (700 > 400) hangs in the community under max(round(700/300), ceil(700/400)) = 2
    # overlay grids of 350; a1 + a2 (300) make the third
    d = step.details
    assert d["households"].tolist() == [350, 350, 300]
    assert d["compound_area"].tolist()[:2] == ["big", "big"]
    assert claims_on(s.graph, "big") == ["c"] and claims_on(s.graph, "a1") == ["c-g03"]
    assert step.summary["outside_tolerance"] == 0


@pytest.mark.parametrize("kwargs, message", [
    (dict(community="gA1"), "not a Community"),
    (dict(community="A", target_households=0), "at least 1"),
    (dict(community="A", tolerance=2), "between 0 and 1"),
    (dict(community="A", keep=["gC1"]), "not grids of community"),
])
def test_invalid_regrid_changes_nothing(town, kwargs, message):
    s = town.scenario("regrid", date=DAY)
    with pytest.raises(og.ScenarioError, match=message):
        s.regrid(**kwargs)
    assert s.graph.equals(town)


def test_dongcheng_ju_zhan_fen_she_reproduces_the_source():
    """Seed 001: 居委会 17 → 29 (3 kept + 26 new), 8 work stations, 7 of them 一站多居."""
    before = og.load_sample("dongcheng", "before")
    s = og.Scenario.from_file(og.sample_path("dongcheng") / "scenarios" / "ju_zhan_fen_she.toml", before)
    g = s.graph
    units, cov = g.nodes("Unit"), g.edges("COVERS")
    comm = set(g.nodes("Community")["id"])

    def live_committees(graph):
        u, c = graph.nodes("Unit"), graph.edges("COVERS")
        rc = u.loc[u["kind"] == "residents_committee", "id"]
        return set(c.loc[c["source"].isin(rc) & c["target"].isin(set(graph.nodes("Community")["id"])), "source"])

    assert len(live_committees(before)) == 17  # 街道原有城市居民委员会17个
    rcs = live_committees(g)
    assert len(rcs) == 29  # 现有居委会29个
    assert len(rcs & live_committees(before)) == 3  # 保留3个
    assert len(rcs - live_committees(before)) == 26  # 新设26个
    stations = units.loc[units["kind"] == "workstation", "id"]
    assert len(stations) == 8  # 社区工作站8个
    served = cov[cov["source"].isin(stations) & cov["target"].isin(comm)].groupby("source").size()
    assert (served > 1).sum() == 7  # 其中7个实行“一站多居”
    assert served.sum() == 29  # every 居委会's community is served by exactly one station
    r = g.audit(as_of="2010-12-31").headline.set_index("indicator")
    assert r.loc["large_compound_committee_rate", "value"] == 1.0  # 500户以上的规模小区全部成立了居委会
    # same territory: areas and grids kept, households conserved
    assert set(g.nodes("Area")["id"]) == set(before.nodes("Area")["id"])
    assert g.nodes("Community")["households"].sum() == before.nodes("Community")["households"].sum()


def test_qixia_recut_and_regrid_reproduces_the_source():
    """Seed 004: 将原有8个社区扩增为12个 … 以每300户为基础划分97个基础网格."""
    before = og.load_sample("qixia", "before")
    s = og.Scenario.from_file(og.sample_path("qixia") / "scenarios" / "recut_and_regrid.json", before)
    g = s.graph
    assert len(before.nodes("Community")) == 8
    assert len(g.nodes("Community")) == 12
    grids = g.nodes("Grid")
    assert len(grids) == 97
    hh = grids["households"].astype(float)
    assert abs(hh.mean() - 300) < 10 and hh.between(200, 400).all()
    assert g.check_norms(as_of="2020-06-30").query("rule == 'grid_households'").empty
    assert g.nodes("Community")["households"].sum() == before.nodes("Community")["households"].sum()
    assert set(g.nodes("Area")["id"]) == set(before.nodes("Area")["id"])
    details = pd.concat([st.details for st in s.steps if st.op == "regrid"])
    assert details["contiguous"].mean() > 0.9
    # 97个网格 … 网格员97名: the grids the regrid left without a worker get one (hire, grid_workers_2020.csv)
    rate = g.audit(as_of=s.date).headline.set_index("indicator").loc["grid_worker_rate"]
    assert (rate["numerator"], rate["denominator"]) == (97, 97)
    hired = s.steps[-1]
    assert hired.op == "hire" and hired.summary["new_people"] == 97 - 16
