"""MBTiles and GeoPackage files written from a finished cache folder (the export's last step, as
``package.write_package`` is for .tpk/.tpkx): every tile's bytes copied as they are.

MBTiles 1.3: ``metadata`` (name, format, bounds, minzoom, maxzoom, type, version, description) and ``tiles``
with a unique (zoom_level, tile_column, tile_row) index; the zoom is the XYZ zoom of the level's resolution
(``open_formats.xyz_zooms``: the grid must be the ArcGIS Online one), rows flipped (TMS). GeoPackage 1.2: the
cache's scheme as a tile matrix set (origin its upper-left corner, bounds covering every tile written), one
tile matrix per level (zoom_level = the Esri level number), the data extent in ``gpkg_contents``.

The file is written as ``.<name>.tmp`` beside the destination (journal off: a failed or cancelled write is
removed, never used), synced, then renamed over it: readers see the old file or the new one.
"""

from __future__ import annotations

import math
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from ..atomic import publish, temporary_path
from ..errors import ImportCancelled, PackageError
from ..gdalcalls import osgeo_calls
from ..scheme import Extent, SpatialReference, TilingScheme, gdal_srs
from ..sources.dataset import CacheDataset, open_folder
from ..sources.open_formats import xyz_zooms
from .iteminfo import geographic_extent

BATCH = 2000            # tiles per executemany


def write_mbtiles(cache_folder: Path, destination: Path, name: str, extent: Extent | None,
                  is_cancelled: Callable[[], bool] = lambda: False) -> Path:
    """The cache folder's tiles as an MBTiles file at ``destination``; ``extent`` (cache CRS): bounds."""
    with open_folder(cache_folder) as cache:
        zooms = xyz_zooms(cache.scheme, str(cache_folder))
        levels = [level for level in cache.storage.levels() if level in zooms]
        tile_format = cache.scheme.tile_format.upper()
        metadata = {"name": name, "description": f"Tiles of {name} exported from its map server cache",
                    "format": "jpg" if tile_format == "JPEG" else "png", "type": "baselayer",
                    "version": "1.1"}
        if levels:
            metadata.update(minzoom=str(min(zooms[level] for level in levels)),
                            maxzoom=str(max(zooms[level] for level in levels)))
        bounds = geographic_extent(extent, cache.scheme.spatial_reference)
        if bounds is not None:
            metadata["bounds"] = ",".join(f"{value:.8f}" for value in bounds)

        def rows() -> Iterator[tuple]:
            for level in levels:
                zoom = zooms[level]
                for (row, col), data in _tiles(cache, level, is_cancelled):
                    yield zoom, col, (1 << zoom) - 1 - row, data

        def fill(db: sqlite3.Connection) -> None:
            db.executescript("CREATE TABLE metadata (name TEXT, value TEXT);"
                             "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
                             "tile_data BLOB);")
            db.executemany("INSERT INTO metadata VALUES (?, ?)", sorted(metadata.items()))
            _insert(db, "INSERT INTO tiles VALUES (?, ?, ?, ?)", rows())
            db.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")

        return _write(destination, fill)


def write_geopackage(cache_folder: Path, destination: Path, name: str, extent: Extent | None,
                     is_cancelled: Callable[[], bool] = lambda: False) -> Path:
    """The cache folder's tiles as a GeoPackage tile table ``name`` (one table) at ``destination``."""
    with open_folder(cache_folder) as cache:
        scheme = cache.scheme
        lods = {lod.level: lod for lod in scheme.lods}
        levels = [level for level in cache.storage.levels() if level in lods]
        srs_id, organization, definition = _srs(scheme.spatial_reference)
        bounds = _matrix_bounds(cache, levels)
        table = '"' + name.replace('"', '""') + '"'
        data = extent or Extent(*bounds)

        def fill(db: sqlite3.Connection) -> None:
            db.execute("PRAGMA application_id = 1196444487")      # "GPKG"
            db.execute("PRAGMA user_version = 10200")
            db.executescript(_GPKG_TABLES)
            db.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", [
                ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", None),
                ("Undefined geographic SRS", 0, "NONE", 0, "undefined", None),
                ("WGS 84 geodetic", 4326, "EPSG", 4326, _wkt("EPSG:4326"), None)]
                + ([] if srs_id in (-1, 0, 4326) else
                   [(f"{organization}:{srs_id}", srs_id, organization, srs_id, definition, None)]))
            db.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                       "zoom_level INTEGER NOT NULL, tile_column INTEGER NOT NULL, "
                       "tile_row INTEGER NOT NULL, tile_data BLOB NOT NULL, "
                       "UNIQUE (zoom_level, tile_column, tile_row))")
            db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, "
                       "min_x, min_y, max_x, max_y, srs_id) VALUES (?, 'tiles', ?, ?, ?, ?, ?, ?, ?)",
                       (name, name, f"Tiles of {name} exported from its map server cache", *data, srs_id))
            db.execute("INSERT INTO gpkg_tile_matrix_set VALUES (?, ?, ?, ?, ?, ?)", (name, srs_id, *bounds))
            width, height = bounds[2] - bounds[0], bounds[3] - bounds[1]
            cols, rows = scheme.tile_cols, scheme.tile_rows
            db.executemany("INSERT INTO gpkg_tile_matrix VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
                (name, level, _cells(width, cols * lods[level].resolution),
                 _cells(height, rows * lods[level].resolution), cols, rows,
                 lods[level].resolution, lods[level].resolution) for level in levels])
            _insert(db, f"INSERT INTO {table} (zoom_level, tile_column, tile_row, tile_data) "
                    "VALUES (?, ?, ?, ?)",
                    ((level, col, row, data) for level in levels
                     for (row, col), data in _tiles(cache, level, is_cancelled)))

        return _write(destination, fill)


_GPKG_TABLES = """
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
    organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
    description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
    identifier TEXT UNIQUE, description TEXT DEFAULT '',
    last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
    CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_tile_matrix_set (table_name TEXT NOT NULL PRIMARY KEY, srs_id INTEGER NOT NULL,
    min_x DOUBLE NOT NULL, min_y DOUBLE NOT NULL, max_x DOUBLE NOT NULL, max_y DOUBLE NOT NULL,
    CONSTRAINT fk_gtms_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
    CONSTRAINT fk_gtms_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_tile_matrix (table_name TEXT NOT NULL, zoom_level INTEGER NOT NULL,
    matrix_width INTEGER NOT NULL, matrix_height INTEGER NOT NULL, tile_width INTEGER NOT NULL,
    tile_height INTEGER NOT NULL, pixel_x_size DOUBLE NOT NULL, pixel_y_size DOUBLE NOT NULL,
    CONSTRAINT pk_ttm PRIMARY KEY (table_name, zoom_level),
    CONSTRAINT fk_tmm_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name));
"""


def _cells(length: float, cell: float) -> int:
    return max(1, math.ceil(length / cell - 1e-6))


def _matrix_bounds(cache: CacheDataset, levels: list[int]) -> tuple[float, float, float, float]:
    """(min_x, min_y, max_x, max_y): from the scheme's origin to past the last row and column of any level."""
    scheme: TilingScheme = cache.scheme
    lods = {lod.level: lod for lod in scheme.lods}
    right, bottom = scheme.origin_x, scheme.origin_y
    for level in levels:
        for key in cache.storage.bundles(level):
            positions = cache.storage.bundle_positions(key)
            if len(positions):
                width = scheme.tile_cols * lods[level].resolution
                height = scheme.tile_rows * lods[level].resolution
                right = max(right, scheme.origin_x + (int(positions[:, 1].max()) + 1) * width)
                bottom = min(bottom, scheme.origin_y - (int(positions[:, 0].max()) + 1) * height)
    return scheme.origin_x, bottom, right, scheme.origin_y


def _srs(reference: SpatialReference) -> tuple[int, str, str]:
    """(srs_id, organization, WKT) for gpkg_spatial_ref_sys: EPSG codes as such, Esri's own as ESRI."""
    codes = sorted(reference.codes())
    definition = reference.user_input()
    wkt = _wkt(definition)
    if codes:
        return codes[0], "EPSG" if codes[0] < 100000 else "ESRI", wkt
    return 100000, "NONE", wkt


def _wkt(definition: str) -> str:
    srs = gdal_srs(definition)
    if srs is None:
        raise PackageError(f"cannot read the cache's spatial reference {definition!r}")
    with osgeo_calls():
        return srs.ExportToWkt()


def _tiles(cache: CacheDataset, level: int, is_cancelled: Callable[[], bool]) -> Iterator[tuple]:
    for key in cache.storage.bundles(level):
        if is_cancelled():
            raise ImportCancelled("export cancelled while writing the tiles")
        yield from cache.storage.iter_bundle(key)


def _insert(db: sqlite3.Connection, sql: str, rows: Iterator[tuple]) -> None:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            db.executemany(sql, batch)
            batch.clear()
    db.executemany(sql, batch)


def _write(destination: Path, fill: Callable[[sqlite3.Connection], None]) -> Path:
    """Run ``fill`` on a new SQLite file written beside ``destination``, then rename it into place."""
    destination = Path(destination)
    temporary = temporary_path(destination)
    temporary.unlink(missing_ok=True)
    try:
        db = sqlite3.connect(temporary)
        try:
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            with db:
                fill(db)
        finally:
            db.close()
        with open(temporary, "rb+") as fp:
            os.fsync(fp.fileno())
        publish(temporary, destination)
    except sqlite3.Error as error:
        temporary.unlink(missing_ok=True)
        raise PackageError(f"{destination}: cannot write ({error})") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return destination
