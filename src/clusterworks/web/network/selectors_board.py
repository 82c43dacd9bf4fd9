"""Queries of the partner-search board: the needs a user may see (the ``need.view`` rule written as one
query), the answers a user may see, the organisations a user speaks or answers for, and the people to
notify. Each returns a queryset with its related rows fetched, so a page's queries do not grow with its
length."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from clusterworks.web.core.permissions import check, is_authenticated
from clusterworks.web.core.roles import Role
from clusterworks.web.core.search import text_contains
from clusterworks.web.registry.models import Agreement, AgreementKind, Membership, Organisation

from .models import AnswerStatus, Need, NeedAnswer, NeedFollow, NeedStatus, Visibility

#: the kinds of registry agreement an accepted answer may become
AGREEMENT_KINDS = (AgreementKind.INTENT, AgreementKind.COOPERATION)


def _is_admin(user: Any) -> bool:
    return is_authenticated(user) and user.is_platform_admin


def user_cluster_ids(user: Any) -> set[int]:
    """The clusters ``user`` belongs to: those they manage and those a represented organisation is a
    current member of."""
    if not is_authenticated(user):
        return set()
    clusters = set(user.managed_cluster_ids())
    represented = user.represented_organisation_ids()
    if represented:
        clusters |= set(
            Membership.objects.filter(organisation_id__in=represented, left__isnull=True).values_list(
                "cluster_id", flat=True
            )
        )
    return clusters


def needs_visible_to(
    user: Any,
    *,
    kind: str = "",
    status: str = "",
    competence: str = "",
    search: str = "",
    mine: bool = False,
) -> QuerySet[Need]:
    """The needs ``user`` may see (``need.view``), open ones first, then newest first; filtered by kind,
    status, competence code (a broader term takes its narrower ones), words of the text and ``mine``
    (posted by an organisation the user speaks for).

    Visible: every need to platform administrators; otherwise needs open to the whole platform, needs
    of the organisations the user represents, and needs of the current members of the clusters the
    user belongs to (manages, or a represented organisation is a current member of).
    """
    needs = Need.objects.select_related("organisation", "region").prefetch_related("competences")
    if not is_authenticated(user):
        return needs.none()
    represented = user.represented_organisation_ids()
    in_my_clusters = Exists(
        Membership.objects.filter(
            organisation=OuterRef("organisation"), cluster_id__in=user_cluster_ids(user), left__isnull=True
        )
    )
    if not _is_admin(user):
        needs = needs.filter(
            Q(visibility=Visibility.PLATFORM) | Q(organisation_id__in=represented) | Q(in_my_clusters)
        )
    if mine:
        managed_member = Exists(
            Membership.objects.filter(
                organisation=OuterRef("organisation"),
                cluster_id__in=user.managed_cluster_ids(),
                left__isnull=True,
            )
        )
        needs = needs.filter(Q(organisation_id__in=represented) | Q(managed_member))
    if kind:
        needs = needs.filter(kind=kind)
    if status:
        needs = needs.filter(status=status)
    if competence:
        needs = needs.filter(
            Exists(
                Need.competences.through.objects.filter(need=OuterRef("pk")).filter(
                    Q(competence__code=competence) | Q(competence__parent__code=competence)
                )
            )
        )
    if search:
        needs = needs.filter(
            text_contains(
                (
                    "title",
                    "description",
                    "organisation__name_en",
                    "organisation__name_ru",
                    "organisation__short_name",
                ),
                search,
            )
        )
    open_first = Case(
        When(status=NeedStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return needs.annotate(open_first=open_first).order_by("open_first", "-created_at", "-pk")


def answers_visible_to(*, user: Any, need: Need) -> QuerySet[NeedAnswer]:
    """The answers to ``need`` that ``user`` may see: all of them for the poster's side (``need.change``),
    otherwise those of the organisations the user represents."""
    answers = need.answers.select_related("organisation", "author").order_by("created_at", "pk")
    if check(user, "need.change", need):
        return answers
    if not is_authenticated(user):
        return answers.none()
    return answers.filter(organisation_id__in=user.represented_organisation_ids())


def organisations_spoken_for(user: Any) -> QuerySet[Organisation]:
    """The organisations ``user`` may post a need for (``need.create``): those they represent and the
    current members of the clusters they manage; every organisation for platform administrators."""
    organisations = Organisation.objects.order_by("name_en", "name_ru", "pk")
    if not is_authenticated(user):
        return organisations.none()
    if _is_admin(user):
        return organisations
    managed_member = Exists(
        Membership.objects.filter(
            organisation=OuterRef("pk"), cluster_id__in=user.managed_cluster_ids(), left__isnull=True
        )
    )
    return organisations.filter(Q(pk__in=user.represented_organisation_ids()) | Q(managed_member))


def answering_organisations(*, user: Any, need: Need) -> QuerySet[Organisation]:
    """The organisations ``user`` may answer ``need`` for: those they represent (every organisation for
    platform administrators), but not the poster, nor one whose answer stands (proposed, accepted or
    declined; a withdrawn answer may be made again)."""
    organisations = Organisation.objects.exclude(pk=need.organisation_id).order_by("name_en", "name_ru", "pk")
    if not is_authenticated(user):
        return organisations.none()
    if not _is_admin(user):
        organisations = organisations.filter(pk__in=user.represented_organisation_ids())
    standing = need.answers.exclude(status=AnswerStatus.WITHDRAWN).values("organisation_id")
    return organisations.exclude(pk__in=standing)


def is_following(*, user: Any, need: Need) -> bool:
    return is_authenticated(user) and NeedFollow.objects.filter(need=need, user=user).exists()


def representatives(*, organisations: Any) -> QuerySet:
    """The active users who represent any of ``organisations`` (ids or objects)."""
    from clusterworks.web.core.models import User

    ids = [getattr(o, "pk", o) for o in organisations]
    return User.objects.filter(
        is_active=True,
        role_assignments__role=Role.ORGANISATION_REPRESENTATIVE,
        role_assignments__organisation_id__in=ids,
    ).distinct()


def followers(*, need: Need) -> QuerySet:
    from clusterworks.web.core.models import User

    return User.objects.filter(is_active=True, pk__in=need.follows.values("user_id"))


def answer_agreements(answer: NeedAnswer) -> list[Agreement]:
    """The agreements recorded in the register from ``answer`` (``answer_record_agreement`` links them),
    oldest first."""
    return list(answer.agreements.order_by("signed_on", "pk"))
