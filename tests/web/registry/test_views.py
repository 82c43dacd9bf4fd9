"""Registry pages: lists, profiles, the manager's forms, permissions, charts and maps.

Expected values are computed by hand from the rows each test builds (said next to each assertion).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from clusterworks.web.core.models import AuditEvent
from clusterworks.web.core.roles import Role
from clusterworks.web.registry import charts
from clusterworks.web.registry.forms import OrganisationForm, suggest_key, transliterate
from clusterworks.web.registry.models import (
    Affiliation,
    ClusterStatus,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationType,
)
from tests.factories import (
    ClusterFactory,
    CompetenceFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RegionFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

VALID_INN = "7707083893"  # Sberbank: the check digit is right (see analytics/identifiers.py)
VALID_OGRN = "1027700132195"  # Sberbank


@pytest.fixture
def cluster():
    """A cluster in Moscow with a coordinator, a core member and a member."""
    cluster = ClusterFactory(key="medtech", name_en="Medical Technologies", name_ru="Медицинские технологии")
    MembershipFactory(
        cluster=cluster,
        role=MembershipRole.COORDINATOR,
        organisation=OrganisationFactory(key="rnrmu", name_en="Pirogov University", type="university"),
    )
    MembershipFactory(
        cluster=cluster,
        role=MembershipRole.CORE,
        organisation=OrganisationFactory(
            key="ibch", name_en="Institute of Bioorganic Chemistry", type="research_institute"
        ),
    )
    MembershipFactory(cluster=cluster, organisation=OrganisationFactory(key="eurogen", name_en="Eurogen"))
    return cluster


@pytest.fixture
def manager(cluster):
    return user_with_role(Role.CLUSTER_MANAGER, cluster=cluster, username="manager")


def _text(response) -> str:
    return response.content.decode()


# --- lists -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", Role.CLUSTER_MANAGER, Role.ANALYST, Role.ADMIN])
@pytest.mark.parametrize(
    "url", ["/clusters/", "/organisations/", "/clusters/medtech/", "/organisations/rnrmu/"]
)
def test_pages_render_for_everyone(client, cluster, role, url):
    if role != "anonymous":
        client.force_login(user_with_role(role, cluster=cluster if role == Role.CLUSTER_MANAGER else None))
    response = client.get(url)
    assert response.status_code == 200
    assert "Pirogov University" in _text(response)


def test_cluster_list_shows_member_count_and_coordinator(client, cluster):
    text = _text(client.get("/clusters/"))
    row = text[text.index("Medical Technologies") :]
    assert "Pirogov University" in row[:2000]  # the coordinator
    assert re.search(r'<td class="number">3</td>', row)  # 3 current members, built above


def test_cluster_list_filters(client, cluster):
    ClusterFactory(
        key="aero",
        name_en="Aerospace cluster",
        status=ClusterStatus.PILOT,
        regions=[RegionFactory(code="RU-SAM")],
    )
    assert "Aerospace" in _text(client.get("/clusters/", {"q": "aerospace"}))
    assert "Medical Technologies" not in _text(client.get("/clusters/", {"q": "aerospace"}))
    by_region = _text(client.get("/clusters/", {"region": "RU-MOW"}))
    assert "Medical Technologies" in by_region and "Aerospace" not in by_region
    by_status = _text(client.get("/clusters/", {"status": "pilot"}))
    assert "Aerospace" in by_status and "Medical Technologies" not in by_status
    # An unknown filter value is ignored rather than an error.
    assert client.get("/clusters/", {"region": "XX-XXX"}).status_code == 200


def test_cluster_list_filters_by_specialisation_and_its_children(client, cluster):
    parent = CompetenceFactory(code="med", name_en="Medicine")
    child = CompetenceFactory(code="med.devices", name_en="Medical devices", parent=parent)
    cluster.specialisations.set([child])
    ClusterFactory(key="other", name_en="Other cluster")
    text = _text(client.get("/clusters/", {"specialisation": "med"}))
    assert "Medical Technologies" in text and "Other cluster" not in text


def test_organisation_list_filters(client, cluster):
    term = CompetenceFactory(code="genomics", name_en="Genomics")
    Organisation.objects.get(key="eurogen").competences.add(term)
    OrganisationFactory(
        key="outsider", name_en="Outsider Ltd", type="company_large", region=RegionFactory(code="RU-SPE")
    )
    assert "Outsider" in _text(client.get("/organisations/", {"q": "outsider"}))
    by_type = _text(client.get("/organisations/", {"type": "university"}))
    assert "Pirogov University" in by_type and "Eurogen" not in by_type
    by_competence = _text(client.get("/organisations/", {"competence": "genomics"}))
    assert "Eurogen" in by_competence and "Pirogov University" not in by_competence
    by_cluster = _text(client.get("/organisations/", {"cluster": "medtech"}))
    assert "Eurogen" in by_cluster and "Outsider" not in by_cluster
    by_region = _text(client.get("/organisations/", {"region": "RU-SPE"}))
    assert "Outsider" in by_region and "Eurogen" not in by_region


def test_lists_are_paginated_by_50(client):
    clusters = [ClusterFactory(name_en=f"Cluster {i:03d}") for i in range(51)]
    first = _text(client.get("/clusters/"))
    assert "51 clusters" in first and "Page 1 of 2" in first
    assert clusters[0].name_en in first and clusters[50].name_en not in first  # sorted by name: 000 ... 049
    assert clusters[50].name_en in _text(client.get("/clusters/", {"page": 2}))


def _build_clusters(n: int) -> None:
    term = CompetenceFactory()
    for _ in range(n):
        cluster = ClusterFactory()
        cluster.specialisations.add(term)
        MembershipFactory(cluster=cluster, role=MembershipRole.COORDINATOR)
        MembershipFactory(cluster=cluster)


# Queries on /clusters/, counted by hand: count, page, regions and specialisations prefetches (4), and
# the filter form's region and specialisation choices (2) = 6; a signed-in user adds session, user and
# role assignments (3). The bound holds for 2 rows and for 40: the count does not grow with the rows.
@pytest.mark.parametrize("rows", [2, 40])
@pytest.mark.parametrize("signed_in", [False, True])
def test_cluster_list_query_count_does_not_grow_with_rows(
    client, django_assert_max_num_queries, rows, signed_in
):
    _build_clusters(rows)
    if signed_in:
        client.force_login(user_with_role(Role.ANALYST))
    with django_assert_max_num_queries(9 if signed_in else 6):
        response = client.get("/clusters/")
    assert response.status_code == 200


# /organisations/: count, page, competences prefetch (3), the filter form's regions, competences and
# clusters (3) = 6; signed in: + session, user, role assignments (3).
@pytest.mark.parametrize("rows", [2, 40])
@pytest.mark.parametrize("signed_in", [False, True])
def test_organisation_list_query_count_does_not_grow_with_rows(
    client, django_assert_max_num_queries, rows, signed_in
):
    term = CompetenceFactory()
    for _ in range(rows):
        OrganisationFactory().competences.add(term)
    if signed_in:
        client.force_login(user_with_role(Role.ANALYST))
    with django_assert_max_num_queries(9 if signed_in else 6):
        response = client.get("/organisations/")
    assert response.status_code == 200


# The cluster profile: cluster, its regions and specialisations (3), memberships with organisations (1),
# region names for the map (1) = 5, for any number of members; a manager adds session, user, roles (3).
@pytest.mark.parametrize("members", [2, 30])
def test_cluster_profile_query_count_does_not_grow_with_members(
    client, django_assert_max_num_queries, members
):
    cluster = ClusterFactory(key="big")
    for _ in range(members):
        MembershipFactory(cluster=cluster)
    with django_assert_max_num_queries(5):
        assert client.get("/clusters/big/").status_code == 200
    client.force_login(user_with_role(Role.CLUSTER_MANAGER, cluster=cluster))
    with django_assert_max_num_queries(8):
        assert client.get("/clusters/big/").status_code == 200


# --- the cluster profile -----------------------------------------------------------------------------


def test_cluster_profile_groups_members_by_role(client, cluster):
    text = _text(client.get("/clusters/medtech/"))
    coordinator = text.index("Coordinator (specialised cluster organisation)")
    core = text.index("Core member")
    member = text.index("<h3>Member ")
    assert coordinator < text.index("Pirogov University", coordinator) < core
    assert core < text.index("Institute of Bioorganic Chemistry", core) < member
    assert member < text.index("Eurogen", member)
    assert "Research institute" in text  # the member's type


def test_edit_buttons_only_for_the_clusters_managers(client, cluster, manager):
    add = reverse("membership-add", args=["medtech"])
    assert add not in _text(client.get("/clusters/medtech/"))
    client.force_login(user_with_role(Role.CLUSTER_MANAGER, cluster=ClusterFactory(key="other")))
    assert add not in _text(client.get("/clusters/medtech/"))
    client.force_login(manager)
    text = _text(client.get("/clusters/medtech/"))
    assert add in text and reverse("cluster-edit", args=["medtech"]) in text


def test_helix_chart_counts_members_per_sector(client):
    """By hand: universities 2; research = 1 institute + 1 clinical centre = 2; business = 3 SMEs + 1
    large company = 4; government = 1 authority + 1 development institution = 2; other 1; an ended
    membership (a university) is not counted."""
    cluster = ClusterFactory(key="helix")
    types = (
        ["university"] * 2
        + ["research_institute", "clinical_centre"]
        + ["company_sme"] * 3
        + ["company_large", "authority", "development_institution", "other"]
    )
    for kind in types:
        MembershipFactory(cluster=cluster, organisation=OrganisationFactory(type=kind))
    MembershipFactory(
        cluster=cluster, organisation=OrganisationFactory(type="university"), joined=dt.date(2020, 1, 1),
        left=dt.date(2021, 1, 1),
    )  # fmt: skip
    text = _text(client.get("/clusters/helix/"))
    counts = dict(re.findall(r'data-sector="(\w+)" data-count="(\d+)"', text))
    assert counts == {"university": "2", "research": "2", "business": "4", "government": "2", "other": "1"}
    assert "1 former member" in text


def test_helix_chart_bars_share_one_scale():
    svg = charts.helix_chart([("university", "Universities", 4), ("business", "Business", 2)], title="t")
    widths = [float(w) for w in re.findall(r'<rect x="\d+" y="[\d.]+" width="([\d.]+)"', svg)]
    assert widths[0] == 2 * widths[1]  # 4 members draw twice as long a bar as 2


def test_map_highlights_the_clusters_region(client, cluster):
    text = _text(client.get("/clusters/medtech/"))
    assert re.search(r'<path id="region-RU-MOW" class="map-region is-highlighted"', text)
    assert re.search(r'<path id="region-RU-SPE" class="map-region"', text)  # drawn, not highlighted
    assert text.count("is-highlighted") == 1
    assert 'class="map-marker"' in text


def test_map_of_a_us_cluster():
    massachusetts = RegionFactory(code="US-MA", country="US", name_en="Massachusetts", name_ru="Массачусетс")
    cluster = ClusterFactory(regions=[massachusetts])
    maps = charts.region_maps(cluster.regions.all())
    assert [m["country"] for m in maps] == ["US"]
    assert 'id="region-US-MA" class="map-region is-highlighted"' in maps[0]["svg"]
    assert 'id="region-US-SD"' in maps[0]["svg"]  # the source's "SU-SD" typo is corrected


def test_map_data_stays_in_the_view_box_across_the_antimeridian():
    """Chukotka crosses 180°: after the +360° shift it must be one piece at the map's east end."""
    russia = charts.country_map("RU")
    shapes = {s.code: s for s in russia.regions}
    assert len(shapes) == 83
    for shape in russia.regions:
        numbers = [float(v) for v in re.findall(r"-?[\d.]+", shape.d)]
        xs, ys = numbers[0::2], numbers[1::2]
        assert min(xs) >= 0 and max(xs) <= russia.width
        assert min(ys) >= 0 and max(ys) <= russia.height
    chukotka_xs = [float(v) for v in re.findall(r"-?[\d.]+", shapes["RU-CHU"].d)[0::2]]
    assert min(chukotka_xs) > shapes["RU-MOW"].x + russia.width / 2  # all of it far east of Moscow
    assert shapes["RU-KGD"].x < shapes["RU-MOW"].x < shapes["RU-NVS"].x < shapes["RU-PRI"].x


def test_a_region_missing_from_the_map_is_listed():
    class Region:
        code, country = "RU-CR", "RU"

    (only,) = charts.region_maps([Region()])
    assert only["missing"] == ["RU-CR"]


def test_no_map_for_an_unknown_country():
    with pytest.raises(ValueError, match="no map for country 'FR'"):
        charts.country_map("FR")


# --- adding and changing members ---------------------------------------------------------------------


def test_manager_adds_an_existing_organisation(client, cluster, manager):
    OrganisationFactory(key="neurobiolab", name_en="Neurobiolab")
    client.force_login(manager)
    page = _text(client.get("/clusters/medtech/members/add/", {"q": "neuro"}))
    assert 'name="organisation" value="neurobiolab"' in page
    response = client.post(
        "/clusters/medtech/members/add/?q=neuro",
        {"action": "existing", "organisation": "neurobiolab", "role": "partner", "joined": "2024-03-01"},
    )
    assert response.status_code == 302 and response["Location"] == "/clusters/medtech/"
    membership = Membership.objects.get(cluster=cluster, organisation__key="neurobiolab")
    assert (membership.role, membership.joined) == ("partner", dt.date(2024, 3, 1))
    profile = client.get("/clusters/medtech/")
    text = _text(profile)
    assert "Neurobiolab is now a member of the cluster (Partner)." in text  # the success message
    assert "Neurobiolab" in text[text.index("<h3>Partner") :]


def test_search_for_candidates_skips_members_and_finds_keys(client, cluster, manager):
    client.force_login(manager)
    assert 'name="organisation" value="eurogen"' not in _text(
        client.get("/clusters/medtech/members/add/", {"q": "eurogen"})
    )
    OrganisationFactory(key="imagerysoft", name_en="Imagery Software")
    assert 'name="organisation" value="imagerysoft"' in _text(
        client.get("/clusters/medtech/members/add/", {"q": "imagerysoft"})
    )


def test_manager_registers_a_new_organisation_as_member(client, cluster, manager):
    client.force_login(manager)
    response = client.post(
        "/clusters/medtech/members/add/",
        {
            "action": "new", "name_ru": "Евроген Лаб", "name_en": "", "type": "company_sme", "inn": VALID_INN,
            "ogrn": VALID_OGRN, "region": "RU-MOW", "city": "Москва", "role": "member", "joined": "",
        },
    )  # fmt: skip
    assert response.status_code == 302
    organisation = Organisation.objects.get(inn=VALID_INN)
    assert organisation.key == "evrogen-lab"  # made from the Russian name, transliterated
    assert Membership.objects.filter(cluster=cluster, organisation=organisation, left__isnull=True).exists()
    assert "Евроген Лаб" in _text(client.get("/clusters/medtech/"))
    assert AuditEvent.objects.filter(model="registry.Membership", action="create", actor=manager).exists()


def test_new_organisation_with_a_bad_inn_is_refused_with_a_clear_message(client, cluster, manager):
    client.force_login(manager)
    data = {
        "action": "new",
        "name_en": "Bad INN Ltd",
        "type": "company_sme",
        "inn": "7707083894",
        "role": "member",
    }
    text = _text(client.post("/clusters/medtech/members/add/", data))
    assert "The INN&#x27;s check digit does not match: please check the number." in text
    text = _text(client.post("/clusters/medtech/members/add/", {**data, "inn": "12345"}))
    assert "The INN must have 10 or 12 digits." in text
    assert not Organisation.objects.filter(name_en="Bad INN Ltd").exists()


def test_a_second_coordinator_is_refused(client, cluster, manager):
    OrganisationFactory(key="second", name_en="Second")
    client.force_login(manager)
    response = client.post(
        "/clusters/medtech/members/add/?q=second",
        {"action": "existing", "organisation": "second", "role": "coordinator"},
    )
    assert response.status_code == 200
    assert "Pirogov University is already the coordinator" in _text(response)
    assert not Membership.objects.filter(organisation__key="second").exists()


def test_another_clusters_manager_gets_403_with_the_reason(client, cluster):
    client.force_login(user_with_role(Role.CLUSTER_MANAGER, cluster=ClusterFactory(key="other")))
    for url in (
        "/clusters/medtech/members/add/",
        f"/clusters/medtech/members/{cluster.memberships.first().pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "only this cluster&#x27;s managers may change its members" in _text(response)
    response = client.post(
        "/clusters/medtech/members/add/",
        {"action": "new", "name_en": "Sneaky", "type": "other", "role": "member"},
    )
    assert response.status_code == 403 and not Organisation.objects.filter(name_en="Sneaky").exists()
    assert client.get("/clusters/medtech/edit/").status_code == 403


def test_anonymous_cannot_add_members(client, cluster):
    response = client.get("/clusters/medtech/members/add/")
    assert response.status_code == 403
    assert "Sign in" in _text(response)


def test_manager_changes_a_role_and_ends_a_membership(client, cluster, manager):
    client.force_login(manager)
    eurogen = Membership.objects.get(cluster=cluster, organisation__key="eurogen")
    url = f"/clusters/medtech/members/{eurogen.pk}/"
    response = client.post(url, {"action": "save", "role": "core", "joined": "2019-05-01", "left": ""})
    assert response.status_code == 302
    eurogen.refresh_from_db()
    assert (eurogen.role, eurogen.joined, eurogen.left) == ("core", dt.date(2019, 5, 1), None)

    response = client.post(url, {"action": "end", "role": "core", "joined": "2019-05-01"})
    assert response.status_code == 302
    eurogen.refresh_from_db()
    assert eurogen.left is not None
    text = _text(client.get("/clusters/medtech/"))
    assert "1 former member" in text


def test_a_membership_cannot_end_before_it_began(client, cluster, manager):
    client.force_login(manager)
    eurogen = Membership.objects.get(cluster=cluster, organisation__key="eurogen")
    text = _text(
        client.post(
            f"/clusters/medtech/members/{eurogen.pk}/",
            {"action": "save", "role": "member", "joined": "2020-01-01", "left": "2019-01-01"},
        )
    )
    assert "The membership cannot end before it began." in text


def test_manager_deletes_a_membership_entered_by_mistake(client, cluster, manager):
    client.force_login(manager)
    eurogen = Membership.objects.get(cluster=cluster, organisation__key="eurogen")
    assert client.post(f"/clusters/medtech/members/{eurogen.pk}/", {"action": "delete"}).status_code == 302
    assert not Membership.objects.filter(pk=eurogen.pk).exists()


def test_manager_edits_the_cluster(client, cluster, manager):
    client.force_login(manager)
    assert client.get("/clusters/medtech/edit/").status_code == 200
    response = client.post(
        "/clusters/medtech/edit/",
        {
            "name_en": "Medical Technologies", "name_ru": "Медтех", "status": "established",
            "regions": ["RU-MOW", "RU-MOS"], "description_en": "Devices and drugs.",
            "website": "medtech.example.org",
        },
    )  # fmt: skip
    assert response.status_code == 302
    cluster.refresh_from_db()
    assert cluster.status == "established" and cluster.website == "https://medtech.example.org"
    assert sorted(cluster.regions.values_list("code", flat=True)) == ["RU-MOS", "RU-MOW"]
    text = _text(client.get("/clusters/medtech/"))
    assert "Devices and drugs." in text and 'id="region-RU-MOS" class="map-region is-highlighted"' in text


def test_cluster_form_needs_a_name_and_regions(client, cluster, manager):
    client.force_login(manager)
    text = _text(client.post("/clusters/medtech/edit/", {"name_en": "", "name_ru": "", "status": "pilot"}))
    assert "Give the cluster&#x27;s name in Russian, in English or both." in text
    assert "This field is required." in text  # regions


# --- organisations -----------------------------------------------------------------------------------


def test_contacts_are_hidden_from_anonymous_and_shown_to_the_clusters_manager(client, cluster, manager):
    person = PersonFactory(full_name_en="Anna Petrova", email="anna@example.org", phone="+7 495 000 00 00")
    Affiliation.objects.create(
        person=person, organisation=Organisation.objects.get(key="eurogen"), position="CEO"
    )
    anonymous = _text(client.get("/organisations/eurogen/"))
    assert "anna@example.org" not in anonymous and "Anna Petrova" not in anonymous
    assert (
        "1 contact person is not shown: contact details are visible only to signed-in members." in anonymous
    )

    client.force_login(user_with_role(Role.ANALYST))
    assert "anna@example.org" not in _text(client.get("/organisations/eurogen/"))

    client.force_login(manager)
    text = _text(client.get("/organisations/eurogen/"))
    assert "Anna Petrova" in text and "anna@example.org" in text and "CEO" in text


def test_organisation_profile_shows_identifiers_competences_and_clusters(client, cluster):
    eurogen = Organisation.objects.get(key="eurogen")
    eurogen.competences.add(CompetenceFactory(name_en="Genomics"))
    eurogen.competences_text = "Custom antibodies"
    eurogen.save()
    text = _text(client.get("/organisations/eurogen/"))
    assert eurogen.inn in text and "Genomics" in text and "Custom antibodies" in text
    assert "Medical Technologies" in text and "Member" in text


def test_representative_edits_their_organisation(client, cluster):
    eurogen = Organisation.objects.get(key="eurogen")
    client.force_login(user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=eurogen))
    assert reverse("organisation-edit", args=["eurogen"]) in _text(client.get("/organisations/eurogen/"))
    response = client.post(
        "/organisations/eurogen/edit/",
        {
            "key": "hijacked",
            "name_en": "Eurogen",
            "type": "company_sme",
            "inn": eurogen.inn,
            "city": "Moscow",
        },
    )
    assert response.status_code == 302
    eurogen.refresh_from_db()
    assert eurogen.key == "eurogen"  # the key cannot change
    assert reverse("organisation-edit", args=["rnrmu"]) not in _text(client.get("/organisations/rnrmu/"))
    assert client.get("/organisations/rnrmu/edit/").status_code == 403


def test_manager_creates_an_organisation_and_duplicates_are_named(client, cluster, manager):
    client.force_login(manager)
    assert client.get("/organisations/_new/").status_code == 200
    data = {
        "key": "",
        "name_en": "Eurogen, Inc.",
        "type": "company_sme",
        "inn": VALID_INN,
        "ogrn": VALID_OGRN,
    }
    response = client.post("/organisations/_new/", data)
    assert response.status_code == 302 and response["Location"] == "/organisations/eurogen-inc/"
    text = _text(client.post("/organisations/_new/", {**data, "name_en": "Copy"}))
    assert f"INN {VALID_INN} is already registered for Eurogen, Inc.." in text
    assert f"OGRN {VALID_OGRN} is already registered for Eurogen, Inc.." in text


def test_only_managers_and_admins_create_organisations(client, cluster):
    assert client.get("/organisations/_new/").status_code == 403
    client.force_login(user_with_role(Role.ANALYST))
    response = client.get("/organisations/_new/")
    assert response.status_code == 403
    assert "only cluster managers and administrators register organisations" in _text(response)
    assert reverse("organisation-create") not in _text(client.get("/organisations/"))


def test_organisation_form_needs_a_name():
    form = OrganisationForm({"type": "other"})
    assert not form.is_valid()
    assert form.errors["name_en"] == ["Give the organisation's name in Russian, in English or both."]


def test_keys_are_made_from_names():
    assert transliterate("Щукин Ёж") == "shchukin ezh"
    assert suggest_key("Eurogen, Inc.") == "eurogen-inc"
    OrganisationFactory(key="eurogen-inc")
    assert suggest_key("Eurogen, Inc.") == "eurogen-inc-2"
    assert suggest_key("", "Факультет МГУ") == "fakultet-mgu"
    assert suggest_key("", "") == "organisation"


def test_unknown_cluster_and_organisation_are_404(client):
    assert client.get("/clusters/nope/").status_code == 404
    response = client.get("/organisations/nope/")
    assert response.status_code == 404 and "Page not found" in _text(response)


def test_organisation_types_are_labelled(client, cluster):
    assert str(OrganisationType("research_institute").label) in _text(client.get("/organisations/"))


def test_organisation_profile_shows_ties_only_to_those_who_may_see_them(client):
    """tie.view: the parties' representatives and analysts see an agreement; visitors and others do not."""
    from clusterworks.web.registry.models import Agreement, JointProject, ProjectParticipation
    from tests.factories import OrganisationFactory

    eurogen, genomed, outsider = (
        OrganisationFactory(key="eurogen-t", name_en="Eurogen"),
        OrganisationFactory(key="genomed-t", name_en="GenoMed"),
        OrganisationFactory(key="outsider-t"),
    )
    agreement = Agreement.objects.create(
        title="Marker licence", kind="licence", signed_on=dt.date(2019, 3, 12)
    )
    agreement.parties.set([eurogen, genomed])
    project = JointProject.objects.create(title="Biosensor", acronym="BIOSENS", start=dt.date(2022, 2, 1))
    ProjectParticipation.objects.create(project=project, organisation=eurogen)
    ProjectParticipation.objects.create(project=project, organisation=genomed)

    assert "Marker licence" not in client.get("/organisations/eurogen-t/").content.decode()
    client.force_login(user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=genomed))
    page = client.get("/organisations/eurogen-t/").content.decode()
    assert "Marker licence" in page and "BIOSENS" in page and "GenoMed" in page
    client.force_login(user_with_role(Role.ORGANISATION_REPRESENTATIVE, organisation=outsider))
    page = client.get("/organisations/eurogen-t/").content.decode()
    assert "Marker licence" not in page and "No agreements or joint projects that you may see." in page
