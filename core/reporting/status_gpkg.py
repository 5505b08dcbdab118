"""Status.gpkg: one polygon per bundle in the cache's spatial reference, where ArcGIS writes Status.gdb.

Layer ``bundle_status``: level, scale, row, column (the bundle's first tile), tiles, bytes, dead_bytes,
damaged. Written through OGR's GeoPackage driver under a temporary name beside the destination and renamed
over it (``atomic.publish``), so a reader sees the old file or the new one; works in either GDAL exception
mode (``gdalcalls``).
"""

from __future__ import annotations

from pathlib import Path

from ..atomic import publish
from ..errors import StorageError
from ..gdalcalls import checked, osgeo_calls
from ..scheme import gdal_srs
from .bundle_status import StatusResult, polygon_wkt

LAYER = "bundle_status"
FIELDS = (("level", "int"), ("scale", "real"), ("row", "int"), ("column", "int"), ("tiles", "int"),
          ("bytes", "int64"), ("dead_bytes", "int64"), ("damaged", "int"))


def write_status_gpkg(result: StatusResult, path) -> Path:
    """Write (or replace) the GeoPackage at ``path``; StorageError naming it when GDAL cannot."""
    from osgeo import ogr

    path = Path(path)
    temporary = path.with_name(f".{path.stem}.tmp{path.suffix}")
    temporary.unlink(missing_ok=True)
    where = f"{path}: cannot write the cache status"
    types = {"int": ogr.OFTInteger, "real": ogr.OFTReal, "int64": ogr.OFTInteger64}
    try:
        driver = checked(StorageError, where, ogr.GetDriverByName, "GPKG")
        source = checked(StorageError, where, driver.CreateDataSource, str(temporary))
        srs = gdal_srs(result.scheme.spatial_reference.user_input())
        layer = checked(StorageError, where, source.CreateLayer, LAYER, srs, ogr.wkbPolygon)
        with osgeo_calls():
            for name, kind in FIELDS:
                checked(StorageError, where, layer.CreateField, ogr.FieldDefn(name, types[kind]),
                        succeeded=lambda code: code == 0)
            definition = layer.GetLayerDefn()
            checked(StorageError, where, layer.StartTransaction, succeeded=lambda code: code == 0)
            for bundle in result.bundles:
                feature = ogr.Feature(definition)
                for name, _kind in FIELDS:
                    feature.SetField(name, getattr(bundle, name))
                feature.SetGeometry(ogr.CreateGeometryFromWkt(polygon_wkt(bundle.bounds)))
                checked(StorageError, where, layer.CreateFeature, feature, succeeded=lambda code: code == 0)
            checked(StorageError, where, layer.CommitTransaction, succeeded=lambda code: code == 0)
        layer = None
        source = None   # closes the file
        publish(temporary, path)
    except BaseException:
        layer = source = None
        temporary.unlink(missing_ok=True)
        raise
    return path
