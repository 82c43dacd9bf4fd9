"""The workflow of a call as data: its states and transitions, copied from
:data:`~clusterworks.web.programme.models.DEFAULT_WORKFLOW` when a call is created; taking a transition
checks who may take it (``application.transition``), records a :class:`StateChange` (and the audit log),
and notifies the applicants, in the app and by e-mail.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clusterworks.web.core.permissions import check, require
from clusterworks.web.core.roles import Role

from ..models import (
    DEFAULT_WORKFLOW,
    Application,
    Call,
    Notification,
    StateChange,
    Transition,
    WorkflowState,
)

logger = logging.getLogger(__name__)
_email = ContextVar("programme_notifications_by_email", default=True)


@contextmanager
def in_app_only() -> Iterator[None]:
    """Notifications inside the block go to the users' in-app inboxes only, not by e-mail (the demo's
    illustrative people have example.org addresses)."""
    token = _email.set(False)
    try:
        yield
    finally:
        _email.reset(token)


#: Russian names of the default workflow (the English ones are in DEFAULT_WORKFLOW)
_RUSSIAN = {
    "draft": "Черновик",
    "submitted": "Подана",
    "screening": "Проверка соответствия требованиям",
    "review": "Экспертиза",
    "commission": "Комиссия",
    "funded": "Поддержана в полном объёме",
    "partly_funded": "Поддержана частично",
    "rejected": "Отклонена",
    "ineligible": "Не соответствует требованиям",
    "withdrawn": "Отозвана",
    "awarded": "Соглашение подписано",
    "reporting": "Отчётность",
    "closed": "Закрыта",
    "submit": "Подать",
    "withdraw": "Отозвать",
    "withdraw_submitted": "Отозвать",
    "start_screening": "Начать проверку соответствия",
    "eligible": "Соответствует: направить на экспертизу",
    "ineligible_t": "Не соответствует требованиям",
    "to_commission": "Направить в комиссию",
    "fund": "Поддержать в полном объёме",
    "fund_partly": "Поддержать частично",
    "reject": "Отклонить",
    "sign_award": "Подписать соглашение",
    "sign_partial_award": "Подписать соглашение",
    "start_reporting": "Начать отчётность",
    "close": "Закрыть",
}


def seed_workflow(*, call: Call) -> None:
    """Give ``call`` the default workflow (a call created without one)."""
    with transaction.atomic():
        states = {}
        for position, (key, name_en, terminal) in enumerate(DEFAULT_WORKFLOW["states"], start=1):
            states[key] = WorkflowState.objects.create(
                call=call,
                key=key,
                position=position,
                name_en=name_en,
                name_ru=_RUSSIAN[key],
                terminal=terminal,
            )
        for key, source, target, actor, name_en in DEFAULT_WORKFLOW["transitions"]:
            Transition.objects.create(
                call=call,
                key=key,
                source=states[source],
                target=states[target],
                actor=actor,
                name_en=name_en,
                name_ru=_RUSSIAN.get(f"{key}_t" if key in states else key, name_en),
            )


def workflow_graph(call: Call) -> tuple[list[WorkflowState], list[Transition]]:
    """The call's states in order and its transitions (for the docs' diagram and the checks)."""
    states = list(call.states.order_by("position"))
    transitions = list(
        call.transitions.select_related("source", "target").order_by("source__position", "key")
    )
    return states, transitions


def available_transitions(*, user: Any, application: Application) -> list[Transition]:
    """The transitions out of the application's state that ``user`` may take now."""
    candidates = Transition.objects.filter(call_id=application.call_id, source__key=application.state)
    return [
        t
        for t in candidates.select_related("source", "target")
        if check(user, "application.transition", (application, t))
    ]


def take_transition(*, actor: Any, application: Application, key: str, comment: str = "") -> Application:
    """Move ``application`` along the transition ``key`` as ``actor``: checked, recorded, notified.

    Raises ``NotAllowed`` when the actor may not take it, ``ValidationError`` when the call's workflow
    has no such transition out of the current state. Callers with their own preconditions (a complete
    budget before ``submit``, say) check them before calling.
    """
    with transaction.atomic():
        application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
        transition = (
            Transition.objects.select_related("source", "target")
            .filter(call_id=application.call_id, key=key)
            .first()
        )
        if transition is None:
            raise ValidationError(
                {"transition": _("The call's workflow has no step “%(key)s”.") % {"key": key}}
            )
        if transition.source.key != application.state:
            raise ValidationError(
                {
                    "transition": _("“%(step)s” starts from “%(source)s”; the application is “%(state)s”.")
                    % {"step": transition, "source": transition.source, "state": state_name(application)}
                }
            )
        require(actor, "application.transition", (application, transition))
        source = application.state
        application.state = transition.target.key
        fields = ["state"]
        if key == "submit":
            application.submitted_at = timezone.now()
            fields.append("submitted_at")
        application.save(update_fields=fields)
        StateChange.objects.create(
            application=application, transition=key, source=source, target=application.state, actor=actor,
            comment=comment,
        )  # fmt: skip
        if transition.notify_applicant:
            transaction.on_commit(lambda: notify_applicants(application=application, transition=transition))
    return application


def state_name(application: Application) -> str:
    state = WorkflowState.objects.filter(call_id=application.call_id, key=application.state).first()
    return str(state) if state else application.state


def applicant_users(application: Application) -> list[Any]:
    """The users who speak for the applicants: the author, the representatives of the applicant and
    co-applicant organisations, the managers of the cluster."""
    from clusterworks.web.core.models import RoleAssignment, User

    organisations = [
        application.applicant_id,
        *application.partners.values_list("organisation_id", flat=True),
    ]
    assigned = RoleAssignment.objects.filter(
        role=Role.ORGANISATION_REPRESENTATIVE, organisation_id__in=organisations
    ).values("user_id") | RoleAssignment.objects.filter(
        role=Role.CLUSTER_MANAGER, cluster_id=application.cluster_id
    ).values("user_id")
    users = User.objects.filter(pk__in=assigned) | User.objects.filter(pk=application.created_by_id)
    return list(users.distinct().order_by("pk"))


def notify(*, users: Iterable[Any], text_en: str, text_ru: str, url: str = "") -> int:
    """Put a message in each user's inbox and e-mail it to those with an address, in their language.
    Returns the number of users notified.

    The inbox rows are written at once, atomic with the change they report; the e-mails leave only when
    the transaction commits (``transaction.on_commit``), so a change rolled back mails nobody. Whether
    to e-mail (:func:`in_app_only`) is decided now, not at the commit."""
    by_email = _email.get()
    count = 0
    for user in users:
        language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
        text = text_ru if language.startswith("ru") else text_en
        Notification.objects.create(user=user, text=text, url=url)
        count += 1
        if by_email and (user.email or "").strip():
            with translation.override(language):
                subject = _("Clusterworks: %(text)s") % {"text": text[:120]}
            message = EmailMessage(subject, f"{text}\n\n{url}", to=[user.email])
            transaction.on_commit(partial(_send, message, user_pk=user.pk))
    return count


def _send(message: EmailMessage, *, user_pk: int) -> None:
    """Send a notification e-mail; a mail server's refusal is logged, not raised: the change it
    reports is committed already."""
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as error:
        logger.warning("could not e-mail user %s: %s", user_pk, error)


def notify_applicants(*, application: Application, transition: Transition) -> int:
    target = transition.target
    text = {}
    for language, name_of in (
        ("en", lambda o: o.name_en or o.name_ru),
        ("ru", lambda o: o.name_ru or o.name_en),
    ):
        with translation.override(language):
            text[language] = _("Application %(number)s “%(title)s”: %(state)s") % {
                "number": application.number,
                "title": application.title,
                "state": name_of(target),
            }
    return notify(
        users=applicant_users(application),
        text_en=text["en"],
        text_ru=text["ru"],
        url=application.get_absolute_url(),
    )
