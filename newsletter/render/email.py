"""The email edition of each issue: inlined HTML, plain text, and an RFC 5322 ``.eml``.

The HTML is written with a ``<style>`` block (``email.css``) and every rule
is then inlined into ``style`` attributes with css-inline, because many
clients drop ``<style>``; at-rules (the mobile and dark-mode media queries)
stay in a ``<style>`` block for the clients that honour them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import css_inline
import jinja2

from newsletter.errors import Problem
from newsletter.model import Config, Issue, Newsletter
from newsletter.render.text import LinkRefs, html_to_text

Files = dict[str, bytes]

GMAIL_CLIP_BYTES = 102 * 1024
"""Gmail hides the rest of a message whose HTML is larger than this."""

_BLANK_RUNS = re.compile(r"\n{3,}")
_STYLE_BLOCK = re.compile(r"<style>.*?</style>", re.DOTALL)
_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


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
        site=config, issue=issue, web_url=config.base_url + issue.path
    )
    return _at_rules_last_in_head(_INLINER.inline(html))


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


def email_message(issue: Issue, config: Config, html: str, text: str) -> bytes:
    """A ``multipart/alternative`` message with the text and HTML editions."""
    host = urlsplit(config.base_url).hostname or "localhost"
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = issue.title
    message["From"] = _sender(config, host)
    if config.email.reply_to:
        message["Reply-To"] = config.email.reply_to
    message["Date"] = format_datetime(
        dt.datetime.combine(issue.date, dt.time(8, 0), tzinfo=ZoneInfo(config.timezone))
    )
    digest = hashlib.sha256(f"{config.base_url}{issue.id}".encode()).hexdigest()
    message["Message-ID"] = f"<{issue.id}.{digest[:16]}@{host}>"
    unsubscribe = config.email.unsubscribe_url
    if unsubscribe:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        if unsubscribe.startswith("https://"):
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    # A fixed boundary keeps rebuilds byte-identical; a hash of both parts cannot occur in them.
    message.set_boundary("=_" + hashlib.sha256((text + html).encode()).hexdigest()[:32])
    return message.as_bytes()


def _sender(config: Config, host: str) -> str:
    if config.email.from_address:
        return config.email.from_address
    return str(Address(display_name=config.title, username="newsletter", domain=host))


def size_problems(newsletter: Newsletter, files: Files) -> list[Problem]:
    """Warn about emails that Gmail would clip."""
    problems = []
    for issue in newsletter.issues:
        size = len(files[f"{issue.path}email.html"])
        if size > GMAIL_CLIP_BYTES:
            problems.append(
                Problem(
                    issue.source_path, 1, 1,
                    f"email of issue '{issue.id}' is {size / 1024:.0f} KB; Gmail clips messages "
                    f"over {GMAIL_CLIP_BYTES // 1024} KB (split the issue or shorten entries)",
                    "warning",
                )
            )
    return problems
