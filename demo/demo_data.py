"""The demo's data, written with core's own writers: a target service cache, an update .tpkx, an AOI polygon.

Target: compact V2, PNG32, Web Mercator, levels 0–4, every tile a labelled colour so tiles are easy to tell
apart. Update: levels 2–4 over Europe and Africa, orange stripes on a transparent background, so MERGE shows
the target through the gaps. Area of interest: an irregular polygon in EPSG:4326 inside the update.
"""

from __future__ import annotations

import colorsys
import io
import json
import math
import zipfile
from pathlib import Path

from osgeo import ogr, osr
from PIL import Image, ImageDraw

from map_server_cache.core.formats.conf_write import write_conf_cdi, write_conf_xml
from map_server_cache.core.formats.fs import DirectoryFS
from map_server_cache.core.scheme import LOD, Extent, SpatialReference, StorageFormat, TilingScheme
from map_server_cache.core.storage.base import bundle_key
from map_server_cache.core.storage.layouts import open_storage

HALF_WORLD = 20037508.342787
RESOLUTION_0 = 156543.03392800014      # Web Mercator level 0: one 256-pixel tile over the world
METRES_PER_INCH = 0.0254
TARGET_LEVELS = range(0, 5)
UPDATE_LEVELS = range(2, 5)
UPDATE_LONLAT = (-20.0, -40.0, 55.0, 65.0)          # lon/lat box the update package covers
AREA_OF_INTEREST = [(-10, 36), (5, 60), (30, 62), (45, 40), (35, 5), (20, -30), (10, -8), (-15, 12),
                    (-10, 36)]


def web_mercator_scheme(levels=TARGET_LEVELS) -> TilingScheme:
    lods = tuple(LOD(level, RESOLUTION_0 / 2 ** level * 96 / METRES_PER_INCH, RESOLUTION_0 / 2 ** level)
                 for level in levels)
    return TilingScheme(SpatialReference(102100, 3857), -HALF_WORLD, HALF_WORLD, 256, 256, 96, lods, "PNG32",
                        None, StorageFormat.COMPACT_V2, 128)


def mercator(lon: float, lat: float) -> tuple[float, float]:
    radius = HALF_WORLD / math.pi
    return radius * math.radians(lon), radius * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def base_tile(level: int, row: int, col: int) -> bytes:
    """An opaque tile coloured by its column and row, framed and labelled with its address."""
    count = 2 ** level
    red, green, blue = colorsys.hsv_to_rgb((col + 0.5) / count, 0.35 + 0.4 * row / count, 0.95)
    image = Image.new("RGBA", (256, 256), (int(red * 255), int(green * 255), int(blue * 255), 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 255, 255), outline=(60, 60, 60, 255))
    draw.text((8, 8), f"L{level} R{row} C{col}", fill=(20, 20, 20, 255))
    return png(image)


def update_tile(level: int, row: int, col: int) -> bytes:
    """Orange diagonal stripes on transparency (continuous across tiles), labelled "update"."""
    image = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    step = 32
    offset = (col * 256 + row * 256) % step
    for start in range(-256 - offset, 512, step):
        draw.line((start, 256, start + 256, 0), fill=(255, 120, 0, 230), width=10)
    draw.text((8, 240), f"update L{level}", fill=(0, 0, 0, 255))
    return png(image)


def write_cache(folder: Path, scheme: TilingScheme, tile_maker, extent: Extent) -> Path:
    """conf.xml, conf.cdi and every tile of every level that intersects `extent`."""
    (folder / "_alllayers").mkdir(parents=True, exist_ok=True)
    write_conf_xml(scheme, folder / "conf.xml")
    write_conf_cdi(extent, folder / "conf.cdi", scheme.spatial_reference)
    storage = open_storage(DirectoryFS(folder), scheme)
    for lod in scheme.lods:
        row_min, row_max, col_min, col_max = scheme.tile_range(lod, extent)
        by_bundle = {}
        for row in range(row_min, row_max + 1):
            for col in range(col_min, col_max + 1):
                by_bundle.setdefault(bundle_key(lod.level, row, col), []).append((row, col))
        for key, tiles in by_bundle.items():
            with storage.writer(key) as writer:
                for row, col in tiles:
                    writer.put(row, col, tile_maker(lod.level, row, col), "png")
    return folder


def write_target(server_root: Path, service: str) -> Path:
    """<root>/arcgiscache/<service>/Layers: the whole world on every target level."""
    world = Extent(-HALF_WORLD, -HALF_WORLD, HALF_WORLD, HALF_WORLD)
    (server_root / "arcgissystem" / "arcgisuploads").mkdir(parents=True, exist_ok=True)
    folder = server_root / "arcgiscache" / service / "Layers"
    return write_cache(folder, web_mercator_scheme(), base_tile, world)


def write_update_package(path: Path, work: Path) -> Path:
    """A .tpkx (root.json + tile/L##/*.bundle, STORED) with the update levels over UPDATE_LONLAT."""
    scheme = web_mercator_scheme(UPDATE_LEVELS)
    extent = Extent(*mercator(*UPDATE_LONLAT[:2]), *mercator(*UPDATE_LONLAT[2:]))
    folder = write_cache(work / "update" / "Layers", scheme, update_tile, extent)
    srs = {"wkid": 102100, "latestWkid": 3857}
    root = {
        "version": "1.0.0", "name": "Demo update", "type": "raster",
        "minLOD": UPDATE_LEVELS[0], "maxLOD": UPDATE_LEVELS[-1],
        "tileInfo": {"rows": 256, "cols": 256, "dpi": 96, "format": "PNG32", "compressionQuality": 0,
                     "origin": {"x": -HALF_WORLD, "y": HALF_WORLD}, "spatialReference": srs,
                     "lods": [{"level": lod.level, "resolution": lod.resolution, "scale": lod.scale}
                              for lod in scheme.lods]},
        "tileImageInfo": {"format": "PNG32", "compressionQuality": 0},
        "storageInfo": {"storageFormat": StorageFormat.COMPACT_V2.value, "packetSize": 128},
        "fullExtent": {**dict(zip(("xmin", "ymin", "xmax", "ymax"), extent)), "spatialReference": srs},
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as package:
        package.writestr("root.json", json.dumps(root, indent=1))
        package.writestr("iteminfo.json", json.dumps({"type": "Tile Package", "title": "Demo update"}))
        for bundle in sorted((folder / "_alllayers").rglob("*.bundle")):
            package.write(bundle, f"tile/{bundle.relative_to(folder / '_alllayers').as_posix()}")
    return path


def write_area_of_interest(path: Path) -> Path:
    """A GeoPackage layer "area_of_interest" in EPSG:4326 holding one irregular polygon."""
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    wgs84 = osr.SpatialReference()
    wgs84.ImportFromEPSG(4326)
    layer = dataset.CreateLayer("area_of_interest", wgs84, ogr.wkbPolygon)
    feature = ogr.Feature(layer.GetLayerDefn())
    ring = ", ".join(f"{lon} {lat}" for lon, lat in AREA_OF_INTEREST)
    feature.SetGeometry(ogr.CreateGeometryFromWkt(f"POLYGON(({ring}))"))
    layer.CreateFeature(feature)
    dataset.FlushCache()
    return path
