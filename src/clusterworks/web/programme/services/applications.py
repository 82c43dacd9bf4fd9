"""Applications to a call: drafts, the form's answers, co-applicants, the structured budget with its rule
checks, revisions, submission and withdrawal, the officers' eligibility screening, and notifications.

**Who applies.** An application is made for a cluster by an organisation: one the user represents that is
a current member of the cluster (its membership has not ended), or the cluster's specialised
organisation (its current coordinator) chosen by a manager of the cluster. The cluster must be one the
call is open to (its eligible clusters, none meaning all), and the application's region one of the
cluster's regions that the call admits (its eligible regions, none meaning all).

**The budget** is a grid: expenditure line x year, with three sources in each cell -- the federal
subsidy requested, the regional co-financing and the applicant's own (and other) funds. Its years are
the call's year and the two following (``calls.budget_years``). The rules, checked on every save (and
shown on the page) and enforced on submission, are:

* every amount is 0 or more, in a year of the budget and on a line of the call;
* the regional co-financing share, **regional / (federal + regional)** over the whole budget, lies within
  the call's range (e.g. 5-30%), bounds included; own funds do not count in it;
* each line's share of the federal request, line federal / total federal, is at most the line's
  largest share, where the call sets one;
* the federal request is at most the call's cap per cluster, where it sets one (the cap limits one
  application's request; the allocation applies it to each cluster's total);
* on submission, also: a federal request above 0, and the least viable amount (the floor), when given,
  above 0 and at most the federal request.

**Revisions.** Every save that changes something (fields, answers, budget, co-applicants, attachments)
keeps a frozen copy (:class:`Revision`); a save that changes nothing records none. The history page
compares any two.

**Submission** checks everything at once (:func:`application_problems`) and reports every problem with
the field it concerns; then ``workflow.take_transition`` makes the change.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterworks.web.core.permissions import check, is_authenticated, require
from clusterworks.web.registry.models import Cluster, Membership, MembershipRole, Organisation, Region

from ..models import (
    MONEY,
    Application,
    Attachment,
    BudgetItem,
    Call,
    CoApplicant,
    ExpenditureLine,
    FormQuestion,
    Notification,
    QuestionKind,
    Revision,
    Sector,
    Transition,
    WorkflowState,
)
from ..money import format_roubles, format_share
from .calls import budget_years
from .workflow import take_transition

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
#: the largest amount a budget cell holds (the model's 15 digits, 2 after the point)
MAX_AMOUNT = Decimal(10) ** (MONEY["max_digits"] - MONEY["decimal_places"]) - Decimal("0.01")
APPLICATION_FIELDS = ("title", "summary", "sector", "floor", "region")
COLUMNS = ("federal", "regional", "own")


def column_label(column: str) -> str:
    return {
        "federal": _("federal subsidy"),
        "regional": _("regional co-financing"),
        "own": _("own funds"),
    }[column]


def question_label(question: FormQuestion) -> str:
    from django.utils.translation import get_language

    ru = (get_language() or "en").startswith("ru")
    first, second = (question.label_ru, question.label_en) if ru else (question.label_en, question.label_ru)
    return first or second or question.key


def question_help(question: FormQuestion) -> str:
    from django.utils.translation import get_language

    ru = (get_language() or "en").startswith("ru")
    first, second = (question.help_ru, question.help_en) if ru else (question.help_en, question.help_ru)
    return first or second


@dataclass(frozen=True)
class Problem:
    """Something that stops an application from being submitted: the field it concerns and why."""

    field: str
    message: str
    #: the budget cannot even be saved with it (a cell off the grid, an amount out of range); the other
    #: problems a draft may have for a while
    hard: bool = False


def problems_error(problems: Sequence[Problem]) -> ValidationError:
    by_field: dict[str, list[str]] = {}
    for problem in problems:
        by_field.setdefault(problem.field, []).append(problem.message)
    return ValidationError(by_field)


def _invalid(field_name: str | None, message: str) -> ValidationError:
    return ValidationError({field_name: [message]} if field_name else [message])


# ----------------------------------------------------------------------------------------------- budget


@dataclass(frozen=True)
class Amounts:
    federal: Decimal = ZERO
    regional: Decimal = ZERO
    own: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.federal + self.regional + self.own

    def __add__(self, other: Amounts) -> Amounts:
        return Amounts(self.federal + other.federal, self.regional + other.regional, self.own + other.own)

    def is_zero(self) -> bool:
        return not (self.federal or self.regional or self.own)


@dataclass
class BudgetRow:
    line: ExpenditureLine
    cells: list[Amounts]  # one per year of the budget
    total: Amounts
    share: Decimal | None  # of the federal request, per cent
    over_limit: bool = False


@dataclass
class Budget:
    years: list[int]
    rows: list[BudgetRow]
    year_totals: list[Amounts]
    total: Amounts
    regional_share: Decimal | None  # regional / (federal + regional), per cent
    problems: list[Problem] = field(default_factory=list)
    extra_cells: dict[tuple[str, int], Amounts] = field(default_factory=dict)  # off the grid: refused


def regional_share(amounts: Amounts) -> Decimal | None:
    """The regional co-financing share in per cent, regional / (federal + regional); None without money."""
    base = amounts.federal + amounts.regional
    return None if not base else amounts.regional * HUNDRED / base


def budget_evaluate(
    *, call: Call, lines: Sequence[ExpenditureLine], cells: Mapping[tuple[str, int], Amounts]
) -> Budget:
    """The budget's grid, totals, shares and the problems with the call's rules (see the module's doc).

    ``cells`` maps (line key, year) to the amounts; cells off the grid (an unknown line or a year outside
    the budget) are reported and left out of the totals."""
    years = budget_years(call)
    problems: list[Problem] = []
    keys = {line.key for line in lines}
    extra = {k: v for k, v in cells.items() if k[0] not in keys or k[1] not in years}
    for (key, year), amounts in sorted(extra.items()):
        if amounts.is_zero():
            continue
        if key not in keys:
            problems.append(
                Problem(
                    "budget",
                    _("“%(line)s” is not an expenditure line of this call; the lines are: %(allowed)s.")
                    % {"line": key, "allowed": ", ".join(sorted(keys))},
                    hard=True,
                )
            )
        else:
            problems.append(
                Problem(
                    "budget",
                    _("%(year)s is outside the budget's years, %(first)s to %(last)s.")
                    % {"year": year, "first": years[0], "last": years[-1]},
                    hard=True,
                )
            )
    rows: list[BudgetRow] = []
    year_totals = [Amounts() for _year in years]
    for line in lines:
        row_cells = []
        for index, year in enumerate(years):
            amounts = cells.get((line.key, year), Amounts())
            for column in COLUMNS:
                value = getattr(amounts, column)
                if value < 0 or value > MAX_AMOUNT:
                    problems.append(
                        Problem(
                            "budget",
                            _(
                                "“%(line)s”, %(year)s, %(column)s: %(amount)s is not allowed; amounts are "
                                "0 to %(max)s."
                            )
                            % {
                                "line": line,
                                "year": year,
                                "column": column_label(column),
                                "amount": format_roubles(value),
                                "max": format_roubles(MAX_AMOUNT),
                            },
                            hard=True,
                        )
                    )
            row_cells.append(amounts)
            year_totals[index] = year_totals[index] + amounts
        total = sum(row_cells, Amounts())
        rows.append(BudgetRow(line=line, cells=row_cells, total=total, share=None))
    grand = sum(year_totals, Amounts())
    for row in rows:
        if grand.federal > 0:
            row.share = row.total.federal * HUNDRED / grand.federal
            limit = row.line.max_share
            if limit is not None and row.share > limit:
                row.over_limit = True
                problems.append(
                    Problem(
                        "budget",
                        _(
                            "“%(line)s” takes %(share)s of the federal request; the call allows at most "
                            "%(limit)s."
                        )
                        % {"line": row.line, "share": format_share(row.share), "limit": format_share(limit)},
                    )
                )
    share = regional_share(grand)
    if share is not None and not (call.regional_share_min <= share <= call.regional_share_max):
        problems.append(
            Problem(
                "budget",
                _(
                    "The regional co-financing is %(share)s of the federal and regional money together; "
                    "the call requires %(low)s to %(high)s."
                )
                % {
                    "share": format_share(share),
                    "low": format_share(call.regional_share_min),
                    "high": format_share(call.regional_share_max),
                },
            )
        )
    if call.cap_per_cluster is not None and grand.federal > call.cap_per_cluster:
        problems.append(
            Problem(
                "budget",
                _("The federal request of %(amount)s is more than the call's cap per cluster, %(cap)s.")
                % {"amount": format_roubles(grand.federal), "cap": format_roubles(call.cap_per_cluster)},
            )
        )
    return Budget(years, rows, year_totals, grand, share, problems, extra)


def budget_cells(application: Application) -> dict[tuple[str, int], Amounts]:
    items = application.budget.select_related("line") if application.pk else BudgetItem.objects.none()
    return {(i.line.key, i.year): Amounts(i.federal, i.regional, i.own) for i in items}


def call_lines(call: Call) -> list[ExpenditureLine]:
    return list(call.lines.order_by("position", "key"))


def application_budget(application: Application) -> Budget:
    call = application.call
    return budget_evaluate(call=call, lines=call_lines(call), cells=budget_cells(application))


# ------------------------------------------------------------------------------------------ who applies


@dataclass(frozen=True)
class ApplicantOption:
    """A cluster and the organisation that may apply for it."""

    cluster: Cluster
    organisation: Organisation
    as_manager: bool  # the cluster's coordinator, chosen by a manager of the cluster

    @property
    def value(self) -> str:
        return f"{self.cluster.pk}:{self.organisation.pk}"


def _current() -> Q:
    return Q(left__isnull=True) | Q(left__gte=timezone.localdate())


def cluster_may_apply(call: Call, cluster: Cluster) -> bool:
    """The call is open to the cluster: listed among its eligible clusters (none: all) and with a region
    the call admits."""
    eligible = set(call.eligible_clusters.values_list("pk", flat=True))
    if eligible and cluster.pk not in eligible:
        return False
    return bool(regions_for(call, cluster))


def regions_for(call: Call, cluster: Cluster) -> list[Region]:
    """The cluster's regions that the call admits (its eligible regions; none: all)."""
    regions = cluster.regions.order_by("code")
    eligible = set(call.eligible_regions.values_list("pk", flat=True))
    return [r for r in regions if not eligible or r.pk in eligible]


def applicant_options(*, user: Any, call: Call) -> list[ApplicantOption]:
    """Who ``user`` may apply as to ``call``: the member organisations they represent, and the
    coordinators of the clusters they manage, for the clusters the call is open to."""
    if not is_authenticated(user):
        return []
    options: dict[tuple[int, int], ApplicantOption] = {}
    represented = user.represented_organisation_ids()
    if represented:
        memberships = (
            Membership.objects.filter(_current(), organisation_id__in=represented)
            .select_related("cluster", "organisation")
            .order_by("cluster__key", "organisation__name_en")
        )
        for membership in memberships:
            option = ApplicantOption(membership.cluster, membership.organisation, False)
            options[(membership.cluster_id, membership.organisation_id)] = option
    managed = user.managed_cluster_ids()
    if managed:
        coordinators = (
            Membership.objects.filter(_current(), cluster_id__in=managed, role=MembershipRole.COORDINATOR)
            .select_related("cluster", "organisation")
            .order_by("cluster__key")
        )
        for membership in coordinators:
            key = (membership.cluster_id, membership.organisation_id)
            options.setdefault(key, ApplicantOption(membership.cluster, membership.organisation, True))
    return [o for o in options.values() if cluster_may_apply(call, o.cluster)]


def _check_applicant(actor: Any, call: Call, cluster: Cluster, applicant: Organisation) -> None:
    if any(
        o.cluster.pk == cluster.pk and o.organisation.pk == applicant.pk
        for o in applicant_options(user=actor, call=call)
    ):
        return
    if not cluster_may_apply(call, cluster):
        raise _invalid(
            "cluster",
            _("The call is not open to %(cluster)s (its clusters or its regions).") % {"cluster": cluster},
        )
    is_member = Membership.objects.filter(_current(), cluster=cluster, organisation=applicant).exists()
    if actor.is_platform_admin and is_member:
        return
    raise _invalid(
        "applicant",
        _(
            "%(organisation)s cannot apply for %(cluster)s as you: the applicant is an organisation you "
            "represent that is a current member of the cluster, or the cluster's coordinator when you "
            "manage the cluster."
        )
        % {"organisation": applicant, "cluster": cluster},
    )


def _choose_region(call: Call, cluster: Cluster, region: Region | None) -> Region:
    candidates = regions_for(call, cluster)
    if region is not None:
        if region.pk not in {r.pk for r in candidates}:
            raise _invalid(
                "region",
                _("%(region)s is not a region of %(cluster)s that the call admits; allowed: %(allowed)s.")
                % {"region": region, "cluster": cluster, "allowed": ", ".join(map(str, candidates)) or "—"},
            )
        return region
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise _invalid(
            "region", _("The call admits none of the regions of %(cluster)s.") % {"cluster": cluster}
        )
    raise _invalid(
        "region",
        _("%(cluster)s has several regions the call admits; choose one: %(allowed)s.")
        % {"cluster": cluster, "allowed": ", ".join(map(str, candidates))},
    )


def _check_sector(call: Call, sector: Sector | None) -> None:
    if sector is not None and sector.call_id != call.pk:
        allowed = ", ".join(str(s) for s in call.sectors.all()) or "—"
        raise _invalid(
            "sector",
            _("“%(sector)s” is not a sector of this call; allowed: %(allowed)s.")
            % {"sector": sector, "allowed": allowed},
        )


_NUMBER = re.compile(r"^(?P<year>\d{4})-(?P<n>\d+)$")


def _next_number(call: Call) -> str:
    prefix = f"{call.year}-"
    numbers = Application.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    last = max((int(m["n"]) for m in map(_NUMBER.match, numbers) if m), default=0)
    return f"{prefix}{last + 1:04d}"


def application_create(
    *,
    actor: Any,
    call: Call,
    cluster: Cluster,
    applicant: Organisation,
    title: str,
    region: Region | None = None,
    sector: Sector | None = None,
    summary: str = "",
) -> Application:
    """A draft application of ``cluster`` by ``applicant`` to the open ``call`` (revision 1)."""
    require(actor, "application.create", call)
    title = (title or "").strip()
    if not title:
        raise _invalid("title", _("Give the project a title."))
    _check_applicant(actor, call, cluster, applicant)
    region = _choose_region(call, cluster, region)
    _check_sector(call, sector)
    for _attempt in range(5):  # two drafts created at the same moment may take the same number
        try:
            with transaction.atomic():
                application = Application.objects.create(
                    call=call, number=_next_number(call), title=title[:300], cluster=cluster,
                    applicant=applicant, region=region, sector=sector, summary=(summary or "").strip(),
                    created_by=actor, revision=0,
                )  # fmt: skip
                revision_record(application=application, actor=actor)
                return application
        except IntegrityError:
            continue
    raise RuntimeError("could not number the application; try again")


# ------------------------------------------------------------------------------------ fields and answers


def clean_answer(question: FormQuestion, raw: Any) -> Any:
    """An answer as stored: text stripped, a number as a decimal string, yes/no as a boolean; None for no
    answer. Raises ValidationError naming the question and what is allowed."""
    label = question_label(question)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if question.kind == QuestionKind.YES_NO:
        text = str(raw).strip().lower()
        if raw is True or text in {"yes", "true", "1", "да"}:
            return True
        if raw is False or text in {"no", "false", "0", "нет"}:
            return False
        raise ValidationError(_("“%(question)s”: answer yes or no.") % {"question": label})
    if question.kind == QuestionKind.NUMBER:
        text = str(raw).strip().replace("\xa0", "").replace(" ", "").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValidationError(
                _("“%(question)s”: “%(value)s” is not a number.") % {"question": label, "value": raw}
            )
        return format(number.normalize(), "f") if number == number.to_integral() else format(number, "f")
    text = str(raw).strip()
    if question.kind == QuestionKind.TEXT:
        text = " ".join(text.split())
    if question.max_length and len(text) > question.max_length:
        raise ValidationError(
            _("“%(question)s”: the answer has %(length)s characters; at most %(max)s are allowed.")
            % {"question": label, "length": len(text), "max": question.max_length}
        )
    return text


def answers_clean(questions: Iterable[FormQuestion], raw: Mapping[str, Any]) -> dict[str, Any]:
    """The answers to ``questions`` from ``raw`` (by question key), every problem reported at once as
    ``answers.<key>``. Answers to other keys are refused."""
    questions = list(questions)
    known = {q.key for q in questions}
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(raw) - known)
    if unknown:
        errors["answers"] = [
            _("No such questions in this call: %(keys)s; the questions are: %(allowed)s.")
            % {"keys": ", ".join(unknown), "allowed": ", ".join(sorted(known)) or "—"}
        ]
    answers = {}
    for question in questions:
        try:
            value = clean_answer(question, raw.get(question.key))
        except ValidationError as error:
            errors[f"answers.{question.key}"] = error.messages
            continue
        if value is not None:
            answers[question.key] = value
    if errors:
        raise ValidationError(errors)
    return answers


def _clean_floor(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        floor = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise _invalid("floor", _("The least viable amount is a sum of money in roubles.")) from None
    if floor <= 0 or floor > MAX_AMOUNT:
        raise _invalid(
            "floor",
            _(
                "The least viable amount must be above 0 and at most %(max)s; leave it empty for all or "
                "nothing."
            )
            % {"max": format_roubles(MAX_AMOUNT)},
        )
    return floor


def _merge(errors: dict[str, list[str]], error: ValidationError) -> None:
    for key, messages in error.message_dict.items():
        errors.setdefault(key, []).extend(messages)


def application_update(
    *, actor: Any, application: Application, data: Mapping[str, Any], answers: Mapping[str, Any] | None = None
) -> Application:
    """Change a draft's fields (``title``, ``summary``, ``sector``, ``floor``, ``region``) and, when given,
    its answers (all of them: a question left out is unanswered). Every problem is reported at once."""
    require(actor, "application.edit", application)
    unknown = set(data) - set(APPLICATION_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}; allowed: {sorted(APPLICATION_FIELDS)}")
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application.pk)
        )
        errors: dict[str, list[str]] = {}
        call = application.call
        if "title" in data:
            title = (data["title"] or "").strip()
            if title:
                application.title = title[:300]
            else:
                errors["title"] = [_("Give the project a title.")]
        if "summary" in data:
            application.summary = (data["summary"] or "").strip()
        steps = {
            "sector": lambda: _check_sector(call, data["sector"]) or data["sector"],
            "floor": lambda: _clean_floor(data["floor"]),
            "region": lambda: _choose_region(call, application.cluster, data["region"]),
        }
        for name, step in steps.items():
            if name not in data:
                continue
            try:
                setattr(application, name, step())
            except ValidationError as error:
                _merge(errors, error)
        if answers is not None:
            try:
                application.answers = answers_clean(call.questions.all(), answers)
            except ValidationError as error:
                _merge(errors, error)
        if errors:
            raise ValidationError(errors)
        application.save()
        revision_record(application=application, actor=actor)
    return application


# ---------------------------------------------------------------------------------------- co-applicants


def co_applicant_add(
    *, actor: Any, application: Application, organisation: Organisation, role: str = ""
) -> CoApplicant:
    """Add an organisation of the registry as a co-applicant, with its role in the project."""
    require(actor, "application.edit", application)
    with transaction.atomic():
        if organisation.pk == application.applicant_id:
            raise _invalid(
                "organisation",
                _("%(organisation)s is the applicant; a co-applicant is another organisation.")
                % {"organisation": organisation},
            )
        if application.partners.filter(organisation=organisation).exists():
            raise _invalid(
                "organisation",
                _("%(organisation)s is a co-applicant already.") % {"organisation": organisation},
            )
        partner = CoApplicant.objects.create(
            application=application, organisation=organisation, role=(role or "").strip()[:200]
        )
        revision_record(application=application, actor=actor)
    return partner


def co_applicant_remove(*, actor: Any, co_applicant: CoApplicant) -> None:
    application = co_applicant.application
    require(actor, "application.edit", application)
    with transaction.atomic():
        co_applicant.delete()
        revision_record(application=application, actor=actor)


# ----------------------------------------------------------------------------------------- budget save


def parse_amount(value: Any) -> Decimal:
    """An amount typed by a person: spaces (also no-break) and a decimal comma allowed; empty is 0."""
    if value is None:
        return ZERO
    text = str(value).strip().replace("\xa0", "").replace(" ", "").replace(",", ".")
    if not text:
        return ZERO
    amount = Decimal(text)  # InvalidOperation for the caller to report
    if not amount.is_finite():
        raise InvalidOperation(text)
    return amount.quantize(Decimal("0.01"))


def budget_save(*, actor: Any, application: Application, cells: Mapping[tuple[str, int], Amounts]) -> Budget:
    """Replace the draft's budget with ``cells`` ((line key, year) -> amounts; empty cells are dropped).

    Cells off the grid and negative amounts are refused (nothing is saved); the other rules of the call
    are reported in the returned budget's problems and enforced at submission."""
    require(actor, "application.edit", application)
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application.pk)
        )
        call = application.call
        lines = call_lines(call)
        budget = budget_evaluate(call=call, lines=lines, cells=cells)
        hard = [p for p in budget.problems if p.hard]
        if hard:
            raise problems_error(hard)
        by_key = {line.key: line for line in lines}
        current = {(i.line.key, i.year): i for i in application.budget.select_related("line")}
        for key, item in current.items():
            if key not in cells or cells[key].is_zero():
                item.delete()
        for (line_key, year), amounts in cells.items():
            if amounts.is_zero():
                continue
            item = current.get((line_key, year)) or BudgetItem(
                application=application, line=by_key[line_key], year=year
            )
            if (item.federal, item.regional, item.own) != (amounts.federal, amounts.regional, amounts.own):
                item.federal, item.regional, item.own = amounts.federal, amounts.regional, amounts.own
                item.save()
        revision_record(application=application, actor=actor)
    return application_budget(application)


# ---------------------------------------------------------------------------------------------- checks


def _answer_problems(questions: Sequence[FormQuestion], answers: Mapping[str, Any]) -> list[Problem]:
    problems = []
    for question in questions:
        value = answers.get(question.key)
        if question.required and (value is None or value == ""):
            problems.append(
                Problem(
                    f"answers.{question.key}",
                    _("“%(question)s” is required; answer it.") % {"question": question_label(question)},
                )
            )
            continue
        if value is None:
            continue
        try:
            clean_answer(question, value)
        except ValidationError as error:
            problems.append(Problem(f"answers.{question.key}", error.messages[0]))
    return problems


def application_problems(application: Application, *, now=None) -> list[Problem]:
    """Everything that stops ``application`` from being submitted, each naming its field: the deadline,
    the fields, the eligibility, the required answers and the budget's rules."""
    now = now or timezone.now()
    call = application.call
    problems: list[Problem] = []
    if not call.is_open(now):
        problems.append(
            Problem(
                "deadline",
                _("The call is not open for applications: its deadline has passed or it has not opened."),
            )
            if now >= call.closes_at or now < call.opens_at
            else Problem("deadline", _("The call is not published."))
        )
    if not application.title.strip():
        problems.append(Problem("title", _("Give the project a title.")))
    if not application.summary.strip():
        problems.append(Problem("summary", _("Describe the project in the summary.")))
    if application.sector_id is None and call.sectors.exists():
        allowed = ", ".join(str(s) for s in call.sectors.all())
        problems.append(
            Problem(
                "sector", _("Choose the sector; the call's sectors are: %(allowed)s.") % {"allowed": allowed}
            )
        )
    eligible_clusters = set(call.eligible_clusters.values_list("pk", flat=True))
    if eligible_clusters and application.cluster_id not in eligible_clusters:
        problems.append(
            Problem("cluster", _("The call is not open to %(cluster)s.") % {"cluster": application.cluster})
        )
    if application.region_id not in {r.pk for r in regions_for(call, application.cluster)}:
        problems.append(
            Problem(
                "region",
                _("%(region)s is not a region of the cluster that the call admits.")
                % {"region": application.region},
            )
        )
    questions = list(call.questions.order_by("position", "key"))
    problems += _answer_problems(questions, application.answers or {})
    budget = application_budget(application)
    problems += budget.problems
    if budget.total.federal <= 0:
        problems.append(
            Problem("budget", _("The budget requests no federal subsidy; fill in the federal column."))
        )
    if application.floor is not None and application.floor > budget.total.federal:
        problems.append(
            Problem(
                "floor",
                _("The least viable amount, %(floor)s, is more than the federal request, %(federal)s.")
                % {
                    "floor": format_roubles(application.floor),
                    "federal": format_roubles(budget.total.federal),
                },
            )
        )
    return problems


def _transition(application: Application, key: str) -> Transition | None:
    return (
        Transition.objects.select_related("source", "target")
        .filter(call_id=application.call_id, key=key)
        .first()
    )


def application_submit(*, actor: Any, application: Application, comment: str = "") -> Application:
    """Submit a draft: every problem (:func:`application_problems`) is reported at once, by field; then
    the workflow's ``submit`` transition is taken (the applicants are notified)."""
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call", "cluster", "region")
            .get(pk=application.pk)
        )
        transition = _transition(application, "submit")
        if transition is None or transition.source.key != application.state:
            raise _invalid("state", _("Only a draft is submitted; this application is past that."))
        problems = application_problems(application)
        if problems and check(actor, "application.view", application):
            raise problems_error(problems)
        require(actor, "application.transition", (application, transition))
        return take_transition(actor=actor, application=application, key="submit", comment=comment)


def application_withdraw(*, actor: Any, application: Application, comment: str = "") -> Application:
    """Withdraw the application by the applicants' transition from its state to ``withdrawn``."""
    application = Application.objects.get(pk=application.pk)
    transition = (
        Transition.objects.filter(
            call_id=application.call_id,
            source__key=application.state,
            target__key="withdrawn",
            actor="applicant",
        )
        .order_by("key")
        .first()
    )
    if transition is None:
        raise _invalid("state", _("The application can no longer be withdrawn."))
    return take_transition(actor=actor, application=application, key=transition.key, comment=comment)


def application_transition(
    *, actor: Any, application: Application, key: str, comment: str = ""
) -> Application:
    """Take the transition ``key``: submission with its checks, anything else straight through the
    workflow (which checks who may take it)."""
    comment = (comment or "").strip()
    if key == "submit":
        return application_submit(actor=actor, application=application, comment=comment)
    return take_transition(actor=actor, application=application, key=key, comment=comment)


# -------------------------------------------------------------------------------------------- revisions


def application_snapshot(application: Application) -> dict[str, Any]:
    """The application as saved: its fields, answers, budget, co-applicants and attachments, as JSON."""
    budget = [
        {
            "line": i.line.key,
            "year": i.year,
            "federal": str(i.federal),
            "regional": str(i.regional),
            "own": str(i.own),
        }
        for i in application.budget.select_related("line").order_by("line__position", "line__key", "year")
    ]
    partners = [
        {"organisation": p.organisation.key, "name": str(p.organisation), "role": p.role}
        for p in application.partners.select_related("organisation").order_by("organisation__key")
    ]
    attachments = [
        {"title": a.title, "name": Path(a.file.name).name, "size": a.size, "sha256": a.sha256}
        for a in application.attachments.order_by("uploaded_at", "pk")
    ]
    return {
        "fields": {
            "title": application.title,
            "summary": application.summary,
            "cluster": application.cluster.key,
            "applicant": application.applicant.key,
            "region": application.region_id,
            "sector": application.sector.key if application.sector_id else None,
            "floor": None
            if application.floor is None
            else str(Decimal(application.floor).quantize(Decimal("0.01"))),
        },
        "answers": dict(sorted((application.answers or {}).items())),
        "budget": budget,
        "co_applicants": partners,
        "attachments": attachments,
    }


def revision_record(*, application: Application, actor: Any) -> Revision | None:
    """Keep the application as it is now in the database, unless it is the same as the last revision."""
    stored = Application.objects.select_related("cluster", "applicant", "sector").get(pk=application.pk)
    snapshot = application_snapshot(stored)
    last = application.revisions.order_by("-number").first()
    if last is not None and last.snapshot == snapshot:
        return None
    number = (last.number if last else 0) + 1
    revision = Revision.objects.create(
        application=application,
        number=number,
        saved_by=actor if is_authenticated(actor) else None,
        snapshot=snapshot,
    )
    Application.objects.filter(pk=application.pk).update(revision=number)
    application.revision = number
    return revision


@dataclass(frozen=True)
class Change:
    what: str
    old: str
    new: str


def _flatten(snapshot: Mapping[str, Any], call: Call) -> dict[tuple, tuple[str, str]]:
    """(path) -> (label, shown value) of a snapshot, labels in the active language."""
    from ..models import Application as A

    out: dict[tuple, tuple[str, str]] = {}
    labels = {
        "title": A._meta.get_field("title").verbose_name,
        "summary": A._meta.get_field("summary").verbose_name,
        "cluster": A._meta.get_field("cluster").verbose_name,
        "applicant": A._meta.get_field("applicant").verbose_name,
        "region": A._meta.get_field("region").verbose_name,
        "sector": A._meta.get_field("sector").verbose_name,
        "floor": A._meta.get_field("floor").verbose_name,
    }
    for name, value in (snapshot.get("fields") or {}).items():
        shown = (
            format_roubles(value)
            if name == "floor" and value is not None
            else ("—" if value is None else str(value))
        )
        out[("fields", name)] = (str(labels.get(name, name)).capitalize(), shown)
    questions = {q.key: question_label(q) for q in call.questions.all()}
    for key, value in (snapshot.get("answers") or {}).items():
        shown = (_("yes") if value else _("no")) if isinstance(value, bool) else str(value)
        out[("answers", key)] = (_("Answer: %(question)s") % {"question": questions.get(key, key)}, shown)
    lines = {line.key: str(line) for line in call.lines.all()}
    for cell in snapshot.get("budget") or []:
        for column in COLUMNS:
            label = _("Budget: %(line)s, %(year)s, %(column)s") % {
                "line": lines.get(cell["line"], cell["line"]),
                "year": cell["year"],
                "column": column_label(column),
            }
            out[("budget", cell["line"], cell["year"], column)] = (label, format_roubles(cell[column]))
    for partner in snapshot.get("co_applicants") or []:
        label = _("Co-applicant: %(organisation)s") % {"organisation": partner["name"]}
        out[("co_applicants", partner["organisation"])] = (label, partner["role"] or _("(no role given)"))
    for attachment in snapshot.get("attachments") or []:
        label = _("Attachment: %(title)s") % {"title": attachment["title"]}
        out[("attachments", attachment["sha256"], attachment["name"])] = (label, attachment["name"])
    return out


def revision_changes(*, call: Call, old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[Change]:
    """What changed from snapshot ``old`` (None: nothing before) to ``new``, in a stable order; a budget
    cell that appears or disappears counts from or to zero."""
    before = _flatten(old or {}, call)
    after = _flatten(new, call)
    zero = format_roubles(0)
    changes = []
    for path in list(before) + [p for p in after if p not in before]:
        label = (after.get(path) or before.get(path))[0]
        empty = zero if path[0] == "budget" else "—"
        was = before[path][1] if path in before else empty
        now = after[path][1] if path in after else empty
        if was != now:
            changes.append(Change(label, was, now))
    return changes


# ------------------------------------------------------------------------------------ screening checks


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    ok: bool
    detail: str = ""


def screening_checklists(call: Call, applications: Sequence[Application]) -> dict[int, list[Check]]:
    """The eligibility screening checklist of each application, computed from the data in a fixed number
    of queries: the cluster and the region are eligible, the applicant is a current member of the
    cluster, the budget keeps the rules, the required questions are answered, attachments are present,
    and it was submitted before the deadline."""
    ids = [a.pk for a in applications]
    eligible_clusters = set(call.eligible_clusters.values_list("pk", flat=True))
    eligible_regions = set(call.eligible_regions.values_list("pk", flat=True))
    lines = call_lines(call)
    questions = list(call.questions.order_by("position", "key"))
    cells: dict[int, dict[tuple[str, int], Amounts]] = defaultdict(dict)
    for item in BudgetItem.objects.filter(application_id__in=ids).select_related("line"):
        cells[item.application_id][(item.line.key, item.year)] = Amounts(
            item.federal, item.regional, item.own
        )
    attachments = dict(
        Attachment.objects.filter(application_id__in=ids)
        .values("application_id")
        .annotate(n=Count("pk"))
        .values_list("application_id", "n")
    )
    clusters = {a.cluster_id for a in applications}
    members = set(
        Membership.objects.filter(_current(), cluster_id__in=clusters).values_list(
            "cluster_id", "organisation_id"
        )
    )
    cluster_regions = set(
        Cluster.regions.through.objects.filter(cluster_id__in=clusters).values_list("cluster_id", "region_id")
    )
    out = {}
    for application in applications:
        checks = []
        cluster_ok = not eligible_clusters or application.cluster_id in eligible_clusters
        checks.append(
            Check(
                "cluster",
                _("The call is open to the cluster"),
                cluster_ok,
                ""
                if cluster_ok
                else _("%(cluster)s is not among the call's clusters.") % {"cluster": application.cluster},
            )
        )
        region_ok = (application.cluster_id, application.region_id) in cluster_regions and (
            not eligible_regions or application.region_id in eligible_regions
        )
        checks.append(
            Check(
                "region",
                _("The region is the cluster's and the call admits it"),
                region_ok,
                "" if region_ok else _("%(region)s is not admitted.") % {"region": application.region},
            )
        )
        member_ok = (application.cluster_id, application.applicant_id) in members
        checks.append(
            Check(
                "applicant",
                _("The applicant is a current member of the cluster"),
                member_ok,
                ""
                if member_ok
                else _("%(organisation)s is not a current member.") % {"organisation": application.applicant},
            )
        )
        budget = budget_evaluate(call=call, lines=lines, cells=cells.get(application.pk, {}))
        budget_messages = [p.message for p in budget.problems]
        if budget.total.federal <= 0:
            budget_messages.append(_("The budget requests no federal subsidy."))
        checks.append(
            Check(
                "budget",
                _("The budget keeps the call's rules"),
                not budget_messages,
                " ".join(budget_messages),
            )
        )
        missing = [p.message for p in _answer_problems(questions, application.answers or {})]
        checks.append(
            Check("answers", _("The required questions are answered"), not missing, " ".join(missing))
        )
        count = attachments.get(application.pk, 0)
        checks.append(
            Check(
                "attachments",
                _("Attachments are present"),
                count > 0,
                _("%(count)s attached.") % {"count": count},
            )
        )
        on_time = application.submitted_at is not None and application.submitted_at <= call.closes_at
        checks.append(
            Check(
                "deadline",
                _("Submitted before the deadline"),
                on_time,
                "" if application.submitted_at else _("Not submitted."),
            )
        )
        out[application.pk] = checks
    return out


# ------------------------------------------------------------------------------------------- selectors


def applications_of(user: Any, *, call: Call | None = None) -> QuerySet[Application]:
    """The applications ``user`` speaks for: authored, of a cluster they manage, or of an organisation
    they represent as applicant or co-applicant (the ``application.view`` rule for applicants)."""
    if not is_authenticated(user):
        return Application.objects.none()
    condition = Q(created_by=user) | Q(cluster_id__in=user.managed_cluster_ids())
    organisations = user.represented_organisation_ids()
    if organisations:
        condition |= Q(applicant_id__in=organisations) | Q(partners__organisation_id__in=organisations)
    applications = Application.objects.filter(condition)
    if call is not None:
        applications = applications.filter(call=call)
    return (
        applications.select_related("call", "cluster", "applicant")
        .distinct()
        .order_by("-created_at", "number")
    )


def state_names(call: Call) -> dict[str, str]:
    return {s.key: str(s) for s in WorkflowState.objects.filter(call=call).order_by("position")}


def call_applications(
    *, call: Call, state: str = "", sector: Sector | None = None, cluster: Cluster | None = None
) -> QuerySet[Application]:
    """The call's applications for the officers, filtered, with their requested totals."""
    applications = Application.objects.filter(call=call)
    if state:
        applications = applications.filter(state=state)
    if sector is not None:
        applications = applications.filter(sector=sector)
    if cluster is not None:
        applications = applications.filter(cluster=cluster)
    return (
        applications.select_related("cluster", "applicant", "sector", "region")
        .annotate(federal=Sum("budget__federal"), regional=Sum("budget__regional"), own=Sum("budget__own"))
        .order_by("number")
    )


def state_counts(call: Call) -> list[tuple[str, str, int]]:
    """(state, its name, applications in it) for every state of the call's workflow, in order."""
    counts = dict(Application.objects.filter(call=call).values_list("state").annotate(n=Count("pk")))
    return [(key, name, counts.get(key, 0)) for key, name in state_names(call).items()]


def requested_totals(applications: QuerySet[Application]) -> Amounts:
    totals = BudgetItem.objects.filter(application__in=applications.values("pk")).aggregate(
        federal=Sum("federal"), regional=Sum("regional"), own=Sum("own")
    )
    return Amounts(*(totals[c] or ZERO for c in COLUMNS))


# ---------------------------------------------------------------------------------------- notifications


def notifications_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications (those of ``ids``, or all) read; returns how many."""
    if not is_authenticated(user):
        return 0
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
