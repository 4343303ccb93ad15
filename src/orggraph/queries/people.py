"""People (人员): 班子 structure at 换届, party membership, 在职党员双报到, terms (任期).

Each backend returns the same primitive rows (people on a community's bodies,
member counts per organisation, in-service members with where they live and
where they reported, bodies with their term); this module turns them into the
final columns, once, so that both backends mean the same.

Definitions shared by both backends
-----------------------------------
*Current.* A post (``HOLDS_POST``) or a membership (``MEMBER_OF``) is current at
``as_of`` when ``start`` is missing or ≤ ``as_of`` and ``end`` is missing or >
``as_of``. A report (``REPORTS_TO``) counts when its ``date`` is missing or ≤ ``as_of``.

*Party member* (党员). A person with ``party_member`` true or a current membership.

*Age at as_of* (年龄). Whole years from ``birth_date`` to ``as_of``; with only
``birth_year`` the person is taken as born on 1 July of that year (at most half a
year off). A month-precision ``birth_date`` (出生年月) is its first day. Unknown
when neither is given.

*A community's bodies.* As for :func:`~orggraph.queries.appointments.cross_appointment_rate`:
the 两委 (``committee`` and ``residents_committee``) are the bodies that ``COVERS``
the community itself; other kinds those covering it or a territory it contains.

*Location of a body* (``community_id``, ``street_id``): as in :func:`~orggraph.queries.norms.check_norms`,
the smallest community id among those that are or contain a territory the body
covers, and that community's street (else the smallest street containing one).
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from ._base import check_bodies, check_within, conform, dispatch, normalize_as_of, rate, register
from .appointments import COMMITTEE_ROLES, _check_roles
from .coverage import text_frame

__all__ = [
    "leadership_profile",
    "party_membership",
    "member_reports",
    "member_responsibilities",
    "term_expiry",
    "people_norm_violations",
    "YOUTH_AGE",
    "COLLEGE_OR_ABOVE",
    "BRANCH_MIN_FULL",
    "BRANCH_MAX_MEMBERS",
    "GENERAL_BRANCH_MIN_MEMBERS",
    "COMMITTEE_MIN_MEMBERS",
    "TERM_YEARS",
]

# --------------------------------------------------------------------------- rules as data
# The thresholds are rules (orggraph.rules), read from there when a query runs; the names here are the same objects.
from .. import rules  # noqa: E402
from ..rules import (  # noqa: E402,F401  (re-exported: the names users imported from here)
    BRANCH_MAX_MEMBERS,
    BRANCH_MIN_FULL,
    COLLEGE_OR_ABOVE,
    COMMITTEE_MIN_MEMBERS,
    GENERAL_BRANCH_MIN_MEMBERS,
    TERM_YEARS,
    YOUTH_AGE,
)

#: the month a person with only a birth year is taken to be born in (the middle of the year)
_BIRTH_YEAR_MONTH = 7

_BY = ("community", "street", "district")
# conform(..., typed=False) throughout: the people columns get their types in this module, on the same code path
# for both backends (the backends return primitive rows that are typed here)
_PLACE = ["community_id", "community_name", "street_id", "street_name", "district_id", "district_name"]
#: what a backend's leadership_profile returns: one row per (community, person, body kind); a community with
#: nobody has one row with ``cadre_id`` missing
LEADERSHIP_PEOPLE = _PLACE + ["cadre_id", "body", "gender", "birth_date", "birth_year", "education", "party"]
_COUNTS = ["members", "women", "women_share", "under_35", "under_35_share", "age_known", "mean_age",
           "college_or_above", "college_share", "rc_members", "party_members_on_rc", "party_share_on_rc"]
_PROFILE_COLUMNS = {
    "community": ["community_id", "community_name", "street_id"] + _COUNTS + ["flags"],
    "street": ["street_id", "street_name", "communities"] + _COUNTS + ["flagged"],
    "district": ["district_id", "district_name", "communities"] + _COUNTS + ["flagged"],
}


def _check_by(by, allowed) -> str:
    if by not in allowed:
        raise ValueError(f"by={by!r}: use one of {', '.join(allowed)}")
    return by


def ages(birth_date: pd.Series, birth_year: pd.Series, as_of: _dt.date) -> np.ndarray:
    """Age in whole years at ``as_of`` (float, NaN when unknown); see *Age at as_of* above."""
    if isinstance(birth_date, pd.Series) and birth_date.dtype.kind == "M":
        bd = birth_date.reset_index(drop=True)
    else:
        bd = pd.to_datetime(pd.Series(list(birth_date), dtype=object), errors="coerce")
    by = pd.to_numeric(pd.Series(list(birth_year), dtype=object), errors="coerce")
    year = bd.dt.year.astype("float64").where(bd.notna(), by.astype("float64"))
    month = bd.dt.month.astype("float64").where(bd.notna(), float(_BIRTH_YEAR_MONTH))
    day = bd.dt.day.astype("float64").where(bd.notna(), 1.0)
    before = (as_of.month < month) | ((as_of.month == month) & (as_of.day < day))
    return (as_of.year - year - before.astype("float64")).to_numpy(dtype="float64")


def _profile_counts(people: pd.DataFrame, as_of, bodies) -> pd.DataFrame:
    """Per community (rows of ``people``, one per community, person and body kind): the counts and flags."""
    p = people[people["cadre_id"].notna()].copy()
    p["age"] = ages(p["birth_date"], p["birth_year"], as_of)
    p["woman"] = p["gender"].to_numpy(dtype=object) == "female"
    p["young"] = p["age"] < rules.YOUTH_AGE
    p["college"] = pd.Series(p["education"].to_numpy(dtype=object)).isin(rules.COLLEGE_OR_ABOVE).to_numpy()
    p["rc"] = p["body"].to_numpy(dtype=object) == "residents_committee"
    p["rc_party"] = p["rc"] & p["party"].fillna(False).astype(bool).to_numpy()
    per_person = p.groupby(["community_id", "cadre_id"], sort=True).agg(
        woman=("woman", "first"), young=("young", "first"), college=("college", "first"), age=("age", "first"),
        rc=("rc", "any"), rc_party=("rc_party", "any"),
    ).reset_index()
    per_person["known"] = per_person["age"].notna()
    g = per_person.groupby("community_id").agg(
        members=("cadre_id", "size"), women=("woman", "sum"), under_35=("young", "sum"), age_known=("known", "sum"),
        age_sum=("age", "sum"), college_or_above=("college", "sum"), rc_members=("rc", "sum"),
        party_members_on_rc=("rc_party", "sum"),
    )
    # flags per body kind: empty, no woman, nobody under 35
    per_kind = p.groupby(["community_id", "body"]).agg(w=("woman", "any"), y=("young", "any")).reset_index()
    comms = list(pd.unique(people["community_id"]))
    flags: dict[str, list[str]] = {comm: [] for comm in comms}
    for sel in bodies:
        k = per_kind[per_kind["body"].to_numpy(dtype=object) == sel]
        present = set(k["community_id"])
        no_woman = set(k.loc[~k["w"].astype(bool), "community_id"])
        no_young = set(k.loc[~k["y"].astype(bool), "community_id"])
        for comm in comms:
            if comm not in present:
                flags[comm].append(f"empty:{sel}")
            else:
                if comm in no_woman:
                    flags[comm].append(f"no_woman:{sel}")
                if comm in no_young:
                    flags[comm].append(f"no_under_35:{sel}")
    flags = {comm: sorted(v) for comm, v in flags.items()}
    return g, flags


def _shares(f: pd.DataFrame) -> pd.DataFrame:
    f["women_share"] = rate(f["women"], f["members"])
    f["under_35_share"] = rate(f["under_35"], f["members"])
    f["mean_age"] = rate(f["age_sum"], f["age_known"])
    f["college_share"] = rate(f["college_or_above"], f["members"])
    f["party_share_on_rc"] = rate(f["party_members_on_rc"], f["rc_members"])
    return f


@register(_PROFILE_COLUMNS, zh="班子结构")
def leadership_profile(
    g,
    by: str = "community",
    bodies=("committee", "residents_committee"),
    *,
    roles=COMMITTEE_ROLES,
    within: str | None = None,
    as_of=None,
) -> pd.DataFrame:
    """The structure of each community's 班子 (班子结构): women, members under 35, age, education.

    For each community, over the distinct people holding a current post of
    ``roles`` in one of its bodies of the kinds ``bodies`` (default the 两委):

    ``members``; ``women`` (``gender`` female) and ``women_share = women / members``;
    ``under_35`` (age at ``as_of`` below :data:`YOUTH_AGE`, people of unknown age
    not counted) and ``under_35_share = under_35 / members``; ``age_known`` and
    ``mean_age`` (over the people of known age); ``college_or_above`` (大专及以上,
    :data:`COLLEGE_OR_ABOVE`) and ``college_share``; ``rc_members`` (people on
    the residents' committee), ``party_members_on_rc`` (of them, party members)
    and ``party_share_on_rc``. Shares are NaN when their denominator is 0.
    ``flags`` lists, per body kind, ``empty:<kind>`` (nobody holds a post),
    ``no_woman:<kind>`` (每个班子至少1名女性) and ``no_under_35:<kind>``.

    By street or district: sums of the communities' counts (a person serving two
    communities counts in each), shares and ``mean_age`` of those sums, and
    ``flagged``: the number of communities with at least one flag.

    Parameters
    ----------
    g : OrgGraph
    by : {"community", "street", "district"}
    bodies : sequence of str
        Body kinds as in :func:`cross_appointment_rate` (default the 两委).
    roles : sequence of str or "all"
        Roles counted (default the 班子 roles).
    within : str, optional
        Territory id limiting the communities.
    as_of : date or str, optional
        The date of posts and ages; default today.

    Examples
    --------
    >>> import orggraph as og
    >>> r = og.load_sample("jiaohe").leadership_profile(as_of="2022-01-01")
    >>> bool((r["women"] <= r["members"]).all())
    True
    """
    by = _check_by(by, _BY)
    kinds = check_bodies(bodies)
    roles = _check_roles(roles)
    as_of = normalize_as_of(as_of)
    people = dispatch(g, "leadership_profile", bodies=kinds, roles=roles, within=check_within(g, within), as_of=as_of)
    people = conform(people, LEADERSHIP_PEOPLE, "leadership_profile", typed=False)
    counts, flags = _profile_counts(people, as_of, kinds)
    per = people.drop_duplicates("community_id")[_PLACE].sort_values("community_id").reset_index(drop=True)
    per = per.join(counts, on="community_id")
    ints = ["members", "women", "under_35", "age_known", "college_or_above", "rc_members", "party_members_on_rc"]
    per[ints] = per[ints].fillna(0).astype("int64")
    per["age_sum"] = per["age_sum"].fillna(0.0).astype("float64")
    per["flags"] = [flags[c] for c in per["community_id"]]
    if by == "community":
        out = _shares(per)
        out = out.assign(**text_frame(out[["community_id", "community_name", "street_id"]]))
        return conform(out, _PROFILE_COLUMNS[by], "leadership_profile", typed=False)
    per["flagged"] = (per["flags"].map(len) > 0).astype("int64")
    key = f"{by}_id"
    has = per[key].notna()
    agg = per[has].groupby(key).agg(
        **{f"{by}_name": (f"{by}_name", "first"), "communities": ("community_id", "size")},
        **{k: (k, "sum") for k in ints + ["age_sum", "flagged"]},
    ).reset_index()
    out = _shares(agg).sort_values(key).reset_index(drop=True)
    out = out.assign(**text_frame(out[[key, f"{by}_name"]]))
    return conform(out, _PROFILE_COLUMNS[by], "leadership_profile", typed=False)


# --------------------------------------------------------------------------- party membership

#: what a backend's party_membership returns: one row per party organisation in scope
MEMBERSHIP_ORGS = ["party_org_id", "party_org_name", "level", "community_id", "community_name", "street_id",
                   "street_name", "full", "probationary", "central_households", "total_full", "total_probationary"]
_MEMBERSHIP_COLUMNS = {
    "party_org": ["party_org_id", "party_org_name", "level", "community_id", "street_id", "full", "probationary",
                  "members", "central_households", "total_full", "total_members"],
    "community": ["community_id", "community_name", "street_id", "party_orgs", "full", "probationary", "members",
                  "central_households"],
    "street": ["street_id", "street_name", "party_orgs", "full", "probationary", "members", "central_households"],
}


def _membership_orgs(g, within, as_of, *, sort: bool = True) -> pd.DataFrame:
    result = dispatch(g, "party_membership", within=within, as_of=as_of)
    result = conform(result, MEMBERSHIP_ORGS, "party_membership", typed=False)
    for c in ("full", "probationary", "central_households", "total_full", "total_probationary"):
        v = result[c].to_numpy()
        result[c] = v.astype("int64") if v.dtype.kind in "iu" else pd.to_numeric(
            pd.Series(list(v), dtype=object), errors="coerce").fillna(0).astype("int64").to_numpy()
    return result.sort_values("party_org_id").reset_index(drop=True) if sort else result


@register(_MEMBERSHIP_COLUMNS, zh="党员数")
def party_membership(g, by: str = "party_org", *, within: str | None = None, as_of=None) -> pd.DataFrame:
    """Party members (党员数) per organisation, community or street: 正式党员 and 预备党员.

    Per party organisation (``by="party_org"``; those covering a territory
    ``within``, every one when None): ``full`` and ``probationary`` are the
    distinct people with a current ``MEMBER_OF`` membership of that status in
    it (an empty status is full; a person with both counts as full),
    ``members = full + probationary``, ``central_households`` the members flagged
    ``central_household`` (党员中心户); ``total_full`` and ``total_members`` count
    the same over the organisation and every organisation subordinate to it
    (``SUBORDINATE_TO*``): the figures the branch-setting rules judge.

    By community or street: sums of the own counts of the organisations located
    there (``party_orgs`` of them); organisations with no location are left out.

    Examples
    --------
    >>> import orggraph as og
    >>> r = og.load_sample("qixia").party_membership(by="street", as_of="2022-01-01")
    >>> list(r.columns)[:3]
    ['street_id', 'street_name', 'party_orgs']
    """
    by = _check_by(by, tuple(_MEMBERSHIP_COLUMNS))
    orgs = _membership_orgs(g, check_within(g, within), normalize_as_of(as_of))
    orgs["members"] = orgs["full"] + orgs["probationary"]
    orgs["total_members"] = orgs["total_full"] + orgs["total_probationary"]
    if by == "party_org":
        out = orgs.assign(**text_frame(orgs[["party_org_id", "party_org_name", "level", "community_id", "street_id"]]))
        return conform(out, _MEMBERSHIP_COLUMNS[by], "party_membership", typed=False)
    key = f"{by}_id"
    names = {"community": ["community_name", "street_id"], "street": ["street_name"]}[by]
    has = orgs[key].notna()
    agg = orgs[has].groupby(key).agg(
        **{n: (n, "first") for n in names}, party_orgs=("party_org_id", "size"),
        **{k: (k, "sum") for k in ("full", "probationary", "members", "central_households")},
    ).reset_index().sort_values(key).reset_index(drop=True)
    agg = agg.assign(**text_frame(agg[[key] + names]))
    return conform(agg, _MEMBERSHIP_COLUMNS[by], "party_membership", typed=False)


def branch_rules() -> tuple:
    """(level, Chinese name, measured column, minimum, maximum) of the branch-setting rules (支部设置), from
    :mod:`orggraph.rules` as they are when a query runs."""
    return (
        ("branch", f"党支部正式党员不足{rules.BRANCH_MIN_FULL}人", "total_full", rules.BRANCH_MIN_FULL, np.inf),
        ("branch", f"党支部党员超过{rules.BRANCH_MAX_MEMBERS}人", "total_members", 0, rules.BRANCH_MAX_MEMBERS),
        ("general_branch", f"党总支党员不足{rules.GENERAL_BRANCH_MIN_MEMBERS}人", "total_members",
         rules.GENERAL_BRANCH_MIN_MEMBERS, np.inf),
        ("committee", f"党委党员不足{rules.COMMITTEE_MIN_MEMBERS}人", "total_members", rules.COMMITTEE_MIN_MEMBERS, np.inf),
    )
NORM_COLUMNS = ["rule", "zh", "label", "entity_id", "entity_name", "measured", "minimum", "maximum",
                "community_id", "street_id"]
#: what a backend's supervisory_conflicts returns: one row per (supervisory committee, 两委 member on it)
SUPERVISORY_CONFLICTS = ["unit_id", "unit_name", "cadre_id", "community_id", "street_id"]


def people_norm_violations(g, *, within, as_of) -> pd.DataFrame:
    """The people rules of :func:`check_norms` (rows in its columns).

    ``branch_setting`` (支部设置, label ``PartyOrg``), judged only when the graph
    records memberships at all: a 党支部 with fewer than :data:`BRANCH_MIN_FULL`
    full members or more than :data:`BRANCH_MAX_MEMBERS` members, a 党总支 below
    :data:`GENERAL_BRANCH_MIN_MEMBERS` or a 党委 below :data:`COMMITTEE_MIN_MEMBERS`
    members, counted over the organisation and those subordinate to it.

    ``supervisory_avoidance`` (监委会回避, label ``Unit``): a 村(居)务监督委员会
    (unit kind ``supervisory_committee``) on which someone with a current post
    also holds a current 班子 post in a 两委 body; ``measured`` = how many, at most 0.
    """
    rows = []
    if g.backend.counts()["MEMBER_OF"]:
        orgs = _membership_orgs(g, within, as_of, sort=False)  # check_norms sorts its rows itself
        orgs["total_members"] = orgs["total_full"] + orgs["total_probationary"]
        for level, zh, col, lo, hi in branch_rules():
            m = orgs["level"].to_numpy(dtype=object) == level
            v = orgs[col].astype("float64")
            bad = orgs[m & ((v < lo) | (v > hi)).to_numpy()]
            rows.append(pd.DataFrame({
                "rule": "branch_setting", "zh": zh, "label": "PartyOrg", "entity_id": bad["party_org_id"].to_numpy(),
                "entity_name": bad["party_org_name"].to_numpy(), "measured": bad[col].astype("float64").to_numpy(),
                "minimum": float(lo), "maximum": float(hi), "community_id": bad["community_id"].to_numpy(),
                "street_id": bad["street_id"].to_numpy(),
            }, columns=NORM_COLUMNS))
    conflicts = conform(dispatch(g, "supervisory_conflicts", within=within, as_of=as_of), SUPERVISORY_CONFLICTS,
                        "supervisory_conflicts", typed=False)
    if len(conflicts):
        per = conflicts.groupby("unit_id").agg(
            entity_name=("unit_name", "first"), measured=("cadre_id", "nunique"),
            community_id=("community_id", "first"), street_id=("street_id", "first"),
        ).reset_index()
        rows.append(pd.DataFrame({
            "rule": "supervisory_avoidance", "zh": "监委会成员回避(两委成员不得兼任)", "label": "Unit",
            "entity_id": per["unit_id"].to_numpy(), "entity_name": per["entity_name"].to_numpy(),
            "measured": per["measured"].astype("float64").to_numpy(), "minimum": 0.0, "maximum": 0.0,
            "community_id": per["community_id"].to_numpy(), "street_id": per["street_id"].to_numpy(),
        }, columns=NORM_COLUMNS))
    rows = [r for r in rows if len(r)]
    if not rows:
        return pd.DataFrame({c: pd.Series([], dtype="float64" if c in ("measured", "minimum", "maximum") else object)
                             for c in NORM_COLUMNS})
    return pd.concat(rows, ignore_index=True)


# --------------------------------------------------------------------------- 在职党员双报到

#: what a backend's member_reports returns: one row per in-service party member (a ``work_unit_id``)
REPORTING_MEMBERS = ["cadre_id", "work_unit_id", "unit_in_scope", "residence_in_scope", "residence_communities",
                     "reported_communities"]
_REPORT_COLUMNS = {
    "unit": ["unit_id", "unit_name", "obliged", "reported", "reported_at_residence", "report_rate",
             "residence_rate"],
    "community": ["community_id", "community_name", "street_id", "obliged", "reported", "reported_at_residence",
                  "report_rate", "residence_rate"],
}


@register(_REPORT_COLUMNS, zh="在职党员双报到")
def member_reports(g, by: str = "unit", *, within: str | None = None, as_of=None) -> pd.DataFrame:
    """在职党员双报到: in-service party members reporting to the community where they live.

    The *obliged* members (应报到) are the party members with a ``work_unit_id``.
    A member has ``reported`` when they have a ``REPORTS_TO`` edge to some
    community dated on or before ``as_of`` (or undated), and reported *at
    residence* when one of those communities is or contains their
    ``residence_id`` (a residence in a contested area has several).

    ``by="unit"``: per work unit (units covering a territory ``within``; all
    when None): ``obliged``, ``reported``, ``reported_at_residence``,
    ``report_rate = reported / obliged`` and ``residence_rate =
    reported_at_residence / obliged`` (NaN for 0 obliged). ``by="community"``:
    the same per community of residence (members whose residence is inside
    ``within``), a member counting in each community containing their residence.

    Examples
    --------
    >>> import orggraph as og
    >>> r = og.load_sample("xiaonan").member_reports(as_of="2022-01-01")
    >>> bool((r["reported_at_residence"] <= r["reported"]).all())
    True
    """
    by = _check_by(by, tuple(_REPORT_COLUMNS))
    within = check_within(g, within)
    m = conform(dispatch(g, "member_reports", within=within, as_of=normalize_as_of(as_of)), REPORTING_MEMBERS,
                "member_reports", typed=False)
    reported = np.array([len(r or []) > 0 for r in m["reported_communities"]], dtype=bool)
    at_home = np.array([bool(set(a or []) & set(b or [])) for a, b in zip(m["residence_communities"],
                                                                          m["reported_communities"])], dtype=bool)
    m = m.assign(reported=reported.astype("int64"), reported_at_residence=at_home.astype("int64"))
    if by == "unit":
        m = m[m["unit_in_scope"].astype(bool).to_numpy()]
        units = g.backend.nodes("Unit")[["id", "name"]].rename(columns={"id": "unit_id", "name": "unit_name"})
        agg = m.groupby("work_unit_id").agg(obliged=("cadre_id", "nunique"), reported=("reported", "sum"),
                                            reported_at_residence=("reported_at_residence", "sum")).reset_index()
        out = agg.rename(columns={"work_unit_id": "unit_id"}).merge(units, on="unit_id", how="left")
    else:
        m = m[m["residence_in_scope"].astype(bool).to_numpy()]
        rows = [(c, cadre, bool(set(rep or []) & {c}), r) for cadre, home, rep, r in
                zip(m["cadre_id"], m["residence_communities"], m["reported_communities"], m["reported"])
                for c in sorted(set(home or []))]
        f = pd.DataFrame(rows, columns=["community_id", "cadre_id", "here", "reported"])
        agg = f.groupby("community_id").agg(obliged=("cadre_id", "nunique"), reported=("reported", "sum"),
                                            reported_at_residence=("here", "sum")).reset_index()
        comms = g.backend.nodes("Community")[["id", "name", "street_id"]].rename(
            columns={"id": "community_id", "name": "community_name"})
        out = agg.merge(comms, on="community_id", how="left")
    for c in ("obliged", "reported", "reported_at_residence"):
        out[c] = out[c].astype("int64")
    out["report_rate"] = rate(out["reported"], out["obliged"])
    out["residence_rate"] = rate(out["reported_at_residence"], out["obliged"])
    key = _REPORT_COLUMNS[by][0]
    out = out.sort_values(key).reset_index(drop=True)
    text = [c for c in _REPORT_COLUMNS[by] if c.endswith(("_id", "_name"))]
    out = out.assign(**text_frame(out[text]))
    return conform(out, _REPORT_COLUMNS[by], "member_reports", typed=False)


# --------------------------------------------------------------------------- 任期 (term expiry)

#: what a backend's term_expiry returns: one row per body in scope with a ``term_start``
TERM_BODIES = ["body_id", "body_name", "label", "kind", "term_start", "term_years", "term_no", "community_id",
               "street_id"]
_TERM_COLUMNS = ["body_id", "body_name", "label", "kind", "term_no", "term_start", "term_years", "expires", "status",
                 "months_overdue", "community_id", "street_id"]


def _add_years(d: _dt.date, years: int) -> _dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _add_months(d: _dt.date, months: int) -> _dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    y, m = d.year + y, m + 1
    import calendar

    return _dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


@register(_TERM_COLUMNS, zh="超期未换届")
def term_expiry(g, within_months: int = 0, *, within: str | None = None, as_of=None) -> pd.DataFrame:
    """Bodies whose term has run out (超期未换届) or runs out within ``within_months`` months.

    A body (party organisation or unit covering a territory ``within``; all when
    None) with a ``term_start`` has its term end ``expires = term_start +
    term_years`` years (:data:`TERM_YEARS` when empty). ``status`` is
    ``expired`` when ``expires <= as_of`` and ``due`` when ``as_of < expires <=
    as_of + within_months months``; other bodies, and bodies with no
    ``term_start``, are not listed. ``months_overdue`` = whole months from
    ``expires`` to ``as_of`` (negative: months left). Sorted by ``expires`` then ``body_id``.

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.OrgGraph()
    >>> g.add_node("Community", "c1", name="安宁社区")
    >>> g.add_node("Unit", "rc1", name="安宁居委会", kind="residents_committee", territory_id="c1", term_start="2018-06-01")
    >>> g.term_expiry(as_of="2024-01-01")[["body_id", "expires", "status", "months_overdue"]].values.tolist()
    [['rc1', datetime.date(2023, 6, 1), 'expired', 7]]
    """
    if isinstance(within_months, bool) or not isinstance(within_months, (int, np.integer)) or within_months < 0:
        raise ValueError(f"within_months={within_months!r}: give a whole number of months, 0 or more")
    as_of = normalize_as_of(as_of)
    b = conform(dispatch(g, "term_expiry", within=check_within(g, within), as_of=as_of), TERM_BODIES, "term_expiry", typed=False)
    start = pd.to_datetime(pd.Series(list(b["term_start"]), dtype=object), errors="coerce")
    years = pd.to_numeric(pd.Series(list(b["term_years"]), dtype=object), errors="coerce").fillna(rules.TERM_YEARS)
    b = b.assign(term_start=[None if pd.isna(s) else s.date() for s in start], term_years=years.astype("int64").to_numpy())
    b = b[start.notna().to_numpy()]
    b = b.assign(expires=[_add_years(s, int(y)) for s, y in zip(b["term_start"], b["term_years"])])
    horizon = _add_months(as_of, int(within_months))
    expired = np.array([e <= as_of for e in b["expires"]], dtype=bool)
    due = np.array([as_of < e <= horizon for e in b["expires"]], dtype=bool)
    b = b[expired | due].assign(status=np.where(expired[expired | due], "expired", "due"))
    b["months_overdue"] = [(as_of.year - e.year) * 12 + as_of.month - e.month - (as_of.day < e.day) for e in b["expires"]]
    b["months_overdue"] = b["months_overdue"].astype("int64")
    b = b.sort_values(["expires", "body_id"], kind="stable").reset_index(drop=True)
    b["term_no"] = pd.to_numeric(pd.Series(list(b["term_no"]), dtype=object), errors="coerce").astype("Int64")
    text = ["body_id", "body_name", "label", "kind", "status", "community_id", "street_id"]
    b = b.assign(**text_frame(b[text]))
    return conform(b, _TERM_COLUMNS, "term_expiry", typed=False)


# --------------------------------------------------------------------------- 党员联系户 / 党员责任区

#: what a backend's member_responsibilities returns: three frames
#: ``communities``: the communities in scope with their street and district (a community with nothing has its row);
RESPONSIBILITY_COMMUNITIES = _PLACE
#: ``people``: one row per (community, party member, kind) with a RESPONSIBLE_FOR edge to the community or a
#: territory it contains;
RESPONSIBILITY_PEOPLE = ["community_id", "cadre_id", "kind"]
#: ``areas``: one row per (community, area it contains at any depth): ``top`` when no area contains it,
#: ``covered`` when a party member is responsible for it or a territory containing it, ``parent_covered`` when
#: an area directly containing it is covered
RESPONSIBILITY_AREAS = ["community_id", "area_id", "kind", "households", "top", "covered", "parent_covered"]
_RESP_COUNTS = ["members", "liaison_members", "zone_members", "households", "households_covered", "compounds",
                "compounds_covered", "buildings", "buildings_covered"]
_RESP_SHARES = {"household_coverage": ("households_covered", "households"),
                "compound_coverage": ("compounds_covered", "compounds"),
                "building_coverage": ("buildings_covered", "buildings")}
_RESP_TAIL = ["members", "liaison_members", "zone_members", "households", "households_covered", "household_coverage",
              "compounds", "compounds_covered", "compound_coverage", "buildings", "buildings_covered",
              "building_coverage"]
_RESP_COLUMNS = {
    "community": ["community_id", "community_name", "street_id"] + _RESP_TAIL,
    "street": ["street_id", "street_name", "communities"] + _RESP_TAIL,
    "district": ["district_id", "district_name", "communities"] + _RESP_TAIL,
}


@register(_RESP_COLUMNS, zh="党员联系户/责任区")
def member_responsibilities(g, by: str = "community", *, within: str | None = None, as_of=None) -> pd.DataFrame:
    """党员联系户 and 党员责任区: party members looking after households and zones, and what they cover.

    A *responsibility* is a ``RESPONSIBLE_FOR`` edge (ledger table
    ``responsibilities``) from a party member (``party_member`` true or a
    current membership at ``as_of``) to an area, grid or community; its
    ``kind`` is ``households`` (联系户) or ``zone`` (责任区). Edges from people
    who are not party members at ``as_of`` are left out. An area is *covered*
    when it, or a territory containing it (``CONTAINS*``), is the target of a
    responsibility of either kind.

    Per community (its areas: those it contains at any depth):

    * ``members``: distinct party members with a responsibility for the
      community or a territory inside it; ``liaison_members`` (联系户) and
      ``zone_members`` (责任区) the same per kind (a member may be in both);
    * ``households``: the households of its top-level areas (areas no other area
      contains); ``households_covered``: the households of the covered areas
      whose containing area is not covered (each household once: a covered
      compound counts whole, a covered building in an uncovered compound counts
      alone); ``household_coverage = households_covered / households``;
    * ``compounds`` / ``compounds_covered`` / ``compound_coverage`` and
      ``buildings`` / ``buildings_covered`` / ``building_coverage``: areas of
      kind compound (小区) and building (楼栋), and the covered ones.

    Shares are NaN where the denominator is 0 (不适用). By street or district:
    sums of the communities' counts, except ``members`` (distinct people of the
    group), and the shares of the sums. Definition, denominators and source:
    docs/queries/member_responsibilities.md.

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.OrgGraph()
    >>> g.add_node("Community", "c1", name="安宁社区")
    >>> g.add_node("Area", "a1", name="一号小区", kind="compound", parent_id="c1", households=120)
    >>> g.add_node("Area", "a2", name="二号小区", kind="compound", parent_id="c1", households=80)
    >>> g.add_node("Cadre", "p1", name="甲", party_member=True)
    >>> g.add_edge("RESPONSIBLE_FOR", "p1", "a1", kind="责任区")
    >>> r = g.member_responsibilities(as_of="2024-01-01").iloc[0]
    >>> int(r["members"]), int(r["households_covered"]), float(r["household_coverage"])
    (1, 120, 0.6)
    """
    by = _check_by(by, _BY)
    found = dispatch(g, "member_responsibilities", within=check_within(g, within), as_of=normalize_as_of(as_of))
    comms = conform(found["communities"], RESPONSIBILITY_COMMUNITIES, "member_responsibilities", typed=False)
    people = conform(found["people"], RESPONSIBILITY_PEOPLE, "member_responsibilities", typed=False)
    areas = conform(found["areas"], RESPONSIBILITY_AREAS, "member_responsibilities", typed=False)
    comms = comms.drop_duplicates("community_id").sort_values("community_id").reset_index(drop=True)
    hh = pd.to_numeric(pd.Series(list(areas["households"]), dtype=object), errors="coerce").fillna(0).to_numpy(dtype="int64")
    top, covered = areas["top"].astype(bool).to_numpy(), areas["covered"].astype(bool).to_numpy()
    topmost = covered & ~areas["parent_covered"].astype(bool).to_numpy()
    kind = areas["kind"].to_numpy(dtype=object)
    per_area = pd.DataFrame({
        "community_id": areas["community_id"].to_numpy(dtype=object),
        "households": np.where(top, hh, 0), "households_covered": np.where(topmost, hh, 0),
        "compounds": kind == rules.COMPOUND, "compounds_covered": (kind == rules.COMPOUND) & covered,
        "buildings": kind == rules.BUILDING, "buildings_covered": (kind == rules.BUILDING) & covered,
    })
    area_counts = per_area.groupby("community_id").sum()
    people = people.drop_duplicates()

    def member_counts(frame: pd.DataFrame, key: str) -> pd.DataFrame:
        out = pd.DataFrame({"members": frame.groupby(key)["cadre_id"].nunique()})
        for col, k in (("liaison_members", rules.RESPONSIBILITY_HOUSEHOLDS), ("zone_members", rules.RESPONSIBILITY_ZONE)):
            out[col] = frame[frame["kind"] == k].groupby(key)["cadre_id"].nunique()
        return out

    def finish(out: pd.DataFrame, key: str) -> pd.DataFrame:
        for col in _RESP_COUNTS:
            out[col] = out[col].fillna(0).astype("int64")
        for col, (num, den) in _RESP_SHARES.items():
            out[col] = rate(out[num], out[den])
        out = out.sort_values(key).reset_index(drop=True)
        text = [c for c in _RESP_COLUMNS[by] if c.endswith(("_id", "_name"))]
        out = out.assign(**text_frame(out[text]))
        return conform(out, _RESP_COLUMNS[by], "member_responsibilities", typed=False)

    if by == "community":
        out = comms.join(member_counts(people, "community_id"), on="community_id").join(area_counts, on="community_id")
        return finish(out, "community_id")
    key, name = f"{by}_id", f"{by}_name"
    comms = comms[comms[key].notna()]
    grouped = comms.groupby(key).agg(**{name: (name, "first"), "communities": ("community_id", "size")})
    where = comms.set_index("community_id")[key]
    people = people[people["community_id"].isin(where.index)].assign(group=lambda f: f["community_id"].map(where))
    area_counts = area_counts[area_counts.index.isin(where.index)]
    sums = area_counts.groupby(where.reindex(area_counts.index).to_numpy()).sum()
    out = grouped.join(member_counts(people, "group")).join(sums).reset_index()
    out["communities"] = out["communities"].astype("int64")
    return finish(out, key)
