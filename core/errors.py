"""Exceptions raised by core/.

One root, ``CacheError``, so callers can catch everything the library raises; the subclasses also
inherit the built-in exception a Python programmer would expect (``OSError`` for files, ``ValueError``
for bad values), in the manner of rasterio's hierarchy. Every message names the file or value at fault.
"""


class CacheError(Exception):
    """Root of every error raised by core/."""


class SchemeError(CacheError, ValueError):
    """A tiling scheme file (conf.xml, conf.cdi, root.json) is missing, garbled or unsupported."""


class IncompatibleCacheError(CacheError, ValueError):
    """Source and target caches differ; ``differences`` lists each one with both values."""

    def __init__(self, message, differences=()):
        super().__init__(message)
        self.differences = list(differences)


class StorageError(CacheError, OSError):
    """A bundle, bundle index or tile file is unreadable, truncated or inconsistent."""


class PackageError(CacheError, OSError):
    """A tile package (.tpk, .tpkx) is not a usable zip or holds unsafe entries."""


class ServiceError(CacheError, ValueError):
    """An input service string or server connection cannot be resolved to a cache folder."""


class SelectionError(CacheError, ValueError):
    """Requested scales, extent or area of interest do not fit the target cache."""


class TileFormatError(CacheError, ValueError):
    """Pixels must change but the tile image format cannot be decoded or encoded (LERC, unknown)."""


class ImportCancelled(CacheError):
    """The caller cancelled the import; every bundle written so far is complete and readable."""
