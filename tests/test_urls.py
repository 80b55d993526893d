"""URL checks of settings, sources and links: absolute, an allowed scheme, readable."""

from __future__ import annotations

import pytest

from newsletter.content.urls import WEB_SCHEMES, url_problem


@pytest.mark.parametrize("url", ["https://example.org/", "http://example.org/a?b=c#d", "https://[::1]:8080/"])
def test_absolute_web_urls_pass(url: str) -> None:
    assert url_problem(url, WEB_SCHEMES) is None


@pytest.mark.parametrize(("url", "problem"), [
    ("https://[", "URL 'https://[' cannot be read: Invalid IPv6 URL"),
    ("https://example.org:port/", "cannot be read: Port could not be cast to integer value"),
    ("/relative/path", "URL '/relative/path' is relative; expected an absolute http or https URL"),
    ("ftp://example.org/", "uses the 'ftp:' scheme; expected an absolute http or https URL"),
    ("https:///no-host", "has no host"),
    ("https://example.org/a b", "contains spaces"),
])
def test_each_problem_is_named(url: str, problem: str) -> None:
    found = url_problem(url, WEB_SCHEMES)
    assert found is not None and problem in found


def test_a_single_scheme_is_named_alone() -> None:
    assert url_problem("http://example.org/", ("https",)) == (
        "URL 'http://example.org/' uses the 'http:' scheme; expected an absolute https URL"
    )
