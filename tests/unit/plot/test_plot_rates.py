"""Rates per community as sorted bar charts: coverage_rates by hand and against coverage_gaps, and the charts."""

from __future__ import annotations

import math

import matplotlib.colors as mcolors
import pandas as pd
import pytest

from orggraph.queries.coverage import COVERAGE_INDICATORS

import orggraph as og
from orggraph import plot

AS_OF = "2023-06-30"


def build() -> og.OrgGraph:
    """Street s1 with communities c1 安宁 and c2 辽河.

    c1: grids g1 (a grid worker) and g2 (none); compounds a1 (600 hh, a party branch) and a2 (100 hh,
        none) — a2 is claimed by c2 too (contested).
    c2: compound a3 (50 hh, none).
    Property company u1 covers a1 and a3 and has a party branch (unit_id); u2 covers a2 and has none.
    Resident unit r1 covers c1 and reports to c1; r2 covers c2 and reports nowhere.
    """
    g = og.OrgGraph()
    g.add_node("Street", "s1", name="东城街道")
    g.add_node("Community", "c1", name="安宁社区", street_id="s1")
    g.add_node("Community", "c2", name="辽河社区", street_id="s1")
    g.add_node("Grid", "g1", name="网格1", community_id="c1")
    g.add_node("Grid", "g2", name="网格2", community_id="c1")
    g.add_node("Area", "a1", name="阳光小区", kind="compound", parent_id="c1", households=600)
    g.add_node("Area", "a2", name="和平小区", kind="compound", parent_id="c1", households=100)
    g.add_edge("CONTAINS", "c2", "a2")
    g.add_node("Area", "a3", name="辽河小区", kind="compound", parent_id="c2", households=50)
    g.add_node("PartyOrg", "b1", name="阳光小区党支部", level="branch", territory_id="a1")
    g.add_node("Unit", "u1", name="阳光物业", kind="property_company", territory_id="a1")
    g.add_edge("COVERS", "u1", "a3")
    g.add_node("PartyOrg", "bu1", name="阳光物业党支部", level="branch", unit_id="u1")
    g.add_node("Unit", "u2", name="和平物业", kind="property_company", territory_id="a2")
    g.add_node("Unit", "r1", name="供电公司", kind="resident_unit", territory_id="c1")
    g.add_node("Unit", "r2", name="税务所", kind="resident_unit", territory_id="c2")
    g.add_edge("REPORTS_TO", "r1", "c1", date="2022-01-01")
    g.add_node("Cadre", "k1", name="张三")
    g.add_edge("HOLDS_POST", "k1", "g1", role="grid_worker", start="2020-01-01")
    return g


# (indicator, id) → (numerator, denominator), worked out from the docstring of build()
BY_COMMUNITY = {
    ("compound_org_coverage_rate", "c1"): (1, 2),  # a1 yes, a2 no
    ("compound_org_coverage_rate", "c2"): (0, 2),  # a3 no, a2 (contested) no
    ("property_company_branch_rate", "c1"): (1, 2),  # u1 (covers a1) yes, u2 (covers a2) no
    ("property_company_branch_rate", "c2"): (1, 2),  # u1 (covers a3) yes, u2 (covers contested a2) no
    ("grid_worker_rate", "c1"): (1, 2),  # g1 yes, g2 no; c2 has no grid: no row
    ("part_time_member_rate", "c1"): (0, 1),  # no community party organisation at all
    ("part_time_member_rate", "c2"): (0, 1),
    ("unit_report_coverage_rate", "c1"): (1, 1),
    ("unit_report_coverage_rate", "c2"): (0, 1),
    ("community_report_rate", "c1"): (1, 1),
    ("community_report_rate", "c2"): (0, 1),
    ("large_compound_committee_rate", "c1"): (0, 1),  # a1 has 600 hh and no 居委会; c2 has no large compound
}
BY_STREET = {
    "compound_org_coverage_rate": (1, 3),
    "property_company_branch_rate": (1, 2),
    "grid_worker_rate": (1, 2),
    "part_time_member_rate": (0, 2),
    "unit_report_coverage_rate": (1, 2),
    "community_report_rate": (1, 2),
    "large_compound_committee_rate": (0, 1),
}


def test_coverage_rates_per_community_by_hand():
    rates = plot.coverage_rates(build(), as_of=AS_OF)
    got = {(r.indicator, r.community_id): (r.numerator, r.denominator) for r in rates.itertuples()}
    assert got == BY_COMMUNITY
    assert list(rates.columns) == ["indicator", "zh", "measure", "community_id", "community_name", "numerator",
                                   "denominator", "rate"]
    row = rates.set_index(["indicator", "community_id"]).loc[("compound_org_coverage_rate", "c1")]
    assert row["community_name"] == "安宁社区" and row["zh"] == "小区党组织覆盖率" and row["rate"] == 0.5


def test_coverage_rates_per_street_by_hand():
    rates = plot.coverage_rates(build(), by="street", as_of=AS_OF)
    assert {r.indicator: (r.numerator, r.denominator) for r in rates.itertuples()} == BY_STREET
    assert set(rates["street_id"]) == {"s1"}


def test_coverage_rates_within_and_one_indicator():
    rates = plot.coverage_rates(build(), "compound_org_coverage_rate", within="c2", as_of=AS_OF)
    # within c2 only c2's compounds count; c1 still holds the contested a2
    assert {r.community_id: (r.numerator, r.denominator) for r in rates.itertuples()} == {"c1": (0, 1), "c2": (0, 2)}
    with pytest.raises(ValueError, match="unknown coverage indicator"):
        plot.coverage_rates(build(), "no_such_rate")
    with pytest.raises(ValueError, match="by="):
        plot.coverage_rates(build(), by="district")  # community, street or grid


#: the rates coverage_rates splits per community (one per gap table; not those over a named set)
PER_TABLE = {ind for ind, _, _ in COVERAGE_INDICATORS.values()}


@pytest.mark.parametrize("name, communities", [
    ("jiaohe", None),  # all four
    ("qixia", ["qx-c01", "qx-c09", "qx-c10"]),  # qx-c09 and qx-c10 both claim the contested qx-a0809
])
def test_coverage_rates_equal_coverage_gaps_within_each_community(sample, name, communities):
    """One coverage_gaps call + scoping gives what coverage_gaps(within=community) gives, community by community."""
    g = sample(name)
    rates = plot.coverage_rates(g, as_of=AS_OF).set_index(["indicator", "community_id"])
    for cid in communities or g.nodes("Community")["id"]:
        expected = g.coverage_gaps(within=cid, as_of=AS_OF).rates
        for rec in expected.itertuples():
            if rec.indicator not in PER_TABLE:  # the rates over a named set (组建率, 单位双报到率, 兼职) are not plotted
                continue
            if rec.denominator == 0:
                assert (rec.indicator, cid) not in rates.index
                continue
            got = rates.loc[(rec.indicator, cid)]
            assert (got["numerator"], got["denominator"]) == (rec.numerator, rec.denominator), (rec.indicator, cid)


def test_coverage_rates_equal_coverage_gaps_within_each_street_of_xiaonan(sample):
    g = sample("xiaonan")
    rates = plot.coverage_rates(g, by="street", as_of=AS_OF).set_index(["indicator", "street_id"])
    for sid in g.nodes("Street")["id"]:
        for rec in g.coverage_gaps(within=sid, as_of=AS_OF).rates.itertuples():
            if rec.indicator not in PER_TABLE:
                continue
            got = rates.loc[(rec.indicator, sid)]
            assert (got["numerator"], got["denominator"]) == (rec.numerator, rec.denominator), (rec.indicator, sid)


# --------------------------------------------------------------------------- the charts


def _colour(patch) -> str:
    return mcolors.to_hex(patch.get_facecolor())


def test_rate_bars_sorted_lowest_first_with_norm_and_missing_last():
    frame = pd.DataFrame({
        "community_id": ["c1", "c2", "c3", "c4"],
        "community_name": ["甲社区", "乙社区", "丙社区", "丁社区"],
        "rate": [0.5, 0.0, math.nan, 1.0],
        "numerator": [1, 0, 0, 3],
        "denominator": [2, 4, 0, 3],
    })
    ax = plot.rate_bars(frame, numerator="numerator", denominator="denominator", norm=0.6, overall=4 / 9)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["乙社区", "甲社区", "丁社区", "丙社区"]
    assert [round(p.get_width(), 6) for p in ax.patches] == [0.0, 0.5, 1.0, 0.0]
    assert [_colour(p) for p in ax.patches] == ["#de2d26", "#de2d26", "#3182bd", "#bdbdbd"]
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["0% (0/4)", "50% (1/2)", "100% (3/3)", "– (0/0)"]
    lines = {ln.get_label(): ln.get_xdata()[0] for ln in ax.get_lines()}
    assert lines == {"norm 60%": 0.6, "overall 总体 44.4%": pytest.approx(4 / 9)}


def test_rate_bars_needs_the_rate_column():
    with pytest.raises(ValueError, match="no column 'rate'"):
        plot.rate_bars(pd.DataFrame({"x": [1]}))


def test_cross_appointment_chart_of_a_sample(sample):
    g = sample("qixia")
    frame = g.cross_appointment_rate(as_of="2020-06-30")
    ax = plot.cross_appointment(frame)
    assert len(ax.patches) == len(frame) == 12
    widths = [p.get_width() for p in ax.patches]
    assert widths == sorted(widths)
    overall = [ln.get_xdata()[0] for ln in ax.get_lines() if ln.get_linestyle() == ":"]
    assert overall == [pytest.approx(frame["cross_appointed"].sum() / frame["members"].sum())]
    assert "两委交叉任职率" in ax.get_title(loc="left")
    three = plot.cross_appointment(g, ("committee", "residents_committee", "owners_committee"), as_of="2020-06-30")
    assert "三委交叉任职率" in three.get_title(loc="left")


def test_coverage_chart_draws_the_norm_and_reds_below_it():
    ax = plot.coverage(build(), "compound_org_coverage_rate", as_of=AS_OF)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["辽河社区", "安宁社区"]
    assert [_colour(p) for p in ax.patches] == ["#de2d26", "#de2d26"]
    assert any(ln.get_linestyle() == "--" and ln.get_xdata()[0] == 1.0 for ln in ax.get_lines())


@pytest.mark.parametrize("chart", ["cross_appointment", "coverage"])
def test_forty_three_communities_without_overlapping_labels(sample, chart):
    g = sample("xiaonan")
    ax = (plot.cross_appointment(g, as_of=AS_OF) if chart == "cross_appointment"
          else plot.coverage(g, "grid_worker_rate", as_of=AS_OF))
    assert len(ax.get_yticklabels()) == 43
    assert ax.figure.get_size_inches()[1] > 43 * 0.2  # the figure grows with the rows
    assert plot.label_overlaps(ax.figure) == []
    assert plot.labels_outside(ax.figure) == []


def test_headline_chart_leaves_counts_out(sample):
    report = sample("qixia").audit(as_of="2020-06-30")
    ax = plot.headline(report)
    rates = report.headline["measure"] != "数量"
    n_rates = int((rates & report.headline["applicable"]).sum())
    # 4 appointment figures (两委, two of three bodies, 三委 业委会, 一肩挑), 10 coverage rates (组建率 and 覆盖率 of
    # compounds, 双报到 over the obliged and over all units, full- and part-time 网格员 …), 2 chain completeness figures;
    # the 4 village and cooperative figures do not apply to a city sample (不适用) and are not drawn
    assert int(rates.sum()) == 20
    assert len(ax.patches) == n_rates == 16
    assert plot.label_overlaps(ax.figure) == []


def test_many_rows_show_the_lowest_sixty():
    frame = pd.DataFrame({"community_id": [f"c{i:03d}" for i in range(100)],
                          "community_name": [f"社区{i}" for i in range(100)],
                          "rate": [i / 100 for i in range(99, -1, -1)]})
    ax = plot.rate_bars(frame, title="rate")
    assert len(ax.patches) == 60 and ax.get_yticklabels()[0].get_text() == "社区99"
    assert ax.get_title(loc="left") == "rate (lowest 60 of 100 最低 60 个)"
    assert len(plot.rate_bars(frame, max_bars=None).patches) == 100
