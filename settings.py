"""Server connections: a name such as "arcgis on MYSERVER (admin)" → a server directories root.

Saved in QgsSettings under "map_server_cache/connections" as one JSON object (names may hold any
character), and merged with MAP_SERVER_CACHE_SERVERS from the environment for headless runs; on a name
clash the environment wins, as the more specific setting of the current run.

Also the switch "map_server_cache/flush_new_bundles" (off by default): whether the bundles an import
creates as whole-file copies are fsynced before they are renamed into place, which guards them against a
power cut at the cost of waiting for the disk. MAP_SERVER_CACHE_FLUSH_NEW_BUNDLES (1/true/yes, 0/false/no)
overrides it for headless runs, by the same rule.
"""

from __future__ import annotations

import json
import os

from qgis.core import QgsMessageLog, QgsSettings

SETTINGS_KEY = "map_server_cache/connections"
FLUSH_SETTINGS_KEY = "map_server_cache/flush_new_bundles"
FLUSH_ENVIRONMENT_VARIABLE = "MAP_SERVER_CACHE_FLUSH_NEW_BUNDLES"
FLUSH_WORDS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


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
    from .core.sources.services import connections_from_environment

    return connections_from_environment()


def all_connections() -> dict[str, str]:
    """Saved connections overlaid by those from the environment."""
    return {**saved_connections(), **environment_connections()}


def saved_flush_new_bundles() -> bool:
    """The flush setting saved in the QGIS settings (what the Options page shows and edits)."""
    return QgsSettings().value(FLUSH_SETTINGS_KEY, False, type=bool)


def flush_new_bundles() -> bool:
    """Whether imports fsync the bundles they copy whole: the environment's word, else the saved setting.

    An unrecognised environment value is logged and the saved setting used.
    """
    text = os.environ.get(FLUSH_ENVIRONMENT_VARIABLE, "").strip()
    if text.lower() in FLUSH_WORDS:
        return FLUSH_WORDS[text.lower()]
    if text:
        QgsMessageLog.logMessage(f"{FLUSH_ENVIRONMENT_VARIABLE}: expected 1/true/yes or 0/false/no, "
                                 f"ignored: {text[:200]!r}", "Map Server Cache")
    return saved_flush_new_bundles()


def save_flush_new_bundles(value: bool) -> None:
    """Save whether imports fsync the bundles they copy whole."""
    QgsSettings().setValue(FLUSH_SETTINGS_KEY, bool(value))
