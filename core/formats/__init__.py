"""Files describing caches and the views that read them: conf files, root.json, folders, zips, tile images."""
