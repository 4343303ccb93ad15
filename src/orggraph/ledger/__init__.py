"""Reading and writing ledgers (台账): folders of CSV files or .xlsx workbooks.

The format is documented in ``docs/ledger.md``, generated from :mod:`orggraph.schema`.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from ..errors import LedgerError
from ..graph import OrgGraph, extension
from ..progress import LARGE_BYTES, progress, size_of
from ..schema import EDGE_TABLES, EDGE_TYPES, NODE_KINDS
from .io import read_raw_tables
from .validate import validate_tables

__all__ = ["read_ledger", "write_ledger", "check_ledger"]

log = logging.getLogger("orggraph.ledger")


def _load(path: Path):
    """Read and validate; return ``(graph or None, problems)``: errors, or else consistency warnings."""
    from .consistency import consistency_warnings

    # a progress bar on a terminal or in a notebook when the ledger is large (orggraph.progress)
    with progress(3 + len(NODE_KINDS) + len(EDGE_TYPES), f"reading ledger {path.name}",
                  large=size_of(path) >= LARGE_BYTES, unit="step") as bar:
        tables, read_problems = read_raw_tables(path)
        bar.update(1, f"validating {path.name}")
        nodes, edges, problems, ids = validate_tables(tables, read_problems)
        # read warnings (ignored files and sheets, merged cells filled, look-alike headers) go to the load report
        noted = problems["severity"].eq("warning")
        if not noted.all():
            return None, problems
        problems = problems.reset_index(drop=True)
        bar.update(1, "building the graph")
        g = OrgGraph()
        store = g.store
        ref_cols = {k: [r.column for r in spec.refs] for k, spec in NODE_KINDS.items()}
        for kind, frame in nodes.items():
            store.add_nodes(kind, frame.drop(columns=ref_cols[kind], errors="ignore"), validate=False)
            bar.update(1, f"building the graph: {kind}")
        bar.update(len(NODE_KINDS) - len(nodes))  # kinds the ledger has no table for
        # validation looked every id up already: its index and codes serve the graph as they are
        store.adopt_index(ids)
        # column edges first (they are the primary parents), then the edge tables
        for etype in EDGE_TYPES:
            for _, frame, codes in edges[etype]:
                store.add_edges(etype, frame, validate=False, codes=codes)
            bar.update(1, f"building the graph: {etype}")
        bar.describe("checking consistency")
        rows = {t: rt.row_numbers() for t, rt in tables.items()}
        files = {t: rt.file for t, rt in tables.items()}
        warnings = consistency_warnings(g, rows, files)
        if len(problems):
            warnings = pd.concat([problems, warnings], ignore_index=True) if len(warnings) else problems
        bar.update(1)
    return g, warnings


def check_ledger(path: str | Path, strict: bool = False) -> pd.DataFrame:
    """Every problem of the ledger at ``path`` as a DataFrame (empty when there is none).

    Columns: ``file``, ``table``, ``row`` (spreadsheet numbering: the header is
    row 1), ``column``, ``value``, ``problem``, ``suggestion``, ``severity``
    (``"error"``: the ledger cannot be loaded; ``"warning"``: a consistency
    doubt, see :mod:`orggraph.ledger.consistency`). Warnings are only looked for
    once there are no errors. With ``strict=True`` warnings count as errors.
    """
    _, problems = _load(Path(path))
    if strict and len(problems):
        problems = problems.assign(severity="error")
    return problems


def read_ledger(path: str | Path, strict: bool = False):
    """Read and validate a ledger; return an in-memory :class:`~orggraph.OrgGraph`.

    Parameters
    ----------
    path : str or Path
        A folder of CSV files (``communities.csv``, ``posts.csv`` …) or one .xlsx
        workbook with one sheet per table. Chinese headers, table names and
        values are accepted (see ``docs/ledger.md``).
    strict : bool
        Refuse a ledger with consistency warnings too (``orggraph validate --strict``).

    Raises
    ------
    LedgerError
        When anything is wrong; its ``.problems`` DataFrame lists every problem
        with file, row, column, value and a suggestion. Nothing is loaded.

    Examples
    --------
    >>> import orggraph as og
    >>> g = og.read_ledger(og.sample_path("jiaohe"))
    >>> int((g.nodes("Community")["kind"] == "rural").sum())
    4
    """
    path = Path(path)
    g, problems = _load(path)
    if g is None or (strict and len(problems)):
        raise LedgerError(problems.assign(severity="error") if strict else problems, source=str(path))
    if len(problems):
        log.warning("ledger %s: %d consistency warning(s), e.g. %s (see orggraph validate / og.check_ledger)",
                    path.name, len(problems), _first(problems))
    log.info("read ledger %s: %s", path.name, g)
    return g


def _first(problems: pd.DataFrame) -> str:
    from ..errors import format_problem

    return format_problem(problems.iloc[0].to_dict())


def _fmt(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for c in out.columns:
        col = out[c]
        if pd.api.types.is_datetime64_any_dtype(col.dtype):
            out[c] = col.dt.strftime("%Y-%m-%d").where(col.notna(), None)
        elif str(col.dtype) == "boolean" or col.dtype == bool:
            out[c] = col.map(lambda v: None if v is pd.NA or v is None else ("true" if v else "false"))
    return out


def ledger_frames(g) -> dict[str, pd.DataFrame]:
    """The graph as ledger tables (table name → DataFrame with ledger columns)."""
    store = g.store
    out: dict[str, pd.DataFrame] = {}
    consumed: dict[str, pd.Series] = {t: pd.Series(False, index=store.edge_frame(t).index) for t in EDGE_TYPES}
    idx = store.id_index()
    for kind, spec in NODE_KINDS.items():
        out[spec.table] = _fmt(store.nodes(kind))
        for ref in spec.refs:
            e = store.edge_frame(ref.edge)
            mine, other = (e["target"], e["source"]) if ref.incoming else (e["source"], e["target"])
            ok = (idx.reindex(mine).to_numpy() == kind) & idx.reindex(other).isin(list(ref.targets)).to_numpy()
            ok &= store.undated_edges(ref.edge)  # a dated link stays a row of its table (store.primary_ref_codes)
            first = pd.Series(ok, index=e.index) & ~mine.where(ok).duplicated(keep="first")
            consumed[ref.edge] |= first & ok
    for table, spec in EDGE_TABLES.items():
        e = store.edge_frame(spec.edge)
        rest = e[~consumed[spec.edge].to_numpy()]
        rest = rest.rename(columns={"source": spec.source.name, "target": spec.target.name})
        out[table] = _fmt(rest.reset_index(drop=True))
    return out


@extension("write_ledger")
def write_ledger(g, path: str | Path) -> Path:
    """Write ``g`` as a ledger: a folder of CSV files, or an .xlsx workbook when ``path`` ends in .xlsx.

    Reading the result back gives an equal graph. Every text cell is written
    inert (:mod:`orggraph.outputs`): a value starting with ``=``, ``+``, ``-``
    or ``@`` is a text cell in the workbook and carries a leading apostrophe in
    CSV, which the reader takes off again; a value longer than an .xlsx cell
    holds (32,767 characters) is refused before anything is written.
    """
    from ..outputs import Sheet, write_csv, write_xlsx

    path = Path(path)
    frames = ledger_frames(g)
    if path.suffix.lower() == ".xlsx":
        return write_xlsx(path, [Sheet(table, frame) for table, frame in frames.items()],
                          description=f"writing ledger {path.name}")
    path.mkdir(parents=True, exist_ok=True)
    rows = sum(len(f) for f in frames.values())
    with progress(len(frames), f"writing ledger {path.name}", large=rows >= 200_000, unit="table") as bar:
        for table, frame in frames.items():
            write_csv(frame, path / f"{table}.csv", encoding="utf-8")
            bar.update(1, f"writing {table}.csv")
    return path
