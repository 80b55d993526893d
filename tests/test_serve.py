"""`newsletter serve`: live reload, the error overlay, and a clean stop."""

from __future__ import annotations

import dataclasses
import fcntl
import html
import json
import os
import queue
import re
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import watchfiles

from newsletter.build import Project, build
from newsletter.options import Options
from newsletter.serve import (
    CHANGES_PATH,
    Outcome,
    Preview,
    PreviewHandler,
    PreviewServer,
    SourceFilter,
    is_loopback,
    kept_previews,
    lasting_changes,
    preview_folder,
    serve,
)
from tests.conftest import MakeSite

ENTRY = "content/2022-05/draft-rules.md"
DEADLINE_SECONDS = 20.0
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy


def fetch(url: str, timeout: float = 10.0) -> tuple[int, str]:
    """GET ``url``: status and body, also for error statuses."""
    try:
        with _DIRECT.open(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def eventually(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` until it holds, failing after a bounded wait."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def served_version(page: str) -> str:
    """The build version a served page was decorated with."""
    found = re.search(r'var version = "(\d+)";', page)
    assert found, "the page has no reload script"
    return found.group(1)


def overlay(page: str) -> str | None:
    """The text of the error overlay of a served page, if it has one."""
    found = re.search(r'<div id="newsletter-errors".*?</div>', page, re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", "", found.group())) if found else None


# In-process: the preview's state and its HTTP handler.


@pytest.fixture
def preview(make_site: MakeSite, tmp_path: Path) -> Preview:
    """A preview of a small project, built once, into a folder of the test."""
    root = make_site()
    project = Project(root, root / "newsletter.yaml", root / "content", tmp_path / "preview/site")
    result = Preview(project, Options())
    assert result.rebuild().report is not None
    return result


@pytest.fixture
def server_url(preview: Preview) -> Iterator[str]:
    """Serve ``preview`` on a free loopback port for one test."""
    server = PreviewServer(("127.0.0.1", 0), lambda *a: PreviewHandler(*a, preview=preview))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    preview.stop()
    server.shutdown()
    server.server_close()


def break_entry(preview: Preview) -> None:
    path = preview.project.root / ENTRY
    path.write_text(path.read_text().replace("title:", "titel:"))


def test_pages_get_the_reload_script_and_other_files_are_untouched(
    preview: Preview, server_url: str
) -> None:
    status, page = fetch(f"{server_url}/issues/2022-05/")
    assert status == 200
    assert "CAC publishes draft rules" in page
    assert served_version(page) == "1"
    assert page.rstrip().endswith("</script>\n</body>\n</html>".rstrip())
    assert overlay(page) is None
    with _DIRECT.open(f"{server_url}/style.css", timeout=10) as response:
        assert response.read() == (preview.site / "style.css").read_bytes()
        assert response.headers["Cache-Control"] == "no-store"
    assert (preview.site / "issues/2022-05/index.html").read_text().count("<script") == 0


def test_folders_without_slash_redirect_and_missing_files_are_404(server_url: str) -> None:
    assert fetch(f"{server_url}/issues/2022-05")[0] == 200  # urllib follows the redirect
    assert fetch(f"{server_url}/issues/1999-01/")[0] == 404


def test_errors_show_over_the_last_good_build_on_every_page(
    preview: Preview, server_url: str
) -> None:
    break_entry(preview)
    outcome = preview.rebuild()
    assert outcome.report is None
    assert f"{ENTRY}:2: unknown field 'titel'; did you mean 'title'?" in outcome.error_lines
    for path in ("/", "/issues/2022-05/", "/issues/2022-05/email.html"):
        status, page = fetch(server_url + path)
        assert status == 200
        text = overlay(page)
        assert text is not None and f"{ENTRY}:2: unknown field 'titel'" in text, path
    assert "CAC publishes draft rules" in fetch(f"{server_url}/issues/2022-05/")[1]


def test_overlay_escapes_what_it_shows(preview: Preview) -> None:
    path = preview.project.root / ENTRY
    path.write_text(path.read_text().replace("title:", "<script>alert(1)</script>:"))
    preview.rebuild()
    page = preview.decorate("<html><body><p>page</p></body></html>")
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_before_any_good_build_the_overlay_stands_alone(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site({ENTRY: "---\ntitle: [\n---\n"})
    project = Project(root, root / "newsletter.yaml", root / "content", tmp_path / "preview")
    preview = Preview(project, Options())
    assert preview.rebuild().report is None
    server = PreviewServer(("127.0.0.1", 0), lambda *a: PreviewHandler(*a, preview=preview))
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        status, page = fetch(f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()
    assert status == 503
    text = overlay(page)
    assert text is not None and f"{ENTRY}:3: YAML syntax error" in text
    assert "last good build" not in text  # there is none to show
    assert served_version(page) == "1"


def test_reload_request_waits_for_the_next_build(preview: Preview, server_url: str) -> None:
    answers: queue.Queue[str] = queue.Queue()
    poll = threading.Thread(
        target=lambda: answers.put(fetch(f"{server_url}{CHANGES_PATH}?since=1", 60)[1]),
        daemon=True,
    )
    poll.start()
    time.sleep(0.3)
    assert answers.empty()  # no rebuild yet: the request is still waiting
    preview.rebuild()
    assert answers.get(timeout=DEADLINE_SECONDS) == "2"
    assert fetch(f"{server_url}{CHANGES_PATH}?since=1")[1] == "2"  # behind: answered at once


def test_preview_files_are_those_of_a_normal_build(preview: Preview, tmp_path: Path) -> None:
    normal = tmp_path / "normal"
    build(Project(preview.project.root, preview.project.config_path,
                  preview.project.content_dir, normal), Options())
    files = sorted(p.relative_to(normal) for p in normal.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(preview.site) for p in preview.site.rglob("*") if p.is_file())
    assert all((normal / f).read_bytes() == (preview.site / f).read_bytes() for f in files)


def test_project_files_trigger_a_rebuild_but_output_and_hidden_ones_do_not(make_site: MakeSite) -> None:
    root = make_site()
    sources = SourceFilter(Project.at(root))
    change = watchfiles.Change.modified
    for relevant in ("newsletter.yaml", ENTRY, "templates/base.html", "templates",
                     "registry.yaml"):
        assert sources(change, str(root / relevant)), relevant
    for ignored in ("output/index.html", "output", ".output.new-1/index.html", ".git/index",
                    f"{ENTRY}.swp", f"{ENTRY}~", "content/.hidden/issue.yaml"):
        assert not sources(change, str(root / ignored)), ignored
    assert not sources(change, str(root.parent / "elsewhere.yaml"))
    assert sources.display(str(root / ENTRY)) == ENTRY


def test_files_created_and_gone_in_one_batch_are_not_changes(tmp_path: Path) -> None:
    kept = tmp_path / "entry.md"
    kept.write_text("x")
    added, deleted = watchfiles.Change.added, watchfiles.Change.deleted
    changes = {(added, str(tmp_path / "tmp123")), (deleted, str(tmp_path / "tmp123")),
               (deleted, str(kept)), (added, str(kept)), (deleted, str(tmp_path / "gone.md"))}
    assert lasting_changes(changes) == {str(kept), str(tmp_path / "gone.md")}


class Silent:
    """A listener that keeps quiet."""

    def serving(self, url: str) -> None:
        """Not reached in these tests."""

    def changed(self, paths: list[str]) -> None:
        """Not reached in these tests."""

    def built(self, outcome: Outcome) -> None:
        """Not reached in these tests."""


def test_the_first_build_runs_alone_so_it_may_use_every_core_and_ctrl_c_stops_it(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads_before = set(threading.enumerate())
    started_while_building: list[threading.Thread] = []

    def interrupted_build(preview: Preview, unless_unchanged: bool = False) -> Outcome:
        started_while_building.extend(set(threading.enumerate()) - threads_before)
        raise KeyboardInterrupt  # the editor gave up waiting

    def too_slow(signum: int, frame: object) -> None:
        raise TimeoutError("serve did not stop")

    monkeypatch.setattr(Preview, "rebuild", interrupted_build)
    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(int(DEADLINE_SECONDS))
    try:
        serve(Project.at(make_site()), Options(), "127.0.0.1", 0, Silent())
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert started_while_building == []  # so the build may fork workers


def test_the_next_preview_starts_from_the_last_one(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = Project.at(make_site())
    with preview_folder(project) as folder:
        preview = Preview(dataclasses.replace(project, output_dir=folder / "site"), Options())
        first = preview.rebuild()
        assert first.report is not None
        preview.idle()  # as serve does when nothing happens for a moment, and when it stops
    assert project.root not in folder.parents  # outside what the watcher follows

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("built again with nothing changed")

    monkeypatch.setattr("newsletter.serve.build", no_build)
    with preview_folder(project) as again:
        assert again == folder
        second = Preview(dataclasses.replace(project, output_dir=again / "site"), Options())
        outcome = second.rebuild(unless_unchanged=True)
        assert outcome.report is not None and outcome.report.files == first.report.files


def test_a_second_preview_at_the_same_time_builds_in_a_folder_of_its_own(make_site: MakeSite) -> None:
    project = Project.at(make_site())
    with preview_folder(project) as kept:
        with preview_folder(project) as other:
            assert other != kept and kept_previews() not in other.parents
            (other / "site").mkdir()
        assert not other.exists()  # a temporary folder, removed
        assert kept.is_dir()


def test_a_kept_preview_folder_holding_something_else_is_left_alone(make_site: MakeSite) -> None:
    project = Project.at(make_site())
    with preview_folder(project) as kept:
        stranger = kept / "site/notes.txt"
        stranger.parent.mkdir()
        stranger.write_text("not a site")
    with preview_folder(project) as folder:
        assert folder != kept
    assert stranger.read_text() == "not a site"


def test_what_a_killed_preview_left_beside_its_site_is_cleared(make_site: MakeSite) -> None:
    project = Project.at(make_site())
    with preview_folder(project) as kept:
        Preview(dataclasses.replace(project, output_dir=kept / "site"), Options()).rebuild()
        for leftover in (".site.spool-x1", ".site.new-x2", ".site.old-x3"):
            (kept / leftover / "issues").mkdir(parents=True)
        (kept / ".site.previous").mkdir()
    with preview_folder(project) as again:
        assert sorted(path.name for path in again.iterdir()) == [".lock", ".site.lock", ".site.previous", "site"]


def test_loopback_addresses() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0")


# End to end: the real command in a subprocess.


class ServeProcess:
    """``newsletter serve`` running in a project, with its output collected."""

    def __init__(self, root: Path, temp: Path):
        env = {**os.environ, "TMPDIR": str(temp), "NO_COLOR": "1"}
        # Start it the way a non-interactive shell starts a background job, with SIGINT
        # ignored: Ctrl-C (SIGINT) must stop the preview all the same.
        launcher = (
            "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
            "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", launcher,
             "-m", "newsletter", "serve", "--port", "0", "--host", "127.0.0.1"],
            cwd=root, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self.lines: list[str] = []
        self.collector = threading.Thread(target=self._collect, daemon=True)
        self.collector.start()

    def _collect(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def url(self) -> str:
        eventually(lambda: "Serving the preview at" in self.output or self.process.poll() is not None,
                   "the server to start")
        found = re.search(r"Serving the preview at (http://127\.0\.0\.1:\d+/)", self.output)
        assert found, self.output
        return found.group(1)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=DEADLINE_SECONDS)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.collector.join(timeout=DEADLINE_SECONDS)
            assert self.process.stdout is not None
            self.process.stdout.close()


def test_serve_reloads_shows_errors_and_stops_cleanly(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site()
    temp = tmp_path / "temp"
    temp.mkdir()
    entry = root / ENTRY
    original = entry.read_text()
    server = ServeProcess(root, temp)
    try:
        page_url = server.url() + "issues/2022-05/"
        status, page = fetch(page_url)
        assert status == 200 and "The body of the development." in page
        assert not (root / "output").exists()  # the preview never writes the project's output

        reloads: queue.Queue[str] = queue.Queue()
        since = served_version(page)
        changes_url = f"{server.url()}{CHANGES_PATH.lstrip('/')}?since={since}"
        threading.Thread(target=lambda: reloads.put(fetch(changes_url, 60)[1]), daemon=True).start()

        entry.write_text(original.replace("The body of the development.", "Edited while serving."))
        eventually(lambda: "Edited while serving." in fetch(page_url)[1], "the edit to be served")
        assert reloads.get(timeout=DEADLINE_SECONDS) != since  # open pages are told to reload

        entry.write_text(original.replace("title:", "titel:"))
        eventually(lambda: overlay(fetch(page_url)[1]) is not None, "the error overlay")
        text = overlay(fetch(page_url)[1])
        assert text is not None and f"{ENTRY}:2: unknown field 'titel'" in text
        assert "Edited while serving." in fetch(page_url)[1]  # over the last good build
        assert server.process.poll() is None
        assert f"{ENTRY}:2:1: error: unknown field 'titel'" in server.output

        entry.write_text(original)
        eventually(lambda: overlay(fetch(page_url)[1]) is None, "the overlay to go away")
        assert "The body of the development." in fetch(page_url)[1]
    finally:
        code = server.stop()
    assert code == 0, server.output
    assert "Stopped." in server.output
    assert "Traceback" not in server.output
    assert list(temp.iterdir()) == []  # no temporary folder: the preview is kept for the next one
    assert [path.name for path in kept_previews().glob("*/site/issues/2022-05/index.html")] == ["index.html"]


# In a real browser: the page reloads by itself.


def _above_four(fd: int) -> int:
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return moved


class Browser:
    """Headless Chromium driven over the DevTools protocol on a pipe (no extra packages)."""

    def __init__(self, profile: Path):
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()
        # Above 4, so moving one to fd 3 or 4 cannot overwrite the other.
        to_browser_read, from_browser_write = (
            _above_four(to_browser_read), _above_four(from_browser_write)
        )
        flags = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank",
        ]
        # The protocol wants its pipes as fds 3 and 4: a tiny launcher puts them there.
        launcher = (
            "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
            "os.execvp('chromium', ['chromium', *sys.argv[3:]])"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", launcher, str(to_browser_read), str(from_browser_write), *flags],
            pass_fds=(to_browser_read, from_browser_write),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self.session = ""

    def call(self, method: str, session: bool = True, **params: object) -> dict[str, object]:
        """Send one command and return its result."""
        self._next_id += 1
        message: dict[str, object] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(reply["error"])
                result = reply["result"]
                assert isinstance(result, dict)
                return result

    def _read(self) -> dict[str, object]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_browser], [], [], DEADLINE_SECONDS)
            chunk = os.read(self._from_browser, 65536) if ready else b""
            if not chunk:
                raise RuntimeError("the browser stopped answering")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        reply = json.loads(raw)
        assert isinstance(reply, dict)
        return reply

    def open(self, url: str) -> None:
        """Open ``url`` in a new tab and talk to that tab from now on."""
        target = self.call("Target.createTarget", session=False, url=url)["targetId"]
        attached = self.call("Target.attachToTarget", session=False, targetId=target, flatten=True)
        self.session = str(attached["sessionId"])

    def evaluate(self, expression: str) -> object:
        """The value of a JavaScript expression in the page, or None while it is reloading."""
        try:
            result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        except RuntimeError:
            return None
        value = result.get("result")
        return value.get("value") if isinstance(value, dict) else None

    def close(self) -> None:
        try:
            self.call("Browser.close", session=False)
        except RuntimeError:
            pass  # already gone
        finally:
            try:
                self.process.wait(timeout=DEADLINE_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            os.close(self._to_browser)
            os.close(self._from_browser)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs chromium")
def test_open_page_reloads_itself_in_a_browser(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site()
    entry = root / ENTRY
    original = entry.read_text()
    temp = tmp_path / "temp"
    temp.mkdir()
    server = ServeProcess(root, temp)
    browser = Browser(tmp_path / "profile")
    try:
        browser.open(server.url() + "issues/2022-05/")

        def page_text() -> str:
            return str(browser.evaluate("document.body ? document.body.innerText : ''") or "")

        eventually(lambda: "The body of the development." in page_text(), "the page to load")
        entry.write_text(original.replace("The body of the development.", "Seen without reloading."))
        eventually(lambda: "Seen without reloading." in page_text(), "the page to reload itself")

        entry.write_text(original.replace("title:", "titel:"))
        eventually(lambda: "unknown field 'titel'" in page_text(), "the overlay in the browser")
        entry.write_text(original)
        eventually(lambda: "The content has errors" not in page_text()
                   and "The body of the development." in page_text(), "the clean page")
    finally:
        browser.close()
        assert server.stop() == 0, server.output
