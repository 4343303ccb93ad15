"""Maps and boundaries (地图与边界): GIS files in and out, coordinate systems, coverage on the ground.

Needs the ``geo`` extra (``pip install 'orggraph[geo]'``: GeoPandas, pyogrio,
pyproj, shapely, mapclassify). See ``docs/maps.md``.

=============================  =========================================================
:func:`read_boundaries`        polygons of a GeoJSON / Shapefile / GeoPackage onto nodes
:func:`write_boundaries`       the polygons of one node kind to a GIS file
:func:`to_geodataframe`        the nodes of one kind as a GeoDataFrame (with ``area_m2``)
:func:`spatial_coverage`       uncovered compounds, overlapping grids, areas outside their community
:func:`graph_crs`              the graph's coordinate system (``EPSG:4490`` …)
:func:`metric_crs`             the metric CRS areas are computed in
:func:`population_rollup`      population from areas to grids to communities (常住/户籍人口)
:mod:`orggraph.geo.china`      GCJ-02 / BD-09 ↔ WGS 84
=============================  =========================================================
"""

from __future__ import annotations

from .coverage import CHECKS, COVERAGE_COLUMNS, spatial_coverage
from .crs import CGCS2000, CRSMismatch, graph_crs, metric_crs
from .io import BoundaryRead, read_boundaries, to_geodataframe, write_boundaries
from .population import population_rollup

__all__ = ["read_boundaries", "write_boundaries", "to_geodataframe", "spatial_coverage", "graph_crs",
           "metric_crs", "population_rollup", "BoundaryRead", "CRSMismatch", "CGCS2000", "CHECKS", "COVERAGE_COLUMNS"]
