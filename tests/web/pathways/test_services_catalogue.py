"""New versions of a gate catalogue (``services.catalogue_new_version``) and the catalogues in the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clusterworks.web.core.models import AuditEvent
from clusterworks.web.core.permissions import NotAllowed
from clusterworks.web.core.roles import Role
from clusterworks.web.pathways import selectors, services
from clusterworks.web.pathways.models import Agency, Gate, GateCatalogue
from tests.factories import UserFactory, user_with_role

D = dt.date
GATE_FIELDS = [
    "key",
    "position",
    "name_en",
    "name_ru",
    "stage",
    "agency_id",
    "legal_basis",
    "clock_kind",
    "clock_days",
    "typical_days_low",
    "typical_days_high",
    "documents_en",
    "documents_ru",
    "device_classes",
]


@pytest.fixture
def admin_user(db):
    return user_with_role(Role.ADMIN, username="rules-admin", is_staff=True)


def test_a_new_version_copies_the_gates_and_ends_the_old_one(admin_user):
    old = GateCatalogue.objects.get(key="device-1684")
    new = services.catalogue_new_version(
        actor=admin_user,
        catalogue=old,
        key="device-eaeu-2027",
        effective_from=D(2027, 1, 1),
        name_en="Medical devices: EAEU rules",
        legal_basis="EAEU Council Decision 46 of 12.02.2016",
    )
    old.refresh_from_db()
    assert old.effective_to == D(2026, 12, 31)  # the day before the new version takes effect
    assert (new.supersedes, new.product_type, new.effective_from, new.effective_to) == (
        old,
        "device",
        D(2027, 1, 1),
        None,
    )
    assert (new.name_en, new.name_ru) == ("Medical devices: EAEU rules", old.name_ru)
    copied = list(Gate.objects.filter(catalogue=new).order_by("position").values(*GATE_FIELDS))
    original = list(Gate.objects.filter(catalogue=old).order_by("position").values(*GATE_FIELDS))
    assert copied == original and len(copied) == 6
    # the version in force: the old one until 31 December 2026, the new one from 1 January 2027
    assert selectors.catalogue_in_force("device", D(2026, 12, 31)) == old
    assert selectors.catalogue_in_force("device", D(2027, 1, 1)) == new
    assert selectors.catalogue_in_force("device", D(2025, 2, 28)).key == "device-1416"


@pytest.mark.parametrize(
    ("catalogue", "key", "start", "field", "message"),
    [
        (
            "device-1684",
            "device-x",
            D(2025, 3, 1),
            "effective_from",
            "March 1, 2025 is not after March 1, 2025, when “device-1684” took effect; "
            "allowed: a later date.",
        ),
        (
            "device-1684",
            "device-1416",
            D(2027, 1, 1),
            "key",
            "The key “device-1416” is taken; choose another.",
        ),
        (
            "device-1416",
            "device-x",
            D(2027, 1, 1),
            "catalogue",
            "“device-1416” was already replaced by “device-1684”; make the new version from that one.",
        ),
    ],
)
def test_bad_new_versions(admin_user, catalogue, key, start, field, message):
    before = (GateCatalogue.objects.count(), Gate.objects.count())
    with pytest.raises(ValidationError) as raised:
        services.catalogue_new_version(
            actor=admin_user,
            catalogue=GateCatalogue.objects.get(key=catalogue),
            key=key,
            effective_from=start,
        )
    assert raised.value.message_dict == {field: [message]}
    assert (GateCatalogue.objects.count(), Gate.objects.count()) == before
    assert GateCatalogue.objects.get(key="device-1684").effective_to is None


@pytest.mark.parametrize("role", [Role.CLUSTER_MANAGER, Role.ANALYST, Role.PROGRAMME_OFFICER])
def test_only_administrators_make_versions(db, role):
    with pytest.raises(NotAllowed):
        services.catalogue_new_version(
            actor=user_with_role(role),
            catalogue=GateCatalogue.objects.get(key="device-1684"),
            key="x",
            effective_from=D(2027, 1, 1),
        )


# --- the admin ------------------------------------------------------------------------------------------


def test_the_admin_lists_catalogues_with_their_gates(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:pathways_gatecatalogue_changelist")).status_code == 200
    catalogue = GateCatalogue.objects.get(key="medicine-61fz-2015")
    page = client.get(reverse("admin:pathways_gatecatalogue_change", args=[catalogue.pk])).content.decode()
    assert "State registration (marketing authorisation)" in page and 'name="gates-0-clock_days"' in page


def test_the_admin_makes_a_new_version(client, admin_user):
    client.force_login(admin_user)
    old = GateCatalogue.objects.get(key="device-1684")
    url = reverse("admin:pathways_gatecatalogue_changelist")
    form = client.post(url, {"action": "make_new_version", "_selected_action": [old.pk]})
    assert form.status_code == 200 and "New version of device-1684" in form.content.decode()
    response = client.post(
        url,
        {
            "action": "make_new_version",
            "_selected_action": [old.pk],
            "apply": "1",
            "key": "device-2027",
            "effective_from": "2027-01-01",
            "name_en": "Devices 2027",
            "name_ru": "",
            "legal_basis": "",
        },
    )
    new = GateCatalogue.objects.get(key="device-2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:pathways_gatecatalogue_change", args=[new.pk])
    assert new.gates.count() == 6 and new.supersedes == old
    audit = AuditEvent.objects.filter(model="pathways.GateCatalogue", object_id=str(new.pk), action="create")
    assert audit.get().source == "admin"


def test_admin_edits_are_in_the_audit_log(client, admin_user):
    client.force_login(admin_user)
    agency = Agency.objects.get(key="minpromtorg")
    response = client.post(
        reverse("admin:pathways_agency_change", args=[agency.pk]),
        {
            "key": "minpromtorg",
            "name_en": agency.name_en,
            "name_ru": agency.name_ru,
            "short_en": "Minpromtorg",
            "short_ru": agency.short_ru,
            "website": agency.website,
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(model="pathways.Agency", object_id=str(agency.pk), action="update")
    assert event.changes == {"short_en": ["Ministry of Industry and Trade", "Minpromtorg"]}
    assert (event.actor, event.source) == (admin_user, "admin")


def test_staff_who_are_not_administrators_only_look(client, db):
    staff = UserFactory(username="staff-only", is_staff=True)
    client.force_login(staff)
    agency = Agency.objects.get(key="minpromtorg")
    url = reverse("admin:pathways_agency_change", args=[agency.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"key": "minpromtorg", "name_en": "Renamed", "name_ru": "x"})
    assert response.status_code == 403
    agency.refresh_from_db()
    assert agency.name_en == "Ministry of Industry and Trade of the Russian Federation"
