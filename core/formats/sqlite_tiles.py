"""SQLite tile files read without writing: which kind (MBTiles or a GeoPackage tile table), its metadata and,
for a GeoPackage, its tile matrix set. Connections are opened read-only (``mode=ro``): reading never creates
a journal beside the file nor changes it.

MBTiles (1.3): tables ``metadata`` (name, value) and ``tiles`` (zoom_level, tile_column, tile_row,
tile_data), rows counted from the bottom (TMS). GeoPackage (1.2): ``gpkg_contents`` names the tile tables
(data_type 'tiles'); ``gpkg_tile_matrix_set`` holds the table's bounds in its ``srs_id`` (the origin is its
upper-left corner), ``gpkg_tile_matrix`` one row per zoom level (matrix and tile size, pixel size); tile
rows count from the top.
"""

from __future__ import annotations

import sqlite3
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PackageError

SQLITE_HEADER = b"SQLite format 3\x00"
MBTILES = "MBTILES"
GEOPACKAGE = "GEOPACKAGE"
# GeoPackage application_id values ("GPKG" from 1.2, "GP10"/"GP11" before).
_GPKG_APPLICATION_IDS = {0x47504B47, 0x47503130, 0x47503131}


def is_sqlite(path: Path) -> bool:
    """True when the file starts with SQLite's header (nothing else is read)."""
    try:
        with open(path, "rb") as fp:
            return fp.read(16) == SQLITE_HEADER
    except OSError:
        return False


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection (shared by the threads of one process: queries are short and serialised)."""
    uri = f"file:{urllib.parse.quote(str(Path(path).resolve()))}?mode=ro"
    try:
        return sqlite3.connect(uri, uri=True, check_same_thread=False)
    except sqlite3.Error as error:
        raise PackageError(f"{path}: cannot open as SQLite ({error})") from None


@dataclass(frozen=True)
class TileMatrix:
    """One GeoPackage zoom level."""

    zoom: int
    matrix_width: int
    matrix_height: int
    tile_width: int
    tile_height: int
    pixel_x_size: float
    pixel_y_size: float


@dataclass(frozen=True)
class SqliteTiles:
    """What a SQLite tile file holds, read once when it is opened."""

    path: Path
    kind: str                                   # MBTILES or GEOPACKAGE
    table: str                                  # "tiles" or the GeoPackage tile table
    metadata: dict[str, str] = field(default_factory=dict)    # MBTiles metadata (names lower-case)
    srs_organization: str | None = None         # GeoPackage: "EPSG", ...
    srs_code: int | None = None
    srs_definition: str | None = None           # WKT
    bounds: tuple[float, float, float, float] | None = None   # GeoPackage tile matrix set
    data_bounds: tuple[float, float, float, float] | None = None   # GeoPackage gpkg_contents extent
    matrices: tuple[TileMatrix, ...] = ()


def inspect(path: Path) -> SqliteTiles:
    """Read what kind of tile file ``path`` is; PackageError naming the file and the problem otherwise."""
    path = Path(path)
    if not is_sqlite(path):
        raise PackageError(f"{path}: not a SQLite file (neither MBTiles nor GeoPackage)")
    connection = connect_read_only(path)
    try:
        return _inspect(connection, path)
    except sqlite3.Error as error:
        raise PackageError(f"{path}: unreadable SQLite file ({error})") from None
    finally:
        connection.close()


def _inspect(connection: sqlite3.Connection, path: Path) -> SqliteTiles:
    names = {name.lower() for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    application_id = connection.execute("PRAGMA application_id").fetchone()[0]
    if "gpkg_contents" in names or application_id in _GPKG_APPLICATION_IDS:
        return _geopackage(connection, path, names)
    if "tiles" in names:
        _check_columns(connection, path, "tiles")
        metadata = {}
        if "metadata" in names:
            metadata = {str(name).lower(): str(value) for name, value in
                        connection.execute("SELECT name, value FROM metadata") if name is not None}
        if metadata.get("format", "").lower() == "pbf":
            raise PackageError(f"{path}: an MBTiles of vector tiles (format pbf); only image tiles fit")
        return SqliteTiles(path, MBTILES, "tiles", metadata)
    if "metadata" in names:
        raise PackageError(f"{path}: an MBTiles without its tiles table")
    raise PackageError(f"{path}: a SQLite file, but neither MBTiles (no tiles table) nor GeoPackage "
                       "(no gpkg_contents)")


def _check_columns(connection: sqlite3.Connection, path: Path, table: str) -> None:
    columns = {row[1].lower() for row in connection.execute(f'PRAGMA table_info("{_quoted(table)}")')}
    missing = {"zoom_level", "tile_column", "tile_row", "tile_data"} - columns
    if missing:
        raise PackageError(f"{path}: table {table} lacks the column(s) {', '.join(sorted(missing))}")


def _quoted(name: str) -> str:
    return name.replace('"', '""')


def _geopackage(connection: sqlite3.Connection, path: Path, names: set[str]) -> SqliteTiles:
    for needed in ("gpkg_contents", "gpkg_tile_matrix_set", "gpkg_tile_matrix", "gpkg_spatial_ref_sys"):
        if needed not in names:
            raise PackageError(f"{path}: a GeoPackage without its {needed} table")
    tables = connection.execute("SELECT table_name, min_x, min_y, max_x, max_y FROM gpkg_contents "
                                "WHERE lower(data_type) = 'tiles' ORDER BY table_name").fetchall()
    if not tables:
        raise PackageError(f"{path}: a GeoPackage without a tile table (gpkg_contents lists none)")
    if len(tables) > 1:
        raise PackageError(f"{path}: a GeoPackage with several tile tables "
                           f"({', '.join(row[0] for row in tables)}); keep one per file")
    table, *extent = tables[0]
    if table.lower() not in names:
        raise PackageError(f"{path}: gpkg_contents lists the tile table {table}, which is missing")
    _check_columns(connection, path, table)
    found = connection.execute(
        "SELECT s.srs_id, s.organization, s.organization_coordsys_id, s.definition, m.min_x, m.min_y, "
        "m.max_x, m.max_y FROM gpkg_tile_matrix_set m JOIN gpkg_spatial_ref_sys s ON s.srs_id = m.srs_id "
        "WHERE lower(m.table_name) = lower(?)", (table,)).fetchone()
    if found is None:
        raise PackageError(f"{path}: no tile matrix set (with a known spatial reference) for table {table}")
    _srs_id, organization, code, definition, *bounds = found
    matrices = tuple(TileMatrix(*row) for row in connection.execute(
        "SELECT zoom_level, matrix_width, matrix_height, tile_width, tile_height, pixel_x_size, pixel_y_size "
        "FROM gpkg_tile_matrix WHERE lower(table_name) = lower(?) ORDER BY zoom_level", (table,)))
    if not matrices:
        raise PackageError(f"{path}: table {table} has no tile matrix (gpkg_tile_matrix lists no level)")
    data_bounds = tuple(float(v) for v in extent) if None not in extent else None
    return SqliteTiles(path, GEOPACKAGE, table, {}, organization, int(code) if code is not None else None,
                       definition, tuple(float(v) for v in bounds), data_bounds,  # type: ignore[arg-type]
                       matrices)
