"""Planning an import: levels, area of interest, tile selection, work units (one per target bundle)."""
