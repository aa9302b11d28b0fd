"""Headless Chromium through Playwright, for every browser test; in CI a missing Chromium fails the run."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


DESKTOP = {"viewport": {"width": 1100, "height": 900}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}


def open_page(**options: object) -> Iterator[object]:
    """One page in a fresh headless Chromium (a generator: the browser closes when it is done)."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests: install Debian's chromium")
        pytest.skip("no Chromium here (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(locale="vi-VN", **options)  # type: ignore[arg-type]
        yield page
        browser.close()


@pytest.fixture
def browser_page() -> Iterator[object]:
    """A desktop-sized page."""
    yield from open_page(**DESKTOP)


@pytest.fixture
def phone_page() -> Iterator[object]:
    """A phone-sized page (390 × 844, touch), as most citizens see the forms."""
    yield from open_page(**PHONE)


def fill(page: object, fields: dict[str, str]) -> None:
    """Type into each field, found by its label as a person finds it."""
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
