"""The QGIS side of drawing a map into a cache: projects read for drawing, the supertile renderer."""
