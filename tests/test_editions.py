"""Editions in other languages: translations beside their originals, each edition mirrored under its folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REGISTRY, MakeSite, built, cold_build, entry, png, replace_in, run, tree, write_files
from tests.test_i18n import english_messages, visible_text
from tests.test_send import Mailbox, mailbox  # noqa: F401  (a fixture)
from tests.test_send_list import parsed

CONFIG = """\
title: China Data Protection
base_url: https://news.example.org/
description: Monthly developments in Chinese data law.
email:
  from: Team <team@news.example.org>
  unsubscribe_url: https://news.example.org/unsubscribe?email={email}
languages:
  zh:
    language: zh-Hans
    title: 中国数据保护动态
    description: 每月汇总中国数据法律的最新动态。
    email:
      from: 团队 <zh@news.example.org>
"""

TRANSLATED_DRAFT = """\
---
title: 网信办就数据出境规则征求意见
highlight: 企业应在**截止日前**提交意见。
sources:
  - title: 网信办通知
---
网信办发布了数据出境规则的征求意见稿。

![会场](forum.png)
"""

PROJECT: dict[str, str | bytes | None] = {
    "newsletter.yaml": CONFIG,
    "registry.yaml": REGISTRY,
    "content/2022-04/issue.yaml": "date: 2022-04-15\n",
    "content/2022-04/april-note.md": entry("April note", "industry", "2022-04-02", authority="miit",
                                           body="An English-only issue.\n"),
    "content/2022-05/issue.yaml": "date: 2022-05-15\ntitle: May 2022\nsummary: Draft export rules.\n",
    "content/2022-05/issue.zh.yaml": "title: 2022年5月刊\nsummary: 数据出境规则征求意见。\nintro: 欢迎阅读本期。\n",
    "content/2022-05/draft-rules.md": entry(
        "CAC consults on data export rules", authority="cac", source="https://e.org/a", status="draft-for-comment",
        comment_deadline="2022-06-30", instruments="[pipl]", highlight="Comment **before the deadline**.",
        tags="[cross-border]", body="The CAC published draft rules.\n\n![Forum](forum.png)\n"),
    "content/2022-05/draft-rules.zh.md": TRANSLATED_DRAFT,
    "content/2022-05/forum.png": png(8, 8),
    "content/2022-05/final-rules.md": entry("MIIT names apps", "enforcement", "2022-05-12", authority="miit",
                                            source="https://e.org/b", body="MIIT named apps.\n"),
    "content/2022-05/final-rules.zh.md": "---\ntitle: 工信部通报应用程序\ndate: 2022-05-12\n---\n"
                                         "工信部通报了一批应用程序。\n",
    "content/2022-05/untranslated.md": entry("Industry body issues guide", "industry", "2022-05-03",
                                             body="Only in English for now.\n"),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_files(tmp_path_factory.mktemp("editions") / "site", PROJECT)
    built(root)
    return root


@pytest.fixture(scope="module")
def output(project: Path) -> Path:
    return project / "output"


def test_the_other_edition_mirrors_the_translated_issues_under_its_folder(output: Path) -> None:
    zh = output / "zh"
    for path in ("index.html", "issues/2022-05/index.html", "issues/2022-05/draft-rules/index.html",
                 "issues/2022-05/email.html", "issues/2022-05/email.txt", "issues/2022-05/email.eml",
                 "issues/2022-05/forum.png", "feed.xml", "atom.xml", "feed.json", "calendar.ics",
                 "authorities/cac/index.html", "sections/regulatory/index.html", "tags/cross-border/index.html",
                 "search/index.html"):
        assert (zh / path).is_file(), path
    assert not (zh / "issues/2022-04").exists()  # no issue.zh.yaml: not in the edition
    page = (zh / "issues/2022-05/index.html").read_text(encoding="utf-8")
    assert "2022年5月刊" in page and "欢迎阅读本期。" in page and "网信办就数据出境规则征求意见" in page
    assert '<html lang="zh-Hans">' in page and "2022年5月15日" in page
    english = (output / "issues/2022-05/index.html").read_text(encoding="utf-8")
    assert "15 May 2022" in english and "网信办" not in english


def test_a_translation_keeps_its_originals_place_and_facts(output: Path) -> None:
    page = (output / "zh/issues/2022-05/draft-rules/index.html").read_text(encoding="utf-8")
    assert "网信办发布了数据出境规则的征求意见稿。" in page
    assert "征求意见截止" in page and "2022年6月30日" in page  # the original's deadline, in Chinese
    assert "国家互联网信息办公室（CAC）" in page  # the registry's Chinese name
    assert ">网信办通知</a>" in page and 'href="https://e.org/a"' in page
    assert 'src="../forum.png"' in page  # the image published with the edition's issue
    assert "工信部通报应用程序" in (output / "zh/issues/2022-05/index.html").read_text(encoding="utf-8")


def test_an_untranslated_development_is_shown_as_written_and_marked(output: Path) -> None:
    page = (output / "zh/issues/2022-05/untranslated/index.html").read_text(encoding="utf-8")
    assert '<h1 lang="en">' in page and "Only in English for now." in page
    assert "（仅有英语版）" in page
    issue = (output / "zh/issues/2022-05/index.html").read_text(encoding="utf-8")
    assert "（仅有英语版）" in issue and issue.count("（仅有英语版）") == 1
    assert "（仅有英语版）" in (output / "zh/issues/2022-05/email.txt").read_text(encoding="utf-8")


def test_check_warns_of_each_untranslated_development_and_strict_fails(project: Path) -> None:
    checked = run("check", cwd=project)
    assert checked.exit_code == 0, checked.output
    warned = [line for line in checked.output.splitlines() if "no 'zh' translation" in line]
    assert warned == [line for line in warned if line.startswith("content/2022-05/untranslated.md:1:1: warning")]
    assert len(warned) == 1
    strict = run("check", "--strict", cwd=project)
    assert strict.exit_code == 1 and "no 'zh' translation" in strict.output


def test_no_english_interface_word_in_the_chinese_edition(project: Path, output: Path) -> None:
    written = REGISTRY + "".join(p.read_text(encoding="utf-8") for p in (project / "content").rglob("*.*")
                                 if p.suffix in (".md", ".yaml"))
    english = {piece: text for piece, text in english_messages().items() if piece not in written}
    zh = output / "zh"
    files = [p for p in zh.rglob("*") if p.suffix in (".html", ".txt", ".xml", ".json", ".ics")]
    assert len(files) > 20
    left = {
        (path.relative_to(zh).as_posix(), piece)
        for path in files for piece in english if re.search(rf"\b{re.escape(piece)}\b", visible_text(path))
    }
    assert sorted(left) == []


def _alternates(page: Path) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page.read_text("utf-8")))


def test_every_page_with_a_counterpart_links_to_it_both_ways(output: Path) -> None:
    zh_pages = sorted((output / "zh").rglob("index.html"))
    assert len(zh_pages) > 15
    for zh_page in zh_pages:
        path = zh_page.relative_to(output / "zh").as_posix()
        english_page = output / path
        url_path = path.removesuffix("index.html")
        expected = {"en": f"https://news.example.org/{url_path}", "zh-Hans": f"https://news.example.org/zh/{url_path}",
                    "x-default": f"https://news.example.org/{url_path}"}
        if english_page.is_file() and path != "issues/2022-05/untranslated/index.html":  # see below
            assert _alternates(zh_page) == expected, path
            assert _alternates(english_page) == expected, path
        else:
            assert _alternates(zh_page) == {}, path
    assert _alternates(output / "issues/2022-04/index.html") == {}


def test_the_language_switcher_goes_to_the_counterpart_or_the_editions_home(output: Path) -> None:
    page = (output / "zh/issues/2022-05/draft-rules/index.html").read_text(encoding="utf-8")
    assert '<a href="../../../../issues/2022-05/draft-rules/" hreflang="en" lang="en">English</a>' in page
    assert '<span aria-current="page" lang="zh-Hans">中文</span>' in page
    english = (output / "issues/2022-04/index.html").read_text(encoding="utf-8")
    assert '<a href="../../zh/" hreflang="zh-Hans" lang="zh-Hans">中文</a>' in english
    for link in re.findall(r'class="language-switch".*?</nav>', english + page, flags=re.DOTALL):
        for href in re.findall(r'href="([^"]+)"', link):
            base = output / "issues/2022-04" if link in english else output / "zh/issues/2022-05/draft-rules"
            assert (base / href / "index.html").resolve().is_file(), href


def test_the_sitemap_lists_every_edition_with_its_alternates(output: Path) -> None:
    sitemap = (output / "sitemap.xml").read_text(encoding="utf-8")
    assert 'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in sitemap
    assert "<loc>https://news.example.org/zh/issues/2022-05/</loc>" in sitemap
    block = re.search(r"<url>\s*<loc>https://news.example.org/issues/2022-05/</loc>(.*?)</url>", sitemap, re.DOTALL)
    assert block is not None
    assert 'hreflang="zh-Hans" href="https://news.example.org/zh/issues/2022-05/"' in block[1]
    assert "<url><loc>https://news.example.org/issues/2022-04/</loc></url>" in sitemap
    assert not (output / "zh/sitemap.xml").exists()


def test_each_editions_feeds_and_email_speak_its_language(output: Path) -> None:
    assert "<language>zh-Hans</language>" in (output / "zh/feed.xml").read_text(encoding="utf-8")
    assert 'xml:lang="zh-Hans"' in (output / "zh/atom.xml").read_text(encoding="utf-8")
    assert '"language": "zh-Hans"' in (output / "zh/feed.json").read_text(encoding="utf-8").replace('":"', '": "')
    page = (output / "zh/index.html").read_text(encoding="utf-8")
    assert 'href="feed.xml"' in page  # its own feeds
    message = (output / "zh/issues/2022-05/email.eml").read_text(encoding="utf-8")
    assert "zh@news.example.org" in message and "2022" in message
    assert "https://news.example.org/zh/issues/2022-05/" in (output / "zh/issues/2022-05/email.txt").read_text("utf-8")


@pytest.mark.parametrize(("files", "where", "message"), [
    ({"content/2022-05/draft-rules.zh.md": TRANSLATED_DRAFT.replace("title:", "date: 2022-05-11\ntitle:", 1)},
     "content/2022-05/draft-rules.zh.md:2:", "'date' is '2022-05-11' here but '2022-05-10' in the original "
                                           "(content/2022-05/draft-rules.md)"),
    ({"content/2022-05/draft-rules.zh.md": TRANSLATED_DRAFT.replace("title:", "authority: miit\ntitle:", 1)},
     "content/2022-05/draft-rules.zh.md:2:", "'authority' is 'miit' here but 'cac' in the original"),
    ({"content/2022-05/draft-rules.zh.md": TRANSLATED_DRAFT.replace("  - title: 网信办通知\n",
                                                                    "  - title: 网信办通知\n    url: https://e.org/x\n")},
     "content/2022-05/draft-rules.zh.md:5:", "source 1 links to https://e.org/x, the original's to https://e.org/a"),
    ({"content/2022-05/gone.zh.md": "---\ntitle: 无原文\n---\n正文。\n"},
     "content/2022-05/gone.zh.md:1:1", "this translates 'gone', but the issue has no development gone.md"),
    ({"content/2022-05/draft-rules.fr.md": "---\ntitle: Règles\n---\nTexte.\n"},
     "content/2022-05/draft-rules.fr.md:1:1", "has no edition 'fr' (it lists zh)"),
    ({"content/2022-05/issue.zh.yaml": "title: 五月\ndate: 2022-05-16\n"},
     "content/2022-05/issue.zh.yaml:2:",
     "'date' is '2022-05-16' here but '2022-05-15' in the original (content/2022-05/issue.yaml)"),
    ({"newsletter.yaml": CONFIG.replace("language: zh-Hans", "language: en")},
     "newsletter.yaml:9:", "'en' is the newsletter's own language"),
    ({"newsletter.yaml": CONFIG.replace("  zh:\n", "  issues:\n")},
     "newsletter.yaml:", "edition code 'issues' must be a short language code"),
])
def test_a_translation_that_contradicts_or_has_no_place_is_a_located_error(
    make_site: MakeSite, files: dict[str, str | bytes | None], where: str, message: str
) -> None:
    root = make_site({**PROJECT, **files}, minimal=False)
    result = run("check", cwd=root)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if message in line]
    assert lines and lines[0].startswith(where), result.output


def test_translations_of_an_issue_outside_the_edition_are_warned_about(make_site: MakeSite) -> None:
    root = make_site({**PROJECT, "content/2022-04/april-note.zh.md": "---\ntitle: 四月\n---\n正文。\n"}, minimal=False)
    result = run("check", cwd=root)
    assert result.exit_code == 0, result.output
    assert ("content/2022-04/april-note.zh.md:1:1: warning: this translation is not published: the issue has no "
            "issue.zh.yaml") in result.output


def test_an_edited_translation_rebuilds_to_what_a_cold_build_makes(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site(PROJECT, minimal=False)
    built(root)
    before = tree(root / "output")
    replace_in(root, "content/2022-05/final-rules.zh.md", "工信部通报应用程序", "工信部通报一批应用程序")
    built(root)
    after = tree(root / "output")
    assert after == cold_build(root, tmp_path)
    changed = {path for path in after if before.get(path) != after[path]}
    assert "zh/issues/2022-05/final-rules/index.html" in changed
    assert not {path for path in changed if path.startswith("issues/")}  # the English edition is untouched


def test_a_newsletter_without_editions_has_no_language_links(make_site: MakeSite) -> None:
    root = make_site()
    built(root)
    page = (root / "output/issues/2022-05/index.html").read_text(encoding="utf-8")
    assert 'rel="alternate" hreflang' not in page and "language-switch" not in page
    assert not (root / "output/zh").exists()


def test_mv_takes_the_translations_along(make_site: MakeSite) -> None:
    root = make_site(PROJECT, minimal=False)
    moved = run("mv", "2022-05/final-rules", "2022-05/miit-names-apps", cwd=root)
    assert moved.exit_code == 0, moved.output
    folder = root / "content/2022-05"
    assert (folder / "miit-names-apps.zh.md").is_file() and not (folder / "final-rules.zh.md").exists()
    built(root)
    assert (root / "output/zh/issues/2022-05/miit-names-apps/index.html").is_file()
    assert "moved its translation" in moved.output and "warning" not in moved.output
    away = run("mv", "2022-05/miit-names-apps", "2022-04/miit-names-apps", cwd=root)
    assert away.exit_code == 0, away.output
    assert "warning: issue 2022-04 has no issue.zh.yaml, so the 'zh' edition does not publish it" in away.output


def test_the_other_editions_feeds_are_valid_and_absolute(output: Path) -> None:
    import json
    from xml.etree import ElementTree

    import feedparser
    import jsonschema

    from tests.test_feeds import ATOM, JSON_FEED_SCHEMA, xml_feeds

    feeds = xml_feeds(output / "zh")
    assert len(feeds) > 6
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        self_url = "https://news.example.org/zh/" + path.relative_to(output / "zh").as_posix()
        links = [(link.get("rel"), link.get("href")) for link in ElementTree.parse(path).getroot().iter(f"{ATOM}link")]
        assert ("self", self_url) in links, path
        assert all(entry.link.startswith("https://news.example.org/zh/") for entry in parsed.entries), path
    document = json.loads((output / "zh/feed.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, JSON_FEED_SCHEMA)
    assert [item["title"] for item in document["items"]] == ["2022年5月刊"]


def test_send_edition_sends_the_other_languages_email_with_its_own_journal(
    make_site: MakeSite, mailbox: tuple[Mailbox, int]  # noqa: F811
) -> None:
    box, port = mailbox
    root = make_site(PROJECT, minimal=False)
    server = ("--smtp-host", "127.0.0.1", "--smtp-port", str(port))
    sent = run("send", "2022-05", "--edition", "zh", "--to", "ann@example.org", *server, cwd=root)
    assert sent.exit_code == 0, sent.output
    message = parsed(box.messages[-1][2])
    assert message["Subject"] == "2022年5月刊" and message["From"] == "团队 <zh@news.example.org>"
    text = message.get_body(("plain",))
    assert text is not None and "网信办发布了数据出境规则的征求意见稿。" in text.get_content()
    assert message["List-Unsubscribe"] == "<https://news.example.org/unsubscribe?email=ann@example.org>"
    english = run("send", "2022-05", "--to", "ann@example.org", *server, cwd=root)
    assert english.exit_code == 0, english.output  # a journal per edition: the English one is not "sent"
    assert parsed(box.messages[-1][2])["Subject"] == "May 2022" and len(box.messages) == 2
    dry = run("send", "2022-05", "--edition", "zh", "--to", "bo@example.org", "--dry-run", *server, cwd=root)
    assert dry.exit_code == 0, dry.output
    assert "Subject: 2022年5月刊\nFrom: 团队 <zh@news.example.org>\nEdition: zh (zh-Hans)\n" in dry.output
    assert len(box.messages) == 2
    for args, error in ((("2022-04", "--edition", "zh"), "issue '2022-04' is not in the 'zh' edition"),
                        (("2022-05", "--edition", "fr"), "there is no 'fr' edition")):
        refused = run("send", *args, "--to", "ann@example.org", *server, cwd=root)
        assert refused.exit_code == 1 and error in refused.output, refused.output


@pytest.mark.parametrize(("files", "where", "message"), [
    ({"content/2022-05/final-rules.zh.md": "---\ndate: 2022-05-12\n---\n工信部通报了一批应用程序。\n"},
     "content/2022-05/final-rules.zh.md:2:1", "the translation has no title: write the title in 中文 as 'title:'"),
    ({"content/2022-05/final-rules.zh.md": "---\ntitle: 工信部通报应用程序\n---\n"},
     "content/2022-05/final-rules.zh.md:2:1", "the translation has no body: write the body in 中文 after the front"),
    ({"content/2022-05/draft-rules.zh.md": TRANSLATED_DRAFT.replace("highlight: 企业应在**截止日前**提交意见。\n", "")},
     "content/2022-05/draft-rules.zh.md:2:1", "the translation has no highlight"),
    ({"content/2022-05/final-rule.zh.md": "---\ntitle: 工信部\n---\n正文。\n"},
     "content/2022-05/final-rule.zh.md:1:1", "no development final-rule.md or final-rule.yaml (a translation sits "
                                              "beside its original); did you mean 'final-rules'?"),
    ({"content/2022-05/final-rules.zh-Hans.md": "---\ntitle: 工信部\n---\n正文。\n"},
     "content/2022-05/final-rules.zh-Hans.md:1:1", "names the language, not the edition: name it final-rules.zh.md"),
])
def test_a_translation_that_leaves_out_words_or_misses_its_original_is_an_error(
    make_site: MakeSite, files: dict[str, str | bytes | None], where: str, message: str
) -> None:
    root = make_site({**PROJECT, **files}, minimal=False)
    result = run("check", cwd=root)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if message in line]
    assert lines and lines[0].startswith(where), result.output


def test_an_issue_translation_without_a_title_is_named_as_its_edition_names_issues(make_site: MakeSite) -> None:
    root = make_site({**PROJECT, "content/2022-05/issue.zh.yaml": "summary: 摘要。\n"}, minimal=False)
    built(root)
    page = (root / "output/zh/issues/2022-05/index.html").read_text(encoding="utf-8")
    assert "<h1>中国数据保护动态 — 2022年5月</h1>" in page


def test_a_mistake_in_the_settings_is_the_one_error_reported(make_site: MakeSite) -> None:
    for mistake in (CONFIG.replace("language: zh-Hans", "language: zh_CN"), CONFIG + "timezone: Asia/Shangai\n",
                    CONFIG.replace("language: zh-Hans", "language: qq-Hans")):
        root = make_site({**PROJECT, "newsletter.yaml": mistake}, minimal=False)
        result = run("check", cwd=root)
        assert result.exit_code == 1
        errors = [line for line in result.output.splitlines() if ": error: " in line]
        assert len(errors) == 1 and errors[0].startswith("newsletter.yaml:"), result.output


def test_a_language_without_a_catalog_is_warned_about_at_its_line(make_site: MakeSite) -> None:
    root = make_site({**PROJECT, "newsletter.yaml": CONFIG.replace("language: zh-Hans", "language: zh-Hant")},
                     minimal=False)
    result = run("check", cwd=root)
    assert result.exit_code == 0, result.output
    assert ("newsletter.yaml:9:15: warning: the tool has no catalog for 'zh-Hant': the words of the interface "
            "(headings, labels, the email's lines) will be in English; add them in locales/zh_Hant/messages.po") \
        in result.output
    write_files(root, {"locales/zh_Hant/messages.po": 'msgid "Archive"\nmsgstr "歸檔"\n'})
    assert "no catalog" not in run("check", cwd=root).output


def test_an_untranslated_development_is_no_ones_counterpart(output: Path) -> None:
    assert _alternates(output / "zh/issues/2022-05/untranslated/index.html") == {}
    assert _alternates(output / "issues/2022-05/untranslated/index.html") == {}
    sitemap = (output / "sitemap.xml").read_text(encoding="utf-8")
    assert 'hreflang="zh-Hans" href="https://news.example.org/zh/issues/2022-05/untranslated/"' not in sitemap


def test_an_edition_has_its_own_footer_or_the_newsletters_marked_with_its_language(make_site: MakeSite) -> None:
    footer = "footer: Not legal advice.\n"
    root = make_site({**PROJECT, "newsletter.yaml": CONFIG + footer}, minimal=False)
    built(root)
    page = (root / "output/zh/index.html").read_text(encoding="utf-8")
    assert '<div class="footer-note"><div lang="en"><p>Not legal advice.</p></div></div>' in page
    own = CONFIG.replace("    email:\n", "    footer: 本刊不构成法律意见。\n    email:\n", 1) + footer
    root = make_site({**PROJECT, "newsletter.yaml": own}, minimal=False)
    built(root)
    page = (root / "output/zh/index.html").read_text(encoding="utf-8")
    assert "<p>本刊不构成法律意见。</p>" in page and "Not legal advice." not in page
    assert "本刊不构成法律意见。" in (root / "output/zh/issues/2022-05/email.txt").read_text(encoding="utf-8")


def test_each_editions_calendar_and_list_are_its_own(output: Path) -> None:
    english = (output / "calendar.ics").read_text(encoding="utf-8")
    chinese = (output / "zh/calendar.ics").read_text(encoding="utf-8")
    uids = {line for line in english.splitlines() if line.startswith("UID:")}
    zh_uids = {line for line in chinese.splitlines() if line.startswith("UID:")}
    assert uids and zh_uids and not uids & zh_uids
    message = (output / "zh/issues/2022-05/email.eml").read_text(encoding="utf-8")
    assert "Content-Language: zh-Hans" in message and ".zh.news.example.org>" in message


def test_the_chinese_edition_names_authorities_and_laws_in_chinese(output: Path) -> None:
    listing = (output / "zh/authorities/index.html").read_text(encoding="utf-8")
    assert ">国家互联网信息办公室（CAC）</a>" in listing and "Cyberspace Administration" not in listing
    term = (output / "zh/authorities/cac/index.html").read_text(encoding="utf-8")
    assert '<h1>国家互联网信息办公室 <span lang="en">Cyberspace Administration of China</span></h1>' in term
    feed = (output / "zh/feed.xml").read_text(encoding="utf-8")
    assert "国家互联网信息办公室（CAC）" in feed
    english = (output / "authorities/cac/index.html").read_text(encoding="utf-8")
    assert '<h1>Cyberspace Administration of China <span lang="zh">国家互联网信息办公室</span></h1>' in english
