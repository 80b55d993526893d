"""The firm's footer and logo, from ``newsletter.yaml``, in every edition; email blocks to override."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import MINIMAL_CONFIG, MakeSite, built, png, replace_in, run

FOOTER = 'footer: "This update is **not legal advice**. [Contact us](https://firm.example/contact)."\n'
PNG = png(1, 1)


@pytest.fixture
def branded(make_site: MakeSite) -> Path:
    root = make_site({
        "newsletter.yaml": MINIMAL_CONFIG + FOOTER + "logo: assets/firm-logo.png\n",
        "assets/firm-logo.png": PNG,
    })
    built(root)
    return root / "output"


@pytest.mark.parametrize("page", [
    "index.html", "issues/2022-05/index.html", "issues/2022-05/draft-rules/index.html",
    "sections/regulatory/index.html", "search/index.html", "upcoming/index.html",
])
def test_the_footer_and_logo_are_on_every_page(branded: Path, page: str) -> None:
    html = (branded / page).read_text(encoding="utf-8")
    assert "This update is <strong>not legal advice</strong>." in html
    assert 'href="https://firm.example/contact"' in html
    depth = page.count("/")
    assert f'<img class="logo" src="{"../" * depth}assets/firm-logo.png" alt="Test Newsletter"' in html


def test_the_logo_file_is_published_as_it_is(branded: Path) -> None:
    assert (branded / "assets/firm-logo.png").read_bytes() == PNG


def test_both_parts_of_the_email_carry_the_footer_and_the_html_the_logo(branded: Path) -> None:
    html = (branded / "issues/2022-05/email.html").read_text(encoding="utf-8")
    assert "not legal advice" in html
    assert 'src="https://news.example.org/assets/firm-logo.png" alt="Test Newsletter"' in html
    text = (branded / "issues/2022-05/email.txt").read_text(encoding="utf-8")
    assert "This update is not legal advice. Contact us [" in text
    assert "https://firm.example/contact" in text
    assert "not legal advice" in (branded / "issues/2022-05/email.eml").read_text(encoding="utf-8")


def test_an_https_logo_is_used_as_given(make_site: MakeSite) -> None:
    root = make_site({"newsletter.yaml": MINIMAL_CONFIG + "logo: https://cdn.firm.example/logo.png\n"})
    built(root)
    html = (root / "output/issues/2022-05/email.html").read_text(encoding="utf-8")
    assert 'src="https://cdn.firm.example/logo.png"' in html
    assert 'src="https://cdn.firm.example/logo.png"' in (root / "output/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("logo", "message"), [
    ("assets/missing.png", "error: there is no file assets/missing.png: put the logo in the project's assets/ folder"),
    ("assets/notes.txt", "error: logo 'assets/notes.txt' is not an image"),
    ("http://insecure.example/logo.png", "error: URL 'http://insecure.example/logo.png' uses the 'http:' scheme; "
                                         "expected an absolute https URL"),
])
def test_a_logo_that_cannot_be_shown_is_a_located_error(make_site: MakeSite, logo: str, message: str) -> None:
    root = make_site({"newsletter.yaml": MINIMAL_CONFIG + f"logo: {logo}\n", "assets/notes.txt": "notes"})
    result = run("check", cwd=root)
    assert result.exit_code == 1
    assert f"newsletter.yaml:10:7: {message}" in result.stderr


def test_an_svg_logo_is_a_warning_for_the_email(make_site: MakeSite) -> None:
    root = make_site({"newsletter.yaml": MINIMAL_CONFIG + "logo: assets/logo.svg\n", "assets/logo.svg": "<svg/>"})
    result = run("check", cwd=root)
    assert result.exit_code == 0
    assert "newsletter.yaml:10:7: warning: many mail clients show no .svg image" in result.stderr


def test_email_header_and_footer_blocks_can_be_overridden_alone(make_site: MakeSite) -> None:
    root = make_site({
        "newsletter.yaml": MINIMAL_CONFIG + FOOTER,
        "templates/email.html": '{% extends "default/email.html" %}{% block footer %}<p>Our own footer</p>'
                                "{{ super() }}{% endblock %}{% block header %}<p>Our own masthead</p>{% endblock %}",
        "templates/email.txt": '{% extends "default/email.txt" %}{% block header %}OUR OWN HEADER{% endblock %}'
                               "{% block footer %}Our own text footer{% endblock %}",
    })
    built(root)
    html = (root / "output/issues/2022-05/email.html").read_text(encoding="utf-8")
    assert "Our own masthead" in html and "Our own footer" in html and "not legal advice" in html
    assert "Test Newsletter</p>" not in html.split("Our own masthead", 1)[0].rsplit("<body", 1)[1]
    text = (root / "output/issues/2022-05/email.txt").read_text(encoding="utf-8")
    assert text.startswith("OUR OWN HEADER")
    assert text.rstrip().endswith("Our own text footer")
    assert "The body of the development." in text


def test_a_new_logo_is_published_by_the_next_build(make_site: MakeSite) -> None:
    root = make_site({"newsletter.yaml": MINIMAL_CONFIG + "logo: assets/logo.png\n", "assets/logo.png": PNG})
    built(root)
    (root / "assets/logo.png").write_bytes(PNG + b"\n")
    built(root)
    assert (root / "output/assets/logo.png").read_bytes() == PNG + b"\n"
    replace_in(root, "newsletter.yaml", "logo: assets/logo.png\n", "")
    (root / "assets/logo.png").unlink()
    built(root)
    assert not (root / "output/assets").exists()
