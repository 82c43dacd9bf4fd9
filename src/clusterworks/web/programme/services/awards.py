"""Awards and their monitoring: awards made from the adopted allocation, the payment schedule, the
funded clusters' progress reports, publication of the results, and the programme's dashboard.

Rules, written once here:

* **Awards** are made by the programme's officers from the call's adopted allocation, for each
  application the commission decided to fund (``funded`` or ``partly_funded``): the amount is the
  allocation's award; making the award signs it in the workflow (``sign_award`` /
  ``sign_partial_award``). An application already moved to ``awarded`` by hand gets its award without a
  further step. Letter numbers run per call: ``<year>/<n>`` (``2026/001``).
* **The payment schedule** starts as equal instalments (the kopecks left over go to the first), the
  first due 30 days after the award and each next one three months later; officers change the unpaid
  instalments, which must add up, with the paid ones, to the award exactly; a paid instalment stays.
* **Progress reports** are for a year from the award's year to the current one, one per year; the
  funded cluster (``award.report``) saves drafts and submits them once every indicator is given; the
  officers accept a submitted report, which then no longer changes.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterworks.web.core.permissions import require

from ..models import (
    Application,
    Award,
    BudgetItem,
    Call,
    Payment,
    Programme,
    ProgressReport,
    WorkflowState,
    kopecks,
    roubles,
)
from ..money import format_roubles
from . import allocation as allocation_service
from .workflow import take_transition

#: the transition that signs the award, by the decision's state
SIGN_TRANSITION = {"funded": "sign_award", "partly_funded": "sign_partial_award"}
#: states from which an award can be made
AWARDABLE_STATES = ("funded", "partly_funded", "awarded")
#: the indicators of a progress report (model fields), all required to submit
INDICATORS = ("output_per_employee", "participants", "joint_projects", "jobs", "cofinancing_received")
FIRST_PAYMENT_DAYS = 30
MONTHS_BETWEEN_PAYMENTS = 3


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months (the 31st becomes the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def instalments(amount: Decimal, count: int, *, first_due: dt.date) -> list[tuple[dt.date, Decimal]]:
    """``amount`` in ``count`` equal instalments (the leftover kopecks in the first), due every three
    months from ``first_due``."""
    if count < 1:
        raise ValidationError({"instalments": _("The schedule needs at least one instalment.")})
    total = kopecks(amount)
    part, leftover = divmod(total, count)
    return [
        (add_months(first_due, MONTHS_BETWEEN_PAYMENTS * i), roubles(part + (leftover if i == 0 else 0)))
        for i in range(count)
    ]


# ------------------------------------------------------------------------------------------- awards


def awards_create(
    *, actor: Any, call: Call, awarded_on: dt.date | None = None, instalment_count: int = 2
) -> list[Award]:
    """Make the awards of ``call`` from its adopted allocation for every application decided to be
    funded that has none yet; each gets its letter number and a schedule of ``instalment_count``
    payments. Returns the new awards."""
    require(actor, "call.manage", call)
    if not 1 <= instalment_count <= 12:
        raise ValidationError(
            {"instalment_count": _("Give between 1 and 12 instalments; %(count)s is not allowed.")
             % {"count": instalment_count}}
        )  # fmt: skip
    awarded_on = awarded_on or timezone.localdate()
    lines = allocation_service.adopted_lines(call=call)
    if not lines:
        raise ValidationError({"call": _("Adopt an allocation of the envelope first: it sets the amounts.")})
    created = []
    with transaction.atomic():
        applications = (
            Application.objects.select_for_update(of=("self",))
            .filter(call=call, state__in=AWARDABLE_STATES, award__isnull=True, pk__in=list(lines))
            .order_by("number")
        )
        count = Award.objects.filter(application__call=call).count()
        for application in applications:
            line = lines[application.pk]
            if line.awarded <= 0:
                continue
            count += 1
            award = Award.objects.create(
                application=application,
                amount=line.awarded,
                letter_number=f"{call.year}/{count:03d}",
                awarded_on=awarded_on,
            )
            first_due = awarded_on + dt.timedelta(days=FIRST_PAYMENT_DAYS)
            for due_on, amount in instalments(award.amount, instalment_count, first_due=first_due):
                Payment.objects.create(award=award, due_on=due_on, amount=amount)
            if application.state in SIGN_TRANSITION:
                take_transition(actor=actor, application=application, key=SIGN_TRANSITION[application.state])
            created.append(award)
    return created


def awards_publish(*, actor: Any, call: Call, public: bool = True) -> int:
    """Publish (or withdraw from) the public results page every award of ``call``; the number changed."""
    require(actor, "call.manage", call)
    with transaction.atomic():
        awards = list(Award.objects.filter(application__call=call).exclude(public=public))
        for award in awards:
            award.public = public
            award.save(update_fields=["public"])
    return len(awards)


def call_awards(*, call: Call, only_public: bool = False):
    awards = Award.objects.filter(application__call=call).select_related(
        "application__cluster", "application__region", "application__sector", "application__applicant"
    )
    if only_public:
        awards = awards.filter(public=True)
    return awards.annotate(paid=Sum("payments__amount", filter=Q(payments__paid_on__isnull=False))).order_by(
        "application__number"
    )


def award_requested(award: Award) -> Decimal:
    total = BudgetItem.objects.filter(application_id=award.application_id).aggregate(s=Sum("federal"))["s"]
    return total or Decimal(0)


# ------------------------------------------------------------------------------------------ payments


def payment_schedule_set(
    *, actor: Any, award: Award, rows: Sequence[tuple[dt.date, Decimal]]
) -> list[Payment]:
    """Replace the unpaid instalments of ``award`` with ``rows`` (due date, amount). Every amount is
    positive, no date is before the award's, and the paid and new instalments add up to the award."""
    require(actor, "call.manage", award.application.call)
    errors = []
    if not rows:
        errors.append(_("The schedule needs at least one unpaid instalment, or all are paid."))
    for number, (due_on, amount) in enumerate(rows, start=1):
        if amount is None or amount <= 0:
            errors.append(_("Instalment %(n)d: the amount must be more than 0.") % {"n": number})
        if due_on is None or due_on < award.awarded_on:
            errors.append(
                _("Instalment %(n)d: the due date cannot be before the award (%(date)s).")
                % {"n": number, "date": award.awarded_on.isoformat()}
            )
    with transaction.atomic():
        paid = award.payments.filter(paid_on__isnull=False).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        total = paid + sum((amount for _d, amount in rows if amount is not None), Decimal(0))
        if not errors and total != award.amount:
            errors.append(
                _(
                    "The instalments add up to %(total)s with the paid ones; they must add up to the award, "
                    "%(amount)s."
                )
                % {"total": format_roubles(total), "amount": format_roubles(award.amount)}
            )
        if errors:
            raise ValidationError({"payments": errors})
        for payment in award.payments.filter(paid_on__isnull=True):
            payment.delete()
        return [Payment.objects.create(award=award, due_on=due, amount=amount) for due, amount in rows]


def payment_mark_paid(*, actor: Any, payment: Payment, paid_on: dt.date) -> Payment:
    require(actor, "call.manage", payment.award.application.call)
    if payment.paid_on is not None:
        raise ValidationError({"paid_on": _("This instalment is already paid.")})
    if paid_on is None or paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("Give the date it was paid, today or before.")})
    payment.paid_on = paid_on
    payment.save(update_fields=["paid_on"])
    return payment


# ---------------------------------------------------------------------------------- progress reports


def report_periods(award: Award) -> list[int]:
    """The years a report may be given for: from the award's year to the current one."""
    return list(range(award.awarded_on.year, max(award.awarded_on.year, timezone.localdate().year) + 1))


def progress_report_save(
    *, actor: Any, award: Award, period: int, values: dict[str, Any], submit: bool = False
) -> ProgressReport:
    """Save the report of ``award`` for ``period`` (a draft, or submitted when ``submit``). ``values`` has
    the indicators (:data:`INDICATORS`) and ``narrative``. Refused for an accepted report and for a year
    outside :func:`report_periods`; submitting needs every indicator."""
    require(actor, "award.report", award)
    periods = report_periods(award)
    if period not in periods:
        raise ValidationError(
            {
                "period": _("Reports are for the years %(first)d to %(last)d; %(period)s is not one of them.")
                % {"first": periods[0], "last": periods[-1], "period": period}
            }
        )
    errors: dict[str, list[str]] = defaultdict(list)
    for name in INDICATORS:
        value = values.get(name)
        if value is not None and value < 0:
            errors[name].append(_("The value cannot be negative."))
        if submit and value is None:
            errors[name].append(_("Give this indicator to submit the report."))
    if errors:
        raise ValidationError(dict(errors))
    with transaction.atomic():
        report = (
            ProgressReport.objects.select_for_update(of=("self",)).filter(award=award, period=period).first()
        )
        if report is not None and report.accepted:
            raise ValidationError({"period": _("The report for %(period)d is accepted and no longer changes.")
                                   % {"period": period}})  # fmt: skip
        report = report or ProgressReport(award=award, period=period)
        for name in INDICATORS:
            setattr(report, name, values.get(name))
        report.narrative = (values.get("narrative") or "").strip()
        if submit:
            report.submitted_at = timezone.now()
        report.save()
    return report


def progress_report_accept(*, actor: Any, report: ProgressReport) -> ProgressReport:
    require(actor, "call.manage", report.award.application.call)
    if report.submitted_at is None:
        raise ValidationError({"report": _("The report is not submitted yet.")})
    if report.accepted:
        raise ValidationError({"report": _("The report is already accepted.")})
    report.accepted = True
    report.save(update_fields=["accepted"])
    return report


# -------------------------------------------------------------------------------------------- dashboard


@dataclass(frozen=True)
class CallFigures:
    call: Call
    applications: int
    requested: Decimal
    awarded: Decimal
    envelope: Decimal


@dataclass(frozen=True)
class IndicatorSeries:
    key: str
    label: str
    kind: str  # "money" or "count"
    points: list[tuple[int, Decimal]]  # (year, value)


@dataclass(frozen=True)
class Dashboard:
    programme: Programme
    calls: list[CallFigures]
    states: list[tuple[str, str, int]]  # (key, name, applications)
    by_sector: list[tuple[str, Decimal]]
    by_region: list[tuple[str, Decimal]]
    awards: int
    awarded: Decimal
    paid: Decimal
    overdue: Decimal
    due_soon: Decimal
    payments_by_year: list[tuple[int, Decimal, Decimal]]  # (year, due, paid)
    indicators: list[IndicatorSeries]
    reports_waiting: int


def programme_dashboard(*, programme: Programme, today: dt.date | None = None) -> Dashboard:
    """The figures of ``programme``'s dashboard: per call the applications, requested and awarded
    amounts; applications by state; awards by sector and region; payments paid, overdue and due in the
    next 90 days and by year; the accepted reports' indicators by year (totals; output per employee is
    the mean over the reports)."""
    today = today or timezone.localdate()
    calls = list(Call.objects.filter(programme=programme).order_by("-year", "name_en"))
    applications = Application.objects.filter(call__programme=programme).exclude(state="draft")
    requested = dict(
        BudgetItem.objects.filter(application__in=applications)
        .values_list("application__call_id")
        .annotate(s=Sum("federal"))
    )
    counts = dict(applications.values_list("call_id").annotate(n=Count("pk")))
    awards = Award.objects.filter(application__call__programme=programme)
    awarded_by_call = dict(awards.values_list("application__call_id").annotate(s=Sum("amount")))
    figures = [
        CallFigures(
            call=c,
            applications=counts.get(c.pk, 0),
            requested=requested.get(c.pk) or Decimal(0),
            awarded=awarded_by_call.get(c.pk) or Decimal(0),
            envelope=c.envelope,
        )
        for c in calls
    ]
    state_counts = dict(applications.values_list("state").annotate(n=Count("pk")))
    names = {}
    for state in WorkflowState.objects.filter(call__programme=programme).order_by("position"):
        names.setdefault(state.key, (state.position, str(state)))
    states = sorted(
        ((key, names.get(key, (999, key))[1], n) for key, n in state_counts.items()),
        key=lambda s: (names.get(s[0], (999, ""))[0], s[0]),
    )
    by_sector: dict[str, Decimal] = defaultdict(Decimal)
    by_region: dict[str, Decimal] = defaultdict(Decimal)
    for award in awards.select_related("application__sector", "application__region"):
        sector = award.application.sector
        by_sector[str(sector) if sector else _("no sector")] += award.amount
        by_region[str(award.application.region)] += award.amount
    payments = Payment.objects.filter(award__in=awards)
    paid = payments.filter(paid_on__isnull=False).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    unpaid = payments.filter(paid_on__isnull=True)
    overdue = unpaid.filter(due_on__lt=today).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    due_soon = unpaid.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=90)).aggregate(
        s=Sum("amount")
    )["s"] or Decimal(0)
    by_year: dict[int, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for due_on, amount, paid_on in payments.values_list("due_on", "amount", "paid_on"):
        by_year[due_on.year][0] += amount
        if paid_on is not None:
            by_year[due_on.year][1] += amount
    reports = ProgressReport.objects.filter(award__in=awards, accepted=True)
    return Dashboard(
        programme=programme,
        calls=figures,
        states=states,
        by_sector=sorted(by_sector.items(), key=lambda kv: (-kv[1], kv[0])),
        by_region=sorted(by_region.items(), key=lambda kv: (-kv[1], kv[0])),
        awards=awards.count(),
        awarded=awards.aggregate(s=Sum("amount"))["s"] or Decimal(0),
        paid=paid,
        overdue=overdue,
        due_soon=due_soon,
        payments_by_year=[(year, due, got) for year, (due, got) in sorted(by_year.items())],
        indicators=indicator_series(reports),
        reports_waiting=ProgressReport.objects.filter(
            award__in=awards, submitted_at__isnull=False, accepted=False
        ).count(),
    )


def indicator_series(reports: Iterable[ProgressReport]) -> list[IndicatorSeries]:
    """Per indicator, its value by year over ``reports``: the total, except output per employee, the mean
    of the reports that give it."""
    values: dict[str, dict[int, list[Decimal]]] = {name: defaultdict(list) for name in INDICATORS}
    for report in reports:
        for name in INDICATORS:
            value = getattr(report, name)
            if value is not None:
                values[name][report.period].append(Decimal(value))
    labels = {
        "output_per_employee": (_("Output per employee, roubles (mean)"), "money"),
        "participants": (_("Participants"), "count"),
        "joint_projects": (_("Joint projects"), "count"),
        "jobs": (_("New jobs"), "count"),
        "cofinancing_received": (_("Co-financing received, roubles"), "money"),
    }
    series = []
    for name in INDICATORS:
        points = []
        for year, items in sorted(values[name].items()):
            total = sum(items, Decimal(0))
            if name == "output_per_employee":
                total = (total / len(items)).quantize(Decimal("0.01"))
            points.append((year, total))
        label, kind = labels[name]
        series.append(IndicatorSeries(key=name, label=label, kind=kind, points=points))
    return series
