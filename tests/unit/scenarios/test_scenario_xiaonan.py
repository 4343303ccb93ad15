"""The 孝南 re-cut (seed 002) replayed on ``xiaonan/before`` to the document's end state; carve_community / add_grid.

Seed 002 (孝南区党建引领街道社区治理): 调整优化43个社区、251个网格管辖区域,增设2个社区、91个网格,厘清8个社区交界区域
管辖主体,彻底消除治理真空带 … 组建街道“大工委”4个、社区“大党委”49个,吸纳20名区直单位党政班子成员、263名市区两级单位
党组织书记 … 担任兼职委员 … 新组建业委会94个、自管委(物管委)656个、物业服务企业党支部20个 … 培育社区志愿服务组织170个
… 29名区级领导挂点联系街道和社区 … 组织67家区直机关企事业单位党组织到联系共建社区报到,4643名党员到居住地社区报到 …
核定城市社区工作者员额710名 … 组建社区应急突击队48支 … 择优考核招聘3名书记纳入事业岗位管理,其他40名街道社区党组织书记
均参照事业编制落实待遇.

The end state is read back from the ledger ``orggraph scenario run … --sample xiaonan/before --out`` writes, and
every figure is counted by hand from its definition (``data/samples/FIGURES.json``, key ``xiaonan``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import orggraph as og
from fixtures.ledgers import ledger_graph
from orggraph.cli import main

ROOT = Path(__file__).resolve().parents[3] / "data" / "samples" / "xiaonan"
SCENARIO = ROOT / "scenarios" / "recut_2020.json"
DAY = "2022-01-01"   # the sample's as_of: the document's figures hold on this day


def _read(folder: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)


def _current(posts: pd.DataFrame, day: str = DAY) -> pd.DataFrame:
    return posts[(posts["start"] <= day) & ((posts["end"] == "") | (posts["end"] > day))]


@pytest.fixture(scope="module")
def end(tmp_path_factory) -> Path:
    """The replay's end state, as the CLI writes it."""
    out = tmp_path_factory.mktemp("xiaonan") / "end"
    assert main(["scenario", "run", str(SCENARIO), "--sample", "xiaonan/before", "--out", str(out)]) in (0, 2)
    return out


def test_before_state_is_the_document_start():
    comms, grids, areas, contains = (_read(ROOT / "before", t) for t in ("communities", "grids", "areas", "contains"))
    assert len(comms) == 43 - 2 and len(grids) == 251 - 91
    zones = areas[areas["kind"] == "boundary_zone"]
    # the 8 zones the document names, all without a governing community (治理真空带); no other zone
    assert len(zones) == 8 and (zones["parent_id"] == "").all()
    assert set(contains.loc[contains["child_id"].isin(zones["id"]), "parent_id"]) <= {"xn-s1", "xn-s2", "xn-s3", "xn-s4"}
    assert contains["child_id"].isin(zones["id"]).sum() == 8
    sample_zones = _read(ROOT, "areas")
    assert set(zones["id"]) == set(sample_zones.loc[sample_zones["assigned"] == "2020", "id"])


def test_audit_of_xiaonan_before(tmp_path, capsys):
    out = tmp_path / "audit"
    assert main(["audit", "--sample", "xiaonan/before", "--as-of", "2020-06-30", "--out", str(out)]) in (0, 2)
    assert "sample xiaonan/before" in capsys.readouterr().out
    head = pd.read_csv(out / "headline.csv").set_index("indicator")
    assert head.loc["unassigned_areas", "value"] == 8 and head.loc["contested_areas", "value"] == 0


def test_structure_of_the_end_state(end):
    sample = {t: _read(ROOT, t) for t in ("communities", "grids", "areas")}
    before = {t: _read(ROOT / "before", t) for t in ("communities", "grids")}
    comms, grids, areas, contains = (_read(end, t) for t in ("communities", "grids", "areas", "contains"))
    # 调整优化43个社区、251个网格 …, 增设2个社区、91个网格
    assert len(comms) == 43 and len(grids) == 251
    added_c = set(comms["id"]) - set(before["communities"]["id"])
    added_g = set(grids["id"]) - set(before["grids"]["id"])
    assert len(added_c) == 2 and len(added_g) == 91
    assert added_c == set(comms.loc[comms["established"] == "2020", "id"])
    assert added_c == set(sample["communities"].loc[sample["communities"]["established"] == "2020", "id"])
    assert added_g == set(sample["grids"].loc[sample["grids"]["established"] == "2020", "id"])
    assert (grids.set_index("id").loc[sorted(added_g), "established"] == "2020").all()
    # 厘清8个社区交界区域管辖主体: each zone in a grid, the grid in the community the sample names, 8 communities
    zones = areas[areas["kind"] == "boundary_zone"].set_index("id")
    assert len(zones) == 8 and (zones["assigned_on"] == "2020-12-31").all()
    grid_comm = grids.set_index("id")["community_id"]
    assert zones["parent_id"].isin(grid_comm.index).all()
    governing = zones["parent_id"].map(grid_comm)
    s_areas = sample["areas"].set_index("id")
    s_grid_comm = sample["grids"].set_index("id")["community_id"]
    s_par = s_areas.loc[zones.index, "parent_id"]
    assert governing.to_dict() == s_par.map(lambda p: s_grid_comm.get(p, p)).to_dict()
    assert governing.nunique() == 8
    # 彻底消除治理真空带: every area has exactly one parent and no second claim
    assert (areas["parent_id"] != "").all()
    assert contains.empty
    # territory conserved: the sample's areas (less its two deviation zones), households of every community
    assert set(areas["id"]) == set(s_areas.index) - {"xn-a2367", "xn-a2368"}
    # every area lies where the sample has it, but the 5 zones the sample leaves directly in a community (now in a grid)
    moved = areas.set_index("id")["parent_id"].loc[lambda p: p != s_areas.loc[p.index, "parent_id"]]
    assert set(moved.index) <= set(zones.index) and len(moved) == 5
    assert (moved.map(grid_comm) == s_areas.loc[moved.index, "parent_id"]).all()
    hh = comms.set_index("id")["households"].astype(int)
    s_hh = sample["communities"].set_index("id")["households"].astype(int)
    diff = (s_hh - hh.reindex(s_hh.index)).loc[lambda d: d != 0]
    assert diff.to_dict() == {"xn-c32": 66}   # the contested deviation zone (66 households) is not in the replay


def test_no_vacuum_in_the_end_state_audit():
    g = og.load_sample("xiaonan", "before")
    s = og.Scenario.from_file(SCENARIO, g)
    a = s.graph.audit(as_of=DAY)
    head = a.headline.set_index("indicator")
    assert head.loc["unassigned_areas", "value"] == 0 and head.loc["contested_areas", "value"] == 0
    assert len(s.graph.nodes("Community")) == 43 and len(s.graph.nodes("Grid")) == 251
    # the baseline is untouched
    assert g.audit(as_of=DAY).headline.set_index("indicator").loc["unassigned_areas", "value"] == 8


def test_every_figure_of_seed_002_on_the_end_state(end):
    t = {x: _read(end, x) for x in ("communities", "party_orgs", "units", "posts", "reports", "liaisons", "cadres")}
    po, units, posts = t["party_orgs"], t["units"], _current(t["posts"])
    comm_ids = set(t["communities"]["id"])
    areas = set(_read(end, "areas")["id"])
    figures = {}
    wc = set(po.loc[po["level"] == "working_committee", "id"])
    ptm = posts[posts["role"] == "part_time_member"]
    figures["big_working_committees"] = ptm.loc[ptm["body_id"].isin(wc), "body_id"].nunique()
    wc_members = set(ptm.loc[ptm["body_id"].isin(wc), "cadre_id"])
    district_units = set(units.loc[(units["kind"] == "resident_unit") & (units["admin_level"] == "district"), "id"])
    on_district_unit = set(posts.loc[posts["body_id"].isin(district_units), "cadre_id"])
    assert wc_members <= on_district_unit
    figures["working_committee_part_time_members"] = len(wc_members)
    big = po[(po["level"] == "committee") & (po["unit_id"] == "") & po["territory_id"].isin(comm_ids | areas)]
    assert set(big["id"]) == set(po.loc[(po["level"] == "committee") & (po["big"] == "true"), "id"])
    figures["big_party_committees"] = len(big)
    big_members = set(ptm.loc[ptm["body_id"].isin(big["id"]), "cadre_id"])
    unit_orgs = set(po.loc[po["unit_id"].isin(units.loc[units["kind"] == "resident_unit", "id"]), "id"])
    unit_secretaries = set(posts.loc[(posts["role"] == "secretary") & posts["body_id"].isin(unit_orgs), "cadre_id"])
    assert big_members <= unit_secretaries
    figures["big_party_committee_part_time_members"] = len(big_members)
    figures["owners_committees"] = int((units["kind"] == "owners_committee").sum())
    figures["self_management_committees"] = int((units["kind"] == "self_management_committee").sum())
    pc = set(units.loc[units["kind"] == "property_company", "id"])
    figures["property_company_branches"] = int(po["unit_id"].isin(pc).sum())
    social = units[units["kind"] == "social_org"]
    figures["volunteer_orgs"] = int((social["subkind"] == "volunteer_org").sum())
    figures["emergency_teams"] = int((social["subkind"] == "emergency_team").sum())
    district_orgs = set(po.loc[po["unit_id"].isin(district_units), "id"])
    reporters = t["reports"]["reporter_id"]
    figures["unit_party_orgs_reporting"] = reporters[reporters.isin(district_orgs)].nunique()
    members = reporters[reporters.isin(t["cadres"]["id"])]
    assert (t["cadres"].set_index("id").loc[members.unique(), "party_member"] == "true").all()
    figures["members_reporting"] = members.nunique()
    rc = set(units.loc[units["kind"] == "residents_committee", "id"])
    figures["community_workers"] = posts.loc[(posts["role"] == "staff") & posts["body_id"].isin(rc), "cadre_id"].nunique()
    figures["district_leaders_liaising"] = t["liaisons"]["cadre_id"].nunique()
    comm_po = set(po.loc[(po["level"] == "committee") & (po["unit_id"] == "") & po["territory_id"].isin(comm_ids), "id"])
    secs = posts[(posts["role"] == "secretary") & posts["body_id"].isin(comm_po)]
    figures["community_party_secretaries"] = len(secs)
    figures["community_secretaries_career_post"] = int((secs["career_post"] == "true").sum())
    figures["community_secretaries_other"] = int((secs["career_post"] == "false").sum())
    assert figures == {
        "big_working_committees": 4,                    # 组建街道“大工委”4个
        "working_committee_part_time_members": 20,      # 吸纳20名区直单位党政班子成员
        "big_party_committees": 49,                     # 社区“大党委”49个
        "big_party_committee_part_time_members": 263,   # 263名市区两级单位党组织书记
        "owners_committees": 94,                        # 新组建业委会94个
        "self_management_committees": 656,              # 自管委(物管委)656个
        "property_company_branches": 20,                # 物业服务企业党支部20个
        "volunteer_orgs": 170,                          # 培育社区志愿服务组织170个
        "emergency_teams": 48,                          # 组建社区应急突击队48支
        "unit_party_orgs_reporting": 67,                # 67家区直机关企事业单位党组织到联系共建社区报到
        "members_reporting": 4643,                      # 4643名党员到居住地社区报到
        "community_workers": 710,                       # 核定城市社区工作者员额710名
        "district_leaders_liaising": 29,                # 29名区级领导挂点联系街道和社区
        "community_party_secretaries": 43,              # 3名 + 其他40名 社区党组织书记
        "community_secretaries_career_post": 3,         # 择优考核招聘3名书记纳入事业岗位管理
        "community_secretaries_other": 40,              # 其他40名 … 参照事业编制落实待遇
    }
    # the new communities' own bodies and reports came with them (claims), not left with the community they left
    for new in ("xn-c33", "xn-c43"):
        assert len(po[(po["territory_id"] == new) & (po["level"] == "committee")]) == 1
        assert (t["reports"]["community_id"] == new).any()


# --------------------------------------------------------------------------- the two operations on a hand-built street

STREET = {
    "districts": [{"id": "d1", "name": "某区"}],
    "streets": [{"id": "s1", "name": "某街道", "district_id": "d1"}],
    "communities": [{"id": "c1", "name": "甲社区", "street_id": "s1", "kind": "urban", "households": 600,
                     "population": 1800}],
    "grids": [{"id": "g1", "name": "甲社区第1网格", "community_id": "c1", "households": 600}],
    "areas": [{"id": "a1", "name": "一小区", "kind": "compound", "parent_id": "g1", "households": 100},
              {"id": "a2", "name": "二小区", "kind": "compound", "parent_id": "g1", "households": 200},
              {"id": "big", "name": "大小区", "kind": "compound", "parent_id": "c1", "households": 300},
              {"id": "z", "name": "交界区域", "kind": "boundary_zone", "parent_id": "", "households": 10}],
    "contains": [{"parent_id": "s1", "child_id": "z"}],
    "party_orgs": [{"id": "po1", "name": "甲社区党委", "level": "committee", "territory_id": "c1"},
                   {"id": "po2", "name": "乙社区党委(筹)", "level": "committee", "territory_id": "c1"}],
    "cadres": [{"id": "p1", "name": "人员1", "party_member": "true"}, {"id": "p2", "name": "人员2", "party_member": "true"}],
    "reports": [{"reporter_id": "p1", "community_id": "c1", "date": "2020-01-01"},
                {"reporter_id": "p2", "community_id": "c1", "date": "2020-01-01"}],
}


def test_carve_community_and_add_grid_by_hand():
    g = ledger_graph(STREET)
    s = g.scenario("增设", date="2020-12-31")
    # the big compound (300 households, in the community) is overlaid by g1; a new grid takes 120 of them
    s.add_grid("g2", "甲社区第2网格", "c1", areas=["a2"], share=120, share_of="g1", established="2020")
    grid = s.graph.nodes("Grid").set_index("id")
    assert grid.loc[["g1", "g2"], "households"].tolist() == [600 - 200 - 120, 200 + 120]
    assert grid.at["g2", "community_id"] == "c1" and grid.at["g2", "established"] == "2020"
    s.carve_community("c1", "c2", "乙社区", territories=["a1"], claims=["po2", "p2"])
    h = s.graph
    comm = h.nodes("Community").set_index("id")
    # a1 leaves g1 and c1 with its 100 households
    assert comm.at["c2", "households"] == 100 and comm.at["c1", "households"] == 500
    assert h.nodes("Grid").set_index("id").at["g1", "households"] == 600 - 200 - 120 - 100
    assert comm.at["c2", "street_id"] == "s1" and comm.at["c2", "kind"] == "urban"
    assert comm.at["c1", "population"] + comm.at["c2", "population"] == 1800
    party = h.nodes("PartyOrg").set_index("id")
    assert party.at["po2", "territory_id"] == "c2" and party.at["po1", "territory_id"] == "c1"
    r = h.edges("REPORTS_TO").set_index("source")["target"]
    assert r.to_dict() == {"p1": "c1", "p2": "c2"}
    assert len(g.nodes("Community")) == 1   # the baseline is untouched


def test_recut_operations_refuse_bad_input():
    g = ledger_graph(STREET)
    s = g.scenario("增设", date="2020-12-31")
    with pytest.raises(og.ScenarioError, match="already in the graph"):
        s.add_grid("g1", "x", "c1")
    with pytest.raises(og.ScenarioError, match="holds 600"):
        s.add_grid("g2", "x", "c1", share=700, share_of="g1")
    with pytest.raises(og.ScenarioError, match="share_of"):
        s.add_grid("g2", "x", "c1", share=10)
    with pytest.raises(og.ScenarioError, match="neither cover"):
        s.carve_community("c1", "c2", "乙社区", territories=["a1"], claims=["p9"])
    with pytest.raises(og.ScenarioError, match="not inside community"):
        s.carve_community("c1", "c2", "乙社区", territories=["z"])
    with pytest.raises(og.ScenarioError, match="not inside community"):
        s.add_grid("g2", "x", "c1", areas=["z"])
    with pytest.raises(og.ScenarioError, match="not a Grid or Area"):
        s.carve_community("c1", "c2", "乙社区", territories=["s1"])
    assert len(s.log) == 0 and len(s.graph.nodes("Grid")) == 1
