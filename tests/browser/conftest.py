"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

Playwright's browser build is never downloaded (``playwright install`` is not used): the tests drive
``/usr/bin/chromium``. When it is missing and the tests run as root on a machine with apt-get (CI),
the session installs it; otherwise it fails with a message that says how to install it.
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
def browser(chromium_path):
    """One headless Chromium per test module (the event loop stops with it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
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
