"""Bounded work: any file under the size limit is checked in bounded time, or refused at a located line.

Times are reported by ``bench/limits.py``, never asserted here; these tests
assert that hostile content either renders exactly as Python-Markdown
renders it or is a located error naming the limit.
"""

from __future__ import annotations

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.inlinepatterns import LinkInlineProcessor

from newsletter.content.markdown import (
    _EXTENSIONS,
    BRACKETS_SCANNED,
    MAX_BLOCK_CHARS,
    MAX_NESTING,
    _converter,
    link_text,
    markdown_problem,
    render_markdown,
    sanitize,
)
from tests.conftest import MakeSite, run

PAGE = "https://news.example.org/issues/2022-05/"


def library_rendering(text: str) -> str:
    """What Python-Markdown itself, unpatched, makes of ``text``, sanitized the same way."""
    return sanitize(markdown.Markdown(extensions=_EXTENSIONS, output_format="html").convert(text), PAGE)


def a_link_pattern() -> LinkInlineProcessor:
    found = [p for p in _converter().inlinePatterns if isinstance(p, LinkInlineProcessor)]
    assert found
    return found[0]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="[]a(", max_size=300), st.data())
def test_link_text_answers_as_python_markdown_does(data: str, draw: st.DataObject) -> None:
    index = draw.draw(st.integers(min_value=0, max_value=len(data)))
    fresh = markdown.Markdown(extensions=_EXTENSIONS)
    library = next(p for p in fresh.inlinePatterns if isinstance(p, LinkInlineProcessor))
    assert link_text(a_link_pattern(), data, index) == LinkInlineProcessor.getText(library, data, index)


def test_link_text_hands_long_unclosed_runs_to_the_library() -> None:
    data = "[" * (BRACKETS_SCANNED * 3) + "]"
    fresh = markdown.Markdown(extensions=_EXTENSIONS)
    library = next(p for p in fresh.inlinePatterns if isinstance(p, LinkInlineProcessor))
    for index in (0, 1, BRACKETS_SCANNED, len(data) - 1):
        assert link_text(a_link_pattern(), data, index) == LinkInlineProcessor.getText(library, data, index)


@pytest.mark.parametrize(
    "piece",
    [
        "[link {i}](https://example.org/{i}) ",
        "[nested [link] {i}](https://example.org/{i}) [",
        "![image {i}](x.png) [ref {i}][r] ",
        "**a{i}* _b_ [x]",
    ],
)
def test_paragraphs_of_many_links_render_as_python_markdown_renders_them(piece: str) -> None:
    paragraph = ""
    index = 0
    while len(paragraph) < MAX_BLOCK_CHARS // 3:  # long enough for hundreds of links, quick for the library
        paragraph += piece.format(i=index)
        index += 1
    text = "\n\n".join([paragraph] * 2) + "\n\n[r]: https://example.org/ref\n"
    assert markdown_problem(text) is None
    assert render_markdown(text, PAGE) == library_rendering(text)


def test_nested_and_unclosed_brackets_render_as_python_markdown_renders_them() -> None:
    texts = ["A [link](https://e.org/) and [another [nested] one](https://e.org/2).", "[unclosed [x](y) ]"]
    for text in texts:
        assert render_markdown(text, PAGE) == library_rendering(text)


@pytest.mark.parametrize(
    ("body", "where", "message"),
    [
        ("A first paragraph.\n\n" + "[l](https://e.org/) " * 600, "12:1",
         f"is longer than the {MAX_BLOCK_CHARS:,} allowed: split it with blank lines"),
        ("Intro.\n\n" + ">" * (MAX_NESTING + 1) + " deep\n", "12:1", f"quotes are nested more than {MAX_NESTING} deep"),
        ("Intro.\n\nx " + "<div>" * (MAX_NESTING + 1) + "\n", "12:" + str(3 + 5 * MAX_NESTING),
         f"HTML elements are nested more than {MAX_NESTING} deep"),
    ],
)
def test_content_past_a_limit_is_a_located_error(make_site: MakeSite, body: str, where: str, message: str) -> None:
    root = make_site({"content/2022-05/draft-rules.md": (
        "---\ntitle: T\nsection: industry\ndate: 2022-05-10\n---\n\n\n\n\n" + body
    )})
    for command in ("check", "build"):
        result = run(command, cwd=root)
        assert result.exit_code == 1
        assert f"content/2022-05/draft-rules.md:{where}: error: " in result.stderr
        assert message in result.stderr


def test_autolinks_and_void_elements_are_not_nesting() -> None:
    text = " ".join(f"<https://e.org/{i}> <br> <img src=x> <user{i}@e.org>" for i in range(MAX_NESTING * 2))
    assert markdown_problem(text[:MAX_BLOCK_CHARS]) is None


def test_too_many_tags_is_a_located_error(make_site: MakeSite) -> None:
    tags = ", ".join(f"t{i}" for i in range(26))
    root = make_site({"content/2022-05/draft-rules.md": (
        f"---\ntitle: T\nsection: industry\ndate: 2022-05-10\ntags: [{tags}]\n---\nBody.\n"
    )})
    result = run("check", cwd=root)
    assert result.exit_code == 1
    assert "content/2022-05/draft-rules.md:5:7: error: 'tags' names 26 values; an entry may name at most 25" \
        in result.stderr
