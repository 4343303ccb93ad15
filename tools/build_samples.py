#!/usr/bin/env python3
"""Build the sample ledgers in data/samples/ (one per source document in ../shared/seeds).

    python tools/build_samples.py            # rebuild every sample, self-check, write FIGURES.json
    python tools/build_samples.py --check    # only re-validate what is on disk

Every sample is a ledger folder (LEDGER.md): one CSV per table, canonical English headers,
English enum values.  Generation is deterministic (one seeded ``random.Random`` per sample,
no set iteration), so running the script twice produces byte-identical files.

After writing, the script reads every folder back with pandas and checks
  * every id is unique across all tables of the folder and ASCII;
  * every reference column points at an existing id of an allowed kind (LEDGER.md);
  * enum values, dates, booleans and phone numbers are well formed;
  * household sums are consistent (grid = its areas, community = its top-level areas,
    street = its communities + the unassigned zones it contains directly);
  * every figure listed for FIGURES.json has the value the source reports, both at the
    figure's ``as_of`` date and at 2022-01-01.
Any failure raises SystemExit with a message: a figure that is off fails loudly.

Dependencies: the standard library and pandas.
"""
from __future__ import annotations

import csv
import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "samples"

# ---------------------------------------------------------------------------------------------
# The ledger contract (LEDGER.md)
# ---------------------------------------------------------------------------------------------
SCHEMA: dict[str, list[str]] = {
    "districts": ["id", "name"],
    "streets": ["id", "name", "district_id", "households", "population"],
    "communities": ["id", "name", "street_id", "kind", "households", "population"],
    "grids": ["id", "name", "community_id", "parent_grid_id", "households"],
    "areas": ["id", "name", "kind", "parent_id", "households", "geometry"],
    "party_orgs": ["id", "name", "level", "parent_id", "territory_id", "unit_id"],
    "units": ["id", "name", "kind", "territory_id", "parent_id"],
    "cadres": ["id", "name", "gender", "birth_year", "party_member", "phone"],
    "posts": ["cadre_id", "body_id", "role", "start", "end", "part_time"],
    "contains": ["parent_id", "child_id"],
    "covers": ["body_id", "territory_id"],
    "reports": ["reporter_id", "community_id", "date"],
    "liaisons": ["cadre_id", "territory_id", "start"],
    "adjacency": ["a_id", "b_id"],
}
NODE_TABLES = ["districts", "streets", "communities", "grids", "areas", "party_orgs", "units", "cadres"]
TERRITORY_TABLES = ["districts", "streets", "communities", "grids", "areas"]
COMMUNITY_KINDS = {"urban", "converted", "rural", "village"}
AREA_KINDS = {"compound", "building", "village", "boundary_zone"}
LEVELS = {"working_committee", "committee", "general_branch", "branch", "group", "household"}
UNIT_KINDS = {"residents_committee", "workstation", "owners_committee", "property_company", "cooperative",
              "supervisory_committee", "self_management_committee", "resident_unit", "social_org",
              "service_team", "village_committee"}
ROLES = {"secretary", "deputy_secretary", "member", "director", "deputy_director", "station_chief", "staff",
         "grid_leader", "grid_worker", "part_time_member", "zone_manager"}
# reference column -> tables its value may point into
REFS: dict[tuple[str, str], list[str]] = {
    ("streets", "district_id"): ["districts"],
    ("communities", "street_id"): ["streets"],
    ("grids", "community_id"): ["communities"],
    ("grids", "parent_grid_id"): ["grids"],
    ("areas", "parent_id"): ["grids", "communities", "areas"],
    ("party_orgs", "parent_id"): ["party_orgs"],
    ("party_orgs", "territory_id"): TERRITORY_TABLES,
    ("party_orgs", "unit_id"): ["units"],
    ("units", "territory_id"): TERRITORY_TABLES,
    ("units", "parent_id"): ["units"],
    ("posts", "cadre_id"): ["cadres"],
    ("posts", "body_id"): ["party_orgs", "units", "grids"],
    ("contains", "parent_id"): TERRITORY_TABLES,
    ("contains", "child_id"): TERRITORY_TABLES,
    ("covers", "body_id"): ["party_orgs", "units"],
    ("covers", "territory_id"): TERRITORY_TABLES,
    ("reports", "reporter_id"): ["units", "party_orgs", "cadres"],
    ("reports", "community_id"): ["communities"],
    ("liaisons", "cadre_id"): ["cadres"],
    ("liaisons", "territory_id"): TERRITORY_TABLES,
    ("adjacency", "a_id"): TERRITORY_TABLES,
    ("adjacency", "b_id"): TERRITORY_TABLES,
}
# reference columns that may be empty
OPTIONAL_REFS = {("grids", "parent_grid_id"), ("grids", "community_id"), ("areas", "parent_id"), ("party_orgs", "parent_id"),
                 ("party_orgs", "territory_id"), ("party_orgs", "unit_id"), ("units", "territory_id"),
                 ("units", "parent_id")}

ROBUST_DATE = "2022-01-01"   # every figure must also hold at this date

# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------
def tf(b: bool) -> str:
    return "true" if b else "false"


def rdate(rng: random.Random, a: str, b: str) -> str:
    da, db = date.fromisoformat(a), date.fromisoformat(b)
    return (da + timedelta(days=rng.randint(0, (db - da).days))).isoformat()


def day_before(d: str) -> str:
    return (date.fromisoformat(d) - timedelta(days=1)).isoformat()


def split_int(rng: random.Random, total: int, n: int, lo: int = 1) -> list[int]:
    """Split total into n positive parts (each >= lo), randomly."""
    if n <= 1:
        return [total]
    assert total >= n * lo, (total, n, lo)
    cuts = sorted(rng.sample(range(1, total - n * lo + n), n - 1))
    parts, prev = [], 0
    for c in cuts + [total - n * lo + n]:
        parts.append(c - prev - 1 + lo)
        prev = c
    assert sum(parts) == total and min(parts) >= lo, parts
    return parts


def allocate(total: int, weights: list[float]) -> list[int]:
    """Largest-remainder allocation of total proportional to weights (deterministic)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    rest = total - sum(out)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[:rest]:
        out[i] += 1
    return out


CN_NUM = "一二三四五六七八九十"

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
            "郝龚邵万钱严覃武戴莫孔向汤")
MALE = ("伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波贵福生龙元全国胜学祥才发武新利清飞"
        "彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆"
        "磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎"
        "德行时泰盛雄琛钧冠策腾楠榕风航弘")
FEMALE = ("秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月"
          "莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓仪荷丹"
          "蓉眉君琴蕊薇菁梦岚苑婕馨韵艺咏卿聪澜纯悦昭冰爽茗羽希宁欣滢馥筠柔竹凝晓欢枫芸菲伊亚宜可舒"
          "影荔思丽")
# Real people named in the seeds (and the article's editor): never generated.
REAL_NAMES = {"郑丽丽", "李海明", "孙传欣", "郑世文", "柳宁", "张艳"}
PHONE_PREFIX = ["38", "39", "35", "36", "37", "50", "51", "52", "58", "59", "87", "88", "33", "53", "80",
                "89", "77", "86", "82", "83"]


class People:
    """Synthetic people; shared between a 'before' and an 'after' ledger so ids persist."""

    def __init__(self, prefix: str, seed: int, width: int = 4):
        self.prefix, self.width = prefix, width
        self.rng = random.Random(seed)
        self.n = 0
        self.names: set[str] = set()
        self.phones: set[str] = set()
        self.sw = [1.0 / (1 + i * 0.08) for i in range(len(SURNAMES))]

    def _name(self, gender: str) -> str:
        pool = MALE if gender == "男" else FEMALE
        while True:
            s = self.rng.choices(SURNAMES, weights=self.sw)[0]
            k = 2 if self.rng.random() < 0.72 else 1
            name = s + "".join(self.rng.choice(pool) for _ in range(k))
            if name not in self.names and name not in REAL_NAMES:
                self.names.add(name)
                return name

    def _phone(self) -> str:
        while True:
            ph = "1" + self.rng.choice(PHONE_PREFIX) + "".join(str(self.rng.randint(0, 9)) for _ in range(8))
            if ph not in self.phones:
                self.phones.add(ph)
                return ph

    def new(self, party: bool = True, born: tuple[int, int] = (1965, 1990), gender: str | None = None,
            female: float = 0.45) -> dict:
        self.n += 1
        g = gender or ("女" if self.rng.random() < female else "男")
        return {"id": f"{self.prefix}-p{self.n:0{self.width}d}", "name": self._name(g), "gender": g,
                "birth_year": str(self.rng.randint(*born)), "party_member": tf(party), "phone": self._phone()}


STEMS = ["御景", "锦绣", "翠苑", "阳光", "金色", "幸福", "华府", "丽景", "和平", "东方", "新华", "龙湖", "书香",
         "康乐", "怡和", "嘉园", "盛世", "滨河", "鸿福", "绿洲", "春晖", "明珠", "望江", "凤凰", "紫荆", "香榭",
         "东湖", "西城", "南苑", "北辰", "桂花", "海棠", "银杏", "枫林", "星河", "天悦", "锦江", "玉泉", "水岸",
         "清华", "学府", "文昌", "泰和", "永安", "长青", "松柏", "兰亭", "荷塘", "柳岸", "梧桐", "橄榄", "雅居",
         "馨园", "福苑", "御园", "世纪", "时代", "未来", "博雅", "金桥", "银河", "彩虹", "朝阳", "晨曦", "碧水",
         "青山", "丰泽", "富康", "祥和", "瑞景", "欣悦", "宏泰", "恒丰", "华庭", "君悦", "鼎盛", "万象", "绿城",
         "新城", "老城", "工人", "建设", "胜利", "团结", "光明", "红旗", "向阳", "育才", "园丁", "卫生", "粮食",
         "供电", "电业", "纺织", "机械", "化工", "交通", "邮电", "铁路", "水利", "农机", "棉麻", "商业", "外贸"]
COMPOUND_SUFFIX = ["小区", "花园", "家园", "苑", "新村", "公寓", "名苑", "佳园", "华庭", "雅苑", "宿舍区", "新城"]


class PlaceNames:
    def __init__(self, rng: random.Random, taken: set[str] | None = None):
        self.rng, self.used = rng, set(taken or ())

    def compound(self) -> str:
        for _ in range(400):
            n = self.rng.choice(STEMS) + self.rng.choice(COMPOUND_SUFFIX)
            if n not in self.used:
                self.used.add(n)
                return n
        for k in range(2, 10):
            for _ in range(200):
                n = self.rng.choice(STEMS) + self.rng.choice(COMPOUND_SUFFIX) + CN_NUM[k - 1] + "期"
                if n not in self.used:
                    self.used.add(n)
                    return n
        raise RuntimeError("out of compound names")

    def take(self, name: str) -> str:
        assert name not in self.used, name
        self.used.add(name)
        return name


# ---------------------------------------------------------------------------------------------
# Ledger under construction
# ---------------------------------------------------------------------------------------------
class Ledger:
    def __init__(self, prefix: str, seed: int, pool: People | None = None, width: int = 4):
        self.p = prefix
        self.rng = random.Random(seed)
        self.pool = pool or People(prefix, seed + 1, width)
        self.tables: dict[str, list[dict]] = {t: [] for t in SCHEMA}
        self.index: dict[str, tuple[str, dict]] = {}
        self.n_area = 0
        self.counters: dict[str, int] = {}
        self.names = PlaceNames(random.Random(seed + 2))
        self._adj: set[tuple[str, str]] = set()

    # -- generic ------------------------------------------------------------------------------
    def add(self, table: str, **row) -> str:
        rid = row["id"]
        if rid in self.index:
            raise SystemExit(f"duplicate id {rid} ({table})")
        self.tables[table].append(row)
        self.index[rid] = (table, row)
        return rid

    def edge(self, table: str, **row) -> None:
        self.tables[table].append(row)

    def row(self, rid: str) -> dict:
        return self.index[rid][1]

    def kind(self, rid: str) -> str:
        return self.index[rid][0]

    def next(self, key: str) -> int:
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]

    # -- nodes --------------------------------------------------------------------------------
    def area(self, name: str, kind: str, parent: str, households: int, **extra) -> str:
        self.n_area += 1
        w = 5 if self.n_area > 9999 else 4
        aid = f"{self.p}-a{self.n_area:0{w}d}"
        return self.add("areas", id=aid, name=name, kind=kind, parent_id=parent, households=households,
                        geometry="", **extra)

    def porg(self, pid: str, name: str, level: str, parent: str = "", territory: str = "", unit: str = "",
             **extra) -> str:
        return self.add("party_orgs", id=pid, name=name, level=level, parent_id=parent, territory_id=territory,
                        unit_id=unit, **extra)

    def unit(self, uid: str, name: str, kind: str, territory: str = "", parent: str = "", **extra) -> str:
        return self.add("units", id=uid, name=name, kind=kind, territory_id=territory, parent_id=parent, **extra)

    def person(self, **kw) -> dict:
        return self.pool.new(**kw)

    def use(self, person: dict) -> str:
        if person["id"] not in self.index:
            self.add("cadres", **person)
        return person["id"]

    # -- edges --------------------------------------------------------------------------------
    def post(self, person: dict, body: str, role: str, start: str, end: str = "", part_time: bool = False,
             **extra) -> None:
        assert role in ROLES, role
        self.use(person)
        self.edge("posts", cadre_id=person["id"], body_id=body, role=role, start=start, end=end,
                  part_time=tf(part_time), **extra)

    def contains(self, parent: str, child: str) -> None:
        self.edge("contains", parent_id=parent, child_id=child)

    def cover(self, body: str, territory: str) -> None:
        self.edge("covers", body_id=body, territory_id=territory)

    def report(self, reporter: str, community: str, d: str) -> None:
        self.edge("reports", reporter_id=reporter, community_id=community, date=d)

    def liaison(self, person: dict, territory: str, start: str) -> None:
        self.use(person)
        self.edge("liaisons", cadre_id=person["id"], territory_id=territory, start=start)

    def adj(self, a: str, b: str) -> None:
        key = (a, b) if a < b else (b, a)
        if a == b or key in self._adj:
            return
        self._adj.add(key)
        self.edge("adjacency", a_id=a, b_id=b)

    # -- derived ------------------------------------------------------------------------------
    def finalize_households(self) -> None:
        """Fill grid / community / street households and population from the areas."""
        areas = self.tables["areas"]
        by_parent: dict[str, list[dict]] = {}
        for a in areas:
            by_parent.setdefault(a["parent_id"], []).append(a)
        for g in self.tables["grids"]:
            if g.get("households", "") in ("", None):
                g["households"] = sum(int(a["households"]) for a in by_parent.get(g["id"], []))
        grid_comm: dict[str, list[str]] = {}
        for g in self.tables["grids"]:
            grid_comm.setdefault(g["community_id"], []).append(g["id"])
        for c in self.tables["communities"]:
            hh = sum(int(a["households"]) for a in by_parent.get(c["id"], []))
            for gid in grid_comm.get(c["id"], []):
                hh += sum(int(a["households"]) for a in by_parent.get(gid, []))
            c["households"] = hh
            c["population"] = int(round(hh * c.pop("_pf")))
        street_of: dict[str, list[dict]] = {}
        for c in self.tables["communities"]:
            street_of.setdefault(c["street_id"], []).append(c)
        direct = {}
        for e in self.tables["contains"]:
            if self.kind(e["parent_id"]) == "streets" and self.kind(e["child_id"]) == "areas":
                direct.setdefault(e["parent_id"], []).append(int(self.row(e["child_id"])["households"]))
        for s in self.tables["streets"]:
            cs = street_of.get(s["id"], [])
            extra = direct.get(s["id"], [])
            s["households"] = sum(c["households"] for c in cs) + sum(extra)
            s["population"] = sum(c["population"] for c in cs) + int(round(sum(extra) * 2.7))

    def write(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.csv"):
            old.unlink()
        for table, cols in SCHEMA.items():
            rows = self.tables[table]
            extras: list[str] = []
            for r in rows:
                for k in r:
                    if k not in cols and k not in extras and not k.startswith("_"):
                        extras.append(k)
            header = cols + extras
            with open(folder / f"{table}.csv", "w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh, lineterminator="\n")
                w.writerow(header)
                for r in rows:
                    w.writerow(["" if r.get(k) is None else r.get(k, "") for k in header])


# ---------------------------------------------------------------------------------------------
# Territory builders shared by the samples
# ---------------------------------------------------------------------------------------------
def buildings(L: Ledger, compound: str, name: str, hh: int, per: tuple[int, int] = (30, 72)) -> list[str]:
    n = max(1, round(hh / L.rng.randint(*per)))
    n = min(n, max(1, hh // 8))
    parts = split_int(L.rng, hh, n, lo=min(8, hh // n))
    return [L.area(f"{name}{i + 1}号楼", "building", compound, h) for i, h in enumerate(parts)]


def community(L: Ledger, cid: str, name: str, street: str, kind: str, **extra) -> str:
    pf = round(L.rng.uniform(2.5, 3.0), 3)
    return L.add("communities", id=cid, name=name, street_id=street, kind=kind, households="", population="",
                 _pf=pf, **extra)


def layout(L: Ledger, cid: str, n_grids: int, *, style: str = "urban", big: list[int] | None = None,
           grid_range: tuple[int, int] = (250, 350), outliers: int = 0, comp_size: tuple[int, int] = (50, 300),
           grid_extra: dict | None = None, first_grid: int = 1, grid_namer=None,
           big_names: list[str] | None = None) -> dict:
    """Create n_grids grids inside community cid and fill them with areas.

    big: sizes (in grids) of big compounds; a big compound (>= ~500 households) hangs directly
    under the community and is overlaid by that many grids (extra column compound_area).
    style 'urban' fills grids with compounds; 'converted' puts a natural village (自然村) first
    and resettlement compounds (安置小区) after it.
    Returns {'grids': [...], 'compounds': [...], 'villages': [...], 'big': [...]}.
    """
    rng = L.rng
    cname = L.row(cid)["name"]
    num = cid.split("-c")[-1]
    out = {"grids": [], "compounds": [], "villages": [], "big": []}
    targets = [rng.randint(*grid_range) for _ in range(n_grids)]
    for k in rng.sample(range(n_grids), outliers):
        targets[k] = rng.choice([rng.randint(150, 195), rng.randint(430, 520)])
    big = list(big or [])
    big_names = list(big_names or [])
    gi = first_grid

    def gname(gi):
        if grid_namer:
            return grid_namer()
        return f"{L.p}-g{num}-{gi}", f"{cname}第{gi}网格"

    i = 0
    while i < n_grids:
        if big and i + big[0] <= n_grids:
            k = big.pop(0)
            parts = targets[i:i + k]
            hh = sum(parts)
            cname_c = big_names.pop(0) if big_names else L.names.compound()
            comp = L.area(cname_c, "compound", cid, hh)
            buildings(L, comp, cname_c, hh, per=(60, 120))
            out["compounds"].append(comp)
            out["big"].append(comp)
            for h in parts:
                gid_, gnm = gname(gi)
                gid = L.add("grids", id=gid_, name=gnm, community_id=cid,
                            parent_grid_id="", households=h, compound_area=comp, **(grid_extra or {}))
                out["grids"].append(gid)
                gi += 1
            i += k
            continue
        target = targets[i]
        gid_, gnm = gname(gi)
        gid = L.add("grids", id=gid_, name=gnm, community_id=cid,
                    parent_grid_id="", households="", **(grid_extra or {}))
        out["grids"].append(gid)
        remaining = target
        if style == "converted":
            vh = rng.randint(min(110, target), min(260, target))
            base = cname.replace("社区", "")
            vname = L.names.take(f"{base}{'东西南北前后中上下新'[(gi - first_grid) % 10]}村")
            out["villages"].append(L.area(vname, "village", gid, vh))
            remaining -= vh
            while remaining > 0:
                size = remaining if remaining < 140 else rng.randint(80, min(260, remaining))
                if remaining - size < 30:
                    size = remaining
                cand = f"{base}安置{CN_NUM[len(out['compounds']) % 10]}区"
                nm = L.names.take(cand) if rng.random() < 0.6 and cand not in L.names.used else L.names.compound()
                comp = L.area(nm, "compound", gid, size)
                buildings(L, comp, nm, size)
                out["compounds"].append(comp)
                remaining -= size
        else:
            while remaining > 0:
                size = remaining if remaining < comp_size[0] * 2 else rng.randint(comp_size[0], min(comp_size[1], remaining))
                if remaining - size < comp_size[0] // 2 + 10:
                    size = remaining
                nm = L.names.compound()
                comp = L.area(nm, "compound", gid, size)
                buildings(L, comp, nm, size)
                out["compounds"].append(comp)
                remaining -= size
        gi += 1
        i += 1
    # neighbouring grids
    for a, b in zip(out["grids"], out["grids"][1:]):
        L.adj(a, b)
    return out


def boundary_zone(L: Ledger, a: str, b: str, mode: str, street: str, hh: int, parent: str | None = None,
                  name: str | None = None, **extra) -> str:
    """mode: governed (parent = a or a grid of a), unassigned (contained by the street only),
    contested (parent = a, and a contains row from b)."""
    na, nb = L.row(a)["name"].replace("社区", ""), L.row(b)["name"].replace("社区", "")
    nm = name or f"{na}—{nb}交界区域"
    if mode == "governed":
        z = L.area(nm, "boundary_zone", parent or a, hh, **extra)
    elif mode == "unassigned":
        z = L.area(nm, "boundary_zone", "", hh, **extra)
        L.contains(street, z)
    elif mode == "contested":
        z = L.area(nm, "boundary_zone", a, hh, **extra)
        L.contains(b, z)
    else:
        raise ValueError(mode)
    L.adj(z, a)
    L.adj(z, b)
    return z


# ---------------------------------------------------------------------------------------------
# Body/post builders shared by the samples
# ---------------------------------------------------------------------------------------------
def two_committees(L: Ledger, porg: str, rc: str, *, rate: float, yjt: bool, cur: tuple[str, str],
                   prev: tuple[str, str], p_cont: float = 0.45, p_pred: float = 0.45,
                   sizes: tuple[int, int] = (5, 7), secretary_part_time: bool = False,
                   secretary_extra: dict | None = None, reuse: list[dict] | None = None) -> dict:
    """Staff a community's 两委: party org (secretary/deputy_secretary/member) and residents'
    committee (director/deputy_director/member) with about `rate` cross-appointment.
    Some posts continue from the previous term, others are new with an ENDED predecessor."""
    rng = L.rng
    nP, nR = rng.randint(*sizes), rng.randint(*sizes)
    O = round(rate * (nP + nR) / (1 + rate))
    maxO = min(nP, nR) if yjt else min(nP, nR) - 1
    O = max(1 if yjt else 1, min(O, maxO))

    def roles(n, top, dep):
        nd = 1 if n < 6 else 2
        return [top] + [dep] * nd + ["member"] * (n - 1 - nd)

    pr, rr = roles(nP, "secretary", "deputy_secretary"), roles(nR, "director", "deputy_director")
    reuse = list(reuse or [])

    def pick(party: bool, **kw) -> dict:
        for j, r in enumerate(reuse):
            if r["party_member"] == "true" or not party:
                return reuse.pop(j)
        return L.person(party=party, **kw)

    shared = [pick(True) for _ in range(O)]
    pp: list[dict | None] = [None] * nP
    rp: list[dict | None] = [None] * nR
    if yjt:
        for j, s in enumerate(shared):
            pp[j], rp[j] = s, s
    else:
        for j, s in enumerate(shared):
            pp[1 + j], rp[1 + j] = s, s
    for j in range(nP):
        if pp[j] is None:
            pp[j] = pick(True)
    for j in range(nR):
        if rp[j] is None:
            rp[j] = pick(rng.random() < 0.55)
    starts: dict[str, str] = {}

    def start_for(person):
        if person["id"] not in starts:
            starts[person["id"]] = rdate(rng, *prev) if rng.random() < p_cont else rdate(rng, *cur)
        return starts[person["id"]]

    for body, people, rl in ((porg, pp, pr), (rc, rp, rr)):
        for person, role in zip(people, rl):
            st = start_for(person)
            pt = False
            extra = {}
            if role == "secretary":
                pt = secretary_part_time
                extra = dict(secretary_extra or {})
            L.post(person, body, role, st, part_time=pt, **extra)
            if st >= cur[0] and rng.random() < p_pred:
                pred = L.person(party=(body == porg) or rng.random() < 0.6, born=(1950, 1975))
                L.post(pred, body, role, rdate(rng, *prev), day_before(st), part_time=pt,
                       **({k: "" for k in extra}))
    return {"secretary": pp[0], "director": rp[0], "party": pp, "rc": rp, "shared": shared,
            "rate": O / (nP + nR - O)}


def unit_party_org(L: Ledger, unit: str, level: str = "branch", parent: str = "", start=("2017-01-01", "2019-12-31"),
                   members: int = 0, born=(1965, 1985)) -> tuple[str, dict]:
    uname = L.row(unit)["name"]
    suffix = {"branch": "党支部", "general_branch": "党总支", "committee": "党委"}[level]
    pid = L.porg(f"{L.p}-po-{unit.split('-', 1)[1]}", uname + suffix, level, parent=parent, unit=unit)
    sec = L.person(party=True, born=born)
    L.post(sec, pid, "secretary", rdate(L.rng, *start))
    for _ in range(members):
        L.post(L.person(party=True), pid, "member", rdate(L.rng, *start))
    return pid, sec


def compound_chain(L: Ledger, compound: str, parent_org: str, *, groups: float, households: float,
                   start=("2019-01-01", "2021-06-30"), founded: str | None = None, members=(2, 4),
                   secretary: dict | None = None) -> str:
    """A compound party branch, building party groups in a share of its buildings, and 党员中心户
    under a share of those groups."""
    rng = L.rng
    row = L.row(compound)
    extra = {"founded": founded} if founded else {}
    b = L.porg(f"{L.p}-po-{compound.split('-', 1)[1]}", row["name"] + "党支部", "branch", parent=parent_org,
               territory=compound, **extra)
    st = founded or rdate(rng, *start)
    L.post(secretary or L.person(party=True, born=(1955, 1985)), b, "secretary", st,
           part_time=secretary is not None)
    for _ in range(rng.randint(*members)):
        L.post(L.person(party=True, born=(1950, 1990)), b, "member", st)
    blds = [a["id"] for a in L.tables["areas"] if a["parent_id"] == compound and a["kind"] == "building"]
    for bid in blds:
        if rng.random() < groups:
            bname = L.row(bid)["name"]
            g = L.porg(f"{L.p}-po-grp-{bid.split('-', 1)[1]}", bname + "党小组", "group", parent=b, territory=bid)
            gst = max(st, rdate(rng, start[0], start[1]))
            L.post(L.person(party=True, born=(1950, 1985)), g, "secretary", gst)
            if rng.random() < households:
                hp = L.person(party=True, born=(1945, 1980))
                h = L.porg(f"{L.p}-po-hh-{bid.split('-', 1)[1]}", f"{bname}党员中心户（{hp['name']}）", "household",
                           parent=g, territory=bid)
                L.post(hp, h, "member", gst)
    return b


def grid_posts(L: Ledger, grids: list[str], leaders: list[dict], workers: list[dict], *, gap: int,
               cur=("2021-03-01", "2021-09-30"), prev=("2018-03-01", "2019-12-31"), ended_gap_share=0.6):
    """grid_leader for every grid (a 两委 member, part-time), a current grid_worker in all but
    `gap` grids; some of the gaps have a grid worker whose post ENDED."""
    rng = L.rng
    gaps = set(rng.sample(range(len(grids)), gap)) if gap else set()
    wi = 0
    for i, g in enumerate(grids):
        L.post(leaders[i % len(leaders)], g, "grid_leader", rdate(rng, *prev), part_time=True)
        if i in gaps:
            if rng.random() < ended_gap_share:
                w = workers[wi % len(workers)] if workers else L.person(party=False, born=(1985, 1998))
                wi += 1
                L.post(w, g, "grid_worker", rdate(rng, *prev), rdate(rng, "2020-01-01", cur[0]))
            continue
        w = workers[wi % len(workers)] if wi < len(workers) else L.person(party=rng.random() < 0.5, born=(1985, 1998))
        wi += 1
        L.post(w, g, "grid_worker", rdate(rng, *cur) if rng.random() < 0.4 else rdate(rng, *prev), part_time=False)


PC_STEMS = ["万科", "绿城", "碧桂园", "保利", "金地", "龙湖", "华润", "中海", "恒泰", "安居", "康居", "宜居", "诚信",
            "鑫源", "佳美", "通达", "福瑞", "家和", "顺达", "美居", "乐居", "和谐", "兴业", "正阳", "德馨", "嘉禾",
            "盛达", "鸿运", "汇丰", "长城", "金盾", "银泰", "海天", "宏远", "新纪元", "天誉", "祥瑞", "锦程"]


def property_companies(L: Ledger, managed: list[str], n: int, branch_idx: list[int], porg_of, *,
                       city: str, start=("2017-01-01", "2020-12-31"), founded: dict | None = None,
                       pin: str | None = None) -> list[str]:
    """n property companies sharing the managed compounds (territory_id = first, covers = the rest);
    companies whose index is in branch_idx get a party branch (territory_id empty).
    pin: a compound that must be the territory of company 0."""
    rng = L.rng
    managed = list(managed)
    rng.shuffle(managed)
    if pin:
        managed.remove(pin)
        managed.insert(0, pin)
    shares = split_int(rng, len(managed), n)
    stems = rng.sample(PC_STEMS, n)
    out, k = [], 0
    for i in range(n):
        mine = managed[k:k + shares[i]]
        k += shares[i]
        uid = L.unit(f"{L.p}-u-pc{i + 1:02d}", f"{city}{stems[i]}物业服务有限公司", "property_company",
                     territory=mine[0])
        for c in mine[1:]:
            L.cover(uid, c)
        if i in branch_idx:
            extra = {"founded": founded[i]} if founded and i in founded else {}
            b = L.porg(f"{L.p}-po-u-pc{i + 1:02d}", L.row(uid)["name"] + "党支部", "branch", parent=porg_of(mine[0]),
                       unit=uid, **extra)
            st = extra.get("founded") or rdate(rng, *start)
            L.post(L.person(party=True, born=(1970, 1990)), b, "secretary", st)
            for _ in range(rng.randint(2, 3)):
                L.post(L.person(party=True, born=(1970, 1995)), b, "member", st)
        out.append(uid)
    return out


def owners_committee(L: Ledger, compound: str, *, start: tuple[str, str], sanwei: dict | None = None,
                     n_members: tuple[int, int] = (3, 5), kind: str = "owners_committee", code: str = "oc",
                     people: list[dict] | None = None) -> str:
    """业委会 (or 自管委 with kind self_management_committee) of a compound; `sanwei` is a 两委 member
    who also sits on it (三委交叉任职)."""
    rng = L.rng
    label = "业主委员会" if kind == "owners_committee" else "自管委"
    uid = L.unit(f"{L.p}-u-{code}{L.next(code):04d}", L.row(compound)["name"] + label, kind, territory=compound)
    st = rdate(rng, *start)
    pool = list(people or [])
    head = pool.pop(0) if pool else L.person(party=rng.random() < 0.5, born=(1950, 1985))
    L.post(head, uid, "director", st, part_time=True)
    for _ in range(rng.randint(*n_members) - 1):
        m = pool.pop(0) if pool else L.person(party=rng.random() < 0.4, born=(1950, 1990))
        L.post(m, uid, "member", st, part_time=True)
    if sanwei is not None:
        L.post(sanwei, uid, "member", st, part_time=True)
    return uid


def resident_units(L: Ledger, specs: list[tuple[str, str, dict]], *, code: str = "ru", members=(0, 2),
                   start=("2016-01-01", "2020-06-30")) -> list[dict]:
    """Resident units (驻区单位) with their party org and its secretary.
    specs: (name, territory id, extra unit columns). Returns dicts {unit, porg, secretary}."""
    rng = L.rng
    out = []
    for name, terr, extra in specs:
        uid = L.unit(f"{L.p}-u-{code}{L.next(code):03d}", name, "resident_unit", territory=terr, **extra)
        lvl = "committee" if name.endswith(("局", "委", "公司", "医院", "集团")) and rng.random() < 0.3 else \
            rng.choice(["branch", "branch", "general_branch"])
        po, sec = unit_party_org(L, uid, lvl, start=start, members=rng.randint(*members))
        out.append({"unit": uid, "porg": po, "secretary": sec})
    return out


def chain_variety(L: Ledger, compounds: list[str], porg_of, *, share: float, groups=(0.3, 0.8),
                  households=(0.3, 0.9), start=("2019-01-01", "2021-06-30")) -> list[str]:
    """Compound branches in about `share` of the compounds, with varied depth below them:
    a third with groups and households, a third with groups only, a third with the branch only."""
    rng = L.rng
    made = []
    for c in compounds:
        if rng.random() >= share:
            continue
        r = rng.random()
        if r < 0.4:
            g, h = rng.uniform(*groups), rng.uniform(*households)
        elif r < 0.7:
            g, h = rng.uniform(*groups), 0.0
        else:
            g, h = 0.0, 0.0
        made.append(compound_chain(L, c, porg_of(c), groups=g, households=h, start=start))
    return made


def community_of(L: Ledger, area: str) -> str:
    """The community an area belongs to (through grids and parent areas)."""
    cur = area
    while True:
        t, r = L.index[cur]
        if t == "communities":
            return cur
        if t == "grids":
            cur = r["community_id"]
        elif t == "areas":
            cur = r["parent_id"]
            if not cur:
                return ""
        else:
            return ""


def street_cadres(L: Ledger, wc: str, *, sec_start: str, prev: tuple[str, str], n_dep=2, n_mem=4,
                  part_time: list[dict] | None = None, pt_start=("2019-01-01", "2021-06-30")) -> list[dict]:
    """Staff a street working committee; returns [secretary, deputies..., members...]."""
    rng = L.rng
    sec = L.person(party=True, born=(1970, 1982))
    L.post(sec, wc, "secretary", sec_start)
    pred = L.person(party=True, born=(1962, 1972))
    L.post(pred, wc, "secretary", rdate(rng, *prev), day_before(sec_start))
    people = [sec]
    for role, n in (("deputy_secretary", n_dep), ("member", n_mem)):
        for _ in range(n):
            p = L.person(party=True, born=(1970, 1988))
            L.post(p, wc, role, rdate(rng, *prev))
            people.append(p)
    for p in part_time or []:
        L.post(p, wc, "part_time_member", rdate(rng, *pt_start), part_time=True)
    return people


def staff_rc(L: Ledger, rc: str, n: int, *, cur=("2019-01-01", "2021-06-30"), prev=("2015-01-01", "2018-12-31"),
             ended: int = 0, born=(1980, 1998)) -> list[dict]:
    """n current community workers (role staff) on a residents' committee, plus `ended` who left."""
    rng = L.rng
    people = []
    for _ in range(n):
        p = L.person(party=rng.random() < 0.45, born=born, female=0.65)
        L.post(p, rc, "staff", rdate(rng, *prev) if rng.random() < 0.5 else rdate(rng, *cur))
        people.append(p)
    for _ in range(ended):
        p = L.person(party=rng.random() < 0.4, born=born, female=0.65)
        st = rdate(rng, *prev)
        L.post(p, rc, "staff", st, rdate(rng, max(st, cur[0]), cur[1]))
    return people


# =============================================================================================
# shijiu — seed 000: 日照市东港区石臼街道, batches 1–2 of the 村改居 merger dated, the 9 of batch 3 (2021-12-05) to replay
# =============================================================================================
# 三个批次: batches 1 and 2 (dates synthetic; seed 000 gives none) abolished the 7 other 村改居 communities, each merged
# into the city community it borders; batch 3 is the meeting of 2021-12-05 (scenarios/cun_gai_ju_merger.toml)
SJ_BATCH1, SJ_BATCH2, SJ_BATCH3 = "2021-07-20", "2021-09-26", "2021-12-05"
SJ_EARLIER_MERGES = [("sj-c17", "sj-c03", SJ_BATCH1), ("sj-c18", "sj-c04", SJ_BATCH1), ("sj-c19", "sj-c05", SJ_BATCH1),
                     ("sj-c20", "sj-c06", SJ_BATCH1), ("sj-c21", "sj-c07", SJ_BATCH2), ("sj-c22", "sj-c01", SJ_BATCH2),
                     ("sj-c23", "sj-c02", SJ_BATCH2)]


def build_shijiu() -> Ledger:
    L = Ledger("sj", 20211205)
    rng = L.rng
    CUR, PREV = ("2021-03-01", "2021-05-31"), ("2018-03-01", "2018-05-31")
    L.add("districts", id="sj-d1", name="东港区")
    S = L.add("streets", id="sj-s1", name="石臼街道", district_id="sj-d1", households="", population="")
    WC = L.porg("sj-po-s1", "石臼街道党工委", "working_committee", territory=S)

    urban = ["东升", "秀湖", "碧海", "幸福", "海港", "望海", "新港"]
    conv = ["振兴", "隆华", "东湖", "海滨", "渔港", "南岭", "北山", "中盛", "华林",
            "海丰", "兴港", "前进", "富民", "崮山", "卧龙", "海曲"]
    # the third batch (2021-12-05, the meeting of seed 000): 9 communities, two of them 原中盛社区 and 原华林社区
    merge = {"振兴": "东升", "隆华": "秀湖", "东湖": "东升", "海滨": "碧海", "渔港": "碧海", "南岭": "幸福",
             "北山": "幸福", "中盛": "东升", "华林": "秀湖"}
    cid = {}
    for i, n in enumerate(urban + conv):
        cid[n] = f"sj-c{i + 1:02d}"
    for n in urban:
        community(L, cid[n], n + "社区", S, "urban", merge_into="")
    for n in conv:
        community(L, cid[n], n + "社区", S, "converted", merge_into=cid.get(merge.get(n, ""), ""))

    lay = {}
    urban_grids = [6, 5, 6, 5, 4, 5, 4]
    urban_big = [[2], [], [2, 3], [], [], [2], []]
    for n, g, b in zip(urban, urban_grids, urban_big):
        lay[n] = layout(L, cid[n], g, style="urban", big=b, outliers=1 if n in ("碧海", "望海") else 0)
    conv_grids = [4, 3, 3, 2, 3, 2, 3, 2, 3, 3, 2, 2, 3, 2, 2, 3]
    for j, (n, g) in enumerate(zip(conv, conv_grids)):
        lay[n] = layout(L, cid[n], g, style="converted", big=[2] if n in ("振兴", "海丰", "卧龙") else [],
                        outliers=1 if n in ("南岭", "前进") else 0)

    # --- community adjacency ---
    for a, b in zip(urban, urban[1:]):
        L.adj(cid[a], cid[b])
    for j, n in enumerate(conv):
        if n in merge:
            L.adj(cid[n], cid[merge[n]])
        else:
            L.adj(cid[n], cid[urban[j % len(urban)]])
        if j:
            L.adj(cid[n], cid[conv[j - 1]])
    # --- boundary zones ---
    boundary_zone(L, cid["幸福"], cid["南岭"], "governed", S, 46, parent=lay["幸福"]["grids"][-1])
    boundary_zone(L, cid["碧海"], cid["海丰"], "unassigned", S, 38)
    boundary_zone(L, cid["秀湖"], cid["隆华"], "contested", S, 62)

    # --- resident units (驻区单位) ---
    specs = [("日照港集团第一港务公司", cid["海港"], {}), ("石臼派出所", S, {}), ("东港区第二实验小学", cid["幸福"], {}),
             ("日照市海洋渔业研究所", cid["碧海"], {}), ("国网日照供电公司石臼供电所", cid["东升"], {}),
             ("石臼街道社区卫生服务中心", cid["秀湖"], {}), ("日照银行石臼支行", cid["望海"], {}),
             ("日照海事局石臼海事处", cid["新港"], {}), ("中国邮政石臼营业所", cid["东升"], {}),
             ("东港区石臼中学", cid["振兴"], {})]
    ru = resident_units(L, specs, start=("2016-01-01", "2020-12-31"))
    # 大工委: three part-time members from resident units
    street_cadres(L, WC, sec_start="2019-08-15", prev=("2016-06-01", "2018-12-31"),
                  part_time=[ru[0]["secretary"], ru[1]["secretary"], ru[4]["secretary"]])

    # --- the communities' bodies ---
    rates_u = [0.22, 0.30, 0.42, 0.25, 0.36, 0.50, 0.20]
    yjt_u = [False, False, True, False, False, False, False]
    rates_c = [0.75, 0.60, 0.55, 0.70, 0.45, 0.80, 0.65, 0.50, 0.60, 0.40, 0.70, 0.55, 0.35, 0.62, 0.78, 0.50]
    yjt_c = [True, True, False, True, True, True, False, True, True, False, True, False, True, True, False, True]
    pt_plan = {"东升": [0, 4], "秀湖": [5, 8, 2], "碧海": [3, 6], "海港": [0, 7], "振兴": [9]}
    porg_of_comm = {}
    all_managed = []
    for j, n in enumerate(urban + conv):
        c = cid[n]
        is_conv = n in conv
        hh_est = sum(int(L.row(a)["households"]) for a in lay[n]["compounds"] + lay[n]["villages"])
        level = "committee" if (not is_conv or hh_est > 900) else "general_branch"
        po = L.porg(f"sj-po-c{c[-2:]}", n + "社区" + ("党委" if level == "committee" else "党总支"), level,
                    parent=WC, territory=c)
        porg_of_comm[c] = po
        rc = L.unit(f"sj-u-rc{c[-2:]}", n + "社区居民委员会", "residents_committee", territory=c)
        k = conv.index(n) if is_conv else urban.index(n)
        tc = two_committees(L, po, rc, rate=(rates_c if is_conv else rates_u)[k],
                            yjt=(yjt_c if is_conv else yjt_u)[k], cur=CUR, prev=PREV)
        staff = staff_rc(L, rc, rng.randint(3, 5) if is_conv else rng.randint(6, 10), ended=rng.randint(0, 2))
        leaders = [tc["secretary"]] + tc["party"][1:3]
        gap = 1 if n in ("秀湖", "望海", "渔港", "富民", "崮山") else 0
        grid_posts(L, lay[n]["grids"], leaders, staff, gap=gap)
        for idx in pt_plan.get(n, []):
            L.post(ru[idx]["secretary"], po, "part_time_member", rdate(rng, "2019-06-01", "2021-06-30"), part_time=True)
        if is_conv:
            # 股份经济合作社 + its party org + 理事会; 居务监督委员会
            m = conv.index(n) + 1
            coop = L.unit(f"sj-u-coop{m:02d}", n + "股份经济合作社", "cooperative", territory=c)
            lvl = "general_branch" if n in ("振兴", "海丰") else "branch"
            cpo = L.porg(f"sj-po-u-coop{m:02d}", n + "股份经济合作社" + ("党总支" if lvl == "general_branch" else "党支部"),
                         lvl, parent=po, unit=coop)
            same = rng.random() < 0.6
            csec = tc["secretary"] if same else L.person(party=True, born=(1962, 1980))
            L.post(csec, cpo, "secretary", rdate(rng, *PREV), part_time=same)
            L.post(tc["party"][-1], cpo, "member", rdate(rng, *PREV), part_time=True)   # 组织委员
            L.post(L.person(party=True, born=(1958, 1978)), cpo, "member", rdate(rng, *PREV))
            head = tc["secretary"] if rng.random() < 0.65 else csec
            L.post(head, coop, "director", rdate(rng, *PREV), part_time=True)          # 理事长
            L.post(tc["rc"][1], coop, "deputy_director", rdate(rng, *PREV), part_time=True)
            for _ in range(rng.randint(2, 4)):
                L.post(L.person(party=rng.random() < 0.6, born=(1955, 1985)), coop, "member", rdate(rng, *PREV))
            if rng.random() < 0.5:  # a former director of the 理事会 who stepped down
                L.post(L.person(party=True, born=(1948, 1960)), coop, "director", "2015-04-01",
                       rdate(rng, "2018-01-01", "2018-03-31"))
            sv = L.unit(f"sj-u-sv{m:02d}", n + "社区居务监督委员会", "supervisory_committee", territory=c)
            L.post(L.person(party=True, born=(1955, 1975)), sv, "director", rdate(rng, *CUR))
            for _ in range(2):
                L.post(L.person(party=rng.random() < 0.5, born=(1955, 1985)), sv, "member", rdate(rng, *CUR))
            for v in lay[n]["villages"]:
                if rng.random() < 0.5:
                    vb = L.porg(f"sj-po-{v.split('-', 1)[1]}", L.row(v)["name"] + "党支部", "branch", parent=po,
                                territory=v)
                    L.post(L.person(party=True, born=(1955, 1975)), vb, "secretary", rdate(rng, *PREV))
            chain_variety(L, lay[n]["compounds"], lambda a: porg_of_comm[community_of(L, a)], share=0.35)
        else:
            chain_variety(L, lay[n]["compounds"], lambda a: porg_of_comm[community_of(L, a)], share=0.55)
            managed = [a for a in lay[n]["compounds"] if int(L.row(a)["households"]) >= 120]
            all_managed += managed
            for a in managed[:2]:
                owners_committee(L, a, start=("2019-01-01", "2021-06-30"),
                                 sanwei=tc["shared"][-1] if rng.random() < 0.5 else None)
    property_companies(L, all_managed, 6, [0, 2, 3], lambda a: porg_of_comm[community_of(L, a)], city="日照")

    # --- 双报到 ---
    for k, r in enumerate(ru[:7]):
        terr = L.row(r["unit"])["territory_id"]
        target = terr if L.kind(terr) == "communities" else cid["东升"]
        L.report(r["porg"] if k % 3 else r["unit"], target, rdate(rng, "2019-03-01", "2021-06-30"))
    for n in urban[:5]:
        for _ in range(rng.randint(5, 10)):
            L.report(L.use(L.person(party=True, born=(1950, 1995))), cid[n], rdate(rng, "2019-03-01", "2021-09-30"))
    # --- 挂点联系 ---
    leaders = [L.person(party=True, born=(1966, 1976)) for _ in range(3)]
    L.liaison(leaders[0], S, "2021-01-10")
    L.liaison(leaders[1], cid["振兴"], "2021-02-20")
    L.liaison(leaders[1], cid["东升"], "2021-02-20")
    L.liaison(leaders[2], cid["隆华"], "2021-02-20")
    L.finalize_households()
    return L


# =============================================================================================
# Reading back and checking (pandas)
# =============================================================================================
POST_CUR = "start <= as_of and (end empty or end > as_of)"


class Q:
    """A ledger folder read back with pandas, with the lookups the figures use."""

    def __init__(self, folder: Path, day: str | None = None):
        self.folder = folder
        self.df = {t: pd.read_csv(folder / f"{t}.csv", dtype=str, keep_default_na=False) for t in SCHEMA}
        if (folder / "subordination.csv").exists():   # dated extra SUBORDINATE_TO rows (石臼's earlier merges)
            self.df["subordination"] = pd.read_csv(folder / "subordination.csv", dtype=str, keep_default_na=False)
        if day is not None:
            self.df = snapshot(self.df, day)
        self.t = {t: df.to_dict("records") for t, df in self.df.items()}
        self.kind: dict[str, str] = {}
        self.row: dict[str, dict] = {}
        for t in NODE_TABLES:
            for r in self.t[t]:
                self.kind[r["id"]] = t
                self.row[r["id"]] = r

    # -- generic lookups ----------------------------------------------------------------------
    def rows(self, table: str, **eq) -> list[dict]:
        return [r for r in self.t[table] if all(r.get(k, "") == v for k, v in eq.items())]

    def current(self, d: str, **eq) -> list[dict]:
        return [p for p in self.rows("posts", **eq) if p["start"] <= d and (p["end"] == "" or p["end"] > d)]

    def holders(self, body: str, roles: set[str] | None, d: str) -> set[str]:
        return {p["cadre_id"] for p in self.current(d, body_id=body) if roles is None or p["role"] in roles}

    def community_porgs(self, c: str) -> list[str]:
        return [o["id"] for o in self.t["party_orgs"] if o["territory_id"] == c and o["unit_id"] == ""
                and o["level"] in ("committee", "general_branch")]

    def rcs(self, c: str) -> list[str]:
        return [u["id"] for u in self.t["units"] if u["kind"] == "residents_committee" and u["territory_id"] == c]

    def community_of(self, tid: str) -> str:
        cur = tid
        for _ in range(20):
            k = self.kind.get(cur)
            if k == "communities":
                return cur
            if k == "grids":
                cur = self.row[cur]["community_id"]
            elif k == "areas":
                cur = self.row[cur]["parent_id"]
            else:
                return ""
            if not cur:
                return ""
        return ""

    def street_of(self, c: str) -> str:
        return self.row[c]["street_id"] if c in self.row else ""

    # -- indicators used by several samples ---------------------------------------------------
    def cross_rate(self, c: str, d: str) -> float | None:
        P = set().union(*[self.holders(o, {"secretary", "deputy_secretary", "member"}, d) for o in self.community_porgs(c)]) \
            if self.community_porgs(c) else set()
        R = set().union(*[self.holders(u, {"director", "deputy_director", "member"}, d) for u in self.rcs(c)]) \
            if self.rcs(c) else set()
        if not P or not R:
            return None
        return round(len(P & R) / len(P | R), 4)

    def yijiantiao(self, c: str, d: str) -> bool:
        S = set().union(set(), *[self.holders(o, {"secretary"}, d) for o in self.community_porgs(c)])
        D = set().union(set(), *[self.holders(u, {"director"}, d) for u in self.rcs(c)])
        return bool(S & D)

    def compounds(self) -> list[dict]:
        return self.rows("areas", kind="compound")

    def compound_branch(self, a: str) -> list[str]:
        return [o["id"] for o in self.t["party_orgs"] if o["level"] == "branch" and o["unit_id"] == ""
                and o["territory_id"] == a]

    def compound_org(self, a: str) -> list[str]:
        """Party organisations of the compound itself, of any compound level (小区党支部, 党总支, 小区党委), not a unit's."""
        orgs = {o["id"] for o in self.t["party_orgs"]
                if o["level"] in ("branch", "general_branch", "committee") and o["unit_id"] == ""}
        direct = [o for o in orgs if self.row[o]["territory_id"] == a]
        return sorted(set(direct) | {e["body_id"] for e in self.t["covers"] if e["body_id"] in orgs and e["territory_id"] == a})

    def managed(self, a: str) -> bool:
        """A property company's territory_id or a covers row reaches the compound (物业小区)."""
        pcs = {u["id"] for u in self.rows("units", kind="property_company")}
        return any(self.row[u]["territory_id"] == a for u in pcs) or any(
            e["body_id"] in pcs and e["territory_id"] == a for e in self.t["covers"])

    def claims(self, area: str) -> list[str]:
        """Communities claiming an area: through parent_id and through contains rows."""
        out = []
        r = self.row[area]
        if r["parent_id"]:
            out.append(self.community_of(r["parent_id"]))
        for e in self.t["contains"]:
            if e["child_id"] == area and self.kind.get(e["parent_id"]) in ("communities", "grids", "areas"):
                out.append(self.community_of(e["parent_id"]))
        return sorted({c for c in out if c})

    def chain_complete(self, building: str) -> bool:
        comp = self.row[building]["parent_id"]
        if self.kind.get(comp) != "areas" or self.row[comp]["kind"] != "compound":
            return False
        comm = self.community_of(comp)
        street = self.street_of(comm)
        po = {o["id"]: o for o in self.t["party_orgs"]}
        for h in self.rows("party_orgs", level="household", territory_id=building):
            g = po.get(h["parent_id"])
            if not g or g["level"] != "group" or g["territory_id"] != building:
                continue
            b = po.get(g["parent_id"])
            if not b or b["level"] != "branch" or b["territory_id"] != comp or b["unit_id"]:
                continue
            c = po.get(b["parent_id"])
            if not c or c["level"] not in ("committee", "general_branch") or c["territory_id"] != comm:
                continue
            w = po.get(c["parent_id"])
            if w and w["level"] == "working_committee" and w["territory_id"] == street:
                return True
        return False


def _exists(df: pd.DataFrame, day: str) -> pd.Series:
    """Rows existing on ``day`` by their ``start`` / ``end`` columns (成立 / 撤销; half-open, empty = open)."""
    ok = pd.Series(True, index=df.index)
    if "start" in df.columns:
        ok &= (df["start"] == "") | (df["start"] <= day)
    if "end" in df.columns:
        ok &= (df["end"] == "") | (df["end"] > day)
    return ok


def snapshot(df: dict[str, pd.DataFrame], day: str) -> dict[str, pd.DataFrame]:
    """A ledger's tables as they stood on ``day`` (dated structure, the rule of orggraph.rules.exists_mask).

    Territories and bodies not existing that day go, and so does every row referring to them; a dated
    ``contains`` / ``covers`` row holding that day becomes the child's parent column (areas.parent_id,
    a body's territory_id), as the library's snapshot does. Independent of orggraph on purpose.
    """
    out = dict(df)
    gone: set[str] = set()
    for t in ("communities", "grids", "areas", "party_orgs", "units"):
        ok = _exists(df[t], day)
        gone |= set(df[t].loc[~ok, "id"])
        out[t] = df[t][ok].reset_index(drop=True)
    for t in ("contains", "covers"):
        f = df[t]
        dated = pd.Series(False, index=f.index)
        for c in ("start", "end"):
            if c in f.columns:
                dated |= f[c] != ""
        f = f[_exists(f, day)]
        a, b = ("parent_id", "child_id") if t == "contains" else ("body_id", "territory_id")
        f = f[~f[a].isin(gone) & ~f[b].isin(gone)]
        dated = dated.reindex(f.index, fill_value=False)
        # the first dated link of each child / body holding that day becomes its parent column; further claims stay rows
        child, parent = (b, a) if t == "contains" else (a, b)
        table0 = [("areas", "parent_id"), ("grids", "community_id")] if t == "contains" else \
            [("party_orgs", "territory_id"), ("units", "territory_id")]
        has = {i for tt, col0 in table0 for i, v in zip(out[tt]["id"], out[tt][col0]) if v}
        first = pd.Series(False, index=f.index)
        for ix in f.index[dated.to_numpy(dtype=bool)]:
            if f.at[ix, child] not in has:
                has.add(f.at[ix, child])
                first[ix] = True
        out[t] = f[~first][[a, b]].reset_index(drop=True)
        links = dict(zip(f.loc[first, child], f.loc[first, parent]))
        for tt, col in table0:
            g = out[tt].copy()
            hit = g["id"].isin(list(links))
            g.loc[hit, col] = g.loc[hit, "id"].map(links)
            out[tt] = g
    for t, cols in (("posts", ["body_id"]), ("reports", ["community_id"]), ("liaisons", ["territory_id"]),
                    ("adjacency", ["a_id", "b_id"]), ("grids", ["community_id"])):
        f = out[t]
        for c in cols:
            f = f[~f[c].isin(gone)]
        out[t] = f.reset_index(drop=True)
    for t, col in (("party_orgs", "territory_id"), ("units", "territory_id"), ("party_orgs", "parent_id"),
                   ("units", "parent_id"), ("areas", "parent_id")):
        f = out[t].copy()
        f.loc[f[col].isin(gone), col] = ""
        out[t] = f
    if "subordination" in df:   # a dated SUBORDINATE_TO row holding that day gives a body whose parent is gone its parent
        f = df["subordination"]
        f = f[_exists(f, day) & ~f["parent_id"].isin(gone)]
        links = dict(zip(f["body_id"], f["parent_id"]))
        for t in ("party_orgs", "units"):
            g = out[t].copy()
            hit = g["id"].isin(list(links)) & (g["parent_id"] == "")
            g.loc[hit, "parent_id"] = g.loc[hit, "id"].map(links)
            out[t] = g
    return out


HOW = {
    "current": "a post counts when it is current at as_of: start <= as_of and (end empty or end > as_of)",
    "porg": "a community's party org = party_orgs row with level committee or general_branch, unit_id empty, "
            "territory_id = the community",
    "rc": "a community's 居委会 = units row kind residents_committee with territory_id = the community",
}


def generic_figures(q: Q, as_of: str) -> dict[str, tuple]:
    """Synthetic audit figures computed the same way for every sample: name -> (value, how)."""
    comms = [c["id"] for c in q.t["communities"]]
    out: dict[str, tuple] = {}
    rates = {c: q.cross_rate(c, as_of) for c in comms}
    rates = {c: r for c, r in rates.items() if r is not None}
    out["cross_rates"] = (rates, (
        "object {community id: 两委 cross-appointment rate}, for communities having both bodies; rate = |P∩R| / |P∪R| "
        "(rounded to 4 decimals) where P = distinct cadre_id of current posts with role secretary, deputy_secretary or "
        "member on the community's party org(s) (party_orgs level committee/general_branch, unit_id empty, territory_id = "
        "community) and R = distinct cadre_id of current posts with role director, deputy_director or member on its "
        "residents_committee unit(s) (territory_id = community); part_time_member, staff, zone_manager and grid posts "
        "are NOT counted; current = start <= as_of and (end empty or end > as_of)"))
    out["yijiantiao_communities"] = (sum(q.yijiantiao(c, as_of) for c in comms), (
        "count of communities where some cadre holds a current secretary post on the community's party org "
        "(level committee/general_branch, unit_id empty, territory_id = community) and a current director post on its "
        "residents_committee unit (territory_id = community)"))
    out["compounds_without_branch"] = (sum(1 for a in q.compounds() if not q.compound_branch(a["id"])), (
        "count of areas with kind compound having no party_orgs row with level branch, unit_id empty and territory_id "
        "= the compound (property-company branches have unit_id set and territory_id empty, so never count)"))
    out["compounds_without_org"] = (sum(1 for a in q.compounds() if not q.compound_org(a["id"])), (
        "count of areas with kind compound having no party_orgs row of level branch, general_branch or committee with "
        "unit_id empty whose territory_id is the compound or a covers row links it to the compound"))
    managed = [a for a in q.compounds() if q.managed(a["id"])]
    out["managed_compounds_with_org"] = (
        [sum(1 for a in managed if q.compound_org(a["id"])), len(managed)], (
            "[managed compounds having an organisation as in compounds_without_org, managed compounds]; managed = a "
            "units row of kind property_company has territory_id = the compound or a covers row links it"))
    gw = {p["body_id"] for p in q.current(as_of, role="grid_worker") if p["part_time"] != "true"}
    out["grids_without_current_grid_worker"] = (sum(1 for g in q.t["grids"] if g["id"] not in gw), (
        "count of grids with no current full-time post (role grid_worker, part_time not true, body_id = the grid); "
        "part-time (兼职) 网格员 do not staff a grid for 网格员配备率"))
    pcb = {o["unit_id"] for o in q.t["party_orgs"] if o["unit_id"]}
    out["property_companies_without_branch"] = (
        sum(1 for u in q.rows("units", kind="property_company") if u["id"] not in pcb),
        "count of units kind property_company that no party_orgs row names in unit_id")
    npt = 0
    for c in comms:
        pos = q.community_porgs(c)
        if not any(q.current(as_of, body_id=o, role="part_time_member") for o in pos):
            npt += 1
    out["communities_without_part_time_member"] = (npt, (
        "count of communities whose party org (level committee/general_branch, unit_id empty, territory_id = "
        "community; none counts as none) has no current post with role part_time_member"))
    org_unit = {o["id"]: o["unit_id"] for o in q.t["party_orgs"]}
    reported_units = set()
    unit_reported_comm = set()
    for r in q.t["reports"]:
        k = q.kind.get(r["reporter_id"])
        if k == "units":
            reported_units.add(r["reporter_id"])
        elif k == "party_orgs" and org_unit.get(r["reporter_id"]):
            reported_units.add(org_unit[r["reporter_id"]])
        if k in ("units", "party_orgs"):
            unit_reported_comm.add(r["community_id"])
    out["resident_units_not_reporting"] = (
        sum(1 for u in q.rows("units", kind="resident_unit") if u["id"] not in reported_units),
        "count of units kind resident_unit such that no reports row has reporter_id = the unit or a party_orgs row "
        "whose unit_id is the unit (reports of any date)")
    out["communities_without_unit_report"] = (sum(1 for c in comms if c not in unit_reported_comm), (
        "count of communities that are not the community_id of any reports row whose reporter_id is a unit or a "
        "party_org (reports by cadres do not count)"))
    rc_terr = {u["territory_id"] for u in q.rows("units", kind="residents_committee")}
    rc_ids = {u["id"] for u in q.rows("units", kind="residents_committee")}
    rc_cov = {e["territory_id"] for e in q.t["covers"] if e["body_id"] in rc_ids}
    big = [a for a in q.compounds() if int(a["households"]) >= 500]
    out["compounds_500_plus"] = (len(big), "count of areas kind compound with households >= 500")
    out["compounds_500_without_own_rc"] = (
        sum(1 for a in big if a["id"] not in rc_terr and a["id"] not in rc_cov),
        "count of areas kind compound with households >= 500 such that no residents_committee unit has territory_id "
        "= the compound and no covers row links a residents_committee (body_id) to the compound (territory_id)")
    un = [a for a in q.t["areas"] if not q.claims(a["id"])]
    out["unassigned_areas"] = (len(un), (
        "count of areas with no claiming community: parent_id empty and no contains row whose parent_id is a "
        "community, grid or area (they are contained by a street only)"))
    out["contested_areas"] = (sum(1 for a in q.t["areas"] if len(q.claims(a["id"])) >= 2), (
        "count of areas claimed by two or more distinct communities, a claim being the community reached from "
        "parent_id or from the parent_id of a contains row (walking grid -> community_id, area -> parent_id)"))
    blds = q.rows("areas", kind="building")
    full = [b for b in blds if q.chain_complete(b["id"])]
    out["buildings_with_complete_chain"] = (len(full), (
        "count of areas kind building with a party_orgs household (territory_id = building) whose parent is a group "
        "(territory_id = building) whose parent is a branch (unit_id empty, territory_id = the building's compound) "
        "whose parent is a committee/general_branch with territory_id = the community containing the compound, "
        "whose parent is a working_committee with territory_id = that community's street"))
    out["compounds_with_complete_chain"] = (len({q.row[b["id"]]["parent_id"] for b in full}), (
        "count of distinct compounds (parent_id) of the buildings counted in buildings_with_complete_chain"))
    out["grids_outside_200_400_households"] = (
        sum(1 for g in q.t["grids"] if g["households"] and not 200 <= int(g["households"]) <= 400),
        "count of grids with households < 200 or > 400 (the ~300-household norm with a generous tolerance)")
    return out


def validate(folder: Path, as_of: str) -> Q:
    """Structural checks of a ledger folder; raises SystemExit on the first class of errors."""
    errs: list[str] = []
    for t, cols in SCHEMA.items():
        f = folder / f"{t}.csv"
        if not f.exists():
            raise SystemExit(f"{folder}: missing {t}.csv")
        hdr = next(csv.reader(open(f, encoding="utf-8")))
        if hdr[:len(cols)] != cols:
            errs.append(f"{t}: header {hdr[:len(cols)]} != {cols}")
    q = Q(folder, as_of)
    seen: dict[str, str] = {}
    for t in NODE_TABLES:
        for r in q.t[t]:
            i = r["id"]
            if i in seen:
                errs.append(f"duplicate id {i} in {t} and {seen[i]}")
            seen[i] = t
            if not i.isascii() or " " in i or not i:
                errs.append(f"bad id {i!r}")
            if not r["name"]:
                errs.append(f"{i}: empty name")
    for (t, col), allowed in REFS.items():
        for r in q.t[t]:
            v = r[col]
            if v == "":
                if (t, col) not in OPTIONAL_REFS:
                    errs.append(f"{t}.{col} empty in {r}")
                continue
            if seen.get(v) not in allowed:
                errs.append(f"{t}.{col}={v} -> {seen.get(v)} not in {allowed}")
    enum = [("communities", "kind", COMMUNITY_KINDS), ("areas", "kind", AREA_KINDS), ("party_orgs", "level", LEVELS),
            ("units", "kind", UNIT_KINDS), ("posts", "role", ROLES), ("posts", "part_time", {"true", "false"}),
            ("cadres", "party_member", {"true", "false"}), ("cadres", "gender", {"男", "女"})]
    for t, col, vals in enum:
        for r in q.t[t]:
            if r[col] not in vals:
                errs.append(f"{t}.{col}={r[col]!r}")
    phones = set()
    for r in q.t["cadres"]:
        ph = r["phone"]
        if not (len(ph) == 11 and ph.isdigit() and ph[0] == "1") or ph in phones:
            errs.append(f"phone {ph} of {r['id']}")
        phones.add(ph)
        if r["name"] in REAL_NAMES:
            errs.append(f"real name used: {r['name']}")
        if not 1920 <= int(r["birth_year"]) <= 2005:
            errs.append(f"birth_year {r}")

    def isodate(s):
        try:
            return date.fromisoformat(s).isoformat() == s
        except ValueError:
            return False

    for r in q.t["posts"]:
        if not isodate(r["start"]) or (r["end"] and (not isodate(r["end"]) or r["end"] < r["start"])):
            errs.append(f"post dates {r}")
        if r["role"] in ("secretary", "deputy_secretary", "member") and q.kind[r["body_id"]] == "party_orgs" \
                and q.row[r["cadre_id"]]["party_member"] != "true":
            errs.append(f"non-party member in party org: {r}")
    for t, col in (("reports", "date"), ("liaisons", "start")):
        for r in q.t[t]:
            if not isodate(r[col]):
                errs.append(f"{t}.{col} {r}")
    # a ledger kept at as_of records nothing later than as_of
    for t, cols in (("posts", ("start", "end")), ("reports", ("date",)), ("liaisons", ("start",)),
                    ("party_orgs", ("founded", "start"))):
        for r in q.t[t]:
            for col in cols:
                if r.get(col, "") > as_of:
                    errs.append(f"{t}.{col} after as_of {as_of}: {r}")
    keys = [tuple(r.values()) for r in q.t["posts"]]
    if len(keys) != len(set(keys)):
        errs.append("duplicate post rows")
    pairs = set()
    for r in q.t["adjacency"]:
        k = tuple(sorted((r["a_id"], r["b_id"])))
        if k[0] == k[1] or k in pairs:
            errs.append(f"adjacency {k}")
        pairs.add(k)
    # acyclic parents
    for t, col in (("areas", "parent_id"), ("party_orgs", "parent_id"), ("units", "parent_id"), ("grids", "parent_grid_id")):
        par = {r["id"]: r[col] for r in q.t[t]}
        for i in par:
            cur, n = i, 0
            while par.get(cur):
                cur, n = par[cur], n + 1
                if n > 30:
                    errs.append(f"cycle in {t}.{col} at {i}")
                    break
    # household sums
    hh_under: dict[str, int] = {}
    for a in q.t["areas"]:
        if a["parent_id"]:
            hh_under[a["parent_id"]] = hh_under.get(a["parent_id"], 0) + int(a["households"])
    for a in q.t["areas"]:
        if a["kind"] == "compound" and a["id"] in hh_under and hh_under[a["id"]] != int(a["households"]):
            errs.append(f"compound {a['id']} households != sum of buildings")
    for g in q.t["grids"]:
        if g.get("compound_area", "") or g.get("cooperative_id", ""):   # a cooperative's 二级网格 holds no areas
            continue
        if hh_under.get(g["id"], 0) != int(g["households"]):
            errs.append(f"grid {g['id']} households {g['households']} != areas {hh_under.get(g['id'], 0)}")
    for c in q.t["communities"]:
        tot = hh_under.get(c["id"], 0) + sum(hh_under.get(g["id"], 0) for g in q.rows("grids", community_id=c["id"]))
        if tot != int(c["households"]):
            errs.append(f"community {c['id']} households {c['households']} != {tot}")
        if not 2.4 <= int(c["population"]) / max(1, int(c["households"])) <= 3.1:
            errs.append(f"community {c['id']} population/households")
    for s in q.t["streets"]:
        tot = sum(int(c["households"]) for c in q.rows("communities", street_id=s["id"]))
        tot += sum(int(q.row[e["child_id"]]["households"]) for e in q.rows("contains", parent_id=s["id"])
                   if q.kind.get(e["child_id"]) in ("areas", "grids") and not q.row[e["child_id"]].get("compound_area"))
        if tot != int(s["households"]):
            errs.append(f"street {s['id']} households")
    if errs:
        raise SystemExit(f"{folder}: {len(errs)} problems, e.g.\n  " + "\n  ".join(errs[:25]))
    return q


# =============================================================================================
# dongcheng — seed 001: 东城街道 after 居站分设 (2010), and the 17-committee state before it
# =============================================================================================
DC_AS_OF, DC_BEFORE_AS_OF = "2010-12-31", "2009-12-31"
# stations: list of (type, grids); K = a kept community, A = a community that is one 500+ compound,
# B = a new community of several smaller compounds.  Station 2 is deliberately understaffed,
# station 7 deliberately oversized (the two norm violations check_norms should find).
DC_PLAN = [
    [("B", 10)],
    [("K", 4), ("A", 2), ("B", 4)],
    [("K", 4), ("A", 3), ("B", 4), ("A", 2)],
    [("A", 2), ("B", 5), ("A", 3), ("B", 4)],
    [("K", 5), ("A", 4), ("B", 4), ("A", 2)],
    [("A", 3), ("B", 5), ("A", 2), ("B", 6)],
    [("A", 3), ("B", 6), ("A", 4), ("B", 5), ("A", 5)],
    [("B", 5), ("A", 2), ("B", 4), ("A", 3)],
]
DC_SPLITS = [3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1]     # 14 old committees -> 26 new ones
DC_KEPT = ["安宁", "辽河", "东风"]
DC_OLD = ["东城", "建设", "胜利", "光明", "人民", "新华", "和平", "解放", "友谊", "团结", "红旗", "向阳", "文化", "工农"]
DC_NEW_B = ["春华", "秋实", "惠民", "安康", "兴隆", "振华", "丰收", "长虹", "永丰", "德胜", "益民", "利民"]


def zone_managers_for(hh: int, mode: str) -> int:
    """One 片区管理员 per 300-400 households; 'under' = the understaffed station, 'lean' = the oversized
    one (as few as the norm allows)."""
    if mode == "under":
        return max(1, hh // 400)
    if mode == "lean":
        return max(1, -(-hh // 400))
    return max(1, round(hh / 350))


def build_dongcheng() -> tuple[Ledger, Ledger]:
    for attempt in range(400):
        res = _dongcheng(attempt)
        if res:
            return res
    raise SystemExit("dongcheng: no layout met the station population plan")


def _dongcheng(attempt: int):
    seed = 20100301 + 7 * attempt
    pool = People("dc", seed + 11)
    A = Ledger("dc", seed, pool)            # after 居站分设
    B = Ledger("dc", seed + 3, pool)        # before
    rng = A.rng
    for L in (A, B):
        L.add("districts", id="dc-d1", name="某区（原文未具名）")
        L.add("streets", id="dc-s1", name="东城街道", district_id="dc-d1", households="", population="")
        L.porg("dc-po-s1", "东城街道党工委", "working_committee", territory="dc-s1")
    S = "dc-s1"
    gcount = [0]

    def grid_namer():
        gcount[0] += 1
        return f"dc-g{gcount[0]:03d}", f"东城街道第{gcount[0]}网格"

    # --- the 29 communities of the after state, station by station ---
    comms = []   # dicts: id, name, type, station, grids
    used_names = set(DC_KEPT) | set(DC_OLD)
    kept_i, new_i, b_i = 0, 0, 0
    for si, st in enumerate(DC_PLAN):
        for typ, ng in st:
            if typ == "K":
                cid, name = f"dc-c{kept_i + 1:02d}", DC_KEPT[kept_i] + "社区"
                kept_i += 1
                big_name = None
            else:
                cid = f"dc-c{4 + new_i:02d}"
                new_i += 1
                if typ == "A":
                    while True:
                        big_name = A.names.compound()
                        stem = big_name[:2]
                        if stem not in used_names:
                            break
                    used_names.add(stem)
                    name = stem + "社区"
                else:
                    name, big_name = DC_NEW_B[b_i] + "社区", None
                    b_i += 1
            community(A, cid, name, S, "urban", origin="kept" if typ == "K" else "new")
            lay = layout(A, cid, ng, style="urban", big=[ng] if typ == "A" else [],
                         big_names=[big_name] if big_name else None,
                         grid_range=(280, 360) if si == 6 else (300, 360) if typ == "A" else (250, 350),
                         grid_namer=grid_namer)
            comms.append({"id": cid, "name": name, "type": typ, "station": si, "lay": lay})
    new_comms = [c for c in comms if c["type"] != "K"]
    # old committees: each new community comes from one old community
    old_of = {}
    k = 0
    olds = []
    for oi, n in enumerate(DC_SPLITS):
        oid = f"dc-c{31 + oi}"
        olds.append({"id": oid, "name": DC_OLD[oi] + "社区", "children": [c["id"] for c in new_comms[k:k + n]]})
        for c in new_comms[k:k + n]:
            old_of[c["id"]] = oid
        k += n
    for c in comms:
        if c["type"] == "K":
            old_of[c["id"]] = c["id"]
    # boundary zones: an unassigned one, and one that the re-cut left contested between two new
    # communities carved out of the same old one
    a1, b1 = comms[1]["id"], comms[4]["id"]
    boundary_zone(A, a1, b1, "unassigned", S, 44)
    pair = next(o["children"][:2] for o in olds if len(o["children"]) >= 2)
    boundary_zone(A, pair[0], pair[1], "contested", S, 58)
    boundary_zone(A, comms[8]["id"], comms[9]["id"], "governed", S, 36)
    for x, y in zip(comms, comms[1:]):
        A.adj(x["id"], y["id"])

    # --- the before ledger's territory: same areas and grids, old communities ---
    for c in comms:
        if c["type"] == "K":
            r = A.row(c["id"])
            B.add("communities", id=r["id"], name=r["name"], street_id=S, kind="urban", households="",
                  population="", _pf=r["_pf"], origin="kept")
    for o in olds:
        community(B, o["id"], o["name"], S, "urban", origin="abolished")
    for g in A.tables["grids"]:
        B.add("grids", **{**g, "community_id": old_of[g["community_id"]],
                          "households": g["households"] if g.get("compound_area") else ""})
    for a in A.tables["areas"]:
        par = a["parent_id"]
        if A.index.get(par, ("",))[0] == "communities":
            par = old_of[par]
        B.add("areas", **{**a, "parent_id": par})
        B.n_area = A.n_area
    for e in A.tables["contains"]:
        par = old_of.get(e["parent_id"], e["parent_id"])
        if par != B.row(e["child_id"])["parent_id"]:
            B.contains(par, e["child_id"])
    for e in A.tables["adjacency"]:
        x, y = old_of.get(e["a_id"], e["a_id"]), old_of.get(e["b_id"], e["b_id"])
        B.adj(x, y)
    A.finalize_households()
    B.finalize_households()

    # --- stations: population plan check ---
    pops = []
    for si in range(len(DC_PLAN)):
        pops.append(sum(A.row(c["id"])["population"] for c in comms if c["station"] == si))
    for si, pop in enumerate(pops):
        if si == 6:
            if not 20100 <= pop <= 21200:
                return None
        elif not 7300 <= pop <= 19500:
            return None

    CUR, PREV, OLDT = ("2010-04-10", "2010-06-20"), ("2007-04-01", "2007-06-30"), ("2004-04-01", "2004-06-30")
    # --- before: the 14 abolished committees' 两委 and community workers ---
    old_people: dict[str, list[dict]] = {}
    old_staff: dict[str, list[dict]] = {}
    porg_b = {}
    for oi, o in enumerate(olds):
        po = B.porg(f"dc-po-c{o['id'][-2:]}", o["name"] + "党总支", "general_branch", parent="dc-po-s1",
                    territory=o["id"])
        porg_b[o["id"]] = po
        rc = B.unit(f"dc-u-rc{o['id'][-2:]}", o["name"] + "居民委员会", "residents_committee", territory=o["id"])
        tc = two_committees(B, po, rc, rate=rng.choice([0.3, 0.4, 0.5, 0.6]), yjt=rng.random() < 0.4,
                            cur=PREV, prev=OLDT)
        hh = B.row(o["id"])["households"]
        old_people[o["id"]] = list({x["id"]: x for x in tc["party"] + tc["rc"]}.values())
        old_staff[o["id"]] = staff_rc(B, rc, max(6, hh // 330), cur=("2007-01-01", "2009-06-30"),
                                      prev=("2003-01-01", "2006-12-31"), ended=rng.randint(0, 2), born=(1965, 1985))
    # --- after: kept committees (posts continue across the 2010 election), then the new ones ---
    porg_a, rc_a, tcs = {}, {}, {}
    rates = [0.25, 0.45, 0.62, 0.3, 0.5, 0.7, 0.2, 0.4, 0.33, 0.8, 0.55, 0.28, 0.6, 0.36, 0.75, 0.42, 0.22,
             0.5, 0.66, 0.3, 0.44, 0.58, 0.25, 0.7, 0.38, 0.48, 0.62, 0.2, 0.52]
    yjt = {2, 5, 9, 14, 20, 26}
    for n, c in enumerate(comms):
        cid = c["id"]
        hh = A.row(cid)["households"]
        lvl = "committee" if hh >= 1800 else "general_branch"
        po = A.porg(f"dc-po-c{cid[-2:]}", c["name"] + ("党委" if lvl == "committee" else "党总支"), lvl,
                    parent="dc-po-s1", territory=cid)
        rc = A.unit(f"dc-u-rc{cid[-2:]}", c["name"] + "居民委员会", "residents_committee", territory=cid,
                    origin="kept" if c["type"] == "K" else "new")
        porg_a[cid], rc_a[cid] = po, rc
        if c["type"] == "A":
            A.cover(rc, c["lay"]["big"][0])
        if c["type"] == "K":
            tcs[cid] = two_committees(A, po, rc, rate=rates[n], yjt=n in yjt, cur=CUR, prev=PREV, p_cont=0.5,
                                      p_pred=0.6, sizes=(5, 6))
        else:
            pool_old = old_people[old_of[cid]]
            take = [pool_old.pop(0) for _ in range(min(len(pool_old), rng.randint(1, 3)))]
            tcs[cid] = two_committees(A, po, rc, rate=rates[n], yjt=n in yjt, cur=CUR, prev=CUR, p_cont=0,
                                      p_pred=0, sizes=(4, 6), reuse=take)
    # before: the kept committees as the ledger knew them at the end of 2009
    for c in comms:
        if c["type"] != "K":
            continue
        cid = c["id"]
        B.add("party_orgs", **dict(A.row(porg_a[cid])))
        B.add("units", **{k: v for k, v in A.row(rc_a[cid]).items()})
        porg_b[cid] = porg_a[cid]
        for p in A.tables["posts"]:
            if p["body_id"] in (porg_a[cid], rc_a[cid]) and p["start"] <= DC_BEFORE_AS_OF:
                B.use(pool_by_id(A, p["cadre_id"]))
                B.edge("posts", **{**p, "end": p["end"] if p["end"] and p["end"] <= DC_BEFORE_AS_OF else ""})
        old_staff[cid] = staff_rc(B, rc_a[cid], max(6, A.row(cid)["households"] // 330),
                                  cur=("2007-01-01", "2009-06-30"), prev=("2003-01-01", "2006-12-31"),
                                  ended=1, born=(1965, 1985))
        # in the after ledger these community workers' RC posts end when they move to the station
        for p in B.tables["posts"]:
            if p["body_id"] == rc_a[cid] and p["role"] == "staff":
                A.use(pool_by_id(B, p["cadre_id"]))
                A.edge("posts", **{**p, "end": p["end"] or "2010-03-14"})

    # --- after: 8 work stations, 一站多居 ---
    for si in range(len(DC_PLAN)):
        mine = [c for c in comms if c["station"] == si]
        ws = A.unit(f"dc-u-ws{si + 1}", mine[0]["name"].replace("社区", "") + "社区工作站", "workstation", territory=S)
        for c in mine:
            A.cover(ws, c["id"])
        workers = []
        for c in mine:
            workers += old_staff.get(old_of[c["id"]], [])
        workers = list({w["id"]: w for w in workers}.values())
        rng.shuffle(workers)
        st0 = rdate(rng, "2010-03-01", "2010-03-14")
        chief = B_pick_director(B, old_of[mine[0]["id"]]) or A.person(party=True, born=(1965, 1975))
        A.post(chief, ws, "station_chief", st0)
        for c in mine:
            hh = A.row(c["id"])["households"]
            for _ in range(zone_managers_for(hh, {1: "under", 6: "lean"}.get(si, "normal"))):
                w = workers.pop() if workers else A.person(party=rng.random() < 0.4, born=(1975, 1988))
                A.post(w, ws, "zone_manager", rdate(rng, "2010-03-01", "2010-03-31"), zone=c["id"])
                c.setdefault("zm", []).append(w)
        n_zm = sum(1 for p in A.tables["posts"] if p["body_id"] == ws)
        n_staff = {1: 9, 6: 22}.get(si, rng.randint(12, 19)) - n_zm
        if n_staff < 1 or (si not in (1, 6) and n_zm + 2 > 19):
            return None
        for _ in range(n_staff):
            w = workers.pop() if workers else A.person(party=rng.random() < 0.4, born=(1975, 1990))
            A.post(w, ws, "staff", rdate(rng, "2010-03-01", "2010-03-31"))
        if si in (3, 5):   # a zone manager who left; replaced
            w = A.person(party=False, born=(1980, 1988))
            A.post(w, ws, "zone_manager", "2010-03-15", "2010-08-31", zone=mine[0]["id"])

    # --- grid workers (same posts in both ledgers): station zone managers / old RC workers ---
    grid_specs = []
    for c in comms:
        ws_people = c.get("zm", [])
        for gi, g in enumerate(c["lay"]["grids"]):
            if not ws_people:
                continue
            w = ws_people[gi % len(ws_people)]
            st = rdate(rng, "2008-01-01", "2009-06-30")
            r = rng.random()
            if r < 0.08:
                grid_specs.append((w, g, st, rdate(rng, "2009-07-01", "2009-11-30")))   # ended, not replaced
            elif r < 0.12:
                continue                                                                # never had one
            else:
                grid_specs.append((w, g, st, ""))
    for w, g, st, en in grid_specs:
        for L in (A, B):
            L.post(w, g, "grid_worker", st, en, part_time=True)

    # --- owners' committees (业委会), same units in both; 三委 cross-appointment after the election ---
    for c in comms:
        comps = c["lay"]["big"] or sorted(c["lay"]["compounds"], key=lambda a: -int(A.row(a)["households"]))[:1]
        if c["type"] != "A" and rng.random() < 0.4:
            continue
        for comp in comps:
            st = rdate(rng, "2005-01-01", "2009-10-31")
            members = [A.person(party=rng.random() < 0.4, born=(1945, 1975)) for _ in range(rng.randint(3, 5))]
            uid = f"dc-u-oc{A.next('oc'):04d}"
            for L in (A, B):
                L.unit(uid, A.row(comp)["name"] + "业主委员会", "owners_committee", territory=comp)
                L.post(members[0], uid, "director", st, part_time=True)
                for m in members[1:]:
                    L.post(m, uid, "member", st, part_time=True)
            if rng.random() < 0.65:   # a 两委 member elected to the 业委会 too (三委交叉任职)
                A.post(tcs[c["id"]]["shared"][-1], uid, "member", rdate(rng, "2010-06-21", "2010-07-31"),
                       part_time=True)

    # --- property companies (same units in both ledgers); compound branches after the reform ---
    managed = [c["lay"]["big"][0] for c in comms if c["type"] == "A"]
    managed += [max(c["lay"]["compounds"], key=lambda a: int(A.row(a)["households"])) for c in comms
                if c["type"] == "B"][:6]
    n0 = len(A.tables["units"])
    property_companies(A, managed, 6, [], lambda a: "", city="东城")
    for u in A.tables["units"][n0:]:
        B.add("units", **dict(u))
    for e in A.tables["covers"]:
        if A.row(e["body_id"])["kind"] == "property_company":
            B.cover(e["body_id"], e["territory_id"])
    pc = A.tables["units"][n0]["id"]
    b = A.porg("dc-po-u-pc01", A.row(pc)["name"] + "党支部", "branch", parent=porg_a[community_of(A, A.row(pc)["territory_id"])],
               unit=pc)
    A.post(A.person(party=True, born=(1970, 1985)), b, "secretary", "2010-09-01")
    for c in comms:
        if c["type"] == "A" and rng.random() < 0.5:
            chain_variety(A, c["lay"]["big"], lambda a: porg_a[community_of(A, a)], share=1.0,
                          start=("2010-06-21", "2010-11-30"))

    # --- resident units, part-time members, reports (synthetic) ---
    specs = [("东城街道中心小学", comms[0]["id"], {}), ("区人民医院", comms[3]["id"], {}),
             ("区供电局东城供电所", comms[7]["id"], {}), ("东城派出所", S, {}), ("区第二中学", comms[12]["id"], {}),
             ("区地税局东城分局", comms[16]["id"], {}), ("市自来水公司东城营业所", comms[20]["id"], {}),
             ("区图书馆", comms[25]["id"], {})]
    ru = resident_units(A, specs, start=("2006-01-01", "2009-12-31"))
    for r in ru:
        ur = dict(A.row(r["unit"]))
        B.add("units", **{**ur, "territory_id": old_of.get(ur["territory_id"], ur["territory_id"])})
        B.add("party_orgs", **dict(A.row(r["porg"])))
        for p in A.tables["posts"]:
            if p["body_id"] == r["porg"]:
                B.use(pool_by_id(A, p["cadre_id"]))
                B.edge("posts", **p)
    for idx, c in ((0, comms[0]), (1, comms[3]), (4, comms[12]), (1, comms[2])):
        A.post(ru[idx]["secretary"], porg_a[c["id"]], "part_time_member", rdate(rng, "2010-06-21", "2010-09-30"),
               part_time=True)
    for idx in (0, 1, 2, 4, 6):
        terr = A.row(ru[idx]["unit"])["territory_id"]
        A.report(ru[idx]["porg"], terr if terr != S else comms[5]["id"], rdate(rng, "2010-07-01", "2010-11-30"))
    B.report(ru[0]["porg"], old_of[comms[0]["id"]], "2009-05-12")
    A.report(ru[0]["porg"], comms[0]["id"], "2009-05-12")
    lead = [A.person(party=True, born=(1958, 1968)) for _ in range(2)]
    for L in (A, B):
        L.liaison(lead[0], S, "2008-03-01")
    A.liaison(lead[1], comms[1]["id"], "2010-05-01")
    return A, B


def pool_by_id(L: Ledger, pid: str) -> dict:
    return dict(L.row(pid))


def B_pick_director(B: Ledger, community: str) -> dict | None:
    """The current director of a before-ledger community's 居委会 (becomes a station chief)."""
    rc = f"dc-u-rc{community[-2:]}"
    for p in B.tables["posts"]:
        if p["body_id"] == rc and p["role"] == "director" and p["end"] == "":
            return pool_by_id(B, p["cadre_id"])
    return None


# =============================================================================================
# xiaonan — seed 002: 孝感市孝南区, after the 2020 re-cut of communities and grids
# =============================================================================================
XN_STREETS = [
    ("书院街道", ["书院", "槐荫", "府前", "文昌", "董永", "澴川", "长征", "城站", "文化", "北门", "西湖"]),
    ("新华街道", ["新华", "天仙", "乾坤", "三里棚", "沿河", "花园", "建设", "交通", "丹阳", "东正", "和平"]),
    ("广场街道", ["广场", "体育", "航天", "银湖", "金卉", "仁和", "季河", "邮电", "友谊", "光明", "凤凰"]),
    ("车站街道", ["车站", "铁路", "工农", "胜利", "振兴", "复兴", "长兴", "兴业", "三汊", "临空"]),
]
XN_NEW_COMMUNITIES = ["凤凰", "临空"]
XN_DEPTS = ["发展和改革局", "教育局", "科技和经济信息化局", "公安分局", "民政局", "司法局", "财政局", "人力资源和社会保障局",
            "自然资源和规划局", "生态环境分局", "住房和城乡建设局", "城市管理执法局", "交通运输局", "水利和湖泊局",
            "农业农村局", "商务局", "文化和旅游局", "卫生健康局", "退役军人事务局", "应急管理局", "审计局",
            "市场监督管理局", "统计局", "医疗保障局", "信访局", "政务服务和大数据管理局", "机关事务服务中心", "融媒体中心",
            "档案馆", "图书馆", "疾病预防控制中心", "妇幼保健院", "人民医院", "中医医院", "总工会", "团委", "妇联", "残联",
            "工商联", "科协", "红十字会", "税务局", "供销合作社", "城市建设投资公司", "住房公积金管理部",
            "委组织部", "委宣传部", "委统战部", "委政法委", "委编办", "委党校", "纪委监委", "委办公室", "政府办公室",
            "人大常委会办公室", "政协办公室"]


def cn_num(n: int) -> str:
    """1..99 in Chinese numerals."""
    if n <= 10:
        return "十" if n == 10 else CN_NUM[n - 1]
    t, u = divmod(n, 10)
    return ("" if t == 1 else CN_NUM[t - 1]) + "十" + ("" if u == 0 else CN_NUM[u - 1])


def xn_unit_names(rng: random.Random) -> tuple[list[str], list[str]]:
    district = [f"孝南区{d}" for d in XN_DEPTS]
    district += [f"孝南区第{cn_num(i)}小学" for i in range(1, 20)]
    district += [f"孝南区第{cn_num(i)}中学" for i in range(1, 11)]
    district += [f"孝南区{s[:2]}街道社区卫生服务中心" for s, _ in XN_STREETS]
    district += ["孝南区城市管理执法大队", "孝南区消防救援大队", "孝南区交警大队", "孝南区国有资产经营公司", "孝南区水务公司",
                 "孝南区公共交通公司", "孝南区实验幼儿园", "孝南区机关幼儿园", "孝南区特殊教育学校", "孝南区职业教育中心",
                 "孝南区经济开发区管委会"]
    city = [f"孝感市{d}" for d in XN_DEPTS]
    city += [f"孝感市第{cn_num(i)}中学" for i in range(1, 16)]
    city += [f"孝感市{x}" for x in ["中心医院", "第一人民医院", "精神卫生中心", "传染病医院", "口腔医院", "眼科医院",
                                   "体育中心", "博物馆", "群众艺术馆", "广播电视台", "日报社", "公交集团", "城投集团",
                                   "自来水公司", "燃气公司", "热力公司", "实验小学", "实验幼儿园", "职业技术学院",
                                   "特殊教育学校", "技师学院", "气象局", "水文局", "邮政管理局", "海关", "人民检察院",
                                   "中级人民法院", "消防救援支队", "公安局交通警察支队", "生态环境局"]]
    city += ["国网孝感供电公司", "中国移动孝感分公司", "中国电信孝感分公司", "中国联通孝感分公司", "中国邮政孝感分公司",
             "中国烟草孝感分公司", "湖北工程学院", "孝感农商银行"]
    for bank in ["工商银行", "农业银行", "建设银行", "中国银行", "交通银行"]:
        city += [f"{bank}孝感{s[:2]}支行" for s, _ in XN_STREETS]
    city += [f"孝感市第{cn_num(i)}小学" for i in range(1, 41)]
    city += [f"孝感市第{cn_num(i)}幼儿园" for i in range(1, 21)]
    city += [f"孝感市{x}" for x in ["粮食储备库", "公路管理局", "航道管理局", "住房保障中心", "社会福利院", "救助管理站",
                                   "劳动就业管理局", "不动产登记中心", "公共资源交易中心", "园林局", "环境卫生管理处"]]
    district = list(dict.fromkeys(district))[:100]
    city = list(dict.fromkeys(city))[:200]
    assert len(district) == 100 and len(city) == 200, (len(district), len(city))
    return district, city


def build_xiaonan() -> Ledger:
    L = Ledger("xn", 20200418, width=5)
    rng = L.rng
    CUR, PREV = ("2021-03-01", "2021-06-30"), ("2018-03-01", "2018-06-30")
    L.add("districts", id="xn-d1", name="孝南区")
    streets, wcs, comms = [], [], []
    n = 0
    for si, (sname, cnames) in enumerate(XN_STREETS):
        sid = L.add("streets", id=f"xn-s{si + 1}", name=sname, district_id="xn-d1", households="", population="")
        streets.append(sid)
        wcs.append(L.porg(f"xn-po-s{si + 1}", sname + "党工委", "working_committee", territory=sid, big="true"))
        for cn in cnames:
            n += 1
            cid = community(L, f"xn-c{n:02d}", cn + "社区", sid, "urban",
                            established="2020" if cn in XN_NEW_COMMUNITIES else "")
            comms.append(cid)
    assert len(comms) == 43
    # grids per community: 251 in all
    counts = [rng.randint(4, 8) for _ in comms]
    new_c = [c for c in comms if L.row(c)["established"] == "2020"]
    for i, c in enumerate(comms):
        if c in new_c:
            counts[i] = 5
    while sum(counts) != 251:
        i = rng.randrange(len(comms))
        if comms[i] in new_c:
            continue
        if sum(counts) > 251 and counts[i] > 4:
            counts[i] -= 1
        elif sum(counts) < 251 and counts[i] < 8:
            counts[i] += 1
    # big compounds: 6 with their own 大党委 (4-5 grids each), 10 more of 500-700 households (2 grids)
    eligible = [i for i, c in enumerate(comms) if c not in new_c and counts[i] >= 6]
    dd_idx = sorted(rng.sample(eligible, 6))
    two_idx = sorted(rng.sample([i for i in range(len(comms)) if i not in dd_idx and comms[i] not in new_c], 10))
    lay = {}
    for i, c in enumerate(comms):
        big = [rng.choice([4, 5])] if i in dd_idx else [2] if i in two_idx else []
        lay[c] = layout(L, c, counts[i], style="urban", big=big, comp_size=(25, 150),
                        outliers=1 if i % 9 == 4 else 0)
    grids = [g for c in comms for g in lay[c]["grids"]]
    assert len(grids) == 251
    new_grids = [g for c in new_c for g in lay[c]["grids"]]
    others = [g for g in grids if g not in new_grids]
    new_grids += rng.sample(others, 91 - len(new_grids))
    new_set = set(new_grids)
    for g in L.tables["grids"]:
        g["established"] = "2020" if g["id"] in new_set else ""
    # community adjacency: consecutive communities of a street, plus across streets at the ends
    for si in range(4):
        mine = [c for c in comms if L.row(c)["street_id"] == streets[si]]
        for a, b in zip(mine, mine[1:]):
            L.adj(a, b)
        for a, b in zip(mine, mine[2::3]):
            L.adj(a, b)
    for si in range(3):
        L.adj([c for c in comms if L.row(c)["street_id"] == streets[si]][-1],
              [c for c in comms if L.row(c)["street_id"] == streets[si + 1]][0])
    # boundary zones: 8 assigned in 2020, plus one still unassigned and one contested
    zone_pairs = [(comms[i], comms[i + 1]) for i in (0, 3, 6, 12, 16, 24, 28, 35)]
    for a, b in zone_pairs:
        par = a if rng.random() < 0.5 else lay[a]["grids"][-1]
        boundary_zone(L, a, b, "governed", L.row(a)["street_id"], rng.randint(20, 90), parent=par, assigned="2020")
    boundary_zone(L, comms[9], comms[10], "unassigned", L.row(comms[9])["street_id"], 47, assigned="")
    boundary_zone(L, comms[31], comms[32], "contested", L.row(comms[31])["street_id"], 66, assigned="")

    # --- resident units: 100 区直 (district) and 200 市直 (city) ---
    dnames, cnames = xn_unit_names(rng)
    specs = [(nm, rng.choice(comms) if rng.random() < 0.7 else rng.choice(streets), {"admin_level": "district", "obliged": "true"})
             for nm in dnames]
    specs += [(nm, rng.choice(comms) if rng.random() < 0.7 else rng.choice(streets), {"admin_level": "city", "obliged": ""})
              for nm in cnames]
    ru = resident_units(L, specs, start=("2016-01-01", "2021-06-30"))
    ru_d = [r for r in ru if L.row(r["unit"])["admin_level"] == "district"]
    # 大工委: 20 区直单位党政班子成员 as part-time members of the 4 street working committees
    leaders20 = []
    for r in rng.sample(ru_d, 20):
        p = L.person(party=True, born=(1966, 1982))
        L.post(p, r["unit"], "deputy_director", rdate(rng, "2016-01-01", "2020-06-30"))
        leaders20.append(p)
    k = 0
    for si, take in enumerate([6, 5, 5, 4]):
        street_cadres(L, wcs[si], sec_start=rdate(rng, "2019-01-01", "2020-12-31"), prev=("2015-01-01", "2018-12-31"),
                      part_time=leaders20[k:k + take], pt_start=("2020-05-01", "2020-12-31"))
        k += take
    # a part-time member who left the 大工委 (ended post): as-of queries see 21 at mid-2020
    gone = L.person(party=True, born=(1966, 1976))
    L.post(gone, ru_d[-1]["unit"], "director", "2015-03-01", "2021-02-28")
    L.post(gone, wcs[0], "part_time_member", "2020-05-20", "2021-02-28", part_time=True)

    # --- members who live here: the pool of 4,643 who report (双报到) ---
    hhw = [sum(int(L.row(a)["households"]) for a in lay[c]["compounds"]) for c in comms]
    reporters_posted = [r["secretary"] for r in ru[:260]] + leaders20[:10]
    n_plain = 4643 - len(reporters_posted)
    per_comm = allocate(n_plain, hhw)
    residents = {c: [L.person(party=True, born=(1940, 2000)) for _ in range(per_comm[i])] for i, c in enumerate(comms)}
    pool_idx = {c: 0 for c in comms}

    def resident(c: str) -> dict:
        lst = residents[c]
        p = lst[pool_idx[c] % len(lst)]
        pool_idx[c] += 1
        return p

    # --- communities: 两委 (大党委), staff (710 community workers), grids ---
    rates = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8]
    career = set(rng.sample(range(43), 3))
    staff_n = allocate(710, hhw)
    porg = {}
    shared_of = {}
    for i, c in enumerate(comms):
        cname = L.row(c)["name"]
        po = L.porg(f"xn-po-c{i + 1:02d}", cname + "党委", "committee", parent=wcs[streets.index(L.row(c)["street_id"])],
                    territory=c, big="true")
        porg[c] = po
        rc = L.unit(f"xn-u-rc{i + 1:02d}", cname + "居民委员会", "residents_committee", territory=c)
        new = L.row(c)["established"] == "2020"
        tc = two_committees(L, po, rc, rate=rates[(i * 5) % len(rates)], yjt=(i % 4 == 1), cur=CUR,
                            prev=("2020-06-01", "2020-08-31") if new else PREV, p_cont=0.4 if not new else 0.0,
                            p_pred=0.45 if not new else 0.0,
                            secretary_extra={"career_post": tf(i in career)})
        shared_of[c] = tc
        staff = staff_rc(L, rc, staff_n[i], cur=("2019-01-01", "2021-09-30"), prev=("2014-01-01", "2018-12-31"),
                         ended=1 if i % 3 == 0 else 0)
        grid_posts(L, lay[c]["grids"], [tc["secretary"]] + tc["party"][1:4], staff, gap=1 if i % 5 == 2 else 0,
                   cur=("2020-06-01", "2021-09-30"), prev=("2018-06-01", "2020-05-31"))
        sv = L.unit(f"xn-u-sv{i + 1:02d}", cname + "居务监督委员会", "supervisory_committee", territory=c)
        L.post(resident(c), sv, "director", rdate(rng, *CUR))
        for _ in range(2):
            L.post(resident(c), sv, "member", rdate(rng, *CUR))
    # the 6 further 大党委: big compounds (小区大党委)
    dd = []
    for i in dd_idx:
        c = comms[i]
        comp = lay[c]["big"][0]
        o = L.porg(f"xn-po-dd-{comp.split('-', 1)[1]}", L.row(comp)["name"] + "小区党委", "committee", parent=porg[c],
                   territory=comp, big="true")
        L.post(shared_of[c]["party"][1], o, "secretary", rdate(rng, "2020-04-01", "2020-12-31"), part_time=True)
        L.post(resident(c), o, "deputy_secretary", rdate(rng, "2020-04-01", "2020-12-31"))
        for _ in range(3):
            L.post(resident(c), o, "member", rdate(rng, "2020-04-01", "2020-12-31"))
        dd.append(o)
    # 263 市区两级单位党组织书记 as part-time members of 大党委 (not every 大党委 gets some)
    bodies = [porg[c] for c in comms] + dd
    no_pt = set(rng.sample([porg[c] for c in comms], 5)) | {dd[2]}
    takers = [b for b in bodies if b not in no_pt]
    share = split_int(rng, 263, len(takers), lo=2)
    secs = [r["secretary"] for r in ru]
    rng.shuffle(secs)
    secs = secs[:263]
    k = 0
    for b, m in zip(takers, share):
        for p in secs[k:k + m]:
            L.post(p, b, "part_time_member", rdate(rng, "2020-05-01", "2021-06-30"), part_time=True)
        k += m
    # one more who served and left (ended post)
    if ru[-1]["secretary"] not in secs:
        L.post(ru[-1]["secretary"], takers[0], "part_time_member", "2020-05-10", "2020-12-31", part_time=True)

    # --- compounds: 94 业委会, 656 自管委, property companies (20 with a party branch) ---
    allc = [a for c in comms for a in lay[c]["compounds"]]
    bigs = [a for c in comms for a in lay[c]["big"]]
    small = [a for a in allc if a not in bigs]
    small_sorted = sorted(small, key=lambda a: (-int(L.row(a)["households"]), a))
    oc_c = bigs + [a for a in small_sorted[:180] if rng.random() < 0.6][:94 - len(bigs)]
    assert len(oc_c) == 94, len(oc_c)
    rest = [a for a in small if a not in set(oc_c)]
    rng.shuffle(rest)
    assert len(rest) >= 656, len(rest)
    smc_c = rest[:656]
    for a in oc_c:
        c = community_of(L, a)
        sw = shared_of[c]["shared"][-1] if rng.random() < 0.15 else None
        owners_committee(L, a, start=("2020-03-01", "2021-09-30"), sanwei=sw)
    for a in smc_c:
        c = community_of(L, a)
        owners_committee(L, a, start=("2020-03-01", "2021-09-30"), kind="self_management_committee", code="sm",
                         n_members=(1, 3), people=[resident(c) for _ in range(3)])
    managed = oc_c + sorted(rest[656:], key=lambda a: a)[:25]
    property_companies(L, managed, 34, sorted(rng.sample(range(34), 20)),
                       lambda a: porg[community_of(L, a)], city="孝感", start=("2020-03-01", "2021-09-30"))

    # --- compound branches and the five-level chain ---
    made = []
    for c in comms:
        cands = [a for a in lay[c]["compounds"] if a not in lay[c]["big"]]
        for a in cands:
            if rng.random() < 0.16:
                r = rng.random()
                g, h = (rng.uniform(0.3, 0.8), rng.uniform(0.3, 0.9)) if r < 0.35 else \
                    (rng.uniform(0.3, 0.8), 0.0) if r < 0.65 else (0.0, 0.0)
                made.append(compound_chain(L, a, porg[c], groups=g, households=h, start=("2020-03-01", "2021-09-30"),
                                           secretary=resident(c)))
    # chain breaks of another kind: a branch not attached to its 大党委, a group hanging directly
    # under a community 大党委 in a compound that has no branch
    L.row(made[3])["parent_id"] = ""
    lone = next(a for a in small if not any(o["territory_id"] == a for o in L.tables["party_orgs"])
                and any(x["parent_id"] == a for x in L.tables["areas"]))
    b0 = next(x["id"] for x in L.tables["areas"] if x["parent_id"] == lone)
    g0 = L.porg(f"xn-po-grp-{b0.split('-', 1)[1]}", L.row(b0)["name"] + "党小组", "group", parent=porg[community_of(L, lone)],
                territory=b0)
    L.post(resident(community_of(L, lone)), g0, "secretary", "2020-09-01")

    # --- social organisations: 170 volunteer organisations, 48 emergency teams ---
    vol_n = split_int(rng, 170, 43, lo=2)
    em_comm = rng.sample(comms, 43)
    em_extra = rng.sample(comms, 5)
    for i, c in enumerate(comms):
        for j in range(vol_n[i]):
            u = L.unit(f"xn-u-so{L.next('so'):03d}", f"{L.row(c)['name']}{['红马甲', '夕阳红', '邻里守望', '巾帼', '青年', '银发', '四点半课堂', '文明劝导', '爱心'][j % 9]}志愿服务队"
                       + (f"（{CN_NUM[j // 9]}）" if j >= 9 else ""), "social_org", territory=c, subkind="volunteer_org")
            L.post(resident(c), u, "director", rdate(rng, "2020-03-01", "2021-09-30"), part_time=True)
    for c in em_comm + em_extra:
        k = sum(1 for u in L.tables["units"] if u.get("subkind") == "emergency_team" and u["territory_id"] == c)
        u = L.unit(f"xn-u-so{L.next('so'):03d}", f"{L.row(c)['name']}应急突击队" + ("" if k == 0 else f"第{CN_NUM[k]}分队"),
                   "social_org", territory=c, subkind="emergency_team")
        L.post(shared_of[c]["party"][-1], u, "director", rdate(rng, "2020-02-01", "2020-12-31"), part_time=True)

    # --- 双报到: 67 区直 party orgs to their partner community; 4,643 members where they live ---
    no_unit_comms = set(rng.sample(comms, 6))
    partner = [c for c in comms if c not in no_unit_comms]
    for j, r in enumerate(rng.sample(ru_d, 67)):
        c = partner[j % len(partner)]
        L.report(r["porg"], c, rdate(rng, "2020-03-15", "2021-06-30"))
    for p in reporters_posted:
        L.report(L.use(p), rng.choice(comms), rdate(rng, "2020-03-15", "2021-10-31"))
    for c in comms:
        for p in residents[c]:
            L.report(L.use(p), c, rdate(rng, "2020-03-15", "2021-10-31"))

    # --- 29 district leaders 挂点联系 streets and communities ---
    for j in range(29):
        p = L.person(party=True, born=(1964, 1978))
        st = rdate(rng, "2020-04-01", "2020-06-30")
        if j < 8:
            L.liaison(p, streets[j % 4], st)
        for c in rng.sample(comms, rng.randint(1, 2)):
            L.liaison(p, c, st)
    L.finalize_households()
    return L


# =============================================================================================
# jiaohe — seed 003: 胶河经济区, four rural communities with a 党总支 each
# =============================================================================================
JH_COMMUNITIES = {
    "立柱": ["立柱村", "东王家庄", "西王家庄", "河头村", "小李家屯", "后营村"],
    "塔桥": ["塔桥村", "石桥村", "柳树屯", "马家店", "孙家庄", "前营村", "北岭村"],
    "下泊": ["下泊村", "上泊村", "河西村", "杨家埠", "高家岭"],
    "柏乡": ["柏乡村", "东庄村", "西庄村", "刘家沟", "周家屯", "南坡村", "大河崖", "赵家庄"],
}
JH_GROUPS = ["民事调解组", "环境卫生组", "公益事业组", "服务组", "农村财务管理组", "党员志愿组"]


def build_jiaohe() -> Ledger:
    L = Ledger("jh", 20120315)
    rng = L.rng
    CUR, PREV = ("2021-01-10", "2021-03-31"), ("2018-01-10", "2018-03-31")
    L.add("districts", id="jh-d1", name="某市（原文未具名）")
    S = L.add("streets", id="jh-s1", name="胶河经济区", district_id="jh-d1", households="", population="")
    WC = L.porg("jh-po-s1", "胶河经济区党工委", "working_committee", territory=S)
    mc = L.unit("jh-u-ru001", "胶河经济区管理委员会", "resident_unit", territory=S, subkind="management_committee")
    L.counters["ru"] = 1
    offices = []
    for nm in ["党政办公室", "经济发展局", "社会事务局", "财政所", "农业服务中心", "便民服务中心"]:
        offices.append(L.unit(f"jh-u-ru{L.next('ru'):03d}", "胶河经济区" + nm, "resident_unit", territory=S, parent=mc,
                              subkind="office"))
    # 工委/管委 leadership: secretary, 2 deputies (one is 管委会主任), 5 members (two are 副主任)
    wc_people = street_cadres(L, WC, sec_start="2019-03-01", prev=("2015-01-01", "2018-06-30"), n_dep=2, n_mem=5)
    L.post(wc_people[1], mc, "director", "2018-07-01", part_time=True)
    for p in wc_people[3:6]:
        L.post(p, mc, "deputy_director", rdate(rng, "2018-01-01", "2019-06-30"), part_time=True)
    # 区机关 cadres (office staff), some of them 站所 heads
    office_staff = {o: [] for o in offices}
    for o in offices:
        head = L.person(party=True, born=(1970, 1985))
        L.post(head, o, "director", rdate(rng, "2016-01-01", "2020-06-30"))
        office_staff[o].append(head)
        for _ in range(rng.randint(3, 5)):
            p = L.person(party=rng.random() < 0.7, born=(1975, 1996))
            L.post(p, o, "staff", rdate(rng, "2014-01-01", "2021-06-30"))
            office_staff[o].append(p)
    # the potato cooperative and its 党总支 (directly under the 工委)
    coop = L.unit("jh-u-coop01", "胶河马铃薯专业合作社", "cooperative", territory=S)
    cpo = L.porg("jh-po-u-coop01", "胶河马铃薯专业合作社党总支", "general_branch", parent=WC, unit=coop)

    comm_ids, porgs, teams = [], {}, {}
    gi_all = []
    for ci, (cn, villages) in enumerate(JH_COMMUNITIES.items()):
        cid = community(L, f"jh-c{ci + 1:02d}", cn + "社区", S, "rural")
        comm_ids.append(cid)
        po = L.porg(f"jh-po-c{ci + 1:02d}", cn + "社区党总支", "general_branch", parent=WC, territory=cid)
        porgs[cid] = po
        grids, vsecs = [], []
        for vi, vn in enumerate(villages):
            hh = rng.randint(140, 420) if vi else rng.randint(450, 650)
            g = L.add("grids", id=f"jh-g{ci + 1:02d}-{vi + 1}", name=vn + "网格", community_id=cid, parent_grid_id="",
                      households="")
            grids.append(g)
            v = L.area(vn, "village", g, hh)
            vb = L.porg(f"jh-po-{v.split('-', 1)[1]}", vn + "党支部", "branch", parent=po, territory=v)
            vsec = L.person(party=True, born=(1958, 1980), female=0.15)
            L.post(vsec, vb, "secretary", rdate(rng, *PREV) if rng.random() < 0.7 else rdate(rng, *CUR))
            if rng.random() < 0.4:   # the previous secretary, replaced at the 2021 election
                L.post(L.person(party=True, born=(1948, 1962), female=0.1), vb, "secretary", "2015-01-20",
                       rdate(rng, *CUR))
            for _ in range(rng.randint(2, 3)):
                L.post(L.person(party=True, born=(1955, 1990)), vb, "member", rdate(rng, *PREV))
            vsecs.append(vsec)
            # 村民委员会 (village_committee, the village's own 两委 with its branch): often 一肩挑
            vc = L.unit(f"jh-u-rc{ci + 1:02d}{vi + 1}", vn.replace("村", "") + "村民委员会", "village_committee", territory=v)
            head = vsec if rng.random() < 0.6 else L.person(party=rng.random() < 0.6, born=(1960, 1982))
            L.post(head, vc, "director", rdate(rng, *PREV), part_time=head is vsec)
            for _ in range(rng.randint(2, 4)):
                L.post(L.person(party=rng.random() < 0.5, born=(1960, 1992)), vc, "member", rdate(rng, *PREV))
            if vi % 2 == 0:
                sv = L.unit(f"jh-u-sv{ci + 1:02d}{vi + 1}", vn.replace("村", "") + "村务监督委员会", "supervisory_committee",
                            territory=v)
                L.post(L.person(party=True, born=(1950, 1975)), sv, "director", rdate(rng, *CUR))
            # grid worker: a village committee member, except in a few villages
            if (ci + vi) % 5 != 3:
                L.post(L.person(party=rng.random() < 0.4, born=(1975, 1995)), g, "grid_worker", rdate(rng, *PREV))
            elif vi % 2:
                L.post(L.person(party=False, born=(1975, 1995)), g, "grid_worker", "2018-04-01", "2020-10-31")
        # the new rural settlement (农村新型社区) compound, in its own grid
        g = L.add("grids", id=f"jh-g{ci + 1:02d}-{len(villages) + 1}", name=f"{cn}社区中心区网格", community_id=cid,
                  parent_grid_id="", households="")
        grids.append(g)
        comp_hh = [620, 380, 540, 290][ci]
        comp = L.area(f"{cn}新苑", "compound", g, comp_hh)
        buildings(L, comp, f"{cn}新苑", comp_hh, per=(24, 40))
        L.post(L.person(party=False, born=(1980, 1995)), g, "grid_worker", rdate(rng, *CUR))
        for a, b in zip(grids, grids[1:]):
            L.adj(a, b)
        gi_all.append(grids)
        # 党总支: secretary = a 工管委 leader; deputies = a 区机关 cadre + one village secretary;
        # members = the other village secretaries
        lead = wc_people[3 + ci] if ci < 4 else wc_people[1]
        L.post(lead, po, "secretary", rdate(rng, *PREV), part_time=True)
        if ci == 2:   # 下泊: another 工委 member led the 党总支 until early 2018 (an ended post)
            L.post(wc_people[7], po, "secretary", "2016-05-01", "2018-01-09", part_time=True)
        office = offices[ci % len(offices)] if ci != 0 else offices[1]
        dep1 = office_staff[office][1]
        L.post(dep1, po, "deputy_secretary", rdate(rng, *PREV), part_time=True)
        dv = rng.randrange(len(vsecs))
        L.post(vsecs[dv], po, "deputy_secretary", rdate(rng, *PREV), part_time=True)
        for j, vs in enumerate(vsecs):
            if j != dv:
                L.post(vs, po, "member", rdate(rng, *PREV), part_time=True)
        L.liaison(lead, cid, "2018-02-01")
        # 功能型党支部 under the 党总支
        for fi, fn in enumerate(rng.sample(["产业党支部", "流动党员党支部", "老党员党支部", "志愿服务党支部"], rng.randint(2, 3))):
            fb = L.porg(f"jh-po-fb{ci + 1:02d}{fi + 1}", cn + "社区" + fn, "branch", parent=po, territory=cid,
                        subkind="functional")
            L.post(L.person(party=True, born=(1955, 1985)), fb, "secretary", rdate(rng, *PREV))
            for _ in range(rng.randint(1, 3)):
                L.post(L.person(party=True, born=(1945, 1995)), fb, "member", rdate(rng, *PREV))
        # 社区服务队 with its 6 working groups
        team = L.unit(f"jh-u-st{ci + 1}", cn + "社区服务队", "service_team", territory=cid)
        teams[cid] = team
        L.post(dep1, team, "director", rdate(rng, *PREV), part_time=True)
        for gk, gn in enumerate(JH_GROUPS):
            grp = L.unit(f"jh-u-st{ci + 1}-{gk + 1}", cn + "社区服务队" + gn, "service_team", territory=cid, parent=team)
            if gn == "农村财务管理组":
                leader = office_staff[offices[3]][gk % len(office_staff[offices[3]])]
            elif gn == "服务组":
                leader = office_staff[offices[5]][ci % len(office_staff[offices[5]])]
            else:
                leader = vsecs[(gk + ci) % len(vsecs)]
            L.post(leader, grp, "director", rdate(rng, *PREV), part_time=True)
            for _ in range(rng.randint(2, 4)):
                L.post(L.person(party=gn == "党员志愿组" or rng.random() < 0.5, born=(1955, 1995)), grp, "member",
                       rdate(rng, *PREV), part_time=True)
    for a, b in zip(comm_ids, comm_ids[1:] + comm_ids[:1]):
        L.adj(a, b)
    for a, b in zip(gi_all, gi_all[1:]):
        L.adj(a[-1], b[0])
    boundary_zone(L, comm_ids[1], comm_ids[2], "unassigned", S, 18, name="胶河河滩交界区域")
    boundary_zone(L, comm_ids[0], comm_ids[3], "contested", S, 34, name="立柱—柏乡插花地")
    # the cooperative: 党总支 posts, two branches, 理事会
    csec = L.person(party=True, born=(1965, 1978))
    L.post(csec, cpo, "secretary", "2017-06-01")
    L.post(wc_people[6], cpo, "deputy_secretary", "2017-06-01", part_time=True)
    for _ in range(3):
        L.post(L.person(party=True, born=(1960, 1985)), cpo, "member", "2017-06-01")
    for bi, bn in enumerate(["种植党支部", "营销党支部"]):
        b = L.porg(f"jh-po-u-coop01-{bi + 1}", "胶河马铃薯专业合作社" + bn, "branch", parent=cpo, unit=coop)
        L.post(L.person(party=True, born=(1962, 1985)), b, "secretary", "2017-06-01")
    L.post(csec, coop, "director", "2016-03-01", part_time=True)
    for _ in range(4):
        L.post(L.person(party=rng.random() < 0.5, born=(1960, 1985)), coop, "member", "2016-03-01")
    for c in comm_ids:
        L.cover(coop, c)
    # resident units (派出所, 学校, 卫生院) and their 双报到
    ru = resident_units(L, [("胶河派出所", comm_ids[0], {}), ("胶河中心小学", comm_ids[1], {}),
                            ("胶河卫生院", comm_ids[3], {})], start=("2016-01-01", "2020-06-30"))
    L.report(ru[0]["porg"], comm_ids[0], "2020-04-15")
    L.report(ru[1]["porg"], comm_ids[1], "2020-05-09")
    L.finalize_households()
    return L


# =============================================================================================
# qixia — seed 004: 栖霞市, after the 2019-2020 reform (12 communities, 97 grids) and before it
# =============================================================================================
QX_AS_OF, QX_BEFORE_AS_OF = "2020-06-30", "2019-06-30"
# the day the 12 communities, their bodies and the 97 grids took over (the earliest post on a new body;
# seed 004: 2019年底 … 向12个城市社区赋予户籍管理职责); the old communities and grids end that day
QX_REFORM = "2019-12-16"
QX_COMMUNITIES = [  # (name, street index, grids)
    ("霞光", 0, 9), ("迎宾", 0, 8), ("翠屏", 0, 8), ("长春", 0, 9), ("东关", 0, 7), ("北关", 0, 8), ("南关", 0, 8),
    ("文化", 0, 9), ("龙腾", 1, 8), ("庄园", 1, 8), ("金山", 1, 7), ("方山", 1, 8),
]
# old community -> the two new communities carved out of it; the other four were kept
QX_SPLIT = {"qx-c13": ("翠屏街道", "霞光社区", ["qx-c01", "qx-c02"]), "qx-c14": ("翠屏街道", "西关社区", ["qx-c05", "qx-c06"]),
            "qx-c15": ("庄园街道", "庄园社区", ["qx-c09", "qx-c10"]), "qx-c16": ("翠屏街道", "新村社区", ["qx-c07", "qx-c08"])}


def build_qixia() -> tuple[Ledger, Ledger]:
    pool = People("qx", 20200320 + 11)
    A = Ledger("qx", 20200320, pool)
    B = Ledger("qx", 20200320 + 3, pool)
    rng = A.rng
    for L in (A, B):
        L.add("districts", id="qx-d1", name="栖霞市")
        for si, sn in enumerate(["翠屏街道", "庄园街道"]):
            L.add("streets", id=f"qx-s{si + 1}", name=sn, district_id="qx-d1", households="", population="")
            L.porg(f"qx-po-s{si + 1}", sn + "党工委", "working_committee", territory=f"qx-s{si + 1}", big="true")
    streets, wcs = ["qx-s1", "qx-s2"], ["qx-po-s1", "qx-po-s2"]
    comms, lay = [], {}
    bigs_plan = {0: [2], 2: [2], 3: [2], 8: [2], 10: [2]}
    outl = {4: 1, 11: 1}
    for i, (cn, si, ng) in enumerate(QX_COMMUNITIES):
        cid = community(A, f"qx-c{i + 1:02d}", cn + "社区", streets[si], "urban")
        comms.append(cid)
        lay[cid] = layout(A, cid, ng, style="urban", big=bigs_plan.get(i, []), comp_size=(40, 280),
                          grid_range=(265, 335), outliers=outl.get(i, 0),
                          big_names=["御景小区"] if i == 2 else None)
    grids = [g for c in comms for g in lay[c]["grids"]]
    assert len(grids) == 97
    for a, b in zip(comms, comms[1:]):
        if A.row(a)["street_id"] == A.row(b)["street_id"]:
            A.adj(a, b)
    A.adj(comms[7], comms[8])
    for a, b in zip(comms, comms[3:]):
        A.adj(a, b)
    # 挡风玻璃厂小区 (named in the seed): an old works compound in 北关社区
    old_c = min(lay["qx-c06"]["compounds"], key=lambda a: (abs(int(A.row(a)["households"]) - 150), a))
    old_name = A.row(old_c)["name"]
    A.row(old_c)["name"] = A.names.take("挡风玻璃厂小区")
    for bld in A.tables["areas"]:
        if bld["parent_id"] == old_c:
            bld["name"] = "挡风玻璃厂小区" + bld["name"][len(old_name):]
    yj = lay["qx-c03"]["big"][0]
    boundary_zone(A, "qx-c04", "qx-c05", "unassigned", "qx-s1", 52)
    boundary_zone(A, "qx-c09", "qx-c10", "contested", "qx-s2", 41)
    boundary_zone(A, "qx-c11", "qx-c12", "governed", "qx-s2", 29, parent=lay["qx-c11"]["grids"][-1])

    # --- the before territory: same compounds/buildings, 8 communities, old (large) grids ---
    old_of = {c: c for c in comms}
    for oid, (_, _, kids) in QX_SPLIT.items():
        for k in kids:
            old_of[k] = oid
    for c in comms:
        if old_of[c] == c:
            r = A.row(c)
            B.add("communities", id=c, name=r["name"], street_id=r["street_id"], kind="urban", households="",
                  population="", _pf=r["_pf"])
    for oid, (sn, name, kids) in QX_SPLIT.items():
        community(B, oid, name, A.row(kids[0])["street_id"], "urban")
    og = 0
    old_grids = {}
    before_comms = [r["id"] for r in B.tables["communities"]]
    old_grid_of_grid = {}
    for bc in before_comms:
        kids = [c for c in comms if old_of[c] == bc]
        my_grids = [g for c in kids for g in lay[c]["grids"]]
        k = rng.randint(2, 4)
        chunks = [my_grids[j * len(my_grids) // k:(j + 1) * len(my_grids) // k] for j in range(k)]
        old_grids[bc] = []
        for j, ch in enumerate(chunks):
            og += 1
            gid = B.add("grids", id=f"qx-og{og:02d}", name=f"{B.row(bc)['name']}第{j + 1}网格", community_id=bc,
                        parent_grid_id="", households="")
            old_grids[bc].append(gid)
            for g in ch:
                old_grid_of_grid[g] = gid
        for a, b in zip(old_grids[bc], old_grids[bc][1:]):
            B.adj(a, b)
    for a in A.tables["areas"]:
        row = {k: v for k, v in a.items()}
        par = row["parent_id"]
        if par in old_grid_of_grid:
            par = old_grid_of_grid[par]
        elif A.index.get(par, ("",))[0] == "communities":
            par = old_of[par]
        B.add("areas", **{**row, "parent_id": par})
    B.n_area = A.n_area
    for e in A.tables["contains"]:
        par = old_of.get(e["parent_id"], e["parent_id"])
        if par != B.row(e["child_id"])["parent_id"]:
            B.contains(par, e["child_id"])
    for e in A.tables["adjacency"]:
        x, y = e["a_id"], e["b_id"]
        if x in old_grid_of_grid or y in old_grid_of_grid:
            continue
        B.adj(old_of.get(x, x), old_of.get(y, y))
    A.finalize_households()
    B.finalize_households()

    # --- before: the four old communities that were split ---
    old_people, old_staff, porg_b, rc_b = {}, {}, {}, {}
    PREV18, PREV15 = ("2018-03-01", "2018-05-31"), ("2015-03-01", "2015-05-31")
    for j, oid in enumerate(QX_SPLIT):
        po = B.porg(f"qx-po-c{oid[-2:]}", B.row(oid)["name"] + "党总支", "general_branch", parent=wcs[streets.index(B.row(oid)["street_id"])],
                    territory=oid)
        rc = B.unit(f"qx-u-rc{oid[-2:]}", B.row(oid)["name"] + "居民委员会", "residents_committee", territory=oid)
        porg_b[oid], rc_b[oid] = po, rc
        tc = two_committees(B, po, rc, rate=[0.5, 0.3, 0.6, 0.4][j], yjt=j == 2, cur=PREV18, prev=PREV15,
                            secretary_part_time=j != 1)
        old_people[oid] = list({x["id"]: x for x in tc["party"] + tc["rc"]}.values())
        old_staff[oid] = staff_rc(B, rc, rng.randint(5, 8), cur=("2016-01-01", "2018-12-31"),
                                  prev=("2012-01-01", "2015-12-31"), ended=1, born=(1975, 1992))
    # --- after: 12 community 大党委 with full-time secretaries, residents' committees, staff ---
    CUR19 = ("2019-12-16", "2020-01-20")
    porg, rcs, tcs = {}, {}, {}
    rates = [0.3, 0.55, 0.75, 0.25, 0.4, 0.6, 0.2, 0.5, 0.7, 0.35, 0.45, 0.65]
    new_staff_n = allocate(40, [A.row(c)["households"] for c in comms])
    staff_of = {}
    for i, c in enumerate(comms):
        cn = A.row(c)["name"]
        po = A.porg(f"qx-po-c{c[-2:]}", cn + "党委", "committee", parent=wcs[streets.index(A.row(c)["street_id"])],
                    territory=c, big="true")
        rc = A.unit(f"qx-u-rc{c[-2:]}", cn + "居民委员会", "residents_committee", territory=c)
        porg[c], rcs[c] = po, rc
        kept = old_of[c] == c
        if kept:
            tc = two_committees(A, po, rc, rate=rates[i], yjt=i in (3, 11), cur=PREV18, prev=PREV15, p_cont=0.6,
                                p_pred=0.5)
            # the full-time secretary took over from a part-time one at the turn of 2020
            sp = next(p for p in A.tables["posts"] if p["body_id"] == po and p["role"] == "secretary" and p["end"] == "")
            new_start = rdate(rng, "2020-01-02", "2020-01-20")
            pred = [p for p in A.tables["posts"] if p["body_id"] == po and p["role"] == "secretary" and p["end"]]
            for p in pred:
                p["end"] = day_before(new_start)
            if not pred:
                A.post(A.person(party=True, born=(1962, 1975)), po, "secretary", rdate(rng, *PREV15),
                       day_before(new_start), part_time=True)
            else:
                for p in pred:
                    p["part_time"] = "true"
            sp["start"] = new_start
        else:
            take = old_people[old_of[c]][:3]
            old_people[old_of[c]] = old_people[old_of[c]][3:]
            tc = two_committees(A, po, rc, rate=rates[i], yjt=i in (6,), cur=CUR19, prev=CUR19, p_cont=0, p_pred=0,
                                reuse=take)
        tcs[c] = tc
        # community workers: the old ones, and the 40 recruited in 2020 (新考录)
        if kept:
            staff = staff_rc(A, rc, rng.randint(4, 6), cur=("2016-01-01", "2018-12-31"), prev=("2012-01-01", "2015-12-31"),
                             ended=1, born=(1975, 1992))
        else:
            staff = []
            movers = old_staff[old_of[c]][:3]
            old_staff[old_of[c]] = old_staff[old_of[c]][3:]
            for p in movers:
                A.post(p, rc, "staff", rdate(rng, "2019-12-16", "2019-12-31"))
                staff.append(p)
        for _ in range(new_staff_n[i]):
            p = A.person(party=rng.random() < 0.5, born=(1990, 1998), female=0.6)
            A.post(p, rc, "staff", rdate(rng, "2020-05-11", "2020-06-05"))
            staff.append(p)
        staff_of[c] = staff
    # 97 grid workers: exactly one current grid_worker per grid, 97 different people
    used = set()
    for c in comms:
        cand = [p for p in staff_of[c]]
        rng.shuffle(cand)
        for g in lay[c]["grids"]:
            w = next((p for p in cand if p["id"] not in used), None) if rng.random() < 0.55 else None
            if w is None:
                w = A.person(party=rng.random() < 0.5, born=(1978, 1996), female=0.55)
            used.add(w["id"])
            st = rdate(rng, "2019-12-20", "2020-01-15")
            if rng.random() < 0.05:   # the first grid worker left; a replacement took over
                first = A.person(party=False, born=(1985, 1996))
                A.post(first, g, "grid_worker", st, rdate(rng, "2020-02-20", "2020-03-31"))
                st = rdate(rng, "2020-04-01", "2020-04-30")
            A.post(w, g, "grid_worker", st)
    # 街道干部联社区、包网格: street cadres as grid leaders, and liaisons to their community
    for si, wc in enumerate(wcs):
        mine = [c for c in comms if A.row(c)["street_id"] == streets[si]]
        cad = street_cadres(A, wc, sec_start="2018-09-01", prev=("2014-06-01", "2017-12-31"), n_dep=2, n_mem=4)
        extra = [A.person(party=True, born=(1975, 1992)) for _ in range(len(mine) * 2 - len(cad))]
        pool_sc = cad + extra
        for j, c in enumerate(mine):
            p1, p2 = pool_sc[(2 * j) % len(pool_sc)], pool_sc[(2 * j + 1) % len(pool_sc)]
            A.liaison(p1, c, "2019-12-20")
            for k, g in enumerate(lay[c]["grids"]):
                A.post(p1 if k % 2 == 0 else p2, g, "grid_leader", "2019-12-20", part_time=True)

    # --- resident units (市直机关事业单位): 大工委 / 大党委 part-time members, 双报到 ---
    unames = ["栖霞市委组织部", "栖霞市委宣传部", "栖霞市财政局", "栖霞市教育和体育局", "栖霞市民政局", "栖霞市人力资源和社会保障局",
              "栖霞市住房和城乡建设局", "栖霞市综合行政执法局", "栖霞市卫生健康局", "栖霞市公安局", "栖霞市市场监督管理局",
              "栖霞市自然资源和规划局", "栖霞市交通运输局", "栖霞市水利局", "栖霞市文化和旅游局", "栖霞市人民医院",
              "栖霞市中医医院", "栖霞市第一中学", "栖霞市实验小学", "国网栖霞市供电公司", "栖霞市自来水公司",
              "中国移动栖霞分公司", "栖霞农商银行", "栖霞市税务局", "栖霞市融媒体中心"]
    specs = [(nm, comms[j % 12] if j % 5 else streets[j % 2], {}) for j, nm in enumerate(unames)]
    ru = resident_units(A, specs, start=("2015-01-01", "2019-06-30"))
    # 大工委: 翠屏 4, 庄园 3 part-time members
    for p in [r["secretary"] for r in ru[0:4]]:
        A.post(p, "qx-po-s1", "part_time_member", rdate(rng, "2019-12-10", "2020-03-31"), part_time=True)
    for p in [r["secretary"] for r in ru[4:7]]:
        A.post(p, "qx-po-s2", "part_time_member", rdate(rng, "2019-12-10", "2020-03-31"), part_time=True)
    # 大党委: part-time members in 8 of the 12 communities
    k = 7
    for c in [comms[j] for j in (0, 1, 2, 3, 5, 7, 8, 10)]:
        for _ in range(rng.randint(2, 3)):
            A.post(ru[k % len(ru)]["secretary"], porg[c], "part_time_member", rdate(rng, "2019-12-20", "2020-04-30"),
                   part_time=True)
            k += 1
    # 双报到: 20 of the 25 units; some party members where they live
    no_report = set(rng.sample(range(25), 5))
    targets = [c for c in comms if c not in ("qx-c07", "qx-c12")]
    for j, r in enumerate(ru):
        if j in no_report:
            continue
        A.report(r["porg"], targets[j % len(targets)], rdate(rng, "2019-12-01", "2020-05-31"))
    for c in comms:
        for _ in range(rng.randint(3, 8)):
            A.report(A.use(A.person(party=True, born=(1955, 1996))), c, rdate(rng, "2019-12-01", "2020-06-15"))

    # --- 物业小区: 26 managed compounds, 9 property companies (5 with a branch) ---
    allc = [a for c in comms for a in lay[c]["compounds"]]
    bigs = [a for c in comms for a in lay[c]["big"]]
    rest = sorted([a for a in allc if a not in bigs and a != old_c], key=lambda a: (-int(A.row(a)["households"]), a))
    managed = bigs + rest[:26 - len(bigs)]
    assert len(managed) == 26 and yj in managed
    pc_founded = {0: "2020-03-20", 1: "2020-04-28", 2: "2020-05-15", 3: "2020-05-26", 4: "2020-06-10"}
    property_companies(A, managed, 9, [0, 1, 2, 3, 4], lambda a: porg[community_of(A, a)], city="栖霞",
                       founded=pc_founded, pin=yj)
    # compound branches: 7, the first in 御景小区 on 2020-03-20; 19 more planned
    branch_c = [yj] + sorted(rng.sample([a for a in managed if a != yj], 6))
    founded = ["2020-03-20", "2020-04-16", "2020-05-08", "2020-05-20", "2020-06-03", "2020-06-12", "2020-06-18"]
    depth = [(0.7, 0.8), (0.5, 0.6), (0.4, 0.0), (0.5, 0.5), (0.0, 0.0), (0.6, 0.0), (0.0, 0.0)]
    for a, f, (g, h) in zip(branch_c, founded, depth):
        c = community_of(A, a)
        compound_chain(A, a, porg[c], groups=g, households=h, start=(f, "2020-06-25"), founded=f)
    for a in managed:
        A.row(a)["branch_planned"] = "true" if a not in branch_c else ""
    for a in A.tables["areas"]:
        a.setdefault("branch_planned", "")
    bd = A.porg("qx-po-bd1", "金都商圈党支部", "branch", parent=porg["qx-c03"], territory="qx-c03",
                subkind="business_district", founded="2020-03-20")
    A.post(A.person(party=True, born=(1972, 1988)), bd, "secretary", "2020-03-20")
    for _ in range(3):
        A.post(A.person(party=True, born=(1970, 1995)), bd, "member", "2020-03-20")
    for a in managed[:8]:
        owners_committee(A, a, start=("2017-01-01", "2020-05-31"),
                         sanwei=tcs[community_of(A, a)]["shared"][-1] if rng.random() < 0.4 else None)

    # --- before ledger: kept communities' bodies as known at mid-2019; workers; units ---
    for c in comms:
        if old_of[c] != c:
            continue
        r = dict(A.row(porg[c]))
        B.add("party_orgs", **{**r, "level": "general_branch", "name": r["name"].replace("党委", "党总支"), "big": ""})
        B.add("units", **dict(A.row(rcs[c])))
        for p in A.tables["posts"]:
            if p["body_id"] in (porg[c], rcs[c]) and p["start"] <= QX_BEFORE_AS_OF:
                B.use(pool_by_id(A, p["cadre_id"]))
                B.edge("posts", **{**p, "end": p["end"] if p["end"] and p["end"] <= QX_BEFORE_AS_OF else ""})
    # old grid workers in about two thirds of the old grids
    for bc, gl in old_grids.items():
        ws = [pool_by_id(B, p["cadre_id"]) for p in B.tables["posts"]
              if p["role"] == "staff" and p["end"] == "" and B.row(p["body_id"])["territory_id"] == bc]
        for j, g in enumerate(gl):
            if ws and j % 3 != 2:
                B.post(ws[j % len(ws)], g, "grid_worker", rdate(rng, "2016-03-01", "2018-12-31"), part_time=True)
    for r in ru:
        ur = dict(A.row(r["unit"]))
        B.add("units", **{**ur, "territory_id": old_of.get(ur["territory_id"], ur["territory_id"])})
        B.add("party_orgs", **dict(A.row(r["porg"])))
        for p in A.tables["posts"]:
            if p["body_id"] == r["porg"] and p["start"] <= QX_BEFORE_AS_OF:
                B.use(pool_by_id(A, p["cadre_id"]))
                B.edge("posts", **p)
    for j in (0, 3, 9):
        B.report(ru[j]["porg"], old_of[comms[j]], rdate(rng, "2018-09-01", "2019-05-31"))
    for si, wc in enumerate(wcs):
        for p in A.tables["posts"]:
            if p["body_id"] == wc and p["role"] != "part_time_member" and p["start"] <= QX_BEFORE_AS_OF:
                B.use(pool_by_id(A, p["cadre_id"]))
                B.edge("posts", **p)
    for u in A.tables["units"]:
        if u["kind"] in ("property_company", "owners_committee"):
            B.add("units", **dict(u))
    for e in A.tables["covers"]:
        if A.row(e["body_id"])["kind"] == "property_company":
            B.cover(e["body_id"], e["territory_id"])
    for p in A.tables["posts"]:
        if A.index.get(p["body_id"], ("",))[0] == "units" and A.row(p["body_id"])["kind"] == "owners_committee" \
                and p["start"] <= QX_BEFORE_AS_OF:
            B.use(pool_by_id(A, p["cadre_id"]))
            B.edge("posts", **p)
    for a in B.tables["areas"]:
        a.pop("branch_planned", None)
    return A, B


# =============================================================================================
# Figures (FIGURES.json): what each source reports, and how to find it in the ledger
# =============================================================================================
def F(name, value, source, how, fn, kind="source", as_of=None):
    """A figure; ``as_of`` when it holds on another date than the sample's (a dated ledger's history)."""
    return {"name": name, "value": value, "source": source, "how": how, "fn": fn, "kind": kind, "as_of": as_of}


def n_rows(table, **eq):
    return lambda q, d: len(q.rows(table, **eq))


def distinct_current(q: Q, d: str, role: str, body_ok) -> set[str]:
    return {p["cadre_id"] for p in q.current(d, role=role) if body_ok(p["body_id"])}


def stations(q: Q) -> dict[str, list[str]]:
    out = {}
    for u in q.rows("units", kind="workstation"):
        out[u["id"]] = sorted({e["territory_id"] for e in q.t["covers"] if e["body_id"] == u["id"]
                               and q.kind.get(e["territory_id"]) == "communities"})
    return out


def managed_compounds(q: Q) -> set[str]:
    pcs = {u["id"]: u for u in q.rows("units", kind="property_company")}
    out = {u["territory_id"] for u in pcs.values() if u["territory_id"]}
    out |= {e["territory_id"] for e in q.t["covers"] if e["body_id"] in pcs}
    return {a for a in out if q.kind.get(a) == "areas" and q.row[a]["kind"] == "compound"}


def is_comm_porg(q: Q, oid: str, levels=("committee", "general_branch")) -> bool:
    o = q.row.get(oid)
    return bool(o) and q.kind[oid] == "party_orgs" and o["level"] in levels and not o["unit_id"] \
        and q.kind.get(o["territory_id"]) == "communities"


def figs_shijiu():
    def targets(q, d):
        t = {c["merge_into"] for c in q.t["communities"] if c["merge_into"]}
        names = {q.row[x]["name"] for x in t}
        ok = all(q.row[x]["kind"] == "urban" for x in t) and {"碧海社区", "幸福社区"} <= names \
            and not names & {"中盛社区", "华林社区"}
        return len(t) if ok else -1

    def coops(q, d):
        cs = q.rows("units", kind="cooperative")
        per = [sum(1 for u in cs if u["territory_id"] == c["id"]) for c in q.rows("communities", kind="converted")]
        return len(cs) if all(x == 1 for x in per) else -1

    def coop_grids(q, d):   # the earlier batches' cooperatives as 二级网格 of a city community
        g = [x for x in q.t["grids"] if x.get("cooperative_id")]
        ok = all(q.row[x["community_id"]]["kind"] == "urban" and q.row[x["cooperative_id"]]["territory_id"] == x["id"]
                 for x in g)
        return len(g) if ok else -1

    def coop_orgs_merging(q, d):
        coop = {u["id"]: u["territory_id"] for u in q.rows("units", kind="cooperative")}
        return sum(1 for o in q.t["party_orgs"] if o["unit_id"] in coop and coop[o["unit_id"]] in q.row
                   and q.row[coop[o["unit_id"]]].get("merge_into"))

    def converted(q, d):
        return len(q.rows("communities", kind="converted"))

    named = ("振兴社区", "隆华社区", "中盛社区", "华林社区")
    return [
        F("converted_communities", 16, "seed 000: 原有的16个“村改居”社区",
          "count of communities with kind converted existing the day before batch 1", converted,
          as_of=day_before(SJ_BATCH1)),
        F("converted_communities_after_batch_1", 12, "seed 000: 实行“三个批次”挂图作战 (batch sizes 4, 3, 9 and dates "
          "of batches 1 and 2 synthetic)", "count of communities with kind converted existing on the day of batch 1",
          converted, kind="synthetic", as_of=SJ_BATCH1),
        F("converted_communities_before_the_meeting", 9, "seed 000: 区政府新批复撤销的振兴、隆华等9个“村改居”社区 (the "
          "third batch; the other 7 went in batches 1 and 2)", "count of communities with kind converted existing on "
          "the sample date", converted),
        F("merging_communities", 9, "seed 000: 撤销振兴、隆华等9个“村改居”社区并入相应城市社区",
          "count of communities with a non-empty merge_into (extra column: id of the target community)",
          lambda q, d: sum(1 for c in q.t["communities"] if c["merge_into"])),
        F("named_merging_communities", 4, "seed 000: 振兴、隆华等9个; 原中盛社区、原华林社区 (two of the 9, 原 = abolished)",
          "count of communities named 振兴社区, 隆华社区, 中盛社区 or 华林社区 that have kind converted and a non-empty "
          "merge_into", lambda q, d: sum(1 for c in q.t["communities"] if c["name"] in named and c["merge_into"]
                                         and c["kind"] == "converted")),
        F("merge_targets", 4, "seed 000: 碧海社区、幸福社区 … 依次上台作表态发言 (2 more receiving city communities invented)",
          "count of distinct merge_into values; each is a communities row of kind urban, their names include 碧海社区 "
          "and 幸福社区 and neither 中盛社区 nor 华林社区 (the check returns -1 otherwise)", targets),
        F("cooperatives", 16, "seed 000: 股份经济合作社 (one per 村改居 community)",
          "count of units with kind cooperative; each converted community existing on the date is the territory_id of "
          "exactly one (the check returns -1 otherwise)", coops, kind="synthetic"),
        F("cooperative_grids_of_earlier_batches", 7, "seed 000: 股份经济合作社作为二级网格融入城市社区 (batches 1 and 2)",
          "count of grids with a cooperative_id; each lies in an urban community and its cooperative covers it (the "
          "check returns -1 otherwise)", coop_grids),
        F("cooperative_party_orgs_of_merging", 9, "seed 000: 与会领导为九个股份经济合作社党组织揭牌",
          "count of party_orgs whose unit_id is a cooperative unit whose territory_id is a community with non-empty "
          "merge_into", coop_orgs_merging),
        F("urban_communities", 7, "interpretation: the seed names 2 city communities (碧海, 幸福); 5 more are invented",
          "count of communities with kind urban", n_rows("communities", kind="urban"), kind="synthetic"),
    ]


def figs_dongcheng():
    def multi(q, d):
        return sum(1 for v in stations(q).values() if len(v) >= 2)

    def single(q, d):
        return sum(1 for v in stations(q).values() if len(v) == 1)

    def staff_ok(q, d):
        return sum(1 for s in stations(q) if 10 <= len(q.holders(s, None, d)) <= 20)

    def people_ok(q, d):
        return sum(1 for s, cs in stations(q).items() if 7000 <= sum(int(q.row[c]["population"]) for c in cs) <= 20000)

    def zone_bad(q, d):
        bad = 0
        for s, cs in stations(q).items():
            for c in cs:
                n = sum(1 for p in q.current(d, body_id=s, role="zone_manager") if p.get("zone") == c)
                if n == 0 or not 300 <= int(q.row[c]["households"]) / n <= 400:
                    bad += 1
        return bad

    def station_zone_bad(q, d):
        bad = 0
        for s, cs in stations(q).items():
            n = len({p["cadre_id"] for p in q.current(d, body_id=s, role="zone_manager")})
            hh = sum(int(q.row[c]["households"]) for c in cs)
            bad += n == 0 or not 300 <= hh / n <= 400
        return bad

    def sanwei(q, d):
        n = 0
        for c in q.t["communities"]:
            P = set().union(set(), *[q.holders(o, None, d) for o in q.community_porgs(c["id"])])
            R = set().union(set(), *[q.holders(u, None, d) for u in q.rcs(c["id"])])
            O = set()
            for u in q.rows("units", kind="owners_committee"):
                if q.community_of(u["territory_id"]) == c["id"]:
                    O |= q.holders(u["id"], None, d)
            n += bool(P & R & O)
        return n

    return [
        F("workstations", 8, "seed 001: 街道共设立社区工作站8个", "count of units with kind workstation",
          n_rows("units", kind="workstation")),
        F("one_station_many_rc", 7, "seed 001: 其中7个实行“一站多居”模式",
          "count of workstation units whose covers rows (body_id = the station) reach >= 2 distinct communities", multi),
        F("one_station_one_rc", 1, "seed 001: 8 stations, 7 一站多居 → 1 serves one 居委会",
          "count of workstation units whose covers rows reach exactly 1 community", single),
        F("residents_committees", 29, "seed 001: 现有居委会29个", "count of units with kind residents_committee",
          n_rows("units", kind="residents_committee")),
        F("communities", 29, "seed 001: 29 居委会, each modelled as a community", "count of communities rows",
          n_rows("communities")),
        F("residents_committees_kept", 3, "seed 001: 保留3个",
          "count of units kind residents_committee with origin = kept (extra column)",
          lambda q, d: len(q.rows("units", kind="residents_committee", origin="kept"))),
        F("residents_committees_new", 26, "seed 001: 新设26个",
          "count of units kind residents_committee with origin = new (extra column)",
          lambda q, d: len(q.rows("units", kind="residents_committee", origin="new"))),
        F("compounds_500_without_own_rc", 0, "seed 001: 辖区内500户以上的规模小区全部成立了居委会",
          "count of areas kind compound with households >= 500 such that no residents_committee unit has territory_id = "
          "the compound and no covers row links a residents_committee to it (here each such compound is the only "
          "compound of its community and that community's 居委会 covers it)",
          lambda q, d: generic_figures(q, d)["compounds_500_without_own_rc"][0]),
        F("stations_with_10_to_20_staff", 6, "seed 001 says 每个工作站配备工作人员10—20人; the sample makes 2 stations "
          "violate it on purpose (one with 9, one with 22)",
          "count of workstation units with between 10 and 20 distinct cadres holding current posts on the station "
          "(any role: station_chief, staff, zone_manager)", staff_ok, kind="synthetic"),
        F("stations_serving_7000_to_20000", 7, "seed 001 says 服务人口7000—20000人; one station is made to serve "
          "slightly more than 20,000 on purpose",
          "count of workstation units for which the sum of communities.population over the communities they cover "
          "(covers rows) is between 7,000 and 20,000", people_ok, kind="synthetic"),
        F("rc_outside_zone_manager_norm", None, "seed 001: 以居委会为单位,按照300-400户/人的标准设立片区管理员",
          "count of (station, covered community) pairs where the community's households divided by the number of current "
          "zone_manager posts on that station whose extra column zone = the community is outside [300, 400] (or there "
          "are none)", zone_bad, kind="synthetic"),
        F("stations_outside_zone_manager_norm", 1, "seed 001: 按照300-400户/人的标准设立片区管理员 (station-level reading)",
          "count of workstation units for which the households of the communities they cover (covers rows) divided by "
          "the number of distinct cadres holding a current zone_manager post on the station is outside [300, 400] "
          "(dc-u-ws2, understaffed on purpose)", station_zone_bad, kind="synthetic"),
        F("communities_with_sanwei_cross_appointment", None, "seed 001: 实行“三委”交叉任职",
          "count of communities where one cadre holds current posts (any role) on the community party org, its "
          "residents_committee and an owners_committee unit whose territory_id is a compound in the community",
          sanwei, kind="synthetic"),
    ]


def figs_dongcheng_before():
    return [
        F("residents_committees", 17, "seed 001: 街道原有城市居民委员会17个", "count of units with kind residents_committee",
          n_rows("units", kind="residents_committee")),
        F("communities", 17, "seed 001: 17 居委会 before the reform, each a community", "count of communities rows",
          n_rows("communities")),
        F("workstations", 0, "seed 001: the stations were set up by 居站分设", "count of units with kind workstation",
          n_rows("units", kind="workstation")),
        F("compounds_500_without_own_rc", None, "interpretation: before the reform the 500+ compounds had no 居委会 of "
          "their own", "as in dongcheng (areas kind compound, households >= 500, no residents_committee with territory_id "
          "or covers row on it)", lambda q, d: generic_figures(q, d)["compounds_500_without_own_rc"][0],
          kind="synthetic"),
    ]


def figs_xiaonan():
    def dd(q):
        return [o for o in q.t["party_orgs"] if o["level"] == "committee" and not o["unit_id"]
                and q.kind.get(o["territory_id"]) in ("communities", "areas")]

    def wc_pt(q, d):
        wcs = {o["id"] for o in q.rows("party_orgs", level="working_committee")}
        return distinct_current(q, d, "part_time_member", lambda b: b in wcs)

    def wc_pt_ok(q, d):
        people = wc_pt(q, d)
        dist_units = {u["id"] for u in q.rows("units", kind="resident_unit", admin_level="district")}
        ok = all(any(p["body_id"] in dist_units for p in q.current(d, cadre_id=c)) for c in people)
        return len(people) if ok else -1

    def dd_pt(q, d):
        ids = {o["id"] for o in dd(q)}
        people = distinct_current(q, d, "part_time_member", lambda b: b in ids)
        unit_orgs = {o["id"] for o in q.t["party_orgs"] if o["unit_id"] and
                     q.row[o["unit_id"]]["kind"] == "resident_unit"}
        secs = {p["cadre_id"] for p in q.current(d, role="secretary") if p["body_id"] in unit_orgs}
        return len(people) if people <= secs else -1

    def unit_reporters(q, d):
        out = set()
        for r in q.t["reports"]:
            o = q.row.get(r["reporter_id"])
            if q.kind.get(r["reporter_id"]) == "party_orgs" and o["unit_id"] and \
                    q.row[o["unit_id"]].get("admin_level") == "district":
                out.add(r["reporter_id"])
        return len(out)

    def secretaries(q, d, career=None):
        return sum(1 for p in q.current(d, role="secretary") if is_comm_porg(q, p["body_id"], ("committee",))
                   and (career is None or p.get("career_post") == career))

    def zones(q, d):
        zs = [a for a in q.rows("areas", kind="boundary_zone") if a.get("assigned") == "2020"]
        ok = all(a["parent_id"] and len(q.claims(a["id"])) == 1 for a in zs)
        return len(zs) if ok else -1

    return [
        F("communities", 43, "seed 002: 调整优化43个社区", "count of communities rows", n_rows("communities")),
        F("communities_new", 2, "seed 002: 增设2个社区", "count of communities with established = 2020 (extra column)",
          lambda q, d: len(q.rows("communities", established="2020"))),
        F("grids", 251, "seed 002: 251个网格", "count of grids rows", n_rows("grids")),
        F("grids_new", 91, "seed 002: 增设…91个网格", "count of grids with established = 2020 (extra column)",
          lambda q, d: len(q.rows("grids", established="2020"))),
        F("boundary_zones_assigned", 8, "seed 002: 厘清8个社区交界区域管辖主体",
          "count of areas kind boundary_zone with assigned = 2020 (extra column); each has a non-empty parent_id and "
          "exactly one claiming community (the check returns -1 otherwise)", zones),
        F("boundary_zone_governing_communities", 8, "seed 002: 厘清8个社区交界区域管辖主体",
          "count of distinct communities reached from the parent_id of the areas counted in boundary_zones_assigned",
          lambda q, d: len({q.community_of(a["parent_id"]) for a in q.rows("areas", kind="boundary_zone")
                            if a.get("assigned") == "2020"})),
        F("big_working_committees", 4, "seed 002: 组建街道“大工委”4个",
          "count of party_orgs with level working_committee having >= 1 current part_time_member post",
          lambda q, d: sum(1 for o in q.rows("party_orgs", level="working_committee")
                           if q.current(d, body_id=o["id"], role="part_time_member"))),
        F("working_committee_part_time_members", 20, "seed 002: 吸纳20名区直单位党政班子成员…在驻地街道“大工委”…担任兼职委员",
          "count of distinct cadres holding a current part_time_member post on a working_committee; each also holds a "
          "current post on a resident_unit with admin_level = district (the check returns -1 otherwise)", wc_pt_ok),
        F("big_party_committees", 49, "seed 002: 社区“大党委”49个",
          "count of party_orgs with level committee, unit_id empty and territory_id a community or an area "
          "(43 community committees + 6 小区大党委 on big compounds); these are also the party_orgs of level committee "
          "with big = true", lambda q, d: len(dd(q))),
        F("big_party_committee_part_time_members", 263, "seed 002: 263名市区两级单位党组织书记…在…社区“大党委”担任兼职委员",
          "count of distinct cadres holding a current part_time_member post on one of the 49 big_party_committees; each "
          "is the current secretary of a party_org whose unit_id is a resident_unit (the check returns -1 otherwise)",
          dd_pt),
        F("owners_committees", 94, "seed 002: 新组建业委会94个", "count of units with kind owners_committee",
          n_rows("units", kind="owners_committee")),
        F("self_management_committees", 656, "seed 002: 自管委(物管委)656个",
          "count of units with kind self_management_committee", n_rows("units", kind="self_management_committee")),
        F("property_company_branches", 20, "seed 002: 物业服务企业党支部20个",
          "count of party_orgs whose unit_id is a unit of kind property_company",
          lambda q, d: sum(1 for o in q.t["party_orgs"] if o["unit_id"] and q.row[o["unit_id"]]["kind"] == "property_company")),
        F("volunteer_orgs", 170, "seed 002: 培育社区志愿服务组织170个",
          "count of units kind social_org with subkind = volunteer_org (extra column)",
          lambda q, d: len(q.rows("units", kind="social_org", subkind="volunteer_org"))),
        F("emergency_teams", 48, "seed 002: 组建社区应急突击队48支",
          "count of units kind social_org with subkind = emergency_team (extra column)",
          lambda q, d: len(q.rows("units", kind="social_org", subkind="emergency_team"))),
        F("unit_party_orgs_reporting", 67, "seed 002: 组织67家区直机关企事业单位党组织到联系共建社区报到",
          "count of distinct reports.reporter_id that are party_orgs whose unit_id is a unit with admin_level = district "
          "(extra column on units)", unit_reporters),
        F("members_reporting", 4643, "seed 002: 4643名党员到居住地社区报到",
          "count of distinct reports.reporter_id that are cadres ids (all have party_member = true)",
          lambda q, d: len({r["reporter_id"] for r in q.t["reports"] if q.kind.get(r["reporter_id"]) == "cadres"
                            and q.row[r["reporter_id"]]["party_member"] == "true"})),
        F("community_workers", 710, "seed 002: 核定城市社区工作者员额710名",
          "count of distinct cadres holding a current post with role staff on a unit of kind residents_committee",
          lambda q, d: len(distinct_current(q, d, "staff", lambda b: q.row[b].get("kind") == "residents_committee"))),
        F("district_leaders_liaising", 29, "seed 002: 29名区级领导挂点联系街道和社区",
          "count of distinct liaisons.cadre_id", lambda q, d: len({r["cadre_id"] for r in q.t["liaisons"]})),
        F("community_party_secretaries", 43, "seed 002: 3名书记 + 其他40名 … 社区党组织书记",
          "count of current posts with role secretary on party_orgs of level committee, unit_id empty, territory_id a "
          "community", lambda q, d: secretaries(q, d)),
        F("community_secretaries_career_post", 3, "seed 002: 择优考核招聘3名书记纳入事业岗位管理",
          "as community_party_secretaries, restricted to posts with career_post = true (extra column on posts)",
          lambda q, d: secretaries(q, d, "true")),
        F("community_secretaries_other", 40, "seed 002: 其他40名街道社区党组织书记均参照事业编制落实待遇",
          "as community_party_secretaries, restricted to posts with career_post = false",
          lambda q, d: secretaries(q, d, "false")),
        F("supervisory_committees", 43, "seed 002: 规范社区居务监督委员会运行机制 (one per community)",
          "count of units with kind supervisory_committee", n_rows("units", kind="supervisory_committee"),
          kind="synthetic"),
    ]


def figs_jiaohe():
    NAMES = ["立柱社区", "塔桥社区", "下泊社区", "柏乡社区"]

    def gb(q):
        return [o for o in q.t["party_orgs"] if is_comm_porg(q, o["id"], ("general_branch",))]

    def villages_of(q, c):
        return [a["id"] for a in q.rows("areas", kind="village") if q.community_of(a["id"]) == c]

    def village_secs(q, d, c):
        vb = [o["id"] for o in q.t["party_orgs"] if o["level"] == "branch" and o["territory_id"] in villages_of(q, c)]
        return set().union(set(), *[q.holders(b, {"secretary"}, d) for b in vb])

    def leader_secs(q, d):
        wc = {o["id"] for o in q.rows("party_orgs", level="working_committee")}
        mc = {u["id"] for u in q.rows("units", subkind="management_committee")}
        n = 0
        for o in gb(q):
            for s in q.holders(o["id"], {"secretary"}, d):
                if any(p["body_id"] in wc | mc and p["role"] != "part_time_member" for p in q.current(d, cadre_id=s)):
                    n += 1
        return n

    def deputies(q, d):
        mc = {u["id"] for u in q.rows("units", subkind="management_committee")}
        offices = {u["id"] for u in q.t["units"] if u["parent_id"] in mc}
        n = 0
        for o in gb(q):
            deps = q.holders(o["id"], {"deputy_secretary"}, d)
            vs = village_secs(q, d, o["territory_id"])
            off = {c for c in deps if any(p["body_id"] in offices for p in q.current(d, cadre_id=c))}
            n += len(deps) == 2 and len(off) == 1 and len(deps & vs) == 1
        return n

    def members(q, d):
        n = 0
        for o in gb(q):
            deps = q.holders(o["id"], {"deputy_secretary"}, d)
            vs = village_secs(q, d, o["territory_id"])
            n += q.holders(o["id"], {"member"}, d) == vs - deps and bool(vs)
        return n

    def teams(q, d):
        tops = [u for u in q.rows("units", kind="service_team", parent_id="")]
        ok = all(q.kind.get(t["territory_id"]) == "communities" for t in tops)
        return len(tops) if ok else -1

    def groups(q, d):
        tops = {u["id"]: u["name"] for u in q.rows("units", kind="service_team", parent_id="")}
        n = 0
        for t, nm in tops.items():
            kids = [u["name"][len(nm):] for u in q.rows("units", kind="service_team", parent_id=t)]
            if sorted(kids) != sorted(JH_GROUPS):
                return -1
            n += len(kids)
        return n

    def village_yjt(q, d):
        n = 0
        for v in q.rows("areas", kind="village"):
            vb = [o["id"] for o in q.t["party_orgs"] if o["level"] == "branch" and o["territory_id"] == v["id"]]
            vc = [u["id"] for u in q.rows("units", kind="village_committee", territory_id=v["id"])]
            S = set().union(set(), *[q.holders(b, {"secretary"}, d) for b in vb])
            D = set().union(set(), *[q.holders(u, {"director"}, d) for u in vc])
            n += bool(S & D)
        return n

    return [
        F("rural_communities", 4, "seed 003: 成立立柱社区、塔桥社区、下泊社区和柏乡社区等四个社区",
          "count of communities with kind rural whose names are exactly 立柱社区, 塔桥社区, 下泊社区, 柏乡社区",
          lambda q, d: sum(1 for c in q.rows("communities", kind="rural") if c["name"] in NAMES)),
        F("community_general_branches", 4, "seed 003: 每个社区设立一个党总支部",
          "count of party_orgs with level general_branch, unit_id empty and territory_id a community",
          lambda q, d: len(gb(q))),
        F("general_branch_secretaries_from_district_leadership", 4, "seed 003: 社区党总支书记由区工管委领导班子成员兼任",
          "count of community general branches whose current secretary also holds a current post (not part_time_member) "
          "on the party_org of level working_committee (区工委) or on the unit with subkind management_committee (管委会)",
          leader_secs),
        F("general_branches_with_two_deputies_as_described", 4,
          "seed 003: 党总支副书记由区机关干部和社区内一名村党支部书记担任",
          "count of community general branches with exactly 2 current deputy_secretary holders, exactly one of whom holds a "
          "current post on a unit whose parent_id is the 管委会 (区机关 offices) and exactly one of whom is the current "
          "secretary of a village branch (party_orgs level branch, territory_id an area of kind village in the community)",
          deputies),
        F("general_branches_members_are_village_secretaries", 4, "seed 003: 委员由其他现任村党支部书记担任",
          "count of community general branches whose set of current member holders equals the set of current secretaries "
          "of the community's village branches minus the deputy_secretary holders", members),
        F("cooperative_general_branches", 1, "seed 003: 设立胶河马铃薯专业合作社党总支",
          "count of party_orgs with level general_branch whose unit_id is a unit of kind cooperative named 胶河马铃薯专业合作社",
          lambda q, d: sum(1 for o in q.rows("party_orgs", level="general_branch") if o["unit_id"]
                           and q.row[o["unit_id"]]["kind"] == "cooperative"
                           and q.row[o["unit_id"]]["name"] == "胶河马铃薯专业合作社")),
        F("service_teams", 4, "seed 003: 以社区为单位成立社区服务队",
          "count of units kind service_team with empty parent_id (each with territory_id a community; -1 otherwise)", teams),
        F("service_team_working_groups", 24, "seed 003: 每个服务队设民事调解组、环境卫生组、公益事业组、服务组、农村财务管理组、党员志愿组等6个工作组",
          "count of units kind service_team whose parent_id is a team; each team has exactly the 6 groups named team name + "
          "民事调解组/环境卫生组/公益事业组/服务组/农村财务管理组/党员志愿组 (-1 otherwise)", groups),
        F("villages", None, "interpretation: the villages of each community are areas of kind village",
          "count of areas with kind village", n_rows("areas", kind="village"), kind="synthetic"),
        F("functional_branches", None, "seed 003: 下设功能型党支部 (the number is not given)",
          "count of party_orgs with subkind = functional (extra column)",
          lambda q, d: len(q.rows("party_orgs", subkind="functional")), kind="synthetic"),
        F("villages_yijiantiao", None, "interpretation: 村两委 = village branch + 村民委员会",
          "count of village areas where a cadre is current secretary of the village branch (level branch, territory_id = "
          "the village) and current director of the village_committee unit (村民委员会) with territory_id = the village",
          village_yjt, kind="synthetic"),
    ]


JH_BEFORE_AS_OF = "2021-03-31"   # the day before the 社区化 replay (tools/sample_history.py: JIAOHE_FORMATION)


def figs_jiaohe_before():
    def village_branches(q, d):
        wc = {o["id"] for o in q.rows("party_orgs", level="working_committee")}
        return sum(1 for o in q.rows("party_orgs", level="branch", unit_id="") if q.kind.get(o["territory_id"]) == "areas"
                   and q.row[o["territory_id"]]["kind"] == "village" and o["parent_id"] in wc)

    return [
        F("communities", 0, "seed 003: 成立立柱社区、塔桥社区、下泊社区和柏乡社区等四个社区 (not yet formed)",
          "count of communities rows", n_rows("communities")),
        F("village_branches_under_working_committee", 26, "seed 003: 村党支部 (before the 党总支 exist)",
          "count of party_orgs of level branch, unit_id empty, territory_id a village area, parent_id the working "
          "committee", village_branches, kind="synthetic"),
        F("service_teams", 0, "seed 003: 以社区为单位成立社区服务队 (not yet formed)",
          "count of units kind service_team", lambda q, d: len(q.rows("units", kind="service_team"))),
    ]


def figs_qixia():
    def comp_branches(q):
        return [o for o in q.t["party_orgs"] if o["level"] == "branch" and not o["unit_id"]
                and q.kind.get(o["territory_id"]) == "areas" and q.row[o["territory_id"]]["kind"] == "compound"]

    def yj(q, d):
        bs = comp_branches(q)
        first = [o for o in bs if o["name"] == "御景小区党支部" and q.row[o["territory_id"]]["name"] == "御景小区"]
        if len(first) != 1 or min(o["start"] for o in bs) != first[0]["start"]:
            return "wrong"
        return first[0]["start"]

    def gw(q, d):
        per = {}
        for p in q.current(d, role="grid_worker"):
            if q.kind.get(p["body_id"]) == "grids":
                per.setdefault(p["body_id"], set()).add(p["cadre_id"])
        people = set().union(set(), *per.values())
        ok = len(per) == len(q.t["grids"]) and all(len(v) == 1 for v in per.values())
        return len(people) if ok else -1

    def planned(q, d):
        pl = [a for a in q.compounds() if a.get("branch_planned") == "true"]
        return len(pl) if all(not q.compound_branch(a["id"]) for a in pl) else -1

    return [
        F("communities", 12, "seed 004: 将原有8个社区扩增为12个", "count of communities rows existing at as_of "
          "(start empty or <= as_of, end empty or > as_of)", n_rows("communities")),
        F("communities_before_reform", 8, "seed 004: 原有8个社区",
          f"count of communities rows existing on {QX_BEFORE_AS_OF} (the ledger's history: the 4 split communities end "
          f"on {QX_REFORM}, the 8 carved out of them start that day)", n_rows("communities"), as_of=QX_BEFORE_AS_OF),
        F("compound_branches_before_reform", 0, "seed 004: 2020年3月20日 … 这是栖霞市在小区成立的第一个党支部",
          f"count of party_orgs existing on {QX_BEFORE_AS_OF} with level branch, unit_id empty and territory_id an area "
          "of kind compound", lambda q, d: len(comp_branches(q)), as_of=QX_BEFORE_AS_OF),
        F("grids_before_reform", 27, "interpretation: the old grids were fewer and larger (the seed gives no number)",
          f"count of grids rows existing on {QX_BEFORE_AS_OF}", n_rows("grids"), kind="synthetic", as_of=QX_BEFORE_AS_OF),
        F("longteng_in_zhuangyuan", 1, "seed 004: 庄园街道龙腾社区",
          "count of communities named 龙腾社区 whose street_id is the street named 庄园街道",
          lambda q, d: sum(1 for c in q.t["communities"] if c["name"] == "龙腾社区"
                           and q.row[c["street_id"]]["name"] == "庄园街道")),
        F("grids", 97, "seed 004: 以每300户为基础划分97个基础网格", "count of grids rows existing at as_of", n_rows("grids")),
        F("grid_workers", 97, "seed 004: 选派网格员97名",
          "count of distinct cadres holding a current grid_worker post on a grid; every grid has exactly one current "
          "grid_worker (the check returns -1 otherwise)", gw),
        F("compound_branches", 7, "seed 004: 已累计成立小区党支部7个",
          "count of party_orgs with level branch, unit_id empty and territory_id an area of kind compound",
          lambda q, d: len(comp_branches(q))),
        F("first_compound_branch_founded", "2020-03-20", "seed 004: 2020年3月20日…成立御景小区党支部,这是栖霞市在小区成立的第一个党支部",
          "start (成立日期) of the party_orgs row named 御景小区党支部 whose territory_id is the compound named 御景小区; "
          "it is the earliest start among the compound_branches ('wrong' otherwise)", yj),
        F("property_company_branches", 5, "seed 004: 物业公司党支部5个",
          "count of party_orgs whose unit_id is a unit of kind property_company",
          lambda q, d: sum(1 for o in q.t["party_orgs"] if o["unit_id"] and q.row[o["unit_id"]]["kind"] == "property_company")),
        F("business_district_branches", 1, "seed 004: 同步成立的,还有1个物业公司党支部、1个商圈党支部",
          "count of party_orgs with subkind = business_district (extra column)",
          lambda q, d: len(q.rows("party_orgs", subkind="business_district"))),
        F("branches_founded_2020_03_20", 3, "seed 004: 御景小区党支部 + 同步成立 1个物业公司党支部、1个商圈党支部",
          "count of party_orgs with start (成立日期) = 2020-03-20", lambda q, d: len(q.rows("party_orgs", start="2020-03-20"))),
        F("compound_branches_planned", 19, "seed 004: 19个小区党支部正在谋划成立",
          "count of areas kind compound with branch_planned = true (extra column); none of them has a compound branch "
          "(-1 otherwise)", planned),
        F("managed_compounds", 26, "seed 004: 届时党组织将覆盖到所有物业小区 (7 + 19)",
          "count of areas kind compound that are the territory_id of a property_company unit or the territory_id of a "
          "covers row whose body_id is a property_company", lambda q, d: len(managed_compounds(q)), kind="synthetic"),
        F("full_time_community_secretaries", 12, "seed 004: 为社区配备12名专职党委书记",
          "count of current posts with role secretary and part_time = false on party_orgs of level committee, unit_id "
          "empty, territory_id a community",
          lambda q, d: sum(1 for p in q.current(d, role="secretary", part_time="false")
                           if is_comm_porg(q, p["body_id"], ("committee",)))),
        F("new_community_workers", 40, "seed 004: 新考录充实40名社区工作人员",
          "count of posts with role staff on units of kind residents_committee with start between 2020-01-01 and "
          "2020-06-30", lambda q, d: sum(1 for p in q.rows("posts", role="staff") if "2020-01-01" <= p["start"] <= "2020-06-30"
                                         and q.row[p["body_id"]].get("kind") == "residents_committee")),
        F("big_working_committees", 2, "seed 004: 全面推行街道“大工委”制",
          "count of party_orgs with level working_committee having >= 1 current part_time_member post",
          lambda q, d: sum(1 for o in q.rows("party_orgs", level="working_committee")
                           if q.current(d, body_id=o["id"], role="part_time_member")), kind="synthetic"),
        F("communities_with_part_time_members", 8, "seed 004: 社区“大党委”制 … 聘请部分兼职委员",
          "count of communities whose party org (level committee, unit_id empty) has >= 1 current part_time_member post",
          lambda q, d: sum(1 for c in q.t["communities"] for o in q.community_porgs(c["id"])
                           if q.current(d, body_id=o, role="part_time_member")), kind="synthetic"),
        F("unit_party_orgs_reporting", 20, "seed 004: 市直机关事业单位党组织和党员到社区“双报到”",
          "count of distinct reports.reporter_id that are party_orgs", lambda q, d: len(
              {r["reporter_id"] for r in q.t["reports"] if q.kind.get(r["reporter_id"]) == "party_orgs"}), kind="synthetic"),
    ]


def figs_qixia_before():
    return [
        F("communities", 8, "seed 004: 原有8个社区", "count of communities rows", n_rows("communities")),
        F("compound_branches", 0, "seed 004: the first compound branch was founded on 2020-03-20",
          "count of party_orgs with level branch, unit_id empty and territory_id an area of kind compound",
          lambda q, d: sum(1 for o in q.t["party_orgs"] if o["level"] == "branch" and not o["unit_id"]
                           and q.kind.get(o["territory_id"]) == "areas"
                           and q.row[o["territory_id"]]["kind"] == "compound")),
        F("grids", 27, "interpretation: the old grids were fewer and larger (the seed gives no number)",
          "count of grids rows", n_rows("grids"), kind="synthetic"),
    ]


# =============================================================================================
# README texts
# =============================================================================================
INFO: dict[str, dict] = {
    "shijiu": {
        "title": "石臼街道 (日照市东港区): the 村改居 merger's batches 1–2 dated in the ledger, batch 3 to replay",
        "seed": "000_7d3e3e48812387c4.txt — 日照石臼街道全面完成“村改居”社区撤并 (2021-12-06)",
        "what": "The street's 16 村改居 communities (`kind` converted, 原有的16个), each with its 股份经济合作社, and 7 city "
                "communities (`kind` urban), with the first two of the three batches (三个批次) recorded with dates: 7 "
                "converted communities end (`end` = 撤销日期) on 2021-07-20 (海丰, 兴港, 前进, 富民) or 2021-09-26 (崮山, "
                "卧龙, 海曲), their grids and areas move into the city community they border by dated `contains` rows, "
                "and their cooperatives become 二级网格 there. On the sample date (2021-12-01) the 9 communities of the "
                "third batch remain; they carry `merge_into` = the id of the city community they join on 2021-12-05 "
                "(scenarios/cun_gai_ju_merger.toml), after which no 村改居 community is left (全面完成).",
        "interp": [
            "The seed says the work ran in three batches and that the meeting of 5 December 2021 closed it (全面完成), handing over the 9 newly approved (新批复) communities. So the other 7 went earlier: the sample abolishes 4 in batch 1 and 3 in batch 2; the batch sizes and dates are invented (the seed gives none). Auditing the ledger as of 2021-07-19 gives all 16 converted communities, as of 2021-07-20 12, from 2021-09-26 9.",
            "\"原中盛社区、原华林社区、碧海社区、幸福社区党组织书记、居委会主任依次上台作表态发言\": 原 (former) marks 中盛 and 华林 as two of the 9 abolished communities (the handing-over side); 碧海 and 幸福 are receiving city communities. The 9 (振兴, 隆华, 东湖, 海滨, 渔港, 南岭, 北山, 中盛, 华林) join 东升 (3), 秀湖 (2), 碧海 (2) and 幸福 (2). Only 振兴, 隆华, 中盛, 华林, 碧海 and 幸福 are named in the seed; the other names and the assignment are invented.",
            "An earlier merge is done in the ledger the way the merge_communities operation does it: the community's party org, 居委会 and 居务监督委员会 end on the batch date (their posts and party memberships end then, the members continue in the city community's party org); the bodies under its party org answer to the city community's from that date (dated rows in subordination.csv); its cooperative covers a new grid `<cooperative>-grid` (`cooperative_id`, `start` = the batch date) inside the city community, its 理事会 members hold that grid's 网格长 / 网格员 posts and its party committee sits part-time on the city community's party org. Households and population are not dated: a receiving community's columns hold its counts after the merge.",
            "Each converted community has a 两委: a party org (党委 above 900 households, otherwise 党总支) and a 居委会. It also has a 居务监督委员会 (supervisory_committee) and one cooperative (unit `cooperative`, territory_id = the community). The cooperative's party org (branch; 党总支 for 振兴 and 海丰) sits under the community party org, and its 理事会 is modelled as posts (director = 理事长, deputy_director, member). The community secretary is often also 理事长 and cooperative party secretary, so some people hold 3–4 posts.",
            "The cooperatives of the 9 are not yet 二级网格 and their members not yet on city committees on the sample date. That is what the merger does (治理融合: 合作社作为二级网格, 理事会成员兼任网格长、网格员; 党建融合: 合作社党组织成员兼任城市社区党委委员), so it is left to the scenario; after it all 16 cooperatives are 二级网格 of city communities.",
            "Converted communities are laid out as grids. Each grid holds a natural village (area `kind` village, e.g. 振兴东村) and resettlement compounds (安置X区). Three converted communities have a big resettlement compound of 500+ households without its own 居委会.",
            "as_of = 2021-12-01, before the handover. Posts come from the 2018 and 2021 elections (some ended in 2021, those of the earlier batches' bodies on the batch date), and nothing in the ledger is dated after as_of.",
        ],
    },
    "dongcheng": {
        "title": "东城街道 after 居站分设 (work stations separated from residents' committees)",
        "seed": "001_31bd8246109b5fee.txt — 社区建设会议讲话 (speech on 居站分设 and the 两委 election)",
        "what": "The street after the reform: 8 community work stations (`workstation`), 7 of which serve several "
                "居委会 (一站多居, `covers` rows station → community), and 29 居委会 (3 kept + 26 new), each modelled "
                "as a community (`kind` urban) with its residents' committee. The state before the reform (17 居委会, "
                "no stations) is in `before/`.",
        "interp": [
            "Dates: the speech was given in the year of the reform (2009 pilots in 安宁 and 辽河, full roll-out \"今年三月\") and uploaded in 2019. The sample dates the reform to 2010: stations from March 2010, the 两委 election April–June 2010, as_of = 2010-12-31. The before state uses as_of = 2009-12-31. The district is not named (`某区（原文未具名）`).",
            "29 居委会 = 29 communities, each with one residents_committee whose territory_id is the community. The 3 kept ones are 安宁 and 辽河 (the pilots named in the seed) plus the invented 东风. They keep their ids (dc-c01…dc-c03) in both ledgers. The 26 new communities are dc-c04…dc-c29. The 14 abolished old ones are dc-c31…dc-c44 and exist only in `before/`. Each new community is carved out of one old one (split sizes 3, 3, 2×8, 1×4). Extra column `origin` (kept/new/abolished) appears on communities and on the residents' committees.",
            "\"500户以上的规模小区全部成立了居委会\": every compound of 500+ households is the only compound of its own community (named after the compound). That community's 居委会 has territory_id = the community plus a `covers` row to the compound, so the compound has its own 居委会 under either reading. Before the reform these compounds belonged to larger communities and had no 居委会 of their own, which the audit finds.",
            "Stations: territory_id = the street, one `covers` row per community served. Each station has one station_chief, zone_manager posts (extra column `zone` = the community id of the 片区) at about one per 350 households of each 居委会, and staff (站务管理员). Two stations break the norms on purpose. dc-u-ws2 has only 9 staff and more than 400 households per zone manager. dc-u-ws7 serves just over 20,000 people with 22 staff. The other six are within 10–20 staff and 7,000–20,000 people.",
            "Community workers: before the reform they hold staff posts on the 居委会. After it they hold posts at the stations (the kept 居委会's staff posts end on 2010-03-14). New 居委会 are staffed by elected members only (居委会 2–3 坐班 is not modelled separately). Some old 两委 members were re-elected in the new communities (same cadre ids).",
            "三委: owners' committees (业委会, `owners_committee`) exist for every 500+ compound and for some others. In several communities a 两委 member was also elected to the 业委会 after the election, giving 三委交叉任职.",
            "Synthetic, not in the seed: grids (the same ids in both ledgers; only `community_id` changes), grid workers (some grids without), property companies (one with a branch), a few compound party branches set up after the reform, resident units whose secretaries hold 4 part-time member posts on community party orgs, some 2010 \"报到\" reports (a stand-in for 共驻共建), boundary zones (the re-cut leaves one zone contested between two new communities carved out of the same old one), and two district-leader liaisons.",
            "Not modelled: the planned station 党委 and community 党总支 (\"街道将在工作站设立党委\" is a future plan) and the 五大区域 zoning.",
        ],
    },
    "dongcheng/before": {
        "title": "东城街道 before 居站分设 (2009)",
        "seed": "001_31bd8246109b5fee.txt — 街道原有城市居民委员会17个",
        "what": "The same territory as `../` (the same compound, building and grid ids) organised in 17 communities "
                "with 17 居委会 and no work stations. Community workers hold staff posts on the 居委会. Used by the "
                "居站分设 what-if scenario.",
        "interp": [
            "as_of = 2009-12-31. Posts come from the 2007 election (with some ended predecessors from 2004). The posts of the 3 kept communities are the after ledger's posts as known at the end of 2009 (end dates later than as_of are blank).",
            "The 14 abolished communities (dc-c31…dc-c44) are named 东城, 建设, 胜利 …, all invented. Their party orgs are 党总支.",
            "The zone that is contested after the re-cut lies inside a single old community here, so it is not contested. The unassigned zone is unassigned in both ledgers.",
        ],
    },
    "xiaonan": {
        "title": "孝感市孝南区 after the 2020 re-cut of communities and grids",
        "seed": "002_1b6691227e877548.txt — 孝南区党建引领街道社区治理 (organisation-department head's article)",
        "what": "One district (孝南区), 4 streets (书院, 新华, 广场, 车站), 43 communities and 251 grids with the "
                "bodies, posts and 双报到 reports the article counts. This is the largest sample: about 7,000 cadres, "
                "most of them the 4,643 members who report to the community where they live.",
        "interp": [
            "\"调整优化43个社区、251个网格…增设2个社区、91个网格\": 43 and 251 are read as totals after the re-cut, including the new ones. New communities and grids carry extra column `established` = 2020.",
            "\"厘清8个社区交界区域管辖主体\": 8 boundary zones (`boundary_zone`), each assigned in 2020 (extra column `assigned` = 2020) to one of the two communities it lies between (parent_id = that community or one of its grids; 8 different communities). The article says the governance vacuum was eliminated, but the sample keeps one unassigned and one contested zone elsewhere (synthetic) so the audit finds something.",
            "The replay (#18): `before/` is the ledger before the 2020 re-cut (41 communities, 160 grids, the 8 zones without a governing community; derived by `tools/sample_history.py`: `before_recut`), and `scenarios/recut_2020.json` (`carve_community` × 2, `add_grid` × 91, `hire` of the new grids' 网格长/网格员, `assign_area` × 8, each zone into a grid) brings it to the document's end state: 43 communities, 251 grids, the 8 zones governed by 8 communities and no 治理真空带. The two deviation zones (xn-a2367, xn-a2368) are not in `before/` and so not in the replay's end state: the replay follows the document, this sample keeps its labelled deviation (`tests/unit/scenarios/test_scenario_xiaonan.py`).",
            "49 大党委 = the 43 community 党委 plus 6 小区大党委 of big compounds (1,200–1,700 households; level committee, territory_id = the compound, parent_id = the community 党委). All 49 and the 4 street 党工委 (大工委) carry extra column `big` = true.",
            "20 区直单位党政班子成员: each holds a deputy_director post on a district-level resident unit (extra column `admin_level` = district) and a part_time_member post on a street working committee (6/5/5/4). One more member left in February 2021 (ended posts).",
            "263 兼职委员 on the 大党委: 263 different people, each the secretary of a resident unit's party org. There are 300 resident units: 100 区直 (`admin_level` district) and 200 市直 (`admin_level` city). The members are spread over 43 of the 49 大党委; 5 community committees and 1 小区大党委 have none.",
            "双报到: 67 区直 unit party orgs report once each to a partner community; 6 communities have no partner unit; the other 33 区直 units and all 市直 units never report. The 4,643 members are cadres with party_member = true who report to a community (one report each): 270 hold posts (unit secretaries, 区直 leaders), and the rest are residents of that community, some of whom also sit on its 自管委, 居务监督委员会, volunteer teams or compound branches.",
            "710 community workers = current staff posts on the 43 居委会, allocated by households, plus a few ended ones. Grid workers are drawn from them, and a few grids have no current grid worker.",
            "43 community party secretaries: extra column `career_post` on their secretary posts (true for 3 事业岗位 secretaries, false for the other 40; empty on all other posts).",
            "94 业委会 (all 16 compounds of 500+ households plus 78 others) and 656 自管委 sit on different compounds. 34 property companies manage the 94 plus 25 more compounds; 20 of them have a party branch (territory_id empty, so it is never mistaken for a compound branch). 170 volunteer organisations and 48 emergency teams are `social_org` units with extra column `subkind` (volunteer_org / emergency_team). Every community has a 居务监督委员会.",
            "两委 cross-appointment (`cross_rates`) counts only the community's own party org (territory_id = the community). The 6 小区大党委 are committees located inside 6 communities; a query that treats every committee-level party org in a community as part of its 两委 will count their members too and get lower rates for those 6 communities.",
            "The five-level chain breaks in several ways: compounds without a branch, branches without groups, groups without 党员中心户, one compound branch not attached to its community committee (parent_id empty), and one building group hanging directly under a community 党委 in a compound that has no branch.",
            "Not modelled: the 11 service centres, 104 编制, 35 transferred staff, 9 挂职 cadres, funding, and the 129 problems solved.",
        ],
    },
    "jiaohe": {
        "title": "胶河经济区: four rural communities with a 党总支 each",
        "seed": "003_3f37ada81ade133e.txt — 区委社区化管理服务实施意见 (policy opinion)",
        "what": "胶河经济区 with its four new rural communities 立柱, 塔桥, 下泊 and 柏乡 (`kind` rural). Each has a 党总支 "
                "led by a member of the zone's 工委/管委 and staffed by village party secretaries, functional branches "
                "and a service team with its 6 working groups. The zone also has the 胶河马铃薯专业合作社党总支. The villages "
                "before 社区化 are in `before/`; `scenarios/shequhua.json` forms the four communities on them "
                "(operation `form_community`).",
        "interp": [
            "胶河经济区 is modelled as a street (DOMAIN.md: 街道 / 乡镇 / 经济区 → Street). The \"区党工委/区工委\" is its working_committee, and the district above it is not named (`某市（原文未具名）`). The 管委会 is a `resident_unit` with extra column `subkind` = management_committee. Its offices (区机关: 党政办公室, 经济发展局 …) are resident_units with parent_id = the 管委会 and subkind office.",
            "The villages are areas of `kind` village inside the community, one grid each. Each has a village party branch (level branch, territory_id = the village) and a 村民委员会 (a unit of kind village_committee with territory_id = the village), whose director is often the village secretary (一肩挑). The 两委 therefore sit at village level. The communities have no 居委会 of their own, so the community-level `cross_rates` is empty.",
            "党总支 (level general_branch, territory_id = the community, parent_id = the 工委): the secretary is a 工委 member (three of them are also 管委会 deputy directors). The two deputies are a cadre of a 区机关 office and one village secretary. The members are all the other village secretaries. These posts are part-time (part_time = true), so cross-appointment is structural here. In 下泊 an earlier secretary (another 工委 member) served until January 2018.",
            "Functional branches (功能型党支部) have level branch, parent_id = the 党总支, territory_id = the community and extra column `subkind` = functional; the seed does not say how many.",
            "The potato cooperative is a `cooperative` unit with territory_id = the street and `covers` rows to all four communities. Its 党总支 sits directly under the 工委 and has two branches (unit_id = the cooperative); its 理事会 is modelled as posts.",
            "Service teams: one `service_team` unit per community (territory_id = the community) and its six working groups (`service_team` units with parent_id = the team), named team name + group. Group leaders are village secretaries; the finance group is led by 财政所 staff and the service group by 便民服务中心 staff.",
            "The opinion is undated (its language is from around 2011–2012; uploaded 2022). Posts are dated 2015–2021 and as_of = 2022-01-01.",
            "Synthetic, not in the seed: each community's new settlement compound (XX新苑, in its own grid; two have 500+ households), grid workers (some grids without), 村务监督委员会 in half of the villages, three resident units (two report), one unassigned and one contested zone, and liaisons from each 党总支 secretary to their community (让社区成为干部的责任区). Member–household links (党员联系户) are not modelled.",
        ],
    },
    "qixia": {
        "title": "栖霞市 after the 2019–2020 urban community reform",
        "seed": "004_8fe9d36b2b93af80.txt — 【红心社区】党建引领小区治理,让城市更有温度 (2020-06-24)",
        "what": "栖霞市 with 2 streets (翠屏街道: 8 communities, 庄园街道: 4 including 龙腾社区), 12 communities, 97 "
                "grids of about 300 households with exactly 97 grid workers, 7 compound party branches (the first, "
                "御景小区党支部, founded 2020-03-20), 5 property-company branches, 1 商圈 branch and 19 planned "
                "branches. The chain 街道党工委—社区党委—小区党支部—楼栋党小组—党员中心户 is complete in some "
                "compounds. The ledger also holds its own history (dated structure, `start` = 成立日期, `end` = 撤销日期): "
                "the 4 old communities that were split, their 党总支, 居委会 and the 27 old grids end on 2019-12-16, the day "
                "the 8 communities carved out of them, their bodies and the 97 grids start; audited as of 2019-06-30 it "
                "gives the 8 pre-reform communities. The state before the reform is also in `before/` as a snapshot.",
        "interp": [
            "as_of = 2020-06-30 (the article is dated 2020-06-24). Nothing in the ledger is dated later.",
            "History (tools/sample_history.py folds `before/` into this ledger): territories and bodies only in the before state carry `end` = 2019-12-16 (the reform day: the earliest post on a new body; seed 004: 2019年底 … 向12个城市社区赋予户籍管理职责), those only in the after state `start` = 2019-12-16 unless founded later. A compound or zone whose parent changed has an empty `parent_id` and two dated `contains` rows (the old parent's ends on 2019-12-16, the new parent's starts that day); resident units located in a split community have dated `covers` rows the same way. The old bodies' posts and memberships still open end on 2019-12-16. Audited as of 2019-06-30 the ledger gives the before state's figures, except that the 4 kept communities' party organisations are the after state's 党委 (one id cannot change level; `before/` has them as 党总支, so check_norms finds 2 more 党委 below 100 members here).",
            "8 → 12: four old communities were each split in two (ids qx-c13…qx-c16, ended on 2019-12-16). The other four (qx-c03 翠屏, qx-c04 长春, qx-c11 金山, qx-c12 方山) were kept. Community names other than 龙腾 are invented.",
            "97 grids, each 265–335 households except two deliberately out of tolerance. Every grid has exactly one current grid_worker, and the 97 workers are 97 different people. In a few grids the first worker left in early 2020 and was replaced (ended posts). The audit's gaps are therefore in branches and chains, not in grid workers.",
            "Branches: column `start` (成立日期) on party_orgs. 御景小区 is a 500+-household compound in 翠屏社区 (翠屏街道). On 2020-03-20 its branch, the branch of its property company and 金都商圈党支部 (level branch, territory_id = 翠屏社区, `subkind` = business_district) were founded together. The other 6 compound and 4 property branches followed by June 2020.",
            "\"19个小区党支部正在谋划成立，届时党组织将覆盖到所有物业小区\": 26 compounds are managed by the 9 property companies (territory_id or `covers`). 7 of them have a branch, and the other 19 carry extra column `branch_planned` = true. Unmanaged compounds (old works compounds such as 挡风玻璃厂小区, which the seed names) neither have nor plan a branch.",
            "12 专职 secretaries: the current secretary posts of the 12 community 党委 have part_time = false. In the 4 kept communities a full-time secretary replaced a part-time one in January 2020; the ended part-time post is in the ledger. The 8 new communities' committees were formed in December 2019 / January 2020, partly with people from the old ones.",
            "40 new community workers (新考录) = staff posts on the 居委会 starting 2020-05-11…2020-06-05; older staff started 2012–2018.",
            "街道干部联社区、包网格: street cadres hold grid_leader posts on the grids of \"their\" community and appear in `liaisons` for that community. These are street cadres, not district leaders.",
            "大工委: 4 part-time members on the 翠屏 working committee and 3 on the 庄园 one. 大党委: part-time members in 8 of the 12 communities. All are secretaries of 市直 unit party orgs. 双报到: 20 of the 25 市直 units report, 2 communities have no unit, and some party members report where they live.",
            "Not modelled: 户籍进社区 (1,067 households, 2,576 people moved in), the 2,000 便民服务台, and the 1,300 pledged projects.",
        ],
    },
    "jiaohe/before": {
        "title": "胶河经济区 before 社区化 (replayed on 2021-04-01)",
        "seed": "003_3f37ada81ade133e.txt — 区委社区化管理服务实施意见 (before the four communities are formed)",
        "what": "The same villages, grids, compounds, village bodies and people as `../`, with no community: the grids "
                "and top-level areas hang under the street (`contains` rows), the 26 village party branches answer to "
                "the 工委 directly, and the communities' 党总支, functional branches and service teams do not exist. Used "
                "by the 社区化 scenario (`../scenarios/shequhua.json`, operation `form_community`).",
        "interp": [
            "Derived from the jiaohe ledger by tools/sample_history.py (before_community_formation). as_of = 2021-03-31: posts and memberships starting later are left out, and those ending later are open. The opinion is undated and the sample's 党总支 班子 took office in 2016–2018; the before state is nevertheless dated just after the early-2021 village elections, so that the replay's 党总支 members (其他现任村党支部书记) are the village secretaries the sample has in office on 2022-01-01. The 党总支 posts (and the earlier 下泊 secretary) go with the 党总支.",
            "Units located in a community (resident units, the 管委会's offices) are located in the street; reports and liaisons naming a community are left out; the contested zone's second claim (a community's `contains` row) is gone, so it is unassigned here.",
        ],
    },
    "qixia/before": {
        "title": "栖霞市 before the reform (mid-2019)",
        "seed": "004_8fe9d36b2b93af80.txt — 原有8个社区",
        "what": "The same compounds and buildings as `../` (the same area ids) in 8 communities with 27 old, large grids "
                "(about 1,000 households each). There are no compound, property-company or 商圈 branches yet, and no "
                "part-time members (no 大工委/大党委).",
        "interp": [
            "as_of = 2019-06-30. The four old communities that were later split are qx-c13 (霞光), qx-c14 (西关), qx-c15 (庄园) and qx-c16 (新村), with names invented; each community party org is a 党总支 (general_branch), and three have a part-time secretary.",
            "Grid workers exist in about two thirds of the old grids. The property companies and 业委会 are the same units as in the after ledger.",
        ],
    },
}


def readme_for(name: str, figs: dict, q: Q) -> str:
    info = INFO[name]
    as_of = next(iter(figs.values()))["as_of"]
    lines = [f"# Sample `{name}` — {info['title']}", "", f"Source document: seed `{info['seed']}` (the project's "
             "shared seeds folder, `shared/seeds/`)", "",
             info["what"], "", f"Figures assume **as_of = {as_of}** (a post counts when start <= as_of and "
             "(end empty or end > as_of))" + ("; nothing in the ledger is dated later, so every figure also holds at "
                                              "2022-01-01." if as_of != ROBUST_DATE else "."), "",
             "Generated by `tools/build_samples.py` (deterministic); do not edit by hand. Machine-readable figures: "
             f"`{'../' * (name.count('/') + 1)}FIGURES.json` under key `\"{name}\"`.", "",
             "## Figures straight from the source", "", "| figure | value | source |", "|---|---|---|"]
    for k, f in figs.items():
        if f["kind"] == "source":
            lines.append(f"| `{k}` | {f['value']} | {f['source']} |")
    lines += ["", "## Interpreted / synthetic figures", "",
              "Generated so that every audit has something to find. The exact definitions are in FIGURES.json (`how`).", "",
              "| figure | value | note |", "|---|---|---|"]
    for k, f in figs.items():
        if f["kind"] == "synthetic":
            v = f["value"]
            if isinstance(v, dict):
                vals = list(v.values())
                v = f"{len(vals)} communities, {min(vals):.2f}–{max(vals):.2f}" if vals else "(none)"
            note = f["source"] if not f["source"].startswith("synthetic: generated") else "generated audit target"
            lines.append(f"| `{k}` | {v} | {note} |")
    lines += ["", "## Interpretations", ""] + [f"- {x}" for x in info["interp"]]
    if DEVIATIONS.get(name):
        lines += ["", "## Deliberate deviations (labelled in the audit)", "",
                  "Listed in `DEVIATIONS.json`; `orggraph audit --sample " + name + "` labels these rows "
                  "(`sample_deviation`) and lists them (table `sample_deviations`).", "",
                  "| audit table | row | what the sample does | the document says |", "|---|---|---|---|"]
        for d in DEVIATIONS[name]:
            row = ", ".join(f"{k} = {v}" for k, v in d["match"].items())
            lines.append(f"| `{d['table']}` | {row} | {d['what']} | {d['source']} |")
    extras = []
    for t, cols in SCHEMA.items():
        hdr = list(q.df[t].columns)
        ex = [c for c in hdr if c not in cols and c not in ("geometry", "crs")]  # geometry: see "Geometry" below
        if ex:
            extras.append(f"`{t}`: " + ", ".join(f"`{c}`" for c in ex))
    lines += ["", "## Extra columns", ""] + [f"- {x}" for x in extras] + [
        "", "Meaning: `compound_area` (grids): the 500+-household compound this grid overlays (such a compound hangs "
        "directly under its community and is covered by several grids); other extra columns are described above.", ""]
    if "crs" in q.df["grids"].columns:
        lines += ["## Geometry", "", "Communities, grids, compounds, villages and boundary zones carry generated WKT "
                  "polygons (`geometry`) in CGCS2000 (`crs` = EPSG:4490), drawn near the real place by "
                  "`tools/sample_geometry.py`: grids tile their community, compounds lie inside their grid, the "
                  "unassigned boundary zone lies between two communities and inside neither, a contested one across "
                  "their border and in no grid. Not real boundaries. See docs/maps.md.", ""]
    lines += [
        "## Size", "", "| table | rows |", "|---|---|"]
    for t in SCHEMA:
        lines.append(f"| {t} | {len(q.t[t])} |")
    lines += ["", "## Conventions", "",
              "- ids are ASCII, unique across all tables, prefixed by kind and sample (`c` community, `g` grid, `a` area, "
              "`po-` party org, `u-` unit, `p` person). Names are Chinese; people, phones and most places are synthetic. "
              "No real official named in the seed appears.",
              "- Households: a grid = the sum of its areas (grids over a big compound carry their share of it); a "
              "community = the sum of its top-level areas (compounds, villages, governed boundary zones); a street = "
              "its communities plus the unassigned zones it contains directly. Population is 2.5–3 × households.",
              "- Boundary zones: governed → parent_id = a community or grid; unassigned → empty parent_id plus a "
              "`contains` row from the street; contested → parent_id = one community plus a `contains` row from the "
              "other. `adjacency` links neighbouring communities, neighbouring grids and each zone with its two "
              "communities.", ""]
    return "\n".join(lines)


INDEX_README = """# Sample ledgers

One ledger folder per source document (the project's seeds 000–004 in `shared/seeds/`, described in
`shared/DOMAIN.md`), plus two "before" states for the what-if scenarios. Every folder holds the 14 tables of LEDGER.md as UTF-8 CSV with canonical English headers and
English enum values (`districts.csv` … `adjacency.csv`; empty tables are written with their header). Everything
is generated by `tools/build_samples.py` (seeded, deterministic, standard library + pandas). Rerun it
after changing it, and never edit the CSVs by hand:

    python tools/build_samples.py           # rebuild, self-check, rewrite FIGURES.json and the READMEs
    python tools/build_samples.py --check   # re-validate what is on disk

`FIGURES.json` lists, per sample, the figures the source reports (`"kind": "source"`) and the synthetic
audit targets (`"kind": "synthetic"`), each with `value`, `source`, `as_of` and a precise `how` in terms of
tables/columns/values. Its keys are the sample folders relative to `data/samples/` (`"dongcheng/before"`,
`"qixia/before"` for the before states). The build fails if any figure is off. Figures whose value is an
object (`cross_rates`) map community ids to rates.

| sample | seed | place | as_of | what it reproduces | cadres | posts |
|---|---|---|---|---|---|---|
{rows}

People, phone numbers and most place names are synthetic. The real officials named in the seeds never appear.
"""

SUMMARY = {
    "shijiu": ("000", "日照 石臼街道", "16 村改居 communities + 7 city ones; 7 merged in batches 1–2 (dated), 9 with `merge_into` (振兴, 隆华, 中盛, 华林 …); 16 cooperatives"),
    "dongcheng": ("001", "东城街道", "居站分设: 8 stations (7 一站多居), 29 居委会 (3 kept + 26 new), 两委/三委 cross-appointment"),
    "dongcheng/before": ("001", "东城街道", "the 17 居委会 before 居站分设; same areas and grids"),
    "xiaonan": ("002", "孝感 孝南区", "4 streets, 43 communities, 251 grids; 4 大工委, 49 大党委, 20 + 263 兼职委员; 94 业委会, 656 自管委; 67 units + 4,643 members 双报到; 710 workers"),
    "jiaohe": ("003", "胶河经济区", "4 rural communities with 党总支 (secretary from the 工委, village secretaries as members); 4 service teams × 6 groups; potato cooperative 党总支"),
    "qixia": ("004", "栖霞市", "12 communities, 97 grids, 97 grid workers; 7 + 5 + 1 branches, 19 planned; 12 full-time secretaries; five-level chain"),
    "qixia/before": ("004", "栖霞市", "the 8 communities before the reform; same compounds and buildings, 27 old grids"),
    "jiaohe/before": ("003", "胶河经济区", "the 26 villages before 社区化: no community, 党总支 or service team; village branches under the 工委"),
}


# =============================================================================================
# main
# =============================================================================================
SAMPLES = [("shijiu", "2021-12-01", figs_shijiu), ("dongcheng", DC_AS_OF, figs_dongcheng),
           ("dongcheng/before", DC_BEFORE_AS_OF, figs_dongcheng_before), ("xiaonan", "2022-01-01", figs_xiaonan),
           ("jiaohe", "2022-01-01", figs_jiaohe), ("jiaohe/before", JH_BEFORE_AS_OF, figs_jiaohe_before),
           ("qixia", QX_AS_OF, figs_qixia),
           ("qixia/before", QX_BEFORE_AS_OF, figs_qixia_before)]
# deliberate deviations from the source documents that make the audits find something (#18 item 5), written to
# <sample>/DEVIATIONS.json and shown by `orggraph audit --sample NAME` (orggraph.sample_deviations): audit table,
# the values of the rows each explains, the label (Chinese first), the document's sentence, what the sample does.
def _dev(table, match, note, source, what):
    return {"table": table, "match": match, "note": "样本有意偏离原文: " + note, "source": source, "what": what}


_DC_STAFF = "seed 001: 每个工作站配备工作人员10—20人"
_DC_PEOPLE = "seed 001: 服务人口7000—20000人"
_DC_ZONES = "seed 001: 以居委会为单位,按照300-400户/人的标准设立片区管理员"
_XN_VACUUM = "seed 002: 厘清8个社区交界区域管辖主体,彻底消除治理真空带"
DEVIATIONS: dict[str, list[dict]] = {
    "dongcheng": [
        _dev("norm_violations", {"rule": "workstation_staff", "entity_id": "dc-u-ws2"},
             "原文每站工作人员10—20人, 样本令安宁社区工作站只有9人", _DC_STAFF,
             "dc-u-ws2 is given 9 staff on purpose (deliberate deviation)"),
        _dev("norm_violations", {"rule": "workstation_staff", "entity_id": "dc-u-ws7"},
             "原文每站工作人员10—20人, 样本令御景社区工作站有22人", _DC_STAFF,
             "dc-u-ws7 is given 22 staff on purpose (deliberate deviation)"),
        _dev("norm_violations", {"rule": "workstation_population", "entity_id": "dc-u-ws7"},
             "原文每站服务人口7000—20000人, 样本令御景社区工作站服务略多于20000人", _DC_PEOPLE,
             "dc-u-ws7 serves just over 20,000 people on purpose (deliberate deviation)"),
        _dev("norm_violations", {"rule": "households_per_zone_manager", "entity_id": "dc-u-ws2"},
             "原文300-400户/人设片区管理员, 样本令安宁社区工作站片区管理员过少", _DC_ZONES,
             "dc-u-ws2 has too few zone managers on purpose (deliberate deviation)"),
        *[_dev("norm_violations", {"rule": "zone_manager_households_per_residents_committee", "entity_id": c},
               "原文300-400户/人设片区管理员, 样本令安宁社区工作站所服务居委会的片区管理员过少", _DC_ZONES,
               f"{c} is served by dc-u-ws2, short of zone managers on purpose (deliberate deviation)")
          for c in ("dc-c01", "dc-c05", "dc-c06")],
    ],
    "xiaonan": [
        _dev("unassigned_areas", {"id": "xn-a2367", "status": "unassigned"},
             "原文称彻底消除治理真空带, 样本保留此交界区域无社区管辖", _XN_VACUUM,
             "one boundary zone is left unassigned on purpose (deliberate deviation; the 8 zones the article names are "
             "assigned)"),
        _dev("unassigned_areas", {"id": "xn-a2368", "status": "contested"},
             "原文称彻底消除治理真空带, 样本保留此交界区域两社区争议", _XN_VACUUM,
             "one boundary zone is left contested by two communities on purpose (deliberate deviation)"),
    ],
    "qixia": [
        _dev("norm_violations", {"rule": "grid_households", "entity_id": g},
             "原文以每300户为基础划分网格, 样本令此网格规模明显偏小", "seed 004: 以每300户为基础划分97个基础网格",
             f"grid {g} is made out of the ~300-household tolerance on purpose (deliberate deviation)")
        for g in ("qx-g05-6", "qx-g12-8")
    ],
}
# generic audit figures allowed to be 0 (or empty) in a main sample, with the reason
ALLOWED_ZERO = {
    "dongcheng": {"compounds_500_without_own_rc": "the source says all 500+ compounds have one",
                  "grids_outside_200_400_households": "grids are cut at 250-360"},
    "jiaohe": {"cross_rates": "no community-level 居委会", "yijiantiao_communities": "no community-level 居委会",
               "property_companies_without_branch": "no property companies in the countryside",
               "buildings_with_complete_chain": "no compound branches", "compounds_with_complete_chain": "idem"},
    "qixia": {"grids_without_current_grid_worker": "the source says 97 grid workers for 97 grids"},
}


def build_all() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    print("building shijiu …", flush=True)
    build_shijiu().write(OUT / "shijiu")
    print("building dongcheng …", flush=True)
    a, b = build_dongcheng()
    a.write(OUT / "dongcheng")
    b.write(OUT / "dongcheng" / "before")
    print("building xiaonan …", flush=True)
    build_xiaonan().write(OUT / "xiaonan")
    print("building jiaohe …", flush=True)
    build_jiaohe().write(OUT / "jiaohe")
    print("building qixia …", flush=True)
    a, b = build_qixia()
    a.write(OUT / "qixia")
    b.write(OUT / "qixia" / "before")
    # polygons (EPSG:4490) for the two samples with a map: tools/sample_geometry.py
    from sample_geometry import add_geometry

    for name in ("jiaohe", "qixia"):
        add_geometry(OUT / name, name)

    # people (#17): birth dates, education, memberships, 在职党员, terms — a separate step, see tools/sample_people.py
    from sample_people import SAMPLES as PEOPLE_SAMPLES, add_people

    for name in PEOPLE_SAMPLES:
        add_people(OUT / name, name)

    # history (#18): qixia's own before state folded into it with dates (成立/撤销), see tools/sample_history.py
    from sample_history import add_history

    add_history(OUT / "qixia", OUT / "qixia" / "before", QX_REFORM)
    # shijiu (#18): the 7 村改居 communities of batches 1 and 2, merged before the 2021-12-05 meeting, dated in the ledger
    from sample_history import date_merges

    date_merges(OUT / "shijiu", SJ_EARLIER_MERGES)
    # jiaohe/before (#18): the villages before 社区化, for the form_community scenario
    from sample_history import before_community_formation

    before_community_formation(OUT / "jiaohe", OUT / "jiaohe" / "before", JH_BEFORE_AS_OF)
    # xiaonan/before (#18): the ledger before the 2020 re-cut, and the replay to the document's end state
    from sample_history import before_recut, xiaonan_before_readme, xiaonan_scenario

    xiaonan_before_readme(OUT / "xiaonan" / "before", before_recut(OUT / "xiaonan", OUT / "xiaonan" / "before"))
    xiaonan_scenario(OUT / "xiaonan", OUT / "xiaonan" / "scenarios")


def check_all(write: bool) -> dict:
    problems: list[str] = []
    figures: dict[str, dict] = {}
    queries: dict[str, Q] = {}
    for name, as_of, ff in SAMPLES:
        q = validate(OUT / name, as_of)
        q2 = Q(OUT / name, ROBUST_DATE)   # a dated ledger as it stood on ROBUST_DATE
        queries[name] = q
        out: dict[str, dict] = {}
        for f in ff():
            if f["as_of"]:   # a figure of the ledger's history, on its own date
                v = v2 = f["fn"](Q(OUT / name, f["as_of"]), f["as_of"])
            else:
                v, v2 = f["fn"](q, as_of), f["fn"](q2, ROBUST_DATE)
            want = v if f["value"] is None else f["value"]
            if v != want or v2 != want:
                problems.append(f"{name}: {f['name']} = {v} (at {ROBUST_DATE}: {v2}), expected {want}")
            out[f["name"]] = {"value": want, "source": f["source"], "how": f["how"], "as_of": f["as_of"] or as_of,
                              "kind": f["kind"]}
        g1, g2 = generic_figures(q, as_of), generic_figures(q2, ROBUST_DATE)
        for k, (v, how) in g1.items():
            if g2[k][0] != v:
                problems.append(f"{name}: {k} differs at {ROBUST_DATE}")
            if k in out:
                continue
            out[k] = {"value": v, "source": "synthetic: generated audit target (not reported by the seed)", "how": how,
                      "as_of": as_of, "kind": "synthetic"}
            if "/" not in name and not v and k not in ALLOWED_ZERO.get(name, {}):
                problems.append(f"{name}: audit figure {k} is empty; every audit should find something")
        figures[name] = out
    # before/after pairs share their compounds and buildings (and, in dongcheng, the grids)
    for base in ("dongcheng", "qixia"):
        a, b = queries[base], queries[base + "/before"]
        if [r["id"] for r in a.t["areas"]] != [r["id"] for r in b.t["areas"]]:
            problems.append(f"{base}: before/after area ids differ")
        if [(r["id"], r["name"], r["kind"]) for r in a.t["areas"]] != [(r["id"], r["name"], r["kind"]) for r in b.t["areas"]]:
            problems.append(f"{base}: before/after area names differ")
    if [r["id"] for r in queries["dongcheng"].t["grids"]] != [r["id"] for r in queries["dongcheng/before"].t["grids"]]:
        problems.append("dongcheng: before/after grid ids differ")
    for name, devs in DEVIATIONS.items():   # every deviation names rows of what is on disk
        q = queries[name]
        for d in devs:
            i = d["match"].get("entity_id") or d["match"].get("id")
            if i not in q.row:
                problems.append(f"{name}: deviation {d['match']} names no node of the ledger")
    if problems:
        raise SystemExit("FIGURE CHECK FAILED:\n  " + "\n  ".join(problems))
    if write:
        for name, devs in DEVIATIONS.items():
            with open(OUT / name / "DEVIATIONS.json", "w", encoding="utf-8") as fh:
                json.dump(devs, fh, ensure_ascii=False, indent=1)
                fh.write("\n")
        with open(OUT / "FIGURES.json", "w", encoding="utf-8") as fh:
            json.dump(figures, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
        rows = []
        for name, as_of, _ in SAMPLES:
            (OUT / name / "README.md").write_text(readme_for(name, figures[name], queries[name]), encoding="utf-8")
            seed, place, what = SUMMARY[name]
            rows.append(f"| [`{name}`]({name}/README.md) | {seed} | {place} | {as_of} | {what} | "
                        f"{len(queries[name].t['cadres'])} | {len(queries[name].t['posts'])} |")
        (OUT / "README.md").write_text(INDEX_README.format(rows="\n".join(rows)), encoding="utf-8")
    else:
        on_disk = json.loads((OUT / "FIGURES.json").read_text(encoding="utf-8"))
        if on_disk != figures:
            raise SystemExit("FIGURES.json is out of date: rerun tools/build_samples.py")
    return figures


def main(argv: list[str]) -> int:
    if "--check" not in argv:
        build_all()
    figures = check_all(write="--check" not in argv)
    for name, figs in figures.items():
        src = sum(1 for f in figs.values() if f["kind"] == "source")
        print(f"{name:18s} ok: {src} source figures, {len(figs) - src} synthetic")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
