"""Hypothesis strategies: random but valid org graphs, as ledger tables.

Used by the round-trip tests, the query properties and the conformance suite
(both backends must agree on every graph drawn here).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import strategies as st

import orggraph as og

ROLES = ["secretary", "deputy_secretary", "member", "director", "deputy_director", "staff", "part_time_member"]
DAY0 = dt.date(2015, 1, 1)

# text that exercises quoting: quotes, backticks, braces, commas, Chinese, newlines
HOSTILE = st.sampled_from(["御景小区", "a'b", 'say "hi"', "`tick`", "{brace}", "x,y", "line\nbreak", "// comment", "MATCH (n) DETACH DELETE n", "  spaced  "])
NAMES = st.one_of(st.sampled_from(["振兴社区", "碧海", "幸福", "龙腾", "安宁", "辽河"]), HOSTILE)


def _date(draw, lo=0, hi=3000):
    return DAY0 + dt.timedelta(days=draw(st.integers(lo, hi)))


@st.composite
def ledgers(draw, max_communities: int = 4, hostile: bool = True) -> dict[str, list[dict]]:
    """A valid ledger as ``{table: [row dicts]}``."""
    name = (lambda: draw(NAMES)) if hostile else (lambda: draw(st.sampled_from(["甲", "乙", "丙", "丁"])))
    t: dict[str, list[dict]] = {k: [] for k in (
        "districts", "streets", "communities", "grids", "areas", "party_orgs", "units", "cadres",
        "posts", "contains", "covers", "reports", "liaisons", "adjacency", "memberships")}
    t["districts"].append({"id": "d1", "name": name()})
    n_streets = draw(st.integers(1, 2))
    comms, grids, compounds, buildings, bodies, rcs, committees = [], [], [], [], [], [], []
    for s in range(n_streets):
        sid = f"s{s}"
        t["streets"].append({"id": sid, "name": name(), "district_id": "d1"})
        wc = f"wc{s}"
        t["party_orgs"].append({"id": wc, "name": name(), "level": "working_committee", "territory_id": sid})
        bodies.append(wc)
        for c in range(draw(st.integers(0, max_communities))):
            cid = f"c{s}_{c}"
            comms.append(cid)
            t["communities"].append({"id": cid, "name": name(), "street_id": sid,
                                     "kind": draw(st.sampled_from(["urban", "converted", "rural"])),
                                     "households": draw(st.integers(0, 3000))})
            if draw(st.booleans()) or c == 0:
                po = f"po{cid}"
                t["party_orgs"].append({"id": po, "name": name(), "level": draw(st.sampled_from(["committee", "general_branch"])),
                                        "parent_id": wc, "territory_id": cid})
                bodies.append(po)
                committees.append(po)
            if draw(st.booleans()) or c == 0:
                rc = f"rc{cid}"
                t["units"].append({"id": rc, "name": name(), "kind": "residents_committee", "territory_id": cid})
                bodies.append(rc)
                rcs.append(rc)
            for gi in range(draw(st.integers(0, 3))):
                gid = f"g{cid}_{gi}"
                grids.append(gid)
                t["grids"].append({"id": gid, "name": name(), "community_id": cid, "households": draw(st.integers(50, 600))})
                for a in range(draw(st.integers(0, 2))):
                    aid = f"a{gid}_{a}"
                    compounds.append(aid)
                    t["areas"].append({"id": aid, "name": name(), "kind": "compound", "parent_id": gid,
                                       "households": draw(st.integers(0, 900))})
                    if draw(st.booleans()):
                        br = f"br{aid}"
                        t["party_orgs"].append({"id": br, "name": name(), "level": "branch", "territory_id": aid,
                                                "parent_id": committees[-1] if committees else None})
                        bodies.append(br)
                    for b in range(draw(st.integers(0, 2))):
                        bid = f"b{aid}_{b}"
                        buildings.append(bid)
                        t["areas"].append({"id": bid, "name": name(), "kind": "building", "parent_id": aid})
        # boundary zones: governed, unassigned (contained by the street) or contested
        for z in range(draw(st.integers(0, 2))):
            zid = f"z{s}_{z}"
            mode = draw(st.sampled_from(["unassigned", "governed", "contested"]))
            street_comms = [c for c in comms if c.startswith(f"c{s}_")]
            if mode == "unassigned" or not street_comms:
                t["areas"].append({"id": zid, "name": name(), "kind": "boundary_zone", "parent_id": None})
                t["contains"].append({"parent_id": sid, "child_id": zid})
            else:
                first = draw(st.sampled_from(street_comms))
                t["areas"].append({"id": zid, "name": name(), "kind": "boundary_zone", "parent_id": first})
                if mode == "contested" and len(street_comms) > 1:
                    other = draw(st.sampled_from([c for c in street_comms if c != first]))
                    t["contains"].append({"parent_id": other, "child_id": zid})
            for c in street_comms[:2]:
                t["adjacency"].append({"a_id": zid, "b_id": c})
    # people and posts
    n_people = draw(st.integers(0, 12))
    for p in range(n_people):
        pid = f"p{p}"
        born = draw(st.integers(1950, 2000))
        units = [u["id"] for u in t["units"]]
        t["cadres"].append({"id": pid, "name": name(), "gender": draw(st.sampled_from(["男", "女"])),
                            "birth_year": born, "party_member": draw(st.booleans()),
                            "phone": f"138{p:08d}",
                            # people (#17): 出生年月 in its ledger forms, education, where they work and live
                            "birth_date": draw(st.sampled_from([None, f"{born}-{p % 12 + 1:02d}", f"{born}年{p % 12 + 1}月",
                                                                f"{born}-{p % 12 + 1:02d}-15"])),
                            "education": draw(st.sampled_from([None, "本科", "大专", "高中", "master"])),
                            "work_unit_id": draw(st.sampled_from([None] + units)) if units else None,
                            "residence_id": draw(st.sampled_from([None] + comms + compounds)) if comms else None})
        orgs = [o["id"] for o in t["party_orgs"]]
        for _ in range(draw(st.integers(0, 2)) if orgs else 0):
            start = _date(draw)
            t["memberships"].append({
                "cadre_id": pid, "party_org_id": draw(st.sampled_from(orgs)),
                "status": draw(st.sampled_from([None, "full", "预备党员"])), "start": start.isoformat(),
                "end": draw(st.one_of(st.none(), st.just((start + dt.timedelta(days=400)).isoformat()))),
                "central_household": draw(st.booleans())})
        targets = bodies + grids
        for _ in range(draw(st.integers(0, 3)) if targets else 0):
            body = draw(st.sampled_from(targets))
            start = _date(draw)
            end = draw(st.one_of(st.none(), st.integers(1, 3000).map(lambda d, s=start: s + dt.timedelta(days=d))))
            role = "grid_worker" if body in grids else draw(st.sampled_from(ROLES))
            t["posts"].append({"cadre_id": pid, "body_id": body, "role": role, "start": start.isoformat(),
                               "end": end.isoformat() if end else None, "part_time": draw(st.booleans())})
        if comms and draw(st.booleans()):
            t["reports"].append({"reporter_id": pid, "community_id": draw(st.sampled_from(comms)),
                                 "date": _date(draw).isoformat()})
    return t


def write_csv_ledger(tables: dict[str, list[dict]], folder) -> None:
    """Write ledger tables as CSV files (every table, with a header even when empty)."""
    from orggraph.schema import EDGE_TABLES, NODE_TABLES

    folder.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        spec_cols = NODE_TABLES[table].columns if table in NODE_TABLES else EDGE_TABLES[table].columns
        frame = pd.DataFrame(rows)
        for c in spec_cols:
            if c not in frame.columns:
                frame[c] = None
        frame.to_csv(folder / f"{table}.csv", index=False)


def graph_from(tables: dict[str, list[dict]], tmp_path) -> "og.OrgGraph":
    """The graph of a drawn ledger, read through the real ledger reader."""
    write_csv_ledger(tables, tmp_path)
    return og.read_ledger(tmp_path)
