"""Small synthetic Esri caches and tile packages for tests, written through core's own writers.

    scheme = make_scheme("COMPACT", "PNG", levels=range(3))        # Web Mercator; crs="nztm" for EPSG:2193
    write_cache(tmp / "Layers", scheme, {(0, 0, 0): png_tile((255, 0, 0, 255))})
    make_tpk(tmp / "a.tpk", tmp / "Layers")                        # needs a compact V1 cache
    make_tpkx(tmp / "a.tpkx", tmp / "Layers")                      # needs a compact V2 cache

Import it from tests/core as ``cachebuilders`` (tests/core must be on sys.path).
"""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from collections import defaultdict
from pathlib import Path

import numpy as np
from PIL import Image

from map_server_cache.core.formats.conf import read_conf_cdi, read_conf_xml
from map_server_cache.core.formats.conf_write import write_conf_cdi, write_conf_xml
from map_server_cache.core.formats.fs import DirectoryFS
from map_server_cache.core.scheme import LOD, Extent, SpatialReference, StorageFormat, TilingScheme
from map_server_cache.core.storage.base import bundle_key
from map_server_cache.core.storage.layouts import open_storage

# Web Mercator (WKID 102100 / EPSG 3857): level 0 is one 256-pixel tile over the world.
WEB_MERCATOR_ORIGIN = (-20037508.342787, 20037508.342787)
WEB_MERCATOR_RESOLUTION_0 = 156543.03392800014
# NZTM (EPSG 2193) as in LINZ's basemaps: a non-Web-Mercator scheme with a far-away origin.
NZTM_ORIGIN = (-4020900.0, 19998100.0)
NZTM_RESOLUTIONS = (8960, 4480, 2240, 1120, 560, 280, 140, 70, 28, 14, 7, 2.8, 1.4, 0.7, 0.28, 0.14, 0.07)
METRES_PER_INCH = 0.0254
JUNK_ENTRIES = {".DS_Store": b"\0\0\0\1Bud1", "__MACOSX/v101/._conf.xml": b"\0\5\26\7",
                "v101/.DS_Store": b"\0\0\0\1Bud1"}


@contextlib.contextmanager
def osgeo_exceptions(module_name: str = "gdal"):
    """``osgeo.<module_name>`` (gdal, ogr) raising its errors as exceptions inside the block only.

    ``gdal.UseExceptions()`` is process-wide and, from GDAL 3.7, turns on ogr's and osr's exceptions too: left
    on by one test, it changes how the plugin's own OGR calls behave in every test after it.
    """
    import importlib

    module = importlib.import_module(f"osgeo.{module_name}")
    if hasattr(module, "ExceptionMgr"):                          # GDAL 3.7+
        with module.ExceptionMgr(useExceptions=True):
            yield module
        return
    was_on = module.GetUseExceptions()
    module.UseExceptions()
    try:
        yield module
    finally:
        if not was_on:
            module.DontUseExceptions()


def make_scheme(storage: str = "COMPACT_V2", fmt: str = "PNG", levels=range(0, 5), crs: str = "webmercator",
                tile_size: int = 256, quality: int | None = None) -> TilingScheme:
    """A tiling scheme; ``storage`` names a StorageFormat (EXPLODED, COMPACT, COMPACT_V2); absolute levels."""
    dpi = 96
    if crs == "webmercator":
        srs, origin = SpatialReference(102100, 3857), WEB_MERCATOR_ORIGIN
        resolutions = {level: WEB_MERCATOR_RESOLUTION_0 * 256 / tile_size / 2 ** level for level in levels}
    elif crs == "nztm":
        srs, origin = SpatialReference(2193, 2193), NZTM_ORIGIN
        resolutions = {level: float(NZTM_RESOLUTIONS[level]) for level in levels}
    else:
        raise ValueError(f"unknown crs {crs!r}: webmercator or nztm")
    lods = tuple(LOD(level, res * dpi / METRES_PER_INCH, res) for level, res in resolutions.items())
    storage_format = StorageFormat[storage]
    return TilingScheme(srs, origin[0], origin[1], tile_size, tile_size, dpi, lods, fmt, quality,
                        storage_format, 0 if storage_format is StorageFormat.EXPLODED else 128)


def png_tile(pixels, size: int = 256, mode: str = "RGBA") -> bytes:
    """PNG bytes of an (h, w, bands) uint8 array, or of a size×size tile of one colour tuple."""
    if not isinstance(pixels, np.ndarray):
        pixels = np.broadcast_to(np.asarray(pixels, np.uint8), (size, size, len(pixels)))
    image = Image.fromarray(np.ascontiguousarray(pixels, np.uint8))
    out = io.BytesIO()
    image.convert(mode).save(out, "PNG")
    return out.getvalue()


def write_cache(folder, scheme: TilingScheme, tiles: dict, extent: Extent | None = None) -> Path:
    """Write conf.xml, conf.cdi (``extent`` or the tiles' bounds) and ``tiles`` {(level, row, col): bytes}."""
    folder = Path(folder)
    (folder / "_alllayers").mkdir(parents=True, exist_ok=True)
    write_conf_xml(scheme, folder / "conf.xml")
    if extent is None and tiles:
        lods = {lod.level: lod for lod in scheme.lods}
        bounds = [scheme.tile_bounds(lods[level], row, col) for level, row, col in tiles]
        extent = bounds[0]
        for other in bounds[1:]:
            extent = extent.union(other)
    if extent is not None:
        write_conf_cdi(extent, folder / "conf.cdi", scheme.spatial_reference)
    write_tiles(open_storage(DirectoryFS(folder), scheme), tiles)
    return folder


def write_tiles(storage, tiles: dict) -> None:
    """Write {(level, row, col): bytes} through core's writers, one batch per bundle (exploded: .png for PNG
    bytes, else .jpg, so damaged tiles can be written too)."""
    by_bundle = defaultdict(list)
    for (level, row, col), data in tiles.items():
        by_bundle[bundle_key(level, row, col)].append((row, col, data))
    for key, group in sorted(by_bundle.items()):
        with storage.writer(key) as writer:
            for row, col, data in group:
                writer.put(row, col, data, "png" if data.startswith(b"\x89PNG") else "jpg")


def root_json(scheme: TilingScheme, extent: Extent | None) -> dict:
    """A .tpkx root.json (Esri's tile-package-spec) for a scheme; minLOD/maxLOD span its levels.

    As ArcGIS writes it, with ``tileBundlesPath`` and a top-level ``spatialReference`` besides the one in
    ``tileInfo``: GDAL's ESRIC driver (3.8+) recognises a root.json by ``tileBundlesPath`` near its start and
    takes the CRS from the top level only.
    """
    srs = {"wkid": scheme.spatial_reference.wkid, "latestWkid": scheme.spatial_reference.latest_wkid}
    levels = [lod.level for lod in scheme.lods]
    document = {
        "version": "1.0.0", "name": "synthetic", "type": "raster", "tileBundlesPath": "./tile",
        "spatialReference": srs, "minLOD": min(levels), "maxLOD": max(levels),
        "tileInfo": {"rows": scheme.tile_rows, "cols": scheme.tile_cols, "dpi": scheme.dpi,
                     "format": scheme.tile_format, "compressionQuality": scheme.compression_quality or 0,
                     "origin": {"x": scheme.origin_x, "y": scheme.origin_y}, "spatialReference": srs,
                     "lods": [{"level": lod.level, "resolution": lod.resolution, "scale": lod.scale}
                              for lod in scheme.lods]},
        "tileImageInfo": {"format": scheme.tile_format,
                          "compressionQuality": scheme.compression_quality or 0},
        "storageInfo": {"storageFormat": scheme.storage_format.value, "packetSize": scheme.packet_size},
    }
    if extent is not None:
        corners = dict(zip(("xmin", "ymin", "xmax", "ymax"), extent))
        document["fullExtent"] = {**corners, "spatialReference": srs}
    return document


def _zip(path: Path, entries: dict, deflate: bool, junk: bool) -> Path:
    """Write entries {name: bytes | Path} in order; STORED unless deflate; OS clutter added when junk."""
    method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    if junk:
        entries = {**JUNK_ENTRIES, **entries}
    with zipfile.ZipFile(path, "w", method, allowZip64=True) as archive:
        for name, content in entries.items():
            if isinstance(content, Path):
                archive.write(content, name)
            else:
                archive.writestr(name, content)
    return path


def _files(folder: Path, under: str) -> dict:
    return {f"{under}/{file.relative_to(folder).as_posix()}": file
            for file in sorted(folder.rglob("*")) if file.is_file() and not file.name.endswith(".lock")}


def make_tpk(path, cache_folder, deflate: bool = False, junk: bool = False, root: str = "Layers") -> Path:
    """A .tpk of a compact V1 cache folder: esriinfo/, v101/<root>/conf.xml, conf.cdi, _alllayers/."""
    cache_folder = Path(cache_folder)
    entries = {"esriinfo/iteminfo.xml": b"<?xml version='1.0'?><ESRI_ItemInformation/>"}
    for name in ("conf.xml", "conf.cdi"):
        if (cache_folder / name).exists():
            entries[f"v101/{root}/{name}"] = cache_folder / name
    entries.update(_files(cache_folder / "_alllayers", f"v101/{root}/_alllayers"))
    return _zip(Path(path), entries, deflate, junk)


def make_tpkx(path, cache_folder, deflate: bool = False, junk: bool = False) -> Path:
    """A .tpkx of a compact V2 cache folder: root.json (from conf.xml and conf.cdi), iteminfo.json, tile/."""
    cache_folder = Path(cache_folder)
    scheme = read_conf_xml(cache_folder / "conf.xml")
    document = root_json(scheme, read_conf_cdi(cache_folder / "conf.cdi"))
    entries = {"root.json": json.dumps(document).encode(), "iteminfo.json": b'{"type": "Tile Package"}'}
    entries.update(_files(cache_folder / "_alllayers", "tile"))
    return _zip(Path(path), entries, deflate, junk)
