"""Shared fixtures and helpers: tiny projects in a temp folder, the CLI, and built sites.

Test modules share fixtures and helpers through this module (and the project modules
``email_project`` and ``golden``), never by importing from one another.

- ``make_site`` (fixture) writes a minimal valid project, with ``files`` on top;
  ``write_files`` writes files where a fixture cannot (other scopes, hypothesis, edits).
- ``entry`` is the text of one development file.
- ``run``, ``built``, ``cold_build`` and ``newsletter_of`` build or check a project.
- ``sample_output`` and ``archive`` are built once per session; ``parse`` reads their pages.
- ``chromium`` runs headless Chromium, where it is installed (``needs_chromium``).
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import textwrap
import zlib
from collections.abc import Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import Protocol

import pytest
from click.testing import CliRunner, Result

from newsletter.build import Project, check
from newsletter.cli import main
from newsletter.incremental.cache import CACHE_DIR
from newsletter.model import Newsletter
from newsletter.options import Options

REPO = Path(__file__).resolve().parent.parent

# {relative path: text}; ``None`` removes the file, ``bytes`` are written as they are.
Files = Mapping[str, str | bytes | None]


@pytest.fixture(autouse=True)
def user_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user cache folder of the test's own (kept previews go there), never the real one."""
    folder = tmp_path_factory.mktemp("user-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


# --- Projects ---------------------------------------------------------------------------

MINIMAL_CONFIG = """\
title: Test Newsletter
base_url: https://news.example.org/
description: A newsletter used in tests.
email:
  from: "Test Team <team@news.example.org>"
  unsubscribe_url: https://news.example.org/unsubscribe?email={email}
authorities:
  CAC: Cyberspace Administration of China
  MIIT: Ministry of Industry and Information Technology
"""

FIXED_LINK_CONFIG = MINIMAL_CONFIG.replace("?email={email}", "")
"""The minimal settings with an unsubscribe link that is the same for every reader: a sent copy is the export's."""

MINIMAL_ISSUE = """\
date: 2022-05-15
summary: A short summary.
"""

MINIMAL_ENTRY = """\
---
title: CAC publishes draft rules
section: regulatory
date: 2022-05-10
authority: CAC
sources:
  - title: CAC notice
    url: https://www.cac.gov.cn/notice
---
The body of the development.
"""

MINIMAL_PROJECT: dict[str, str] = {
    "newsletter.yaml": MINIMAL_CONFIG,
    "content/2022-05/issue.yaml": MINIMAL_ISSUE,
    "content/2022-05/draft-rules.md": MINIMAL_ENTRY,
}


def write_files(root: Path, files: Files) -> Path:
    """Write ``{relative path: text}`` under ``root`` exactly as given; return ``root``.

    A value of ``None`` removes that file; ``bytes`` are written as they are, text as UTF-8.
    """
    for relative, text in files.items():
        path = root / relative
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


class MakeSite(Protocol):
    """The ``make_site`` fixture: write a project and return its folder."""

    def __call__(self, files: Files | None = None, *, minimal: bool = True) -> Path: ...


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """Write a small project: ``{relative path: text}`` on top of a minimal valid one.

    Text is dedented, so it may be indented like the test that holds it. A value of
    ``None`` removes that file from the defaults; ``bytes`` are written as is. With
    ``minimal=False`` only ``files`` are written. Every call writes into the same folder.
    """

    def make(files: Files | None = None, *, minimal: bool = True) -> Path:
        given = {
            relative: textwrap.dedent(text) if isinstance(text, str) else text
            for relative, text in (files or {}).items()
        }
        return write_files(tmp_path / "site", {**(MINIMAL_PROJECT if minimal else {}), **given})

    return make


def entry(
    title: str,
    section: str = "regulatory",
    date: str = "2022-05-10",
    *,
    source: str | None = None,
    body: str | None = None,
    **fields: str,
) -> str:
    """Return the text of a development file.

    ``fields`` are further front matter (``authority="CAC"``, ``tags="[a, b]"``), written
    in order as YAML values; ``source`` adds one source titled "Notice" at that URL. The
    body is dedented, and defaults to "Body of <title>.".
    """
    front = f"title: {title}\nsection: {section}\ndate: {date}\n"
    front += "".join(f"{key}: {value}\n" for key, value in fields.items())
    if source is not None:
        front += f"sources:\n  - title: Notice\n    url: {source}\n"
    text = f"Body of {title}.\n" if body is None else textwrap.dedent(body)
    return f"---\n{front}---\n{text}"


LISTING_TEMPLATE = """\
{% extends "default/issue.html" %}
{% block footer %}
<p>Other issues: {% for other in issues %}{{ other.title }}; {% endfor %}</p>
{% endblock %}
"""

REGISTRY_CONFIG = "title: Test Newsletter\nbase_url: https://news.example.org/\n"

REGISTRY = """\
authorities:
  cac:
    name: Cyberspace Administration of China
    name_zh: 国家互联网信息办公室
    abbreviation: CAC
  miit:
    name: Ministry of Industry and Information Technology
    abbreviation: MIIT
instruments:
  pipl:
    name: Personal Information Protection Law
    abbreviation: PIPL
    kind: law
"""

# Three issues whose entries refer to one another (supersedes, related), to the registry's
# authorities and instruments, and have deadlines: what one folder shows depends on others.
LINKED_ARCHIVE: dict[str, str | bytes | None] = {
    "newsletter.yaml": REGISTRY_CONFIG,
    "registry.yaml": REGISTRY,
    "content/2022-05/draft-rules.md": None,
    "content/2022-03/issue.yaml": "date: 2022-03-15\n",
    "content/2022-03/draft-rules.md": entry(
        "Draft rules", date="2022-03-02", authority="cac", source="https://example.org/draft-rules",
        instruments="[pipl]", status="draft-for-comment", comment_deadline="2022-05-20",
    ),
    "content/2022-04/issue.yaml": "date: 2022-04-15\n",
    "content/2022-04/final-rules.md": entry(
        "Final rules", date="2022-04-08", authority="cac", source="https://example.org/final-rules",
        supersedes="2022-03/draft-rules", status="issued", effective_date="2022-07-01",
    ),
    "content/2022-04/industry-note.md": entry(
        "Industry note", "industry", "2022-04-10", authority="miit", source="https://example.org/industry-note",
        related="[2022-03/draft-rules]",
    ),
    "content/2022-05/issue.yaml": "date: 2022-05-15\n",
    "content/2022-05/may-fine.md": entry(
        "May fine", "enforcement", "2022-05-02", authority="miit", source="https://example.org/may-fine",
        effective_date="2022-06-10",
    ),
}


# --- Building ---------------------------------------------------------------------------

def run(*args: str, cwd: Path) -> Result:
    """Run the ``newsletter`` CLI in ``cwd`` and return click's result."""
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(previous)


def built(root: Path, *args: str) -> Result:
    """Run ``newsletter build`` with ``args`` in ``root``, which must succeed."""
    result = run("build", *args, cwd=root)
    assert result.exit_code == 0, result.output
    return result


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (site path -> bytes), the build marker included."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*")) if path.is_file()
    }


def cold_build(root: Path, scratch: Path, *args: str) -> dict[str, bytes]:
    """Build a copy of the project with no output and no cache (in ``scratch``); return its output."""
    copy = scratch / "cold"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("output", ".output.*", CACHE_DIR))
    built(copy, "-q", *args)
    return tree(copy / "output")


def replace_in(root: Path, relative: str, old: str, new: str) -> None:
    """Replace ``old`` (which must be there) with ``new`` in a file of the project."""
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def newsletter_of(root: Path, options: Options | None = None) -> Newsletter:
    """Load and check the project in ``root``; return its model."""
    newsletter, _ = check(Project.at(root), options or Options())
    return newsletter


# --- Sites built once per session -------------------------------------------------------

@pytest.fixture(scope="session")
def sample_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's sample newsletter, built once into a temp folder."""
    output = tmp_path_factory.mktemp("sample") / "output"
    built(REPO, "--output", str(output))
    return output


BASE_URL = "https://news.example.org/"

ARCHIVE_CONFIG = f"""\
title: Test Newsletter
base_url: {BASE_URL}
description: Developments in data law, for tests.
timezone: Asia/Shanghai
authorities:
  CAC: Cyberspace Administration of China
  CBIRC: China Banking and Insurance Regulatory Commission
  MIIT: Ministry of Industry and Information Technology
  SAMR: State Administration for Market Regulation
"""

# Three issues, every section, several authorities and tags, headings, a table, Chinese text.
ARCHIVE_FILES: dict[str, str] = {
    "newsletter.yaml": ARCHIVE_CONFIG,
    "content/2022-03/issue.yaml": "date: 2022-03-20\ntitle: March 2022\nsummary: Exports.\n",
    "content/2022-03/export-rules.md": entry(
        "CAC finalises the security assessment measures", "regulatory", "2022-03-02",
        body="""
        The measures set out when a data handler must apply for a **security assessment**.

        ### Thresholds

        | Volume | Assessment |
        |---|---|
        | 1 million people | required |

        More at <https://www.example.gov.cn/a/very/long/address/that/keeps/going/without/any/spaces/2022/03/02/measures.html>.
        """,
        authority="CAC", tags="[cross-border, data-export]",
        sources="[{title: Measures (Chinese), url: 'https://www.example.gov.cn/m.html'}]",
    ),
    "content/2022-03/bank-fine.md": entry(
        "CBIRC fines a bank over leaked customer data", "enforcement", "2022-03",
        body="A regional bank was fined for a pervasive leak of customer records.\n",
        authority="CBIRC", tags="[personal-information, finance]",
    ),
    "content/2022-04/issue.yaml": "date: 2022-04-18\ntitle: April 2022\nsummary: Apps and banks.\n",
    "content/2022-04/app-campaign.md": entry(
        "MIIT and CAC name apps that over-collect", "enforcement", "2022-04-08",
        body="Thirty apps were named. 个人信息 was the campaign's theme.\n",
        authority="[MIIT, CAC]", tags="[personal-information, apps]", order="1",
        highlight="Regulators named thirty apps.",
    ),
    "content/2022-04/insurer-warning.md": entry(
        "CBIRC warns insurers about sales calls", "enforcement", "2022-04-12",
        body="Insurers must stop unsolicited marketing calls made from purchased lists.\n",
        authority="CBIRC", tags="[personal-information, finance]",
    ),
    "content/2022-04/industry-survey.md": entry(
        "Survey of compliance budgets", "industry", "2022-04-01",
        body="Budgets for privacy programmes rose for the third year.\n",
    ),
    "content/2022-05/issue.yaml": "date: 2022-05-15\ntitle: May 2022\nsummary: Standards.\n",
    "content/2022-05/our-view.md": entry(
        "What the new standard means for you", "views", "2022-05-03",
        body="", url="https://blog.example.org/standard",
    ),
    "content/2022-05/samr-standard.md": entry(
        "SAMR issues a standard on certification", "regulatory", "2022-05-06",
        body="""
        The standard covers certification of personal information handlers.

        #### Scope

        It applies to cross-border transfers within a group.
        """,
        authority="SAMR", tags="[cross-border, standards]",
    ),
    "content/2022-05/draft-idea.md": entry(
        "An unfinished draft", "industry", "2022-05-07", body="Not ready.\n", draft="true",
    ),
}


@pytest.fixture(scope="session", name="archive")
def archive_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of the varied test archive (``ARCHIVE_FILES``), built once."""
    root = write_files(tmp_path_factory.mktemp("archive"), ARCHIVE_FILES)
    built(root)
    return root / "output"


class Links(HTMLParser):
    """Collect a page's links (with their text), ids, headings and landmarks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.resources: list[str] = []
        self.ids: set[str] = set()
        self.headings: list[int] = []
        self.tags: list[str] = []
        self._open_link: list[str] | None = None
        self._link_href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append(tag)
        if attributes.get("id"):
            self.ids.add(attributes["id"] or "")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "a" and attributes.get("href") is not None:
            self._open_link, self._link_href = [], attributes["href"] or ""
        elif tag in ("link", "script", "img") and (attributes.get("href") or attributes.get("src")):
            self.resources.append(attributes.get("href") or attributes.get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open_link is not None:
            self.links.append((self._link_href, " ".join("".join(self._open_link).split())))
            self._open_link = None

    def handle_data(self, data: str) -> None:
        if self._open_link is not None:
            self._open_link.append(data)


def parse(page: Path) -> Links:
    """Parse one HTML page."""
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


# --- A real browser ---------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


def chromium(profile: Path, *args: str) -> str:
    """Run headless Chromium with a fresh profile; return what it printed."""
    assert CHROMIUM is not None
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}",
    ]
    result = subprocess.run(
        [CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120, check=True
    )
    return result.stdout


def png(width: int, height: int) -> bytes:
    """A valid, tiny PNG of the given size (all one colour)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
