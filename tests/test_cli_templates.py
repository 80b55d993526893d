"""Theme overrides: `newsletter templates list`, the documented examples, template errors."""

from __future__ import annotations

import re

from newsletter.render.templates import default_templates_dir
from tests.conftest import REPO, MakeSite, run

THEMES_DOC = REPO / "docs/themes.md"


def jinja_examples() -> list[str]:
    """The ```jinja blocks of docs/themes.md, in order."""
    return re.findall(r"```jinja\n(.*?)```", THEMES_DOC.read_text(), re.DOTALL)


def test_list_shows_every_default_and_which_are_overridden(make_site: MakeSite) -> None:
    root = make_site({
        "templates/base.html": '{% extends "default/base.html" %}\n',
        "templates/partials/extra.html": "<p>mine</p>\n",
    })
    result = run("templates", "list", cwd=root)
    assert result.exit_code == 0, result.output
    rows = dict(re.split(r"\s{2,}", line, maxsplit=1) for line in result.output.splitlines())
    defaults = {p.name for p in default_templates_dir().iterdir() if p.is_file()}
    assert defaults <= set(rows)
    assert rows["base.html"] == "overridden by templates/base.html"
    assert rows["partials/extra.html"] == "project only: templates/partials/extra.html"
    assert all(rows[name] == "default" for name in defaults - {"base.html"})


def test_list_without_a_templates_folder_shows_only_defaults(make_site: MakeSite) -> None:
    result = run("templates", "list", cwd=make_site())
    assert result.exit_code == 0
    assert set(line.split()[-1] for line in result.output.splitlines()) == {"default"}


def test_documented_footer_override_changes_every_page(make_site: MakeSite) -> None:
    footer = jinja_examples()[0]
    assert '{% extends "default/base.html" %}' in footer and "{% block footer %}" in footer
    root = make_site({"templates/base.html": footer})
    assert run("build", cwd=root).exit_code == 0
    for page in ("output/index.html", "output/issues/2022-05/index.html"):
        html = (root / page).read_text()
        assert "Test Newsletter is published by Example LLP for its clients." in html
        assert 'class="site-header"' in html  # the rest still comes from the default
    assert "overridden by templates/base.html" in run("templates", "list", cwd=root).output


def test_documented_email_footer_block_adds_to_the_default_footer(make_site: MakeSite) -> None:
    override = next(example for example in jinja_examples() if "default/email.html" in example)
    root = make_site({"templates/email.html": override})
    assert run("build", cwd=root).exit_code == 0
    html = (root / "output/issues/2022-05/email.html").read_text()
    assert "Example LLP, 1 Example Road, Shanghai" in html
    assert "You are receiving Test Newsletter" in html  # super(): the default footer stays


def test_documented_stylesheet_addition_keeps_the_default_rules(make_site: MakeSite) -> None:
    addition = next(example for example in jinja_examples() if "default/style.css" in example)
    root = make_site({"templates/style.css": addition})
    assert run("build", cwd=root).exit_code == 0
    css = (root / "output/style.css").read_text()
    default = (default_templates_dir() / "style.css").read_text()
    assert css.startswith(default.splitlines()[0])
    assert css.rstrip().endswith(".site-footer { font-size: 0.85rem; color: #555; }")


def test_a_template_syntax_error_is_located_in_the_override(make_site: MakeSite) -> None:
    root = make_site({"templates/base.html": (
        '{% extends "default/base.html" %}\n{% block footer %}\n'
        "<p>{{ site.title }</p>\n{% endblock %}\n"
    )})
    result = run("build", cwd=root)
    assert result.exit_code == 1
    line = "templates/base.html:3:1: error: template error: unexpected '}'"
    assert line in result.stderr
    assert line in THEMES_DOC.read_text()  # the documented example is what editors will see
    assert not (root / "output").exists()


def test_an_undefined_name_is_located_at_its_line(make_site: MakeSite) -> None:
    root = make_site({"templates/base.html": (
        '{% extends "default/base.html" %}\n{% block footer %}\n\n'
        "<p>{{ site.titel }}</p>\n{% endblock %}\n"
    )})
    result = run("build", cwd=root)
    assert result.exit_code == 1
    assert re.search(r"templates/base\.html:4:1: error: template error: .*titel", result.stderr)
