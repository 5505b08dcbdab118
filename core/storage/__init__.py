"""Tile storage of Esri caches: exploded, compact V1 and compact V2, read from any ReadOnlyFS."""

from .base import BUNDLE_SIZE, BundleKey, BundleWriter, TileStorage, bundle_key
from .bundlecopy import copy_bundle
from .layouts import open_storage

__all__ = ["BUNDLE_SIZE", "BundleKey", "BundleWriter", "TileStorage", "bundle_key", "copy_bundle",
           "open_storage"]
