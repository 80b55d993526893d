"""The plain-text email: wrapped at 72 columns, underlined headings, numbered link references."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsletter.content.markdown import render_markdown
from newsletter.render.text import (
    _BREAKABLE_SPACE,
    LinkRefs,
    _Block,
    _Converter,
    _wrap_pieces,
    display_width,
    html_to_text,
    parse_fragment,
    wrap,
)
from tests.conftest import REPO, MakeSite, newsletter_of
from tests.email_project import CONFIG, build_email_site

CHINESE = (
    "中华人民共和国数据安全法是一部很重要的法律，它规定了数据处理者的义务和责任，以及监管机构的职权和程序。"
    "企业应当建立健全全流程数据安全管理制度，组织开展数据安全教育培训。"
)
NO_LINE_START = "，。、；：？！）」』】》"


@pytest.fixture
def email_text(make_site: MakeSite) -> str:
    """The plain-text email of the test issue."""
    return (build_email_site(make_site) / "email.txt").read_text(encoding="utf-8")


def unbreakable(line: str) -> bool:
    """A line holding a single URL, which must not be split, may be longer than 72 columns."""
    return len(re.sub(r"^\s*(\[\d+\] )?", "", line).split()) == 1 and "://" in line


def test_every_line_fits_72_columns_counting_chinese_as_two(email_text: str) -> None:
    lines = email_text.splitlines()
    assert any(re.search(r"[\u4e00-\u9fff]", line) and display_width(line) > 60 for line in lines)
    too_long = [line for line in lines if display_width(line) > 72 and not unbreakable(line)]
    assert too_long == []


def test_chinese_text_is_intact_and_breaks_between_characters(email_text: str) -> None:
    joined = "".join(line.strip() for line in email_text.splitlines())
    assert CHINESE in joined
    lines = [line.strip() for line in email_text.splitlines()]
    chinese_lines = [line for line in lines if line and line[0] in CHINESE]
    assert len(chinese_lines) >= 2, "a long Chinese paragraph must wrap"
    assert not any(line[0] in NO_LINE_START for line in chinese_lines)


def test_headings_are_underlined_to_their_width(email_text: str) -> None:
    for heading in ("Key Highlights", "Our Views", "Regulatory Developments",
                    "Enforcement Developments", "Industry Developments"):
        assert f"\n{heading}\n{'=' * len(heading)}\n" in email_text


def test_underline_of_a_chinese_heading_spans_its_display_width(make_site: MakeSite) -> None:
    sections = (
        "sections:\n"
        "  - {id: views, title: 观点, numbered: false}\n"
        "  - {id: regulatory, title: 监管动态 Regulatory}\n"
        "  - {id: enforcement, title: Enforcement}\n"
        "  - {id: industry, title: Industry}\n"
    )
    issue = build_email_site(make_site, {"newsletter.yaml": CONFIG + sections})
    text = (issue / "email.txt").read_text()
    assert "\n观点\n====\n" in text
    assert "\n监管动态 Regulatory\n" + "=" * 19 + "\n" in text


def test_items_are_numbered_as_in_the_html(make_site: MakeSite) -> None:
    issue = build_email_site(make_site)
    text, html = (issue / "email.txt").read_text(), (issue / "email.html").read_text()
    numbered = re.findall(r"^(\d+)\. (.+)$", text, re.MULTILINE)
    list_items = ("Important", "Cross")
    titles = [(number, title) for number, title in numbered if not title.startswith(list_items)]
    assert titles == [
        ("1", "CAC releases the draft 网络数据安全管理条例"),
        ("1", "MIIT names 107 apps for illegal data collection"),
        ("1", "Standards body: <draft> guidelines for R&D data"),
    ]
    html_numbers = re.findall(r'class="item-number"[^>]*>(\d+)\.</span>', html)
    assert html_numbers == [number for number, _ in titles]
    assert "\nWhy the draft network data rules matter [2]\n" in text, "views are not numbered"


def test_each_link_is_listed_once_under_its_item(email_text: str) -> None:
    assert "The draft regulations [3] follow the Data Security Law [4]." in email_text
    assert "see the draft regulations [3] for the timetable." in email_text
    references = re.findall(r"^\s*\[(\d+)\] (\S+)$", email_text, re.MULTILINE)
    numbers = [int(number) for number, _ in references]
    assert numbers == list(range(1, len(numbers) + 1))
    for _, url in references:
        assert len(re.findall(re.escape(url) + r"(\s|$)", email_text)) == 1, url
    start, end = email_text.index("1. CAC releases"), email_text.index("Enforcement Developments\n===")
    item = email_text[start:end]
    assert "   [3] https://example.org/draft?lang=en&v=2\n" in item
    assert "   [5] http://www.cac.gov.cn/2021-11/14/c_1638501991577898.htm\n" in item


def test_a_link_showing_its_own_address_is_not_repeated(email_text: str) -> None:
    assert "The list is at https://example.org/miit/list, and" in email_text
    assert email_text.count("https://example.org/miit/list") == 1


def test_no_entities_or_markup_are_left(email_text: str) -> None:
    assert not re.search(r"&(#\d+|#x[0-9a-f]+|[a-z]+);", email_text, re.IGNORECASE)
    tags = r"</?(p|a|em|strong|ul|ol|li|table|tr|td|th|blockquote|br|span|div)\b"
    assert not re.search(tags, email_text)
    assert "Standards body: <draft> guidelines for R&D data" in email_text
    assert "\"R&D\" data & samples" in email_text


def test_tables_lists_and_quotes_keep_their_shape(email_text: str) -> None:
    table = "   App | Problem\n   Alpha | Collects location\n   贝塔 | 超范围收集个人信息\n"
    nested_list = "   1. Important data catalogues\n      - by sector\n      - by region\n   2."
    assert table in email_text
    assert nested_list in email_text
    assert "   > Operators must fix the issues within 15 working days." in email_text


def test_source_line_breaks_inside_a_paragraph_are_spaces() -> None:
    text = html_to_text("<p>one\ntwo <a href='https://x.example/'>three</a>\nfour</p>", LinkRefs())
    assert text == "one two three [1] four"


def test_br_still_breaks_a_line() -> None:
    assert html_to_text("<p>Beijing<br>Shanghai</p>", LinkRefs()) == "Beijing\nShanghai"


def test_wrap_matches_plain_word_wrapping_for_latin_text() -> None:
    assert wrap("aa bb cc dd", 5, "- ", "  ") == "- aa\n  bb\n  cc\n  dd"
    assert wrap("", 72, "1. ") == ""


def test_chinese_punctuation_stays_with_the_character_it_follows_or_opens() -> None:
    assert wrap("数据，安全", 4) == "数\n据，\n安全"
    assert wrap("个人（信息）", 6) == "个人\n（信\n息）"
    assert wrap("see https://example.org/数据安全", 10) == "see\nhttps://example.org/数据安全"


ideographs = st.text(alphabet="数据安全法个人信息保护", min_size=1, max_size=6)
# Chinese runs with punctuation where writers put it: never first, "（" never last.
chinese = st.lists(
    st.tuples(ideographs, st.sampled_from(["", "，", "。", "）", "（"]), ideographs).map("".join),
    min_size=1, max_size=5,
).map("".join)
words = st.one_of(
    st.text(alphabet="abcdefxyz", min_size=1, max_size=12),
    chinese,
    st.just("https://example.org/a/very/long/path/that/is/longer/than/the/whole/line/width/x"),
)


@given(st.lists(words, max_size=40), st.integers(min_value=20, max_value=80))
def test_wrapped_lines_fit_keep_every_character_and_respect_chinese_punctuation(
    chunks: list[str], width: int
) -> None:
    text = " ".join(chunks)
    wrapped = wrap(text, width, "1. ", "   ")
    lines = wrapped.splitlines()
    for line in lines:
        # Only a piece that cannot be split (a URL) may stand alone on a longer line.
        assert display_width(line) <= width or len(line[3:].split()) == 1, line
    assert "".join(wrapped.split()).removeprefix("1.") == "".join(text.split())
    for line in lines[1:]:
        assert line.strip()[0] not in NO_LINE_START, line
    for line in lines[:-1]:
        assert not line.endswith("（"), line


@given(
    st.text(alphabet="ab xyz.\n\t-", max_size=300),
    st.integers(min_value=1, max_value=80),
    st.sampled_from(["", "1. ", "   ", "• "]),
    st.sampled_from(["", "   ", "     "]),
)
def test_the_ascii_shortcut_wraps_exactly_like_the_general_rule(
    text: str, width: int, first: str, rest: str
) -> None:
    words = _BREAKABLE_SPACE.split(text.strip())
    assert wrap(text, width, first, rest) == _wrap_pieces(words, width, first, rest)


class Events(HTMLParser):
    """What a parser reports, adjacent pieces of text joined."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[object, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        if self.events and self.events[-1][0] == "text":
            data = str(self.events.pop()[1]) + data
        self.events.append(("text", data))


def events_of_html_parser(fragment: str) -> list[tuple[object, ...]]:
    parser = Events()
    parser.feed(fragment)
    parser.close()
    return parser.events


def events_of_parse_fragment(fragment: str) -> list[tuple[object, ...]]:
    handler = Events()
    parse_fragment(fragment, handler)
    return handler.events


@pytest.mark.parametrize("fragment", [
    '<p>A <a href="https://x.example/?a=1&amp;b=&quot;2&quot;" rel="noopener">link</a> &amp; more&nbsp;text.</p>',
    "<P CLASS='x'>Upper <BR/>case<br>breaks</P>",
    '<ol start="3"><li>one</li><li>two <em>2</em></li></ol><hr>',
    "<td align=left>bare</td><input disabled> a < b &lt; c &#x4e2d;&#25991;",
    "<!DOCTYPE html><p>A <!-- a comment, <b>not</b> read --> b <a href=/x?a=b&amp;c=d>link</a></p>",
])
def test_fragments_are_read_as_html_parser_reads_them(fragment: str) -> None:
    assert events_of_parse_fragment(fragment) == events_of_html_parser(fragment)


markdown_pieces = st.sampled_from([
    "word", "数据安全", "*em*", "**strong**", "`code <b>`", "[link](https://x.example/?a=1&b=2 \"T\")",
    "<https://auto.example/>", "a & b", "&copy;", "1 < 2 > 0", '"quoted"', "it's", "<b>raw</b>",
    "<span title='x > y'>span</span>", "\n\n", "\n\n- item\n- item", "\n\n1. one\n2. two",
    "\n\n> quoted", "  \nbreak", "\n\n---\n\n", "\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n",
    "<script>x()</script>", "![image](https://x.example/i.png)",
])


@given(st.lists(markdown_pieces, max_size=25).map(" ".join))
def test_sanitized_markdown_is_read_as_html_parser_reads_it(markdown: str) -> None:
    fragment = render_markdown(markdown, "https://news.example.org/issues/2022-05/")
    assert events_of_parse_fragment(fragment) == events_of_html_parser(fragment)


# --- The plain text as the previous converter wrote it ---------------------------------------

def reference_html_to_text(fragment: str, refs: LinkRefs, width: int = 72, indent: str = "") -> str:
    """``html_to_text`` as it was, the reference for the faster one.

    ``parse_fragment`` reports every tag with its attributes, and ``wrap``
    wraps every line word by word.
    """
    converter = _Converter(refs)
    parse_fragment(fragment, converter)
    blocks = [block for block in converter.blocks if block.text.strip()]
    parts: list[str] = []
    for previous, block in zip([None, *blocks], blocks, strict=False):
        if previous is not None:
            parts.append("\n" if previous.tight and block.tight else "\n\n")
        parts.append(reference_wrap(block, width, indent))
    return "".join(parts)


def reference_wrap(block: _Block, width: int, indent: str) -> str:
    """The previous ``_wrap``."""
    if block.preformatted:
        lines = block.text.strip("\n").splitlines()
        return "\n".join(indent + block.indent + line for line in lines)
    lines = []
    for number, part in enumerate(block.text.split("\n")):
        text = re.sub(r"\s+", " ", part).strip()
        first = indent + (block.prefix if number == 0 else block.indent)
        lines.append(wrap(text, width, first, indent + block.indent))
    return "\n".join(lines)


def both_texts(fragments: list[tuple[str, str]], width: int = 72) -> tuple[list[str], list[str]]:
    """Each ``(fragment, indent)`` as text, by ``html_to_text`` and by the reference, references shared."""
    refs, reference_refs = LinkRefs(), LinkRefs()
    texts = [html_to_text(fragment, refs, width, indent) for fragment, indent in fragments]
    expected = [reference_html_to_text(fragment, reference_refs, width, indent) for fragment, indent in fragments]
    assert refs.urls == reference_refs.urls
    return texts, expected


def test_the_sample_is_written_as_the_reference_writes_it() -> None:
    newsletter = newsletter_of(REPO)
    fragments = [
        (fragment, indent)
        for issue in newsletter.issues for section in issue.sections for item in section.items
        for fragment in (item.entry.body_html, item.entry.highlight_html or "") if fragment
        for indent in ("", "   ")
    ]
    assert len(fragments) > 40
    texts, expected = both_texts(fragments)
    assert texts == expected


html_pieces = st.sampled_from([
    "word", "two words", "a-very-long-word-that-runs-on-and-on-past-any-line-width-we-might-choose-here",
    "数据安全法", "，。", "x\u00a0y", "tab\there", "line\nbreak", "  spaced  out  ", "\u2003em", "\x1cfs", "&amp;",
    "&lt;b&gt;", "https://example.org/a/very/long/address/that/should/never/be/broken/anywhere/at/all",
    "<p>", "</p>", "<li>", "</li>", "<ul>", "</ul>", '<ol start="3">', "<ol>", "</ol>", "<br>", "<br/>",
    "<blockquote>", "</blockquote>", "<pre>", "</pre>", "<hr>", "<h3>", "</h3>", "<em>", "</em>",
    "<strong>", "</strong>", "<code>", "</code>", '<a href="https://x.example/">', '<a href="#here">',
    '<a href="mailto:a@x.example">', '<a class="footnote-ref" href="#n-fn-1">', '<a class="footnote-backref">',
    "</a>", '<img alt="Chart" src="https://x.example/c.png">', "<img src='x.png'>", "<table>", "<tr>",
    "</tr>", "<td>", "</td>", "<th>", "</th>", "<dl>", "<dt>", "</dt>", "<dd>", "</dd>", "<!-- note -->",
])


@given(
    st.lists(st.tuples(st.lists(html_pieces, max_size=30).map("".join), st.sampled_from(["", "   ", "> "])),
             min_size=1, max_size=4),
    st.integers(min_value=1, max_value=80),
)
def test_any_fragment_is_written_as_the_reference_writes_it(fragments: list[tuple[str, str]], width: int) -> None:
    texts, expected = both_texts(fragments, width)
    assert texts == expected


@given(st.lists(markdown_pieces, max_size=25).map(" ".join), st.integers(min_value=10, max_value=80))
def test_any_sanitized_markdown_is_written_as_the_reference_writes_it(markdown: str, width: int) -> None:
    fragment = render_markdown(markdown, "https://news.example.org/issues/2022-05/")
    texts, expected = both_texts([(fragment, ""), (fragment, "   ")], width)
    assert texts == expected
