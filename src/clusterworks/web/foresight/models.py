"""The foresight workbench: Delphi surveys, development priorities and technology roadmaps.

A *survey* of a cluster asks a *panel* of experts its *questions* over several *rounds*; each question
has *items* (the statements rated, the topics ranked, the options chosen); an *answer* is one expert's
value for one item in one round. Between rounds experts see only the aggregated answers of the previous
round and anonymised comments; the panel is known to the survey's managers, never to the other experts.

A *priority exercise* scores candidate priorities on weighted *criteria*, taken from a survey's medians
or entered by hand; a *roadmap* lays out needs, products, technologies and resources in time, linked
into technology chains, each node tied to the competences it needs (and so to the members who hold them).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from clusterworks.web.core.audit import AuditedModel
from clusterworks.web.registry.models import Cluster, Competence, choice_label, key_validator


def _russian() -> bool:
    return (get_language() or "en").startswith("ru")


class Titled(models.Model):
    """Mixin for models with ``title_en`` and ``title_ru``; :meth:`title` picks the reader's language."""

    class Meta:
        abstract = True

    def title(self) -> str:
        first, second = (self.title_ru, self.title_en) if _russian() else (self.title_en, self.title_ru)
        return first or second

    def __str__(self) -> str:
        return self.title()


class Described:
    """Mixin for models with ``description_en`` and ``description_ru``, read in the reader's language."""

    def description(self) -> str:
        first, second = (
            (self.description_ru, self.description_en)
            if _russian()
            else (self.description_en, self.description_ru)
        )
        return first or second


def _title_fields(max_length: int = 300) -> tuple[models.CharField, models.CharField]:
    return (
        models.CharField(_("title (English)"), max_length=max_length, blank=True),
        models.CharField(_("title (Russian)"), max_length=max_length, blank=True),
    )


def _has_a_title(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=~Q(title_en="", title_ru=""), name=name)


# --------------------------------------------------------------------------------------------- surveys


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")


class StoppingRule(models.TextChoices):
    """When an item needs no further round (docs/methods/delphi.md, "Stopping")."""

    STABILITY = "stability", _("When the answers are stable, with or without consensus")
    CONSENSUS = "consensus", _("When the panel reaches consensus")
    EITHER = "either", _("When the panel reaches consensus or the answers are stable")


class Survey(Titled, Described, AuditedModel):
    """A Delphi survey run by a cluster's management."""

    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("cluster")
    )
    key = models.CharField(_("key"), max_length=80, unique=True, validators=[key_validator])
    title_en, title_ru = _title_fields()
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    # consensus and stopping rules (see clusterworks.analytics.delphi)
    agreement_band = models.FloatField(
        _("agreement band"),
        default=1.0,
        validators=[MinValueValidator(0)],
        help_text=_("An answer agrees when it is within this distance of the median."),
    )
    consensus_iqr = models.FloatField(
        _("consensus: largest IQR"), default=1.0, validators=[MinValueValidator(0)]
    )
    consensus_agreement = models.FloatField(
        _("consensus: smallest share in agreement"),
        default=0.75,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    stability_p = models.FloatField(
        _("stability: Wilcoxon p-value above"),
        default=0.05,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Answers are stable when the change from the previous round is not significant."),
    )
    max_cv_change = models.FloatField(
        _("stability: largest change of the CV"),
        default=0.15,
        validators=[MinValueValidator(0)],
        help_text=_("As a share of the previous round's coefficient of variation (0.15: 15 per cent)."),
    )
    stopping_rule = models.CharField(
        _("stopping rule"), max_length=10, choices=StoppingRule.choices, default=StoppingRule.STABILITY
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("Delphi survey")
        verbose_name_plural = _("Delphi surveys")
        ordering = ["-created_at"]
        constraints = [_has_a_title("survey_has_a_title")]

    def get_status_display(self) -> str:
        return choice_label(SurveyStatus, self.status)

    def get_stopping_rule_display(self) -> str:
        return choice_label(StoppingRule, self.stopping_rule)


class Panelist(AuditedModel):
    """An expert on a survey's panel, with a self-assessed expertise and interest (1 = low, 5 = high).

    ``code`` (e.g. ``E07``) is the expert's pseudonym in exports and statistics; other experts never
    learn who is on the panel.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="panelists")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panel_seats", verbose_name=_("user")
    )
    code = models.CharField(_("pseudonym"), max_length=20)
    group = models.CharField(
        _("group"), max_length=60, blank=True, help_text=_("e.g. science, industry, clinic, government")
    )
    expertise = models.PositiveSmallIntegerField(
        _("expertise"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    interest = models.PositiveSmallIntegerField(
        _("interest"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)

    class Meta:
        verbose_name = _("panelist")
        verbose_name_plural = _("panelists")
        ordering = ["survey", "code"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="one_seat_per_expert"),
            models.UniqueConstraint(fields=["survey", "code"], name="unique_panelist_code"),
        ]

    def __str__(self) -> str:
        return f"{self.survey.key}/{self.code}"

    @property
    def active(self) -> bool:
        return self.declined_at is None


class RoundStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Round(AuditedModel):
    """One round of a survey. Only one round of a survey is open at a time; rounds run in order."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.PLANNED
    )
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["survey", "number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="unique_round_number"),
            models.UniqueConstraint(
                fields=["survey"], condition=Q(status="open"), name="one_open_round_per_survey"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey.key} round {self.number}"

    def get_status_display(self) -> str:
        return choice_label(RoundStatus, self.status)


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Rating scale")
    RATING2 = "rating2", _("Rating on two scales")
    RANK = "rank", _("Ranking")
    TIME = "time", _("Time of realisation")
    PROBABILITY = "probability", _("Probability")
    CHOICE = "choice", _("Multiple choice")
    TEXT = "text", _("Text")


#: kinds whose answers are numbers summarised by the consensus statistics
NUMERIC_KINDS = {
    QuestionKind.RATING,
    QuestionKind.RATING2,
    QuestionKind.RANK,
    QuestionKind.TIME,
    QuestionKind.PROBABILITY,
}


class Question(Titled, AuditedModel):
    """A question of a survey, asked in rounds ``first_round`` .. ``last_round`` (open-ended if empty).

    Ratings use the scale ``scale_min`` .. ``scale_max`` (a two-scale rating asks both ``dimension``
    scales, e.g. importance and feasibility); a time question asks for a year; a probability is a
    percentage; a choice question offers its items as options (``max_choices`` of them); a text question
    asks for free text per item.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField(_("key"), max_length=80, validators=[key_validator])
    position = models.PositiveSmallIntegerField(pgettext_lazy("order", "position"), default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=QuestionKind.choices)
    title_en, title_ru = _title_fields(500)
    help_en = models.TextField(_("help (English)"), blank=True)
    help_ru = models.TextField(_("help (Russian)"), blank=True)
    scale_min = models.FloatField(_("scale minimum"), null=True, blank=True)
    scale_max = models.FloatField(_("scale maximum"), null=True, blank=True)
    dimension1_en = models.CharField(_("first scale (English)"), max_length=100, blank=True)
    dimension1_ru = models.CharField(_("first scale (Russian)"), max_length=100, blank=True)
    dimension2_en = models.CharField(_("second scale (English)"), max_length=100, blank=True)
    dimension2_ru = models.CharField(_("second scale (Russian)"), max_length=100, blank=True)
    max_choices = models.PositiveSmallIntegerField(_("at most this many choices"), null=True, blank=True)
    first_round = models.PositiveSmallIntegerField(_("asked from round"), default=1)
    last_round = models.PositiveSmallIntegerField(_("asked until round"), null=True, blank=True)
    allow_comments = models.BooleanField(_("comments allowed"), default=True)
    # the survey's consensus rule, in this question's units (years and percentages need wider ones)
    agreement_band = models.FloatField(
        _("agreement band (this question)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Leave empty to use the survey's; e.g. 2 years or 10 percentage points."),
    )
    consensus_iqr = models.FloatField(
        _("consensus: largest IQR (this question)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Leave empty to use the survey's."),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "key"], name="unique_question_key"),
            _has_a_title("question_has_a_title"),
            models.CheckConstraint(
                condition=Q(scale_min__isnull=True)
                | Q(scale_max__isnull=True)
                | Q(scale_max__gt=models.F("scale_min")),
                name="question_scale_increases",
            ),
        ]

    def get_kind_display(self) -> str:
        return choice_label(QuestionKind, self.kind)

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    def asked_in(self, number: int) -> bool:
        return self.first_round <= number and (self.last_round is None or number <= self.last_round)

    def effective_band(self) -> float:
        return self.survey.agreement_band if self.agreement_band is None else self.agreement_band

    def effective_consensus_iqr(self) -> float:
        return self.survey.consensus_iqr if self.consensus_iqr is None else self.consensus_iqr

    def help(self) -> str:
        first, second = (self.help_ru, self.help_en) if _russian() else (self.help_en, self.help_ru)
        return first or second

    def dimension(self, which: int) -> str:
        en, ru = (
            (self.dimension1_en, self.dimension1_ru)
            if which == 1
            else (self.dimension2_en, self.dimension2_ru)
        )
        first, second = (ru, en) if _russian() else (en, ru)
        return first or second


class Item(Titled, AuditedModel):
    """A statement rated, a topic ranked or an option chosen in a question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(_("key"), max_length=80, validators=[key_validator])
    position = models.PositiveSmallIntegerField(pgettext_lazy("order", "position"), default=0)
    title_en, title_ru = _title_fields(500)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["question", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="unique_item_key"),
            _has_a_title("item_has_a_title"),
        ]


class Submission(models.Model):
    """An expert's answers to one round: saved as a draft until ``submitted_at`` is set.

    Not audited: the audit log is read by administrators, and who answered what is kept to the
    survey's managers by design (answers are shown everywhere else under the panelist's pseudonym).
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="submissions")
    panelist = models.ForeignKey(Panelist, on_delete=models.CASCADE, related_name="submissions")
    started_at = models.DateTimeField(default=timezone.now)
    saved_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [models.UniqueConstraint(fields=["round", "panelist"], name="one_submission_per_round")]

    def __str__(self) -> str:
        return f"{self.round} / {self.panelist.code}"


class Answer(models.Model):
    """One expert's answer to one item in one round (see :class:`Submission` on why not audited).

    ``value`` holds the rating, rank, year or probability (and 1 for a chosen option); ``value2`` the
    second scale of a two-scale rating; ``text`` the answer to a text question; ``comment`` the
    expert's reasoning, shown anonymised to the panel in the next round.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="answers")
    value = models.FloatField(null=True, blank=True)
    value2 = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["submission", "item"], name="one_answer_per_item")]

    def __str__(self) -> str:
        return f"{self.submission_id}/{self.item_id}"


# ------------------------------------------------------------------------------------------ priorities


class PriorityExercise(Titled, AuditedModel):
    """Ranks candidate development priorities of a cluster on weighted criteria."""

    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="priority_exercises", verbose_name=_("cluster")
    )
    survey = models.ForeignKey(
        Survey,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="priority_exercises",
        verbose_name=_("Delphi survey"),
        help_text=_("Criteria may take their scores from this survey's last closed round."),
    )
    key = models.CharField(_("key"), max_length=80, unique=True, validators=[key_validator])
    title_en, title_ru = _title_fields()
    top = models.PositiveSmallIntegerField(
        _("number of priorities"), default=5, help_text=_("How many candidates become priorities.")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("priority exercise")
        verbose_name_plural = _("priority exercises")
        ordering = ["-created_at"]
        constraints = [_has_a_title("priority_exercise_has_a_title")]


class CriterionSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    DELPHI = "delphi", _("Median of a Delphi question")
    CAPABILITY = "capability", _("Share of the needed competences held by the cluster's members")


class Direction(models.TextChoices):
    BENEFIT = "benefit", _("Higher is better")
    COST = "cost", _("Lower is better")


class Criterion(Titled, AuditedModel):
    """A weighted criterion of a priority exercise (importance, feasibility, market potential, ...)."""

    exercise = models.ForeignKey(PriorityExercise, on_delete=models.CASCADE, related_name="criteria")
    key = models.CharField(_("key"), max_length=80, validators=[key_validator])
    position = models.PositiveSmallIntegerField(pgettext_lazy("order", "position"), default=0)
    title_en, title_ru = _title_fields(200)
    weight = models.FloatField(_("weight"), validators=[MinValueValidator(0)])
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.BENEFIT
    )
    source = models.CharField(
        _("source"), max_length=12, choices=CriterionSource.choices, default=CriterionSource.MANUAL
    )
    question = models.ForeignKey(
        Question,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="criteria",
        verbose_name=_("Delphi question"),
        help_text=_("Its items are matched to the candidates by key."),
    )
    dimension = models.PositiveSmallIntegerField(
        _("scale"), default=1, choices=[(1, _("first")), (2, _("second"))]
    )
    low = models.FloatField(_("scale minimum"), null=True, blank=True)
    high = models.FloatField(_("scale maximum"), null=True, blank=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["exercise", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "key"], name="unique_criterion_key"),
            _has_a_title("criterion_has_a_title"),
        ]

    def get_source_display(self) -> str:
        return choice_label(CriterionSource, self.source)

    def get_direction_display(self) -> str:
        return choice_label(Direction, self.direction)


class Candidate(Titled, AuditedModel):
    """A candidate priority, e.g. "molecular diagnostics"; its key matches the Delphi items it is rated as."""

    exercise = models.ForeignKey(PriorityExercise, on_delete=models.CASCADE, related_name="candidates")
    key = models.CharField(_("key"), max_length=80, validators=[key_validator])
    title_en, title_ru = _title_fields()
    competences = models.ManyToManyField(
        Competence, blank=True, related_name="priority_candidates", verbose_name=_("needed competences")
    )

    class Meta:
        verbose_name = _("candidate priority")
        verbose_name_plural = _("candidate priorities")
        ordering = ["exercise", "key"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "key"], name="unique_candidate_key"),
            _has_a_title("candidate_has_a_title"),
        ]


class Score(AuditedModel):
    """A score entered by hand for a candidate on a manual criterion."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.FloatField(_("score"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.candidate.key}/{self.criterion.key}={self.value}"


# ------------------------------------------------------------------------------------------- roadmaps


class Layer(models.TextChoices):
    """The layers of a roadmap, from the need down to what it takes (Phaal, Farrukh & Probert 2004)."""

    MARKET = "market", _("Market and needs")
    PRODUCT = "product", _("Products and services")
    TECHNOLOGY = "technology", _("Technologies")
    RESOURCE = "resource", _("Resources and competences")


class Roadmap(Titled, Described, AuditedModel):
    """A technology roadmap of a cluster over the years ``start_year`` .. ``end_year``."""

    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="roadmaps", verbose_name=_("cluster")
    )
    key = models.CharField(_("key"), max_length=80, unique=True, validators=[key_validator])
    title_en, title_ru = _title_fields()
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    exercise = models.ForeignKey(
        PriorityExercise,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roadmaps",
        verbose_name=_("priority exercise"),
    )
    start_year = models.PositiveSmallIntegerField(_("from year"))
    end_year = models.PositiveSmallIntegerField(_("to year"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("technology roadmap")
        verbose_name_plural = _("technology roadmaps")
        ordering = ["-created_at"]
        constraints = [
            _has_a_title("roadmap_has_a_title"),
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="roadmap_years_increase"
            ),
        ]


class RoadmapNode(Titled, AuditedModel):
    """A need, product, technology or resource on a roadmap, with its time window and readiness."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="nodes")
    key = models.CharField(_("key"), max_length=80, validators=[key_validator])
    layer = models.CharField(_("layer"), max_length=12, choices=Layer.choices)
    title_en, title_ru = _title_fields()
    start_year = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    trl = models.PositiveSmallIntegerField(
        _("TRL"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    competences = models.ManyToManyField(
        Competence, blank=True, related_name="roadmap_nodes", verbose_name=_("needed competences")
    )
    candidate = models.ForeignKey(
        Candidate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roadmap_nodes",
        verbose_name=_("priority"),
    )

    class Meta:
        verbose_name = _("roadmap node")
        verbose_name_plural = _("roadmap nodes")
        ordering = ["roadmap", "layer", "start_year", "key"]
        constraints = [
            models.UniqueConstraint(fields=["roadmap", "key"], name="unique_node_key"),
            _has_a_title("roadmap_node_has_a_title"),
            models.CheckConstraint(
                condition=Q(start_year__isnull=True)
                | Q(end_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="node_years_increase",
            ),
        ]

    def get_layer_display(self) -> str:
        return choice_label(Layer, self.layer)


class RoadmapLink(AuditedModel):
    """A directed link from a node to one that enables it (market -> product -> technology -> resource)."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="links")
    source = models.ForeignKey(RoadmapNode, on_delete=models.CASCADE, related_name="outgoing")
    target = models.ForeignKey(RoadmapNode, on_delete=models.CASCADE, related_name="incoming")

    class Meta:
        verbose_name = _("roadmap link")
        verbose_name_plural = _("roadmap links")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="unique_roadmap_link"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="roadmap_link_not_a_loop"),
        ]

    def __str__(self) -> str:
        return f"{self.source.key} -> {self.target.key}"
