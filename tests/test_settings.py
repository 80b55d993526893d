"""Reading newsletter.yaml (and registry.yaml) into a Config, with located problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsletter.content.loading import RawDocument, load_yaml_file
from newsletter.content.merge_tags import is_merge_tag
from newsletter.content.settings import (
    MAX_UNSUBSCRIBE_CHARS,
    address_problem,
    read_config,
    read_settings,
    unsubscribe_problem,
)
from newsletter.errors import Problem
from newsletter.model import (
    DEFAULT_SECTIONS,
    Authority,
    Config,
    EmailConfig,
    Instrument,
    Registry,
    SectionConfig,
)
from newsletter.options import Options

BASE = "title: Test News\nbase_url: https://news.example.org\n"
UNSUBSCRIBE_ADVICE = (
    "; use an http(s) or mailto: URL, or a mailing service's merge tag such as *|UNSUB|* or {{ UnsubscribeURL }}"
)


def load(tmp_path: Path, text: str, name: str = "newsletter.yaml") -> RawDocument:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_yaml_file(path, tmp_path)


def config_of(tmp_path: Path, text: str) -> Config:
    config, problems = read_config(load(tmp_path, text))
    assert problems == []
    assert config is not None
    return config


def problems_of(tmp_path: Path, text: str) -> list[tuple[int, int, str]]:
    config, problems = read_config(load(tmp_path, text))
    assert config is None, "a config with errors must not be returned"
    assert all(p.path == "newsletter.yaml" for p in problems)
    return [(p.line, p.column, p.message) for p in problems]


# Required fields and defaults


def test_a_minimal_config_gets_every_default(tmp_path: Path) -> None:
    assert config_of(tmp_path, BASE) == Config(
        title="Test News",
        base_url="https://news.example.org/",
        description="",
        language="en",
        timezone="UTC",
        email=EmailConfig(),
        sections=DEFAULT_SECTIONS,
        registry=Registry(),
        feed_limit=50,
        page_size=50,
    )


def test_every_field_is_read(tmp_path: Path) -> None:
    text = (
        "title: China Regulatory Watch\n"
        "base_url: https://watch.example.org/newsletter/\n"
        "description: Rules, cases and what they mean.\n"
        "language: zh-Hans\n"
        "timezone: Asia/Shanghai\n"
        "email:\n"
        '  from: "Watch Team <team@watch.example.org>"\n'
        "  reply_to: editor@watch.example.org\n"
        "  unsubscribe_url: https://watch.example.org/unsubscribe?email={email}\n"
        "sections:\n"
        "  - {id: views, title: Our Views, numbered: false}\n"
        "  - {id: rules, title: Rules}\n"
        "authorities:\n"
        "  CAC: Cyberspace Administration of China\n"
        "feed_limit: 10\n"
        "page_size: 25\n"
        "bylines: [email, issue]\n"
    )
    assert config_of(tmp_path, text) == Config(
        title="China Regulatory Watch",
        base_url="https://watch.example.org/newsletter/",
        description="Rules, cases and what they mean.",
        language="zh-Hans",
        timezone="Asia/Shanghai",
        email=EmailConfig(
            from_address="Watch Team <team@watch.example.org>",
            reply_to="editor@watch.example.org",
            unsubscribe_url="https://watch.example.org/unsubscribe?email={email}",
        ),
        sections=(SectionConfig("views", "Our Views", numbered=False), SectionConfig("rules", "Rules")),
        registry=Registry((Authority("CAC", "Cyberspace Administration of China"),)),
        feed_limit=10,
        page_size=25,
        language_name="中文",
        bylines=("issue", "email"),
    )


def test_missing_title_and_base_url_are_errors_at_the_mapping(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "# settings\ndescription: D\n") == [
        (2, 1, "missing required field 'title'"),
        (2, 1, "missing required field 'base_url'"),
    ]


def test_unknown_keys_are_errors_with_suggestions(tmp_path: Path) -> None:
    text = BASE + "feed_limt: 3\nPage_Size: 4\ncolour: red\n"
    assert problems_of(tmp_path, text) == [
        (3, 1, "unknown field 'feed_limt'; did you mean 'feed_limit'?"),
        (4, 1, "unknown field 'Page_Size'; did you mean 'page_size'?"),
        (5, 1, "unknown field 'colour'"),
    ]


def test_a_misspelt_required_key_is_one_problem(tmp_path: Path) -> None:
    text = "titel: Test News\nbase_url: https://news.example.org\n"
    assert problems_of(tmp_path, text) == [(1, 1, "unknown field 'titel'; did you mean 'title'?")]


def test_a_file_that_does_not_parse_reports_only_its_syntax_error(tmp_path: Path) -> None:
    doc = load(tmp_path, "title: [unclosed\n")
    assert not doc.ok
    assert read_config(doc) == (None, doc.problems)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("title: 2022\n", (1, 8, "'title' must be text, not a number")),
        ('title: "bell \\x07"\n', (1, 8, "'title' contains the control character U+0007")),
        ("title: T\ndescription: [a]\n", (2, 14, "'description' must be text, not a list")),
        ("title: T\nlanguage: 5\n", (2, 11, "'language' must be text, not a number")),
    ],
)
def test_text_fields_must_be_text(tmp_path: Path, text: str, problem: tuple[int, int, str]) -> None:
    assert problems_of(tmp_path, text + "base_url: https://news.example.org\n") == [problem]


# base_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example.org", "https://news.example.org/"),
        ("https://news.example.org/", "https://news.example.org/"),
        ("http://example.org/newsletter", "http://example.org/newsletter/"),
        ("https://example.org/a/b/", "https://example.org/a/b/"),
    ],
)
def test_base_url_ends_in_a_slash(tmp_path: Path, url: str, expected: str) -> None:
    assert config_of(tmp_path, f"title: T\nbase_url: {url}\n").base_url == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/news/", "URL '/news/' is relative; expected an absolute http or https URL"),
        ("news.example.org", "URL 'news.example.org' is relative; expected an absolute http or https URL"),
        (
            "ftp://example.org/",
            "URL 'ftp://example.org/' uses the 'ftp:' scheme; expected an absolute http or https URL",
        ),
        (
            "mailto:team@example.org",
            "URL 'mailto:team@example.org' uses the 'mailto:' scheme; expected an absolute http or https URL",
        ),
        ("https://", "URL 'https://' has no host"),
        ("https://example.org/my news", "URL 'https://example.org/my news' contains spaces"),
    ],
)
def test_base_url_must_be_absolute_http(tmp_path: Path, url: str, message: str) -> None:
    assert problems_of(tmp_path, f"title: T\nbase_url: '{url}'\n") == [(2, 11, message)]


def test_base_url_option_overrides_the_file(tmp_path: Path) -> None:
    options = Options(base_url="https://preview.example.org/pr-7")
    config, problems = read_settings(load(tmp_path, BASE), None, options)
    assert problems == []
    assert config.base_url == "https://preview.example.org/pr-7/"
    assert config.title == "Test News"


def test_base_url_option_stands_in_for_a_missing_one(tmp_path: Path) -> None:
    config, problems = read_config(load(tmp_path, "title: T\n"), None, "https://preview.example.org/")
    assert problems == []
    assert config is not None
    assert config.base_url == "https://preview.example.org/"


def test_read_settings_stands_in_defaults_for_what_has_errors(tmp_path: Path) -> None:
    config, problems = read_settings(load(tmp_path, "title: T\nbase_url: /news/\n"), None, Options())
    assert config == Config(title="T", base_url="https://example.invalid/")
    assert [str(p) for p in problems] == [
        "newsletter.yaml:2:11: error: URL '/news/' is relative; expected an absolute http or https URL"
    ]


# timezone


@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "America/New_York", "Europe/London"])
def test_iana_time_zones_are_accepted(tmp_path: Path, zone: str) -> None:
    assert config_of(tmp_path, BASE + f"timezone: {zone}\n").timezone == zone


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "Asia/../UTC", "/etc/localtime", "+08:00"])
def test_unknown_time_zones_are_errors(tmp_path: Path, zone: str) -> None:
    assert problems_of(tmp_path, BASE + f"timezone: '{zone}'\n") == [
        (3, 11, f"unknown time zone '{zone}'; expected an IANA name like Asia/Shanghai")
    ]


def test_a_time_zone_that_is_not_text(tmp_path: Path) -> None:
    assert problems_of(tmp_path, BASE + "timezone: 8\n") == [(3, 11, "'timezone' must be text, not a number")]


# email


def test_email_addresses_are_stripped(tmp_path: Path) -> None:
    text = BASE + 'email:\n  from: "  Team <team@example.org> "\n  reply_to: " editor@example.org"\n'
    email = config_of(tmp_path, text).email
    assert email == EmailConfig(from_address="Team <team@example.org>", reply_to="editor@example.org")


@pytest.mark.parametrize(
    "address",
    [
        "team",
        "Team <team@>",
        "a@example.org, b@example.org",
        "Team <team@example.org>\\nBcc: someone@example.net",
    ],
)
def test_email_addresses_must_be_one_address(tmp_path: Path, address: str) -> None:
    text = BASE + f'email:\n  reply_to: "{address}"\n'
    written = address.replace("\\n", "\n")
    assert problems_of(tmp_path, text) == [
        (4, 13, f"'reply_to' '{written}' is not one email address like 'Team <team@example.org>'")
    ]


def test_address_problem() -> None:
    assert address_problem("Team <team@example.org>") is None
    assert address_problem("team@example.org") is None
    assert address_problem("nobody") == "'nobody' is not one email address like 'Team <team@example.org>'"


def test_email_fields_are_checked_by_name(tmp_path: Path) -> None:
    text = BASE + "email:\n  form: team@example.org\n  unsubscribe: https://example.org/u\n"
    assert problems_of(tmp_path, text) == [
        (4, 3, "unknown field 'form'; did you mean 'from'?"),
        (5, 3, "unknown field 'unsubscribe'; did you mean 'unsubscribe_url'?"),
    ]


def test_email_must_be_a_mapping(tmp_path: Path) -> None:
    assert problems_of(tmp_path, BASE + "email: team@example.org\n") == [
        (3, 8, "'email' must be a mapping, not text")
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/unsubscribe?email={email}",
        "mailto:leave@example.org?subject=unsubscribe",
        "*|UNSUB|*",
        "{{ UnsubscribeURL }}",
        "{{{unsubscribe}}}",
        "{{ contact.unsubscribe_url }}",
        "<%asm_group_unsubscribe_raw_url%>",
        "%unsubscribe_url%",
        "[unsubscribe]",
        "[[UNSUB_LINK_EN]]",
        "https://example.org/u?id=*|UNIQID|*&list=%list_id%",
    ],
)
def test_unsubscribe_urls_and_merge_tags_pass_verbatim(tmp_path: Path, url: str) -> None:
    assert unsubscribe_problem(url) is None
    text = BASE + f"email:\n  unsubscribe_url: ' {url} '\n"
    assert config_of(tmp_path, text).email.unsubscribe_url == url


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("javascript:alert(1)", "'javascript:alert(1)' uses the 'javascript:' scheme"),
        ("/unsubscribe", "'/unsubscribe' is neither an absolute URL nor a merge tag"),
        ("UNSUB", "'UNSUB' is neither an absolute URL nor a merge tag"),
        ("https://example.org/café", "'https://example.org/café' contains non-ASCII characters (percent-encode them)"),
        ("https://example.org/<u>", "'https://example.org/<u>' contains <, > or \" (percent-encode them)"),
        ("http://[::1/unsubscribe", "'http://[::1/unsubscribe' is not a valid URL"),
        ("https:///unsubscribe", "URL 'https:///unsubscribe' has no host"),
        ("mailto:", "URL 'mailto:' has no address"),
        (
            "https://example.org/u?id=*|UNIQID|*&a=b c",
            "URL 'https://example.org/u?id=*|UNIQID|*&a=b c' contains spaces",
        ),
        ("https://x.org/" + "a" * MAX_UNSUBSCRIBE_CHARS, f"the URL is longer than {MAX_UNSUBSCRIBE_CHARS} characters"),
    ],
)
def test_bad_unsubscribe_urls_are_explained(url: str, problem: str) -> None:
    assert unsubscribe_problem(url) == problem


def test_unsubscribe_url_length_limit_is_inclusive() -> None:
    prefix = "https://example.org/"
    assert unsubscribe_problem(prefix + "a" * (MAX_UNSUBSCRIBE_CHARS - len(prefix))) is None
    assert unsubscribe_problem(prefix + "a" * (MAX_UNSUBSCRIBE_CHARS + 1 - len(prefix))) is not None


def test_a_bad_unsubscribe_url_is_located_with_advice(tmp_path: Path) -> None:
    text = BASE + "email:\n  unsubscribe_url: /unsubscribe\n"
    assert problems_of(tmp_path, text) == [
        (4, 20, "'unsubscribe_url': '/unsubscribe' is neither an absolute URL nor a merge tag" + UNSUBSCRIBE_ADVICE)
    ]


def test_is_merge_tag_matches_whole_placeholders_only() -> None:
    assert is_merge_tag("*|UNSUB|*")
    assert is_merge_tag("{{ UnsubscribeURL }}")
    assert not is_merge_tag("https://example.org/?u=*|UNSUB|*")
    assert not is_merge_tag("*|UNSUB|* extra")
    assert not is_merge_tag("UNSUB")


# sections


def test_sections_are_numbered_unless_they_say_not(tmp_path: Path) -> None:
    text = BASE + "sections:\n  - id: news\n    title: News\n  - id: op-ed\n    title: Opinion\n    numbered: false\n"
    assert config_of(tmp_path, text).sections == (
        SectionConfig("news", "News", numbered=True),
        SectionConfig("op-ed", "Opinion", numbered=False),
    )


def test_a_section_id_used_twice_is_an_error_at_the_second(tmp_path: Path) -> None:
    text = BASE + "sections:\n  - {id: news, title: News}\n  - {id: news, title: More news}\n"
    assert problems_of(tmp_path, text) == [(5, 10, "section id 'news' is used twice")]


def test_section_ids_must_be_slugs(tmp_path: Path) -> None:
    text = BASE + "sections:\n  - {id: News Items, title: News}\n"
    assert problems_of(tmp_path, text) == [
        (4, 10, "section id 'News Items' must use lowercase letters, digits and hyphens"),
    ]  # one mistake, one message: not also "must list at least one section"


def test_section_fields_are_checked(tmp_path: Path) -> None:
    text = BASE + (
        "sections:\n"
        "  - id: news\n"
        "    titel: News\n"
        "  - id: rules\n"
        "  - id: cases\n"
        "    title: Cases\n"
        "    numbered: 'no'\n"
        "  - plain text\n"
    )
    assert problems_of(tmp_path, text) == [
        (5, 5, "unknown field 'titel'; did you mean 'title'?"),
        (6, 5, "missing required field 'title'"),
        (9, 15, "'numbered' must be true or false, not text"),
        (10, 5, "each item of 'sections' must be a mapping, not text"),
    ]


def test_an_empty_section_list_is_an_error(tmp_path: Path) -> None:
    assert problems_of(tmp_path, BASE + "sections: []\n") == [(3, 11, "'sections' must list at least one section")]


# feed_limit, page_size


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("feed_limit: 0\n", "'feed_limit' must be at least 1"),
        ("page_size: -5\n", "'page_size' must be at least 1"),
        ("feed_limit: ten\n", "'feed_limit' must be a whole number, not text"),
        ("page_size: 2.5\n", "'page_size' must be a whole number, not a decimal number"),
        ("page_size: true\n", "'page_size' must be a whole number, not true/false"),
    ],
)
def test_limits_are_whole_numbers_of_at_least_one(tmp_path: Path, text: str, message: str) -> None:
    assert problems_of(tmp_path, BASE + text) == [(3, text.index(":") + 3, message)]


def test_a_limit_of_one_is_allowed(tmp_path: Path) -> None:
    config = config_of(tmp_path, BASE + "feed_limit: 1\npage_size: 1\n")
    assert (config.feed_limit, config.page_size) == (1, 1)


# authorities and registry


def test_a_registry_in_the_config_names_authorities_by_id(tmp_path: Path) -> None:
    text = BASE + (
        "registry:\n"
        "  authorities:\n"
        "    cac: {name: Cyberspace Administration of China, abbreviation: CAC}\n"
        "  instruments:\n"
        "    pipl: {name: Personal Information Protection Law, kind: law}\n"
    )
    registry = config_of(tmp_path, text).registry
    assert registry == Registry(
        (Authority("CAC", "Cyberspace Administration of China", id="cac", jurisdiction="national"),),
        (Instrument("pipl", "Personal Information Protection Law", kind="law"),),
        by_id=True,
    )


def test_registry_problems_are_located_under_registry(tmp_path: Path) -> None:
    text = BASE + "registry:\n  authorities:\n    cac: {nmae: CAC}\n    miit: {url: /miit}\n"
    assert problems_of(tmp_path, text) == [
        (5, 11, "unknown field 'nmae'; did you mean 'name'?"),
        (6, 11, "missing required field 'name'"),
        (6, 17, "URL '/miit' is relative; expected an absolute http or https URL"),
    ]


def test_a_registry_file_is_read(tmp_path: Path) -> None:
    registry = load(tmp_path, "authorities:\n  cac:\n    name: Cyberspace Administration of China\n", "registry.yaml")
    config, problems = read_config(load(tmp_path, BASE), registry)
    assert problems == []
    assert config is not None
    assert config.registry.by_id
    assert config.registry.authority_keys() == ["cac"]


def test_authorities_in_two_places_are_an_error(tmp_path: Path) -> None:
    registry = load(tmp_path, "authorities:\n  cac: {name: CAC}\n", "registry.yaml")
    doc = load(tmp_path, BASE + "authorities:\n  CAC: Cyberspace Administration of China\n")
    config, problems = read_config(doc, registry)
    assert config is None
    assert problems == [
        Problem("newsletter.yaml", 4, 3, "authorities are defined both in 'authorities' and in registry.yaml: keep one")
    ]


def test_authorities_and_registry_in_the_config_are_an_error(tmp_path: Path) -> None:
    text = BASE + "authorities:\n  CAC: Cyberspace Administration of China\nregistry:\n  authorities: {}\n"
    assert problems_of(tmp_path, text) == [
        (4, 3, "authorities are defined both in 'authorities' and in registry: keep one")
    ]


def test_problems_of_the_registry_file_are_passed_on(tmp_path: Path) -> None:
    registry = load(tmp_path, "authorities:\n  cac: [unclosed\n", "registry.yaml")
    assert not registry.ok
    config, problems = read_config(load(tmp_path, BASE), registry)
    assert config is None
    assert problems == registry.problems
    assert all(p.path == "registry.yaml" for p in problems)


def test_a_time_zone_that_names_a_folder_of_zones_is_an_error(tmp_path: Path) -> None:
    assert problems_of(tmp_path, BASE + "timezone: Asia\n") == [
        (3, 11, "unknown time zone 'Asia'; expected an IANA name like Asia/Shanghai")
    ]


@pytest.mark.parametrize("url", ["https://news.example.org/?a=1", "https://news.example.org/#top"])
def test_a_base_url_with_a_query_or_fragment_is_an_error(tmp_path: Path, url: str) -> None:
    problems = problems_of(tmp_path, f"title: Test News\nbase_url: {url}\n")
    assert [(line, column) for line, column, _ in problems] == [(2, 11)]
    assert "has a query or fragment" in problems[0][2]


def test_an_empty_required_title_is_an_error(tmp_path: Path) -> None:
    assert problems_of(tmp_path, 'title: ""\nbase_url: https://news.example.org/\n') == [(1, 8, "'title' is empty")]


@pytest.mark.parametrize(("url", "warned"), [
    ("https://example.org/unsubscribe", True),
    ("https://example.org/leave?email={email}", False),
    ("https://example.org/leave?t={token}", False),
    ("https://example.org/leave?id=*|UNIQID|*", False),
    ("*|UNSUB|*", False),
    ("http://example.org/unsubscribe", False),  # one click needs https: nothing to leave out
    ("mailto:leave@example.org", False),
])
def test_a_fixed_https_unsubscribe_link_is_a_located_warning(tmp_path: Path, url: str, warned: bool) -> None:
    text = BASE + f"email:\n  unsubscribe_url: '{url}'\n"
    config, problems = read_config(load(tmp_path, text))
    assert config is not None and config.email.unsubscribe_url == url
    expected = [Problem("newsletter.yaml", 4, 20,
                        f"'unsubscribe_url' {url} is the same for every reader, so the email leaves out the "
                        "one-click unsubscribe header (List-Unsubscribe-Post, RFC 8058): one click needs a link "
                        "that names the reader, with {email} or {token} for newsletter send, or your mailing "
                        "service's merge tag, as in https://example.org/leave?id=*|UNIQID|*", "warning")]
    assert problems == (expected if warned else [])
