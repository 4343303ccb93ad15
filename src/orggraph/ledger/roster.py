"""Reading a 花名册 (roster): one row per person, as communities keep their cadres.

A roster row holds a person (姓名, 性别, 出生年月, 学历, 政治面貌, 联系电话) and a composite
现任职务 such as ``社区党委书记、居委会主任``. :func:`read_roster` turns it into the ledger's
``cadres`` and ``posts`` tables: each title is split into posts (on 、，,；/ and 兼), each
post's role read with :func:`orggraph.schema.split_role`, and its body resolved among the bodies
that serve the community in a graph read from the ledger: 党委/党总支/党支部 (or a party role with
no body named) the community's party organisation, 居委会 (or 主任, 副主任 …) its residents'
committee, 网格员/网格长 its grid when it has one. What cannot be resolved is a problem naming the
row, never a guess.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import _types
from ..errors import LedgerError
from ..schema import ROLE_BODY_KINDS, ROSTER_COLUMNS, split_role
from .io import OTHER_TABLES, read_table

__all__ = ["read_roster", "ROSTER_COLUMNS"]

OTHER_TABLES["roster"] = [(name, aliases, ()) for name, aliases in ROSTER_COLUMNS.items()]

_SPLIT = re.compile(r"[、，,；;/／\s]+|兼任?")
_PARTY = {"中共党员", "党员", "中国共产党党员", "预备党员", "中共预备党员"}
_NOT_PARTY = {"群众", "共青团员", "团员", "无党派人士", "无党派", "民主党派"}
#: body words → how to find the body among those serving the community: (kind, unit kind or party levels)
_BODY_HINTS = (
    (("党总支",), "PartyOrg", ("general_branch",)),
    (("党支部", "支部"), "PartyOrg", ("branch",)),
    (("党委", "党组织", "党工委"), "PartyOrg", ("committee", "general_branch", "branch")),
    (("居委会", "居民委员会", "村委会", "村民委员会"), "Unit", ("residents_committee",)),
    (("工作站",), "Unit", ("workstation",)),
    (("业委会",), "Unit", ("owners_committee",)),
    (("合作社",), "Unit", ("cooperative",)),
    (("监委会",), "Unit", ("supervisory_committee",)),
)


def read_roster(path: str | Path, community: str, graph, sheet: str | None = None) -> dict[str, pd.DataFrame]:
    """Read a roster (花名册) of ``community`` into the ledger tables ``cadres`` and ``posts``.

    Parameters
    ----------
    path : str or Path
        A CSV file or an .xlsx workbook (``sheet``, or its first visible sheet), one row
        per person; headers as in :data:`ROSTER_COLUMNS` (姓名, 现任职务 … required).
    community : str
        The id of the community (社区) the roster belongs to: bodies are resolved among those
        serving it in ``graph``.
    graph : OrgGraph
        The ledger the roster joins (``og.read_ledger(...)``).

    Returns
    -------
    dict
        ``{"cadres": DataFrame, "posts": DataFrame}`` with the ledger's columns (plus
        ``education`` and ``political_status``), ready to be appended to the ledger's tables.
        A person without an id gets ``<community>-r<row>``.

    Raises
    ------
    LedgerError
        Every row whose titles cannot be read or whose body cannot be found, by row
        and column; names and phones are never repeated in a problem.
    """
    rt, problems = read_table(path, "roster", sheet)
    problems = [p for p in problems if p.get("severity", "error") == "error"]
    if not _has(graph, community) or graph.kind_of(community) != "Community":
        problems.append(dict(file=Path(path).name, table="roster", row=None, column="", value=community,
                             problem=f"{community!r} is not the id of a community of the graph"))
    if rt is not None and not problems:
        for need in ("name", "titles"):
            if need not in rt.frame.columns:
                problems.append(dict(file=rt.file, table="roster", row=rt.first_row - 1, column=need, value="",
                                     problem=f"required column {need!r} is missing ({' / '.join(ROSTER_COLUMNS[need])})"))
    if problems or rt is None:
        raise LedgerError(problems or [dict(file=Path(path).name, table="roster", row=None, column="", value="",
                                            problem="no roster table found")], source=str(path))
    frame, rows = rt.frame, rt.row_numbers().to_numpy()
    ids = _types.parse(frame["id"], "str")[0] if "id" in frame.columns else pd.Series(None, index=frame.index, dtype=object)
    ids = ids.where(ids.notna(), pd.Series([f"{community}-r{r}" for r in rows], index=frame.index))
    births, bad_birth, _ = _types.parse_dates(frame["birth"]) if "birth" in frame.columns else (None, None, None)
    bodies = _bodies(graph, community)
    out_posts, errors = [], []
    starts = _types.parse_dates(frame["start"])[0] if "start" in frame.columns else None
    for i, (row, person, titles) in enumerate(zip(rows, ids, frame["titles"])):
        if bad_birth is not None and bad_birth.iloc[i]:
            errors.append(_err(rt, row, "birth", "is not a date (出生年月 as 1975.03, 1975-03 or 1975年3月)"))
        if not isinstance(titles, str) or not titles.strip():
            continue
        for title in filter(None, _SPLIT.split(titles.strip())):
            found = split_role(title)
            if found is None:
                errors.append(_err(rt, row, "titles", f"{title!r} is not a known role (with or without its body)"))
                continue
            role, words = found
            body, why = _body_for(role, words, bodies)
            if body is None:
                errors.append(_err(rt, row, "titles", f"{title!r}: {why}"))
                continue
            out_posts.append({"cadre_id": person, "body_id": body, "role": role,
                              "start": None if starts is None or pd.isna(starts.iloc[i]) else f"{starts.iloc[i]:%Y-%m-%d}"})
    if errors:
        raise LedgerError(errors, source=str(path))
    cadres = pd.DataFrame({
        "id": ids.to_numpy(),
        "name": _types.clean_text(frame["name"]).to_numpy(),
        "gender": _types.clean_text(frame["gender"]).to_numpy() if "gender" in frame.columns else None,
        "birth_year": births.dt.year.astype("Int64").to_numpy() if births is not None else pd.NA,
        "party_member": _party(frame["political_status"]) if "political_status" in frame.columns else pd.NA,
        "phone": _types.parse(frame["phone"], "str")[0].to_numpy() if "phone" in frame.columns else None,
    })
    for extra in ("education", "political_status"):
        if extra in frame.columns:
            cadres[extra] = _types.clean_text(frame[extra]).to_numpy()
    posts = pd.DataFrame(out_posts, columns=["cadre_id", "body_id", "role", "start"])
    return {"cadres": cadres, "posts": posts}


def _has(graph, node: str) -> bool:
    try:
        graph.kind_of(node)
        return True
    except Exception:  # NodeNotFound
        return False


def _err(rt, row, column, problem) -> dict:
    return dict(file=rt.file, table="roster", row=int(row), column=column, value="<personal data>" if column == "name" else "",
                problem=problem, suggestion=None, severity="error")


def _party(status: pd.Series) -> np.ndarray:
    text = _types.clean_text(status)
    out = pd.array([pd.NA] * len(text), dtype="boolean")
    out[text.isin(_PARTY).to_numpy()] = True
    out[text.isin(_NOT_PARTY).to_numpy()] = False
    return out


def _bodies(graph, community: str) -> pd.DataFrame:
    """The party organisations, units and grids serving ``community``: ``id, kind, sub`` (level or unit kind)."""
    covers = graph.edges("COVERS")
    serving = set(covers.loc[covers["target"] == community, "source"])
    parts = []
    po = graph.nodes("PartyOrg")
    parts.append(pd.DataFrame({"id": po["id"], "kind": "PartyOrg", "sub": po.get("level")})[po["id"].isin(serving)])
    un = graph.nodes("Unit")
    parts.append(pd.DataFrame({"id": un["id"], "kind": "Unit", "sub": un.get("kind")})[un["id"].isin(serving)])
    contains = graph.edges("CONTAINS")
    grids = set(contains.loc[contains["source"] == community, "target"]) & set(graph.nodes("Grid")["id"])
    parts.append(pd.DataFrame({"id": sorted(grids), "kind": "Grid", "sub": None}))
    return pd.concat(parts, ignore_index=True)


def _body_for(role: str, words: str, bodies: pd.DataFrame) -> tuple[str | None, str]:
    """The one body of ``bodies`` a post with ``role`` and body ``words`` is held in, or ``(None, why)``."""
    fits = bodies[bodies["kind"].isin(ROLE_BODY_KINDS.get(role, ()))]
    for spellings, kind, subs in _BODY_HINTS:
        if any(s in words for s in spellings):
            fits = fits[(fits["kind"] == kind) & fits["sub"].isin(subs)]
            # 党委 may name the community's committee or, where there is none, its general branch or branch
            if kind == "PartyOrg" and len(fits) > 1:
                for sub in subs:
                    if (fits["sub"] == sub).sum() == 1:
                        fits = fits[fits["sub"] == sub]
                        break
            break
    else:
        if len(fits) > 1 and (fits["kind"] == "PartyOrg").all():  # 书记 alone: the community's own party organisation
            top = [sub for sub in ("committee", "general_branch", "branch") if (fits["sub"] == sub).sum() == 1]
            fits = fits[fits["sub"] == top[0]] if top else fits
        elif len(fits) > 1 and (fits["kind"] == "Unit").all():  # 主任 alone: the residents' committee
            rc = fits[fits["sub"] == "residents_committee"]
            fits = rc if len(rc) == 1 else fits
    if len(fits) == 1:
        return str(fits["id"].iloc[0]), ""
    if not len(fits):
        return None, "no body serving the community fits it"
    return None, f"{len(fits)} bodies serving the community fit it ({', '.join(map(str, fits['id'].head(5)))}): give the body in the title"
