"""Reading typed fields from raw documents, and where their problems are reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsletter.content.fields import Fields, closest, did_you_mean, parse_date, xml_invalid_character
from newsletter.content.loading import RawDocument, load_yaml_file
from newsletter.content.urls import WEB_SCHEMES
from newsletter.errors import Problem
from newsletter.model import EntryDate


def load(tmp_path: Path, text: str) -> RawDocument:
    path = tmp_path / "doc.yaml"
    path.write_text(text, encoding="utf-8")
    doc = load_yaml_file(path, tmp_path)
    assert doc.ok, doc.problems
    return doc


def read(tmp_path: Path, text: str, known: tuple[str, ...]) -> tuple[Fields, list[Problem]]:
    problems: list[Problem] = []
    return Fields(load(tmp_path, text), known, problems), problems


def located(problems: list[Problem]) -> list[tuple[int, int, str]]:
    return [(p.line, p.column, p.message) for p in problems]


# closest, did_you_mean


def test_closest_ignores_case_and_answers_with_the_choice_as_written() -> None:
    assert closest("TITEL", ["title", "date"]) == "title"
    assert closest("feedlimit", ["Feed_Limit", "page_size"]) == "Feed_Limit"
    assert closest("base-url", ["title", "base_url", "language"]) == "base_url"


def test_closest_finds_nothing_when_no_choice_is_near() -> None:
    assert closest("zzz", ["title", "date"]) is None
    assert closest("title", []) is None


def test_did_you_mean_is_a_suffix_or_nothing() -> None:
    assert did_you_mean("titel", ("title", "date")) == "; did you mean 'title'?"
    assert did_you_mean("colour", ("title", "date")) == ""


# xml_invalid_character


@pytest.mark.parametrize(
    ("text", "described"),
    [
        ("a\x00b", "U+0000"),
        ("bell\x07", "U+0007"),
        ("\x0b", "U+000B"),
        ("\x0c", "U+000C"),
        ("\x1f", "U+001F"),
        ("\ud800", "U+D800"),
        ("\ufffe", "U+FFFE"),
        ("\uffff", "U+FFFF"),
        ("first \x01 then \x02", "U+0001"),
    ],
)
def test_characters_that_xml_cannot_carry_are_named(text: str, described: str) -> None:
    assert xml_invalid_character(text) == described


@pytest.mark.parametrize("text", ["", "tab\tnewline\ncarriage\r", "个人信息保护法 ✓", "emoji \U0001f600", "\ufffd"])
def test_characters_that_xml_allows_pass(text: str) -> None:
    assert xml_invalid_character(text) is None


# parse_date


@pytest.mark.parametrize(
    ("text", "allow_month", "expected"),
    [
        ("2022-05-12", False, EntryDate(2022, 5, 12)),
        ("2022-05-12", True, EntryDate(2022, 5, 12)),
        ("2022-05", True, EntryDate(2022, 5, None)),
        (" 2022-12-31 ", False, EntryDate(2022, 12, 31)),
        ("2024-02-29", False, EntryDate(2024, 2, 29)),
    ],
)
def test_dates_parse_to_entry_dates(text: str, allow_month: bool, expected: EntryDate) -> None:
    assert parse_date(text, allow_month) == expected


@pytest.mark.parametrize(
    ("text", "allow_month", "message"),
    [
        ("2022-05", False, "'2022-05' is not a date; expected YYYY-MM-DD"),
        ("2022-5-12", False, "'2022-5-12' is not a date; expected YYYY-MM-DD"),
        ("12 May 2022", True, "'12 May 2022' is not a date; expected YYYY-MM-DD or YYYY-MM"),
        ("2022-05-12T08:00", False, "'2022-05-12T08:00' is not a date; expected YYYY-MM-DD"),
        ("2022", True, "'2022' is not a date; expected YYYY-MM-DD or YYYY-MM"),
        ("2022-02-30", False, "'2022-02-30' is not a real date"),
        ("2023-02-29", True, "'2023-02-29' is not a real date"),
        ("2022-13", True, "'2022-13' is not a real date"),
        ("2022-00-10", False, "'2022-00-10' is not a real date"),
        ("2022-04-31", False, "'2022-04-31' is not a real date"),
    ],
)
def test_bad_dates_are_explained(text: str, allow_month: bool, message: str) -> None:
    assert parse_date(text, allow_month) == message


# Fields: unknown and required keys


def test_unknown_keys_are_located_at_the_key_with_a_suggestion_when_close(tmp_path: Path) -> None:
    _, problems = read(tmp_path, "title: T\ntitel: U\n  # note\ncolour: red\n", ("title", "date"))
    assert problems == [
        Problem("doc.yaml", 2, 1, "unknown field 'titel'; did you mean 'title'?"),
        Problem("doc.yaml", 4, 1, "unknown field 'colour'"),
    ]


def test_a_misspelt_required_key_is_reported_once(tmp_path: Path) -> None:
    fields, problems = read(tmp_path, "titel: T\n", ("title",))
    assert fields.text("title", required=True) is None
    assert [p.message for p in problems] == ["unknown field 'titel'; did you mean 'title'?"]


def test_a_missing_required_key_is_located_at_its_mapping(tmp_path: Path) -> None:
    fields, problems = read(tmp_path, "# settings\ndate: 2022-05-10\n", ("title", "date"))
    assert fields.text("title", required=True) is None
    assert problems == [Problem("doc.yaml", 2, 1, "missing required field 'title'")]


def test_a_null_value_is_missing(tmp_path: Path) -> None:
    fields, problems = read(tmp_path, "title:\ndraft: false\n", ("title", "draft"))
    assert not fields.has("title")
    assert fields.has("draft")
    assert not fields.has("absent")
    assert fields.text("title", required=True) is None
    assert located(problems) == [(1, 1, "missing required field 'title'")]


def test_optional_fields_that_are_absent_are_none_without_problems(tmp_path: Path) -> None:
    fields, problems = read(tmp_path, "title: T\n", ("title", "n", "d", "u", "b", "l", "m"))
    assert fields.integer("n") is None
    assert fields.date("d") is None
    assert fields.url("u") is None
    assert fields.boolean("b") is False
    assert fields.text_list("l") == []
    assert fields.slug_list("l") == []
    assert fields.mapping("m", ("x",)) is None
    assert list(fields.mappings("m", ("x",))) == []
    assert problems == []


# Fields: text


def test_text_is_returned_as_written(tmp_path: Path) -> None:
    fields, problems = read(tmp_path, 'title: "  Spaced  "\nzh: 个人信息保护法\n', ("title", "zh"))
    assert fields.text("title") == "  Spaced  "
    assert fields.text("zh") == "个人信息保护法"
    assert problems == []


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("2022", "a number"),
        ("true", "true/false"),
        ("1.5", "a decimal number"),
        ("[a, b]", "a list"),
        ("{a: 1}", "a mapping"),
    ],
)
def test_text_refuses_other_kinds_at_the_value(tmp_path: Path, value: str, kind: str) -> None:
    fields, problems = read(tmp_path, f"title: {value}\n", ("title",))
    assert fields.text("title", required=True) is None
    assert problems == [Problem("doc.yaml", 1, 8, f"'title' must be text, not {kind}")]


def test_text_refuses_control_characters(tmp_path: Path) -> None:
    fields, problems = read(tmp_path, 'date: 2022-05-10\ntitle: "ring \\x07 bell"\n', ("title", "date"))
    assert fields.text("title") is None
    assert problems == [Problem("doc.yaml", 2, 8, "'title' contains the control character U+0007")]


# Fields: integer, boolean, date, url


def test_integer(tmp_path: Path) -> None:
    fields, problems = read(tmp_path, "a: 3\nb: -2\nc: true\nd: '3'\ne: 2.0\n", tuple("abcde"))
    assert (fields.integer("a"), fields.integer("b")) == (3, -2)
    assert (fields.integer("c"), fields.integer("d"), fields.integer("e")) == (None, None, None)
    assert located(problems) == [
        (3, 4, "'c' must be a whole number, not true/false"),
        (4, 4, "'d' must be a whole number, not text"),
        (5, 4, "'e' must be a whole number, not a decimal number"),
    ]


def test_boolean(tmp_path: Path) -> None:
    fields, problems = read(tmp_path, 'a: true\nb: false\nc: "true"\nd: 1\n', tuple("abcd"))
    assert (fields.boolean("a"), fields.boolean("b")) == (True, False)
    assert (fields.boolean("c"), fields.boolean("d")) == (False, False)
    assert located(problems) == [
        (3, 4, "'c' must be true or false, not text"),
        (4, 4, "'d' must be true or false, not a number"),
    ]


def test_date_field(tmp_path: Path) -> None:
    text = "a: 2022-05-12\nb: 2022-05\nc: 2022-05\nd: 2022-02-30\ne: 2022\n"
    fields, problems = read(tmp_path, text, tuple("abcde"))
    assert fields.date("a", required=True) == EntryDate(2022, 5, 12)
    assert fields.date("b", allow_month=True) == EntryDate(2022, 5)
    assert fields.date("c") is None
    assert fields.date("d", allow_month=True) is None
    assert fields.date("e") is None
    assert fields.date("f", required=True) is None
    assert located(problems) == [
        (3, 4, "'2022-05' is not a date; expected YYYY-MM-DD"),
        (4, 4, "'2022-02-30' is not a real date"),
        (5, 4, "'2022' is not a date; expected YYYY-MM-DD"),
        (1, 1, "missing required field 'f'"),
    ]


@pytest.mark.parametrize(
    ("url", "schemes", "message"),
    [
        ("/news/", WEB_SCHEMES, "URL '/news/' is relative; expected an absolute http or https URL"),
        ("news.example.org", WEB_SCHEMES, "URL 'news.example.org' is relative; expected an absolute http or https URL"),
        (
            "mailto:team@example.org", WEB_SCHEMES,
            "URL 'mailto:team@example.org' uses the 'mailto:' scheme; expected an absolute http or https URL",
        ),
        (
            "ftp://example.org/", ("http", "https", "mailto"),
            "URL 'ftp://example.org/' uses the 'ftp:' scheme; expected an absolute http, https or mailto URL",
        ),
        ("https:///path", WEB_SCHEMES, "URL 'https:///path' has no host"),
        ("mailto:", ("http", "https", "mailto"), "URL 'mailto:' has no address"),
        ("https://example.org/a b", WEB_SCHEMES, "URL 'https://example.org/a b' contains spaces"),
    ],
)
def test_url_problems_are_located_at_the_value(
    tmp_path: Path, url: str, schemes: tuple[str, ...], message: str
) -> None:
    fields, problems = read(tmp_path, f"title: T\nurl: '{url}'\n", ("title", "url"))
    assert fields.url("url", schemes=schemes) is None
    assert problems == [Problem("doc.yaml", 2, 6, message)]


def test_urls_with_allowed_schemes_are_returned(tmp_path: Path) -> None:
    text = "a: https://example.org/a?b=1\nb: mailto:team@example.org\nc: HTTP://EXAMPLE.ORG/\n"
    fields, problems = read(tmp_path, text, tuple("abc"))
    assert fields.url("a", schemes=WEB_SCHEMES) == "https://example.org/a?b=1"
    assert fields.url("b") == "mailto:team@example.org"
    assert fields.url("c", schemes=WEB_SCHEMES) == "HTTP://EXAMPLE.ORG/"
    assert problems == []


def test_url_of_the_wrong_kind_is_a_text_problem(tmp_path: Path) -> None:
    fields, problems = read(tmp_path, "url: 42\n", ("url",))
    assert fields.url("url", required=True) is None
    assert located(problems) == [(1, 6, "'url' must be text, not a number")]


# Fields: lists


def test_text_list_keeps_texts_and_locates_bad_items(tmp_path: Path) -> None:
    text = 'tags:\n  - one\n  - 2\n  - "ctrl \\x01"\n  - four\n'
    fields, problems = read(tmp_path, text, ("tags",))
    assert fields.text_list("tags") == ["one", "four"]
    assert located(problems) == [
        (3, 5, "each item of 'tags' must be text, not a number"),
        (4, 5, "'tags' contains the control character U+0001"),
    ]


def test_text_list_takes_one_text_only_where_allowed(tmp_path: Path) -> None:
    fields, problems = read(tmp_path, "a: single\nb: single\nc: 5\n", tuple("abc"))
    assert fields.text_list("a", one_allowed=True) == ["single"]
    assert fields.text_list("b") == []
    assert fields.text_list("c", one_allowed=True) == []
    assert located(problems) == [
        (2, 4, "'b' must be a list, not text"),
        (3, 4, "'c' must be a list or text, not a number"),
    ]


def test_slug_list(tmp_path: Path) -> None:
    text = "tags: [ai, Bad Tag, data-2, 5, -lead, ai]\n"
    fields, problems = read(tmp_path, text, ("tags",))
    assert fields.slug_list("tags") == ["ai", "data-2", "ai"]
    assert located(problems) == [
        (1, 29, "each item of 'tags' must be text, not a number"),
        (1, 12, "'Bad Tag' in 'tags' is not a valid slug: use lowercase letters, digits and hyphens"),
        (1, 32, "'-lead' in 'tags' is not a valid slug: use lowercase letters, digits and hyphens"),
    ]


def test_slug_list_refuses_a_single_text(tmp_path: Path) -> None:
    fields, problems = read(tmp_path, "tags: ai\n", ("tags",))
    assert fields.slug_list("tags") == []
    assert located(problems) == [(1, 7, "'tags' must be a list, not text")]


def test_item_problem_falls_back_to_the_value_when_it_is_not_a_list(tmp_path: Path) -> None:
    fields, problems = read(tmp_path, "one: x\nmany:\n  - a\n  - b\n", ("one", "many"))
    fields.item_problem("one", 0, "about one", "warning")
    fields.item_problem("many", 1, "about b")
    assert problems == [
        Problem("doc.yaml", 1, 6, "about one", "warning"),
        Problem("doc.yaml", 4, 5, "about b"),
    ]


# Fields: mappings


def test_nested_mapping_locates_its_own_problems(tmp_path: Path) -> None:
    text = "title: T\nemail:\n  form: a@b.org\n  reply_to: 3\n"
    fields, problems = read(tmp_path, text, ("title", "email"))
    email = fields.mapping("email", ("from", "reply_to"))
    assert email is not None
    assert email.prefix == ("email",)
    assert email.text("reply_to") is None
    assert email.text("from", required=True) is None
    email.error(None, "about the mapping")
    assert located(problems) == [
        (3, 3, "unknown field 'form'; did you mean 'from'?"),
        (4, 13, "'reply_to' must be text, not a number"),
        (3, 3, "about the mapping"),
    ]


def test_mapping_of_the_wrong_kind(tmp_path: Path) -> None:
    fields, problems = read(tmp_path, "email: team@example.org\n", ("email",))
    assert fields.mapping("email", ("from",)) is None
    assert located(problems) == [(1, 8, "'email' must be a mapping, not text")]


def test_mappings_yields_each_mapping_and_locates_bad_items(tmp_path: Path) -> None:
    text = "sections:\n  - id: a\n  - just text\n  - id: 7\n    titel: B\n"
    fields, problems = read(tmp_path, text, ("sections",))
    items = list(fields.mappings("sections", ("id", "title")))
    assert [item.prefix for item in items] == [("sections", 0), ("sections", 2)]
    assert items[0].text("id") == "a"
    assert items[1].text("id") is None
    assert located(problems) == [
        (3, 5, "each item of 'sections' must be a mapping, not text"),
        (5, 5, "unknown field 'titel'; did you mean 'title'?"),
        (4, 9, "'id' must be text, not a number"),
    ]


def test_mappings_of_the_wrong_kind(tmp_path: Path) -> None:
    fields, problems = read(tmp_path, "sections:\n  id: a\n", ("sections",))
    assert list(fields.mappings("sections", ("id",))) == []
    assert located(problems) == [(2, 3, "'sections' must be a list, not a mapping")]


def test_problems_are_appended_to_the_list_given(tmp_path: Path) -> None:
    earlier = Problem("other.yaml", 9, 9, "earlier")
    problems = [earlier]
    fields = Fields(load(tmp_path, "title: 1\n"), ("title",), problems)
    fields.text("title")
    assert fields.problems is problems
    assert problems == [earlier, Problem("doc.yaml", 1, 8, "'title' must be text, not a number")]
