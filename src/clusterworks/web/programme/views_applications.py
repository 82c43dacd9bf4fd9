"""Pages of an application: a new draft, the application with its state, history and workflow steps,
its fields and answers, the budget grid with its rule checks, co-applicants, attachments (with the
private download), and its revisions compared.

Each view parses its input, asks ``core.permissions`` (``require`` before acting, ``check`` to show or
hide a button), calls the services and renders. Amounts are formatted here (``money``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clusterworks.web.core.forms import add_service_errors
from clusterworks.web.core.permissions import check, require

from .forms_applications import (
    ApplicationForm,
    ApplyForm,
    AttachmentForm,
    BudgetForm,
    CoApplicantForm,
    TransitionForm,
    answer_initial,
)
from .models import Application, Attachment, Call, CoApplicant
from .money import format_roubles, format_share
from .services import applications as services
from .services import attachments as attachment_services
from .services.calls import budget_years
from .services.workflow import available_transitions


def _application(number: str) -> Application:
    return get_object_or_404(
        Application.objects.select_related(
            "call", "call__programme", "cluster", "applicant", "region", "sector"
        ),
        number=number,
    )


def _url(application: Application) -> str:
    return application.get_absolute_url()


# --- a new draft ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def application_apply(request, key):
    call = get_object_or_404(Call.objects.select_related("programme"), key=key)
    require(request.user, "application.create", call)
    options = services.applicant_options(user=request.user, call=call)
    regions = sorted(
        {r for o in options for r in services.regions_for(call, o.cluster)}, key=lambda r: r.code
    )
    form = ApplyForm(request.POST or None, call=call, options=options, regions=regions)
    if request.method == "POST" and form.is_valid():
        option = form.cleaned_data["applicant"]
        try:
            application = services.application_create(
                actor=request.user, call=call, cluster=option.cluster, applicant=option.organisation,
                title=form.cleaned_data["title"], region=form.cleaned_data.get("region"),
                sector=form.cleaned_data.get("sector"),
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error, aliases={"cluster": "applicant"})
        else:
            messages.success(
                request,
                _(
                    "Draft %(number)s is created; fill in the form, the budget and the attachments, "
                    "then submit it."
                )
                % {"number": application.number},
            )
            return redirect("programme-application-edit", number=application.number)
    context = {"call": call, "programme": call.programme, "form": form, "options": options}
    return render(request, "programme/applications/apply.html", context)


# --- the application ------------------------------------------------------------------------------------


def _budget_context(budget: services.Budget) -> dict[str, Any]:
    """The budget table with every amount formatted: per line its years with money, the line's total and
    its share of the federal request; then the totals per year and the grand total."""

    def money(amounts: services.Amounts) -> list[str]:
        return [
            format_roubles(amounts.federal),
            format_roubles(amounts.regional),
            format_roubles(amounts.own),
            format_roubles(amounts.total),
        ]

    return {
        "years": budget.years,
        "rows": [
            {
                "line": row.line,
                "years": [
                    (year, money(cell))
                    for year, cell in zip(budget.years, row.cells, strict=True)
                    if not cell.is_zero()
                ],
                "total": money(row.total),
                "share": format_share(row.share) if row.share is not None else "—",
                "limit": format_share(row.line.max_share) if row.line.max_share is not None else "",
                "over": row.over_limit,
            }
            for row in budget.rows
        ],
        "year_totals": [(year, money(t)) for year, t in zip(budget.years, budget.year_totals, strict=True)],
        "total": money(budget.total),
        "regional_share": format_share(budget.regional_share) if budget.regional_share is not None else "—",
        "problems": budget.problems,
    }


def _answers(application: Application) -> list[tuple[str, str]]:
    answers = application.answers or {}
    rows = []
    for question in application.call.questions.order_by("position", "key"):
        value = answers.get(question.key)
        shown = {"yes": _("Yes"), "no": _("No")}.get(answer_initial(question, value), value)
        rows.append((services.question_label(question), "" if shown is None else str(shown)))
    return rows


@login_required
@require_http_methods(["GET"])
def application_detail(request, number):
    application = _application(number)
    require(request.user, "application.view", application)
    call = application.call
    names = services.state_names(call)
    is_officer = check(request.user, "call.manage", call)
    can_edit = check(request.user, "application.edit", application)
    budget = services.application_budget(application)
    history = application.history.select_related("actor").order_by("at", "pk")
    context = {
        "application": application,
        "call": call,
        "programme": call.programme,
        "state": names.get(application.state, application.state),
        "budget": _budget_context(budget),
        "answers": _answers(application),
        "partners": application.partners.select_related("organisation").order_by("organisation__name_en"),
        "attachments": [
            (a, attachment_services.attachment_file_name(a))
            for a in application.attachments.order_by("uploaded_at")
        ],
        "floor": format_roubles(application.floor) if application.floor is not None else "",
        "can_edit": can_edit,
        "problems": services.application_problems(application) if application.state == "draft" else [],
        "checklist": services.screening_checklists(call, [application])[application.pk] if is_officer else [],
        "transitions": available_transitions(user=request.user, application=application),
        "history": [
            (change, names.get(change.source, change.source), names.get(change.target, change.target))
            for change in history
        ],
        "transition_form": TransitionForm(),
    }
    return render(request, "programme/applications/application_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request, number):
    application = _application(number)
    require(request.user, "application.edit", application)
    regions = services.regions_for(application.call, application.cluster)
    form = ApplicationForm(request.POST or None, instance=application, regions=regions)
    if request.method == "POST" and form.is_valid():
        before = application.revision
        try:
            saved = services.application_update(
                actor=request.user, application=application, data=form.service_data(),
                answers=form.service_answers(),
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error, aliases=form.aliases())
        else:
            if saved.revision == before:
                messages.info(request, _("Nothing changed."))
            else:
                messages.success(request, _("Saved as revision %(number)s.") % {"number": saved.revision})
            return redirect(_url(saved))
    context = {
        "application": application,
        "call": application.call,
        "programme": application.call.programme,
        "form": form,
    }
    return render(request, "programme/applications/application_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_budget(request, number):
    """The budget grid. "Check" recomputes the totals and rules from what is typed, without saving;
    "Save" saves (a revision) and shows them."""
    application = _application(number)
    require(request.user, "application.view", application)
    call = application.call
    can_edit = check(request.user, "application.edit", application)
    lines = services.call_lines(call)
    years = budget_years(call)
    cells = services.budget_cells(application)
    form = None
    budget = services.budget_evaluate(call=call, lines=lines, cells=cells)
    if can_edit or request.method == "POST":
        form = BudgetForm(request.POST or None, lines=lines, years=years, cells=cells)
    if request.method == "POST":
        require(request.user, "application.edit", application)
        if form.is_valid():
            budget = services.budget_evaluate(call=call, lines=lines, cells=form.cells)
            if request.POST.get("action") == "save":
                before = application.revision
                try:
                    budget = services.budget_save(
                        actor=request.user, application=application, cells=form.cells
                    )
                except ValidationError as error:
                    for message in error.messages:
                        form.add_error(None, message)
                else:
                    application.refresh_from_db(fields=["revision"])
                    if application.revision == before:
                        messages.info(request, _("Nothing changed."))
                    else:
                        messages.success(
                            request,
                            _("The budget is saved as revision %(number)s.")
                            % {"number": application.revision},
                        )
                    return redirect("programme-application-budget", number=application.number)
    context = {
        "application": application,
        "call": call,
        "programme": call.programme,
        "form": form,
        "budget": _budget_context(budget),
        "share_min": format_share(call.regional_share_min),
        "share_max": format_share(call.regional_share_max),
        "cap": format_roubles(call.cap_per_cluster) if call.cap_per_cluster is not None else "",
        "checked": request.method == "POST",
    }
    return render(request, "programme/applications/budget.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_partners(request, number):
    application = _application(number)
    require(request.user, "application.view", application)
    can_edit = check(request.user, "application.edit", application)
    action = request.POST.get("action") if request.method == "POST" else None
    if action is not None:
        require(request.user, "application.edit", application)
    form = CoApplicantForm(request.POST if action == "add" else None) if can_edit else None
    if action == "add" and form.is_valid():
        try:
            partner = services.co_applicant_add(
                actor=request.user, application=application, organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("%(organisation)s is a co-applicant.") % {"organisation": partner.organisation}
            )
            return redirect("programme-application-partners", number=application.number)
    if action == "remove":
        partner = get_object_or_404(CoApplicant, pk=request.POST.get("partner"), application=application)
        name = str(partner.organisation)
        services.co_applicant_remove(actor=request.user, co_applicant=partner)
        messages.success(request, _("%(organisation)s is no longer a co-applicant.") % {"organisation": name})
        return redirect("programme-application-partners", number=application.number)
    context = {
        "application": application,
        "call": application.call,
        "programme": application.call.programme,
        "partners": application.partners.select_related("organisation").order_by("organisation__name_en"),
        "form": form,
        "can_edit": can_edit,
    }
    return render(request, "programme/applications/partners.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_attachments(request, number):
    application = _application(number)
    require(request.user, "application.view", application)
    can_edit = check(request.user, "application.edit", application)
    action = request.POST.get("action") if request.method == "POST" else None
    if action is not None:
        require(request.user, "application.edit", application)
    form = AttachmentForm(
        request.POST if action == "upload" else None,
        request.FILES if action == "upload" else None,
        application=application,
    ) if can_edit else None  # fmt: skip
    if action == "upload" and form.is_valid():
        try:
            attachment = attachment_services.attachment_upload(
                actor=request.user, application=application, title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” is attached.") % {"title": attachment.title})
            return redirect("programme-application-attachments", number=application.number)
    if action == "delete":
        attachment = get_object_or_404(Attachment, pk=request.POST.get("attachment"), application=application)
        title = attachment.title
        attachment_services.attachment_delete(actor=request.user, attachment=attachment)
        messages.success(request, _("“%(title)s” is removed.") % {"title": title})
        return redirect("programme-application-attachments", number=application.number)
    rows = application.attachments.select_related("uploaded_by").order_by("uploaded_at")
    context = {
        "application": application,
        "call": application.call,
        "programme": application.call.programme,
        "attachments": [(a, attachment_services.attachment_file_name(a)) for a in rows],
        "form": form,
        "can_edit": can_edit,
    }
    return render(request, "programme/applications/attachments.html", context)


@login_required
@require_http_methods(["GET"])
def attachment_download(request, number, pk):
    application = _application(number)
    require(request.user, "application.view", application)
    attachment = get_object_or_404(Attachment, pk=pk, application=application)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("the file of this attachment is missing") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment_services.attachment_file_name(attachment),
        content_type=attachment_services.attachment_content_type(attachment),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET"])
def application_history(request, number):
    """The revisions; ``?a=N&b=M`` compares revision N with M (by default the last with the one before)."""
    application = _application(number)
    require(request.user, "application.view", application)
    revisions = list(application.revisions.select_related("saved_by").order_by("-number"))
    by_number = {r.number: r for r in revisions}

    def pick(name: str, default: int | None) -> int | None:
        try:
            value = int(request.GET.get(name, ""))
        except ValueError:
            return default
        return value if value in by_number else default

    latest = revisions[0].number if revisions else None
    b = pick("b", latest)
    a = pick("a", (b - 1) if b and (b - 1) in by_number else None)
    changes = []
    if b is not None:
        old = by_number[a].snapshot if a is not None else None
        changes = services.revision_changes(call=application.call, old=old, new=by_number[b].snapshot)
    context = {
        "application": application,
        "call": application.call,
        "programme": application.call.programme,
        "revisions": revisions,
        "a": a,
        "b": b,
        "changes": changes,
    }
    return render(request, "programme/applications/history.html", context)


@login_required
@require_POST
def application_transition(request, number):
    application = _application(number)
    require(request.user, "application.view", application)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a step."))
        return redirect(_url(application))
    key = form.cleaned_data["transition"]
    transition = application.call.transitions.select_related("source", "target").filter(key=key).first()
    if transition is None:
        raise Http404("no such step in the call's workflow")
    require(request.user, "application.transition", (application, transition))
    try:
        services.application_transition(
            actor=request.user, application=application, key=key, comment=form.cleaned_data["comment"]
        )
    except ValidationError as error:
        messages.error(request, _("“%(step)s” is not taken; correct these first:") % {"step": transition})
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.success(
            request,
            _("“%(step)s”: the application is now “%(state)s”.")
            % {"step": transition, "state": transition.target},
        )
    return redirect(_url(application))
