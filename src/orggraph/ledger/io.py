"""Finding and reading the raw tables of a ledger (台账): CSV folders and .xlsx workbooks.

Raw tables are read as text (every cell a string or missing), with the header
mapped to canonical column names; typing and validation happen in
:mod:`orggraph.ledger.validate`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..schema import EDGE_TABLES, NODE_TABLES

__all__ = ["RawTable", "read_raw_tables", "TABLE_ALIASES", "ENCODINGS"]

#: Chinese names accepted for table files and sheets
TABLE_ALIASES = {
    "districts": ("区县", "区", "县"),
    "streets": ("街道", "乡镇"),
    "communities": ("社区",),
    "grids": ("网格",),
    "areas": ("区域", "小区", "小区楼栋"),
    "party_orgs": ("党组织",),
    "units": ("单位", "组织"),
    "cadres": ("人员", "干部"),
    "posts": ("任职", "职务"),
    "contains": ("包含", "隶属区域"),
    "subordination": ("隶属",),
    "covers": ("覆盖", "服务范围"),
    "reports": ("双报到", "报到"),
    "liaisons": ("挂点联系", "联系"),
    "adjacency": ("相邻",),
    "memberships": ("党员组织关系", "党员"),
    "responsibilities": ("党员联系户", "党员责任区", "联系户"),
}

#: encodings tried in order when reading a CSV file (what Chinese Excel writes comes last)
ENCODINGS = ("utf-8-sig", "gb18030")

#: cells larger than this are refused rather than loaded
MAX_CELL_CHARS = 1_000_000
#: header lines longer than this (in bytes) are refused
MAX_HEADER_CHARS = 1_000_000
#: any other line longer than this (in bytes) is refused before parsing
MAX_LINE_BYTES = 16_000_000


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


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().lower()


def _table_for(stem: str) -> str | None:
    key = _fold(stem)
    for table, aliases in TABLE_ALIASES.items():
        if key == table or key in (_fold(a) for a in aliases):
            return table
    return None


def _columns_of(table: str):
    if table in NODE_TABLES:
        spec = NODE_TABLES[table]
        return [(a.name, a.aliases) for a in spec.attrs] + [(r.column, r.aliases) for r in spec.refs]
    spec = EDGE_TABLES[table]
    return [(a.name, a.aliases) for a in (spec.source, spec.target, *spec.attrs)]


def _header_map(table: str) -> dict[str, str]:
    out = {}
    for name, aliases in _columns_of(table):
        for spelling in (name, *aliases):
            out.setdefault(_fold(spelling), name)
    return out


def _find_header(frame: pd.DataFrame, table: str) -> int:
    """Index of the header row: the first row (of the first five) naming a known column.

    A title row or merged-cell artefact above the header is common in exported
    spreadsheets.
    """
    known = _header_map(table)
    for i in range(min(5, len(frame))):
        cells = [_fold(v) for v in frame.iloc[i].tolist() if isinstance(v, str)]
        if sum(c in known for c in cells) >= 1 and ("id" in {known.get(c) for c in cells} or sum(c in known for c in cells) >= 2):
            return i
    return 0


def _canonical(table: str, raw: pd.DataFrame, file: str, header_row: int) -> RawTable:
    """Turn a frame whose row ``header_row`` is the header into a RawTable with canonical columns."""
    header = [("" if (v is None or v != v) else str(v)) for v in raw.iloc[header_row].tolist()]
    body = raw.iloc[header_row + 1 :].reset_index(drop=True)
    body.columns = range(body.shape[1])
    known = _header_map(table)
    problems: list[dict] = []
    cols, renamed, keep = [], {}, []
    for pos, h in enumerate(header):
        folded = _fold(h)
        if not folded:
            if body[pos].notna().any():
                problems.append(dict(file=file, table=table, row=header_row + 1, column=f"#{pos + 1}", value="",
                                     problem="a column with values has no header"))
            continue
        name = known.get(folded, h.strip())
        if name in cols:
            problems.append(dict(file=file, table=table, row=header_row + 1, column=h, value=h,
                                 problem=f"column {name!r} appears twice in the header"))
            continue
        cols.append(name)
        keep.append(pos)
        if name != h:
            renamed[name] = h
    frame = body[keep]
    frame.columns = cols
    # blank rows (every cell empty) are spreadsheet artefacts, not records
    blank = _blank_rows(frame)
    first_row = header_row + 2
    rows = pd.Series(range(len(frame)), dtype="int64") + first_row
    if blank.any():
        frame = frame[~blank]
        rows = rows[~blank].reset_index(drop=True)
    return RawTable(table, file, frame.reset_index(drop=True), first_row, renamed, problems, rows)


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


def _read_csv(path: Path) -> tuple[pd.DataFrame | None, list[dict]]:
    """Read a CSV file as text, trying the encodings in :data:`ENCODINGS`."""
    too_long = _overlong_line(path)
    if too_long is not None:
        line, limit = too_long
        what = "the header line" if line == 1 else f"line {line}"
        return None, [dict(file=path.name, row=line, column="", value="",
                           problem=f"{what} is longer than {limit:,} bytes: refused (not a ledger table)")]
    last_error = None
    for enc in ENCODINGS:
        try:
            frame = pd.read_csv(path, dtype=str, header=None, encoding=enc, keep_default_na=False,
                                na_values=[""], skip_blank_lines=False, engine="c")
            return frame, []
        except UnicodeDecodeError as exc:
            last_error = exc
        except pd.errors.ParserError as exc:
            return None, [dict(file=path.name, row=None, column="", value="", problem=f"not a readable CSV file: {exc}")]
        except pd.errors.EmptyDataError:
            return pd.DataFrame(), []
    return None, [dict(file=path.name, row=None, column="", value="",
                       problem=f"cannot decode as UTF-8 or GB18030 ({last_error.reason if last_error else ''})")]


def read_raw_tables(path: str | Path) -> tuple[dict[str, RawTable], list[dict]]:
    """Read every table of the ledger at ``path`` (folder of CSV files or .xlsx workbook).

    Returns the tables by canonical name and the problems met while reading.
    """
    path = Path(path)
    tables: dict[str, RawTable] = {}
    problems: list[dict] = []
    if path.is_dir():
        sources = []
        for f in sorted(path.iterdir()):
            if f.suffix.lower() != ".csv" or not f.is_file():
                continue
            table = _table_for(f.stem)
            if table is None:
                continue
            sources.append((table, f))
        for table, f in sources:
            raw, probs = _read_csv(f)
            problems += [dict(table=table, **p) for p in probs]
            if raw is None:
                continue
            if table in tables:
                problems.append(dict(file=f.name, table=table, row=None, column="", value="",
                                     problem=f"a second file for table {table!r} ({tables[table].file})"))
                continue
            if raw.empty:
                tables[table] = RawTable(table, f.name, pd.DataFrame())
                continue
            rt = _canonical(table, raw, f.name, _find_header(raw, table))
            rt.longest_cell = _cell_bound(f)
            problems += rt.problems
            tables[table] = rt
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("reading .xlsx ledgers needs openpyxl: pip install 'orggraph[excel]'") from exc
        for sheet, raw in sheets.items():
            table = _table_for(sheet)
            if table is None:
                continue
            fname = f"{path.name}[{sheet}]"
            if raw.empty:
                tables[table] = RawTable(table, fname, pd.DataFrame())
                continue
            raw = raw.astype(object).where(raw.notna(), None)
            rt = _canonical(table, raw, fname, _find_header(raw, table))
            problems += rt.problems
            tables[table] = rt
    elif not path.exists():
        raise FileNotFoundError(f"no ledger at {path}")
    else:
        problems.append(dict(file=path.name, table="", row=None, column="", value="",
                             problem="a ledger is a folder of CSV files or one .xlsx workbook"))
    return tables, problems
