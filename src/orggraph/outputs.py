"""Safe output (安全导出): every value that leaves the library as a spreadsheet cell or terminal text.

One module, used by every writer (the audit's ``.xlsx`` and CSV files, the
ledger export, ``orggraph validate --out problems.csv``, the console), so the
rules are written once:

* **Formula injection** (the OWASP CSV-injection rule): a text cell starting
  with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, or their
  full-width forms ``＝ ＋ － ＠``, would be run as a formula by a spreadsheet.
  In CSV such a value is written with a leading apostrophe (``'=1+1``); in an
  ``.xlsx`` workbook it is written as a text cell (type ``s``, with Excel's
  *quote prefix*), which Excel shows as the text it is. A value that is a plain
  number (``-5``, ``+3.5``) is harmless and is left alone, so negative numbers
  stay numbers. :func:`unescape_cell` undoes :func:`escape_cell` exactly: the
  ledger reader calls it on CSV cells, so an exported ledger reads back equal.
* **Control characters**: a vertical tab (what Word's copy and paste leaves),
  a form feed, NUL, ESC, DEL and the C1 controls cannot be stored in an
  ``.xlsx`` workbook (Excel refuses the file) and can
  drive a terminal. The reader cleans them (:func:`clean_inbound`, saying
  which cells changed); the writers clean them again for graphs built by hand.
* **Cell size**: an ``.xlsx`` cell holds at most 32,767 characters. A longer
  value is refused with an :class:`ExportError` naming sheet, row and column
  before anything is written, never silently cut.
* **Terminal text**: :func:`console_text` strips ANSI/OSC escape sequences
  and control characters and escapes ``rich`` markup, so a name holding
  ``[/]`` or ``[link=…]`` is printed as the text it is.
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import OrgGraphError

__all__ = [
    "FORMULA_PREFIXES", "XLSX_MAX_CHARS", "ExportError", "needs_escape", "escape_cell", "unescape_cell",
    "clean_control", "clean_inbound", "plain_text", "console_text", "Sheet", "write_xlsx", "write_csv",
]

log = logging.getLogger("orggraph.outputs")

#: first characters that make a spreadsheet read a cell as a formula (OWASP), with their full-width forms
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
#: the most characters an .xlsx cell holds
XLSX_MAX_CHARS = 32_767

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
#: characters an .xlsx cell cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE), DEL and the C1 controls
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: vertical tab and form feed are line breaks in Word: they become a space, other controls go
_AS_SPACE = {"\x0b": " ", "\x0c": " "}
#: ANSI CSI sequences, OSC sequences (ESC ] … BEL or ESC \\; also the C1 forms) and other two-byte ESC sequences
_ANSI = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[@-Z\\-_]")
#: bidirectional overrides (U+202A–U+202E, U+2066–U+2069) reorder what a terminal shows
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


class ExportError(OrgGraphError, ValueError):
    """A value cannot be written to the chosen format (a cell too long for .xlsx …)."""


# --------------------------------------------------------------------------- formula injection


def needs_escape(text: str) -> bool:
    """Whether a text cell would start a formula: its first character after any apostrophes is in
    :data:`FORMULA_PREFIXES`, and it is not a plain number.

    >>> [needs_escape(v) for v in ("=1+1", "-5", "-a", "'=x", "＋86", "书院社区")]
    [True, False, True, True, True, False]
    """
    rest = text.lstrip("'")
    return rest[:1] in FORMULA_PREFIXES and not _NUMBER.fullmatch(rest)


def escape_cell(value):
    """The CSV form of ``value``: an apostrophe before text that would start a formula; other values as they are.

    >>> escape_cell("=HYPERLINK(\\"http://x\\")"), escape_cell(-5), escape_cell("-5")
    ('\\'=HYPERLINK("http://x")', -5, '-5')
    """
    if isinstance(value, str) and value and needs_escape(value):
        return "'" + value
    return value


def unescape_cell(value):
    """Undo :func:`escape_cell`: ``"'=x"`` → ``"=x"``; anything else (``"'abc"`` too) as it is.

    ``unescape_cell(escape_cell(v)) == v`` for every ``v``. The ledger reader
    calls it on every CSV cell; a hand-typed ``'=x`` (Excel's way to type a
    text starting with ``=``) reads as ``=x`` as well.
    """
    if isinstance(value, str) and value.startswith("'") and needs_escape(value):
        return value[1:]
    return value


# --------------------------------------------------------------------------- control characters


def clean_control(text: str) -> str:
    """``text`` without the characters an .xlsx cell cannot hold (vertical tab and form feed become spaces).

    >>> clean_control("御景\\x0b小区\\x1b")
    '御景 小区'
    """
    return _CONTROL.sub(lambda m: _AS_SPACE.get(m.group(), ""), text)


def _strings(values: np.ndarray) -> np.ndarray:
    return np.fromiter((type(v) is str for v in values), dtype=bool, count=len(values))


def clean_inbound(frame: pd.DataFrame, file: str, *, csv: bool) -> pd.DataFrame:
    """The reader's hook: a raw table (header row included) with control characters removed and,
    for CSV files (``csv=True``), the export's apostrophes undone (:func:`unescape_cell`).

    Cleaned cells are named in one warning per file (row as the spreadsheet
    counts it and column; never the value, which may be personal data). A
    column is scanned as one joined string first, so a clean table costs one
    pass in C.
    """
    if frame.empty:
        return frame
    out = None
    changed: list[str] = []
    for pos in range(frame.shape[1]):
        column = frame.iloc[:, pos]
        values = column.to_numpy(dtype=object)
        # a text column holds strings and missing values only: its strings are the present values
        text = column.notna().to_numpy() if isinstance(column.dtype, pd.StringDtype) else _strings(values)
        if not text.any():
            continue
        texts = values[text].tolist()
        joined = "\n".join(texts)
        control = _CONTROL.search(joined) is not None
        quote = csv and "'" in joined
        if not (control or quote):
            continue
        new = texts
        if control:
            new = [clean_control(v) for v in new]
        if quote:
            new = [unescape_cell(v) for v in new]
        if control:
            rows = np.flatnonzero(text)
            header = frame.iat[0, pos] if isinstance(frame.iat[0, pos], str) else f"#{pos + 1}"
            changed += [f"row {rows[i] + 1} column {clean_control(header)}" for i, (a, b) in enumerate(zip(texts, new))
                        if _CONTROL.search(a)]
        if out is None:
            out = frame.copy()
        col = values.copy()
        col[text] = np.fromiter(new, dtype=object, count=len(new))
        out.isetitem(pos, pd.Series(col, index=frame.index, dtype=frame.dtypes.iloc[pos]))
    if changed:
        more = f" and {len(changed) - 10} more" if len(changed) > 10 else ""
        log.warning("%s: control characters (vertical tab, ESC …) removed from %d cell(s): %s%s",
                    file, len(changed), "; ".join(changed[:10]), more)
    return frame if out is None else out


# --------------------------------------------------------------------------- terminal


def plain_text(value) -> str:
    """``value`` as text safe for a terminal or a log line: ANSI/OSC escape sequences, control characters
    (tab and carriage return become spaces) and bidirectional overrides removed; line breaks kept.

    >>> plain_text("红\\x1b[31m旗\\x1b]8;;http://y\\x07苑\\r")
    '红旗苑 '
    """
    text = _ANSI.sub("", str(value))
    text = _BIDI.sub("", text.replace("\r", " ").replace("\t", " "))
    return clean_control(text)


def console_text(value) -> str:
    """``value`` as inert ``rich`` text: :func:`plain_text`, with ``rich`` markup escaped.

    >>> console_text("[link=http://x]点我[/link]")
    '\\\\[link=http://x]点我\\\\[/link]'
    """
    from rich.markup import escape

    return escape(plain_text(value))


# --------------------------------------------------------------------------- writers


def _plain(v):
    """A value as a spreadsheet cell: None for missing, lists as comma-separated text, numpy scalars as Python ones."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (list, tuple, np.ndarray)):
        return ", ".join(map(str, v))
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if v != v else float(v)
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, (str, int, float, _dt.date, _dt.time)):
        return v
    return str(v)  # anything else (a geometry, a dict) as its text


def _width(v) -> int:
    """Display width of a value in character cells (CJK and full-width count two)."""
    s = str(v)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s[:80])


@dataclass
class Sheet:
    """One worksheet for :func:`write_xlsx`.

    ``headers`` replace the column names in the header row (same order);
    ``formats`` maps a column to an Excel number format (``"0.0%"``,
    ``"#,##0"``), or to a list of formats, one per row; ``title``, when
    given, is a first row above the header; ``styled`` adds column widths, a
    frozen header row and an autofilter.
    """

    name: str
    frame: pd.DataFrame
    headers: list[str] | None = None
    formats: dict[str, str | list[str]] = field(default_factory=dict)
    title: str | None = None
    styled: bool = True


def _check_sizes(path: Path, sheets: list[Sheet]) -> None:
    """Refuse a cell longer than an .xlsx cell holds, naming sheet, row and column, before anything is written."""
    for sh in sheets:
        for pos, c in enumerate(sh.frame.columns):
            col = sh.frame[c]
            if not (col.dtype == object or pd.api.types.is_string_dtype(col.dtype)):
                continue
            values = col.to_numpy(dtype=object)
            text = _strings(values)
            if not text.any() or sum(map(len, values[text].tolist())) <= XLSX_MAX_CHARS:
                continue
            lengths = np.zeros(len(values), dtype=np.int64)
            lengths[text] = np.fromiter(map(len, values[text].tolist()), dtype=np.int64, count=int(text.sum()))
            big = np.flatnonzero(lengths > XLSX_MAX_CHARS)
            if len(big):
                raise ExportError(
                    f"{path.name}[{sh.name}] row {int(big[0]) + (2 if sh.title is None else 3)} column {c}: a value of {int(lengths[big[0]]):,} "
                    f"characters, more than an .xlsx cell holds ({XLSX_MAX_CHARS:,}); {len(big)} such cell(s). "
                    "Nothing was written: shorten the value or write CSV instead (超出Excel单元格长度上限)")


def write_xlsx(path: str | Path, sheets: list[Sheet], *, description: str | None = None) -> Path:
    """Write ``sheets`` as one .xlsx workbook, every text cell inert (see the module notes).

    Text that would start a formula is a text cell with Excel's quote prefix;
    control characters are removed (and counted in a warning); a cell longer
    than :data:`XLSX_MAX_CHARS` raises :class:`ExportError` before the file is
    touched. Streams rows with XlsxWriter (``constant_memory``: one row in memory
    at a time; each cell written with the method of its type, so no text is ever
    read as a formula, a number or a link) and shows a progress bar for large
    workbooks (:mod:`orggraph.progress`).

    XlsxWriter rather than openpyxl's write-only mode: it writes the XML with
    string formatting instead of building an element tree per cell, about half the
    CPU for a ledger (the scale-M ledger: 11.6 s → 6.2 s, measured side by side on a
    loaded shared machine); it is a dependency-free, actively maintained library
    with the same features used here (number formats, frozen panes, filters,
    column widths, quote prefix). openpyxl stays for reading workbooks in tests and
    for the ledger template.
    """
    import xlsxwriter

    from .progress import progress

    path = Path(path)
    _check_sizes(path, sheets)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    looks = _Formats(wb)
    cleaned = 0
    total = sum(len(sh.frame) for sh in sheets)
    try:
        with progress(total, description or f"writing {path.name}", large=total >= 100_000, unit="row") as bar:
            for sh in sheets:
                ws = wb.add_worksheet(sh.name)
                frame = sh.frame
                headers = [clean_control(str(h)) for h in (sh.headers or list(frame.columns))]
                formats = [sh.formats.get(c) for c in frame.columns]
                top = 0 if sh.title is None else 1  # the header's row (0-based)
                if sh.styled:
                    sample = frame.head(200)
                    for i, c in enumerate(frame.columns):
                        fmt = formats[i] if isinstance(formats[i], str) or formats[i] is None else "0.0%"
                        widest = max([_width(headers[i])] + [_width(_display(v, fmt)) for v in sample[c].tolist()])
                        ws.set_column(i, i, min(max(widest + 2, 8), 60))
                    ws.freeze_panes(top + 1, 0)
                    if len(frame.columns):
                        ws.autofilter(top, 0, top + len(frame), len(frame.columns) - 1)
                if sh.title is not None:
                    title = clean_control(sh.title)
                    ws.write_string(0, 0, title, looks.get(size=13, bold=True, quote=needs_escape(title)))
                for i, h in enumerate(headers):
                    ws.write_string(top, i, h, looks.get(bold=True, quote=needs_escape(h)))
                columns = [_cells(frame.iloc[:, i]) for i in range(frame.shape[1])]
                for r in range(len(frame)):
                    row = top + 1 + r
                    for i, values in enumerate(columns):
                        v = values[r]
                        if v is None:
                            continue
                        if type(v) is str:
                            if _CONTROL.search(v):
                                v = clean_control(v)
                                cleaned += 1
                            quote = v[:1] in _MAY_ESCAPE and needs_escape(v)
                            ws.write_string(row, i, v, looks.get(quote=True) if quote else None)
                        elif isinstance(v, bool):
                            ws.write_boolean(row, i, v)
                        elif isinstance(v, (int, float)):
                            if v != v or v in (float("inf"), float("-inf")):
                                ws.write_string(row, i, str(v))  # not a number a workbook can hold
                                continue
                            f = formats[i]
                            ws.write_number(row, i, v, looks.get(number=f if isinstance(f, str) or f is None else f[r]))
                        elif isinstance(v, (_dt.datetime, _dt.date, _dt.time)):
                            ws.write_datetime(row, i, v, looks.get(number=_DATE_FORMATS[type(v)]))
                        else:
                            ws.write_string(row, i, str(v))
                    if r % 10_000 == 9_999:
                        bar.update(10_000)
                bar.update(len(frame) % 10_000)
    finally:
        wb.close()
    if cleaned:
        log.warning("%s: control characters removed from %d cell(s) (an .xlsx cell cannot hold them)", path.name, cleaned)
    return path


#: first characters of a text that :func:`needs_escape` may be true for (a cheap test first)
_MAY_ESCAPE = frozenset(FORMULA_PREFIXES) | {"'"}
#: number formats of date and time cells (what openpyxl gives them, so they read back as dates)
_DATE_FORMATS = {_dt.datetime: "yyyy-mm-dd h:mm:ss", _dt.date: "yyyy-mm-dd", _dt.time: "h:mm:ss"}


class _Formats:
    """The cell formats of one XlsxWriter workbook, each made once: bold, size, quote prefix, number format."""

    def __init__(self, wb):
        self.wb, self.made = wb, {}

    def get(self, *, bold: bool = False, size: int | None = None, quote: bool = False, number: str | None = None):
        key = (bold, size, quote, number)
        if key == (False, None, False, None):
            return None
        if key not in self.made:
            props = {"bold": bold, "quote_prefix": quote}
            if size:
                props["font_size"] = size
            if number:
                props["num_format"] = number
            self.made[key] = self.wb.add_format(props)
        return self.made[key]


def _cells(column: pd.Series) -> list:
    """The values of ``column`` as cells (:func:`_plain`); a text column without lists is taken as it is."""
    values = column.to_numpy(dtype=object)
    if isinstance(column.dtype, pd.StringDtype) or pd.api.types.infer_dtype(values, skipna=True) == "string":
        values = values.copy()
        values[pd.isna(values)] = None
        return values.tolist()
    return [_plain(v) for v in values.tolist()]


def _display(v, fmt: str | None) -> str:
    v = _plain(v)
    if v is None:
        return ""
    if fmt and fmt.endswith("%") and isinstance(v, float):
        return f"{v:.1%}"
    if isinstance(v, float):
        return f"{v:,.2f}"
    if isinstance(v, (_dt.date, _dt.datetime)):
        return "2000-01-01"
    return str(v)


def write_csv(frame: pd.DataFrame, path: str | Path, *, encoding: str = "utf-8-sig") -> Path:
    """Write ``frame`` as CSV with every text cell escaped (:func:`escape_cell`), control characters removed.

    Numeric columns are written as numbers (a negative number stays a number);
    list cells become comma-separated text.
    """
    path = Path(path)
    out = {}
    for c in frame.columns:
        col = frame[c]
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            values = col.to_numpy(dtype=object)
            out[c] = pd.Series([_csv_value(v) for v in values], index=col.index, dtype=object)
        else:
            out[c] = col
    header = [escape_cell(clean_control(str(c))) for c in frame.columns]
    pd.DataFrame(out, index=frame.index).to_csv(path, index=False, header=header, encoding=encoding)
    return path


def _csv_value(v):
    v = _plain(v)
    if isinstance(v, str):
        return escape_cell(clean_control(v) if _CONTROL.search(v) else v)
    return v
