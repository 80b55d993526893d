"""Lists of developments: each item rendered once, its links put in as each page sees them.

``development_list`` (in ``_macros.html``) renders its items with
``each_once`` (:class:`newsletter.render.fragments.EachOnce`). These tests
hold its output to that of the plain loop it replaces, on pages at every
depth and on the pages that link to themselves, and check that a project's
own ``_macros.html`` still decides what lists show.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from newsletter.render.fragments import EachOnce
from newsletter.render.templates import default_templates_dir, make_environment
from tests.conftest import ARCHIVE_FILES, built, tree, write_files

CACHED = "{{ each_once(development_item, placed_entries, heading_level) -}}\n"
LOOP = "{% for placed in placed_entries %}\n{{ development_item(placed, heading_level) }}{% endfor %}\n"
"""What ``development_list`` did before its items were rendered once: the item on every page."""

SMALL_PAGES = {**ARCHIVE_FILES, "newsletter.yaml": ARCHIVE_FILES["newsletter.yaml"] + "page_size: 1\n"}
"""The varied archive with a development per list page, so lists sit two folders deeper too."""


def default_macros() -> str:
    """The text of the default ``_macros.html``."""
    return (default_templates_dir() / "_macros.html").read_text(encoding="utf-8")


def looped(macros: str) -> str:
    """``macros`` with ``development_list`` rendering each item on each page."""
    assert CACHED in macros
    return macros.replace(CACHED, LOOP)


def output_of(root: Path, files: dict[str, str]) -> dict[str, bytes]:
    """Build a project of ``files`` in ``root``; return its output."""
    write_files(root, files)
    built(root, "-q")
    return tree(root / "output")


def term_pages(output: dict[str, bytes]) -> dict[str, bytes]:
    """The pages of section, authority and tag lists."""
    return {path: data for path, data in output.items()
            if path.startswith(("sections/", "authorities/", "tags/")) and path.endswith("index.html")}


def test_lists_are_those_the_macro_renders_on_each_page(tmp_path: Path) -> None:
    reused = output_of(tmp_path / "reused", SMALL_PAGES)
    each = output_of(tmp_path / "each", {**SMALL_PAGES, "templates/_macros.html": looped(default_macros())})
    assert reused == each
    pages = term_pages(reused)
    assert any("/page/" in path for path in pages)  # pages one level deeper link differently
    # A list links to its own page, and an authority's to its sibling authorities, relatively.
    cac = pages["authorities/cac/index.html"].decode()
    assert '<span class="authority"><a href="../miit/">' in cac and '<a href="./">' in cac
    assert '<a href="../../sections/enforcement/">' in cac


def test_an_item_of_the_projects_own_is_shown(tmp_path: Path) -> None:
    macros = default_macros().replace("  <li>\n", '  <li class="ours">\n', 1)
    reused = output_of(tmp_path / "reused", {**SMALL_PAGES, "templates/_macros.html": macros})
    each = output_of(tmp_path / "each", {**SMALL_PAGES, "templates/_macros.html": looped(macros)})
    assert reused == each
    assert '<li class="ours">' in reused["tags/finance/index.html"].decode()


def test_a_list_of_the_projects_own_is_shown(tmp_path: Path) -> None:
    start = default_macros().index("{% macro development_list(")
    end = default_macros().index("{% endmacro %}", start)
    macros = default_macros()[:start] + (
        "{% macro development_list(placed_entries, heading_level=2) %}\n"
        '<ul class="ours">{% for placed in placed_entries %}<li><a href="{{ url(placed.entry.permalink) }}">'
        "{{ placed.entry.title }}</a></li>{% endfor %}</ul>\n"
    ) + default_macros()[end:]
    output = output_of(tmp_path, {**SMALL_PAGES, "templates/_macros.html": macros})
    page = output["tags/finance/page/2/index.html"].decode()
    assert '<ul class="ours"><li><a href="../../../../issues/2022-03/bank-fine/">' in page
    assert "development-list" not in page


def test_an_item_that_reads_its_links_is_rendered_on_each_page(tmp_path: Path) -> None:
    # url() compared, not shown: a token cannot stand in for it, so the item is rendered on each page.
    tell = '{% if url("sections/" ~ placed.section.id ~ "/") == "./" %}<p>This section</p>{% endif %}\n'
    macros = default_macros().replace("  </li>\n{% endmacro %}", f"  {tell}  </li>\n{{% endmacro %}}", 1)
    assert macros != default_macros()
    reused = output_of(tmp_path / "reused", {**SMALL_PAGES, "templates/_macros.html": macros})
    each = output_of(tmp_path / "each", {**SMALL_PAGES, "templates/_macros.html": looped(macros)})
    assert reused == each
    assert "<p>This section</p>" in reused["sections/regulatory/index.html"].decode()
    assert "<p>This section</p>" not in reused["tags/cross-border/index.html"].decode()


PAGE = """\
{%- macro item(value, level) -%}
{{ count(value) }}<a href="{{ url(value.path) }}">{{ value }} {{ level }}</a>
{{- _("In <a href=\\"%(link)s\\">x</a>", link=url("a/")) }};
{%- endmacro -%}
{{ each_once(item, values, 2) }}"""


class Value:
    """A value of a list: a site path, with an identity of its own."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __str__(self) -> str:
        return self.path


def counting_environment() -> tuple[jinja2.Environment, list[str]]:
    """The default environment, and the values ``count()`` was called with in templates."""
    env = make_environment(None)
    renders: list[str] = []

    def count(value: object) -> str:
        renders.append(str(value))
        return ""

    env.globals["count"] = count
    return env, renders


def test_each_item_is_rendered_once_and_linked_from_each_page() -> None:
    env, renders = counting_environment()
    template = env.from_string(PAGE)
    plain = env.from_string(PAGE.replace("{{ each_once(item, values, 2) }}",
                                         "{% for value in values %}{{ item(value, 2) }}{% endfor %}"))
    values = [Value("a/"), Value("a/b/"), Value("c/d&e/")]  # the last link needs escaping: rendered each time
    pages = ["index.html", "a/index.html", "a/b/index.html", "a/b/c/index.html", "c/d/index.html"]
    for page in pages:
        expected = plain.render(values=values, page_path=page)
        renders.clear()
        assert template.render(values=values, page_path=page) == expected
        assert renders == (["a/", "a/b/", "c/d&e/", "c/d&e/"] if page == pages[0] else ["c/d&e/"])
    assert template.render(values=values, page_path="a/index.html").startswith(
        '<a href="./">a/ 2</a>In <a href="./">x</a>;<a href="b/">a/b/ 2</a>In <a href="./">x</a>;'
    )


def test_an_item_is_rendered_again_for_a_new_value_or_a_changed_macro() -> None:
    env, renders = counting_environment()
    template = env.from_string(PAGE)
    first, second = Value("a/"), Value("a/")
    template.render(values=[first], page_path="index.html")
    template.render(values=[first, second], page_path="x/index.html")
    assert renders == ["a/", "a/"]  # the second value is new, though equal
    changed = env.from_string(PAGE.replace("{{ value }} {{ level }}", "{{ level }}"))
    assert changed.render(values=[first], page_path="index.html") == '<a href="a/">2</a>In <a href="a/">x</a>;'
    assert renders == ["a/", "a/", "a/"]
    del second  # an item is forgotten with its value
    each_once = env.globals["each_once"]
    assert isinstance(each_once, EachOnce) and len(each_once._items) == 2


def test_without_a_page_each_item_is_rendered_each_time() -> None:
    env, renders = counting_environment()
    env.globals["url"] = lambda target: "/" + target
    template = env.from_string(PAGE)
    for _ in range(2):
        assert template.render(values=[Value("a/")]) == '<a href="/a/">a/ 2</a>In <a href="/a/">x</a>;'
    assert renders == ["a/", "a/"]
