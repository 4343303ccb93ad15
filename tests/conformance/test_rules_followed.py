"""Changing a rule of :mod:`orggraph.rules` changes the answer on every backend.

One small graph, worked by hand: two communities, c1 with a 社区党委 (level
``committee``) and c2 with a 党总支 (level ``general_branch``), each with a
residents' committee. Current posts at 2024-01-01:

* k1: secretary of c1's 党委 and director of c1's 居委会 (一肩挑);
* k3: deputy director of c1's 居委会;
* k5: secretary of c1's 党委 until 2024-01-01 (ended: not current that day);
* k2: secretary of c2's 党总支 and director of c2's 居委会 (一肩挑);
* k4: staff (社区工作者) of c2's 居委会.

With the rules as shipped, by community (members / cross-appointed):
c1: {k1, k3} / {k1} → 2 / 1; c2: {k2} / {k2} → 1 / 1 (k4 is staff, not a 班子 role).
"""

from __future__ import annotations

import pandas as pd
import pytest

import orggraph as og
from orggraph import rules

AS_OF = "2024-01-01"


def _graph() -> og.OrgGraph:
    g = og.OrgGraph()
    g.add_node("Street", "s1", name="东街道")
    for c in ("c1", "c2"):
        g.add_node("Community", c, name=f"{c}社区", kind="urban", street_id="s1")
    g.add_node("PartyOrg", "p1", name="c1社区党委", level="committee", territory_id="c1")
    g.add_node("PartyOrg", "p2", name="c2社区党总支", level="general_branch", territory_id="c2")
    g.add_node("Unit", "r1", name="c1居委会", kind="residents_committee", territory_id="c1")
    g.add_node("Unit", "r2", name="c2居委会", kind="residents_committee", territory_id="c2")
    for k in ("k1", "k2", "k3", "k4", "k5"):
        g.add_node("Cadre", k, name=k)
    g.add_edge("HOLDS_POST", "k1", "p1", role="secretary", start="2021-01-01")
    g.add_edge("HOLDS_POST", "k1", "r1", role="director", start="2021-01-01")
    g.add_edge("HOLDS_POST", "k3", "r1", role="deputy_director", start="2021-01-01")
    g.add_edge("HOLDS_POST", "k5", "p1", role="secretary", start="2018-01-01", end="2024-01-01")
    g.add_edge("HOLDS_POST", "k2", "p2", role="secretary", start="2021-01-01")
    g.add_edge("HOLDS_POST", "k2", "r2", role="director", start="2021-01-01")
    g.add_edge("HOLDS_POST", "k4", "r2", role="staff", start="2021-01-01")
    return g


def _rates(g) -> dict[str, tuple[int, int]]:
    r = g.cross_appointment_rate(as_of=AS_OF)
    return {c: (int(m), int(x)) for c, m, x in zip(r["community_id"], r["members"], r["cross_appointed"])}


def _shoulders(g) -> dict[str, bool | None]:
    """一肩挑 per community; None where it does not apply (the community lacks one of its 两委)."""
    r = g.one_shoulder(as_of=AS_OF)
    return {c: None if pd.isna(v) else bool(v) for c, v in zip(r["community_id"], r["one_shoulder"])}


def test_rules_as_shipped(on_backend):
    g = on_backend("rules_two_communities", _graph)
    assert _rates(g) == {"c1": (2, 1), "c2": (1, 1)}
    r = g.cross_appointment_rate(as_of=AS_OF)
    assert r["rate"].tolist() == [0.5, 1.0]  # cross_appointed / members
    street = g.cross_appointment_rate(by="street", as_of=AS_OF)
    assert street[["members", "cross_appointed"]].values.tolist() == [[3, 2]] and street["rate"].tolist() == [2 / 3]
    assert _shoulders(g) == {"c1": True, "c2": True}
    assert g.coverage_gaps(as_of=AS_OF)["communities_without_part_time_member"]["community_id"].tolist() == ["c1", "c2"]


def test_changed_committee_roles_are_followed(on_backend, monkeypatch):
    """班子 roles = secretary, director and staff: k3 (deputy director) drops out of c1, k4 (staff) joins c2."""
    g = on_backend("rules_two_communities", _graph)
    monkeypatch.setattr(rules, "COMMITTEE_ROLES", ("director", "secretary", "staff"))
    assert _rates(g) == {"c1": (1, 1), "c2": (2, 1)}


def test_changed_community_party_levels_are_followed(on_backend, monkeypatch):
    """Only a 党委 counts as a community's party organisation: c2's 党总支 no longer does, so c2 has
    one member (k2, as director) and nobody cross-appointed, and 一肩挑 does not apply there (no
    community party organisation: n/a, not "no")."""
    g = on_backend("rules_two_communities", _graph)
    monkeypatch.setattr(rules, "COMMUNITY_PARTY_LEVELS", ("committee",))
    assert _rates(g) == {"c1": (2, 1), "c2": (1, 0)}
    assert _shoulders(g) == {"c1": True, "c2": None}


def test_changed_one_shoulder_heads_are_followed(on_backend, monkeypatch):
    """一肩挑 as the secretary being the residents' committee's deputy director: nobody in c1 or c2."""
    g = on_backend("rules_two_communities", _graph)
    monkeypatch.setattr(rules, "DIRECTOR", "deputy_director")
    assert _shoulders(g) == {"c1": False, "c2": False}


@pytest.mark.parametrize("day, current", [("2023-12-31", True), ("2024-01-01", False)])
def test_half_open_end(on_backend, day, current):
    """k5's post ends on 2024-01-01: held the day before, not that day (start <= as_of < end)."""
    g = on_backend("rules_two_communities", _graph)
    r = g.one_shoulder(as_of=day).set_index("community_id")
    assert ("k5" in r.at["c1", "secretaries"]) is current
