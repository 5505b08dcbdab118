"""The pictures of an HTML report, decoded from their data: URIs and keyed by their captions."""

from __future__ import annotations

import base64
import html
import io
import re
from pathlib import Path

from PIL import Image

FIGURE = re.compile(r'<figure><img src="data:image/(png|jpeg);base64,([^"]+)"[^>]*>'
                    r"<figcaption>([^<]*)</figcaption></figure>")


def report_images(path: Path, all_of_them: bool = False):
    """caption → decoded Pillow image (the last of each caption); all (caption, image) with all_of_them."""
    found = []
    for kind, data, caption in FIGURE.findall(Path(path).read_text(encoding="utf-8")):
        image = Image.open(io.BytesIO(base64.b64decode(data)))
        image.load()
        assert image.format == kind.upper()
        found.append((html.unescape(caption), image))
    return found if all_of_them else dict(found)
