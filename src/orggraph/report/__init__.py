"""Reports (报告) of an audit: one self-contained HTML file (:func:`write_html`).

The spreadsheet forms are methods of the report itself
(:meth:`~orggraph.queries.audit.AuditReport.to_excel`, ``to_csv``).
"""

from __future__ import annotations

from .html import TABLE_TITLES, render_html, trend_dates, write_html

__all__ = ["write_html", "render_html", "trend_dates", "TABLE_TITLES"]
