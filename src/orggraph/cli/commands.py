"""Implementations of the ``orggraph`` sub-commands."""

from __future__ import annotations

from pathlib import Path

from ..progress import status
from .render import console, print_problems, print_table, safe

#: functions ``(subparsers, add_source)`` adding further sub-commands (audit, scenario …)
EXTRA_PARSERS: list = []
from .scenario import add_scenario_parser  # noqa: E402  (orggraph scenario run)

EXTRA_PARSERS.append(add_scenario_parser)


def load_source(args):
    """The graph named on the command line: ``--sample NAME`` (``NAME/before`` for a state before its
    reform) or a ledger path."""
    import orggraph as og

    if getattr(args, "sample", None):
        name, _, state = args.sample.partition("/")
        return og.load_sample(name, state or None), f"sample {args.sample}"
    return og.read_ledger(args.ledger), str(args.ledger)


def pseudonymized(g, args):
    """The graph as the command should show it: pseudonymised when ``--pseudonymize`` is given."""
    if not getattr(args, "pseudonymize", False):
        return g
    import os
    import secrets

    salt = args.salt or os.environ.get("ORGGRAPH_SALT")
    if not salt:
        salt = secrets.token_hex(16)
        console(stderr=True).print("no --salt or ORGGRAPH_SALT: a random salt, so pseudonyms hold for this run only")
    return g.pseudonymize(salt)


def check_out(out, suffixes: dict[str, str], folder: str | None) -> Path:
    """Check an ``--out`` path before any work is done: a known suffix, and a folder it can be written in.

    ``suffixes`` maps an accepted suffix to what it writes; ``folder`` (or
    None) says what a path without a suffix writes. Raises ValueError with a
    message naming the path and what is wrong (the CLI exits 1, no traceback).
    """
    out = Path(out)
    kinds = ", ".join(f"{k} ({v})" for k, v in suffixes.items()) + (f", or a folder without suffix ({folder})" if folder else "")
    suffix = out.suffix.lower()
    if suffix and suffix not in suffixes or not suffix and folder is None:
        raise ValueError(f"--out {out}: cannot write {suffix or 'a folder'} here; write {kinds}")
    for parent in [out.parent, *out.parent.parents]:
        if parent.exists():
            if not parent.is_dir():
                raise ValueError(f"--out {out}: {parent} is a file, not a folder")
            break
    if suffix and out.is_dir():
        raise ValueError(f"--out {out}: a folder of that name exists; {suffix} writes one file")
    if not suffix and out.exists() and not out.is_dir():
        raise ValueError(f"--out {out}: a file of that name exists; a path without suffix writes a folder ({folder})")
    return out


#: what ``--out`` of ``export`` and ``scenario run`` can write
LEDGER_OUT = ({".xlsx": "an Excel workbook"}, "a folder of CSV files")


def export(args) -> int:
    check_out(args.out, *LEDGER_OUT)
    g, label = load_source(args)
    g = pseudonymized(g, args)
    out = g.write_ledger(args.out)
    console().print(f"{safe(label)} written to {safe(out)}")
    return 0


def summary(args) -> int:
    g, label = load_source(args)
    s = g.summary()
    s = s[(s["section"] == "nodes") | (s["section"] == "edges") | (s["count"] > 0)]
    console().print(f"[bold]{safe(label)}[/bold]: {safe(repr(g))}")
    print_table(s.rename(columns={"section": "section 分类", "item": "item 项目", "zh": "中文", "count": "count 数量"}))
    return 0


def validate(args) -> int:
    import orggraph as og

    if args.out:
        check_out(args.out, {".csv": "the problems as CSV"}, None)
    problems = og.check_ledger(args.ledger, strict=args.strict)
    if args.out:
        from ..outputs import write_csv

        write_csv(problems, Path(args.out), encoding="utf-8-sig")
    errors = problems[problems["severity"] == "error"]
    if len(errors):
        print_problems(errors, source=args.ledger)
        return 1
    if len(problems):
        print_problems(problems, source=args.ledger, what="consistency warning")
        console().print("[yellow]valid, with warnings[/yellow] 校验通过(有提醒); --strict makes them errors")
        return 0
    console().print(f"[green]valid[/green] 校验通过: {safe(args.ledger)}")
    return 0


def template(args) -> int:
    from ..ledger.template import write_template

    out = write_template(args.out)
    console().print(f"台账模板 written to {out}: fill in each sheet (an example row shows the form), then `orggraph validate {out}`")
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


#: gap tables shown by ``orggraph audit``, with the column that ranks the largest first
_GAPS = [
    ("compounds_without_org", "小区无党组织", "households"),
    ("large_compounds_without_committee", "500户以上小区无居委会", "households"),
    ("grids_without_worker", "网格无网格员", "households"),
    ("property_companies_without_branch", "物业企业无党组织", "compounds"),
    ("communities_without_part_time_member", "大党委无兼职委员", None),
    ("units_not_reporting", "单位未双报到", None),
    ("communities_without_reports", "社区无单位报到", None),
    ("unassigned_areas", "治理真空带/争议区域", "households"),
    ("chain_breaks", "组织链条断点", None),
    ("norm_violations", "配置标准不达标", None),
]


#: what ``audit --out`` can write
AUDIT_OUT = {".xlsx": "an Excel workbook", ".html": "an .html report", ".htm": "an .html report"}


def audit(args) -> int:
    import pandas as pd

    from ..queries.audit import audit as run_audit
    from ..queries.norms import Norms

    out = check_out(args.out, AUDIT_OUT, "CSV files, one per table") if args.out else None
    g, label = load_source(args)
    g = pseudonymized(g, args)
    norms = Norms.from_toml(args.norms) if args.norms else None
    with status("running the audit 体检 …"):
        report = run_audit(g, norms, within=args.within, as_of=args.as_of)
    con = console()
    con.print(f"[bold]{safe(label)}[/bold]: {safe(report._heading())}")
    print_table(report.display_headline(), title="Headline indicators 主要指标")
    for name, zh, rank in _GAPS:
        frame = report[name]
        if not len(frame):
            continue
        if rank and rank in frame.columns:
            frame = frame.sort_values(rank, ascending=False, na_position="last", kind="stable")
        cols = [c for c in frame.columns if not c.endswith("_name") or c in ("area_name", "grid_name", "unit_name", "community_name")]
        cols = cols[:8]
        if "sample_deviations" in report:  # a bundled sample: rows it departs from its document on purpose are labelled
            from ..queries.audit import sample_deviations_in

            label = sample_deviations_in(g.deviations, name, frame)
            if label.notna().any():
                frame, cols = frame.assign(sample_deviation=label.fillna("")), [*cols, "sample_deviation"]
        print_table(frame[cols], title=f"{zh} {name}: {len(frame)}", max_rows=args.top)
    if "sample_deviations" in report:
        dev = report["sample_deviations"]
        print_table(dev[["table", "entity_id", "note", "source", "rows_found"]],
                    title=f"样本有意偏离原文 deliberate deviations of this sample from its source document: {len(dev)}")
    if out is not None:
        if out.suffix.lower() == ".xlsx":
            report.to_excel(out, lang=args.lang or "zh")
        elif out.suffix.lower() in (".html", ".htm"):
            from ..report import write_html

            write_html(report, out, graph=g)
        else:
            report.to_csv(out, lang=args.lang or "en")
        con.print(f"report written to {safe(out)}")
    if not report.ok:
        con.print(f"[yellow]{len(report.violations)} staffing norm violation(s) 配置标准不达标: exit status 2[/yellow]")
        return 2
    return 0
