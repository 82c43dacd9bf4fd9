"""The commission, the allocation of the envelope, the awards and the programme's dashboard.

Each view parses its input, asks ``core.permissions`` (``require`` before acting, ``check`` to show or
hide a button), calls the services (``services.commission``, ``services.allocation``,
``services.awards``, ``services.exports``) and renders; amounts are formatted here, in the reader's
language (``money.format_roubles``). A member or officer with a conflict of interest on an application
sees it on these pages by its number only.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clusterworks.web.core.forms import add_service_errors
from clusterworks.web.core.permissions import NotAllowed, check, require

from . import charts
from .forms_decisions import (
    AllocationRunForm,
    AwardsCreateForm,
    DecisionForm,
    MeetingForm,
    MemberForm,
    MinutesForm,
    PaidForm,
    PaymentFormSet,
    ProgressReportForm,
)
from .models import (
    AllocationRun,
    Application,
    Award,
    Call,
    CommissionMember,
    Meeting,
    Payment,
    Programme,
    ProgressReport,
    Transition,
    VoteChoice,
    WorkflowState,
)
from .money import format_roubles, format_share
from .services import allocation as allocation_service
from .services import awards as awards_service
from .services import commission as commission_service
from .services import exports as exports_service


def _call(key: str) -> Call:
    return get_object_or_404(Call.objects.select_related("programme"), key=key)


def _meeting(pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("call__programme"), pk=pk)


def _award(pk: int) -> Award:
    return get_object_or_404(
        Award.objects.select_related(
            "application__call__programme", "application__cluster", "application__applicant",
            "application__region", "application__sector",
        ),
        pk=pk,
    )  # fmt: skip


def _percent(share: float | None) -> str:
    return format_share(None if share is None else share * 100, places=1)


def _signed_percent(delta: float) -> str:
    """``−10%`` / ``+10%``: an envelope factor as a change."""
    sign = "−" if delta < 0 else "+"
    return sign + format_share(abs(delta) * 100, places=0)


def _tabs(request, call: Call, tab: str) -> dict[str, Any]:
    """The call's decision pages the reader may open, for the tab bar."""
    user = request.user
    return {
        "call": call,
        "tab": tab,
        "can_commission": bool(check(user, "commission.manage", call)),
        "can_manage": bool(check(user, "call.manage", call)),
    }


# ------------------------------------------------------------------------------------------ commission


@login_required
@require_http_methods(["GET", "POST"])
def commission(request, key):
    """The commission of a call: members (officers change them), meetings (planned by officers or the
    chair)."""
    call = _call(key)
    require(request.user, "commission.manage", call)
    can_manage = bool(check(request.user, "call.manage", call))
    action = request.POST.get("action") if request.method == "POST" else None
    member_form = MemberForm(
        request.POST if action == "add" else None, candidates=commission_service.eligible_members(call=call)
    )
    meeting_form = MeetingForm(request.POST if action == "plan" else None)
    if action in ("add", "chair", "remove"):
        require(request.user, "call.manage", call)
    try:
        if action == "add" and member_form.is_valid():
            try:
                member = commission_service.commission_member_add(
                    actor=request.user, call=call, user=member_form.cleaned_data["user"],
                    chair=member_form.cleaned_data["chair"],
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(member_form, error)
            else:
                messages.success(request, _("%(user)s sits on the commission.") % {"user": member.user})
                return redirect("programme-commission", key=call.key)
        elif action in ("chair", "remove"):
            member = get_object_or_404(CommissionMember, pk=request.POST.get("member"), call=call)
            if action == "chair":
                commission_service.commission_chair_set(actor=request.user, member=member)
                messages.success(request, _("%(user)s chairs the commission.") % {"user": member.user})
            else:
                commission_service.commission_member_remove(actor=request.user, member=member)
                messages.success(request, _("%(user)s left the commission.") % {"user": member.user})
            return redirect("programme-commission", key=call.key)
        elif action == "plan" and meeting_form.is_valid():
            try:
                meeting = commission_service.meeting_plan(
                    actor=request.user, call=call, **meeting_form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(meeting_form, error)
            else:
                messages.success(request, _("The meeting “%(title)s” is planned.") % {"title": meeting.title})
                return redirect("programme-meeting", pk=meeting.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programme-commission", key=call.key)
    meetings = [
        (meeting, commission_service.meeting_status(meeting))
        for meeting in Meeting.objects.filter(call=call).order_by("-held_on", "-pk")
    ]
    context = {
        **_tabs(request, call, "commission"),
        "members": commission_service.commission_members(call=call),
        "meetings": meetings,
        "member_form": member_form if can_manage else None,
        "meeting_form": meeting_form,
        "before_commission": Application.objects.filter(call=call, state="commission").count(),
    }
    return render(request, "programme/decisions/commission.html", context)


def _result_rows(request, meeting: Meeting) -> list[dict[str, Any]]:
    call = meeting.call
    lines = allocation_service.adopted_lines(call=call)
    hidden = allocation_service.conflicted_application_ids(user=request.user, call=call)
    fund = Transition.objects.filter(call=call, key="fund").select_related("source").first()
    closed = meeting.closed_at is not None
    state_names = {state.key: str(state) for state in WorkflowState.objects.filter(call=call)}
    rows = []
    for result in commission_service.meeting_results(meeting=meeting):
        application = result.application
        if application.pk in hidden:
            rows.append({"number": application.number, "hidden": True})
            continue
        line = lines.get(application.pk)
        suggestion = commission_service.suggested_decision(result, quorum_share=call.quorum_share, line=line)
        may_decide = (
            closed
            and application.state == "commission"
            and fund is not None
            and bool(check(request.user, "application.transition", (application, fund)))
        )
        rows.append(
            {
                "number": application.number,
                "hidden": False,
                "application": application,
                "result": result,
                "quorum": result.quorum_met(call.quorum_share),
                "allocation_status": allocation_service.status_text(line.status) if line else "",
                "allocation_amount": format_roubles(line.awarded) if line else "",
                "suggestion": commission_service.decision_name(suggestion),
                "state": state_names.get(application.state, application.state),
                "form": DecisionForm(initial={"decision": suggestion}, prefix=f"d{application.pk}")
                if may_decide
                else None,
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request, pk):
    """A meeting: voting opened and closed here, the result per application, the minutes, and (once
    closed) the chair's decision on each application."""
    meeting = _meeting(pk)
    call = meeting.call
    require(request.user, "commission.manage", call)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "open":
                commission_service.meeting_open(actor=request.user, meeting=meeting)
                messages.success(request, _("Voting is open; the members vote on their ballots."))
            elif action == "close":
                commission_service.meeting_close(actor=request.user, meeting=meeting)
                messages.success(request, _("Voting is closed and the minutes are written."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("programme-meeting", pk=meeting.pk)
    context = {
        **_tabs(request, call, "commission"),
        "meeting": meeting,
        "status": commission_service.meeting_status(meeting),
        "rows": _result_rows(request, meeting),
        "members": commission_service.commission_members(call=call),
        "quorum_share": _percent(float(call.quorum_share)),
        "adopted": allocation_service.adopted_run(call=call),
        "can_ballot": bool(commission_service.may_open_ballot(request.user, call)),
    }
    return render(request, "programme/decisions/meeting.html", context)


@login_required
@require_POST
def meeting_decide(request, pk, number):
    """The chair records the commission's decision on one application (a workflow transition)."""
    meeting = _meeting(pk)
    require(request.user, "commission.manage", meeting.call)
    application = get_object_or_404(Application, call=meeting.call, number=number)
    form = DecisionForm(request.POST, prefix=f"d{application.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose a decision: fund in full, fund in part or reject."))
        return redirect("programme-meeting", pk=meeting.pk)
    decision = form.cleaned_data["decision"]
    transition = get_object_or_404(
        Transition.objects.select_related("source"), call=meeting.call, key=decision
    )
    require(request.user, "application.transition", (application, transition))
    try:
        commission_service.meeting_decide(
            actor=request.user, meeting=meeting, application=application, decision=decision,
            comment=form.cleaned_data["comment"],
        )  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Application %(number)s: %(decision)s.")
            % {"number": application.number, "decision": commission_service.decision_name(decision)},
        )
    return redirect("programme-meeting", pk=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_minutes(request, pk):
    meeting = _meeting(pk)
    require(request.user, "commission.manage", meeting.call)
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    if request.method == "POST" and form.is_valid():
        try:
            commission_service.meeting_minutes_update(
                actor=request.user, meeting=meeting, minutes=form.cleaned_data["minutes"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The minutes are saved."))
            return redirect("programme-meeting", pk=meeting.pk)
    context = {**_tabs(request, meeting.call, "commission"), "meeting": meeting, "form": form}
    return render(request, "programme/decisions/minutes_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def ballot(request, pk):
    """A member's ballot: for, against or abstain on each application, changeable while voting is open;
    an application the member has a conflict of interest with is listed without its content."""
    meeting = _meeting(pk)
    decision = commission_service.may_open_ballot(request.user, meeting.call)
    if not decision:
        raise NotAllowed("commission.vote", decision)
    if request.method == "POST":
        applications = {a.pk: a for a in commission_service.meeting_applications(meeting)}
        chosen = []
        for application_id, application in applications.items():
            choice = request.POST.get(f"vote-{application_id}", "")
            if choice:
                chosen.append((application, choice))
        try:
            with transaction.atomic():  # all the votes of the ballot, or none
                for application, choice in chosen:
                    commission_service.vote_cast(
                        actor=request.user, meeting=meeting, application=application, choice=choice
                    )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your votes are recorded; you may change them until voting closes."))
        return redirect("programme-ballot", pk=meeting.pk)
    entries = commission_service.ballot(user=request.user, meeting=meeting)
    context = {
        "call": meeting.call,
        "meeting": meeting,
        "status": commission_service.meeting_status(meeting),
        "entries": entries,
        "choices": VoteChoice.choices,
        "any_vote": any(e.can_vote for e in entries),
    }
    return render(request, "programme/decisions/ballot.html", context)


@login_required
def my_ballots(request):
    """The meetings of the commissions the user sits on, with a link to each ballot (only their own)."""
    meetings = [
        (m, commission_service.meeting_status(m))
        for m in commission_service.member_meetings(user=request.user)
    ]
    return render(request, "programme/decisions/my_ballots.html", {"meetings": meetings})


# ------------------------------------------------------------------------------------------ allocation


@login_required
@require_http_methods(["GET", "POST"])
def allocations(request, key):
    """The allocation runs of a call; officers run a new one."""
    call = _call(key)
    require(request.user, "commission.manage", call)
    can_run = bool(check(request.user, "call.manage", call))
    form = AllocationRunForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "call.manage", call)
        if form.is_valid():
            try:
                run = allocation_service.allocation_run(
                    actor=request.user, call=call, score_method=form.cleaned_data["score_method"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The envelope is allocated; adopt the run for the commission."))
                return redirect("programme-allocation", pk=run.pk)
    runs = AllocationRun.objects.filter(call=call).select_related("created_by").order_by("-created_at")
    context = {
        **_tabs(request, call, "allocation"),
        "runs": [(run, format_roubles(run.summary.get("total", 0) / 100)) for run in runs],
        "form": form if can_run else None,
        "envelope": format_roubles(call.envelope),
    }
    return render(request, "programme/decisions/allocations.html", context)


def _money_or_dash(value: Decimal | None) -> str:
    return "—" if value is None else format_roubles(value)


@login_required
def allocation_detail(request, pk):
    run = get_object_or_404(AllocationRun.objects.select_related("call__programme", "created_by"), pk=pk)
    call = run.call
    require(request.user, "commission.manage", call)
    hidden = allocation_service.conflicted_application_ids(user=request.user, call=call)
    report = allocation_service.allocation_report(run=run, hidden_ids=hidden)
    rows = [
        {
            "hidden": row.application is None,
            "number": row.line.application.number if row.application else "",
            "application": row.application,
            "score": row.line.score,
            "requested": format_roubles(row.line.requested),
            "floor": format_roubles(row.floor),
            "awarded": format_roubles(row.line.awarded),
            "greedy": format_roubles(row.greedy),
            "status": row.line.status,
            "status_text": allocation_service.status_text(row.line.status),
            "reason": row.reason,
            "life_science": row.life_science,
        }
        for row in report.rows
    ]
    pairs = [
        charts.Pair(
            label=f"{row.line.application.number} {row.line.application.cluster}" if row.application else "—",
            whole=row.line.requested,
            part=row.line.awarded,
            whole_text=format_roubles(row.line.requested),
            part_text=format_roubles(row.line.awarded),
            css=f"is-{row.line.status}",
        )
        for row in report.rows
    ]

    def groups(items):
        return [
            {
                "label": g.label,
                "applications": g.applications,
                "requested": format_roubles(g.requested),
                "awarded": format_roubles(g.awarded),
                "greedy": format_roubles(g.greedy),
                "share": _percent(float(g.awarded / report.awarded) if report.awarded else None),
                "minimum": _money_or_dash(g.minimum),
                "maximum": _money_or_dash(g.maximum),
            }
            for g in items
        ]

    cases = [
        {
            "factor": _signed_percent(case.factor - 1),
            "envelope": format_roubles(case.envelope),
            "objective": case.objective,
            "total": _money_or_dash(case.total),
            "entered": case.entered,
            "left": case.left,
            "changed": [(n, format_roubles(a), format_roubles(b)) for n, a, b in case.changed],
            "error": case.error,
        }
        for case in report.cases
    ]
    context = {
        **_tabs(request, call, "allocation"),
        "run": run,
        "report": report,
        "rows": rows,
        "sectors": groups(report.sectors),
        "clusters": groups(report.clusters),
        "cases": cases,
        "chart": charts.paired_bars(
            pairs,
            title=_("Awarded against requested, by application"),
            whole_name=_("requested"),
            part_name=_("awarded"),
            sentence=_("%(label)s: %(part)s awarded of %(whole)s requested"),
        ),
        "totals": {
            "envelope": format_roubles(run.envelope),
            "requested": format_roubles(report.requested),
            "awarded": format_roubles(report.awarded),
            "left": format_roubles(report.left),
            "used": _percent(float(report.awarded / run.envelope) if run.envelope else None),
            "greedy": format_roubles(report.greedy_total),
            "gain_share": _percent(report.gain_share),
            "life_awarded": format_roubles(report.life_science_awarded),
            "life_share": _percent(report.life_science_share),
            "life_envelope_share": _percent(report.life_science_envelope_share),
        },
        "unmet": [(sector, format_roubles(amount)) for sector, amount in report.unmet_minimums.items()],
        "can_adopt": bool(check(request.user, "commission.manage", call)) and not run.adopted,
    }
    return render(request, "programme/decisions/allocation.html", context)


@login_required
@require_POST
def allocation_adopt(request, pk):
    run = get_object_or_404(AllocationRun.objects.select_related("call__programme"), pk=pk)
    require(request.user, "commission.manage", run.call)
    try:
        allocation_service.allocation_adopt(actor=request.user, run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("This allocation is adopted; the commission's decisions follow it."))
    return redirect("programme-allocation", pk=run.pk)


# ---------------------------------------------------------------------------------------------- awards


@login_required
@require_http_methods(["GET", "POST"])
def awards(request, key):
    """The awards of a call: made from the adopted allocation, published, exported (officers)."""
    call = _call(key)
    require(request.user, "call.manage", call)
    action = request.POST.get("action") if request.method == "POST" else None
    form = AwardsCreateForm(request.POST if action == "create" else None)
    if action == "create" and form.is_valid():
        try:
            created = awards_service.awards_create(
                actor=request.user, call=call, awarded_on=form.cleaned_data["awarded_on"],
                instalment_count=form.cleaned_data["instalment_count"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Awards made: %(count)d.") % {"count": len(created)})
            return redirect("programme-awards", key=call.key)
    elif action in ("publish", "unpublish"):
        changed = awards_service.awards_publish(actor=request.user, call=call, public=action == "publish")
        messages.success(
            request, _("Awards changed on the public results page: %(count)d.") % {"count": changed}
        )
        return redirect("programme-awards", key=call.key)
    items = list(awards_service.call_awards(call=call))
    total = sum((a.amount for a in items), Decimal(0))
    context = {
        **_tabs(request, call, "awards"),
        "awards": [
            {"award": a, "amount": format_roubles(a.amount), "paid": format_roubles(a.paid or 0)}
            for a in items
        ],
        "total": format_roubles(total),
        "envelope": format_roubles(call.envelope),
        "form": form,
        "adopted": allocation_service.adopted_run(call=call),
        "published": sum(1 for a in items if a.public),
    }
    return render(request, "programme/decisions/awards.html", context)


def _require_award_reader(user: Any, award: Award) -> bool:
    """Officers of the programme, or the funded cluster; True for officers."""
    if check(user, "call.manage", award.application.call):
        return True
    require(user, "award.report", award)
    return False


@login_required
def award_detail(request, pk):
    award = _award(pk)
    officer = _require_award_reader(request.user, award)
    payments = list(award.payments.order_by("due_on", "pk"))
    reports = {r.period: r for r in award.reports.all()}
    context = {
        **_tabs(request, award.application.call, "awards"),
        "award": award,
        "officer": officer,
        "amount": format_roubles(award.amount),
        "payments": [
            {"payment": p, "amount": format_roubles(p.amount), "form": PaidForm(prefix=f"p{p.pk}")}
            for p in payments
        ],
        "paid": format_roubles(sum((p.amount for p in payments if p.paid_on), Decimal(0))),
        "periods": [(period, reports.get(period)) for period in awards_service.report_periods(award)],
        "can_report": bool(check(request.user, "award.report", award)),
    }
    return render(request, "programme/decisions/award.html", context)


@login_required
def award_letter(request, pk):
    award = _award(pk)
    _require_award_reader(request.user, award)
    call = award.application.call
    context = {
        "award": award,
        "call": call,
        "amount": format_roubles(award.amount),
        "payments": [(p.due_on, format_roubles(p.amount)) for p in award.payments.order_by("due_on", "pk")],
        "share_min": format_share(call.regional_share_min, places=0),
        "share_max": format_share(call.regional_share_max, places=0),
    }
    return render(request, "programme/decisions/award_letter.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def award_payments(request, pk):
    """The payment schedule: officers change the unpaid instalments and mark instalments paid."""
    award = _award(pk)
    require(request.user, "call.manage", award.application.call)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "paid":
        payment = get_object_or_404(Payment, pk=request.POST.get("payment"), award=award)
        form = PaidForm(request.POST, prefix=f"p{payment.pk}")
        if form.is_valid():
            try:
                awards_service.payment_mark_paid(
                    actor=request.user, payment=payment, paid_on=form.cleaned_data["paid_on"]
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The instalment is marked paid."))
        else:
            messages.error(request, _("Give the date it was paid."))
        return redirect("programme-award", pk=award.pk)
    unpaid = award.payments.filter(paid_on__isnull=True).order_by("due_on", "pk")
    bound = action == "schedule"
    formset = PaymentFormSet(
        request.POST if bound else None,
        initial=None if bound else [{"due_on": p.due_on, "amount": p.amount} for p in unpaid],
        prefix="payments",
    )
    errors: list[str] = []
    if action == "schedule" and formset.is_valid():
        rows = [
            (f.cleaned_data["due_on"], f.cleaned_data["amount"])
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            awards_service.payment_schedule_set(actor=request.user, award=award, rows=rows)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The payment schedule is saved."))
            return redirect("programme-award", pk=award.pk)
    context = {
        **_tabs(request, award.application.call, "awards"),
        "award": award,
        "amount": format_roubles(award.amount),
        "paid": [(p, format_roubles(p.amount)) for p in award.payments.filter(paid_on__isnull=False)],
        "formset": formset,
        "errors": errors,
    }
    return render(request, "programme/decisions/payments.html", context, status=400 if errors else 200)


def _report_facts(report: ProgressReport) -> list[tuple[str, Any]]:
    """A report's indicators and narrative as (label, text), amounts in roubles."""
    facts = []
    for name in (*awards_service.INDICATORS, "narrative"):
        value = getattr(report, name)
        if value is None or value == "":
            value = "—"
        elif name in ("output_per_employee", "cofinancing_received"):
            value = format_roubles(value)
        facts.append((ProgressReport._meta.get_field(name).verbose_name, value))
    return facts


@login_required
@require_http_methods(["GET", "POST"])
def award_report(request, pk, period):
    """A year's progress report: the funded cluster fills it in and submits it; officers accept it."""
    award = _award(pk)
    officer = _require_award_reader(request.user, award)
    report = award.reports.filter(period=period).first()
    can_write = bool(check(request.user, "award.report", award)) and not (report and report.accepted)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "accept":
        require(request.user, "call.manage", award.application.call)
        if report is None:
            messages.error(request, _("There is no report for this year yet."))
        else:
            try:
                awards_service.progress_report_accept(actor=request.user, report=report)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The report is accepted."))
        return redirect("programme-award-report", pk=award.pk, period=period)
    form = ProgressReportForm(request.POST if action in ("save", "submit") else None, instance=report)
    if action in ("save", "submit"):
        require(request.user, "award.report", award)
        if form.is_valid():
            try:
                awards_service.progress_report_save(
                    actor=request.user, award=award, period=period, values=form.cleaned_data,
                    submit=action == "submit",
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("The report is submitted.") if action == "submit" else _("The draft is saved.")
                )
                return redirect("programme-award-report", pk=award.pk, period=period)
    facts = _report_facts(report) if report else []
    context = {
        **_tabs(request, award.application.call, "awards"),
        "award": award,
        "period": period,
        "report": report,
        "facts": facts,
        "form": form,
        "can_write": can_write,
        "can_accept": officer and report is not None and report.submitted_at and not report.accepted,
        "in_range": period in awards_service.report_periods(award),
    }
    return render(request, "programme/decisions/report.html", context)


@login_required
def awards_export(request, key, fmt):
    """All the awards of a call as 360Giving JSON, CSV or XLSX (officers)."""
    call = _call(key)
    require(request.user, "call.manage", call)
    return export_response(call, fmt, only_public=False)


def export_response(
    call: Call, fmt: str, *, only_public: bool, allowed: tuple[str, ...] = exports_service.FORMATS
) -> HttpResponse:
    """The awards of ``call`` as a download in ``fmt`` (one of ``allowed``; else 404 naming them)."""
    name = exports_service.file_name(call, fmt)
    if fmt not in allowed:
        return HttpResponse(
            _("Unknown format “%(fmt)s”; allowed: %(allowed)s.")
            % {"fmt": fmt, "allowed": ", ".join(allowed)},
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    if fmt == "json":
        package = exports_service.grants_package(call=call, only_public=only_public)
        response = HttpResponse(
            json.dumps(package, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
    elif fmt == "csv":
        response = StreamingHttpResponse(
            exports_service.awards_csv(call=call, only_public=only_public),
            content_type="text/csv; charset=utf-8",
        )
    else:
        out = io.BytesIO()
        exports_service.awards_xlsx(call=call, out=out, only_public=only_public)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ------------------------------------------------------------------------------------------- dashboard


@login_required
def dashboard(request, key):
    programme = get_object_or_404(Programme, key=key)
    require(request.user, "programme.dashboard", programme)
    data = awards_service.programme_dashboard(programme=programme)

    def money_bars(rows, title):
        return charts.bars([(label, value, format_roubles(value)) for label, value in rows], title=title)

    calls = [
        {
            "call": f.call,
            "applications": f.applications,
            "requested": format_roubles(f.requested),
            "awarded": format_roubles(f.awarded),
            "envelope": format_roubles(f.envelope),
        }
        for f in data.calls
    ]
    indicators = [
        {
            "label": series.label,
            "chart": charts.trend(
                [
                    (year, value, format_roubles(value) if series.kind == "money" else str(value))
                    for year, value in series.points
                ],
                title=series.label,
            )
            if series.points
            else None,
            "points": [
                (year, format_roubles(value) if series.kind == "money" else value)
                for year, value in series.points
            ],
        }
        for series in data.indicators
    ]
    context = {
        "programme": programme,
        "data": data,
        "calls": calls,
        "calls_chart": charts.paired_bars(
            [
                charts.Pair(
                    str(f.call),
                    f.requested,
                    f.awarded,
                    format_roubles(f.requested),
                    format_roubles(f.awarded),
                )
                for f in data.calls
            ],
            title=_("Requested and awarded, by call"),
            whole_name=_("requested"),
            part_name=_("awarded"),
            sentence=_("%(label)s: %(part)s awarded of %(whole)s requested"),
        ),
        "states_chart": charts.bars(
            [(name, n, str(n)) for _key, name, n in data.states], title=_("Applications by state")
        ),
        "sector_chart": money_bars(data.by_sector, _("Awards by sector")),
        "region_chart": money_bars(data.by_region, _("Awards by region")),
        "payments_chart": charts.paired_bars(
            [
                charts.Pair(str(year), due, paid, format_roubles(due), format_roubles(paid))
                for year, due, paid in data.payments_by_year
            ],
            title=_("Payments due and paid, by year"),
            whole_name=_("due"),
            part_name=_("paid"),
            sentence=_("%(label)s: %(part)s paid of %(whole)s due"),
        ),
        "sectors": [(label, format_roubles(value)) for label, value in data.by_sector],
        "regions": [(label, format_roubles(value)) for label, value in data.by_region],
        "payments": [
            (year, format_roubles(due), format_roubles(paid)) for year, due, paid in data.payments_by_year
        ],
        "indicators": indicators,
        "totals": {
            "awarded": format_roubles(data.awarded),
            "paid": format_roubles(data.paid),
            "overdue": format_roubles(data.overdue),
            "due_soon": format_roubles(data.due_soon),
        },
    }
    return render(request, "programme/decisions/dashboard.html", context)
