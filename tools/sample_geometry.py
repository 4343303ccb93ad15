"""Plausible generated polygons for the bundled samples (栖霞 qixia, 胶河 jiaohe), in CGCS2000 (EPSG:4490).

Called by ``tools/build_samples.py`` after it writes a sample; also runnable on
its own (``python tools/sample_geometry.py``) to redo the geometry of the
samples on disk. It reads the sample's CSV files, draws polygons in a local
transverse Mercator plane (metres) centred on the real place, converts them to
EPSG:4490 with pyproj and writes ``geometry`` (WKT) and ``crs`` columns into
``communities.csv``, ``grids.csv`` and ``areas.csv``; every other cell is left
as it was, byte for byte.

The drawing follows the ledger:

* communities are rectangles on a lattice (in "snake" order, so consecutive
  communities are neighbours) separated by a street-wide gap;
* each community's grids tile its rectangle (a lattice, snake order);
* a compound or natural village recorded in a grid is a strip of that grid
  (width ∝ households), inset a few metres; a large compound recorded in the
  community and overlaid by grids (``compound_area``) is the union of those
  grids' cells, inset;
* the boundary zones (交界区域) lie where the ledger puts them: an unassigned
  one (治理真空带, held by the street only) in the gap between its two
  neighbouring communities, inside neither; a contested one (recorded under two
  communities) across their common border, cut out of both communities' grids
  (no grid covers it, as the ledger says); one governed by a grid inside that
  grid, at the side facing the other community.

Buildings (楼栋) get no polygon. Deterministic: no randomness at all.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import shapely
from pyproj import Transformer
from shapely.geometry import box
from shapely.ops import nearest_points

from sample_history import _read, _write  # the samples' CSV reading and writing, once (tools/ is on sys.path)

CRS = "EPSG:4490"

#: sample → (longitude, latitude of the centre, grid cell side in metres, gap between communities in metres)
PLACES = {
    "qixia": (120.75, 37.33, 260.0, 120.0),   # 栖霞市 city centre, urban grids of ~300 households
    "jiaohe": (119.70, 36.30, 900.0, 300.0),  # 胶河经济区 (高密), rural grids of villages
}

INSET = 6.0  # metres between a compound and its grid's edge
ZONE = 150.0  # metres: the length of a boundary zone along the border
DECIMALS = 7  # about 1 cm in degrees


def _lattice(n: int, width: float, height: float, x0: float, y0: float) -> list:
    """``n`` cells tiling the rectangle, in snake order (row by row, alternating direction), top row first."""
    cols = max(1, math.ceil(math.sqrt(n)))
    rows = math.ceil(n / cols)
    cells = []
    h = height / rows
    for r in range(rows):
        k = min(cols, n - r * cols)
        w = width / k
        top = y0 + height - r * h
        row = [box(x0 + c * w, top - h, x0 + (c + 1) * w, top) for c in range(k)]
        cells += row if r % 2 == 0 else row[::-1]
    return cells


def _strips(poly, weights: list[float]) -> list:
    """Vertical strips of ``poly`` with widths ∝ ``weights``, each inset by :data:`INSET`."""
    x0, y0, x1, y1 = poly.bounds
    total = sum(weights) or 1.0
    out, x = [], x0
    for w in weights:
        nx = x + (x1 - x0) * w / total
        piece = poly.intersection(box(x, y0, nx, y1))
        inset = piece.buffer(-INSET, join_style="mitre")
        out.append(inset if not inset.is_empty else piece)
        x = nx
    return out


def _zone_box(a, b, mode: str, cell: float):
    """A boundary zone between community rectangles ``a`` and ``b``: in the gap, or across it.

    Centred on the gap between the two rectangles, halfway along the stretch
    of border they face each other on.
    """
    ax0, ay0, ax1, ay1 = a.bounds
    bx0, by0, bx1, by1 = b.bounds
    side_by_side = ax1 <= bx0 or bx1 <= ax0
    if side_by_side:
        lo, hi = sorted([(ax1, bx0), (bx1, ax0)], key=lambda t: t[1] - t[0])[-1]
        mx, d = (lo + hi) / 2.0, hi - lo
        my = (max(ay0, by0) + min(ay1, by1)) / 2.0
    else:
        lo, hi = sorted([(ay1, by0), (by1, ay0)], key=lambda t: t[1] - t[0])[-1]
        my, d = (lo + hi) / 2.0, hi - lo
        mx = (max(ax0, bx0) + min(ax1, bx1)) / 2.0
    across = d / 2.0 * 0.6 if mode == "unassigned" else d / 2.0 + min(80.0, cell / 3.0)
    along = ZONE / 2.0
    if side_by_side:  # the gap runs north-south
        return box(mx - across, my - along, mx + across, my + along)
    return box(mx - along, my - across, mx + along, my + across)


def draw(folder: Path, lon: float, lat: float, cell: float, gap: float) -> dict[str, dict[str, object]]:
    """Polygons (shapely, local metres) per table and id for the sample in ``folder``."""
    _, comms = _read(folder / "communities.csv")
    _, grids = _read(folder / "grids.csv")
    _, areas = _read(folder / "areas.csv")
    _, contains = _read(folder / "contains.csv")
    _, adjacency = _read(folder / "adjacency.csv")
    kind = {r["id"]: "Community" for r in comms} | {r["id"]: "Grid" for r in grids} | {r["id"]: "Area" for r in areas}
    grids_of: dict[str, list[dict]] = {}
    for r in grids:
        grids_of.setdefault(r["community_id"], []).append(r)
    # community rectangles on a snake lattice
    n = len(comms)
    cols = max(1, math.ceil(math.sqrt(n)))
    size = {}
    for c in comms:
        k = max(1, len(grids_of.get(c["id"], [])))
        gc = max(1, math.ceil(math.sqrt(k)))
        size[c["id"]] = (gc * cell, math.ceil(k / gc) * cell)
    pitch_x = max(w for w, _ in size.values()) + gap
    pitch_y = max(h for _, h in size.values()) + gap
    rows = math.ceil(n / cols)
    comm_poly = {}
    for i, c in enumerate(comms):
        r, k = divmod(i, cols)
        if r % 2:
            k = cols - 1 - k
        w, h = size[c["id"]]
        x0 = k * pitch_x - (cols * pitch_x) / 2.0
        y0 = (rows - 1 - r) * pitch_y - (rows * pitch_y) / 2.0
        comm_poly[c["id"]] = box(x0, y0, x0 + w, y0 + h)
    cells = {}
    for cid, gs in grids_of.items():
        x0, y0, x1, y1 = comm_poly[cid].bounds
        for g, cellpoly in zip(gs, _lattice(len(gs), x1 - x0, y1 - y0, x0, y0)):
            cells[g["id"]] = cellpoly
    # boundary zones
    extra_parents: dict[str, list[str]] = {}
    for e in contains:
        extra_parents.setdefault(e["child_id"], []).append(e["parent_id"])
    neighbours: dict[str, list[str]] = {}
    for e in adjacency:
        for x, y in ((e["a_id"], e["b_id"]), (e["b_id"], e["a_id"])):
            if kind.get(y) == "Community":
                neighbours.setdefault(x, []).append(y)
    zones, cut_from_grids = {}, []
    grid_comm = {g["id"]: g["community_id"] for g in grids}
    for a in areas:
        if a["kind"] != "boundary_zone":
            continue
        parent = a["parent_id"]
        claim = [p for p in [parent, *extra_parents.get(a["id"], [])] if kind.get(p) == "Community"]
        near = neighbours.get(a["id"], [])
        if kind.get(parent) == "Grid":  # governed by a grid: inside it, on the side facing the other community
            home = grid_comm[parent]
            other = next((c for c in near if c != home), None)
            cellpoly = cells[parent]
            p = nearest_points(cellpoly, comm_poly[other])[0] if other else cellpoly.centroid
            side = min(ZONE, cell / 3.0)
            zones[a["id"]] = box(p.x - side, p.y - side, p.x + side, p.y + side).intersection(cellpoly).buffer(
                -INSET, join_style="mitre")
            continue
        pair = claim if len(claim) == 2 else (near[:2] if len(near) >= 2 else None)
        if pair is None:
            continue
        mode = "contested" if len(claim) == 2 else ("unassigned" if not claim else "governed")
        z = _zone_box(comm_poly[pair[0]], comm_poly[pair[1]], "unassigned" if mode == "unassigned" else "contested", cell)
        if mode == "governed":  # governed by a community only: its own half
            z = z.intersection(comm_poly[claim[0]])
        zones[a["id"]] = z
        if mode != "unassigned":
            cut_from_grids.append(z)
    holes = shapely.union_all(cut_from_grids) if cut_from_grids else None
    grid_poly = {gid: (c.difference(holes) if holes is not None else c) for gid, c in cells.items()}
    # compounds and villages
    area_poly = dict(zones)
    children: dict[str, list[dict]] = {}
    for a in areas:
        children.setdefault(a["parent_id"], []).append(a)
    for gid, poly in grid_poly.items():
        kids = [a for a in children.get(gid, []) if a["kind"] in ("compound", "village")]
        if not kids:
            continue
        free = poly
        for z in (area_poly[a["id"]] for a in children.get(gid, []) if a["id"] in zones):
            free = free.difference(z.buffer(INSET))
        for a, strip in zip(kids, _strips(free, [float(a["households"] or 1) for a in kids])):
            area_poly[a["id"]] = strip
    overlay: dict[str, list[str]] = {}
    for g in grids:
        if g.get("compound_area"):
            overlay.setdefault(g["compound_area"], []).append(g["id"])
    for aid, gids in overlay.items():
        whole = shapely.union_all([grid_poly[g] for g in gids])
        area_poly[aid] = whole.buffer(-INSET, join_style="mitre")
    return {"communities": comm_poly, "grids": grid_poly, "areas": area_poly}


def _to_wkt(polys: dict, lon: float, lat: float) -> dict[str, str]:
    local = f"+proj=tmerc +lat_0={lat} +lon_0={lon} +k=1 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
    t = Transformer.from_crs(local, CRS, always_xy=True)
    ids = list(polys)
    geoms = shapely.transform(list(polys.values()), lambda xy: __import__("numpy").column_stack(t.transform(xy[:, 0], xy[:, 1])))
    return dict(zip(ids, shapely.to_wkt(geoms, rounding_precision=DECIMALS, trim=True)))


def add_geometry(folder: Path, sample: str) -> None:
    """Write ``geometry`` and ``crs`` columns into the sample at ``folder`` (see the module notes)."""
    lon, lat, cell, gap = PLACES[sample]
    polys = draw(folder, lon, lat, cell, gap)
    for table, by_id in polys.items():
        wkt = _to_wkt(by_id, lon, lat)
        header, rows = _read(folder / f"{table}.csv")
        for col in ("geometry", "crs"):
            if col not in header:
                header.append(col)
        for r in rows:
            r["geometry"] = wkt.get(r["id"], "")
            r["crs"] = CRS if r["id"] in wkt else ""
        _write(folder / f"{table}.csv", header, rows)


def main() -> int:
    root = Path(__file__).resolve().parents[1] / "data" / "samples"
    for name in PLACES:
        add_geometry(root / name, name)
        print(f"{name}: geometry written", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
