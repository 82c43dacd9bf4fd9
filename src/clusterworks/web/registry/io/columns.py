"""The columns of each kind of import file: name, whether required, what is allowed, how a cell is read.

These specifications are the single source of the file format: the importer validates with them, the
exporter writes their columns in their order, and docs/import-export.md documents each (a test checks).
A cell is read here on its own (syntax, length, check digits); whether a referenced code or key exists,
and rules across rows, are checked in :mod:`.planning`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..models import Cluster, ClusterStatus, Membership, MembershipRole, Organisation, OrganisationType
from .errors import CellError, quote
from .text import damage

KINDS = ("organisations", "clusters", "memberships")
TRUE_WORDS = frozenset({"true", "1", "yes"})
FALSE_WORDS = frozenset({"false", "0", "no", ""})
LIST_SEPARATOR = re.compile(r"[;,]")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?: 00:00(?::00)?)?$")
RU_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
KEY_RULE = gettext_noop(
    "lower-case Latin letters, digits, '.', '_' and '-', starting with a letter or digit, up to 80 characters"
)


@dataclass(frozen=True)
class Column:
    """One column of an import file.

    ``read`` is one of: key, text, choice, bool, date, codes (a ``;``-separated list), reference (a
    code or key of another row). ``field`` names the model field whose validators check the value.
    """

    name: str
    read: str
    help: str
    required: bool = False
    field: str = ""
    choices: tuple[str, ...] = ()
    name_like: bool = False


@dataclass(frozen=True)
class EntitySpec:
    kind: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    #: columns that tell this kind of file from the others when --kind is not given
    signature: tuple[str, ...]
    #: at least one of these columns must be in the header, and one of their values set on each row
    one_of: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @cached_property
    def model_fields(self) -> dict[str, Any]:
        """Column name -> the model field that validates it."""
        return {c.name: self.model._meta.get_field(c.field) for c in self.columns if c.field}


def _values(choices: type[models.TextChoices]) -> tuple[str, ...]:
    return tuple(choices.values)


ORGANISATIONS = EntitySpec(
    kind="organisations",
    model=Organisation,
    signature=("key", "type"),
    one_of=("name_ru", "name_en"),
    columns=(
        Column("key", "key", f"Stable identifier, the upsert key: {KEY_RULE}.", required=True, field="key"),
        Column("name_ru", "text", "Name in Russian, up to 300 characters.", field="name_ru", name_like=True),
        Column("name_en", "text", "Name in English, up to 300 characters.", field="name_en", name_like=True),
        Column(
            "short_name",
            "text",
            "Short name or acronym, up to 80 characters.",
            field="short_name",
            name_like=True,
        ),
        Column(
            "type",
            "choice",
            "One of: " + ", ".join(_values(OrganisationType)) + ".",
            required=True,
            field="type",
            choices=_values(OrganisationType),
        ),
        Column(
            "inn",
            "text",
            "Taxpayer number (INN): 10 digits (legal entity) or 12 (individual) with "
            "valid check digits; unique across organisations.",
            field="inn",
        ),
        Column(
            "ogrn",
            "text",
            "State registration number: OGRN (13 digits) or OGRNIP (15 digits) with a "
            "valid check digit; unique across organisations.",
            field="ogrn",
        ),
        Column(
            "region", "reference", "ISO 3166-2 code of a region in the registry, e.g. RU-MOW.", field="region"
        ),
        Column("city", "text", "City, up to 100 characters.", field="city", name_like=True),
        Column("website", "text", "Web address starting with http:// or https://.", field="website"),
        Column(
            "competences",
            "codes",
            "Codes of the competence vocabulary, separated by ';'.",
            field="competences",
        ),
        Column("competences_text", "text", "Other competences, free text.", field="competences_text"),
        Column("description", "text", "Description, free text.", field="description"),
        Column(
            "illustrative",
            "bool",
            "Demo data that does not describe a real organisation: true/false, "
            "1/0 or yes/no; empty means false.",
            field="illustrative",
        ),
    ),
)

CLUSTERS = EntitySpec(
    kind="clusters",
    model=Cluster,
    signature=("key", "status"),
    one_of=("name_ru", "name_en"),
    columns=(
        Column("key", "key", f"Stable identifier, the upsert key: {KEY_RULE}.", required=True, field="key"),
        Column("name_ru", "text", "Name in Russian, up to 300 characters.", field="name_ru", name_like=True),
        Column("name_en", "text", "Name in English, up to 300 characters.", field="name_en", name_like=True),
        Column(
            "status",
            "choice",
            "One of: " + ", ".join(_values(ClusterStatus)) + ".",
            required=True,
            field="status",
            choices=_values(ClusterStatus),
        ),
        Column(
            "regions",
            "codes",
            "ISO 3166-2 codes of regions in the registry, separated by ';'; at least one.",
            required=True,
            field="regions",
        ),
        Column(
            "specialisations",
            "codes",
            "Codes of the competence vocabulary, separated by ';'.",
            field="specialisations",
        ),
        Column(
            "founded", "date", "Date the cluster was founded: YYYY-MM-DD (or DD.MM.YYYY).", field="founded"
        ),
        Column(
            "ended",
            "date",
            "Date the cluster ended, not before founded: YYYY-MM-DD (or DD.MM.YYYY).",
            field="ended",
        ),
        Column("website", "text", "Web address starting with http:// or https://.", field="website"),
        Column("description_en", "text", "Description in English, free text.", field="description_en"),
        Column("description_ru", "text", "Description in Russian, free text.", field="description_ru"),
    ),
)

MEMBERSHIPS = EntitySpec(
    kind="memberships",
    model=Membership,
    signature=("cluster", "organisation"),
    columns=(
        Column(
            "cluster",
            "reference",
            "Key of the cluster (in the registry or in the same import).",
            required=True,
            field="cluster",
        ),
        Column(
            "organisation",
            "reference",
            "Key of the organisation (in the registry or in the same import). With cluster, the upsert key.",
            required=True,
            field="organisation",
        ),
        Column(
            "role",
            "choice",
            "One of: " + ", ".join(_values(MembershipRole)) + "; at most one current "
            "coordinator (without a left date) per cluster.",
            required=True,
            field="role",
            choices=_values(MembershipRole),
        ),
        Column("joined", "date", "Date the organisation joined: YYYY-MM-DD (or DD.MM.YYYY).", field="joined"),
        Column(
            "left",
            "date",
            "Date the organisation left, not before joined; empty while it is a member.",
            field="left",
        ),
    ),
)

SPECS: dict[str, EntitySpec] = {spec.kind: spec for spec in (ORGANISATIONS, CLUSTERS, MEMBERSHIPS)}


# ------------------------------------------------------------------------------------------ reading


def parse_date(raw: str) -> dt.date:
    """A date written YYYY-MM-DD or DD.MM.YYYY."""
    iso, ru = ISO_DATE.match(raw), RU_DATE.match(raw)
    if not (iso or ru):
        raise CellError(
            _("%(value)s is not a date") % {"value": quote(raw)}, allowed=_("YYYY-MM-DD or DD.MM.YYYY")
        )
    year, month, day = (
        (int(iso[1]), int(iso[2]), int(iso[3])) if iso else (int(ru[3]), int(ru[2]), int(ru[1]))
    )
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise CellError(
            _("%(value)s is not a date (%(problem)s)") % {"value": quote(raw), "problem": exc}
        ) from exc


def parse_bool(raw: str) -> bool:
    word = raw.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(
        _("%(value)s is not allowed") % {"value": quote(raw)}, allowed="true, false, 1, 0, yes, no"
    )


def parse_codes(raw: str) -> tuple[str, ...]:
    """Codes of a list cell, without blanks and repeats, sorted (so that lists compare as sets)."""
    return tuple(sorted({code.strip() for code in LIST_SEPARATOR.split(raw) if code.strip()}))


def _check_text(spec: EntitySpec, column: Column, raw: str) -> str:
    field = spec.model_fields[column.name]
    max_length = getattr(field, "max_length", None)
    if max_length and len(raw) > max_length:
        raise CellError(
            _("%(value)s is %(length)d characters long; at most %(limit)d are allowed")
            % {"value": quote(raw, 40), "length": len(raw), "limit": max_length}
        )
    if column.name == "website":
        if not re.match(r"^https?://", raw, re.IGNORECASE):
            if re.search(r"[\s;,]", raw):
                message = _(
                    "%(value)s is not a web address starting with http:// or https://; give one address only"
                )
            else:
                message = _("%(value)s is not a web address starting with http:// or https://")
            raise CellError(message % {"value": quote(raw)})
        if re.search(r"\s|;|,\s", raw):
            raise CellError(
                _("%(value)s holds more than one web address; give one address only") % {"value": quote(raw)}
            )
    problem = damage(raw, name_like=column.name_like)
    if problem:
        raise CellError(_("%(value)s %(problem)s") % {"value": quote(raw), "problem": problem})
    try:
        field.run_validators(raw)
    except ValidationError as exc:
        message = "; ".join(str(m) for m in exc.messages)
        raise CellError(message if raw in message else f"{quote(raw)}: {message}") from exc
    return raw


def read_cell(spec: EntitySpec, column: Column, raw: str) -> Any:
    """The value of one cell, or :class:`CellError` saying what is wrong and what is allowed.

    An empty cell gives the column's empty value: "" for text and codes of other rows, None for a date,
    False for a boolean, () for a list. Whether an empty value is acceptable is decided by the caller.
    """
    if column.read == "key":
        if raw and not re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,79}", raw):
            raise CellError(_("%(value)s is not a valid key") % {"value": quote(raw)}, allowed=_(KEY_RULE))
        return raw
    if column.read == "text":
        return _check_text(spec, column, raw) if raw else ""
    if column.read == "choice":
        value = raw.lower()
        if raw and value not in column.choices:
            raise CellError(
                _("%(value)s is not allowed") % {"value": quote(raw)}, allowed=", ".join(column.choices)
            )
        return value
    if column.read == "bool":
        return parse_bool(raw)
    if column.read == "date":
        return parse_date(raw) if raw else None
    if column.read == "codes":
        return parse_codes(raw)
    if column.read == "reference":
        return raw.upper() if column.name == "region" else raw
    raise AssertionError(f"unknown column reader {column.read!r}")
