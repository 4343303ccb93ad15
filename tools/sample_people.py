"""People of the bundled samples (#17): birth dates, education, memberships, 在职党员, terms.

Called by tools/build_samples.py after a sample folder is written; also runnable on the folders on
disk (``python tools/sample_people.py``). It reads the folder's CSV files, drops what it wrote
before, and writes again, so running it twice gives byte-identical files. Everything is drawn
from a ``random.Random`` seeded with the sample name and the row's id, so a person has the same
birth date and education in a sample's before and after states.

What it adds, consistent with the sources where they state anything:

* ``cadres``: ``birth_date`` (出生年月 in the year of ``birth_year``: month precision for most,
  a full date for some), ``education`` (by age: younger cadres more often 大专/本科), ``ethnicity``;
  for party members with no post who report (双报到) to a community — the 4,643 members of
  孝南 (seed 002) — ``residence_id`` (a compound of that community for most: they report where
  they live) and ``work_unit_id`` (a resident unit: they are 在职党员).
* ``memberships``: every party member's organisational relationship, in the lowest party
  organisation they hold a post in, else a branch (or the party organisation) of the community
  they work or report in; a few are 预备党员, a few 党员中心户.
* rank-and-file members (no post; ids ``<org>-mNNN``) so that every organisation meets the
  branch-setting rules: a branch from 3 正式党员, a 党总支 from 50, a 党委 from 100 members (the
  samples held only people with posts; a real 社区党委 has 100 and more members);
* ``party_orgs`` and ``units``: ``term_start``, ``term_years`` (5) and ``term_no`` for the 两委,
  党总支, branches and 监委会, elected in the sample's 换届 year (some a term earlier: overdue).

Dependencies: the standard library only.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "samples"

#: columns and tables this module writes (dropped first when it runs again)
CADRE_COLUMNS = ["birth_date", "education", "ethnicity", "residence_id", "work_unit_id"]
BODY_COLUMNS = ["term_start", "term_years", "term_no"]
MEMBERSHIPS = ["cadre_id", "party_org_id", "status", "start", "end", "central_household"]

#: the year of the last 换届 before each sample's date (村(居)两委换届: 2021 nationwide; 东城's sample is of 2010)
ELECTION_YEAR = {"shijiu": 2021, "dongcheng": 2008, "xiaonan": 2021, "jiaohe": 2021, "qixia": 2018}
_LEVEL_RANK = {"branch": 0, "general_branch": 1, "committee": 2}
_TERMED_LEVELS = {"committee", "general_branch", "branch"}
_TERMED_UNITS = {"residents_committee", "supervisory_committee", "owners_committee"}


def _read(folder: Path, table: str) -> tuple[list[str], list[dict]]:
    path = folder / f"{table}.csv"
    if not path.exists():
        return [], []
    with open(path, encoding="utf-8", newline="") as fh:
        r = csv.DictReader(fh)
        return list(r.fieldnames or []), list(r)


def _write(folder: Path, table: str, header: list[str], rows: list[dict]) -> None:
    with open(folder / f"{table}.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(["" if r.get(k) is None else r.get(k, "") for k in header])


def _rng(sample: str, key: str) -> random.Random:
    return random.Random(f"{sample}:{key}")


def _education(rng: random.Random, born: int) -> str:
    if born >= 1985:
        table = [("bachelor", 45), ("college", 35), ("master", 5), ("senior_high", 10), ("vocational", 5)]
    elif born >= 1970:
        table = [("college", 35), ("bachelor", 20), ("senior_high", 25), ("vocational", 10), ("junior_high", 10)]
    else:
        table = [("senior_high", 35), ("junior_high", 30), ("college", 20), ("vocational", 10), ("primary", 5)]
    values, weights = zip(*table)
    return rng.choices(values, weights)[0]


def _community_of(tables: dict) -> dict:
    """territory id → its community id (walking up areas' and grids' parents)."""
    comms = {r["id"] for r in tables["communities"]}
    parent = {r["id"]: r["parent_id"] for r in tables["areas"]}
    parent.update({r["id"]: (r["community_id"] or r["parent_grid_id"]) for r in tables["grids"]})
    out = {c: c for c in comms}
    for t in parent:
        seen, x = set(), t
        while x and x not in comms and x not in seen:
            seen.add(x)
            x = parent.get(x, "")
        out[t] = x if x in comms else ""
    return out


def add_people(folder: Path, sample: str) -> None:
    """Add the people columns and tables to the sample folder ``folder`` (``sample`` seeds the draws)."""
    names = ["cadres", "party_orgs", "units", "posts", "reports", "communities", "areas", "grids"]
    headers, tables = {}, {}
    for t in names:
        headers[t], tables[t] = _read(folder, t)
    base = sample.split("/")[0]
    comm_of = _community_of(tables)
    orgs = {r["id"]: r for r in tables["party_orgs"]}
    # the rank-and-file members a previous run added (ids <org>-mNNN): made again below
    tables["cadres"] = [r for r in tables["cadres"] if not _topped(r["id"], orgs)]
    units = {r["id"]: r for r in tables["units"]}
    # the party organisations of each community, branches first
    by_comm: dict[str, list[str]] = {}
    for o in tables["party_orgs"]:
        c = comm_of.get(o["territory_id"], "")
        if c and o["level"] in _LEVEL_RANK and not o["unit_id"]:
            by_comm.setdefault(c, []).append(o["id"])
    for c in by_comm:
        by_comm[c].sort(key=lambda i: (_LEVEL_RANK[orgs[i]["level"]], i))
    posts_of: dict[str, list[dict]] = {}
    for p in tables["posts"]:
        posts_of.setdefault(p["cadre_id"], []).append(p)
    reports_of = {r["reporter_id"]: r["community_id"] for r in tables["reports"]}
    compounds: dict[str, list[str]] = {}
    for a in tables["areas"]:
        if a["kind"] == "compound" and comm_of.get(a["id"]):
            compounds.setdefault(comm_of[a["id"]], []).append(a["id"])
    work_units = sorted(u["id"] for u in tables["units"] if u["kind"] == "resident_unit")
    communities = sorted(r["id"] for r in tables["communities"])

    def body_community(body: str) -> str:
        if body in orgs:
            return comm_of.get(orgs[body]["territory_id"], "")
        if body in units:
            return comm_of.get(units[body]["territory_id"], "")
        return comm_of.get(body, "")

    memberships = []
    for r in tables["cadres"]:
        rng = _rng(base, r["id"])
        born = int(r["birth_year"])
        month = rng.randint(1, 12)
        r["birth_date"] = f"{born}-{month:02d}" if rng.random() < 0.75 else f"{born}-{month:02d}-{rng.randint(1, 28):02d}"
        r["education"] = _education(rng, born)
        r["ethnicity"] = rng.choices(["汉族", "回族", "满族", "蒙古族"], [96, 2, 1, 1])[0]
        r["residence_id"], r["work_unit_id"] = "", ""
        if r["party_member"] != "true":
            continue
        mine = posts_of.get(r["id"], [])
        held = sorted((p["body_id"] for p in mine if p["body_id"] in orgs and orgs[p["body_id"]]["level"] in _LEVEL_RANK),
                      key=lambda i: (_LEVEL_RANK[orgs[i]["level"]], i))
        if not held:  # a group's or household's member belongs to the branch above
            held = [orgs[p["body_id"]]["parent_id"] for p in mine if p["body_id"] in orgs
                    and orgs.get(orgs[p["body_id"]]["parent_id"], {}).get("level") in _LEVEL_RANK]
        org = held[0] if held else ""
        reported = reports_of.get(r["id"], "")
        if not org:
            comm = next((body_community(p["body_id"]) for p in mine if body_community(p["body_id"])), "") or reported
            if comm in by_comm:
                branches = [o for o in by_comm[comm] if orgs[o]["level"] == "branch"] or by_comm[comm]
                org = rng.choice(branches)
        if reported:  # an 在职党员 reporting where they live (most) or elsewhere
            home = reported if rng.random() < 0.9 else rng.choice(communities)
            r["residence_id"] = rng.choice(compounds[home]) if compounds.get(home) else home
            if work_units:
                r["work_unit_id"] = rng.choice(work_units)
        if not org:
            continue
        probationary = rng.random() < 0.04
        memberships.append({
            "cadre_id": r["id"], "party_org_id": org, "status": "probationary" if probationary else "full",
            "start": f"{ELECTION_YEAR[base]}-{rng.randint(1, 12):02d}-01" if probationary else "", "end": "",
            "central_household": "true" if rng.random() < 0.03 else "",
        })
    _top_up(base, tables, memberships)
    for table, kinds, column in (("party_orgs", _TERMED_LEVELS, "level"), ("units", _TERMED_UNITS, "kind")):
        for r in tables[table]:
            r.update({k: "" for k in BODY_COLUMNS})
            if r[column] not in kinds or r.get("unit_id"):
                continue
            rng = _rng(base, "term:" + r["id"])
            year = ELECTION_YEAR[base] - (5 if rng.random() < 0.1 else 0)
            r["term_start"] = f"{year}-{rng.randint(3, 9):02d}-{rng.randint(1, 28):02d}"
            r["term_years"] = "5"
            r["term_no"] = str(rng.randint(9, 12) - (1 if year < ELECTION_YEAR[base] else 0))
        header = [h for h in headers[table] if h not in BODY_COLUMNS] + BODY_COLUMNS
        _write(folder, table, header, tables[table])
    header = [h for h in headers["cadres"] if h not in CADRE_COLUMNS] + CADRE_COLUMNS
    _write(folder, "cadres", header, tables["cadres"])
    memberships.sort(key=lambda m: (m["party_org_id"], m["cadre_id"]))
    _write(folder, "memberships", MEMBERSHIPS, memberships)


#: members of a party organisation (its subtree) the samples reach: branch ≥ 3 full, 党总支 ≥ 50, 党委 ≥ 100
_FLOOR = {"branch": 3, "general_branch": 50, "committee": 100}


def _topped(cid: str, orgs: dict) -> bool:
    head, sep, tail = cid.rpartition("-m")
    return bool(sep) and head in orgs and tail.isdigit()


def _top_up(base: str, tables: dict, memberships: list[dict]) -> None:
    """Add rank-and-file party members (no post) so that every organisation meets the branch-setting rules.

    The samples hold the people with posts; a real 社区党委 has 100 and more members, most of them
    holding no post. New people get ids ``<org>-mNN``, synthetic names, unique phone numbers.
    """
    orgs = {r["id"]: r for r in tables["party_orgs"]}
    children: dict[str, list[str]] = {}
    for o in tables["party_orgs"]:
        if o["parent_id"] in orgs:
            children.setdefault(o["parent_id"], []).append(o["id"])
    full: dict[str, int] = {}
    total: dict[str, int] = {}
    for m in memberships:
        total[m["party_org_id"]] = total.get(m["party_org_id"], 0) + 1
        full[m["party_org_id"]] = full.get(m["party_org_id"], 0) + (m["status"] == "full")
    phones = {r["phone"] for r in tables["cadres"]}

    def subtree(o, seen=None):
        seen = seen if seen is not None else set()
        if o in seen:
            return 0
        seen.add(o)
        return total.get(o, 0) + sum(subtree(c, seen) for c in children.get(o, []))

    added: dict[str, int] = {}

    def add(org: str, n: int, rng: random.Random) -> None:
        for _ in range(n):
            k = added[org] = added.get(org, 0) + 1
            born = rng.randint(1945, 1998)
            phone = ""
            while not phone or phone in phones:
                phone = "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))
            phones.add(phone)
            cid = f"{org}-m{k:03d}"
            tables["cadres"].append({
                "id": cid, "name": _name(rng),
                "gender": rng.choice(["男", "女"]), "birth_year": str(born), "party_member": "true", "phone": phone,
                "birth_date": f"{born}-{rng.randint(1, 12):02d}", "education": _education(rng, born),
                "ethnicity": "汉族", "residence_id": "", "work_unit_id": "",
            })
            memberships.append({"cadre_id": cid, "party_org_id": org, "status": "full", "start": "", "end": "",
                                "central_household": ""})
            total[org] = total.get(org, 0) + 1
            full[org] = full.get(org, 0) + 1

    for o in sorted(orgs):  # branches first: each from 3 full members
        if orgs[o]["level"] == "branch" and full.get(o, 0) < _FLOOR["branch"]:
            rng = _rng(base, "top:" + o)
            add(o, _FLOOR["branch"] - full.get(o, 0) + rng.randint(0, 5), rng)
    for level in ("general_branch", "committee"):
        for o in sorted(orgs):
            if orgs[o]["level"] != level:
                continue
            short = _FLOOR[level] - subtree(o)
            if short <= 0:
                continue
            rng = _rng(base, "top:" + o)
            short += rng.randint(0, _FLOOR[level] // 5)
            branches = [c for c in sorted(children.get(o, [])) if orgs[c]["level"] == "branch"]
            while short > 0:  # spread over its branches while they stay well under 50, the rest in the organisation
                room = [b for b in branches if total.get(b, 0) < 40]
                target = room[short % len(room)] if room else o
                add(target, 1, rng)
                short -= 1


SAMPLES = ["shijiu", "dongcheng", "dongcheng/before", "xiaonan", "jiaohe", "qixia", "qixia/before"]


def main() -> int:
    for name in SAMPLES:
        add_people(OUT / name, name)
        print(f"{name}: people added", flush=True)
    return 0



# ---------------------------------------------------------------------------------------------
# Tables shipped beside the samples' scenarios (derived once from a replay; needs orggraph)
# ---------------------------------------------------------------------------------------------
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建林峰琳雪梅晨宇欣怡晓东海燕瑞凯佳颖文斌浩然"


def _name(rng: random.Random) -> str:
    """A synthetic name, never one of the seeds' real officials (build_samples.REAL_NAMES)."""
    from build_samples import REAL_NAMES

    out = ""
    while not out or out in REAL_NAMES:
        out = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))
    return out


def qixia_grid_workers(path: Path | None = None) -> Path:
    """The 网格员 hired for the grids the regrid left without one (seed 004: 97个网格, 网格员97名).

    Replays ``qixia/scenarios/recut_and_regrid.json`` up to its ``hire`` step on the qixia sample's
    before state and writes one new grid worker per grid with no current ``grid_worker`` post.
    """
    import json

    import orggraph as og

    folder = OUT / "qixia" / "scenarios"
    path = path or folder / "grid_workers_2020.csv"
    data = json.loads((folder / "recut_and_regrid.json").read_text(encoding="utf-8"))
    data["operations"] = [o for o in data["operations"] if o["op"] != "hire"]
    s = og.Scenario.from_dict(data, og.load_sample("qixia", "before"))
    g, day = s.graph, s.date.isoformat()
    posts = g.edges("HOLDS_POST")
    t = og.queries._base.normalize_as_of(day)
    import pandas as pd

    cur = posts[(posts["role"] == "grid_worker") & (posts["start"].isna() | (posts["start"] <= pd.Timestamp(t)))
                & (posts["end"].isna() | (posts["end"] > pd.Timestamp(t)))]
    grids = sorted(set(g.nodes("Grid")["id"]) - set(cur["target"]))
    rng = random.Random("qixia:grid_workers_2020")
    rows = []
    for i, grid in enumerate(grids, 1):
        born = rng.randint(1975, 1998)
        rows.append({
            "cadre_id": f"qx-gw{i:03d}", "body_id": grid, "role": "grid_worker",
            "name": _name(rng),
            "gender": rng.choice(["女", "女", "女", "男", "男"]), "birth_date": f"{born}-{rng.randint(1, 12):02d}",
            "education": _education(rng, born), "party_member": "true" if rng.random() < 0.55 else "false",
        })
    _write(path.parent, path.stem, ["cadre_id", "body_id", "role", "name", "gender", "birth_date", "education",
                                    "party_member"], rows)
    return path


#: 东城's 两委 (seed 001): each community's party organisation and 居委会, elected in April–June 2010
_DC_BODIES = [f"dc-po-c{i:02d}" for i in range(1, 30)] + [f"dc-u-rc{i:02d}" for i in range(1, 30)]
_DC_SCENARIO_DATE = "2010-03-15"


def dongcheng_elected(folder: Path | None = None) -> tuple[Path, Path]:
    """The 两委 elected after 东城's 居站分设 (seed 001: 顺利选举产生了新一届社区“两委”班子) and the 三委 posts.

    Read from the dongcheng sample (after state): ``elected_2010.csv`` holds the 班子 (书记, 副书记,
    委员, 主任, 副主任) current at 2010-12-31 of the 29 communities' party organisations and 居委会,
    one row per post with the body it is on (``body_id``) and the day it started; people not in
    the before state carry their ``cadres`` columns (the replay creates them). In the 3 kept
    communities the sample keeps the members re-elected from 2007 on their old posts and ends the
    leavers' on the election day; the replay re-elects the whole 班子, so their rows start on the
    latest such end (the community's election day). ``sanwei_2010.csv`` holds the owners'
    committee (业委会) posts the sample adds after the election (三委交叉任职), for a ``hire`` step.
    """
    base = OUT / "dongcheng"
    folder = folder or base / "scenarios"
    _, posts = _read(base, "posts")
    _, before_posts = _read(base / "before", "posts")
    header, cadres = _read(base, "cadres")
    known = {r["id"] for r in _read(base / "before", "cadres")[1]}
    person = {r["id"]: r for r in cadres}
    roles = ("secretary", "deputy_secretary", "member", "director", "deputy_director")
    community = {b: "c" + b[-2:] for b in _DC_BODIES}
    ours = [p for p in posts if p["body_id"] in community and p["role"] in roles]
    election_day: dict[str, str] = {}
    for p in ours:  # the kept communities: the day the leavers' posts ended
        if p["end"] and p["start"] < _DC_SCENARIO_DATE:
            c = community[p["body_id"]]
            election_day[c] = max(election_day.get(c, ""), p["end"])
    cols = ["name", "gender", "birth_date", "education", "party_member", "ethnicity"]
    rows, seen = [], set()
    for p in sorted((p for p in ours if not p["end"]), key=lambda p: (_DC_BODIES.index(p["body_id"]), p["start"],
                                                                      p["cadre_id"], p["role"])):
        start = p["start"] if p["start"] >= _DC_SCENARIO_DATE else election_day[community[p["body_id"]]]
        row = {"cadre_id": p["cadre_id"], "body_id": p["body_id"], "role": p["role"], "start": start}
        new = p["cadre_id"] not in known and p["cadre_id"] not in seen
        row.update({c: person[p["cadre_id"]][c] if new else "" for c in cols})
        seen.add(p["cadre_id"])
        rows.append(row)
    _write(folder, "elected_2010", ["cadre_id", "body_id", "role", "start", *cols], rows)
    _, units = _read(base, "units")
    owners = {u["id"] for u in units if u["kind"] == "owners_committee"}
    had = {(p["cadre_id"], p["body_id"], p["role"]) for p in before_posts}
    sanwei = [{"cadre_id": p["cadre_id"], "body_id": p["body_id"], "role": p["role"], "start": p["start"]}
              for p in posts if p["body_id"] in owners and (p["cadre_id"], p["body_id"], p["role"]) not in had]
    _write(folder, "sanwei_2010", ["cadre_id", "body_id", "role", "start"], sorted(sanwei, key=lambda r: r["body_id"]))
    return folder / "elected_2010.csv", folder / "sanwei_2010.csv"


if __name__ == "__main__":
    sys.exit(main())
