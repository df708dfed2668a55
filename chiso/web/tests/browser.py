"""Headless Chromium for end-to-end tests: Debian's /usr/bin/chromium driven by Playwright."""

import os
import shutil
from contextlib import contextmanager

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def require_chromium():
    """Skip without a browser on a developer's machine; in CI a missing browser is a failure."""
    if not (os.path.exists(CHROMIUM) and shutil.which("chromium")):
        if os.environ.get("CI"):
            pytest.fail("CI needs /usr/bin/chromium for the browser tests")
        pytest.skip("chromium is not installed")


@contextmanager
def browser_page(viewport=None):
    from playwright.sync_api import sync_playwright

    require_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, locale="vi-VN")
            page = context.new_page()
            page.set_default_timeout(15000)
            yield page
        finally:
            browser.close()


def sign_in(page, base_url, username, password="pw-test-123"):
    page.goto(f"{base_url}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")
