"""Core pages (dashboard, log-in, password change and reset, audit log, error pages), the page frame,
and the Russian translation: its catalogue is complete and the pages speak Russian."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.contrib.staticfiles import finders
from django.core import mail
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from clusterworks.web.core import views as core_views
from clusterworks.web.core.audit import acting_as
from clusterworks.web.core.roles import Role
from clusterworks.web.registry import services
from clusterworks.web.registry.models import MembershipRole
from tests.factories import (
    ClusterFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    user_with_role,
)

WEB = Path(core_views.__file__).resolve().parents[1]
PO_FILE = WEB / "locale" / "ru" / "LC_MESSAGES" / "django.po"

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


@pytest.fixture
def cluster():
    cluster = ClusterFactory(key="medtech", name_en="Medical Technologies", name_ru="Медицинские технологии")
    MembershipFactory(
        cluster=cluster,
        role=MembershipRole.COORDINATOR,
        organisation=OrganisationFactory(name_en="Pirogov University", name_ru="Университет Пирогова"),
    )
    MembershipFactory(cluster=cluster, organisation=OrganisationFactory(type="research_institute"))
    return cluster


# --- dashboard and page frame ------------------------------------------------------------------------


def test_dashboard_for_anonymous_shows_totals_and_recent_clusters(client, cluster):
    text = _text(client.get("/"))
    assert "Medical Technologies" in text and "Pirogov University" in text  # recent cluster, its coordinator
    # totals, by hand: 1 cluster, 2 organisations, 2 memberships, 1 region (Moscow)
    assert re.search(r'stat-value">1</span>\s*<span class="stat-label">cluster</span>', text)
    assert re.search(r'stat-value">2</span>\s*<span class="stat-label">organisations</span>', text)
    assert "Clusters you manage" not in text
    assert 'href="/accounts/login/' in text


def test_dashboard_lists_the_clusters_the_user_manages(client, cluster):
    client.force_login(user_with_role(Role.CLUSTER_MANAGER, cluster=cluster))
    text = _text(client.get("/"))
    assert "Clusters you manage" in text
    assert 'action="/accounts/logout/"' in text  # sign out is a POST form


def test_navigation_shows_admin_links_only_to_admins(client):
    text = _text(client.get("/"))
    assert reverse("audit-log") not in text and "/admin/" not in text
    admin = user_with_role(Role.ADMIN, is_staff=True)
    client.force_login(admin)
    text = _text(client.get("/"))
    assert reverse("audit-log") in text and 'href="/admin/"' in text


def test_navigation_links_to_import_only_when_it_exists(client):
    text = _text(client.get("/"))
    try:
        url = reverse("registry-import")
    except NoReverseMatch:
        assert "Import/Export" not in text
    else:
        assert f'href="{url}"' in text


def test_footer_attributes_the_boundaries(client):
    text = _text(client.get("/"))
    assert "geoBoundaries" in text and "CC BY 4.0" in text


def test_the_stylesheet_is_served_by_the_app():
    """The page frame links static/clusterworks/app.css; the static files finders must find it
    (settings: STATICFILES_DIRS = [WEB_DIR / "static"])."""
    assert finders.find("clusterworks/app.css"), "add STATICFILES_DIRS = [WEB_DIR / 'static'] to settings"
    css = (WEB / "static" / "clusterworks" / "app.css").read_text()
    assert "@import" not in css and "http" not in css  # no external fonts or resources


# --- log-in, log-out, passwords ----------------------------------------------------------------------


def test_login_page_and_logging_in_and_out(client):
    UserFactory(username="irina")
    assert 'name="username"' in _text(client.get("/accounts/login/"))
    response = client.post("/accounts/login/", {"username": "irina", "password": "wrong"})
    assert "Please enter a correct username and password" in _text(response)
    response = client.post("/accounts/login/", {"username": "irina", "password": "correct horse battery"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.post("/accounts/logout/").status_code == 302
    assert not client.session.get("_auth_user_id")


def test_login_applies_the_users_preferred_language(client):
    UserFactory(username="ivan", preferred_language="ru")
    response = client.post("/accounts/login/", {"username": "ivan", "password": "correct horse battery"})
    assert response.cookies["clusterworks_language"].value == "ru"
    assert "Реестр кластеров" in _text(client.get("/"))


def test_password_change(client):
    user = UserFactory(username="irina")
    client.force_login(user)
    assert 'name="new_password1"' in _text(client.get("/accounts/password/change/"))
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": "correct horse battery",
            "new_password1": "a new long secret 42",
            "new_password2": "a new long secret 42",
        },
    )
    assert response.status_code == 302
    assert "Your password is changed." in _text(client.get(response["Location"]))


def test_password_reset_sends_a_link(client):
    UserFactory(username="irina", email="irina@example.org")
    response = client.post("/accounts/password/reset/", {"email": "irina@example.org"})
    assert response.status_code == 302
    assert "Check your e-mail" in _text(client.get(response["Location"]))
    (message,) = mail.outbox
    assert message.subject == "Clusterworks: reset your password"
    link = re.search(r"https?://\S+/accounts/reset/\S+/", message.body).group(0)
    path = link.split("testserver", 1)[1]
    page = client.get(path, follow=True)
    assert 'name="new_password1"' in _text(page)


# --- audit log ---------------------------------------------------------------------------------------


def test_audit_log_shows_who_changed_what(client):
    admin = user_with_role(Role.ADMIN, username="olga")
    with acting_as(admin, "web"):
        organisation = services.organisation_create(
            actor=admin, data={"key": "eurogen", "name_en": "Eurogen", "type": "company_sme"}
        )
        services.organisation_update(actor=admin, organisation=organisation, data={"city": "Moscow"})
    ClusterFactory(name_en="Another cluster")
    client.force_login(admin)
    text = _text(client.get("/audit/"))
    assert "olga" in text and "Eurogen" in text
    # the update as a diff row: field label, old value (empty), new value
    assert re.search(r'<th scope="row">City</th><td>—</td><td class="new">Moscow</td>', text)
    filtered = _text(client.get("/audit/", {"model": "registry.Organisation"}))
    assert "Eurogen" in filtered and "Another cluster" not in filtered


def test_audit_log_refuses_others_with_the_reason(client, cluster):
    client.force_login(user_with_role(Role.CLUSTER_MANAGER, cluster=cluster))
    response = client.get("/audit/")
    assert response.status_code == 403
    assert "only platform administrators see the audit log" in _text(response)


def test_404_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404 and "Page not found" in _text(response)


# --- Russian -----------------------------------------------------------------------------------------


def _po_entries(text: str) -> list[dict]:
    """Parse a .po file into entries: flags, msgid, msgid_plural and msgstr (or msgstr[n])."""
    entries, entry, key = [], None, None
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            if entry and ("msgid" in entry):
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry if entry is not None else {"flags": set()}
        if line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return entries


def test_russian_catalogue_is_complete_and_not_fuzzy():
    entries = _po_entries(PO_FILE.read_text(encoding="utf-8"))
    header = next(e for e in entries if e["msgid"] == "")
    plural = "plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
    assert f"nplurals=3; {plural}" in header["msgstr"]
    messages = [e for e in entries if e["msgid"] and not e.get("obsolete")]
    assert len(messages) > 300
    assert [e["msgid"] for e in messages if "fuzzy" in e["flags"]] == []
    for entry in messages:
        if "msgid_plural" in entry:
            assert all(entry.get(f"msgstr[{n}]") for n in range(3)), entry["msgid"]
        else:
            assert entry["msgstr"], entry["msgid"]
    assert PO_FILE.with_suffix(".mo").stat().st_mtime >= PO_FILE.stat().st_mtime - 1, "run compilemessages"


def test_every_refusal_reason_is_translated():
    """The 403 page and the API show the predicates' reasons in the reader's language: every
    ``deny(...)``/``allow(...)`` in a permissions module passes a translatable ``_("...")`` that the
    Russian catalogue translates."""
    reasons = []
    for path in (WEB / "core" / "permissions.py", WEB / "registry" / "permissions.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"deny", "allow"}:
                (argument,) = node.args
                assert isinstance(argument, ast.Call) and argument.func.id == "_", ast.unparse(node)
                reasons.append(argument.args[0].value)
    assert len(reasons) > 20
    with translation.override("ru"):
        untranslated = [r for r in reasons if translation.gettext(r) == r]
    assert untranslated == []


def test_switching_to_russian(client, cluster):
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/clusters/medtech/"})
    assert response.status_code == 302 and response["Location"] == "/clusters/medtech/"
    text = _text(client.get("/clusters/medtech/"))
    assert '<html lang="ru">' in text
    assert "<h1>Медицинские технологии</h1>" in text  # the Russian name
    for russian in (
        "Участники",
        "Координатор",
        "Тройная спираль",
        "Университеты",
        "Расположение",
        "Кластеры",
    ):
        assert russian in text, russian
    assert "Members" not in text and "Triple helix" not in text


def test_russian_403_explains_in_russian(client, cluster):
    client.force_login(user_with_role(Role.CLUSTER_MANAGER, cluster=ClusterFactory(key="other")))
    client.cookies["clusterworks_language"] = "ru"
    text = _text(client.get("/clusters/medtech/members/add/"))
    assert "изменять состав участников кластера могут только его менеджеры" in text


def test_russian_plurals_and_numbers(client):
    """Russian has three plural forms: 1, 21 кластер; 3 кластера; 5, 11, 111 кластеров."""
    with translation.override("ru"):
        assert intcomma(1234567) == "1\xa0234\xa0567"  # a non-breaking space groups thousands
        for n, word in (
            (1, "кластер"),
            (21, "кластер"),
            (3, "кластера"),
            (5, "кластеров"),
            (11, "кластеров"),
        ):
            text = translation.ngettext("%(number)s cluster", "%(number)s clusters", n) % {"number": n}
            assert text == f"{n} {word}"
    for _ in range(3):
        ClusterFactory()
    client.cookies["clusterworks_language"] = "ru"
    assert "3 кластера" in _text(client.get("/clusters/"))
