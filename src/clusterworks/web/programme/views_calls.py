"""Pages of programmes and calls: the list of programmes with their calls, a programme, a call (its rules,
form, rubric and workflow diagram), the officers' forms for programmes and calls, publishing, the
officers' list of a call's applications with the eligibility checklist, and the user's notifications.

Each view parses its input, asks ``core.permissions`` (``require`` before acting, ``check`` to show or
hide a button), calls the services and renders. Amounts are formatted here (``money``) in the reader's
language.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from clusterworks.web.core.forms import add_service_errors
from clusterworks.web.core.permissions import check, require
from clusterworks.web.registry.models import choice_label

from . import diagram
from .forms_applications import ApplicationFilterForm
from .forms_calls import RULE_TITLES, CallForm, ProgrammeForm, formset_rows, rule_formsets
from .models import Actor, Call, Notification, Programme, QuestionKind
from .money import format_roubles, format_share
from .services import applications as application_services
from .services import calls as services


def _programme(key: str) -> Programme:
    return get_object_or_404(Programme, key=key)


def _call(key: str) -> Call:
    return get_object_or_404(Call.objects.select_related("programme"), key=key)


# --- programmes -----------------------------------------------------------------------------------------


@require_http_methods(["GET"])
def programme_list(request):
    rows = services.programmes_with_calls(request.user)
    context = {
        "programmes": [(p, [(c, c.is_open()) for c in calls]) for p, calls in rows],
        "can_create": check(request.user, "programme.create"),
    }
    return render(request, "programme/calls/programme_list.html", context)


@require_http_methods(["GET"])
def programme_detail(request, key):
    programme = _programme(key)
    require(request.user, "programme.view", programme)
    calls = services.calls_visible_to(request.user).filter(programme=programme).order_by("-year", "key")
    context = {
        "programme": programme,
        "calls": [(c, c.is_open(), format_roubles(c.envelope)) for c in calls],
        "can_manage": check(request.user, "programme.manage", programme),
        "officers": programme.officers.order_by("last_name", "username"),
    }
    return render(request, "programme/calls/programme_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request):
    require(request.user, "programme.create")
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(
                actor=request.user, data=form.service_data(), officers=form.cleaned_data["officers"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The programme “%(programme)s” is created.") % {"programme": programme}
            )
            return redirect(programme.get_absolute_url())
    return render(request, "programme/calls/programme_form.html", {"form": form, "programme": None})


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, key):
    programme = _programme(key)
    require(request.user, "programme.manage", programme)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(
                actor=request.user, programme=programme, data=form.service_data(),
                officers=form.cleaned_data["officers"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The programme is saved."))
            return redirect(programme.get_absolute_url())
    return render(request, "programme/calls/programme_form.html", {"form": form, "programme": programme})


# --- calls ------------------------------------------------------------------------------------------------


def _call_facts(call: Call) -> dict[str, Any]:
    """The call's rules as the page shows them, amounts and shares formatted."""
    lines = [
        (line, format_share(line.max_share) if line.max_share is not None else "")
        for line in call.lines.all()
    ]
    sectors = [
        (
            sector,
            format_share(sector.min_share) if sector.min_share is not None else "",
            format_share(sector.max_share) if sector.max_share is not None else "",
        )
        for sector in call.sectors.all()
    ]
    questions = [
        (
            q,
            application_services.question_label(q),
            application_services.question_help(q),
            choice_label(QuestionKind, q.kind),
        )
        for q in call.questions.all()
    ]
    criteria = list(call.criteria.all())
    total_weight = sum((c.weight for c in criteria), 0)
    years = services.budget_years(call)
    return {
        "envelope": format_roubles(call.envelope),
        "cap": format_roubles(call.cap_per_cluster) if call.cap_per_cluster is not None else "",
        "share_min": format_share(call.regional_share_min),
        "share_max": format_share(call.regional_share_max),
        "eligible_clusters": list(call.eligible_clusters.order_by("name_en")),
        "eligible_regions": list(call.eligible_regions.order_by("name_en")),
        "lines": lines,
        "sectors": sectors,
        "questions": questions,
        "criteria": [
            (c, format_share(c.weight * 100 / total_weight) if total_weight else "—") for c in criteria
        ],
        "first_year": years[0],
        "last_year": years[-1],
        "attachment_types": ", ".join(services.attachment_types(call)),
    }


def _workflow(call: Call) -> dict[str, Any]:
    states, steps = diagram.call_graph(call)
    names = {s.key: s.name for s in states}
    return {
        "svg": diagram.workflow_svg(
            states, steps, title=_("The workflow of the call %(call)s") % {"call": call}
        ),
        "mermaid": diagram.workflow_mermaid(states, steps),
        "steps": [(s, names[s.source], names[s.target], choice_label(Actor, s.actor)) for s in steps],
        "actors": [(key, choice_label(Actor, key)) for key in Actor.values],
    }


@require_http_methods(["GET"])
def call_detail(request, key):
    call = _call(key)
    require(request.user, "call.view", call)
    mine = application_services.applications_of(request.user, call=call)
    names = application_services.state_names(call)
    context = {
        "call": call,
        "programme": call.programme,
        "is_open": call.is_open(),
        "facts": _call_facts(call),
        "workflow": _workflow(call),
        "can_apply": check(request.user, "application.create", call),
        "can_manage": check(request.user, "programme.manage", call.programme),
        "can_list": check(request.user, "call.manage", call),
        "locks": services.call_locks(call)
        if check(request.user, "programme.manage", call.programme)
        else None,
        "mine": [(a, names.get(a.state, a.state)) for a in mine],
    }
    return render(request, "programme/calls/call_detail.html", context)


def _call_form_page(request, *, programme: Programme, call: Call | None):
    locks = services.call_locks(call) if call is not None else None
    form = CallForm(request.POST or None, instance=call, locks=locks)
    formsets = rule_formsets(request.POST or None, call=call)
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in formsets.values()):
        rows = {prefix: formset_rows(formset) for prefix, formset in formsets.items()}
        arguments = {
            "data": form.service_data(),
            "eligible_clusters": form.cleaned_data["eligible_clusters"],
            "eligible_regions": form.cleaned_data["eligible_regions"],
            **rows,
        }
        try:
            if call is None:
                saved = services.call_create(actor=request.user, programme=programme, **arguments)
            else:
                saved = services.call_update(actor=request.user, call=call, **arguments)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if call is None:
                messages.success(
                    request,
                    _(
                        "The call “%(call)s” is created with the default workflow; publish it when it is "
                        "ready."
                    )
                    % {"call": saved},
                )
            else:
                messages.success(request, _("The call is saved."))
            return redirect(saved.get_absolute_url())
    context = {
        "programme": programme,
        "call": call,
        "form": form,
        "formsets": [(prefix, RULE_TITLES[prefix], formset) for prefix, formset in formsets.items()],
        "locks": locks,
    }
    return render(request, "programme/calls/call_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request, key):
    programme = _programme(key)
    require(request.user, "programme.manage", programme)
    return _call_form_page(request, programme=programme, call=None)


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request, key):
    call = _call(key)
    require(request.user, "programme.manage", call.programme)
    return _call_form_page(request, programme=call.programme, call=call)


@login_required
@require_POST
def call_publish(request, key):
    call = _call(key)
    require(request.user, "programme.manage", call.programme)
    published = request.POST.get("published") == "1"
    try:
        services.call_publish(actor=request.user, call=call, published=published)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The call is published.") if published else _("The call is no longer published."),
        )
    return redirect(call.get_absolute_url())


# --- the officers' list of applications ------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def call_applications(request, key):
    call = _call(key)
    require(request.user, "call.manage", call)
    names = application_services.state_names(call)
    form = ApplicationFilterForm(request.GET or None, call=call, states=names)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "state": form.cleaned_data.get("state") or "",
            "sector": form.cleaned_data.get("sector"),
            "cluster": form.cleaned_data.get("cluster"),
        }
    applications = application_services.call_applications(call=call, **filters)
    page = Paginator(applications, 100).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    checklists = application_services.screening_checklists(call, rows)
    totals = application_services.requested_totals(applications)
    context = {
        "call": call,
        "programme": call.programme,
        "form": form,
        "filtered": any(filters.values()),
        "page": page,
        "rows": [
            {
                "application": a,
                "state": names.get(a.state, a.state),
                "federal": format_roubles(a.federal or 0),
                "regional": format_roubles(a.regional or 0),
                "own": format_roubles(a.own or 0),
                "checks": checklists[a.pk],
                "failed": [c for c in checklists[a.pk] if not c.ok],
            }
            for a in rows
        ],
        "counts": application_services.state_counts(call),
        "count": applications.count(),
        "totals": {
            "federal": format_roubles(totals.federal),
            "regional": format_roubles(totals.regional),
            "own": format_roubles(totals.own),
            "all": format_roubles(totals.total),
        },
        "envelope": format_roubles(call.envelope),
    }
    return render(request, "programme/calls/call_applications.html", context)


# --- notifications ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    """The user's own inbox: only their notifications are read or changed (no other permission)."""
    if request.method == "POST":
        ids = None
        if request.POST.get("notification"):
            try:
                ids = [int(request.POST["notification"])]
            except ValueError:
                ids = []
        with transaction.atomic():
            count = application_services.notifications_mark_read(user=request.user, ids=ids)
        messages.success(
            request,
            ngettext(
                "%(count)s notification is marked as read.",
                "%(count)s notifications are marked as read.",
                count,
            )
            % {"count": count},
        )
        return redirect(reverse("programme-notifications"))
    items = Notification.objects.filter(user=request.user).order_by("-created_at", "-pk")
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "notifications": page.object_list,
        "unread": items.filter(read_at__isnull=True).count(),
    }
    return render(request, "programme/applications/notifications.html", context)
