"""The drawing contract between the QGIS-free tile engine and whatever draws the map.

The engine asks a Drawer for one supertile at a time: S×S tiles aligned on the grid, ``extent`` the exact
union of their extents, ``width``/``height`` S times the tile size. Any buffer or margin trick happens inside
the drawer, which returns exactly the requested extent's pixels. A drawer factory is named by an import path
"package.module:callable" so that it can travel to worker processes (and later Dask workers) as a string.
"""

from __future__ import annotations

import importlib
from typing import Callable, Protocol

import numpy as np

from ..errors import CacheError
from ..scheme import Extent, TilingScheme


class Drawer(Protocol):
    """Draws the map over an extent of the cache's spatial reference."""

    def draw(self, extent: Extent, width: int, height: int, scale: float) -> np.ndarray:
        """The map over `extent` (in the cache's CRS) as a (height, width, 4) uint8 RGBA array, straight
        (not premultiplied) alpha, transparent where nothing was drawn, row 0 at the top (north), drawn
        at the scheme's DPI. `scale` is the level's scale (1:scale) as the cache states it."""
        ...

    def close(self) -> None: ...


def load_drawer(spec: str, project: str, map_theme: str | None, scheme: TilingScheme) -> Drawer:
    """The drawer made by the factory named `spec` ("package.module:callable"), called as
    factory(project, map_theme, scheme). A spec that names nothing callable is a CacheError naming it."""
    return drawer_factory(spec)(project, map_theme, scheme)


def drawer_factory(spec: str) -> Callable[[str, str | None, TilingScheme], Drawer]:
    """The factory `spec` names, imported but not called (a check before anything is drawn)."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise CacheError(f"Drawer {spec!r} is not of the form 'package.module:callable'.")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise CacheError(f"Drawer {spec!r} cannot be loaded: {error}") from error
    if not callable(factory):
        raise CacheError(f"Drawer {spec!r} is not callable.")
    return factory
