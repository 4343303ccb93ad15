"""Cypher statements of the people queries (:mod:`orggraph.queries.people`), built like those of :mod:`.cypher`.

Kept apart from :mod:`.cypher` so that the topic can grow without touching the
shared module; :func:`.cypher._fixed` lists :data:`STATEMENTS` so that the lint
test and the statement registry see them. Every value travels as a parameter.
"""

from __future__ import annotations

from .cypher import (
    BODY,
    TERRITORY,
    _and,
    _COMMUNITY_COLUMNS,
    _community_place,
    _community_posts,
    _current,
    _ex,
    _locate,
    _path_ex,
    _reported,
    _scoped,
    _territory_by_id,
)

__all__ = ["STATEMENTS"]


def _full(m: str) -> str:
    """1 for a full membership (正式党员; an empty status is full), 0 for a probationary one."""
    return f"CASE WHEN {m}.status = 'probationary' THEN 0 ELSE 1 END"


# a party member: flagged, or with a current membership of a party organisation existing at $as_of
_PARTY = (
    "(p.party_member = true OR EXISTS { MATCH (p)-[pm:MEMBER_OF]->(mo:PartyOrg) "
    f"WHERE {_current('pm')} AND {_ex('mo')} }})"
)

#: the communities in scope with their street and district (a community with nobody still has a row)
LEADERSHIP_COMMUNITIES = _scoped(
    "people.leadership_communities",
    lambda sc: _community_place(sc) + f"RETURN {_COMMUNITY_COLUMNS}\nORDER BY community_id",
)

#: one row per (community, person, body kind): current posts of $roles in the community's bodies of $bodies
LEADERSHIP_PEOPLE = _scoped(
    "people.leadership_people",
    lambda sc: f"MATCH (c:Community)\nWHERE {_and(_ex('c'), sc.territory('c'))}\n"
    + _community_posts(":Cadre")
    + "WITH DISTINCT c, p, sel\n"
    "RETURN c.id AS community_id, p.id AS cadre_id, sel AS body, p.gender AS gender, p.birth_date AS birth_date,\n"
    f"  p.birth_year AS birth_year, p.education AS education, {_PARTY} AS party\n"
    "ORDER BY community_id, cadre_id, body",
)

#: one row per party organisation in scope: its own and its subtree's current members by status
PARTY_MEMBERSHIP = _scoped(
    "people.party_membership",
    lambda sc: f"MATCH (o:PartyOrg)\nWHERE {_and(_ex('o'), sc.body('o'))}\n"
    + _locate("o", True)
    + "\nCALL (o) {\n"
    f"  MATCH (o)<-[m:MEMBER_OF]-(p:Cadre)\n  WHERE {_current('m')}\n"
    f"  WITH p, max({_full('m')}) AS f, max(CASE WHEN m.central_household = true THEN 1 ELSE 0 END) AS ch\n"
    "  RETURN sum(f) AS full, sum(1 - f) AS probationary, sum(ch) AS central_households\n"
    "}\n"
    "CALL (o) {\n"
    f"  MATCH op = (o)<-[:SUBORDINATE_TO*0..]-(:PartyOrg)<-[m:MEMBER_OF]-(p:Cadre)\n"
    f"  WHERE {_current('m')} AND {_path_ex('op')}\n"
    f"  WITH p, max({_full('m')}) AS f\n"
    "  RETURN sum(f) AS total_full, sum(1 - f) AS total_probationary\n"
    "}\n"
    "RETURN o.id AS party_org_id, o.name AS party_org_name, o.level AS level, community_id, community_name,\n"
    "  street_id, street_name, full, probationary, central_households, total_full, total_probationary\n"
    "ORDER BY party_org_id",
)

_SUPERVISORY = "u.kind = 'supervisory_committee'"

#: one row per (村(居)务监督委员会 in scope, person with a current post on it and a current 班子 post on a 两委)
SUPERVISORY_CONFLICTS = _scoped(
    "people.supervisory_conflicts",
    lambda sc: f"MATCH (u:Unit)\nWHERE {_and(_SUPERVISORY, _ex('u'), sc.body('u'))}\n"
    f"MATCH (u)<-[r:HOLDS_POST]-(p:Cadre)\nWHERE {_current('r')}\n"
    "  AND EXISTS { MATCH (p)-[r2:HOLDS_POST]->(b)-[cv:COVERS]->(cm:Community)\n"
    f"    WHERE {_current('r2')} AND r2.role IN $roles AND {_ex('b', 'cv', 'cm')}\n"
    "      AND ((b:PartyOrg AND b.level IN $community_levels AND b.unit_id IS NULL)\n"
    "        OR (b:Unit AND b.kind = 'residents_committee')) }\n"
    "WITH DISTINCT u, p\n"
    + _locate("u", True)
    + "\nRETURN u.id AS unit_id, u.name AS unit_name, p.id AS cadre_id, community_id, street_id\n"
    "ORDER BY unit_id, cadre_id",
)

#: one row per in-service party member (a work_unit_id): the communities of their residence and of their reports.
#: The scope anchor ``w`` and each member's residence ``h`` are looked up once, by id, through each territory
#: label's index (:func:`.cypher._territory_by_id`), and the work unit ``u`` by id, then passed into the path tests
#: (both ends bound: the path is searched between them, never expanded from the scope down).
MEMBER_REPORTS = _scoped(
    "people.member_reports",
    lambda sc: (_territory_by_id("w", "$within") if sc.on else "")
    + f"MATCH (p:Cadre)\nWHERE p.work_unit_id IS NOT NULL AND {_PARTY}\n"
    + _territory_by_id("h", "p.residence_id", "p, " + ("w, " if sc.on else ""))
    + ("OPTIONAL MATCH (u:Unit {id: p.work_unit_id})\n" if sc.on else "")
    + "CALL (h) {\n"
    f"  OPTIONAL MATCH hp = (h)<-[:CONTAINS*0..]-(hc:Community)\n"
    f"  WHERE {_path_ex('hp')}\n"
    "  RETURN collect(DISTINCT hc.id) AS residence_communities\n"
    "}\n"
    "CALL (p) {\n"
    f"  MATCH (p)-[rep:REPORTS_TO]->(rc:Community)\n  WHERE {_reported('rep')} AND {_ex('rc')}\n"
    "  RETURN collect(DISTINCT rc.id) AS reported_communities\n"
    "}\n"
    "RETURN p.id AS cadre_id, p.work_unit_id AS work_unit_id,\n"
    + "  " + sc.flag(
        f"w IS NOT NULL AND u IS NOT NULL AND EXISTS {{ MATCH up = (u)-[:COVERS]->(:{TERRITORY})"
        f"<-[:CONTAINS*0..]-(w) WHERE {_path_ex('up')} }}"
    ) + " AS unit_in_scope,\n"
    + "  " + sc.flag(
        f"w IS NOT NULL AND h IS NOT NULL AND EXISTS {{ MATCH rp = (h)<-[:CONTAINS*0..]-(w) WHERE {_path_ex('rp')} }}"
    ) + " AS residence_in_scope,\n"
    "  residence_communities, reported_communities\n"
    "ORDER BY cadre_id",
)

#: one row per body in scope with a term_start
TERM_BODIES = _scoped(
    "people.term_bodies",
    lambda sc: f"MATCH (b:{BODY})\nWHERE {_and('b.term_start IS NOT NULL', _ex('b'), sc.body('b'))}\n"
    + _locate("b", True)
    + "\nRETURN b.id AS body_id, b.name AS body_name, CASE WHEN b:PartyOrg THEN 'PartyOrg' ELSE 'Unit' END AS label,\n"
    "  CASE WHEN b:PartyOrg THEN b.level ELSE b.kind END AS kind, b.term_start AS term_start,\n"
    "  b.term_years AS term_years, b.term_no AS term_no, community_id, street_id\n"
    "ORDER BY body_id",
)

#: one row per (community in scope, party member, kind) with a RESPONSIBLE_FOR edge to it or a territory inside it
#: (containments and territories existing at $as_of)
RESPONSIBILITY_PEOPLE = _scoped(
    "people.responsibility_people",
    lambda sc: f"MATCH (c:Community)\nWHERE {_and(_ex('c'), sc.territory('c'))}\n"
    f"MATCH cp = (c)-[:CONTAINS*0..]->(t:{TERRITORY})\nWHERE {_path_ex('cp')}\n"
    "WITH DISTINCT c, t\n"
    "MATCH (t)<-[r:RESPONSIBLE_FOR]-(p:Cadre)\n"
    f"WHERE {_PARTY}\n"
    "RETURN DISTINCT c.id AS community_id, p.id AS cadre_id, r.kind AS kind\n"
    "ORDER BY community_id, cadre_id, kind",
)


def _covered(x: str) -> str:
    """A party member's RESPONSIBLE_FOR edge reaches area ``x`` (on it or on a territory containing it at ``$as_of``)."""
    return (
        f"EXISTS {{ MATCH rp = ({x})<-[:CONTAINS*0..]-(:{TERRITORY})<-[:RESPONSIBLE_FOR]-(p:Cadre) "
        f"WHERE all(z IN nodes(rp) WHERE z:Cadre OR ({_ex('z')})) "
        f"AND all(z IN relationships(rp) WHERE type(z) = 'RESPONSIBLE_FOR' OR ({_ex('z')})) AND {_PARTY} }}"
    )


#: one row per (community in scope, area it contains at any depth, at $as_of): top-level, covered, its container covered
RESPONSIBILITY_AREAS = _scoped(
    "people.responsibility_areas",
    lambda sc: f"MATCH (c:Community)\nWHERE {_and(_ex('c'), sc.territory('c'))}\n"
    "MATCH cp = (c)-[:CONTAINS*0..]->(a:Area)\n"
    f"WHERE {_path_ex('cp')}\n"
    "WITH DISTINCT c, a\n"
    "RETURN c.id AS community_id, a.id AS area_id, a.kind AS kind, a.households AS households,\n"
    f"  NOT EXISTS {{ MATCH (a)<-[ue:CONTAINS]-(ua:Area) WHERE {_ex('ue', 'ua')} }} AS top,\n"
    f"  {_covered('a')} AS covered,\n"
    f"  EXISTS {{ MATCH (a)<-[pe:CONTAINS]-(pa:Area) WHERE {_ex('pe', 'pa')} AND {_covered('pa')} }} AS parent_covered\n"
    "ORDER BY community_id, area_id",
)

STATEMENTS = (
    RESPONSIBILITY_PEOPLE,
    RESPONSIBILITY_AREAS,
    LEADERSHIP_COMMUNITIES,
    LEADERSHIP_PEOPLE,
    PARTY_MEMBERSHIP,
    SUPERVISORY_CONFLICTS,
    MEMBER_REPORTS,
    TERM_BODIES,
)
