"""What ``send`` reports when the SMTP server misbehaves around the moment it accepts the message.

A scripted server (a few lines of SMTP over a real socket) answers each
command as the test says, so that the moment of failure is exact.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsletter.options import Options
from newsletter.project import Project
from newsletter.send import Recipient, SmtpServer, built_edition, deliver
from tests.conftest import FIXED_LINK_CONFIG, MakeSite, run
from tests.test_send import Mailbox, addressed, mailbox, newsletter  # noqa: F401  (a fixture)


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
    root = make_site({"newsletter.yaml": FIXED_LINK_CONFIG})  # the sent copy is then the export, addressed
    assert run("build", cwd=root).exit_code == 0
    code, _, stderr = send_to(root, port)
    assert code == 0
    assert [line for line in stderr.splitlines() if "warning" in line and "unsubscribe_url" not in line] == []
    built = (root / "output/issues/2022-05/email.eml").read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    assert handler.accepted[0].replace(b"\r\n..", b"\r\n.") == addressed(built, "reader@example.org")


def test_nothing_listens_is_an_error(make_site: MakeSite) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, _, stderr = send_to(make_site(), port)
    assert code == 1 and "could not send" in stderr


class Misbehaving(socketserver.StreamRequestHandler):
    """An SMTP server that misbehaves at the attempts the test names, counted over every connection.

    Each RCPT is one attempt to deliver one message, numbered from 1.
    """

    closes_at_rcpt: frozenset[int] = frozenset()
    """Attempts answered ``421`` at RCPT, after which the server hangs up."""
    closes_after_queueing: frozenset[int] = frozenset()
    """Attempts whose message is queued (``250``), after which the server says ``421`` and hangs up."""
    silent_after_data: frozenset[int] = frozenset()
    """Attempts whose message is queued but never answered: the sender's wait times out."""
    accepted: list[str] = []
    attempts: list[str] = []

    def handle(self) -> None:
        self.wfile.write(b"220 misbehaving ESMTP\r\n")
        rcpt = ""
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250-misbehaving\r\n250 SIZE 10000000\r\n")
            elif command.startswith(b"RCPT"):
                rcpt = line.decode().split(":", 1)[1].strip(" <>\r\n")
                self.attempts.append(rcpt)
                if len(self.attempts) in self.closes_at_rcpt:
                    self.wfile.write(b"421 4.7.0 too many messages in this session, closing\r\n")
                    return
                self.wfile.write(b"250 ok\r\n")
            elif command.startswith((b"MAIL", b"RSET", b"NOOP")):
                self.wfile.write(b"250 ok\r\n")
            elif command == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                self.accepted.append(rcpt)
                attempt = len(self.attempts)
                if attempt in self.silent_after_data:
                    continue  # queued, but the reply never comes; the line ends when the sender gives up
                self.wfile.write(b"250 2.0.0 queued\r\n")
                if attempt in self.closes_after_queueing:
                    self.wfile.write(b"421 4.3.2 shutting down\r\n")
                    return
            else:
                self.wfile.write(b"221 bye\r\n")
                return


@pytest.fixture
def misbehaving() -> Iterator[tuple[type[Misbehaving], int]]:
    """A misbehaving server (set its class attributes) and its port."""
    handler = type("Handler", (Misbehaving,), {"accepted": [], "attempts": []})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield handler, server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


READERS = [f"r{n}@example.org" for n in range(5)]


def send_list(root: Path, port: int, *args: str) -> tuple[int, str, str]:
    """``send`` the test issue to ``READERS`` through the server at ``port``."""
    (root / "list.txt").write_text("\n".join(READERS) + "\n")
    result = newsletter("send", "2022-05", "--list", "list.txt",
                        "--smtp-host", "127.0.0.1", "--smtp-port", str(port), *args, cwd=root)
    return result.returncode, result.stdout, result.stderr


def journal_of(root: Path) -> list[tuple[str, bool]]:
    """The send journal of the test issue: each address and whether it is uncertain."""
    lines = (root / ".newsletter-cache/sent/2022-05.jsonl").read_text().splitlines()
    return [(line["email"], line.get("uncertain", False)) for line in map(json.loads, lines)]


def test_a_421_at_rcpt_makes_the_sender_reconnect_and_go_on(
    make_site: MakeSite, misbehaving: tuple[type[Misbehaving], int]
) -> None:
    handler, port = misbehaving
    handler.closes_at_rcpt = frozenset({3})  # two messages in, the server wants a new session
    root = make_site()
    code, stdout, stderr = send_list(root, port)
    assert code == 0, stderr
    assert handler.accepted == READERS, "r2 again on a new connection, then the rest"
    assert handler.attempts == READERS[:3] + READERS[2:]
    assert "sent 5, skipped 0 (already sent), failed 0" in stdout
    assert journal_of(root) == [(reader, False) for reader in READERS]


def test_a_421_after_the_message_was_queued_counts_it_as_sent_and_goes_on(
    make_site: MakeSite, misbehaving: tuple[type[Misbehaving], int]
) -> None:
    handler, port = misbehaving
    handler.closes_after_queueing = frozenset({2})
    root = make_site()
    code, stdout, stderr = send_list(root, port)
    assert code == 0, stderr
    assert handler.accepted == READERS, "r1 was queued: it is not sent again"
    assert "sent 5, skipped 0 (already sent), failed 0" in stdout
    assert journal_of(root) == [(reader, False) for reader in READERS]


def test_no_reply_after_the_whole_message_is_uncertain_and_never_sent_twice(
    make_site: MakeSite, misbehaving: tuple[type[Misbehaving], int]
) -> None:
    handler, port = misbehaving
    handler.silent_after_data = frozenset({2})
    root = make_site()
    code, stdout, stderr = send_list(root, port, "--timeout", "1")
    assert code == 1
    assert handler.accepted == READERS, "the server queued r1's message once, and the rest went on"
    assert "sent 4, skipped 0 (already sent), failed 0, uncertain 1" in stdout
    assert "error: perhaps sent to r1@example.org: no reply after the whole message was sent" in stderr
    assert "newsletter send 2022-05 --to r1@example.org --resend" in stderr
    assert journal_of(root) == [("r0@example.org", False), ("r1@example.org", True),
                                *((reader, False) for reader in READERS[2:])]
    handler.silent_after_data = frozenset()
    code, stdout, stderr = send_list(root, port)
    assert code == 0, stderr
    assert "sent 0, skipped 5 (already sent), failed 0" in stdout
    assert handler.accepted == READERS, "a re-run sends r1 nothing"


def test_a_rate_spaces_the_messages_by_the_clock_it_is_given(
    make_site: MakeSite, mailbox: tuple[Mailbox, int], tmp_path: Path  # noqa: F811
) -> None:
    box, port = mailbox
    edition, _ = built_edition(Project.at(make_site()), Options(), "2022-05")
    now = [1000.0]
    slept: list[float] = []
    sent_at: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    def report(line: str) -> None:
        sent_at.append(now[0])
        now[0] += 0.5  # each message takes half a second of the fake clock

    outcome = deliver(edition, [Recipient(reader) for reader in READERS], SmtpServer("127.0.0.1", port),
                      tmp_path / "journal.jsonl", rate=30, report=report, clock=lambda: now[0], sleep=sleep)
    assert outcome.sent == READERS
    assert sent_at == [1000.0, 1002.0, 1004.0, 1006.0, 1008.0], "one every two seconds: 30 a minute"
    assert slept == [1.5, 1.5, 1.5, 1.5]
    assert len(box.messages) == 5


def test_without_a_rate_nothing_waits(
    make_site: MakeSite, mailbox: tuple[Mailbox, int], tmp_path: Path  # noqa: F811
) -> None:
    _, port = mailbox
    edition, _ = built_edition(Project.at(make_site()), Options(), "2022-05")
    slept: list[float] = []
    outcome = deliver(edition, [Recipient(reader) for reader in READERS], SmtpServer("127.0.0.1", port),
                      tmp_path / "journal.jsonl", sleep=slept.append)
    assert outcome.sent == READERS and slept == []
