"""GDAL, OGR and OSR calls that behave the same whatever exception mode the host chose.

GDAL's Python bindings report a failure in one of two ways, chosen process-wide by the host: a None or an
error code (the default up to GDAL 3.x, QGIS 3.22) or a ``RuntimeError`` (after ``UseExceptions()``, which
QGIS 3.40+ calls and GDAL 4 will make the default). The plugin never calls ``UseExceptions`` or
``DontUseExceptions``: that would change the host's mode under its feet (Processing runs algorithms in a
background thread). Instead every osgeo call of core goes through here:

- ``osgeo_calls()`` wraps a block of calls. Bindings that keep an exception mode per thread (GDAL >= 3.7:
  ``ExceptionMgr`` over ``_SetExceptionsLocal``) raise within it for this thread only, which also keeps
  GDAL 3.9+'s FutureWarning ("Neither ogr.UseExceptions() nor ogr.DontUseExceptions() has been explicitly
  called") from firing on the plugin's calls; older bindings keep the host's mode. GDAL's own error
  printing is silenced within: the message goes into the plugin's error instead.
- ``checked`` turns both failure forms into the caller's error class with a message naming the input;
  ``attempt`` turns both into None, for calls with a fallback.

Worker processes import core fresh and run with the bindings' default mode; they need nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


def _succeeded(result: Any) -> bool:
    return result is not None


@contextmanager
def osgeo_calls() -> Iterator[None]:
    """Within: this thread's GDAL/OGR/OSR calls raise where the bindings allow it per thread; no printing."""
    from osgeo import gdal, ogr, osr

    with ExitStack() as stack:
        for module in (gdal, ogr, osr):
            if hasattr(module, "_SetExceptionsLocal"):  # ExceptionMgr without a per-thread mode is global
                stack.enter_context(module.ExceptionMgr(useExceptions=True))
        gdal.PushErrorHandler("CPLQuietErrorHandler")
        stack.callback(gdal.PopErrorHandler)
        yield


def checked(error: Callable[[str], Exception], what: str, call: Callable[..., T], *args: Any,
            succeeded: Callable[[Any], bool] = _succeeded) -> T:
    """``call(*args)``, or ``error(f"{what}: <GDAL's reason>")`` when it fails in either mode.

    A failure is a ``RuntimeError`` or a result ``succeeded`` rejects (default: None; pass
    ``lambda code: code == 0`` for calls returning an OGRErr).
    """
    from osgeo import gdal

    with osgeo_calls():
        gdal.ErrorReset()
        try:
            result = call(*args)
        except RuntimeError as failure:
            raise error(f"{what}: {_reason(str(failure))}") from None
        if not succeeded(result):
            raise error(f"{what}: {_reason(gdal.GetLastErrorMsg())}")
    return result


def attempt(call: Callable[..., T], *args: Any, succeeded: Callable[[Any], bool] = _succeeded) -> T | None:
    """``call(*args)``, or None when it fails in either mode (for calls that have a fallback)."""
    try:
        return checked(_Failed, "", call, *args, succeeded=succeeded)
    except _Failed:
        return None


class _Failed(Exception):
    pass


def _reason(message: str) -> str:
    return message.strip() or "GDAL gave no reason"
