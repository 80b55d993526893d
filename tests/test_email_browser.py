"""The email HTML in a real browser: headless Chromium at desktop and phone widths.

Chromium is driven through the DevTools protocol over a pipe (``--remote-debugging-pipe``):
a window cannot be narrower than 500 px, but an emulated viewport can, and one browser
serves every width and colour scheme. Screenshots land in ``screenshots/email/`` (git-ignored)
for a person to look at.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CHROMIUM, REPO, MakeSite, needs_chromium
from tests.email_project import build_email_site

pytestmark = needs_chromium

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TIMEOUT_SECONDS = 30
SCREENSHOTS = REPO / "screenshots" / "email"
SECTION_HEADINGS = [
    "Key Highlights", "Our Views", "Regulatory Developments",
    "Enforcement Developments", "Industry Developments",
]
# What the page reports about itself: overflow, and where and how each heading is drawn.
MEASURE = """JSON.stringify({
  viewport: window.innerWidth,
  scrollWidth: document.documentElement.scrollWidth,
  headings: [...document.querySelectorAll("h1, h2")].map(h => {
    const box = h.getBoundingClientRect(), style = getComputedStyle(h);
    return {text: h.textContent.trim(), left: box.left, right: box.right, height: box.height,
            clipped: h.scrollWidth > h.clientWidth, shown: style.visibility === "visible"
            && style.display !== "none" && style.opacity !== "0"};
  }),
  text: [...document.querySelectorAll("h1, h2, h3, p, li, a")].map(e => {
    let back = e, colour = "rgba(0, 0, 0, 0)";
    while (back && (colour === "rgba(0, 0, 0, 0)" || colour === "transparent")) {
      colour = getComputedStyle(back).backgroundColor; back = back.parentElement;
    }
    return {text: e.textContent.trim().slice(0, 40), fg: getComputedStyle(e).color, bg: colour};
  }),
})"""


class Chromium:
    """A headless Chromium spoken to with DevTools messages over a pipe."""

    def __init__(self, profile: Path):
        to_browser, from_browser = os.pipe(), os.pipe()
        # Chromium reads fd 3 and writes fd 4; ours sit at 10 and up so no redirect clobbers them.
        child_in = fcntl.fcntl(to_browser[0], fcntl.F_DUPFD, 10)
        child_out = fcntl.fcntl(from_browser[1], fcntl.F_DUPFD, 10)
        for fd in (to_browser[0], from_browser[1]):
            os.close(fd)
        self.process = subprocess.Popen(
            ["bash", "-c", f'exec "$0" "$@" 3<&{child_in} 4>&{child_out}', str(CHROMIUM), *FLAGS,
             f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            pass_fds=(child_in, child_out), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for fd in (child_in, child_out):
            os.close(fd)
        self.writer, self.reader = to_browser[1], from_browser[0]
        self.pending = b""
        self.last_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and return its result."""
        self._send(method, session, params)
        while (reply := self._receive()).get("id") != self.last_id:
            self.events.append(reply)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply["result"]
        return result

    def wait_for(self, event: str) -> None:
        """Return once ``event`` has arrived (it may have come while waiting for a reply)."""
        while not any(message.get("method") == event for message in self.events):
            self.events.append(self._receive())
        self.events.clear()

    def _send(self, method: str, session: str | None, params: dict[str, Any]) -> None:
        self.last_id += 1
        message: dict[str, Any] = {"id": self.last_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self.writer, json.dumps(message).encode() + b"\0")

    def _receive(self) -> dict[str, Any]:
        while b"\0" not in self.pending:
            if not select.select([self.reader], [], [], TIMEOUT_SECONDS)[0]:
                raise TimeoutError(f"chromium sent nothing for {TIMEOUT_SECONDS} s")
            chunk = os.read(self.reader, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.pending += chunk
        message, self.pending = self.pending.split(b"\0", 1)
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def close(self) -> None:
        """Ask the browser to quit and wait for it; it may exit before it could answer."""
        try:
            self._send("Browser.close", None, {})
            self.process.wait(timeout=TIMEOUT_SECONDS)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            os.close(self.writer)
            os.close(self.reader)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Chromium, str]]:
    """One browser tab for the whole module."""
    browser = Chromium(tmp_path_factory.mktemp("chromium-profile"))
    try:
        target = browser.call("Target.createTarget", url="about:blank")["targetId"]
        session = browser.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        browser.call("Page.enable", session)
        browser.call("Emulation.setScrollbarsHidden", session, hidden=True)
        yield browser, session
    finally:
        browser.close()


def look_at(page: tuple[Chromium, str], html: Path, width: int, scheme: str) -> dict[str, Any]:
    """Load ``html`` at ``width`` px in the ``scheme`` colour scheme; screenshot and measure it."""
    browser, session = page
    browser.call("Emulation.setDeviceMetricsOverride", session, width=width, height=900,
                 deviceScaleFactor=1, mobile=False)
    browser.call("Emulation.setEmulatedMedia", session,
                 features=[{"name": "prefers-color-scheme", "value": scheme}])
    browser.call("Page.navigate", session, url=html.as_uri())
    browser.wait_for("Page.loadEventFired")
    shot = browser.call("Page.captureScreenshot", session, format="png", captureBeyondViewport=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"email-{width}px-{scheme}.png").write_bytes(base64.b64decode(shot["data"]))
    evaluated = browser.call("Runtime.evaluate", session, expression=MEASURE, returnByValue=True)
    measured: dict[str, Any] = json.loads(evaluated["result"]["value"])
    return measured


@pytest.fixture
def email_html(make_site: MakeSite) -> Path:
    """The email of the test issue."""
    return build_email_site(make_site) / "email.html"


def relative_luminance(css_colour: str) -> float:
    """WCAG relative luminance of an ``rgb(r, g, b)`` colour."""
    inside = css_colour[css_colour.index("(") + 1 : -1]
    channels = [int(part) / 255 for part in inside.split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio between two computed colours."""
    dark, light = sorted((relative_luminance(foreground), relative_luminance(background)))
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("width", [600, 375])
def test_email_fits_the_screen_and_shows_every_section_heading(
    page: tuple[Chromium, str], email_html: Path, width: int
) -> None:
    seen = look_at(page, email_html, width, "light")
    assert seen["viewport"] == width
    assert seen["scrollWidth"] <= width, "the email scrolls sideways"
    headings = [h for h in seen["headings"] if h["text"] in SECTION_HEADINGS]
    assert [h["text"] for h in headings] == SECTION_HEADINGS
    for heading in seen["headings"]:
        assert heading["shown"] and heading["height"] > 0, heading
        assert heading["left"] >= 0 and heading["right"] <= width, heading
        assert not heading["clipped"], heading


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_stays_legible_in_light_and_dark_clients(
    page: tuple[Chromium, str], email_html: Path, scheme: str
) -> None:
    seen = look_at(page, email_html, 375, scheme)
    dark = scheme == "dark"
    assert all((relative_luminance(s["bg"]) < 0.05) == dark for s in seen["text"]), seen["text"]
    for sample in seen["text"]:
        assert contrast(sample["fg"], sample["bg"]) >= 4.5, sample
