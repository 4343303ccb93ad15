"""Neo4j implementations of :mod:`orggraph.queries.people` (班子结构, 党员数, 双报到, 任期).

The statements of :mod:`..cypher_people` select and count in the database; the
rows come back in the primitive shapes the public queries define, which turn
them into the final columns for both backends alike.
"""

from __future__ import annotations

import pandas as pd

from .. import cypher_people as cp
from .... import rules
from ....queries.people import (
    LEADERSHIP_PEOPLE,
    MEMBERSHIP_ORGS,
    REPORTING_MEMBERS,
    RESPONSIBILITY_AREAS,
    RESPONSIBILITY_PEOPLE,
    SUPERVISORY_CONFLICTS,
    TERM_BODIES,
)
from ._common import frame, sorted_list

_PLACE = ["community_id", "community_name", "street_id", "street_name", "district_id", "district_name"]
_PERSON = ["community_id", "cadre_id", "body", "gender", "birth_date", "birth_year", "education", "party"]


class PeopleMixin:
    def leadership_profile(self, *, bodies, roles, within, as_of) -> pd.DataFrame:
        comms = frame(self.runner, cp.LEADERSHIP_COMMUNITIES, _PLACE, within=within, as_of=as_of)
        people = frame(self.runner, cp.LEADERSHIP_PEOPLE, _PERSON, bodies=list(bodies),
                       roles=None if roles is None else list(roles), within=within, as_of=as_of)
        out = comms.merge(people, on="community_id", how="left")
        out["party"] = out["party"].astype(object).where(out["party"].notna(), False).astype(bool)
        return out[LEADERSHIP_PEOPLE]

    def party_membership(self, *, within, as_of) -> pd.DataFrame:
        return frame(self.runner, cp.PARTY_MEMBERSHIP, MEMBERSHIP_ORGS, within=within, as_of=as_of)

    def supervisory_conflicts(self, *, within, as_of) -> pd.DataFrame:
        return frame(self.runner, cp.SUPERVISORY_CONFLICTS, SUPERVISORY_CONFLICTS, within=within, as_of=as_of,
                     roles=list(rules.COMMITTEE_ROLES))

    def member_reports(self, *, within, as_of) -> pd.DataFrame:
        out = frame(self.runner, cp.MEMBER_REPORTS, REPORTING_MEMBERS, within=within, as_of=as_of)
        for col in ("residence_communities", "reported_communities"):
            out[col] = pd.Series([sorted_list(v) for v in out[col]], dtype=object).to_numpy()
        for col in ("unit_in_scope", "residence_in_scope"):
            out[col] = out[col].astype(bool)
        return out

    def term_expiry(self, *, within, as_of) -> pd.DataFrame:
        return frame(self.runner, cp.TERM_BODIES, TERM_BODIES, within=within, as_of=as_of)

    def member_responsibilities(self, *, within, as_of) -> dict[str, pd.DataFrame]:
        areas = frame(self.runner, cp.RESPONSIBILITY_AREAS, RESPONSIBILITY_AREAS, within=within, as_of=as_of)
        for col in ("top", "covered", "parent_covered"):
            areas[col] = areas[col].astype(bool)
        return {
            "communities": frame(self.runner, cp.LEADERSHIP_COMMUNITIES, _PLACE, within=within, as_of=as_of),
            "people": frame(self.runner, cp.RESPONSIBILITY_PEOPLE, RESPONSIBILITY_PEOPLE, within=within, as_of=as_of),
            "areas": areas,
        }
