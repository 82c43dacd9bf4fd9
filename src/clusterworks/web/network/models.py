"""The stakeholder network: imported participation datasets, the partner-search board, and matchmaking
events whose outcomes flow back into the register.

The network itself is not stored: it is computed from the register's joint projects, agreements and
memberships, the programme's co-applications and the imported datasets (``services.network``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterworks.web.core.audit import AuditedModel
from clusterworks.web.registry.models import (
    Agreement,
    Cluster,
    Competence,
    Organisation,
    Region,
    key_validator,
)

# ------------------------------------------------------------------------------------ datasets


class ParticipationDataset(AuditedModel):
    """An imported participation file (one row per organisation in a project, the CORDIS format),
    stored all or nothing. Organisations are matched to the register by key where possible."""

    key = models.CharField(_("key"), max_length=80, unique=True, validators=[key_validator])
    title = models.CharField(_("title"), max_length=300)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    attribution = models.TextField(
        _("source and licence"), blank=True, help_text=_("Where the data come from and under which licence.")
    )
    columns = models.JSONField(_("columns"), default=dict)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    projects = models.PositiveIntegerField(_("projects"), default=0)
    organisations = models.PositiveIntegerField(_("organisations"), default=0)
    first_year = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("participation dataset")
        verbose_name_plural = _("participation datasets")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.title


class DatasetOrganisation(models.Model):
    """An organisation of a dataset, by the dataset's own identifier (e.g. a CORDIS PIC)."""

    dataset = models.ForeignKey(ParticipationDataset, on_delete=models.CASCADE, related_name="nodes")
    code = models.CharField(_("identifier"), max_length=100)
    name = models.CharField(_("name"), max_length=300, blank=True)
    kind = models.CharField(_("activity type"), max_length=10, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dataset_nodes",
        verbose_name=_("organisation in the register"),
    )

    class Meta:
        verbose_name = _("dataset organisation")
        verbose_name_plural = _("dataset organisations")
        constraints = [models.UniqueConstraint(fields=["dataset", "code"], name="unique_dataset_code")]

    def __str__(self) -> str:
        return self.name or self.code


class DatasetParticipation(models.Model):
    """One row of a dataset: an organisation in a project starting in ``year``."""

    dataset = models.ForeignKey(ParticipationDataset, on_delete=models.CASCADE, related_name="participations")
    project = models.CharField(_("project"), max_length=100)
    node = models.ForeignKey(DatasetOrganisation, on_delete=models.CASCADE, related_name="participations")
    year = models.PositiveSmallIntegerField(_("year"))
    role = models.CharField(_("role"), max_length=30, blank=True)
    amount = models.FloatField(_("amount"), null=True, blank=True)
    line = models.PositiveIntegerField(_("line in the file"), default=0)

    class Meta:
        verbose_name = _("dataset participation")
        verbose_name_plural = _("dataset participations")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "project", "node"], name="unique_dataset_participation"
            )
        ]
        indexes = [models.Index(fields=["dataset", "year"])]

    def __str__(self) -> str:
        return f"{self.node} in {self.project}"


# ------------------------------------------------------------------------------------ the board


class NeedKind(models.TextChoices):
    PARTNER = "partner", _("Project partner")
    COMPETENCE = "competence", _("Competence or service")
    CLINICAL = "clinical", _("Clinical site")
    TECHNOLOGY = "technology", _("Technology to license")
    INVESTMENT = "investment", _("Investment")
    OTHER = "other", _("Other")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FULFILLED = "fulfilled", _("Fulfilled")
    CLOSED = "closed", _("Closed")


class Visibility(models.TextChoices):
    CLUSTER = "cluster", _("Members of my clusters")
    PLATFORM = "platform", _("Everyone signed in")


class Need(AuditedModel):
    """An expression of interest on the partner-search board: what an organisation is looking for."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="needs", verbose_name=_("organisation")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    kind = models.CharField(_("kind"), max_length=20, choices=NeedKind.choices, default=NeedKind.PARTNER)
    wanted_types = models.JSONField(
        _("wanted organisation types"),
        default=list,
        blank=True,
        help_text=_("Types of organisation sought; empty means any."),
    )
    competences = models.ManyToManyField(
        Competence, blank=True, related_name="needs", verbose_name=_("competences")
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("preferred region"),
    )
    visibility = models.CharField(
        _("visible to"), max_length=20, choices=Visibility.choices, default=Visibility.CLUSTER
    )
    status = models.CharField(_("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    deadline = models.DateField(_("answer by"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("partner search")
        verbose_name_plural = _("partner searches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class NeedFollow(models.Model):
    """A user follows a need: they are notified of its answers and changes."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["need", "user"], name="unique_need_follow")]

    def __str__(self) -> str:
        return f"{self.user} follows {self.need}"


class AnswerStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class NeedAnswer(AuditedModel):
    """An organisation's answer to a need: an offer to work together. Accepted answers become ties."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="answers")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="need_answers", verbose_name=_("organisation")
    )
    message = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=20, choices=AnswerStatus.choices, default=AnswerStatus.PROPOSED
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    #: the agreements recorded in the register from this answer once accepted (linked, not found by
    #: title: two needs may share a title, and a need may be renamed)
    agreements = models.ManyToManyField("registry.Agreement", blank=True, related_name="board_answers")

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["need", "organisation"], name="unique_need_answer"),
        ]


# ------------------------------------------------------------------------------ matchmaking events


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REGISTRATION = "registration", _("Registration and meeting requests open")
    SCHEDULED = "scheduled", _("Schedule published")
    FINISHED = "finished", _("Finished")


class MatchmakingEvent(AuditedModel):
    """A brokerage event: participants request one-to-one meetings, the schedule places them in time
    slots and rooms without clashes, and the outcomes flow back into the network."""

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="events", verbose_name=_("organiser")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    date = models.DateField(_("date"))
    requests_close = models.DateTimeField(_("meeting requests close"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    max_meetings = models.PositiveSmallIntegerField(
        _("meetings per participant at most"), default=8, help_text=_("0 means no limit.")
    )
    open_to_all = models.BooleanField(
        _("open to all organisations"),
        default=False,
        help_text=_("Otherwise only the organiser's member organisations may register."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("matchmaking event")
        verbose_name_plural = _("matchmaking events")
        ordering = ["-date"]

    def __str__(self) -> str:
        return self.title


class EventRoom(models.Model):
    """A room or table: one meeting per time slot."""

    event = models.ForeignKey(MatchmakingEvent, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="unique_event_room")]

    def __str__(self) -> str:
        return self.name


class EventSlot(models.Model):
    """A time slot of the event."""

    event = models.ForeignKey(MatchmakingEvent, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "starts_at"], name="unique_event_slot"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.starts_at):%H:%M}-{timezone.localtime(self.ends_at):%H:%M}"


class EventParticipant(AuditedModel):
    """An organisation registered for an event, with the person who attends and when they are free."""

    event = models.ForeignKey(MatchmakingEvent, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="event_participations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    attendee = models.CharField(_("attendee"), max_length=200)
    offer = models.TextField(_("what we offer"), blank=True)
    seek = models.TextField(_("what we look for"), blank=True)
    available = models.ManyToManyField(
        EventSlot,
        blank=True,
        related_name="+",
        verbose_name=_("available in"),
        help_text=_("Empty means the whole event."),
    )
    registered_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("event participant")
        verbose_name_plural = _("event participants")
        constraints = [
            models.UniqueConstraint(fields=["event", "organisation"], name="unique_event_participant")
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class MeetingRequest(AuditedModel):
    """One participant asks another for a one-to-one meeting; only accepted requests are scheduled."""

    event = models.ForeignKey(MatchmakingEvent, on_delete=models.CASCADE, related_name="requests")
    requester = models.ForeignKey(EventParticipant, on_delete=models.CASCADE, related_name="requests_made")
    invitee = models.ForeignKey(EventParticipant, on_delete=models.CASCADE, related_name="requests_received")
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=1, help_text=_("1 (normal) to 3 (must meet).")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        constraints = [
            models.UniqueConstraint(fields=["requester", "invitee"], name="unique_meeting_request"),
            models.CheckConstraint(condition=~Q(requester=F("invitee")), name="request_not_to_self"),
        ]


class ScheduledMeeting(models.Model):
    """A request placed in a slot and a room by the schedule."""

    event = models.ForeignKey(MatchmakingEvent, on_delete=models.CASCADE, related_name="meetings")
    request = models.OneToOneField(MeetingRequest, on_delete=models.CASCADE, related_name="meeting")
    slot = models.ForeignKey(EventSlot, on_delete=models.CASCADE, related_name="meetings")
    room = models.ForeignKey(EventRoom, on_delete=models.CASCADE, related_name="meetings")

    class Meta:
        ordering = ["slot__starts_at", "room_id"]
        constraints = [models.UniqueConstraint(fields=["slot", "room"], name="one_meeting_per_room_and_slot")]

    def __str__(self) -> str:
        return f"{self.request.requester} + {self.request.invitee}, {self.slot}, {self.room}"


class OutcomeKind(models.TextChoices):
    NONE = "none", _("No follow-up")
    FOLLOW_UP = "follow_up", _("Follow-up planned")
    LETTER_OF_INTENT = "letter_of_intent", _("Letter of intent")
    AGREEMENT = "agreement", _("Agreement signed")


class MeetingOutcome(AuditedModel):
    """What came of a meeting. A letter of intent or an agreement is recorded in the register as an
    agreement between the two organisations, and so becomes a tie of the network."""

    meeting = models.OneToOneField(ScheduledMeeting, on_delete=models.CASCADE, related_name="outcome")
    kind = models.CharField(_("outcome"), max_length=20, choices=OutcomeKind.choices)
    note = models.TextField(_("note"), blank=True)
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement in the register"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("meeting outcome")
        verbose_name_plural = _("meeting outcomes")
