"""The browser fixtures live with the browser tests; the import pages' browser test reuses them."""

from tests.browser.conftest import browser, page  # noqa: F401
