"""Pages of the partner-search board: the list of needs the user may see, a need with its answers, the
forms to post, edit, close and answer a need, and the poster's and the answering side's actions on an
answer (accept, decline, withdraw, record as an agreement).

Each view parses its input, asks ``core.permissions`` (``require`` before acting, ``check`` to show or
hide a button), calls the selectors or services and renders.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clusterworks.web.core.forms import add_service_errors
from clusterworks.web.core.permissions import check, require
from clusterworks.web.registry.models import AgreementKind, OrganisationType, choice_label

from . import selectors_board as selectors
from .forms_board import AgreementForm, AnswerForm, NeedFilterForm, NeedForm
from .models import AnswerStatus, Need, NeedAnswer, NeedStatus
from .services import board as services

PAGE_SIZE = 25


def _need(pk: int) -> Need:
    return get_object_or_404(
        Need.objects.select_related("organisation", "region", "created_by").prefetch_related("competences"),
        pk=pk,
    )


def _answer(pk: int) -> NeedAnswer:
    return get_object_or_404(
        NeedAnswer.objects.select_related("need", "need__organisation", "organisation"), pk=pk
    )


def _need_url(need: Need) -> str:
    return reverse("network-board-need", args=[need.pk])


def _show_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_http_methods(["GET"])
def need_list(request):
    form = NeedFilterForm(request.GET or None)
    needs = selectors.needs_visible_to(request.user, **form.filters())
    page = Paginator(needs, PAGE_SIZE).get_page(request.GET.get("page"))
    for need in page:
        need.wanted_labels = [choice_label(OrganisationType, t) for t in need.wanted_types or []]
    context = {"form": form, "page": page, "can_create": check(request.user, "need.create")}
    return render(request, "network/board/need_list.html", context)


@login_required
@require_http_methods(["GET"])
def need_detail(request, pk):
    need = _need(pk)
    require(request.user, "need.view", need)
    can_change = check(request.user, "need.change", need)
    answers = list(selectors.answers_visible_to(user=request.user, need=need))
    rows = []
    for answer in answers:
        accepted = answer.status == AnswerStatus.ACCEPTED
        recorded = selectors.answer_agreements(answer) if accepted else []
        rows.append(
            {
                "answer": answer,
                "can_decide": can_change and answer.status == AnswerStatus.PROPOSED,
                "can_withdraw": answer.status in (AnswerStatus.PROPOSED, AnswerStatus.ACCEPTED)
                and check(request.user, "answer.withdraw", answer),
                # either side records it (``answer.view``: every answer listed here), each kind once
                "can_record": accepted and len({a.kind for a in recorded}) < len(selectors.AGREEMENT_KINDS),
                "agreements": recorded,
            }
        )
    can_answer = (
        check(request.user, "need.answer", need)
        and selectors.answering_organisations(user=request.user, need=need).exists()
    )
    context = {
        "need": need,
        "competences": list(need.competences.all()),
        "wanted": [choice_label(OrganisationType, t) for t in need.wanted_types or []],
        "answers": rows,
        "answer_count": need.answers.exclude(status=AnswerStatus.WITHDRAWN).count(),
        "can_change": can_change,
        "can_answer": can_answer,
        "following": selectors.is_following(user=request.user, need=need),
        "status_changes": [
            (status, NeedStatus(status).label) for status in services.NEED_STATUS_CHANGES[need.status]
        ]
        if can_change
        else [],
    }
    return render(request, "network/board/need_detail.html", context)


def _need_form_page(request, *, need: Need | None):
    organisations = selectors.organisations_spoken_for(request.user) if need is None else None
    form = NeedForm(request.POST or None, instance=need, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            if need is None:
                saved = services.need_create(
                    actor=request.user,
                    organisation=form.cleaned_data["organisation"],
                    data=form.service_data(),
                    competences=form.cleaned_data["competences"],
                )
            else:
                saved = services.need_update(
                    actor=request.user,
                    need=need,
                    data=form.service_data(),
                    competences=form.cleaned_data["competences"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The partner search is posted.") if need is None else _("The partner search is saved."),
            )
            return redirect(_need_url(saved))
    return render(request, "network/board/need_form.html", {"form": form, "need": need})


@login_required
@require_http_methods(["GET", "POST"])
def need_create(request):
    require(request.user, "need.create")
    return _need_form_page(request, need=None)


@login_required
@require_http_methods(["GET", "POST"])
def need_edit(request, pk):
    need = _need(pk)
    require(request.user, "need.change", need)
    return _need_form_page(request, need=need)


@login_required
@require_POST
def need_status(request, pk):
    need = _need(pk)
    require(request.user, "need.change", need)
    try:
        services.need_set_status(actor=request.user, need=need, status=request.POST.get("status", ""))
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("The partner search's status is changed."))
    return redirect(_need_url(need))


@login_required
@require_POST
def need_follow(request, pk):
    need = _need(pk)
    require(request.user, "need.view", need)
    follow = request.POST.get("follow") == "1"
    services.need_follow(actor=request.user, need=need, follow=follow)
    messages.success(
        request,
        _("You follow this partner search: you are told of its answers and changes.")
        if follow
        else _("You no longer follow this partner search."),
    )
    return redirect(_need_url(need))


@login_required
@require_http_methods(["GET", "POST"])
def need_answer(request, pk):
    need = _need(pk)
    require(request.user, "need.answer", need)
    organisations = selectors.answering_organisations(user=request.user, need=need)
    form = AnswerForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_create(
                actor=request.user,
                need=need,
                organisation=form.cleaned_data["organisation"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Your answer is sent to %(organisation)s.") % {"organisation": need.organisation}
            )
            return redirect(_need_url(need))
    context = {"need": need, "form": form, "nothing_to_answer_for": not organisations.exists()}
    return render(request, "network/board/answer_form.html", context)


@login_required
@require_POST
def answer_decide(request, pk):
    answer = _answer(pk)
    require(request.user, "need.change", answer.need)
    accept = request.POST.get("decision") == "accept"
    try:
        services.answer_decide(actor=request.user, answer=answer, accept=accept)
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(
            request,
            (
                _("The answer of %(organisation)s is accepted.")
                if accept
                else _("The answer of %(organisation)s is declined.")
            )
            % {"organisation": answer.organisation},
        )
    return redirect(_need_url(answer.need))


@login_required
@require_POST
def answer_withdraw(request, pk):
    answer = _answer(pk)
    require(request.user, "answer.withdraw", answer)
    try:
        services.answer_withdraw(actor=request.user, answer=answer)
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("Your answer is withdrawn."))
    return redirect(_need_url(answer.need))


@login_required
@require_http_methods(["GET", "POST"])
def answer_agreement(request, pk):
    """Record an accepted answer as a letter of intent or a cooperation agreement in the register."""
    answer = _answer(pk)
    require(request.user, "answer.view", answer)
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.answer_record_agreement(
                actor=request.user, answer=answer, kind=form.cleaned_data["kind"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("“%(kind)s” between %(first)s and %(second)s is recorded in the register.")
                % {
                    "kind": choice_label(AgreementKind, agreement.kind),
                    "first": answer.need.organisation,
                    "second": answer.organisation,
                },
            )
            return redirect(_need_url(answer.need))
    context = {
        "answer": answer,
        "need": answer.need,
        "form": form,
        "recorded": selectors.answer_agreements(answer),
    }
    return render(request, "network/board/agreement_form.html", context)
