"""The partner-search board: an organisation posts a need (an expression of interest), others follow it
or answer it, the poster's side accepts or declines the answers, and an accepted answer becomes an
agreement in the register -- a letter of intent or a cooperation agreement between the two
organisations, signed today, titled after the need and linked to the answer. That is how the board
feeds the network.

Every service checks the actor's permission (``network.permissions``), validates, and writes in one
transaction; audited rows are recorded by the audit log. Notifications
(``programme.services.workflow.notify``) reach the inboxes in the same transaction and go out by e-mail
once it commits, in each reader's language:

* a new answer: to the poster's representatives and the need's author (naming the answering
  organisation), and to the followers (without naming it: answers are seen only by the two sides);
* a decision on an answer: to the answering organisation's representatives and the answer's author;
* a need closed, fulfilled or reopened: to the followers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clusterworks.web.core.permissions import is_authenticated, require
from clusterworks.web.programme.services.workflow import notify
from clusterworks.web.registry.models import (
    Agreement,
    AgreementKind,
    Competence,
    Organisation,
    OrganisationType,
)

from ..models import AnswerStatus, Need, NeedAnswer, NeedFollow, NeedStatus
from ..selectors_board import (
    AGREEMENT_KINDS,
    answer_agreements,
    answering_organisations,
    followers,
    representatives,
)

NEED_FIELDS = ("title", "description", "kind", "wanted_types", "region", "visibility", "deadline")
#: the status changes of a need: from -> allowed targets
NEED_STATUS_CHANGES = {
    NeedStatus.OPEN: (NeedStatus.FULFILLED, NeedStatus.CLOSED),
    NeedStatus.FULFILLED: (NeedStatus.OPEN,),
    NeedStatus.CLOSED: (NeedStatus.OPEN,),
}


# ------------------------------------------------------------------------------------------ helpers


def in_both_languages(message: Callable[[], str]) -> tuple[str, str]:
    """``message()`` in English and in Russian (names of organisations follow the language too)."""
    texts = []
    for language in ("en", "ru"):
        with translation.override(language):
            texts.append(str(message()))
    return texts[0], texts[1]


def send(*, users: Iterable[Any], actor: Any, message: Callable[[], str], url: str) -> int:
    """Notify ``users`` but the actor, once each, in their language."""
    seen: dict[int, Any] = {}
    for user in users:
        if user is not None and user.pk not in seen and (not is_authenticated(actor) or user.pk != actor.pk):
            seen[user.pk] = user
    if not seen:
        return 0
    text_en, text_ru = in_both_languages(message)
    return notify(users=list(seen.values()), text_en=text_en, text_ru=text_ru, url=url)


def record_agreement(
    *, organisations: tuple[Organisation, Organisation], kind: str, title: str, signed_on: dt.date
) -> Agreement:
    """A registry agreement of ``kind`` between the two organisations. The caller has checked the
    permission of the network action that records it (deciding on a need, a meeting's outcome): the
    registry's ``tie.change`` would refuse an event's organisers when neither party is a member of
    their cluster."""
    if kind not in AGREEMENT_KINDS:
        raise ValueError(f"unknown agreement kind {kind!r}; allowed: {', '.join(AGREEMENT_KINDS)}")
    agreement = Agreement(title=title[:300], kind=kind, signed_on=signed_on)
    agreement.full_clean()
    agreement.save()
    agreement.parties.set(organisations)
    return agreement


def _need_url(need: Need) -> str:
    return reverse("network-board-need", args=[need.pk])


def _clean_wanted_types(values: Iterable[str]) -> list[str]:
    values = list(dict.fromkeys(values or ()))
    unknown = [v for v in values if v not in OrganisationType.values]
    if unknown:
        raise ValidationError(
            {
                "wanted_types": _("Unknown organisation type(s): %(types)s.")
                % {"types": ", ".join(map(str, unknown))}
            }
        )
    return values


def _assign(need: Need, data: dict[str, Any]) -> None:
    unknown = set(data) - set(NEED_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}; allowed: {sorted(NEED_FIELDS)}")
    for name, value in data.items():
        setattr(need, name, value)
    need.wanted_types = _clean_wanted_types(need.wanted_types)


# -------------------------------------------------------------------------------------------- needs


@transaction.atomic
def need_create(
    *, actor: Any, organisation: Organisation, data: dict[str, Any], competences: Iterable[Competence] = ()
) -> Need:
    """Post a need for ``organisation`` (one the actor speaks for)."""
    require(actor, "need.create", organisation)
    need = Need(organisation=organisation, created_by=actor if is_authenticated(actor) else None)
    _assign(need, data)
    need.full_clean()
    need.save()
    need.competences.set(competences)
    return need


@transaction.atomic
def need_update(
    *, actor: Any, need: Need, data: dict[str, Any], competences: Iterable[Competence] | None = None
) -> Need:
    """Change a need's text and wishes (its organisation and status stay; see :func:`need_set_status`)."""
    need = Need.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=need.pk)
    require(actor, "need.change", need)
    _assign(need, data)
    need.full_clean(exclude=["created_by"])  # null when the author's account is gone (not blank=True)
    need.save()
    if competences is not None:
        need.competences.set(competences)
    return need


@transaction.atomic
def need_set_status(*, actor: Any, need: Need, status: str) -> Need:
    """Close a need, mark it fulfilled, or reopen it (``NEED_STATUS_CHANGES``); followers are told."""
    need = Need.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=need.pk)
    require(actor, "need.change", need)
    if status not in NEED_STATUS_CHANGES.get(need.status, ()):
        raise ValidationError(
            _("A partner search that is “%(current)s” cannot become “%(target)s”.")
            % {"current": NeedStatus(need.status).label, "target": _status_label(status)}
        )
    need.status = status
    need.save()
    send(
        users=followers(need=need),
        actor=actor,
        message=lambda: (
            _("The partner search “%(title)s” is now: %(status)s.")
            % {"title": need.title, "status": NeedStatus(status).label}
        ),
        url=_need_url(need),
    )
    return need


def _status_label(status: str) -> str:
    try:
        return str(NeedStatus(status).label)
    except ValueError:
        return status


@transaction.atomic
def need_follow(*, actor: Any, need: Need, follow: bool = True) -> bool:
    """Follow a need the actor may see, or stop following one (allowed even once it is out of sight);
    returns whether the actor follows it now."""
    if follow:
        require(actor, "need.view", need)
        NeedFollow.objects.get_or_create(need=need, user=actor)
    elif is_authenticated(actor):
        NeedFollow.objects.filter(need=need, user=actor).delete()
    return follow


# ------------------------------------------------------------------------------------------ answers


@transaction.atomic
def answer_create(*, actor: Any, need: Need, organisation: Organisation, message: str) -> NeedAnswer:
    """``organisation`` (one the actor represents) offers to work together on ``need``. A withdrawn
    answer of the same organisation is made again; a standing one is refused."""
    need = Need.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=need.pk)
    require(actor, "need.answer", need)
    message = (message or "").strip()
    if not message:
        raise ValidationError({"message": _("Say what your organisation offers.")})
    if not answering_organisations(user=actor, need=need).filter(pk=organisation.pk).exists():
        if organisation.pk == need.organisation_id:
            text = _("An organisation does not answer its own partner search.")
        elif need.answers.filter(organisation=organisation).exclude(status=AnswerStatus.WITHDRAWN).exists():
            text = _("%(organisation)s has already answered this partner search.") % {
                "organisation": organisation
            }
        else:
            text = _("You do not represent %(organisation)s.") % {"organisation": organisation}
        raise ValidationError({"organisation": text})
    answer = need.answers.filter(organisation=organisation).first() or NeedAnswer(
        need=need, organisation=organisation
    )
    answer.message = message
    answer.status = AnswerStatus.PROPOSED
    answer.author = actor if is_authenticated(actor) else None
    answer.decided_at = None
    answer.created_at = timezone.now()
    answer.full_clean(exclude=["author"])
    answer.save()
    url = _need_url(need)
    poster_side = [*representatives(organisations=[need.organisation_id]), need.created_by]
    send(
        users=poster_side,
        actor=actor,
        message=lambda: (
            _("%(organisation)s answered your partner search “%(title)s”.")
            % {"organisation": organisation, "title": need.title}
        ),
        url=url,
    )
    told = {u.pk for u in poster_side if u is not None}
    send(
        users=[u for u in followers(need=need) if u.pk not in told],
        actor=actor,
        message=lambda: _("A new answer to the partner search “%(title)s”.") % {"title": need.title},
        url=url,
    )
    return answer


def _locked_answer(answer: NeedAnswer) -> NeedAnswer:
    return (
        NeedAnswer.objects.select_for_update(of=("self",))
        .select_related("need", "need__organisation", "organisation")
        .get(pk=answer.pk)
    )


@transaction.atomic
def answer_decide(*, actor: Any, answer: NeedAnswer, accept: bool) -> NeedAnswer:
    """The poster's side accepts or declines a proposed answer; the answering side is told."""
    answer = _locked_answer(answer)
    require(actor, "need.change", answer.need)
    if answer.status != AnswerStatus.PROPOSED:
        raise ValidationError(
            _("Only a proposed answer can be accepted or declined; this one is “%(status)s”.")
            % {"status": AnswerStatus(answer.status).label}
        )
    answer.status = AnswerStatus.ACCEPTED if accept else AnswerStatus.DECLINED
    answer.decided_at = timezone.now()
    answer.save()
    need = answer.need
    if accept:

        def message() -> str:
            return _("%(organisation)s accepted your answer to “%(title)s”.") % {
                "organisation": need.organisation,
                "title": need.title,
            }
    else:

        def message() -> str:
            return _("%(organisation)s declined your answer to “%(title)s”.") % {
                "organisation": need.organisation,
                "title": need.title,
            }

    send(
        users=[*representatives(organisations=[answer.organisation_id]), answer.author],
        actor=actor,
        message=message,
        url=_need_url(need),
    )
    return answer


@transaction.atomic
def answer_withdraw(*, actor: Any, answer: NeedAnswer) -> NeedAnswer:
    """The answering organisation takes back its proposed or accepted answer."""
    answer = _locked_answer(answer)
    require(actor, "answer.withdraw", answer)
    if answer.status not in (AnswerStatus.PROPOSED, AnswerStatus.ACCEPTED):
        raise ValidationError(
            _("This answer is “%(status)s” and cannot be withdrawn.")
            % {"status": AnswerStatus(answer.status).label}
        )
    answer.status = AnswerStatus.WITHDRAWN
    answer.save()
    need = answer.need
    send(
        users=[*representatives(organisations=[need.organisation_id]), need.created_by],
        actor=actor,
        message=lambda: (
            _("%(organisation)s withdrew its answer to “%(title)s”.")
            % {"organisation": answer.organisation, "title": need.title}
        ),
        url=_need_url(need),
    )
    return answer


@transaction.atomic
def answer_record_agreement(*, actor: Any, answer: NeedAnswer, kind: str = AgreementKind.INTENT) -> Agreement:
    """Record an accepted answer in the register: an agreement of ``kind`` (letter of intent or
    cooperation agreement) between the poster and the answering organisation, signed today, titled
    after the need and linked to the answer. Either side may record it; the same kind is recorded once
    per answer."""
    answer = _locked_answer(answer)
    require(actor, "answer.view", answer)
    if answer.status != AnswerStatus.ACCEPTED:
        raise ValidationError(_("Only an accepted answer is recorded as an agreement."))
    if kind not in AGREEMENT_KINDS:
        raise ValidationError({"kind": _("Choose a letter of intent or a cooperation agreement.")})
    if any(a.kind == kind for a in answer_agreements(answer)):
        raise ValidationError(
            {
                "kind": _("A “%(kind)s” between these organisations is already recorded.")
                % {"kind": AgreementKind(kind).label}
            }
        )
    agreement = record_agreement(
        organisations=(answer.need.organisation, answer.organisation),
        kind=kind,
        title=answer.need.title,
        signed_on=timezone.localdate(),
    )
    answer.agreements.add(agreement)
    return agreement
