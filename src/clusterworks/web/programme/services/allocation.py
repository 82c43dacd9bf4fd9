"""The allocation of a call's envelope, from the applications' scores, by
:mod:`clusterworks.analytics.allocation`: the exact optimum (a MIP solved by HiGHS), the greedy-by-score
baseline for comparison and the envelope's sensitivity at -10 % and +10 %.

What goes in, per application before the commission (states in :data:`ALLOCATION_STATES`):

* **score** -- :func:`..scores.application_scores` by the run's method (robust by default). Raw and
  robust scores are on 0-100; a negative robust score (possible for a very poor application under a
  lenient reviewer) counts as 0. z-scores have no 0-100 scale and may be negative, so the allocation
  weighs them as **T-scores**, ``50 + 10 z`` (at least 0), on which 50 is the average application; the
  call's minimum score is compared with the score the allocation uses. Applications without a submitted
  review have no score and are left out (listed on the page);
* **requested** -- the federal request, the sum of ``BudgetItem.federal``; applications requesting
  nothing are left out (listed);
* **floor** -- ``Application.floor`` (the least viable federal amount), else the request (all or
  nothing); a floor above the request counts as all or nothing;
* **cluster** and **sector** -- for the call's cap per cluster and the sector quotas
  (``Sector.min_share`` / ``max_share``, per cent of the envelope).

Amounts go to the library in whole kopecks (:func:`..models.kopecks`), so the awards add up exactly; a
run stores every application's award, status and reason code (:class:`AllocationLine`) and a summary
(the greedy allocation and the gain over it, the sensitivity cases: who enters, leaves, changes). The
reason codes are put into words, in the reader's language, by :func:`reason_text`.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterworks.analytics import allocation as lib
from clusterworks.web.core.permissions import require

from ..models import (
    AllocationLine,
    AllocationRun,
    Application,
    Award,
    BudgetItem,
    Call,
    Conflict,
    Sector,
    kopecks,
    roubles,
)
from . import scores as scores_service

#: applications that take part in an allocation: before the commission, or decided to be funded
ALLOCATION_STATES = ("commission", "funded", "partly_funded")
#: a sector counts as biotech, pharma or medical when its key contains one of these
LIFE_SCIENCE_MARKERS = ("bio", "pharm", "med")
#: envelope factors of the sensitivity analysis
SENSITIVITY_FACTORS = (0.9, 1.1)


def is_life_science(sector_key: str) -> bool:
    """Whether a sector (by its key) is one of biotechnology, pharmaceuticals and medicine."""
    return any(marker in sector_key for marker in LIFE_SCIENCE_MARKERS)


# ------------------------------------------------------------------------------------- the inputs


@dataclass(frozen=True)
class Inputs:
    """What the library gets, and what was left out: applications by id without a score, without a
    federal request."""

    applications: list[lib.Application]
    rules: lib.AllocationRules
    envelope: int
    unscored: list[int]
    no_request: list[int]


def allocation_score(value: float, method: str) -> float:
    """The weight of an application in the allocation: the score, at least 0; for ``z`` the T-score
    ``50 + 10 z``. Rounded to 6 decimals, so that floating-point noise in the mean (59.99999999999999
    for 60) never decides against the minimum score."""
    if method == "z":
        value = 50.0 + 10.0 * value
    return round(max(0.0, float(value)), 6)


def federal_requests(application_ids: Iterable[int]) -> dict[int, Decimal]:
    """Each application's federal request (sum of its budget's federal column), in roubles."""
    rows = (
        BudgetItem.objects.filter(application_id__in=list(application_ids))
        .values("application_id")
        .annotate(total=Sum("federal"))
    )
    return {row["application_id"]: row["total"] or Decimal(0) for row in rows}


def _share(percent: Decimal | None) -> Fraction | None:
    return None if percent is None else Fraction(str(percent)) / 100


def allocation_rules(call: Call) -> lib.AllocationRules:
    """The call's rules for the library: minimum score, cap per cluster, sector quotas."""
    quotas = {
        sector.key: lib.SectorQuota(min_share=_share(sector.min_share), max_share=_share(sector.max_share))
        for sector in Sector.objects.filter(call=call)
        if sector.min_share is not None or sector.max_share is not None
    }
    return lib.AllocationRules(
        min_score=float(call.min_score) if call.min_score else None,
        cluster_cap=kopecks(call.cap_per_cluster) if call.cap_per_cluster is not None else None,
        sector_quotas=quotas,
    )


def allocation_inputs(*, call: Call, score_method: str = "robust") -> Inputs:
    """The applications of ``call`` as the allocation library takes them, with the call's rules."""
    scores = scores_service.application_scores(call=call, method=score_method)
    applications = list(
        Application.objects.filter(call=call, state__in=ALLOCATION_STATES)
        .select_related("sector")
        .order_by("number")
    )
    requests = federal_requests(a.pk for a in applications)
    items, unscored, no_request = [], [], []
    for application in applications:
        requested = kopecks(requests.get(application.pk))
        if application.pk not in scores:
            unscored.append(application.pk)
            continue
        if requested < 1:
            no_request.append(application.pk)
            continue
        floor = kopecks(application.floor) if application.floor is not None else requested
        items.append(
            lib.Application(
                id=application.pk,
                requested=requested,
                floor=floor if floor <= requested else requested,
                score=allocation_score(scores[application.pk], score_method),
                cluster=application.cluster_id,
                sector=application.sector.key if application.sector_id else None,
            )
        )
    return Inputs(items, allocation_rules(call), kopecks(call.envelope), unscored, no_request)


# ---------------------------------------------------------------------------------------- running


def _plain(allocation: lib.Allocation) -> dict[str, Any]:
    return {
        "objective": allocation.objective / 100,
        "total": allocation.total_awarded,
        "awarded": {str(a.application): a.awarded for a in allocation.awards},
        "reasons": {str(a.application): a.reason for a in allocation.awards},
        "unmet_minimums": {str(s): amount for s, amount in allocation.unmet_minimums.items()},
    }


def _sensitivity(result: lib.EnvelopeSensitivity) -> list[dict[str, Any]]:
    return [
        {
            "factor": case.factor,
            "envelope": case.envelope,
            "objective": None if case.objective is None else case.objective / 100,
            "total": case.total_awarded,
            "entered": list(case.entered),
            "left": list(case.left),
            "changed": [list(change) for change in case.changed],
            "error": case.error,
        }
        for case in result.cases
    ]


def allocation_run(*, actor: Any, call: Call, score_method: str = "robust") -> AllocationRun:
    """Allocate the envelope of ``call`` exactly and store the run (not adopted).

    Raises ``ValidationError`` naming the field: ``score_method`` for an unknown method, ``call`` when no
    application can be allocated yet, ``rules`` when the call's rules cannot all be met (the library's
    message names the rules and the amounts).
    """
    require(actor, "call.manage", call)
    if score_method not in scores_service.METHODS:
        raise ValidationError(
            {
                "score_method": _("Unknown score method “%(method)s”; allowed: %(allowed)s.")
                % {"method": score_method, "allowed": ", ".join(scores_service.METHODS)}
            }
        )
    inputs = allocation_inputs(call=call, score_method=score_method)
    if not inputs.applications:
        raise ValidationError(
            {
                "call": _(
                    "No application of this call has both a score from a submitted review and a federal "
                    "request, so there is nothing to allocate yet."
                )
            }
        )
    started = time.perf_counter()
    try:
        exact = lib.allocate(inputs.applications, envelope=inputs.envelope, rules=inputs.rules,
                             amount_decimals=2)  # fmt: skip
        greedy = lib.greedy_allocation(inputs.applications, envelope=inputs.envelope, rules=inputs.rules,
                                       amount_decimals=2)  # fmt: skip
        sensitivity = lib.envelope_sensitivity(
            inputs.applications, envelope=inputs.envelope, rules=inputs.rules, base=exact,
            factors=SENSITIVITY_FACTORS, amount_decimals=2,
        )  # fmt: skip
    except lib.InfeasibleAllocation as error:
        raise ValidationError({"rules": str(error)}) from error
    seconds = time.perf_counter() - started
    gain = exact.objective - greedy.objective
    summary = {
        "greedy": _plain(greedy),
        "gain": gain / 100,
        "gain_share": gain / greedy.objective if greedy.objective else None,
        "sensitivity": _sensitivity(sensitivity),
        "floors": {str(a.id): a.floor for a in inputs.applications},
        "total": exact.total_awarded,
        "sector_limits": {str(s): list(limits) for s, limits in exact.sector_limits.items()},
        "cluster_caps": {str(c): cap for c, cap in exact.cluster_caps.items()},
        "unscored": inputs.unscored,
        "no_request": inputs.no_request,
        "solver": {"status": exact.solver.status, "nodes": exact.solver.nodes, "gap": exact.solver.gap},
    }
    with transaction.atomic():
        run = AllocationRun.objects.create(
            call=call, method="exact", envelope=call.envelope, score_method=score_method,
            objective=exact.objective / 100, optimal=exact.optimal, seconds=seconds, summary=summary,
            created_by=actor,
        )  # fmt: skip
        AllocationLine.objects.bulk_create(
            AllocationLine(
                run=run,
                application_id=award.application,
                score=award.score,
                requested=roubles(award.requested),
                awarded=roubles(award.awarded),
                status=award.status,
                reason=award.reason,
                explanation=award.text,
            )  # fmt: skip
            for award in exact.awards
        )
    return run


def allocation_adopt(*, actor: Any, run: AllocationRun) -> AllocationRun:
    """Adopt ``run`` as the call's allocation (the one the commission's decisions and the awards follow);
    any other adopted run of the call is unadopted. Refused once awards are made from an allocation."""
    require(actor, "commission.manage", run.call)
    with transaction.atomic():
        if Award.objects.filter(application__call_id=run.call_id).exists():
            raise ValidationError(
                {"run": _("Awards have been made from the adopted allocation; it can no longer change.")}
            )
        AllocationRun.objects.filter(call_id=run.call_id, adopted=True).exclude(pk=run.pk).update(
            adopted=False
        )
        if not run.adopted:
            run.adopted = True
            run.save(update_fields=["adopted"])
    return run


def adopted_run(*, call: Call) -> AllocationRun | None:
    return AllocationRun.objects.filter(call=call, adopted=True).first()


def adopted_lines(*, call: Call) -> dict[int, AllocationLine]:
    """The adopted allocation's line per application id (empty when none is adopted)."""
    return {
        line.application_id: line for line in AllocationLine.objects.filter(run__call=call, run__adopted=True)
    }


# --------------------------------------------------------------------------------- reasons in words

_ENVELOPE, _CAP, _SECTOR = lib.ENVELOPE, lib.CLUSTER_CAP, lib.SECTOR_MAX

#: (status, the rules that bind) -> the reason in words; one full sentence each
_CUT_TEXT = {
    ("partial", frozenset({_ENVELOPE})): gettext_lazy("Funded in part: the envelope is used up."),
    ("partial", frozenset({_CAP})): gettext_lazy("Funded in part: the cluster's cap is reached."),
    ("partial", frozenset({_SECTOR})): gettext_lazy("Funded in part: the sector's maximum is reached."),
    ("partial", frozenset({_ENVELOPE, _CAP})): gettext_lazy(
        "Funded in part: the envelope is used up and the cluster's cap is reached."
    ),
    ("partial", frozenset({_ENVELOPE, _SECTOR})): gettext_lazy(
        "Funded in part: the envelope is used up and the sector's maximum is reached."
    ),
    ("partial", frozenset({_CAP, _SECTOR})): gettext_lazy(
        "Funded in part: the cluster's cap and the sector's maximum are reached."
    ),
    ("partial", frozenset({_ENVELOPE, _CAP, _SECTOR})): gettext_lazy(
        "Funded in part: the envelope is used up, and the cluster's cap and the sector's maximum are reached."
    ),
    ("none", frozenset({_ENVELOPE})): gettext_lazy(
        "Not funded: what is left of the envelope is less than the least viable amount."
    ),
    ("none", frozenset({_CAP})): gettext_lazy(
        "Not funded: what is left of the cluster's cap is less than the least viable amount."
    ),
    ("none", frozenset({_SECTOR})): gettext_lazy(
        "Not funded: what is left of the sector's maximum is less than the least viable amount."
    ),
    ("none", frozenset({_ENVELOPE, _CAP})): gettext_lazy(
        "Not funded: what is left of the envelope and of the cluster's cap is less than the least viable "
        "amount."
    ),
    ("none", frozenset({_ENVELOPE, _SECTOR})): gettext_lazy(
        "Not funded: what is left of the envelope and of the sector's maximum is less than the least "
        "viable amount."
    ),
    ("none", frozenset({_CAP, _SECTOR})): gettext_lazy(
        "Not funded: what is left of the cluster's cap and of the sector's maximum is less than the "
        "least viable amount."
    ),
    ("none", frozenset({_ENVELOPE, _CAP, _SECTOR})): gettext_lazy(
        "Not funded: what is left of the envelope, of the cluster's cap and of the sector's maximum is "
        "less than the least viable amount."
    ),
}
_PLAIN_TEXT = {
    lib.FUNDED_IN_FULL: gettext_lazy("Funded in full."),
    lib.BELOW_MIN_SCORE: gettext_lazy("Not funded: the score is below the call's minimum score."),
    lib.NO_GAIN: gettext_lazy("Not funded: with a score of 0 it would add nothing to the total."),
}
_STATUS_TEXT = {
    "full": gettext_lazy("funded in full"),
    "partial": gettext_lazy("funded in part"),
    "none": gettext_lazy("not funded"),
}
_CUT_PREFIX = "cut-by-"


def status_text(status: str) -> str:
    """An allocation status (``full``, ``partial``, ``none``) in words."""
    return str(_STATUS_TEXT.get(status, status))


_CODES = {"envelope": _ENVELOPE, "cluster-cap": _CAP, "sector-max": _SECTOR}


def reason_text(status: str, reason: str) -> str:
    """The reason code of an allocation (``funded-in-full``, ``cut-by-envelope+cluster-cap``, ...) in
    words, in the active language; an unknown code is shown as it is."""
    if reason in _PLAIN_TEXT:
        return str(_PLAIN_TEXT[reason])
    if reason.startswith(_CUT_PREFIX):
        codes = reason[len(_CUT_PREFIX) :].split("+")
        if all(code in _CODES for code in codes):
            text = _CUT_TEXT.get((status, frozenset(_CODES[code] for code in codes)))
            if text is not None:
                return str(text)
    return reason


# ------------------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class Row:
    """One application of a run, for the page."""

    line: AllocationLine
    application: Application | None  # None: hidden (the reader has a conflict of interest with it)
    floor: Decimal
    greedy: Decimal
    reason: str
    life_science: bool


@dataclass(frozen=True)
class GroupTotal:
    """Awarded in a sector or a cluster, against its limits (None: no limit)."""

    label: str
    requested: Decimal
    awarded: Decimal
    greedy: Decimal
    minimum: Decimal | None
    maximum: Decimal | None
    applications: int


@dataclass(frozen=True)
class Case:
    factor: float
    envelope: Decimal
    objective: float | None
    total: Decimal | None
    entered: list[str]
    left: list[str]
    changed: list[tuple[str, Decimal, Decimal]]
    error: str | None


@dataclass(frozen=True)
class AllocationReport:
    run: AllocationRun
    rows: list[Row]
    requested: Decimal
    awarded: Decimal
    left: Decimal
    sectors: list[GroupTotal]
    clusters: list[GroupTotal]
    greedy_objective: float
    greedy_total: Decimal
    gain: float
    gain_share: float | None
    unmet_minimums: dict[str, Decimal]
    cases: list[Case]
    life_science_awarded: Decimal
    life_science_clusters: int
    life_science_share: float | None  # of the awarded total
    life_science_envelope_share: float | None
    unscored: list[Application]
    no_request: list[Application]
    hidden: int


def _amount(kopeck_amount: int | None) -> Decimal | None:
    return None if kopeck_amount is None else roubles(kopeck_amount)


def conflicted_application_ids(*, user: Any, call: Call) -> set[int]:
    """The applications of ``call`` that ``user`` has a conflict of interest with (detected or
    declared)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Conflict.objects.filter(expert=user, application__call=call).values_list("application_id", flat=True)
    )


def allocation_report(*, run: AllocationRun, hidden_ids: Iterable[int] = ()) -> AllocationReport:
    """A run as the allocation page shows it: rows, totals by sector and cluster against the quotas and
    the cap, the greedy comparison, the sensitivity, the biotech/pharma/medical share. Applications in
    ``hidden_ids`` (the reader's conflicts of interest) are shown without their content."""
    hidden_ids = set(hidden_ids)
    summary = run.summary or {}
    lines = list(
        run.lines.select_related("application__cluster", "application__sector", "application__region")
    )
    greedy_awarded = {int(k): v for k, v in summary.get("greedy", {}).get("awarded", {}).items()}
    floors = {int(k): v for k, v in summary.get("floors", {}).items()}
    rows = []
    for line in lines:
        application = line.application
        rows.append(
            Row(
                line=line,
                application=None if line.application_id in hidden_ids else application,
                floor=roubles(floors.get(line.application_id, kopecks(line.requested))),
                greedy=roubles(greedy_awarded.get(line.application_id, 0)),
                reason=reason_text(line.status, line.reason),
                life_science=bool(application.sector_id and is_life_science(application.sector.key)),
            )
        )
    rows.sort(key=lambda r: (-r.line.awarded, -r.line.score, r.line.application.number))

    def group(key_of, label_of, limits_of) -> list[GroupTotal]:
        members: dict[Any, list[Row]] = defaultdict(list)
        for row in rows:
            members[key_of(row.line.application)].append(row)
        totals = []
        for key, group_rows in members.items():
            if key is None:
                continue
            minimum, maximum = limits_of(key)
            totals.append(
                GroupTotal(
                    label=label_of(group_rows[0].line.application),
                    requested=sum((r.line.requested for r in group_rows), Decimal(0)),
                    awarded=sum((r.line.awarded for r in group_rows), Decimal(0)),
                    greedy=sum((r.greedy for r in group_rows), Decimal(0)),
                    minimum=minimum,
                    maximum=maximum,
                    applications=len(group_rows),
                )
            )
        return sorted(totals, key=lambda t: (-t.awarded, t.label))

    sector_limits = summary.get("sector_limits", {})
    cluster_caps = summary.get("cluster_caps", {})
    sectors = group(
        lambda a: a.sector.key if a.sector_id else None,
        lambda a: str(a.sector),
        lambda key: tuple(_amount(v) for v in sector_limits.get(key, (None, None))),
    )
    clusters = group(
        lambda a: a.cluster_id,
        lambda a: str(a.cluster),
        lambda key: (None, _amount(cluster_caps.get(str(key)))),
    )
    numbers = {line.application_id: line.application.number for line in lines}

    def number(application_id: Any) -> str:
        return numbers.get(int(application_id), str(application_id))

    cases = [
        Case(
            factor=case["factor"],
            envelope=roubles(case["envelope"]),
            objective=case["objective"],
            total=_amount(case["total"]),
            entered=[number(a) for a in case["entered"]],
            left=[number(a) for a in case["left"]],
            changed=[(number(a), roubles(before), roubles(after)) for a, before, after in case["changed"]],
            error=case["error"],
        )
        for case in summary.get("sensitivity", [])
    ]
    awarded = sum((r.line.awarded for r in rows), Decimal(0))
    life = [r for r in rows if r.life_science]
    life_awarded = sum((r.line.awarded for r in life), Decimal(0))
    left_out = Application.objects.filter(
        pk__in=[*summary.get("unscored", []), *summary.get("no_request", [])]
    )
    left_by_id = {a.pk: a for a in left_out}
    greedy = summary.get("greedy", {})
    return AllocationReport(
        run=run,
        rows=rows,
        requested=sum((r.line.requested for r in rows), Decimal(0)),
        awarded=awarded,
        left=run.envelope - awarded,
        sectors=sectors,
        clusters=clusters,
        greedy_objective=greedy.get("objective", 0.0),
        greedy_total=roubles(greedy.get("total", 0)),
        gain=summary.get("gain", 0.0),
        gain_share=summary.get("gain_share"),
        unmet_minimums={k: roubles(v) for k, v in greedy.get("unmet_minimums", {}).items()},
        cases=cases,
        life_science_awarded=life_awarded,
        life_science_clusters=len({r.line.application.cluster_id for r in life if r.line.awarded}),
        life_science_share=float(life_awarded / awarded) if awarded else None,
        life_science_envelope_share=float(life_awarded / run.envelope) if run.envelope else None,
        unscored=[left_by_id[pk] for pk in summary.get("unscored", []) if pk in left_by_id],
        no_request=[left_by_id[pk] for pk in summary.get("no_request", []) if pk in left_by_id],
        hidden=sum(1 for r in rows if r.application is None),
    )
