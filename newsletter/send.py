"""Send one issue's email edition through SMTP: a test to yourself, or the mailing to your list.

The message is rendered in memory by the same pass as ``newsletter build``,
so it matches what a build would write now, never a stale output folder.
Each reader gets their own copy, with their own ``To:`` line and the
placeholders ``{name}``, ``{email}`` and ``{unsubscribe_url}`` filled in for
them; the exported ``email.eml`` keeps the placeholders.

Every copy the server accepted is written to the issue's send journal,
``.newsletter-cache/sent/<issue>.jsonl``, and flushed to disk before the
next one goes, so that a run stopped by a crash or Ctrl-C can be run again
and reaches each of the rest once, and no one twice.

With a :class:`DkimKey`, each copy is signed with DKIM (dkimpy) just before it
goes, so that the receiving servers can check it comes from the domain.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import html
import json
import os
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import IO, Literal
from urllib.parse import quote

import dkim

from newsletter.build import render
from newsletter.content.fields import SLUG
from newsletter.content.settings import READER_PLACEHOLDERS, address_problem
from newsletter.errors import Problem, SendError
from newsletter.incremental.cache import CACHE_DIR
from newsletter.model import Config, Issue, Newsletter
from newsletter.options import Options
from newsletter.project import Project
from newsletter.render.email import Addressee, email_message

PASSWORD_VARIABLE = "NEWSLETTER_SMTP_PASSWORD"
"""Where the SMTP password is read from: a flag would leave it in the shell's history."""

SECRET_VARIABLE = "NEWSLETTER_UNSUBSCRIBE_SECRET"
"""The key of the ``{token}`` in a per-reader unsubscribe link."""

TIMEOUT_SECONDS = 30.0

DKIM_HEADERS = (
    "From", "Subject", "Date", "Message-ID", "To", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post",
)
"""The headers a DKIM signature covers, where the message has them: who, what, when, and how to leave."""


@dataclass(frozen=True)
class SmtpServer:
    """Where to hand the messages over, and how."""

    host: str = "localhost"
    port: int = 25
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    ssl: bool = False
    timeout: float = TIMEOUT_SECONDS


@dataclass(frozen=True)
class DkimKey:
    """A private key to sign each copy with, and where its public half is published in DNS."""

    selector: str
    domain: str
    private_key: bytes = field(repr=False)


@dataclass(frozen=True)
class Recipient:
    """One reader: an address and, when the list gives one, a name."""

    email: str
    name: str = ""

    @property
    def key(self) -> str:
        """The address as compared: ``Reader@Example.org`` and ``reader@example.org`` are one reader."""
        return self.email.lower()


@dataclass(frozen=True)
class Edition:
    """What every reader's copy is made from: the issue, the settings and both rendered parts."""

    issue: Issue
    config: Config
    html: str
    text: str


@dataclass
class Outcome:
    """What a mailing did: who got it, who had it already, who did not get it, who perhaps did, and why."""

    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    uncertain: list[tuple[str, str]] = field(default_factory=list)
    """Readers whose whole message went out but whose reply never came: perhaps delivered, not sent again."""
    warnings: list[str] = field(default_factory=list)


def password() -> str | None:
    """The SMTP password from the environment, if set."""
    return os.environ.get(PASSWORD_VARIABLE) or None


# Signing


def read_dkim_key(path: Path, selector: str, domain: str) -> DkimKey:
    """The PEM RSA key in ``path``; a SendError if it cannot be read or dkimpy cannot sign with it."""
    try:
        private_key = path.read_bytes()
    except OSError as error:
        raise SendError(f"cannot read the DKIM key {path}: {error.strerror or error}") from error
    key = DkimKey(selector, domain, private_key)
    try:  # a trial signature: finds every problem dkimpy has with the key before any reader is sent to
        dkim_signed(b"From: test@example.org\r\nSubject: test\r\n\r\ntest\r\n", key)
    except (dkim.DKIMException, ValueError) as error:  # ValueError: PEM armour around bad base64
        raise SendError(f"cannot sign with the DKIM key {path}: {error}; "
                        "it must be an RSA private key in PEM format (PKCS#1 or PKCS#8)") from error
    return key


def dkim_signed(message: bytes, key: DkimKey) -> bytes:
    """``message`` with a DKIM-Signature header first (rsa-sha256, relaxed/relaxed) over ``DKIM_HEADERS``."""
    headers = BytesHeaderParser(policy=policy.compat32).parsebytes(message)
    signed = [name.encode() for name in DKIM_HEADERS if name in headers]
    signature: bytes = dkim.sign(
        message, key.selector.encode(), key.domain.encode(), key.private_key,
        canonicalize=(b"relaxed", b"relaxed"), signature_algorithm=b"rsa-sha256", include_headers=signed,
    )
    return signature + message


# Reading the list


def read_list(path: Path) -> tuple[list[Recipient], list[Problem]]:
    """The readers in ``path`` (a CSV with an ``email`` column, or one address a line), duplicates once."""
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    first = next((line for line in lines if line.strip() and not line.lstrip().startswith("#")), "")
    if "email" in (cell.strip().lower() for cell in next(csv.reader([first]), [])):
        rows = _csv_rows(lines)
    else:
        rows = _plain_rows(lines)
    recipients: dict[str, Recipient] = {}
    problems = []
    for line_number, value, name in rows:
        recipient, problem = _recipient(value, name)
        if problem:
            problems.append(Problem(str(path), line_number, 1, problem))
        elif recipient is not None:
            recipients.setdefault(recipient.key, recipient)
    return list(recipients.values()), problems


def _plain_rows(lines: list[str]) -> Iterator[tuple[int, str, str]]:
    for number, line in enumerate(lines, 1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield number, line.strip(), ""


def _csv_rows(lines: list[str]) -> Iterator[tuple[int, str, str]]:
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.reader(line for _, line in numbered)
    header = [cell.strip().lower() for cell in next(reader)]
    email_column = header.index("email")
    name_column = header.index("name") if "name" in header else None
    for (number, _), row in zip(numbered[1:], reader, strict=False):
        value = row[email_column].strip() if email_column < len(row) else ""
        name = row[name_column].strip() if name_column is not None and name_column < len(row) else ""
        yield number, value, name


def _recipient(value: str, name: str) -> tuple[Recipient | None, str | None]:
    if not value:
        return None, "no email address on this line"
    if problem := address_problem(value):
        return None, problem
    address = policy.default.header_factory("To", value).addresses[0]
    return Recipient(address.addr_spec, name or address.display_name), None


def recipient_of(value: str) -> Recipient:
    """The reader ``--to`` names (``Name <user@host>`` or ``user@host``); already checked."""
    recipient, problem = _recipient(value, "")
    if recipient is None:
        raise SendError(problem or f"'{value}' is not an address")
    return recipient


def unique(recipients: Iterable[Recipient]) -> list[Recipient]:
    """``recipients`` in order, each address (in any case) once."""
    return list({r.key: r for r in reversed(list(recipients))}.values())[::-1]


# The journal


def journal_path(project: Project, issue_id: str, edition: str = "") -> Path:
    """Where the readers who have issue ``issue_id`` (in the edition ``edition``) already are written down."""
    name = f"{edition}/{issue_id}" if edition else issue_id
    return project.root / CACHE_DIR / "sent" / f"{name}.jsonl"


def already_sent(journal: Path) -> set[str]:
    """The addresses (lower-cased) the journal lists, uncertain ones too; a line cut short by a crash is ignored."""
    if not journal.is_file():
        return set()
    sent = set()
    for line in journal.read_text(encoding="utf-8").splitlines():
        try:
            sent.add(str(json.loads(line)["email"]).lower())
        except (ValueError, KeyError, TypeError):
            continue
    return sent


def _record(journal: IO[str], recipient: Recipient, *, uncertain: bool = False) -> None:
    line: dict[str, object] = {"email": recipient.email, "at": int(time.time())}
    if uncertain:  # handed over whole, but no reply came: perhaps delivered, so never sent again by itself
        line["uncertain"] = True
    journal.write(json.dumps(line) + "\n")
    journal.flush()
    os.fsync(journal.fileno())  # on disk before the next reader's copy goes


# The messages


def built_edition(
    project: Project, options: Options, issue_id: str, language: str = ""
) -> tuple[Edition, list[Problem]]:
    """Render the project in memory; return issue ``issue_id``'s email and the warnings.

    ``language`` is the code of another language's edition (``languages:``) to send instead.
    """
    rendered = render(project, options)
    newsletter = _in_language(rendered.newsletter, language)
    folder = f"{language}/" if language else ""
    for issue in newsletter.issues:
        if issue.id == issue_id:
            files = rendered.files
            edition = Edition(issue, newsletter.config, files[f"{folder}{issue.path}email.html"].decode(),
                              files[f"{folder}{issue.path}email.txt"].decode())
            return edition, rendered.problems
    if language and any(issue.id == issue_id for issue in rendered.newsletter.issues):
        raise SendError(f"issue '{issue_id}' is not in the '{language}' edition: it has no issue.{language}.yaml")
    if SLUG.fullmatch(issue_id) and (project.content_dir / issue_id).is_dir():
        # The folder validated, so it can only have been left out as a draft.
        raise SendError(f"issue '{issue_id}' is a draft; pass --drafts to send it anyway")
    known = ", ".join(issue.id for issue in rendered.newsletter.issues) or "none"
    raise SendError(f"there is no issue '{issue_id}' (issues: {known})")


def _in_language(newsletter: Newsletter, language: str) -> Newsletter:
    """The newsletter's edition in ``language`` (its code), or the newsletter itself for ``""``."""
    if not language:
        return newsletter
    for edition in newsletter.editions:
        if edition.config.edition == language:
            return edition
    codes = ", ".join(edition.config.edition for edition in newsletter.editions) or "none"
    raise SendError(f"there is no '{language}' edition (editions under 'languages:' in newsletter.yaml: {codes})")


def check_placeholders(config: Config) -> None:
    """Refuse to start a mailing whose unsubscribe link needs a ``{token}`` but has no secret."""
    url = config.email.unsubscribe_url or ""
    if "{token}" in url and not os.environ.get(SECRET_VARIABLE):
        raise SendError(f"the unsubscribe_url uses {{token}}: set its secret in ${SECRET_VARIABLE}")


def unsubscribe_url_for(url: str, recipient: Recipient) -> str:
    """``url`` with ``{email}`` and ``{token}`` filled in (URL-quoted) for ``recipient``."""
    def filled(found: re.Match[str]) -> str:
        if found[0] == "{email}":
            return quote(recipient.email, safe="@")
        secret = os.environ.get(SECRET_VARIABLE, "").encode()
        return hmac.new(secret, recipient.key.encode(), hashlib.sha256).hexdigest()

    return re.sub(r"\{email\}|\{token\}", filled, url)


def message_for(edition: Edition, recipient: Recipient) -> bytes:
    """``recipient``'s own copy: their ``To:`` line and placeholders, in both parts and the headers."""
    url = edition.config.email.unsubscribe_url
    personal_url = unsubscribe_url_for(url, recipient) if url else None
    values = {"{name}": recipient.name, "{email}": recipient.email, "{unsubscribe_url}": personal_url or ""}
    html_values = {key: html.escape(value) for key, value in values.items()}
    text_values = dict(values)
    if url and personal_url:  # the link where the template wrote it, as written in each part
        html_values[html.escape(url)] = html.escape(personal_url)
        text_values[url] = personal_url
    to = str(Address(display_name=recipient.name, addr_spec=recipient.email))
    filled = url is not None and any(placeholder in url for placeholder in READER_PLACEHOLDERS)
    addressee = Addressee(to, personal_url, identifies_reader=filled)
    return email_message(edition.issue, edition.config, _filled(edition.html, html_values),
                         _filled(edition.text, text_values), addressee)


def _filled(text: str, values: dict[str, str]) -> str:
    """``text`` with every key of ``values`` replaced in one pass, so a filled value is never filled again."""
    pattern = "|".join(re.escape(key) for key in sorted(values, key=len, reverse=True))
    return re.sub(pattern, lambda found: values[found[0]], text)


# Delivery


class Unanswered(Exception):
    """The whole message was handed over, but no reply came: the server may have accepted it or not."""


class _Session:
    """One SMTP connection, opened again when the server asks for it (421) or stops answering."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server
        self.smtp: smtplib.SMTP | None = None
        self.awaiting_reply = False
        """Whether the current message was handed over whole and its reply has not come yet."""

    def open(self) -> None:
        """Connect, encrypt and log in; a SendError names the step that failed."""
        server, phase = self.server, "connect"
        try:
            if server.ssl:
                phase = "connect (TLS)"
                self.smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout,
                                             context=ssl.create_default_context())
            else:
                self.smtp = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
            if server.starttls:
                phase = "TLS"
                self.smtp.starttls(context=ssl.create_default_context())
            if server.user:
                phase = "login"
                self.smtp.login(server.user, server.password or "")
        except OSError as error:  # includes every smtplib and ssl error
            self.close()
            raise SendError(f"could not send through {server.host}:{server.port}: {phase} failed: {error}") from error

    def send(self, sender: str, recipient: str, message: bytes) -> None:
        """Hand over one message for one reader.

        Raises OSError (smtplib's errors included) if the server refused it or
        the connection failed before the message was whole, and
        :class:`Unanswered` if the connection failed after it: the steps of
        ``smtplib.SMTP.sendmail``, taken one by one so the two can be told apart.
        """
        if self.smtp is None:
            self.open()
        smtp = self.smtp
        assert smtp is not None
        smtp.ehlo_or_helo_if_needed()
        options = [f"SIZE={len(message)}"] if smtp.does_esmtp and smtp.has_extn("size") else []
        code, reply = smtp.mail(sender, options)
        if code != 250:
            raise self._refused(smtplib.SMTPSenderRefused(code, reply, sender))
        code, reply = smtp.rcpt(recipient)
        if code not in (250, 251):
            raise self._refused(smtplib.SMTPRecipientsRefused({recipient: (code, reply)}))
        code, reply = smtp.docmd("DATA")
        if code != 354:
            raise self._refused(smtplib.SMTPDataError(code, reply))
        smtp.send(_dot_stuffed(message))
        self.awaiting_reply = True
        try:
            code, reply = smtp.getreply()  # smtplib reports a timeout here as a lost connection
        except smtplib.SMTPServerDisconnected as error:
            self.close()
            raise Unanswered(str(error)) from error
        self.awaiting_reply = False
        if code != 250:
            raise self._refused(smtplib.SMTPDataError(code, reply))

    def _refused(self, error: OSError) -> OSError:
        """Make the session ready for the next message after a refusal (or closed, after a 421); ``error``."""
        if _code(error) == 421:
            self.close()
        elif self.smtp is not None:
            try:
                self.smtp.rset()
            except OSError:
                self.close()
        return error

    def quit(self) -> str | None:
        """End the session; a warning if it did not end well (every message is sent by then)."""
        smtp, self.smtp = self.smtp, None
        if smtp is None:
            return None
        try:
            code, reply = smtp.quit()
        except OSError as error:
            smtp.close()
            code, reply = 0, str(error).encode()
        if code != 221:  # the reply that ends a session well
            said = f"{code} {reply.decode(errors='replace')}" if code else reply.decode()
            return f"the server accepted the messages, but then ended the session badly ({said}); they are sent"
        return None

    def close(self) -> None:
        """Drop the connection without a word, as after a 421 or a timeout."""
        smtp, self.smtp = self.smtp, None
        self.awaiting_reply = False
        if smtp is not None:
            smtp.close()


def _dot_stuffed(message: bytes) -> bytes:
    """``message`` as DATA carries it: a line starting with a dot gets another, and a lone dot ends it."""
    data = re.sub(rb"(?m)^\.", b"..", message)
    return (data if data.endswith(b"\r\n") else data + b"\r\n") + b".\r\n"


def _code(error: OSError) -> int | None:
    """The SMTP reply code of ``error``, if the server gave one."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return next(iter(error.recipients.values()))[0]
    return getattr(error, "smtp_code", None)


def _should_reconnect(error: OSError) -> bool:
    """A 421 (the server is closing), a timeout or a dropped connection: worth one more try."""
    disconnected = isinstance(error, (TimeoutError, ConnectionError, smtplib.SMTPServerDisconnected))
    return disconnected or _code(error) == 421


def _reason(error: OSError) -> str:
    code, said = getattr(error, "smtp_code", None), getattr(error, "smtp_error", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, said = next(iter(error.recipients.values()))
    if code is not None and isinstance(said, bytes):
        return f"{code} {said.decode(errors='replace')}"
    return str(error) or type(error).__name__


def deliver(
    edition: Edition, recipients: list[Recipient], server: SmtpServer, journal: Path, *,
    resend: bool = False, rate: float | None = None, report: Callable[[str], None] = lambda line: None,
    dkim_key: DkimKey | None = None,
    clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
) -> Outcome:
    """Send each reader their copy over one session, writing each accepted one to ``journal``.

    Readers already in the journal are skipped unless ``resend``. A reader
    whose message the server accepted (a 250 reply to its data) is sent,
    whatever happens next. A reader whose whole message went out but whose
    reply never came (a timeout, a dropped connection, Ctrl-C) is
    *uncertain*: the server may have queued it, so it is not sent again, but
    written to the journal as uncertain, which a re-run skips too. ``rate``
    is the most messages a minute, kept with ``clock`` and ``sleep``. With
    ``dkim_key`` each copy is signed.
    """
    outcome = Outcome()
    done = set() if resend else already_sent(journal)
    todo = [recipient for recipient in recipients if recipient.key not in done]
    outcome.skipped = [recipient.email for recipient in recipients if recipient.key in done]
    if not todo:
        return outcome
    sender = BytesHeaderParser(policy=policy.default).parsebytes(
        message_for(edition, todo[0]))["From"].addresses[0].addr_spec
    session = _Session(server)
    session.open()  # a server that cannot be reached is an error, before any reader is counted
    journal.parent.mkdir(parents=True, exist_ok=True)
    started, broken = clock(), None
    with journal.open("a", encoding="utf-8") as written:
        for index, recipient in enumerate(todo):
            if rate and (wait := started + index * 60 / rate - clock()) > 0:
                sleep(wait)
            try:
                result = _Result("failed", broken) if broken else _send_one(
                    session, sender, recipient, _copy(edition, recipient, dkim_key))
            except SendError as error:  # the server could not be reached again: the rest wait for a re-run
                result = _Result("failed", str(error))
                broken = str(error)
            except KeyboardInterrupt:
                if session.awaiting_reply:  # the server has the message; the reply was not waited for
                    _record(written, recipient, uncertain=True)
                raise
            _count(result, recipient, written, outcome, report)
    if warning := session.quit():
        outcome.warnings.append(warning)
    return outcome


@dataclass(frozen=True)
class _Result:
    """What became of one reader's copy: ``sent``, ``failed`` or ``uncertain``, and why."""

    status: Literal["sent", "failed", "uncertain"]
    reason: str | None = None


def _count(result: _Result, recipient: Recipient, journal: IO[str], outcome: Outcome,
           report: Callable[[str], None]) -> None:
    """Write down what became of ``recipient``'s copy: in the journal if it may have arrived, and in ``outcome``."""
    if result.status == "sent":
        _record(journal, recipient)
        outcome.sent.append(recipient.email)
        report(f"sent to {recipient.email}")
    elif result.status == "uncertain":
        _record(journal, recipient, uncertain=True)
        outcome.uncertain.append((recipient.email, result.reason or ""))
        report(f"uncertain: {recipient.email}: {result.reason}")
    else:
        outcome.failed.append((recipient.email, result.reason or ""))
        report(f"failed: {recipient.email}: {result.reason}")


def _copy(edition: Edition, recipient: Recipient, dkim_key: DkimKey | None) -> bytes:
    """``recipient``'s copy, signed if there is a key."""
    message = message_for(edition, recipient)
    return dkim_signed(message, dkim_key) if dkim_key is not None else message


def _send_one(session: _Session, sender: str, recipient: Recipient, message: bytes) -> _Result:
    """Send one copy, reconnecting once if the server asks or the line dropped before the message was whole.

    Never sends again a message that went out whole: with no reply, it is
    uncertain. Raises SendError if the server cannot be reached again.
    """
    for attempt in (1, 2):
        try:
            session.send(sender, recipient.email, message)
            return _Result("sent")
        except Unanswered as error:
            return _Result("uncertain", f"no reply after the whole message was sent ({error}); "
                                        "the server may have accepted it")
        except OSError as error:
            if attempt == 1 and _should_reconnect(error):
                session.close()
                continue
            if _should_reconnect(error):
                session.close()
            return _Result("failed", f"send failed: {_reason(error)}")
    raise AssertionError("not reached: the second attempt returns")
