"""Every bundled sample loads and reproduces the figures its source document reports.

The numbers below are the sources' own (seeds 000–004 in shared/seeds), written
here from the text, not read from the sample: a sample that drifts from its
source fails. Counting is done from the tables, independently of the queries.
"""

from __future__ import annotations

import pandas as pd
import pytest

import orggraph as og


def _current(posts: pd.DataFrame, day: str) -> pd.DataFrame:
    t = pd.Timestamp(day)
    ok = (posts["start"].isna() | (posts["start"] <= t)) & (posts["end"].isna() | (posts["end"] > t))
    return posts[ok]


class Sample:
    def __init__(self, name, state=None, day=None):
        """The sample as it stood on ``day`` (dated structure: what did not exist then is left out)."""
        self.g = og.load_sample(name, state)
        if day is not None:
            self.g = og.OrgGraph(self.g.backend.at(day))
        self.nodes = {k: self.g.nodes(k) for k in ("Community", "Grid", "Area", "PartyOrg", "Unit", "Cadre", "Street")}
        self.posts = self.g.edges("HOLDS_POST")
        self.covers = self.g.edges("COVERS")

    def count(self, label, /, **eq) -> int:
        f = self.nodes[label]
        for col, val in eq.items():
            f = f[f[col] == val]
        return len(f)

    def ids(self, label, /, **eq) -> set:
        f = self.nodes[label]
        for col, val in eq.items():
            f = f[f[col] == val]
        return set(f["id"])


def test_all_samples_are_listed():
    assert og.list_samples() == ["dongcheng", "jiaohe", "qixia", "shijiu", "xiaonan"]


def test_shijiu_before_the_merger():
    """Seed 000: 原有的16个“村改居”社区; 实行“三个批次”; 撤销振兴、隆华等9个(新批复) “村改居”社区并入相应城市社区;
    原中盛社区、原华林社区 (two of the 9), 碧海社区、幸福社区 (receiving); 为九个股份经济合作社党组织揭牌.
    Batches 1 (2021-07-20, 4 communities) and 2 (2021-09-26, 3) are dated in the ledger; their dates are synthetic."""
    # before batch 1: all 16 村改居 communities, one cooperative each
    early = Sample("shijiu", day="2021-07-19")
    c = early.nodes["Community"]
    assert early.count("Community", kind="converted") == 16 and early.count("Community", kind="urban") == 7
    coops = early.ids("Unit", kind="cooperative")
    coop_territory = early.covers[early.covers["source"].isin(coops)]
    assert sorted(coop_territory["target"]) == sorted(c.loc[c["kind"] == "converted", "id"])
    assert early.nodes["Grid"]["cooperative_id"].isna().all()
    # after batch 1: 12; after batch 2: 9, the 7 earlier cooperatives now 二级网格 of city communities
    assert Sample("shijiu", day="2021-07-20").count("Community", kind="converted") == 12
    assert Sample("shijiu", day="2021-09-25").count("Community", kind="converted") == 12
    s = Sample("shijiu", day="2021-12-01")
    c = s.nodes["Community"]
    assert s.count("Community", kind="converted") == 9 and s.count("Community", kind="urban") == 7
    merging = c[c["merge_into"].notna()]
    assert len(merging) == 9 and (merging["kind"] == "converted").all()
    assert set(merging["id"]) == set(c.loc[c["kind"] == "converted", "id"])
    assert {"振兴社区", "隆华社区", "中盛社区", "华林社区"} <= set(merging["name"])  # 原中盛社区、原华林社区
    targets = c[c["id"].isin(merging["merge_into"])]
    assert {"碧海社区", "幸福社区"} <= set(targets["name"]) and len(targets) == 4
    assert (targets["kind"] == "urban").all()
    grids = s.nodes["Grid"]
    coop_grids = grids[grids["cooperative_id"].notna()]
    assert len(coop_grids) == 7 and set(coop_grids["community_id"]) <= set(c.loc[c["kind"] == "urban", "id"])
    # every cooperative covers its community or, for the earlier batches, its 二级网格
    coops = s.ids("Unit", kind="cooperative")
    assert len(coops) == 16
    cov = s.covers[s.covers["source"].isin(coops)]
    assert sorted(cov["target"]) == sorted(list(merging["id"]) + list(coop_grids["id"]))
    merging_coops = set(cov.loc[cov["target"].isin(merging["id"]), "source"])
    assert s.nodes["PartyOrg"]["unit_id"].isin(merging_coops).sum() == 9
    # the undated view (every row ever recorded) still holds the 16
    assert Sample("shijiu").count("Community", kind="converted") == 16


def test_dongcheng_after_separating_stations():
    """Seed 001: 共设立社区工作站8个,其中7个实行“一站多居”; 居委会17个,保留3个,新设26个,现有29个;
    500户以上的规模小区全部成立了居委会."""
    s = Sample("dongcheng")
    stations = s.ids("Unit", kind="workstation")
    assert len(stations) == 8
    served = s.covers[s.covers["source"].isin(stations) & s.covers["target"].isin(s.ids("Community"))]
    per_station = served.groupby("source")["target"].nunique()
    assert (per_station >= 2).sum() == 7 and (per_station == 1).sum() == 1
    rcs = s.nodes["Unit"][s.nodes["Unit"]["kind"] == "residents_committee"]
    assert len(rcs) == 29 and s.count("Community") == 29
    assert (rcs["origin"] == "kept").sum() == 3 and (rcs["origin"] == "new").sum() == 26
    # every compound of 500+ households has its own residents' committee
    big = s.nodes["Area"][(s.nodes["Area"]["kind"] == "compound") & (s.nodes["Area"]["households"] >= 500)]
    assert len(big) > 0
    rc_covered = set(s.covers.loc[s.covers["source"].isin(rcs["id"]), "target"])
    assert set(big["id"]) <= rc_covered
    before = Sample("dongcheng", "before")
    assert before.count("Unit", kind="residents_committee") == 17 and before.count("Unit", kind="workstation") == 0


def test_xiaonan_district_figures():
    """Seed 002: 43个社区、251个网格, 增设2个社区、91个网格, 厘清8个社区交界区域管辖主体;
    大工委4个、大党委49个, 20名区直单位 + 263名单位党组织书记 担任兼职委员; 业委会94个、自管委656个、
    物业服务企业党支部20个; 志愿服务组织170个; 29名区级领导挂点联系; 67家单位党组织、4643名党员报到;
    社区工作者710名; 应急突击队48支; 3名书记纳入事业岗位 + 其他40名."""
    s = Sample("xiaonan")
    day = "2022-01-01"
    assert s.count("Community") == 43 and s.count("Grid") == 251
    assert (s.nodes["Community"]["established"] == "2020").sum() == 2
    assert (s.nodes["Grid"]["established"] == "2020").sum() == 91
    zones = s.nodes["Area"][(s.nodes["Area"]["kind"] == "boundary_zone") & (s.nodes["Area"]["assigned"] == "2020")]
    assert len(zones) == 8 and zones["parent_id"].nunique() == 8
    party = s.nodes["PartyOrg"]
    posts = _current(s.posts, day)
    ptm = posts[posts["role"] == "part_time_member"]
    wcs = set(party.loc[party["level"] == "working_committee", "id"])
    assert len(wcs) == 4 and set(ptm.loc[ptm["target"].isin(wcs), "target"]) == wcs
    assert ptm.loc[ptm["target"].isin(wcs), "source"].nunique() == 20
    big = party[(party["level"] == "committee") & party["unit_id"].isna()]
    assert len(big) == 49
    assert ptm.loc[ptm["target"].isin(big["id"]), "source"].nunique() == 263
    assert s.count("Unit", kind="owners_committee") == 94
    assert s.count("Unit", kind="self_management_committee") == 656
    companies = s.ids("Unit", kind="property_company")
    assert party["unit_id"].isin(companies).sum() == 20
    units = s.nodes["Unit"]
    assert ((units["kind"] == "social_org") & (units["subkind"] == "volunteer_org")).sum() == 170
    assert ((units["kind"] == "social_org") & (units["subkind"] == "emergency_team")).sum() == 48
    reports = s.g.edges("REPORTS_TO")
    district_units = set(units.loc[units["admin_level"] == "district", "id"])
    unit_orgs = set(party.loc[party["unit_id"].isin(district_units), "id"])
    assert reports.loc[reports["source"].isin(unit_orgs), "source"].nunique() == 67
    assert reports.loc[reports["source"].isin(s.ids("Cadre")), "source"].nunique() == 4643
    rcs = s.ids("Unit", kind="residents_committee")
    assert posts.loc[(posts["role"] == "staff") & posts["target"].isin(rcs), "source"].nunique() == 710
    assert s.g.edges("LIAISES")["source"].nunique() == 29
    comm_orgs = set(big.loc[big["territory_id"].isin(s.ids("Community")), "id"])
    secretaries = posts[(posts["role"] == "secretary") & posts["target"].isin(comm_orgs)]
    assert len(secretaries) == 43
    assert (secretaries["career_post"] == "true").sum() == 3 and (secretaries["career_post"] == "false").sum() == 40


def test_jiaohe_rural_communities():
    """Seed 003: 成立立柱、塔桥、下泊和柏乡等四个社区, 每个社区设立一个党总支部; 胶河马铃薯专业合作社党总支;
    每个服务队设民事调解组、环境卫生组、公益事业组、服务组、农村财务管理组、党员志愿组等6个工作组."""
    s = Sample("jiaohe")
    assert set(s.nodes["Community"]["name"]) == {"立柱社区", "塔桥社区", "下泊社区", "柏乡社区"}
    assert (s.nodes["Community"]["kind"] == "rural").all()
    party = s.nodes["PartyOrg"]
    gb = party[(party["level"] == "general_branch") & party["unit_id"].isna()]
    assert sorted(gb["territory_id"]) == sorted(s.ids("Community"))
    coop = s.nodes["Unit"][s.nodes["Unit"]["name"] == "胶河马铃薯专业合作社"]
    assert len(coop) == 1 and ((party["unit_id"] == coop["id"].iloc[0]) & (party["level"] == "general_branch")).sum() == 1
    units = s.nodes["Unit"]
    teams = units[(units["kind"] == "service_team") & units["parent_id"].isna()]
    assert len(teams) == 4
    groups = units[units["parent_id"].isin(teams["id"])]
    suffixes = {"民事调解组", "环境卫生组", "公益事业组", "服务组", "农村财务管理组", "党员志愿组"}
    for team in teams.itertuples():
        names = set(groups.loc[groups["parent_id"] == team.id, "name"])
        assert len(names) == 6 and {n.removeprefix(team.name) for n in names} == suffixes
    # 党总支书记由区工委领导班子成员兼任: the secretary also holds a post in the district leadership
    posts = _current(s.posts, "2022-01-01")
    secs = posts[(posts["role"] == "secretary") & posts["target"].isin(gb["id"])]
    leadership = set(party.loc[party["level"] == "working_committee", "id"]) | set(
        units.loc[units["subkind"] == "management_committee", "id"])
    leaders = set(posts.loc[posts["target"].isin(leadership) & (posts["role"] != "part_time_member"), "source"])
    assert len(secs) == 4 and set(secs["source"]) <= leaders


def test_qixia_after_the_reform():
    """Seed 004: 将原有8个社区扩增为12个; 以每300户为基础划分97个基础网格,选派网格员97名; 小区党支部7个、
    物业公司党支部5个, 19个小区党支部正在谋划成立; 龙腾社区 (庄园街道); 御景小区党支部 2020年3月20日成立."""
    day = "2020-06-30"
    s = Sample("qixia", day=day)
    assert s.count("Community") == 12 and s.count("Grid") == 97
    posts = _current(s.posts, day)
    workers = posts[(posts["role"] == "grid_worker") & posts["target"].isin(s.ids("Grid"))]
    assert workers["source"].nunique() == 97 and workers["target"].nunique() == 97
    hh = s.nodes["Grid"]["households"]
    assert 250 <= hh.mean() <= 350
    party = s.nodes["PartyOrg"]
    compounds = s.ids("Area", kind="compound")
    branches = party[(party["level"] == "branch") & party["unit_id"].isna() & party["territory_id"].isin(compounds)]
    assert len(branches) == 7
    assert party["unit_id"].isin(s.ids("Unit", kind="property_company")).sum() == 5
    first = branches.sort_values("start").iloc[0]  # the ledger's founded column is read as start (成立日期)
    assert first["name"] == "御景小区党支部" and first["start"] == pd.Timestamp("2020-03-20")
    planned = s.nodes["Area"][s.nodes["Area"]["branch_planned"] == "true"]
    assert len(planned) == 19 and not planned["id"].isin(branches["territory_id"]).any()
    streets = s.nodes["Street"].set_index("id")["name"]
    longteng = s.nodes["Community"][s.nodes["Community"]["name"] == "龙腾社区"].iloc[0]
    assert streets[longteng["street_id"]] == "庄园街道"
    before = Sample("qixia", "before")
    assert before.count("Community") == 8
    assert set(before.ids("Area", kind="compound")) == compounds


def test_qixia_holds_its_history():
    """Seed 004: 将原有8个社区扩增为12个; the first compound branch (御景小区党支部) was founded on 2020-03-20. The
    qixia ledger holds the 8 pre-reform communities (ended on 2019-12-16) and the 12 after (started that day), with
    dated contains rows moving every compound from its old parent to its new one: as of 2019-06-30 the audit sees the
    8 old communities, their 27 grids and no compound branch; as of 2020-06-30 the documented 12, 97 and 7."""
    g = og.load_sample("qixia")
    before = og.load_sample("qixia", "before")
    old = {"qx-c03", "qx-c04", "qx-c11", "qx-c12", "qx-c13", "qx-c14", "qx-c15", "qx-c16"}
    for day, communities, grids, branches in (("2019-06-30", old, 27, 0),
                                               ("2020-06-30", {f"qx-c{i:02d}" for i in range(1, 13)}, 97, 7)):
        s = Sample("qixia", day=day)
        assert set(s.ids("Community")) == communities
        assert s.count("Grid") == grids
        party = s.nodes["PartyOrg"]
        compounds = s.ids("Area", kind="compound")
        assert (party["level"].eq("branch") & party["unit_id"].isna() & party["territory_id"].isin(compounds)).sum() \
            == branches
        # every compound lies in exactly one community on either date (absorption: one dated row ends, one starts)
        rows = g.one_shoulder(as_of=day)
        assert set(rows["community_id"]) == communities
        chains = g.chain_breaks(as_of=day)
        assert len(chains[chains["kind"] == "compound"]) == 226
    # the 2019 audit is the before state's, figure by figure (the kept communities' 党委 aside: see the README)
    h = g.audit(as_of="2019-06-30").headline.set_index("indicator")
    hb = before.audit(as_of="2019-06-30").headline.set_index("indicator")
    same = [i for i in h.index if i != "norm_violations"]
    assert h.loc[same, ["numerator", "denominator"]].fillna(-1).equals(hb.loc[same, ["numerator", "denominator"]].fillna(-1))
    assert h.loc["compound_org_coverage_rate", "numerator"] == 0 and h.loc["grid_worker_rate", "denominator"] == 27


def test_qixia_branches_exist_from_their_founding_date():
    """The qixia ledger's founded column (成立日期) dates its branches: none before 2020-03-20 (seed 004: the first
    compound branch, 御景小区党支部, was founded on 2020-03-20); as of 2020-06-30 the documented 7 compound and 5
    property-company branches."""
    g = og.load_sample("qixia")
    rates = {d: g.audit(as_of=d).headline.set_index("indicator") for d in ("2019-06-30", "2020-03-19", "2020-03-20", "2020-06-30")}
    got = {d: (r.loc["compound_org_coverage_rate", "numerator"], r.loc["property_company_branch_rate", "numerator"])
           for d, r in rates.items()}
    # 2020-03-20: 御景小区党支部 and one property-company branch (FIGURES: branches_founded_2020_03_20)
    assert got == {"2019-06-30": (0, 0), "2020-03-19": (0, 0), "2020-03-20": (1, 1), "2020-06-30": (7, 5)}


# ---------------------------------------------------------------- what each sample was built to contain

import json  # noqa: E402

FIGURES = json.loads((og.samples.samples_dir() / "FIGURES.json").read_text(encoding="utf-8"))
SAMPLES = [("shijiu", None), ("dongcheng", None), ("dongcheng", "before"), ("xiaonan", None), ("jiaohe", None), ("qixia", None)]


def _fig(name, state, key):
    entry = FIGURES[f"{name}/{state}" if state else name].get(key)
    return None if entry is None else (entry["value"], entry["as_of"])


@pytest.mark.parametrize("name,state", SAMPLES)
def test_queries_find_what_the_sample_contains(name, state):
    g = og.load_sample(name, state)
    value, day = _fig(name, state, "cross_rates")
    rates = g.cross_appointment_rate(as_of=day).dropna(subset=["rate"])
    got = {r.community_id: round(r.rate, 4) for r in rates.itertuples()}
    assert {k: v for k, v in got.items() if k in value} == value
    report = g.coverage_gaps(as_of=day)
    expect = {
        "compounds_without_org": "compounds_without_org",
        "grids_without_worker": "grids_without_current_grid_worker",
        "property_companies_without_branch": "property_companies_without_branch",
        "communities_without_part_time_member": "communities_without_part_time_member",
        "units_not_reporting": "resident_units_not_reporting",
        "communities_without_reports": "communities_without_unit_report",
        "large_compounds_without_committee": "compounds_500_without_own_rc",
    }
    for table, key in expect.items():
        fig = _fig(name, state, key)
        if fig is not None:
            assert len(report[table]) == fig[0], table
    shoulder = g.one_shoulder(as_of=day)
    assert int(shoulder["one_shoulder"].sum()) == _fig(name, state, "yijiantiao_communities")[0]


# --------------------------------------------------------------------------- the documents' own frames


def test_qixia_compound_formation_over_managed_compounds():
    # seed 004: 已累计成立小区党支部7个 … 届时党组织将覆盖到所有物业小区 (26 物业小区): 7/26, not 7/226
    g = og.load_sample("qixia")
    branches, day = _fig("qixia", None, "compound_branches")
    managed, _ = _fig("qixia", None, "managed_compounds")
    report = g.coverage_gaps(as_of=day)
    assert report.eligible_compounds == "managed"
    r = report.rates.set_index("indicator")
    assert (r.at["compound_org_formation_rate", "numerator"], r.at["compound_org_formation_rate", "denominator"]) == (
        branches, managed) == (7, 26)
    assert list(_fig("qixia", None, "managed_compounds_with_org")[0]) == [7, 26]


@pytest.mark.parametrize("name,state", SAMPLES)
def test_managed_compounds_with_an_organisation(name, state):
    value, day = _fig(name, state, "managed_compounds_with_org")
    r = og.load_sample(name, state).coverage_gaps(as_of=day, eligible_compounds="managed").rates.set_index("indicator")
    assert [r.at["compound_org_formation_rate", "numerator"], r.at["compound_org_formation_rate", "denominator"]] == value


def test_xiaonan_unit_reports_over_the_district_units():
    # seed 002: 组织67家区直机关企事业单位党组织到联系共建社区报到 — over the 100 区直 units the sample marks
    # obliged (应报到), not the 300 resident units with the 200 市直 ones
    value, day = _fig("xiaonan", None, "unit_party_orgs_reporting")
    report = og.load_sample("xiaonan").coverage_gaps(as_of=day)
    assert report.obliged_units == "obliged"
    r = report.rates.set_index("indicator")
    assert (r.at["unit_report_rate", "numerator"], r.at["unit_report_rate", "denominator"]) == (value, 100) == (67, 100)
    assert (r.at["unit_report_coverage_rate", "numerator"], r.at["unit_report_coverage_rate", "denominator"]) == (67, 300)


def test_dongcheng_zone_managers_by_residents_committee():
    # seed 001: 以居委会为单位，按照300-400户/人的标准设立片区管理员
    value, day = _fig("dongcheng", None, "rc_outside_zone_manager_norm")
    v = og.load_sample("dongcheng").check_norms(as_of=day)
    assert (v["rule"] == "zone_manager_households_per_residents_committee").sum() == value == 3
    station, _ = _fig("dongcheng", None, "stations_outside_zone_manager_norm")
    assert (v["rule"] == "households_per_zone_manager").sum() == station


def test_dongcheng_residents_committees_of_four_are_flagged():
    # 城市居民委员会组织法 第七条: 居委会 of 5-9 members; the sample's new 居委会 have 4
    day = _fig("dongcheng", None, "residents_committees")[1]
    v = og.load_sample("dongcheng").check_norms(as_of=day)
    rc = v[(v["rule"] == "statutory_size") & (v["label"] == "Unit")]
    assert len(rc) == 10 and (rc["measured"] == 4).all() and (rc["minimum"] == 5).all()


def test_jiaohe_two_committee_figures_do_not_apply():
    # 胶河's rural communities have no 居委会: 两委交叉任职率 and 一肩挑 are 不适用, never 0 %
    day = _fig("jiaohe", None, "yijiantiao_communities")[1]
    h = og.load_sample("jiaohe").audit(as_of=day).headline.set_index("indicator")
    for name in ("cross_appointment_rate", "one_shoulder_share"):
        assert not h.loc[name, "applicable"] and h.loc[name, "value"] != h.loc[name, "value"]


def test_xiaonan_boundary_zones_in_no_grid():
    # seed 002: 8 communities' boundary zones assigned in 2020; five of them lie in no grid (网格全覆盖)
    g = og.load_sample("xiaonan")
    day = _fig("xiaonan", None, "unit_party_orgs_reporting")[1]
    v = g.check_norms(as_of=day)
    areas = g.nodes("Area").set_index("id")
    zones = areas[(areas["kind"] == "boundary_zone") & (areas["assigned"] == "2020")].index
    assert len(zones) == 8
    outside = set(v.loc[v["rule"] == "grid_coverage", "entity_id"])
    assert len(set(zones) & outside) == 5


def test_jiaohe_rural_grids_not_held_to_the_urban_grid_norm():
    # 胶河's communities are rural: the 300-household grid norm is urban (栖霞), 13 false alarms otherwise
    g = og.load_sample("jiaohe")
    day = _fig("jiaohe", None, "yijiantiao_communities")[1]
    assert (g.check_norms(as_of=day)["rule"] == "grid_households").sum() == 0
    assert (g.check_norms({"profiles": {"rural": []}}, as_of=day)["rule"] == "grid_households").sum() == 13


# --------------------------------------------------------------------------- deliberate deviations, labelled (#18)

#: sample → (audit table, entity) of every row the sample departs from its document on purpose, from the READMEs:
#: 东城 (seed 001: 每个工作站配备工作人员10—20人, 服务人口7000—20000人, 300-400户/人): stations ws2 (9 staff, too few
#: zone managers, so its 3 居委会 too) and ws7 (22 staff, over 20,000 people); 孝南 (seed 002: 彻底消除治理真空带):
#: one unassigned and one contested zone; 栖霞 (seed 004: 以每300户为基础): two grids out of tolerance.
DELIBERATE = {
    "dongcheng": {("norm_violations", "dc-u-ws2"): 2, ("norm_violations", "dc-u-ws7"): 2,
                  ("norm_violations", "dc-c01"): 1, ("norm_violations", "dc-c05"): 1, ("norm_violations", "dc-c06"): 1},
    "xiaonan": {("unassigned_areas", "xn-a2367"): 1, ("unassigned_areas", "xn-a2368"): 1},
    "qixia": {("norm_violations", "qx-g05-6"): 1, ("norm_violations", "qx-g12-8"): 1},
}


@pytest.mark.parametrize("name", sorted(DELIBERATE))
def test_deliberate_deviations_are_labelled_in_the_audit(name, capsys):
    from orggraph.cli import main
    from orggraph.queries.audit import sample_deviations_in

    day = _fig(name, None, "cross_rates")[1]
    g = og.load_sample(name)
    report = g.audit(as_of=day)
    dev = report["sample_deviations"]
    assert (dev["rows_found"] >= 1).all() and dev["note"].str.startswith("样本有意偏离原文").all()
    labelled = {}
    for table in dev["table"].unique():
        frame = report[table]
        key = "entity_id" if "entity_id" in frame.columns else "id"
        hit = sample_deviations_in(g.deviations, table, frame).notna()
        for entity in frame.loc[hit, key]:
            labelled[(table, entity)] = labelled.get((table, entity), 0) + 1
    assert labelled == DELIBERATE[name]
    # the command line shows them, labelled, and a plain ledger of the same folder has none
    main(["audit", "--sample", name, "--as-of", day])
    out = capsys.readouterr().out
    assert "样本有意偏离原文" in out and "sample_deviation" in out
    assert "sample_deviations" not in og.read_ledger(og.sample_path(name)).audit(as_of=day)
    assert og.sample_deviations("shijiu").empty
