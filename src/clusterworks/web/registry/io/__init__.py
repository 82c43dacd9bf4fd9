"""Import and export of the register (organisations, clusters, memberships) as CSV and XLSX.

* :mod:`.tables` reads and writes the file formats (CSV in UTF-8 with or without BOM or Windows-1251,
  ``,``/``;``/tab delimited; XLSX), knowing nothing of the registry;
* :mod:`.columns` says which columns each kind of file has and how one cell is read;
* :mod:`.planning` validates whole files against the database and works out what would change;
* :mod:`.writing` writes a plan in bulk, with its audit events;
* :mod:`.importer` is the service the CLI and the web call (:func:`.importer.import_files`);
* :mod:`.exporter` writes the same columns back out, so that an export re-imports as "unchanged".

The file format is documented for users in docs/import-export.md.
"""
