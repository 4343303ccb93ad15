"""Staffing and 双报到 changes: appointments, posts ending, new party organisations, part-time members, reports."""

from __future__ import annotations

import pandas as pd

from ... import rules
from ...errors import ScenarioError
from ...schema import ENUMS, TERRITORY_KINDS
from .._edit import Edit, as_date
from ._common import enum_value, post_rows
from ._registry import Outcome, operation

__all__ = ["appoint", "end_post", "add_party_org", "add_part_time_member", "report"]

_POST_TARGETS = ("PartyOrg", "Unit", "Grid")


@operation
def appoint(edit: Edit, cadre: str, body: str, role: str, start=None, end=None, part_time=None) -> Outcome:
    """Appoint a person to a post (任职): a HOLDS_POST edge from ``cadre`` to ``body``.

    Parameters
    ----------
    cadre : str
        A Cadre id.
    body : str
        A party organisation, unit or grid id.
    role : str
        A role (``secretary``, ``member``, ``grid_worker`` …; Chinese names such as 书记 accepted).
    start, end : date or str, optional
        Start (default: the scenario date) and end (default: open) of the post.
    part_time : bool, optional
        Whether the post is held part-time (兼职).

    Raises
    ------
    ScenarioError
        An unknown id or role, a body that cannot hold posts, an end not after
        the start, or the same current post held already.
    """
    edit.require(cadre, "Cadre", "cadre")
    edit.require(body, _POST_TARGETS, "body")
    role = enum_value("role", role, "role")
    start_d = as_date(start, "start") if start is not None else edit.date
    end_d = as_date(end, "end") if end is not None else None
    if end_d is not None and end_d <= start_d:
        raise ScenarioError(f"end={end_d.isoformat()} must be after start={start_d.isoformat()}")
    if part_time is not None and not isinstance(part_time, bool):
        raise ScenarioError(f"part_time: give true or false, not {part_time!r}")
    e = edit.edges("HOLDS_POST")
    same = ((e["source"] == cadre) & (e["target"] == body) & (e["role"] == role)).to_numpy(dtype=bool)
    same = same & rules.current_mask(e["start"], e["end"], start_d)
    if same.any():
        raise ScenarioError(f"cadre {cadre!r} already holds a current {role} post on {body!r}")
    edit.add_edges("HOLDS_POST", post_rows([cadre], body, role, start_d, end=end_d, part_time=part_time))
    return Outcome({"appointed": cadre, "body": body, "role": role, "start": start_d.isoformat()})


@operation
def end_post(edit: Edit, cadre: str, body: str, role: str | None = None) -> Outcome:
    """End a person's current post(s) on a body (免职/离任) at the scenario date.

    Parameters
    ----------
    cadre, body : str
        The person and the party organisation, unit or grid.
    role : str, optional
        Only the post of this role; every current post on ``body`` when omitted.

    Raises
    ------
    ScenarioError
        An unknown id or role, or no such current post.
    """
    edit.require(cadre, "Cadre", "cadre")
    edit.require(body, _POST_TARGETS, "body")
    roles = [enum_value("role", role, "role")] if role is not None else None
    current = edit.current_posts([body], roles=roles)
    current = current[current["source"] == cadre]
    if not len(current):
        what = f"a current {roles[0]} post" if roles else "a current post"
        raise ScenarioError(f"cadre {cadre!r} holds no {what} on {body!r} on {edit.date.isoformat()}")
    e = edit.edges("HOLDS_POST")
    ended = edit.end_posts(e.index.isin(current.index))
    return Outcome({"cadre": cadre, "body": body, "posts_ended": ended})


@operation
def add_party_org(edit: Edit, level: str, territory: str | None, parent: str | None, id: str | None = None,
                  name: str | None = None, unit: str | None = None) -> Outcome:
    """Set up a party organisation (成立党组织): a 小区党支部, 楼栋党小组, 物业公司党支部 ….

    Parameters
    ----------
    level : str
        ``branch``, ``group``, ``household``, ``committee`` … (党支部, 党小组 … accepted).
    territory : str or None
        The territory it leads (a compound for a 小区党支部); None for one inside a unit only.
    parent : str or None
        The party organisation it answers to (社区党委 …).
    id, name : str, optional
        Default id ``<territory or unit>-po-<level>`` (made unique); default name
        the territory's (or unit's) name followed by the level's Chinese name.
    unit : str, optional
        The unit it sits in (物业公司党支部: the property company).

    Raises
    ------
    ScenarioError
        An unknown id or level, a territory that is not a territory, a parent
        that is not a party organisation, neither territory nor unit, or a taken id.
    """
    level = enum_value("party_level", level, "level")
    if territory is None and unit is None:
        raise ScenarioError("add_party_org: give the territory it leads, the unit it sits in, or both")
    if territory is not None:
        edit.require(territory, TERRITORY_KINDS, "territory")
    if parent is not None:
        edit.require(parent, "PartyOrg", "parent")
    if unit is not None:
        edit.require(unit, "Unit", "unit")
    anchor = territory if territory is not None else unit
    if id is None:
        id = edit.new_id(f"{anchor}-po-{level}")
    elif edit.exists(id):
        raise ScenarioError(f"id already in the graph: {id!r}")
    if name is None:
        kind = edit.kind(anchor)
        name = f"{edit.node_row(kind, anchor)['name']}{ENUMS['party_level'].values[level][0]}"
    rec = {"id": id, "name": name, "level": level}
    if unit is not None:
        rec["unit_id"] = unit
    if territory is not None:
        rec["territory_id"] = territory
    if parent is not None:
        rec["parent_id"] = parent
    edit.add_nodes("PartyOrg", [rec])
    return Outcome({"party_org": id, "level": level}, resolved={"id": id, "name": name})


@operation
def add_part_time_member(edit: Edit, unit_or_cadre: str, committee: str, start=None) -> Outcome:
    """Add a part-time member (兼职委员) to a 大党委 or 大工委.

    Parameters
    ----------
    unit_or_cadre : str
        A Cadre id; or a unit (驻区单位) or party organisation id, whose party
        secretary (the current ``secretary`` of the party organisation, or of the
        party organisation inside the unit) becomes the member.
    committee : str
        The community party committee (社区党委) or street working committee (街道党工委).
    start : date or str, optional
        Default: the scenario date.

    Raises
    ------
    ScenarioError
        An unknown id, a committee that is not a party organisation, a unit with
        no current party secretary, or a member already sitting on the committee.
    """
    edit.require(unit_or_cadre, ("Cadre", "Unit", "PartyOrg"), "unit_or_cadre")
    kind = edit.kind(unit_or_cadre)
    edit.require(committee, "PartyOrg", "committee")
    start_d = as_date(start, "start") if start is not None else edit.date
    if kind == "Cadre":
        cadre = unit_or_cadre
    else:
        if kind == "Unit":
            party = edit.nodes("PartyOrg")
            orgs = list(party.loc[party["unit_id"] == unit_or_cadre, "id"])
        else:
            orgs = [unit_or_cadre]
        sec = edit.current_posts(orgs, roles=[rules.SECRETARY])
        if not len(sec):
            raise ScenarioError(f"{unit_or_cadre!r} has no current party secretary (书记) on {edit.date.isoformat()}")
        cadre = str(sec["source"].iloc[0])
    already = edit.current_posts([committee])
    if (already["source"] == cadre).any():
        raise ScenarioError(f"cadre {cadre!r} already holds a current post on {committee!r}")
    edit.add_edges("HOLDS_POST", post_rows([cadre], committee, "part_time_member", start_d, part_time=True))
    return Outcome({"member": cadre, "committee": committee})


@operation
def report(edit: Edit, reporter: str, community: str, date=None) -> Outcome:
    """Record a 双报到 report: a unit, party organisation or party member reports to a community.

    Parameters
    ----------
    reporter : str
        A Unit, PartyOrg or Cadre id.
    community : str
        The Community it reports to.
    date : date or str, optional
        Default: the scenario date.

    Raises
    ------
    ScenarioError
        An unknown id, a target that is not a community, or a reporter already
        reporting to that community.
    """
    edit.require(reporter, ("Unit", "PartyOrg", "Cadre"), "reporter")
    edit.require(community, "Community", "community")
    day = as_date(date, "date") if date is not None else edit.date
    r = edit.edges("REPORTS_TO")
    if ((r["source"] == reporter) & (r["target"] == community)).any():
        raise ScenarioError(f"{reporter!r} already reports to {community!r}")
    edit.add_edges("REPORTS_TO", pd.DataFrame({"source": [reporter], "target": [community], "date": [pd.Timestamp(day)]}))
    return Outcome({"reporter": reporter, "community": community})
