"""The last step of an export to an open format (MBTiles, GeoPackage, tile folder): the staged cache folder
written as that format and put in place so that readers see the earlier output or the new one, never a part.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..atomic import publish, temporary_path
from ..packaging.open_outputs import OpenOutput, write_open_output
from ..scheme import Extent
from .staging import copy_file, remove_tree
from .tally import Progress


def write_open(opened: OpenOutput, staged: Path, output: Path, exists: bool, swap: tuple[Path, Path],
               copy_from: Path | None, name: str, extent: Extent | None, rows: str,
               progress: Progress) -> None:
    """A file is written beside ``output`` and renamed over it (with ``copy_from``, COPY_DATA: written in that
    staging folder, then copied beside it and renamed); a folder is written as ``swap``'s incoming name, the
    earlier one moved to its outgoing name, the new one renamed into place, then the earlier one removed (an
    export killed between the renames is settled by the next: ``export._settle_leftovers``)."""
    if opened is OpenOutput.TILE_FOLDER:
        incoming, outgoing = swap
        progress.message(f"Writing the tile folder {output}")
        try:
            write_open_output(opened, staged, incoming, name, extent, rows, progress.is_cancelled)
            if exists:
                os.replace(output, outgoing)
            os.replace(incoming, output)
        except BaseException:
            if outgoing.exists() and not output.exists():
                os.replace(outgoing, output)
            if incoming.exists():
                remove_tree(incoming)
            raise
        if outgoing.exists():
            remove_tree(outgoing)
        return
    written = copy_from / output.name if copy_from is not None else output
    progress.message(f"Writing {written}")
    write_open_output(opened, staged, written, name, extent, rows, progress.is_cancelled)
    if copy_from is not None:
        progress.message(f"Copying {written} to {output}")
        temporary = temporary_path(output)
        try:
            copy_file(written, temporary, progress.is_cancelled)
            publish(temporary, output)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
