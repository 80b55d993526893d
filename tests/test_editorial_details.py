"""Small things an editor notices: authority ids in any case, Source or Sources, where a view links, the menu."""

from __future__ import annotations

from tests.conftest import MINIMAL_CONFIG, REGISTRY, REGISTRY_CONFIG, MakeSite, built, entry, run


def test_authority_ids_match_in_any_case_and_show_the_registrys_spelling(make_site: MakeSite) -> None:
    root = make_site({
        "newsletter.yaml": REGISTRY_CONFIG, "registry.yaml": REGISTRY,
        "content/2022-05/draft-rules.md": entry("Rules", authority="CAC", source="https://e.org/r"),
        "content/2022-05/other.md": entry("Other", authority="[Miit]", source="https://e.org/o"),
    })
    result = built(root)
    assert "unknown authority" not in result.stderr
    assert (root / "output/authorities/cac/index.html").is_file()
    assert (root / "output/authorities/miit/index.html").is_file()
    page = (root / "output/issues/2022-05/draft-rules/index.html").read_text(encoding="utf-8")
    assert "Cyberspace Administration of China (CAC)" in page


def test_a_misspelt_authority_is_matched_to_the_closest_id(make_site: MakeSite) -> None:
    root = make_site({
        "newsletter.yaml": REGISTRY_CONFIG, "registry.yaml": REGISTRY,
        "content/2022-05/draft-rules.md": entry("Rules", authority="MITT", source="https://e.org/r"),
    })
    result = run("check", cwd=root)
    assert "unknown authority id 'MITT'; did you mean 'miit'?" in result.stderr


def test_one_source_is_a_source_and_two_are_sources(make_site: MakeSite) -> None:
    two = entry("Two", source="https://e.org/a", date="2022-05-11").replace(
        "    url: https://e.org/a\n", "    url: https://e.org/a\n  - title: Second\n    url: https://e.org/b\n")
    root = make_site({"content/2022-05/two.md": two})
    built(root)
    page = (root / "output/issues/2022-05/index.html").read_text(encoding="utf-8")
    assert page.count('<p class="sources">Source:') == 1 and page.count('<p class="sources">Sources:') == 1
    email = (root / "output/issues/2022-05/email.html").read_text(encoding="utf-8")
    assert "Source: <a" in email and "Sources: <a" in email


def test_a_view_links_straight_to_its_article_on_the_web_as_in_the_email(make_site: MakeSite) -> None:
    root = make_site({"content/2022-05/our-view.md": entry(
        "Our view on the rules", "views", url="https://firm.example/insights/rules", body="Our take.\n")})
    built(root)
    page = (root / "output/issues/2022-05/index.html").read_text(encoding="utf-8")
    assert '<a href="https://firm.example/insights/rules" rel="noopener">Our view on the rules</a></h3>' in page
    email = (root / "output/issues/2022-05/email.html").read_text(encoding="utf-8")
    assert 'href="https://firm.example/insights/rules"' in email


def test_the_instruments_menu_appears_only_with_instruments(make_site: MakeSite) -> None:
    plain = make_site({"newsletter.yaml": MINIMAL_CONFIG})
    built(plain)
    assert ">Instruments</a>" not in (plain / "output/index.html").read_text(encoding="utf-8")
    registered = make_site({"newsletter.yaml": REGISTRY_CONFIG, "registry.yaml": REGISTRY,
                            "content/2022-05/draft-rules.md": entry("Rules", authority="cac", source="https://e.org/r")})
    built(registered)
    assert ">Instruments</a>" in (registered / "output/index.html").read_text(encoding="utf-8")


def test_status_other_is_not_shown_as_a_label(make_site: MakeSite) -> None:
    root = make_site({"content/2022-05/draft-rules.md": entry(
        "Rules", source="https://e.org/r", status="other", document_number="No. 5")})
    built(root)
    page = (root / "output/issues/2022-05/draft-rules/index.html").read_text(encoding="utf-8")
    assert '<p class="lifecycle"><span class="document-number">No. 5</span>' in page
    assert ">Other<" not in page


def test_email_and_web_write_deadlines_the_same_way(make_site: MakeSite) -> None:
    root = make_site({"content/2022-05/draft-rules.md": entry(
        "Rules", source="https://e.org/r", comment_deadline="2022-07-07")})
    built(root)
    for page in ("issues/2022-05/index.html", "issues/2022-05/email.html", "issues/2022-05/email.txt"):
        text = (root / "output" / page).read_text(encoding="utf-8")
        assert "7 July 2022" in text and "7 Jul 2022" not in text, page
