"""Dated structure (成立日期 / 撤销日期): what did not exist at ``as_of`` is not counted, on both backends.

A hand-built ledger, the expected answers worked out by hand from the rule
(:func:`orggraph.rules.exists_mask`: ``start <= as_of < end``, missing = open):

* street s1 with 旧社区 c1 (撤销日期 2025-06-30) and 新社区 c2;
* compounds a1, a2 in c1 until 2025-06-30 and in c2 from that day (dated
  ``contains`` rows: the absorption), compound a3 in c2;
* party organisations: 街道党工委 po-s1, 社区党委 po-c1 (dissolved with c1) and
  po-c2, and 小区党支部 po-a3 of a3, founded (成立日期) on 2025-01-01.

Both backends give the same answers: in memory the queries run on the snapshot
(``TableStore.at``), on neo4j every statement leaves out what does not exist
at ``$as_of`` in the database (the chain statement too).
"""

from __future__ import annotations

import pandas as pd
import pytest

import orggraph as og

from fixtures.ledgers import ledger_graph
from orggraph.errors import QueryNotSupportedError

TABLES = {
    "districts": [{"编号": "d1", "名称": "某区"}],
    "streets": [{"编号": "s1", "名称": "某街道", "所属区县": "d1"}],
    "communities": [
        {"编号": "c1", "名称": "旧社区", "所属街道": "s1", "撤销日期": "2025-06-30"},
        {"编号": "c2", "名称": "新社区", "所属街道": "s1", "撤销日期": ""},
    ],
    "areas": [
        {"编号": "a1", "名称": "一号小区", "类型": "小区", "户数": 300, "所属": ""},
        {"编号": "a2", "名称": "二号小区", "类型": "小区", "户数": 200, "所属": ""},
        {"编号": "a3", "名称": "三号小区", "类型": "小区", "户数": 100, "所属": "c2"},
    ],
    "contains": [
        {"上级": "c1", "下级": "a1", "开始日期": "", "结束日期": "2025-06-30"},
        {"上级": "c2", "下级": "a1", "开始日期": "2025-06-30", "结束日期": ""},
        {"上级": "c1", "下级": "a2", "开始日期": "", "结束日期": "2025-06-30"},
        {"上级": "c2", "下级": "a2", "开始日期": "2025-06-30", "结束日期": ""},
    ],
    "party_orgs": [
        {"编号": "po-s1", "名称": "某街道党工委", "级别": "working_committee", "上级党组织": "", "所在区域": "s1",
         "成立日期": "", "撤销日期": ""},
        {"编号": "po-c1", "名称": "旧社区党委", "级别": "committee", "上级党组织": "po-s1", "所在区域": "c1",
         "成立日期": "", "撤销日期": "2025-06-30"},
        {"编号": "po-c2", "名称": "新社区党委", "级别": "committee", "上级党组织": "po-s1", "所在区域": "c2",
         "成立日期": "", "撤销日期": ""},
        {"编号": "po-a3", "名称": "三号小区党支部", "级别": "branch", "上级党组织": "po-c2", "所在区域": "a3",
         "成立日期": "2025-01-01", "撤销日期": ""},
    ],
}


def build_dated() -> og.OrgGraph:
    return ledger_graph(TABLES)


def _graph(on_backend):
    return on_backend("dated_structure", build_dated)


#: as_of → (compounds without a branch, community of each such compound)
WITHOUT_BRANCH = {
    "2024-12-31": {"a1": "c1", "a2": "c1", "a3": "c2"},  # the branch of a3 is not founded yet
    "2025-01-01": {"a1": "c1", "a2": "c1"},  # founded that day (start <= as_of)
    "2025-06-29": {"a1": "c1", "a2": "c1"},
    "2025-06-30": {"a1": "c2", "a2": "c2"},  # c1 dissolved that day (end > as_of fails): a1, a2 under c2
}


@pytest.mark.parametrize("as_of", sorted(WITHOUT_BRANCH))
def test_compounds_without_org_by_date(on_backend, backend, as_of):
    g = _graph(on_backend)
    gaps = g.coverage_gaps(as_of=as_of)["compounds_without_org"]
    assert dict(zip(gaps["area_id"], gaps["community_id"])) == WITHOUT_BRANCH[as_of]
    rate = g.coverage_gaps(as_of=as_of).rates.set_index("indicator").loc["compound_org_coverage_rate"]
    assert (rate["numerator"], rate["denominator"]) == (3 - len(WITHOUT_BRANCH[as_of]), 3)


@pytest.mark.parametrize("as_of,communities", [("2025-06-29", ["c1", "c2"]), ("2025-06-30", ["c2"])])
def test_dissolved_community_has_no_row(on_backend, backend, as_of, communities):
    g = _graph(on_backend)
    assert sorted(g.one_shoulder(as_of=as_of)["community_id"]) == communities
    assert sorted(g.cross_appointment_rate(as_of=as_of)["community_id"]) == communities
    assert sorted(g.leadership_profile(as_of=as_of)["community_id"].unique()) == communities
    denominators = g.coverage_gaps(as_of=as_of).rates.set_index("indicator")["denominator"]
    assert denominators.loc["compound_org_coverage_rate"] == 3  # every compound, before and after


@pytest.mark.parametrize("as_of,communities", [("2025-06-29", ["c1", "c2"]), ("2025-06-30", ["c2"])])
def test_dissolved_community_chains(on_backend, backend, as_of, communities):
    g = _graph(on_backend)
    chains = g.chain_breaks(as_of=as_of)
    compounds = chains[chains["kind"] == "compound"]
    assert set(compounds["community_id"]) == set(communities)
    assert len(compounds) == 3  # every compound counted once, before and after the absorption


#: as_of → the party organisations existing that day (po-a3 founded 2025-01-01, po-c1 dissolved 2025-06-30)
ORGS = {
    "2024-12-31": ["po-c1", "po-c2", "po-s1"],
    "2025-01-01": ["po-a3", "po-c1", "po-c2", "po-s1"],
    "2025-06-30": ["po-a3", "po-c2", "po-s1"],
}


@pytest.mark.parametrize("as_of", sorted(ORGS))
def test_bodies_exist_from_founding_to_dissolution(on_backend, backend, as_of):
    g = _graph(on_backend)
    assert sorted(g.party_membership(as_of=as_of)["party_org_id"]) == ORGS[as_of]
    # in scope of the street: the same organisations (their coverage links hold that day)
    assert sorted(g.party_membership(within="s1", as_of=as_of)["party_org_id"]) == ORGS[as_of]


def test_snapshot_leaves_the_full_graph_alone():
    g = build_dated()
    snap = g.store.at("2025-06-30")
    assert not snap.has("c1") and g.store.has("c1")
    assert snap.at("2025-06-30") is snap  # nothing left to drop
    assert g.store.at("2025-06-30") is snap  # cached per date
    assert len(g.nodes("Community")) == 2  # reading the graph is not dated
    # no dated row anywhere: the store itself
    plain = og.load_sample("jiaohe")
    assert plain.store.at("2000-01-01") is plain.store


def test_exists_rule_is_half_open():
    from orggraph import rules

    start = pd.Series(pd.to_datetime(["2025-01-01", None, None]))
    end = pd.Series(pd.to_datetime([None, "2025-06-30", None]))
    assert rules.exists_mask(start, end, pd.Timestamp("2024-12-31").date()).tolist() == [False, True, True]
    assert rules.exists_mask(start, end, pd.Timestamp("2025-01-01").date()).tolist() == [True, True, True]
    assert rules.exists_mask(start, end, pd.Timestamp("2025-06-30").date()).tolist() == [True, False, True]


def test_dated_ledger_round_trips(tmp_path):
    g = build_dated()
    # dated links stay rows of contains.csv; the parent column holds only undated ones
    assert g.nodes("Area").set_index("id")["parent_id"].fillna("").to_dict() == {"a1": "", "a2": "", "a3": "c2"}
    out = g.write_ledger(tmp_path / "out")
    back = og.read_ledger(out)
    assert back.equals(g)
    snap = back.store.at("2025-06-30")
    assert snap.nodes("Area").set_index("id")["parent_id"].to_dict() == {"a1": "c2", "a2": "c2", "a3": "c2"}


# --------------------------------------------------------------------------- trends and two-date comparisons (memory)


def test_audit_series_by_date_and_street():
    g = build_dated()
    s = g.audit_series(["2025-06-30", "2024-12-31", "2025-01-01"])
    rate = s[s["indicator"] == "compound_org_coverage_rate"]
    assert [d.strftime("%Y-%m-%d") for d in rate["as_of"]] == ["2024-12-31", "2025-01-01", "2025-06-30"]
    assert rate[["numerator", "denominator"]].values.tolist() == [[0, 3], [1, 3], [1, 3]]
    assert rate["group_id"].isna().all()
    by = g.audit_series(["2025-01-01"], by="street")
    assert set(by["group_id"]) == {"s1"} and set(by["group_name"]) == {"某街道"}
    assert len(by) == len(s) // 3  # one group, every headline indicator
    with pytest.raises(ValueError, match="by="):
        g.audit_series(["2025-01-01"], by="community")


def test_compare_two_dates_of_one_ledger():
    g = build_dated()
    c = og.compare(g, g, as_of_a="2025-06-29", as_of_b="2025-06-30")
    changes = c.nodes.set_index("id")["change"].to_dict()
    assert changes == {"c1": "removed", "po-c1": "removed", "a1": "moved", "a2": "moved"}
    assert (c.as_of_a, c.as_of) == (pd.Timestamp("2025-06-29").date(), pd.Timestamp("2025-06-30").date())
    assert "2025-06-29 → 2025-06-30" in repr(c)
