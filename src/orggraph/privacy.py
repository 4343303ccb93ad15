"""Personal data (个人信息): stable pseudonyms for cadres' names and phones.

Cadres' names and phones are personal data (``personal=True`` in
:mod:`orggraph.schema`). orggraph never writes them to logs or error messages
(ids only); :func:`pseudonymize` replaces them before a graph, a ledger or a
report leaves the organisation department.
"""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd

from . import _types
from .schema import NODE_KINDS

__all__ = ["pseudonymize", "pseudonym", "personal_values"]


def pseudonym(salt: str, value: str, prefix: str) -> str:
    """``prefix`` + 10 hex digits of HMAC-SHA256(salt, value): stable for a salt, not reversible without it."""
    digest = hmac.new(str(salt).encode("utf-8"), str(value).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{prefix}{digest[:10]}"


def pseudonymize(g, salt: str):
    """A copy of ``g`` whose cadres carry pseudonyms instead of names and phones.

    * ``name`` becomes ``人员-<10 hex>``, keyed on the cadre's id: the same person
      gets the same pseudonym for the same salt, in every graph and every run;
    * ``phone`` becomes ``电话-<10 hex>``, keyed on the number (so two records
      sharing a phone still share it), missing phones stay missing;
    * every other column of the cadres that the schema does not define (an ID
      card number, an address someone added to the ledger) is dropped.
      ``gender``, ``birth_year`` and ``party_member`` stay: analyses need them;
    * the other personal columns are dropped to what analyses need: ``birth_date``
      (出生年月) becomes empty, its year kept in ``birth_year`` (ages are then
      counted from 1 July of that year); ``ethnicity`` (民族) becomes empty.

    Parameters
    ----------
    g : OrgGraph
        An in-memory graph (for a Neo4j graph, pull it with ``to_networkx()`` first).
    salt : str
        A secret of the organisation's choosing; keep it to reproduce pseudonyms.

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.load_sample("jiaohe")
    >>> p = g.pseudonymize("secret")
    >>> bool(p.nodes("Cadre")["name"].str.startswith("人员-").all())
    True
    """
    if not salt:
        raise ValueError("pseudonymize needs a non-empty salt")
    new = g.copy()
    store = new._store
    cadres = store.node_frame("Cadre").copy()
    if not len(cadres):
        return new
    spec = NODE_KINDS["Cadre"]
    keep = [a.name for a in spec.attrs]
    cadres = cadres[[c for c in cadres.columns if c in keep]]
    cadres["name"] = [pseudonym(salt, i, "人员-") for i in cadres["id"]]
    phones = cadres["phone"]
    cadres["phone"] = [None if p is None or p != p else pseudonym(salt, p, "电话-") for p in phones]
    if "birth_date" in cadres.columns:
        year = cadres["birth_date"].dt.year.astype("Int64")
        cadres["birth_year"] = cadres["birth_year"].astype("Int64").fillna(year)
    for a in spec.attrs:  # every other personal column: emptied
        if a.personal and a.name not in ("name", "phone") and a.name in cadres.columns:
            cadres[a.name] = _types.empty_column(a.type, cadres.index)
    store.replace_nodes("Cadre", cadres.reset_index(drop=True))
    return new


def personal_values(g) -> set[str]:
    """Every personal value of ``g`` (names and phones of cadres): what must never be logged."""
    cadres = g.nodes("Cadre")
    out: set[str] = set()
    for a in NODE_KINDS["Cadre"].attrs:
        if a.personal and a.name in cadres.columns:
            out |= {str(v) for v in cadres[a.name] if isinstance(v, str) and v}
    return out
