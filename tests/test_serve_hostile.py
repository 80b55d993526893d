"""The preview server against hostile requests: odd paths, foreign Host names, links out of its folder."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsletter.options import Options
from newsletter.project import Project
from newsletter.serve import Preview, PreviewHandler, PreviewServer
from tests.conftest import MakeSite


@pytest.fixture
def served(make_site: MakeSite, tmp_path: Path) -> Iterator[tuple[Preview, int]]:
    """A small project's preview, built, served on a free loopback port."""
    root = make_site()
    project = Project(root, root / "newsletter.yaml", root / "content", tmp_path / "preview/site")
    preview = Preview(project, Options())
    assert preview.rebuild().report is not None
    server = PreviewServer(("127.0.0.1", 0), lambda *a: PreviewHandler(*a, preview=preview))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield preview, server.server_address[1]
    finally:
        preview.stop()
        server.shutdown()
        server.server_close()


def request(port: int, path: str, host: str | None = None, method: str = "GET") -> tuple[int, bytes]:
    """Send one request as written (no quoting) and return the status and body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host if host is not None else f"127.0.0.1:{port}")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_pages_are_served_to_this_computers_names(served: tuple[Preview, int]) -> None:
    _, port = served
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost", f"[::1]:{port}", "127.0.0.2"):
        assert request(port, "/", host)[0] == 200, host


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "192.168.1.9"])
def test_a_foreign_host_name_is_refused_so_dns_rebinding_cannot_read_the_preview(
    served: tuple[Preview, int], host: str
) -> None:
    _, port = served
    status, body = request(port, "/", host)
    assert status == 403
    assert b"Test Newsletter" not in body
    assert request(port, "/issues/2022-05/email.txt", host)[0] == 403


@pytest.mark.parametrize(("path", "status"), [
    ("/" + "a" * 300, 414),
    ("/issues/" + "b" * 256 + "/index.html", 414),
    ("/" + "c/" * 3000, 414),
    ("/index.html%00.txt", 400),
    ("/%00", 400),
])
def test_odd_paths_get_an_answer_not_a_dropped_connection(
    served: tuple[Preview, int], capfd: pytest.CaptureFixture[str], path: str, status: int
) -> None:
    _, port = served
    assert request(port, path)[0] == status
    assert request(port, path, method="HEAD")[0] == status
    assert "Traceback" not in capfd.readouterr().err


def test_a_link_out_of_the_preview_folder_is_not_followed(served: tuple[Preview, int], tmp_path: Path) -> None:
    preview, port = served
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the browser")
    (preview.site / "leak.txt").symlink_to(secret)
    (preview.site / "leaks").symlink_to(tmp_path)
    for path in ("/leak.txt", "/leaks/secret.txt"):
        status, body = request(port, path)
        assert status == 404, path
        assert b"not for the browser" not in body
    assert request(port, "/index.html")[0] == 200
