"""Participations: one row per organisation in a project, the raw material of the collaboration network.

The format follows EU CORDIS (project, organisation, role, activity type, country, year, amount). A
:class:`Participations` holds the rows as NumPy arrays of indexes into sorted code tables, so that the
graph builders and the recommender work on integers; :func:`read_participations` reads and checks a
file (all or nothing: every problem is reported, nothing is returned half-read).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from ..columns import parse_column_mapping
from ..issues import FileIssue, InvalidInput, IssueCollector, shorten

__all__ = [
    "CORDIS_KINDS",
    "FIELDS",
    "InvalidParticipations",
    "Participations",
    "identifier_scheme",
    "parse_columns",
    "read_participations",
]


@dataclass(frozen=True, eq=False)
class Participations:
    """Participation rows, column by column.

    ``project`` and ``organisation`` are ``int32`` indexes into :attr:`project_ids` and
    :attr:`organisation_ids` (both sorted); ``year`` is ``int32``; ``role``, ``kind`` (activity type,
    e.g. HES, REC, PRC, PUB, OTH) and ``country`` are tuples of text (``""`` where the file has none);
    ``amount`` is ``float64`` (``nan`` where unknown); ``line`` is each row's line in its file (0 when
    built from memory); ``source`` names the file; ``names`` maps organisation ids to the names the
    file gives (if any); ``dropped`` counts rows left out for having no year (``on_missing="drop"``).
    """

    project: np.ndarray
    organisation: np.ndarray
    year: np.ndarray
    project_ids: tuple[str, ...]
    organisation_ids: tuple[str, ...]
    role: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    amount: np.ndarray = field(default_factory=lambda: np.zeros(0))
    line: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    source: str = ""
    names: Mapping[str, str] = field(default_factory=dict)
    dropped: int = 0

    def __len__(self) -> int:
        return int(self.project.shape[0])

    @property
    def n_projects(self) -> int:
        return len(self.project_ids)

    @property
    def n_organisations(self) -> int:
        return len(self.organisation_ids)

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[Sequence],
        *,
        source: str = "",
    ) -> Participations:
        """Build from ``(project, organisation, year[, role[, kind[, country[, amount]]]])`` tuples
        (tests and small in-memory data; files go through :func:`read_participations`)."""
        checked = []
        for r in rows:
            r = tuple(r) + ("",) * (7 - len(r))
            amount = float(r[6]) if r[6] not in ("", None) else math.nan
            checked.append((str(r[0]), str(r[1]), int(r[2]), str(r[3]), str(r[4]), str(r[5]), amount, ""))
        return _from_checked(checked, [0] * len(checked), source=source)

    def select(self, mask: np.ndarray) -> Participations:
        """The rows where ``mask`` is true, with the same code tables (indexes stay comparable)."""
        idx = np.flatnonzero(mask)
        pick = idx.tolist()
        return Participations(
            project=self.project[idx],
            organisation=self.organisation[idx],
            year=self.year[idx],
            project_ids=self.project_ids,
            organisation_ids=self.organisation_ids,
            role=tuple(self.role[i] for i in pick) if self.role else (),
            kind=tuple(self.kind[i] for i in pick) if self.kind else (),
            country=tuple(self.country[i] for i in pick) if self.country else (),
            amount=self.amount[idx] if self.amount.size else self.amount,
            line=self.line[idx] if self.line.size else self.line,
            source=self.source,
            names=self.names,
            dropped=self.dropped,
        )

    def before(self, year: int) -> Participations:
        """Rows of projects starting before ``year`` (the training side of a time split)."""
        return self.select(self.year < year)

    def _modal(self, values: tuple[str, ...]) -> tuple[str, ...]:
        """Per organisation, its most frequent non-empty value (ties: alphabetical first; ``""`` if it
        has none), counted over (organisation, value) pairs in NumPy rather than row by row."""
        n = self.n_organisations
        table = sorted(set(values) - {""})  # codes in alphabetical order: the lower code wins a tie
        if not table:
            return ("",) * n
        code_of = {v: k for k, v in enumerate(table)}
        codes = np.fromiter((code_of.get(v, -1) for v in values), dtype=np.int64, count=len(values))
        known = codes >= 0
        pairs, counts = np.unique(
            self.organisation[known].astype(np.int64) * len(table) + codes[known], return_counts=True
        )
        org, code = np.divmod(pairs, len(table))
        order = np.lexsort((code, -counts, org))  # per organisation: most rows first, then code
        first = order[np.r_[True, org[order][1:] != org[order][:-1]]]
        out = np.full(n, "", dtype=object)
        out[org[first]] = np.asarray(table, dtype=object)[code[first]]
        return tuple(out.tolist())

    @cached_property
    def organisation_kind(self) -> tuple[str, ...]:
        """Each organisation's activity type (its most frequent one across its rows; ``""`` if none)."""
        return self._modal(self.kind) if self.kind else ("",) * self.n_organisations

    @cached_property
    def organisation_country(self) -> tuple[str, ...]:
        """Each organisation's country (its most frequent one; ``""`` if none)."""
        return self._modal(self.country) if self.country else ("",) * self.n_organisations


# ------------------------------------------------------------------------------------------ reading

#: The fields of a participation file; the first three are required.
FIELDS = ("project", "organisation", "year", "role", "type", "country", "amount", "name")
REQUIRED = FIELDS[:3]

#: CORDIS activity types (the ``type`` column): higher or secondary education, research organisation,
#: private for-profit company, public body, other.
CORDIS_KINDS = {
    "HES": "higher or secondary education",
    "REC": "research organisation",
    "PRC": "private for-profit company",
    "PUB": "public body",
    "OTH": "other",
}

#: Cells that mean "no value" in a year or amount column.
MISSING = frozenset({"", "NA", "N/A", "NULL", "NaN", "nan", "-"})

YEARS = (1950, 2100)

_SCHEMES = (
    ("PIC (9 digits)", re.compile(r"\d{9}")),
    ("MD5 key (32 hexadecimal characters)", re.compile(r"[0-9a-f]{32}")),
    ("number", re.compile(r"\d+")),
)
# UTF-8 text decoded as Latin-1 or cp1252 (e.g. "UniversitÃ©" for "Université")
_MOJIBAKE = re.compile("[\u00c2\u00c3][\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e]")


class InvalidParticipations(InvalidInput):
    """A participation file breaks its rules; every problem is in :attr:`issues` (file, line,
    field, value and what is allowed)."""


def identifier_scheme(code: str) -> str:
    """The scheme of an organisation identifier: ``"PIC (9 digits)"``, ``"MD5 key (32 hexadecimal
    characters)"``, ``"number"`` or ``"other"``."""
    for name, pattern in _SCHEMES:
        if pattern.fullmatch(code):
            return name
    return "other"


def parse_columns(spec: str | Mapping[str, str]) -> dict[str, str]:
    """``"project=rcn,organisation=pic,year=start_year"`` -> ``{"project": "rcn", ...}`` (the one
    ``field=column`` parser, :func:`~clusterworks.analytics.columns.parse_column_mapping`).

    Raises :class:`~clusterworks.analytics.columns.ColumnMappingError` (a :class:`ValueError`) naming
    an unknown field, a malformed pair, a field given twice, or a missing required field.
    """
    return parse_column_mapping(spec, required=REQUIRED, optional=FIELDS[len(REQUIRED) :])


def _text(path: Path, data: bytes, encoding: str, issues: IssueCollector) -> str | None:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        start = data.rfind(b"\n", 0, exc.start) + 1
        issues.add(
            line,
            "",
            data[exc.start : exc.start + 4].hex(" "),
            f"not valid {encoding} (byte {data[exc.start]:#04x} at column {exc.start - start + 1}); "
            "save the file as UTF-8, or name its encoding (e.g. cp1252 or latin-1)",
        )
        return None
    return text.removeprefix("\ufeff")


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def read_participations(
    path: str | Path,
    *,
    columns: str | Mapping[str, str],
    on_missing: str = "error",
    encoding: str = "utf-8",
    kinds: Collection[str] | None = tuple(CORDIS_KINDS),
    known_organisations: Collection[str] | None = None,
    mixed_identifiers: bool = False,
    repair_encoding: bool = False,
) -> Participations:
    """Read and check a participation file (CSV or TSV, optionally gzip-compressed).

    Parameters
    ----------
    columns : the file's column for each field (see :func:`parse_columns`); ``project``,
        ``organisation`` and ``year`` are required; ``role``, ``type`` (activity type), ``country``
        (ISO 3166-1 alpha-2; CORDIS's EL and UK are kept), ``amount`` and ``name`` are optional.
    on_missing : ``"error"`` (a row without a year is a problem) or ``"drop"`` (such rows are left
        out and counted in :attr:`Participations.dropped`). Empty, ``NA``, ``N/A``, ``NULL`` and ``-``
        mean "no value" in the year and amount columns only.
    kinds : the allowed activity types (CORDIS's by default; ``None`` allows any text).
    known_organisations : when given, every organisation must be one of these (e.g. the register's
        keys); unknown ones are reported with the closest known identifiers.
    mixed_identifiers : organisation identifiers of more than one scheme (9-digit PICs and 32-hex
        keys, say) are an error unless this is true: mixing usually means two extracts were pasted
        together and the same organisation appears under two identifiers.
    repair_encoding : names that look like UTF-8 read as Latin-1 ("UniversitÃ©") are an error unless
        this is true, in which case they are repaired.

    Rules checked, all reported at once (:class:`InvalidParticipations`, nothing returned half-read):
    required columns present; no empty project or organisation; year an integer within 1950-2100;
    one year per project; amount a non-negative number; type among ``kinds``; country two letters;
    no (project, organisation) pair twice; a single identifier scheme; valid encoding.
    """
    path = Path(path)
    name = path.name
    issues = IssueCollector(name)
    if on_missing not in ("error", "drop"):
        raise ValueError(f"on_missing is {on_missing!r}; allowed: 'error', 'drop'")
    mapping = parse_columns(columns)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise InvalidParticipations([_file_issue(name, f"not a readable gzip file ({exc})")]) from None
    text = _text(path, raw, encoding, issues)
    issues.raise_if_any(InvalidParticipations)
    assert text is not None
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    header = next(reader, None)
    if not header:
        raise InvalidParticipations([_file_issue(name, "the file is empty; expected a header line")])
    header = [h.strip() for h in header]
    position: dict[str, int] = {}
    for fld, column in mapping.items():
        if column not in header:
            issues.add(
                1, column, column, f"no column '{column}' for {fld}; the header has: {', '.join(header)}"
            )
        else:
            position[fld] = header.index(column)
    issues.raise_if_any(InvalidParticipations)

    allowed_kinds = None if kinds is None else {k.upper() for k in kinds}
    rows: list[tuple[str, str, int, str, str, str, float, str]] = []
    lines: list[int] = []
    seen: dict[tuple[str, str], int] = {}
    project_year: dict[str, tuple[int, int]] = {}
    schemes: dict[str, list[int]] = {}
    dropped = 0
    get = {fld: position.get(fld) for fld in FIELDS}
    width = len(header)
    line_no = 1
    for record in reader:
        line_no = reader.line_num
        if not record or all(not c.strip() for c in record):
            continue
        if len(record) != width:
            issues.add(line_no, "", "", f"has {len(record)} fields; the header has {width}")
            continue

        def cell(fld: str, record=record) -> str:
            i = get[fld]
            return record[i].strip() if i is not None else ""

        project, organisation, year_text = cell("project"), cell("organisation"), cell("year")
        bad = False
        for fld, value in (("project", project), ("organisation", organisation)):
            if not value:
                issues.add(line_no, mapping[fld], value, f"the {fld} is empty; every row needs one")
                bad = True
        if year_text in MISSING:
            if on_missing == "drop":
                dropped += 1
                continue
            issues.add(
                line_no,
                mapping["year"],
                year_text,
                "no year; give the project's start year, or drop such rows",
            )
            bad = True
            year = 0
        else:
            try:
                year = int(float(year_text)) if re.fullmatch(r"\d{4}(\.0+)?", year_text) else int(year_text)
            except ValueError:
                issues.add(line_no, mapping["year"], year_text, "the year is not a whole number (e.g. 2018)")
                bad, year = True, 0
            else:
                if not YEARS[0] <= year <= YEARS[1]:
                    issues.add(
                        line_no, mapping["year"], year_text, f"the year is outside {YEARS[0]}-{YEARS[1]}"
                    )
                    bad = True
        amount_text = cell("amount")
        amount = math.nan
        if amount_text not in MISSING:
            try:
                amount = float(amount_text.replace(",", "."))
            except ValueError:
                issues.add(line_no, mapping["amount"], amount_text, "the amount is not a number")
                bad = True
            else:
                if not math.isfinite(amount) or amount < 0:
                    issues.add(line_no, mapping["amount"], amount_text, "the amount must be a number >= 0")
                    bad = True
        kind = cell("type").upper()
        if "type" in mapping and allowed_kinds is not None and kind and kind not in allowed_kinds:
            issues.add(
                line_no,
                mapping["type"],
                kind,
                f"unknown activity type; allowed: {', '.join(sorted(allowed_kinds))}",
            )
            bad = True
        country = cell("country").upper()
        if country and not re.fullmatch(r"[A-Z]{2}", country):
            issues.add(
                line_no, mapping["country"], country, "the country must be a two-letter code (ISO 3166-1)"
            )
            bad = True
        org_name = cell("name")
        if org_name and _MOJIBAKE.search(org_name):
            if repair_encoding:
                org_name = _repair(org_name)
            else:
                issues.add(
                    line_no,
                    mapping["name"],
                    org_name,
                    f"looks like UTF-8 read as Latin-1 (would be '{shorten(_repair(org_name), 60)}'); "
                    "fix the file or ask for repair",
                )
                bad = True
        if bad:
            continue
        key = (project, organisation)
        if key in seen:
            issues.add(
                line_no,
                mapping["organisation"],
                organisation,
                f"organisation '{organisation}' is already in project '{project}' on line {seen[key]}; "
                "one row per organisation and project",
            )
            continue
        seen[key] = line_no
        known_year = project_year.setdefault(project, (year, line_no))
        if known_year[0] != year:
            issues.add(
                line_no,
                mapping["year"],
                year_text,
                f"project '{project}' starts in {known_year[0]} on line {known_year[1]}; "
                "one year per project",
            )
            continue
        schemes.setdefault(identifier_scheme(organisation), []).append(line_no)
        rows.append((project, organisation, year, cell("role").lower(), kind, country, amount, org_name))
        lines.append(line_no)

    if len(schemes) > 1 and not mixed_identifiers:
        parts = [
            f"{scheme}: {len(at):,} row{'' if len(at) == 1 else 's'}, first on line {at[0]}"
            for scheme, at in sorted(schemes.items(), key=lambda kv: -len(kv[1]))
        ]
        minority = min(schemes.items(), key=lambda kv: len(kv[1]))
        issues.add(
            minority[1][0],
            mapping["organisation"],
            "",
            "organisation identifiers mix schemes (" + "; ".join(parts) + "); map them to one scheme first, "
            "or allow mixed identifiers",
        )
    if known_organisations is not None:
        _check_known(rows, lines, known_organisations, mapping["organisation"], issues)
    if not rows and not issues:
        issues.add(None, "", "", "no participation rows")
    issues.raise_if_any(InvalidParticipations)
    return _from_checked(rows, lines, source=name, dropped=dropped)


def _file_issue(name: str, message: str) -> FileIssue:
    return FileIssue(name, None, "", "", message)


def _repair(text: str) -> str:
    for codec in ("cp1252", "latin-1"):
        try:
            return text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return text


def _check_known(rows, lines, known: Collection[str], column: str, issues: IssueCollector) -> None:
    import difflib

    known_set = set(known)
    normalised = {k.strip().lower().lstrip("0"): k for k in known_set}
    reported: set[str] = set()
    for (_, organisation, *_), line_no in zip(rows, lines, strict=True):
        if organisation in known_set or organisation in reported:
            continue
        reported.add(organisation)
        close = normalised.get(organisation.strip().lower().lstrip("0"))
        if close is None and len(known_set) <= 50_000:
            close = next(iter(difflib.get_close_matches(organisation, known_set, n=1, cutoff=0.85)), None)
        hint = f"; did you mean '{close}'?" if close else ""
        issues.add(line_no, column, organisation, f"unknown organisation '{organisation}'{hint}")


def _from_checked(rows, lines, *, source: str, dropped: int = 0) -> Participations:
    """Build from checked ``(project, organisation, year, role, kind, country, amount, name)`` rows."""
    projects = sorted({r[0] for r in rows})
    organisations = sorted({r[1] for r in rows})
    p_index = {p: i for i, p in enumerate(projects)}
    o_index = {o: i for i, o in enumerate(organisations)}
    names: dict[str, str] = {}
    for r in rows:
        if r[7]:
            names.setdefault(r[1], r[7])
    return Participations(
        project=np.fromiter((p_index[r[0]] for r in rows), dtype=np.int32, count=len(rows)),
        organisation=np.fromiter((o_index[r[1]] for r in rows), dtype=np.int32, count=len(rows)),
        year=np.fromiter((r[2] for r in rows), dtype=np.int32, count=len(rows)),
        project_ids=tuple(projects),
        organisation_ids=tuple(organisations),
        role=tuple(r[3] for r in rows),
        kind=tuple(r[4] for r in rows),
        country=tuple(r[5] for r in rows),
        amount=np.fromiter((r[6] for r in rows), dtype=np.float64, count=len(rows)),
        line=np.asarray(lines, dtype=np.int64),
        source=source,
        names=names,
        dropped=dropped,
    )
