<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en">
<context>
    <name>CacheScalesWidgetWrapper</name>
    <message>
        <location filename="../algorithms/widgets/scales.py" line="250"/>
        <source>Nothing checked: every level of the cache.</source>
        <translation>Nichts angehakt: jede Stufe des Caches.</translation>
    </message>
</context>
<context>
    <name>CachingAlgorithm</name>
    <message>
        <location filename="../algorithms/caching_algorithm.py" line="42"/>
        <source>Caching</source>
        <translation>Caching</translation>
    </message>
    <message>
        <location filename="../algorithms/caching_algorithm.py" line="53"/>
        <source>This algorithm needs these Python libraries, which are missing: {}</source>
        <translation>Dieser Algorithmus braucht diese Python-Bibliotheken, die fehlen: {}</translation>
    </message>
</context>
<context>
    <name>ConnectionsOptionsFactory</name>
    <message>
        <location filename="../provider/options_page.py" line="37"/>
        <source>Map Server Cache</source>
        <translation>Map Server Cache</translation>
    </message>
</context>
<context>
    <name>ConnectionsOptionsPage</name>
    <message>
        <location filename="../provider/options_page.py" line="53"/>
        <source>Connection name</source>
        <translation>Verbindungsname</translation>
    </message>
    <message>
        <location filename="../provider/options_page.py" line="53"/>
        <source>Server directories root</source>
        <translation>Stammordner der Serververzeichnisse</translation>
    </message>
    <message>
        <location filename="../provider/options_page.py" line="57"/>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <location filename="../provider/options_page.py" line="57"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location filename="../provider/options_page.py" line="57"/>
        <source>Choose Folder…</source>
        <translation>Ordner wählen…</translation>
    </message>
    <message>
        <location filename="../provider/options_page.py" line="112"/>
        <source>Server Directories Root</source>
        <translation>Stammordner der Serververzeichnisse</translation>
    </message>
    <message>
        <location filename="../provider/options_page.py" line="75"/>
        <source>Flush new bundles to disk before publishing them</source>
        <translation>Neue Bundles vor dem Veröffentlichen auf die Festplatte schreiben</translation>
    </message>
    <message>
        <location filename="../provider/options_page.py" line="77"/>
        <source>Protects the bundles an import creates as whole-file copies against a power cut during or just after the import, which could leave such a bundle empty; tiles that existed before are always protected. The cost: imports into empty targets wait for the disk and take about twice as long as a plain copy. For headless runs, the environment variable MAP_SERVER_CACHE_FLUSH_NEW_BUNDLES (1 or 0) overrides this setting.</source>
        <translation>Schützt die Bundles, die ein Import als Kopien ganzer Dateien anlegt, davor, dass ein Stromausfall während oder kurz nach dem Import ein solches Bundle leer zurücklässt; bereits vorhandene Kacheln sind immer geschützt. Der Preis: Importe in leere Ziele warten auf die Festplatte und dauern etwa doppelt so lange wie eine einfache Kopie. Für Läufe ohne Oberfläche überschreibt die Umgebungsvariable MAP_SERVER_CACHE_FLUSH_NEW_BUNDLES (1 oder 0) diese Einstellung.</translation>
    </message>
    <message>
        <location filename="../provider/options_page.py" line="53"/>
        <source>Dask scheduler (optional)</source>
        <translation>Dask-Scheduler (optional)</translation>
    </message>
    <message>
        <location filename="../provider/options_page.py" line="66"/>
        <source>A connection maps the name used in service strings such as &lt;i&gt;GIS Servers/&amp;lt;connection&amp;gt;/&amp;lt;service&amp;gt;.MapServer&lt;/i&gt; to the folder holding &lt;i&gt;arcgiscache&lt;/i&gt; and &lt;i&gt;arcgissystem&lt;/i&gt;. For headless runs, the environment variable MAP_SERVER_CACHE_SERVERS may add connections as a JSON object. A Dask scheduler such as &lt;i&gt;tcp://caching1:8786&lt;/i&gt; runs the imports into that connection&apos;s caches on the site&apos;s Dask workers (every machine mounting the cache share at the same path); MAP_SERVER_CACHE_DASK_SCHEDULER overrides it for every import.</source>
        <translation>Eine Verbindung ordnet den Namen in Dienstangaben wie &lt;i&gt;GIS Servers/&amp;lt;Verbindung&amp;gt;/&amp;lt;Dienst&amp;gt;.MapServer&lt;/i&gt; dem Ordner zu, der &lt;i&gt;arcgiscache&lt;/i&gt; und &lt;i&gt;arcgissystem&lt;/i&gt; enthält. Für Läufe ohne Oberfläche kann die Umgebungsvariable MAP_SERVER_CACHE_SERVERS Verbindungen als JSON-Objekt hinzufügen. Ein Dask-Scheduler wie &lt;i&gt;tcp://caching1:8786&lt;/i&gt; führt die Importe in die Caches dieser Verbindung auf den Dask-Workern des Standorts aus (jede Maschine bindet die Cache-Freigabe unter demselben Pfad ein); MAP_SERVER_CACHE_DASK_SCHEDULER setzt ihn für jeden Import außer Kraft.</translation>
    </message>
</context>
<context>
    <name>ConvertMapServerCacheStorageFormatAlgorithm</name>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="160"/>
        <source>Convert Map Server Cache Storage Format</source>
        <translation>Speicherformat des Map-Server-Caches konvertieren</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="54"/>
        <source>arcgis,esri,arcpy,tile,cache,bundle,compact,exploded,storage,convert</source>
        <translation>arcgis,esri,arcpy,kachel,cache,bundle,kompakt,explodiert,speicherformat,konvertieren</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="57"/>
        <source>Converts a service&apos;s cache between exploded, compact and compact V2 storage, in place.</source>
        <translation>Konvertiert den Cache eines Dienstes an Ort und Stelle zwischen explodiertem, kompaktem und kompaktem V2-Speicherformat.</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="61"/>
        <source>Converts the storage of a map or image service cache on disk, as ArcGIS Server&apos;s tool of the same name does: the tiles are repacked with their bytes unchanged, never re-encoded.

Storage format empty: ArcGIS&apos;s rule, exploded and compact (V1) become compact V2, compact V2 becomes exploded. Or choose COMPACT, COMPACT_V2 or EXPLODED.

The cache stays readable throughout: the converted cache is built in a hidden folder beside the data-frame folder, then the two are exchanged in one step, then the old one is removed. Readers see the old storage or the new one, with conf.xml always matching the files. Imports into the same service wait until the conversion ends. Free space of about the size of the tiles is needed (checked before starting). If the conversion is stopped, even by a crash, running it again finishes it.</source>
        <translation>Konvertiert das Speicherformat eines Karten- oder Bilddienst-Caches auf der Festplatte wie das gleichnamige Werkzeug von ArcGIS Server: Die Kacheln werden mit unveränderten Bytes umgepackt, nie neu kodiert.

Speicherformat leer: die Regel von ArcGIS, explodiert und kompakt (V1) werden kompakt V2, kompakt V2 wird explodiert. Oder COMPACT, COMPACT_V2 oder EXPLODED wählen.

Der Cache bleibt die ganze Zeit lesbar: Der konvertierte Cache entsteht in einem versteckten Ordner neben dem Datenrahmen-Ordner, dann werden beide in einem Schritt getauscht, dann wird der alte entfernt. Leser sehen das alte oder das neue Format, conf.xml passt immer zu den Dateien. Importe in denselben Dienst warten, bis die Konvertierung endet. Freier Speicher etwa in der Größe der Kacheln wird benötigt (vor dem Start geprüft). Wird die Konvertierung unterbrochen, auch durch einen Absturz, beendet ein erneuter Lauf sie.</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="74"/>
        <source>Input service</source>
        <translation>Eingabedienst</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="75"/>
        <source>The service whose cache is converted: its cache folder (the data-frame folder holding conf.xml, or the service folder above it) or a string such as GIS Servers/&lt;connection&gt;/[&lt;folder&gt;/]&lt;service&gt;.MapServer.</source>
        <translation>Der Dienst, dessen Cache konvertiert wird: sein Cache-Ordner (der Datenrahmen-Ordner mit conf.xml oder der Dienstordner darüber) oder eine Zeichenkette wie GIS Servers/&lt;Verbindung&gt;/[&lt;Ordner&gt;/]&lt;Dienst&gt;.MapServer.</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="79"/>
        <source>Storage format</source>
        <translation>Speicherformat</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="79"/>
        <source>Compact (COMPACT)</source>
        <translation>Kompakt (COMPACT)</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="79"/>
        <source>Compact V2 (COMPACT_V2)</source>
        <translation>Kompakt V2 (COMPACT_V2)</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="79"/>
        <source>Exploded (EXPLODED)</source>
        <translation>Explodiert (EXPLODED)</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="84"/>
        <source>The storage to convert to. Empty: ArcGIS&apos;s rule (exploded and compact become compact V2, compact V2 becomes exploded).</source>
        <translation>Das Zielformat. Leer: die Regel von ArcGIS (explodiert und kompakt werden kompakt V2, kompakt V2 wird explodiert).</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="87"/>
        <source>Number of parallel workers</source>
        <translation>Anzahl paralleler Worker</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="91"/>
        <source>How many worker processes repack bundles at the same time. Empty: one per processor core.</source>
        <translation>Wie viele Worker-Prozesse gleichzeitig Bundles umpacken. Leer: einer pro Prozessorkern.</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="93"/>
        <source>Conversion report</source>
        <translation>Konvertierungsbericht</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="93"/>
        <source>HTML files (*.html)</source>
        <translation>HTML-Dateien (*.html)</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="96"/>
        <source>Converted cache folder</source>
        <translation>Konvertierter Cache-Ordner</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="165"/>
        <source>Tiles converted</source>
        <translation>Konvertierte Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="133"/>
        <source>Converted {tiles} tiles of {folder} from {source} to {target} in {seconds:.1f} s</source>
        <translation>{tiles} Kacheln von {folder} in {seconds:.1f} s von {source} nach {target} konvertiert</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="162"/>
        <source>Cache folder</source>
        <translation>Cache-Ordner</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="163"/>
        <source>Storage before</source>
        <translation>Format vorher</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="164"/>
        <source>Storage after</source>
        <translation>Format nachher</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="166"/>
        <source>Damaged tiles not carried over</source>
        <translation>Beschädigte, nicht übernommene Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="168"/>
        <source>Bytes written</source>
        <translation>Geschriebene Bytes</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="169"/>
        <source>Finished an interrupted conversion first</source>
        <translation>Zuerst eine unterbrochene Konvertierung beendet</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="169"/>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="169"/>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="171"/>
        <source>Seconds</source>
        <translation>Sekunden</translation>
    </message>
    <message>
        <location filename="../algorithms/convert_map_server_cache_storage_format.py" line="172"/>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
</context>
<context>
    <name>CreateMapServerCacheAlgorithm</name>
    <message>
        <location filename="../algorithms/create_map_server_cache.py" line="40"/>
        <source>Create Map Server Cache</source>
        <translation>Map-Server-Cache erstellen</translation>
    </message>
    <message>
        <location filename="../algorithms/create_map_server_cache.py" line="43"/>
        <source>arcgis,esri,arcpy,tile,cache,tiling scheme,conf.xml,create,new</source>
        <translation>arcgis,esri,arcpy,kachel,cache,kachelcache,kachelschema,conf.xml,erstellen,neu</translation>
    </message>
    <message>
        <location filename="../algorithms/create_map_server_cache.py" line="46"/>
        <source>Creates the tiling scheme and the empty folders of a map service cache drawn from a QGIS project.</source>
        <translation>Erstellt das Kachelschema und die leeren Ordner eines Map-Service-Caches, der aus einem QGIS-Projekt gezeichnet wird.</translation>
    </message>
    <message>
        <location filename="../algorithms/create_map_server_cache.py" line="50"/>
        <source>Creates an empty ArcGIS Server cache for a QGIS project, as ArcGIS Server&apos;s tool of the same name does: &lt;service cache directory&gt;/[&lt;folder&gt;_]&lt;service&gt;/Layers with conf.xml (the tiling scheme), conf.cdi (the map&apos;s full extent) and an empty _alllayers folder. The cache remembers the project and map theme, so Manage Map Server Cache Tiles draws it without being told.

The tiling scheme is NEW (scales STANDARD or CUSTOM, DPI, tile size, origin, image format, storage) or PREDEFINED: a conf.xml file, ARCGISONLINE_SCHEME or WGS84_V2_SCHEME. Resolutions are computed from the scales exactly as ArcGIS computes them, so a cache with the ArcGIS Online scales lines up with ArcGIS Online, Bing and Google tiles.

An existing cache is never overwritten. Parameters take arcpy&apos;s words as well: NEW / PREDEFINED, STANDARD / CUSTOM, PNG ... MIXED, COMPACT / COMPACT_V2 / EXPLODED, tile sizes as &quot;256 x 256&quot; and scales as &quot;500000;250000&quot;.</source>
        <translation>Erstellt einen leeren ArcGIS-Server-Cache für ein QGIS-Projekt, wie es das gleichnamige Werkzeug von ArcGIS Server tut: &lt;service cache directory&gt;/[&lt;folder&gt;_]&lt;service&gt;/Layers mit conf.xml (das Kachelschema), conf.cdi (die volle Ausdehnung der Karte) und einem leeren Ordner _alllayers. Der Cache merkt sich Projekt und Kartenthema, sodass „Map-Server-Cache-Kacheln verwalten“ ihn ohne weitere Angaben zeichnet.

Das Kachelschema ist NEW (Maßstäbe STANDARD oder CUSTOM, DPI, Kachelgröße, Ursprung, Bildformat, Speicherung) oder PREDEFINED: eine conf.xml-Datei, ARCGISONLINE_SCHEME oder WGS84_V2_SCHEME. Die Auflösungen werden aus den Maßstäben genau so berechnet wie von ArcGIS, sodass ein Cache mit den ArcGIS-Online-Maßstäben deckungsgleich mit den Kacheln von ArcGIS Online, Bing und Google ist.

Ein vorhandener Cache wird nie überschrieben. Die Parameter nehmen auch die Wörter von arcpy an: NEW / PREDEFINED, STANDARD / CUSTOM, PNG ... MIXED, COMPACT / COMPACT_V2 / EXPLODED, Kachelgrößen als &quot;256 x 256&quot; und Maßstäbe als &quot;500000;250000&quot;.</translation>
    </message>
    <message>
        <location filename="../algorithms/create_map_server_cache.py" line="66"/>
        <source>Created cache folder</source>
        <translation>Erstellter Cache-Ordner</translation>
    </message>
    <message>
        <location filename="../algorithms/create_map_server_cache.py" line="95"/>
        <source>Created {folder}: {levels} levels from 1:{first:,.0f} to 1:{last:,.0f}, {cols} x {rows} px, {format}, origin {x} {y}</source>
        <translation>{folder} erstellt: {levels} Stufen von 1:{first:,.0f} bis 1:{last:,.0f}, {cols} x {rows} px, {format}, Ursprung {x} {y}</translation>
    </message>
    <message>
        <location filename="../algorithms/create_map_server_cache.py" line="145"/>
        <source>in_map is empty and the project open in QGIS has not been saved to a file: save it, or give in_map (a .qgz or .qgs file)</source>
        <translation>in_map ist leer und das in QGIS geöffnete Projekt wurde nicht in einer Datei gespeichert: speichern Sie es oder geben Sie in_map an (eine .qgz- oder .qgs-Datei)</translation>
    </message>
</context>
<context>
    <name>CreateMapTilePackageAlgorithm</name>
    <message>
        <location filename="../algorithms/create_map_tile_package.py" line="49"/>
        <source>Create Map Tile Package</source>
        <translation>Kartenkachelpaket erstellen</translation>
    </message>
    <message>
        <location filename="../algorithms/create_map_tile_package.py" line="52"/>
        <source>arcgis,esri,arcpy,tile,package,tpk,tpkx,draw,render,field maps,offline</source>
        <translation>arcgis,esri,arcpy,Kachel,Paket,tpk,tpkx,zeichnen,rendern,Field Maps,offline</translation>
    </message>
    <message>
        <location filename="../algorithms/create_map_tile_package.py" line="58"/>
        <source>Draws a QGIS project into an ArcGIS tile package (.tpkx or .tpk).</source>
        <translation>Zeichnet ein QGIS-Projekt in ein ArcGIS-Kachelpaket (.tpkx oder .tpk).</translation>
    </message>
    <message>
        <location filename="../algorithms/create_map_tile_package.py" line="61"/>
        <source>Draws the map of a QGIS project into a tile package, as ArcGIS&apos;s tool of the same name does from a map: a .tpkx (Esri&apos;s open compact tile package, read by ArcGIS Pro, Field Maps, ArcGIS Online and GDAL 3.8+) or a .tpk (compact V1, read by ArcMap and ArcGIS Runtime), with the summary, tags, extent and a thumbnail in its item information.

The tiling scheme is ArcGIS Online&apos;s (ONLINE) or that of an existing service (EXISTING: a conf.xml, a cache folder or a tile package). Levels min_level_of_detail to level_of_detail are drawn over the extent (default: the map&apos;s full extent) or the area of interest, by the same renderer as Manage Map Server Cache Tiles: the package&apos;s tiles are the tiles that tool draws into a cache of the same scheme. The tiles are drawn into a hidden folder beside the output, which is removed afterwards; the package appears whole or not at all.

Parameters take arcpy&apos;s words as well: ONLINE / EXISTING, PNG ... MIXED, tpk / tpkx.</source>
        <translation>Zeichnet die Karte eines QGIS-Projekts in ein Kachelpaket, wie es das gleichnamige ArcGIS-Werkzeug aus einer Karte tut: ein .tpkx (Esris offenes kompaktes Kachelpaket, gelesen von ArcGIS Pro, Field Maps, ArcGIS Online und GDAL 3.8+) oder ein .tpk (Compact V1, gelesen von ArcMap und ArcGIS Runtime), mit Zusammenfassung, Tags, Ausdehnung und einem Vorschaubild in den Elementinformationen.

Das Kachelschema ist das von ArcGIS Online (ONLINE) oder das eines bestehenden Dienstes (EXISTING: eine conf.xml, ein Cache-Ordner oder ein Kachelpaket). Die Ebenen min_level_of_detail bis level_of_detail werden über die Ausdehnung (Vorgabe: die volle Ausdehnung der Karte) oder das Interessengebiet gezeichnet, mit demselben Renderer wie „Kacheln eines Map-Server-Caches verwalten“: Die Kacheln des Pakets sind die Kacheln, die dieses Werkzeug in einen Cache desselben Schemas zeichnet. Die Kacheln werden in einen versteckten Ordner neben der Ausgabe gezeichnet, der danach entfernt wird; das Paket erscheint ganz oder gar nicht.

Die Parameter nehmen auch die Wörter von arcpy an: ONLINE / EXISTING, PNG ... MIXED, tpk / tpkx.</translation>
    </message>
    <message>
        <location filename="../algorithms/create_map_tile_package.py" line="77"/>
        <source>Tiles drawn</source>
        <translation>Gezeichnete Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/create_map_tile_package.py" line="77"/>
        <source>Empty tiles</source>
        <translation>Leere Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/create_map_tile_package.py" line="113"/>
        <source>Drawing {project} into {output} (scheme {scheme}, levels {low} to {high}, {fmt})</source>
        <translation>Zeichne {project} in {output} (Schema {scheme}, Ebenen {low} bis {high}, {fmt})</translation>
    </message>
    <message>
        <location filename="../algorithms/create_map_tile_package.py" line="142"/>
        <source>{name}: give the tile package to write</source>
        <translation>{name}: Geben Sie das zu schreibende Kachelpaket an</translation>
    </message>
    <message>
        <location filename="../algorithms/create_map_tile_package.py" line="179"/>
        <source>{name}: no project is open from a file: give the QGIS project, or save the open one first</source>
        <translation>{name}: Es ist kein Projekt aus einer Datei geöffnet: Geben Sie das QGIS-Projekt an oder speichern Sie zuerst das geöffnete</translation>
    </message>
    <message>
        <location filename="../algorithms/create_map_tile_package.py" line="183"/>
        <source>{name}: the open project {path} has unsaved changes: save it first (the map is drawn from its file)</source>
        <translation>{name}: Das geöffnete Projekt {path} hat ungespeicherte Änderungen: Speichern Sie es zuerst (die Karte wird aus seiner Datei gezeichnet)</translation>
    </message>
</context>
<context>
    <name>CreateParameters</name>
    <message>
        <location filename="../algorithms/create_parameters.py" line="119"/>
        <source>Input service</source>
        <translation>Eingabedienst</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="119"/>
        <source>The service to cache, as GIS Servers/&lt;connection&gt;/[&lt;folder&gt;/]&lt;service&gt;.MapServer (the connection&apos;s server directories then hold the cache, in arcgiscache) or &lt;service&gt;.MapServer with a service cache directory. The cache is created in &lt;service cache directory&gt;/[&lt;folder&gt;_]&lt;service&gt;/Layers.</source>
        <translation>Der zu cachende Dienst, als GIS Servers/&lt;connection&gt;/[&lt;folder&gt;/]&lt;service&gt;.MapServer (der Cache liegt dann im Ordner arcgiscache der Serververzeichnisse der Verbindung) oder als &lt;service&gt;.MapServer mit einem Dienst-Cache-Verzeichnis. Der Cache wird in &lt;service cache directory&gt;/[&lt;folder&gt;_]&lt;service&gt;/Layers erstellt.</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="124"/>
        <source>Service cache directory</source>
        <translation>Dienst-Cache-Verzeichnis</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="124"/>
        <source>The parent folder of the cache (a server&apos;s arcgiscache folder). Empty: the arcgiscache folder of the input service&apos;s server connection.</source>
        <translation>Der übergeordnete Ordner des Caches (der Ordner arcgiscache eines Servers). Leer: der Ordner arcgiscache der Serververbindung des Eingabedienstes.</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="129"/>
        <source>Tiling scheme</source>
        <translation>Kachelschema</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="129"/>
        <source>New (NEW)</source>
        <translation>Neu (NEW)</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="129"/>
        <source>Predefined (PREDEFINED)</source>
        <translation>Vordefiniert (PREDEFINED)</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="129"/>
        <source>NEW: the tiling scheme is made from the parameters below. PREDEFINED: it is read from a tiling scheme file (conf.xml) or is one of the built-in schemes.</source>
        <translation>NEW: Das Kachelschema wird aus den folgenden Parametern gebildet. PREDEFINED: Es wird aus einer Kachelschema-Datei (conf.xml) gelesen oder ist eines der eingebauten Schemata.</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="135"/>
        <source>Scales type</source>
        <translation>Maßstabsart</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="135"/>
        <source>Standard (STANDARD)</source>
        <translation>Standard (STANDARD)</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="135"/>
        <source>Custom (CUSTOM)</source>
        <translation>Benutzerdefiniert (CUSTOM)</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="135"/>
        <source>STANDARD: num_of_scales scales halving from the power-of-two multiple of 1:1,000,000 closest to the scale at which the map&apos;s full extent fills one tile. CUSTOM: the scales given.</source>
        <translation>STANDARD: num_of_scales Maßstäbe, jeweils halbiert, beginnend mit dem Zweierpotenz-Vielfachen von 1:1.000.000, das dem Maßstab am nächsten liegt, bei dem die volle Ausdehnung der Karte eine Kachel füllt. CUSTOM: die angegebenen Maßstäbe.</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="141"/>
        <source>Number of scales</source>
        <translation>Anzahl der Maßstäbe</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="141"/>
        <source>How many STANDARD scales the cache has.</source>
        <translation>Wie viele STANDARD-Maßstäbe der Cache hat.</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="145"/>
        <source>Dots (pixels) per inch</source>
        <translation>Punkte (Pixel) pro Zoll</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="145"/>
        <source>The DPI of the intended screen; the tiles are drawn at it (96 by default).</source>
        <translation>Die DPI des vorgesehenen Bildschirms; die Kacheln werden damit gezeichnet (standardmäßig 96).</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="149"/>
        <source>Tile size (in pixels)</source>
        <translation>Kachelgröße (in Pixeln)</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="149"/>
        <source>Width and height of the tiles: 128 x 128, 256 x 256, 512 x 512 or 1024 x 1024.</source>
        <translation>Breite und Höhe der Kacheln: 128 x 128, 256 x 256, 512 x 512 oder 1024 x 1024.</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="152"/>
        <source>Predefined tiling scheme</source>
        <translation>Vordefiniertes Kachelschema</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="152"/>
        <source>Tiling schemes (*.xml *.XML)</source>
        <translation>Kachelschemata (*.xml *.XML)</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="152"/>
        <source>Used with PREDEFINED: a tiling scheme file (a cache&apos;s conf.xml), or ARCGISONLINE_SCHEME (Web Mercator, the ArcGIS Online / Bing / Google grid, 24 levels) or WGS84_V2_SCHEME (WGS 84, origin -180, 90, 0.703125 degrees at level 0).</source>
        <translation>Mit PREDEFINED: eine Kachelschema-Datei (die conf.xml eines Caches) oder ARCGISONLINE_SCHEME (Web Mercator, das Raster von ArcGIS Online / Bing / Google, 24 Stufen) oder WGS84_V2_SCHEME (WGS 84, Ursprung -180, 90, 0,703125 Grad auf Stufe 0).</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="158"/>
        <source>Tiling origin in map units</source>
        <translation>Kachelursprung in Karteneinheiten</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="158"/>
        <source>The upper-left corner of the tile grid as &quot;x y&quot; in the map&apos;s units. Empty: what ArcGIS picks, the upper-left corner of the spatial reference&apos;s XY domain (Web Mercator -20037700 30241100, geographic -400 400, UTM-like Transverse Mercator false origin -5620900 +9998100).</source>
        <translation>Die obere linke Ecke des Kachelrasters als &quot;x y&quot; in den Einheiten der Karte. Leer: was ArcGIS wählt, die obere linke Ecke der XY-Domäne des Raumbezugs (Web Mercator -20037700 30241100, geographisch -400 400, UTM-artige Transversale Mercatorprojektion: falscher Ursprung -5620900 +9998100).</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="164"/>
        <source>Scales</source>
        <translation>Maßstäbe</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="164"/>
        <source>Used with CUSTOM: the scales separated by semicolons, e.g. 500000;250000;125000.</source>
        <translation>Mit CUSTOM: die Maßstäbe, durch Semikolons getrennt, z. B. 500000;250000;125000.</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="166"/>
        <source>Cache tile format</source>
        <translation>Kachelformat des Caches</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="166"/>
        <source>The tiles&apos; image format. With PREDEFINED, the file&apos;s format unless given.</source>
        <translation>Das Bildformat der Kacheln. Mit PREDEFINED das Format der Datei, sofern nicht angegeben.</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="169"/>
        <source>Tile compression quality</source>
        <translation>Kompressionsqualität der Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="169"/>
        <source>JPEG quality (0-100) of JPEG and MIXED caches.</source>
        <translation>JPEG-Qualität (0-100) von JPEG- und MIXED-Caches.</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="173"/>
        <source>Storage format</source>
        <translation>Speicherformat</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="173"/>
        <source>COMPACT (bundles, ArcGIS 10.0-10.2), COMPACT_V2 (bundles, ArcGIS 10.3+; GDAL reads them) or EXPLODED (a file per tile).</source>
        <translation>COMPACT (Bundles, ArcGIS 10.0-10.2), COMPACT_V2 (Bundles, ArcGIS 10.3+; GDAL liest sie) oder EXPLODED (eine Datei je Kachel).</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="177"/>
        <source>QGIS project</source>
        <translation>QGIS-Projekt</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="177"/>
        <source>QGIS projects (*.qgz *.qgs *.QGZ *.QGS)</source>
        <translation>QGIS-Projekte (*.qgz *.qgs *.QGZ *.QGS)</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="177"/>
        <source>The QGIS project the service draws (.qgz or .qgs); the cache remembers it. Empty: the project open in QGIS, which must be saved to a file.</source>
        <translation>Das QGIS-Projekt, das der Dienst zeichnet (.qgz oder .qgs); der Cache merkt es sich. Leer: das in QGIS geöffnete Projekt, das in einer Datei gespeichert sein muss.</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="182"/>
        <source>Map theme</source>
        <translation>Kartenthema</translation>
    </message>
    <message>
        <location filename="../algorithms/create_parameters.py" line="182"/>
        <source>The project&apos;s map theme whose layers are drawn. Empty: the layers visible as saved.</source>
        <translation>Das Kartenthema des Projekts, dessen Layer gezeichnet werden. Leer: die Layer, die wie gespeichert sichtbar sind.</translation>
    </message>
</context>
<context>
    <name>ExportMapServerCacheAlgorithm</name>
    <message>
        <location filename="../algorithms/export_map_server_cache.py" line="48"/>
        <source>Export Map Server Cache</source>
        <translation>Map-Server-Cache exportieren</translation>
    </message>
    <message>
        <location filename="../algorithms/export_map_server_cache.py" line="51"/>
        <source>arcgis,esri,arcpy,tile,cache,tpk,tpkx,bundle,export,package</source>
        <translation>arcgis,esri,arcpy,kachel,cache,tpk,tpkx,bundle,export,paket</translation>
    </message>
    <message>
        <location filename="../algorithms/export_map_server_cache.py" line="54"/>
        <source>Exports tiles of an ArcGIS Server service cache as a cache folder or a tile package.</source>
        <translation>Exportiert Kacheln eines ArcGIS-Server-Dienst-Caches als Cache-Ordner oder Kachelpaket.</translation>
    </message>
    <message>
        <location filename="../algorithms/export_map_server_cache.py" line="77"/>
        <source>Exported cache folder or package</source>
        <translation>Exportierter Cache-Ordner oder exportiertes Paket</translation>
    </message>
    <message>
        <location filename="../algorithms/export_map_server_cache.py" line="79"/>
        <source>Tiles exported</source>
        <translation>Exportierte Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/export_map_server_cache.py" line="79"/>
        <source>Tiles clipped</source>
        <translation>Zugeschnittene Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/export_map_server_cache.py" line="79"/>
        <source>Tiles skipped</source>
        <translation>Übersprungene Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/export_map_server_cache.py" line="79"/>
        <source>Damaged tiles</source>
        <translation>Beschädigte Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/export_map_server_cache.py" line="119"/>
        <source>Exporting {source} into {target} as {kind} ({storage}, {copy})</source>
        <translation>Exportiere {source} nach {target} als {kind} ({storage}, {copy})</translation>
    </message>
    <message>
        <location filename="../algorithms/export_map_server_cache.py" line="147"/>
        <source>{name}: give the folder to export into</source>
        <translation>{name}: geben Sie den Ordner an, in den exportiert wird</translation>
    </message>
    <message>
        <location filename="../algorithms/export_map_server_cache.py" line="57"/>
        <source>Copies tiles of a map or image service cache on disk into a cache folder or a tile package, as ArcGIS Server&apos;s tool of the same name does. The service is only read.

A cache dataset (CACHE_DATASET) goes to &lt;target cache path&gt;/&lt;service cache folder&gt;/&lt;data frame&gt; in the chosen storage format (COMPACT, COMPACT_V2 or EXPLODED): tiles keep their bytes. A tile package (TILE_PACKAGE) is a .tpk for COMPACT and a .tpkx for COMPACT_V2, with item info (summary, tags, extent) and a thumbnail drawn from the tiles; an exploded package is refused.

Choose the levels by scale, limit the export to an extent or to polygons (tiles on the boundary are clipped pixel by pixel). An earlier export in the same place is blended into (MERGE) or its tiles replaced (OVERWRITE). COPY_DATA writes in the server&apos;s output folder (arcgissystem/arcgisoutput) first, then copies the result to the target.

MBTILES, GEOPACKAGE and TILE_FOLDER write the tiles for QGIS, GDAL and web maps: an MBTiles file (rows flipped, TMS), a GeoPackage tile table (the cache&apos;s own grid as its tile matrix set) or a {z}/{x}/{y} folder (XYZ or TMS rows). MBTiles and tile folders take the ArcGIS Online grid (Web Mercator, 256 px): each level goes to the zoom of the same resolution.</source>
        <translation>Kopiert Kacheln des Caches eines Karten- oder Bilddienstes auf der Festplatte in einen Cache-Ordner oder ein Kachelpaket, wie das gleichnamige Werkzeug von ArcGIS Server. Der Dienst wird nur gelesen.

Ein Cache-Datensatz (CACHE_DATASET) kommt nach &lt;Ziel-Cache-Pfad&gt;/&lt;Cache-Ordner des Dienstes&gt;/&lt;Datenrahmen&gt; im gewählten Speicherformat (COMPACT, COMPACT_V2 oder EXPLODED): Kacheln behalten ihre Bytes. Ein Kachelpaket (TILE_PACKAGE) ist eine .tpk bei COMPACT und eine .tpkx bei COMPACT_V2, mit Elementinformationen (Zusammenfassung, Tags, Ausdehnung) und einem aus den Kacheln gezeichneten Vorschaubild; ein Paket im Format EXPLODED wird abgelehnt.

Wählen Sie die Stufen nach Maßstab, begrenzen Sie den Export auf eine Ausdehnung oder auf Polygone (Kacheln am Rand werden pixelgenau zugeschnitten). In einen früheren Export am selben Ort wird hineingeblendet (MERGE), oder seine Kacheln werden ersetzt (OVERWRITE). COPY_DATA schreibt zuerst in den Ausgabeordner des Servers (arcgissystem/arcgisoutput) und kopiert das Ergebnis dann ins Ziel.

MBTILES, GEOPACKAGE und TILE_FOLDER schreiben die Kacheln für QGIS, GDAL und Webkarten: eine MBTiles-Datei (Zeilen gespiegelt, TMS), eine GeoPackage-Kacheltabelle (das eigene Raster des Caches als Kachelmatrix-Satz) oder einen Ordner {z}/{x}/{y} (Zeilen XYZ oder TMS). MBTiles und Kachelordner verlangen das Raster von ArcGIS Online (Web Mercator, 256 px): jede Stufe kommt in die Zoomstufe derselben Auflösung.</translation>
    </message>
</context>
<context>
    <name>ExportParameters</name>
    <message>
        <location filename="../algorithms/export_parameters.py" line="58"/>
        <source>Export report</source>
        <translation>Exportbericht</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="58"/>
        <source>HTML files (*.html)</source>
        <translation>HTML-Dateien (*.html)</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="61"/>
        <source>An HTML page with the counts of the export, level by level.</source>
        <translation>Eine HTML-Seite mit den Zahlen des Exports, Stufe für Stufe.</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="66"/>
        <source>Input service</source>
        <translation>Eingabedienst</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="66"/>
        <source>The service whose cache tiles are exported: its cache folder (the data-frame folder holding conf.xml, or the service folder above it) or a string such as GIS Servers/&lt;connection&gt;/[&lt;folder&gt;/]&lt;service&gt;.MapServer, resolved through the plugin&apos;s server connections. It is only read.</source>
        <translation>Der Dienst, dessen Cache-Kacheln exportiert werden: sein Cache-Ordner (der Datenrahmen-Ordner mit conf.xml oder der Dienstordner darüber) oder eine Zeichenkette wie GIS Servers/&lt;Verbindung&gt;/[&lt;Ordner&gt;/]&lt;Dienst&gt;.MapServer, aufgelöst über die Serververbindungen des Plugins. Er wird nur gelesen.</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="71"/>
        <source>Target cache path</source>
        <translation>Ziel-Cache-Pfad</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="71"/>
        <source>An existing folder receiving the export: a cache dataset goes to &lt;target cache path&gt;/&lt;service cache folder&gt;/&lt;data frame&gt; (as in arcgiscache), a tile package to &lt;target cache path&gt;/&lt;service cache folder&gt;.tpk or .tpkx.</source>
        <translation>Ein vorhandener Ordner, der den Export aufnimmt: ein Cache-Datensatz kommt nach &lt;Ziel-Cache-Pfad&gt;/&lt;Cache-Ordner des Dienstes&gt;/&lt;Datenrahmen&gt; (wie in arcgiscache), ein Kachelpaket nach &lt;Ziel-Cache-Pfad&gt;/&lt;Cache-Ordner des Dienstes&gt;.tpk oder .tpkx.</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="76"/>
        <source>Export cache type</source>
        <translation>Export-Cache-Typ</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="76"/>
        <source>Cache dataset (CACHE_DATASET)</source>
        <translation>Cache-Datensatz (CACHE_DATASET)</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="76"/>
        <source>Tile package (TILE_PACKAGE)</source>
        <translation>Kachelpaket (TILE_PACKAGE)</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="88"/>
        <source>Copy data from server</source>
        <translation>Daten vom Server kopieren</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="88"/>
        <source>Write the export in the server&apos;s output folder (arcgissystem/arcgisoutput) first and copy the result to the target cache path, then remove the staged copy (COPY_DATA); for a target the server account cannot write. Off: written in place (DO_NOT_COPY).</source>
        <translation>Den Export zuerst in den Ausgabeordner des Servers (arcgissystem/arcgisoutput) schreiben, das Ergebnis in den Ziel-Cache-Pfad kopieren und die Zwischenkopie dann entfernen (COPY_DATA); für ein Ziel, in das das Serverkonto nicht schreiben kann. Aus: direkt an Ort und Stelle geschrieben (DO_NOT_COPY).</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="93"/>
        <source>Storage format</source>
        <translation>Speicherformat</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="93"/>
        <source>Compact (COMPACT)</source>
        <translation>Kompakt (COMPACT)</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="93"/>
        <source>Compact V2 (COMPACT_V2)</source>
        <translation>Kompakt V2 (COMPACT_V2)</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="93"/>
        <source>Exploded (EXPLODED)</source>
        <translation>Einzeldateien (EXPLODED)</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="93"/>
        <source>How the exported tiles are stored, whatever the service&apos;s storage: compact V1 bundles, compact V2 bundles or one file per tile. Tiles keep their bytes. A tile package cannot be exploded.</source>
        <translation>Wie die exportierten Kacheln gespeichert werden, unabhängig vom Speicherformat des Dienstes: Compact-V1-Bundles, Compact-V2-Bundles oder eine Datei je Kachel. Kacheln behalten ihre Bytes. Ein Kachelpaket kann nicht aus Einzeldateien bestehen.</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="100"/>
        <source>Scales</source>
        <translation>Maßstäbe</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="100"/>
        <source>The scales of the levels to export, separated by semicolons (e.g. 500000;250000), or a list of numbers from Python. Every scale must be one the service caches. Empty: every level.</source>
        <translation>Die Maßstäbe der zu exportierenden Stufen, durch Semikolons getrennt (z. B. 500000;250000), oder eine Liste von Zahlen aus Python. Jeder Maßstab muss einer sein, den der Dienst cacht. Leer: jede Stufe.</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="104"/>
        <source>Number of parallel workers</source>
        <translation>Anzahl paralleler Arbeitsprozesse</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="104"/>
        <source>How many worker processes export tiles at the same time (on a Dask cluster named for the service&apos;s connection: tasks in flight). Empty: one per processor core.</source>
        <translation>Wie viele Arbeitsprozesse gleichzeitig Kacheln exportieren (auf einem für die Verbindung des Dienstes genannten Dask-Cluster: laufende Aufgaben). Leer: einer je Prozessorkern.</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="109"/>
        <source>Area of interest</source>
        <translation>Interessengebiet</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="109"/>
        <source>Polygons limiting the export, in any CRS (all features united). Tiles on the boundary are clipped: a pixel is exported when its centre lies inside.</source>
        <translation>Polygone, die den Export begrenzen, in beliebigem KBS (alle Objekte werden vereinigt). Kacheln am Rand werden zugeschnitten: ein Pixel wird exportiert, wenn sein Mittelpunkt innen liegt.</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="114"/>
        <source>Export extent</source>
        <translation>Exportausdehnung</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="114"/>
        <source>Export only the tiles that intersect this rectangle, in any CRS. Empty: the service&apos;s full extent. An area of interest takes precedence.</source>
        <translation>Nur die Kacheln exportieren, die dieses Rechteck schneiden, in beliebigem KBS. Leer: die volle Ausdehnung des Dienstes. Ein Interessengebiet hat Vorrang.</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="118"/>
        <source>Overwrite tiles</source>
        <translation>Kacheln überschreiben</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="118"/>
        <source>When an earlier export is in the same place: On (OVERWRITE), exported pixels replace its tiles; off (MERGE, the default), they are blended over them. Its other tiles stay.</source>
        <translation>Wenn am selben Ort ein früherer Export liegt: An (OVERWRITE): exportierte Pixel ersetzen seine Kacheln; aus (MERGE, die Vorgabe): sie werden über sie geblendet. Seine übrigen Kacheln bleiben.</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="76"/>
        <source>MBTiles file (MBTILES)</source>
        <translation>MBTiles-Datei (MBTILES)</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="76"/>
        <source>GeoPackage tiles (GEOPACKAGE)</source>
        <translation>GeoPackage-Kacheln (GEOPACKAGE)</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="76"/>
        <source>XYZ tile folder (TILE_FOLDER)</source>
        <translation>XYZ-Kachelordner (TILE_FOLDER)</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="76"/>
        <source>A cache folder that other caches can import and GIS software can open (CACHE_DATASET), one tile package file (TILE_PACKAGE): .tpk for COMPACT storage, .tpkx for COMPACT_V2; or an open format for QGIS, GDAL and web maps: &lt;service cache folder&gt;.mbtiles (MBTILES), .gpkg (GEOPACKAGE) or a &lt;service cache folder&gt;/{z}/{x}/{y} folder (TILE_FOLDER). MBTiles and tile folders need the ArcGIS Online / Google grid (Web Mercator, 256 px); the storage format is not used for them.</source>
        <translation>Ein Cache-Ordner, den andere Caches importieren und GIS-Programme öffnen können (CACHE_DATASET), eine Kachelpaket-Datei (TILE_PACKAGE): .tpk bei COMPACT, .tpkx bei COMPACT_V2; oder ein offenes Format für QGIS, GDAL und Webkarten: &lt;Cache-Ordner des Dienstes&gt;.mbtiles (MBTILES), .gpkg (GEOPACKAGE) oder ein Ordner &lt;Cache-Ordner des Dienstes&gt;/{z}/{x}/{y} (TILE_FOLDER). MBTiles und Kachelordner verlangen das Raster von ArcGIS Online / Google (Web Mercator, 256 px); das Speicherformat gilt für sie nicht.</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="122"/>
        <source>Tile folder row order</source>
        <translation>Zeilenfolge des Kachelordners</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="122"/>
        <source>XYZ (rows from the top)</source>
        <translation>XYZ (Zeilen von oben)</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="122"/>
        <source>TMS (rows from the bottom)</source>
        <translation>TMS (Zeilen von unten)</translation>
    </message>
    <message>
        <location filename="../algorithms/export_parameters.py" line="122"/>
        <source>How a TILE_FOLDER export numbers its rows: XYZ ({z}/{x}/{y} with y from the top, as web maps and QGIS&apos;s XYZ connections read them, the default) or TMS (y from the bottom).</source>
        <translation>Wie ein Export als TILE_FOLDER seine Zeilen nummeriert: XYZ ({z}/{x}/{y} mit y von oben, wie Webkarten und die XYZ-Verbindungen von QGIS sie lesen, die Voreinstellung) oder TMS (y von unten).</translation>
    </message>
</context>
<context>
    <name>ExportReport</name>
    <message>
        <location filename="../algorithms/export_report.py" line="20"/>
        <source>Export Map Server Cache</source>
        <translation>Map-Server-Cache exportieren</translation>
    </message>
    <message>
        <location filename="../algorithms/export_report.py" line="23"/>
        <source>Exported</source>
        <translation>Exportiert</translation>
    </message>
    <message>
        <location filename="../algorithms/export_report.py" line="29"/>
        <source>Exported {imported} tiles to {target} in {seconds:.1f} s ({megabytes:.1f} MB written): {clipped} clipped, {skipped} skipped, {damaged} damaged</source>
        <translation>{imported} Kacheln nach {target} exportiert in {seconds:.1f} s ({megabytes:.1f} MB geschrieben): {clipped} zugeschnitten, {skipped} übersprungen, {damaged} beschädigt</translation>
    </message>
</context>
<context>
    <name>ImportMapServerCacheAlgorithm</name>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="49"/>
        <source>Import Map Server Cache</source>
        <translation>Map-Server-Cache importieren</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="52"/>
        <source>arcgis,esri,arcpy,tile,cache,tpk,tpkx,bundle,import,merge,overwrite</source>
        <translation>arcgis,esri,arcpy,kachel,cache,kachelcache,tpk,tpkx,bundle,import,zusammenführen,überschreiben</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="55"/>
        <source>Imports tiles from a cache folder or a tile package into an ArcGIS Server service cache.</source>
        <translation>Importiert Kacheln aus einem Cache-Ordner oder einem Kachelpaket in den Cache eines ArcGIS-Server-Dienstes.</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="59"/>
        <source>Copies tiles from an exported cache folder or a tile package (.tpk, .tpkx) into the cache of a map or image service on disk, as ArcGIS Server&apos;s tool of the same name does. Source and target must share tiling scheme, storage format and tile format.

Choose the levels by scale, limit the import to an extent or to polygons (tiles on the boundary are clipped pixel by pixel), and either blend the new tiles over the old ones (MERGE, the default) or replace them (OVERWRITE).

Parameters take arcpy&apos;s words as well: CACHE_DATASET / TILE_PACKAGE, UPLOAD_DATA / DO_NOT_UPLOAD, OVERWRITE / MERGE, and scales as &quot;500000;250000&quot;.</source>
        <translation>Kopiert Kacheln aus einem exportierten Cache-Ordner oder einem Kachelpaket (.tpk, .tpkx) in den Cache eines Karten- oder Bilddienstes auf der Festplatte, wie es das gleichnamige Werkzeug von ArcGIS Server tut. Quelle und Ziel müssen Kachelschema, Speicherformat und Kachelformat gemeinsam haben.

Wählen Sie die Ebenen über ihren Maßstab, beschränken Sie den Import auf eine Ausdehnung oder auf Polygone (Kacheln am Rand werden pixelgenau zugeschnitten) und blenden Sie die neuen Kacheln entweder über die alten (MERGE, die Vorgabe) oder ersetzen Sie sie (OVERWRITE).

Die Parameter verstehen auch die Schlüsselwörter von arcpy: CACHE_DATASET / TILE_PACKAGE, UPLOAD_DATA / DO_NOT_UPLOAD, OVERWRITE / MERGE sowie Maßstäbe als „500000;250000“.</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="70"/>
        <source>Import report</source>
        <translation>Importbericht</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="70"/>
        <source>An HTML page with the counts of the import, level by level.</source>
        <translation>Eine HTML-Seite mit den Zählungen des Imports, Ebene für Ebene.</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="72"/>
        <source>Target cache folder</source>
        <translation>Ziel-Cache-Ordner</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="74"/>
        <source>Tiles imported</source>
        <translation>Importierte Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="74"/>
        <source>Tiles blended</source>
        <translation>Überblendete Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="74"/>
        <source>Tiles clipped</source>
        <translation>Zugeschnittene Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="74"/>
        <source>Tiles skipped</source>
        <translation>Übersprungene Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="74"/>
        <source>Damaged source tiles</source>
        <translation>Beschädigte Quellkacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="111"/>
        <source>Importing {source} into {target} ({mode})</source>
        <translation>Importiere {source} nach {target} ({mode})</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="176"/>
        <source>a cache folder</source>
        <translation>einen Cache-Ordner</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="178"/>
        <source>a tile package (.tpk or .tpkx)</source>
        <translation>ein Kachelpaket (.tpk oder .tpkx)</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="183"/>
        <source>source_cache_type is {type}: give {name}, {kind}</source>
        <translation>source_cache_type ist {type}: geben Sie {name} an, {kind}</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="205"/>
        <source>{name}: {path} is not a folder</source>
        <translation>{name}: {path} ist kein Ordner</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="208"/>
        <source>{name}: {path} is not a .tpk or .tpkx file</source>
        <translation>{name}: {path} ist keine .tpk- oder .tpkx-Datei</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="188"/>
        <source>{name}: {path} is a tile package, not a folder: give it as source_tile_package, with source_cache_type TILE_PACKAGE</source>
        <translation>{name}: {path} ist ein Kachelpaket, kein Ordner: als source_tile_package angeben, mit source_cache_type TILE_PACKAGE</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="197"/>
        <source>{name}: {path} is a folder, not a .tpk or .tpkx file: give it as source_cache_dataset, with source_cache_type CACHE_DATASET</source>
        <translation>{name}: {path} ist ein Ordner, keine .tpk- oder .tpkx-Datei: als source_cache_dataset angeben, mit source_cache_type CACHE_DATASET</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="73"/>
        <source>Updated target cache</source>
        <translation>Aktualisierter Ziel-Cache</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="177"/>
        <source>a {z}/{x}/{y} tile folder</source>
        <translation>einen Kachelordner {z}/{x}/{y}</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="179"/>
        <source>an MBTiles file</source>
        <translation>eine MBTiles-Datei</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="180"/>
        <source>a GeoPackage file</source>
        <translation>eine GeoPackage-Datei</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="192"/>
        <source>{name}: {path} is a file, not a folder: give it as source_tile_package, with source_cache_type {other}</source>
        <translation>{name}: {path} ist eine Datei, kein Ordner: geben Sie sie als source_tile_package an, mit source_cache_type {other}</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="201"/>
        <source>{name}: {path} is a folder, not a file: give it as source_cache_dataset, with source_cache_type CACHE_DATASET or TILE_FOLDER</source>
        <translation>{name}: {path} ist ein Ordner, keine Datei: geben Sie ihn als source_cache_dataset an, mit source_cache_type CACHE_DATASET oder TILE_FOLDER</translation>
    </message>
    <message>
        <location filename="../algorithms/import_map_server_cache.py" line="211"/>
        <source>{name}: {path} is not a file</source>
        <translation>{name}: {path} ist keine Datei</translation>
    </message>
</context>
<context>
    <name>ImportParameters</name>
    <message>
        <location filename="../algorithms/parameters.py" line="98"/>
        <source>HTML files (*.html)</source>
        <translation>HTML-Dateien (*.html)</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="107"/>
        <source>Input service</source>
        <translation>Eingabedienst</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="107"/>
        <source>The service whose cache receives the tiles: its cache folder (the data-frame folder holding conf.xml, or the service folder above it) or a string such as GIS Servers/&lt;connection&gt;/[&lt;folder&gt;/]&lt;service&gt;.MapServer, resolved through the server connections of the plugin settings or of the MAP_SERVER_CACHE_SERVERS environment variable.</source>
        <translation>Der Dienst, dessen Cache die Kacheln aufnimmt: sein Cache-Ordner (der Datenrahmen-Ordner mit conf.xml oder der Dienstordner darüber) oder eine Angabe wie GIS Servers/&lt;Verbindung&gt;/[&lt;Ordner&gt;/]&lt;Dienst&gt;.MapServer, aufgelöst über die Serververbindungen der Plugin-Einstellungen oder der Umgebungsvariablen MAP_SERVER_CACHE_SERVERS.</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="113"/>
        <source>Source cache type</source>
        <translation>Art des Quell-Caches</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="113"/>
        <source>Cache dataset (CACHE_DATASET)</source>
        <translation>Cache-Datensatz (CACHE_DATASET)</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="113"/>
        <source>Tile package (TILE_PACKAGE)</source>
        <translation>Kachelpaket (TILE_PACKAGE)</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="123"/>
        <source>Source cache dataset</source>
        <translation>Quell-Cache-Datensatz</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="123"/>
        <source>The cache folder to import from, usually one exported earlier: the folder named after the data frame (holding conf.xml), or the service folder above it. Used with CACHE_DATASET.</source>
        <translation>Der Cache-Ordner, aus dem importiert wird, meist ein zuvor exportierter: der nach dem Datenrahmen benannte Ordner (mit conf.xml) oder der Dienstordner darüber. Gilt für CACHE_DATASET.</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="128"/>
        <source>Source tile package</source>
        <translation>Quell-Kachelpaket</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="136"/>
        <source>Upload data to server</source>
        <translation>Daten auf den Server hochladen</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="136"/>
        <source>Copy the source into the server&apos;s uploads folder (arcgissystem/arcgisuploads) and import from the copy, which is removed afterwards (UPLOAD_DATA). Off by default (DO_NOT_UPLOAD).</source>
        <translation>Die Quelle in den Upload-Ordner des Servers (arcgissystem/arcgisuploads) kopieren und aus der Kopie importieren, die danach entfernt wird (UPLOAD_DATA). Standardmäßig aus (DO_NOT_UPLOAD).</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="141"/>
        <source>Scales</source>
        <translation>Maßstäbe</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="141"/>
        <source>The scales of the levels to import, separated by semicolons (e.g. 500000;250000), or a list of numbers from Python. Every scale must be one the target caches. Empty: every level that source and target share.</source>
        <translation>Die Maßstäbe der zu importierenden Ebenen, durch Semikolon getrennt (z. B. 500000;250000), oder eine Zahlenliste aus Python. Jeder Maßstab muss im Ziel-Cache vorkommen. Leer: alle Ebenen, die Quelle und Ziel gemeinsam haben.</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="145"/>
        <source>Number of parallel workers</source>
        <translation>Anzahl paralleler Arbeitsprozesse</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="145"/>
        <source>How many worker processes of the local pool import tiles at the same time, each owning whole bundles (bundles copied whole as files, on as many threads); on a Dask cluster (a scheduler named for the service&apos;s connection), how many tasks are in flight at once. Empty: one process per processor core, or every worker thread of the cluster.</source>
        <translation>Wie viele Arbeitsprozesse des lokalen Pools gleichzeitig Kacheln importieren, jeder für ganze Bundles zuständig (als ganze Dateien kopierte Bundles auf ebenso vielen Threads); auf einem Dask-Cluster (ein Scheduler, der für die Verbindung des Dienstes eingetragen ist), wie viele Aufgaben dort zugleich in Arbeit sind. Leer: ein Prozess je Prozessorkern bzw. jeder Worker-Thread des Clusters.</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="153"/>
        <source>Import extent</source>
        <translation>Importausdehnung</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="153"/>
        <source>Import only the tiles that intersect this rectangle, given in any CRS. Empty: the full extent of the target service. An area of interest takes precedence.</source>
        <translation>Nur die Kacheln importieren, die dieses Rechteck schneiden; es darf in einem beliebigen KBS angegeben sein. Leer: die volle Ausdehnung des Zieldienstes. Ein Interessengebiet hat Vorrang.</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="157"/>
        <source>Area of interest</source>
        <translation>Interessengebiet</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="157"/>
        <source>Polygons limiting the import, in any CRS (all features are united; &quot;selected features only&quot; is honoured). Tiles on the boundary are clipped: a pixel is imported when its centre lies inside.</source>
        <translation>Polygone, die den Import begrenzen, in beliebigem KBS (alle Objekte werden vereinigt; „Nur gewählte Objekte“ wird beachtet). Kacheln am Rand werden zugeschnitten: ein Pixel wird importiert, wenn sein Mittelpunkt innen liegt.</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="163"/>
        <source>Overwrite tiles</source>
        <translation>Kacheln überschreiben</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="163"/>
        <source>On (OVERWRITE): imported pixels replace the target&apos;s, transparent ones included. Off (MERGE, the default): imported tiles are blended over the target&apos;s tiles.</source>
        <translation>An (OVERWRITE): importierte Pixel ersetzen die des Ziels, auch transparente. Aus (MERGE, die Vorgabe): importierte Kacheln werden über die Kacheln des Ziels geblendet.</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="113"/>
        <source>MBTiles file (MBTILES)</source>
        <translation>MBTiles-Datei (MBTILES)</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="113"/>
        <source>GeoPackage tiles (GEOPACKAGE)</source>
        <translation>GeoPackage-Kacheln (GEOPACKAGE)</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="113"/>
        <source>XYZ tile folder (TILE_FOLDER)</source>
        <translation>XYZ-Kachelordner (TILE_FOLDER)</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="113"/>
        <source>Where the tiles come from: a cache folder (CACHE_DATASET), a tile package (TILE_PACKAGE), an MBTiles file (MBTILES) or a GeoPackage tile table (GEOPACKAGE) given as the source tile package, or a {z}/{x}/{y} tile folder (TILE_FOLDER) given as the source cache dataset.</source>
        <translation>Woher die Kacheln kommen: ein Cache-Ordner (CACHE_DATASET), ein Kachelpaket (TILE_PACKAGE), eine MBTiles-Datei (MBTILES) oder eine GeoPackage-Kacheltabelle (GEOPACKAGE), angegeben als Quell-Kachelpaket, oder ein Kachelordner {z}/{x}/{y} (TILE_FOLDER), angegeben als Quell-Cache-Datensatz.</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="128"/>
        <source>Tile packages and tile files (*.tpk *.tpkx *.mbtiles *.gpkg *.TPK *.TPKX *.MBTILES *.GPKG)</source>
        <translation>Kachelpakete und Kacheldateien (*.tpk *.tpkx *.mbtiles *.gpkg *.TPK *.TPKX *.MBTILES *.GPKG)</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="128"/>
        <source>The tile package (.tpk or .tpkx) to import from, used with TILE_PACKAGE (a package is always staged in the server&apos;s uploads folder first); or the MBTiles or GeoPackage file, used with MBTILES and GEOPACKAGE.</source>
        <translation>Das Kachelpaket (.tpk oder .tpkx), aus dem importiert wird, mit TILE_PACKAGE (ein Paket wird immer zuerst in den Upload-Ordner des Servers kopiert); oder die MBTiles- oder GeoPackage-Datei, mit MBTILES und GEOPACKAGE.</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="167"/>
        <source>Tile folder row order</source>
        <translation>Zeilenfolge des Kachelordners</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="167"/>
        <source>XYZ (rows from the top)</source>
        <translation>XYZ (Zeilen von oben)</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="167"/>
        <source>TMS (rows from the bottom)</source>
        <translation>TMS (Zeilen von unten)</translation>
    </message>
    <message>
        <location filename="../algorithms/parameters.py" line="167"/>
        <source>How a TILE_FOLDER source numbers its rows: XYZ ({z}/{x}/{y} with y from the top, as QGIS&apos;s Generate XYZ tiles and web maps write them, the default) or TMS (y from the bottom).</source>
        <translation>Wie eine Quelle TILE_FOLDER ihre Zeilen nummeriert: XYZ ({z}/{x}/{y} mit y von oben, wie „XYZ-Kacheln erzeugen“ von QGIS und Webkarten sie schreiben, die Voreinstellung) oder TMS (y von unten).</translation>
    </message>
</context>
<context>
    <name>ImportReport</name>
    <message>
        <location filename="../algorithms/report.py" line="23"/>
        <source>Target cache folder</source>
        <translation>Ziel-Cache-Ordner</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="34"/>
        <source>{} (selected features only)</source>
        <translation>{} (nur gewählte Objekte)</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="49"/>
        <source>Level {level} (1:{scale:,.0f}): {written} of {tiles} tiles written, {blended} blended, {clipped} clipped, {skipped} skipped, {damaged} damaged</source>
        <translation>Ebene {level} (1:{scale:,.0f}): {written} von {tiles} Kacheln geschrieben, {blended} überblendet, {clipped} zugeschnitten, {skipped} übersprungen, {damaged} beschädigt</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="62"/>
        <source>Imported {imported} tiles into {target} in {seconds:.1f} s ({megabytes:.1f} MB written): {blended} blended, {clipped} clipped, {skipped} skipped, {damaged} damaged</source>
        <translation>{imported} Kacheln in {seconds:.1f} s nach {target} importiert ({megabytes:.1f} MB geschrieben): {blended} überblendet, {clipped} zugeschnitten, {skipped} übersprungen, {damaged} beschädigt</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="68"/>
        <source>{damaged} damaged source tiles were skipped; the target keeps its own tiles there</source>
        <translation>{damaged} beschädigte Quellkacheln wurden übersprungen; dort behält das Ziel seine eigenen Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="82"/>
        <source>Level</source>
        <translation>Ebene</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="82"/>
        <source>Scale</source>
        <translation>Maßstab</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="82"/>
        <source>Resolution</source>
        <translation>Auflösung</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="82"/>
        <source>Tiles</source>
        <translation>Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="83"/>
        <source>Bundles</source>
        <translation>Bundles</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="83"/>
        <source>Copied raw</source>
        <translation>Unverändert kopiert</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="93"/>
        <source>Blended</source>
        <translation>Überblendet</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="94"/>
        <source>Clipped</source>
        <translation>Zugeschnitten</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="85"/>
        <source>Skipped outside</source>
        <translation>Außerhalb übersprungen</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="85"/>
        <source>Skipped empty</source>
        <translation>Leer übersprungen</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="95"/>
        <source>Damaged</source>
        <translation>Beschädigt</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="86"/>
        <source>Written</source>
        <translation>Geschrieben</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="78"/>
        <source>Imported</source>
        <translation>Importiert</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="94"/>
        <source>Skipped</source>
        <translation>Übersprungen</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="96"/>
        <source>Bytes written</source>
        <translation>Geschriebene Bytes</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="97"/>
        <source>Seconds</source>
        <translation>Sekunden</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="74"/>
        <source>Import Map Server Cache</source>
        <translation>Map-Server-Cache importieren</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="117"/>
        <source>Inputs</source>
        <translation>Eingaben</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="118"/>
        <source>Totals</source>
        <translation>Summen</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="119"/>
        <source>Levels</source>
        <translation>Ebenen</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="56"/>
        <source>Preview: {imported} tiles would be written into {target} ({megabytes:.1f} MB, {estimated:.1f} MB of it estimated): {blended} blended, {clipped} clipped, {skipped} skipped, {damaged} damaged; nothing was written</source>
        <translation>Vorschau: {imported} Kacheln würden in {target} geschrieben ({megabytes:.1f} MB, davon {estimated:.1f} MB geschätzt): {blended} überblendet, {clipped} zugeschnitten, {skipped} übersprungen, {damaged} beschädigt; es wurde nichts geschrieben</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="83"/>
        <source>Bundles copied whole</source>
        <translation>Ganz kopierte Bundles</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="101"/>
        <source>Preview of Import Map Server Cache</source>
        <translation>Vorschau: Map-Server-Cache importieren</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="102"/>
        <source>Tiles to write</source>
        <translation>Zu schreibende Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="103"/>
        <source>Bytes to write</source>
        <translation>Zu schreibende Bytes</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="104"/>
        <source>Nothing was written: these are the planned outcomes. Copies are counted with the exact size of their source tiles; blends and clips ({estimated} bytes of the total) are estimated by the size of their source tiles. Tiles opaque by their format (JPEG, PNG without alpha) replace the target&apos;s tiles instead of being blended.</source>
        <translation>Es wurde nichts geschrieben: Dies sind die geplanten Ergebnisse. Kopien werden mit der genauen Größe ihrer Quellkacheln gezählt; Überblendungen und Zuschnitte ({estimated} Bytes der Summe) werden nach der Größe ihrer Quellkacheln geschätzt. Durch ihr Format deckende Kacheln (JPEG, PNG ohne Alpha) ersetzen die Kacheln des Ziels, statt überblendet zu werden.</translation>
    </message>
</context>
<context>
    <name>ManageMapServerCacheStatusAlgorithm</name>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="88"/>
        <source>Manage Map Server Cache Status</source>
        <translation>Status des Map-Server-Caches verwalten</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="91"/>
        <source>arcgis,esri,arcpy,tile,cache,bundle,status,report,geopackage</source>
        <translation>arcgis,esri,arcpy,kachel,cache,bundle,status,bericht,geopackage</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="94"/>
        <source>Reports what a service&apos;s cache holds, bundle by bundle, as a GeoPackage and a report.</source>
        <translation>Berichtet Bundle für Bundle, was der Cache eines Dienstes enthält, als GeoPackage und Bericht.</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="98"/>
        <source>Reads every bundle of a map or image service cache on disk (or those of the chosen scales, extent or area of interest) and records its tiles, bytes, dead bytes (space no tile uses any more) and damaged tiles, as ArcGIS Server&apos;s tool of the same name does with Status.gdb.

REPORT_BUNDLE_STATUS writes Status.gpkg, one polygon per bundle, into the report folder and loads it on the map, styled by tile count. REBUILD_CACHE_STATUS writes the same Status.gpkg into the service&apos;s cache folder (where ArcGIS keeps Status.gdb). DELETE_CACHE_STATUS removes that file. ArcGIS&apos;s Status.gdb is never changed. The HTML report has the totals per level and a coverage picture of each level.</source>
        <translation>Liest jedes Bundle eines Karten- oder Bilddienst-Caches auf der Festplatte (oder die der gewählten Maßstäbe, Ausdehnung oder Interessengebiet) und erfasst Kacheln, Bytes, tote Bytes (Platz, den keine Kachel mehr nutzt) und beschädigte Kacheln, wie das gleichnamige Werkzeug von ArcGIS Server mit Status.gdb.

REPORT_BUNDLE_STATUS schreibt Status.gpkg, ein Polygon pro Bundle, in den Berichtsordner und lädt es, nach Kachelanzahl gestaltet, in die Karte. REBUILD_CACHE_STATUS schreibt dieselbe Status.gpkg in den Cache-Ordner des Dienstes (wo ArcGIS Status.gdb ablegt). DELETE_CACHE_STATUS entfernt diese Datei. Die Status.gdb von ArcGIS wird nie verändert. Der HTML-Bericht enthält die Summen je Stufe und ein Abdeckungsbild jeder Stufe.</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="109"/>
        <source>Input service</source>
        <translation>Eingabedienst</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="110"/>
        <source>The service whose cache is read: its cache folder (the data-frame folder holding conf.xml, or the service folder above it) or a string such as GIS Servers/&lt;connection&gt;/[&lt;folder&gt;/]&lt;service&gt;.MapServer.</source>
        <translation>Der Dienst, dessen Cache gelesen wird: sein Cache-Ordner (der Datenrahmen-Ordner mit conf.xml oder der Dienstordner darüber) oder eine Zeichenkette wie GIS Servers/&lt;Verbindung&gt;/[&lt;Ordner&gt;/]&lt;Dienst&gt;.MapServer.</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="114"/>
        <source>Manage mode</source>
        <translation>Verwaltungsmodus</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="114"/>
        <source>Rebuild cache status (REBUILD_CACHE_STATUS)</source>
        <translation>Cache-Status neu aufbauen (REBUILD_CACHE_STATUS)</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="114"/>
        <source>Delete cache status (DELETE_CACHE_STATUS)</source>
        <translation>Cache-Status löschen (DELETE_CACHE_STATUS)</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="114"/>
        <source>Report bundle status (REPORT_BUNDLE_STATUS)</source>
        <translation>Bundle-Status berichten (REPORT_BUNDLE_STATUS)</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="114"/>
        <source>REPORT_BUNDLE_STATUS (the default): Status.gpkg in the report folder. REBUILD_CACHE_STATUS: Status.gpkg in the service&apos;s cache folder. DELETE_CACHE_STATUS: remove that file.</source>
        <translation>REPORT_BUNDLE_STATUS (Standard): Status.gpkg im Berichtsordner. REBUILD_CACHE_STATUS: Status.gpkg im Cache-Ordner des Dienstes. DELETE_CACHE_STATUS: diese Datei entfernen.</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="121"/>
        <source>Scales</source>
        <translation>Maßstäbe</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="122"/>
        <source>The scales of the levels to read, separated by semicolons. Empty: every level.</source>
        <translation>Die Maßstäbe der zu lesenden Stufen, durch Semikolons getrennt. Leer: alle Stufen.</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="125"/>
        <source>Number of parallel readers</source>
        <translation>Anzahl paralleler Leser</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="129"/>
        <source>How many bundles are read at the same time (threads). Empty: 4.</source>
        <translation>Wie viele Bundles gleichzeitig gelesen werden (Threads). Leer: 4.</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="131"/>
        <source>Report folder</source>
        <translation>Berichtsordner</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="131"/>
        <source>Where REPORT_BUNDLE_STATUS writes Status.gpkg (an existing one is replaced).</source>
        <translation>Wohin REPORT_BUNDLE_STATUS Status.gpkg schreibt (eine vorhandene wird ersetzt).</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="134"/>
        <source>Area of interest</source>
        <translation>Interessengebiet</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="134"/>
        <source>Only bundles intersecting these polygons, in any CRS.</source>
        <translation>Nur Bundles, die diese Polygone schneiden, in beliebigem KBS.</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="137"/>
        <source>Report extent</source>
        <translation>Berichtsausdehnung</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="137"/>
        <source>Only bundles intersecting this rectangle, in any CRS. An area of interest takes precedence.</source>
        <translation>Nur Bundles, die dieses Rechteck schneiden, in beliebigem KBS. Ein Interessengebiet hat Vorrang.</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="140"/>
        <source>Status report</source>
        <translation>Statusbericht</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="140"/>
        <source>HTML files (*.html)</source>
        <translation>HTML-Dateien (*.html)</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="216"/>
        <source>Bundle status</source>
        <translation>Bundle-Status</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="144"/>
        <source>Bundles</source>
        <translation>Bundles</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="144"/>
        <source>Tiles</source>
        <translation>Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="144"/>
        <source>Damaged tiles</source>
        <translation>Beschädigte Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="187"/>
        <source>Removed {path}</source>
        <translation>{path} entfernt</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="187"/>
        <source>{path} did not exist: nothing to remove</source>
        <translation>{path} existierte nicht: nichts zu entfernen</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="195"/>
        <source>Wrote {path}: {count} bundles</source>
        <translation>{path} geschrieben: {count} Bundles</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="242"/>
        <source>report_folder: REPORT_BUNDLE_STATUS needs a folder to write Status.gpkg into</source>
        <translation>report_folder: REPORT_BUNDLE_STATUS braucht einen Ordner, in den Status.gpkg geschrieben wird</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_status.py" line="245"/>
        <source>report_folder: {path} is not a folder</source>
        <translation>report_folder: {path} ist kein Ordner</translation>
    </message>
</context>
<context>
    <name>ManageMapServerCacheTilesAlgorithm</name>
    <message>
        <location filename="../algorithms/manage_map_server_cache_tiles.py" line="49"/>
        <source>Manage Map Server Cache Tiles</source>
        <translation>Kacheln eines Map-Server-Caches verwalten</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_tiles.py" line="52"/>
        <source>arcgis,esri,arcpy,tile,cache,bundle,draw,render,seed,update,delete</source>
        <translation>arcgis,esri,arcpy,kachel,cache,bundle,zeichnen,rendern,seed,aktualisieren,löschen</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_tiles.py" line="58"/>
        <source>Draws, fills in or deletes the tiles of an ArcGIS Server service cache from a QGIS project.</source>
        <translation>Zeichnet, ergänzt oder löscht die Kacheln eines ArcGIS-Server-Dienst-Caches aus einem QGIS-Projekt.</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_tiles.py" line="62"/>
        <source>Draws the tiles of a map service cache on disk with QGIS&apos;s own map renderer, from a QGIS project (the one the cache remembers, or in_map), as ArcGIS Server&apos;s tool of the same name does from a map document. Tiles are drawn in the cache&apos;s spatial reference at each level&apos;s resolution and DPI, several at once (supertiles) so that nothing shows a seam; labels are never cut. Layers hidden at a scale stay hidden.

RECREATE_ALL_TILES replaces the tiles, RECREATE_EMPTY_TILES draws those missing (it finishes an interrupted run), DELETE_TILES removes them; always within the area of interest, else the update extent, else the cache&apos;s full extent. Tiles where nothing is drawn are not stored.

Parameters take arcpy&apos;s words as well: RECREATE_ALL_TILES, WAIT / DO_NOT_WAIT, scales as &quot;500000;250000&quot;.</source>
        <translation>Zeichnet die Kacheln eines Kartendienst-Caches auf der Festplatte mit QGIS' eigenem Kartenrenderer aus einem QGIS-Projekt (dem, das sich der Cache merkt, oder in_map), wie das gleichnamige Werkzeug von ArcGIS Server es aus einem Kartendokument tut. Kacheln werden im Raumbezug des Caches mit der Auflösung jeder Stufe und der DPI des Caches gezeichnet, mehrere auf einmal (Superkacheln), sodass keine Naht entsteht; Beschriftungen werden nie abgeschnitten. Layer, die bei einem Maßstab verborgen sind, bleiben verborgen.

RECREATE_ALL_TILES ersetzt die Kacheln, RECREATE_EMPTY_TILES zeichnet die fehlenden (es vollendet einen unterbrochenen Lauf), DELETE_TILES entfernt sie; stets innerhalb des Interessengebiets, sonst der Aktualisierungsausdehnung, sonst der vollen Ausdehnung des Caches. Kacheln, auf denen nichts gezeichnet wird, werden nicht gespeichert.

Parameter nehmen auch die Wörter von arcpy an: RECREATE_ALL_TILES, WAIT / DO_NOT_WAIT, Maßstäbe als &quot;500000;250000&quot;.</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_tiles.py" line="77"/>
        <source>Cache folder</source>
        <translation>Cache-Ordner</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_tiles.py" line="78"/>
        <source>Updated cache</source>
        <translation>Aktualisierter Cache</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_tiles.py" line="79"/>
        <source>Tiles drawn</source>
        <translation>Gezeichnete Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_tiles.py" line="79"/>
        <source>Empty tiles</source>
        <translation>Leere Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_tiles.py" line="79"/>
        <source>Tiles skipped</source>
        <translation>Übersprungene Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_tiles.py" line="79"/>
        <source>Tiles deleted</source>
        <translation>Gelöschte Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_tiles.py" line="113"/>
        <source>wait_for_job_completion is DO_NOT_WAIT: tiles are drawn by this QGIS, so the tool returns when they are done.</source>
        <translation>wait_for_job_completion ist DO_NOT_WAIT: die Kacheln zeichnet dieses QGIS, daher kehrt das Werkzeug zurück, wenn sie fertig sind.</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_map_server_cache_tiles.py" line="115"/>
        <source>{mode} in {target}, map {project} (theme: {theme})</source>
        <translation>{mode} in {target}, Karte {project} (Kartenthema: {theme})</translation>
    </message>
</context>
<context>
    <name>ManageParameters</name>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="48"/>
        <source>Report</source>
        <translation>Bericht</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="48"/>
        <source>HTML files (*.html)</source>
        <translation>HTML-Dateien (*.html)</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="51"/>
        <source>An HTML page with the counts level by level, a coverage picture per level and a few of the tiles drawn.</source>
        <translation>Eine HTML-Seite mit den Zahlen Stufe für Stufe, einem Abdeckungsbild je Stufe und einigen der gezeichneten Kacheln.</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="57"/>
        <source>Input service</source>
        <translation>Eingabedienst</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="57"/>
        <source>The service whose cache is drawn: its cache folder (the data-frame folder holding conf.xml, or the service folder above it) or a string such as GIS Servers/&lt;connection&gt;/[&lt;folder&gt;/]&lt;service&gt;.MapServer, resolved through the server connections.</source>
        <translation>Der Dienst, dessen Cache gezeichnet wird: sein Cache-Ordner (der Datenrahmen-Ordner mit conf.xml oder der Dienstordner darüber) oder eine Zeichenkette wie GIS Servers/&lt;Verbindung&gt;/[&lt;Ordner&gt;/]&lt;Dienst&gt;.MapServer, aufgelöst über die Serververbindungen.</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="62"/>
        <source>Scales</source>
        <translation>Maßstäbe</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="62"/>
        <source>The scales of the levels to draw or delete, separated by semicolons (e.g. 500000;250000). Every scale must be one the cache has. Empty: every level of the cache.</source>
        <translation>Die Maßstäbe der zu zeichnenden oder zu löschenden Stufen, durch Semikolons getrennt (z. B. 500000;250000). Jeder Maßstab muss einer des Caches sein. Leer: jede Stufe des Caches.</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="66"/>
        <source>Update mode</source>
        <translation>Aktualisierungsmodus</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="66"/>
        <source>Recreate all tiles (RECREATE_ALL_TILES)</source>
        <translation>Alle Kacheln neu erstellen (RECREATE_ALL_TILES)</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="66"/>
        <source>Recreate empty tiles (RECREATE_EMPTY_TILES)</source>
        <translation>Leere Kacheln neu erstellen (RECREATE_EMPTY_TILES)</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="66"/>
        <source>Delete tiles (DELETE_TILES)</source>
        <translation>Kacheln löschen (DELETE_TILES)</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="66"/>
        <source>RECREATE_ALL_TILES draws every tile of the chosen levels that touches the area of interest (else the extent, else the cache&apos;s full extent) and replaces what was there. RECREATE_EMPTY_TILES draws only the tiles the cache lacks: it finishes an interrupted run. DELETE_TILES removes the tiles that touch the area or extent. Tiles outside stay as they are. A tile where the map draws nothing is not stored.</source>
        <translation>RECREATE_ALL_TILES zeichnet jede Kachel der gewählten Stufen, die das Interessengebiet berührt (sonst die Ausdehnung, sonst die volle Ausdehnung des Caches), und ersetzt, was dort war. RECREATE_EMPTY_TILES zeichnet nur die Kacheln, die dem Cache fehlen: es vollendet einen unterbrochenen Lauf. DELETE_TILES entfernt die Kacheln, die das Gebiet oder die Ausdehnung berühren. Kacheln außerhalb bleiben, wie sie sind. Eine Kachel, auf der die Karte nichts zeichnet, wird nicht gespeichert.</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="76"/>
        <source>Number of caching service instances</source>
        <translation>Anzahl der Caching-Dienstinstanzen</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="76"/>
        <source>How many supertiles are drawn at the same time, each by its own copy of the map&apos;s layers; on a Dask cluster (a scheduler named for the service&apos;s connection), how many bundles its workers draw at once. Empty or -1: one per processor core, or every worker thread of the cluster.</source>
        <translation>Wie viele Superkacheln gleichzeitig gezeichnet werden, jede von einer eigenen Kopie der Kartenlayer; auf einem Dask-Cluster (ein Scheduler, der für die Verbindung des Dienstes eingetragen ist), wie viele Bundles dessen Worker zugleich zeichnen. Leer oder -1: eine je Prozessorkern bzw. jeder Worker-Thread des Clusters.</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="83"/>
        <source>Area of interest</source>
        <translation>Interessengebiet</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="83"/>
        <source>Polygons limiting the tiles drawn or deleted, in any CRS: every tile touching them. Takes precedence over the update extent.</source>
        <translation>Polygone, die die gezeichneten oder gelöschten Kacheln begrenzen, in beliebigem KBS: jede Kachel, die sie berührt. Hat Vorrang vor der Aktualisierungsausdehnung.</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="87"/>
        <source>Update extent</source>
        <translation>Aktualisierungsausdehnung</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="87"/>
        <source>A rectangle, in any CRS, limiting the tiles drawn or deleted. Empty: the cache&apos;s full extent (conf.cdi).</source>
        <translation>Ein Rechteck in beliebigem KBS, das die gezeichneten oder gelöschten Kacheln begrenzt. Leer: die volle Ausdehnung des Caches (conf.cdi).</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="91"/>
        <source>Wait for job completion</source>
        <translation>Auf Abschluss des Auftrags warten</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="91"/>
        <source>Wait (WAIT)</source>
        <translation>Warten (WAIT)</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="91"/>
        <source>Do not wait (DO_NOT_WAIT)</source>
        <translation>Nicht warten (DO_NOT_WAIT)</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="91"/>
        <source>Accepted for arcpy scripts. Tiles are drawn by this QGIS, not by a server job, so the tool always finishes the work before it returns; DO_NOT_WAIT only says so in the log. To go on working, run the tool in the background (the dialog does) or from qgis_process.</source>
        <translation>Für arcpy-Skripte angenommen. Die Kacheln zeichnet dieses QGIS, kein Serverauftrag, daher beendet das Werkzeug die Arbeit immer, bevor es zurückkehrt; DO_NOT_WAIT vermerkt das nur im Protokoll. Um weiterzuarbeiten, führen Sie das Werkzeug im Hintergrund aus (der Dialog tut das) oder mit qgis_process.</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="98"/>
        <source>Map (QGIS project)</source>
        <translation>Karte (QGIS-Projekt)</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="98"/>
        <source>QGIS projects (*.qgz *.qgs *.QGZ *.QGS)</source>
        <translation>QGIS-Projekte (*.qgz *.qgs *.QGZ *.QGS)</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="98"/>
        <source>The QGIS project (.qgz, .qgs) to draw. Empty: the map the cache remembers (Create Map Server Cache records it). The project is read from its file: save it first.</source>
        <translation>Das zu zeichnende QGIS-Projekt (.qgz, .qgs). Leer: die Karte, die sich der Cache merkt (Create Map Server Cache hält sie fest). Das Projekt wird aus seiner Datei gelesen: speichern Sie es zuerst.</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="103"/>
        <source>Map theme</source>
        <translation>Kartenthema</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_parameters.py" line="103"/>
        <source>A map theme of the project: its layers and styles are drawn. Empty: the theme the cache remembers, else the layers visible in the saved project.</source>
        <translation>Ein Kartenthema des Projekts: seine Layer und Stile werden gezeichnet. Leer: das Thema, das sich der Cache merkt, sonst die im gespeicherten Projekt sichtbaren Layer.</translation>
    </message>
</context>
<context>
    <name>ManageReport</name>
    <message>
        <location filename="../algorithms/manage_report.py" line="33"/>
        <source>Cache folder</source>
        <translation>Cache-Ordner</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="39"/>
        <source>Level {level} (1:{scale:,.0f}): {drawn} drawn, {empty} empty, {skipped} skipped, {deleted} deleted of {tiles} tiles in {seconds:.1f} s ({rate:.1f} tiles/s)</source>
        <translation>Stufe {level} (1:{scale:,.0f}): {drawn} gezeichnet, {empty} leer, {skipped} übersprungen, {deleted} gelöscht von {tiles} Kacheln in {seconds:.1f} s ({rate:.1f} Kacheln/s)</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="44"/>
        <source>{mode}: {drawn} tiles drawn, {empty} empty, {skipped} skipped, {deleted} deleted in {target} in {seconds:.1f} s ({megabytes:.1f} MB written)</source>
        <translation>{mode}: {drawn} Kacheln gezeichnet, {empty} leer, {skipped} übersprungen, {deleted} gelöscht in {target} in {seconds:.1f} s ({megabytes:.1f} MB geschrieben)</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="51"/>
        <source>Level</source>
        <translation>Stufe</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="51"/>
        <source>Scale</source>
        <translation>Maßstab</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="51"/>
        <source>Resolution</source>
        <translation>Auflösung</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="51"/>
        <source>Tiles</source>
        <translation>Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="52"/>
        <source>Bundles</source>
        <translation>Bundles</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="61"/>
        <source>Drawn</source>
        <translation>Gezeichnet</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="62"/>
        <source>Empty</source>
        <translation>Leer</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="62"/>
        <source>Skipped</source>
        <translation>Übersprungen</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="63"/>
        <source>Deleted</source>
        <translation>Gelöscht</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="65"/>
        <source>Seconds</source>
        <translation>Sekunden</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="66"/>
        <source>Tiles/s</source>
        <translation>Kacheln/s</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="61"/>
        <source>Mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="64"/>
        <source>Bytes written</source>
        <translation>Geschriebene Bytes</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="29"/>
        <source>Manage Map Server Cache Tiles</source>
        <translation>Kacheln eines Map-Server-Caches verwalten</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="74"/>
        <source>Inputs</source>
        <translation>Eingaben</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="75"/>
        <source>Totals</source>
        <translation>Summen</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="75"/>
        <source>Levels</source>
        <translation>Stufen</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="89"/>
        <source>drawn</source>
        <translation>gezeichnet</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="89"/>
        <source>drawn, empty (not stored)</source>
        <translation>gezeichnet, leer (nicht gespeichert)</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="90"/>
        <source>skipped (present)</source>
        <translation>übersprungen (vorhanden)</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="90"/>
        <source>deleted</source>
        <translation>gelöscht</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="91"/>
        <source>not chosen</source>
        <translation>nicht gewählt</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="95"/>
        <source>Pictures</source>
        <translation>Bilder</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="95"/>
        <source>Coverage maps: each tile the run chose, coloured by what happened to it; grey lines are the bundle grid, the magenta line is the area of interest or the extent.</source>
        <translation>Abdeckungskarten: jede Kachel, die der Lauf gewählt hat, gefärbt nach dem, was mit ihr geschah; graue Linien sind das Bundle-Raster, die magentafarbene Linie ist das Interessengebiet oder die Ausdehnung.</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="101"/>
        <source>Level {level} (1:{scale:,.0f})</source>
        <translation>Stufe {level} (1:{scale:,.0f})</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="108"/>
        <source>No tiles shown: {error}</source>
        <translation>Keine Kacheln gezeigt: {error}</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="112"/>
        <source>Tiles drawn</source>
        <translation>Gezeichnete Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="115"/>
        <source>Level {level}, row {row}, column {col}</source>
        <translation>Stufe {level}, Zeile {row}, Spalte {col}</translation>
    </message>
</context>
<context>
    <name>MapServerCacheProvider</name>
    <message>
        <location filename="../provider/provider.py" line="33"/>
        <source>Map Server Cache</source>
        <translation>Map Server Cache</translation>
    </message>
    <message>
        <location filename="../provider/provider.py" line="36"/>
        <source>Map Server Cache: Esri tile caches on disk</source>
        <translation>Map Server Cache: Esri-Kachelcaches auf der Festplatte</translation>
    </message>
</context>
<context>
    <name>PreviewMapServerCacheImportAlgorithm</name>
    <message>
        <location filename="../algorithms/preview_map_server_cache_import.py" line="34"/>
        <source>Preview Map Server Cache Import</source>
        <translation>Vorschau: Map-Server-Cache importieren</translation>
    </message>
    <message>
        <location filename="../algorithms/preview_map_server_cache_import.py" line="37"/>
        <source>arcgis,esri,tile,cache,tpk,tpkx,bundle,import,preview,plan,dry run</source>
        <translation>arcgis,esri,kachel,cache,tpk,tpkx,bundle,import,vorschau,plan,probelauf</translation>
    </message>
    <message>
        <location filename="../algorithms/preview_map_server_cache_import.py" line="40"/>
        <source>Shows what an import of a cache folder or tile package into a service cache would do, without changing anything.</source>
        <translation>Zeigt, was ein Import eines Cache-Ordners oder Kachelpakets in einen Dienst-Cache bewirken würde, ohne etwas zu ändern.</translation>
    </message>
    <message>
        <location filename="../algorithms/preview_map_server_cache_import.py" line="44"/>
        <source>Takes the parameters of Import Map Server Cache and plans that import without writing a tile: the report tells per level how many tiles and bundles would be copied, blended, clipped or skipped and how many bytes would be written, with a map of the planned outcomes.

Copies are counted with the exact size of their source tiles; blends and clips are estimated by the size of their source tiles, since the result depends on pixels. Source tiles that are opaque by their format (JPEG, PNG without alpha) replace the target&apos;s tiles.

Neither the target cache nor the source is changed: no journal, lock or uploads copy is made.</source>
        <translation>Nimmt die Parameter von „Map-Server-Cache importieren“ und plant diesen Import, ohne eine Kachel zu schreiben: Der Bericht nennt je Ebene, wie viele Kacheln und Bundles kopiert, überblendet, zugeschnitten oder übersprungen würden und wie viele Bytes geschrieben würden, mit einer Karte der geplanten Ergebnisse.

Kopien werden mit der genauen Größe ihrer Quellkacheln gezählt; Überblendungen und Zuschnitte werden nach der Größe ihrer Quellkacheln geschätzt, da das Ergebnis von den Pixeln abhängt. Quellkacheln, die durch ihr Format deckend sind (JPEG, PNG ohne Alpha), ersetzen die Kacheln des Ziels.

Weder der Ziel-Cache noch die Quelle wird verändert: Es entstehen kein Journal, keine Sperre und keine Kopie im Upload-Ordner.</translation>
    </message>
    <message>
        <location filename="../algorithms/preview_map_server_cache_import.py" line="54"/>
        <source>Preview report</source>
        <translation>Vorschaubericht</translation>
    </message>
    <message>
        <location filename="../algorithms/preview_map_server_cache_import.py" line="54"/>
        <source>An HTML page with the planned counts, level by level, and a map of the planned outcomes.</source>
        <translation>Eine HTML-Seite mit den geplanten Anzahlen, Ebene für Ebene, und einer Karte der geplanten Ergebnisse.</translation>
    </message>
    <message>
        <location filename="../algorithms/preview_map_server_cache_import.py" line="56"/>
        <source>Tiles to write</source>
        <translation>Zu schreibende Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/preview_map_server_cache_import.py" line="56"/>
        <source>Tiles to blend</source>
        <translation>Zu überblendende Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/preview_map_server_cache_import.py" line="56"/>
        <source>Tiles to clip</source>
        <translation>Zuzuschneidende Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/preview_map_server_cache_import.py" line="56"/>
        <source>Tiles to skip</source>
        <translation>Zu überspringende Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/preview_map_server_cache_import.py" line="56"/>
        <source>Damaged source tiles</source>
        <translation>Beschädigte Quellkacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/preview_map_server_cache_import.py" line="60"/>
        <source>Bytes to write (estimated in part)</source>
        <translation>Zu schreibende Bytes (teils geschätzt)</translation>
    </message>
    <message>
        <location filename="../algorithms/preview_map_server_cache_import.py" line="68"/>
        <source>Planning the import of {source} into {target}; nothing is written</source>
        <translation>Plane den Import von {source} in {target}; es wird nichts geschrieben</translation>
    </message>
</context>
<context>
    <name>ReportPictures</name>
    <message>
        <location filename="../algorithms/report.py" line="151"/>
        <source>copied</source>
        <translation>kopiert</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="151"/>
        <source>blended</source>
        <translation>überblendet</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="152"/>
        <source>clipped</source>
        <translation>zugeschnitten</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="153"/>
        <source>damaged</source>
        <translation>beschädigt</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="153"/>
        <source>skipped (outside)</source>
        <translation>übersprungen (außerhalb)</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="154"/>
        <source>skipped (empty)</source>
        <translation>übersprungen (leer)</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="154"/>
        <source>no source tile</source>
        <translation>keine Quellkachel</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="158"/>
        <source>Pictures</source>
        <translation>Bilder</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="158"/>
        <source>Coverage maps: grey lines are the bundle grid, the magenta line is the area of interest or the extent, the black frame is the region shown beside the map. Large levels show the most important outcome of each square of tiles.</source>
        <translation>Abdeckungskarten: Graue Linien sind das Bundle-Raster, die magentafarbene Linie ist das Interessensgebiet oder die Ausdehnung, der schwarze Rahmen ist der neben der Karte gezeigte Bereich. Große Ebenen zeigen das wichtigste Ergebnis jedes Kachelquadrats.</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="163"/>
        <source>Level {level} (1:{scale:,.0f})</source>
        <translation>Ebene {level} (1:{scale:,.0f})</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="168"/>
        <source>Coverage map</source>
        <translation>Abdeckungskarte</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="170"/>
        <source>rows {first}–{last}, columns {left}–{right}</source>
        <translation>Zeilen {first}–{last}, Spalten {left}–{right}</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="172"/>
        <source>Target now ({where})</source>
        <translation>Ziel jetzt ({where})</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="172"/>
        <source>Before ({where})</source>
        <translation>Vorher ({where})</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="173"/>
        <source>After ({where})</source>
        <translation>Nachher ({where})</translation>
    </message>
    <message>
        <location filename="../algorithms/report.py" line="181"/>
        <source>Levels without pictures (at most {count} levels are shown, those with the most tiles): {levels}</source>
        <translation>Ebenen ohne Bilder (höchstens {count} Ebenen werden gezeigt, die mit den meisten Kacheln): {levels}</translation>
    </message>
</context>
<context>
    <name>ScalesWidgetWrapper</name>
    <message>
        <location filename="../algorithms/widgets/scales.py" line="46"/>
        <source>Level</source>
        <translation>Stufe</translation>
    </message>
    <message>
        <location filename="../algorithms/widgets/scales.py" line="46"/>
        <source>Scale</source>
        <translation>Maßstab</translation>
    </message>
    <message>
        <location filename="../algorithms/widgets/scales.py" line="46"/>
        <source>Resolution</source>
        <translation>Auflösung</translation>
    </message>
    <message>
        <location filename="../algorithms/widgets/scales.py" line="46"/>
        <source>In source</source>
        <translation>In der Quelle</translation>
    </message>
    <message>
        <location filename="../algorithms/widgets/scales.py" line="114"/>
        <source>Choose the input service to list its levels.</source>
        <translation>Wählen Sie den Eingabedienst, um seine Stufen aufzulisten.</translation>
    </message>
    <message>
        <location filename="../algorithms/widgets/scales.py" line="121"/>
        <source>Cannot read the input service: {error}</source>
        <translation>Der Eingabedienst kann nicht gelesen werden: {error}</translation>
    </message>
    <message>
        <location filename="../algorithms/widgets/scales.py" line="142"/>
        <source>Choose a source to see which levels it holds.</source>
        <translation>Wählen Sie eine Quelle, um zu sehen, welche Stufen sie enthält.</translation>
    </message>
    <message>
        <location filename="../algorithms/widgets/scales.py" line="148"/>
        <source>Cannot read the source: {error}</source>
        <translation>Die Quelle kann nicht gelesen werden: {error}</translation>
    </message>
    <message>
        <location filename="../algorithms/widgets/scales.py" line="151"/>
        <source>The source does not fit the target:
{differences}</source>
        <translation>Die Quelle passt nicht zum Ziel:
{differences}</translation>
    </message>
    <message>
        <location filename="../algorithms/widgets/scales.py" line="153"/>
        <source>The source holds {held} of these {count} levels.</source>
        <translation>Die Quelle enthält {held} dieser {count} Stufen.</translation>
    </message>
    <message>
        <location filename="../algorithms/widgets/scales.py" line="182"/>
        <source>The input service does not cache this scale</source>
        <translation>Der Eingabedienst hat diesen Maßstab nicht im Cache</translation>
    </message>
    <message>
        <location filename="../algorithms/widgets/scales.py" line="219"/>
        <source>Nothing checked: every level source and target share is imported.</source>
        <translation>Nichts angehakt: Jede Stufe, die Quelle und Ziel gemeinsam haben, wird importiert.</translation>
    </message>
    <message>
        <location filename="../algorithms/widgets/scales.py" line="221"/>
        <source>{count} checked.</source>
        <translation>{count} angehakt.</translation>
    </message>
    <message>
        <location filename="../algorithms/widgets/scales.py" line="224"/>
        <source>The source lacks level(s) {levels}: skipped.</source>
        <translation>Der Quelle fehlen die Stufe(n) {levels}: übersprungen.</translation>
    </message>
    <message>
        <location filename="../algorithms/widgets/scales.py" line="228"/>
        <source>The input service does not cache the scale(s) {scales}.</source>
        <translation>Der Eingabedienst hat den/die Maßstab/Maßstäbe {scales} nicht im Cache.</translation>
    </message>
    <message>
        <location filename="../algorithms/widgets/scales.py" line="217"/>
        <source>Not a list of scales: {text}</source>
        <translation>Keine Liste von Maßstäben: {text}</translation>
    </message>
    <message>
        <location filename="../algorithms/widgets/scales.py" line="135"/>
        <source>The levels the input service caches.</source>
        <translation>Die Stufen, die der Eingabedienst cacht.</translation>
    </message>
</context>
<context>
    <name>ServiceCacheAlgorithm</name>
    <message>
        <location filename="../algorithms/caching_algorithm.py" line="72"/>
        <source>input_service: give the service whose cache to use</source>
        <translation>input_service: den Dienst angeben, dessen Cache verwendet wird</translation>
    </message>
</context>
<context>
    <name>ServiceWidgetWrapper</name>
    <message>
        <location filename="../algorithms/widgets/service.py" line="31"/>
        <source>Choose a service, type GIS Servers/&lt;connection&gt;/&lt;service&gt;.MapServer, or pick a cache folder</source>
        <translation>Dienst wählen, GIS Servers/&lt;connection&gt;/&lt;service&gt;.MapServer eingeben oder einen Cache-Ordner wählen</translation>
    </message>
    <message>
        <location filename="../algorithms/widgets/service.py" line="31"/>
        <source>No service cache under the registered connections (Settings ▸ Options ▸ Map Server Cache): type a service or pick a cache folder</source>
        <translation>Kein Dienst-Cache unter den eingetragenen Verbindungen (Einstellungen ▸ Optionen ▸ Map Server Cache): Dienst eingeben oder einen Cache-Ordner wählen</translation>
    </message>
    <message>
        <location filename="../algorithms/widgets/service.py" line="46"/>
        <source>Pick the service&apos;s cache folder</source>
        <translation>Den Cache-Ordner des Dienstes wählen</translation>
    </message>
    <message>
        <location filename="../algorithms/widgets/service.py" line="57"/>
        <source>Service Cache Folder</source>
        <translation>Cache-Ordner des Dienstes</translation>
    </message>
</context>
<context>
    <name>StatusReport</name>
    <message>
        <location filename="../algorithms/status_report.py" line="29"/>
        <source>Manage Map Server Cache Status</source>
        <translation>Status des Map-Server-Caches verwalten</translation>
    </message>
    <message>
        <location filename="../algorithms/status_report.py" line="37"/>
        <source>Inputs</source>
        <translation>Eingaben</translation>
    </message>
    <message>
        <location filename="../algorithms/status_report.py" line="39"/>
        <source>Level</source>
        <translation>Stufe</translation>
    </message>
    <message>
        <location filename="../algorithms/status_report.py" line="39"/>
        <source>Scale</source>
        <translation>Maßstab</translation>
    </message>
    <message>
        <location filename="../algorithms/status_report.py" line="39"/>
        <source>Bundles</source>
        <translation>Bundles</translation>
    </message>
    <message>
        <location filename="../algorithms/status_report.py" line="39"/>
        <source>Tiles</source>
        <translation>Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/status_report.py" line="40"/>
        <source>Bytes</source>
        <translation>Bytes</translation>
    </message>
    <message>
        <location filename="../algorithms/status_report.py" line="40"/>
        <source>Dead bytes</source>
        <translation>Tote Bytes</translation>
    </message>
    <message>
        <location filename="../algorithms/status_report.py" line="40"/>
        <source>Damaged tiles</source>
        <translation>Beschädigte Kacheln</translation>
    </message>
    <message>
        <location filename="../algorithms/status_report.py" line="42"/>
        <source>Levels</source>
        <translation>Stufen</translation>
    </message>
    <message>
        <location filename="../algorithms/status_report.py" line="49"/>
        <source>tile</source>
        <translation>Kachel</translation>
    </message>
    <message>
        <location filename="../algorithms/status_report.py" line="49"/>
        <source>damaged tile</source>
        <translation>beschädigte Kachel</translation>
    </message>
    <message>
        <location filename="../algorithms/status_report.py" line="49"/>
        <source>no tile</source>
        <translation>keine Kachel</translation>
    </message>
    <message>
        <location filename="../algorithms/status_report.py" line="55"/>
        <source>Coverage</source>
        <translation>Abdeckung</translation>
    </message>
    <message>
        <location filename="../algorithms/status_report.py" line="59"/>
        <source>Level {level} (1:{scale:,.0f})</source>
        <translation>Stufe {level} (1:{scale:,.0f})</translation>
    </message>
</context>
<context>
    <name>TilePackageParameters</name>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="56"/>
        <source>Input map (QGIS project)</source>
        <translation>Eingabekarte (QGIS-Projekt)</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="56"/>
        <source>QGIS projects (*.qgz *.qgs *.QGZ *.QGS)</source>
        <translation>QGIS-Projekte (*.qgz *.qgs *.QGZ *.QGS)</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="56"/>
        <source>The QGIS project (.qgz, .qgs) whose map is drawn into the package. Empty: the project open in QGIS, which must be saved (the map is read from its file).</source>
        <translation>Das QGIS-Projekt (.qgz, .qgs), dessen Karte in das Paket gezeichnet wird. Leer: das in QGIS geöffnete Projekt, das gespeichert sein muss (die Karte wird aus seiner Datei gelesen).</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="61"/>
        <source>Tiling scheme</source>
        <translation>Kachelschema</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="61"/>
        <source>ArcGIS Online / Bing Maps / Google Maps (ONLINE)</source>
        <translation>ArcGIS Online / Bing Maps / Google Maps (ONLINE)</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="61"/>
        <source>Of an existing service (EXISTING)</source>
        <translation>Eines bestehenden Dienstes (EXISTING)</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="61"/>
        <source>ONLINE: the ArcGIS Online / Bing Maps / Google Maps scheme (Web Mercator, levels 0 to 23), whatever the map&apos;s CRS; the map is drawn in Web Mercator. EXISTING: the scheme of the service file (a conf.xml, or a cache folder or tile package), so that the package lines up with that service&apos;s tiles.</source>
        <translation>ONLINE: das Schema von ArcGIS Online / Bing Maps / Google Maps (Web Mercator, Ebenen 0 bis 23), gleich welches KBS die Karte hat; die Karte wird in Web Mercator gezeichnet. EXISTING: das Schema der Dienstdatei (eine conf.xml, ein Cache-Ordner oder ein Kachelpaket), damit das Paket zu den Kacheln dieses Dienstes passt.</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="69"/>
        <source>Output tile package</source>
        <translation>Ausgabe-Kachelpaket</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="69"/>
        <source>Tile packages (*.tpkx *.tpk)</source>
        <translation>Kachelpakete (*.tpkx *.tpk)</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="69"/>
        <source>The package to write: a .tpkx for package type tpkx, a .tpk for tpk. An existing package is replaced in one step once the new one is complete.</source>
        <translation>Das zu schreibende Paket: ein .tpkx für den Pakettyp tpkx, ein .tpk für tpk. Ein bestehendes Paket wird in einem Schritt ersetzt, sobald das neue vollständig ist.</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="74"/>
        <source>Tiling format</source>
        <translation>Kachelformat</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="74"/>
        <source>The tiles&apos; image format: PNG (the smallest of PNG8, PNG24 and PNG32 that keeps each tile&apos;s colours and transparency), PNG8, PNG24, PNG32, JPEG or MIXED (JPEG where a tile is opaque, PNG where it is not).</source>
        <translation>Das Bildformat der Kacheln: PNG (das kleinste von PNG8, PNG24 und PNG32, das Farben und Transparenz jeder Kachel erhält), PNG8, PNG24, PNG32, JPEG oder MIXED (JPEG, wo eine Kachel deckend ist, sonst PNG).</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="79"/>
        <source>Maximum level of detail</source>
        <translation>Maximale Detailebene</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="79"/>
        <source>The finest level drawn, by its number in the tiling scheme (ONLINE: 0 to 23). Every level from the minimum to this one is drawn.</source>
        <translation>Die feinste gezeichnete Ebene, nach ihrer Nummer im Kachelschema (ONLINE: 0 bis 23). Jede Ebene vom Minimum bis zu dieser wird gezeichnet.</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="84"/>
        <source>Service file (conf.xml)</source>
        <translation>Dienstdatei (conf.xml)</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="84"/>
        <source>Tiling schemes (*.xml *.XML);;Tile packages (*.tpk *.tpkx)</source>
        <translation>Kachelschemas (*.xml *.XML);;Kachelpakete (*.tpk *.tpkx)</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="84"/>
        <source>For EXISTING: the tiling scheme to use, a conf.xml file, a tile package, or (typed in) the folder of a cache. Ignored for ONLINE.</source>
        <translation>Für EXISTING: das zu verwendende Kachelschema, eine conf.xml-Datei, ein Kachelpaket oder (eingetippt) der Ordner eines Caches. Bei ONLINE ohne Wirkung.</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="89"/>
        <source>Summary</source>
        <translation>Zusammenfassung</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="89"/>
        <source>The summary written into the package&apos;s item information.</source>
        <translation>Die Zusammenfassung, die in die Elementinformationen des Pakets geschrieben wird.</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="91"/>
        <source>Tags</source>
        <translation>Tags</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="91"/>
        <source>Tags written into the package&apos;s item information, separated by commas or semicolons.</source>
        <translation>Tags für die Elementinformationen des Pakets, durch Kommas oder Semikolons getrennt.</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="94"/>
        <source>Extent</source>
        <translation>Ausdehnung</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="94"/>
        <source>A rectangle, in any CRS, limiting the tiles drawn: every tile touching it. Empty: the full extent of the map&apos;s visible layers.</source>
        <translation>Ein Rechteck in beliebigem KBS, das die gezeichneten Kacheln begrenzt: jede Kachel, die es berührt. Leer: die volle Ausdehnung der sichtbaren Layer der Karte.</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="97"/>
        <source>Compression quality</source>
        <translation>Komprimierungsqualität</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="97"/>
        <source>JPEG quality, 1 to 100, for the JPEG and MIXED formats (0: the default 75); ignored for PNG formats.</source>
        <translation>JPEG-Qualität, 1 bis 100, für die Formate JPEG und MIXED (0: die Vorgabe 75); bei PNG-Formaten ohne Wirkung.</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="102"/>
        <source>Package type</source>
        <translation>Pakettyp</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="102"/>
        <source>tpkx: a compact tile package per Esri&apos;s open specification (compact V2 bundles), read by ArcGIS Pro, Field Maps, ArcGIS Online and GDAL 3.8+. tpk: the older tile package (compact V1 bundles), read by ArcMap and ArcGIS Runtime.</source>
        <translation>tpkx: ein kompaktes Kachelpaket nach Esris offener Spezifikation (Compact-V2-Bundles), gelesen von ArcGIS Pro, Field Maps, ArcGIS Online und GDAL 3.8+. tpk: das ältere Kachelpaket (Compact-V1-Bundles), gelesen von ArcMap und ArcGIS Runtime.</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="107"/>
        <source>Minimum level of detail</source>
        <translation>Minimale Detailebene</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="107"/>
        <source>The coarsest level drawn, by its number in the tiling scheme; at most the maximum level.</source>
        <translation>Die gröbste gezeichnete Ebene, nach ihrer Nummer im Kachelschema; höchstens die maximale Ebene.</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="111"/>
        <source>Area of interest</source>
        <translation>Interessengebiet</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="111"/>
        <source>Polygons limiting the tiles drawn, in any CRS: every tile touching them. Takes precedence over the extent.</source>
        <translation>Polygone in beliebigem KBS, die die gezeichneten Kacheln begrenzen: jede Kachel, die sie berührt. Hat Vorrang vor der Ausdehnung.</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="115"/>
        <source>Map theme</source>
        <translation>Kartenthema</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="115"/>
        <source>A map theme of the project: its layers and styles are drawn. Empty: the layers visible in the saved project.</source>
        <translation>Ein Kartenthema des Projekts: Seine Layer und Stile werden gezeichnet. Leer: die im gespeicherten Projekt sichtbaren Layer.</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="118"/>
        <source>Report</source>
        <translation>Bericht</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="118"/>
        <source>HTML files (*.html)</source>
        <translation>HTML-Dateien (*.html)</translation>
    </message>
    <message>
        <location filename="../algorithms/tile_package_parameters.py" line="118"/>
        <source>An HTML page with the counts level by level, a coverage picture per level and a few of the tiles, read back from the package.</source>
        <translation>Eine HTML-Seite mit den Zahlen Stufe für Stufe, einem Abdeckungsbild je Stufe und einigen Kacheln, aus dem Paket zurückgelesen.</translation>
    </message>
</context>
<context>
    <name>TilePackageReport</name>
    <message>
        <location filename="../algorithms/manage_report.py" line="129"/>
        <source>Create Map Tile Package</source>
        <translation>Kartenkachelpaket erstellen</translation>
    </message>
    <message>
        <location filename="../algorithms/manage_report.py" line="132"/>
        <source>Tile package</source>
        <translation>Kachelpaket</translation>
    </message>
</context>
<context>
    <name>cache_layer</name>
    <message>
        <location filename="../algorithms/cache_layer.py" line="23"/>
        <source>No layer of the target cache is offered: {error}</source>
        <translation>Kein Layer des Ziel-Caches angeboten: {error}</translation>
    </message>
    <message>
        <location filename="../algorithms/cache_layer.py" line="27"/>
        <source>exploded</source>
        <translation>aufgelöst</translation>
    </message>
    <message>
        <location filename="../algorithms/cache_layer.py" line="27"/>
        <source>compact V1</source>
        <translation>kompakt V1</translation>
    </message>
    <message>
        <location filename="../algorithms/cache_layer.py" line="29"/>
        <source>No layer of the target cache is offered: GDAL reads compact V2 caches only, and this cache is stored {kind}</source>
        <translation>Kein Layer des Ziel-Caches angeboten: GDAL liest nur kompakte V2-Caches, und dieser Cache ist {kind} gespeichert</translation>
    </message>
</context>
<context>
    <name>create_scheme</name>
    <message>
        <location filename="../algorithms/create_scheme.py" line="57"/>
        <source>ArcGIS&apos;s default tile origin for {crs} is not known here: the origin is {x} {y}, beyond the map&apos;s upper-left corner; give tile_origin to match another cache&apos;s grid</source>
        <translation>Der Standard-Kachelursprung von ArcGIS für {crs} ist hier nicht bekannt: der Ursprung ist {x} {y}, jenseits der oberen linken Ecke der Karte; geben Sie tile_origin an, um das Raster eines anderen Caches zu treffen</translation>
    </message>
    <message>
        <location filename="../algorithms/create_scheme.py" line="77"/>
        <source>tiling_scheme_type is PREDEFINED: give predefined_tiling_scheme, a conf.xml file or one of {names}</source>
        <translation>tiling_scheme_type ist PREDEFINED: geben Sie predefined_tiling_scheme an, eine conf.xml-Datei oder eines von {names}</translation>
    </message>
    <message>
        <location filename="../algorithms/create_scheme.py" line="85"/>
        <source>predefined_tiling_scheme: {path} does not exist (give a conf.xml file or one of {names})</source>
        <translation>predefined_tiling_scheme: {path} existiert nicht (geben Sie eine conf.xml-Datei oder eines von {names} an)</translation>
    </message>
</context>
<context>
    <name>keywords</name>
    <message>
        <location filename="../algorithms/keywords.py" line="72"/>
        <source>{value!r} is not accepted: use {true} or {false} (or true/false)</source>
        <translation>{value!r} wird nicht akzeptiert: verwenden Sie {true} oder {false} (oder true/false)</translation>
    </message>
    <message>
        <location filename="../algorithms/keywords.py" line="118"/>
        <source>{value!r} is not a scale: give positive numbers such as 500000;250000</source>
        <translation>{value!r} ist kein Maßstab: geben Sie positive Zahlen wie 500000;250000 an</translation>
    </message>
    <message>
        <location filename="../algorithms/keywords.py" line="133"/>
        <source>{value!r} is not a number of instances: give a whole number of at least 1</source>
        <translation>{value!r} ist keine Anzahl von Instanzen: geben Sie eine ganze Zahl ab 1 an</translation>
    </message>
    <message>
        <location filename="../algorithms/keywords.py" line="169"/>
        <source>{value!r} is not accepted: use one of {choices}</source>
        <translation>{value!r} wird nicht angenommen: verwenden Sie eines von {choices}</translation>
    </message>
    <message>
        <location filename="../algorithms/keywords.py" line="182"/>
        <source>{value!r} is not accepted: give a whole number from {low} to {high}</source>
        <translation>{value!r} wird nicht angenommen: geben Sie eine ganze Zahl von {low} bis {high} an</translation>
    </message>
    <message>
        <location filename="../algorithms/keywords.py" line="90"/>
        <source>{value!r} is not a source cache type: use CACHE_DATASET (0), TILE_PACKAGE (1), MBTILES (2), GEOPACKAGE (3) or TILE_FOLDER (4)</source>
        <translation>{value!r} ist kein Quell-Cache-Typ: verwenden Sie CACHE_DATASET (0), TILE_PACKAGE (1), MBTILES (2), GEOPACKAGE (3) oder TILE_FOLDER (4)</translation>
    </message>
</context>
<context>
    <name>spatial</name>
    <message>
        <location filename="../algorithms/spatial.py" line="40"/>
        <source>{where}: QGIS does not know the cache&apos;s spatial reference (WKID {wkid}, latest WKID {latest}), so the extent or area of interest cannot be transformed to it</source>
        <translation>{where}: QGIS kennt das Koordinatenbezugssystem des Caches nicht (WKID {wkid}, neueste WKID {latest}), daher können Ausdehnung und Interessengebiet nicht dorthin transformiert werden</translation>
    </message>
    <message>
        <location filename="../algorithms/spatial.py" line="58"/>
        <source>The import extent cannot be transformed from {source} to {target}: {error}</source>
        <translation>Die Importausdehnung kann nicht von {source} nach {target} transformiert werden: {error}</translation>
    </message>
    <message>
        <location filename="../algorithms/spatial.py" line="111"/>
        <source>The area of interest {name} cannot be transformed to {target}: {error}</source>
        <translation>Das Interessengebiet {name} kann nicht nach {target} transformiert werden: {error}</translation>
    </message>
    <message>
        <location filename="../algorithms/spatial.py" line="116"/>
        <source>The area of interest {name} holds no polygon (with “selected features only”, select some polygons first)</source>
        <translation>Das Interessengebiet {name} enthält kein Polygon (bei „Nur gewählte Objekte“ zuerst Polygone auswählen)</translation>
    </message>
</context>
</TS>
