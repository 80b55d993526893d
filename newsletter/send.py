"""Send one issue's email edition through SMTP: a test before the real mailing.

The message is rendered in memory by the same pass as ``newsletter build``,
so it matches what a build would write now, never a stale output folder.
It is handed to the server byte for byte, exactly as a mailing tool would
import the ``.eml``; that includes having no ``To:`` header, which mailing
tools add for each reader.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email import policy
from email.parser import BytesHeaderParser

from newsletter.build import render
from newsletter.content.fields import SLUG
from newsletter.errors import Problem, SendError
from newsletter.options import Options
from newsletter.project import Project

PASSWORD_VARIABLE = "NEWSLETTER_SMTP_PASSWORD"
"""Where the SMTP password is read from: a flag would leave it in the shell's history."""

TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class SmtpServer:
    """Where to hand the message over, and how."""

    host: str = "localhost"
    port: int = 25
    starttls: bool = False
    user: str | None = None
    password: str | None = None


def password() -> str | None:
    """The SMTP password from the environment, if set."""
    return os.environ.get(PASSWORD_VARIABLE) or None


def built_message(
    project: Project, options: Options, issue_id: str
) -> tuple[bytes, list[Problem]]:
    """Render the project in memory; return issue ``issue_id``'s ``.eml`` and the warnings."""
    rendered = render(project, options)
    for issue in rendered.newsletter.issues:
        if issue.id == issue_id:
            return rendered.files[f"{issue.path}email.eml"], rendered.problems
    if SLUG.fullmatch(issue_id) and (project.content_dir / issue_id).is_dir():
        # The folder validated, so it can only have been left out as a draft.
        raise SendError(f"issue '{issue_id}' is a draft; pass --drafts to send it anyway")
    known = ", ".join(issue.id for issue in rendered.newsletter.issues) or "none"
    raise SendError(f"there is no issue '{issue_id}' (issues: {known})")


def send(message: bytes, recipient: str, server: SmtpServer) -> str | None:
    """Hand ``message`` to ``server``, unchanged, for delivery to ``recipient``.

    Raises SendError if the server did not accept the message. Once it has
    (a 250 reply to the message's data), the message is on its way: a
    failure to end the session politely afterwards (a 421 reply to QUIT, a
    dropped connection) is returned as a warning, so that no one sends it
    again and the reader gets it twice.
    """
    headers = BytesHeaderParser(policy=policy.default).parsebytes(message)
    sender = headers["From"].addresses[0].addr_spec
    smtp: smtplib.SMTP | None = None
    try:
        smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
        if server.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if server.user:
            smtp.login(server.user, server.password or "")
        smtp.sendmail(sender, [recipient], message)
    except OSError as error:  # includes every smtplib and ssl error
        if smtp is not None:
            smtp.close()
        raise SendError(f"could not send through {server.host}:{server.port}: {error}") from error
    try:
        code, reply = smtp.quit()
    except OSError as error:
        smtp.close()
        code, reply = 0, str(error).encode()
    if code != 221:  # the reply that ends a session well
        said = f"{code} {reply.decode(errors='replace')}" if code else reply.decode()
        return f"the server accepted the message, but then ended the session badly ({said}); it is sent"
    return None
