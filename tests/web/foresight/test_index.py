"""The foresight index (/foresight/): what each user sees, the rounds awaiting a panelist, the new-survey
button."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from clusterworks.web.core.roles import Role
from clusterworks.web.foresight.models import SurveyStatus
from tests.factories import (
    ClusterFactory,
    MembershipFactory,
    OrganisationFactory,
    PriorityExerciseFactory,
    RoadmapFactory,
    SurveyFactory,
    user_with_role,
)
from tests.web.foresight.world_surveys import build_world, submit

pytestmark = pytest.mark.django_db

URL = "/foresight/"


@pytest.fixture
def world():
    world = build_world()
    other = ClusterFactory(key="aero", name_en="Aerospace")
    SurveyFactory(cluster=other, key="aero-2030", title_en="Aerospace 2030", status=SurveyStatus.DRAFT)
    PriorityExerciseFactory(cluster=world.survey.cluster, title_en="Medtech priorities")
    RoadmapFactory(cluster=other, title_en="Aerospace roadmap")
    return world


def _text(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_the_index_is_the_navigation_target():
    assert reverse("foresight-index") == URL


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_manager_sees_their_clusters_work_and_may_start_a_survey(client, world):
    client.force_login(world.manager)
    text = _text(client)
    assert "Medical technologies 2030" in text and "Medtech priorities" in text
    assert "Aerospace 2030" not in text and "Aerospace roadmap" not in text
    assert 'href="/foresight/surveys/_new/"' in text
    assert 'href="/foresight/priorities/_new/"' in text and 'href="/foresight/roadmaps/_new/"' in text
    assert "Running" in text  # the survey's status


def test_an_analyst_sees_everything_but_starts_nothing(client, world):
    client.force_login(world.analyst)
    text = _text(client)
    assert "Medical technologies 2030" in text and "Aerospace 2030" in text and "Aerospace roadmap" in text
    assert 'href="/foresight/surveys/_new/"' not in text and 'href="/foresight/roadmaps/_new/"' not in text


def test_a_panelist_sees_the_round_awaiting_their_answer(client, world):
    client.force_login(world.panel["E06"].user)
    text = _text(client)
    assert "Rounds awaiting your answer" in text
    assert 'href="/foresight/surveys/medtech-2030/rounds/2/answer/"' in text
    assert "Medical technologies 2030" in text and "Aerospace 2030" not in text
    assert 'href="/foresight/surveys/_new/"' not in text
    # once submitted, the round no longer waits
    submit(world.round2, world.panel["E06"], {"tele": 3})
    assert "Rounds awaiting your answer" not in _text(client)


def test_a_passed_deadline_or_a_declined_seat_hides_the_round(client, world):
    client.force_login(world.panel["E06"].user)
    world.round2.deadline = timezone.now() - timezone.timedelta(minutes=5)
    world.round2.save()
    assert "Rounds awaiting your answer" not in _text(client)
    client.force_login(world.panel["E05"].user)
    world.round2.deadline = None
    world.round2.save()
    seat = world.panel["E05"]
    seat.declined_at = timezone.now()
    seat.save()
    text = _text(client)
    assert "Rounds awaiting your answer" not in text and "Medical technologies 2030" not in text


def test_an_expert_not_on_the_panel_sees_no_survey(client, world):
    client.force_login(world.outsider_expert)
    text = _text(client)
    assert "Medical technologies 2030" not in text and "No survey you can see yet." in text


def test_a_member_representative_sees_the_clusters_plans_not_its_surveys(client, world):
    member = OrganisationFactory()
    MembershipFactory(cluster=world.survey.cluster, organisation=member)
    client.force_login(user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=member))
    text = _text(client)
    assert "Medtech priorities" in text and "Medical technologies 2030" not in text
