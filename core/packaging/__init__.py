"""Tile packages (.tpk, .tpkx) written from a finished cache folder: item info, thumbnail, the zip."""
