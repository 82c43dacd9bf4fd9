"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

Playwright's browser build is never downloaded (``playwright install`` is not used): the tests drive
``/usr/bin/chromium``. When it is missing and the tests run as root on a machine with apt-get (CI),
the session installs it; otherwise it fails with a message that says how to install it.

The live server needs transactional tests, and Django empties every table after each of them. The
rows the data migrations seeded -- the gate catalogues and agencies of pathways, the registry's
reference data -- would be gone for every test that runs later and relies on them. Django's
``serialized_rollback`` reloads them only at the *start* of a test that asks for it, and only through
the connection objects of the context where the test database was made; Playwright's sync API runs
the tests in another context (other connection objects), where Django then neither reloads the rows
nor keeps the flush from recreating content types under new keys. So here the rows the migrations
left are kept once (:func:`migrated_rows`), handed to the tests' connections (:func:`browser`), and
put back after every transactional test's teardown (:func:`pytest_runtest_teardown`): the order of
the tests does not matter.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test's thread; Django's ORM, called by the tests to
# build their data, would otherwise refuse to run next to it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WEB_STATIC = Path(__file__).resolve().parents[2] / "src" / "clusterworks" / "web" / "static"
#: pytest-django's database blocker and the rows the migrations left, per database alias (JSON, as
#: Django serializes them), for the restore after each test
MIGRATED_ROWS = pytest.StashKey[tuple[object, dict[str, str]]]()


@pytest.fixture(scope="session", autouse=True)
def migrated_rows(request, django_db_setup, django_db_blocker) -> dict[str, str]:
    """The rows the migrations left in each test database, as Django serialized them when it made the
    database (the browser tests ask for ``serialized_rollback``); serialized now if it did not."""
    from django.db import connections

    rows = {}
    with django_db_blocker.unblock():
        for alias in connections:
            connection = connections[alias]
            rows[alias] = getattr(connection, "_test_serialized_contents", None) or (
                connection.creation.serialize_db_to_string()
            )
    request.config.stash[MIGRATED_ROWS] = (django_db_blocker, rows)
    return rows


def _restore(rows: dict[str, str]) -> None:
    """Empty the databases (without the post-migrate signals, which would add content types under new
    keys) and load ``rows``."""
    from django.core.management import call_command
    from django.db import connections

    for alias, contents in rows.items():
        call_command("flush", verbosity=0, interactive=False, database=alias, inhibit_post_migrate=True)
        connections[alias].creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="module", autouse=True)
def _start_from_migrated_rows(migrated_rows, django_db_blocker):
    """Each module starts from the rows the migrations left, whatever ran before it (a transactional
    test elsewhere may have emptied the tables, or its flush recreated content types under new keys)."""
    with django_db_blocker.unblock():
        _restore(migrated_rows)


def _transactional(item: pytest.Item) -> bool:
    """Whether the test ran in a transactional database, which Django flushes after it."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or "live_server" in fixtures
        or "transactional_db" in fixtures
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """After a transactional test's teardown (Django's flush included), put the migrated rows back."""
    result = yield
    blocker, rows = item.config.stash.get(MIGRATED_ROWS, (None, {}))
    if blocker is not None and rows and _transactional(item):
        with blocker.unblock():
            _restore(rows)
    return result


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium, installed with apt-get when missing and possible."""
    if CHROMIUM.exists():
        return CHROMIUM
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], check=True, env=env)
        if CHROMIUM.exists():
            return CHROMIUM
    pytest.fail(
        f"Chromium is not at {CHROMIUM}. Install Debian's package (as root: apt-get update && "
        "apt-get install -y chromium), or deselect these tests with -m 'not browser'."
    )


@pytest.fixture(scope="module")
def browser(chromium_path, migrated_rows):
    """One headless Chromium per test module (the event loop stops with it)."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # from here the tests run in Playwright's context, with connection objects of their own: give
        # them the rows to reload, so that Django's serialized_rollback works there too
        for alias, contents in migrated_rows.items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def static_files(settings):
    """Serve src/clusterworks/web/static from the live server, whether or not the settings list it yet."""
    dirs = [Path(d) for d in getattr(settings, "STATICFILES_DIRS", [])]
    if WEB_STATIC not in dirs:
        settings.STATICFILES_DIRS = [*dirs, WEB_STATIC]


@pytest.fixture
def new_page(browser, live_server, static_files):
    """``new_page(width)``: a page in a fresh context (its own cookies) of the given viewport width."""
    contexts = []

    def make(width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height}, base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
