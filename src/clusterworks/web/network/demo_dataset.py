"""The demo's real participation dataset: Horizon 2020 health projects (``data/h2020_health.csv.gz``,
see ``data/README.md`` for the source and licence), imported through the same service as any file."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from clusterworks.web.core.models import User

from .models import ParticipationDataset
from .services.datasets import dataset_import

FILE = Path(__file__).parent / "data" / "h2020_health.csv.gz"
KEY = "h2020-health"
COLUMNS = (
    "project=rcn,organisation=pic,year=start_year,role=role,type=type,country=country,amount=contribution"
)
ATTRIBUTION = (
    "EU Horizon 2020 participations of the programme part SC1 (health), from the EU CORDIS open data "
    "(extract of 2020-12-14), (c) European Union, reused under Commission Decision 2011/833/EU; cleaned "
    "by J. Martins, github.com/zambujo/eunets (MIT licence)."
)


def import_demo_dataset(
    *, analyst: User, progress: Callable[[str], None] = lambda _: None
) -> ParticipationDataset:
    """Import (or keep, when unchanged) the demo dataset as ``analyst``."""
    sha256 = hashlib.sha256(FILE.read_bytes()).hexdigest()
    present = ParticipationDataset.objects.filter(key=KEY, sha256=sha256).first()
    if present is not None:
        progress(f"network dataset {KEY}: present")
        return present
    dataset = dataset_import(
        user=analyst,
        source=FILE,
        file_name=FILE.name,
        key=KEY,
        title="Horizon 2020: health, demographic change and well-being (SC1)",
        columns=COLUMNS,
        attribution=ATTRIBUTION,
        replace=True,
    )
    progress(
        f"network dataset {KEY}: {dataset.rows:,} participations, {dataset.organisations:,} organisations, "
        f"{dataset.projects:,} projects"
    )
    return dataset
