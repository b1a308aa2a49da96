"""Playwright driving Debian's Chromium against pytest-django's live server: the fixtures
`browser` and `page`, for every test (a plugin named in tests/conftest.py's `pytest_plugins`)."""

import os
import shutil

import pytest

CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)


@pytest.fixture
def browser(live_server):
    """Function-scoped on purpose: Playwright's event loop gives the ORM a new connection
    context, so the browser must start after the test database was restored."""
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: `make browsers` should have installed it.")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls in the
    # tests are synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="de-DE", viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    # ORM calls under Playwright's loop opened their own connections: close them so the
    # test database can be dropped at the end.
    from django.db import connections

    connections.close_all()
