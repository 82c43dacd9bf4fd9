"""Permission predicates that say why.

Every action a user can take is a named predicate ``(user, obj) -> Decision``. Views, API endpoints,
services and the CLI ask :func:`check` or :func:`require` and never test roles themselves, so that the
rule for an action lives in one place and the role x action matrix test covers all of them.
Apps register their predicates with :func:`predicate` in their own ``permissions`` module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Decision:
    """``allowed``, and ``reason``: a lazily translated sentence, shown in the reader's language."""

    allowed: bool
    reason: str | Promise

    def __bool__(self) -> bool:
        return self.allowed


def allow(reason: str | Promise) -> Decision:
    return Decision(True, reason)


def deny(reason: str | Promise) -> Decision:
    return Decision(False, reason)


class NotAllowed(PermissionDenied):
    """Raised by :func:`require`; carries the action and the reason for the refusal."""

    def __init__(self, action: str, decision: Decision):
        super().__init__(decision.reason)
        self.action = action
        self.reason = decision.reason


Predicate = Callable[[Any, Any], Decision]
PREDICATES: dict[str, Predicate] = {}


def predicate(action: str) -> Callable[[Predicate], Predicate]:
    """Register the rule for ``action`` (e.g. ``"cluster.change"``)."""

    def register(func: Predicate) -> Predicate:
        if action in PREDICATES:
            raise RuntimeError(f"permission {action!r} is defined twice")
        PREDICATES[action] = func
        return func

    return register


def is_authenticated(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


def check(user: Any, action: str, obj: Any = None) -> Decision:
    """Whether ``user`` may do ``action`` (on ``obj``), and why."""
    try:
        rule = PREDICATES[action]
    except KeyError:
        raise KeyError(f"unknown permission {action!r}; known: {', '.join(sorted(PREDICATES))}") from None
    if is_authenticated(user) and user.is_platform_admin:
        return allow(_("platform administrators may do everything"))
    return rule(user, obj)


def require(user: Any, action: str, obj: Any = None) -> Decision:
    """Like :func:`check`, but raise :class:`NotAllowed` when refused."""
    decision = check(user, action, obj)
    if not decision:
        raise NotAllowed(action, decision)
    return decision


@predicate("audit.view")
def can_view_audit(user: Any, _obj: Any) -> Decision:
    return deny(_("only platform administrators see the audit log"))


@predicate("task.view")
def can_view_task(user: Any, task: Any) -> Decision:
    if is_authenticated(user) and task is not None and task.user_id == user.pk:
        return allow(_("you started this task"))
    return deny(_("only the user who started a task sees it"))
