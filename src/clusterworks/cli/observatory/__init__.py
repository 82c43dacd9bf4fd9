"""``clusterworks map``: the cluster observatory's file-in, file-out commands.

* ``map strength`` -- cluster strength of region x cluster x year rows: the U.S. Cluster Mapping flags
  (``uscmp``), the European Cluster Observatory stars (``eco``) or the stars with productivity
  (``stars``);
* ``map complexity`` -- economic complexity of a location x activity matrix (ECI, PCI, density, COI,
  COG);
* ``map relatedness`` -- relatedness of activities from their co-location across regions;
* ``map define`` -- cluster definitions from that relatedness (the Delgado-Porter-Stern procedure);
* ``map import`` -- regional statistics into the statistics store (a DuckDB file).

Input is CSV (also ``.csv.gz``), Parquet or XLSX; ``--columns`` names the file's column of each field.
Output is CSV, Parquet or JSON by the name of ``--out``. A bad file is refused with every problem named
(file, line, column, value, what is allowed) and nothing is written. The commands only parse, call the
analytics library and write: the methods are in ``docs/methods/``.
"""

from __future__ import annotations

from . import colocation, complexity, statistics, strength  # noqa: F401  (they add their commands)
from .group import map_group

__all__ = ["map_group"]
