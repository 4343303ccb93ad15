"""Villages (村两委): a village inside a rural community with its own 党支部 and 村委会; both backends.

Hand-built (:data:`fixtures.ledgers.VILLAGE_TABLES`): rural community r1 with villages v1 (secretary p1 is
also the 村委会 director p1: 一肩挑), v2 (secretary p2, director p3: not), v3 (a 村委会, no party branch:
不适用); the 村委会 kinds are written in Chinese (村民委员会, 村委会) as a ledger would.
"""

from __future__ import annotations

import pandas as pd

import orggraph as og

from fixtures.ledgers import VILLAGE_TABLES as TABLES, ledger_graph


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
                     "vs1": "village_supervisory_committee", "co1": "cooperative", "co2": "cooperative"}
