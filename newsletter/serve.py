"""``newsletter serve``: build, serve the site on loopback, rebuild on every change.

The preview is built by the normal :func:`~newsletter.build.build` into a
folder of the user's cache, not into ``output/``; between builds it keeps in
memory what a one-shot build would load again from the build cache (see
:mod:`newsletter.incremental.live`), so an edit re-reads, re-renders and
rewrites only what it changes, and the stamps for the next preview are
written once it is idle. The folder is not ``output/`` because a preview may include
drafts, and the folder an editor publishes must only ever hold what
``newsletter build`` wrote on purpose. The folder is kept, so the next
preview of the project starts from it and renders only what changed (a
second preview of the same project, running at the same time, builds into a
temporary folder of its own). It lies outside the project, because the
watcher follows every folder of the project, and a site has one per page.
The files on disk are byte for byte a normal build; only the HTML *as
served* gets two additions:

* a small script that long-polls ``CHANGES_PATH`` and reloads the page when
  the preview has been rebuilt (plain ``fetch``, no browser extension);
* while the content has errors, an overlay listing them, in the markup itself
  so it shows with JavaScript off, over the last good build.

Requests for files wait while a rebuild replaces them, so a page never mixes
two builds.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import http.server
import ipaddress
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import jinja2
import watchfiles

from newsletter.build import build
from newsletter.errors import ContentError, ListenError, NewsletterError, Problem, errors_in
from newsletter.incremental.cache import digest
from newsletter.incremental.live import Memory
from newsletter.incremental.stamps import unchanged_build
from newsletter.options import BuildReport, Options
from newsletter.output import MARKER, previous_output
from newsletter.project import Project

CHANGES_PATH = "/__newsletter__/changes"
LONG_POLL_SECONDS = 25.0
"""How long a reload request waits for a rebuild before answering "no change"."""
WATCH_TICK_MS = 200
"""How often the file watcher wakes when nothing changes; its first wake-up shows it is live."""
WATCH_STEP_MS = 30
"""How long the watcher waits for more changes after one: an editor's save is a few calls within milliseconds."""

_SNIPPETS = jinja2.Environment(
    loader=jinja2.PackageLoader("newsletter", "preview"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_BODY_CLOSE = re.compile(r"</body\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class Outcome:
    """What one preview build gave: a report, or what stopped it."""

    report: BuildReport | None = None
    problems: tuple[Problem, ...] = ()
    failure: str | None = None

    @property
    def error_lines(self) -> list[str]:
        """The errors as ``path:line: message`` lines, for the overlay."""
        lines = [f"{p.path}:{p.line}: {p.message}" for p in errors_in(self.problems)]
        return lines + ([self.failure] if self.failure else [])


class Listener(Protocol):
    """Whoever reports the preview's progress to the editor (the CLI)."""

    def serving(self, url: str) -> None:
        """The server is up at ``url``."""

    def changed(self, paths: list[str]) -> None:
        """These files changed; a rebuild starts."""

    def built(self, outcome: Outcome) -> None:
        """A build finished, well or not."""


class Preview:
    """The site being previewed: its latest build and the state served with it."""

    def __init__(
        self, project: Project, options: Options, debug: bool = False
    ):
        self.project = project
        self.options = options
        self.debug = debug
        self.version = 0
        self.errors: list[str] = []
        self.stopping = False
        self.files_lock = threading.Lock()
        self.changes = threading.Condition()
        self.memory = Memory()
        self._from_stamp = False

    @property
    def site(self) -> Path:
        """The folder the preview is built into and served from."""
        return self.project.output_dir

    def rebuild(self, unless_unchanged: bool = False) -> Outcome:
        """Build the site again; pages served afterwards show the new files or the new errors.

        With ``unless_unchanged``, first ask the last build's stamp whether
        anything changed since (worth it when the preview starts, not after
        the watcher saw a change).
        """
        with self.files_lock:
            outcome = self._build(unless_unchanged)
            with self.changes:
                self.errors = outcome.error_lines
                self.version += 1
                self.changes.notify_all()
        return outcome

    def idle(self) -> None:
        """Use a quiet moment: write what the next preview needs, and fill the memory if still empty.

        A preview answered from the last one's stamp has built nothing yet,
        so the first edit would cost a one-shot rebuild; a build now, which
        writes nothing if nothing changed, spares the editor that wait.
        """
        if self._from_stamp:
            self._from_stamp = False
            self._build(False)  # nothing changed, so nothing to show: no reload
        self.memory.persist()

    def _build(self, unless_unchanged: bool) -> Outcome:
        try:
            unchanged = unless_unchanged and unchanged_build(self.project, self.options)
            self._from_stamp = bool(unchanged)
            return Outcome(report=unchanged or build(self.project, self.options, rebuild_with=self.memory.rebuild))
        except ContentError as error:
            return Outcome(problems=tuple(error.problems))
        except NewsletterError as error:
            return Outcome(failure=f"error: {error}")
        except Exception as error:  # the server must outlive any one build; the message is shown
            if self.debug:
                traceback.print_exc()
            return Outcome(failure=f"internal error: {type(error).__name__}: {error}")

    def wait_for_change(self, seen: str, timeout: float) -> str:
        """Return the current build version once it differs from ``seen`` (or on timeout)."""
        with self.changes:
            self.changes.wait_for(lambda: str(self.version) != seen or self.stopping, timeout)
            return str(self.version)

    def stop(self) -> None:
        """Answer every waiting reload request at once, so shutdown is not held up."""
        with self.changes:
            self.stopping = True
            self.changes.notify_all()

    def decorate(self, html: str) -> str:
        """Add the reload script and, while there are errors, the error overlay to a page."""
        with self.changes:
            errors, version = list(self.errors), str(self.version)
        script = _SNIPPETS.get_template("reload.html").render(
            version=version, changes_path=CHANGES_PATH
        )
        html = _insert_before(_BODY_CLOSE, html, script)
        if errors:
            overlay = _SNIPPETS.get_template("overlay.html").render(
                lines=errors, over_last_build=self.site.is_dir()
            )
            html = _insert_after(_BODY_OPEN, html, overlay)
        return html


def _insert_after(tag: re.Pattern[str], html: str, addition: str) -> str:
    match = tag.search(html)
    at = match.end() if match else 0
    return html[:at] + "\n" + addition + html[at:]


def _insert_before(tag: re.Pattern[str], html: str, addition: str) -> str:
    matches = list(tag.finditer(html))
    at = matches[-1].start() if matches else len(html)
    return html[:at] + addition + html[at:]


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serve the preview's files; HTML pages are decorated, the reload endpoint long-polls."""

    def __init__(self, *args: Any, preview: Preview, **kwargs: Any):
        self.preview = preview
        super().__init__(*args, directory=str(preview.site), **kwargs)

    def do_GET(self) -> None:
        """Answer a reload poll, a page, or any other file of the site."""
        if self._refused():
            return
        url = urlsplit(self.path)
        if url.path == CHANGES_PATH:
            seen = parse_qs(url.query).get("since", [""])[0]
            version = self.preview.wait_for_change(seen, LONG_POLL_SECONDS)
            self._send(HTTPStatus.OK, "text/plain", version)
            return
        with self.preview.files_lock:
            page = self._page_file()
            if page is not None:
                html = self.preview.decorate(page.read_text("utf-8"))
                self._send(HTTPStatus.OK, "text/html", html)
            elif not self.preview.site.is_dir():
                # Nothing has ever built: the overlay stands alone until the errors are fixed.
                html = self.preview.decorate(_SNIPPETS.get_template("no_site.html").render())
                self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/html", html)
            else:
                super().do_GET()

    def do_HEAD(self) -> None:
        """Answer as for GET, without the body."""
        if not self._refused():
            super().do_HEAD()

    def _refused(self) -> bool:
        """Answer, and return True, for a request the preview must not serve.

        A request naming a host other than this computer's may come from a
        web page the editor visits whose name was pointed at 127.0.0.1 (DNS
        rebinding): it must not read the preview, drafts included. A path
        with a NUL or a name too long for any file system gets 400 or 414
        rather than a dropped connection, and a path that leads out of the
        preview folder through a link is not found.
        """
        status = self._host_problem() or self._path_problem()
        if status is None:
            return False
        self._send(status, "text/plain", f"{status.value} {status.phrase}\n")
        return True

    def _host_problem(self) -> HTTPStatus | None:
        address = self.server.server_address
        if not (isinstance(address, tuple) and is_loopback(str(address[0]))):
            return None  # served on purpose beyond this computer: any name may reach it
        host = urlsplit(f"//{self.headers.get('Host', '')}").hostname or ""
        return None if host in _LOOPBACK_NAMES or _is_loopback_address(host) else HTTPStatus.FORBIDDEN

    def _path_problem(self) -> HTTPStatus | None:
        path = unquote(urlsplit(self.path).path)
        if "\0" in path:
            return HTTPStatus.BAD_REQUEST
        if len(path.encode()) > _LONGEST_PATH or any(len(part.encode()) > _LONGEST_NAME for part in path.split("/")):
            return HTTPStatus.REQUEST_URI_TOO_LONG
        site = self.preview.site.resolve()
        target = Path(self.translate_path(self.path)).resolve()
        if target != site and site not in target.parents:
            return HTTPStatus.NOT_FOUND
        return None

    def _page_file(self) -> Path | None:
        """The HTML file a request names, if any; folders mean their ``index.html``."""
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not urlsplit(self.path).path.endswith("/"):
                return None  # the standard handler redirects to the URL with a slash
            path = path / "index.html"
        return path if path.suffix == ".html" and path.is_file() else None

    def _send(self, status: HTTPStatus, content_type: str, text: str) -> None:
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self) -> None:
        """Forbid caching: every reload must show the latest build."""
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the terminal for build results rather than one line per request."""


class PreviewServer(http.server.ThreadingHTTPServer):
    """The HTTP server; a browser that leaves mid-request is not an error worth a traceback."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that went away; report anything else as usual."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(
    project: Project, options: Options, host: str, port: int, listener: Listener,
    debug: bool = False,
) -> None:
    """Build and serve the project at ``host:port``, rebuilding on changes, until Ctrl-C."""
    with preview_folder(project) as folder:
        preview = Preview(dataclasses.replace(project, output_dir=folder / "site"), options, debug)
        server = _listen(host, port, preview)
        serving = threading.Thread(target=server.serve_forever, daemon=True)
        with _interruptible():
            try:
                batches = _changes(project)
                display = SourceFilter(project).display
                next(batches)  # the watcher is live from here on, so no edit can slip by
                # Built before serving starts, while no other thread runs, so that the build may
                # fork workers and use every core (a large archive's first preview renders every
                # page). The address is shown only then.
                listener.built(preview.rebuild(unless_unchanged=True))
                serving.start()
                address, bound_port = server.server_address[:2]
                listener.serving(f"http://{address!s}:{bound_port}/")
                for paths in batches:
                    if not paths:
                        preview.idle()
                        continue
                    listener.changed(sorted({display(path) for path in paths}))
                    listener.built(preview.rebuild())
            except KeyboardInterrupt:
                pass  # Ctrl-C is how the editor stops the preview
            finally:
                with contextlib.suppress(Exception, KeyboardInterrupt):
                    preview.memory.persist()  # so that the next preview starts from this one
                preview.stop()
                if serving.is_alive():
                    server.shutdown()  # waits for serve_forever, so only once it runs
                server.server_close()


@contextlib.contextmanager
def preview_folder(project: Project) -> Iterator[Path]:
    """A folder to build the preview in (as ``site/``), kept for this project's next preview if it can be.

    The kept folder is locked while a preview uses it. If another preview
    holds it, or it cannot be used, a temporary folder is used instead.
    """
    with contextlib.ExitStack() as stack:
        kept = _claim_kept_folder(project, stack)
        yield kept or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="newsletter-preview-")))


def kept_previews() -> Path:
    """Where previews are kept between runs, one folder per project: in the user's cache folder."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsletter" / "previews"


def _claim_kept_folder(project: Project, stack: contextlib.ExitStack) -> Path | None:
    """The project's kept preview folder, locked until ``stack`` closes; ``None`` if taken or unusable."""
    try:
        import fcntl  # not on Windows, where every preview is temporary
    except ImportError:
        return None
    try:
        folder = kept_previews() / digest(str(project.root.resolve()))[:20]
        folder.mkdir(parents=True, exist_ok=True)
        lock = os.open(folder / ".lock", os.O_WRONLY | os.O_CREAT, 0o600)
        stack.callback(os.close, lock)  # closing it releases the lock, however the preview ends
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (OSError, RuntimeError):  # another preview holds it; no home folder; not writable
        return None
    site = folder / "site"
    if site.exists() and not (site / MARKER).is_file():
        return None  # not a site this tool left: never replaced
    _remove_interrupted(site)
    return folder


def _remove_interrupted(site: Path) -> None:
    """Delete what a preview killed mid-build left beside ``site``: spool, staging or replaced folders.

    Only the folder kept for the next build stays. The lock is held, so no build is using them.
    """
    for leftover in site.parent.glob(f".{site.name}.*"):
        if leftover != previous_output(site) and leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)


def _listen(host: str, port: int, preview: Preview) -> PreviewServer:
    try:
        return PreviewServer((host, port), functools.partial(PreviewHandler, preview=preview))
    except OSError as error:
        raise ListenError(
            f"cannot serve on {host}:{port}: {error.strerror or error}; choose another --port"
        ) from None


_LOOPBACK_NAMES = frozenset({"localhost", "localhost.", ""})
_LONGEST_NAME = 255
"""Bytes in one file name on the common file systems."""
_LONGEST_PATH = 4096


def _is_loopback_address(host: str) -> bool:
    """Whether ``host`` is written as a loopback address (``127.0.0.1``, ``::1``); names are not looked up."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this computer only (127.0.0.1, localhost)."""
    try:
        return ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
    except (OSError, ValueError):
        return False


@contextlib.contextmanager
def _interruptible() -> Iterator[None]:
    """Make Ctrl-C raise KeyboardInterrupt even when this process was started ignoring it."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class SourceFilter(watchfiles.DefaultFilter):
    """Let through changes to the project's files, not to its output or hidden folders.

    Everything else in the project can feed the build: the settings, the content,
    the templates, ``registry.yaml``; a rebuild too many costs a fraction of a second.
    """

    def __init__(self, project: Project):
        super().__init__()
        self.root = project.root.resolve()
        self.content = project.content_dir.resolve()
        self.output = Project.at(self.root).output_dir

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        """Whether a change to ``path`` can change the site."""
        resolved = Path(path).resolve()
        for base in (self.content, self.root):
            if base == resolved or base in resolved.parents:
                inside = resolved.relative_to(base).parts
                hidden = any(part.startswith(".") for part in inside)
                in_output = resolved == self.output or self.output in resolved.parents
                return not hidden and not in_output and super().__call__(change, path)
        return False

    def display(self, path: str) -> str:
        """The path as the editor knows it: relative to the project where possible."""
        resolved = Path(path).resolve()
        return resolved.relative_to(self.root).as_posix() if self.root in resolved.parents else path


def watch_roots(project: Project) -> list[Path]:
    """The folders to watch: the project's, and the content folder if it lies elsewhere."""
    root = project.root.resolve()
    content = project.content_dir.resolve()
    outside = content.is_dir() and root not in content.parents
    return [root, content] if outside else [root]


def _changes(project: Project) -> Iterator[list[str]]:
    """Yield once the watcher is live, then each batch of changed sources (absolute paths), until Ctrl-C.

    A quiet tick of the watcher yields an empty batch: a moment to do what can wait.
    """
    sources = SourceFilter(project)
    # A quiet tick ends each wait, so the first one tells that the watcher has started.
    for changes in watchfiles.watch(
        *watch_roots(project), watch_filter=sources, rust_timeout=WATCH_TICK_MS,
        yield_on_timeout=True, raise_interrupt=True, step=WATCH_STEP_MS,
    ):
        yield sorted(lasting_changes(changes))


def lasting_changes(changes: set[tuple[watchfiles.Change, str]]) -> set[str]:
    """The changed paths, less files created and already gone (editors' temporary files)."""
    transient = {
        path for change, path in changes
        if change == watchfiles.Change.added and not Path(path).exists()
    }
    return {path for _, path in changes} - transient
