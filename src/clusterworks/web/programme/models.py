"""A support programme's competition, end to end: calls, applications with budgets, conflict-free expert
review, the commission's vote, the allocation of a fixed envelope, awards and their monitoring.

A *programme* (e.g. the federal support of pilot innovative territorial clusters) runs *calls*, each with
an envelope, rules (co-financing shares, expenditure lines, caps, sector quotas, minimum score), a
configurable application form, a rubric and its own *workflow*: states and guarded transitions stored as
data (:class:`WorkflowState`, :class:`Transition`), seeded from :data:`DEFAULT_WORKFLOW`. An
*application* of a cluster carries a structured budget (expenditure line x year x source) and private
attachments; every revision is kept. Experts with a *conflict of interest* (detected from the registry or
declared) are never assigned; *reviews* score the rubric; the *commission* votes at a *meeting*; an
*allocation run* solves the envelope exactly; *awards* are paid by schedule and monitored by *progress
reports*.

Money is stored in roubles with kopecks (``Decimal``, 2 places); the analytics library works in whole
kopecks (:func:`kopecks`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterworks.web.core.audit import AuditedModel
from clusterworks.web.registry.models import (
    Cluster,
    Competence,
    Localised,
    Organisation,
    Region,
    choice_label,
    key_validator,
)

MONEY = {"max_digits": 15, "decimal_places": 2}  # 15 digits: SQLite keeps decimals as doubles
SHARE = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(0), MaxValueValidator(100)]}


def kopecks(amount: Decimal | None) -> int:
    """Whole kopecks of an amount in roubles (the unit of ``clusterworks.analytics.allocation``)."""
    return 0 if amount is None else int((Decimal(amount) * 100).to_integral_value())


def roubles(kopeck_amount: int) -> Decimal:
    return (Decimal(int(kopeck_amount)) / 100).quantize(Decimal("0.01"))


# --------------------------------------------------------------------------------------- programmes


class Programme(Localised, AuditedModel):
    """A support programme, e.g. the federal subsidies to pilot innovative territorial clusters."""

    key = models.CharField(_("key"), max_length=80, unique=True, validators=[key_validator])
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=300, blank=True)
    owner = models.CharField(_("owner"), max_length=300, help_text=_("The body that runs the programme."))
    legal_basis = models.TextField(_("legal basis"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="programmes_run",
        verbose_name=_("programme officers"),
        help_text=_("Users with the programme officer role who run this programme's calls."),
    )
    illustrative = models.BooleanField(_("illustrative"), default=False)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name_en", "name_ru"]
        constraints = [
            models.CheckConstraint(condition=~Q(name_ru="", name_en=""), name="programme_has_a_name")
        ]

    def get_absolute_url(self) -> str:
        return reverse("programme-detail", args=[self.key])


class Call(Localised, AuditedModel):
    """One competition of a programme: dates, envelope, who may apply and the rules of the money."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="calls")
    key = models.CharField(_("key"), max_length=80, unique=True, validators=[key_validator])
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    published = models.BooleanField(
        _("published"), default=False, help_text=_("A published call is public; applicants see it.")
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("deadline"), help_text=_("No application is submitted after it."))
    envelope = models.DecimalField(_("envelope, roubles"), **MONEY, validators=[MinValueValidator(0)])
    eligible_clusters = models.ManyToManyField(
        Cluster, blank=True, related_name="calls", verbose_name=_("eligible clusters"),
        help_text=_("Empty: every cluster may apply."),
    )  # fmt: skip
    eligible_regions = models.ManyToManyField(
        Region, blank=True, related_name="calls", verbose_name=_("eligible regions"),
        help_text=_("Empty: every region."),
    )  # fmt: skip
    regional_share_min = models.DecimalField(_("regional co-financing, minimum %"), **SHARE, default=5)
    regional_share_max = models.DecimalField(_("regional co-financing, maximum %"), **SHARE, default=30)
    cap_per_cluster = models.DecimalField(
        _("cap per cluster, roubles"), **MONEY, null=True, blank=True,
        help_text=_("The most one cluster may receive in this call; empty: no cap."),
    )  # fmt: skip
    min_score = models.DecimalField(
        _("minimum score"), max_digits=6, decimal_places=2, default=0,
        help_text=_("Applications scoring less (0-100) are not funded."),
    )  # fmt: skip
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    max_load = models.PositiveSmallIntegerField(
        _("most applications per reviewer"), default=10, validators=[MinValueValidator(1)]
    )
    conflict_years = models.PositiveSmallIntegerField(
        _("look-back for conflicts, years"), default=3,
        help_text=_("A joint project or agreement with an applicant within these years is a conflict."),
    )  # fmt: skip
    reviews_visible = models.CharField(
        _("reviewers see other reviews"), max_length=12,
        choices=[("never", _("never")), ("after_own", _("after submitting their own")),
                 ("always", _("always"))],
        default="after_own",
    )  # fmt: skip
    quorum_share = models.DecimalField(
        _("quorum, share of commission members"), max_digits=3, decimal_places=2, default=Decimal("0.50"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("More than this share of the non-conflicted members must vote on an application."),
    )  # fmt: skip
    max_attachment_mb = models.PositiveSmallIntegerField(_("largest attachment, MB"), default=20)
    attachment_types = models.CharField(
        _("allowed attachment types"), max_length=200, default="pdf,docx,xlsx,odt,ods,png,jpg",
        help_text=_("File extensions, comma-separated; the content is checked too."),
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-year", "name_en", "name_ru"]
        constraints = [
            models.CheckConstraint(condition=~Q(name_ru="", name_en=""), name="call_has_a_name"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(regional_share_min__lte=models.F("regional_share_max")),
                name="call_regional_share_range",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("programme-call", args=[self.key])

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.published and self.opens_at <= now < self.closes_at


class ExpenditureLine(Localised):
    """A line of the call's budget: cluster organisation support, training, exhibitions, ..."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="lines")
    key = models.CharField(_("key"), max_length=60, validators=[key_validator])
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    max_share = models.DecimalField(
        _("largest share of the federal request, %"), **SHARE, null=True, blank=True,
        help_text=_("Empty: no limit."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("expenditure line")
        verbose_name_plural = _("expenditure lines")
        ordering = ["call", "position", "key"]
        constraints = [models.UniqueConstraint(fields=["call", "key"], name="unique_line_per_call")]


class Sector(Localised):
    """A sector of the call for its quotas (e.g. biotech, pharma and medicine), as a share of the envelope."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="sectors")
    key = models.CharField(_("key"), max_length=60, validators=[key_validator])
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    min_share = models.DecimalField(_("at least, share of the envelope, %"), **SHARE, null=True, blank=True)
    max_share = models.DecimalField(_("at most, share of the envelope, %"), **SHARE, null=True, blank=True)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["call", "key"]
        constraints = [models.UniqueConstraint(fields=["call", "key"], name="unique_sector_per_call")]


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    YES_NO = "yes_no", _("Yes or no")


class FormQuestion(models.Model):
    """A question of the call's application form, beyond the fixed fields."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField(_("key"), max_length=60, validators=[key_validator])
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    kind = models.CharField(_("kind"), max_length=12, choices=QuestionKind.choices, default=QuestionKind.TEXT)
    label_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    label_ru = models.CharField(_("question (Russian)"), max_length=300, blank=True)
    help_en = models.TextField(_("help (English)"), blank=True)
    help_ru = models.TextField(_("help (Russian)"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    max_length = models.PositiveIntegerField(_("longest answer, characters"), null=True, blank=True)

    class Meta:
        verbose_name = _("form question")
        verbose_name_plural = _("form questions")
        ordering = ["call", "position", "key"]
        constraints = [models.UniqueConstraint(fields=["call", "key"], name="unique_question_per_call")]

    def __str__(self) -> str:
        return self.label_en or self.label_ru or self.key


class Criterion(Localised):
    """A criterion of the call's review rubric, with its weight and scale."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    key = models.CharField(_("key"), max_length=60, validators=[key_validator])
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    guidance_ru = models.TextField(_("guidance (Russian)"), blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=3, validators=[MinValueValidator(0)]
    )
    scale_min = models.SmallIntegerField(_("lowest score"), default=0)
    scale_max = models.SmallIntegerField(_("highest score"), default=10)
    competences = models.ManyToManyField(
        Competence, blank=True, related_name="+", verbose_name=_("competences an expert needs")
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["call", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["call", "key"], name="unique_criterion_per_call"),
            models.CheckConstraint(condition=Q(scale_max__gt=models.F("scale_min")), name="criterion_scale"),
        ]


# ----------------------------------------------------------------------------------------- workflow


class Actor(models.TextChoices):
    """Who may take a workflow transition."""

    APPLICANT = "applicant", _("Applicant")
    OFFICER = "officer", _("Programme officer")
    COMMISSION = "commission", _("Commission chair")
    SYSTEM = "system", _("Clusterworks (automatic)")


#: the default workflow of a call: states (key, English name, terminal) and transitions
#: (key, source, target, actor, English name). ``services.workflow`` copies it into a new call.
DEFAULT_WORKFLOW = {
    "states": [
        ("draft", "Draft", False),
        ("submitted", "Submitted", False),
        ("screening", "Eligibility screening", False),
        ("review", "Expert review", False),
        ("commission", "Commission", False),
        ("funded", "Funded", False),
        ("partly_funded", "Partly funded", False),
        ("rejected", "Rejected", True),
        ("ineligible", "Ineligible", True),
        ("withdrawn", "Withdrawn", True),
        ("awarded", "Award signed", False),
        ("reporting", "Reporting", False),
        ("closed", "Closed", True),
    ],
    "transitions": [
        ("submit", "draft", "submitted", "applicant", "Submit"),
        ("withdraw", "draft", "withdrawn", "applicant", "Withdraw"),
        ("withdraw_submitted", "submitted", "withdrawn", "applicant", "Withdraw"),
        ("start_screening", "submitted", "screening", "officer", "Start eligibility screening"),
        ("eligible", "screening", "review", "officer", "Eligible: send to expert review"),
        ("ineligible", "screening", "ineligible", "officer", "Not eligible"),
        ("to_commission", "review", "commission", "officer", "Send to the commission"),
        ("fund", "commission", "funded", "commission", "Fund in full"),
        ("fund_partly", "commission", "partly_funded", "commission", "Fund in part"),
        ("reject", "commission", "rejected", "commission", "Reject"),
        ("sign_award", "funded", "awarded", "officer", "Sign the award"),
        ("sign_partial_award", "partly_funded", "awarded", "officer", "Sign the award"),
        ("start_reporting", "awarded", "reporting", "officer", "Start reporting"),
        ("close", "reporting", "closed", "officer", "Close"),
    ],
}


class WorkflowState(Localised):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="states")
    key = models.CharField(_("key"), max_length=40, validators=[key_validator])
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True)
    terminal = models.BooleanField(_("terminal"), default=False)

    class Meta:
        verbose_name = _("workflow state")
        verbose_name_plural = _("workflow states")
        ordering = ["call", "position"]
        constraints = [models.UniqueConstraint(fields=["call", "key"], name="unique_state_per_call")]


class Transition(Localised):
    """A guarded move between two states of a call's workflow: who may take it, and whom it notifies."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="transitions")
    key = models.CharField(_("key"), max_length=40, validators=[key_validator])
    source = models.ForeignKey(WorkflowState, on_delete=models.CASCADE, related_name="exits")
    target = models.ForeignKey(WorkflowState, on_delete=models.CASCADE, related_name="entries")
    actor = models.CharField(_("who may take it"), max_length=12, choices=Actor.choices)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=100, blank=True)
    notify_applicant = models.BooleanField(_("notify the applicant"), default=True)

    class Meta:
        verbose_name = _("workflow transition")
        verbose_name_plural = _("workflow transitions")
        ordering = ["call", "source__position", "key"]
        constraints = [models.UniqueConstraint(fields=["call", "key"], name="unique_transition_per_call")]


# -------------------------------------------------------------------------------------- applications


class Application(AuditedModel):
    """A cluster's application to a call. ``state`` is the key of a state of the call's workflow."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    number = models.CharField(_("number"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=300)
    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="applications", verbose_name=_("applicant cluster")
    )
    applicant = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications",
        verbose_name=_("applicant organisation"),
        help_text=_("The cluster's specialised organisation that applies and would receive the award."),
    )  # fmt: skip
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, related_name="applications",
        verbose_name=_("sector"),
    )  # fmt: skip
    summary = models.TextField(_("summary"), blank=True)
    answers = models.JSONField(_("answers to the form"), default=dict, blank=True)
    floor = models.DecimalField(
        _("least viable federal amount, roubles"), **MONEY, null=True, blank=True,
        help_text=_("The project can still be done with this much; empty: all or nothing."),
    )  # fmt: skip
    state = models.CharField(_("state"), max_length=40, default="draft", db_index=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    co_applicants = models.ManyToManyField(
        Organisation, through="CoApplicant", related_name="co_applications", verbose_name=_("co-applicants")
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["call", "number"]
        indexes = [models.Index(fields=["call", "state"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("programme-application", args=[self.number])


class CoApplicant(AuditedModel):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role in the project"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("co-applicant")
        verbose_name_plural = _("co-applicants")
        constraints = [
            models.UniqueConstraint(fields=["application", "organisation"], name="unique_co_applicant")
        ]


class BudgetItem(AuditedModel):
    """One cell of an application's budget: an expenditure line in a year, by source of money."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget")
    line = models.ForeignKey(ExpenditureLine, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    federal = models.DecimalField(_("federal subsidy requested"), **MONEY, default=0,
                                  validators=[MinValueValidator(0)])  # fmt: skip
    regional = models.DecimalField(_("regional co-financing"), **MONEY, default=0,
                                   validators=[MinValueValidator(0)])  # fmt: skip
    own = models.DecimalField(_("own and other funds"), **MONEY, default=0, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("budget item")
        verbose_name_plural = _("budget items")
        ordering = ["application", "line__position", "year"]
        constraints = [
            models.UniqueConstraint(fields=["application", "line", "year"], name="unique_budget_cell"),
            models.CheckConstraint(
                condition=Q(federal__gte=0, regional__gte=0, own__gte=0), name="budget_not_negative"
            ),
        ]


class Revision(models.Model):
    """A frozen copy of an application as it was saved (fields, answers, budget, co-applicants)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    saved_at = models.DateTimeField(default=timezone.now)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    snapshot = models.JSONField()

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["application", "-number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="unique_revision")]

    def __str__(self) -> str:
        return f"{self.application} r{self.number}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    return f"programme/{instance.application_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class Attachment(AuditedModel):
    """A file attached to an application, validated by type and size, stored privately."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=300)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "uploaded_at"]

    def audit_values(self) -> dict:
        values = super().audit_values()
        values["file"] = self.file.name or ""
        return values


class StateChange(models.Model):
    """An application's move through the workflow: who took which transition, when, and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="history")
    transition = models.CharField(_("transition"), max_length=40)
    source = models.CharField(_("from"), max_length=40)
    target = models.CharField(_("to"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["application", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.application}: {self.source} -> {self.target}"


class Notification(models.Model):
    """A message in a user's in-app inbox (also sent by e-mail when the user has an address)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:80]


# ----------------------------------------------------------------------------- conflicts and review


class ConflictSource(models.TextChoices):
    APPLICANT = "applicant", _("The expert's organisation applies")
    CO_APPLICANT = "co_applicant", _("The expert's organisation co-applies")
    CLUSTER_MEMBER = "cluster_member", _("The expert's organisation is a member of the applicant cluster")
    JOINT_PROJECT = "joint_project", _("A joint project with an applicant")
    AGREEMENT = "agreement", _("An agreement with an applicant")
    DECLARED = "declared", _("Declared by the expert")


class ExpertProfile(AuditedModel):
    """What an expert knows, for matching experts to applications: competences and free keywords.

    The expert's organisations, for conflicts of interest, are those they represent (roles) and their
    current affiliations in the registry (``Person.user``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_profile"
    )
    competences = models.ManyToManyField(
        Competence, blank=True, related_name="+", verbose_name=_("competences")
    )
    keywords = models.TextField(
        _("fields of expertise"),
        blank=True,
        help_text=_("Free text: topics, methods, sectors; used to match applications."),
    )
    max_load = models.PositiveSmallIntegerField(
        _("most applications"), null=True, blank=True, help_text=_("Empty: the call's limit.")
    )

    class Meta:
        verbose_name = _("expert profile")
        verbose_name_plural = _("expert profiles")

    def __str__(self) -> str:
        return str(self.user)


class Conflict(AuditedModel):
    """A conflict of interest between an expert (reviewer or commission member) and an application.

    Detected conflicts come from the registry; declared ones from the expert. Either excludes the expert
    from the application: never assigned, cannot open it, cannot score or vote on it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts")
    source = models.CharField(_("source"), max_length=20, choices=ConflictSource.choices)
    detail = models.TextField(_("detail"), blank=True)
    detected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["application", "expert", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert", "source", "detail"], name="unique_conflict"
            )
        ]

    def get_source_display(self) -> str:
        return choice_label(ConflictSource, self.source)


class Assignment(AuditedModel):
    """An expert asked to review an application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    affinity = models.FloatField(_("affinity"), null=True, blank=True)
    manual = models.BooleanField(_("changed by hand"), default=False)
    reason = models.TextField(_("reason for the change"), blank=True)
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["application", "reviewer"]
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="unique_assignment")]


class Review(AuditedModel):
    """An expert's review of an application: scores by criterion and comments; a draft until submitted."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    comment_for_applicant = models.TextField(_("comment for the applicant"), blank=True)
    comment_for_commission = models.TextField(_("comment for the commission"), blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="unique_score")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


# -------------------------------------------------------------------------------------- commission


class CommissionMember(AuditedModel):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="commission")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commissions")
    chair = models.BooleanField(_("chair"), default=False)

    class Meta:
        verbose_name = _("commission member")
        verbose_name_plural = _("commission members")
        constraints = [models.UniqueConstraint(fields=["call", "user"], name="unique_commission_member")]


class Meeting(AuditedModel):
    """A (remote) meeting of the commission: voting opens and closes; the minutes record the decisions."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    opened_at = models.DateTimeField(_("voting opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("voting closed at"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["call", "held_on"]


class VoteChoice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")


class Vote(AuditedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="votes")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="votes")
    choice = models.CharField(_("vote"), max_length=8, choices=VoteChoice.choices)
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "application", "member"], name="one_vote_per_member")
        ]


# ------------------------------------------------------------------------------ allocation and awards


class AllocationRun(AuditedModel):
    """An allocation of the call's envelope computed from the scores (exact MIP or greedy-by-score)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="allocations")
    method = models.CharField(
        _("method"), max_length=8, choices=[("exact", _("exact (MIP)")), ("greedy", _("greedy by score"))]
    )
    envelope = models.DecimalField(_("envelope, roubles"), **MONEY)
    score_method = models.CharField(_("scores"), max_length=8, default="robust",
                                    choices=[("raw", _("raw mean")), ("z", _("z-scores")),
                                             ("robust", _("robust"))])  # fmt: skip
    objective = models.FloatField(_("total of score x amount"))
    optimal = models.BooleanField(_("proven optimal"), default=False)
    seconds = models.FloatField(_("solve time, s"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    adopted = models.BooleanField(_("adopted by the commission"), default=False)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["call", "-created_at"]


class AllocationLine(models.Model):
    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="lines")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    requested = models.DecimalField(_("requested"), **MONEY)
    awarded = models.DecimalField(_("awarded"), **MONEY)
    status = models.CharField(_("status"), max_length=10)
    reason = models.CharField(_("reason"), max_length=80)
    explanation = models.TextField(_("explanation"), blank=True)

    class Meta:
        ordering = ["run", "-awarded"]
        constraints = [models.UniqueConstraint(fields=["run", "application"], name="unique_allocation_line")]

    def __str__(self) -> str:
        return f"{self.application}: {self.awarded}"


class Award(AuditedModel):
    """The grant made to a funded application: amount, letter, payment schedule, monitoring."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="award")
    amount = models.DecimalField(_("amount, roubles"), **MONEY, validators=[MinValueValidator(0)])
    letter_number = models.CharField(_("letter number"), max_length=60, blank=True)
    awarded_on = models.DateField(_("awarded on"))
    public = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["application"]


class Payment(AuditedModel):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="payments")
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("amount, roubles"), **MONEY, validators=[MinValueValidator(0)])
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["award", "due_on"]


class ProgressReport(AuditedModel):
    """A funded cluster's report for a period, with the programme's indicators."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="reports")
    period = models.PositiveSmallIntegerField(_("year"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    output_per_employee = models.DecimalField(
        _("output per employee, roubles"), **MONEY, null=True, blank=True
    )
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    joint_projects = models.PositiveIntegerField(_("joint projects"), null=True, blank=True)
    jobs = models.PositiveIntegerField(_("new jobs"), null=True, blank=True)
    cofinancing_received = models.DecimalField(
        _("co-financing received, roubles"), **MONEY, null=True, blank=True
    )
    narrative = models.TextField(_("narrative"), blank=True)
    accepted = models.BooleanField(_("accepted"), default=False)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["award", "period"]
        constraints = [models.UniqueConstraint(fields=["award", "period"], name="one_report_per_period")]
