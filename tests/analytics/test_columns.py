"""The one ``field=column`` parser of the command line and the import forms
(clusterworks.analytics.columns); the expected mappings and messages are written out by hand."""

from __future__ import annotations

import pytest

from clusterworks.analytics.columns import ColumnMappingError, parse_column_mapping

REQUIRED = ("project", "organisation", "year")
OPTIONAL = ("role", "type")


def test_commas_new_lines_and_spaces():
    spec = " project = rcn ,organisation=pic\nyear=start_year,, type=activity type "
    assert parse_column_mapping(spec, required=REQUIRED, optional=OPTIONAL) == {
        "project": "rcn",
        "organisation": "pic",
        "year": "start_year",
        "type": "activity type",  # a column name may hold a space
    }


def test_a_mapping_is_checked_like_a_text():
    given = {"project": "rcn", "organisation": "pic", "year": "y"}
    assert parse_column_mapping(given, required=REQUIRED) == given
    with pytest.raises(ColumnMappingError, match="'year' is required"):
        parse_column_mapping({"project": "rcn", "organisation": "pic"}, required=REQUIRED)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("project rcn,organisation=pic,year=y", "'project rcn' is not field=column (e.g. project=...)"),
        ("project=,organisation=pic,year=y", "'project=' is not field=column"),
        ("=rcn,organisation=pic,year=y", "'=rcn' is not field=column"),
        ("project=a,project=b,organisation=pic,year=y", "field 'project' is given twice"),
        (
            "project=a,organisation=pic,year=y,colour=c",
            "unknown field 'colour'; fields are project, organisation, year, role, type",
        ),
        (
            "project=a,year=y",
            "'organisation' is required (required: project, organisation, year; optional: role, type)",
        ),
    ],
)
def test_mistakes_are_named(spec, message):
    with pytest.raises(ColumnMappingError) as caught:
        parse_column_mapping(spec, required=REQUIRED, optional=OPTIONAL)
    assert str(caught.value) == message or str(caught.value).startswith(message)
    assert isinstance(caught.value, ValueError)  # callers that catch ValueError keep working


def test_without_optional_fields_the_message_lists_only_the_required():
    with pytest.raises(ColumnMappingError) as caught:
        parse_column_mapping("project=a", required=("project", "area"))
    assert str(caught.value) == "'area' is required (required: project, area)"
