"""Villages (村两委交叉任职) and 书记兼任集体经济组织负责人, on small hand-built ledgers, on every backend.

The ledger :data:`fixtures.ledgers.VILLAGE_TABLES` (as of 2021-01-01 unless said):

* rural community r1 (党总支 po-r1, no cooperative) with villages
  v1: 村党支部 po-v1 (书记 p1, 委员 p5) and 村委会 vc1 (主任 p1, 委员 p5, 委员 p6), all from 2020-01-01;
  v2: po-v2 (书记 p2 since 2018) and vc2 (主任 p3 from 2020; p2 主任 2018 until 2020-01-01);
  v3: 村委会 vc3 only (主任 p4);
* converted communities k1 (社区党委 pk1: 书记 q1, 委员 q2; cooperative co1 covering k1: 理事长 (主任) q1,
  委员 q3) and k2 (社区党委 pk2: 书记 q4; cooperative co2 covering the compound ka2 inside k2: 理事长 q5,
  委员 q4); urban community k3 (社区党委 pk3: 书记 q6, no cooperative).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

import orggraph as og

from fixtures.ledgers import VILLAGE_TABLES as TABLES, ledger_graph


@pytest.fixture
def villages(on_backend):
    return on_backend("villages-cross", lambda: ledger_graph(TABLES))


def _rows(df, key, columns):
    return {r[key]: tuple(r[c] for c in columns) for r in df.to_dict("records")}


def _same(a, b):
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))


def test_village_cross_appointment(villages):
    r = villages.village_cross_appointment(as_of="2021-01-01")
    got = _rows(r, "village_id", ["community_id", "members", "cross_appointed", "base", "applicable"])
    assert got == {
        "v1": ("r1", 3, 2, 3, True),   # party {p1, p5}, 村委会 {p1, p5, p6}
        "v2": ("r1", 2, 0, 2, True),   # party {p2}, 村委会 {p3}: p2's 主任 post ended 2020-01-01
        "v3": ("r1", 1, 0, 1, False),  # no 村党支部: 不适用
    }
    rate = dict(zip(r["village_id"], r["rate"]))
    assert rate["v1"] == pytest.approx(2 / 3) and rate["v2"] == 0.0 and math.isnan(rate["v3"])
    reason = dict(zip(r["village_id"], r["reason"]))
    assert reason["v1"] is None and reason["v3"].startswith("不适用: 无村党组织")
    assert set(r["denominator"]) == {"union"}
    # the other bases: the party 班子 (v1: 2 → 2/2) and the 村委会 (v1: 3 → 2/3)
    party = villages.village_cross_appointment(as_of="2021-01-01", denominator="party").set_index("village_id")
    assert party.loc["v1", "base"] == 2 and party.loc["v1", "rate"] == 1.0 and party.loc["v2", "base"] == 1
    vc = villages.village_cross_appointment(as_of="2021-01-01", denominator="village_committee").set_index("village_id")
    assert vc.loc["v1", "base"] == 3 and vc.loc["v1", "rate"] == pytest.approx(2 / 3)
    # 2019: v1's posts had not started (base 0: NaN, still applicable); p2 held both posts in v2
    before = villages.village_cross_appointment(as_of="2019-06-30").set_index("village_id")
    assert before.loc["v1", "members"] == 0 and math.isnan(before.loc["v1", "rate"]) and before.loc["v1", "applicable"]
    assert (before.loc["v2", "cross_appointed"], before.loc["v2", "rate"]) == (1, 1.0)
    with pytest.raises(ValueError, match="denominator"):
        villages.village_cross_appointment(denominator="residents_committee")


def test_secretary_heads_cooperative(villages):
    """书记兼任集体经济组织负责人: the community party organisation's 书记 is the cooperative's 理事长 (主任)."""
    heads = villages.cross_appointment_rate(bodies=("committee", "cooperative"), roles=("secretary", "director"),
                                            as_of="2021-01-01")
    got = _rows(heads, "community_id", ["members", "cross_appointed", "applicable"])
    assert got == {
        "k1": (1, 1, True),    # q1 is 书记 of pk1 and 理事长 of co1
        "k2": (2, 0, True),    # q4 书记, q5 理事长 (co2 covers ka2 inside k2)
        "k3": (1, 0, False),   # no cooperative: 不适用, never 0 %
        "r1": (0, 0, False),
    }
    reason = dict(zip(heads["community_id"], heads["reason"]))
    assert reason["k3"].startswith("不适用: 无集体经济组织") and reason["k1"] is None
    ok = heads[heads["applicable"]]
    assert (int((ok["cross_appointed"] > 0).sum()), len(ok)) == (1, 2)  # 1 of 2 communities
    street = villages.cross_appointment_rate(bodies=("committee", "cooperative"), roles=("secretary", "director"),
                                             by="street", as_of="2021-01-01").iloc[0]
    assert (street["communities"], street["left_out"], street["cross_appointed"], street["base"]) == (2, 2, 1, 3)
    # every 班子 member: k1 {q1, q2} ∪ {q1, q3} → 3, q1 in both; k2 {q4} ∪ {q5, q4} → 2, q4 in both
    every = _rows(villages.cross_appointment_rate(bodies=("committee", "cooperative"), as_of="2021-01-01"),
                  "community_id", ["members", "cross_appointed"])
    assert every["k1"] == (3, 1) and every["k2"] == (2, 1)


def test_shijiu_secretaries_heading_cooperatives():
    """石臼 (issue 18: "13 of 16 by hand"): of the 16 村改居 communities, 13 secretaries are 理事长.

    The 16 exist together only before batch 1 (2021-07-20; seed 000: 原有的16个, 三个批次), so the figure is taken
    on 2021-07-19; the 7 city communities have no cooperative then (not applicable)."""
    g = og.load_sample("shijiu")
    r = g.cross_appointment_rate(bodies=("committee", "cooperative"), roles=("secretary", "director"), as_of="2021-07-19")
    ok = r[r["applicable"]]
    assert (int((ok["cross_appointed"] > 0).sum()), len(ok), int((~r["applicable"]).sum())) == (13, 16, 7)


def test_jiaohe_village_one_shoulder():
    """胶河 (issue 18: "village-level 一肩挑 (胶河: 16 of 26 by hand)"): each of the 26 villages has a branch and a
    村民委员会 (village_committee); in 16 the branch secretary is the 村委会主任 on 2022-01-01, and the audit's
    village figure reads 16/26 while the community-level 一肩挑 (no 居委会 in a rural community) is n/a."""
    g = og.load_sample("jiaohe")
    v = g.village_one_shoulder(as_of="2022-01-01")
    assert (len(v), int(v["one_shoulder"].fillna(False).astype(bool).sum()), int(v["one_shoulder"].isna().sum())) == (26, 16, 0)
    head = g.audit(as_of="2022-01-01").headline.set_index("indicator")
    assert (head.at["village_one_shoulder_share", "numerator"], head.at["village_one_shoulder_share", "denominator"]) == (16, 26)
    assert not head.at["one_shoulder_share", "applicable"]


def test_cross_appointment_rate_by_village(villages):
    """``cross_appointment_rate(by="village")``: the same rows as village_cross_appointment, the 居委会 base read as the 村委会's."""
    r = villages.cross_appointment_rate(by="village", as_of="2021-01-01")
    assert _rows(r, "village_id", ["members", "cross_appointed", "base", "applicable"]) == {
        "v1": (3, 2, 3, True), "v2": (2, 0, 2, True), "v3": (1, 0, 1, False)}
    rc = villages.cross_appointment_rate(by="village", as_of="2021-01-01", denominator="residents_committee")
    assert dict(zip(rc["village_id"], rc["base"]))["v1"] == 3 and set(rc["denominator"]) == {"village_committee"}
    # secretaries only: v1 {p1} on both; within a territory
    heads = villages.cross_appointment_rate(by="village", roles=("secretary", "director"), within="v2", as_of="2021-01-01")
    assert _rows(heads, "village_id", ["members", "cross_appointed"]) == {"v2": (2, 0)}
    assert villages.cross_appointment_rate(by="village", roles="all", as_of="2021-01-01")["members"].tolist() == [3, 2, 1]
    with pytest.raises(ValueError, match="两委 only"):
        villages.cross_appointment_rate(bodies=("committee", "cooperative"), by="village")


def test_audit_village_and_cooperative_rows(villages):
    head = villages.audit(as_of="2021-01-01").headline.set_index("indicator")
    figures = {k: tuple(head.loc[k, ["numerator", "denominator"]]) for k in (
        "secretary_heads_cooperative_share", "village_cross_appointment_rate", "village_one_shoulder_share",
        "village_chain_completeness")}
    assert figures == {
        "secretary_heads_cooperative_share": (1, 2),  # k1 yes, k2 no; k3 and r1 have no cooperative
        "village_cross_appointment_rate": (2, 5),     # v1 2 of 3, v2 0 of 2; v3 n/a
        "village_one_shoulder_share": (1, 2),         # v1 yes, v2 no; v3 n/a
        "village_chain_completeness": (0, 3),         # r1 is rural; no 街道党工委 in the ledger, so no chain starts
    }
    assert head.loc["village_cross_appointment_rate", "value"] == pytest.approx(0.4)
    assert head["applicable"].loc[list(figures)].all()


def test_audit_without_villages_or_cooperatives_reads_na():
    g = og.OrgGraph()
    g.add_node("Street", "s1", name="某街道")
    g.add_node("Community", "c1", name="某社区", street_id="s1")
    head = g.audit(as_of="2021-01-01").headline.set_index("indicator")
    for k in ("secretary_heads_cooperative_share", "village_cross_appointment_rate", "village_one_shoulder_share",
              "village_chain_completeness"):
        assert not head.loc[k, "applicable"] and math.isnan(head.loc[k, "value"])
