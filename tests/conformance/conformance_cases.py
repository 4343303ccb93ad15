"""The graphs and the query calls of the conformance suite (shared by its test modules)."""

from __future__ import annotations

import orggraph as og

SAMPLES = [(name, None) for name in og.list_samples()] + [("dongcheng", "before"), ("qixia", "before")]

#: hand-built graphs of the analytics unit tests: (name, test module, builder)
FIXTURES = [
    ("city", "unit/queries/test_coverage.py", "build_city"),
    ("interlock_graph", "unit/queries/test_interlocks.py", "build_interlock_graph"),
    ("stations", "unit/queries/test_norms.py", "build_stations"),
    ("boundaries", "unit/queries/test_boundaries.py", "build_boundaries"),
    ("chains", "unit/queries/test_chains.py", "build_chains"),
    ("people", "unit/queries/test_people.py", "build_people"),
]

DATES = ("2020-01-01", "2023-06-30")


def scopes(g) -> list:
    """``None``, the first district, street and community (by id) of ``g``."""
    out = [None]
    for kind in ("District", "Street", "Community"):
        ids = sorted(g.nodes(kind)["id"])
        if ids:
            out.append(ids[0])
    return out


def calls(g, *, full: bool = True) -> dict[str, list[tuple[str, dict]]]:
    """query → [(label, kwargs)]: the calls the suite makes on graph ``g``."""
    sc = scopes(g)
    dates = DATES if full else DATES[-1:]
    out: dict[str, list[tuple[str, dict]]] = {}

    def add(query, **kw):
        label = ",".join(f"{k}={v}" for k, v in kw.items())
        out.setdefault(query, []).append((label, kw))

    for as_of in dates:
        for by in ("community", "street", "district"):
            add("cross_appointment_rate", by=by, as_of=as_of)
            add("one_shoulder", by=by, as_of=as_of)
        add("cross_appointment_rate", bodies=("committee", "residents_committee", "owners_committee"), as_of=as_of)
        add("cross_appointment_rate", roles="all", by="street", as_of=as_of)
        add("coverage_gaps", as_of=as_of)
        add("check_norms", as_of=as_of)
        for w in (None, "jaccard", "cosine", "newman"):
            add("interlocks", weighting=w, as_of=as_of)
        add("connectors", as_of=as_of)
        add("connectors", top=None, min_posts=1, as_of=as_of)
    for within in sc[1:] if full else sc[-1:]:
        add("cross_appointment_rate", within=within, as_of=DATES[-1])
        add("one_shoulder", by="street", within=within, as_of=DATES[-1])
        add("coverage_gaps", within=within, as_of=DATES[-1], large_compound=300)
        add("check_norms", within=within, as_of=DATES[-1], norms={"workstation_staff": {"minimum": 2, "maximum": 5}})
        add("interlocks", within=within, weighting="jaccard", as_of=DATES[-1])
        add("interlocks", within=within, bodies=("committee", "residents_committee", "grid"), as_of=DATES[-1])
        add("connectors", within=within, top=3, as_of=DATES[-1])
        add("unassigned_areas", within=within)
        add("boundary_zones", within=within)
        add("chain_breaks", within=within)
    for as_of in dates:
        for by in ("community", "street", "district"):
            add("leadership_profile", by=by, as_of=as_of)
        add("leadership_profile", bodies=("committee", "residents_committee", "owners_committee"), as_of=as_of)
        for by in ("party_org", "community", "street"):
            add("party_membership", by=by, as_of=as_of)
        for by in ("unit", "community"):
            add("member_reports", by=by, as_of=as_of)
        add("term_expiry", as_of=as_of)
        add("term_expiry", within_months=24, as_of=as_of)
    for within in sc[1:] if full else sc[-1:]:
        add("leadership_profile", by="street", within=within, as_of=DATES[-1])
        add("party_membership", within=within, as_of=DATES[-1])
        add("member_reports", by="community", within=within, as_of=DATES[-1])
        add("term_expiry", within_months=6, within=within, as_of=DATES[-1])
    add("interlocks", min_shared=2, as_of=DATES[-1])
    add("unassigned_areas")
    add("boundary_zones")
    add("chain_breaks")
    add("chain_breaks", chain=("working_committee", "general_branch", "branch"))
    return out
