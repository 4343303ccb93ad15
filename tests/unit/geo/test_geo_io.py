"""GIS files in and out: a GCJ-02 GeoJSON onto the qixia sample, metric areas, round trips, bad files."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

import orggraph as og
from orggraph.errors import LedgerError, QueryNotSupportedError
from orggraph.geo import CRSMismatch, china

W, H = 200.0, 300.0  # metres: every test rectangle is 60,000 m²


def _rectangle(lon: float, lat: float, w: float = W, h: float = H) -> np.ndarray:
    """Corners (lon, lat, WGS 84) of a w × h metre rectangle centred at lon, lat, drawn in a local plane."""
    local = f"+proj=tmerc +lat_0={lat} +lon_0={lon} +ellps=WGS84 +units=m"
    t = Transformer.from_crs(local, "EPSG:4326", always_xy=True)
    x = np.array([-w / 2, w / 2, w / 2, -w / 2, -w / 2])
    y = np.array([-h / 2, -h / 2, h / 2, h / 2, -h / 2])
    return np.column_stack(t.transform(x, y))


def _geojson(path, features) -> None:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props, "geometry": geom} for props, geom in features]}), encoding="utf-8")


@pytest.fixture
def qixia_gcj(tmp_path):
    """The qixia sample and a GCJ-02 GeoJSON: a 200 × 300 m rectangle per grid (one grid left out, one unknown id)."""
    g = og.load_sample("qixia").at("2020-06-30")
    grids = g.to_geodataframe("Grid")
    wgs, features = {}, []
    for gid, geom in zip(grids["id"], grids.geometry):
        if gid == "qx-g05-3":
            continue  # left out: must come back as a node without a polygon
        c = geom.centroid
        corners = _rectangle(c.x, c.y)
        wgs[gid] = corners
        glon, glat = china.wgs84_to_gcj02(corners[:, 0], corners[:, 1])
        features.append(({"id": gid, "名称": "x"}, {"type": "Polygon", "coordinates": [np.column_stack([glon, glat]).tolist()]}))
    features.append(({"id": "qx-g99-9"}, {"type": "Polygon", "coordinates": [_rectangle(120.7, 37.3).tolist()]}))
    path = tmp_path / "grids_gcj02.geojson"
    _geojson(path, features)
    return g, path, wgs


def test_a_gcj02_geojson_is_read_onto_the_qixia_sample(qixia_gcj):
    g, path, wgs = qixia_gcj
    result = g.read_boundaries(path, kind="Grid", from_crs="gcj02")
    assert result.matched == 96 and result.crs == "EPSG:4490"
    assert result.unmatched[["row", "key"]].values.tolist() == [[97, "qx-g99-9"]]
    assert "no Grid with this id" in result.unmatched["reason"].iloc[0]
    # the left-out grid keeps its old polygon; none is without one
    assert result.missing.empty
    grids = g.to_geodataframe("Grid").set_index("id")
    # the GCJ-02 offset is undone: the vertices are the WGS 84 (≈ CGCS2000) rectangles, to storage precision
    for gid in ("qx-g01-1", "qx-g12-8"):
        got = np.asarray(grids.loc[gid, "geometry"].exterior.coords)
        assert np.abs(got - wgs[gid]).max() < 1e-7
    # areas in m², in CGCS2000's Gauss-Krüger zone 40 (central meridian 120°E, EPSG:4549): 200 m × 300 m
    assert og.geo.metric_crs("EPSG:4490", grids.total_bounds) == "EPSG:4549"
    read = grids.drop(index="qx-g05-3")
    np.testing.assert_allclose(read["area_m2"], W * H, rtol=5e-4)
    # in degrees the same rectangles would be about 6e-6 "square degrees": never what area_m2 says
    assert shapely.area(read.geometry.to_numpy()).max() < 1e-5


def test_missing_lists_nodes_without_a_polygon(qixia_gcj):
    g, path, _ = qixia_gcj
    store = g.store
    frame = store.node_frame("Grid").copy()
    frame["geometry"] = None
    frame["crs"] = None
    store.replace_nodes("Grid", frame, rows=np.arange(len(frame)))
    result = g.read_boundaries(path, from_crs="gcj02")
    assert result.missing["id"].tolist() == ["qx-g05-3"]


def test_without_from_crs_the_gcj02_offset_stays(qixia_gcj):
    g, path, wgs = qixia_gcj
    g.read_boundaries(path)  # the file claims WGS 84: the coordinates are taken as they are
    got = np.asarray(g.to_geodataframe("Grid").set_index("id").loc["qx-g01-1", "geometry"].exterior.coords)
    shift = np.abs(got - wgs["qx-g01-1"]).max()
    assert 1e-3 < shift < 1e-2  # the GCJ-02 offset near 栖霞: some hundreds of metres


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".shp"])
def test_write_and_read_back(tmp_path, suffix):
    g = og.load_sample("jiaohe")
    path = g.write_boundaries(tmp_path / f"grids{suffix}", "Grid")
    before = g.to_geodataframe("Grid").set_index("id")
    h = og.load_sample("jiaohe")
    store = h.store
    frame = store.node_frame("Grid").copy()
    frame["geometry"], frame["crs"] = None, None
    store.replace_nodes("Grid", frame, rows=np.arange(len(frame)))
    result = h.read_boundaries(path, "Grid")
    assert result.matched == len(before) and result.unmatched.empty and result.missing.empty
    after = h.to_geodataframe("Grid").set_index("id")
    assert str(after.crs) == "EPSG:4490"
    for gid in before.index:
        assert shapely.hausdorff_distance(before.loc[gid, "geometry"], after.loc[gid, "geometry"]) < 1e-6
    np.testing.assert_allclose(after["area_m2"], before["area_m2"], rtol=1e-6)


def test_shapefile_field_names_are_shortened(tmp_path):
    g = og.load_sample("jiaohe")
    import pyogrio

    path = g.write_boundaries(tmp_path / "areas.shp", "Area")
    cols = pyogrio.read_info(path)["fields"].tolist()
    assert "reg_pop" in cols and "parent_id" in cols and all(len(c) <= 10 for c in cols)


def test_match_by_name_within_a_parent(tmp_path):
    g = og.load_sample("qixia").at("2020-06-30")
    poly = _rectangle(120.75, 37.33)
    _geojson(tmp_path / "byname.geojson", [
        ({"网格": "霞光社区第1网格", "社区": "霞光社区"}, {"type": "Polygon", "coordinates": [poly.tolist()]}),
        ({"网格": "霞光社区第2网格", "社区": "qx-c01"}, {"type": "Polygon", "coordinates": [poly.tolist()]}),
        ({"网格": "霞光社区第1网格", "社区": "迎宾社区"}, {"type": "Polygon", "coordinates": [poly.tolist()]}),
    ])
    r = g.read_boundaries(tmp_path / "byname.geojson", name_column="网格", parent_column="社区")
    assert r.matched == 2
    assert r.unmatched["row"].tolist() == [3] and "no Grid of this name in 迎宾社区" in r.unmatched["reason"].iloc[0]
    got = g.to_geodataframe("Grid").set_index("id")
    np.testing.assert_allclose(got.loc[["qx-g01-1", "qx-g01-2"], "area_m2"], W * H, rtol=5e-4)


def _unchanged(g, before) -> bool:
    return g.nodes("Grid")["geometry"].equals(before)


def test_a_point_is_refused_naming_the_row(tmp_path):
    g = og.load_sample("qixia").at("2020-06-30")
    before = g.nodes("Grid")["geometry"]
    _geojson(tmp_path / "bad.geojson", [
        ({"id": "qx-g01-1"}, {"type": "Polygon", "coordinates": [_rectangle(120.75, 37.33).tolist()]}),
        ({"id": "qx-g01-2"}, {"type": "Point", "coordinates": [120.75, 37.33]}),
    ])
    with pytest.raises(LedgerError) as err:
        g.read_boundaries(tmp_path / "bad.geojson")
    assert "bad.geojson, row 2, column geometry: 'Point' is not a polygon" in str(err.value)
    assert _unchanged(g, before)


def test_bad_files_name_file_and_column(tmp_path):
    g = og.load_sample("qixia").at("2020-06-30")
    before = g.nodes("Grid")["geometry"]
    poly = {"type": "Polygon", "coordinates": [_rectangle(120.75, 37.33).tolist()]}
    _geojson(tmp_path / "noid.geojson", [({"code": "qx-g01-1"}, poly)])
    with pytest.raises(LedgerError, match=r"noid.geojson, column id: no such column"):
        g.read_boundaries(tmp_path / "noid.geojson")
    _geojson(tmp_path / "dup.geojson", [({"id": "qx-g01-1"}, poly), ({"id": "qx-g01-1"}, poly)])
    with pytest.raises(LedgerError, match=r"dup.geojson, row 2, column id: 'qx-g01-1' gives Grid 'qx-g01-1' a second polygon"):
        g.read_boundaries(tmp_path / "dup.geojson")
    (tmp_path / "junk.gpkg").write_bytes(b"not a geopackage")
    with pytest.raises(LedgerError, match="cannot be read as a GIS file"):
        g.read_boundaries(tmp_path / "junk.gpkg")
    assert _unchanged(g, before)


def test_a_shapefile_without_prj_needs_from_crs(tmp_path):
    g = og.load_sample("jiaohe")
    path = g.write_boundaries(tmp_path / "grids.shp", "Grid")
    path.with_suffix(".prj").unlink()
    with pytest.raises(LedgerError, match="has no coordinate system"):
        g.read_boundaries(path)
    assert g.read_boundaries(path, from_crs="EPSG:4490").matched == 30


def test_a_second_crs_is_refused(tmp_path):
    g = og.load_sample("jiaohe")
    path = g.write_boundaries(tmp_path / "grids.geojson", "Grid")
    with pytest.raises(CRSMismatch, match="EPSG:4490"):
        g.read_boundaries(path, crs="EPSG:4326")


def test_a_graph_without_geometry_takes_the_files_crs(tmp_path):
    g = og.OrgGraph()
    g.add_node("Community", "c1", name="甲社区")
    g.add_node("Grid", "g1", name="第1网格", community_id="c1")
    _geojson(tmp_path / "g.geojson", [({"id": "g1"}, {"type": "Polygon", "coordinates": [_rectangle(117.0, 36.0).tolist()]})])
    assert g.read_boundaries(tmp_path / "g.geojson").crs == "EPSG:4326"
    gdf = g.to_geodataframe("Grid")
    assert str(gdf.crs) == "EPSG:4326" and abs(gdf["area_m2"].iloc[0] - W * H) < 0.01 * W * H
    # GeoJSON in, CGCS2000 stored when asked
    h = og.OrgGraph()
    h.add_node("Community", "c1", name="甲社区")
    h.add_node("Grid", "g1", name="第1网格", community_id="c1")
    assert h.read_boundaries(tmp_path / "g.geojson", crs="EPSG:4490").crs == "EPSG:4490"
    assert h.nodes("Grid")["crs"].tolist() == ["EPSG:4490"]


def test_mixed_crs_in_a_graph_is_an_error():
    g = og.OrgGraph()
    g.add_node("Community", "c1", name="甲社区", geometry="POLYGON((0 0,1 0,1 1,0 0))", crs="EPSG:4490")
    g.add_node("Grid", "g1", name="第1网格", community_id="c1", geometry="POLYGON((0 0,1 0,1 1,0 0))", crs="EPSG:4326")
    with pytest.raises(CRSMismatch, match="several coordinate systems"):
        og.geo.graph_crs(g)


def test_the_crs_survives_the_ledger(tmp_path):
    g = og.load_sample("jiaohe")
    h = og.read_ledger(g.write_ledger(tmp_path / "ledger"))
    assert og.geo.graph_crs(h) == "EPSG:4490"
    pd.testing.assert_series_equal(h.to_geodataframe("Grid")["area_m2"], g.to_geodataframe("Grid")["area_m2"])


def test_kinds_without_geometry_are_refused():
    with pytest.raises(ValueError, match="boundaries are kept on Community, Grid, Area"):
        og.load_sample("jiaohe").to_geodataframe("Cadre")


def test_reading_needs_the_in_memory_graph(tmp_path):
    class _Other:
        name = "other"

    g = og.OrgGraph.__new__(og.OrgGraph)
    g.backend = _Other()
    with pytest.raises(QueryNotSupportedError):
        g.read_boundaries(tmp_path / "x.geojson")
