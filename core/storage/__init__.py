"""Tile storage of Esri caches: exploded, compact V1 and compact V2, read from any ReadOnlyFS."""

from .base import BUNDLE_SIZE, BundleKey, BundleWriter, TileStorage, bundle_key, open_storage
from .bundlecopy import copy_bundle

__all__ = ["BUNDLE_SIZE", "BundleKey", "BundleWriter", "TileStorage", "bundle_key", "copy_bundle",
           "open_storage"]
