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
