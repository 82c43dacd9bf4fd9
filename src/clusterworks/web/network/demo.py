"""The network demo (illustrative): three partner searches on the board -- one answered, accepted and
recorded as a letter of intent -- and a finished matchmaking event of the Moscow Medical Technologies
Cluster with twelve participants, eight slots, four tables, the requests they made and answered, the
exact schedule published, and a few outcomes that became agreements in the register.

Everything is made through the services, as the users would, each step under its actor. The
organisations other than the demo representative's get an illustrative representative each
(``demo-rep-<key>``, no usable password, like the programme demo's experts). Notifications stay in the
in-app inboxes. Building twice changes nothing: each need is skipped when it exists, and the event when
it exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import timezone

from clusterworks.web.core.audit import acting_as
from clusterworks.web.core.models import RoleAssignment, User
from clusterworks.web.core.roles import Role
from clusterworks.web.programme.services.workflow import in_app_only
from clusterworks.web.registry.models import AgreementKind, Cluster, Competence, Organisation

from .models import EventStatus, MatchmakingEvent, Need, NeedKind, OutcomeKind, RequestStatus, Visibility
from .services import board, events

EVENT_TITLE = "Moscow MedTech brokerage day (illustrative)"

#: the needs: poster, title, kind, wanted types, competence codes, visibility, answerer (or None)
NEEDS = [
    (
        "eurogen",
        "Clinical site for a first-in-human study of a molecular diagnostic kit (illustrative)",
        NeedKind.CLINICAL,
        ["clinical_centre"],
        ["hightech-med-services.clinical-trials"],
        Visibility.CLUSTER,
        "We look for a clinical centre to run the first study of our PCR kit for hereditary disorders "
        "in newborns: about 300 samples over six months, with the ethics committee's approval.",
        "demo-cityclinic",
    ),
    (
        "demo-biosensor",
        "Industrial partner for GMP production of biosensor membranes (illustrative)",
        NeedKind.PARTNER,
        ["company_large", "company_sme"],
        ["med-biotech.gmp-manufacturing"],
        Visibility.CLUSTER,
        "Our implantable glucose sensor needs a GMP site to scale its enzyme membranes from the pilot "
        "line to 10,000 units a year.",
        "demo-pharmaplant",
    ),
    (
        "imagerysoft",
        "Annotated imaging datasets for training diagnostic AI (illustrative)",
        NeedKind.COMPETENCE,
        ["clinical_centre", "university"],
        ["med-equipment.imaging", "med-equipment.software-ai"],
        Visibility.PLATFORM,
        "Depersonalised CT and MRI studies with radiologists' annotations, to train and validate our "
        "decision-support software before registration as a medical device.",
        None,
    ),
]

#: the people who attend, one per participant (illustrative names)
ATTENDEES = [
    "Anna Sidorova", "Pavel Orlov", "Irina Lebedeva", "Oleg Karpov", "Ilya Kuznetsov", "Maria Volkova",
    "Sergei Titov", "Elena Frolova", "Dmitry Markov", "Olga Zaitseva", "Nikolai Belov", "Tatiana Nikitina",
]  # fmt: skip

#: the event's participants: key, what they offer, what they look for
PARTICIPANTS = [
    (
        "rnrmu",
        "Clinical research units, a biobank, training of clinical investigators.",
        "Industrial partners for joint grants.",
    ),
    (
        "msu-ffm",
        "Regenerative medicine, cell models, preclinical imaging.",
        "Clinical sites and manufacturers.",
    ),
    ("ibch-ras", "Recombinant proteins, antibody engineering.", "Partners for scale-up and trials."),
    (
        "rogachev-centre",
        "Paediatric haematology and oncology trials.",
        "Diagnostics and cell-therapy developers.",
    ),
    (
        "eurogen",
        "Fluorescent markers, PCR kits, sequencing services.",
        "A clinical site for a diagnostic kit.",
    ),
    ("imagerysoft", "AI software for medical images.", "Annotated datasets, clinical validation."),
    ("neurobiolab", "Preclinical studies, neurotechnology.", "Imaging software, clinical partners."),
    ("demo-biosensor", "Biosensors and in-vitro diagnostics.", "GMP manufacturing, implant materials."),
    ("demo-implant", "Biocompatible implants, surgical robotics.", "Sensors, clinical trials."),
    (
        "demo-genomed",
        "Molecular diagnostics, personalised medicine.",
        "Reagent suppliers, paediatric cohorts.",
    ),
    ("demo-pharmaplant", "GMP contract manufacturing.", "Products ready to scale up."),
    ("demo-cityclinic", "A clinical trial site with 900 beds.", "Innovative products to trial."),
]

#: requester, invitee, priority, answer (True accepted, False declined, None pending)
REQUESTS = [
    ("eurogen", "demo-cityclinic", 3, True),
    ("demo-cityclinic", "eurogen", 2, True),
    ("imagerysoft", "rnrmu", 2, True),
    ("imagerysoft", "demo-cityclinic", 1, True),
    ("neurobiolab", "msu-ffm", 2, True),
    ("demo-biosensor", "demo-implant", 3, True),
    ("demo-biosensor", "demo-pharmaplant", 2, True),
    ("demo-genomed", "eurogen", 2, True),
    ("demo-genomed", "rogachev-centre", 1, True),
    ("rogachev-centre", "ibch-ras", 2, True),
    ("ibch-ras", "demo-pharmaplant", 1, True),
    ("msu-ffm", "demo-cityclinic", 1, True),
    ("rnrmu", "eurogen", 1, True),
    ("rnrmu", "demo-implant", 1, True),
    ("demo-implant", "demo-cityclinic", 2, True),
    ("neurobiolab", "imagerysoft", 3, True),
    ("demo-pharmaplant", "eurogen", 1, False),
    ("imagerysoft", "demo-genomed", 1, None),
    ("eurogen", "ibch-ras", 2, True),
    ("demo-cityclinic", "rogachev-centre", 1, True),
    ("msu-ffm", "rnrmu", 1, True),
    ("demo-genomed", "demo-biosensor", 2, True),
]

#: outcomes of meetings (either side of the pair), kind, note
OUTCOMES = [
    (
        "eurogen",
        "demo-cityclinic",
        OutcomeKind.LETTER_OF_INTENT,
        "A letter of intent on the first study of the kit.",
    ),
    (
        "demo-biosensor",
        "demo-implant",
        OutcomeKind.AGREEMENT,
        "A cooperation agreement on a sensor-carrying implant.",
    ),
    ("neurobiolab", "imagerysoft", OutcomeKind.LETTER_OF_INTENT, "Joint preclinical imaging pipeline."),
    ("imagerysoft", "rnrmu", OutcomeKind.FOLLOW_UP, "A second meeting with the radiology department."),
    ("demo-genomed", "eurogen", OutcomeKind.FOLLOW_UP, "Reagent prices to be sent."),
    ("demo-biosensor", "demo-pharmaplant", OutcomeKind.NONE, ""),
]

#: participants free only in some slots (0-based slot numbers)
AVAILABILITY = {"rnrmu": range(0, 4), "demo-pharmaplant": range(4, 8)}


def _representative(organisation: Organisation, users: Mapping[str, User]) -> User:
    """A demo user who represents ``organisation``, or its illustrative representative."""
    for user in users.values():
        if organisation.pk in user.represented_organisation_ids():
            return user
    user, created = User.objects.get_or_create(
        username=f"demo-rep-{organisation.key}"[:150],
        defaults={
            "email": f"demo-rep-{organisation.key}@example.org",
            "first_name": "Representative (illustrative)",
        },
    )
    if created:
        user.set_unusable_password()  # illustrative people: only the demo users of the README sign in
        user.save()
    RoleAssignment.objects.get_or_create(
        user=user, role=Role.ORGANISATION_REPRESENTATIVE, organisation=organisation
    )
    user.forget_roles()
    return user


def _as(user: User, call, **kwargs) -> Any:
    with acting_as(user, "demo"):
        return call(actor=user, **kwargs)


def build_network_demo(
    *,
    cluster: Cluster,
    organisations: Mapping[str, Organisation] | Iterable[Organisation],
    users: Mapping[str, User],
) -> None:
    """Build the board's needs and the finished event of ``cluster`` (see the module's docstring).

    ``organisations``: the cluster's members by key (or a list of them); those of ``NEEDS`` and
    ``PARTICIPANTS`` that are missing are left out. ``users``: the demo users by user name; ``manager``
    (a manager of ``cluster``) organises the event, and a user who represents an organisation acts for it.
    """
    orgs = dict(organisations) if isinstance(organisations, Mapping) else {o.key: o for o in organisations}
    manager = users["manager"]
    used = {key for key, *_rest in PARTICIPANTS} | {n[0] for n in NEEDS} | {n[-1] for n in NEEDS if n[-1]}
    reps = {key: _representative(org, users) for key, org in orgs.items() if key in used}
    with in_app_only():
        _needs(orgs, reps)
        if not MatchmakingEvent.objects.filter(cluster=cluster, title=EVENT_TITLE).exists():
            _event(cluster, orgs, reps, manager)


def _needs(orgs: dict[str, Organisation], reps: dict[str, User]) -> None:
    terms = {c.code: c for c in Competence.objects.all()}
    for poster, title, kind, wanted, codes, visibility, description, answerer in NEEDS:
        if poster not in orgs or Need.objects.filter(organisation=orgs[poster], title=title).exists():
            continue
        need = _as(
            reps[poster],
            board.need_create,
            organisation=orgs[poster],
            data={
                "title": title,
                "description": description,
                "kind": kind,
                "wanted_types": wanted,
                "visibility": visibility,
                "deadline": timezone.localdate() + dt.timedelta(days=60),
                "region": orgs[poster].region,
            },
            competences=[terms[c] for c in codes if c in terms],
        )
        if answerer not in orgs:
            continue
        answer = _as(
            reps[answerer],
            board.answer_create,
            need=need,
            organisation=orgs[answerer],
            message=f"{orgs[answerer]} can help: let us meet to agree the details.",
        )
        if kind == NeedKind.CLINICAL:  # the first one is accepted and recorded as a letter of intent
            _as(reps[poster], board.answer_decide, answer=answer, accept=True)
            _as(reps[poster], board.answer_record_agreement, answer=answer, kind=AgreementKind.INTENT)
        else:
            _as(reps["eurogen"] if "eurogen" in reps else reps[poster], board.need_follow, need=need)


def _event(cluster: Cluster, orgs: dict[str, Organisation], reps: dict[str, User], manager: User) -> None:
    event = _as(
        manager,
        events.event_create,
        cluster=cluster,
        data={
            "title": EVENT_TITLE,
            "description": "One-to-one meetings of the cluster's members: research institutes, clinics and "
            "companies looking for partners for trials, production and joint grants.",
            "venue": "Pirogov University, Moscow",
            "date": timezone.localdate() - dt.timedelta(days=21),
            "max_meetings": 6,
        },
        slots=events.slot_times(start=dt.time(10), end=dt.time(13, 20), length=20, pause=5),  # 8 slots
        rooms=events.default_room_names(4),
    )
    event = _as(manager, events.event_status_change, event=event, status=EventStatus.REGISTRATION)
    slots = list(event.slots.order_by("starts_at"))
    participants = {}
    for (key, offer, seek), attendee in zip(PARTICIPANTS, ATTENDEES, strict=True):
        if key not in orgs:
            continue
        participants[key] = _as(
            reps[key],
            events.participant_register,
            event=event,
            organisation=orgs[key],
            attendee=f"{attendee} (illustrative)",
            offer=offer,
            seek=seek,
            available=[slots[i] for i in AVAILABILITY.get(key, ())],
        )
    for requester, invitee, priority, answer in REQUESTS:
        if requester not in participants or invitee not in participants:
            continue
        request = _as(
            reps[requester],
            events.meeting_request_create,
            requester=participants[requester],
            invitee=participants[invitee],
            message=f"{orgs[requester]} would like to meet {orgs[invitee]}.",
            priority=priority,
        )
        if answer is not None:
            _as(reps[invitee], events.meeting_request_answer, request=request, accept=answer)
    proposal = _as(manager, events.event_schedule_run, event=event, method="exact", time_limit=10.0)
    _as(
        manager,
        events.event_schedule_publish,
        event=event,
        placements=[(m.request.pk, m.slot.pk, m.room.pk) for m in proposal.meetings],
    )
    event = _as(manager, events.event_status_change, event=event, status=EventStatus.FINISHED)
    meetings = {
        frozenset((m.request.requester.organisation.key, m.request.invitee.organisation.key)): m
        for m in event.meetings.select_related(
            "request__requester__organisation", "request__invitee__organisation"
        )
        if m.request.status == RequestStatus.ACCEPTED
    }
    for first, second, kind, note in OUTCOMES:
        meeting = meetings.get(frozenset((first, second)))
        if meeting is not None:
            _as(reps[first], events.meeting_outcome_record, meeting=meeting, kind=kind, note=note)
