"""Product pathways: each product's way through research, trials, registration and production, gate by
gate and agency by agency.

A *gate catalogue* is one version of the rules for one product type (e.g. medical devices under
Government Resolution 1416 of 2012, then under Resolution 1684 of 2024): its ordered *gates*, each with
the responsible *agency*, the legal basis and the statutory clock. A *product* keeps the catalogue
version it started under. *Gate events* record what happened at a gate (submitted, agency query -- the
clock stops --, answered, decision); a *barrier* is an obstacle at a gate or between organisations,
tracked by the cluster's management to its resolution.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clusterworks.web.core.audit import AuditedModel
from clusterworks.web.registry.models import (
    Cluster,
    Localised,
    Organisation,
    choice_label,
    key_validator,
)


class ProductType(models.TextChoices):
    MEDICINE = "medicine", _("Medicine")
    DEVICE = "device", _("Medical device")
    DIAGNOSTIC = "diagnostic", _("In-vitro diagnostic")
    SOFTWARE = "software", _("Medical software")
    SERVICE = "service", _("Service")


#: the product types that are medical devices under Federal Law 323-FZ, art. 38 (in-vitro diagnostics and
#: software intended for medical use included), and so have a risk class
DEVICE_TYPES = ("device", "diagnostic", "software")


class RiskClass(models.TextChoices):
    """Risk classes of medical devices in Russia (MoH Order 4n of 06.06.2012), in-vitro diagnostics and
    medical software included."""

    CLASS_1 = "1", _("Class 1 (low risk)")
    CLASS_2A = "2a", _("Class 2a (medium risk)")
    CLASS_2B = "2b", _("Class 2b (increased risk)")
    CLASS_3 = "3", _("Class 3 (high risk)")


class Stage(models.TextChoices):
    """The stages of the pipeline board; each gate belongs to one."""

    RESEARCH = "research", pgettext_lazy("stage", "Research")
    TRIALS = "trials", _("Trials")
    REGISTRATION = "registration", _("Registration")
    PRODUCTION = "production", _("Production")
    MARKET = "market", _("On the market")


class ClockKind(models.TextChoices):
    WORKING = "working", _("working days")
    CALENDAR = "calendar", _("calendar days")
    NONE = "none", _("no statutory clock")


class Agency(Localised, AuditedModel):
    """A body that decides at a gate: a ministry, a federal service, an expert institution, a lab."""

    key = models.CharField(_("key"), max_length=80, unique=True, validators=[key_validator])
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=300, blank=True)
    short_en = models.CharField(_("short name (English)"), max_length=60, blank=True)
    short_ru = models.CharField(_("short name (Russian)"), max_length=60, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["key"]
        constraints = [models.CheckConstraint(condition=~Q(name_ru="", name_en=""), name="agency_has_a_name")]


class GateCatalogue(Localised, AuditedModel):
    """One version of the gates of one product type, in force from ``effective_from`` to ``effective_to``."""

    key = models.CharField(_("key"), max_length=80, unique=True, validators=[key_validator])
    product_type = models.CharField(_("product type"), max_length=12, choices=ProductType.choices)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=300, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("replaces"),
    )

    class Meta:
        verbose_name = _("gate catalogue")
        verbose_name_plural = _("gate catalogues")
        ordering = ["product_type", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="catalogue_in_force_in_order",
            )
        ]

    def get_product_type_display(self) -> str:
        return choice_label(ProductType, self.product_type)


class Gate(Localised, AuditedModel):
    """A regulatory gate (or a development step without a statutory clock) of a catalogue, in order."""

    catalogue = models.ForeignKey(GateCatalogue, on_delete=models.CASCADE, related_name="gates")
    key = models.CharField(_("key"), max_length=80, validators=[key_validator])
    position = models.PositiveSmallIntegerField(pgettext_lazy("order", "position"))
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=300, blank=True)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gates",
        verbose_name=_("agency"),
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    clock_kind = models.CharField(
        _("clock"), max_length=10, choices=ClockKind.choices, default=ClockKind.NONE
    )
    clock_days = models.PositiveIntegerField(_("statutory time, days"), null=True, blank=True)
    typical_days_low = models.PositiveIntegerField(
        _("typical time from, calendar days"), null=True, blank=True
    )
    typical_days_high = models.PositiveIntegerField(
        _("typical time to, calendar days"), null=True, blank=True
    )
    documents_en = models.TextField(
        _("required documents (English)"), blank=True, help_text=_("One per line.")
    )
    documents_ru = models.TextField(
        _("required documents (Russian)"), blank=True, help_text=_("One per line.")
    )
    device_classes = models.CharField(
        _("device classes"),
        max_length=20,
        blank=True,
        help_text=_("Risk classes this gate applies to, e.g. '2b,3'; empty: all."),
    )

    class Meta:
        verbose_name = _("gate")
        verbose_name_plural = _("gates")
        ordering = ["catalogue", "position"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "key"], name="unique_gate_key"),
            models.UniqueConstraint(fields=["catalogue", "position"], name="unique_gate_position"),
            models.CheckConstraint(condition=~Q(name_ru="", name_en=""), name="gate_has_a_name"),
            models.CheckConstraint(
                condition=Q(clock_kind="none", clock_days__isnull=True)
                | (~Q(clock_kind="none") & Q(clock_days__isnull=False)),
                name="gate_clock_has_days",
            ),
        ]

    def get_stage_display(self) -> str:
        return choice_label(Stage, self.stage)

    def get_clock_kind_display(self) -> str:
        return choice_label(ClockKind, self.clock_kind)

    def applies_to(self, risk_class: str) -> bool:
        classes = {c.strip() for c in self.device_classes.split(",") if c.strip()}
        return not classes or not risk_class or risk_class in classes


class Product(Localised, AuditedModel):
    """A product of the cluster on its way to patients: a medicine, a device, a diagnostic, ..."""

    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="products", verbose_name=_("cluster")
    )
    key = models.CharField(_("key"), max_length=80, unique=True, validators=[key_validator])
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=300, blank=True)
    type = models.CharField(_("product type"), max_length=12, choices=ProductType.choices)
    risk_class = models.CharField(_("risk class"), max_length=2, choices=RiskClass.choices, blank=True)
    catalogue = models.ForeignKey(
        GateCatalogue,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("gate catalogue"),
        help_text=_("The version of the rules the product started under; it keeps it."),
    )
    trl = models.PositiveSmallIntegerField(
        _("TRL"), validators=[MinValueValidator(1), MaxValueValidator(9)], help_text=_("1-9")
    )
    indication_en = models.TextField(_("indication or market (English)"), blank=True)
    indication_ru = models.TextField(_("indication or market (Russian)"), blank=True)
    description = models.TextField(_("description"), blank=True)
    started_on = models.DateField(_("started on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Demo data that does not describe a real product.")
    )
    organisations = models.ManyToManyField(
        Organisation, through="ProductParticipant", related_name="products"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name_en", "name_ru"]
        constraints = [
            models.CheckConstraint(condition=~Q(name_ru="", name_en=""), name="product_has_a_name"),
            models.CheckConstraint(
                condition=Q(type__in=DEVICE_TYPES) | Q(risk_class=""),
                name="only_medical_devices_have_a_risk_class",
            ),
        ]
        indexes = [models.Index(fields=["cluster", "type"])]

    def get_type_display(self) -> str:
        return choice_label(ProductType, self.type)

    def get_absolute_url(self) -> str:
        return reverse("pathways-product", args=[self.key])


class ParticipantRole(models.TextChoices):
    DEVELOPER = "developer", _("Developer")
    CLINICAL_SITE = "clinical_site", _("Clinical site")
    TESTING_LAB = "testing_lab", _("Testing laboratory")
    MANUFACTURER = "manufacturer", _("Manufacturer")
    INVESTOR = "investor", _("Investor")
    DISTRIBUTOR = "distributor", _("Distributor")
    OTHER = "other", _("Other")


class ProductParticipant(AuditedModel):
    """An organisation in a product's consortium, in one role."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="product_roles")
    role = models.CharField(_("role"), max_length=15, choices=ParticipantRole.choices)

    class Meta:
        verbose_name = _("consortium member")
        verbose_name_plural = _("consortium members")
        constraints = [
            models.UniqueConstraint(fields=["product", "organisation", "role"], name="unique_product_role")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.product} ({self.get_role_display()})"

    def get_role_display(self) -> str:
        return choice_label(ParticipantRole, self.role)


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("gate event", "Submitted")
    QUERY = "query", _("Agency query (the clock stops)")
    ANSWERED = "answered", _("Query answered (the clock runs again)")
    DECISION = "decision", _("Decision")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class GateEvent(AuditedModel):
    """Something that happened to a product at a gate, on a date.

    At a gate a product is submitted; the agency may query (the statutory clock stops) and the applicant
    answers (it runs again); the agency decides (approved or refused). A refused or withdrawn product may
    be submitted again. The services check the order of events (``clusterworks.analytics.pathways``).
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="events")
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=10, choices=EventKind.choices)
    date = models.DateField(_("date"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    reference = models.CharField(
        _("reference"), max_length=200, blank=True, help_text=_("e.g. the permit number")
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("gate event")
        verbose_name_plural = _("gate events")
        ordering = ["product", "date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="decision") & ~Q(decision="")) | (~Q(kind="decision") & Q(decision="")),
                name="decision_only_on_decisions",
            )
        ]
        indexes = [
            models.Index(fields=["gate", "kind", "date"]),
            models.Index(fields=["product", "gate", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.product.key} / {self.gate.key}: {self.kind} {self.date}"

    def get_kind_display(self) -> str:
        return choice_label(EventKind, self.kind)


def _document_path(instance: ProductDocument, filename: str) -> str:
    return f"pathways/{instance.product_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class ProductDocument(AuditedModel):
    """A document of a product (a protocol, a permit, a registration certificate), stored privately."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="documents")
    gate = models.ForeignKey(Gate, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=_document_path, max_length=300)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("product document")
        verbose_name_plural = _("product documents")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title

    def audit_values(self) -> dict:
        values = super().audit_values()
        values["file"] = self.file.name or ""  # the stored name: a FieldFile is not JSON
        return values


class BarrierKind(models.TextChoices):
    REGULATION_MISSING = "regulation_missing", _("Missing regulation")
    REGULATION_CONFLICT = "regulation_conflict", _("Conflicting regulation")
    AGENCY_QUEUE = "agency_queue", _("Queue at an agency")
    COMPETENCE = "competence", _("Missing competence in the consortium")
    FINANCING = "financing", _("Financing gap")
    INFRASTRUCTURE = "infrastructure", _("Missing infrastructure")
    COOPERATION = "cooperation", _("Between organisations")
    OTHER = "other", _("Other")


class BarrierStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ESCALATED = "escalated", _("Escalated")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed unresolved")


class Barrier(AuditedModel):
    """An obstacle on products' way to the market, raised by a member and owned by the cluster's
    management until it is resolved (the audit log keeps its history)."""

    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="barriers", verbose_name=_("cluster")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=BarrierKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=BarrierStatus.choices, default=BarrierStatus.OPEN
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raised by"),
    )
    raised_for = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="barriers_raised",
        verbose_name=_("raised on behalf of"),
    )
    raised_on = models.DateField(_("raised on"), default=timezone.localdate)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    agencies = models.ManyToManyField(Agency, blank=True, related_name="barriers", verbose_name=_("agencies"))
    products = models.ManyToManyField(
        Product, blank=True, related_name="barriers", verbose_name=_("products")
    )
    gates = models.ManyToManyField(Gate, blank=True, related_name="barriers", verbose_name=_("gates"))
    escalated_to = models.CharField(
        _("escalated to"),
        max_length=300,
        blank=True,
        help_text=_("e.g. the Moscow Department of Science, Industrial Policy and Entrepreneurship"),
    )
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    resolved_on = models.DateField(_("resolved or closed on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("barrier")
        verbose_name_plural = _("barriers")
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=models.F("raised_on")),
                name="barrier_resolved_after_raised",
            ),
            models.CheckConstraint(
                condition=Q(escalated_on__isnull=True) | Q(escalated_on__gte=models.F("raised_on")),
                name="barrier_escalated_after_raised",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_kind_display(self) -> str:
        return choice_label(BarrierKind, self.kind)

    def get_status_display(self) -> str:
        return choice_label(BarrierStatus, self.status)
