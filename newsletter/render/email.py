"""The email edition of each issue: inlined HTML, plain text, and an RFC 5322 ``.eml``.

The HTML is written with a ``<style>`` block (``email.css``) and every rule
is then inlined into ``style`` attributes with css-inline, because many
clients drop ``<style>``; at-rules (the mobile and dark-mode media queries)
stay in a ``<style>`` block for the clients that honour them.
"""

from __future__ import annotations

import base64
import hashlib
import quopri
import re
from collections.abc import Mapping
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address, BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage, Message, MIMEPart
from email.policy import Policy
from email.utils import format_datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

import css_inline
import jinja2

from newsletter.content.merge_tags import has_merge_tag
from newsletter.errors import Problem
from newsletter.model import Config, Issue, Newsletter
from newsletter.render.jobs import Files
from newsletter.render.text import LinkRefs, html_to_text

GMAIL_CLIP_BYTES = 102 * 1024
"""Gmail hides the rest of a message whose HTML is larger than this."""

RIGHT_TO_LEFT = {"ar", "ckb", "dv", "fa", "he", "iw", "ps", "sd", "ug", "ur", "yi"}
"""Primary language subtags written right to left, for ``<html dir>``."""

_BLANK_RUNS = re.compile(r"\n{3,}")
_STYLE_BLOCK = re.compile(r"<style>.*?</style>", re.DOTALL)
_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


class _VerbatimHeader(UnstructuredHeader, BaseHeader):
    """A header written on one line exactly as given.

    The email package folds values longer than 78 columns and RFC 2047-encodes
    any word that still does not fit, which would garble a long unsubscribe URL
    or a merge tag; the config keeps these values ASCII and short enough for
    RFC 5322's 998-byte line.
    """

    def fold(self, *, policy: Policy) -> str:
        return f"{self.name}: {self}{policy.linesep}"


def _header_registry() -> HeaderRegistry:
    registry = HeaderRegistry()
    for name in ("List-Unsubscribe", "List-Unsubscribe-Post"):
        registry.map_to_type(name, _VerbatimHeader)
    return registry


# SMTP line endings; every other header is folded (and non-ASCII encoded) at 78 columns.
MESSAGE_POLICY = policy.SMTP.clone(header_factory=_header_registry())


def render_email(newsletter: Newsletter, env: jinja2.Environment) -> Files:
    """Render ``email.html``, ``email.txt`` and ``email.eml`` for every issue."""
    files: Files = {}
    for issue in newsletter.issues:
        html = email_html(issue, newsletter.config, env)
        text = email_text(issue, newsletter.config, env)
        files[f"{issue.path}email.html"] = html.encode()
        files[f"{issue.path}email.txt"] = text.encode()
        files[f"{issue.path}email.eml"] = email_message(issue, newsletter.config, html, text)
    return files


def email_html(issue: Issue, config: Config, env: jinja2.Environment) -> str:
    """The HTML edition with every style inlined."""
    html = env.get_template("email.html").render(
        site=config,
        issue=issue,
        web_url=config.base_url + issue.path,
        direction=text_direction(config.language),
    )
    return _at_rules_last_in_head(_INLINER.inline(_fitted_images(html)))


EMAIL_IMAGE_WIDTH = 552
"""The widest an image may be in the email: the 600-pixel column less its padding."""

_SIZED_IMAGE = re.compile(r'(<img\b[^>]*?) width="(\d+)" height="(\d+)"')


def _fitted_images(html: str) -> str:
    """Scale down the width and height of images wider than the email's column.

    Outlook draws an image at the size its attributes give, whatever the
    stylesheet says; other clients also get ``max-width: 100%``.
    """

    def fitted(found: re.Match[str]) -> str:
        width, height = int(found[2]), int(found[3])
        if width <= EMAIL_IMAGE_WIDTH:
            return found.group()
        return f'{found[1]} width="{EMAIL_IMAGE_WIDTH}" height="{round(height * EMAIL_IMAGE_WIDTH / width)}"'

    return _SIZED_IMAGE.sub(fitted, html)


def text_direction(language: str) -> str:
    """``rtl`` for languages written right to left (Arabic, Hebrew...), else ``ltr``."""
    return "rtl" if language.split("-")[0].lower() in RIGHT_TO_LEFT else "ltr"


def _at_rules_last_in_head(html: str) -> str:
    """Move the kept media queries after ``<meta charset>`` and ``<title>``.

    css-inline puts them first in ``<head>``; the charset must come within
    the first 1024 bytes.
    """
    found = _STYLE_BLOCK.search(html)
    if found is None:
        return html
    html = html[: found.start()] + html[found.end() :]
    return html.replace("</head>", found.group() + "\n</head>", 1)


def email_text(issue: Issue, config: Config, env: jinja2.Environment) -> str:
    """The plain-text edition: wrapped at 72 columns, links as numbered references."""
    refs = LinkRefs()

    def as_text(fragment: str, indent: str = "") -> str:
        return html_to_text(fragment, refs, indent=indent)

    def references(indent: str = "") -> str:
        return "\n".join(f"{indent}[{number}] {url}" for number, url in refs.unlisted())

    text = env.get_template("email.txt").render(
        site=config,
        issue=issue,
        web_url=config.base_url + issue.path,
        text=as_text,
        link=refs.number,
        references=references,
    )
    lines = "\n".join(line.rstrip() for line in text.splitlines())
    return _BLANK_RUNS.sub("\n\n", lines).strip() + "\n"


@dataclass(frozen=True)
class Addressee:
    """The one reader a sent copy is for: their ``To:`` header and their own unsubscribe link."""

    to: str
    unsubscribe_url: str | None
    identifies_reader: bool
    """Whether ``unsubscribe_url`` names this reader, as one-click unsubscribing (RFC 8058) requires."""


def email_message(
    issue: Issue, config: Config, html: str, text: str, addressee: Addressee | None = None
) -> bytes:
    """A ``multipart/alternative`` message with the text and HTML editions.

    Without ``addressee`` it is the exported ``.eml`` (no ``To:``, the
    unsubscribe link as the settings give it); with one, the copy that
    ``newsletter send`` hands over for that reader.
    """
    host = urlsplit(config.base_url).hostname or "localhost"
    message = EmailMessage(policy=MESSAGE_POLICY)
    message["Subject"] = issue.title
    message["From"] = _sender(config, host)
    if addressee:
        message["To"] = addressee.to
    if config.email.reply_to:
        message["Reply-To"] = config.email.reply_to
    message["Date"] = format_datetime(issue.published_at(config.timezone))
    # Derived from what the message says: an unchanged issue keeps its identity on every rebuild,
    # and an edited one gets a new one, which mail clients and archives need to tell them apart.
    digest = hashlib.sha256("\0".join((config.base_url, issue.id, issue.title, html, text)).encode()).hexdigest()
    message["Message-ID"] = f"<{issue.id}.{digest[:16]}@{host}>"
    message["List-Id"] = _list_id(config.title, f"{config.edition}.{host}" if config.edition else host)
    message["Content-Language"] = config.language
    unsubscribe = addressee.unsubscribe_url if addressee else config.email.unsubscribe_url
    if unsubscribe:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        if offers_one_click(unsubscribe, addressee):
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # "Precedence: bulk" is not a standard (RFC 2076 lists it as non-standard and discouraged), but
    # vacation and out-of-office responders have long checked it before answering (RFC 3834 lets them),
    # list software and bulk senders add it, and Google's earlier bulk-sender guidelines asked for it:
    # without it, a mailing brings back an automatic reply from each reader who is away. Every copy
    # carries it, and the exported file too, being the same message. "Auto-Submitted: auto-generated"
    # is left out on purpose: RFC 3834 reserves it for messages made by an automatic process (its
    # absence means "made by a person"), and an issue is written by its editors; sending it to many
    # readers does not make it machine-made.
    message["Precedence"] = "bulk"
    message["MIME-Version"] = "1.0"
    message["Content-Type"] = "multipart/alternative"
    # A fixed boundary keeps rebuilds byte-identical; a hash of both parts cannot occur in them.
    boundary = "=_" + hashlib.sha256((text + html).encode()).hexdigest()[:32]
    payloads: dict[str, bytes] = {}
    parts: list[Message[str, str] | str] = []
    for subtype, body in (("plain", text), ("html", html)):
        placeholder = f"{boundary}-{subtype}"
        encoding, payloads[placeholder] = _encoded(body)
        parts.append(_text_part(subtype, encoding, placeholder))
    message.set_payload(parts)
    message.set_boundary(boundary)
    return _with_payloads(message.as_bytes(), payloads)


def offers_one_click(unsubscribe_url: str, addressee: Addressee | None) -> bool:
    """Whether the message may declare ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``.

    RFC 8058 has the receiving mail program POST to the https link with no
    further step, so the link itself must say who is leaving. A sent copy
    says so when ``newsletter send`` filled in the reader's ``{email}`` or
    ``{token}``; the exported file when its https link carries a mailing
    service's merge tag, which the service replaces per reader. A fixed
    link would unsubscribe no one, or the wrong person: no header.
    """
    if not unsubscribe_url.lower().startswith("https://"):
        return False
    if addressee is not None:
        return addressee.identifies_reader
    return has_merge_tag(unsubscribe_url)


def _encoded(body: str) -> tuple[str, bytes]:
    """``body`` in UTF-8, quoted-printable where that is no longer than base64 (it stays readable).

    Both encodings keep every line within 76 bytes; base64 saves a third for
    Chinese. Encoded with the standard library's C codecs: the email
    package's own quoted-printable encoder is pure Python and took half the
    time of an issue's email.
    """
    data = body.encode()
    quoted = quopri.encodestring(data)
    if len(quoted) <= _base64_length(len(data)):
        return "quoted-printable", quoted
    return "base64", base64.encodebytes(data)


def _base64_length(size: int) -> int:
    """``len(base64.encodebytes(data))`` for ``size`` bytes of data: 76 characters and a newline per line."""
    characters = 4 * -(-size // 3)
    return characters + -(-characters // 76)


def _text_part(subtype: str, encoding: str, placeholder: str) -> MIMEPart:
    """A UTF-8 ``text/<subtype>`` part whose payload is ``placeholder`` for now (see ``_with_payloads``)."""
    part = MIMEPart(policy=MESSAGE_POLICY)
    part["Content-Type"] = f'text/{subtype}; charset="utf-8"'
    part["Content-Transfer-Encoding"] = encoding
    part.set_payload(placeholder)
    return part


def _with_payloads(message: bytes, payloads: dict[str, bytes]) -> bytes:
    """Put each encoded payload where its one-line placeholder was written, with SMTP line ends.

    The email package writes a payload line by line, which took a third of
    the time of an issue's email; an encoded payload is already in lines of
    76 bytes, which is all the email package would have done with it.
    """
    for placeholder, payload in payloads.items():
        message = message.replace(placeholder.encode(), payload.replace(b"\n", b"\r\n"), 1)
    return message


_SPECIALS = re.compile(r'[()<>\[\]:;@\\,."]')
_NOT_LABEL = re.compile(r"[^a-z0-9]+")


def _list_id(title: str, host: str) -> str:
    """``China Cyber Update <china-cyber-update.news.example.org>``: RFC 2919's list identifier.

    The label is the title's ASCII letters and digits, so that filters keep
    working when the title's punctuation changes; the host makes it unique
    (another language's edition is another list: ``zh.news.example.org``).
    """
    label = _NOT_LABEL.sub("-", title.lower()).strip("-") or "newsletter"
    phrase = _SPECIALS.sub("", title).strip() if not title.isascii() else title
    if _SPECIALS.search(phrase):
        phrase = '"' + phrase.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{phrase} <{label}.{host}>" if phrase else f"<{label}.{host}>"


def sender(config: Config) -> str:
    """The ``From:`` of the newsletter's emails."""
    return _sender(config, urlsplit(config.base_url).hostname or "localhost")


def _sender(config: Config, host: str) -> str:
    if config.email.from_address:
        return config.email.from_address
    return str(Address(display_name=config.title, username="newsletter", domain=host))


def email_problems(newsletter: Newsletter, files: Mapping[str, bytes]) -> list[Problem]:
    """Warn about emails that Gmail would clip and images that clients show badly."""
    problems = []
    for issue in newsletter.issues:
        html = files[f"{issue.path}email.html"]
        problems += _size_problems(issue, len(html))
        problems += _image_problems(issue, html.decode())
    return problems


def _size_problems(issue: Issue, size: int) -> list[Problem]:
    if size <= GMAIL_CLIP_BYTES:
        return []
    return [
        Problem(
            issue.source_path, 1, 1,
            f"email of issue '{issue.id}' is {size / 1024:.0f} KB; Gmail clips messages "
            f"over {GMAIL_CLIP_BYTES // 1024} KB (split the issue or shorten entries)",
            "warning",
        )
    ]


def _image_problems(issue: Issue, html: str) -> list[Problem]:
    problems = []
    for attributes in _images(html):
        src = attributes.get("src") or ""
        missing = [
            need
            for need, ok in (
                ("alt text", "alt" in attributes),
                ("a width attribute", bool(attributes.get("width"))),
                ("an absolute http(s) src", urlsplit(src).scheme in ("http", "https")),
            )
            if not ok
        ]
        if missing:
            problems.append(
                Problem(
                    issue.source_path, 1, 1,
                    f"image '{src}' in the email of issue '{issue.id}' needs {', '.join(missing)}: "
                    "clients that block images show the alt text, Outlook needs the width, "
                    "and a relative src points nowhere in an inbox",
                    "warning",
                )
            )
    return problems


class _ImageFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs))


_IMAGE_TAG = re.compile("<img", re.IGNORECASE)


def _images(html: str) -> list[dict[str, str | None]]:
    """The attributes of every ``<img>`` in ``html``."""
    if not _IMAGE_TAG.search(html):  # parsing is slow, and every issue is checked on every build
        return []
    finder = _ImageFinder()
    finder.feed(html)
    finder.close()
    return finder.images
