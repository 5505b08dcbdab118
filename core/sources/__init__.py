"""Opening a cache source (folder, .tpk, .tpkx) as a CacheDataset, and naming services by connection."""
