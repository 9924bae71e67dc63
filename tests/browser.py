"""Debian's chromium, headless, driven by Playwright: for the review site's tests and the
screenshots in docs/. Never a browser of Playwright's own (none is downloaded)."""

from __future__ import annotations

from playwright.sync_api import Browser, Playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch(playwright: Playwright) -> Browser:
    """The system's chromium (its own fresh profile: a new empty user-data-dir per launch)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
