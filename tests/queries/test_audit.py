"""The audit gathers every query; its headline is computed from the detail tables' counts."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import orggraph as og
from orggraph.cli import main
from orggraph.queries.audit import HEADLINE_COLUMNS


@pytest.fixture(scope="module")
def report():
    return og.load_sample("qixia").audit(as_of="2020-06-30")


def test_headline_rows_and_columns(report):
    h = report.headline.set_index("indicator")
    assert list(report.headline.columns) == HEADLINE_COLUMNS
    for name in ("cross_appointment_rate", "two_of_three_bodies_rate", "one_shoulder_share",
                 "compound_org_coverage_rate", "grid_worker_rate", "chain_completeness", "unassigned_areas",
                 "contested_areas", "norm_violations", "multi_post_people"):
        assert name in h.index
    # qixia has no village and no cooperative: those figures read n/a (NaN), never 0 %
    na = ["secretary_heads_cooperative_share", "village_cross_appointment_rate", "village_one_shoulder_share",
          "village_chain_completeness"]
    assert not h.loc[na, "applicable"].any() and h.loc[na, "value"].isna().all()
    rates = h[(h["measure"] != "数量") & h["applicable"]]
    assert ((rates["value"] >= 0) & (rates["value"] <= 1)).all()
    # value = numerator / denominator for every rate, and a count has no denominator
    assert all(math.isclose(r.value, r.numerator / r.denominator) for r in rates.itertuples())
    assert h.loc[["unassigned_areas", "norm_violations"], "denominator"].isna().all()


def test_headline_agrees_with_the_queries(report):
    g = og.load_sample("qixia")
    h = report.headline.set_index("indicator")
    rates = g.cross_appointment_rate(as_of="2020-06-30")
    # the district figure is the ratio of the summed counts, not the mean of the communities' rates
    assert h.loc["cross_appointment_rate", "numerator"] == rates["cross_appointed"].sum()
    assert h.loc["cross_appointment_rate", "denominator"] == rates["members"].sum()
    # the source: 97 grids, 97 grid workers
    assert h.loc["grid_worker_rate", ["numerator", "denominator", "value"]].tolist() == [97, 97, 1.0]
    # the source: 7 compound branches
    assert h.loc["compound_org_coverage_rate", "numerator"] == 7
    assert h.loc["norm_violations", "value"] == len(report["norm_violations"]) == len(g.check_norms(as_of="2020-06-30"))
    assert len(report["compounds_without_org"]) == h.loc["compound_org_coverage_rate", "denominator"] - 7


def test_within_a_street_is_a_part_of_the_whole(report):
    g = og.load_sample("qixia")
    streets = g.nodes("Street")["id"]
    parts = [g.audit(within=s, as_of="2020-06-30").headline.set_index("indicator") for s in streets]
    whole = report.headline.set_index("indicator")
    for ind in ("cross_appointment_rate", "compound_org_coverage_rate", "grid_worker_rate"):
        assert sum(p.loc[ind, "numerator"] for p in parts) == whole.loc[ind, "numerator"]
        assert sum(p.loc[ind, "denominator"] for p in parts) == whole.loc[ind, "denominator"]


def test_exports(report, tmp_path):
    frames = report.to_frames()
    assert list(frames)[0] == "headline" and set(report) <= set(frames)
    xlsx = report.to_excel(tmp_path / "audit.xlsx", lang="en")
    sheets = pd.read_excel(xlsx, sheet_name=None, header=1, engine="openpyxl")  # row 1: place and date
    assert list(sheets)[0] == "headline" and len(sheets["headline"]) == len(report.headline)
    assert list(pd.read_excel(report.to_excel(tmp_path / "zh.xlsx"), sheet_name=None, engine="openpyxl"))[0] == "主要指标"
    folder = report.to_csv(tmp_path / "csv")
    back = pd.read_csv(folder / "compounds_without_org.csv", encoding="utf-8-sig")
    assert len(back) == len(report["compounds_without_org"])
    assert "交叉任职率" in repr(report) and "<h4>" in report._repr_html_()


def test_cli_audit_exit_codes(tmp_path, capsys):
    # two of qixia's grids are out of the ~300-household norm: violations → exit 2
    assert main(["audit", "--sample", "qixia", "--as-of", "2020-06-30", "--out", str(tmp_path / "r.xlsx")]) == 2
    out = capsys.readouterr().out
    assert "两委交叉任职率" in out and "norm violation" in out
    assert (tmp_path / "r.xlsx").exists()
    # two violations are grids of 154 and 160 households (norm 200–400); with a grid norm of 0–600
    # households they go; the statutory sizes (职数, set by law) and the areas in no grid (网格全覆盖) remain
    lax = tmp_path / "lax.toml"
    lax.write_text("[grid_households]\ntarget = 300\ntolerance = \"1\"\n", encoding="utf-8")
    assert main(["audit", "--sample", "qixia", "--as-of", "2020-06-30", "--norms", str(lax)]) == 2
    left = og.load_sample("qixia").check_norms(str(lax), as_of="2020-06-30")
    strict = og.load_sample("qixia").check_norms(as_of="2020-06-30")
    assert set(left["rule"]) == {"statutory_size", "grid_coverage"}
    assert (strict["rule"] == "grid_households").sum() == 2 and len(strict) == len(left) + 2


def test_tables_built_on_first_access_answer_for_the_graph_as_audited():
    """``interlocks`` and ``boundary_zones`` are not needed by the headline: built when asked for, they still
    answer for the graph the audit saw, not for later edits."""
    g = og.OrgGraph()
    g.add_node("Community", "c1", name="安宁社区")
    g.add_node("Unit", "r1", name="居委会", kind="residents_committee", territory_id="c1")
    g.add_node("Unit", "w1", name="工作站", kind="workstation", territory_id="c1")
    g.add_node("Cadre", "k1", name="张三")
    g.add_edge("HOLDS_POST", "k1", "r1", role="director")
    g.add_edge("HOLDS_POST", "k1", "w1", role="station_chief")
    report = g.audit(as_of="2024-01-01")
    # after the audit: a second person in both bodies (the interlock's weight would become 2)
    g.add_node("Cadre", "k2", name="李四")
    g.add_edge("HOLDS_POST", "k2", "r1", role="member")
    g.add_edge("HOLDS_POST", "k2", "w1", role="staff")
    links = report["interlocks"]
    assert links[["body_a", "body_b", "shared"]].values.tolist() == [["r1", "w1", 1]]
    assert report["interlocks"] is links  # built once
    assert set(report) >= {"interlocks", "boundary_zones"}
    assert report.to_frames()["boundary_zones"].empty
    assert g.interlocks(as_of="2024-01-01")["shared"].tolist() == [2]
