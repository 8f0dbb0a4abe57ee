"""The browser tests' Chromium (tests/browser/conftest.py), for the page tests here too."""

from tests.browser.conftest import browser, open_page  # noqa: F401
