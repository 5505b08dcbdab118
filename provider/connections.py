"""Server connections: a name such as "arcgis on MYSERVER (admin)" → a server directories root.

Saved in QgsSettings under "map_server_cache/connections" as one JSON object (names may hold any
character), and merged with MAP_SERVER_CACHE_SERVERS from the environment for headless runs; on a name
clash the environment wins, as the more specific setting of the current run.
"""

from __future__ import annotations

import json

from qgis.core import QgsMessageLog, QgsSettings

SETTINGS_KEY = "map_server_cache/connections"


def saved_connections() -> dict[str, str]:
    """Connections saved in the QGIS settings; a garbled value is logged and read as none."""
    text = QgsSettings().value(SETTINGS_KEY, "", type=str)
    if not text:
        return {}
    try:
        connections = json.loads(text)
    except ValueError:
        connections = None
    if not isinstance(connections, dict):
        QgsMessageLog.logMessage(f"{SETTINGS_KEY}: not a JSON object, ignored: {text[:200]!r}",
                                 "Map Server Cache")
        return {}
    return {str(name): str(root) for name, root in connections.items() if name and root}


def save_connections(connections: dict[str, str]) -> None:
    """Replace the saved connections."""
    QgsSettings().setValue(SETTINGS_KEY, json.dumps(dict(sorted(connections.items())), ensure_ascii=False))


def environment_connections() -> dict[str, str]:
    """Connections from MAP_SERVER_CACHE_SERVERS (raises ServiceError when the variable is garbled)."""
    from ..core.services import connections_from_environment

    return connections_from_environment()


def all_connections() -> dict[str, str]:
    """Saved connections overlaid by those from the environment."""
    return {**saved_connections(), **environment_connections()}
