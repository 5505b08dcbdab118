"""The tiling scheme and full extent of a new cache, from the QGIS project and Create Map Server Cache's
options: the QGIS side (project, CRS, extent) through drawing.project, the maths through core.schemes."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProcessingException
from qgis.PyQt.QtCore import QCoreApplication

from .create_parameters import CreateOptions


def scheme_and_extent(project_path: str, theme: str | None, options: CreateOptions, *, tile_size: str,
                      tile_origin: str, predefined: str, feedback):
    """(TilingScheme, full extent in its CRS); CacheError (or QgsProcessingException) naming the problem."""
    from ..core.errors import SchemeError
    from ..core.scheme import StorageFormat
    from ..core.schemes import (
        NewScheme,
        build_scheme,
        check_origin_covers,
        default_tile_origin,
        extent_scale,
        fallback_tile_origin,
        map_units,
        parse_tile_origin,
        parse_tile_size,
        standard_scales,
    )
    from ..drawing.project import check_map_theme, full_extent, map_crs, open_project, spatial_reference
    from .spatial import cache_crs

    project = open_project(project_path)
    check_map_theme(project, theme)
    if options.tiling_scheme_type == "PREDEFINED":
        scheme = predefined_scheme(predefined, options)
        extent = full_extent(project, theme, cache_crs(scheme.spatial_reference, predefined))
        check_origin_covers(scheme, extent)
        return scheme, extent
    crs = map_crs(project)
    srs = spatial_reference(crs)
    units = map_units(srs)
    extent = full_extent(project, theme, crs)
    size = parse_tile_size(tile_size)
    if options.scales_type == "STANDARD":
        scales = standard_scales(extent_scale(extent, size, options.dots_per_inch, units),
                                 options.num_of_scales)
    elif not options.scales:
        raise SchemeError("scales_type is CUSTOM: give scales, e.g. 500000;250000")
    else:
        scales = tuple(options.scales)
    origin = parse_tile_origin(tile_origin) or default_tile_origin(srs, units)
    if origin is None:
        origin = fallback_tile_origin(extent)
        if feedback is not None:
            feedback.pushWarning(QCoreApplication.translate(
                "create_scheme", "ArcGIS's default tile origin for {crs} is not known here: the origin is "
                                 "{x} {y}, beyond the map's upper-left corner; give tile_origin to match "
                                 "another cache's grid").format(
                crs=crs.authid() or crs.description(), x=origin[0], y=origin[1]))
    new = NewScheme(srs, scales, options.dots_per_inch, size, origin, options.cache_tile_format,
                    options.tile_compression_quality, StorageFormat[options.storage_format])
    scheme = build_scheme(new, units)
    check_origin_covers(scheme, extent)
    return scheme, extent


def predefined_scheme(value: str, options: CreateOptions):
    """The scheme of predefined_tiling_scheme: a built-in name, or a conf.xml file (or its folder)."""
    from ..core.formats.conf import find_conf_xml, read_conf_xml
    from ..core.scheme import StorageFormat
    from ..core.schemes import BUILTIN_SCHEMES, builtin_scheme, with_image_and_storage

    text = (value or "").strip()
    if not text:
        raise QgsProcessingException(QCoreApplication.translate(
            "create_scheme", "tiling_scheme_type is PREDEFINED: give predefined_tiling_scheme, a conf.xml "
                             "file or one of {names}").format(names=", ".join(BUILTIN_SCHEMES)))
    storage = StorageFormat[options.storage_format]
    if text.upper() in BUILTIN_SCHEMES:
        return builtin_scheme(text, options.cache_tile_format, options.tile_compression_quality, storage)
    path = Path(text)
    if not path.exists():
        raise QgsProcessingException(QCoreApplication.translate(
            "create_scheme", "predefined_tiling_scheme: {path} does not exist (give a conf.xml file or one "
                             "of {names})").format(path=path, names=", ".join(BUILTIN_SCHEMES)))
    scheme = read_conf_xml(find_conf_xml(path) if path.is_dir() else path)
    return with_image_and_storage(
        scheme, options.cache_tile_format if options.format_given else None,
        options.tile_compression_quality if options.quality_given else None,
        storage if options.storage_given else None)
