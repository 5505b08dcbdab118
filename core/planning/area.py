"""The area of interest: a polygon made valid once, per-cell classification and pixel masks.

Both answers come from the area's edges with numpy, no OGR predicate per tile or pixel: a cell the boundary
crosses is ``BOUNDARY``, any other cell's centre decides; a pixel is in the area when its centre is (holes
excluded). ``selection.classify_tiles`` prunes whole blocks with OGR first and asks these for the rest.
"""

from __future__ import annotations

import enum

import numpy as np
from osgeo import ogr

from ..errors import SelectionError
from ..gdalcalls import attempt, checked, osgeo_calls
from ..scheme import Extent


class TileClass(enum.IntEnum):
    """Where a tile lies against the area; the values are the codes in ``selection.BundleSelection.codes``."""

    OUTSIDE = 0
    INSIDE = 1
    BOUNDARY = 2


class AreaOfInterest:
    """A (Multi)Polygon in the cache's CRS, made valid once; pickles as its WKB.

    Build it once per level plan or work unit: the OGR geometry and the edge arrays the pixel masks use
    are kept on the object.
    """

    def __init__(self, wkb: bytes, where: str = "area of interest"):
        self.where = where
        with osgeo_calls():
            self.geometry = _polygonal_geometry(bytes(wkb), where)
            self.wkb = bytes(self.geometry.ExportToWkb(ogr.wkbNDR))
            xmin, xmax, ymin, ymax = self.geometry.GetEnvelope()
        self.envelope = Extent(xmin, ymin, xmax, ymax)
        self._edges: tuple[np.ndarray, ...] | None = None

    def __reduce__(self):
        return AreaOfInterest, (self.wkb, self.where)

    @property
    def edges(self):
        """(x0, y0, x1, y1) float64 arrays of every ring segment (shells and holes alike)."""
        if self._edges is None:
            segments = []
            for polygon in _parts(self.geometry):
                for i in range(polygon.GetGeometryCount()):
                    points = np.array(polygon.GetGeometryRef(i).GetPoints(), dtype=np.float64)[:, :2]
                    if len(points) >= 2:
                        segments.append(np.hstack([points[:-1], points[1:]]))
            table = np.vstack(segments) if segments else np.zeros((0, 4))
            self._edges = tuple(np.ascontiguousarray(table[:, i]) for i in range(4))
        return self._edges


def _polygonal_geometry(wkb, where):
    if not wkb:
        raise SelectionError(f"{where}: not a WKB geometry: no bytes")
    geometry = checked(SelectionError, f"{where}: not a WKB geometry", ogr.CreateGeometryFromWkb, wkb)
    kind = ogr.GeometryTypeToName(geometry.GetGeometryType())
    geometry.FlattenTo2D()
    if geometry.GetGeometryType() not in (ogr.wkbPolygon, ogr.wkbMultiPolygon):
        geometry = attempt(geometry.GetLinearGeometry)
        polygons = polygonal_part(geometry) if geometry is not None else None
        if polygons is None or polygons.IsEmpty():
            raise SelectionError(f"{where}: expected a Polygon or MultiPolygon, got {kind}")
        geometry = polygons
    if geometry.IsEmpty():
        raise SelectionError(f"{where}: the polygon is empty")
    if not geometry.IsValid():
        # STRUCTURE (GEOS >= 3.10) unions overlapping parts and keeps holes as holes.
        repaired = attempt(geometry.MakeValid, ["METHOD=STRUCTURE"]) or attempt(geometry.Buffer, 0)
        geometry = polygonal_part(repaired) if repaired is not None else None
        if geometry is None or geometry.IsEmpty():
            raise SelectionError(f"{where}: the polygon is invalid and cannot be repaired")
    return geometry


def _parts(geometry):
    if geometry.GetGeometryType() == ogr.wkbPolygon:
        return [geometry]
    return [geometry.GetGeometryRef(i) for i in range(geometry.GetGeometryCount())]


def polygonal_part(geometry):
    """The polygons of any geometry as a Polygon/MultiPolygon (None when there are none)."""
    kind = ogr.GT_Flatten(geometry.GetGeometryType())
    if kind in (ogr.wkbPolygon, ogr.wkbMultiPolygon):
        return geometry
    if kind != ogr.wkbGeometryCollection:
        return None
    polygons = ogr.Geometry(ogr.wkbMultiPolygon)
    for i in range(geometry.GetGeometryCount()):
        part = polygonal_part(geometry.GetGeometryRef(i))
        for polygon in _parts(part) if part is not None else ():
            if not polygon.IsEmpty():
                polygons.AddGeometry(polygon)
    if polygons.GetGeometryCount() == 1:
        return polygons.GetGeometryRef(0).Clone()
    return polygons if polygons.GetGeometryCount() else None


# ---------------------------------------------------------------------------------------------- pixels

def classify_cells(aoi: AreaOfInterest, bounds, rows: int, cols: int) -> np.ndarray:
    """TileClass codes (rows, cols) of a grid of cells (tiles) over bounds, without OGR predicates.

    A cell the area's boundary passes through is BOUNDARY (also when the boundary only runs along its
    edge: harmless, its pixel mask settles it); any other cell lies wholly on one side, so its centre
    decides INSIDE or OUTSIDE.
    """
    codes = pixel_mask(aoi, bounds, cols, rows).astype(np.uint8)
    codes[_crossed_cells(aoi.edges, bounds, rows, cols)] = TileClass.BOUNDARY
    return codes


def _crossed_cells(edges, bounds, rows, cols):
    """Bool (rows, cols): cells holding part of an edge. Each edge is cut at every grid line it crosses;
    the midpoint of each piece names its cell."""
    x0, y0, x1, y1 = edges
    xmin, ymin, xmax, ymax = bounds
    near = np.nonzero((np.maximum(x0, x1) >= xmin) & (np.minimum(x0, x1) <= xmax)
                      & (np.maximum(y0, y1) >= ymin) & (np.minimum(y0, y1) <= ymax))[0]
    crossed = np.zeros((rows, cols), dtype=bool)
    if near.size == 0:
        return crossed
    width, height = (xmax - xmin) / cols, (ymax - ymin) / rows
    u0, u1 = (x0[near] - xmin) / width, (x1[near] - xmin) / width
    v0, v1 = (ymax - y0[near]) / height, (ymax - y1[near]) / height
    segments = np.arange(near.size)
    cuts_seg, cuts_t = [segments, segments], [np.zeros(near.size), np.ones(near.size)]
    for a, b, limit in ((u0, u1, cols), (v0, v1, rows)):
        first = np.maximum(np.floor(np.minimum(a, b)) + 1, 0)
        last = np.minimum(np.ceil(np.maximum(a, b)) - 1, limit)
        counts = np.maximum(last - first + 1, 0).astype(np.int64)
        seg = np.repeat(segments, counts)
        step = np.arange(seg.size) - np.repeat(np.cumsum(counts) - counts, counts)
        cuts_seg.append(seg)
        cuts_t.append((first[seg] + step - a[seg]) / (b[seg] - a[seg]))
    seg, t = np.concatenate(cuts_seg), np.concatenate(cuts_t)
    order = np.lexsort((t, seg))
    seg, t = seg[order], t[order]
    same = seg[1:] == seg[:-1]
    seg, middle = seg[1:][same], ((t[1:] + t[:-1]) / 2)[same]
    cu = np.floor(u0[seg] + middle * (u1[seg] - u0[seg])).astype(np.int64)
    cv = np.floor(v0[seg] + middle * (v1[seg] - v0[seg])).astype(np.int64)
    keep = (cu >= 0) & (cu < cols) & (cv >= 0) & (cv < rows)
    crossed[cv[keep], cu[keep]] = True
    return crossed


def pixel_mask(aoi, bounds, width: int, height: int) -> np.ndarray:
    """Bool (height, width) array: True where the pixel centre lies inside the area (holes excluded).

    ``aoi`` is an AreaOfInterest (build it once per work unit) or WKB. An even-odd scanline over the
    area's edges at pixel-centre rows; a centre exactly on an edge belongs to the pixel on its right /
    below, so areas that share an edge never both take a pixel.
    """
    if not isinstance(aoi, AreaOfInterest):
        aoi = AreaOfInterest(aoi)
    x0, y0, x1, y1 = aoi.edges
    xmin, ymin, xmax, ymax = bounds
    px, py = (xmax - xmin) / width, (ymax - ymin) / height
    top, bottom = ymax - 0.5 * py, ymin + 0.5 * py
    near = np.nonzero((np.maximum(y0, y1) >= bottom) & (np.minimum(y0, y1) <= top)
                      & (np.minimum(x0, x1) <= xmax))[0]
    if near.size == 0:
        return np.zeros((height, width), dtype=bool)
    x0, y0, x1, y1 = x0[near], y0[near], x1[near], y1[near]
    centres = ymax - (np.arange(height) + 0.5) * py
    rows, edges = np.nonzero((y0 <= centres[:, None]) != (y1 <= centres[:, None]))
    crossing = x0[edges] + (centres[rows] - y0[edges]) * (x1[edges] - x0[edges]) / (y1[edges] - y0[edges])
    # First column whose centre lies strictly right of the crossing.
    first = np.floor((crossing - xmin) / px - 0.5) + 1
    first = np.clip(first, 0, width).astype(np.int64)
    toggles = np.bincount(rows * (width + 1) + first, minlength=height * (width + 1))
    return (np.cumsum(toggles.reshape(height, width + 1)[:, :width], axis=1) & 1).astype(bool)
