"""The import report's pictures (coverage map, before and after, decoded from the HTML) and the updated cache
offered as a raster layer (compact V2 only)."""

from __future__ import annotations

import numpy as np
from caches import BLUE, LEVELS, RED, cachebuilders, make_server, make_source, tiles_of_levels
from osgeo import gdal
from qgis.core import QgsProcessingFeedback, QgsRasterLayer
from report_images import report_images

from map_server_cache.core.execution.snapshots import MAX_PICTURE_LEVELS, MAX_SIDE
from map_server_cache.core.reporting.pictures import COLOURS

SCHEME = cachebuilders.make_scheme("COMPACT_V2", "PNG32", LEVELS)
SCALE = {lod.level: lod.scale for lod in SCHEME.lods}


def parameters(server, source, tmp_path, **more):
    return {"input_service": str(server.target), "source_cache_type": "CACHE_DATASET",
            "source_cache_dataset": str(source), "num_of_caching_service_instances": 1,
            "report": str(tmp_path / "report.html"), **more}


def close(colour, expected, tolerance=12) -> bool:
    return max(abs(int(a) - int(b)) for a, b in zip(colour, expected)) <= tolerance


class Log(QgsProcessingFeedback):
    def __init__(self):
        super().__init__()
        self.lines = []

    def pushInfo(self, info):  # noqa: N802 - QGIS API
        self.lines.append(info)


def test_report_shows_coverage_before_and_after(run, server, source, tmp_path):
    run(parameters(server, source, tmp_path, scales=[SCALE[1]]))
    images = report_images(tmp_path / "report.html")
    region = "(rows 0–1, columns 0–1)"
    assert set(images) == {"Coverage map", f"Before {region}", f"After {region}"}
    coverage = images["Coverage map"]
    assert coverage.format == "PNG" and coverage.size == (192, 192)      # 2 tiles + 1 margin, 64 px each
    assert coverage.convert("RGB").getpixel((96, 96)) == COLOURS["blended"]
    assert coverage.convert("RGB").getpixel((160, 160)) == COLOURS[""]
    before, after = images[f"Before {region}"], images[f"After {region}"]
    assert before.size == after.size == (512, 512)
    assert close(before.getpixel((64, 64)), RED) and close(before.getpixel((192, 64)), RED)
    assert close(after.getpixel((64, 64)), BLUE) and close(after.getpixel((192, 64)), RED)


def test_report_of_many_levels_stays_small(run, tmp_path):
    levels = range(0, 7)                                  # 5 461 tiles on 7 levels
    scheme = cachebuilders.make_scheme("COMPACT_V2", "PNG32", levels)
    server = make_server(tmp_path)
    cachebuilders.write_cache(server.target, scheme, {})
    source = cachebuilders.write_cache(tmp_path / "src" / "Layers", scheme,
                                       tiles_of_levels(None, levels, tile=cachebuilders.png_tile(BLUE)))
    results = run(parameters(server, source, tmp_path, overwrite="OVERWRITE"))
    assert results["imported"] == sum(4 ** level for level in levels)
    report = tmp_path / "report.html"
    pictures = report_images(report, all_of_them=True)
    maps = [image for caption, image in pictures if caption == "Coverage map"]
    assert len(maps) == MAX_PICTURE_LEVELS
    assert all(max(image.size) <= MAX_SIDE for _caption, image in pictures)
    assert "Levels without pictures" in report.read_text(encoding="utf-8")
    assert report.stat().st_size < 400_000


def test_compact_v2_target_is_offered_as_a_layer(run, server, source, tmp_path):
    results = run(parameters(server, source, tmp_path, scales=[SCALE[3]]))
    path = results["target_layer"]
    assert path.endswith("conf.xml")
    assert QgsRasterLayer(path, "x", "gdal").isValid()
    dataset = gdal.OpenEx(path, allowed_drivers=["ESRIC"])
    assert (dataset.RasterXSize, dataset.RasterYSize) == (256 * 8, 256 * 8)       # level 3: 8 × 8 tiles
    pixels = np.stack([dataset.GetRasterBand(band).ReadAsArray(0, 0, 256, 256) for band in range(1, 5)], -1)
    assert (pixels[:, :128] == BLUE).all() and (pixels[:, 128:] == RED).all()     # source over target


def test_compact_v1_target_says_why_no_layer(run, tmp_path):
    server = make_server(tmp_path, storage="COMPACT")
    source = make_source(tmp_path / "v1" / "Layers", "COMPACT")
    log = Log()
    results = run(parameters(server, source, tmp_path, scales=[SCALE[1]]), feedback=log)
    assert not results["target_layer"]
    assert any("GDAL reads compact V2 caches only" in line and "compact V1" in line for line in log.lines)
