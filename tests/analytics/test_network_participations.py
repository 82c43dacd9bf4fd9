"""Reading participation files: the real H2020 extract, and every rule a bad file can break."""

from __future__ import annotations

import dataclasses
import gzip
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from clusterworks.analytics.network.participations import (
    InvalidParticipations,
    Participations,
    identifier_scheme,
    parse_columns,
    read_participations,
)

H2020 = Path(__file__).parents[1] / "data" / "network" / "h2020.csv.gz"
H2020_COLUMNS = (
    "project=rcn,organisation=pic,year=start_year,role=role,type=type,country=country,amount=contribution"
)
COLUMNS = "project=project,organisation=org,year=year,role=role,type=type,country=country,amount=amount"
HEADER = "project,org,year,role,type,country,amount\n"


def write(tmp_path: Path, text: str, name: str = "p.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems(path: Path, **kwargs) -> list[str]:
    with pytest.raises(InvalidParticipations) as caught:
        read_participations(path, columns=kwargs.pop("columns", COLUMNS), **kwargs)
    return caught.value.lines()


@pytest.fixture(scope="module")
def h2020() -> Participations:
    return read_participations(H2020, columns=H2020_COLUMNS, on_missing="drop")


def test_h2020_counts_match_the_published_description(h2020):
    # tests/data/network/README.md and ../shared SOURCES.md: 144,726 rows, 35,871 organisations,
    # 31,451 projects; 7 rows have no start year (awk: $11=="NA" on lines 13676 ... 139934)
    assert h2020.dropped == 7
    assert len(h2020) == 144_726 - 7
    assert h2020.n_organisations == 35_871
    # the 7 undated rows are the only rows of 6 projects (awk count of distinct rcn over dated rows)
    assert h2020.n_projects == 31_451 - 6
    # role counts over dated rows, by awk: participant 106,108, coordinator 31,470, partner 7,141
    assert Counter(h2020.role) == {"participant": 106_108, "coordinator": 31_470, "partner": 7_141}
    assert set(h2020.kind) == {"HES", "REC", "PRC", "PUB", "OTH"}
    # the published EC contribution sum is 59.06 bn EUR over all 144,726 rows
    assert np.nansum(h2020.amount) == pytest.approx(59.06e9, rel=2e-3)
    assert h2020.year.min() == 2014 and h2020.year.max() == 2022
    # Namibia's code NA is a country, not a missing value
    assert "NA" in set(h2020.country)


def test_undated_rows_are_reported_with_their_lines_unless_dropped():
    with pytest.raises(InvalidParticipations) as caught:
        read_participations(H2020, columns=H2020_COLUMNS)
    assert caught.value.total == 7
    # the lines awk finds for start_year == NA (header is line 1)
    assert [i.line for i in caught.value.issues] == [13676, 18419, 69306, 112283, 112284, 113823, 139934]
    assert all(i.field == "start_year" and i.value == "NA" for i in caught.value.issues)


def test_modal_kind_and_country_per_organisation():
    part = Participations.from_rows(
        [
            ("p1", "a", 2015, "", "HES", "DE"),
            ("p2", "a", 2016, "", "REC", "DE"),
            ("p3", "a", 2017, "", "HES", "AT"),
        ]
    )
    # 'a' is HES twice and REC once; DE twice and AT once
    assert part.organisation_kind == ("HES",) and part.organisation_country == ("DE",)


def test_modal_ties_empties_and_organisations_without_a_value():
    part = Participations.from_rows(
        [
            ("p1", "a", 2015, "", "REC", "FR"),
            ("p2", "a", 2016, "", "HES", "BE"),  # a: REC 1, HES 1 -> HES (alphabetical); BE 1, FR 1 -> BE
            ("p1", "b", 2015, "", "", ""),
            ("p2", "b", 2016, "", "", ""),
            ("p3", "b", 2017, "", "PRC", ""),  # b: two empty kinds do not outvote PRC; no country -> ""
            ("p1", "c", 2015, "", "", "IT"),  # c: no kind -> ""
            ("p2", "d", 2016, "", "PUB", "NA"),
            ("p3", "d", 2017, "", "OTH", "NA"),
            ("p4", "d", 2018, "", "PUB", "AT"),  # d: PUB 2 beats OTH 1 though OTH sorts first; NA 2
            ("p4", "e", 2018, "", "OTH", "AT"),
        ]
    )
    assert part.organisation_ids == ("a", "b", "c", "d", "e")
    assert part.organisation_kind == ("HES", "PRC", "", "PUB", "OTH")
    assert part.organisation_country == ("BE", "", "IT", "NA", "AT")
    # rows selected away keep the organisation table: e has no row before 2018, so no value; d keeps
    # PUB 1, OTH 1 -> OTH (tie, alphabetical)
    early = part.before(2018)
    assert early.organisation_kind == ("HES", "PRC", "", "OTH", "")
    assert early.organisation_country == ("BE", "", "IT", "NA", "")
    # no value at all in a column, or no column
    blank = Participations.from_rows([("p1", "a", 2015, "", "", ""), ("p1", "b", 2015)])
    assert blank.organisation_kind == ("", "") and blank.organisation_country == ("", "")


def test_modal_on_h2020_is_a_pandas_value_counts(h2020):
    """The independent implementation: pandas counts (organisation, value) rows, sorts each
    organisation's counts (most first, then the value alphabetically) and keeps the first. H2020 gives
    every organisation one kind and one country, so the rows are also scrambled (seeded): a third of
    them get another kind or country, or none, which makes organisations with several values and ties."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    scrambled = {}
    for name in ("kind", "country"):
        values = np.array(getattr(h2020, name), dtype=object)
        choices = np.array(["", *sorted(set(values))[:6]], dtype=object)
        hit = rng.random(values.size) < 1 / 3
        values[hit] = choices[rng.integers(0, choices.size, hit.sum())]
        scrambled[name] = tuple(values.tolist())
    mixed = dataclasses.replace(h2020, **scrambled)
    ties = 0
    for part, name, modal in (
        (h2020, "kind", h2020.organisation_kind),
        (h2020, "country", h2020.organisation_country),
        (mixed, "kind", mixed.organisation_kind),
        (mixed, "country", mixed.organisation_country),
    ):
        rows = pd.DataFrame({"organisation": part.organisation, "value": list(getattr(part, name))})
        rows = rows[rows["value"] != ""]
        counts = rows.groupby(["organisation", "value"]).size().reset_index(name="rows")
        ranked = counts.sort_values(["organisation", "rows", "value"], ascending=[True, False, True])
        best = ranked.drop_duplicates("organisation").set_index("organisation")["value"]
        expected = best.reindex(range(part.n_organisations), fill_value="").tolist()
        assert list(modal) == expected
        at_top = counts["rows"] == counts.groupby("organisation")["rows"].transform("max")
        ties += int((at_top.groupby(counts["organisation"]).sum() > 1).sum())  # organisations with a tie
    # the scrambled rows do hold ties and organisations with no value left (else nothing is tested)
    assert ties > 0
    assert "" in mixed.organisation_kind and "" in mixed.organisation_country


def test_gzip_semicolon_and_bom_are_read(tmp_path):
    text = "\ufeffproject;org;year\nP1;111111111;2015\nP1;222222222;2015\n"
    path = tmp_path / "p.csv.gz"
    path.write_bytes(gzip.compress(text.encode("utf-8")))
    part = read_participations(path, columns="project=project,organisation=org,year=year")
    assert part.organisation_ids == ("111111111", "222222222") and part.year.tolist() == [2015, 2015]


def test_every_problem_is_reported_with_line_field_and_value(tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "P1,111111111,2015,coordinator,HES,DE,100\n"  # line 2: fine
        + "P1,111111111,2015,participant,HES,DE,100\n"  # line 3: duplicate of line 2
        + "P2,222222222,20x5,participant,PRC,FR,5\n"  # line 4: year not a number
        + "P3,333333333,2015,participant,XYZ,FR,5\n"  # line 5: unknown type
        + "P4,444444444,2015,participant,REC,France,5\n"  # line 6: country not two letters
        + "P5,555555555,2015,participant,REC,FR,-3\n"  # line 7: negative amount
        + "P1,666666666,2016,participant,REC,FR,1\n"  # line 8: P1 started in 2015
        + ",777777777,2015,participant,REC,FR,1\n"  # line 9: empty project
        + "P6,888888888,2015,participant\n",  # line 10: 4 fields, header has 7
    )
    lines = problems(path)
    assert lines == [
        "p.csv, line 3, field 'org': organisation '111111111' is already in project 'P1' on line 2; "
        "one row per organisation and project",
        "p.csv, line 4, field 'year': the year is not a whole number (e.g. 2018)",
        "p.csv, line 5, field 'type': unknown activity type; allowed: HES, OTH, PRC, PUB, REC",
        "p.csv, line 6, field 'country': the country must be a two-letter code (ISO 3166-1)",
        "p.csv, line 7, field 'amount': the amount must be a number >= 0",
        "p.csv, line 8, field 'year': project 'P1' starts in 2015 on line 2; one year per project",
        "p.csv, line 9, field 'project': the project is empty; every row needs one",
        "p.csv, line 10: has 4 fields; the header has 7",
    ]


def test_missing_column_names_the_header(tmp_path):
    path = write(tmp_path, "rcn,pic\n1,2\n")
    assert problems(path, columns="project=rcn,organisation=pic,year=start_year") == [
        "p.csv, line 1, field 'start_year': no column 'start_year' for year; the header has: rcn, pic"
    ]


def test_columns_spec_errors():
    assert parse_columns("project=rcn, organisation=pic,year=y") == {
        "project": "rcn",
        "organisation": "pic",
        "year": "y",
    }
    with pytest.raises(ValueError, match="unknown field 'colour'"):
        parse_columns("project=a,organisation=b,year=c,colour=d")
    with pytest.raises(ValueError, match="'year' is required"):
        parse_columns("project=a,organisation=b")
    with pytest.raises(ValueError, match="'project' is not field=column"):
        parse_columns("project,organisation=b,year=c")


def test_mixed_identifier_schemes_are_refused_unless_allowed(tmp_path):
    md5 = "0f343b0931126a20f133d67c2b018a3b"
    path = write(
        tmp_path,
        "project,org,year\nP1,999999999,2015\nP1,888888888,2015\nP2,999999999,2016\nP2," + md5 + ",2016\n",
    )
    (issue,) = problems(path, columns="project=project,organisation=org,year=year")
    # three PIC rows (lines 2-4) and one MD5 row (line 5): the minority's first line is named
    assert issue == (
        "p.csv, line 5, field 'org': organisation identifiers mix schemes (PIC (9 digits): 3 rows, "
        "first on line 2; MD5 key (32 hexadecimal characters): 1 row, first on line 5); map them to one "
        "scheme first, or allow mixed identifiers"
    )
    part = read_participations(
        path, columns="project=project,organisation=org,year=year", mixed_identifiers=True
    )
    assert part.n_organisations == 3
    assert identifier_scheme("999999999") == "PIC (9 digits)" and identifier_scheme("ACME") == "other"


def test_unknown_organisations_get_suggestions(tmp_path):
    path = write(tmp_path, "project,org,year\nP1,999999999,2015\nP1,0888888888,2015\nP1,777777777,2015\n")
    lines = problems(
        path,
        columns="project=project,organisation=org,year=year",
        known_organisations={"999999999", "888888888"},
        mixed_identifiers=True,  # '0888888888' has 10 digits: not a PIC
    )
    # '0888888888' matches '888888888' once leading zeros are ignored; 777777777 is close to nothing
    # at the 0.85 similarity cut-off (difflib ratio of 777777777 vs 999999999 is 0)
    assert lines == [
        "p.csv, line 3, field 'org': unknown organisation '0888888888'; did you mean '888888888'?",
        "p.csv, line 4, field 'org': unknown organisation '777777777'",
    ]


def test_broken_encoding_names_line_and_column(tmp_path):
    # 'Universit\xe9' in Latin-1 on line 3: byte 0xE9 is not valid UTF-8
    path = write(
        tmp_path,
        "project,org,year,name\nP1,111111111,2015,Ok\nP1,222222222,2015,Universit\xe9\n",
        encoding="latin-1",
    )
    (issue,) = problems(path, columns="project=project,organisation=org,year=year,name=name")
    # "P1,222222222,2015,Universit" is 27 characters: the bad byte is column 28
    assert issue.startswith("p.csv, line 3: not valid utf-8 (byte 0xe9 at column 28)")
    part = read_participations(
        path, columns="project=project,organisation=org,year=year,name=name", encoding="latin-1"
    )
    assert part.names["222222222"] == "Universit\u00e9"


def test_mojibake_is_refused_or_repaired(tmp_path):
    # 'Université' encoded in UTF-8 and decoded as cp1252 gives 'UniversitÃ©'
    garbled = "Universit\u00e9".encode().decode("cp1252")
    path = write(tmp_path, f"project,org,year,name\nP1,111111111,2015,{garbled}\n")
    columns = "project=project,organisation=org,year=year,name=name"
    (issue,) = problems(path, columns=columns)
    assert "looks like UTF-8 read as Latin-1 (would be 'Universit\u00e9')" in issue
    assert read_participations(path, columns=columns, repair_encoding=True).names == {
        "111111111": "Universit\u00e9"
    }


def test_nothing_is_returned_when_one_row_is_bad(tmp_path):
    path = write(
        tmp_path, HEADER + "P1,111111111,2015,coordinator,HES,DE,100\nP2,222222222,1800,x,HES,DE,1\n"
    )
    assert problems(path) == ["p.csv, line 3, field 'year': the year is outside 1950-2100"]


def test_before_keeps_code_tables(h2020):
    early = h2020.before(2016)
    assert early.organisation_ids is h2020.organisation_ids
    assert int(early.year.max()) == 2015
    # rows of 2014 and 2015 by awk over the file: 1,513 + 23,518
    assert len(early) == 1_513 + 23_518
