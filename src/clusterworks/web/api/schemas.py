"""Request and response bodies of the REST API.

Input schemas refuse unknown fields and NUL characters. The bodies of ``PATCH`` requests have every field
optional but, unless the field may be empty in the register (a date, the region), not nullable:
leave a field out to keep it, send a value to change it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Generic, Literal, TypeVar

from ninja import Path, Schema
from pydantic import ConfigDict, Field, field_validator, model_validator

from clusterworks.web.registry.models import (
    AgreementKind,
    ClusterStatus,
    MembershipRole,
    OrganisationType,
    ProjectParticipation,
)

ClusterStatusValue = Literal[tuple(ClusterStatus.values)]  # type: ignore[valid-type]
OrganisationTypeValue = Literal[tuple(OrganisationType.values)]  # type: ignore[valid-type]
MembershipRoleValue = Literal[tuple(MembershipRole.values)]  # type: ignore[valid-type]
AgreementKindValue = Literal[tuple(AgreementKind.values)]  # type: ignore[valid-type]
ParticipationRoleValue = Literal[tuple(ProjectParticipation.Role.values)]  # type: ignore[valid-type]

#: keys the examples of the documentation use: those of the demo instance (``clusterworks demo``)
EXAMPLE_CLUSTER = "moscow-medtech"
EXAMPLE_ORGANISATION = "rnrmu"
EXAMPLE_MEMBER = "msu-ffm"

#: the largest integer a database row id can be (64-bit signed)
MAX_ID = 2**63 - 1

#: budgets are stored with 16 digits; on SQLite as floating point, exact only to about 15 digits
MAX_BUDGET = Decimal("9999999999999.99")

# path parameters
ClusterKey = Path(..., description="The cluster's key.", example=EXAMPLE_CLUSTER)
OrganisationKey = Path(..., description="The organisation's key.", example=EXAMPLE_ORGANISATION)
MemberKey = Path(..., description="The member organisation's key.", example=EXAMPLE_MEMBER)
RegionCode = Path(..., description="ISO 3166-2 code (case-insensitive).", example="RU-MOW")
CompetenceCode = Path(..., description="The competence's code.", example="med-biotech")
T = TypeVar("T")


def _drop_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _not_null(schema: dict[str, Any]) -> None:
    """Document an optional query parameter as its type alone: a query string has no null."""
    for alternative in schema.pop("anyOf", []):
        if alternative.get("type") != "null":
            schema.update(alternative)
    schema.pop("default", None)


def choice_filter(**kwargs: Any) -> Any:
    return Field(None, json_schema_extra=_not_null, **kwargs)


def optional(**kwargs: Any) -> Any:
    """A PATCH field: may be left out (then it is not changed), but is not nullable unless typed so."""
    return Field(None, json_schema_extra=_drop_default, **kwargs)


def _refuse_nul(value: Any) -> Any:
    """Refuse text no database stores: NUL characters (PostgreSQL) and lone UTF-16 surrogates."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("must be valid Unicode text (no lone surrogates)") from None
    if isinstance(value, list):
        for item in value:
            _refuse_nul(item)
    return value


class Error(Schema):
    status: int = Field(description="The HTTP status, repeated.")
    code: str = Field(description="A stable snake_case code, e.g. permission_denied, validation_failed.")
    message: str = Field(description="What went wrong, for people.")
    fields: dict[str, list[str]] = Field(
        description="Messages per input field; empty if none. `__all__`: the input as a whole."
    )


class ErrorResponse(Schema):
    """Every error has this shape, whatever its status."""

    error: Error


class Query(Schema):
    """Query parameters of a list: the page, and filters (strings without NUL characters)."""

    page: int = Field(1, ge=1, le=1_000_000, description="Page number, from 1.")
    page_size: int = Field(50, ge=1, le=200, description="Results per page (at most 200).")

    _no_nul = field_validator("*", mode="after")(_refuse_nul)


class Search(Query):
    search: str = Field("", max_length=200, description="Words that must all occur (case-insensitive).")


class Input(Schema):
    model_config = ConfigDict(extra="forbid")

    _no_nul = field_validator("*", mode="after")(_refuse_nul)


class Page(Schema, Generic[T]):
    count: int = Field(description="Number of results on all pages.")
    page: int
    page_size: int
    results: list[T]


# --- references -----------------------------------------------------------------------------------------


class OrganisationRef(Schema):
    key: str
    name_en: str
    name_ru: str


class Region(Schema):
    code: str = Field(description="ISO 3166-2 code, e.g. RU-MOW.")
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    name_en: str
    name_ru: str
    kind: str


class Competence(Schema):
    code: str
    name_en: str
    name_ru: str
    parent: str | None = Field(description="Code of the broader term, if any.")

    @staticmethod
    def resolve_parent(obj: Any) -> str | None:
        return obj.parent.code if obj.parent_id else None


class RegionQuery(Search):
    country: str = Field("", max_length=2, description="ISO 3166-1 alpha-2 country code, e.g. RU.")


class CompetenceQuery(Search):
    parent: str = Field("", max_length=80, description="Only the narrower terms of this code.")


# --- clusters --------------------------------------------------------------------------------------------


class Coordinator(Schema):
    name_en: str
    name_ru: str


class Cluster(Schema):
    key: str
    name_en: str
    name_ru: str
    status: ClusterStatusValue
    founded: dt.date | None
    ended: dt.date | None
    website: str
    description_en: str
    description_ru: str
    illustrative: bool
    regions: list[str] = Field(description="ISO 3166-2 codes.")
    specialisations: list[str] = Field(description="Competence codes.")
    member_count: int = Field(description="Current members.")
    coordinator: Coordinator | None = Field(description="The current coordinator (specialised organisation).")
    created_at: dt.datetime
    updated_at: dt.datetime
    web_url: str

    @staticmethod
    def resolve_regions(obj: Any) -> list[str]:
        return [region.code for region in obj.regions.all()]

    @staticmethod
    def resolve_specialisations(obj: Any) -> list[str]:
        return [competence.code for competence in obj.specialisations.all()]

    @staticmethod
    def resolve_coordinator(obj: Any) -> dict[str, str] | None:
        name_en, name_ru = (
            getattr(obj, "coordinator_name_en", None),
            getattr(obj, "coordinator_name_ru", None),
        )
        if name_en is None and name_ru is None:
            return None
        return {"name_en": name_en or "", "name_ru": name_ru or ""}

    @staticmethod
    def resolve_member_count(obj: Any) -> int:
        return getattr(obj, "member_count", 0)

    @staticmethod
    def resolve_web_url(obj: Any) -> str:
        return obj.get_absolute_url()


class ClusterQuery(Search):
    region: str = Field("", max_length=6, description="ISO 3166-2 code of a region the cluster covers.")
    status: ClusterStatusValue | None = choice_filter()
    specialisation: str = Field("", max_length=80, description="Competence code (or a broader term).")


class ClusterCreate(Input):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key": "spb-photonics",
                    "name_en": "Photonics cluster of Saint Petersburg",
                    "name_ru": "Кластер фотоники Санкт-Петербурга",
                    "status": "initiative",
                    "founded": "2024-03-01",
                    "regions": ["RU-SPE"],
                    "specialisations": ["ict-electronics.photonics"],
                }
            ]
        }
    )

    key: str = Field(description="Stable identifier: lower-case Latin letters, digits, '.', '_', '-'.")
    name_en: str = ""
    name_ru: str = ""
    status: ClusterStatusValue
    founded: dt.date | None = None
    ended: dt.date | None = None
    website: str = ""
    description_en: str = ""
    description_ru: str = ""
    illustrative: bool = False
    regions: list[str] = Field(min_length=1, description="ISO 3166-2 codes.")
    specialisations: list[str] = Field(default_factory=list, description="Competence codes.")


class ClusterUpdate(Input):
    """Every field is optional; the key cannot change."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "established", "website": "https://medtech.example.org"}]}
    )

    name_en: str = optional()
    name_ru: str = optional()
    status: ClusterStatusValue = optional()
    founded: dt.date | None = optional()
    ended: dt.date | None = optional()
    website: str = optional()
    description_en: str = optional()
    description_ru: str = optional()
    illustrative: bool = optional()
    regions: list[str] = optional(min_length=1)
    specialisations: list[str] = optional()


# --- organisations ----------------------------------------------------------------------------------------


class Organisation(Schema):
    key: str
    name_en: str
    name_ru: str
    short_name: str
    type: OrganisationTypeValue
    helix: str = Field(description="Triple-helix sector: university, research, business, government, other.")
    inn: str
    ogrn: str
    region: str | None = Field(description="ISO 3166-2 code.")
    city: str
    website: str
    competences: list[str] = Field(description="Competence codes.")
    competences_text: str
    description: str
    illustrative: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    web_url: str

    @staticmethod
    def resolve_region(obj: Any) -> str | None:
        return obj.region_id

    @staticmethod
    def resolve_competences(obj: Any) -> list[str]:
        return [competence.code for competence in obj.competences.all()]

    @staticmethod
    def resolve_web_url(obj: Any) -> str:
        return obj.get_absolute_url()


class OrganisationQuery(Search):
    type: OrganisationTypeValue | None = choice_filter()
    region: str = Field("", max_length=6, description="ISO 3166-2 code.")
    competence: str = Field("", max_length=80, description="Competence code (or a broader term).")
    cluster: str = Field(
        "", max_length=80, description="Key of a cluster the organisation is a current member of."
    )


class OrganisationCreate(Input):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key": "medsensor",
                    "name_en": "MedSensor LLC",
                    "name_ru": "ООО «МедСенсор»",
                    "short_name": "MedSensor",
                    "type": "company_sme",
                    "inn": "7701123451",
                    "ogrn": "1027700123450",
                    "region": "RU-MOW",
                    "city": "Moscow",
                    "competences": ["med-equipment.biosensors"],
                }
            ]
        }
    )

    key: str = Field(description="Stable identifier: lower-case Latin letters, digits, '.', '_', '-'.")
    name_en: str = ""
    name_ru: str = ""
    short_name: str = ""
    type: OrganisationTypeValue
    inn: str = ""
    ogrn: str = ""
    region: str | None = Field(None, description="ISO 3166-2 code.")
    city: str = ""
    website: str = ""
    competences: list[str] = Field(default_factory=list, description="Competence codes.")
    competences_text: str = ""
    description: str = ""
    illustrative: bool = False


class OrganisationUpdate(Input):
    """Every field is optional."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"city": "Moscow", "website": "https://rnrmu.example.org"}]}
    )

    key: str = optional()
    name_en: str = optional()
    name_ru: str = optional()
    short_name: str = optional()
    type: OrganisationTypeValue = optional()
    inn: str = optional()
    ogrn: str = optional()
    region: str | None = optional(description="ISO 3166-2 code; null for none.")
    city: str = optional()
    website: str = optional()
    competences: list[str] = optional()
    competences_text: str = optional()
    description: str = optional()
    illustrative: bool = optional()


# --- memberships ------------------------------------------------------------------------------------------


class Membership(Schema):
    cluster: str = Field(description="The cluster's key.")
    organisation: OrganisationRef
    role: MembershipRoleValue
    joined: dt.date | None
    left: dt.date | None
    is_current: bool

    @staticmethod
    def resolve_cluster(obj: Any) -> str:
        return obj.cluster.key


class MembershipQuery(Query):
    current: bool = Field(True, description="Only current members (false: also those who left).")


class MembershipCreate(Input):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"organisation": "eurogen", "role": "member", "joined": "2024-01-15"}]
        }
    )

    organisation: str = Field(description="The organisation's key.")
    role: MembershipRoleValue = MembershipRole.MEMBER.value
    joined: dt.date | None = None


class MembershipUpdate(Input):
    """Every field is optional; set ``left`` to end a membership."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"role": "core"}]})

    role: MembershipRoleValue = optional()
    joined: dt.date = optional()
    left: dt.date = optional()


# --- people -----------------------------------------------------------------------------------------------


class Affiliation(Schema):
    organisation: OrganisationRef
    position: str
    is_contact: bool
    start: dt.date | None
    end: dt.date | None


class Person(Schema):
    id: int
    full_name: str
    full_name_en: str
    email: str
    phone: str
    affiliations: list[Affiliation]

    @staticmethod
    def resolve_affiliations(obj: Any) -> list[Any]:
        return list(obj.affiliations.all())


class PersonQuery(Search):
    organisation: str = Field("", max_length=80, description="Key of an organisation the person works for.")


class PersonCreate(Input):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "organisation": "rnrmu",
                    "position": "Vice-rector for research",
                    "is_contact": True,
                    "full_name": "Иванова Анна Сергеевна",
                    "full_name_en": "Anna Ivanova",
                    "email": "a.ivanova@example.org",
                    "phone": "+7 495 000-00-00",
                }
            ]
        }
    )

    organisation: str = Field(description="Key of the organisation the person works for.")
    position: str
    is_contact: bool = Field(False, description="The organisation's contact for its clusters.")
    full_name: str
    full_name_en: str = ""
    email: str = ""
    phone: str = ""


class PersonUpdate(Input):
    """Every field is optional."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"phone": "+7 495 000-00-01"}]})

    full_name: str = optional()
    full_name_en: str = optional()
    email: str = optional()
    phone: str = optional()


# --- ties: agreements and joint projects ------------------------------------------------------------------


def _two_distinct(keys: list[str] | None, what: str) -> list[str] | None:
    if keys is None:
        return None
    distinct = list(dict.fromkeys(keys))
    if len(distinct) < 2:
        raise ValueError(f"name at least two different organisations as {what}")
    return distinct


class Agreement(Schema):
    id: int
    title: str
    kind: AgreementKindValue
    signed_on: dt.date
    ends_on: dt.date | None
    description: str
    parties: list[OrganisationRef]

    @staticmethod
    def resolve_parties(obj: Any) -> list[Any]:
        return list(obj.parties.all())


class AgreementQuery(Search):
    kind: AgreementKindValue | None = choice_filter()
    organisation: str = Field("", max_length=80, description="Key of a party.")


class AgreementCreate(Input):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Cooperation in cell technologies",
                    "kind": "cooperation",
                    "signed_on": "2024-02-01",
                    "ends_on": "2027-12-31",
                    "parties": ["rnrmu", "msu-ffm"],
                }
            ]
        }
    )

    title: str
    kind: AgreementKindValue
    signed_on: dt.date
    ends_on: dt.date | None = None
    description: str = ""
    parties: list[str] = Field(min_length=2, description="Keys of the organisations (at least two).")

    @field_validator("parties")
    @classmethod
    def _parties(cls, value: list[str]) -> list[str] | None:
        return _two_distinct(value, "parties")


class AgreementUpdate(Input):
    """Every field is optional; ``parties`` replaces the list of parties."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"ends_on": "2028-12-31"}]})

    title: str = optional()
    kind: AgreementKindValue = optional()
    signed_on: dt.date = optional()
    ends_on: dt.date | None = optional()
    description: str = optional()
    parties: list[str] = optional(min_length=2)

    @field_validator("parties")
    @classmethod
    def _parties(cls, value: list[str] | None) -> list[str] | None:
        return _two_distinct(value, "parties")


class Participant(Schema):
    organisation: OrganisationRef
    role: ParticipationRoleValue


class Project(Schema):
    id: int
    title: str
    acronym: str
    start: dt.date
    end: dt.date | None
    budget: str | None = Field(description="Roubles, as a decimal string with two decimals.")
    description: str
    participants: list[Participant]

    @staticmethod
    def resolve_budget(obj: Any) -> str | None:
        return None if obj.budget is None else f"{obj.budget:.2f}"

    @staticmethod
    def resolve_participants(obj: Any) -> list[Any]:
        return list(obj.participations.all())


class ProjectQuery(Search):
    organisation: str = Field("", max_length=80, description="Key of a participant.")


class ProjectCreate(Input):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Biodegradable stents: preclinical studies",
                    "acronym": "BIOSTENT",
                    "start": "2024-04-01",
                    "budget": "25000000.00",
                    "participants": ["rnrmu", "msu-ffm"],
                    "coordinator": "rnrmu",
                }
            ]
        }
    )

    title: str
    acronym: str = ""
    start: dt.date
    end: dt.date | None = None
    budget: Decimal | None = Field(
        None,
        ge=0,
        le=MAX_BUDGET,
        decimal_places=2,
        allow_inf_nan=False,
        description="Roubles, at most 9 999 999 999 999.99.",
    )
    description: str = ""
    participants: list[str] = Field(min_length=2, description="Keys of the organisations (at least two).")
    coordinator: str | None = Field(None, description="Key of the coordinating participant, if any.")

    @field_validator("participants")
    @classmethod
    def _participants(cls, value: list[str]) -> list[str] | None:
        return _two_distinct(value, "participants")

    @model_validator(mode="after")
    def _coordinator_takes_part(self) -> ProjectCreate:
        if self.coordinator is not None and self.coordinator not in self.participants:
            raise ValueError("the coordinator must be one of the participants")
        return self


class ProjectUpdate(Input):
    """Every field is optional; ``participants`` replaces the participants; ``coordinator`` null: none."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"budget": "27500000.00"}]})

    title: str = optional()
    acronym: str = optional()
    start: dt.date = optional()
    end: dt.date | None = optional()
    budget: Decimal | None = optional(ge=0, le=MAX_BUDGET, decimal_places=2, allow_inf_nan=False)
    description: str = optional()
    participants: list[str] = optional(min_length=2)
    coordinator: str | None = optional()

    @field_validator("participants")
    @classmethod
    def _participants(cls, value: list[str] | None) -> list[str] | None:
        return _two_distinct(value, "participants")


# named pages, so that the OpenAPI schema reads ClusterPage rather than Page_Cluster_
class RegionPage(Page[Region]):
    pass


class CompetencePage(Page[Competence]):
    pass


class ClusterPage(Page[Cluster]):
    pass


class OrganisationPage(Page[Organisation]):
    pass


class MembershipPage(Page[Membership]):
    pass


class PersonPage(Page[Person]):
    pass


class AgreementPage(Page[Agreement]):
    pass


class ProjectPage(Page[Project]):
    pass


def errors(*statuses: int) -> dict[int, type[ErrorResponse]]:
    """The error responses an operation documents (all with the one error shape)."""
    return dict.fromkeys(statuses, ErrorResponse)


#: errors every operation may return: a malformed or refused credential, a query that fails the schema
COMMON_ERRORS = (401, 422)
READ_ERRORS = (*COMMON_ERRORS, 403, 404)
WRITE_ERRORS = (400, 401, 403, 404, 409, 422)
