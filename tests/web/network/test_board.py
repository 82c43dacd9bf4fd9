"""The partner-search board: who sees which needs (the selector against the written ``need.view`` rule),
posting, following, answering, deciding, withdrawing, recording an accepted answer as a registry
agreement, notifications, and every page's permissions (allowed and refused roles, object level: the
manager of another cluster, the representative of an organisation outside the poster's clusters).

Expected values are worked out by hand from the rows each test builds (said next to each assertion);
the visibility selector is checked against the permission predicate, an independent statement of the
same rule (network/permissions.py).
"""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clusterworks.web.core.models import AuditEvent
from clusterworks.web.core.permissions import NotAllowed, check
from clusterworks.web.core.roles import Role
from clusterworks.web.network import selectors_board as selectors
from clusterworks.web.network.models import (
    AnswerStatus,
    Need,
    NeedAnswer,
    NeedFollow,
    NeedKind,
    NeedStatus,
    Visibility,
)
from clusterworks.web.network.services import board as services
from clusterworks.web.programme.models import Notification
from clusterworks.web.registry.models import Agreement, AgreementKind
from tests.factories import (
    ClusterFactory,
    CompetenceFactory,
    MembershipFactory,
    NeedFactory,
    OrganisationFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


class World:
    pass


@pytest.fixture
def world(db):
    """Cluster ``medtech`` with members ``poster`` and ``member`` (and ``member2``); ``outsider`` belongs
    to the other cluster. One cluster-only need of the poster, nobody following it yet."""
    w = World()
    w.cluster, w.other_cluster = ClusterFactory(key="medtech"), ClusterFactory(key="aero")
    w.poster = OrganisationFactory(key="poster", name_en="Poster Labs", short_name="PL")
    w.member = OrganisationFactory(key="member", name_en="Member Clinic")
    w.member2 = OrganisationFactory(key="member2", name_en="Second Member")
    w.outsider = OrganisationFactory(key="outsider", name_en="Outsider Aero")
    for organisation in (w.poster, w.member, w.member2):
        MembershipFactory(cluster=w.cluster, organisation=organisation)
    MembershipFactory(cluster=w.other_cluster, organisation=w.outsider)
    w.users = {
        "admin": user_with_role(Role.ADMIN, username="admin"),
        "manager": user_with_role(Role.CLUSTER_MANAGER, cluster=w.cluster, username="manager"),
        "manager_other": user_with_role(Role.CLUSTER_MANAGER, cluster=w.other_cluster, username="manager2"),
        "rep_poster": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=w.poster, username="rp"),
        "rep_member": user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=w.member, username="rm"),
        "rep_member2": user_with_role(
            Role.ORGANISATION_REPRESENTATIVE, organisation=w.member2, username="rm2"
        ),
        "rep_outsider": user_with_role(
            Role.ORGANISATION_REPRESENTATIVE, organisation=w.outsider, username="ro"
        ),
        "expert": user_with_role(Role.EXPERT, username="expert"),
    }
    w.need = NeedFactory(organisation=w.poster, title="Clinical site wanted", visibility=Visibility.CLUSTER)
    return w


def _client(client, world, who):
    client.force_login(world.users[who])
    return client


# --- who sees which needs ---------------------------------------------------------------------------


def test_the_board_shows_each_user_exactly_the_needs_the_rule_lets_them_see(world):
    platform = NeedFactory(organisation=world.poster, visibility=Visibility.PLATFORM, title="Open to all")
    aero = NeedFactory(organisation=world.outsider, visibility=Visibility.CLUSTER, title="Aero only")
    needs = [world.need, platform, aero]
    for who, user in world.users.items():
        got = set(selectors.needs_visible_to(user).values_list("pk", flat=True))
        # the independent statement of the same rule: the ``need.view`` predicate, need by need
        expected = {n.pk for n in needs if check(user, "need.view", n)}
        assert got == expected, who
    # and by hand: the outsider sees the platform need and its own cluster's; the expert only the first
    assert set(selectors.needs_visible_to(world.users["rep_outsider"])) == {platform, aero}
    assert set(selectors.needs_visible_to(world.users["expert"])) == {platform}
    assert set(selectors.needs_visible_to(world.users["manager"])) == {world.need, platform}


def test_open_needs_come_first_then_the_newest(world):
    now = timezone.now()
    world.need.created_at = now - dt.timedelta(days=3)
    world.need.save()
    closed = NeedFactory(organisation=world.poster, status=NeedStatus.CLOSED, created_at=now)
    newer = NeedFactory(organisation=world.poster, created_at=now - dt.timedelta(days=1))
    got = list(selectors.needs_visible_to(world.users["rep_member"]))
    # open: newer (1 day old), then world.need (3 days old); the closed one last though newest
    assert got == [newer, world.need, closed]


def test_the_board_filters_by_kind_status_competence_text_and_mine(world):
    devices = CompetenceFactory(code="devices", name_en="Devices")
    imaging = CompetenceFactory(code="devices.imaging", name_en="Imaging", parent=devices)
    world.need.competences.set([imaging])
    other = NeedFactory(
        organisation=world.member,
        kind=NeedKind.INVESTMENT,
        title="Инвестор для стартапа",
        status=NeedStatus.CLOSED,
    )
    user = world.users["rep_member"]
    assert list(selectors.needs_visible_to(user, kind=NeedKind.INVESTMENT)) == [other]
    assert list(selectors.needs_visible_to(user, status=NeedStatus.OPEN)) == [world.need]
    # a broader term finds needs of its narrower ones
    assert list(selectors.needs_visible_to(user, competence="devices")) == [world.need]
    assert list(selectors.needs_visible_to(user, search="ИНВЕСТОР")) == [other]  # Cyrillic, any case
    assert list(selectors.needs_visible_to(user, search="poster labs")) == [world.need]  # the poster's name
    assert list(selectors.needs_visible_to(user, mine=True)) == [other]
    assert set(selectors.needs_visible_to(world.users["manager"], mine=True)) == {world.need, other}


def test_the_list_page_lists_the_visible_needs_and_filters(client, world):
    NeedFactory(organisation=world.outsider, title="Aero only")
    page = _client(client, world, "rep_member").get(reverse("network-board")).content.decode()
    assert "Clinical site wanted" in page and "Aero only" not in page
    assert "1 partner search" in page
    filtered = client.get(reverse("network-board"), {"kind": "investment"}).content.decode()
    assert "Clinical site wanted" not in filtered and "0 partner searches" in filtered
    # a stale filter value is ignored, not an error
    assert client.get(reverse("network-board"), {"competence": "no-such-code"}).status_code == 200


# --- pages and their permissions ---------------------------------------------------------------------


PAGES = {
    # page: (url name, users allowed, users refused)
    "list": ("network-board", ["admin", "manager", "rep_outsider", "expert"], []),
    "create": ("network-board-create", ["admin", "manager", "rep_poster", "rep_outsider"], ["expert"]),
    "detail": (
        "network-board-need",
        ["admin", "manager", "rep_poster", "rep_member"],
        ["manager_other", "rep_outsider", "expert"],
    ),
    "edit": (
        "network-board-edit",
        ["admin", "manager", "rep_poster"],
        ["manager_other", "rep_member", "rep_outsider"],
    ),
    "answer": (
        "network-board-answer",
        ["rep_member", "rep_member2"],
        ["rep_poster", "manager", "manager_other", "rep_outsider", "expert"],
    ),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_every_board_page_lets_in_exactly_the_allowed_users(client, world, page):
    name, allowed, refused = PAGES[page]
    url = reverse(name, args=[world.need.pk]) if page not in ("list", "create") else reverse(name)
    assert client.get(url).status_code == 302  # anonymous: to the log-in page
    for who in allowed:
        client.force_login(world.users[who])
        assert client.get(url).status_code == 200, who
    for who in refused:
        client.force_login(world.users[who])
        assert client.get(url).status_code == 403, who


def test_the_refusal_page_says_why(client, world):
    response = _client(client, world, "rep_outsider").get(reverse("network-board-need", args=[world.need.pk]))
    assert response.status_code == 403
    assert "shown only in the clusters of the organisation that posted it" in response.content.decode()


def test_the_detail_page_has_the_suggestions_include_point(client, world):
    page = _client(client, world, "rep_member").get(reverse("network-board-need", args=[world.need.pk]))
    assert 'aria-labelledby="suggestions-title"' in page.content.decode()
    assert "Suggested partners" in page.content.decode()


# --- posting ------------------------------------------------------------------------------------------


def test_a_representative_posts_a_need_through_the_form(client, world):
    competence = CompetenceFactory(code="trials", name_en="Clinical trials")
    response = _client(client, world, "rep_poster").post(
        reverse("network-board-create"),
        {
            "organisation": world.poster.pk,
            "title": "  Partner for a cell therapy trial ",
            "description": "Phase I.",
            "kind": NeedKind.PARTNER,
            "wanted_types": ["clinical_centre", "university"],
            "competences": [competence.pk],
            "visibility": Visibility.PLATFORM,
            "deadline": "2027-05-01",
        },
    )
    need = Need.objects.get(title="Partner for a cell therapy trial")
    assert response.status_code == 302 and response["Location"] == reverse(
        "network-board-need", args=[need.pk]
    )
    assert need.organisation == world.poster and need.created_by == world.users["rep_poster"]
    assert need.wanted_types == ["clinical_centre", "university"] and list(need.competences.all()) == [
        competence
    ]
    assert need.deadline == dt.date(2027, 5, 1) and need.status == NeedStatus.OPEN
    assert AuditEvent.objects.filter(model="network.Need", object_id=str(need.pk), action="create").exists()


def test_the_form_offers_only_the_organisations_the_user_speaks_for(client, world):
    response = _client(client, world, "rep_poster").post(
        reverse("network-board-create"),
        {
            "organisation": world.member.pk,
            "title": "X",
            "description": "Y",
            "kind": "other",
            "visibility": "cluster",
        },
    )
    assert response.status_code == 200 and not Need.objects.filter(title="X").exists()
    assert "Select a valid choice" in response.content.decode()
    # a manager speaks for the members of the cluster: poster, member, member2 (3, by the fixture)
    assert set(selectors.organisations_spoken_for(world.users["manager"])) == {
        world.poster,
        world.member,
        world.member2,
    }


def test_the_service_refuses_an_organisation_the_actor_does_not_speak_for(world):
    with pytest.raises(NotAllowed):
        services.need_create(
            actor=world.users["rep_member"],
            organisation=world.poster,
            data={"title": "T", "description": "D", "kind": "other"},
        )
    with pytest.raises(ValidationError) as error:
        services.need_create(
            actor=world.users["rep_poster"],
            organisation=world.poster,
            data={"title": "T", "description": "D", "kind": "other", "wanted_types": ["spaceship"]},
        )
    assert "wanted_types" in error.value.message_dict
    assert Need.objects.count() == 1  # only the fixture's


def test_editing_keeps_the_organisation_and_closing_tells_the_followers(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    NeedFollow.objects.create(need=world.need, user=world.users["rep_member"])
    c = _client(client, world, "manager")
    response = c.post(
        reverse("network-board-edit", args=[world.need.pk]),
        {"organisation": world.member.pk, "title": "Clinical site, paediatric", "description": "D",
         "kind": "clinical", "visibility": "cluster"},
    )  # fmt: skip
    world.need.refresh_from_db()
    assert response.status_code == 302
    assert world.need.title == "Clinical site, paediatric" and world.need.organisation == world.poster
    with django_capture_on_commit_callbacks(execute=True):  # the e-mails leave at the commit
        c.post(reverse("network-board-status", args=[world.need.pk]), {"status": NeedStatus.CLOSED})
    world.need.refresh_from_db()
    assert world.need.status == NeedStatus.CLOSED
    note = Notification.objects.get(user=world.users["rep_member"])
    assert note.text == "The partner search “Clinical site, paediatric” is now: Closed."
    assert [m.to for m in mailoutbox] == [["rm@example.org"]]
    # closed -> fulfilled is not a change the board allows (only reopening)
    with pytest.raises(ValidationError):
        services.need_set_status(actor=world.users["manager"], need=world.need, status=NeedStatus.FULFILLED)
    c.post(reverse("network-board-status", args=[world.need.pk]), {"status": NeedStatus.OPEN})
    world.need.refresh_from_db()
    assert world.need.status == NeedStatus.OPEN


def test_following_and_unfollowing(client, world):
    c = _client(client, world, "rep_member")
    url = reverse("network-board-follow", args=[world.need.pk])
    c.post(url, {"follow": "1"})
    c.post(url, {"follow": "1"})  # twice: still one row
    assert NeedFollow.objects.filter(need=world.need).count() == 1
    assert "Stop following" in c.get(reverse("network-board-need", args=[world.need.pk])).content.decode()
    c.post(url, {"follow": "0"})
    assert not NeedFollow.objects.exists()
    client.force_login(world.users["rep_outsider"])
    assert client.post(url, {"follow": "1"}).status_code == 403  # cannot see it, cannot follow it


# --- answers ------------------------------------------------------------------------------------------


def test_an_answer_notifies_the_poster_by_name_and_the_followers_without(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    NeedFollow.objects.create(need=world.need, user=world.users["manager"])
    NeedFollow.objects.create(need=world.need, user=world.users["rep_member2"])
    with django_capture_on_commit_callbacks(execute=True):  # the e-mails leave at the commit
        response = _client(client, world, "rep_member").post(
            reverse("network-board-answer", args=[world.need.pk]),
            {"organisation": world.member.pk, "message": "Our paediatric ward can host it."},
        )
    assert response.status_code == 302
    answer = NeedAnswer.objects.get()
    assert (answer.organisation, answer.status, answer.author) == (
        world.member,
        AnswerStatus.PROPOSED,
        world.users["rep_member"],
    )
    texts = dict(Notification.objects.values_list("user__username", "text"))
    # the poster's representative (and the need's author, none here) by name; followers without it;
    # the answering user is not told of their own answer
    assert texts == {
        "rp": "Member Clinic answered your partner search “Clinical site wanted”.",
        "manager": "A new answer to the partner search “Clinical site wanted”.",
        "rm2": "A new answer to the partner search “Clinical site wanted”.",
    }
    assert len(mailoutbox) == 3


def test_only_other_organisations_answer_and_only_once(world):
    rep = world.users["rep_member"]
    services.answer_create(actor=rep, need=world.need, organisation=world.member, message="Yes")
    with pytest.raises(ValidationError) as error:
        services.answer_create(actor=rep, need=world.need, organisation=world.member, message="Again")
    assert "Member Clinic has already answered this partner search." in error.value.messages
    with pytest.raises(ValidationError):  # an organisation the user does not represent
        services.answer_create(actor=rep, need=world.need, organisation=world.member2, message="As another")
    with pytest.raises(NotAllowed):  # the poster's own representative
        services.answer_create(
            actor=world.users["rep_poster"], need=world.need, organisation=world.poster, message="Me"
        )
    world.need.status = NeedStatus.CLOSED
    world.need.save()
    with pytest.raises(NotAllowed):  # a closed need takes no answers
        services.answer_create(
            actor=world.users["rep_member2"], need=world.need, organisation=world.member2, message="Late"
        )
    assert NeedAnswer.objects.count() == 1


def test_each_side_sees_the_answers_it_may(client, world):
    mine = services.answer_create(
        actor=world.users["rep_member"], need=world.need, organisation=world.member, message="From member one"
    )
    services.answer_create(
        actor=world.users["rep_member2"],
        need=world.need,
        organisation=world.member2,
        message="From member two",
    )
    url = reverse("network-board-need", args=[world.need.pk])
    poster_page = _client(client, world, "rep_poster").get(url).content.decode()
    assert "From member one" in poster_page and "From member two" in poster_page
    assert poster_page.count('name="decision" value="accept"') == 2
    member_page = _client(client, world, "rep_member").get(url).content.decode()
    assert "From member one" in member_page and "From member two" not in member_page
    assert 'name="decision"' not in member_page  # cannot decide
    assert reverse("network-board-answer-withdraw", args=[mine.pk]) in member_page
    assert list(selectors.answers_visible_to(user=world.users["manager"], need=world.need).values_list(
        "organisation__key", flat=True
    )) == ["member", "member2"]  # fmt: skip


def test_deciding_is_the_posters_side_and_tells_the_answering_side(client, world):
    answer = services.answer_create(
        actor=world.users["rep_member"], need=world.need, organisation=world.member, message="Yes"
    )
    Notification.objects.all().delete()
    url = reverse("network-board-answer-decide", args=[answer.pk])
    for who in ("rep_member", "manager_other", "rep_outsider"):
        client.force_login(world.users[who])
        assert client.post(url, {"decision": "accept"}).status_code == 403, who
    _client(client, world, "rep_poster").post(url, {"decision": "accept"})
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.ACCEPTED and answer.decided_at is not None
    assert list(Notification.objects.values_list("user__username", "text")) == [
        ("rm", "Poster Labs accepted your answer to “Clinical site wanted”.")
    ]
    response = client.post(url, {"decision": "decline"}, follow=True)  # already decided
    assert (
        "Only a proposed answer can be accepted or declined; this one is “Accepted”."
        in response.content.decode()
    )
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.ACCEPTED


def test_withdrawing_is_the_answering_sides_and_a_withdrawn_answer_may_be_made_again(client, world):
    answer = services.answer_create(
        actor=world.users["rep_member"], need=world.need, organisation=world.member, message="Yes"
    )
    url = reverse("network-board-answer-withdraw", args=[answer.pk])
    _client(client, world, "rep_poster").post(url)  # the poster's side sees it but may not withdraw it
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.PROPOSED
    assert client.post(url).status_code == 403
    _client(client, world, "rep_member").post(url)
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.WITHDRAWN
    again = services.answer_create(
        actor=world.users["rep_member"], need=world.need, organisation=world.member, message="Yes, after all"
    )
    assert (
        again.pk == answer.pk and again.status == AnswerStatus.PROPOSED and again.message == "Yes, after all"
    )


# --- agreements -----------------------------------------------------------------------------------------


def test_an_accepted_answer_becomes_a_registry_agreement_between_the_two_organisations(client, world):
    answer = services.answer_create(
        actor=world.users["rep_member"], need=world.need, organisation=world.member, message="Yes"
    )
    url = reverse("network-board-answer-agreement", args=[answer.pk])
    response = _client(client, world, "rep_poster").post(url, {"kind": AgreementKind.INTENT})
    assert response.status_code == 200 and not Agreement.objects.exists()  # not accepted yet
    assert "Only an accepted answer is recorded as an agreement." in response.content.decode()
    services.answer_decide(actor=world.users["rep_poster"], answer=answer, accept=True)
    for who in ("manager_other", "rep_outsider", "rep_member2"):
        client.force_login(world.users[who])
        assert client.post(url, {"kind": AgreementKind.INTENT}).status_code == 403, who
    client.force_login(world.users["rep_member"])  # the answering side may record it too
    response = client.post(url, {"kind": AgreementKind.INTENT})
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert (agreement.kind, agreement.title, agreement.signed_on) == (
        AgreementKind.INTENT,
        "Clinical site wanted",
        timezone.localdate(),
    )
    assert set(agreement.parties.all()) == {world.poster, world.member}
    # the tie is in the register, where the network is computed from
    assert list(world.member.agreements.all()) == [agreement]
    response = client.post(url, {"kind": AgreementKind.INTENT})  # the same kind twice
    assert (
        "A “Letter of intent” between these organisations is already recorded." in response.content.decode()
    )
    _client(client, world, "manager").post(url, {"kind": AgreementKind.COOPERATION})
    assert sorted(Agreement.objects.values_list("kind", flat=True)) == ["cooperation", "intent"]
    page = client.get(reverse("network-board-need", args=[world.need.pk])).content.decode()
    assert 'data-agreement-kind="intent"' in page and 'data-agreement-kind="cooperation"' in page
    assert "Record an agreement" not in page  # both kinds are recorded


def test_other_agreements_between_the_two_do_not_count_as_recorded(world):
    answer = services.answer_create(
        actor=world.users["rep_member"], need=world.need, organisation=world.member, message="Yes"
    )
    services.answer_decide(actor=world.users["rep_poster"], answer=answer, accept=True)
    other = Agreement.objects.create(
        title="Clinical site wanted", kind="intent", signed_on=dt.date(2020, 1, 1)
    )
    other.parties.set([world.poster, world.member, world.member2])  # three parties: another agreement
    assert selectors.answer_agreements(answer) == []
    services.answer_record_agreement(actor=world.users["rep_poster"], answer=answer, kind="intent")
    assert [a.signed_on for a in selectors.answer_agreements(answer)] == [timezone.localdate()]


def _accepted_answer(world, need):
    answer = services.answer_create(
        actor=world.users["rep_member"], need=need, organisation=world.member, message="Yes"
    )
    return services.answer_decide(actor=world.users["rep_poster"], answer=answer, accept=True)


def test_two_needs_of_one_title_between_the_same_two_keep_their_agreements_apart(world):
    twin = NeedFactory(organisation=world.poster, title=world.need.title, visibility=Visibility.CLUSTER)
    first, second = _accepted_answer(world, world.need), _accepted_answer(world, twin)
    letter = services.answer_record_agreement(actor=world.users["rep_poster"], answer=first, kind="intent")
    assert selectors.answer_agreements(second) == []  # the first need's letter is not the twin's
    # so the twin's own letter of intent is no "same kind twice"
    other = services.answer_record_agreement(actor=world.users["rep_poster"], answer=second, kind="intent")
    assert selectors.answer_agreements(first) == [letter]
    assert selectors.answer_agreements(second) == [other]


def test_renaming_the_need_keeps_its_recorded_agreements(world):
    answer = _accepted_answer(world, world.need)
    letter = services.answer_record_agreement(actor=world.users["rep_member"], answer=answer, kind="intent")
    services.need_update(actor=world.users["rep_poster"], need=world.need, data={"title": "Clinical partner"})
    answer = NeedAnswer.objects.select_related("need").get(pk=answer.pk)
    assert answer.need.title == "Clinical partner"
    assert selectors.answer_agreements(answer) == [letter]
    with pytest.raises(ValidationError):  # still recorded: the same kind is not recorded twice
        services.answer_record_agreement(actor=world.users["rep_member"], answer=answer, kind="intent")


def test_the_upgrade_links_the_agreements_the_board_found_by_the_needs_title(world):
    """The data migration, called directly on rows made as before it: the old rule linked an agreement
    of a board kind (intent, cooperation) titled after the need between exactly the two organisations."""
    migration = importlib.import_module("clusterworks.web.network.migrations.0004_link_answer_agreements")

    def agreement(title, kind, *parties):
        made = Agreement.objects.create(title=title, kind=kind, signed_on=dt.date(2026, 5, 4))
        made.parties.set(parties)
        return made

    title = world.need.title
    p, m, m2 = world.poster, world.member, world.member2
    of_member = NeedAnswer.objects.create(need=world.need, organisation=m, message="Yes", status="accepted")
    of_member2 = NeedAnswer.objects.create(need=world.need, organisation=m2, message="Yes", status="accepted")
    intent, cooperation = agreement(title, "intent", p, m), agreement(title, "cooperation", m, p)
    with_member2 = agreement(title, "intent", p, m2)
    agreement(title, "intent", p, m, m2)  # three parties
    agreement(title, "research", p, m)  # not a kind the board records
    agreement("Another title", "intent", p, m)
    migration.link_agreements_by_title(django_apps, None)
    assert set(of_member.agreements.all()) == {intent, cooperation}
    assert list(of_member2.agreements.all()) == [with_member2]


def test_status_changes_are_the_posters_sides(client, world):
    url = reverse("network-board-status", args=[world.need.pk])
    for who in ("rep_member", "manager_other", "rep_outsider", "expert"):
        client.force_login(world.users[who])
        assert client.post(url, {"status": NeedStatus.FULFILLED}).status_code == 403, who
    world.need.refresh_from_db()
    assert world.need.status == NeedStatus.OPEN
    _client(client, world, "rep_poster").post(url, {"status": NeedStatus.FULFILLED})
    world.need.refresh_from_db()
    assert world.need.status == NeedStatus.FULFILLED
    # a fulfilled need takes no answers: the answer page refuses with the reason
    response = _client(client, world, "rep_member").get(reverse("network-board-answer", args=[world.need.pk]))
    assert (
        response.status_code == 403 and "this partner search is no longer open" in response.content.decode()
    )
