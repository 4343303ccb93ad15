"""Personal data (个人信息): stable, salted pseudonyms for every personal field, wherever it appears.

Cadres' names and phones are personal data (``personal=True`` in
:mod:`orggraph.schema`). orggraph never writes them to logs or error messages
(ids only); :func:`pseudonymize` replaces them before a graph, a ledger or a
report leaves the organisation department: in the cadres table, in personal
columns someone added to any other table (姓名, 联系电话 in the posts …),
inside other names (a 党员中心户 called "御景小区2号楼党员中心户(黄亮元)"),
and the cadres' ids themselves, which the source ledger would otherwise link
back to the people.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata

import numpy as np
import pandas as pd

from . import _types
from .schema import EDGE_TYPES, NODE_KINDS

__all__ = ["pseudonymize", "pseudonym", "personal_values", "PERSONAL_HEADERS", "DROPPED_HEADERS"]

#: headers of extra columns (any table) holding people's names: each value becomes a pseudonym
NAME_HEADERS = frozenset({"姓名", "人员姓名", "干部姓名", "联系人", "负责人", "负责人姓名", "person", "person_name",
                          "cadre_name", "contact", "contact_name"})
#: headers of extra columns holding phone numbers: each value becomes a pseudonym
PHONE_HEADERS = frozenset({"phone", "联系电话", "电话", "手机", "手机号", "手机号码", "联系方式", "mobile", "tel",
                           "telephone", "contact_phone"})
#: headers of extra columns dropped outright (no analysis needs them)
DROPPED_HEADERS = frozenset({"身份证", "身份证号", "身份证号码", "id_card", "idcard", "出生日期", "出生年月", "birth_date",
                             "birthday", "dob", "住址", "家庭住址", "地址", "address", "home_address", "邮箱", "email",
                             "微信", "wechat", "qq"})
#: every header treated as personal outside the cadres table
PERSONAL_HEADERS = NAME_HEADERS | PHONE_HEADERS | DROPPED_HEADERS


def _digest(salt: str, value: str) -> str:
    return hmac.new(str(salt).encode("utf-8"), str(value).encode("utf-8"), hashlib.sha256).hexdigest()


def pseudonym(salt: str, value: str, prefix: str) -> str:
    """``prefix`` + 10 hex digits of HMAC-SHA256(salt, value): stable for a salt, not reversible without it."""
    return f"{prefix}{_digest(salt, value)[:10]}"


def _fold(header) -> str:
    return unicodedata.normalize("NFKC", str(header)).strip().lower()


def pseudonymize(g, salt: str | None = None):
    """A copy of ``g`` in which no personal value of a cadre survives.

    * the cadre's ``id`` becomes ``p-<12 hex>`` (HMAC of the id), in the
      cadres table and in every edge (posts, liaisons, 双报到) and every text
      cell that holds it: without the salt the source ledger cannot link a
      pseudonym back to a person;
    * ``name`` becomes ``人员-<10 hex>``, keyed on the cadre's id: the same person
      gets the same pseudonym for the same salt, in every graph and every run;
    * ``phone`` becomes ``电话-<10 hex>``, keyed on the number (so two records
      sharing a phone still share it), missing phones stay missing;
    * a cadre's name found inside any other text of the graph (a body's name
      "3号楼党员中心户(张三)", a note) is replaced by that cadre's pseudonym;
      names of two characters or more are matched, longest first, so a place
      that happens to contain a person's name is renamed too (privacy wins);
    * extra columns of other tables with people's names (:data:`NAME_HEADERS`:
      姓名 …) or phones (:data:`PHONE_HEADERS`) get pseudonyms; identity-card
      numbers, birth dates, addresses (:data:`DROPPED_HEADERS`) are dropped;
    * every other column of the cadres that the schema does not define is
      dropped. ``gender``, ``birth_year`` and ``party_member`` stay: analyses
      (women on the 班子, members under 35) need them.
    * the other personal columns of the cadres are emptied: ``birth_date``
      (出生年月) becomes empty, its year kept in ``birth_year`` (ages are then
      counted from 1 July of that year); ``ethnicity`` (民族) becomes empty.

    Parameters
    ----------
    g : OrgGraph
        An in-memory graph (for a Neo4j graph, pull it with ``to_memory()`` first).
    salt : str, optional
        A secret of the organisation's choosing; keep it to reproduce the
        pseudonyms (same salt, same pseudonyms). None: a random salt, so the
        pseudonyms hold for this copy only.

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.load_sample("jiaohe")
    >>> p = g.pseudonymize("secret")
    >>> bool(p.nodes("Cadre")["name"].str.startswith("人员-").all())
    True
    >>> bool(p.nodes("Cadre")["id"].isin(g.nodes("Cadre")["id"]).any())
    False
    """
    if salt is None:
        salt = secrets.token_hex(16)
    if not salt:
        raise ValueError("pseudonymize needs a non-empty salt")
    new = g.copy()
    store = new.store
    cadres = store.node_frame("Cadre").copy()
    if not len(cadres):
        return new
    keep = [a.name for a in NODE_KINDS["Cadre"].attrs]
    old_ids = cadres["id"].astype(str).tolist()
    new_ids = {i: "p-" + _digest(salt, f"id:{i}")[:12] for i in old_ids}
    if len(set(new_ids.values())) != len(new_ids):  # pragma: no cover - 48 bits: practically never
        raise ValueError("two cadre ids got the same pseudonym; choose another salt")
    names = {i: pseudonym(salt, i, "人员-") for i in old_ids}
    # a name → the pseudonym of the first cadre (in id order) with it; names of one character are not matched
    by_name: dict[str, str] = {}
    for i, n in sorted(zip(old_ids, cadres["name"].tolist())):
        if isinstance(n, str) and len(n.strip()) >= 2:
            by_name.setdefault(n.strip(), names[i])
    phones = {}
    for p in cadres["phone"].tolist():
        if isinstance(p, str) and p:
            phones[p] = pseudonym(salt, p, "电话-")
    replacer = _Replacer(by_name)

    cadres = cadres[[c for c in cadres.columns if c in keep]].copy()
    cadres["name"] = [names[i] for i in old_ids]
    cadres["phone"] = [phones.get(p) if isinstance(p, str) and p else None for p in cadres["phone"].tolist()]
    cadres["id"] = [new_ids[i] for i in old_ids]
    if "birth_date" in cadres.columns:  # 出生年月 emptied, its year kept (ages count from 1 July of that year)
        year = cadres["birth_date"].dt.year.astype("Int64")
        cadres["birth_year"] = cadres["birth_year"].astype("Int64").fillna(year)
    for a in NODE_KINDS["Cadre"].attrs:  # every other personal column (民族 …): emptied
        if a.personal and a.name not in ("name", "phone") and a.name in cadres.columns:
            cadres[a.name] = _types.empty_column(a.type, cadres.index)
    store.replace_nodes("Cadre", _texts(cadres, replacer, new_ids, salt, skip={"id", "name", "phone", "birth_date"}).reset_index(drop=True))
    for kind, spec in NODE_KINDS.items():
        if kind == "Cadre":
            continue
        frame = store.node_frame(kind)
        if not len(frame):
            continue
        out = _texts(frame, replacer, new_ids, salt, skip={"id"} | {a.name for a in spec.attrs if a.ref})
        if out is not frame:
            store.replace_nodes(kind, out, rows=np.arange(len(frame)))
    for etype in EDGE_TYPES:
        frame = store.edge_frame(etype)
        if not len(frame):
            continue
        out = _texts(frame, replacer, new_ids, salt, skip={"source", "target"})
        # rows keep their codes unless an endpoint was a cadre (its id changed)
        moved = frame["source"].isin(new_ids).to_numpy() | frame["target"].isin(new_ids).to_numpy()
        if out is not frame or moved.any():
            store.replace_edges(etype, out, rows=np.where(moved, -1, np.arange(len(frame))))
    return new


def _texts(frame: pd.DataFrame, replacer: "_Replacer", new_ids: dict, salt: str, skip: set) -> pd.DataFrame:
    """``frame`` with personal extra columns pseudonymised or dropped, cadre ids replaced in every text cell
    and cadres' names replaced inside every other text; ``frame`` itself when nothing changes."""
    out = frame
    for c in list(frame.columns):
        folded = _fold(c)
        if folded in DROPPED_HEADERS and c not in skip:  # a schema column (birth_date) is emptied, not dropped
            out = out.drop(columns=[c])
            continue
        col = frame[c]
        if not (col.dtype == object or pd.api.types.is_string_dtype(col.dtype)):
            continue
        values = col.to_numpy(dtype=object)
        text = np.fromiter((type(v) is str for v in values), dtype=bool, count=len(values))
        if not text.any():
            continue
        if folded in NAME_HEADERS:
            new = [replacer.whole.get(v.strip()) or pseudonym(salt, v.strip(), "人员-") for v in values[text].tolist()]
        elif folded in PHONE_HEADERS and c not in skip:
            new = [pseudonym(salt, v.strip(), "电话-") for v in values[text].tolist()]
        else:
            new = [new_ids.get(v) or (v if c in skip else replacer(v)) for v in values[text].tolist()]
        if new == values[text].tolist():
            continue
        col_values = values.copy()
        col_values[text] = np.fromiter(new, dtype=object, count=len(new))
        if out is frame:
            out = frame.copy()
        out[c] = pd.Series(col_values, index=frame.index, dtype=col.dtype)
    return out


class _Replacer:
    """Replace every cadre's name (two characters or more) inside a text by the cadre's pseudonym, longest first."""

    def __init__(self, by_name: dict[str, str]):
        self.whole = by_name
        self.lengths = sorted({len(n) for n in by_name}, reverse=True)
        self.starts = frozenset(n[0] for n in by_name)

    def __call__(self, text: str) -> str:
        if not self.whole or self.starts.isdisjoint(text):
            return text
        parts, i, last, n = [], 0, 0, len(text)
        while i < n:
            if text[i] in self.starts:
                for L in self.lengths:
                    if i + L <= n and text[i:i + L] in self.whole:
                        parts += [text[last:i], self.whole[text[i:i + L]]]
                        i += L
                        last = i
                        break
                else:
                    i += 1
            else:
                i += 1
        if not parts:
            return text
        parts.append(text[last:])
        return "".join(parts)


def personal_values(g) -> set[str]:
    """Every personal value of ``g`` (names and phones of cadres): what must never be logged."""
    cadres = g.nodes("Cadre")
    out: set[str] = set()
    for a in NODE_KINDS["Cadre"].attrs:
        if a.personal and a.name in cadres.columns:
            out |= {str(v) for v in cadres[a.name] if isinstance(v, str) and v}
    return out
