"""The register of a cluster: organisations, people, clusters, memberships, agreements and joint projects.

Names are held in Russian and English; :meth:`Localised.display_name` picks the one of the active language
and falls back to the other.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clusterworks.web.core.audit import AuditedModel

from .validators import validate_inn, validate_ogrn

key_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9._-]{0,79}$",
    _("Use lower-case Latin letters, digits, '.', '_' and '-' (up to 80 characters)."),
)


class Localised(models.Model):
    """Mixin for models with ``name_en`` and ``name_ru``."""

    class Meta:
        abstract = True

    def display_name(self) -> str:
        first, second = (
            (self.name_ru, self.name_en)
            if (get_language() or "en").startswith("ru")
            else (
                self.name_en,
                self.name_ru,
            )
        )
        return first or second

    def __str__(self) -> str:
        return self.display_name()


class NullIfEmpty(models.Func):
    """``NULLIF(expression, '')`` with the empty string written into the SQL, not bound as a parameter,
    so that the database can match it against the expression of an index."""

    template = "NULLIF(%(expressions)s, '')"
    arity = 1
    output_field = models.CharField()


def name_order(*, russian: bool) -> Coalesce:
    """Sort key of ``Localised`` rows: the name in the given language, else the other one. Organisation
    has an index on each, so a page of a long list is read in order instead of sorting every row."""
    first, second = ("name_ru", "name_en") if russian else ("name_en", "name_ru")
    return Coalesce(NullIfEmpty(first), second)


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The label of ``value``, translated once. Django's generated ``get_FOO_display`` hashes every
    lazily translated label of the field on each call, which dominated pages listing hundreds of rows."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class Region(Localised):
    """A first-level region: a Russian federal subject or a US state, keyed by ISO 3166-2."""

    code = models.CharField(_("ISO 3166-2 code"), max_length=6, primary_key=True)
    country = models.CharField(_("country"), max_length=2)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    kind = models.CharField(_("kind"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]


class Competence(Localised):
    """A term of the controlled vocabulary of competences (a tree)."""

    code = models.CharField(_("code"), max_length=80, unique=True, validators=[key_validator])
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)

    class Meta:
        verbose_name = _("competence")
        verbose_name_plural = _("competences")
        ordering = ["code"]


class OrganisationType(models.TextChoices):
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    CLINICAL_CENTRE = "clinical_centre", _("Clinical centre")
    COMPANY_SME = "company_sme", _("Company (SME)")
    COMPANY_LARGE = "company_large", _("Company (large)")
    AUTHORITY = "authority", _("Public authority")
    DEVELOPMENT_INSTITUTION = "development_institution", _("Development institution")
    OTHER = "other", _("Other")


class Helix(models.TextChoices):
    """The triple helix, with research split from universities as cluster policy reports do."""

    UNIVERSITY = "university", _("Universities")
    RESEARCH = "research", _("Research")
    BUSINESS = "business", _("Business")
    GOVERNMENT = "government", _("Government")
    OTHER = "other", _("Other")


HELIX_OF_TYPE = {
    OrganisationType.UNIVERSITY: Helix.UNIVERSITY,
    OrganisationType.RESEARCH_INSTITUTE: Helix.RESEARCH,
    OrganisationType.CLINICAL_CENTRE: Helix.RESEARCH,
    OrganisationType.COMPANY_SME: Helix.BUSINESS,
    OrganisationType.COMPANY_LARGE: Helix.BUSINESS,
    OrganisationType.AUTHORITY: Helix.GOVERNMENT,
    OrganisationType.DEVELOPMENT_INSTITUTION: Helix.GOVERNMENT,
    OrganisationType.OTHER: Helix.OTHER,
}


class Organisation(Localised, AuditedModel):
    key = models.CharField(
        _("key"),
        max_length=80,
        unique=True,
        validators=[key_validator],
        help_text=_("Stable identifier used by imports, e.g. 'rnrmu'."),
    )
    name_ru = models.CharField(_("name (Russian)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    type = models.CharField(_("type"), max_length=30, choices=OrganisationType.choices, db_index=True)
    inn = models.CharField(_("INN"), max_length=12, blank=True, validators=[validate_inn])
    ogrn = models.CharField(_("OGRN"), max_length=15, blank=True, validators=[validate_ogrn])
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("region"),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    competences = models.ManyToManyField(
        Competence, blank=True, related_name="organisations", verbose_name=_("competences")
    )
    competences_text = models.TextField(_("other competences"), blank=True)
    description = models.TextField(_("description"), blank=True)
    illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Demo data that does not describe a real organisation.")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_en", "name_ru"]
        constraints = [
            models.UniqueConstraint(fields=["inn"], condition=~Q(inn=""), name="unique_organisation_inn"),
            models.UniqueConstraint(fields=["ogrn"], condition=~Q(ogrn=""), name="unique_organisation_ogrn"),
            models.CheckConstraint(condition=~Q(name_ru="", name_en=""), name="organisation_has_a_name"),
        ]
        indexes = [
            models.Index(fields=["type", "region"]),
            models.Index(name_order(russian=False), F("id"), name="organisation_order_en"),
            models.Index(name_order(russian=True), F("id"), name="organisation_order_ru"),
        ]

    @property
    def helix(self) -> str:
        return HELIX_OF_TYPE[self.type]

    def get_type_display(self) -> str:
        return choice_label(OrganisationType, self.type)

    def get_absolute_url(self) -> str:
        return reverse("organisation-detail", args=[self.key])


class Person(AuditedModel):
    """A contact person. Contacts are private: see the ``person.view`` permission."""

    full_name = models.CharField(_("full name"), max_length=200)
    full_name_en = models.CharField(_("full name (English)"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="person"
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]

    def __str__(self) -> str:
        if (get_language() or "en").startswith("en") and self.full_name_en:
            return self.full_name_en
        return self.full_name


class Affiliation(AuditedModel):
    """A person's role in an organisation (e.g. vice-rector, contact for the cluster)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="affiliations")
    position = models.CharField(_("position"), max_length=200)
    is_contact = models.BooleanField(_("contact for the cluster"), default=False)
    start = models.DateField(_("from"), null=True, blank=True)
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")

    def __str__(self) -> str:
        return f"{self.person} — {self.position}, {self.organisation}"


class ClusterStatus(models.TextChoices):
    INITIATIVE = "initiative", _("Initiative")
    PILOT = "pilot", _("Pilot innovative territorial cluster")
    ESTABLISHED = "established", _("Established")
    INACTIVE = "inactive", _("Inactive")


class Cluster(Localised, AuditedModel):
    key = models.CharField(_("key"), max_length=80, unique=True, validators=[key_validator])
    name_ru = models.CharField(_("name (Russian)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    regions = models.ManyToManyField(Region, related_name="clusters", verbose_name=_("regions"))
    specialisations = models.ManyToManyField(
        Competence, blank=True, related_name="clusters", verbose_name=_("specialisations")
    )
    status = models.CharField(_("status"), max_length=20, choices=ClusterStatus.choices, db_index=True)
    founded = models.DateField(_("founded"), null=True, blank=True)
    ended = models.DateField(_("ended"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    illustrative = models.BooleanField(_("illustrative"), default=False)
    organisations = models.ManyToManyField(Organisation, through="Membership", related_name="clusters")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["name_en", "name_ru"]
        constraints = [
            models.CheckConstraint(condition=~Q(name_ru="", name_en=""), name="cluster_has_a_name")
        ]

    def get_status_display(self) -> str:
        return choice_label(ClusterStatus, self.status)

    def description(self) -> str:
        ru = (get_language() or "en").startswith("ru")
        return (
            (self.description_ru if ru else self.description_en) or self.description_en or self.description_ru
        )

    def get_absolute_url(self) -> str:
        return reverse("cluster-detail", args=[self.key])


class MembershipRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator (specialised cluster organisation)")
    CORE = "core", _("Core member")
    MEMBER = "member", _("Member")
    PARTNER = "partner", _("Partner")


class Membership(AuditedModel):
    """An organisation's membership of a cluster. The coordinator is the member with that role."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        _("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    joined = models.DateField(_("joined"), null=True, blank=True)
    left = models.DateField(_("left"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "organisation"], name="unique_membership"),
            models.UniqueConstraint(
                fields=["cluster"], condition=Q(role="coordinator", left__isnull=True), name="one_coordinator"
            ),
            models.CheckConstraint(
                condition=Q(left__isnull=True) | Q(joined__isnull=True) | Q(left__gte=models.F("joined")),
                name="membership_left_after_joined",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "cluster"])]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.cluster} ({self.get_role_display()})"

    def get_role_display(self) -> str:
        return choice_label(MembershipRole, self.role)

    @property
    def is_current(self) -> bool:
        return self.left is None or self.left >= timezone.localdate()


class AgreementKind(models.TextChoices):
    COOPERATION = "cooperation", _("Cooperation agreement")
    RESEARCH = "research", _("R&D contract")
    LICENCE = "licence", _("Licence")
    SUPPLY = "supply", _("Supply or service contract")
    INTENT = "intent", _("Letter of intent")
    OTHER = "other", _("Other")


class Agreement(AuditedModel):
    """A dated agreement between two or more organisations: a tie of the stakeholder network."""

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=AgreementKind.choices)
    signed_on = models.DateField(_("signed on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    parties = models.ManyToManyField(Organisation, related_name="agreements", verbose_name=_("parties"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on"]

    def __str__(self) -> str:
        return self.title


class JointProject(AuditedModel):
    """A dated project of two or more organisations: a tie of the stakeholder network."""

    title = models.CharField(_("title"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=50, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    # 15 digits: SQLite keeps decimals as doubles, exact to 15 significant digits
    budget = models.DecimalField(_("budget, roubles"), max_digits=15, decimal_places=2, null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    participants = models.ManyToManyField(
        Organisation, through="ProjectParticipation", related_name="projects"
    )

    class Meta:
        verbose_name = _("joint project")
        verbose_name_plural = _("joint projects")
        ordering = ["-start"]

    def __str__(self) -> str:
        return self.acronym or self.title


class ProjectParticipation(AuditedModel):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        PARTICIPANT = "participant", _("Participant")

    project = models.ForeignKey(JointProject, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="participations")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT)

    class Meta:
        verbose_name = _("project participation")
        verbose_name_plural = _("project participations")
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation"], name="unique_participation")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.project}"
