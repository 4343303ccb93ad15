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
from ._base import check_bodies, check_within, conform, dispatch, normalize_as_of, rate, register, rollup

__all__ = ["cross_appointment_rate", "one_shoulder", "COMMITTEE_ROLES"]

#: roles of a committee's members (班子成员), the default of ``roles=``: the rule is
#: :data:`orggraph.rules.COMMITTEE_ROLES`, looked up when the query runs (this name is the default's marker)
COMMITTEE_ROLES = rules.COMMITTEE_ROLES

_BY = ("community", "street", "district")
#: ``by="village"``: the rows of the villages' own 两委 (村两委), :func:`orggraph.queries.villages.village_cross_appointment`
_VILLAGE = "village"
_RATE_COLUMNS = {
    "community": ["community_id", "community_name", "street_id", "members", "cross_appointed", "base", "rate",
                  "denominator", "applicable", "reason"],
    "street": ["street_id", "street_name", "communities", "left_out", "members", "cross_appointed", "base", "rate",
               "denominator"],
    "district": ["district_id", "district_name", "communities", "left_out", "members", "cross_appointed", "base",
                 "rate", "denominator"],
    _VILLAGE: ["village_id", "village_name", "community_id", "members", "cross_appointed", "base", "rate",
               "denominator", "applicable", "reason"],
}

#: ``denominator`` names the base here (union, party, residents_committee); the count is ``base``
_NAMED_BASE = {"denominator": "text"}

#: why a community's figure does not apply: the 两委 body it lacks → reason (Chinese first)
_LACKS = {
    rules.COMMUNITY_PARTY_SELECTOR: "不适用: 无社区党组织 (no community party organisation)",
    rules.RESIDENTS_COMMITTEE: "不适用: 无居委会 (no residents' committee)",
    rules.COOPERATIVE: "不适用: 无集体经济组织 (no shareholding cooperative)",
}
#: the column of :func:`._frames.community_bodies` counting each required kind
_HAS_COLUMN = {rules.COMMUNITY_PARTY_SELECTOR: "party", rules.RESIDENTS_COMMITTEE: "residents_committee",
               rules.COOPERATIVE: rules.COOPERATIVE}


def _check_by(by: str) -> str:
    if by not in _BY:
        raise ValueError(f"by={by!r}: use one of {', '.join(_BY)}")
    return by


def _check_denominator(denominator: str, kinds: tuple[str, ...]) -> str | None:
    """The body kind whose members are the base (None: the union of the bodies)."""
    if denominator not in rules.CROSS_APPOINTMENT_DENOMINATORS:
        raise ValueError(f"denominator={denominator!r}: use one of {', '.join(rules.CROSS_APPOINTMENT_DENOMINATORS)}")
    if denominator == "union":
        return None
    kind = rules.COMMUNITY_PARTY_SELECTOR if denominator == "party" else rules.RESIDENTS_COMMITTEE
    if kind not in kinds:
        raise ValueError(f"denominator={denominator!r} needs {kind!r} among bodies={kinds!r}")
    return kind


def _applicability(g, communities: pd.Series, kinds) -> tuple[pd.Series, pd.Series]:
    """``applicable`` and ``reason`` of each community: it has a body of each kind of
    :data:`orggraph.rules.CROSS_APPOINTMENT_REQUIRED` that ``kinds`` names (两委, cooperative)."""
    from ._frames import community_bodies

    has = community_bodies(g, cooperative=rules.COOPERATIVE in kinds)
    has = has.reindex(communities.to_numpy(dtype=object), fill_value=0)
    ok = pd.Series(True, index=communities.index)
    reason = pd.Series([None] * len(communities), index=communities.index, dtype=object)
    for kind in rules.CROSS_APPOINTMENT_REQUIRED:
        if kind not in kinds:
            continue
        column = _HAS_COLUMN[kind]
        lacks = (has[column].to_numpy() == 0)
        reason[lacks & ok.to_numpy()] = _LACKS[kind]
        ok &= ~lacks
    return ok.astype(bool), reason


def _rollup_applicable(g, per: pd.DataFrame, by: str, sums: list[str], out: str, num: str, den: str) -> pd.DataFrame:
    """Roll the applicable communities up to ``by`` (sums of counts); ``left_out`` counts those not applicable."""
    from ._frames import community_places

    places = community_places(g).reindex(per["community_id"].to_numpy(dtype=object))
    f = per.assign(group=places[f"{by}_id"].to_numpy(dtype=object), group_name=places[f"{by}_name"].to_numpy(dtype=object))
    ok = f["applicable"].to_numpy(dtype=bool)
    groups = f.drop_duplicates("group")[["group", "group_name"]]
    counted = rollup(f[ok], by, sums, out, num, den) if ok.any() else None
    left = f[~ok].groupby("group", dropna=False).size()
    res = groups.rename(columns={"group": f"{by}_id", "group_name": f"{by}_name"})
    if counted is not None:
        res = res.merge(counted.drop(columns=[f"{by}_name"]), on=f"{by}_id", how="left")
    else:
        res = res.assign(communities=0, **{k: 0 for k in sums}, **{out: float("nan")})
    res["communities"] = res["communities"].fillna(0).astype("int64")
    for k in sums:
        res[k] = res[k].fillna(0).astype("int64")
    res[out] = res[out].astype("float64")
    res["left_out"] = res[f"{by}_id"].map(left).fillna(0).astype("int64").to_numpy()
    return res.sort_values(f"{by}_id").reset_index(drop=True)


@register(_RATE_COLUMNS, zh="交叉任职率")
def cross_appointment_rate(
    g,
    bodies=rules.TWO_COMMITTEES,
    by: str = "community",
    *,
    roles=COMMITTEE_ROLES,
    within: str | None = None,
    as_of=None,
    denominator: str = "union",
) -> pd.DataFrame:
    """Compute the cross-appointment rate (交叉任职率) of each community's bodies.

    For each community, over the bodies of the kinds in ``bodies`` that belong to
    it: ``members`` is the number of distinct people holding a current post in
    any of them; ``cross_appointed`` the number holding current posts in at
    least two of the kinds (for the default two-body form, 两委: in both the
    party organisation and the residents' committee). ``base`` is the
    denominator the rate divides by, named in ``denominator``:

    * ``"union"``: ``members``, the distinct people of either body;
    * ``"party"``: the people holding current posts in the community party
      organisation (社区党委/党总支 班子);
    * ``"residents_committee"``: the people holding current posts in its
      居委会.

    ``rate = cross_appointed / base``. A community lacking one of its 两委
    bodies named in ``bodies`` is not applicable (不适用): ``applicable`` is
    False, ``reason`` says which body it lacks and ``rate`` is NaN (never 0).
    A community with both bodies and a ``base`` of 0 has ``rate`` NaN too.

    (The form "in two of three bodies" over 党组织, 居委会 and 业委会 is
    ``bodies=("committee", "residents_committee", "owners_committee")``; the
    三委 reading of seed 001, 两委 members on the 业委会, is
    :func:`orggraph.queries.interlocks.owners_committee_overlap`.)

    Parameters
    ----------
    g : OrgGraph
    bodies : sequence of str
        Two or more body kinds: party levels (``committee`` = the community's
        party organisation, 社区党委/党总支) or unit kinds (``residents_committee``
        居委会, ``owners_committee`` 业委会, ``workstation`` 工作站 …).
    by : {"community", "street", "district", "village"}
        Group. Street and district rows are roll-ups over their applicable
        communities: the sums of their ``members``, ``cross_appointed`` and
        ``base`` (a person serving two communities counts in each) and the rate
        of those sums — never an average of rates; ``communities`` counts the
        communities summed and ``left_out`` those not applicable. ``"village"``:
        one row per village over its own 两委 (村党组织 and 村委会; the
        ``residents_committee`` base is the 村委会's members), as
        :func:`orggraph.queries.villages.village_cross_appointment`.
    roles : sequence of str or "all"
        Count only posts with these roles; default the committee members'
        roles (:data:`orggraph.rules.COMMITTEE_ROLES`, read when the query
        runs); ``"all"`` counts every post.
    within : str, optional
        Territory id (district, street or community) limiting the communities.
    as_of : date or str, optional
        The date at which posts must be current; default today.
    denominator : {"union", "party", "residents_committee"}
        The base of the rate (:data:`orggraph.rules.CROSS_APPOINTMENT_DENOMINATORS`).

    Returns
    -------
    pandas.DataFrame
        ``community_id, community_name, street_id, members, cross_appointed,
        base, rate, denominator, applicable, reason`` (by community);
        ``<by>_id, <by>_name, communities, left_out, members, cross_appointed,
        base, rate, denominator`` (by street or district). Sorted by id.

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.load_sample("jiaohe")
    >>> r = g.cross_appointment_rate(as_of="2022-01-01")
    >>> bool(r["applicable"].any()), bool(r["rate"].isna().all())
    (False, True)
    """
    if by == _VILLAGE:
        return _villages(g, bodies, roles, within, as_of, denominator)
    by = _check_by(by)
    kinds = check_bodies(bodies)
    base_kind = _check_denominator(denominator, kinds)
    roles = _check_roles(roles)
    within = check_within(g, within)
    as_of = normalize_as_of(as_of)
    columns = ["community_id", "community_name", "street_id", "members", "cross_appointed"]
    per = conform(dispatch(g, "cross_appointment_rate", bodies=kinds, by="community", roles=roles, within=within,
                           as_of=as_of), columns, "cross_appointment_rate")
    if base_kind is None:
        per["base"] = per["members"].astype("int64")
    else:  # the same primitive over the one body: its distinct members
        one = conform(dispatch(g, "cross_appointment_rate", bodies=(base_kind,), by="community", roles=roles,
                               within=within, as_of=as_of), columns, "cross_appointment_rate")
        per["base"] = per["community_id"].map(dict(zip(one["community_id"], one["members"]))).fillna(0).astype("int64")
    per["applicable"], per["reason"] = _applicability(g, per["community_id"], kinds)
    per["rate"] = rate(per["cross_appointed"], per["base"])
    per.loc[~per["applicable"], "rate"] = float("nan")
    per["denominator"] = denominator
    if by != "community":
        per = _rollup_applicable(g, per, by, ["members", "cross_appointed", "base"], "rate", "cross_appointed", "base")
        per["denominator"] = denominator
    per = conform(per, _RATE_COLUMNS[by], "cross_appointment_rate", types=_NAMED_BASE)
    per.attrs["denominator"] = denominator
    return per


def _villages(g, bodies, roles, within, as_of, denominator) -> pd.DataFrame:
    """``by="village"``: the 两委 form over each village's own bodies (村党组织, 村委会); the 居委会 base is the 村委会's."""
    from .villages import village_cross_appointment

    kinds = check_bodies(bodies)
    if set(kinds) != set(rules.TWO_COMMITTEES):
        raise ValueError(f"by='village' reads the village's 两委 only: bodies={rules.TWO_COMMITTEES!r}, not {kinds!r}")
    _check_denominator(denominator, kinds)
    base = rules.VILLAGE_COMMITTEE if denominator == rules.RESIDENTS_COMMITTEE else denominator
    counted = _check_roles(roles)
    out = village_cross_appointment(g, as_of=as_of, denominator=base, within=check_within(g, within),
                                    roles="all" if counted is None else counted)
    return conform(out, _RATE_COLUMNS[_VILLAGE], "cross_appointment_rate", types=_NAMED_BASE)


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
    "community": ["community_id", "community_name", "street_id", "secretaries", "directors", "one_shoulder",
                  "applicable", "reason"],
    "street": ["street_id", "street_name", "communities", "left_out", "one_shoulder", "share"],
    "district": ["district_id", "district_name", "communities", "left_out", "one_shoulder", "share"],
}


@register(_SHOULDER_COLUMNS, zh="一肩挑")
def one_shoulder(g, by: str = "community", *, within: str | None = None, as_of=None) -> pd.DataFrame:
    """Whether each community's party secretary is also its residents' committee director (一肩挑).

    By community: ``secretaries`` (sorted ids of people holding a current
    ``secretary`` post in the community's party organisation, 社区党委/党总支),
    ``directors`` (current ``director`` posts in its residents' committees) and
    ``one_shoulder``: some person is in both lists. A community without a party
    organisation or without a 居委会 is not applicable (不适用): ``applicable``
    False, ``reason`` naming the body it lacks, ``one_shoulder`` missing
    (``pd.NA``, never False). By street or district: the number of applicable
    ``communities``, how many are ``one_shoulder``, the ``share`` (一肩挑比例;
    NaN for a group with no applicable community) and ``left_out``, the
    communities not applicable.

    Examples
    --------
    >>> import orggraph as og
    >>> r = og.load_sample("shijiu").one_shoulder(by="street", as_of="2021-06-01")
    >>> list(r.columns)
    ['street_id', 'street_name', 'communities', 'left_out', 'one_shoulder', 'share']
    """
    by = _check_by(by)
    columns = ["community_id", "community_name", "street_id", "secretaries", "directors", "one_shoulder"]
    per = conform(dispatch(g, "one_shoulder", by="community", within=check_within(g, within),
                           as_of=normalize_as_of(as_of)), columns, "one_shoulder")
    per["applicable"], per["reason"] = _applicability(g, per["community_id"], rules.TWO_COMMITTEES)
    per["one_shoulder"] = pd.array(per["one_shoulder"].astype(bool), dtype="boolean")
    per.loc[~per["applicable"].to_numpy(dtype=bool), "one_shoulder"] = pd.NA
    if by == "community":
        return conform(per, _SHOULDER_COLUMNS[by], "one_shoulder")
    counts = per.assign(one_shoulder=per["one_shoulder"].fillna(False).astype("int64"))
    out = _rollup_applicable(g, counts, by, ["one_shoulder"], "share", "one_shoulder", "communities")
    return conform(out, _SHOULDER_COLUMNS[by], "one_shoulder")
