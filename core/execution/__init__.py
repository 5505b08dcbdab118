"""Running an import: the engine, workers and pool, the MERGE journal, staging, per-tile compositing."""
