"""Cross-appointments (交叉任职) and 一肩挑.

Definitions shared by both backends
-----------------------------------
*Current post.* A ``HOLDS_POST`` edge is current at ``as_of`` when its ``start``
is missing or on/before ``as_of`` and its ``end`` is missing or after
``as_of`` (half-open: a post that ends on a date is no longer held that day, so
a hand-over on one date is never counted twice).

*A community's bodies.* The 两委 are the community's own bodies: its party
organisation (``"committee"``: 社区党委, level ``committee``, or 党总支, level
``general_branch``, with no ``unit_id``) and its residents' committee
(``"residents_committee"``), each one that ``COVERS`` the community itself. A
小区大党委 covering a compound, a cooperative's 党总支 or a village committee
inside a rural community is not one of them. Bodies of any other kind belong to
community C when they ``COVERS`` C or a territory C contains (the 业委会 of its
compounds); a work station covering several communities (一站多居) belongs to
each of them. ``bodies=`` names party-organisation levels and unit kinds
(English or Chinese).

*Committee roles.* The 两委 are counted over their members (班子成员): by
default only the roles in :data:`orggraph.rules.COMMITTEE_ROLES` (secretary,
deputy secretary, member, director, deputy director), read when the query runs. Staff (社区工作者), part-time members
(兼职委员 from resident units) and grid posts are left out unless ``roles=``
names them; ``roles="all"`` counts every post.
"""

from __future__ import annotations

import pandas as pd

from .. import rules
from ._base import check_bodies, check_within, conform, dispatch, normalize_as_of, register

__all__ = ["cross_appointment_rate", "one_shoulder", "COMMITTEE_ROLES"]

#: roles of a committee's members (班子成员), the default of ``roles=``: the rule is
#: :data:`orggraph.rules.COMMITTEE_ROLES`, looked up when the query runs (this name is the default's marker)
COMMITTEE_ROLES = rules.COMMITTEE_ROLES

_BY = ("community", "street", "district")
_RATE_COLUMNS = {
    "community": ["community_id", "community_name", "street_id", "members", "cross_appointed", "rate"],
    "street": ["street_id", "street_name", "communities", "members", "cross_appointed", "rate"],
    "district": ["district_id", "district_name", "communities", "members", "cross_appointed", "rate"],
}


def _check_by(by: str) -> str:
    if by not in _BY:
        raise ValueError(f"by={by!r}: use one of {', '.join(_BY)}")
    return by


@register(_RATE_COLUMNS, zh="交叉任职率")
def cross_appointment_rate(
    g,
    bodies=rules.TWO_COMMITTEES,
    by: str = "community",
    *,
    roles=COMMITTEE_ROLES,
    within: str | None = None,
    as_of=None,
) -> pd.DataFrame:
    """Compute the cross-appointment rate (交叉任职率) of each community's bodies.

    For each community, over the bodies of the kinds in ``bodies`` that belong to
    it: ``members`` is the number of distinct people holding a current post in
    any of them; ``cross_appointed`` the number holding current posts in at
    least two of the kinds (for the default two-body form, 两委: in both the
    party organisation and the residents' committee; for the three-body form
    三委, add ``"owners_committee"``); ``rate = cross_appointed / members``
    (NaN when ``members`` is 0).

    Parameters
    ----------
    g : OrgGraph
    bodies : sequence of str
        Two or more body kinds: party levels (``committee`` = the community's
        party organisation, 社区党委/党总支) or unit kinds (``residents_committee``
        居委会, ``owners_committee`` 业委会, ``workstation`` 工作站 …).
    by : {"community", "street", "district"}
        Group. Street and district rows are roll-ups: the sums of their
        communities' ``members`` and ``cross_appointed`` (a person serving two
        communities counts in each), and the rate of those sums — never an
        average of rates.
    roles : sequence of str or "all"
        Count only posts with these roles; default the committee members'
        roles (:data:`orggraph.rules.COMMITTEE_ROLES`, read when the query
        runs); ``"all"`` counts every post.
    within : str, optional
        Territory id (district, street or community) limiting the communities.
    as_of : date or str, optional
        The date at which posts must be current; default today.

    Returns
    -------
    pandas.DataFrame
        ``community_id, community_name, street_id, members, cross_appointed, rate``
        (by community); ``<by>_id, <by>_name, communities, members,
        cross_appointed, rate`` (by street or district). Sorted by id.

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.load_sample("jiaohe")
    >>> r = g.cross_appointment_rate(as_of="2022-01-01")
    >>> bool(r["rate"].between(0, 1).all())
    True
    """
    by = _check_by(by)
    kinds = check_bodies(bodies)
    roles = _check_roles(roles)
    result = dispatch(
        g,
        "cross_appointment_rate",
        bodies=kinds,
        by=by,
        roles=roles,
        within=check_within(g, within),
        as_of=normalize_as_of(as_of),
    )
    return conform(result, _RATE_COLUMNS[by], "cross_appointment_rate")


def _check_roles(roles):
    if roles is COMMITTEE_ROLES:  # the default: the rule as it is now
        roles = rules.COMMITTEE_ROLES
    if roles is None or (isinstance(roles, str) and roles == "all"):
        return None
    from ..schema import ENUMS

    if isinstance(roles, str):
        roles = (roles,)
    out = []
    for r in roles:
        canonical = ENUMS["role"].lookup().get(r)
        if canonical is None:
            raise ValueError(f"unknown role {r!r}; known: {', '.join(ENUMS['role'].values)}")
        out.append(canonical)
    return tuple(sorted(set(out)))


_SHOULDER_COLUMNS = {
    "community": ["community_id", "community_name", "street_id", "secretaries", "directors", "one_shoulder"],
    "street": ["street_id", "street_name", "communities", "one_shoulder", "share"],
    "district": ["district_id", "district_name", "communities", "one_shoulder", "share"],
}


@register(_SHOULDER_COLUMNS, zh="一肩挑")
def one_shoulder(g, by: str = "community", *, within: str | None = None, as_of=None) -> pd.DataFrame:
    """Whether each community's party secretary is also its residents' committee director (一肩挑).

    By community: ``secretaries`` (sorted ids of people holding a current
    ``secretary`` post in the community's party organisation, 社区党委/党总支),
    ``directors`` (current ``director`` posts in its residents' committees) and
    ``one_shoulder``: some person is in both lists. By street or district: the
    number of ``communities``, how many are ``one_shoulder``, and the ``share``
    (一肩挑比例; NaN for a group with no community).

    Examples
    --------
    >>> import orggraph as og
    >>> r = og.load_sample("shijiu").one_shoulder(by="street", as_of="2021-06-01")
    >>> list(r.columns)
    ['street_id', 'street_name', 'communities', 'one_shoulder', 'share']
    """
    by = _check_by(by)
    result = dispatch(g, "one_shoulder", by=by, within=check_within(g, within), as_of=normalize_as_of(as_of))
    return conform(result, _SHOULDER_COLUMNS[by], "one_shoulder")
