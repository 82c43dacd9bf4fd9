"""The foresight index and the pages that run a Delphi survey: the survey, its questions and items, the
panel, the rounds, the results, and the import and export of answers.

Each view parses its input, asks ``core.permissions`` (``require`` before acting or showing, ``check`` to
show or hide a link), calls the services in ``surveys`` and ``responses_io`` or the selectors in
``results`` and ``selectors``, and renders. Experts' names appear only on the pages of the survey's
managers (``survey.manage``); everyone else sees pseudonyms.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clusterworks.web.core.forms import add_service_errors
from clusterworks.web.core.permissions import check, require

from . import charts_surveys, responses_io, results, selectors, surveys
from .forms_surveys import (
    InviteForm,
    ItemForm,
    PanelistForm,
    QuestionForm,
    ResponsesImportForm,
    RoundForm,
    SurveyForm,
)
from .models import Item, Panelist, Question, QuestionKind, Round, RoundStatus, Survey, SurveyStatus
from .permissions import panelist_of

#: what each kind of question asks, for the kind chooser
KIND_HELP = {
    QuestionKind.RATING: gettext_lazy("Each item is rated on one scale, e.g. importance from 1 to 5."),
    QuestionKind.RATING2: gettext_lazy("Each item is rated on two scales, e.g. importance and feasibility."),
    QuestionKind.RANK: gettext_lazy("The expert puts the items in order, 1 = first."),
    QuestionKind.TIME: gettext_lazy("The expert gives the year by which each item will be realised."),
    QuestionKind.PROBABILITY: gettext_lazy(
        "The expert gives the probability of each item, from 0 to 100 per cent."
    ),
    QuestionKind.CHOICE: gettext_lazy("The expert chooses up to a given number of the options."),
    QuestionKind.TEXT: gettext_lazy("The expert answers each item in their own words."),
}


def _survey(key: str) -> Survey:
    return get_object_or_404(Survey.objects.select_related("cluster"), key=key)


def _question(survey: Survey, key: str) -> Question:
    question = get_object_or_404(Question.objects.prefetch_related("items"), survey=survey, key=key)
    question.survey = survey
    return question


def _item(question: Question, key: str) -> Item:
    item = get_object_or_404(Item, question=question, key=key)
    item.question = question
    return item


def _site_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _error_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _tabs(request, survey: Survey, section: str) -> dict[str, Any]:
    """What the survey's pages share: the survey, what the reader may do, and the tabs they see."""
    user = request.user
    can_manage = bool(check(user, "survey.manage", survey))
    can_results = bool(check(user, "survey.results", survey))
    can_responses = bool(check(user, "survey.responses", survey))
    tabs = [("overview", _("Overview"), reverse("foresight-survey-detail", args=[survey.key]))]
    if can_manage:
        tabs += [
            ("questions", _("Questions"), reverse("foresight-survey-questions", args=[survey.key])),
            ("panel", _("Panel"), reverse("foresight-panel", args=[survey.key])),
            ("rounds", _("Rounds"), reverse("foresight-rounds", args=[survey.key])),
        ]
    if can_results:
        tabs.append(("results", _("Results"), reverse("foresight-results", args=[survey.key])))
    if can_manage or can_responses:
        tabs.append(("responses", _("Import and export"), reverse("foresight-responses", args=[survey.key])))
    return {
        "survey": survey,
        "section": section,
        "tabs": tabs,
        "can_manage": can_manage,
        "can_results": can_results,
        "can_responses": can_responses,
        "is_closed": survey.status == SurveyStatus.CLOSED,
    }


# --- the foresight index ----------------------------------------------------------------------------


@login_required
def index(request):
    """Surveys, priority exercises and roadmaps the user may see; the rounds awaiting their answer."""
    user = request.user
    clusters = surveys.survey_clusters(user=user)
    first_cluster = clusters.first()
    context = {
        "surveys": list(selectors.surveys_visible_to(user).order_by("-created_at")),
        "exercises": list(selectors.exercises_visible_to(user).order_by("-created_at")),
        "roadmaps": list(selectors.roadmaps_visible_to(user).order_by("-created_at")),
        "awaiting": results.rounds_awaiting(user=user),
        "can_create": first_cluster is not None and bool(check(user, "foresight.create", first_cluster)),
    }
    return render(request, "foresight/index.html", context)


# --- surveys -----------------------------------------------------------------------------------------


def survey_create(request):
    clusters = surveys.survey_clusters(user=request.user)
    require(request.user, "foresight.create", clusters.first())
    form = SurveyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            survey = surveys.survey_create(
                actor=request.user, cluster=form.cleaned_data["cluster"], data=form.service_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The survey is created. Add its questions next."))
            return redirect("foresight-survey-questions", survey.key)
    return render(request, "foresight/surveys/survey_form.html", {"form": form, "survey": None})


def survey_detail(request, key):
    survey = _survey(key)
    require(request.user, "survey.view", survey)
    context = _tabs(request, survey, "overview")
    rounds = list(survey.rounds.order_by("number"))
    seat = panelist_of(request.user, survey)
    own = {}
    if seat is not None:
        own = {
            s.round_id: ("submitted" if s.submitted_at else "draft" if s.answers.exists() else "")
            for s in seat.submissions.all()
        }
    context.update(
        {
            "rounds": [
                {
                    "round": r,
                    "own": own.get(r.pk, ""),
                    "can_answer": seat is not None and bool(check(request.user, "survey.answer", r)),
                    "can_feedback": bool(check(request.user, "survey.feedback", r)),
                }
                for r in rounds
            ],
            "seat": seat,
            "question_count": survey.questions.count(),
        }
    )
    if context["can_manage"]:
        panel = survey.panelists.filter(declined_at__isnull=True).count()
        planned = next((r for r in rounds if r.status == RoundStatus.PLANNED), None)
        context.update(
            {
                "panel_size": panel,
                "steps": [
                    (_("Questions and items"), context["question_count"] > 0, "foresight-survey-questions"),
                    (_("Experts invited to the panel"), panel > 0, "foresight-panel"),
                    (_("A round planned or run"), bool(rounds), "foresight-rounds"),
                    (
                        _("A round opened"),
                        any(r.status != RoundStatus.PLANNED for r in rounds),
                        "foresight-rounds",
                    ),
                ],
                "open_problems": surveys.round_problems(planned) if planned else [],
                "planned": planned,
            }
        )
    return render(request, "foresight/surveys/survey_detail.html", context)


def survey_edit(request, key):
    survey = _survey(key)
    require(request.user, "survey.manage", survey)
    form = SurveyForm(request.POST or None, instance=survey, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            surveys.survey_update(
                actor=request.user,
                survey=survey,
                data=form.service_data(),
                cluster=form.cleaned_data["cluster"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The survey is saved."))
            return redirect("foresight-survey-detail", survey.key)
    context = _tabs(request, survey, "overview")
    context["form"] = form
    return render(request, "foresight/surveys/survey_form.html", context)


def survey_close(request, key):
    survey = _survey(key)
    require(request.user, "survey.manage", survey)
    if request.method == "POST":
        try:
            surveys.survey_close(actor=request.user, survey=survey)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("The survey is closed."))
        return redirect("foresight-survey-detail", survey.key)
    context = _tabs(request, survey, "overview")
    context.update({"action": "close", "open_round": survey.rounds.filter(status=RoundStatus.OPEN).first()})
    return render(request, "foresight/surveys/confirm.html", context)


def survey_delete(request, key):
    survey = _survey(key)
    require(request.user, "survey.manage", survey)
    if request.method == "POST":
        try:
            surveys.survey_delete(actor=request.user, survey=survey)
        except ValidationError as error:
            _error_messages(request, error)
            return redirect("foresight-survey-detail", survey.key)
        messages.success(request, _("The survey is deleted."))
        return redirect("foresight-index")
    context = _tabs(request, survey, "overview")
    context["action"] = "delete"
    return render(request, "foresight/surveys/confirm.html", context)


# --- questions and items -------------------------------------------------------------------------------


def question_list(request, key):
    survey = _survey(key)
    require(request.user, "survey.manage", survey)
    opened = surveys.opened_through(survey)
    questions = list(survey.questions.prefetch_related("items").order_by("position", "id"))
    for question in questions:
        question.in_use = surveys.question_in_use(question, opened=opened)
        question.item_count = len(question.items.all())
        question.too_few = question.item_count < surveys.MIN_ITEMS.get(question.kind, 1)
    context = _tabs(request, survey, "questions")
    context.update(
        {
            "questions": questions,
            "opened": opened,
            "round_open": survey.rounds.filter(status=RoundStatus.OPEN).exists(),
            "kinds": [(kind, label, KIND_HELP[kind]) for kind, label in QuestionKind.choices],
        }
    )
    return render(request, "foresight/surveys/question_list.html", context)


def question_create(request, key):
    survey = _survey(key)
    require(request.user, "survey.manage", survey)
    kind = request.GET.get("kind") or request.POST.get("kind") or ""
    context = _tabs(request, survey, "questions")
    if kind not in QuestionKind.values:
        context["kinds"] = [(k, label, KIND_HELP[k]) for k, label in QuestionKind.choices]
        return render(request, "foresight/surveys/question_kind.html", context)
    opened = surveys.opened_through(survey)
    form = QuestionForm(
        request.POST or None, kind=kind, opened=opened, instance=Question(survey=survey, kind=kind)
    )
    if request.method == "POST" and form.is_valid():
        try:
            question = surveys.question_create(
                actor=request.user,
                survey=survey,
                kind=kind,
                data=form.service_data(),
                items=form.cleaned_data["items"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Question %(key)s is added.") % {"key": question.key})
            return redirect("foresight-question-edit", survey.key, question.key)
    context.update(
        {"form": form, "kind": kind, "kind_label": QuestionKind(kind).label, "kind_help": KIND_HELP[kind]}
    )
    return render(request, "foresight/surveys/question_form.html", context)


def question_edit(request, key, question):
    survey = _survey(key)
    require(request.user, "survey.manage", survey)
    question = _question(survey, question)
    opened = surveys.opened_through(survey)
    in_use = surveys.question_in_use(question, opened=opened)
    form = QuestionForm(
        request.POST or None, instance=question, kind=question.kind, in_use=in_use, opened=opened
    )
    if request.method == "POST" and form.is_valid():
        try:
            surveys.question_update(actor=request.user, question=question, data=form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Question %(key)s is saved.") % {"key": question.key})
            return redirect("foresight-question-edit", survey.key, question.key)
    context = _tabs(request, survey, "questions")
    context.update(_question_context(question, in_use=in_use, opened=opened))
    context["form"] = form
    context["item_form"] = ItemForm(instance=Item(question=question))
    return render(request, "foresight/surveys/question_form.html", context)


def _question_context(question: Question, *, in_use: bool, opened: int) -> dict[str, Any]:
    items = list(question.items.order_by("position", "id"))
    return {
        "question": question,
        "kind": question.kind,
        "kind_label": question.get_kind_display(),
        "kind_help": KIND_HELP[question.kind],
        "in_use": in_use,
        "opened": opened,
        "items": items,
        "fewest": surveys.MIN_ITEMS.get(question.kind, 1),
    }


@require_POST
def question_move(request, key, question):
    survey = _survey(key)
    require(request.user, "survey.manage", survey)
    question = _question(survey, question)
    try:
        surveys.question_move(
            actor=request.user, question=question, offset=-1 if request.POST.get("up") else 1
        )
    except ValidationError as error:
        _error_messages(request, error)
    return redirect(reverse("foresight-survey-questions", args=[survey.key]) + f"#question-{question.key}")


def question_delete(request, key, question):
    survey = _survey(key)
    require(request.user, "survey.manage", survey)
    question = _question(survey, question)
    if request.method == "POST":
        try:
            surveys.question_delete(actor=request.user, question=question)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("Question %(key)s is deleted.") % {"key": question.key})
        return redirect("foresight-survey-questions", survey.key)
    context = _tabs(request, survey, "questions")
    context.update({"action": "delete-question", "question": question})
    return render(request, "foresight/surveys/confirm.html", context)


def item_create(request, key, question):
    survey = _survey(key)
    require(request.user, "survey.manage", survey)
    question = _question(survey, question)
    if request.method != "POST":
        return redirect("foresight-question-edit", survey.key, question.key)
    form = ItemForm(request.POST, instance=Item(question=question))
    if form.is_valid():
        try:
            item = surveys.item_create(actor=request.user, question=question, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Item %(key)s is added.") % {"key": item.key})
            return redirect(reverse("foresight-question-edit", args=[survey.key, question.key]) + "#items")
    opened = surveys.opened_through(survey)
    context = _tabs(request, survey, "questions")
    context.update(
        _question_context(question, in_use=surveys.question_in_use(question, opened=opened), opened=opened)
    )
    context["form"] = QuestionForm(
        instance=question, kind=question.kind, in_use=context["in_use"], opened=opened
    )
    context["item_form"] = form
    return render(request, "foresight/surveys/question_form.html", context)


def item_edit(request, key, question, item):
    survey = _survey(key)
    require(request.user, "survey.manage", survey)
    question = _question(survey, question)
    item = _item(question, item)
    form = ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            surveys.item_update(actor=request.user, item=item, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Item %(key)s is saved.") % {"key": item.key})
            return redirect(reverse("foresight-question-edit", args=[survey.key, question.key]) + "#items")
    context = _tabs(request, survey, "questions")
    context.update(
        {"question": question, "item": item, "form": form, "in_use": surveys.question_in_use(question)}
    )
    return render(request, "foresight/surveys/item_form.html", context)


@require_POST
def item_action(request, key, question, item):
    """Move an item up or down, or delete it (``action`` = up, down or delete)."""
    survey = _survey(key)
    require(request.user, "survey.manage", survey)
    question = _question(survey, question)
    item = _item(question, item)
    action = request.POST.get("action")
    try:
        if action == "delete":
            surveys.item_delete(actor=request.user, item=item)
            messages.success(request, _("Item %(key)s is deleted.") % {"key": item.key})
        elif action in ("up", "down"):
            surveys.item_move(actor=request.user, item=item, offset=-1 if action == "up" else 1)
    except ValidationError as error:
        _error_messages(request, error)
    return redirect(reverse("foresight-question-edit", args=[survey.key, question.key]) + "#items")


# --- the panel ---------------------------------------------------------------------------------------


def panel(request, key):
    survey = _survey(key)
    require(request.user, "survey.manage", survey)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            panelist = surveys.panelist_invite(
                actor=request.user,
                survey=survey,
                user=form.cleaned_data["login"],
                group=form.cleaned_data["group"],
                site_url=_site_url(request),
            )
        except ValidationError as error:
            add_service_errors(form, error, aliases={"user": "login"})
        else:
            params = {"user": panelist.user, "code": panelist.code}
            if panelist.invited_at:
                messages.success(
                    request, _("%(user)s is on the panel as %(code)s; the invitation is sent.") % params
                )
            else:
                messages.warning(
                    request,
                    _("%(user)s is on the panel as %(code)s, but the invitation could not be e-mailed.")
                    % params,
                )
            return redirect("foresight-panel", survey.key)
    context = _tabs(request, survey, "panel")
    panelists = list(results.panel_list(survey=survey))
    context.update(
        {
            "form": form,
            "panelists": panelists,
            "active": sum(1 for p in panelists if p.declined_at is None),
            "group_form": PanelistForm(),
        }
    )
    return render(request, "foresight/surveys/panel.html", context)


@require_POST
def panelist_action(request, key, code):
    """Change a panelist's group, send the invitation again, or remove them (``action``)."""
    survey = _survey(key)
    require(request.user, "survey.manage", survey)
    panelist = get_object_or_404(Panelist.objects.select_related("user"), survey=survey, code=code)
    panelist.survey = survey
    action = request.POST.get("action")
    try:
        if action == "group":
            form = PanelistForm(request.POST)
            if form.is_valid():
                surveys.panelist_update(
                    actor=request.user, panelist=panelist, group=form.cleaned_data["group"]
                )
                messages.success(request, _("The group of %(code)s is saved.") % {"code": code})
            else:
                messages.error(request, " ".join(form.errors.get("group", [])))
        elif action == "resend":
            if surveys.panelist_invitation_resend(
                actor=request.user, panelist=panelist, site_url=_site_url(request)
            ):
                messages.success(request, _("The invitation to %(code)s is sent again.") % {"code": code})
            else:
                messages.warning(
                    request, _("The invitation to %(code)s could not be e-mailed.") % {"code": code}
                )
        elif action == "remove":
            surveys.panelist_remove(actor=request.user, panelist=panelist)
            messages.success(request, _("%(code)s is removed from the panel.") % {"code": code})
    except ValidationError as error:
        _error_messages(request, error)
    return redirect("foresight-panel", survey.key)


# --- rounds ------------------------------------------------------------------------------------------


def _notified(request, notified: surveys.Notified, sent_text: str) -> None:
    if notified.sent:
        messages.success(request, sent_text % {"count": len(notified.sent)})
    if notified.failed:
        messages.warning(
            request,
            _("The e-mail could not be sent to %(codes)s (no address, or the mail server refused it).")
            % {"codes": ", ".join(notified.failed)},
        )


def rounds(request, key):
    """The rounds with the panel's progress (by name: the managers run the panel); plan the next round."""
    survey = _survey(key)
    require(request.user, "survey.manage", survey)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = surveys.round_create(
                actor=request.user, survey=survey, deadline=form.cleaned_data["deadline"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Round %(number)d is planned.") % {"number": new.number})
            return redirect("foresight-rounds", survey.key)
    all_rounds = list(survey.rounds.order_by("number"))
    progress = {p.round.pk: p for p in results.survey_progress(survey=survey)}
    names = results.panel_names(survey=survey)
    rows = []
    for round_ in all_rounds:
        state = progress.get(round_.pk)
        rows.append(
            {
                "round": round_,
                "progress": state,
                "bar": charts_surveys.progress_bar(
                    submitted=state.submitted,
                    drafted=state.drafted,
                    not_started=state.not_started,
                    title=_("Round %(number)d") % {"number": round_.number},
                )
                if state and state.panel
                else "",
                "problems": surveys.round_problems(round_) if round_.status == RoundStatus.PLANNED else [],
                "deadline_form": RoundForm(initial={"deadline": round_.deadline}, prefix=f"r{round_.number}"),
                "people": [(p, names.get(p.panelist_id, "")) for p in state.panelists] if state else [],
            }
        )
    context = _tabs(request, survey, "rounds")
    context.update(
        {
            "rows": rows,
            "form": form,
            "can_plan": survey.status != SurveyStatus.CLOSED
            and not any(r.status == RoundStatus.PLANNED for r in all_rounds),
            "next_number": len(all_rounds) + 1,
        }
    )
    return render(request, "foresight/surveys/rounds.html", context)


@require_POST
def round_action(request, key, number):
    """Open or close a round, send reminders, or set its deadline (``action``)."""
    survey = _survey(key)
    require(request.user, "survey.manage", survey)
    round_ = get_object_or_404(Round, survey=survey, number=number)
    round_.survey = survey
    action = request.POST.get("action")
    params = {"number": number}
    try:
        if action == "open":
            notified = surveys.round_open(actor=request.user, round=round_, site_url=_site_url(request))
            messages.success(request, _("Round %(number)d is open.") % params)
            _notified(request, notified, _("%(count)d experts are told by e-mail."))
        elif action == "close":
            surveys.round_close(actor=request.user, round=round_)
            messages.success(request, _("Round %(number)d is closed.") % params)
        elif action == "remind":
            notified = surveys.reminders_send(actor=request.user, round=round_, site_url=_site_url(request))
            if not notified.sent and not notified.failed:
                messages.info(request, _("Every expert has submitted round %(number)d.") % params)
            _notified(request, notified, _("%(count)d reminders are sent."))
        elif action == "deadline":
            form = RoundForm(request.POST, prefix=f"r{number}")
            if form.is_valid():
                surveys.round_update(actor=request.user, round=round_, deadline=form.cleaned_data["deadline"])
                messages.success(request, _("The deadline of round %(number)d is saved.") % params)
            else:
                for errors in form.errors.values():
                    messages.error(request, " ".join(errors))
    except ValidationError as error:
        _error_messages(request, error)
    return redirect("foresight-rounds", survey.key)


# --- results -----------------------------------------------------------------------------------------


def _item_label(item_result: results.ItemResult, question: Question) -> str:
    if item_result.dimension:
        return f"{item_result.item} — {question.dimension(item_result.dimension)}"
    return str(item_result.item)


def survey_results(request, key):
    survey = _survey(key)
    require(request.user, "survey.results", survey)
    context = _tabs(request, survey, "results")
    found = results.survey_results(survey=survey)
    names = results.panel_names(survey=survey) if context["can_manage"] else {}
    progress = [
        {
            "progress": p,
            "bar": charts_surveys.progress_bar(
                submitted=p.submitted,
                drafted=p.drafted,
                not_started=p.not_started,
                title=_("Round %(number)d") % {"number": p.round.number},
            )
            if p.panel
            else "",
            "people": [(row, names.get(row.panelist_id, "")) for row in p.panelists],
        }
        for p in found.progress
    ]
    questions = []
    for q in found.questions:
        entry: dict[str, Any] = {"result": q, "items": [], "choices": []}
        for item_result in q.items:
            if not item_result.rounds:
                continue
            label = _item_label(item_result, q.question)
            svg = ""
            if q.low is not None and q.high is not None:
                svg = charts_surveys.item_boxplot(
                    rounds=item_result.rounds,
                    low=q.low,
                    high=q.high,
                    title=_("Answers to “%(item)s”, round by round") % {"item": label},
                )
            entry["items"].append({"result": item_result, "label": label, "svg": svg})
        for choice in q.choices:
            entry["choices"].append(
                {
                    "round": choice,
                    "svg": charts_surveys.choice_bars(
                        counts=[(str(item), count) for item, count in choice.counts],
                        respondents=choice.respondents,
                        title=_("Round %(number)d") % {"number": choice.round},
                    ),
                }
            )
        questions.append(entry)
    context.update({"found": found, "progress": progress, "questions": questions, "show_names": bool(names)})
    return render(request, "foresight/surveys/results.html", context)


# --- import and export ---------------------------------------------------------------------------------


def responses(request, key):
    """Download the answers as the CLI's responses file; import answers collected elsewhere."""
    survey = _survey(key)
    context = _tabs(request, survey, "responses")
    if not context["can_manage"]:
        require(request.user, "survey.responses", survey)
    report = None
    form = ResponsesImportForm(survey=survey) if context["can_manage"] else None
    if request.method == "POST":
        require(request.user, "survey.manage", survey)
        form = ResponsesImportForm(request.POST, request.FILES, survey=survey)
        if form.is_valid():
            try:
                report = responses_io.responses_import(
                    actor=request.user,
                    round=form.cleaned_data["round"],
                    data=form.cleaned_data["file"].read(),
                    dry_run=form.cleaned_data["dry_run"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if report.ok and not report.dry_run:
                    messages.success(
                        request,
                        _("%(answers)d answers of %(experts)d experts are stored in round %(number)d.")
                        % {
                            "answers": report.answers,
                            "experts": len(report.experts),
                            "number": report.round.number,
                        },
                    )
                    return redirect("foresight-responses", survey.key)
    context.update(
        {
            "form": form,
            "report": report,
            "opened": list(survey.rounds.exclude(status=RoundStatus.PLANNED).order_by("number")),
        }
    )
    return render(request, "foresight/surveys/responses.html", context)


def responses_csv(request, key):
    survey = _survey(key)
    require(request.user, "survey.responses", survey)
    number = request.GET.get("round", "")
    rounds = [int(number)] if number.isdigit() else None
    response = HttpResponse(
        responses_io.responses_csv(survey=survey, rounds=rounds), content_type="text/csv; charset=utf-8"
    )
    name = responses_io.responses_file_name(survey, rounds[0] if rounds else None)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
