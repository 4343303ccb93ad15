"""Implementations of the ``orggraph`` sub-commands."""

from __future__ import annotations

from pathlib import Path

from .render import console, print_problems, print_table

#: functions ``(subparsers, add_source)`` adding further sub-commands (audit, scenario …)
EXTRA_PARSERS: list = []


def load_source(args):
    """The graph named on the command line: ``--sample NAME`` or a ledger path."""
    import orggraph as og

    if getattr(args, "sample", None):
        return og.load_sample(args.sample), f"sample {args.sample}"
    return og.read_ledger(args.ledger), str(args.ledger)


def summary(args) -> int:
    g, label = load_source(args)
    s = g.summary()
    s = s[(s["section"] == "nodes") | (s["section"] == "edges") | (s["count"] > 0)]
    console().print(f"[bold]{label}[/bold]: {g!r}")
    print_table(s.rename(columns={"section": "section 分类", "item": "item 项目", "zh": "中文", "count": "count 数量"}))
    return 0


def validate(args) -> int:
    import orggraph as og

    problems = og.check_ledger(args.ledger)
    if args.out:
        problems.to_csv(Path(args.out), index=False, encoding="utf-8-sig")
    if len(problems):
        print_problems(problems, source=args.ledger)
        return 1
    g = og.read_ledger(args.ledger)
    console().print(f"[green]valid[/green] 校验通过: {args.ledger}: {g!r}")
    return 0


def samples(args) -> int:
    import orggraph as og

    import pandas as pd

    rows = []
    for name in og.list_samples():
        readme = og.sample_path(name) / "README.md"
        title = readme.read_text(encoding="utf-8").splitlines()[0].lstrip("# ") if readme.exists() else ""
        rows.append((name, title))
    print_table(pd.DataFrame(rows, columns=["sample", "reproduces"]))
    return 0
