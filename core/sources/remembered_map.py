"""The QGIS project a cache is drawn from, remembered beside conf.xml so that later drawing needs no map.

Create Map Server Cache writes ``.map_server_cache/map.json`` (the plugin's bookkeeping folder) with the
project's absolute path and the map theme; Manage Map Server Cache Tiles reads it when no map is given.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

from ..atomic import replace_file
from ..errors import SchemeError
from ..storage.locks import BOOKKEEPING_FOLDER

MAP_FILE = "map.json"


class RememberedMap(NamedTuple):
    project: str                # absolute path of the .qgz/.qgs
    map_theme: str | None       # None: the project's visible layers as saved


def map_file(dataframe_folder: Path) -> Path:
    return Path(dataframe_folder) / BOOKKEEPING_FOLDER / MAP_FILE


def remember_map(dataframe_folder: Path, project: str | Path, map_theme: str | None = None) -> None:
    """Record (atomically) which project and theme the cache in ``dataframe_folder`` is drawn from."""
    path = map_file(dataframe_folder)
    path.parent.mkdir(exist_ok=True)
    data = json.dumps({"project": str(Path(project).absolute()), "map_theme": map_theme or None}, indent=1)
    replace_file(path, data.encode())


def remembered_map(dataframe_folder: Path) -> RememberedMap | None:
    """The remembered project and theme, None when the cache remembers none; a damaged file is an error."""
    path = map_file(dataframe_folder)
    try:
        data = json.loads(path.read_bytes())
        project, theme = data["project"], data.get("map_theme")
        if not isinstance(project, str) or not (theme is None or isinstance(theme, str)):
            raise TypeError("project must be text, map_theme text or null")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise SchemeError(f"{path}: cannot read the remembered map ({error})") from None
    return RememberedMap(project, theme)
