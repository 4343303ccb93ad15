"""coverage_gaps (覆盖空白) on small hand-built graphs; expected values worked out by hand below."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import orggraph as og
from orggraph.errors import NodeNotFound, SchemaError
from orggraph.queries.coverage import COVERAGE_INDICATORS, COVERAGE_TABLES, CoverageReport

from fixtures.graphs import build_city

AS_OF = "2023-06-30"




@pytest.fixture
def city(on_backend):
    """The graph of :func:`fixtures.graphs.build_city` on the test's backend."""
    return on_backend("city", build_city)


def rates(report: CoverageReport) -> dict[str, tuple[int, int]]:
    r = report.rates
    return {i: (int(n), int(d)) for i, n, d in zip(r["indicator"], r["numerator"], r["denominator"])}


def ids(report: CoverageReport, table: str) -> list[str]:
    return report[table].iloc[:, 0].tolist()


# --------------------------------------------------------------------------- the whole graph


def test_whole_graph_rates(city):
    report = city.coverage_gaps(as_of=AS_OF)
    assert rates(report) == {
        # eligible by default "managed" (there are property companies): a4 (pc1), a1 and a2 (pc2); a1 has b_a1 and
        # a4 the 小区大党委 pc_a4 (any level counts) → 2/3 (组建率)
        "compound_org_formation_rate": (2, 3),
        # compounds a1..a5; b_a1 covers a1, pc_a4 (a 小区大党委, level committee, no unit) covers a4; b_pc covering
        # a4 is a property company's and does not count → 2/5 (覆盖率)
        "compound_org_coverage_rate": (2, 5),
        # pc1 has b_pc; pc2 and pc3 have none → 1/3
        "property_company_branch_rate": (1, 3),
        # g1 (p1 starts on as_of); g2's worker left on as_of, g3's starts after, g5 has none → 2/5
        "grid_worker_rate": (2, 5),
        # no 网格员 post is marked part-time (兼职) → 0/5
        "part_time_grid_worker_rate": (0, 5),
        # only c1 (p6, also secretary of ru_po) → 1/3
        "part_time_member_rate": (1, 3),
        # obliged by default: units with their own party organisation: ru1 only (ru_po); it reports → 1/1
        "unit_report_rate": (1, 1),
        # ru1 (via ru_po) and ru4 report; ru2's report is after as_of, ru3 none → 2/4
        "unit_report_coverage_rate": (2, 4),
        # c1 ← ru_po, c3 ← ru4; c2 only has a member and a future report → 2/3
        "community_report_rate": (2, 3),
        # large: a1 620, a3 800, a5 510 (a4 unknown, a2 180); rc1 covers a1 → 1/3
        "large_compound_committee_rate": (1, 3),
    }
    r = report.rates
    assert r["rate"].tolist() == pytest.approx([2 / 3, 2 / 5, 1 / 3, 2 / 5, 0 / 5, 1 / 3, 1 / 1, 2 / 4, 2 / 3, 1 / 3])
    assert r["zh"].tolist()[0] == "小区党组织组建率"
    assert r["measure"].tolist() == ["组建率", "覆盖率", "组建率", "覆盖率", "覆盖率", "覆盖率", "报到率", "覆盖率", "覆盖率",
                                     "组建率"]
    assert list(r.columns) == ["indicator", "zh", "measure", "numerator", "denominator", "rate", "definition"]
    assert report.eligible_compounds == "managed" and report.obliged_units == "own_party_org"
    assert r["definition"].tolist()[0].startswith("eligible=managed")
    assert r["numerator"].dtype == "int64" and r["denominator"].dtype == "int64" and r["rate"].dtype == "float64"


def test_compounds_without_org(city):
    t = city.coverage_gaps(as_of=AS_OF)["compounds_without_org"]
    assert list(t.columns) == COVERAGE_TABLES["compounds_without_org"]
    rows = t.astype(object).where(t.notna(), None).values.tolist()
    assert rows == [
        # a2 is inside g1, whose branch b_g1 covers the grid, not the compound; pc2 manages it: eligible
        ["a2", "和平小区", 180, "c1", "安宁社区", "s1", "东城街道", True],
        # contested between c1 and c2: placed in the smaller id, c1; no property company: not eligible
        ["a3", "交界小区", 800, "c1", "安宁社区", "s1", "东城街道", False],
        # (a4 is led by the 小区大党委 pc_a4: an organisation of any level counts, so it is not listed)
        # under s2 directly: no community, street s2
        ["a5", "无主小区", 510, None, None, "s2", "西城街道", False],
    ]
    assert t["households"].dtype == "Int64"


def test_property_companies_without_branch(city):
    t = city.coverage_gaps(as_of=AS_OF)["property_companies_without_branch"]
    rows = t.astype(object).where(t.notna(), None).values.tolist()
    assert rows == [
        ["pc2", "安宁物业", 2, "c1", "安宁社区", "s1", "东城街道"],  # covers a1 and a2
        ["pc3", "无区域物业", 0, None, None, None, None],  # covers nothing
    ]
    assert t["compounds"].dtype == "int64"


def test_grids_without_worker(city):
    t = city.coverage_gaps(as_of=AS_OF)["grids_without_worker"]
    assert ids_and(t, "grid_id", "households", "community_id") == [
        ("g2", 450, "c1"),
        ("g3", None, "c2"),
        ("g5", 250, "c3"),  # a 二级网格 finds its community through g4
    ]


def ids_and(t: pd.DataFrame, *cols) -> list[tuple]:
    t = t.astype(object).where(t.notna(), None)
    return [tuple(r) for r in t[list(cols)].values.tolist()]


def test_communities_without_part_time_member(city):
    t = city.coverage_gaps(as_of=AS_OF)["communities_without_part_time_member"]
    # c2: p8 is a current part-time member, but his resident-unit post ended (p9's post ended: not counted) → 1
    # c3: no party organisation of its own (pc_a4 covers a compound) → 0
    assert ids_and(t, "community_id", "community_name", "street_id", "part_time_members") == [
        ("c2", "辽河社区", "s1", 1),
        ("c3", "龙腾社区", "s2", 0),
    ]
    assert t["part_time_members"].dtype == "int64"


def test_units_not_reporting(city):
    t = city.coverage_gaps(as_of=AS_OF)["units_not_reporting"]
    assert ids_and(t, "unit_id", "territory_id", "community_id", "street_id", "street_name") == [
        ("ru2", "s1", None, "s1", "东城街道"),  # covers a street: no community
        ("ru3", "d1", None, None, None),  # covers the district
    ]


def test_communities_without_reports(city):
    t = city.coverage_gaps(as_of=AS_OF)["communities_without_reports"]
    # c2: ru2's report is after as_of; p5's counts (member_reports 1), p7's is after as_of
    assert ids_and(t, "community_id", "member_reports") == [("c2", 1)]


def test_large_compounds_without_committee(city):
    report = city.coverage_gaps(as_of=AS_OF)
    # rc2 covers c2, not the compound a3 itself
    assert ids(report, "large_compounds_without_committee") == ["a3", "a5"]
    # threshold 100: a1, a2, a3, a5 are large (a4 unknown); rc1 covers a1 → gaps a2, a3, a5, rate 1/4
    low = city.coverage_gaps(large_compound=100, as_of=AS_OF)
    assert ids(low, "large_compounds_without_committee") == ["a2", "a3", "a5"]
    assert rates(low)["large_compound_committee_rate"] == (1, 4)


def test_as_of_changes_posts_and_reports(city):
    # on 2024-01-01: p4 is g3's worker (started 2023-07-01) → grids g1, g3, g4 staffed: 3/5;
    # ru2's report (2024-01-01) now counts → units 3/4 and communities 3/3; of the obliged units (ru1) 1/1
    r = rates(city.coverage_gaps(as_of="2024-01-01"))
    assert r["grid_worker_rate"] == (3, 5)
    assert r["unit_report_coverage_rate"] == (3, 4)
    assert r["unit_report_rate"] == (1, 1)
    assert r["community_report_rate"] == (3, 3)
    # on 2023-06-29: p1 has not started yet, p2 still works on g2 → g2, g4: 2/5
    early = city.coverage_gaps(as_of="2023-06-29")
    assert ids(early, "grids_without_worker") == ["g1", "g3", "g5"]


# --------------------------------------------------------------------------- within


def test_within_street(city):
    report = city.coverage_gaps(within="s1", as_of=AS_OF)
    assert rates(report) == {
        "compound_org_formation_rate": (1, 2),  # managed in s1: a1, a2 (pc2); a1 has b_a1
        "compound_org_coverage_rate": (1, 3),  # a1, a2, a3 (a3 is in both s1 communities)
        "property_company_branch_rate": (0, 1),  # pc2 only: pc1 covers a4 in s2, pc3 nothing
        "grid_worker_rate": (1, 3),  # g1, g2, g3
        "part_time_grid_worker_rate": (0, 3),  # none marked part-time
        "part_time_member_rate": (1, 2),  # c1, c2
        "unit_report_rate": (1, 1),  # obliged (own party organisation) in s1: ru1, which reports
        "unit_report_coverage_rate": (1, 2),  # ru1 (covers c1) and ru2 (covers s1); ru3 covers d1, above s1
        "community_report_rate": (1, 2),
        "large_compound_committee_rate": (1, 2),  # a1, a3
    }
    assert ids(report, "compounds_without_org") == ["a2", "a3"]
    assert report.within == "s1"


def test_within_community_with_unknown_households(city):
    report = city.coverage_gaps(within="c3", as_of=AS_OF)
    r = report.rates.set_index("indicator")
    # a4 is c3's only compound and its households are unknown: no large compound, rate NaN
    assert (r.at["large_compound_committee_rate", "denominator"], r.at["large_compound_committee_rate", "numerator"]) == (0, 0)
    assert math.isnan(r.at["large_compound_committee_rate", "rate"])
    assert rates(report)["grid_worker_rate"] == (1, 2)  # g4 staffed, g5 not
    assert rates(report)["unit_report_coverage_rate"] == (1, 1)  # ru4
    assert rates(report)["unit_report_rate"] == (0, 0)  # ru4 has no party organisation: not obliged by default


def test_within_district_excludes_bodies_covering_nothing(city):
    whole = rates(city.coverage_gaps(as_of=AS_OF))
    district = rates(city.coverage_gaps(within="d1", as_of=AS_OF))
    assert district["property_company_branch_rate"] == (1, 2)  # pc3 covers no territory
    assert {k: v for k, v in district.items() if k != "property_company_branch_rate"} == {
        k: v for k, v in whole.items() if k != "property_company_branch_rate"
    }


def test_empty_scope(city):
    report = city.coverage_gaps(within="s3", as_of=AS_OF)
    assert report.rates["denominator"].tolist() == [0] * 10
    assert report.rates["numerator"].tolist() == [0] * 10
    assert report.rates["rate"].isna().all()
    for name, frame in report.items():
        assert len(frame) == 0
        assert list(frame.columns) == COVERAGE_TABLES[name]


# --------------------------------------------------------------------------- the report object and arguments


def test_report_is_a_mapping(city):
    report = city.coverage_gaps(as_of=AS_OF)
    assert list(report) == list(COVERAGE_TABLES) == list(report.keys())
    assert len(report) == 7
    assert dict(report.items()).keys() == COVERAGE_TABLES.keys()
    with pytest.raises(KeyError, match="no table 'nope'"):
        report["nope"]
    assert report == report
    text = repr(report)
    assert "小区党组织组建率" in text and "2 / 3" in text and "compounds_without_org: 3" in text
    assert "as of 2023-06-30" in text
    html = report._repr_html_()
    assert "<table" in html and "网格员配备率" in html


def test_no_empty_strings(city):
    report = city.coverage_gaps(as_of=AS_OF)
    for frame in report.values():
        assert not (frame.astype(object) == "").any().any()


@pytest.mark.parametrize("bad", [-1, "500", True, float("nan")])
def test_bad_large_compound(city, bad):
    with pytest.raises(ValueError, match="large_compound"):
        city.coverage_gaps(large_compound=bad)


def test_bad_within(city):
    with pytest.raises(NodeNotFound):
        city.coverage_gaps(within="nowhere")
    with pytest.raises(SchemaError):
        city.coverage_gaps(within="pc1")


def test_method_and_function_agree(city):
    from orggraph.queries import coverage_gaps

    a, b = city.coverage_gaps(as_of=AS_OF), coverage_gaps(city, as_of=AS_OF)
    pd.testing.assert_frame_equal(a.rates, b.rates)


# --------------------------------------------------------------------------- properties

_community = st.fixed_dictionaries(
    {
        "compounds": st.lists(
            st.tuples(st.one_of(st.none(), st.integers(0, 1200)), st.booleans(), st.booleans()), max_size=4
        ),  # (households, has branch, has residents' committee)
        "grids": st.lists(st.sampled_from(["none", "current", "ended", "future"]), max_size=4),
        "committee": st.booleans(),
        "part_timers": st.lists(st.booleans(), max_size=3),  # True: also works in a resident unit
        "reports": st.lists(st.sampled_from(["unit", "party", "member", "future"]), max_size=3),
    }
)


def build_random(streets: list[list[dict]]) -> og.OrgGraph:
    """A district of streets of communities as ``_community`` describes them, added in bulk."""
    rows: dict[str, list[dict]] = {k: [] for k in ("District", "Street", "Community", "Grid", "Area", "Unit", "PartyOrg", "Cadre")}
    posts: list[dict] = []
    reports: list[dict] = []
    rows["District"].append({"id": "d", "name": "区"})
    rows["Unit"].append({"id": "ru", "name": "驻区单位", "kind": "resident_unit", "territory_id": "d"})
    count = iter(range(1, 10**6))

    def nid(prefix):
        return f"{prefix}{next(count):03d}"

    def person():
        pid = nid("p")
        rows["Cadre"].append({"id": pid, "name": pid})
        return pid

    for si, comms in enumerate(streets):
        sid = f"s{si}"
        rows["Street"].append({"id": sid, "name": sid, "district_id": "d"})
        for spec in comms:
            cid = nid("c")
            rows["Community"].append({"id": cid, "name": cid, "street_id": sid})
            for hh, branch, rc in spec["compounds"]:
                aid = nid("a")
                rows["Area"].append({"id": aid, "name": aid, "kind": "compound", "parent_id": cid, "households": hh})
                if branch:
                    rows["PartyOrg"].append({"id": nid("b"), "name": "支部", "level": "branch", "territory_id": aid})
                if rc:
                    rows["Unit"].append({"id": nid("rc"), "name": "居委会", "kind": "residents_committee", "territory_id": aid})
            for state in spec["grids"]:
                gid = nid("g")
                rows["Grid"].append({"id": gid, "name": gid, "community_id": cid})
                if state != "none":
                    start, end = {"current": ("2020-01-01", None), "ended": ("2020-01-01", "2022-01-01"), "future": ("2024-01-01", None)}[state]
                    posts.append({"source": person(), "target": gid, "role": "grid_worker", "start": start, "end": end})
            if spec["committee"]:
                po = nid("po")
                rows["PartyOrg"].append({"id": po, "name": "党委", "level": "committee", "territory_id": cid})
                for from_unit in spec["part_timers"]:
                    pid = person()
                    posts.append({"source": pid, "target": po, "role": "part_time_member", "start": "2020-01-01"})
                    if from_unit:
                        posts.append({"source": pid, "target": "ru", "role": "secretary", "start": "2020-01-01"})
            for kind in spec["reports"]:
                if kind == "unit":
                    u = nid("u")
                    rows["Unit"].append({"id": u, "name": u, "kind": "resident_unit", "territory_id": cid})
                    reports.append({"source": u, "target": cid, "date": "2021-01-01"})
                elif kind == "party":
                    po = nid("po")
                    rows["PartyOrg"].append({"id": po, "name": po, "level": "branch"})
                    reports.append({"source": po, "target": cid, "date": "2021-01-01"})
                else:
                    date = "2021-01-01" if kind == "member" else "2024-01-01"
                    reports.append({"source": person(), "target": cid, "date": date})
    g = og.OrgGraph()
    for kind, recs in rows.items():
        if recs:
            g.add_nodes(kind, pd.DataFrame(recs))
    if posts:
        g.add_edges("HOLDS_POST", pd.DataFrame(posts))
    if reports:
        g.add_edges("REPORTS_TO", pd.DataFrame(reports))
    return g


_graphs = st.lists(st.lists(_community, max_size=2), min_size=1, max_size=2)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_graphs)
def test_rates_are_consistent_and_add_up(streets):
    g = build_random(streets)
    whole = g.coverage_gaps(as_of=AS_OF)
    for table, (indicator, _, _) in COVERAGE_INDICATORS.items():
        row = whole.rates.set_index("indicator").loc[indicator]
        den, num, rate = int(row["denominator"]), int(row["numerator"]), row["rate"]
        assert num == den - len(whole[table])
        if den == 0:
            assert math.isnan(rate)
        else:
            assert 0.0 <= rate <= 1.0
            assert rate == pytest.approx(1 - len(whole[table]) / den)
    # territory- and community-based counts of the district are the sums over its streets and communities
    additive = [
        "compound_org_coverage_rate",
        "grid_worker_rate",
        "part_time_member_rate",
        "community_report_rate",
        "large_compound_committee_rate",
    ]
    comms = g.nodes("Community")["id"].tolist()
    streets_ = g.nodes("Street")["id"].tolist()
    for level in (comms, streets_):
        parts = [rates(g.coverage_gaps(within=t, as_of=AS_OF)) for t in level]
        total = rates(whole)
        for ind in additive:
            summed = tuple(sum(p[ind][i] for p in parts) for i in (0, 1))
            assert total[ind] == summed, ind


def _company_branch() -> og.OrgGraph:
    g = og.OrgGraph()
    g.add_node("Street", "s1", name="翠屏街道")
    g.add_node("Community", "c1", name="龙腾社区", street_id="s1")
    g.add_node("Area", "a1", name="御景小区", kind="compound", parent_id="c1")
    g.add_node("Area", "a2", name="光明苑", kind="compound", parent_id="c1")
    g.add_node("Unit", "pc", name="物业公司", kind="property_company", territory_id="a2")
    g.add_node("PartyOrg", "b1", name="御景小区党支部", level="branch", territory_id="a1")
    g.add_node("PartyOrg", "b2", name="物业公司党支部", level="branch", territory_id="a2", unit_id="pc")
    return g


def test_a_property_company_branch_is_not_a_compound_branch(on_backend):
    """栖霞 counts 小区党支部 and 物业公司党支部 apart: only the first covers a compound."""
    report = on_backend("company_branch", _company_branch).coverage_gaps(as_of="2021-01-01")
    # a1 has its own branch; a2 only its property company's: 1 of 2 compounds
    assert report["compounds_without_org"]["area_id"].tolist() == ["a2"]
    assert report.rates.set_index("indicator").loc["compound_org_coverage_rate", ["numerator", "denominator"]].tolist() == [1, 2]
    # and the company itself has a branch
    assert report["property_companies_without_branch"].empty
