"""Terminal output for the command line: rich tables on a terminal, lines in a pipe.

Every value from a ledger is inert here: ``rich`` markup in it is escaped and
escape sequences and control characters are stripped
(:func:`orggraph.outputs.console_text`), so a name holding ``[/]`` or
``[link=…]`` or a raw ESC sequence prints as the text it is.
"""

from __future__ import annotations

import sys

import pandas as pd

from ..outputs import console_text, plain_text

__all__ = ["print_table", "print_problems", "console", "safe"]

#: escape a value for :meth:`rich.console.Console.print` (markup escaped, control sequences removed)
safe = console_text


def console(stderr: bool = False):
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # a log or pipe gets wide tables rather than 80 folded columns
    width = None if stream.isatty() else 160
    # no emoji codes (":smile:") and no highlighting: ledger text is shown as it is
    return Console(stderr=stderr, highlight=False, soft_wrap=False, width=width, emoji=False)


def _cell(v) -> str:
    if v is None or v is pd.NA:
        return ""
    if isinstance(v, float):
        if v != v:
            return "–"
        return f"{v:.3f}" if abs(v) < 1 else f"{v:,.1f}"
    if isinstance(v, (list, tuple)):
        return console_text(", ".join(map(str, v)))
    try:
        if pd.isna(v):
            return ""
    except (TypeError, ValueError):
        pass
    return console_text(v)


def print_table(frame: pd.DataFrame, title: str | None = None, *, max_rows: int | None = None, stderr: bool = False) -> None:
    """Print a DataFrame as a table (``title`` and every cell shown as plain text, never as markup)."""
    from rich.table import Table

    shown = frame if max_rows is None else frame.head(max_rows)
    t = Table(title=None if title is None else console_text(title), title_justify="left", show_lines=False)
    for c in shown.columns:
        numeric = pd.api.types.is_numeric_dtype(shown[c].dtype) and not pd.api.types.is_bool_dtype(shown[c].dtype)
        t.add_column(console_text(c), justify="right" if numeric else "left", overflow="fold")
    for rec in shown.itertuples(index=False):
        t.add_row(*[_cell(v) for v in rec])
    con = console(stderr)
    con.print(t)
    if max_rows is not None and len(frame) > max_rows:
        con.print(f"… {len(frame) - max_rows} more rows")


def print_problems(problems: pd.DataFrame, source: str | None = None, what: str = "problem") -> None:
    """The problem table of an invalid ledger, on stdout (it is the command's answer).

    A table on a terminal; one line per problem when the output is a file or pipe
    (a log or a scheduled job reads lines better than boxes).
    """
    n = len(problems)
    title = f"{n} {what}{'s' if n != 1 else ''} in ledger {source or ''} (行号按表格计: 表头为第1行)"
    if not sys.stdout.isatty():
        from ..errors import format_problem

        print(plain_text(title))
        for rec in problems.to_dict("records"):
            print("  " + plain_text(format_problem(rec)))
        sys.stdout.flush()
        return
    cols = [c for c in ("file", "row", "column", "value", "problem", "suggestion") if c in problems.columns]
    print_table(problems[cols], title=title)
