"""Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the archive; RSS per section, authority, tag."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import jsonschema
import pytest

from tests.conftest import ARCHIVE_FILES, BASE_URL, MakeSite, run

ATOM = "{http://www.w3.org/2005/Atom}"
RFC822 = r"\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}"  # with a numeric zone
RFC3339 = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
ABSOLUTE = r"^https?://"

# JSON Feed 1.1 (https://jsonfeed.org/version/1.1) as a JSON Schema: the required
# fields, their types, and the rule that an item has content_html or content_text.
JSON_FEED_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string", "minLength": 1},
        "home_page_url": {"type": "string", "pattern": ABSOLUTE},
        "feed_url": {"type": "string", "pattern": ABSOLUTE},
        "description": {"type": "string"},
        "language": {"type": "string"},
        "authors": {"type": "array", "items": {"$ref": "#/$defs/author"}},
        "expired": {"type": "boolean"},
        "items": {"type": "array", "items": {"$ref": "#/$defs/item"}},
    },
    "$defs": {
        "author": {
            "type": "object",
            "anyOf": [{"required": ["name"]}, {"required": ["url"]}],
            "properties": {
                "name": {"type": "string"},
                "url": {"type": "string", "pattern": ABSOLUTE},
            },
        },
        "item": {
            "type": "object",
            "required": ["id"],
            "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
            "properties": {
                "id": {"type": "string", "minLength": 1},
                "url": {"type": "string", "pattern": ABSOLUTE},
                "external_url": {"type": "string", "pattern": ABSOLUTE},
                "title": {"type": "string"},
                "content_html": {"type": "string"},
                "content_text": {"type": "string"},
                "summary": {"type": "string"},
                "date_published": {"type": "string", "pattern": RFC3339},
                "date_modified": {"type": "string", "pattern": RFC3339},
                "tags": {"type": "array", "items": {"type": "string"}},
                "authors": {"type": "array", "items": {"$ref": "#/$defs/author"}},
            },
        },
    },
}


def xml_feeds(output: Path) -> list[Path]:
    """Every RSS and Atom file of a built site."""
    return sorted(output.rglob("feed.xml")) + sorted(output.rglob("atom.xml"))


def ids(path: Path) -> list[str]:
    """The item ids of a feed of any format, in order."""
    if path.suffix == ".json":
        return [item["id"] for item in json.loads(path.read_text())["items"]]
    return [entry.id for entry in feedparser.parse(path.read_bytes()).entries]


def test_every_xml_feed_parses_without_errors(archive: Path) -> None:
    feeds = xml_feeds(archive)
    assert len(feeds) == 1 + 1 + 4 + 4 + 6  # archive RSS and Atom, sections, authorities, tags
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.entries, path


def test_feed_of_an_empty_section_is_still_valid(make_site: MakeSite) -> None:
    root = make_site()
    assert run("build", cwd=root).exit_code == 0
    parsed = feedparser.parse((root / "output/sections/views/feed.xml").read_bytes())
    assert not parsed.bozo and parsed.entries == []


def test_json_feed_validates_against_the_schema(archive: Path) -> None:
    document = json.loads((archive / "feed.json").read_text())
    jsonschema.validate(document, JSON_FEED_SCHEMA)
    assert [item["title"] for item in document["items"]] == ["May 2022", "April 2022", "March 2022"]


def test_json_feed_schema_rejects_an_item_without_content() -> None:
    broken = {"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": [{"id": "1"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, JSON_FEED_SCHEMA)


def test_archive_feeds_carry_the_same_items_in_every_format(archive: Path) -> None:
    expected = [BASE_URL + f"issues/2022-0{month}/" for month in (5, 4, 3)]
    for name in ("feed.xml", "atom.xml", "feed.json"):
        assert ids(archive / name) == expected, name


def test_term_feeds_carry_exactly_their_developments(archive: Path) -> None:
    assert ids(archive / "authorities/cbirc/feed.xml") == [
        BASE_URL + "issues/2022-04/insurer-warning/", BASE_URL + "issues/2022-03/bank-fine/",
    ]
    assert ids(archive / "sections/regulatory/feed.xml") == [
        BASE_URL + "issues/2022-05/samr-standard/", BASE_URL + "issues/2022-03/export-rules/",
    ]
    assert ids(archive / "tags/apps/feed.xml") == [BASE_URL + "issues/2022-04/app-campaign/"]
    entry = feedparser.parse((archive / "tags/apps/feed.xml").read_bytes()).entries[0]
    assert entry.link == BASE_URL + "issues/2022-04/app-campaign/"
    assert "Thirty apps were named." in entry.content[0].value
    assert [(tag.scheme, tag.term) for tag in entry.tags] == [
        (BASE_URL + "sections/", "Enforcement Developments"),
        (BASE_URL + "authorities/", "Ministry of Industry and Information Technology (MIIT)"),
        (BASE_URL + "authorities/", "Cyberspace Administration of China (CAC)"),
        (BASE_URL + "tags/", "personal-information"),
        (BASE_URL + "tags/", "apps"),
    ]


def test_feeds_follow_the_validators_rules(archive: Path) -> None:
    for path in xml_feeds(archive):
        root = ElementTree.parse(path).getroot()
        self_url = BASE_URL + path.relative_to(archive).as_posix()
        links = [(link.get("rel"), link.get("href")) for link in root.iter(f"{ATOM}link")]
        assert ("self", self_url) in links, path
        if root.tag == "rss":
            dates = [el.text or "" for el in root.iter() if el.tag in ("pubDate", "lastBuildDate")]
            for date in dates:
                assert re.fullmatch(RFC822, date), date
        else:
            assert root.find(f"{ATOM}author/{ATOM}name") is not None  # Atom needs an author
        text = path.read_text()
        assert "<![CDATA[" not in text  # HTML content is escaped
        hrefs = re.findall(r'href=(?:&quot;|")([^"&]+)', text)
        assert hrefs and all(re.match(ABSOLUTE, href) for href in hrefs), path


def test_feed_dates_come_from_the_content(archive: Path) -> None:
    rss = feedparser.parse((archive / "feed.xml").read_bytes())
    newest = dt.datetime(2022, 5, 15, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert email.utils.parsedate_to_datetime(rss.feed.updated) == newest
    assert email.utils.parsedate_to_datetime(rss.entries[0].published) == newest
    atom = ElementTree.parse(archive / "atom.xml").getroot()
    assert atom.findtext(f"{ATOM}updated") == "2022-05-15T08:00:00+08:00"
    term = feedparser.parse((archive / "authorities/cbirc/feed.xml").read_bytes())
    assert term.feed.updated == "Mon, 18 Apr 2022 08:00:00 +0800"  # its newest item's issue


def test_item_ids_do_not_change_when_an_entry_is_edited(make_site: MakeSite) -> None:
    root = make_site(ARCHIVE_FILES, minimal=False)
    output = root / "output"
    feeds = ["feed.xml", "atom.xml", "feed.json", "authorities/cbirc/feed.xml",
             "tags/finance/feed.xml"]
    assert run("build", cwd=root).exit_code == 0
    before = {name: (ids(output / name), (output / name).read_bytes()) for name in feeds}
    entry = root / "content/2022-04/insurer-warning.md"
    text = entry.read_text()
    entry.write_text(text.replace("sales calls", "cold calls").replace("purchased", "bought"))
    assert run("build", cwd=root).exit_code == 0
    for name in feeds:
        old_ids, old_bytes = before[name]
        assert ids(output / name) == old_ids, name
        assert (output / name).read_bytes() != old_bytes, f"{name} did not pick up the edit"


def test_feeds_carry_at_most_feed_limit_newest_items(make_site: MakeSite) -> None:
    files = dict(ARCHIVE_FILES)
    files["newsletter.yaml"] += "feed_limit: 2\n"
    root = make_site(files, minimal=False)
    assert run("build", cwd=root).exit_code == 0
    output = root / "output"
    assert ids(output / "feed.xml") == [BASE_URL + "issues/2022-05/", BASE_URL + "issues/2022-04/"]
    assert len(ids(output / "atom.xml")) == len(ids(output / "feed.json")) == 2
    assert ids(output / "tags/personal-information/feed.xml") == [
        BASE_URL + "issues/2022-04/insurer-warning/", BASE_URL + "issues/2022-04/app-campaign/",
    ]
    # The page still lists all three.
    page = (output / "tags/personal-information/index.html").read_text()
    assert page.count("development-title") == 3
