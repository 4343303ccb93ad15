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
from ._base import normalize_as_of

__all__ = ["village_one_shoulder", "VILLAGE_COLUMNS"]

#: columns of :func:`village_one_shoulder`
VILLAGE_COLUMNS = ["village_id", "village_name", "community_id", "secretaries", "directors", "one_shoulder"]


def _heads(posts: pd.DataFrame, bodies: pd.Series, role: str) -> pd.Series:
    """village id → sorted ids of the people holding ``role`` (current) in the village's body (``bodies``: body → village)."""
    p = posts[(posts["role"] == role) & posts["target"].isin(bodies.index)]
    p = p.assign(village=bodies.reindex(p["target"]).to_numpy())
    return p.groupby("village")["source"].agg(lambda s: sorted(set(s)))


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
    party_of = covers[covers["source"].isin(own)].set_index("source")["target"]
    committee_of = covers[covers["source"].isin(vcs)].set_index("source")["target"]

    posts = b.edges("HOLDS_POST")
    posts = posts[rules.current_mask(posts["start"], posts["end"], day)]
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
