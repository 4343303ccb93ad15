"""A sample's own history (dated structure, #18): fold its ``before/`` state into the main ledger with dates.

    add_history(OUT / "qixia", OUT / "qixia" / "before", "2019-12-16")

After this step the main folder holds both states in one ledger, in the columns the schema already
has (``start`` = 成立日期, ``end`` = 撤销日期 on node tables; ``start`` / ``end`` on ``contains`` and
``covers`` rows), so auditing it as of a date before the reform gives the old structure and after it
the new one. The ``before/`` folder is left as it is (a snapshot).

The rule, with R the reform date:

* a territory or body only in ``before/`` (the old communities, their grids, party organisations and
  居委会) is added with ``end`` = R; one only in the main ledger (the new communities, grids and their
  bodies) gets ``start`` = R unless it already has a founding date (``founded`` is renamed ``start``:
  the two are the same column to the ledger reader);
* a node in both keeps the main ledger's row;
* an area whose parent differs between the two states gets an empty ``parent_id`` and two dated
  ``contains`` rows: the old parent's row ends on R, the new parent's row starts on R (absorption as
  the ledger records it); other ``contains`` / ``covers`` rows only in one state are dated the same way,
  and a unit or party organisation whose ``territory_id`` differs gets dated ``covers`` rows instead;
* the old bodies' posts and memberships still open at R end on R; the before state's reports,
  liaisons, adjacency and people are added where missing.

Dependencies: the standard library only.
"""
from __future__ import annotations

import csv
import random
from pathlib import Path

NODE_TABLES = ["districts", "streets", "communities", "grids", "areas", "party_orgs", "units", "cadres"]
DATED_NODES = ["communities", "grids", "areas", "party_orgs", "units"]
# parent columns that become CONTAINS (territories) or COVERS (bodies) edges
CONTAINS_COLUMNS = {"communities": "street_id", "grids": "community_id", "areas": "parent_id", "streets": "district_id"}
COVERS_COLUMNS = {"party_orgs": "territory_id", "units": "territory_id"}


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8", newline="") as fh:
        r = csv.DictReader(fh)
        return list(r.fieldnames or []), list(r)


def _write(path: Path, header: list[str], rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(k, "") for k in header])


def _header(*headers: list[str], extra: tuple[str, ...] = ()) -> list[str]:
    out: list[str] = []
    for h in (*headers, list(extra)):
        for k in h:
            if k not in out:
                out.append(k)
    return out


def add_history(folder: Path, before: Path, reform: str) -> dict[str, int]:
    """Fold ``before`` into ``folder`` with dates (see the module notes); returns row counts added per table."""
    A = {t: _read(folder / f"{t}.csv") for t in (*NODE_TABLES, "posts", "contains", "covers", "reports", "liaisons",
                                                  "adjacency", "memberships")}
    B = {t: _read(before / f"{t}.csv") for t in A}
    added: dict[str, int] = {}
    a_ids = {t: {r["id"] for r in A[t][1]} for t in NODE_TABLES}
    b_rows = {t: {r["id"]: r for r in B[t][1]} for t in NODE_TABLES}
    only_b = {t: [i for i in b_rows[t] if i not in a_ids[t]] for t in NODE_TABLES}
    only_a = {t: a_ids[t] - set(b_rows[t]) for t in NODE_TABLES}
    old_bodies = set(only_b["party_orgs"]) | set(only_b["units"]) | set(only_b["grids"])
    new_communities = only_a["communities"]

    contains_a, contains_b = [], []   # (parent, child) of every containment each state records
    covers_a, covers_b = [], []
    # -- node tables -------------------------------------------------------------------------
    out: dict[str, tuple[list[str], list[dict]]] = {}
    for t in NODE_TABLES:
        ha, ra = A[t]
        hb, _ = B[t]
        ra = [dict(r) for r in ra]
        if "founded" in ha:   # the same column as start to the reader: one name only
            for r in ra:
                r["start"] = r.pop("founded")
        header = [("start" if k == "founded" else k) for k in _header(ha, hb)]
        if t in DATED_NODES:
            header = _header(header, extra=("start", "end"))
        rows = ra + [dict(b_rows[t][i]) for i in only_b[t]]
        for r in rows[len(ra):]:
            if t in DATED_NODES:
                r["start"], r["end"] = r.pop("founded", "") or r.get("start", ""), reform
        if t in DATED_NODES:
            for r in ra:
                if r["id"] not in only_a[t] or r.get("start"):
                    continue
                if t in ("communities", "grids") or r.get("territory_id") in new_communities:
                    r["start"] = reform
        added[t] = len(rows) - len(ra)
        out[t] = (header, rows)

    # -- parent columns that changed become dated rows -----------------------------------------
    a_by_id = {t: {r["id"]: r for r in out[t][1]} for t in NODE_TABLES}
    for t, col in {**CONTAINS_COLUMNS, **COVERS_COLUMNS}.items():
        pairs_a = covers_a if t in COVERS_COLUMNS else contains_a
        pairs_b = covers_b if t in COVERS_COLUMNS else contains_b
        for i, r in a_by_id[t].items():
            if i in b_rows[t] and b_rows[t][i][col] != r[col]:
                pair = (lambda parent: (i, parent)) if t in COVERS_COLUMNS else (lambda parent: (parent, i))
                if r[col]:
                    pairs_a.append(pair(r[col]))
                if b_rows[t][i][col]:
                    pairs_b.append(pair(b_rows[t][i][col]))
                r[col] = ""
        if t in ("party_orgs", "units"):
            for i, r in a_by_id[t].items():
                if i in b_rows[t] and b_rows[t][i]["parent_id"] != r["parent_id"]:
                    raise SystemExit(f"{folder}: {i} answers to a different body before the reform "
                                     "(SUBORDINATE_TO has no dated ledger table)")

    def dated(table: str, key: tuple[str, str], pa: list, pb: list) -> tuple[list[str], list[dict]]:
        ha, ra = A[table]
        hb, rb = B[table]
        header = _header(ha, hb, extra=("start", "end"))
        sa = {(r[key[0]], r[key[1]]) for r in ra} | set(pa)
        sb = {(r[key[0]], r[key[1]]) for r in rb} | set(pb)
        rows = []
        for p in sorted(sa | sb, key=lambda x: (x[1], x[0])):
            row = {key[0]: p[0], key[1]: p[1], "start": "", "end": ""}
            if p in sa and p not in sb:
                row["start"] = reform
            elif p in sb and p not in sa:
                row["end"] = reform
            rows.append(row)
        # the links that were parent columns first (a reader takes the first link as the parent), then the rows
        # the main ledger had, in its order, then the others
        parents = set(pa) | set(pb)
        first = {p: n for n, p in enumerate((r[key[0]], r[key[1]]) for r in ra)}
        rows.sort(key=lambda r: ((r[key[0]], r[key[1]]) not in parents,
                                 first.get((r[key[0]], r[key[1]]), len(first)), r[key[1]], r[key[0]]))
        return header, rows

    n_contains, n_covers = len(A["contains"][1]), len(A["covers"][1])
    out["contains"] = dated("contains", ("parent_id", "child_id"), contains_a, contains_b)
    out["covers"] = dated("covers", ("body_id", "territory_id"), covers_a, covers_b)
    added["contains"] = len(out["contains"][1]) - n_contains
    added["covers"] = len(out["covers"][1]) - n_covers

    # -- posts and memberships of the old bodies end on the reform date ------------------------
    def ended(rows: list[dict]) -> list[dict]:
        res = []
        for r in rows:
            r = dict(r)
            if not r.get("end") or r["end"] > reform:
                r["end"] = reform
            res.append(r)
        return res

    ha, ra = A["posts"]
    hb, rb = B["posts"]
    extra_posts = ended([r for r in rb if r["body_id"] in old_bodies])
    out["posts"] = (_header(ha, hb), ra + extra_posts)
    added["posts"] = len(extra_posts)
    ha, ra = A["memberships"]
    hb, rb = B["memberships"]
    extra_m = ended([r for r in rb if r["party_org_id"] in old_bodies])
    out["memberships"] = (_header(ha, hb), ra + extra_m)
    added["memberships"] = len(extra_m)
    for t in ("reports", "liaisons", "adjacency"):
        ha, ra = A[t]
        hb, rb = B[t]
        seen = {tuple(sorted(r.values())) for r in ra}
        extra = [r for r in rb if tuple(sorted(r.values())) not in seen]
        out[t] = (_header(ha, hb), ra + extra)
        added[t] = len(extra)
    # the people of the before state that the main ledger does not know
    people = {r["cadre_id"] for t in ("posts", "memberships") for r in out[t][1]} | {
        r["reporter_id"] for r in out["reports"][1]} | {r["cadre_id"] for r in out["liaisons"][1]}
    # the two states drew their people's phones from the same seed: a newcomer gets a fresh one where they clash
    taken = {r["phone"] for r in A["cadres"][1]}
    for r in out["cadres"][1][len(A["cadres"][1]):]:
        rng = random.Random(f"history:{r['id']}")
        while r["phone"] in taken:
            r["phone"] = "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))
        taken.add(r["phone"])
    known = {r["id"] for t in NODE_TABLES for r in out[t][1]}
    if people - known:
        raise SystemExit(f"{folder}: references to unknown people, e.g. {sorted(people - known)[:5]}")
    for t, (header, rows) in out.items():
        _write(folder / f"{t}.csv", header, rows)
    return added


# ---------------------------------------------------------------------------------------------
# jiaohe/before: the villages before 社区化 (seed 003), derived from the jiaohe sample
# ---------------------------------------------------------------------------------------------
def before_community_formation(folder: Path, out: Path, as_of: str) -> None:
    """Write ``out``: the ``folder`` ledger (胶河) as it stood before its four communities were formed.

    No communities; their grids and top-level areas hang under the street (``contains`` rows); the
    villages' party branches answer to the 工委 directly; the communities' 党总支, functional branches and
    service teams (with their posts and memberships) do not exist yet; units located in a community are
    located in the street; reports, liaisons and adjacency naming a community go; posts and memberships
    starting after ``as_of`` go and those ending after it are open (a ledger kept on ``as_of``).
    """
    T = {t: _read(folder / f"{t}.csv") for t in (*NODE_TABLES, "posts", "contains", "covers", "reports", "liaisons",
                                                  "adjacency", "memberships")}
    comms = {r["id"] for r in T["communities"][1]}
    street = {r["id"]: r["street_id"] for r in T["communities"][1]}
    res: dict[str, tuple[list[str], list[dict]]] = {t: (h, [dict(r) for r in rows]) for t, (h, rows) in T.items()}
    res["communities"] = (T["communities"][0], [])
    contains = [r for r in res["contains"][1] if r["parent_id"] not in comms]
    for r in res["grids"][1]:
        if r["community_id"] in comms:
            contains.append({"parent_id": street[r["community_id"]], "child_id": r["id"]})
            r["community_id"] = ""
    for r in res["areas"][1]:
        if r["parent_id"] in comms:
            contains.append({"parent_id": street[r["parent_id"]], "child_id": r["id"]})
            r["parent_id"] = ""
    res["contains"] = (T["contains"][0], contains)
    units = res["units"][1]
    gone = {r["id"] for r in res["party_orgs"][1] if r["territory_id"] in comms and not r["unit_id"]}
    gone |= {r["id"] for r in units if r["kind"] == "service_team" and r["territory_id"] in comms}
    wc = {r["territory_id"]: r["id"] for r in res["party_orgs"][1] if r["level"] == "working_committee"}
    porgs = [r for r in res["party_orgs"][1] if r["id"] not in gone]
    community_org = {r["id"]: r["territory_id"] for r in res["party_orgs"][1] if r["id"] in gone}
    for r in porgs:
        if r["parent_id"] in gone:
            r["parent_id"] = wc[street[community_org[r["parent_id"]]]] if community_org.get(r["parent_id"]) in street else ""
    res["party_orgs"] = (T["party_orgs"][0], porgs)
    units = [r for r in units if r["id"] not in gone]
    for r in units:
        if r["territory_id"] in comms:
            r["territory_id"] = street[r["territory_id"]]
    res["units"] = (T["units"][0], units)
    res["covers"] = (T["covers"][0], [r for r in res["covers"][1] if r["territory_id"] not in comms
                                      and r["body_id"] not in gone])
    posts = []
    for r in res["posts"][1]:
        if r["body_id"] in gone or r["start"] > as_of:
            continue
        if r["end"] and r["end"] > as_of:
            r["end"] = ""
        posts.append(r)
    res["posts"] = (T["posts"][0], posts)
    mem = []
    for r in res["memberships"][1]:
        if r["party_org_id"] in gone or (r.get("start") or "") > as_of:
            continue
        if r.get("end") and r["end"] > as_of:
            r["end"] = ""
        mem.append(r)
    res["memberships"] = (T["memberships"][0], mem)
    res["reports"] = (T["reports"][0], [r for r in res["reports"][1] if r["community_id"] not in comms])
    res["liaisons"] = (T["liaisons"][0], [r for r in res["liaisons"][1] if r["territory_id"] not in comms])
    res["adjacency"] = (T["adjacency"][0], [r for r in res["adjacency"][1] if r["a_id"] not in comms
                                            and r["b_id"] not in comms])
    out.mkdir(parents=True, exist_ok=True)
    for t, (header, rows) in res.items():
        _write(out / f"{t}.csv", header, rows)


#: the replay's date: after the early-2021 village elections, so the 党总支 members (委员由其他现任村党支部书记担任)
#: are the village secretaries the jiaohe sample has in office on 2022-01-01
JIAOHE_FORMATION = "2021-04-01"


def jiaohe_scenario(path: Path | None = None) -> Path:
    """Write ``jiaohe/scenarios/shequhua.json``: the four ``form_community`` steps, derived once from the jiaohe
    sample (each community's grids and top-level areas, its 党总支 and service team ids, the secretary and deputies
    holding office on 2022-01-01), to be replayed on ``jiaohe/before``. Needs pandas (the sample read back)."""
    import json

    import pandas as pd

    root = Path(__file__).resolve().parents[1] / "data" / "samples" / "jiaohe"
    path = path or root / "scenarios" / "shequhua.json"
    read = lambda t: pd.read_csv(root / f"{t}.csv", dtype=str, keep_default_na=False)  # noqa: E731
    comms, grids, areas, party, units, posts = (read(t) for t in ("communities", "grids", "areas", "party_orgs",
                                                                 "units", "posts"))
    day = "2022-01-01"
    cur = posts[(posts["start"] <= day) & ((posts["end"] == "") | (posts["end"] > day))]
    ops = []
    for c in comms.itertuples():
        po = party[(party["territory_id"] == c.id) & (party["level"] == "general_branch") & (party["unit_id"] == "")]
        team = units[(units["territory_id"] == c.id) & (units["kind"] == "service_team") & (units["parent_id"] == "")]
        po_id = po["id"].iloc[0]
        held = cur[cur["body_id"] == po_id]
        ops.append({
            "op": "form_community", "id": c.id, "name": c.name, "street": c.street_id, "kind": c.kind,
            "territories": list(grids.loc[grids["community_id"] == c.id, "id"]) + list(areas.loc[areas["parent_id"] == c.id, "id"]),
            "party_org": po_id, "party_org_name": po["name"].iloc[0],
            "secretary": held.loc[held["role"] == "secretary", "cadre_id"].iloc[0],
            "deputies": sorted(held.loc[held["role"] == "deputy_secretary", "cadre_id"]),
            "service_team": team["id"].iloc[0],
            "functional_branches": [{"id": r.id, "name": r.name} for r in
                                    party[(party["territory_id"] == c.id) & (party["subkind"] == "functional")].itertuples()],
        })
    data = {
        "orggraph_scenario": 1,
        "name": "胶河: 成立立柱、塔桥、下泊、柏乡四个社区 (社区化管理服务)",
        "date": JIAOHE_FORMATION,
        "description": "Seed 003 (区委社区化管理服务实施意见): 成立立柱社区、塔桥社区、下泊社区和柏乡社区等四个社区; 每个社区设立一个党总支部; "
                       "社区党总支书记由区工管委领导班子成员兼任; 党总支副书记由区机关干部和社区内一名村党支部书记担任; 委员由其他现任村党支部书记担任; "
                       "每个服务队设 … 等6个工作组. Run on og.load_sample('jiaohe', 'before'); the territories, ids, secretaries and "
                       "deputies follow the jiaohe sample (derived once by tools/sample_history.py: jiaohe_scenario).",
        "baseline": "jiaohe/before",
        "operations": ops,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# xiaonan/before: the ledger before the 2020 re-cut (seed 002), derived from the xiaonan sample
# ---------------------------------------------------------------------------------------------
#: the re-cut's date in the replay (the sample only says 2020: extra columns ``established`` / ``assigned``)
XIAONAN_RECUT = "2020-12-31"
_XN_TABLES = (*NODE_TABLES, "posts", "contains", "covers", "reports", "liaisons", "adjacency", "memberships")


def _xn_plan(T: dict) -> dict:
    """What the re-cut changed in the xiaonan sample: new communities (and the community each was carved
    out of: the one before it in its street, its neighbour), new grids (and the grid of the same community
    that held their areas before, if any), the 8 zones assigned in 2020 and the deviation zones."""
    comms = T["communities"][1]
    new_c = [c["id"] for c in comms if c.get("established") == "2020"]
    host = {}
    for c in new_c:
        same = [x["id"] for x in comms if x["street_id"] == next(y["street_id"] for y in comms if y["id"] == c)]
        host[c] = same[same.index(c) - 1]
    grids = T["grids"][1]
    new_g = [g["id"] for g in grids if g.get("established") == "2020"]
    absorb: dict[str, str] = {}
    for g in grids:
        if g["id"] not in new_g:
            continue
        same = [x["id"] for x in grids if x["community_id"] == g["community_id"]]
        old = [x for x in same if x not in new_g]
        i = same.index(g["id"])
        before = [x for x in same[:i] if x in old]
        after = [x for x in same[i + 1:] if x in old]
        # the previous old grid of the community, else the next; none: the areas sit in the community
        absorb[g["id"]] = before[-1] if before else after[0] if after else (host.get(g["community_id"]) or g["community_id"])
    areas = T["areas"][1]
    zones = [a["id"] for a in areas if a["kind"] == "boundary_zone" and a.get("assigned") == "2020"]
    deviation = [a["id"] for a in areas if a["kind"] == "boundary_zone" and a.get("assigned") != "2020"]
    return {"new_c": new_c, "host": host, "new_g": new_g, "absorb": absorb, "zones": zones, "deviation": deviation}


def before_recut(folder: Path, out: Path) -> dict:
    """Write ``out``: the ``folder`` ledger (孝南) as it stood before the 2020 re-cut (seed 002:
    调整优化43个社区、251个网格管辖区域, 增设2个社区、91个网格, 厘清8个社区交界区域管辖主体).

    * the 2 communities with ``established`` = 2020 do not exist: their territory, bodies (located in them),
      reports and liaisons belong to the community they were carved out of (the one before it in its street);
    * the 91 grids with ``established`` = 2020 do not exist: their areas sit in the previous (else next) older
      grid of the community, or directly in the community when it has none; their posts (网格长/网格员) go;
    * the 8 zones with ``assigned`` = 2020 are unassigned (治理真空带: empty ``parent_id``, a ``contains`` row
      from the street);
    * the sample's 2 deviation zones (kept unassigned / contested on purpose, ``DEVIATIONS.json``) are left out:
      before the re-cut the vacuum is the 8 zones the document names;
    * households and population are moved accordingly; adjacency rows naming a removed node go. People,
      memberships and all other posts are kept as they are (the ledger is the same book, read before the re-cut).
    Returns the plan (see :func:`_xn_plan`).
    """
    T = {t: _read(folder / f"{t}.csv") for t in _XN_TABLES}
    P = _xn_plan(T)
    res = {t: (h, [dict(r) for r in rows]) for t, (h, rows) in T.items()}
    new_c, host, new_g, absorb = set(P["new_c"]), P["host"], set(P["new_g"]), P["absorb"]
    dev = set(P["deviation"])
    area_by = {a["id"]: a for a in res["areas"][1]}
    comm_by = {c["id"]: c for c in res["communities"][1]}
    grid_by = {g["id"]: g for g in res["grids"][1]}
    num = lambda v: int(v) if v not in ("", None) else 0  # noqa: E731

    # the deviation zones: gone, with their households off the community holding them
    for z in P["deviation"]:
        par = area_by[z]["parent_id"]
        if par in comm_by:
            c = comm_by[par]
            hh, pop = num(c["households"]), num(c["population"])
            zh = num(area_by[z]["households"])
            c["population"] = str(pop - round(zh * pop / hh)) if hh else c["population"]
            c["households"] = str(hh - zh)
    res["areas"] = (T["areas"][0], [a for a in res["areas"][1] if a["id"] not in dev])
    # the 8 zones: unassigned, contained by their street
    street_of_comm = {c["id"]: c["street_id"] for c in res["communities"][1]}
    contains = [r for r in res["contains"][1] if r["child_id"] not in dev]
    for z in P["zones"]:
        a = area_by[z]
        par = a["parent_id"]
        comm = grid_by[par]["community_id"] if par in grid_by else par
        zh = num(a["households"])
        if par in grid_by:
            grid_by[par]["households"] = str(num(grid_by[par]["households"]) - zh)
        c = comm_by[comm]
        hh, pop = num(c["households"]), num(c["population"])
        c["population"] = str(pop - round(zh * pop / hh))
        c["households"] = str(hh - zh)
        a["parent_id"], a["assigned"] = "", ""
        contains.append({"parent_id": street_of_comm[comm], "child_id": z})
    res["contains"] = (T["contains"][0], contains)
    # the new grids: their areas to the absorbing grid (or community); the grid's households with them
    for a in res["areas"][1]:
        if a["parent_id"] in new_g:
            a["parent_id"] = absorb[a["parent_id"]]
        if a["parent_id"] in new_c:
            a["parent_id"] = host[a["parent_id"]]
    for g, to in absorb.items():
        if to in grid_by:
            grid_by[to]["households"] = str(num(grid_by[to]["households"]) + num(grid_by[g]["households"]))
    res["grids"] = (T["grids"][0], [g for g in res["grids"][1] if g["id"] not in new_g])
    # the new communities: into the host
    for c, h in host.items():
        for k in ("households", "population"):
            comm_by[h][k] = str(num(comm_by[h][k]) + num(comm_by[c][k]))
    res["communities"] = (T["communities"][0], [c for c in res["communities"][1] if c["id"] not in new_c])
    for t, col in (("party_orgs", "territory_id"), ("units", "territory_id"), ("covers", "territory_id"),
                   ("reports", "community_id"), ("liaisons", "territory_id")):
        for r in res[t][1]:
            if r[col] in new_c:
                r[col] = host[r[col]]
    res["posts"] = (T["posts"][0], [p for p in res["posts"][1] if p["body_id"] not in new_g])
    gone = new_c | new_g | dev
    res["adjacency"] = (T["adjacency"][0], [r for r in res["adjacency"][1] if r["a_id"] not in gone
                                            and r["b_id"] not in gone])
    out.mkdir(parents=True, exist_ok=True)
    for t, (header, rows) in res.items():
        _write(out / f"{t}.csv", header, rows)
    return P


def xiaonan_scenario(folder: Path, scen_dir: Path) -> Path:
    """Write ``scen_dir/recut_2020.json`` and ``scen_dir/grid_posts_2020.csv``: the re-cut replayed on
    ``xiaonan/before`` (see :func:`before_recut`), derived from the sample ``folder``:
    ``carve_community`` for the 2 new communities (their territories, and as claims the bodies located in them,
    the reporters to them and the cadres liaising with them), ``add_grid`` for the 91 new grids (their areas),
    ``hire`` of the new grids' open posts, ``assign_area`` of the 8 zones, each to the grid that holds it in the
    sample or else the last grid of the community that governs it (so each zone is in a community and a grid)."""
    import json

    T = {t: _read(folder / f"{t}.csv") for t in _XN_TABLES}
    P = _xn_plan(T)
    grids, areas = T["grids"][1], T["areas"][1]
    zones = set(P["zones"])
    ops = []
    for c in P["new_c"]:
        row = next(x for x in T["communities"][1] if x["id"] == c)
        mine = {g["id"] for g in grids if g["community_id"] == c}
        terr = [a["id"] for a in areas if a["parent_id"] in mine | {c} and a["id"] not in zones]
        claims = [r["id"] for t in ("party_orgs", "units") for r in T[t][1] if r["territory_id"] == c]
        claims += sorted({r["reporter_id"] for r in T["reports"][1] if r["community_id"] == c})
        claims += sorted({r["cadre_id"] for r in T["liaisons"][1] if r["territory_id"] == c})
        ops.append({"op": "carve_community", "source": P["host"][c], "id": c, "name": row["name"],
                    "territories": terr, "claims": claims, "established": "2020"})
    for g in grids:
        if g["id"] not in P["new_g"]:
            continue
        op = {"op": "add_grid", "id": g["id"], "name": g["name"], "community": g["community_id"],
              "areas": [a["id"] for a in areas if a["parent_id"] == g["id"] and a["id"] not in zones],
              "established": "2020"}
        if g.get("compound_area"):
            op["compound_area"] = g["compound_area"]
        # a grid overlaying a large compound (which hangs in the community) carries a share of it: taken from
        # the grid that held it before the re-cut
        share = int(g["households"] or 0) - sum(int(a["households"] or 0) for a in areas if a["parent_id"] == g["id"])
        if share > 0:
            if P["absorb"][g["id"]] not in {x["id"] for x in grids}:
                raise SystemExit(f"{g['id']}: {share} households of an overlaid compound and no older grid to take them from")
            op.update(share=share, share_of=P["absorb"][g["id"]])
        ops.append(op)
    new_g = set(P["new_g"])
    posts = [p for p in T["posts"][1] if p["body_id"] in new_g and not p["end"]]
    scen_dir.mkdir(parents=True, exist_ok=True)
    _write(scen_dir / "grid_posts_2020.csv", ["cadre_id", "body_id", "role", "start"], posts)
    ops.append({"op": "hire", "table": "grid_posts_2020.csv"})
    last_grid = {}
    for g in grids:
        last_grid[g["community_id"]] = g["id"]
    grid_ids = {g["id"] for g in grids}
    for a in areas:
        if a["id"] in zones:
            ops.append({"op": "assign_area", "area": a["id"],
                        "community": a["parent_id"] if a["parent_id"] in grid_ids else last_grid[a["parent_id"]]})
    data = {
        "orggraph_scenario": 1,
        "name": "孝南: 增设2个社区、91个网格, 厘清8个社区交界区域管辖主体 (2020)",
        "date": XIAONAN_RECUT,
        "description": "Seed 002 (孝南区党建引领街道社区治理): 调整优化43个社区、251个网格管辖区域, 增设2个社区、91个网格, "
                       "厘清8个社区交界区域管辖主体, 彻底消除治理真空带. Run on og.load_sample('xiaonan', 'before'); ids, "
                       "territories and posts follow the xiaonan sample (derived by tools/sample_history.py: "
                       "xiaonan_scenario). The end state has no 治理真空带, as the document says; the xiaonan sample itself "
                       "keeps two vacuum zones on purpose (DEVIATIONS.json), which the before state leaves out.",
        "baseline": "xiaonan/before",
        "operations": ops,
    }
    path = scen_dir / "recut_2020.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


XIAONAN_BEFORE_README = """# Sample `xiaonan/before` — 孝南区 before the 2020 re-cut (replayed on {date})

Source document: seed `002_1b6691227e877548.txt — 孝南区党建引领街道社区治理` (the project's shared seeds folder,
`shared/seeds/`): "调整优化43个社区、251个网格管辖区域,增设2个社区、91个网格,厘清8个社区交界区域管辖主体,彻底消除治理真空带".

Derived from `../` by `tools/sample_history.py` (`before_recut`, run by `tools/build_samples.py`); do not edit by hand.
Used by the re-cut scenario `../scenarios/recut_2020.json` (`orggraph scenario run
data/samples/xiaonan/scenarios/recut_2020.json --sample xiaonan/before`); `orggraph audit --sample xiaonan/before` audits it.

| figure | before (this folder) | after the replay | sample `xiaonan` |
|---|---|---|---|
| communities | {n_c} | 43 | 43 |
| grids | {n_g} | 251 | 251 |
| boundary zones without a governing community (治理真空带) | {n_z} unassigned, 0 contested | 0 | 1 unassigned, 1 contested (deviation) |

What differs from `../`:

- The 2 communities with `established` = 2020 ({new_c}) do not exist: their territory, the bodies located in them
  (党委, 居委会, 监委会, social organisations, resident units), the reports to them and the cadres liaising with them belong
  to the neighbouring community they are carved out of ({hosts}). The replay's `carve_community` gives them back (`claims`).
  So here each of those two communities holds two 党委 and two 居委会 (its own and those of the community to be set up),
  which the audit of this folder counts as that community's bodies.
- The 91 grids with `established` = 2020 do not exist: their areas sit in the previous (else next) older grid of the same
  community, or directly in the community when it has no older grid; a grid overlaying a large compound hands its share of
  households to that grid. Their open 网格长/网格员 posts are not here (the replay hires them: `../scenarios/grid_posts_2020.csv`);
  their ended posts and the adjacency rows of the new grids and communities are not restored by the replay.
- The 8 zones with `assigned` = 2020 are unassigned: empty `parent_id` and a `contains` row from the street; the households
  (and, pro rata, population) of their community and grid are without them. `assign_area` adds the households back but no
  population (an unassigned area has no community to take a ratio from), so the replay's end state has slightly less
  population in those 8 communities than `../`.
- The sample's two deliberate deviation zones (`../DEVIATIONS.json`: xn-a2367 unassigned, xn-a2368 contested between
  xn-c32 and the new xn-c33) are left out: before the re-cut the vacuum is the 8 zones the document names, and the replay
  ends as the document says, with none. xn-c32 is 66 households smaller for it, here and after the replay.
- Everything else (people, memberships, other posts and their dates, units, reports) is the sample's, so every other
  figure of `../README.md` holds after the replay on 2022-01-01 (`tests/unit/scenarios/test_scenario_xiaonan.py`).
"""


def xiaonan_before_readme(out: Path, plan: dict) -> Path:
    """Write ``out/README.md`` for :func:`before_recut`'s folder."""
    n = {t: len(_read(out / f"{t}.csv")[1]) for t in ("communities", "grids")}
    text = XIAONAN_BEFORE_README.format(date=XIAONAN_RECUT, n_c=n["communities"], n_g=n["grids"], n_z=len(plan["zones"]),
                                        new_c=", ".join(plan["new_c"]),
                                        hosts=", ".join(f"{c} from {h}" for c, h in plan["host"].items()))
    (out / "README.md").write_text(text, encoding="utf-8")
    return out / "README.md"


def date_merges(folder: Path, merges: list[tuple[str, str, str]]) -> dict[str, int]:
    """Record earlier community merges (撤并) in the ledger itself with dates (石臼's batches 1 and 2, #18).

    ``merges`` holds ``(source, into, day)``: community ``source`` was abolished on ``day`` and joined
    ``into``, done in the ledger the way ``merge_communities`` does it in a scenario, with dated rows
    instead of edits, so the ledger as of a day before ``day`` still holds ``source``:

    * ``source`` gets ``end`` = day (and ``merged_into``); its community party organisation, 居委会 and
      居务监督委员会 end on day, and their posts and party memberships still open then end on day;
    * its grids and areas move: the parent column is emptied and two dated ``contains`` rows record the
      source's containment until day and ``into``'s from day; dated ``contains`` rows under ``source``
      end on day and continue under ``into``;
    * bodies answering to the source's party organisation (the cooperative's party organisation, village
      and compound branches) keep that ``parent_id`` (it ends with the body) and answer to ``into``'s from
      day by a dated ``subordination`` row; other units covering ``source`` cover ``into`` from day;
    * ``into``'s households and population gain the source's (these columns are not dated: they hold the
      counts on the sample date, as after a merge);
    * its cooperative (股份经济合作社) becomes a 二级网格 of ``into`` (治理融合): a grid
      ``<cooperative>-grid`` with ``start`` = day, ``cooperative_id``, inside the source's largest grid,
      which the cooperative covers from day; its 理事会 members hold grid posts from day (理事长 网格长,
      others 网格员, part-time); the current committee of its party organisation sit part-time on
      ``into``'s party organisation from day (党建融合).
    """
    T = {t: _read(folder / f"{t}.csv") for t in ("communities", "grids", "areas", "party_orgs", "units", "posts",
                                                  "contains", "covers", "memberships")}
    sub_path = folder / "subordination.csv"
    T["subordination"] = _read(sub_path) if sub_path.exists() else (["body_id", "parent_id", "start", "end"], [])
    rows = {t: T[t][1] for t in T}
    added = {t: 0 for t in T}

    def is_community_org(o, c):
        return o["territory_id"] == c and not o["unit_id"] and o["level"] in ("committee", "general_branch")

    def open_at(p, day):
        return (p.get("start", "") or "") <= day and (not p.get("end") or p["end"] > day)

    for source, into, day in merges:
        comm = {r["id"]: r for r in rows["communities"]}
        comm[source]["end"] = day
        comm[source]["merged_into"] = into
        for col in ("households", "population"):   # not dated: the receiving community's counts on the sample date
            comm[into][col] = str(int(comm[into][col]) + int(comm[source][col]))
        old_org = next(o["id"] for o in rows["party_orgs"] if is_community_org(o, source))
        new_org = next(o["id"] for o in rows["party_orgs"] if is_community_org(o, into))
        ended = {old_org}
        for u in rows["units"]:
            if u["territory_id"] == source and u["kind"] in ("residents_committee", "supervisory_committee"):
                ended.add(u["id"])
        for r in rows["party_orgs"] + rows["units"]:
            if r["id"] in ended:
                r["end"] = day
                r["merged_into"] = new_org if r["id"] == old_org else ""
        for p in rows["posts"]:
            if p["body_id"] in ended and open_at(p, day):
                p["end"] = day
        for m in rows["memberships"]:
            if m["party_org_id"] in ended and open_at(m, day):
                m["end"] = day
                rows["memberships"].append({**m, "party_org_id": new_org, "start": day, "end": ""})
                added["memberships"] += 1
        # territory: grids and areas move by dated contains rows
        for t, col in (("grids", "community_id"), ("areas", "parent_id")):
            for r in rows[t]:
                if r[col] == source:
                    r[col] = ""
                    rows["contains"] += [{"parent_id": source, "child_id": r["id"], "start": "", "end": day},
                                         {"parent_id": into, "child_id": r["id"], "start": day, "end": ""}]
                    added["contains"] += 2
        for e in list(rows["contains"]):
            if e["parent_id"] == source and not e.get("end") and not e.get("start"):
                e["end"] = day
                rows["contains"].append({"parent_id": into, "child_id": e["child_id"], "start": day, "end": ""})
                added["contains"] += 1
        # bodies: subordinates answer to into's organisation, other units cover into
        for o in rows["party_orgs"] + rows["units"]:
            if o.get("parent_id") == old_org and o["id"] not in ended and not o.get("end"):
                rows["subordination"].append({"body_id": o["id"], "parent_id": new_org, "start": day, "end": ""})
                added["subordination"] += 1
        coops = [u for u in rows["units"] if u["territory_id"] == source and u["kind"] == "cooperative"]
        for u in rows["units"]:
            if u["territory_id"] == source and u["id"] not in ended and u["kind"] != "cooperative":
                u["territory_id"] = ""
                rows["covers"] += [{"body_id": u["id"], "territory_id": source, "start": "", "end": day},
                                   {"body_id": u["id"], "territory_id": into, "start": day, "end": ""}]
                added["covers"] += 2
        # cooperatives as 二级网格, their party committee on into's organisation
        own_grids = [g for g in rows["grids"] if any(e["parent_id"] == source and e["child_id"] == g["id"]
                                                      for e in rows["contains"])]
        home = max(own_grids, key=lambda g: int(g["households"] or 0))["id"] if own_grids else ""
        for coop in coops:
            gid = f"{coop['id']}-grid"
            rows["grids"].append({"id": gid, "name": coop["name"] + "二级网格", "community_id": into,
                                  "parent_grid_id": home, "households": "", "start": day, "cooperative_id": coop["id"]})
            added["grids"] += 1
            coop["territory_id"] = ""
            rows["covers"] += [{"body_id": coop["id"], "territory_id": source, "start": "", "end": day},
                               {"body_id": coop["id"], "territory_id": gid, "start": day, "end": ""}]
            added["covers"] += 2
            board = {"director": "grid_leader", "deputy_director": "grid_worker", "member": "grid_worker"}
            for p in list(rows["posts"]):
                if p["body_id"] == coop["id"] and p["role"] in board and open_at(p, day):
                    rows["posts"].append({**p, "body_id": gid, "role": board[p["role"]], "start": day, "end": "",
                                          "part_time": "true"})
                    added["posts"] += 1
            coop_orgs = {o["id"] for o in rows["party_orgs"] if o["unit_id"] == coop["id"]}
            seated = {p["cadre_id"] for p in rows["posts"] if p["body_id"] == new_org and open_at(p, day)}
            for p in list(rows["posts"]):
                if (p["body_id"] in coop_orgs and p["role"] in ("secretary", "deputy_secretary", "member")
                        and open_at(p, day) and p["cadre_id"] not in seated):
                    seated.add(p["cadre_id"])
                    rows["posts"].append({**p, "body_id": new_org, "role": "member", "start": day, "end": "",
                                          "part_time": "true"})
                    added["posts"] += 1
    for t, (h, r) in T.items():
        extra = ("start", "end") if t in ("communities", "grids", "party_orgs", "units", "contains", "covers",
                                         "subordination") else ()
        extra += {"communities": ("merged_into",), "party_orgs": ("merged_into",), "units": ("merged_into",),
                  "grids": ("cooperative_id",)}.get(t, ())
        header = _header(h, *[list(x) for x in r], extra=extra)
        _write(folder / f"{t}.csv", header, rows[t])
    return added
