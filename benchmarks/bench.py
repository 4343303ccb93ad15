"""orggraph at province scale: one command, one table, and issue #19's targets met or not met.

    python benchmarks/bench.py                 # scales S, M, L (+ Neo4j backend at S and M), Excel at 20 streets and M
    python benchmarks/bench.py --xl --xxl      # also XL (3,000 streets), Excel at L, XXL (10,000 streets)
    python benchmarks/bench.py --scales S --no-neo4j --markdown out.md
    python benchmarks/bench.py --scales "" --no-neo4j --spatial L   # only the spatial check (orggraph.geo) at L
    python benchmarks/bench.py --scales S,M --neo4j-servers neo4j,arcadedb   # Neo4j backend on both servers
    python benchmarks/bench.py --scales "" --xxl --no-startup --no-neo4j --xlsx-scales "" --json xxl.json
    python benchmarks/bench.py --xl --include xxl.json   # XXL measured by a second process at the same time

Each scale runs in fresh subprocesses (one to generate and write the ledger,
one to measure, one for Excel against CSV, one per Bolt server for the Neo4j
backend: the real Neo4j 5.26 Community and ArcadeDB) so that times and peak
memory are clean. Rows: reading the ledger (validated) and the text memory of
its tables, building the graph from typed tables (validated), each query
(cold: on a fresh copy, no cache), the full audit, read + audit together, a
scenario merging 10 communities followed by a re-audit, building ``g.nx``
(and the memory it holds), the three baseline queries (naive NetworkX loops,
orggraph, a numpy floor) with their ratios and a check that all three agree;
reading and writing the same ledger as .xlsx and as CSV; ``import orggraph``,
``orggraph --help`` and ``orggraph audit --sample xiaonan`` in fresh
processes. XXL (10,000 streets, ~10.5M nodes) is written by
``synthetic.write_ledger_streamed`` (chunks of 1,000 streets) and measured
lightly: read, cold audit, the people queries and the merge scenario. Peak RSS
is the process's high-water mark during the step (``/proc/self/status``
VmHWM, reset before each step through ``/proc/self/clear_refs``), so it
includes what earlier steps still hold. The last table lists every target of
issue #19 with its limit and ``met`` / ``not met`` (``benchmarks/targets.py``).

Generated ledgers are kept in ``--workdir`` (default ``/tmp/orggraph-bench``)
and reused when the scale, seed and generator source match (the generating
rows are then those of the run that wrote them).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCALES = {"S": 10, "S20": 20, "M": 100, "L": 1000, "XL": 3000, "XXL": 10000}
#: XXL is written chunk by chunk (synthetic.write_ledger_streamed), never held whole by the generator
STREAMED = {"XXL"}
AS_OF = "2024-06-30"
NA = "n/a (not available)"


# --------------------------------------------------------------------------- measuring


def _rss_mb(field: str = "VmHWM") -> float:
    text = Path("/proc/self/status").read_text()
    return int(re.search(rf"{field}:\s+(\d+)", text).group(1)) / 1024


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class Recorder:
    def __init__(self, scale: str):
        self.scale = scale
        self.rows: list[dict] = []
        self.nodes = self.edges = None

    def run(self, step: str, fn, note: str = "", key: str | None = None):
        _reset_peak()
        before = _rss_mb("VmRSS")
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        self.add(step, seconds, _rss_mb(), note, cpu=cpu, key=key, held_mb=_rss_mb("VmRSS") - before)
        return out

    def sized(self, g) -> None:
        """Take the node and edge counts of ``g`` for this and every later row."""
        from orggraph.schema import EDGE_TYPES, NODE_KINDS

        counts = g.backend.counts()
        self.nodes = sum(counts[k] for k in NODE_KINDS)
        self.edges = sum(counts[t] for t in EDGE_TYPES)
        for r in self.rows:
            r["nodes"], r["edges"] = self.nodes, self.edges

    def add(self, step: str, seconds, peak, note: str = "", cpu=None, key: str | None = None, **extra) -> None:
        self.rows.append(dict(scale=self.scale, step=step, nodes=self.nodes, edges=self.edges,
                              seconds=seconds, cpu=cpu, peak_mb=peak, note=note, key=key, **extra))
        print(f"  {self.scale:>2} {step:<42} {_fmt_s(seconds):>9} {_fmt_s(cpu):>9} {_fmt_mb(peak):>8}  {note}",
              file=sys.stderr, flush=True)


def _fmt_s(v) -> str:
    if v is None:
        return "–"
    return f"{v:.3f}" if v < 10 else f"{v:.1f}"


def _fmt_mb(v) -> str:
    return "–" if v is None else f"{v:,.0f}"


# --------------------------------------------------------------------------- the steps


def queries(as_of: str):
    """(name, call) for every query of the analytics issue, as the audit runs them and a few more."""
    three = ("committee", "residents_committee", "owners_committee")
    return [
        ("cross_appointment_rate (两委)", lambda g: g.cross_appointment_rate(as_of=as_of)),
        ("cross_appointment_rate (三委)", lambda g: g.cross_appointment_rate(three, as_of=as_of)),
        ("cross_appointment_rate by street", lambda g: g.cross_appointment_rate(by="street", as_of=as_of)),
        ("one_shoulder", lambda g: g.one_shoulder(as_of=as_of)),
        ("coverage_gaps", lambda g: g.coverage_gaps(as_of=as_of)),
        ("chain_breaks", lambda g: g.chain_breaks(as_of=as_of)),
        ("unassigned_areas", lambda g: g.unassigned_areas(as_of=as_of)),
        ("boundary_zones", lambda g: g.boundary_zones(as_of=as_of)),
        ("check_norms", lambda g: g.check_norms(as_of=as_of)),
        ("connectors", lambda g: g.connectors(top=None, as_of=as_of)),
        ("interlocks", lambda g: g.interlocks(as_of=as_of)),
        ("leadership_profile (班子结构)", lambda g: g.leadership_profile(as_of=as_of)),
        ("party_membership (党员数)", lambda g: g.party_membership(as_of=as_of)),
        ("member_reports (双报到)", lambda g: g.member_reports(as_of=as_of)),
        ("member_responsibilities (联系户/责任区)", lambda g: g.member_responsibilities(as_of=as_of)),
        ("term_expiry (超期未换届, within 24 months)", lambda g: g.term_expiry(24, as_of=as_of)),
    ]


def _build_from_tables(g):
    """A new graph from ``g``'s typed tables through the public, validated building API."""
    import orggraph as og
    from orggraph.schema import EDGE_TYPES, NODE_KINDS

    store = g._store
    new = og.OrgGraph()
    for kind in NODE_KINDS:
        f = store.node_frame(kind)
        if len(f):
            new.add_nodes(kind, f)
    for etype in EDGE_TYPES:
        f = store.edge_frame(etype)
        if len(f):
            new.add_edges(etype, f)
    return new


def _merge_targets(g, n: int = 10):
    """``n`` communities of one street and the community they merge into (the street's last)."""
    comms = g.nodes("Community")[["id", "street_id"]]
    sizes = comms.groupby("street_id").size()
    street = sizes[sizes > n].index[0]
    ids = sorted(comms.loc[comms["street_id"] == street, "id"])
    return ids[:n], ids[n]


def text_mb(g) -> float:
    """The graph's text memory: bytes of every text column (object, string or category dtype) of its tables, in MB.

    ``DataFrame.memory_usage(deep=True)`` per column, so a Python string object
    referenced from two tables counts twice (as pandas counts it); integer codes
    and numbers are not text and not counted.
    """
    import pandas as pd

    nodes, edges = g._store.tables()
    total = 0
    for frame in [*nodes.values(), *edges.values()]:
        for c in frame.columns:
            col = frame[c]
            if col.dtype == object or isinstance(col.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(col.dtype):
                total += int(col.memory_usage(index=False, deep=True))
    return total / 1024**2


def _rows_of(result) -> int | None:
    try:
        return len(result)
    except TypeError:
        return None


def measure(scale: str, ledger: Path, *, baselines: bool = True, nx_build: bool = True, light: bool = False,
            read_only: bool = False) -> list[dict]:
    """The in-memory backend at ``scale``. ``light`` (XXL): only read, cold audit, the people queries and the merge
    scenario; ``read_only``: only the read (``--read-only-scales``, for a growth exponent on a busy machine)."""
    import orggraph as og

    sys.path.insert(0, str(HERE))
    import baselines as bl

    rec = Recorder(scale)
    g = rec.run("read ledger (CSV, validated)", lambda: og.read_ledger(ledger), key="read")
    rec.sized(g)
    rec.rows[-1]["text_mb"] = text = text_mb(g)
    rec.rows[-1]["note"] = f"text columns of the tables {text:,.0f} MB (memory_usage deep)"
    read_s = rec.rows[-1]["seconds"]
    if read_only:
        return rec.rows

    # the audit straight after reading: the peak of these two is the "read + audit" figure
    q = g.copy()  # shares the tables, no cache: a cold audit
    rec.run("audit (every query, cold)", lambda: q.audit(as_of=AS_OF), key="audit")
    audit_s = rec.rows[-1]["seconds"]
    read_c, audit_c = rec.rows[0]["cpu"], rec.rows[1]["cpu"]
    if not light:
        rec.run("audit again (warm caches)", lambda: q.audit(as_of=AS_OF))
    del q
    peak = max(r["peak_mb"] for r in rec.rows)
    rec.add("read + audit", read_s + audit_s, peak, "seconds: read + cold audit; peak RSS over the read and the audits",
            cpu=read_c + audit_c)
    if not light:
        built = rec.run("build graph from typed tables (validated)", lambda: _build_from_tables(g))
        del built
    people = {"leadership_profile", "party_membership", "member_reports", "term_expiry"}
    for name, call in queries(AS_OF):
        key = name.split()[0]
        if light and key not in people:
            continue
        q = g.copy()  # shares the tables, no cache: a cold query
        out = rec.run(f"query {name}", lambda: call(q), key=f"q_{key}" if key in people else None)
        rec.rows[-1]["result_rows"] = n = _rows_of(out)
        if key in people:
            rec.rows[-1]["note"] = f"{n:,} rows" if n is not None else ""
        del q, out

    # scenario: merge 10 communities, then audit the scenario
    from orggraph import OrgGraph

    if hasattr(OrgGraph, "scenario"):
        sources, into = _merge_targets(g)

        def scenario():
            s = g.scenario("bench", date=AS_OF)
            s.merge_communities(sources, into=into)
            s.graph.audit(as_of=AS_OF)
            return s

        try:
            s = rec.run("scenario: merge 10 communities + re-audit", scenario, key="scenario")
            base_nodes, base_edges = g._store.tables()
            new_nodes, new_edges = s.graph._store.tables()
            shared = sum(new_nodes[k] is base_nodes[k] for k in base_nodes) + sum(new_edges[k] is base_edges[k] for k in base_edges)
            rec.rows[-1]["note"] = f"{shared} of {len(base_nodes) + len(base_edges)} tables shared with the baseline"
            del s
        except Exception as exc:  # a feature still being written: report, do not stop the run
            rec.add("scenario: merge 10 communities + re-audit", None, None, f"failed: {type(exc).__name__}: {exc}"[:120])
    else:
        rec.add("scenario: merge 10 communities + re-audit", None, None, NA)

    if nx_build and not light:
        G = rec.run("build g.nx (networkx.MultiDiGraph)", lambda: g.nx, key="nx")
        rec.rows[-1]["note"] = (f"RSS held by g.nx after the build {rec.rows[-1]['held_mb']:,.0f} MB; "
                                f"{G.number_of_edges():,} edges")
    if baselines and nx_build and not light:
        lib = {}
        q = g.copy()
        lib = rec.run("baseline: orggraph (3 queries, cold)", lambda: bl.library(q, AS_OF), key="bl_lib")
        lib_s = rec.rows[-1]["cpu"]
        del q
        naive = rec.run("baseline: naive NetworkX loops", lambda: bl.naive(G, AS_OF), key="bl_naive")
        naive_s = rec.rows[-1]["cpu"]
        coded = rec.run("baseline: numpy prep (code ids, untimed in floor)", lambda: bl.prepare(g))
        floor = rec.run("baseline: numpy floor", lambda: bl.floor(coded, AS_OF), key="bl_floor")
        floor_s = rec.rows[-1]["cpu"]
        bad = bl.disagreements(lib, naive) + bl.disagreements(lib, floor)
        agree = "all three agree" if not bad else "DISAGREE: " + "; ".join(bad)
        rec.add("baseline ratios", None, None,
                f"CPU time: naive/orggraph {naive_s / lib_s:.1f}× (target ≥ 30×); orggraph/floor "
                f"{lib_s / floor_s:.1f}× (target ≤ 2×); {agree}")
    return rec.rows


def measure_xlsx(scale: str, ledger: Path, workdir: Path) -> list[dict]:
    """Excel against CSV at ``scale``: read the CSV ledger, write it as CSV and as .xlsx, read the .xlsx back.

    The reads run in the same process, one after the other, and the .xlsx graph
    is compared with the CSV one (``equals``).
    """
    import shutil

    import orggraph as og

    rec = Recorder(scale)
    g = rec.run("read ledger (CSV) [Excel comparison]", lambda: og.read_ledger(ledger), key="xlsx_csv_read")
    rec.sized(g)
    out = workdir / f"{scale}-excel"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    rec.run("write ledger (CSV) [Excel comparison]", lambda: g.write_ledger(out / "csv"), key="xlsx_csv_write")
    book = out / "ledger.xlsx"
    rec.run("write ledger (.xlsx)", lambda: g.write_ledger(book), key="xlsx_write")
    rec.rows[-1]["note"] = f"{book.stat().st_size / 1024**2:,.1f} MB workbook"
    x = rec.run("read ledger (.xlsx, validated)", lambda: og.read_ledger(book), key="xlsx_read")
    same = x.equals(g)
    csv_c, xlsx_c = rec.rows[0]["cpu"], rec.rows[-1]["cpu"]
    rec.rows[-1]["note"] = (f"{xlsx_c / csv_c:.1f}× the CSV read (CPU; target ≤ 3×); "
                            f"graph {'equals' if same else 'DIFFERS FROM'} the CSV one")
    shutil.rmtree(out, ignore_errors=True)
    return rec.rows


def _bench_server(kind: str):
    """A started Bolt server of ``kind`` ("neo4j": Neo4j 5.26 Community; "arcadedb") and the database to use."""
    if kind == "neo4j":
        from orggraph.testing import Neo4jTestServer

        # jvm_args=(): both JIT compilers, as a production server (the test default is C1 only)
        server = Neo4jTestServer(heap="2g", pagecache="512m", jvm_args=()).start()
        server.wipe()
        return server, server.database
    from orggraph.testing import BoltTestServer

    server = BoltTestServer().start()
    server.create_database("bench")
    return server, "bench"


def measure_neo4j(scale: str, ledger: Path, kind: str = "neo4j") -> list[dict]:
    """The Neo4j backend on a Bolt server of ``kind``: loads (merge and sync), every query, the audit."""
    import orggraph as og

    rec = Recorder(scale)
    label = "neo4j 5.26" if kind == "neo4j" else kind
    try:
        server, database = _bench_server(kind)
    except Exception as exc:
        rec.add(f"{label}: server", None, None, f"{NA}: {type(exc).__name__}: {exc}"[:200])
        return rec.rows
    g = og.read_ledger(ledger)
    rec.sized(g)
    rows = rec.nodes + rec.edges
    agent = getattr(server, "agent", None) or "ArcadeDB"
    rec.add(f"{label}: server start", server.startup_seconds, None, f"agent {agent}")

    def server_cpu() -> float:
        """CPU seconds the server process has used (user + system), from /proc: robust to a shared machine."""
        try:
            fields = Path(f"/proc/{server.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return float("nan")

    def step(name: str, fn, note: str = "", load: bool = False, key: str | None = None):
        before = server_cpu()
        out = rec.run(f"{label}: {name}", fn, key=key)
        row = rec.rows[-1]
        row["server_cpu"] = server_cpu() - before
        parts = [f"server CPU {row['server_cpu']:.2f} s"]
        if load:
            parts.append(f"{rows:,} rows, {rows / row['seconds']:,.0f} rows/s")
        if note:
            parts.append(note)
        row["note"] = "; ".join(parts)
        return out

    try:
        with og.connect(server.uri, auth=server.auth, database=database) as db:
            step("load into empty database", lambda: db.load(g, progress=False), "sync=False", load=True)
            step("reload unchanged, merge", lambda: db.load(g, progress=False), "sync=False", load=True)
            step("reload unchanged, sync", lambda: db.load(g, sync=True, progress=False),
                 "sync=True: also reads every id and edge key, deletes none", load=True)
            for name, call in queries(AS_OF):
                try:
                    step(f"query {name}", lambda: call(db), "first run: includes Cypher planning")
                    step(f"query {name} (again)", lambda: call(db), "plan cached")
                except Exception as exc:
                    rec.add(f"{label}: query {name}", None, None, f"failed: {type(exc).__name__}"[:120])
            try:
                step("audit", lambda: db.audit(as_of=AS_OF), key="neo4j_audit" if kind == "neo4j" else None)
            except Exception as exc:
                rec.add(f"{label}: audit", None, None, f"failed: {type(exc).__name__}: {exc}"[:120])
    finally:
        server.stop()
    return rec.rows


def _stamp(streets: int, seed: int, streamed: bool) -> dict:
    """What a cached ledger was made from: scale, seed, the generator's source (a changed generator regenerates)."""
    import hashlib

    import orggraph.synthetic as syn

    digest = hashlib.sha256(Path(syn.__file__).read_bytes()).hexdigest()[:16]
    return {"streets": streets, "seed": seed, "streamed": streamed, "generator": digest}


def prepare(scale: str, streets: int, seed: int, ledger: Path) -> list[dict]:
    from orggraph.synthetic import generate, write_ledger_streamed

    rec = Recorder(scale)
    if scale in STREAMED:
        import shutil

        shutil.rmtree(ledger, ignore_errors=True)
        made = rec.run("generate + write ledger (CSV, streamed by 1,000 streets)",
                       lambda: write_ledger_streamed(ledger, streets=streets, seed=seed, chunk_streets=1000),
                       key="generate_write")
        rec.rows[-1]["note"] = f"{sum(made.values()):,} nodes written; synthetic.write_ledger_streamed"
    else:
        g = rec.run("generate (orggraph.synthetic)", lambda: generate(streets=streets, seed=seed), key="generate")
        rec.sized(g)
        rec.run("write ledger (CSV)", lambda: g.write_ledger(ledger), key="write_csv")
    (ledger / ".bench-prepare.json").write_text(json.dumps(rec.rows, default=float))
    (ledger / ".bench-stamp").write_text(json.dumps(_stamp(streets, seed, scale in STREAMED)))
    return rec.rows


def _run_cpu(cmd: list[str]) -> tuple[float, float, int]:
    """Wall and CPU seconds (user + system) of a fresh subprocess, and its exit code."""
    import resource

    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime), proc.returncode


def measure_startup(repeat: int = 5) -> list[dict]:
    """``import pandas``, ``import orggraph``, ``orggraph --help`` and ``orggraph audit --sample xiaonan``,
    each in fresh processes (median of ``repeat`` runs, after one untimed run that writes the bytecode caches)."""
    import statistics

    cli = "import sys; from orggraph.cli import main; sys.argv = ['orggraph'] + sys.argv[1:]; sys.exit(main())"
    cases = [
        ("import_pandas", "python -c 'import pandas'", [sys.executable, "-c", "import pandas"], (0,)),
        ("import_orggraph", "python -c 'import orggraph'", [sys.executable, "-c", "import orggraph"], (0,)),
        ("help", "orggraph --help", [sys.executable, "-c", cli, "--help"], (0,)),
        # exit 2: the audit found norm violations (the sample has some), a normal outcome
        ("audit_sample", "orggraph audit --sample xiaonan", [sys.executable, "-c", cli, "audit", "--sample", "xiaonan"],
         (0, 2)),
    ]
    rec = Recorder("-")
    for key, label, cmd, ok in cases:
        _run_cpu(cmd)
        runs = [_run_cpu(cmd) for _ in range(repeat)]
        codes = {c for _, _, c in runs}
        if not codes <= set(ok):
            rec.add(label, None, None, f"failed: exit {sorted(codes)}")
            continue
        rec.add(label, statistics.median(w for w, _, _ in runs), None,
                f"fresh process, median of {repeat}; CPU user + system", cpu=statistics.median(c for _, c, _ in runs),
                key=key)
    return rec.rows


def measure_spatial(scale: str, streets: int, seed: int) -> list[dict]:
    """The spatial coverage check (orggraph.geo.spatial_coverage) on a synthetic graph with polygons.

    Its own rows, apart from the audit: it is not part of ``audit()`` and runs
    only with ``--spatial``. Generating the polygons is timed on its own row.
    """
    from orggraph.synthetic import generate

    rec = Recorder(scale)
    g = rec.run("generate with geometry (synthetic, geometry=True)",
                lambda: generate(streets=streets, seed=seed, geometry=True))
    rec.sized(g)
    counts = g.backend.counts()
    found = rec.run("spatial_coverage (orggraph.geo, cold)", lambda: g.spatial_coverage())
    per = found["check"].value_counts().to_dict() if len(found) else {}
    rec.rows[-1]["note"] = ", ".join(f"{k} {v:,}" for k, v in sorted(per.items())) + (
        f"; {counts['Grid']:,} grid and {counts['Area']:,} area polygons")
    return rec.rows


# --------------------------------------------------------------------------- the driver


#: memory that must be available before the XXL steps start (the target is 8 GB peak; a margin for the machine)
XXL_NEEDS_GB = 10


def _available_gb() -> float:
    try:
        return int(re.search(r"MemAvailable:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) / 1024**2
    except (OSError, AttributeError):
        return float("inf")


def _child(args: list[str]) -> list[dict]:
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step {args} failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = _rss_mb("MemTotal") if False else None
    try:
        total = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) / 1024**2
        mem = f"{total:.0f} GB"
    except (OSError, AttributeError):
        mem = "?"
    import numpy, pandas, networkx

    return (f"{os.cpu_count()} cores ({cpu}), {mem} RAM, {platform.system()} {platform.release()}; Python "
            f"{platform.python_version()}, pandas {pandas.__version__}, numpy {numpy.__version__}, "
            f"networkx {networkx.__version__}")


def table(rows: list[dict]) -> str:
    out = ["| scale | step | nodes | edges | seconds | CPU s | peak RSS (MB) | ratios / notes |",
           "|---|---|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        nodes = f"{r['nodes']:,}" if r["nodes"] else ""
        edges = f"{r['edges']:,}" if r["edges"] else ""
        out.append(f"| {r['scale']} | {r['step']} | {nodes} | {edges} | {_fmt_s(r['seconds'])} | {_fmt_s(r.get('cpu'))} | "
                   f"{_fmt_mb(r['peak_mb'])} | {r['note']} |")
    return "\n".join(out)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scales", default="S,M,L", help="comma-separated among S, M, L, XL, XXL (default S,M,L)")
    p.add_argument("--xl", action="store_true", help="also run XL (3,000 streets) and the Excel comparison at L")
    p.add_argument("--xxl", action="store_true",
                   help="also run XXL (10,000 streets, ~10.5M nodes): streamed generation, read, audit, merge scenario")
    p.add_argument("--xlsx-scales", default=None,
                   help="scales for the Excel-vs-CSV rows (default S20,M; S20,M,L with --xl; '' for none)")
    p.add_argument("--read-only-scales", default="", metavar="SCALES",
                   help="scales measured by the CSV read only (e.g. XL for the L→XL growth row on a busy machine)")
    p.add_argument("--no-startup", action="store_true", help="skip the import / --help / sample-audit rows")
    p.add_argument("--neo4j-scales", default="S,M", help="scales to load into the Bolt test server (default S,M)")
    p.add_argument("--no-neo4j", action="store_true", help="skip the Neo4j backend")
    p.add_argument("--neo4j-servers", default="neo4j,arcadedb",
                   help="Bolt servers to run the Neo4j backend on: neo4j (Neo4j 5.26 Community), arcadedb "
                        "(default both)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workdir", default="/tmp/orggraph-bench")
    p.add_argument("--markdown", help="also write the tables to this file")
    p.add_argument("--json", help="also write every measured row to this file (JSON)")
    p.add_argument("--include", default="", metavar="FILES",
                   help="comma-separated --json files of runs made at the same time (e.g. XXL in a second process): "
                        "their rows join this run's table and targets")
    p.add_argument("--spatial", metavar="SCALES", default="",
                   help="also time the spatial coverage check (orggraph.geo) at these scales, e.g. M or M,L "
                        "(its own rows; off by default)")
    p.add_argument("--child", nargs=3, metavar=("MODE", "SCALE", "LEDGER"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.child:
        mode, scale, ledger = args.child
        ledger = Path(ledger)
        if mode == "prepare":
            rows = prepare(scale, SCALES[scale], args.seed, ledger)
        elif mode == "spatial":
            rows = measure_spatial(scale, SCALES[scale], args.seed)
        elif mode == "measure":
            rows = measure(scale, ledger, baselines=scale in ("S", "M", "L"), nx_build=scale in ("S", "M", "L"),
                           light=scale == "XXL", read_only=scale in args.read_only_scales.upper().split(","))
        elif mode == "xlsx":
            rows = measure_xlsx(scale, ledger, Path(args.workdir))
        else:
            rows = measure_neo4j(scale, ledger, mode.split(":", 1)[1] if ":" in mode else "neo4j")
        print(json.dumps(rows, default=float))
        return 0

    sys.path.insert(0, str(HERE))
    import targets

    scales = [s.strip().upper() for s in args.scales.split(",") if s.strip()]
    for flag, scale in ((args.xl, "XL"), (args.xxl, "XXL")):
        if flag and scale not in scales:
            scales.append(scale)
    if args.xlsx_scales is None:
        xlsx = ["S20", "M"] + (["L"] if args.xl else [])
    else:
        xlsx = [s.strip().upper() for s in args.xlsx_scales.split(",") if s.strip()]
    neo = set() if args.no_neo4j else {s.strip().upper() for s in args.neo4j_scales.split(",")}
    rows: list[dict] = []
    for f in [f for f in args.include.split(",") if f.strip()]:
        rows.extend(json.loads(Path(f.strip()).read_text(encoding="utf-8")))
    print(f"machine: {machine()}", file=sys.stderr)
    start = os.getloadavg()

    def ledger_for(scale: str) -> Path:
        """The scale's ledger, generated unless a ledger of the same scale, seed and generator is cached; the
        generating rows either way (a cached ledger's rows are those of the run that wrote it)."""
        ledger = Path(args.workdir) / f"{scale}-seed{args.seed}"
        stamp, made = ledger / ".bench-stamp", ledger / ".bench-prepare.json"
        want = _stamp(SCALES[scale], args.seed, scale in STREAMED)
        if stamp.exists() and made.exists() and json.loads(stamp.read_text()) == want:
            for r in json.loads(made.read_text()):
                r["note"] = (r["note"] + "; " if r["note"] else "") + "measured when the cached ledger was written"
                rows.append(r)
        else:
            run_child(["--seed", str(args.seed), "--child", "prepare", scale, str(ledger)])
        return ledger

    def save() -> None:
        """Every row so far to --json: a run stopped half-way keeps what it measured."""
        if args.json:
            Path(args.json).write_text(json.dumps(rows, default=float, ensure_ascii=False, indent=0), encoding="utf-8")

    def run_child(child_args: list[str]) -> None:
        rows.extend(_child(child_args))
        save()

    if not args.no_startup:
        rows.extend(measure_startup())
        save()
    order = [s for s in SCALES if s in scales or s in xlsx]
    for scale in order:
        if scale == "XXL" and _available_gb() < XXL_NEEDS_GB:
            rows.append(dict(scale=scale, step="XXL skipped", key=None, nodes=None, edges=None, seconds=None, cpu=None,
                             peak_mb=None, note=f"only {_available_gb():.1f} GB available (MemAvailable); XXL needs "
                                                f"{XXL_NEEDS_GB} GB free"))
            continue
        ledger = ledger_for(scale)
        if scale in scales:
            run_child(["--read-only-scales", args.read_only_scales, "--child", "measure", scale, str(ledger)])
        if scale in xlsx:
            run_child(["--workdir", args.workdir, "--child", "xlsx", scale, str(ledger)])
        if scale in neo and scale in scales:
            for kind in [k.strip().lower() for k in args.neo4j_servers.split(",") if k.strip()]:
                run_child(["--child", f"neo4j:{kind}", scale, str(ledger)])
    for scale in [s.strip().upper() for s in args.spatial.split(",") if s.strip()]:
        run_child(["--seed", str(args.seed), "--child", "spatial", scale, "-"])
    load = os.getloadavg()
    results = targets.evaluate(rows)
    commit = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True).stdout.strip() or "?"
    text = (f"Machine: {machine()}\nCommit: {commit}; command: bench.py {' '.join(sys.argv[1:] if argv is None else argv)}\n"
            f"Load average at the start: {start[0]:.1f} / {start[1]:.1f} / {start[2]:.1f}; at the end: "
            f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
            f"(1 / 5 / 15 min; above 2 the 2 cores were shared and wall seconds are inflated: compare CPU s)\n\n"
            + table(rows) + "\n\n## Targets (issue #19)\n\n" + targets.table(results))
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n", encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, default=float, ensure_ascii=False, indent=0), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
