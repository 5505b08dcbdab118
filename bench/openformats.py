"""Section 7 of ``make bench``: the open tile formats. Importing N tiles from an MBTiles file into an empty
compact V2 cache vs the floor of reading the same blobs out of SQLite and writing each as a plain file;
exporting the cache to an MBTiles file vs the floor in reverse (reading the plain files, inserting them into
a new SQLite tiles table with its unique index). Targets: engine / floor ≤ 1.5× both ways."""

from __future__ import annotations

import io
import shutil
import sqlite3
from pathlib import Path

import numpy as np
from cachebuilders import make_scheme, write_cache
from harness import PNG_LEVEL, ROUNDS, TILE, timed
from PIL import Image

from map_server_cache.core.execution.engine import ImportRequest, SourceType, import_cache
from map_server_cache.core.execution.export import ExportRequest, ExportType, export_cache

LEVEL = 10                                 # 1024×1024 tiles: 100 000 fill 128 rows × 782 columns


def opaque_pool(count: int, seed: int) -> list:
    """Distinct opaque RGB PNG tiles of a few KB (8×8-pixel blocks of noise)."""
    rng = np.random.default_rng(seed)
    tiles = []
    for _ in range(count):
        pixels = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8).repeat(8, axis=0).repeat(8, axis=1)
        out = io.BytesIO()
        Image.fromarray(pixels, "RGB").save(out, "PNG", compress_level=PNG_LEVEL)
        tiles.append(out.getvalue())
    return tiles


def write_mbtiles(path: Path, count: int, pool: list) -> None:
    """``count`` tiles of zoom LEVEL, 128-row columns one after the other, rows stored TMS."""
    top = 2 ** LEVEL - 1
    with sqlite3.connect(path) as db:
        db.executescript("CREATE TABLE metadata (name TEXT, value TEXT);"
                         "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
                         "tile_data BLOB);"
                         "INSERT INTO metadata VALUES ('name', 'bench'), ('format', 'png');")
        db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                       ((LEVEL, i // 128, top - i % 128, pool[i % len(pool)]) for i in range(count)))
        db.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")
    db.close()


def blobs_to_files(mbtiles: Path, folder: Path) -> int:
    """The import's floor: every blob read out of SQLite and written as folder/z/x/y.png."""
    written = 0
    made = set()
    with sqlite3.connect(f"file:{mbtiles}?mode=ro", uri=True) as db:
        for z, x, y, data in db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles"):
            column = folder / str(z) / str(x)
            if column not in made:
                column.mkdir(parents=True, exist_ok=True)
                made.add(column)
            (column / f"{y}.png").write_bytes(data)
            written += 1
    db.close()
    return written


def files_to_blobs(folder: Path, mbtiles: Path) -> int:
    """The export's floor: every plain file read and inserted into a new MBTiles tiles table (+ index)."""
    def rows():
        for z in folder.iterdir():
            for x in z.iterdir():
                for file in x.iterdir():
                    yield int(z.name), int(x.name), int(file.stem), file.read_bytes()

    mbtiles.unlink(missing_ok=True)
    with sqlite3.connect(mbtiles) as db:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
                   "tile_data BLOB)")
        db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)", rows())
        db.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")
        written = db.execute("SELECT count(*) FROM tiles").fetchone()[0]
    db.close()
    return written


def bench_openformats(work: Path, count: int = 100_000, rounds: int = ROUNDS) -> dict:
    """Floors and engine in turn, ``rounds`` times; every time of each kept (best and spread reported)."""
    work = work / "openformats"
    work.mkdir()
    source = work / "source.mbtiles"
    write_mbtiles(source, count, opaque_pool(64, 7))
    scheme = make_scheme("COMPACT_V2", "PNG", levels=range(LEVEL + 1), tile_size=TILE)
    times: dict[str, list[float]] = {name: [] for name in ("read_floor", "import", "write_floor", "export")}
    for _ in range(rounds):
        for folder in (work / "files", work / "svc", work / "out"):
            if folder.exists():
                shutil.rmtree(folder)
        seconds, written = timed(blobs_to_files, source, work / "files")
        assert written == count
        times["read_floor"].append(seconds)
        target = write_cache(work / "svc" / "arcgiscache" / "Bench" / "Layers", scheme, {}, extent=None)
        seconds, result = timed(import_cache, ImportRequest(target, source, SourceType.MBTILES, workers=1,
                                                            overwrite=True))
        assert result.written == count
        times["import"].append(seconds)
        seconds, written = timed(files_to_blobs, work / "files", work / "floor.mbtiles")
        assert written == count
        times["write_floor"].append(seconds)
        (work / "out").mkdir()
        seconds, exported = timed(export_cache, ExportRequest(target, work / "out", ExportType.MBTILES,
                                                              workers=1))
        assert exported.imported.written == count
        times["export"].append(seconds)
    shutil.rmtree(work)
    return {"tiles": count, **times}
