"""The review pages: the conflict register and the experts' own conflicts, the reviewer assignment and its
changes by hand, "My reviews", the reviewer's page with the rubric, the reviews of an application, the
officers' progress and scores pages, and the applicant's feedback.

Each view parses its input, checks the permission with ``require`` (object-level: a conflicted expert
gets 403 with the reason), calls a service or selector of ``services.conflicts``, ``services.assignment``
or ``services.review`` and renders. No view tests a role itself.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from clusterworks.web.core.forms import add_service_errors
from clusterworks.web.core.permissions import check, require

from .forms_review import AssignmentChangeForm, ConflictFilterForm, DeclareConflictForm, ReviewForm
from .models import Application, Assignment, Call, Criterion, Review
from .money import format_roubles
from .services import assignment as assignment_services
from .services import conflicts as conflict_services
from .services import review as review_services

#: the status of a review, as "My reviews" and the progress page say it
STATUS = {
    "not_started": gettext_lazy("Not started"),
    "draft": gettext_lazy("Draft"),
    "submitted": gettext_lazy("Submitted"),
    "late": gettext_lazy("Late: the application left expert review without it"),
    "conflict": gettext_lazy("Conflict of interest: you no longer review it"),
}


def _call(key: str) -> Call:
    return get_object_or_404(Call.objects.select_related("programme"), key=key)


def _application(number: str) -> Application:
    return get_object_or_404(
        Application.objects.select_related("call__programme", "cluster", "applicant", "region", "sector"),
        number=number,
    )


def _csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _officer_context(call: Call, section: str) -> dict[str, Any]:
    return {"call": call, "section": section}


# --- conflicts -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def conflict_register(request, key):
    call = _call(key)
    require(request.user, "call.manage", call)
    if request.method == "POST":
        detection = conflict_services.detect_conflicts(call=call, actor=request.user)
        messages.success(
            request,
            _(
                "Conflicts of interest detected from the registry: %(added)s new, %(removed)s no longer "
                "holding, %(unchanged)s unchanged; %(assignments)s assignments removed."
            )
            % {
                "added": detection.added,
                "removed": detection.removed,
                "unchanged": detection.unchanged,
                "assignments": detection.assignments_removed,
            },
        )
        return redirect("programme-conflicts", key=call.key)
    form = ConflictFilterForm(request.GET or None)
    source = form.cleaned_data["source"] if form.is_valid() else ""
    conflicts = conflict_services.conflict_register(call=call, source=source)
    context = {**_officer_context(call, "conflicts"), "conflicts": conflicts, "form": form, "source": source}
    return render(request, "programme/review/conflicts.html", context)


@login_required
@require_GET
def conflict_register_csv(request, key):
    call = _call(key)
    require(request.user, "call.manage", call)
    text = conflict_services.conflicts_csv(conflict_services.conflict_register(call=call))
    return _csv_response(text, f"conflicts-{call.key}.csv")


@login_required
@require_GET
def my_conflicts(request):
    conflicts = conflict_services.conflicts_of(user=request.user)
    return render(request, "programme/review/my_conflicts.html", {"conflicts": conflicts})


@login_required
@require_http_methods(["GET", "POST"])
def declare_conflict(request, number):
    application = _application(number)
    require(request.user, "conflict.declare", application)
    form = DeclareConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conflict_services.declare_conflict(
                expert=request.user, application=application, detail=form.cleaned_data["detail"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your conflict of interest with application %(number)s is recorded; you no longer "
                    "review it or see it."
                )
                % {"number": application.number},
            )
            return redirect("programme-my-conflicts")
    # the application's title only: a conflicted expert must not read it, and this page is before that
    context = {"application": application, "form": form}
    return render(request, "programme/review/declare_conflict.html", context)


# --- assignment ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assignment_page(request, key):
    call = _call(key)
    require(request.user, "call.manage", call)
    error = ""
    if request.method == "POST":
        try:
            run = assignment_services.assign_reviewers_for_call(actor=request.user, call=call)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(
                request,
                _(
                    "Reviewers assigned to %(applications)s applications: %(created)s new assignments, "
                    "%(unchanged)s unchanged, %(removed)s replaced, %(kept)s kept (reviewed or changed by "
                    "hand). Total affinity %(total)s; greedy by affinity would reach %(greedy)s."
                )
                % {
                    "applications": run.applications,
                    "created": run.created,
                    "unchanged": run.unchanged,
                    "removed": run.removed,
                    "kept": run.kept,
                    "total": f"{run.total_affinity:.3f}",
                    "greedy": f"{run.greedy_total:.3f}",
                },
            )
            return redirect("programme-assignment", key=call.key)
    overview = assignment_services.assignment_overview(call=call)
    context = {**_officer_context(call, "assignment"), "overview": overview, "error": error}
    return render(request, "programme/review/assignment.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_change(request, key):
    call = _call(key)
    require(request.user, "call.manage", call)
    initial = {k: request.GET.get(k) for k in ("action", "application", "reviewer") if request.GET.get(k)}
    form = AssignmentChangeForm(
        request.POST or None,
        initial=initial,
        applications=assignment_services.applications_in_review(call=call),
        experts=assignment_services.reviewers_for_choice(call=call),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        application = data["application"]
        try:
            assignment_services.assignment_change(
                actor=request.user,
                action=data["action"],
                application=application,
                reviewer=data["reviewer"],
                new_reviewer=data["new_reviewer"],
                reason=data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error, aliases={"assignment": "reviewer"})
        else:
            messages.success(request, _("The assignment of application %(number)s is changed.")
                             % {"number": application.number})  # fmt: skip
            return redirect("programme-assignment", key=call.key)
    context = {**_officer_context(call, "assignment"), "form": form}
    return render(request, "programme/review/assignment_change.html", context)


# --- reviewing -----------------------------------------------------------------------------------------


@login_required
@require_GET
def my_reviews(request):
    rows = review_services.reviews_of(user=request.user)
    return render(request, "programme/review/my_reviews.html", {"rows": rows, "status": STATUS})


def _content_context(application: Application) -> dict[str, Any]:
    content = review_services.application_content(application=application)
    budget = [
        {
            "line": b.line,
            "federal": format_roubles(b.federal),
            "regional": format_roubles(b.regional),
            "own": format_roubles(b.own),
            "total": format_roubles(b.total),
        }
        for b in ((*content.budget, content.total) if content.total else ())
    ]
    return {"content": content, "budget": budget, "floor": format_roubles(application.floor)
            if application.floor is not None else ""}  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def review_page(request, number):
    application = _application(number)
    require(request.user, "application.view", application)
    assignment = (
        Assignment.objects.filter(application=application, reviewer=request.user)
        .select_related("review")
        .first()
    )
    if assignment is None:
        if not check(request.user, "call.manage", application.call):
            require(request.user, "review.write", Assignment(application=application))  # says who writes
        return redirect("programme-reviews", number=application.number)
    assignment.application = application  # loaded with its call and programme already
    review = getattr(assignment, "review", None)
    writable = bool(check(request.user, "review.write", assignment))
    criteria = list(Criterion.objects.filter(call_id=application.call_id).order_by("position", "key"))
    form = ReviewForm(request.POST or None, criteria=criteria, review=review)
    if request.method == "POST":
        require(request.user, "review.write", assignment)
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            try:
                review = review_services.review_save(
                    actor=request.user,
                    assignment=assignment,
                    scores=form.scores(),
                    comment_for_applicant=form.cleaned_data["comment_for_applicant"],
                    comment_for_commission=form.cleaned_data["comment_for_commission"],
                    submit=submit,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Your review is submitted. You may change it and submit it again while the application "
                      "is in expert review.") if submit else _("Your draft is saved."),
                )  # fmt: skip
                return redirect("programme-review", number=application.number)
    readable = review_services.readable_reviews(user=request.user, application=application)
    others = [item for item in readable if not item.own]
    hidden = _hidden_reviews_note(application, review, others)
    context = {
        "application": application,
        "assignment": assignment,
        "review": review,
        "status": STATUS[review_services.review_status(review)],
        "form": form,
        "writable": writable,
        "others": others,
        "own_item": next((item for item in readable if item.own), None),
        "hidden_note": hidden,
        "can_declare": bool(check(request.user, "conflict.declare", application)),
        **_content_context(application),
    }
    return render(request, "programme/review/review.html", context)


def _hidden_reviews_note(application: Application, review: Review | None, others: list) -> str:
    rule = application.call.reviews_visible
    if rule == "never":
        return _("By the call's rule, reviewers do not see each other's reviews.")
    if rule == "after_own" and (review is None or review.submitted_at is None):
        return _("The other reviews open to you once you have submitted your own.")
    if not others:
        return _("No other review is submitted yet.")
    return ""


@login_required
@require_GET
def application_reviews(request, number):
    """The reviews of an application: with names for the programme's officers, anonymised for the
    commission and fellow reviewers, each as ``review.read`` allows."""
    application = _application(number)
    require(request.user, "application.view", application)
    reviews = review_services.readable_reviews(user=request.user, application=application)
    if not reviews:
        probe = Review.objects.filter(assignment__application=application).first()
        if probe is None:
            require(request.user, "call.manage", application.call)  # who may read reviews at all
        else:
            require(request.user, "review.read", probe)
    context = {"application": application, "reviews": reviews,
               "officer": bool(check(request.user, "call.manage", application.call))}  # fmt: skip
    return render(request, "programme/review/reviews.html", context)


@login_required
@require_GET
def progress_page(request, key):
    call = _call(key)
    require(request.user, "call.manage", call)
    progress = review_services.review_progress(call=call)
    context = {**_officer_context(call, "progress"), "progress": progress}
    return render(request, "programme/review/progress.html", context)


@login_required
@require_GET
def scores_page(request, key):
    call = _call(key)
    require(request.user, "call.manage", call)
    table = review_services.scores_table(call=call)
    context = {**_officer_context(call, "scores"), "table": table}
    return render(request, "programme/review/scores.html", context)


@login_required
@require_GET
def scores_csv(request, key):
    call = _call(key)
    require(request.user, "call.manage", call)
    text = review_services.scores_csv(review_services.scores_table(call=call))
    return _csv_response(text, f"scores-{call.key}.csv")


@login_required
@require_GET
def feedback_page(request, number):
    application = _application(number)
    require(request.user, "application.feedback", application)
    feedback = review_services.application_feedback(application=application)
    summary = ngettext(
        "%(count)d expert reviewed the application.", "%(count)d experts reviewed the application.",
        feedback.reviews,
    ) % {"count": feedback.reviews}  # fmt: skip
    return render(request, "programme/review/feedback.html",
                  {"application": application, "feedback": feedback, "summary": summary})  # fmt: skip
