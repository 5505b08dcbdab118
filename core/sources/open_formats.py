"""MBTiles files, GeoPackage tile tables and ``{z}/{x}/{y}`` folders opened as a CacheDataset, and the grid
rules that pair them with Esri caches.

Grids. An XYZ folder or MBTiles is the ArcGIS Online scheme (Web Mercator, origin -20037508.342787,
20037508.342787, 256 px): zoom z has resolution 2·20037508.342787 / (256·2^z) and pairs with the Esri level of
that resolution, whatever its number. A GeoPackage's scheme is its tile matrix set: origin its upper-left
corner, one level per zoom_level with its pixel size. Imports then check them as any source (``compare``:
spatial reference, origin, tile size, each level's resolution, every difference listed), leaving out what an
open format does not record or is converted anyway: DPI, tile image format, storage format.

Tile encoding: PNG, JPEG or WebP, from the MBTiles ``format`` metadata, else from the first tile's bytes;
a tile the target's format does not accept is re-encoded by the import (``workers``).
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from PIL import Image

from ..compatibility import Difference, compare, format_differences
from ..errors import IncompatibleCacheError, PackageError, SchemeError
from ..formats.sqlite_tiles import MBTILES, SqliteTiles, inspect
from ..formats.tileformats import can_compose, tile_encoding
from ..scheme import LOD, Extent, SpatialReference, TilingScheme
from ..schemes import WEB_MERCATOR_HALF_WORLD, builtin_scheme, map_units
from ..storage.base import TileStorage
from ..storage.sqlite_storage import SqliteTileStorage
from ..storage.tile_folder import TileFolderStorage
from .dataset import CacheDataset, has_conf_xml

OPEN_FORMAT_SUFFIXES = (".mbtiles", ".gpkg")
ROW_ORDERS = ("XYZ", "TMS")
MAX_ZOOM = 30
# What an open format does not record (DPI, storage) or what the import converts (tile image format).
FREE_DIFFERENCES = frozenset({"DPI", "tile image format", "storage format", "packet size"})
_FORMAT_NAMES = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "webp": "WEBP"}


def xyz_scheme(zooms, tile_size: int = 256, tile_format: str = "PNG") -> TilingScheme:
    """The ArcGIS Online grid holding ``zooms`` (levels numbered as the zooms)."""
    web = builtin_scheme("ARCGISONLINE_SCHEME")
    by_level = {lod.level: lod for lod in web.lods}
    lods = []
    for zoom in zooms:
        resolution = 2 * WEB_MERCATOR_HALF_WORLD / (tile_size * 2 ** zoom)
        known = by_level.get(zoom) if tile_size == 256 else None
        lods.append(known or LOD(zoom, resolution * 96 * 39.37, resolution))
    return TilingScheme(web.spatial_reference, web.origin_x, web.origin_y, tile_size, tile_size, 96,
                        tuple(lods), tile_format, None)


def xyz_zooms(scheme: TilingScheme, where: str) -> dict[int, int]:
    """Esri level → XYZ zoom of the same resolution; IncompatibleCacheError listing every way the cache's
    grid is not the ArcGIS Online one."""
    web = xyz_scheme(range(24))
    differences = [d for d in compare(scheme, web, storage=False) if d.name not in FREE_DIFFERENCES]
    if differences:
        raise IncompatibleCacheError(f"{where}: its tiling scheme is not the XYZ (ArcGIS Online) grid that "
                                     "MBTiles and tile folders use:\n"
                                     + format_differences(differences, "cache", "XYZ grid"), differences)
    return {lod.level: web.lod_for_resolution(lod.resolution).level for lod in scheme.lods}  # type: ignore


def open_differences(differences: list[Difference], target_format: str) -> list[Difference]:
    """The differences that matter when the source is an open format (see FREE_DIFFERENCES); the tile image
    format still does when the target's cannot be encoded (LERC): its tiles could not be converted."""
    free = FREE_DIFFERENCES if can_compose(target_format) else FREE_DIFFERENCES - {"tile image format"}
    return [difference for difference in differences if difference.name not in free]


def is_tile_folder(path: Path) -> bool:
    """A folder without conf.xml holding at least one zoom folder (digits)."""
    path = Path(path)
    if not path.is_dir() or has_conf_xml(path):
        return False
    try:
        return any(child.name.isdigit() and child.is_dir() for child in path.iterdir())
    except OSError:
        return False


def open_sqlite_tiles(path) -> CacheDataset:
    """An MBTiles file or a GeoPackage tile table as a read-only CacheDataset."""
    tiles = inspect(Path(path))
    if tiles.kind == MBTILES:
        matrix = {zoom: (1 << zoom, 1 << zoom) for zoom in range(MAX_ZOOM + 1)}
        storage: TileStorage = SqliteTileStorage(tiles.path, tiles.table, matrix, tms=True)
        try:
            zooms = storage.levels()
            named = _FORMAT_NAMES.get(tiles.metadata.get("format", "").lower())
            size, found = _first_tile(storage, zooms, str(path))
            scheme = xyz_scheme(zooms, size, named or found)
        except BaseException:
            storage.close()
            raise
        return CacheDataset(str(path), scheme, _mbtiles_bounds(tiles), storage, storage.fs, "MBTiles")
    scheme = _geopackage_scheme(tiles)
    matrix = {m.zoom: (m.matrix_width, m.matrix_height) for m in tiles.matrices}
    storage = SqliteTileStorage(tiles.path, tiles.table, matrix, tms=False)
    try:
        _size, found = _first_tile(storage, storage.levels(), str(path))
    except BaseException:
        storage.close()
        raise
    scheme = TilingScheme(scheme.spatial_reference, scheme.origin_x, scheme.origin_y, scheme.tile_cols,
                          scheme.tile_rows, scheme.dpi, scheme.lods, found)
    extent = Extent(*tiles.data_bounds) if tiles.data_bounds else None
    return CacheDataset(f"{path}!{tiles.table}", scheme, extent, storage, storage.fs, "GeoPackage")


def open_tile_folder(path, rows: str = "XYZ") -> CacheDataset:
    """A ``{z}/{x}/{y}.<ext>`` folder, rows XYZ or TMS, as a read-only CacheDataset."""
    rows = rows.strip().upper()
    if rows not in ROW_ORDERS:
        raise SchemeError(f"tile row order {rows!r}: use XYZ or TMS")
    storage = TileFolderStorage(Path(path), tms=rows == "TMS", max_zoom=MAX_ZOOM)
    zooms = storage.levels()
    if not zooms:
        raise SchemeError(f"{path}: no zoom folder with tiles ({{z}}/{{x}}/{{y}}.png|jpg|webp)")
    size, found = _first_tile(storage, zooms, str(path))
    return CacheDataset(str(path), xyz_scheme(zooms, size, found), None, storage, storage.fs, "tile folder")


def _first_tile(storage: TileStorage, zooms: list[int], where: str) -> tuple[int, str]:
    """(tile width, encoding) of the first readable tile of the coarsest level; (256, PNG) when none reads."""
    for zoom in zooms:
        for key in storage.bundles(zoom)[:4]:
            for _position, data in storage.iter_bundle(key):
                encoding = tile_encoding(data)
                if encoding is None:
                    continue
                try:
                    with Image.open(io.BytesIO(data)) as image:
                        width, height = image.size
                except Exception:  # Pillow signals bad data with many types; a damaged tile is counted later
                    continue
                if width != height:
                    raise SchemeError(f"{where}: tiles of {width}x{height} pixels; only square tiles fit")
                return width, encoding
    return 256, "PNG"


def _mbtiles_bounds(tiles: SqliteTiles) -> Extent | None:
    """The ``bounds`` metadata (west,south,east,north in degrees) in Web Mercator; None when absent/bad."""
    try:
        west, south, east, north = (float(v) for v in tiles.metadata["bounds"].split(","))
    except (KeyError, ValueError):
        return None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        return None

    def y(latitude: float) -> float:
        latitude = max(-85.0511287798, min(85.0511287798, latitude))
        return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2)) * 6378137.0

    return Extent(math.radians(west) * 6378137.0, y(south), math.radians(east) * 6378137.0, y(north))


def _geopackage_scheme(tiles: SqliteTiles) -> TilingScheme:
    """The tile matrix set as a scheme: origin its upper-left corner, one LOD per zoom level."""
    code = tiles.srs_code if (tiles.srs_organization or "").upper() == "EPSG" else None
    srs = SpatialReference(code, code, tiles.srs_definition if code is None else None)
    sizes = {(m.tile_width, m.tile_height) for m in tiles.matrices}
    if len(sizes) > 1 or any(w != h for w, h in sizes):
        raise SchemeError(f"{tiles.path}: tile sizes {sorted(sizes)} in table {tiles.table}; one square "
                          "size for all levels is needed")
    skewed = [m.zoom for m in tiles.matrices
              if not math.isclose(m.pixel_x_size, m.pixel_y_size, rel_tol=1e-9)]
    if skewed:
        raise SchemeError(f"{tiles.path}: zoom levels {skewed} have pixels that are not square")
    try:
        metres = map_units(srs).metres
    except SchemeError:
        raise PackageError(f"{tiles.path}: spatial reference of {tiles.table} unknown to GDAL") from None
    lods = tuple(LOD(m.zoom, m.pixel_x_size * 96 * 39.37 * metres, m.pixel_x_size) for m in tiles.matrices)
    assert tiles.bounds is not None
    size = tiles.matrices[0].tile_width
    return TilingScheme(srs, tiles.bounds[0], tiles.bounds[3], size, size, 96, lods, "PNG")
