"""居站分设: community work stations separated from residents' committees (东城), 一站多居."""

from __future__ import annotations

import pandas as pd

from ... import rules
from ...errors import ScenarioError
from .._edit import Edit, ids_list
from ._common import post_rows
from ._registry import Outcome, operation

__all__ = ["separate_station"]

#: the roles of community workers (社区工作者) that move from a 居委会 to its station
WORKER_ROLES = ("staff", "zone_manager")


@operation
def separate_station(
    edit: Edit,
    community_or_committees,
    station: str,
    name: str | None = None,
    chief: str | None = None,
    staff=(),
    zone_managers=(),
    move_staff: bool = True,
) -> Outcome:
    """Set up a community work station (社区工作站) serving one or several residents' committees (居站分设, 一站多居).

    The station is a unit of kind ``workstation`` located in the street
    (``territory_id`` = the street of the first community) that covers each
    community served, as in the 东城 sample. An existing work station can be
    given to extend what it serves.

    With ``move_staff`` the community workers of the served communities'
    居委会 (current ``staff`` and ``zone_manager`` posts) move to the station:
    their posts there end at the scenario date and the same people hold the
    same role at the station from that date (a zone manager's post records the
    community of their 片区 under ``zone``). ``chief``, ``staff`` and
    ``zone_managers`` appoint people (站长, 站务管理员, 片区管理员); a moved
    worker named there takes the role named there.

    Parameters
    ----------
    community_or_committees : str or list of str
        Community ids, or ids of their residents' committees (居委会).
    station : str
        Id of the new station (or of an existing work station).
    name : str, optional
        Default: the first community's name followed by 工作站.
    chief : str, optional
        Cadre id of the station chief (站长).
    staff, zone_managers : list of str
        Cadre ids appointed as staff (站务管理员) and zone managers (片区管理员).
    move_staff : bool
        Move the served 居委会's community workers to the station (default true).

    Raises
    ------
    ScenarioError
        An unknown id; an id that is neither a community nor a residents'
        committee covering one; a station id taken by something other than a
        work station; an unknown cadre.
    """
    given = ids_list(community_or_committees, "community_or_committees")
    kinds = edit.kinds(given)
    unknown = [i for i in given if not isinstance(kinds[i], str)]
    if unknown:
        raise ScenarioError(f"community_or_committees: unknown id(s) {unknown[:5]}")
    cov = edit.edges("COVERS")
    units = edit.nodes("Unit").set_index("id")
    comm_ids = set(edit.nodes("Community")["id"])
    communities = []
    for i in given:
        if kinds[i] == "Community":
            communities.append(i)
            continue
        if kinds[i] == "Unit" and units.at[i, "kind"] == rules.RESIDENTS_COMMITTEE:
            served = [t for t in cov.loc[cov["source"] == i, "target"] if t in comm_ids]
            if served:
                communities.append(served[0])
                continue
            raise ScenarioError(f"residents' committee {i!r} covers no community")
        raise ScenarioError(f"community_or_committees: {i!r} is a {kinds[i]}, not a community or a residents' committee (居委会)")
    communities = list(dict.fromkeys(communities))
    if not isinstance(station, str) or not station:
        raise ScenarioError("station: give the id of the work station")
    existing = edit.kind(station)
    if existing is not None and not (existing == "Unit" and units.at[station, "kind"] == rules.WORKSTATION):
        raise ScenarioError(f"station: {station!r} is already a {existing} that is not a work station")
    people = [c for c in ([chief] if chief else []) + list(staff or []) + list(zone_managers or [])]
    if people:
        edit.require(people, "Cadre", "chief/staff/zone_managers")

    # --- who moves: community workers of the served communities' residents' committees
    rcs = [b for b in edit.bodies_matching(cov.loc[cov["target"].isin(communities), "source"], rules.RESIDENTS_COMMITTEE)]
    rc_community = cov[cov["source"].isin(rcs) & cov["target"].isin(communities)].drop_duplicates("source")
    rc_community = dict(zip(rc_community["source"], rc_community["target"]))
    workers = edit.current_posts(rcs, roles=WORKER_ROLES) if move_staff else edit.current_posts([], roles=WORKER_ROLES)

    # --- the station and what it covers
    if existing is None:
        street = edit.primary_parent([communities[0]], ("Street",)).iloc[0]
        first = edit.node_row("Community", communities[0])["name"]
        rec = {"id": station, "name": name or f"{first}工作站", "kind": rules.WORKSTATION}
        if isinstance(street, str):
            rec["territory_id"] = street
        edit.add_nodes("Unit", [rec])
        already = set()
    else:
        already = set(cov.loc[cov["source"] == station, "target"])
    add = [c for c in communities if c not in already]
    edit.add_edges("COVERS", pd.DataFrame({"source": [station] * len(add), "target": add}))

    # --- posts
    new = []
    if len(workers):
        edit.end_posts(edit.edges("HOLDS_POST").index.isin(workers.index))
        named = set(people)  # someone also named below takes the role named there
        for role, rows in workers[~workers["source"].isin(named)].groupby("role", sort=False):
            rows = rows.drop_duplicates("source")
            frame = post_rows(rows["source"], station, role, edit.date)
            if role == "zone_manager":
                frame["zone"] = rows["target"].map(rc_community).to_numpy()
            new.append(frame)
    if chief:
        new.append(post_rows([chief], station, "station_chief", edit.date))
    if staff:
        new.append(post_rows(list(staff), station, "staff", edit.date))
    if zone_managers:
        new.append(post_rows(list(zone_managers), station, "zone_manager", edit.date))
    created = 0
    if new:
        frame = pd.concat(new, ignore_index=True)
        current = edit.current_posts([station])
        have = set(zip(current["source"], current["role"]))
        keep = [(s, r) not in have for s, r in zip(frame["source"], frame["role"])]
        frame = frame[keep].drop_duplicates(["source", "role"])
        created = len(frame)
        edit.add_edges("HOLDS_POST", frame)
    serves = set(edit.edges("COVERS").query("source == @station")["target"]) & comm_ids
    return Outcome({
        "station": station,
        "communities": communities,
        "serves": len(serves),
        "one_station_many_committees": len(serves) > 1,
        "workers_moved": int(workers["source"].nunique()) if len(workers) else 0,
        "posts_created": created,
    })
