"""``newsletter send``: a test send through a real SMTP server running in the test process."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from newsletter.send import PASSWORD_VARIABLE
from tests.conftest import FIXED_LINK_CONFIG, MakeSite, run

PASSWORD = "correct horse battery staple"


@dataclass
class Mailbox:
    """What the SMTP server received."""

    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """Keep the envelope and the exact bytes received."""
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.original_content))
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        """Accept only the test user with the test password."""
        assert isinstance(data, LoginPassword)
        self.logins.append((data.login, data.password))
        accepted = data.login == b"editor" and data.password == PASSWORD.encode()
        return AuthResult(success=accepted, handled=False)  # handled=False: the server replies 535


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    """A plain SMTP server on 127.0.0.1, and its port."""
    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@pytest.fixture
def tls_mailbox(tmp_path: Path) -> Iterator[tuple[Mailbox, int, Path]]:
    """An SMTP server that requires STARTTLS and a login; its port and the CA file to trust."""
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    box, port = Mailbox(), free_port()
    controller = Controller(
        box, hostname="127.0.0.1", port=port, tls_context=server_context, require_starttls=True,
        authenticator=box.authenticate, auth_required=True,
    )
    controller.start()
    try:
        yield box, port, ca_file
    finally:
        controller.stop()


@pytest.fixture
def ssl_mailbox(tmp_path: Path) -> Iterator[tuple[Mailbox, int, Path]]:
    """An SMTP server that speaks TLS from the first byte (as on port 465); its port and the CA file to trust.

    (aiosmtpd offers AUTH only after STARTTLS, so logging in is tested with ``tls_mailbox``.)
    """
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port, ssl_context=server_context)
    controller.start()
    try:
        yield box, port, ca_file
    finally:
        controller.stop()


def newsletter(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real ``newsletter`` command in a subprocess."""
    environment = {k: v for k, v in os.environ.items() if k != PASSWORD_VARIABLE}
    return subprocess.run(
        [sys.executable, "-m", "newsletter", *args], cwd=cwd, env={**environment, **(env or {})},
        capture_output=True, text=True, timeout=60, check=False,
    )


def addressed(built: bytes, to: str) -> bytes:
    """The built ``.eml`` as sent to ``to``: a ``To:`` line, no one-click unsubscribing.

    The test project's fixed link does not say who is leaving, so a sent copy does not offer one click.
    """
    head, sep, rest = built.partition(b"\r\nFrom: ")
    from_line, _, tail = rest.partition(b"\r\n")
    tail = tail.replace(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n", b"", 1)
    return head + sep + from_line + b"\r\nTo: " + to.encode() + b"\r\n" + tail


def test_sent_message_is_the_built_one_with_its_to_line(
    make_site: MakeSite, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    root = make_site({"newsletter.yaml": FIXED_LINK_CONFIG})  # the sent copy is then the export, addressed
    assert run("build", cwd=root).exit_code == 0
    built = (root / "output/issues/2022-05/email.eml").read_bytes()
    result = newsletter("send", "2022-05", "--to", "reader@example.org",
                        "--smtp-host", "127.0.0.1", "--smtp-port", str(port), cwd=root)
    assert result.returncode == 0, result.stderr
    assert "sent to reader@example.org" in result.stdout
    assert f"Issue 2022-05 through 127.0.0.1:{port}: sent 1, skipped 0 (already sent), failed 0" in result.stdout
    assert box.messages == [("team@news.example.org", ["reader@example.org"], addressed(built, "reader@example.org"))]


def test_starttls_and_login_with_the_password_from_the_environment(
    make_site: MakeSite, tls_mailbox: tuple[Mailbox, int, Path]
) -> None:
    box, port, ca_file = tls_mailbox
    root = make_site({"newsletter.yaml": FIXED_LINK_CONFIG})  # the sent copy is then the export, addressed
    result = newsletter(
        "send", "2022-05", "--to", "reader@example.org", "--smtp-host", "127.0.0.1",
        "--smtp-port", str(port), "--starttls", "--user", "editor",
        cwd=root, env={PASSWORD_VARIABLE: PASSWORD, "SSL_CERT_FILE": str(ca_file)},
    )
    assert result.returncode == 0, result.stderr
    assert box.logins == [(b"editor", PASSWORD.encode())]
    assert len(box.messages) == 1
    assert run("build", cwd=root).exit_code == 0
    built = (root / "output/issues/2022-05/email.eml").read_bytes()
    assert box.messages[0][2] == addressed(built, "reader@example.org")


def test_implicit_tls_delivers_the_message(
    make_site: MakeSite, ssl_mailbox: tuple[Mailbox, int, Path]
) -> None:
    box, port, ca_file = ssl_mailbox
    root = make_site({"newsletter.yaml": FIXED_LINK_CONFIG})  # the sent copy is then the export, addressed
    result = newsletter(
        "send", "2022-05", "--to", "reader@example.org", "--smtp-host", "127.0.0.1",
        "--smtp-port", str(port), "--ssl", cwd=root, env={"SSL_CERT_FILE": str(ca_file)},
    )
    assert result.returncode == 0, result.stderr
    assert f"through 127.0.0.1:{port}: sent 1, skipped 0 (already sent), failed 0" in result.stdout
    assert run("build", cwd=root).exit_code == 0
    built = (root / "output/issues/2022-05/email.eml").read_bytes()
    assert box.messages == [("team@news.example.org", ["reader@example.org"], addressed(built, "reader@example.org"))]


def test_implicit_tls_checks_the_certificate(make_site: MakeSite, ssl_mailbox: tuple[Mailbox, int, Path]) -> None:
    box, port, _ = ssl_mailbox
    result = newsletter(
        "send", "2022-05", "--to", "reader@example.org", "--smtp-host", "127.0.0.1",
        "--smtp-port", str(port), "--ssl", cwd=make_site(),  # the test authority is not trusted
    )
    assert result.returncode == 1
    assert f"error: could not send through 127.0.0.1:{port}: connect (TLS) failed: " in result.stderr
    assert "CERTIFICATE_VERIFY_FAILED" in result.stderr
    assert box.messages == []


def test_a_wrong_password_is_reported_and_nothing_is_sent(
    make_site: MakeSite, tls_mailbox: tuple[Mailbox, int, Path]
) -> None:
    box, port, ca_file = tls_mailbox
    result = newsletter(
        "send", "2022-05", "--to", "reader@example.org", "--smtp-host", "127.0.0.1",
        "--smtp-port", str(port), "--starttls", "--user", "editor",
        cwd=make_site(), env={PASSWORD_VARIABLE: "wrong", "SSL_CERT_FILE": str(ca_file)},
    )
    assert result.returncode == 1
    assert f"error: could not send through 127.0.0.1:{port}: login failed: (535" in result.stderr
    assert box.messages == []


def test_a_draft_is_refused_unless_drafts_is_given(
    make_site: MakeSite, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    root = make_site({"content/2022-05/issue.yaml": "date: 2022-05-15\ndraft: true\n"})
    server = ("--smtp-host", "127.0.0.1", "--smtp-port", str(port))
    refused = run("send", "2022-05", "--to", "reader@example.org", *server, cwd=root)
    assert refused.exit_code == 1
    assert "error: issue '2022-05' is a draft; pass --drafts to send it anyway" in refused.output
    assert box.messages == []
    sent = run("send", "2022-05", "--to", "reader@example.org", "--drafts", *server, cwd=root)
    assert sent.exit_code == 0, sent.output
    assert len(box.messages) == 1


def test_sends_what_the_content_says_now_not_an_old_output_folder(
    make_site: MakeSite, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    root = make_site()
    assert run("build", cwd=root).exit_code == 0
    entry = root / "content/2022-05/draft-rules.md"
    entry.write_text(entry.read_text().replace("The body of the development.", "A corrected body."))
    result = run("send", "2022-05", "--to", "reader@example.org",
                 "--smtp-host", "127.0.0.1", "--smtp-port", str(port), cwd=root)
    assert result.exit_code == 0, result.output
    assert b"A corrected body." in box.messages[0][2]
    assert b"corrected" not in (root / "output/issues/2022-05/email.eml").read_bytes()


def test_an_unknown_issue_lists_the_ones_there_are(make_site: MakeSite) -> None:
    result = run("send", "2021-01", "--to", "reader@example.org", cwd=make_site())
    assert result.exit_code == 1
    assert "error: there is no issue '2021-01' (issues: 2022-05)" in result.output


def test_an_unreachable_server_is_an_error_not_a_traceback(make_site: MakeSite) -> None:
    port = free_port()
    result = run("send", "2022-05", "--to", "reader@example.org",
                 "--smtp-host", "127.0.0.1", "--smtp-port", str(port), cwd=make_site())
    assert result.exit_code == 1
    assert f"error: could not send through 127.0.0.1:{port}: connect failed: " in result.output


@pytest.mark.parametrize(("args", "env", "message"), [
    (("--to", "not an address"), {}, "'not an address' is not one email address"),
    (("--to", "r@example.org", "--user", "editor", "--starttls"), {},
     f"--user needs the password in ${PASSWORD_VARIABLE}"),
    (("--to", "r@example.org", "--user", "editor"), {PASSWORD_VARIABLE: PASSWORD},
     "--user needs --starttls"),
    (("--to", "r@example.org", "--password", PASSWORD), {}, "No such option '--password'"),
])
def test_usage_mistakes_exit_2_before_anything_is_sent(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...], env: dict[str, str], message: str,
) -> None:
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = run("send", "2022-05", *args, "--smtp-port", str(free_port()), cwd=make_site())
    assert result.exit_code == 2
    assert message in result.output
