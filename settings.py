"""Server connections: a name such as "arcgis on MYSERVER (admin)" → a server directories root, and maybe
the Dask scheduler of the site's caching machines.

Saved in QgsSettings under "map_server_cache/connections" as one JSON object (names may hold any
character): ``name → root``, or ``name → {"root": root, "scheduler": "tcp://host:8786"}`` when the
connection names a scheduler. Merged with MAP_SERVER_CACHE_SERVERS from the environment (same forms) for
headless runs; on a name clash the environment wins, as the more specific setting of the current run.

Also the switch "map_server_cache/flush_new_bundles" (off by default): whether the bundles an import
creates as whole-file copies are fsynced before they are renamed into place, which guards them against a
power cut at the cost of waiting for the disk. MAP_SERVER_CACHE_FLUSH_NEW_BUNDLES (1/true/yes, 0/false/no)
overrides it for headless runs, by the same rule.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from qgis.core import QgsMessageLog, QgsSettings

SETTINGS_KEY = "map_server_cache/connections"
FLUSH_SETTINGS_KEY = "map_server_cache/flush_new_bundles"
FLUSH_ENVIRONMENT_VARIABLE = "MAP_SERVER_CACHE_FLUSH_NEW_BUNDLES"
FLUSH_WORDS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


def saved_connection_entries() -> dict[str, tuple[str, str | None]]:
    """Connections saved in the QGIS settings: name → (root, scheduler or None); a garbled value is logged
    and read as none, a garbled entry is logged and skipped."""
    from .core.sources.services import connection_entry

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
    entries = {}
    for name, value in connections.items():
        entry = connection_entry(value)
        if entry is None:
            QgsMessageLog.logMessage(f"{SETTINGS_KEY}: connection {name!r} ignored: {value!r:.200}",
                                     "Map Server Cache")
        elif name:
            entries[str(name)] = entry
    return entries


def saved_connections() -> dict[str, str]:
    """Connections saved in the QGIS settings: name → root."""
    return {name: root for name, (root, _scheduler) in saved_connection_entries().items()}


def save_connections(connections: dict[str, str], schedulers: dict[str, str] | None = None) -> None:
    """Replace the saved connections; a connection with a scheduler is saved in the object form."""
    schedulers = schedulers or {}
    values = {name: {"root": root, "scheduler": schedulers[name]} if schedulers.get(name) else root
              for name, root in sorted(connections.items())}
    QgsSettings().setValue(SETTINGS_KEY, json.dumps(values, ensure_ascii=False))


def environment_connections() -> dict[str, str]:
    """Connections from MAP_SERVER_CACHE_SERVERS (raises ServiceError when the variable is garbled)."""
    from .core.sources.services import connections_from_environment

    return connections_from_environment()


def all_connections() -> dict[str, str]:
    """Saved connections overlaid by those from the environment."""
    return {**saved_connections(), **environment_connections()}


def connection_scheduler(input_service: str, target: Path) -> str | None:
    """The Dask scheduler of the connection an import's target belongs to: the connection the service
    string names, else the one whose root holds the target folder; None when it names none.
    (MAP_SERVER_CACHE_DASK_SCHEDULER, read by the engine, overrides it.)"""
    from .core.errors import ServiceError
    from .core.sources.services import connection_entries_from_environment, parse_service_string

    entries = {**saved_connection_entries(), **connection_entries_from_environment()}
    folded = {name.lower(): entry for name, entry in entries.items()}
    try:
        wanted = parse_service_string(input_service).connection
    except ServiceError:
        wanted = None
    if wanted is not None and not Path(input_service).exists():
        for name in (wanted, wanted[:-4] if wanted.lower().endswith(".ags") else wanted):
            entry = entries.get(name) or folded.get(name.lower())
            if entry is not None:
                return entry[1]
        return None
    holding = [(root, scheduler) for root, scheduler in entries.values() if _is_within(target, Path(root))]
    return max(holding, key=lambda entry: len(Path(entry[0]).resolve().parts))[1] if holding else None


def _is_within(folder: Path, root: Path) -> bool:
    try:
        Path(folder).resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return True


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
