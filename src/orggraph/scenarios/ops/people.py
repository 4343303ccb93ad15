"""People and 换届: new people and bodies, and an election that replaces a body's 班子 in one step."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import ScenarioError
from ...schema import NODE_KINDS, TERRITORY_KINDS
from .._edit import Edit, as_date
from ._common import enum_value, post_rows
from ._registry import Outcome, operation

__all__ = ["add_cadre", "add_unit", "elect", "hire"]

_CADRE_COLUMNS = set(NODE_KINDS["Cadre"].columns)
_UNIT_COLUMNS = set(NODE_KINDS["Unit"].columns)


def _check_columns(attrs: dict, allowed: set, what: str) -> None:
    unknown = sorted(set(attrs) - allowed)
    if unknown:
        raise ScenarioError(f"{what}: unknown column(s) {unknown}; known: {', '.join(sorted(allowed))}")


@operation
def add_cadre(edit: Edit, id: str, name: str, **attrs) -> Outcome:
    """Add a person (新增人员): a Cadre with ledger attributes (gender, birth_date, education …).

    Parameters
    ----------
    id : str
        A new id.
    name : str
        The person's name (personal data: never repeated in messages).
    **attrs
        Other columns of the ``cadres`` table (``gender``, ``birth_date``, ``education``,
        ``party_member``, ``residence_id``, ``work_unit_id`` …), in any ledger form.

    Raises
    ------
    ScenarioError
        A taken id, an unknown column or a bad value (the value of a personal column is not shown).
    """
    if not isinstance(id, str) or not id:
        raise ScenarioError(f"add_cadre: id must be a non-empty string, not {id!r}")
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError(f"add_cadre {id!r}: a name is required")
    _check_columns(attrs, _CADRE_COLUMNS - {"id", "name"}, f"add_cadre {id!r}")
    for ref in ("residence_id", "work_unit_id"):
        if attrs.get(ref) is not None:
            kinds = NODE_KINDS["Cadre"].attr(ref).ref
            edit.require(attrs[ref], kinds, ref)
    edit.add_nodes("Cadre", [{"id": id, "name": name, **attrs}])
    return Outcome({"cadre": id})


@operation
def add_unit(edit: Edit, kind: str, territory: str | None, id: str | None = None, name: str | None = None,
             parent: str | None = None, **attrs) -> Outcome:
    """Set up a unit (新设单位): a 居委会, 工作站, 业委会, 监委会 … covering a territory.

    Parameters
    ----------
    kind : str
        A unit kind (``residents_committee`` 居委会, ``supervisory_committee`` 监委会 …).
    territory : str or None
        The territory it covers (``territory_id``).
    id, name : str, optional
        Default id ``<territory>-unit-<kind>`` (made unique); default name the
        territory's name followed by the kind's Chinese name.
    parent : str, optional
        The unit it answers to.
    **attrs
        Other columns of the ``units`` table (``term_start``, ``term_years``, ``term_no`` …).

    Raises
    ------
    ScenarioError
        An unknown kind, id or column, a territory that is not a territory, or a taken id.
    """
    from ...schema import ENUMS

    kind = enum_value("unit_kind", kind, "kind")
    _check_columns(attrs, _UNIT_COLUMNS - {"id", "name", "kind", "territory_id", "parent_id"}, "add_unit")
    if territory is not None:
        edit.require(territory, TERRITORY_KINDS, "territory")
    if parent is not None:
        edit.require(parent, "Unit", "parent")
    if id is None:
        if territory is None:
            raise ScenarioError("add_unit: give an id or the territory it covers")
        id = edit.new_id(f"{territory}-unit-{kind}")
    elif edit.exists(id):
        raise ScenarioError(f"id already in the graph: {id!r}")
    if name is None:
        if territory is None:
            raise ScenarioError("add_unit: give a name or the territory it covers")
        name = f"{edit.node_row(edit.kind(territory), territory)['name']}{ENUMS['unit_kind'].values[kind][0]}"
    rec = {"id": id, "name": name, "kind": kind, **attrs}
    if territory is not None:
        rec["territory_id"] = territory
    if parent is not None:
        rec["parent_id"] = parent
    edit.add_nodes("Unit", [rec])
    return Outcome({"unit": id, "kind": kind}, resolved={"id": id, "name": name})


def _read_table(table, base_dir=None, *, body_column: bool = False, what: str = "elect") -> pd.DataFrame:
    """Rows of people and posts as a DataFrame: from records (a list of dicts, what a DataFrame is recorded as)
    or a CSV/xlsx file (a relative path is looked up beside the scenario file first, when there is one)."""
    if isinstance(table, str):
        path = Path(table)
        if not path.is_absolute() and base_dir is not None and (Path(base_dir) / path).exists():
            path = Path(base_dir) / path
        if not path.exists():
            raise ScenarioError(f"{what}: table file not found: {table}")
        if path.suffix.lower() in (".xlsx", ".xls"):
            frame = pd.read_excel(path, dtype=object, engine="openpyxl")
        else:
            frame = pd.read_csv(path, dtype=object, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
        source = path.name
    elif isinstance(table, list) and all(isinstance(r, dict) for r in table):
        frame = pd.DataFrame(table, dtype=object)
        source = "table"
    else:
        raise ScenarioError(f"{what}: table must be a DataFrame, a list of rows (dicts) or the path of a CSV/xlsx file")
    frame = frame.astype(object).where(frame.notna(), None)
    aliases = {al: a.name for a in NODE_KINDS["Cadre"].attrs for al in a.aliases}
    aliases.update({"人员编号": "cadre_id", "id": "cadre_id", "职务": "role", "任职单位": "body_id", "任职开始": "start"})
    frame = frame.rename(columns={c: aliases.get(str(c).strip(), str(c).strip()) for c in frame.columns})
    needed = ("cadre_id", "body_id", "role") if body_column else ("cadre_id", "role")
    for col in needed:
        if col not in frame.columns:
            raise ScenarioError(f"{what}: {source} has no {col} column")
    missing = frame[list(needed)].isna().any(axis=1)
    if missing.any():
        rows = [int(i) + 2 for i in np.flatnonzero(missing.to_numpy())][:5]
        raise ScenarioError(f"{what}: {source} row(s) {rows}: {', '.join(needed)} are required")
    frame["cadre_id"] = frame["cadre_id"].astype(str).str.strip()
    extra = {"cadre_id", "role", "start", "body_id"}
    _check_columns({c: None for c in frame.columns}, (_CADRE_COLUMNS | extra) - {"id"}, f"{what}: {source}")
    return frame


def _people_and_posts(edit: Edit, frame: pd.DataFrame, bodies, what: str) -> int:
    """Create the people of ``frame`` not yet in the graph, then start a post per row (on ``bodies``, one per row).

    Returns how many people were created.
    """
    frame = frame.assign(role=[enum_value("role", r, "role") for r in frame["role"]])
    known = edit.kinds(frame["cadre_id"])
    wrong = [i for i, k in known.items() if isinstance(k, str) and k != "Cadre"]
    if wrong:
        raise ScenarioError(f"{what}: {wrong[:5]} are not people (Cadre ids)")
    new = frame[known.isna().to_numpy()].drop_duplicates("cadre_id")
    if len(new):
        names = new["name"] if "name" in new.columns else pd.Series([None] * len(new), index=new.index, dtype=object)
        if names.isna().any():
            raise ScenarioError(f"{what}: new people need a name: {list(new.loc[names.isna(), 'cadre_id'])[:5]}")
        attrs = [c for c in new.columns if c in _CADRE_COLUMNS and c != "id"]
        records = [{"id": r["cadre_id"], **{c: r[c] for c in attrs if r[c] is not None}} for _, r in new.iterrows()]
        edit.add_nodes("Cadre", records)
    starts = list(frame["start"]) if "start" in frame.columns else [None] * len(frame)
    rows = [post_rows([c], b, role, edit.date if s is None or s != s else as_date(s, "start"))
            for c, b, role, s in zip(frame["cadre_id"], bodies, frame["role"], starts)]
    edit.add_edges("HOLDS_POST", pd.concat(rows, ignore_index=True))
    return int(len(new))


@operation
def elect(edit: Edit, body: str, table) -> Outcome:
    """Hold a 换届 election on a body in one step: the old 班子 leaves, the new one takes office.

    Every current 班子 post on ``body`` (roles secretary, deputy_secretary,
    member, director, deputy_director) ends on the scenario date; staff and
    grid posts stay. Each row of ``table`` then starts a post on ``body`` on that
    date (or on the row's ``start``): ``cadre_id`` and ``role`` are required; a
    table with a ``body_id`` column may hold several bodies' 班子 (only the rows
    of ``body`` are used, so one file serves every election of a 换届); a
    ``cadre_id`` not yet in the graph is a new person, created from the row's other ``cadres`` columns
    (``name`` required; ``gender``, ``birth_date``, ``education`` …). The body's
    ``term_start`` becomes the election day (the earliest ``start`` of the rows,
    else the scenario date) and its ``term_no`` (届次) goes up by one.

    Parameters
    ----------
    body : str
        A party organisation or unit (社区党委, 居委会 …).
    table : DataFrame, list of dicts, or str
        The new 班子; or the path of a CSV or xlsx file with those columns
        (Chinese headers of the ``cadres`` table accepted, 人员编号 and 职务 too).

    Returns the summary ``before`` and ``after`` (members, women, under_35,
    mean_age, college_or_above): before at the scenario date, after on the
    latest ``start`` of the rows (the whole new 班子 in office); ids only, never names.

    Raises
    ------
    ScenarioError
        An unknown body or role, a missing column, a new person without a name,
        or a bad value (personal values are not shown).
    """
    from ...queries.appointments import COMMITTEE_ROLES

    edit.require(body, ("PartyOrg", "Unit"), "body")
    frame = _read_table(table, getattr(edit, "base_dir", None))
    if "body_id" in frame.columns:  # one table for several bodies: this body's rows
        frame = frame[frame["body_id"].astype(str).str.strip() == body].drop(columns="body_id")
        if frame.empty:
            raise ScenarioError(f"elect: the table has a body_id column but no row for {body!r}")
    for r in frame["role"]:  # refuse a bad role before anything changes
        enum_value("role", r, "role")
    before = _structure(edit, body, COMMITTEE_ROLES)
    e = edit.edges("HOLDS_POST")
    current = edit.current_posts([body], roles=COMMITTEE_ROLES)
    ended = edit.end_posts(e.index.isin(current.index))
    created = _people_and_posts(edit, frame, [body] * len(frame), "elect")
    starts = [as_date(v, "start") for v in frame["start"] if v is not None and v == v] if "start" in frame.columns else []
    kind = edit.kind(body)
    row = edit.node_row(kind, body)
    term_no = row.get("term_no")
    edit.set_attrs(kind, [body], term_start=pd.Timestamp(min(starts, default=edit.date)),
                   **({"term_no": int(term_no) + 1} if term_no is not None and not pd.isna(term_no) else {}))
    after = _structure(edit, body, COMMITTEE_ROLES, max(starts, default=edit.date))  # once all have taken office
    details = pd.DataFrame({"measure": list(before), "before": list(before.values()), "after": list(after.values())})
    return Outcome({"body": body, "posts_ended": ended, "elected": int(frame["cadre_id"].nunique()),
                    "new_people": created, "before": before, "after": after}, details=details)


@operation
def hire(edit: Edit, table) -> Outcome:
    """Appoint people to posts from a table (招聘/配备): new people created as needed.

    Each row starts a post: ``cadre_id``, ``body_id`` (a party organisation, unit
    or grid), ``role`` and optionally ``start`` (default the scenario date); a
    ``cadre_id`` not yet in the graph is a new person made from the row's other
    ``cadres`` columns (``name`` required). Nothing ends: see :func:`elect` for a 换届.

    Parameters
    ----------
    table : DataFrame, list of dicts, or str
        The rows; or the path of a CSV or xlsx file (a relative path is looked up
        beside the scenario file first).

    Raises
    ------
    ScenarioError
        A missing column, an unknown body or role, a new person without a name,
        or a bad value (personal values are not shown).
    """
    frame = _read_table(table, getattr(edit, "base_dir", None), body_column=True, what="hire")
    edit.require(list(dict.fromkeys(frame["body_id"])), ("PartyOrg", "Unit", "Grid"), "body_id")
    created = _people_and_posts(edit, frame, list(frame["body_id"]), "hire")
    return Outcome({"posts": int(len(frame)), "new_people": created, "bodies": int(frame["body_id"].nunique())})


def _structure(edit: Edit, body: str, roles, day=None) -> dict:
    """班子 structure of ``body`` at the edit's date (or ``day``): members, women, under_35, mean_age, college_or_above."""
    from ... import rules
    from ...queries.people import ages

    day = edit.date if day is None else day
    people = edit.current_posts([body], roles=roles, day=day)["source"].unique()
    cad = edit.nodes("Cadre")
    cad = cad[cad["id"].isin(list(people))]
    age = ages(cad["birth_date"], cad["birth_year"], day)
    known = age[~np.isnan(age)]
    return {
        "members": int(len(cad)),
        "women": int((cad["gender"] == "female").sum()),
        "under_35": int((known < rules.YOUTH_AGE).sum()),
        "mean_age": round(float(known.mean()), 2) if len(known) else None,
        "college_or_above": int(cad["education"].isin(rules.COLLEGE_OR_ABOVE).sum()),
    }
