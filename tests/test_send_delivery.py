"""What ``send`` reports when the SMTP server misbehaves around the moment it accepts the message.

A scripted server (a few lines of SMTP over a real socket) answers each
command as the test says, so that the moment of failure is exact.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import MakeSite, run
from tests.test_send import addressed, newsletter


class ScriptedSmtp(socketserver.StreamRequestHandler):
    """An SMTP server whose replies to DATA's end and to QUIT are set by the test."""

    after_data = b"250 2.0.0 queued\r\n"
    after_quit: bytes | None = b"421 4.3.0 closing, not quite cleanly\r\n"
    accepted: list[bytes] = []

    def handle(self) -> None:
        self.wfile.write(b"220 scripted ESMTP\r\n")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250-scripted\r\n250 8BITMIME\r\n")
            elif command.startswith((b"MAIL", b"RCPT", b"RSET", b"NOOP")):
                self.wfile.write(b"250 2.0.0 ok\r\n")
            elif command == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                self.accepted.append(self._message())
                self.wfile.write(self.after_data)
            elif command == b"QUIT":
                if self.after_quit is not None:
                    self.wfile.write(self.after_quit)
                return  # and the connection drops
            else:
                self.wfile.write(b"502 5.5.2 not scripted\r\n")

    def _message(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line)
        return b"".join(lines)


@pytest.fixture
def scripted() -> Iterator[tuple[type[ScriptedSmtp], int]]:
    handler = type("Handler", (ScriptedSmtp,), {"accepted": []})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield handler, server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def send_to(root: Path, port: int) -> tuple[int, str, str]:
    result = newsletter("send", "2022-05", "--to", "reader@example.org",
                        "--smtp-host", "127.0.0.1", "--smtp-port", str(port), cwd=root)
    return result.returncode, result.stdout, result.stderr


@pytest.mark.parametrize("after_quit", [b"421 4.3.0 closing\r\n", None], ids=["421 to QUIT", "connection dropped"])
def test_a_failure_after_the_server_accepted_the_message_is_a_warning_and_exit_0(
    make_site: MakeSite, scripted: tuple[type[ScriptedSmtp], int], after_quit: bytes | None
) -> None:
    handler, port = scripted
    handler.after_quit = after_quit
    root = make_site()
    code, stdout, stderr = send_to(root, port)
    assert code == 0, stderr
    assert len(handler.accepted) == 1
    assert "warning: the server accepted the messages, but then ended the session badly" in stderr
    assert "they are sent" in stderr
    assert "sent to reader@example.org" in stdout and "sent 1," in stdout


def test_a_refusal_of_the_message_itself_is_an_error_and_exit_1(
    make_site: MakeSite, scripted: tuple[type[ScriptedSmtp], int]
) -> None:
    handler, port = scripted
    handler.after_data = b"451 4.3.0 try again later\r\n"
    root = make_site()
    code, stdout, stderr = send_to(root, port)
    assert code == 1
    assert "error: not sent to reader@example.org: send failed: 451 4.3.0 try again later" in stderr
    assert "sent 0, skipped 0 (already sent), failed 1" in stdout


def test_the_scripted_server_speaks_enough_smtp_for_a_plain_send(
    make_site: MakeSite, scripted: tuple[type[ScriptedSmtp], int]
) -> None:
    handler, port = scripted
    handler.after_quit = b"221 2.0.0 bye\r\n"
    root = make_site()
    assert run("build", cwd=root).exit_code == 0
    code, _, stderr = send_to(root, port)
    assert code == 0 and "warning" not in stderr
    built = (root / "output/issues/2022-05/email.eml").read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    assert handler.accepted[0].replace(b"\r\n..", b"\r\n.") == addressed(built, "reader@example.org")


def test_nothing_listens_is_an_error(make_site: MakeSite) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, _, stderr = send_to(make_site(), port)
    assert code == 1 and "could not send" in stderr
