"""Cancel from QGIS's feedback stops the engine; the error says so; every tile reads as old or new."""

from __future__ import annotations

import pytest
from caches import BLUE, LEVELS, RED, pixels, read_tile
from qgis.core import QgsProcessingException, QgsProcessingFeedback


class CancelAtStart(QgsProcessingFeedback):
    """Cancels as soon as the engine reports progress (0 of n, before the first tile)."""

    def __init__(self):
        super().__init__()
        self.messages = []
        self.progressChanged.connect(lambda _percent: self.cancel())

    def pushInfo(self, info):
        self.messages.append(info)


def test_cancel_stops_the_import(run, server, source):
    feedback = CancelAtStart()
    with pytest.raises(QgsProcessingException, match="(?i)cancel"):
        run({"input_service": str(server.target), "source_cache_type": "CACHE_DATASET",
             "source_cache_dataset": str(source), "overwrite": "OVERWRITE"}, feedback=feedback)
    assert any(message.startswith("Level 3") for message in feedback.messages)   # planned before work
    for level in LEVELS:
        for row in range(2 ** level):
            for col in range(2 ** level):
                image = pixels(read_tile(server.target, level, row, col))
                old = (image == RED).all()
                new = (image[:, :128] == BLUE).all() and (image[:, 128:, 3] == 0).all()
                assert old or new, (level, row, col)
