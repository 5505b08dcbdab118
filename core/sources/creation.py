"""A new, empty service cache on disk, laid out as ArcGIS's Create Map Server Cache lays it out.

``<service cache directory>/<folder>_<service>/Layers/`` holds conf.xml, conf.cdi (the map's full extent),
an empty ``_alllayers/`` and the remembered map (``.map_server_cache/map.json``). The data-frame folder is
built in a hidden temporary sibling and renamed into place, so a failure leaves nothing half made, and an
existing cache is never overwritten.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from ..atomic import sync_folder
from ..errors import CacheError, ServiceError
from ..formats.conf_write import write_conf_cdi, write_conf_xml
from ..scheme import Extent, TilingScheme
from .dataset import has_conf_xml
from .remembered_map import remember_map
from .services import SERVICE_TYPES, ServiceName, connection_root, parse_service_string

DATAFRAME_NAME = "Layers"          # ArcGIS's name for the data frame of a published map
TILES_FOLDER = "_alllayers"
_TEMPORARY_PREFIX = ".creating-"
_PENDING_CONF = "conf.xml.pending"


@dataclass(frozen=True)
class CreateRequest:
    input_service: str                          # "GIS Servers/<connection>/[<folder>/]<service>.MapServer"
    service_cache_directory: Path | None        # None: the connection's <root>/arcgiscache
    scheme: TilingScheme
    full_extent: Extent                         # in the scheme's spatial reference
    project: str                                # the QGIS project the cache is drawn from
    map_theme: str | None = None
    connections: dict | None = None             # connection name → server directories root


def service_name(input_service: str) -> ServiceName:
    """The service string parsed; a bare "<service>.MapServer" has no connection (service_cache_directory
    must then be given)."""
    text = str(input_service).strip().replace("\\", "/")
    if "/" not in text and text:
        return replace(parse_service_string(f"GIS Servers/-/{text}"), connection="")
    return parse_service_string(text)


def dataframe_folder(request: CreateRequest) -> Path:
    """Where the new cache's data-frame folder goes: ``<cache directory>/<folder>_<service>/Layers``."""
    name = service_name(request.input_service)
    if request.service_cache_directory is not None and str(request.service_cache_directory).strip():
        cache_directory = Path(request.service_cache_directory)
    elif name.connection.strip():
        cache_directory = connection_root(name, request.connections or {}) / "arcgiscache"
    else:
        raise ServiceError(f"input service {request.input_service!r} names no server connection: give "
                           "service_cache_directory")
    return cache_directory / name.cache_folder_name / DATAFRAME_NAME


def check_create(request: CreateRequest) -> Path:
    """Every check made before anything is written; the data-frame folder that will be created."""
    if not str(request.input_service).strip():
        raise ServiceError("input service is empty")
    if not str(request.input_service).strip().lower().endswith(
            tuple(f".{kind.lower()}" for kind in SERVICE_TYPES)):
        raise ServiceError(f"input service {request.input_service!r}: not a service string ending in "
                           ".MapServer or .ImageServer")
    target = dataframe_folder(request)
    cache_directory = target.parents[1]
    if not cache_directory.is_dir():
        raise ServiceError(f"service cache directory {cache_directory} does not exist")
    _refuse_existing(target.parent)
    if not Path(request.project).is_file():
        raise CacheError(f"project {request.project} does not exist")
    return target


def create_cache(request: CreateRequest) -> Path:
    """Create the empty cache; its data-frame folder. CacheError before anything is written when a check
    fails; on a failure while writing, nothing is left behind.

    conf.xml gets its name last, just before the folder is renamed into place, so a folder left by a killed
    run is never taken for a cache (readers look for conf.xml); the next run removes it.
    """
    target = check_create(request)
    service_folder = target.parent
    made_service_folder = not service_folder.exists()
    service_folder.mkdir(exist_ok=True)
    _remove_abandoned(service_folder)
    building = service_folder / f"{_TEMPORARY_PREFIX}{DATAFRAME_NAME}-{os.getpid()}"
    try:
        building.mkdir()
        (building / TILES_FOLDER).mkdir()
        write_conf_xml(request.scheme, building / _PENDING_CONF)
        write_conf_cdi(request.full_extent, building / "conf.cdi", request.scheme.spatial_reference)
        remember_map(building, request.project, request.map_theme)
        _refuse_existing(service_folder)
        os.rename(building / _PENDING_CONF, building / "conf.xml")
        sync_folder(building)
        os.rename(building, target)
        sync_folder(service_folder)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        if made_service_folder:
            _remove_if_empty(service_folder)
        raise
    return target


def _remove_abandoned(service_folder: Path) -> None:
    """Remove the temporary folders of creations whose process is gone (killed), this process's included."""
    for child in service_folder.iterdir():
        if not child.name.startswith(_TEMPORARY_PREFIX):
            continue
        pid = child.name.rpartition("-")[2]
        if pid.isdigit() and (int(pid) == os.getpid() or not _running(int(pid))):
            shutil.rmtree(child, ignore_errors=True)


def _running(pid: int) -> bool:
    if os.name == "nt":        # os.kill(pid, 0) would send Ctrl+C there: assume it runs
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:            # another user's process (PermissionError), or no signals here (Windows)
        return True
    return True


def _refuse_existing(service_folder: Path) -> None:
    """ServiceError when the service folder already holds a cache (a data frame with conf.xml, or Layers)."""
    if not service_folder.exists():
        return
    if not service_folder.is_dir():
        raise ServiceError(f"{service_folder} exists and is not a folder")
    existing = [child for child in sorted(service_folder.iterdir())
                if child.is_dir() and not child.name.startswith(_TEMPORARY_PREFIX)
                and (child.name.lower() == DATAFRAME_NAME.lower() or has_conf_xml(child))]
    if existing or has_conf_xml(service_folder):
        raise ServiceError(f"a cache already exists at {existing[0] if existing else service_folder}: it is "
                           "never overwritten (delete it first, or choose another service name)")


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass
