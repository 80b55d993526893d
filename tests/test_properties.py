"""Random text in every field: the build either succeeds with well-formed output or fails cleanly."""

from __future__ import annotations

import email
import posixpath
import xml.etree.ElementTree as ET
from email import policy
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.build import Project, build
from newsletter.errors import ContentError
from newsletter.options import Options
from newsletter.render.templates import relative_path
from tests.conftest import MINIMAL_CONFIG, write_files

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

text = st.text(max_size=40)
entry_fields = st.fixed_dictionaries(
    {
        "title": text,
        "section": st.one_of(st.sampled_from(["regulatory", "views", "enforcement"]), text),
        "date": st.one_of(st.sampled_from(["2022-05-10", "2022-05", "2022-02-30"]), text),
        "authority": st.one_of(text, st.lists(text, max_size=3)),
        "tags": st.lists(text, max_size=3),
        "sources": st.lists(st.fixed_dictionaries({"title": text, "url": text}), max_size=2),
        "url": st.one_of(st.just("https://example.org/a?b=1&c=<2>"), text),
        "highlight": text,
    }
)
issue_fields = st.fixed_dictionaries({"date": st.just("2022-05-15"), "summary": text, "intro": text, "title": text})


class BalanceChecker(HTMLParser):
    """Fail on a closing tag that does not match the innermost open element."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}> in {self.stack}"
        self.stack.pop()


def assert_well_formed(output: Path) -> None:
    for page in output.rglob("*.html"):
        checker = BalanceChecker()
        checker.feed(page.read_text())
        checker.close()
        assert checker.stack == [], page
    for feed in output.rglob("*.xml"):
        ET.parse(feed)
    for eml in output.rglob("*.eml"):
        message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
        assert message.get_body(("html",)) is not None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entry=entry_fields, issue=issue_fields, body=st.text(max_size=200))
def test_any_text_builds_or_fails_cleanly(
    tmp_path_factory: pytest.TempPathFactory, entry: dict[str, object], issue: dict[str, object], body: str
) -> None:
    root = write_files(tmp_path_factory.mktemp("prop"), {
        "newsletter.yaml": MINIMAL_CONFIG,
        "content/2022-05/issue.yaml": yaml.safe_dump(issue, allow_unicode=True),
        "content/2022-05/entry.yaml": yaml.safe_dump({**entry, "body": body}, allow_unicode=True),
    })
    try:
        build(Project.at(root), Options())
    except ContentError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.path.startswith("content/") and problem.line >= 1 and problem.message
        assert not (root / "output").exists()
        return
    assert_well_formed(root / "output")


site_path = st.lists(st.sampled_from(["issues", "2022-05", "a", "tags", "cac"]), max_size=4).map("/".join)


@given(site_path, st.booleans(), site_path)
def test_relative_links_match_posix_relpath(target: str, as_folder: bool, here: str) -> None:
    """Links are computed by string operations, which must agree with the filesystem's notion."""
    target = target + "/" if as_folder and target else target
    assert relative_path(target, here) == posixpath.relpath(target or ".", here or ".")
