"""``newsletter send`` to many readers: every one once, each with their own copy, resumable after a crash."""

from __future__ import annotations

import json
import socketserver
import threading
from collections import Counter
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from newsletter.send import SECRET_VARIABLE, Recipient, read_list, unsubscribe_url_for
from tests.conftest import MINIMAL_CONFIG, MakeSite, run
from tests.test_send import Mailbox, mailbox  # noqa: F401  (a fixture)

FIXED_LINK = "https://news.example.org/unsubscribe"
MINIMAL_LINK = "https://news.example.org/unsubscribe?email={email}"
"""The link of the tests' minimal settings: it names each reader."""


def parsed(data: bytes) -> EmailMessage:
    """A received message, parsed."""
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def server_args(port: int) -> tuple[str, ...]:
    """The options that point ``send`` at the test server."""
    return ("--smtp-host", "127.0.0.1", "--smtp-port", str(port))


def received(box: Mailbox) -> Counter[str]:
    """How many messages each envelope recipient got."""
    return Counter(rcpt.lower() for _, rcpts, _ in box.messages for rcpt in rcpts)


def test_every_to_is_a_recipient_with_its_own_to_line(
    make_site: MakeSite, mailbox: tuple[Mailbox, int]  # noqa: F811
) -> None:
    box, port = mailbox
    readers = ["a@example.org", "b@example.org", "c@example.org"]
    args = [arg for reader in readers for arg in ("--to", reader)]
    result = run("send", "2022-05", *args, *server_args(port), cwd=make_site())
    assert result.exit_code == 0, result.output
    assert received(box) == Counter(readers)
    assert sorted(str(parsed(data)["To"]) for _, _, data in box.messages) == readers
    assert "sent 3, skipped 0 (already sent), failed 0" in result.output


def test_a_50_address_csv_reaches_each_once_by_name_and_duplicates_once(
    make_site: MakeSite, mailbox: tuple[Mailbox, int]  # noqa: F811
) -> None:
    box, port = mailbox
    root = make_site()
    rows = [f"Reader {n},reader{n}@example.org,team {n % 3}" for n in range(50)]
    (root / "list.csv").write_text("name,email,team\n" + "\n".join(rows) + "\n,READER7@example.org,\n")
    result = run("send", "2022-05", "--list", "list.csv", *server_args(port), cwd=root)
    assert result.exit_code == 0, result.output
    assert received(box) == Counter(f"reader{n}@example.org" for n in range(50))
    to = {str(parsed(data)["To"]) for _, _, data in box.messages}
    assert "Reader 7 <reader7@example.org>" in to and len(to) == 50


def test_a_plain_list_skips_blank_lines_and_comments(tmp_path: Path) -> None:
    listed = tmp_path / "list.txt"
    listed.write_text("# the May readers\n\na@example.org\n  Bea <b@example.org>\nA@EXAMPLE.ORG\n")
    assert read_list(listed) == ([Recipient("a@example.org"), Recipient("b@example.org", "Bea")], [])


def test_a_malformed_line_is_located_and_nothing_is_sent(
    make_site: MakeSite, mailbox: tuple[Mailbox, int]  # noqa: F811
) -> None:
    box, port = mailbox
    root = make_site()
    (root / "list.txt").write_text("a@example.org\n# fine\nnot an address\nb@example.org\n")
    result = run("send", "2022-05", "--list", "list.txt", *server_args(port), cwd=root)
    assert result.exit_code == 1
    assert "list.txt:3: error: 'not an address' is not one email address" in result.output
    assert box.messages == []


def test_a_csv_without_an_address_on_a_row_is_located(tmp_path: Path) -> None:
    listed = tmp_path / "list.csv"
    listed.write_text("email,name\na@example.org,A\n,Nobody\n")
    _, problems = read_list(listed)
    assert [(p.line, p.message) for p in problems] == [(3, "no email address on this line")]


def test_dry_run_sends_nothing_and_names_who_would_get_it(
    make_site: MakeSite, mailbox: tuple[Mailbox, int]  # noqa: F811
) -> None:
    box, port = mailbox
    result = run("send", "2022-05", "--to", "a@example.org", "--to", "b@example.org", "--dry-run",
                 *server_args(port), cwd=make_site())
    assert result.exit_code == 0, result.output
    assert "would send to a@example.org" in result.output and "would send to b@example.org" in result.output
    assert box.messages == []


class DropsAfter(socketserver.StreamRequestHandler):
    """An SMTP server that accepts ``limit`` messages, then drops the line and every later connection."""

    limit = 3
    accepted: list[str] = []

    def handle(self) -> None:
        if len(self.accepted) >= self.limit:
            return  # refuses to talk: the sender cannot reconnect
        self.wfile.write(b"220 flaky ESMTP\r\n")
        rcpt = ""
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250 flaky\r\n")
            elif command.startswith(b"RCPT"):
                rcpt = line.decode().split(":", 1)[1].strip(" <>\r\n")
                self.wfile.write(b"250 ok\r\n")
            elif command.startswith((b"MAIL", b"RSET", b"NOOP")):
                self.wfile.write(b"250 ok\r\n")
            elif command == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                if len(self.accepted) >= self.limit:
                    return  # the crash: no reply, the connection drops
                self.accepted.append(rcpt)
                self.wfile.write(b"250 queued\r\n")
            else:
                self.wfile.write(b"221 bye\r\n")
                return


@pytest.fixture
def flaky() -> Iterator[tuple[type[DropsAfter], int]]:
    """A server that takes three messages and then is gone; its handler class and port."""
    handler = type("Handler", (DropsAfter,), {"accepted": []})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield handler, server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_a_rerun_after_a_crash_sends_the_rest_and_no_one_twice(
    make_site: MakeSite, mailbox: tuple[Mailbox, int], flaky: tuple[type[DropsAfter], int]  # noqa: F811
) -> None:
    box, port = mailbox
    handler, flaky_port = flaky
    root = make_site()
    readers = [f"r{n}@example.org" for n in range(8)]
    (root / "list.txt").write_text("\n".join(readers) + "\n")
    crashed = run("send", "2022-05", "--list", "list.txt", *server_args(flaky_port), cwd=root)
    assert crashed.exit_code == 1
    # r3's message went out whole and the line dropped before the reply: perhaps delivered, never resent.
    assert "sent 3, skipped 0 (already sent), failed 4, uncertain 1" in crashed.output
    assert "error: perhaps sent to r3@example.org: no reply after the whole message was sent" in crashed.output
    assert "connect failed" in crashed.output
    journal = root / ".newsletter-cache/sent/2022-05.jsonl"
    lines = [json.loads(line) for line in journal.read_text().splitlines()]
    assert [(line["email"], line.get("uncertain", False)) for line in lines] == [
        *((reader, False) for reader in readers[:3]), ("r3@example.org", True)]
    rerun = run("send", "2022-05", "--list", "list.txt", *server_args(port), cwd=root)
    assert rerun.exit_code == 0, rerun.output
    assert "sent 4, skipped 4 (already sent), failed 0" in rerun.output
    assert Counter(handler.accepted) + received(box) == Counter(readers[:3] + readers[4:])
    again = run("send", "2022-05", "--to", "R0@example.org", *server_args(port), cwd=root)
    assert "sent 0, skipped 1 (already sent)" in again.output and len(box.messages) == 4
    resent = run("send", "2022-05", "--to", "r3@example.org", "--resend", *server_args(port), cwd=root)
    assert resent.exit_code == 0 and len(box.messages) == 5
    assert Counter(handler.accepted) + received(box) == Counter(readers)


PERSONAL_ENTRY_BODY = "Dear {name} <{email}>, leave at {unsubscribe_url} if you must."


def personal_site(make_site: MakeSite, unsubscribe: str) -> Path:
    """A project whose entry greets the reader, with ``unsubscribe`` as its link."""
    root = make_site({"newsletter.yaml": MINIMAL_CONFIG.replace(MINIMAL_LINK, unsubscribe)})
    entry = root / "content/2022-05/draft-rules.md"
    entry.write_text(entry.read_text().replace("The body of the development.", PERSONAL_ENTRY_BODY))
    return root


def test_placeholders_are_filled_per_reader_in_both_parts_and_the_export_keeps_them(
    make_site: MakeSite, mailbox: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    box, port = mailbox
    monkeypatch.setenv(SECRET_VARIABLE, "s3cret")
    root = personal_site(make_site, "https://news.example.org/leave?e={email}&t={token}")
    (root / "list.csv").write_text("email,name\nann+news@example.org,Ann & Co\nbob@example.org,Bob\n")
    result = run("send", "2022-05", "--list", "list.csv", *server_args(port), cwd=root)
    assert result.exit_code == 0, result.output
    ann = parsed(next(data for _, rcpts, data in box.messages if rcpts == ["ann+news@example.org"]))
    url = unsubscribe_url_for("https://news.example.org/leave?e={email}&t={token}",
                              Recipient("ann+news@example.org"))
    assert "e=ann%2Bnews@example.org&t=" in url
    text = ann.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = ann.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert f"Dear Ann & Co <ann+news@example.org>, leave at {url}" in " ".join(text.split())
    assert f"Dear Ann &amp; Co &lt;ann+news@example.org&gt;, leave at {url.replace('&', '&amp;')}" in html
    assert f'href="{url.replace("&", "&amp;")}"' in html
    assert ann["List-Unsubscribe"] == f"<{url}>"
    assert ann["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    for placeholder in ("{name}", "{email}", "{unsubscribe_url}", "{token}"):
        assert placeholder not in text and placeholder not in html
    assert run("build", cwd=root).exit_code == 0
    exported = (root / "output/issues/2022-05/email.txt").read_text()
    assert "{name}" in exported and "leave?e={email}&t={token}" in exported


def test_a_fixed_link_gets_no_one_click_header_when_sent(
    make_site: MakeSite, mailbox: tuple[Mailbox, int]  # noqa: F811
) -> None:
    box, port = mailbox
    root = make_site({"newsletter.yaml": MINIMAL_CONFIG.replace(MINIMAL_LINK, FIXED_LINK)})
    result = run("send", "2022-05", "--to", "a@example.org", *server_args(port), cwd=root)
    assert result.exit_code == 0, result.output
    message = parsed(box.messages[0][2])
    assert message["List-Unsubscribe"] == f"<{FIXED_LINK}>"
    assert message["List-Unsubscribe-Post"] is None
    assert message["List-Id"] == "Test Newsletter <test-newsletter.news.example.org>"
    assert message["Precedence"] == "bulk" and "Auto-Submitted" not in message


def test_a_token_without_its_secret_is_an_error_before_sending(
    make_site: MakeSite, mailbox: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    box, port = mailbox
    monkeypatch.delenv(SECRET_VARIABLE, raising=False)
    root = personal_site(make_site, "https://news.example.org/leave?t={token}")
    result = run("send", "2022-05", "--to", "a@example.org", *server_args(port), cwd=root)
    assert result.exit_code == 1
    assert f"set its secret in ${SECRET_VARIABLE}" in result.output
    assert box.messages == []
