"""``orggraph scenario run``: replay a scenario file on a ledger or a bundled sample (改革推演)."""

from __future__ import annotations

from pathlib import Path

from .render import console, print_table, safe

__all__ = ["add_scenario_parser", "run"]


def add_scenario_parser(sub, add_source) -> None:
    """Add ``orggraph scenario run SCENARIO_FILE (LEDGER | --sample NAME) [--out DIR]``."""
    p = sub.add_parser("scenario", help="what-if restructurings (改革推演): replay a scenario file",
                       description="Replay the operations of a scenario file (JSON or TOML) on a ledger or a sample.")
    actions = p.add_subparsers(dest="scenario_command", required=True, metavar="ACTION")
    r = actions.add_parser(
        "run",
        help="replay a scenario; print the indicator changes; write the changed ledger",
        description="Replay a scenario file on a ledger (or --sample NAME, NAME/before for a state before its reform), "
        "print every audit indicator before and after, and write the changed ledger with --out. "
        "Exit status 1 when the scenario cannot run on that ledger (an id it needs is missing …).",
    )
    r.add_argument("scenario_file", metavar="SCENARIO_FILE", help="a scenario file (.json or .toml)")
    add_source(r)
    r.add_argument("--out", metavar="DIR", help="write the changed ledger: a folder of CSV files, or an .xlsx workbook")
    r.add_argument("--as-of", metavar="DATE", help="date the indicators are measured at (default: the scenario's date)")
    r.add_argument("--within", metavar="ID", help="limit the audits to a territory id")
    r.set_defaults(func=run)


def _counts(counts, indicator) -> str:
    """`` (97/97)``: the numerator and denominator of a rate, when the audit has them."""
    if indicator not in counts.index:
        return ""
    n, d = counts.loc[indicator]
    return "" if n != n or d != d else f" ({int(n):,}/{int(d):,})"


def run(args) -> int:
    from ..scenarios import Scenario, compare

    if args.out:
        from .commands import LEDGER_OUT, check_out

        check_out(args.out, *LEDGER_OUT)
    from .commands import load_source

    g, label = load_source(args)
    s = Scenario.from_file(args.scenario_file, g)
    diff = compare(g, s, as_of=args.as_of, within=args.within)
    con = console()
    con.print(f"[bold]{safe(s.name)}[/bold]: {len(s)} step(s) on {safe(label)}, effective {s.date.isoformat()}; "
              f"indicators as of {diff.as_of}")
    head = diff.indicators.copy()
    rate = head["measure"] != "数量"
    for col, report in (("before", diff.before), ("after", diff.after)):
        counts = report.headline.set_index("indicator")[["numerator", "denominator"]]  # a rate with its n/d: 97/97
        head[col] = [("–" if v != v else f"{v:.1%}{_counts(counts, i)}") if r else ("–" if v != v else f"{int(v):,}")
                     for i, v, r in zip(head["indicator"], head[col], rate)]
    head["change"] = [("–" if v != v else f"{v * 100:+.1f} pt") if r else ("–" if v != v else f"{int(v):+,}")
                      for v, r in zip(head["change"], rate)]
    print_table(head, title="Indicator changes 指标变化")
    print_table(diff.summary(), title="Structural changes 结构变化")
    if args.out:
        path = s.graph.write_ledger(Path(args.out))
        con.print(f"changed ledger written to {safe(path)}")
    return 0
