"""Shared by the HTML pages' browser tests: a headless Chromium that loads a page, runs its scripts and
hands back the DOM they leave (the tests skip where no Chromium is installed; `.ci/run` installs it)."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import lxml.html
import pytest

CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name)), None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed (apt-get install chromium)")


def rendered_body(page: Path, *flags: str) -> lxml.html.HtmlElement:
    """The ``<body>`` of ``page`` as Chromium leaves it once its scripts ran (``flags``: Chromium's own,
    e.g. the window size); the run must end well and no script throw."""
    run = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tempfile.mkdtemp()}",
         "--enable-logging=stderr", *flags, "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Uncaught" not in run.stderr
    return lxml.html.fromstring(run.stdout).find("body")
