"""Headless Chromium (Debian's package) driven by Playwright, for the browser tests."""

import os
import shutil
import tempfile

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without these, Chromium tries to reach Google's hosts at start-up; the machine is offline.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_available() -> bool:
    return shutil.which(CHROMIUM) is not None


def launch(playwright):
    profile = tempfile.mkdtemp(prefix="fupin-chromium-")
    return playwright.chromium.launch_persistent_context(
        profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, locale="zh-CN"
    )
