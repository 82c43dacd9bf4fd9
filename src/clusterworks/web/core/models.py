"""Users, their roles, API tokens, log-in failures and the audit log."""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import SCOPED_ROLES, Role


class User(AbstractUser):
    """A person who logs in. What they may do follows from their role assignments."""

    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def role_set(self) -> set[str]:
        """Global role names, cached on the instance for one request."""
        self._load_roles()
        return self._roles_cache["global"]

    def managed_cluster_ids(self) -> set[int]:
        self._load_roles()
        return self._roles_cache["clusters"]

    def represented_organisation_ids(self) -> set[int]:
        self._load_roles()
        return self._roles_cache["organisations"]

    def has_role(self, role: str) -> bool:
        return (
            role in self.role_set()
            or (role == Role.CLUSTER_MANAGER and bool(self.managed_cluster_ids()))
            or (role == Role.ORGANISATION_REPRESENTATIVE and bool(self.represented_organisation_ids()))
        )

    @property
    def is_platform_admin(self) -> bool:
        return self.is_superuser or Role.ADMIN in self.role_set()

    def _load_roles(self) -> None:
        if getattr(self, "_roles_cache", None) is not None:
            return
        cache: dict[str, set] = {"global": set(), "clusters": set(), "organisations": set()}
        for role, cluster_id, organisation_id in RoleAssignment.objects.filter(user=self).values_list(
            "role", "cluster_id", "organisation_id"
        ):
            if role == Role.CLUSTER_MANAGER:
                cache["clusters"].add(cluster_id)
            elif role == Role.ORGANISATION_REPRESENTATIVE:
                cache["organisations"].add(organisation_id)
            else:
                cache["global"].add(role)
        self._roles_cache = cache

    def forget_roles(self) -> None:
        self._roles_cache = None


class RoleAssignment(models.Model):
    """One role held by one user: globally, or for a cluster or an organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    cluster = models.ForeignKey(
        "registry.Cluster", on_delete=models.CASCADE, null=True, blank=True, related_name="role_assignments"
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "cluster", "organisation"],
                name="unique_role_assignment",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        scope = self.cluster or self.organisation
        return f"{self.user}: {self.get_role_display()}" + (f" ({scope})" if scope else "")

    def clean(self) -> None:
        scope = SCOPED_ROLES.get(self.role)
        if scope == "cluster" and (self.cluster_id is None or self.organisation_id is not None):
            raise ValidationError(_("A cluster manager role needs a cluster and no organisation."))
        if scope == "organisation" and (self.organisation_id is None or self.cluster_id is not None):
            raise ValidationError(
                _("An organisation representative role needs an organisation and no cluster.")
            )
        if scope is None and (self.cluster_id or self.organisation_id):
            raise ValidationError(_("This role is global: leave cluster and organisation empty."))


class ApiToken(models.Model):
    """A bearer token for the REST API. Only a SHA-256 hash of the secret is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user: User, name: str, expires_at=None) -> tuple[ApiToken, str]:
        """Create a token; return it and the secret, which is shown once and never stored."""
        key = "cw_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=key[3:11], key_hash=cls.hash_key(key), expires_at=expires_at
        )
        return token, key


class LoginFailure(models.Model):
    """A failed log-in, kept for the lock-out window (see ``throttling``)."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} at {self.at:%Y-%m-%d %H:%M:%S}"


class AuditEvent(models.Model):
    """Who created, changed or deleted what, and when; ``changes`` maps field -> [old, new]."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("who"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    model = models.CharField(_("object type"), max_length=100, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object_repr = models.CharField(_("object"), max_length=300)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    source = models.CharField(
        _("source"), max_length=40, blank=True, help_text=_("web, api, admin, import, cli")
    )

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.model} {self.object_repr}"


class DataVersion(models.Model):
    """A single row whose ``version`` increases with every change of registry data; cached public
    pages are keyed by it (see ``page_cache``)."""

    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("data version")

    def __str__(self) -> str:
        return str(self.version)


class TaskStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Task(models.Model):
    """Long work started from a page (an import, an index build), run in the background; its page shows
    the progress and the outcome (see ``core.tasks``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.RUNNING
    )
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    done_url = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("last progress"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int | None:
        return min(100, round(100 * self.done / self.total)) if self.total else None
