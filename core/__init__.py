"""Engine of the Map Server Cache plugin: tiling schemes, cache storage and the import, without QGIS."""
