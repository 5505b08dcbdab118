"""The pictures of an import report, drawn from what an import or its preview gathered (numpy, Pillow)."""
