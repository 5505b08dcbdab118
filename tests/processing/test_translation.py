"""The German translation: complete, compiled by lrelease, loaded when QGIS's locale is German."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from caches import ALGORITHM_ID
from qgis.core import QgsApplication, QgsProcessingContext, QgsSettings

TS = Path(__file__).resolve().parents[2] / "i18n" / "map_server_cache_de.ts"
LRELEASE = shutil.which("lrelease")


@pytest.fixture
def i18n(tmp_path, monkeypatch):
    """A folder holding map_server_cache_de.qm compiled from the .ts, used as the plugin's i18n folder."""
    if LRELEASE is None:
        pytest.skip("lrelease (qttools5-dev-tools) is not installed")
    qm = tmp_path / "map_server_cache_de.qm"
    subprocess.run([LRELEASE, "-silent", str(TS), "-qm", str(qm)], check=True)
    from map_server_cache import plugin

    monkeypatch.setattr(plugin, "I18N", tmp_path)
    return tmp_path


@pytest.fixture
def german_locale():
    settings = QgsSettings()
    before = settings.value("locale/userLocale", None)
    settings.setValue("locale/userLocale", "de_DE")
    yield
    if before is None:
        settings.remove("locale/userLocale")
    else:
        settings.setValue("locale/userLocale", before)


def test_every_message_is_translated():
    messages = list(ET.parse(TS).getroot().iter("message"))
    assert len(messages) > 50
    unfinished = [m.find("source").text for m in messages
                  if m.find("translation").get("type") == "unfinished" or not m.find("translation").text]
    assert unfinished == []


def test_plugin_speaks_german_when_qgis_does(plugin, i18n, german_locale):
    from map_server_cache import classFactory

    algorithm = QgsApplication.processingRegistry().createAlgorithmById(ALGORITHM_ID)
    assert algorithm.displayName() == "Import Map Server Cache"
    german = classFactory(None)
    try:
        assert german.translator is not None
        assert algorithm.displayName() == "Map-Server-Cache importieren"
        assert algorithm.parameterDefinition("overwrite").description() == "Overwrite tiles"  # made before
        fresh = algorithm.create()
        assert fresh.parameterDefinition("overwrite").description() == "Kacheln überschreiben"
        ok, message = fresh.checkParameterValues({"input_service": "x", "overwrite": "MERGED"},
                                                 QgsProcessingContext())
        assert not ok and "wird nicht akzeptiert" in message
    finally:
        german.unload()
    assert algorithm.displayName() == "Import Map Server Cache"


def test_no_translator_for_a_locale_without_translation(i18n):
    from map_server_cache.plugin import load_translator

    assert load_translator("fr_FR") is None
    translator = load_translator("de_AT")                       # falls back to "de"
    assert translator is not None
    QgsApplication.removeTranslator(translator)
