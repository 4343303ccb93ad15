"""Exceptions raised by orggraph.

Every exception derives from :class:`OrgGraphError`; where a built-in exception
fits, it is inherited too, so ``except ValueError`` keeps working for callers
who do not know orggraph.
"""

from __future__ import annotations

__all__ = [
    "OrgGraphError",
    "LedgerError",
    "SchemaError",
    "NodeNotFound",
    "QueryNotSupportedError",
    "BackendError",
    "ScenarioError",
]


class OrgGraphError(Exception):
    """Root of every orggraph exception."""


class SchemaError(OrgGraphError, ValueError):
    """A node, edge or attribute that the schema does not allow."""


class NodeNotFound(OrgGraphError, KeyError):
    """An id that is not in the graph."""

    def __str__(self) -> str:  # KeyError quotes its argument; keep the message readable
        return str(self.args[0]) if self.args else ""


class QueryNotSupportedError(OrgGraphError, NotImplementedError):
    """A query that a backend does not implement."""


class BackendError(OrgGraphError, RuntimeError):
    """A backend (database) failed to do what was asked."""


class ScenarioError(OrgGraphError, ValueError):
    """An invalid scenario operation; the scenario is left unchanged."""


class LedgerError(OrgGraphError, ValueError):
    """A ledger (台账) that cannot be loaded.

    Attributes
    ----------
    problems : pandas.DataFrame
        One row per problem with the columns ``file``, ``table``, ``row``
        (the row number as a spreadsheet user counts it: the header is row 1),
        ``column``, ``value``, ``problem`` and ``suggestion``.
    """

    def __init__(self, problems, source: str | None = None):
        import pandas as pd

        if not isinstance(problems, pd.DataFrame):
            problems = pd.DataFrame(list(problems))
        self.problems = problems.reset_index(drop=True)
        self.source = source
        super().__init__(self._message())

    def _message(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in ledger"
        if self.source:
            head += f" {self.source}"
        lines = [head + ":"]
        for rec in self.problems.head(50).to_dict("records"):
            lines.append("  " + format_problem(rec))
        if n > 50:
            lines.append(f"  … and {n - 50} more (see .problems)")
        return "\n".join(lines)


def format_problem(rec: dict) -> str:
    """One line naming file, row, column, value and what is wrong.

    >>> format_problem({"file": "party_orgs.csv", "row": 3, "column": "level", "value": "党支布",
    ...                 "problem": "is not a known level", "suggestion": "did you mean 党支部 (branch)?"})
    "party_orgs.csv, row 3, column level: '党支布' is not a known level; did you mean 党支部 (branch)?"
    """
    where = str(rec.get("file") or rec.get("table") or "")
    row = rec.get("row")
    if isinstance(row, (int, float)) and row == row:
        where += f", row {int(row)}"
    col = rec.get("column")
    if isinstance(col, str) and col:
        where += f", column {col}"
    value = rec.get("value")
    problem = rec.get("problem", "")
    text = f"{where}: {value!r} {problem}" if isinstance(value, str) and value else f"{where}: {problem}"
    suggestion = rec.get("suggestion")
    if isinstance(suggestion, str) and suggestion:
        text += f"; {suggestion}"
    return text
