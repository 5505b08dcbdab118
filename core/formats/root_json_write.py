"""Write a .tpkx root.json (Esri's open tile-package specification) for a tiling scheme.

``tileBundlesPath`` comes first and the spatial reference sits at the top level as well as in ``tileInfo``:
GDAL's ESRIC driver (3.8+) recognises a root.json by ``tileBundlesPath`` near its start and takes the CRS
from the top level. Every LOD of the scheme is listed; minLOD/maxLOD bound the levels the package holds.
"""

from __future__ import annotations

import json
from collections.abc import Collection

from ..scheme import Extent, SpatialReference, TilingScheme


def spatial_reference_json(srs: SpatialReference) -> dict:
    """{"wkid", "latestWkid"} when known, else {"wkt"}."""
    document: dict = {}
    if srs.wkid is not None:
        document["wkid"] = srs.wkid
    if srs.latest_wkid is not None:
        document["latestWkid"] = srs.latest_wkid
    if not document and srs.wkt:
        document["wkt"] = srs.wkt
    return document


def root_json(scheme: TilingScheme, extent: Extent | None, name: str, levels: Collection[int]) -> bytes:
    """root.json's bytes: the scheme, the levels held (``levels``, LevelIDs) and the full extent."""
    srs = spatial_reference_json(scheme.spatial_reference)
    held = sorted(levels) or [lod.level for lod in scheme.lods]
    scales = {lod.level: lod.scale for lod in scheme.lods}
    quality = scheme.compression_quality or 0
    document: dict = {
        "tileBundlesPath": "./tile", "version": "1.0.0", "name": name, "type": "raster",
        "spatialReference": srs, "minLOD": held[0], "maxLOD": held[-1],
        "minScale": scales[held[0]], "maxScale": scales[held[-1]], "resampling": False,
        "tileInfo": {"rows": scheme.tile_rows, "cols": scheme.tile_cols, "dpi": scheme.dpi,
                     "format": scheme.tile_format, "compressionQuality": quality,
                     "origin": {"x": scheme.origin_x, "y": scheme.origin_y}, "spatialReference": srs,
                     "lods": [{"level": lod.level, "resolution": lod.resolution, "scale": lod.scale}
                              for lod in scheme.lods]},
        "tileImageInfo": {"format": scheme.tile_format, "compressionQuality": quality},
        "storageInfo": {"storageFormat": scheme.storage_format.value, "packetSize": scheme.packet_size},
    }
    if extent is not None:
        corners = dict(zip(("xmin", "ymin", "xmax", "ymax"), extent))
        document["fullExtent"] = document["initialExtent"] = {**corners, "spatialReference": srs}
    return json.dumps(document, separators=(",", ":")).encode("utf-8")
