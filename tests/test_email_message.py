"""The ``.eml``: a standard multipart message, headers mailing tools expect, merge tags intact."""

from __future__ import annotations

import base64
import email
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from newsletter.render.email import _base64_length
from tests.conftest import MakeSite, entry, run
from tests.email_project import CONFIG, ISSUE, build_email_site

UNSUBSCRIBE_LINE = "  unsubscribe_url: https://news.example.org/unsubscribe\n"


def parse(eml: bytes) -> EmailMessage:
    """Parse a message the way a modern mail program does."""
    message = email.message_from_bytes(eml, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def with_unsubscribe(value: str) -> str:
    """The test config with ``email.unsubscribe_url`` set to ``value`` (a YAML scalar)."""
    assert UNSUBSCRIBE_LINE in CONFIG
    return CONFIG.replace(UNSUBSCRIBE_LINE, f"  unsubscribe_url: {value}\n")


def header_line(eml: bytes, name: str) -> str:
    """The raw, unfolded text of header ``name`` as written in the file."""
    head = eml.split(b"\r\n\r\n", 1)[0].decode("ascii")
    unfolded = head.replace("\r\n ", " ").replace("\r\n\t", "\t").split("\r\n")
    return next(line for line in unfolded if line.lower().startswith(name.lower() + ":"))


@pytest.fixture
def issue(make_site: MakeSite) -> Path:
    """The built issue folder of the test project."""
    return build_email_site(make_site)


def test_eml_has_exactly_a_text_and_an_html_part_matching_the_editions(issue: Path) -> None:
    message = parse((issue / "email.eml").read_bytes())
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    assert all(part.get_content_charset() == "utf-8" for part in parts)
    assert all(not part.is_multipart() for part in parts)
    text, html = (part.get_content() for part in parts)
    assert text.replace("\r\n", "\n") == (issue / "email.txt").read_text(encoding="utf-8")
    # The email package ends the part with a line break; the file has none.
    assert html.replace("\r\n", "\n").rstrip("\n") == (issue / "email.html").read_text(encoding="utf-8")


def test_non_ascii_subject_is_encoded_and_decodes_to_the_title(issue: Path) -> None:
    eml = (issue / "email.eml").read_bytes()
    eml.decode("ascii")  # the whole message is 7-bit: any server will carry it
    subject = header_line(eml, "Subject")
    assert "=?utf-8?" in subject
    assert "数据" not in subject
    assert parse(eml)["Subject"] == "数据安全 Update — May 2022"


def test_headers_name_sender_date_and_unsubscribe(issue: Path) -> None:
    message = parse((issue / "email.eml").read_bytes())
    assert message["From"] == "China Cyber Team <team@news.example.org>"
    assert message["Date"] == "Sun, 15 May 2022 08:00:00 +0000"
    assert message["List-Unsubscribe"] == "<https://news.example.org/unsubscribe>"
    assert message["MIME-Version"] == "1.0"


def test_the_message_says_it_is_bulk_mail_but_not_machine_made(issue: Path) -> None:
    message = parse((issue / "email.eml").read_bytes())
    assert message.get_all("Precedence") == ["bulk"], "keeps out-of-office replies away"
    assert "Auto-Submitted" not in message, "the issue is written by people (RFC 3834)"


@pytest.mark.parametrize(("link", "one_click"), [
    ("https://news.example.org/unsubscribe", False),  # the same for every reader: it cannot say who leaves
    ("https://news.example.org/leave?email={email}", False),  # filled in only when newsletter send sends it
    ("'https://news.example.org/leave?id=*|UNIQID|*'", True),  # the mailing service fills in each reader
    ("'https://news.example.org/leave?u=%recipient.id%'", True),
    ("'http://news.example.org/leave?id=*|UNIQID|*'", False),  # RFC 8058 wants https
])
def test_the_exported_file_offers_one_click_only_with_a_link_naming_the_reader(
    make_site: MakeSite, link: str, one_click: bool
) -> None:
    issue = build_email_site(make_site, {"newsletter.yaml": with_unsubscribe(link)})
    message = parse((issue / "email.eml").read_bytes())
    assert message["List-Unsubscribe"] == f"<{link.strip(chr(39))}>"
    assert (message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click") is one_click
    assert ("List-Unsubscribe-Post" in message) is one_click


def test_a_mailto_unsubscribe_gets_no_one_click_header(make_site: MakeSite) -> None:
    config = with_unsubscribe("mailto:leave@news.example.org?subject=unsubscribe")
    issue = build_email_site(make_site, {"newsletter.yaml": config})
    message = parse((issue / "email.eml").read_bytes())
    assert message["List-Unsubscribe"] == "<mailto:leave@news.example.org?subject=unsubscribe>"
    assert message["List-Unsubscribe-Post"] is None


def test_sender_defaults_to_the_newsletter_title_at_the_site_host(make_site: MakeSite) -> None:
    config = CONFIG.replace('  from: "China Cyber Team <team@news.example.org>"\n', "")
    issue = build_email_site(make_site, {"newsletter.yaml": config})
    message = parse((issue / "email.eml").read_bytes())
    assert message["From"] == "China Cyber & Data Update <newsletter@news.example.org>"


def test_message_id_is_stable_across_rebuilds_and_new_after_an_edit(make_site: MakeSite) -> None:
    issue = build_email_site(make_site)
    first = (issue / "email.eml").read_bytes()
    assert run("build", cwd=issue.parents[2]).exit_code == 0
    assert (issue / "email.eml").read_bytes() == first, "rebuilding changes nothing"
    edited = issue.parents[2] / ISSUE / "views.md"
    edited.write_text(edited.read_text().replace("Our take", "Our revised take"))
    assert run("build", cwd=issue.parents[2]).exit_code == 0
    second = (issue / "email.eml").read_bytes()
    assert second != first
    message_id = parse(first)["Message-ID"]
    assert message_id != parse(second)["Message-ID"], "an edited issue is a new message"
    assert message_id.startswith("<2022-05.") and message_id.endswith("@news.example.org>")
    edited.write_text(edited.read_text().replace("Our revised take", "Our take"))
    assert run("build", cwd=issue.parents[2]).exit_code == 0
    assert parse((issue / "email.eml").read_bytes())["Message-ID"] == message_id, "the same text, the same id"


def test_each_issue_has_its_own_message_id(make_site: MakeSite) -> None:
    root = make_site({
        "content/2022-06/issue.yaml": "date: 2022-06-15\n",
        "content/2022-06/rules.md": entry("Rules", date="2022-06-01", body="Text.\n"),
    })
    assert run("build", cwd=root).exit_code == 0
    ids = {parse((root / f"output/issues/{i}/email.eml").read_bytes())["Message-ID"]
           for i in ("2022-05", "2022-06")}
    assert len(ids) == 2


def test_no_line_is_longer_than_998_bytes_even_with_long_values(make_site: MakeSite) -> None:
    long_url = "https://news.example.org/unsubscribe?token=" + "a1b2c3d4" * 100
    paragraph = "监管机构要求" * 400 + " " + "word " * 400
    issue = build_email_site(make_site, {
        "newsletter.yaml": with_unsubscribe(long_url),
        f"{ISSUE}/issue.yaml": "date: 2022-05-15\ntitle: " + "网络安全 Cybersecurity " * 12 + "\n",
        f"{ISSUE}/long.md": entry("Long", "industry", "2022-05-02", body=f"{paragraph}\n"),
    })
    eml = (issue / "email.eml").read_bytes()
    assert max(len(line) for line in eml.split(b"\r\n")) <= 998
    assert b"\n" not in eml.replace(b"\r\n", b""), "every line ends with CRLF"
    message = parse(eml)
    assert message["List-Unsubscribe"] == f"<{long_url}>"
    assert header_line(eml, "List-Unsubscribe") == f"List-Unsubscribe: <{long_url}>"
    assert message["Subject"] == ("网络安全 Cybersecurity " * 12).strip()
    plain_part = message.get_body(("plain",))
    assert plain_part is not None
    text = plain_part.get_content()
    assert paragraph.split()[0] in "".join(text.split()), "the Chinese run survives wrapping"


@pytest.mark.parametrize("tag", [
    "*|UNSUB|*",
    "{{ UnsubscribeURL }}",
    "{{{ pm:unsubscribe }}}",
    "%unsubscribe_url%",
    "<%asm_group_unsubscribe_raw_url%>",
    "[unsubscribe]",
    "https://news.example.org/leave?id=*|UNIQID|*",
])
def test_merge_tags_reach_html_text_and_header_verbatim(make_site: MakeSite, tag: str) -> None:
    config = with_unsubscribe("'" + tag + "'")
    issue = build_email_site(make_site, {"newsletter.yaml": config})
    html = (issue / "email.html").read_text()
    assert f'<a href="{tag}"' in html
    assert f"Unsubscribe: {tag}\n" in (issue / "email.txt").read_text()
    eml = (issue / "email.eml").read_bytes()
    assert header_line(eml, "List-Unsubscribe") == f"List-Unsubscribe: <{tag}>"
    message = parse(eml)
    html_part = message.get_body(("html",))
    assert html_part is not None
    assert f'<a href="{tag}"' in html_part.get_content()
    one_click = message["List-Unsubscribe-Post"]
    assert (one_click is not None) == tag.startswith("https://")


def test_an_unsubscribe_url_with_ampersands_is_escaped_only_in_html(make_site: MakeSite) -> None:
    url = "https://news.example.org/leave?list=cyber&user=*|EMAIL|*"
    issue = build_email_site(make_site, {"newsletter.yaml": with_unsubscribe(f"'{url}'")})
    assert f'<a href="{url.replace("&", "&amp;")}"' in (issue / "email.html").read_text()
    assert f"Unsubscribe: {url}\n" in (issue / "email.txt").read_text()
    header = header_line((issue / "email.eml").read_bytes(), "List-Unsubscribe")
    assert header == f"List-Unsubscribe: <{url}>"


@pytest.mark.parametrize(("value", "reason"), [
    ("javascript:alert(1)", "'javascript:alert(1)' uses the 'javascript:' scheme"),
    ("'JavaScript:alert(1)'", "'JavaScript:alert(1)' uses the 'javascript:' scheme"),
    ("data:text/html,hi", "'data:text/html,hi' uses the 'data:' scheme"),
    ("unsubscribe.html", "'unsubscribe.html' is neither an absolute URL nor a merge tag"),
    ("https://news.example.org/退订", "contains non-ASCII characters (percent-encode them)"),
    ("'*|UNSUB|* please'", "'*|UNSUB|* please' is neither an absolute URL nor a merge tag"),
    ('"{{ Unsubscribe\\nURL }}"', "is neither an absolute URL nor a merge tag"),
    ("'https://news.example.org/a>b'", "contains <, > or \" (percent-encode them)"),
])
def test_unsafe_or_unusable_unsubscribe_links_are_located_errors(
    make_site: MakeSite, value: str, reason: str
) -> None:
    root = make_site({"newsletter.yaml": with_unsubscribe(value)})
    result = run("build", cwd=root)
    assert result.exit_code == 1
    line = CONFIG.splitlines().index(UNSUBSCRIBE_LINE.rstrip("\n")) + 1
    assert f"newsletter.yaml:{line}:20: error: 'unsubscribe_url': " in result.output
    assert reason in result.output
    assert "merge tag such as *|UNSUB|*" in result.output
    assert not (root / "output").exists()


@pytest.mark.parametrize("field", ["from", "reply_to"])
def test_sender_addresses_must_be_one_valid_address(make_site: MakeSite, field: str) -> None:
    config = CONFIG.replace("email:\n", f"email:\n  {field}: 'China Cyber Team'\n").replace(
        '  from: "China Cyber Team <team@news.example.org>"\n', "" if field == "from" else
        '  from: "China Cyber Team <team@news.example.org>"\n'
    )
    result = run("build", cwd=make_site({"newsletter.yaml": config}))
    assert result.exit_code == 1
    assert (
        f"newsletter.yaml:5:{len(field) + 5}: error: '{field}' 'China Cyber Team' is not one email "
        "address like 'Team <team@example.org>'"
    ) in result.output


@pytest.mark.parametrize("size", [0, 1, 2, 3, 56, 57, 58, 114, 1000, 4096])
def test_the_length_of_base64_is_known_without_encoding(size: int) -> None:
    assert _base64_length(size) == len(base64.encodebytes(b"x" * size))
