"""The `input_service` value → the service's data-frame folder on disk.

Either a folder (the data-frame folder holding conf.xml, or the service folder above it) or an ArcGIS-style
string `GIS Servers/<connection>/[<folder>/]<service>.MapServer`, resolved through server connections that map
a connection name to a server directories root: `<root>/arcgiscache/[<folder>_]<service>/<data frame>/`.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import SchemeError, ServiceError
from .dataset import find_dataframe_folder

ENVIRONMENT_VARIABLE = "MAP_SERVER_CACHE_SERVERS"
SERVICE_TYPES = ("MapServer", "ImageServer")
_MAX_LISTED = 30
_DRIVE = re.compile(r"^[A-Za-z]:")
_UNSAFE_CHARACTERS = set('<>:"|?*\0')


@dataclass(frozen=True)
class ServiceName:
    connection: str
    folder: str | None
    service: str
    service_type: str

    @property
    def cache_folder_name(self) -> str:
        """Name of the service's folder under arcgiscache: `<folder>_<service>` or `<service>`."""
        return f"{self.folder}_{self.service}" if self.folder else self.service

    def __str__(self) -> str:
        parts = [self.connection, self.folder, f"{self.service}.{self.service_type}"]
        return "GIS Servers/" + "/".join(part for part in parts if part)


def parse_service_string(value: str) -> ServiceName:
    """Split a service string into connection, folder and service.

    Accepts `/` or `\\`, an optional `GIS Servers/` prefix and the arcpy form
    `...\\ArcCatalog\\<connection>\\[<folder>\\]<service>.MapServer`.

    >>> parse_service_string("GIS Servers/arcgis on MYSERVER (admin)/Folder/USA.MapServer")
    ... # doctest: +NORMALIZE_WHITESPACE
    ServiceName(connection='arcgis on MYSERVER (admin)', folder='Folder', service='USA',
                service_type='MapServer')
    >>> parse_service_string(r"C:\\Users\\me\\ArcCatalog\\arcgis on web (admin)\\Elev.ImageServer").service
    'Elev'
    """
    parts = value.strip().replace("\\", "/").split("/")
    anchors = [i for i, part in enumerate(parts) if part.lower() == "arccatalog"]
    if anchors:
        parts = parts[anchors[-1] + 1:]
    elif parts and parts[0].strip().lower() == "gis servers":
        parts = parts[1:]
    if len(parts) not in (2, 3):
        raise ServiceError(f"input service {value!r}: expected "
                           "'GIS Servers/<connection>/[<folder>/]<service>.MapServer'")
    for part in parts:
        if not part.strip() or part.strip() in (".", "..") or _DRIVE.match(part) or "\0" in part:
            raise ServiceError(f"input service {value!r}: component {part!r} is empty or not allowed")
    service, _, service_type = parts[-1].rpartition(".")
    known_type = next((name for name in SERVICE_TYPES if name.lower() == service_type.lower()), None)
    if not service or service.strip() in (".", "..") or known_type is None:
        raise ServiceError(f"input service {value!r}: {parts[-1]!r} is not <name>.MapServer or .ImageServer")
    folder = parts[1] if len(parts) == 3 else None
    for name in (folder, service):
        if name is not None and (_UNSAFE_CHARACTERS & set(name) or name.strip() != name):
            raise ServiceError(f"input service {value!r}: {name!r} is not a valid service or folder name")
    return ServiceName(parts[0].strip(), folder, service, known_type)


def connections_from_environment(environ=None) -> dict[str, str]:
    """Connections from MAP_SERVER_CACHE_SERVERS, a JSON object {"<connection name>": "<root folder>"} (or
    {"<connection name>": {"root": "<root folder>", "scheduler": "tcp://host:8786"}}): name → root."""
    return {name: root for name, (root, _scheduler) in connection_entries_from_environment(environ).items()}


def connection_entries_from_environment(environ=None) -> dict[str, tuple[str, str | None]]:
    """Connections from MAP_SERVER_CACHE_SERVERS: name → (root folder, Dask scheduler or None)."""
    text = (os.environ if environ is None else environ).get(ENVIRONMENT_VARIABLE, "").strip()
    if not text:
        return {}
    try:
        connections = json.loads(text)
    except ValueError as error:
        raise ServiceError(f"{ENVIRONMENT_VARIABLE}: not valid JSON ({error})") from None
    entries = {name: connection_entry(value) for name, value in connections.items()} \
        if isinstance(connections, dict) else {}
    if not isinstance(connections, dict) or not all(isinstance(name, str) and entry is not None
                                                    for name, entry in entries.items()):
        raise ServiceError(f'{ENVIRONMENT_VARIABLE}: expected a JSON object {{"<connection>": "<folder>"}} '
                           'or {"<connection>": {"root": "<folder>", "scheduler": "tcp://<host>:<port>"}}')
    return {name: entry for name, entry in entries.items() if entry is not None}


def connection_entry(value) -> tuple[str, str | None] | None:
    """(root, scheduler or None) of one saved connection, "<root>" or {"root": ..., "scheduler": ...};
    None when the value is neither."""
    if isinstance(value, str):
        return (value, None) if value else None
    if not isinstance(value, dict):
        return None
    root, scheduler = value.get("root"), value.get("scheduler") or None
    if not isinstance(root, str) or not root or not (scheduler is None or isinstance(scheduler, str)):
        return None
    return root, scheduler


def resolve_input_service(value, connections) -> Path:
    """Data-frame folder (holding conf.xml) that `value` names: an existing folder, or a service string."""
    text = os.fspath(value).strip()
    if not text:
        raise ServiceError("input service is empty")
    path = Path(text)
    if path.is_file() and path.name.lower() == "conf.xml":
        return path.parent
    if path.is_dir():
        return dataframe_folder(path)
    if not text.lower().endswith(tuple(f".{kind.lower()}" for kind in SERVICE_TYPES)):
        raise ServiceError(f"input service {text!r}: no such folder, and not a service string ending in "
                           ".MapServer or .ImageServer")
    name = parse_service_string(text)
    root = connection_root(name, connections)
    cache_dir = root / "arcgiscache"
    service_dir = _child(cache_dir, name.cache_folder_name)
    if service_dir is None:
        found = _subfolders(cache_dir)
        listed = ", ".join(found[:_MAX_LISTED]) + (", ..." if len(found) > _MAX_LISTED else "")
        raise ServiceError(f"input service {str(name)!r}: no cache folder {name.cache_folder_name!r} in "
                           f"{cache_dir}; services found: {listed or 'none'}")
    return dataframe_folder(service_dir)


def list_services(connections) -> list[tuple[str, Path]]:
    """Every service cache under the connections' roots: (service string, data-frame folder), sorted.

    The string names the cache folder as the service (``GIS Servers/<connection>/<cache folder>.MapServer``):
    a ``<folder>_<service>`` cache folder cannot be told apart from a service whose name holds an underscore,
    and both strings resolve to the same folder. Folders without one data frame holding conf.xml, or whose
    name no service string can carry, are left out.
    """
    found = []
    for connection in sorted(connections, key=str.lower):
        cache_dir = Path(connections[connection]) / "arcgiscache"
        for name in _subfolders(cache_dir):
            try:
                folder = find_dataframe_folder(cache_dir / name)
                service = parse_service_string(str(ServiceName(connection, None, name, SERVICE_TYPES[0])))
            except (SchemeError, ServiceError):
                continue
            found.append((str(service), folder))
    return found


def dataframe_folder(folder: Path) -> Path:
    """The folder itself when it holds conf.xml, else its one subfolder holding conf.xml."""
    try:
        return find_dataframe_folder(folder)
    except SchemeError as error:
        raise ServiceError(str(error)) from None


def server_root_for(dataframe_folder: Path) -> Path | None:
    """The server directories root when the folder sits at <root>/arcgiscache/<service>/<data frame>."""
    folder = Path(os.path.abspath(dataframe_folder))
    if len(folder.parents) >= 3 and folder.parents[1].name.lower() == "arcgiscache":
        return folder.parents[2]
    return None


def connection_root(name: ServiceName, connections) -> Path:
    wanted = name.connection
    if wanted.lower().endswith(".ags") and wanted not in connections:
        wanted = wanted[:-4]
    root = connections.get(wanted)
    if root is None:
        root = next((root for key, root in connections.items() if key.lower() == wanted.lower()), None)
    if root is None:
        registered = ", ".join(repr(key) for key in sorted(connections)) or "none"
        raise ServiceError(f"input service {str(name)!r}: unknown server connection {name.connection!r}; "
                           f"registered connections: {registered} (add one in the plugin settings or in "
                           f"{ENVIRONMENT_VARIABLE})")
    return Path(root)


def _child(folder: Path, name: str) -> Path | None:
    """The subfolder called name, matched without regard to case when no exact match exists."""
    if (folder / name).is_dir():
        return folder / name
    return next((folder / sub for sub in _subfolders(folder) if sub.lower() == name.lower()), None)


def _subfolders(folder: Path) -> list[str]:
    try:
        with os.scandir(folder) as entries:
            return sorted(entry.name for entry in entries if entry.is_dir())
    except OSError:
        return []
