"""Finding and reading the raw tables of a ledger (台账): CSV folders and .xlsx workbooks.

Raw tables are read as text (every cell a string or missing), with the header
mapped to canonical column names; typing and validation happen in
:mod:`orggraph.ledger.validate`.

What is read, what is refused and what is only reported is listed in
``docs/reliability.md`` ("Spreadsheets as departments keep them"): every file
and sheet is either read as a table or named as ignored; damage that would
change what is read (error cells, formulas without a saved value, a stray
quote, a row cut short, two sheets for one table …) is a problem naming file,
sheet, row and column, never a silently different graph.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from ..outputs import clean_inbound
from ..schema import EDGE_TABLES, NODE_KINDS, NODE_TABLES, TABLE_ALIASES

__all__ = ["RawTable", "read_raw_tables", "read_table", "TABLE_ALIASES", "ENCODINGS"]

#: encodings tried in order when reading a CSV file (what Chinese Excel writes comes last);
#: UTF-16 is recognised by its byte order mark, or without one by its zero bytes
ENCODINGS = ("utf-8-sig", "gb18030")

#: cells larger than this are refused rather than loaded
MAX_CELL_CHARS = 1_000_000
#: header lines longer than this (in bytes) are refused
MAX_HEADER_CHARS = 1_000_000
#: any other line longer than this (in bytes) is refused before parsing
MAX_LINE_BYTES = 16_000_000
#: a table with more columns than this is refused (a header of a million empty columns)
MAX_COLUMNS = 1_000
#: the header is looked for in this many rows from the top (title rows above it are common)
HEADER_SEARCH_ROWS = 10
#: a sheet's used range (the box from A1 to its farthest cell) may be larger than this only when
#: real cells fill at least 1 / SPARSE_FACTOR of it: one stray cell at XFD1048576 is refused, not
#: expanded into 17 billion empty cells
MAX_SPARSE_AREA = 5_000_000
SPARSE_FACTOR = 8
#: a sheet whose XML is larger than this (uncompressed) is refused
MAX_SHEET_XML_BYTES = 2_000_000_000


@dataclass
class RawTable:
    """One table as read: text cells, canonical headers, and where each row came from."""

    table: str
    file: str
    frame: pd.DataFrame
    first_row: int = 2  # spreadsheet row number of the frame's first row
    renamed: dict[str, str] = field(default_factory=dict)  # canonical column -> header as written
    problems: list[dict] = field(default_factory=list)
    rows: "pd.Series | None" = None  # spreadsheet row number of each row of frame (blank rows skipped)
    longest_cell: int | None = None  # no cell holds more characters than this (None: not known)

    def row_numbers(self) -> "pd.Series":
        if self.rows is not None:
            return self.rows
        return pd.Series(range(len(self.frame)), dtype="int64") + self.first_row


def _problem(file, table="", row=None, column="", value="", problem="", severity="error", suggestion=None) -> dict:
    return dict(file=file, table=table, row=row, column=column, value=value, problem=problem,
                suggestion=suggestion, severity=severity)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().lower()


def _table_for(stem: str) -> str | None:
    key = _fold(stem)
    for table, aliases in TABLE_ALIASES.items():
        if key == table or key in (_fold(a) for a in aliases):
            return table
    return None


#: tables read by other readers (the 花名册 of :mod:`orggraph.ledger.roster`): name → columns as
#: :func:`_columns_of` gives them
OTHER_TABLES: dict[str, list[tuple[str, tuple[str, ...], tuple[str, ...]]]] = {}


def _columns_of(table: str):
    """``(canonical name, spellings, kinds it references)`` of every column of ``table``."""
    if table in OTHER_TABLES:
        return OTHER_TABLES[table]
    if table in NODE_TABLES:
        spec = NODE_TABLES[table]
        return [(a.name, a.aliases, a.ref) for a in spec.attrs] + [(r.column, r.aliases, r.targets) for r in spec.refs]
    spec = EDGE_TABLES[table]
    return [(a.name, a.aliases, a.ref) for a in (spec.source, spec.target, *spec.attrs)]


#: units in brackets after a header (户数（户）, 常住人口(人), 面积[㎡]) are not part of its name
_BRACKETS = re.compile(r"[(\[【〔][^)\]】〕]*[)\]】〕]")
_ID_SUFFIXES = ("编号", "id", "代码", "编码")
_TABLE_OF_KIND = {k.name: k.table for k in NODE_KINDS.values()}


def _header_key(text) -> str:
    """A header folded for look-up: NFKC, lower case, units in brackets and spaces removed."""
    return re.sub(r"\s+", "", _BRACKETS.sub("", _fold(text)))


def _header_map(table: str) -> dict[str, str]:
    """Every accepted spelling of a header of ``table`` (folded) → canonical column.

    Besides the schema's names and aliases: the table's own name before an
    attribute's (社区编号, 社区名称 in ``communities``) and the referenced table's
    name before 编号/ID/代码 (社区编号 in ``grids`` is ``community_id``; 所属街道编号 too).
    """
    out: dict[str, str] = {}
    cols = _columns_of(table)
    for name, aliases, _ in cols:
        for spelling in (name, *aliases):
            out.setdefault(_header_key(spelling), name)
    own = [_header_key(a) for a in TABLE_ALIASES.get(table, ())]
    for name, aliases, refs in cols:
        if refs:
            continue
        for prefix in own:
            for spelling in aliases:
                out.setdefault(prefix + _header_key(spelling), name)
    own_kind = NODE_TABLES[table].name if table in NODE_TABLES else None
    generated: dict[str, set[str]] = {}  # spelling → the reference columns it could name
    for name, aliases, refs in cols:
        for spelling in aliases:
            for suffix in _ID_SUFFIXES:
                if refs:
                    generated.setdefault(_header_key(spelling) + suffix, set()).add(name)
        for kind in refs:
            if kind == own_kind:
                continue
            for alias in TABLE_ALIASES[_TABLE_OF_KIND[kind]]:
                for suffix in _ID_SUFFIXES:
                    generated.setdefault(_header_key(alias) + suffix, set()).add(name)
                generated.setdefault("所属" + _header_key(alias), set()).add(name)
    for spelling, names in generated.items():
        if len(names) == 1:  # 社区编号 in contains could be either end: not guessed
            out.setdefault(spelling, names.pop())
    return out


def _known_count(cells: list, known: dict[str, str]) -> tuple[int, bool]:
    names = [known.get(_header_key(v)) for v in cells if isinstance(v, str)]
    return sum(n is not None for n in names), "id" in names


def _find_header(frame: pd.DataFrame, table: str) -> int | None:
    """Index of the header row: the first row (of :data:`HEADER_SEARCH_ROWS`) naming known columns.

    A title row or merged-cell artefact above the header is common in exported
    spreadsheets. None when no row there names a known column.
    """
    known = _header_map(table)
    for i in range(min(HEADER_SEARCH_ROWS, len(frame))):
        n, has_id = _known_count(frame.iloc[i].tolist(), known)
        if n >= 1 and (has_id or n >= 2):
            # a two-level header: a group row (基本信息 over 名称 and 所属社区) above the sub-headers
            if i + 1 < len(frame) and _sub_header(frame.iloc[i].tolist(), frame.iloc[i + 1].tolist(), known):
                return i + 1
            return i
    if len(frame) and _known_count(frame.iloc[0].tolist(), known)[0]:
        return 0  # a header with some known column: its missing ones are reported by name
    return None


def _sub_header(upper: list, lower: list, known: dict[str, str]) -> bool:
    """Whether ``lower`` holds the sub-headers of a two-level header whose upper row is ``upper``.

    It does when every value in it is a known column name and some of them stand
    where the upper row has none (under a group label such as 基本信息, or an empty cell).
    """
    names = [None if not isinstance(v, str) or not v.strip() else known.get(_header_key(v), "") for v in lower]
    if any(n == "" for n in names):  # a value that names no column: a data row
        return False
    return any(n and not (isinstance(u, str) and _header_key(u) in known) for n, u in zip(names, upper))


def _look_alike(header: str, table: str, present: set[str], known: dict[str, str]) -> str | None:
    """The canonical column an unknown header seems meant as (absent from the table), or None."""
    import difflib

    key = _header_key(header)
    if not key:
        return None
    for spelling, name in known.items():
        if name in present or name == "id" and len(spelling) < 2:
            continue
        inside = len(spelling) >= 2 and spelling in key or len(key) >= 2 and 2 * len(key) >= len(spelling) and key in spelling
        if inside or difflib.SequenceMatcher(None, key, spelling).ratio() >= 0.75:
            return name
    return None


def _column_letter(pos: int) -> str:
    letters = ""
    pos += 1
    while pos:
        pos, rem = divmod(pos - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _canonical(table: str, raw: pd.DataFrame, file: str, header_row: int, cell_problems=(),
               record_fields: "np.ndarray | None" = None, record_lines: "np.ndarray | None" = None) -> RawTable:
    """Turn a frame whose row ``header_row`` is the header into a RawTable with canonical columns.

    ``cell_problems``: ``(row, column, value, problem)`` with 0-based sheet positions (error cells,
    formulas without a value), reported under the header of their column. ``record_fields`` and
    ``record_lines``: fields and first physical line of each row of ``raw`` (a CSV file), to name
    rows with fewer or more fields than the header.
    """
    header = [("" if (v is None or v != v) else str(v)) for v in raw.iloc[header_row].tolist()]
    body = raw.iloc[header_row + 1 :].reset_index(drop=True)
    body.columns = range(body.shape[1])
    known = _header_map(table)
    if header_row > 0:  # the lower row of a two-level header: a known name above an empty cell is its header
        above = raw.iloc[header_row - 1].tolist()
        header = [h if h.strip() or not isinstance(a, str) or _header_key(a) not in known else a
                  for h, a in zip(header, above)]
    problems: list[dict] = []
    cols, renamed, keep, unknown = [], {}, [], []
    for pos, h in enumerate(header):
        key = _header_key(h)
        if not key:
            if body[pos].notna().any():
                problems.append(_problem(file, table, header_row + 1, f"#{pos + 1}", "", "a column with values has no header"))
            continue
        name = known.get(key, h.strip())
        if name in cols:
            problems.append(_problem(file, table, header_row + 1, h, h, f"column {name!r} appears twice in the header"))
            continue
        if key not in known:
            unknown.append(h)
        cols.append(name)
        keep.append(pos)
        if name != h:
            renamed[name] = h
    for h in unknown:
        meant = _look_alike(h, table, set(cols), known)
        if meant:
            problems.append(_problem(file, table, header_row + 1, h, h, f"column {h.strip()!r} is not read as {meant!r}, "
                                     "which the table lacks: it is kept as an extra column", "warning",
                                     f"write the header as {meant} or one of its Chinese names (docs/ledger.md)"))
    for r, c, value, what in cell_problems:
        name = header[c].strip() if c < len(header) and header[c].strip() else _column_letter(c)
        problems.append(_problem(file, table, r + 1, f"{name} ({_column_letter(c)}{r + 1})", value, what))
    frame = body[keep]
    frame.columns = cols
    # blank rows (every cell empty) are spreadsheet artefacts, not records
    blank = _blank_rows(frame)
    first_row = header_row + 2
    if record_fields is not None:
        problems += _ragged_rows(file, table, header_row, blank, record_fields, record_lines)
    rows = pd.Series(range(len(frame)), dtype="int64") + first_row
    if blank.any():
        frame = frame[~blank]
        rows = rows[~blank].reset_index(drop=True)
    return RawTable(table, file, frame.reset_index(drop=True), first_row, renamed, problems, rows)


def _ragged_rows(file, table, header_row, blank, fields, lines) -> list[dict]:
    """Rows below the header with fewer or more fields than it (a row cut short, an unquoted comma)."""
    want = int(fields[header_row])
    below = fields[header_row + 1:]
    bad = np.flatnonzero((below != want) & ~blank[: len(below)])
    out = []
    for i in bad[:100]:
        n, line = int(below[i]), int(lines[header_row + 1 + i])
        what = "a row cut short?" if n < want else "a comma inside a value that is not quoted?"
        out.append(_problem(file, table, header_row + 2 + int(i), "", "",
                            f"line {line} has {n} fields where the header has {want}: {what}"))
    if len(bad) > 100:
        out.append(_problem(file, table, None, "", "", f"… and {len(bad) - 100} more rows with the wrong number of fields"))
    return out


def _blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is missing or whitespace, column by column.

    Each column only looks at the rows still blank after the previous ones, so
    a table with an id in every row is settled by its first column.
    """
    blank = np.ones(len(frame), dtype=bool)
    for pos in range(frame.shape[1]):
        rows = np.flatnonzero(blank)
        if not len(rows):
            break
        column = frame.iloc[:, pos] if len(rows) == len(frame) else frame.iloc[rows, pos]
        values = column.to_numpy(dtype=object)
        if isinstance(column.dtype, pd.StringDtype) and column.dtype.na_value is np.nan:
            filled = np.flatnonzero(values == values)  # NaN is the one missing value, and not equal to itself
        else:
            filled = np.flatnonzero(~pd.isna(values))
        if isinstance(column.dtype, pd.StringDtype):  # text: blank is empty or all whitespace
            texts = values[filled].tolist()
            test = str.isspace if "" not in texts else _blank  # "".isspace() is False
            blank[rows[filled]] = np.fromiter(map(test, texts), dtype=bool, count=len(texts))
        else:
            blank[rows[filled]] = [not (v if isinstance(v, str) else str(v)).strip() for v in values[filled]]
    return blank


def _blank(text: str) -> bool:
    return not text or text.isspace()


def _overlong_line(path: Path) -> tuple[int, int] | None:
    """``(line number, limit)`` of the first line longer than allowed, or None.

    Streams the file in 4 MiB chunks, so a file with a gigantic line (a
    billion-column header, a 100 MB cell) is refused before anything is parsed
    into memory. The header may hold :data:`MAX_HEADER_CHARS` bytes, any other
    line :data:`MAX_LINE_BYTES`; lines between two newlines of one chunk are
    shorter than the chunk, so only a line spanning chunks needs counting.
    """
    with open(path, "rb") as fh:
        head = fh.read(MAX_HEADER_CHARS + 1)
        if b"\n" not in head and len(head) > MAX_HEADER_CHARS:
            return 1, MAX_HEADER_CHARS
        line = 1 + head.count(b"\n")
        since = len(head) - head.rfind(b"\n") - 1
        while True:
            chunk = fh.read(1 << 22)
            if not chunk:
                return None
            first = chunk.find(b"\n")
            if first < 0:
                since += len(chunk)
            else:
                if since + first > MAX_LINE_BYTES:
                    return line, MAX_LINE_BYTES
                line += chunk.count(b"\n")
                since = len(chunk) - chunk.rfind(b"\n") - 1
            if since > MAX_LINE_BYTES:
                return line, MAX_LINE_BYTES


def _cell_bound(path: Path) -> int | None:
    """An upper bound on the characters in any cell of a CSV file, or None.

    A character takes at least one byte, and a cell without quotes cannot
    span lines: the file's size, or else its longest line, bounds every cell.
    A quoted cell may hold line breaks: no bound is given for a file with quotes.
    """
    size = path.stat().st_size
    if size <= MAX_CELL_CHARS:
        return size
    longest, since = 0, 0  # since: bytes of the line running on from earlier chunks
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            if b'"' in chunk:
                return None
            breaks = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == ord("\n"))
            if not len(breaks):
                since += len(chunk)
                continue
            longest = max(longest, since + int(breaks[0]), int(np.diff(breaks).max(initial=1)) - 1)
            since = len(chunk) - int(breaks[-1]) - 1
    return max(longest, since)


def _line_of(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1


def _decode(name: str, data: bytes) -> tuple[str | None, bytes, list[dict]]:
    """``(encoding for pandas, bytes to parse, problems)`` of a CSV file's bytes.

    UTF-8 (with or without BOM) and GB18030 are read as they are; UTF-16, with a
    byte order mark or without one (recognised by its zero bytes), is re-encoded
    to UTF-8. A file that ends inside a character, or holds bytes that no
    accepted encoding reads, is named with the line where that happens.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(data) is not None:
        enc = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else _looks_utf16(data)
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            line = data[: exc.start].decode(enc, "ignore").count("\n") + 1
            cut = exc.end >= len(data) - 1
            what = ("the file ends inside a character: truncated?" if cut
                    else "bytes that are not UTF-16 in a file that reads as UTF-16")
            return None, data, [_problem(name, row=line, problem=f"line {line}: {what}")]
        return "utf-8", text.encode("utf-8"), []
    if b"\x00" in data:
        line = _line_of(data, data.index(b"\x00"))
        return None, data, [_problem(name, row=line, problem=f"line {line} holds a zero byte: not a text (CSV) file")]
    try:
        data.decode("utf-8")
        return ("utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"), data, []
    except UnicodeDecodeError as exc:
        utf8 = exc
    if utf8.reason == "unexpected end of data":
        line = _line_of(data, utf8.start)
        return None, data, [_problem(name, row=line, problem=f"line {line}: the file ends inside a character (truncated?)")]
    try:
        data.decode("gb18030")
        return "gb18030", data, []
    except UnicodeDecodeError as exc:
        if exc.reason.startswith("incomplete") and exc.end >= len(data) - 3:
            line = _line_of(data, exc.start)
            return None, data, [_problem(name, row=line, problem=f"line {line}: the file ends inside a character (truncated?)")]
    line = _line_of(data, utf8.start)
    return None, data, [_problem(name, row=line, problem=f"line {line}: cannot decode as UTF-8 or GB18030 (save the file as UTF-8)")]


def _looks_utf16(data: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` for UTF-16 text without a byte order mark, else None.

    Text of ASCII and CJK in UTF-16 has a zero byte in most ASCII characters' high
    half: when the even (or odd) bytes of the start are mostly zeros, it is UTF-16.
    """
    head = data[:4096]
    if len(head) < 4:
        return None
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if odd > len(head) // 6 and even == 0:
        return "utf-16-le"
    if even > len(head) // 6 and odd == 0:
        return "utf-16-be"
    return None


@dataclass
class _Shape:
    """What a byte scan of a CSV file finds: fields and first line of each record, and damage."""

    fields: np.ndarray
    lines: np.ndarray
    problems: list


def _csv_shape(name: str, data: bytes) -> _Shape:
    """Fields per record, found in numpy over the bytes (quotes respected as RFC 4180 reads them).

    A record ends at a newline outside quotes; ``""`` inside a quoted cell
    toggles twice and so keeps the parity. Reported here: a quote never closed,
    and a quoted cell that runs over lines which look like rows of their own (a
    stray quote swallowing the rows after it). Commas, quotes and newlines are
    ASCII bytes that no multibyte character of UTF-8 or GB18030 contains.
    """
    arr = np.frombuffer(data, dtype=np.uint8)
    quote = arr == 34
    nl = np.flatnonzero(arr == 10)
    commas = np.flatnonzero(arr == 44)
    problems = []
    inside = None
    if quote.any():
        inside = np.logical_xor.accumulate(quote)  # True from an opening quote to just before its closing one
        ends = nl[~inside[nl]]
        commas = commas[~inside[commas]]
        if inside[-1]:
            opened = int(np.flatnonzero(quote & inside)[-1])
            line = _line_of(data, opened)
            problems.append(_problem(name, row=line, problem=f"line {line}: a quote (\") opens a value that is never "
                                     "closed: a stray quote?"))
    else:
        ends = nl
    if not len(ends) or ends[-1] != len(arr) - 1:
        ends = np.append(ends, len(arr))
    starts = np.concatenate(([0], ends[:-1] + 1))
    fields = np.diff(np.searchsorted(commas, ends), prepend=0) + 1
    lines = np.searchsorted(nl, starts) + 1
    last = np.searchsorted(nl, np.maximum(ends - 1, 0)) + 1
    spanning = np.flatnonzero(last > lines)
    if len(spanning) and len(fields):
        width = int(np.bincount(fields).argmax())  # what most rows have
        for r in spanning[:1000]:
            inner = data[starts[r]: ends[r]].split(b"\n")[1:]
            looks = sum(line.count(b",") >= max(width - 1, 2) for line in inner)
            if looks:
                problems.append(_problem(name, row=int(r) + 1, problem=(
                    f"line {int(lines[r])}: a quote (\") opens a value that runs on over {len(inner)} line(s) to line "
                    f"{int(last[r])}, {looks} of which look like rows of their own: a stray quote?")))
    return _Shape(fields, lines, problems)


def _read_csv(path: Path) -> tuple[pd.DataFrame | None, list[dict], "_Shape | None"]:
    """Read a CSV file as text: ``(frame or None, problems, shape or None when every record is regular)``."""
    too_long = _overlong_line(path)
    if too_long is not None:
        line, limit = too_long
        what = "the header line" if line == 1 else f"line {line}"
        return None, [_problem(path.name, row=line, problem=f"{what} is longer than {limit:,} bytes: refused (not a ledger table)")], None
    data = path.read_bytes()
    enc, data, problems = _decode(path.name, data)
    if problems:
        return None, problems, None
    if not data.strip():
        return pd.DataFrame(), [], None
    first = data.find(b"\n")
    header_fields = data.count(b",", 0, first if first >= 0 else len(data)) + 1
    records = data.count(b"\n") + (not data.endswith(b"\n"))
    shape = None
    names = None
    if b'"' in data or data.count(b",") != (header_fields - 1) * records:
        # not every line has the fields of the first: count them record by record
        shape = _csv_shape(path.name, data)
        if shape.problems:
            return None, shape.problems, None
        header_fields = int(shape.fields.max())
        names = range(header_fields)
    if header_fields > MAX_COLUMNS:
        return None, [_problem(path.name, row=1, problem=f"{header_fields:,} columns: more than {MAX_COLUMNS:,} is not a "
                               "ledger table (refused)")], None
    try:
        frame = pd.read_csv(io.BytesIO(data), dtype=str, header=None, names=names, encoding=enc, keep_default_na=False,
                            na_values=[""], skip_blank_lines=False, engine="c")
    except pd.errors.ParserError as exc:  # pragma: no cover - the byte scan above finds what pandas refuses
        return None, [_problem(path.name, problem=f"not a readable CSV file: {exc}")], None
    except pd.errors.EmptyDataError:
        return pd.DataFrame(), [], None
    if shape is not None and len(shape.fields) != len(frame):  # pragma: no cover - a lone carriage return as line end
        shape = None
    return frame, [], shape


_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _workbook_sheets(zf: zipfile.ZipFile) -> list[tuple[str, str, str]]:
    """``(name, state, part)`` of every sheet of a workbook, in order: state ``visible``, ``hidden`` or ``veryHidden``."""
    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target", "") for r in rels}
    out = []
    for sh in book.iter(f"{{{_NS['m']}}}sheet"):
        t = target.get(sh.get(_REL), "")
        part = t.lstrip("/") if t.startswith("/") else "xl/" + t
        out.append((sh.get("name", ""), sh.get("state", "visible"), part))
    return out


_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d+)"')
#: a cell reference with a column of two or three letters (only cells have letters in an r attribute)
_WIDE = re.compile(rb' r="([A-Z]{2,3})(\d+)"')
_CELL_ERR = re.compile(rb'<(?:\w+:)?c\b([^>]*?\st="e"[^>]*)>(.*?)</(?:\w+:)?c>', re.S)
_FORMULA = re.compile(rb'<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b(?:[^>]*/>|[^>]*>.*?</(?:\w+:)?f>)\s*'
                      rb'(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>', re.S)
_REF = re.compile(rb'\sr="([A-Z]{1,3})(\d+)"')
_VALUE = re.compile(rb'<(?:\w+:)?v>([^<]*)</')


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


@dataclass
class _SheetScan:
    rows: int = 0  # the last row with a cell
    cols: int = 26  # an upper bound on the columns used
    far: str = ""  # the farthest cell, as Excel names it
    cells: int = 0
    issues: list = field(default_factory=list)  # (row, col, value, problem), 0-based


def _scan_sheet(zf: zipfile.ZipFile, part: str) -> _SheetScan:
    """Stream a sheet's XML in chunks: its extent, its cell count, error cells and formulas without a saved value.

    python-calamine reads an error cell and a formula without a cached value as
    empty, and expands a sheet to the box of its farthest cell before anything
    can be checked; this scan, with regular expressions over the raw XML, finds
    those first, in bounded memory.
    """
    scan = _SheetScan()
    carry = b""
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(1 << 23)
            buf = carry + chunk
            if chunk:
                cut = buf.rfind(b"row>") + 4  # after </row> (or </x:row>): no cell is split there
                if cut < 4:
                    if len(buf) > 1 << 26:  # one row of 64 MB
                        cut = len(buf)
                    else:
                        carry = buf
                        continue
                carry, buf = buf[cut:], buf[:cut]
            _scan_chunk(buf, scan)
            if not chunk:
                break
    scan.cols = max(scan.cols, 26)
    return scan


def _scan_chunk(buf: bytes, scan: _SheetScan) -> None:
    scan.cells += buf.count(b"<c ") + buf.count(b"<c>")
    if b":c " in buf:  # cells written with a namespace prefix (<x:c r="A1">)
        scan.cells += len(re.findall(rb"<\w+:c[ >]", buf))
    # rows come in ascending order (ECMA-376 §18.3.1.73): the last row of the chunk is its farthest
    at = max(buf.rfind(b"<row "), buf.rfind(b":row "))  # not <rowBreaks>
    row = _ROW.match(buf, buf.rfind(b"<", 0, at + 1)) if at >= 0 else None
    if row and int(row.group(1)) > scan.rows:
        scan.rows = int(row.group(1))
        scan.far = f"row {scan.rows}"
    for m in _WIDE.finditer(buf) if _WIDE.search(buf) else ():
        col = _col_index(m.group(1)) + 1
        if col > scan.cols:
            scan.cols = col
            scan.far = (m.group(1) + m.group(2)).decode()
    if b't="e"' in buf:
        for m in _CELL_ERR.finditer(buf):
            ref = _REF.search(m.group(1))
            value = _VALUE.search(m.group(2))
            if ref:
                shown = value.group(1).decode("utf-8", "replace") if value else "#ERROR"
                scan.issues.append((int(ref.group(2)) - 1, _col_index(ref.group(1)), shown,
                                    f"an error cell ({shown}): the formula or the value behind it is broken"))
    if b"<f" in buf or b":f" in buf:
        for m in _FORMULA.finditer(buf):
            ref = _REF.search(m.group(1))
            if ref:
                scan.issues.append((int(ref.group(2)) - 1, _col_index(ref.group(1)), "<formula>",
                                    "a formula with no saved value (written by a program that does not calculate): "
                                    "open and save the workbook in Excel or WPS, or type the value"))


def _read_workbook(path: Path) -> tuple[dict[str, "RawTable"], list[dict]]:
    """Read the sheets of an .xlsx workbook named as ledger tables, with python-calamine.

    python-calamine (Rust) reads a workbook several times faster than openpyxl
    (a scale-M ledger, validated: 61.5 s → 8.9 s on a shared machine, scan included);
    what it does not report (error cells, formulas
    without a saved value, an absurd used range, hidden sheets) comes from the
    workbook's XML, read here first.
    """
    import python_calamine

    tables: dict[str, RawTable] = {}
    problems: list[dict] = []
    bad = _problem(path.name, problem="not a readable .xlsx workbook (truncated, damaged or not an .xlsx file)")
    try:
        zf = zipfile.ZipFile(path)
        sheets = _workbook_sheets(zf)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError, EOFError):
        return tables, [bad]
    with zf:
        try:
            wb = python_calamine.CalamineWorkbook.from_path(str(path))
        except (python_calamine.CalamineError, OSError, ValueError):
            return tables, [bad]
        seen: dict[str, str] = {}
        for name, state, part in sheets:
            fname = f"{path.name}[{name}]"
            table = _table_for(name)
            if state != "visible":
                problems.append(_problem(fname, table or "", problem=f"hidden sheet {name!r} is ignored", severity="warning",
                                         suggestion="unhide it and remove the visible sheet it repeats if it should be read"))
                continue
            if table is None:
                problems.append(_problem(fname, problem=f"sheet {name!r} is not named as a ledger table: ignored",
                                         severity="warning", suggestion=_names_hint()))
                continue
            if table in seen:
                problems.append(_problem(fname, table, problem=f"a second sheet for table {table!r} (sheet {seen[table]!r})"))
                continue
            seen[table] = name
            rt, probs = _read_sheet(zf, wb, name, part, fname, table, bad)
            problems += probs
            if rt is not None:
                tables[table] = rt
    return tables, problems


def _read_sheet(zf, wb, name: str, part: str, fname: str, table: str, bad: dict) -> tuple["RawTable | None", list[dict]]:
    """Read one sheet as ``table``: the XML scan first (errors, formulas, extent), then python-calamine."""
    import python_calamine

    problems: list[dict] = []
    try:
        info = zf.getinfo(part)
        if info.file_size > MAX_SHEET_XML_BYTES:
            problems.append(_problem(fname, table, problem=f"the sheet holds {info.file_size:,} bytes of XML: "
                                     f"more than {MAX_SHEET_XML_BYTES:,} is refused"))
            return None, problems
        scan = _scan_sheet(zf, part)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError, zlib_error):
        problems.append(dict(bad, file=fname, table=table))
        return None, problems
    area = scan.rows * scan.cols
    if area > MAX_SPARSE_AREA and area > SPARSE_FACTOR * scan.cells:
        problems.append(_problem(fname, table, None, scan.far, "", (
            f"the sheet's used range reaches {scan.far} ({scan.rows:,} rows × {scan.cols:,} columns) but holds "
            f"only {scan.cells:,} cells: refused (a stray cell far from the table?)"),
            suggestion=f"delete the cells beyond the table (clear {scan.far})"))
        return None, problems
    if scan.cols > MAX_COLUMNS and scan.cols * scan.rows > MAX_SPARSE_AREA:
        problems.append(_problem(fname, table, 1, "", "", f"{scan.cols:,} columns: more than {MAX_COLUMNS:,} is "
                                 "not a ledger table (refused)"))
        return None, problems
    try:
        sheet = wb.get_sheet_by_name(name)
        cells = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    except (python_calamine.CalamineError, ValueError, OSError):
        problems.append(dict(bad, file=fname, table=table))
        return None, problems
    raw = _sheet_frame(cells)
    if raw.empty:
        return RawTable(table, fname, pd.DataFrame()), problems
    raw = clean_inbound(raw, fname, csv=False)  # control characters (outputs.py)
    notes = _fill_merged(raw, merged, fname, table)
    at = _find_header(raw, table)
    if at is None:
        problems.append(_no_header(fname, table))
        return None, problems
    notes = [n for n in notes if n["row"] > at + 1]  # merged cells above the header are titles
    rt = _canonical(table, raw, fname, at, scan.issues)
    problems += notes + rt.problems
    return rt, problems


try:  # the exception zlib raises for damaged compressed data
    from zlib import error as zlib_error
except ImportError:  # pragma: no cover
    zlib_error = OSError


def _sheet_frame(cells: list[list]) -> pd.DataFrame:
    """The cells python-calamine read as a frame: empty strings missing, whole numbers as Python floats.

    A column holding only text (and empty cells) gets the text dtype a CSV column is read with, so
    that the checks after it (control characters, blank rows, oversized cells, typing) take the
    same vectorised paths for a workbook as for a CSV file; any other column stays ``object``.
    """
    if not cells:
        return pd.DataFrame()
    grid = np.array(cells, dtype=object)
    if grid.ndim != 2:  # rows of different lengths (not what python-calamine gives, but not assumed)
        grid = pd.DataFrame(cells, dtype=object).to_numpy(dtype=object, copy=True)
    columns = {}
    for pos in range(grid.shape[1]):
        values = grid[:, pos]
        values[values == ""] = None  # elementwise in C: a number never equals ""
        if pd.api.types.infer_dtype(values, skipna=True) == "string":
            columns[pos] = pd.Series(values, dtype="str")
        else:
            columns[pos] = pd.Series(values, dtype=object)
    return pd.DataFrame(columns)


def _fill_merged(raw: pd.DataFrame, merged, fname: str, table: str) -> list[dict]:
    """Give every cell of a vertically merged range the value of its first cell (as Excel shows it).

    A spreadsheet keeps the value of a merged range in its top-left cell only;
    所属社区 merged over the grids below is meant for each of them. Ranges one
    row high (titles, group headers) are left as they are. Each filled range is
    reported as a warning, for the load report.
    """
    notes = []
    for (r0, c0), (r1, c1) in merged:
        if r1 <= r0 or r0 >= len(raw) or c0 >= raw.shape[1]:
            continue
        r1, c1 = min(r1, len(raw) - 1), min(c1, raw.shape[1] - 1)
        value = raw.iat[r0, c0]
        if value is not None and value != value:  # missing in a text column
            value = None
        if value is not None and value == value and not isinstance(value, str):
            for c in range(c0, c1 + 1):  # a number spread into a text column: the column holds both now
                if isinstance(raw.dtypes.iloc[c], pd.StringDtype):
                    raw.isetitem(c, raw.iloc[:, c].astype(object).where(raw.iloc[:, c].notna(), None))
        raw.iloc[r0: r1 + 1, c0: c1 + 1] = value
        where = f"{_column_letter(c0)}{r0 + 1}:{_column_letter(c1)}{r1 + 1}"
        notes.append(_problem(fname, table, r0 + 1, where, "", (
            f"merged cells {where}: the value of {_column_letter(c0)}{r0 + 1} is read on each of rows {r0 + 1}–{r1 + 1}"),
            "warning"))
    return notes


def read_table(path: str | Path, table: str, sheet: str | None = None) -> tuple["RawTable | None", list[dict]]:
    """Read one CSV file, or one sheet of a workbook (``sheet``, or the first visible one), as ``table``.

    The same checks as a ledger's tables get (encodings, quotes, ragged rows, error cells,
    formulas, merged cells, the used range); returns ``(table or None, problems)``.
    """
    import python_calamine

    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raw, problems, shape = _read_csv(path)
        if raw is None or raw.empty:
            return None, [dict(p, table=table) for p in problems]
        at = _find_header(raw, table)
        if at is None:
            return None, [_no_header(path.name, table)]
        rt = _canonical(table, raw, path.name, at, record_fields=None if shape is None else shape.fields,
                        record_lines=None if shape is None else shape.lines)
        rt.longest_cell = _cell_bound(path)
        return rt, rt.problems
    bad = _problem(path.name, problem="not a readable .xlsx workbook (truncated, damaged or not an .xlsx file)")
    try:
        zf = zipfile.ZipFile(path)
        sheets = _workbook_sheets(zf)
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError, EOFError,
            python_calamine.CalamineError):
        return None, [bad]
    with zf:
        chosen = [s for s in sheets if (s[0] == sheet if sheet is not None else s[1] == "visible")]
        if not chosen:
            return None, [_problem(path.name, table, problem=f"no sheet {sheet!r}" if sheet else "no visible sheet")]
        name, _, part = chosen[0]
        return _read_sheet(zf, wb, name, part, f"{path.name}[{name}]", table, bad)


def _names_hint() -> str:
    return "name it as a table (communities or 社区, grids or 网格 …: see docs/ledger.md) to have it read"


def _no_header(fname: str, table: str) -> dict:
    return _problem(fname, table, None, "", "", (
        f"no header row found in the first {HEADER_SEARCH_ROWS} rows (a row naming the table's columns, "
        "e.g. 编号 and 名称)"), suggestion="put the header (编号, 名称 …) at the top; see docs/ledger.md for the names")


def read_raw_tables(path: str | Path) -> tuple[dict[str, RawTable], list[dict]]:
    """Read every table of the ledger at ``path`` (folder of CSV files or .xlsx workbook).

    Returns the tables by canonical name and the problems met while reading
    (``severity`` ``"warning"`` for what was read but should be known: ignored
    files and sheets, filled merged cells, look-alike headers).
    """
    path = Path(path)
    tables: dict[str, RawTable] = {}
    problems: list[dict] = []
    if path.is_dir():
        sources = []
        for f in sorted(path.iterdir()):
            if not f.is_file() or f.name.startswith((".", "~$")):
                continue
            if f.suffix.lower() not in (".csv", ".xlsx", ".xls", ".xlsm"):
                continue
            table = _table_for(f.stem) if f.suffix.lower() == ".csv" else None
            if table is None:
                what = "not named as a ledger table" if f.suffix.lower() == ".csv" else "a workbook inside a CSV ledger folder"
                problems.append(_problem(f.name, problem=f"file {f.name!r} is {what}: ignored", severity="warning",
                                         suggestion=_names_hint()))
                continue
            sources.append((table, f))
        for table, f in sources:
            if table in tables:
                problems.append(_problem(f.name, table, problem=f"a second file for table {table!r} ({tables[table].file})"))
                continue
            raw, probs, shape = _read_csv(f)
            problems += [dict(p, table=table) for p in probs]
            if raw is None:
                tables[table] = RawTable(table, f.name, pd.DataFrame())  # refused: its problems say why
                continue
            raw = clean_inbound(raw, f.name, csv=True)  # control characters; the export's apostrophes (outputs.py)
            if raw.empty:
                tables[table] = RawTable(table, f.name, pd.DataFrame())
                continue
            at = _find_header(raw, table)
            if at is None:
                problems.append(_no_header(f.name, table))
                tables[table] = RawTable(table, f.name, pd.DataFrame())
                continue
            rt = _canonical(table, raw, f.name, at, record_fields=None if shape is None else shape.fields,
                            record_lines=None if shape is None else shape.lines)
            rt.longest_cell = _cell_bound(f)
            problems += rt.problems
            tables[table] = rt
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        tables, problems = _read_workbook(path)
    elif not path.exists():
        raise FileNotFoundError(f"no ledger at {path}")
    elif path.suffix.lower() == ".xls":
        problems.append(_problem(path.name, problem="an .xls workbook (Excel 97–2003): save it as .xlsx to read it"))
    else:
        problems.append(_problem(path.name, problem="a ledger is a folder of CSV files or one .xlsx workbook"))
    if not any(t in NODE_TABLES for t in tables) and not any(p["severity"] == "error" for p in problems):
        problems.append(_problem(path.name, problem=(
            "no node table found (communities, grids, party_orgs …): nothing to read"),
            suggestion="name files or sheets as tables (社区, 网格, 党组织 …: docs/ledger.md); a ledger needs at least one"))
    return tables, problems
