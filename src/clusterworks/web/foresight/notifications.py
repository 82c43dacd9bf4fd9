"""E-mails to a survey's panel: the invitation, the notice that a round is open, the reminder.

Each is rendered from the text templates in ``templates/foresight/surveys/email/`` in the recipient's
preferred language (the site's default when they have none) and sent with ``django.core.mail``. A
function returns whether the message was handed to the mail server; a missing address or a refusal is
logged and reported as ``False`` so that one bad address does not stop the rest of a panel's mail.
The services in ``surveys`` record the time of what was sent.
"""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from .models import Panelist, Round

logger = logging.getLogger(__name__)
TEMPLATES = "foresight/surveys/email/"


def recipient_language(user: Any) -> str:
    language = getattr(user, "preferred_language", "") or ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def survey_path(survey_key: str) -> str:
    return reverse("foresight-survey-detail", args=[survey_key])


def answer_path(survey_key: str, number: int) -> str:
    """The page where a panelist answers round ``number`` (the survey's page while the answering pages
    are not installed)."""
    try:
        return reverse("foresight-answer", args=[survey_key, number])
    except NoReverseMatch:
        return survey_path(survey_key)


def _send(
    *, panelist: Panelist, template: str, context: dict[str, Any], reply_to: list[str] | None = None
) -> bool:
    user = panelist.user
    address = (user.email or "").strip()
    if not address:
        logger.warning("panelist %s of %s has no e-mail address", panelist.code, panelist.survey.key)
        return False
    with translation.override(recipient_language(user)):
        context = {
            "name": user.get_full_name() or user.get_username(),
            "survey": panelist.survey,
            "panelist": panelist,
            **context,
        }
        subject = render_to_string(f"{TEMPLATES}{template}_subject.txt", context)
        body = render_to_string(f"{TEMPLATES}{template}.txt", context)
    message = EmailMessage(" ".join(subject.split()), body, to=[address], reply_to=reply_to or None)
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as error:
        logger.warning("could not e-mail %s of %s: %s", panelist.code, panelist.survey.key, error)
        return False
    return True


def send_invitation(*, panelist: Panelist, site_url: str = "", reply_to: list[str] | None = None) -> bool:
    """Invite ``panelist`` to the survey's panel (with the link to the open round, if one is open)."""
    survey = panelist.survey
    open_round = survey.rounds.filter(status="open").first()
    context = {
        "survey_url": site_url + survey_path(survey.key),
        "open_round": open_round,
        "answer_url": site_url + answer_path(survey.key, open_round.number) if open_round else "",
    }
    return _send(panelist=panelist, template="invitation", context=context, reply_to=reply_to)


def send_round_opened(
    *, panelist: Panelist, round: Round, site_url: str = "", reply_to: list[str] | None = None
) -> bool:
    context = {"round": round, "answer_url": site_url + answer_path(round.survey.key, round.number)}
    return _send(panelist=panelist, template="round_opened", context=context, reply_to=reply_to)


def send_reminder(
    *, panelist: Panelist, round: Round, site_url: str = "", reply_to: list[str] | None = None
) -> bool:
    context = {"round": round, "answer_url": site_url + answer_path(round.survey.key, round.number)}
    return _send(panelist=panelist, template="reminder", context=context, reply_to=reply_to)
