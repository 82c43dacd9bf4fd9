"""Participation datasets: imported all or nothing and read back unchanged."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import numpy as np
import pytest

from clusterworks.analytics.network.participations import InvalidParticipations, read_participations
from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.core.roles import Role
from clusterworks.web.network.models import DatasetOrganisation, DatasetParticipation, ParticipationDataset
from clusterworks.web.network.services.datasets import dataset_delete, dataset_import, dataset_participations
from tests.factories import OrganisationFactory, user_with_role

H2020 = Path(__file__).parents[2] / "data" / "network" / "h2020.csv.gz"
COLUMNS = (
    "project=rcn,organisation=pic,year=start_year,role=role,type=type,country=country,amount=contribution"
)


@pytest.fixture(scope="module")
def early_rows(tmp_path_factory) -> Path:
    """The 2014 rows of the H2020 file (1,513 rows by awk), as a small CSV."""
    lines = gzip.decompress(H2020.read_bytes()).decode().splitlines()
    kept = [lines[0]] + [line for line in lines[1:] if line.split(",")[10] == "2014"]
    path = tmp_path_factory.mktemp("h2020") / "h2020-2014.csv"
    path.write_text("\n".join(kept) + "\n")
    return path


def rows_of(part) -> list[tuple]:
    return sorted(
        zip(
            [part.project_ids[i] for i in part.project],
            [part.organisation_ids[i] for i in part.organisation],
            part.year.tolist(),
            part.role,
            part.kind,
            part.country,
            strict=True,
        )
    )


def test_import_stores_every_row_and_reads_back_the_same(db, early_rows):
    analyst = user_with_role(Role.ANALYST)
    registered = OrganisationFactory(key="999984059")  # a PIC with 12 rows in 2014 (awk), matched by key
    dataset = dataset_import(
        user=analyst, source=early_rows, file_name="h2020-2014.csv", key="h2020-2014", title="H2020 2014",
        columns=COLUMNS, attribution="CORDIS, (c) European Union",
    )  # fmt: skip
    direct = read_participations(early_rows, columns=COLUMNS)
    assert dataset.rows == len(direct) == 1_513
    assert (dataset.first_year, dataset.last_year) == (2014, 2014)
    assert DatasetParticipation.objects.filter(dataset=dataset).count() == 1_513
    stored = dataset_participations(dataset=dataset)
    assert rows_of(stored) == rows_of(direct)
    assert np.nansum(stored.amount) == pytest.approx(np.nansum(direct.amount))
    node = DatasetOrganisation.objects.get(dataset=dataset, code="999984059")
    assert node.organisation == registered


def test_a_bad_file_stores_nothing(db, tmp_path):
    analyst = user_with_role(Role.ANALYST)
    path = tmp_path / "bad.csv"
    path.write_text("rcn,pic,start_year\n1,111111111,2015\n1,111111111,2015\n2,222222222,NA\n")
    with pytest.raises(InvalidParticipations) as caught:
        dataset_import(user=analyst, source=path, file_name="bad.csv", key="bad", title="Bad",
                       columns="project=rcn,organisation=pic,year=start_year")  # fmt: skip
    # line 3 repeats line 2; line 4 has no year
    assert [i.line for i in caught.value.issues] == [3, 4]
    assert not ParticipationDataset.objects.exists() and not DatasetParticipation.objects.exists()


def test_uploaded_stream_is_hashed_and_keys_are_not_overwritten_silently(db):
    analyst = user_with_role(Role.ANALYST)
    content = b"rcn,pic,start_year\n1,111111111,2015\n1,222222222,2015\n"
    dataset = dataset_import(user=analyst, source=io.BytesIO(content), file_name="a.csv", key="a", title="A",
                             columns="project=rcn,organisation=pic,year=start_year")  # fmt: skip
    import hashlib

    assert dataset.sha256 == hashlib.sha256(content).hexdigest()
    with pytest.raises(ValueError, match="a dataset with key 'a' exists"):
        dataset_import(user=analyst, source=io.BytesIO(content), file_name="a.csv", key="a", title="A",
                       columns="project=rcn,organisation=pic,year=start_year")  # fmt: skip
    again = dataset_import(user=analyst, source=io.BytesIO(content), file_name="a.csv", key="a", title="A2",
                           columns="project=rcn,organisation=pic,year=start_year", replace=True)  # fmt: skip
    assert ParticipationDataset.objects.get().title == "A2" and again.rows == 2
    dataset_delete(user=analyst, dataset=again)
    assert not DatasetParticipation.objects.exists()


def test_only_analysts_import(db, early_rows):
    manager = user_with_role(Role.CLUSTER_MANAGER)
    with pytest.raises(NotAllowed):
        dataset_import(
            user=manager, source=early_rows, file_name="x.csv", key="x", title="X", columns=COLUMNS
        )
    assert not ParticipationDataset.objects.exists()
