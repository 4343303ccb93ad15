"""The ``orggraph`` command line: a thin layer over the public API.

Exit codes: 0 success; 1 invalid input (a ledger with problems, an unknown
sample or id); 2 ``audit`` found norm violations (for scheduled checks);
3 an unexpected error.
"""

from __future__ import annotations

import argparse
import logging
import sys

from .. import __version__
from ..errors import LedgerError, OrgGraphError

__all__ = ["main", "build_parser"]

log = logging.getLogger("orggraph.cli")


def _add_source(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("ledger", nargs="?", help="a ledger: folder of CSV files or .xlsx workbook")
    src.add_argument("--sample", metavar="NAME", help="a bundled sample instead of a ledger (see `orggraph samples`); NAME/before: its state before the reform")


def _add_pseudonymize(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--pseudonymize",
        action="store_true",
        help="replace every personal field by a stable pseudonym (个人信息脱敏): cadres' names, phones and ids, "
        "姓名/联系电话 columns of any table, names inside other names; the salt comes from "
        "--salt or ORGGRAPH_SALT, else a random one (pseudonyms then hold for this run only)",
    )
    p.add_argument("--salt", metavar="SECRET", help="salt for --pseudonymize (prefer the ORGGRAPH_SALT variable)")


def build_parser() -> argparse.ArgumentParser:
    from . import commands

    parser = argparse.ArgumentParser(
        prog="orggraph",
        description="Grassroots governance organisations (基层治理) as a typed graph: summaries, validation, audits.",
    )
    parser.add_argument("--version", action="version", version=f"orggraph {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("summary", help="counts of nodes and edges by kind (概况)")
    _add_source(p)
    p.set_defaults(func=commands.summary)

    p = sub.add_parser("validate", help="check a ledger; exit 0 when valid, 1 with the problem table when not")
    p.add_argument("ledger", help="a ledger: folder of CSV files or .xlsx workbook")
    p.add_argument("--out", metavar="PATH", help="also write the problems as CSV")
    p.add_argument("--strict", action="store_true", help="consistency warnings are errors too (exit 1)")
    p.set_defaults(func=commands.validate)

    p = sub.add_parser(
        "audit",
        help="audit a ledger (体检): headline indicators and the largest gaps; exit 2 when a staffing norm is violated",
        description="Run every query and print the headline indicators and the largest gaps. "
        "Exit status: 0 no norm violated, 2 some norm violated (for scheduled checks), 1 invalid input.",
    )
    _add_source(p)
    p.add_argument("--within", metavar="ID", help="limit to a district, street or community id")
    p.add_argument("--as-of", metavar="DATE", help="date at which posts must be current (default today)")
    p.add_argument("--norms", metavar="FILE", help="staffing norms as a TOML file (default: the sources' norms)")
    p.add_argument("--out", metavar="PATH", help="write the report: a folder of CSV files, an .xlsx workbook, or one self-contained .html page with plots")
    p.add_argument("--top", type=int, default=5, metavar="N", help="rows shown per gap table (default 5)")
    p.add_argument("--lang", choices=("zh", "en"), help="language of the written report's sheet names and headers "
                   "(default: zh for .xlsx, en for CSV headers)")
    _add_pseudonymize(p)
    p.set_defaults(func=commands.audit)

    p = sub.add_parser("export", help="write a ledger (or a sample) as CSV files or an .xlsx workbook, optionally pseudonymised")
    _add_source(p)
    p.add_argument("--out", metavar="PATH", required=True, help="a folder of CSV files, or an .xlsx workbook")
    _add_pseudonymize(p)
    p.set_defaults(func=commands.export)

    p = sub.add_parser("template", help="write an empty ledger workbook to fill in (台账模板): every sheet, Chinese headers, drop-down lists")
    p.add_argument("--out", metavar="PATH", required=True, help="the .xlsx workbook to write, e.g. 台账模板.xlsx")
    p.set_defaults(func=commands.template)

    p = sub.add_parser("samples", help="list the bundled samples")
    p.set_defaults(func=commands.samples)

    for extra in commands.EXTRA_PARSERS:
        extra(sub, _add_source)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except LedgerError as exc:
        from .render import print_problems

        print_problems(exc.problems, source=exc.source)
        return 1
    except (OrgGraphError, KeyError, OSError, ValueError) as exc:
        from ..outputs import plain_text

        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"orggraph: error: {plain_text(msg)}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
