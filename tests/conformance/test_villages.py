"""Villages (村两委): a village inside a rural community with its own 党支部 and 村委会; both backends.

Hand-built: rural community r1 with villages v1 (secretary p1 is also the 村委会 director p1: 一肩挑),
v2 (secretary p2, director p3: not), v3 (a 村委会, no party branch: 不适用); the 村委会 kinds are
written in Chinese (村民委员会, 村委会) as a ledger would.
"""

from __future__ import annotations

import pandas as pd

import orggraph as og

from fixtures.ledgers import ledger_graph

TABLES = {
    "streets": [{"编号": "s1", "名称": "某镇"}],
    "communities": [{"编号": "r1", "名称": "某农村社区", "所属街道": "s1", "类型": "农村社区"}],
    "areas": [{"编号": f"v{i}", "名称": f"{i}村", "类型": "自然村", "所属": "r1"} for i in (1, 2, 3)],
    "party_orgs": [
        {"编号": "po-r1", "名称": "某社区党总支", "级别": "党总支", "上级党组织": "", "所在区域": "r1"},
        {"编号": "po-v1", "名称": "1村党支部", "级别": "党支部", "上级党组织": "po-r1", "所在区域": "v1"},
        {"编号": "po-v2", "名称": "2村党支部", "级别": "党支部", "上级党组织": "po-r1", "所在区域": "v2"},
    ],
    "units": [
        {"编号": "vc1", "名称": "1村村委会", "类型": "村民委员会", "所在区域": "v1"},
        {"编号": "vc2", "名称": "2村村委会", "类型": "村委会", "所在区域": "v2"},
        {"编号": "vc3", "名称": "3村村委会", "类型": "村委会", "所在区域": "v3"},
        {"编号": "vs1", "名称": "1村村务监督委员会", "类型": "村务监督委员会", "所在区域": "v1"},
    ],
    "cadres": [{"编号": f"p{i}", "姓名": f"某{i}"} for i in (1, 2, 3, 4)],
    "posts": [
        {"人员编号": "p1", "任职单位": "po-v1", "职务": "书记", "任职开始": "2020-01-01", "任职结束": ""},
        {"人员编号": "p1", "任职单位": "vc1", "职务": "主任", "任职开始": "2020-01-01", "任职结束": ""},
        {"人员编号": "p2", "任职单位": "po-v2", "职务": "书记", "任职开始": "2018-01-01", "任职结束": ""},
        {"人员编号": "p3", "任职单位": "vc2", "职务": "主任", "任职开始": "2020-01-01", "任职结束": ""},
        {"人员编号": "p2", "任职单位": "vc2", "职务": "主任", "任职开始": "2018-01-01", "任职结束": "2020-01-01"},
        {"人员编号": "p4", "任职单位": "vc3", "职务": "主任", "任职开始": "2020-01-01", "任职结束": ""},
    ],
}


def build_villages() -> og.OrgGraph:
    return ledger_graph(TABLES)


def test_village_one_shoulder(on_backend):
    g = on_backend("villages", build_villages)
    r = g.village_one_shoulder(as_of="2021-01-01").set_index("village_id")
    assert r["community_id"].tolist() == ["r1", "r1", "r1"]
    assert r["secretaries"].tolist() == [["p1"], ["p2"], []]
    assert r["directors"].tolist() == [["p1"], ["p3"], ["p4"]]
    assert r["one_shoulder"].tolist() == [True, False, pd.NA]  # v3 has no party branch: 不适用, not False
    # 2019: p2, secretary since 2018, was still the director of vc2 too (until 2020-01-01); p1 not yet in post
    r2019 = g.village_one_shoulder(as_of="2019-06-30").set_index("village_id")
    assert r2019["one_shoulder"].tolist() == [False, True, pd.NA]


def test_village_unit_kinds_read_from_chinese():
    g = build_villages()
    kinds = g.nodes("Unit").set_index("id")["kind"].to_dict()
    assert kinds == {"vc1": "village_committee", "vc2": "village_committee", "vc3": "village_committee",
                     "vs1": "village_supervisory_committee"}
