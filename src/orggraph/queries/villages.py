"""Villages (村): a village's own 两委 and its 一肩挑.

A village (an ``Area`` of kind :data:`orggraph.rules.VILLAGE`, 自然村 / 行政村,
inside a rural community) can have its own 两委: a party organisation of a
level in :data:`orggraph.rules.VILLAGE_PARTY_LEVELS` (村党支部 / 村党总支) with
no ``unit_id``, and a unit of kind :data:`orggraph.rules.VILLAGE_COMMITTEE`
(村民委员会), each ``COVERS`` the village area itself.

:func:`village_one_shoulder` is computed on the client from ``nodes()`` /
``edges()`` of the graph as it stood at ``as_of`` (``g.backend.at(as_of)``,
dated structure left out), so it answers on every backend that can give that
snapshot. 书记兼任集体经济组织负责人 (the secretary also heads the
cooperative) is the cross-appointment of the community's party organisation
and its cooperative: ``g.cross_appointment_rate(bodies=("committee",
"cooperative"))`` (see ``docs/queries/appointments.md``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import rules
from ._base import normalize_as_of, rate

__all__ = ["village_one_shoulder", "village_cross_appointment", "VILLAGE_COLUMNS", "VILLAGE_CROSS_COLUMNS"]

#: columns of :func:`village_one_shoulder`
VILLAGE_COLUMNS = ["village_id", "village_name", "community_id", "secretaries", "directors", "one_shoulder"]


def _heads(posts: pd.DataFrame, bodies: pd.Series, role: str) -> pd.Series:
    """village id → sorted ids of the people holding ``role`` (current) in the village's body (``bodies``: body → village)."""
    p = posts[(posts["role"] == role) & posts["target"].isin(bodies.index)]
    p = p.assign(village=bodies.reindex(p["target"]).to_numpy())
    return p.groupby("village")["source"].agg(lambda s: sorted(set(s)))


def _village_bodies(g, day):
    """The villages (sorted by id) at ``day``, the community of each, their own bodies and the current posts.

    Returns ``villages`` (the Area rows), ``community`` (village id → containing community id),
    ``party_of`` and ``committee_of`` (body id → village id: the village's own party organisations and
    village committees, on the structure as it stood at ``day``) and ``posts`` (current ``HOLDS_POST`` rows).
    """
    b = g.backend.at(day)
    areas = b.nodes("Area")
    villages = areas[areas["kind"] == rules.VILLAGE].sort_values("id")
    comms = set(b.nodes("Community")["id"])
    contains = b.edges("CONTAINS")
    parent = contains[contains["target"].isin(villages["id"]) & contains["source"].isin(comms)]
    community = parent.drop_duplicates("target").set_index("target")["source"]

    covers = b.edges("COVERS")
    covers = covers[covers["target"].isin(villages["id"])]
    orgs = b.nodes("PartyOrg")
    own = orgs[orgs["level"].isin(list(rules.VILLAGE_PARTY_LEVELS)) & orgs["unit_id"].isna()]["id"]
    units = b.nodes("Unit")
    vcs = units[units["kind"] == rules.VILLAGE_COMMITTEE]["id"]
    party_of = covers[covers["source"].isin(own)].drop_duplicates("source").set_index("source")["target"]
    committee_of = covers[covers["source"].isin(vcs)].drop_duplicates("source").set_index("source")["target"]

    posts = b.edges("HOLDS_POST")
    posts = posts[rules.current_mask(posts["start"], posts["end"], day)]
    return villages, community, party_of, committee_of, posts


def village_one_shoulder(g, *, as_of=None) -> pd.DataFrame:
    """村书记、村委会主任 "一肩挑": per village, is the party secretary also the village committee's director?

    Parameters
    ----------
    g : OrgGraph
    as_of : date or str, optional
        Posts current then (``start <= as_of < end``), on the structure as it stood then. Default today.

    Returns
    -------
    pandas.DataFrame
        One row per village area, sorted by id: ``village_id, village_name,
        community_id`` (the community containing it, None when none),
        ``secretaries`` and ``directors`` (sorted cadre ids, ``[]`` when none),
        ``one_shoulder`` (nullable boolean: a person is in both lists; ``<NA>``
        (不适用) when the village lacks its party organisation or its village
        committee, never False for a body that does not exist).

    Examples
    --------
    >>> import orggraph as og
    >>> og.load_sample("jiaohe").village_one_shoulder(as_of="2022-01-01").columns.tolist()
    ['village_id', 'village_name', 'community_id', 'secretaries', 'directors', 'one_shoulder']
    """
    day = normalize_as_of(as_of)
    villages, community, party_of, committee_of, posts = _village_bodies(g, day)
    secretaries = _heads(posts, party_of, rules.SECRETARY)
    directors = _heads(posts, committee_of, rules.DIRECTOR)

    ids = villages["id"].to_numpy(dtype=object)
    sec = [secretaries.get(v, []) for v in ids]
    dire = [directors.get(v, []) for v in ids]
    has_both = np.isin(ids, party_of.to_numpy(dtype=object)) & np.isin(ids, committee_of.to_numpy(dtype=object))
    both = [bool(set(s) & set(d)) for s, d in zip(sec, dire)]
    shoulder = pd.array([x if ok else pd.NA for x, ok in zip(both, has_both)], dtype="boolean")
    return pd.DataFrame({
        "village_id": ids,
        "village_name": villages["name"].to_numpy(dtype=object),
        "community_id": [community.get(v) for v in ids],
        "secretaries": sec,
        "directors": dire,
        "one_shoulder": shoulder,
    }, columns=VILLAGE_COLUMNS)


#: columns of :func:`village_cross_appointment`
VILLAGE_CROSS_COLUMNS = ["village_id", "village_name", "community_id", "members", "cross_appointed", "base", "rate",
                         "denominator", "applicable", "reason"]

_VILLAGE_LACKS = {"party": "不适用: 无村党组织 (no village party organisation)",
                  rules.VILLAGE_COMMITTEE: "不适用: 无村委会 (no village committee)"}


def village_cross_appointment(g, *, as_of=None, denominator: str = "union", within: str | None = None,
                              roles=None) -> pd.DataFrame:
    """村两委交叉任职率: per village, the people on both the village party organisation and the village committee.

    Over current 班子 posts (roles :data:`orggraph.rules.COMMITTEE_ROLES`) in the village's own bodies (a party
    organisation of :data:`orggraph.rules.VILLAGE_PARTY_LEVELS` with no ``unit_id`` and a unit of kind
    :data:`orggraph.rules.VILLAGE_COMMITTEE`, each covering the village itself): ``members`` distinct people
    on either, ``cross_appointed`` those on both, ``base`` the denominator named by ``denominator``
    (:data:`orggraph.rules.VILLAGE_CROSS_DENOMINATORS`: ``union`` = ``members``, ``party`` the party
    organisation's 班子, ``village_committee`` the 村委会's members) and ``rate = cross_appointed / base``.
    A village lacking either body is not applicable (``applicable`` False, ``reason`` naming the body,
    ``rate`` NaN, never 0); a base of 0 gives NaN too.

    Parameters
    ----------
    g : OrgGraph
    as_of : date or str, optional
        Posts current then (``start <= as_of < end``), on the structure as it stood then. Default today.
    denominator : {"union", "party", "village_committee"}
    within : str, optional
        Territory id: only the villages it contains (``CONTAINS*``).
    roles : sequence of str or "all", optional
        The roles counted; default :data:`orggraph.rules.COMMITTEE_ROLES` (read when the query runs);
        ``"all"`` every post.

    Returns
    -------
    pandas.DataFrame
        One row per village, sorted by id: ``village_id, village_name, community_id, members,
        cross_appointed, base, rate, denominator, applicable, reason``.

    Examples
    --------
    >>> import orggraph as og
    >>> og.load_sample("jiaohe").village_cross_appointment(as_of="2022-01-01").columns.tolist()[:5]
    ['village_id', 'village_name', 'community_id', 'members', 'cross_appointed']
    """
    if denominator not in rules.VILLAGE_CROSS_DENOMINATORS:
        raise ValueError(f"denominator={denominator!r}: use one of {', '.join(rules.VILLAGE_CROSS_DENOMINATORS)}")
    day = normalize_as_of(as_of)
    villages, community, party_of, committee_of, posts = _village_bodies(g, day)
    if within is not None:
        from ._frames import _inside

        villages = villages[villages["id"].isin(set(_inside(g, pd.Series([within], dtype=object))["territory"]))]
    if not (isinstance(roles, str) and roles == "all"):
        counted = rules.COMMITTEE_ROLES if roles is None else roles
        posts = posts[posts["role"].isin(list(counted)).to_numpy(dtype=bool)]
    people = {}
    for side, bodies in (("party", party_of), (rules.VILLAGE_COMMITTEE, committee_of)):
        p = posts[posts["target"].isin(bodies.index)]
        people[side] = p.assign(village=bodies.reindex(p["target"]).to_numpy()).groupby("village")["source"].agg(set)
    ids = villages["id"].to_numpy(dtype=object)
    party = [people["party"].get(v, set()) for v in ids]
    committee = [people[rules.VILLAGE_COMMITTEE].get(v, set()) for v in ids]
    members = np.array([len(a | b) for a, b in zip(party, committee)], dtype=np.int64)
    cross = np.array([len(a & b) for a, b in zip(party, committee)], dtype=np.int64)
    base = {"union": members, "party": np.array([len(a) for a in party], dtype=np.int64),
            rules.VILLAGE_COMMITTEE: np.array([len(b) for b in committee], dtype=np.int64)}[denominator]
    has_party = np.isin(ids, party_of.to_numpy(dtype=object))
    has_committee = np.isin(ids, committee_of.to_numpy(dtype=object))
    reason = [None if p and c else _VILLAGE_LACKS["party"] if not p else _VILLAGE_LACKS[rules.VILLAGE_COMMITTEE]
              for p, c in zip(has_party, has_committee)]
    applicable = has_party & has_committee
    r = rate(cross, base)
    r[~applicable] = np.nan
    return pd.DataFrame({
        "village_id": ids,
        "village_name": villages["name"].to_numpy(dtype=object),
        "community_id": [community.get(v) for v in ids],
        "members": members,
        "cross_appointed": cross,
        "base": base,
        "rate": r,
        "denominator": denominator,
        "applicable": applicable.astype(bool),
        "reason": pd.Series(reason, dtype=object),
    }, columns=VILLAGE_CROSS_COLUMNS)
