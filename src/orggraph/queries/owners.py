"""三委交叉任职: 两委 members sitting on the owners' committees (业委会).

Seed 001: "充分考虑业委会的组成，实行'三委'交叉任职" — the question is whether the
community's 两委 reach its 业委会, not how many people sit in two of three
bodies (that form is ``cross_appointment_rate(bodies=("committee",
"residents_committee", "owners_committee"))``, in the audit
``two_of_three_bodies_rate``).

Computed engine-free from the backend's node and edge tables (the same on every
backend).
"""

from __future__ import annotations

import pandas as pd

from .. import rules
from ._base import check_within, normalize_as_of, rate, register, rollup

__all__ = ["owners_committee_overlap"]

OWNERS_COMMITTEE = "owners_committee"

_COUNTS = ["owners_committees", "with_committee_member", "members", "committee_members"]
_COLUMNS = {
    "community": ["community_id", "community_name", "street_id", "owners_committees", "with_committee_member", "share",
                  "members", "committee_members", "member_share"],
    "street": ["street_id", "street_name", "communities", "owners_committees", "with_committee_member", "share",
               "members", "committee_members", "member_share"],
    "district": ["district_id", "district_name", "communities", "owners_committees", "with_committee_member", "share",
                 "members", "committee_members", "member_share"],
}


@register(_COLUMNS, zh="三委交叉任职")
def owners_committee_overlap(g, by: str = "community", within: str | None = None, as_of=None) -> pd.DataFrame:
    """两委 members on each community's owners' committees (三委交叉任职, 业委会).

    For each community in scope:

    * ``owners_committees``: units of kind ``owners_committee`` (业委会) that
      belong to it (``COVERS`` the community or a territory it contains);
    * ``with_committee_member``: those with at least one current member who
      holds a current 班子 post (:data:`orggraph.rules.COMMITTEE_ROLES`) in the
      community's party organisation or 居委会 (its 两委);
      ``share = with_committee_member / owners_committees``;
    * ``members``: distinct people with a current post (any role) on one of its
      业委会; ``committee_members``: those who are 两委 班子 members;
      ``member_share = committee_members / members``.

    Shares are NaN where the denominator is 0 (a community without a 业委会:
    the figure does not apply). By street or district: sums of the counts over
    the communities and the shares of the sums.

    Examples
    --------
    >>> import orggraph as og
    >>> r = og.load_sample("dongcheng").owners_committee_overlap(by="street", as_of="2010-12-31")
    >>> list(r.columns)[:4]
    ['street_id', 'street_name', 'communities', 'owners_committees']
    """
    from ._frames import ancestors, community_places, descendants

    if by not in _COLUMNS:
        raise ValueError(f"by={by!r}: use one of {', '.join(_COLUMNS)}")
    within = check_within(g, within)
    as_of = normalize_as_of(as_of)
    comms = g.backend.nodes("Community")
    if within is not None:
        comms = comms[comms["id"].isin(descendants(g, [within])).to_numpy(dtype=bool)]
    units = g.backend.nodes("Unit")
    party = g.backend.nodes("PartyOrg")
    own_party = set(party.loc[rules.is_community_party_org(party["level"], party["unit_id"]), "id"])
    rcs = set(units.loc[(units["kind"] == rules.RESIDENTS_COMMITTEE).fillna(False).to_numpy(dtype=bool), "id"])
    ocs = set(units.loc[(units["kind"] == OWNERS_COMMITTEE).fillna(False).to_numpy(dtype=bool), "id"])
    comm_ids = set(comms["id"])
    # the coverage of and the current posts in the three kinds of body only (one pass over each table;
    # repeated rows fall out below)
    three = pd.Index(list(own_party | rcs | ocs), dtype=object)
    covers = g.backend.edges("COVERS")[["source", "target"]]
    covers = covers[covers["source"].isin(three).to_numpy(dtype=bool)]
    posts = g.backend.edges("HOLDS_POST")
    posts = posts[posts["target"].isin(three).to_numpy(dtype=bool)]
    posts = posts.loc[rules.current_mask(posts["start"], posts["end"], as_of), ["source", "target", "role"]]
    # (c, p): p holds a current 班子 post in a 两委 body covering community c itself
    two_bodies = covers[covers["source"].isin(own_party | rcs).to_numpy(dtype=bool)
                        & covers["target"].isin(comm_ids).to_numpy(dtype=bool)]
    holders = posts[posts["role"].isin(list(rules.COMMITTEE_ROLES)).to_numpy(dtype=bool)]
    two = two_bodies.merge(holders, left_on="source", right_on="target", suffixes=("", "_post"))
    two = two[["target", "source_post"]].set_axis(["c", "p"], axis=1).drop_duplicates()
    # (c, o): owners' committee o covers c or a territory c contains
    oc_covers = covers[covers["source"].isin(ocs).to_numpy(dtype=bool)]
    row, above = ancestors(g, oc_covers["target"].to_numpy(dtype=object))
    mine = pd.DataFrame({"c": above, "o": oc_covers["source"].to_numpy(dtype=object)[row]})
    mine = mine[mine["c"].isin(comm_ids).to_numpy(dtype=bool)].drop_duplicates()
    # (c, o, p): p has a current post (any role) on o; in_two: p is one of c's 两委 班子 members
    oc_posts = posts[posts["target"].isin(ocs).to_numpy(dtype=bool)]
    oc_posts = oc_posts[["target", "source"]].set_axis(["o", "p"], axis=1).drop_duplicates()
    sits = mine.merge(oc_posts, on="o").merge(two.assign(in_two=True), on=["c", "p"], how="left")
    sits["in_two"] = sits["in_two"].notna().to_numpy(dtype=bool)
    both = sits[sits["in_two"].to_numpy(dtype=bool)]
    index = comms["id"].to_numpy(dtype=object)

    def per_community(frame, col):
        return frame.groupby("c")[col].nunique().reindex(index, fill_value=0).to_numpy(dtype="int64")

    per = pd.DataFrame({"community_id": index, "community_name": comms["name"].to_numpy(dtype=object),
                        "street_id": comms["street_id"].to_numpy(dtype=object),
                        "owners_committees": per_community(mine, "o"), "with_committee_member": per_community(both, "o"),
                        "members": per_community(sits, "p"), "committee_members": per_community(both, "p")})
    per = per.astype({k: "int64" for k in _COUNTS}).sort_values("community_id").reset_index(drop=True)
    if by != "community":
        places = community_places(g).reindex(per["community_id"].to_numpy(dtype=object))
        per = per.assign(group=places[f"{by}_id"].to_numpy(dtype=object),
                         group_name=places[f"{by}_name"].to_numpy(dtype=object))
        per = rollup(per, by, _COUNTS, "share", "with_committee_member", "owners_committees")
    per["share"] = rate(per["with_committee_member"], per["owners_committees"])
    per["member_share"] = rate(per["committee_members"], per["members"])
    return per[_COLUMNS[by]].reset_index(drop=True)


owners_committee_overlap.backend_neutral = True  # computed from node and edge tables, on every backend the same
