"""orggraph at province scale: one command, one table.

    python benchmarks/bench.py                 # scales S, M, L (+ Neo4j backend at S and M)
    python benchmarks/bench.py --xl            # also XL (3,000 streets)
    python benchmarks/bench.py --scales S --no-neo4j --markdown out.md
    python benchmarks/bench.py --scales "" --no-neo4j --spatial L   # only the spatial check (orggraph.geo) at L
    python benchmarks/bench.py --scales S,M --neo4j-servers neo4j,arcadedb   # Neo4j backend on both servers

Each scale runs in fresh subprocesses (one to generate and write the ledger,
one to measure, one per Bolt server for the Neo4j backend: the real Neo4j 5.26
Community and ArcadeDB) so that times and peak memory are
clean. Rows: reading the ledger (validated), building the graph from typed
tables (validated), each query (cold: on a fresh copy, no cache), the full
audit, read + audit together, a scenario merging 10 communities followed by a
re-audit, building ``g.nx``, and the three baseline queries (naive NetworkX
loops, orggraph, a numpy floor) with their ratios and a check that all three
agree. Peak RSS is the process's high-water mark during the step
(``/proc/self/status`` VmHWM, reset before each step through
``/proc/self/clear_refs``), so it includes what earlier steps still hold.

Generated ledgers are kept in ``--workdir`` (default ``/tmp/orggraph-bench``)
and reused when the scale and seed match.
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
SCALES = {"S": 10, "M": 100, "L": 1000, "XL": 3000}
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

    def run(self, step: str, fn, note: str = ""):
        _reset_peak()
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        self.add(step, seconds, _rss_mb(), note, cpu=cpu)
        return out

    def add(self, step: str, seconds, peak, note: str = "", cpu=None) -> None:
        self.rows.append(dict(scale=self.scale, step=step, nodes=self.nodes, edges=self.edges,
                              seconds=seconds, cpu=cpu, peak_mb=peak, note=note))
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
        ("term_expiry (超期未换届)", lambda g: g.term_expiry(6, as_of=as_of)),
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


def measure(scale: str, ledger: Path, *, baselines: bool = True, nx_build: bool = True) -> list[dict]:
    import orggraph as og

    sys.path.insert(0, str(HERE))
    import baselines as bl

    rec = Recorder(scale)
    g = rec.run("read ledger (CSV, validated)", lambda: og.read_ledger(ledger))
    counts = g.backend.counts()
    from orggraph.schema import EDGE_TYPES, NODE_KINDS

    rec.nodes = sum(counts[k] for k in NODE_KINDS)
    rec.edges = sum(counts[t] for t in EDGE_TYPES)
    for r in rec.rows:
        r["nodes"], r["edges"] = rec.nodes, rec.edges
    read_s = rec.rows[-1]["seconds"]

    # the audit straight after reading: the peak of these two is the "read + audit" figure
    q = g.copy()  # shares the tables, no cache: a cold audit
    rec.run("audit (every query, cold)", lambda: q.audit(as_of=AS_OF))
    audit_s = rec.rows[-1]["seconds"]
    rec.run("audit again (warm caches)", lambda: q.audit(as_of=AS_OF))
    del q
    peak = max(r["peak_mb"] for r in rec.rows)
    read_c, audit_c = rec.rows[0]["cpu"], rec.rows[1]["cpu"]
    rec.add("read + audit", read_s + audit_s, peak, "seconds: read + cold audit; peak RSS over the read and both audits",
            cpu=read_c + audit_c)
    built = rec.run("build graph from typed tables (validated)", lambda: _build_from_tables(g))
    del built
    for name, call in queries(AS_OF):
        q = g.copy()  # shares the tables, no cache: a cold query
        rec.run(f"query {name}", lambda: call(q))
        del q

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
            s = rec.run("scenario: merge 10 communities + re-audit", scenario)
            base_nodes, base_edges = g._store.tables()
            new_nodes, new_edges = s.graph._store.tables()
            shared = sum(new_nodes[k] is base_nodes[k] for k in base_nodes) + sum(new_edges[k] is base_edges[k] for k in base_edges)
            rec.rows[-1]["note"] = f"{shared} of {len(base_nodes) + len(base_edges)} tables shared with the baseline"
            del s
        except Exception as exc:  # a feature still being written: report, do not stop the run
            rec.add("scenario: merge 10 communities + re-audit", None, None, f"failed: {type(exc).__name__}: {exc}"[:120])
    else:
        rec.add("scenario: merge 10 communities + re-audit", None, None, NA)

    if nx_build:
        G = rec.run("build g.nx (networkx.MultiDiGraph)", lambda: g.nx)
    if baselines:
        lib = {}
        q = g.copy()
        lib = rec.run("baseline: orggraph (3 queries, cold)", lambda: bl.library(q, AS_OF))
        lib_s = rec.rows[-1]["cpu"]
        del q
        naive = rec.run("baseline: naive NetworkX loops", lambda: bl.naive(G, AS_OF))
        naive_s = rec.rows[-1]["cpu"]
        coded = rec.run("baseline: numpy prep (code ids, untimed in floor)", lambda: bl.prepare(g))
        floor = rec.run("baseline: numpy floor", lambda: bl.floor(coded, AS_OF))
        floor_s = rec.rows[-1]["cpu"]
        bad = bl.disagreements(lib, naive) + bl.disagreements(lib, floor)
        agree = "all three agree" if not bad else "DISAGREE: " + "; ".join(bad)
        rec.add("baseline ratios", None, None,
                f"CPU time: naive/orggraph {naive_s / lib_s:.1f}× (target ≥ 30×); orggraph/floor "
                f"{lib_s / floor_s:.1f}× (target ≤ 3×); {agree}")
    return rec.rows


def _bench_server(kind: str):
    """A started Bolt server of ``kind`` ("neo4j": Neo4j 5.26 Community; "arcadedb") and the database to use."""
    if kind == "neo4j":
        from orggraph.testing import Neo4jTestServer

        server = Neo4jTestServer(heap="2g", pagecache="512m").start()
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
    counts = g.backend.counts()
    from orggraph.schema import EDGE_TYPES, NODE_KINDS

    rec.nodes = sum(counts[k] for k in NODE_KINDS)
    rec.edges = sum(counts[t] for t in EDGE_TYPES)
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

    def step(name: str, fn, note: str = "", load: bool = False):
        before = server_cpu()
        out = rec.run(f"{label}: {name}", fn)
        row = rec.rows[-1]
        parts = [f"server CPU {server_cpu() - before:.2f} s"]
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
                step("audit", lambda: db.audit(as_of=AS_OF))
            except Exception as exc:
                rec.add(f"{label}: audit", None, None, f"failed: {type(exc).__name__}: {exc}"[:120])
    finally:
        server.stop()
    return rec.rows


def prepare(scale: str, streets: int, seed: int, ledger: Path) -> list[dict]:
    from orggraph.synthetic import generate

    rec = Recorder(scale)
    g = rec.run("generate (orggraph.synthetic)", lambda: generate(streets=streets, seed=seed))
    counts = g.backend.counts()
    from orggraph.schema import EDGE_TYPES, NODE_KINDS

    rec.nodes = sum(counts[k] for k in NODE_KINDS)
    rec.edges = sum(counts[t] for t in EDGE_TYPES)
    for r in rec.rows:
        r["nodes"], r["edges"] = rec.nodes, rec.edges
    rec.run("write ledger (CSV)", lambda: g.write_ledger(ledger))
    (ledger / ".bench-stamp").write_text(json.dumps({"streets": streets, "seed": seed}))
    return rec.rows


def measure_spatial(scale: str, streets: int, seed: int) -> list[dict]:
    """The spatial coverage check (orggraph.geo.spatial_coverage) on a synthetic graph with polygons.

    Its own rows, apart from the audit: it is not part of ``audit()`` and runs
    only with ``--spatial``. Generating the polygons is timed on its own row.
    """
    from orggraph.schema import EDGE_TYPES, NODE_KINDS
    from orggraph.synthetic import generate

    rec = Recorder(scale)
    g = rec.run("generate with geometry (synthetic, geometry=True)",
                lambda: generate(streets=streets, seed=seed, geometry=True))
    counts = g.backend.counts()
    rec.nodes = sum(counts[k] for k in NODE_KINDS)
    rec.edges = sum(counts[t] for t in EDGE_TYPES)
    for r in rec.rows:
        r["nodes"], r["edges"] = rec.nodes, rec.edges
    found = rec.run("spatial_coverage (orggraph.geo, cold)", lambda: g.spatial_coverage())
    per = found["check"].value_counts().to_dict() if len(found) else {}
    rec.rows[-1]["note"] = ", ".join(f"{k} {v:,}" for k, v in sorted(per.items())) + (
        f"; {counts['Grid']:,} grid and {counts['Area']:,} area polygons")
    return rec.rows


# --------------------------------------------------------------------------- the driver


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
    p.add_argument("--scales", default="S,M,L", help="comma-separated among S, M, L, XL (default S,M,L)")
    p.add_argument("--xl", action="store_true", help="also run XL (3,000 streets)")
    p.add_argument("--neo4j-scales", default="S,M", help="scales to load into the Bolt test server (default S,M)")
    p.add_argument("--no-neo4j", action="store_true", help="skip the Neo4j backend")
    p.add_argument("--neo4j-servers", default="neo4j,arcadedb",
                   help="Bolt servers to run the Neo4j backend on: neo4j (Neo4j 5.26 Community), arcadedb "
                        "(default both)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workdir", default="/tmp/orggraph-bench")
    p.add_argument("--markdown", help="also write the table to this file")
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
            rows = measure(scale, ledger, baselines=scale != "XL", nx_build=scale != "XL")
        else:
            rows = measure_neo4j(scale, ledger, mode.split(":", 1)[1] if ":" in mode else "neo4j")
        print(json.dumps(rows, default=float))
        return 0

    scales = [s.strip().upper() for s in args.scales.split(",") if s.strip()]
    if args.xl and "XL" not in scales:
        scales.append("XL")
    neo = set() if args.no_neo4j else {s.strip().upper() for s in args.neo4j_scales.split(",")}
    rows: list[dict] = []
    print(f"machine: {machine()}", file=sys.stderr)
    for scale in scales:
        ledger = Path(args.workdir) / f"{scale}-seed{args.seed}"
        stamp = ledger / ".bench-stamp"
        want = {"streets": SCALES[scale], "seed": args.seed}
        if not (stamp.exists() and json.loads(stamp.read_text()) == want):
            rows += _child(["--seed", str(args.seed), "--child", "prepare", scale, str(ledger)])
        rows += _child(["--child", "measure", scale, str(ledger)])
        if scale in neo:
            for kind in [k.strip().lower() for k in args.neo4j_servers.split(",") if k.strip()]:
                rows += _child(["--child", f"neo4j:{kind}", scale, str(ledger)])
    for scale in [s.strip().upper() for s in args.spatial.split(",") if s.strip()]:
        rows += _child(["--seed", str(args.seed), "--child", "spatial", scale, "-"])
    load = os.getloadavg()
    text = (f"Machine: {machine()}\nLoad average at the end of the run: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
            f"(1 / 5 / 15 min; above 2 the 2 cores were shared and wall seconds are inflated: compare CPU s)\n\n"
            + table(rows))
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
