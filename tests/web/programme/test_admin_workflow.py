"""A call's workflow is configurable in the admin; each save checks the graph and warns of problems."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from clusterworks.web.core.roles import Role
from clusterworks.web.programme.models import Call, Transition
from tests.factories import CallFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_the_admin_shows_a_calls_states_and_transitions(client):
    call = CallFactory()
    admin = user_with_role(Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(f"/admin/programme/call/{call.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    # the default workflow: 13 states, 14 transitions (models.DEFAULT_WORKFLOW)
    assert html.count('name="states-') > 0 and 'value="start_screening"' in html
    assert response.context["inline_admin_formsets"][0].formset.total_form_count() == 13
    assert response.context["inline_admin_formsets"][1].formset.total_form_count() == 14


def test_saving_a_broken_workflow_warns_of_each_problem():
    call = CallFactory()
    # drop the only way into expert review: "review" and everything after it become unreachable
    Transition.objects.filter(call=call, key="eligible").delete()
    model_admin = site._registry[Call]
    request = RequestFactory().post("/")
    request.user = user_with_role(Role.ADMIN, is_staff=True)
    request.session = {}
    request._messages = FallbackStorage(request)

    class Form:
        instance = call

        def save_m2m(self):
            pass

    model_admin.save_related(request, Form(), [], change=True)
    warnings = [str(m) for m in get_messages(request)]
    assert any("review" in w and "reach" in w for w in warnings), warnings


def test_a_programme_officer_elsewhere_may_not_change_the_workflow():
    call = CallFactory()
    officer = user_with_role(Role.PROGRAMME_OFFICER, is_staff=True)
    request = RequestFactory().get("/")
    request.user = officer
    assert not site._registry[Call].has_change_permission(request, call)
    call.programme.officers.add(officer)
    assert site._registry[Call].has_change_permission(request, call)
