"""An issue's translations -> its words in each other language's edition.

Pure: no file access. A translation sits beside its original, named with the
edition's code: ``cac-draft-rules.zh.md`` translates ``cac-draft-rules.md``,
``issue.zh.yaml`` translates ``issue.yaml``. It gives only the words (the
title, highlight, body, the titles of its sources, an issue's summary and
intro); everything else (dates, authority, section, status, deadlines,
tags, references) is the original's, and a translation that says otherwise
is an error at its line. An issue is in an edition when it has that
edition's ``issue.<code>.yaml``; a development of such an issue without a
translation is shown there as written, marked with its language, and
``check`` warns about it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from newsletter.content.bundled import sized_images, target_problems
from newsletter.content.entries import ENTRY_FIELDS, SOURCE_FIELDS, bundle_problems, read_body, rendered_text
from newsletter.content.fields import Fields, did_you_mean
from newsletter.content.i18n import date_text
from newsletter.content.layout import EDITION_CODE, ISSUE_FILE
from newsletter.content.loading import RawDocument
from newsletter.content.markdown import render_markdown
from newsletter.errors import Problem, errors_in
from newsletter.model import Config, Edition, Entry, EntryDate, Issue, IssueTranslation, Source

ENTRY_WORDS = ("title", "highlight", "body", "sources", "url")
"""What a development's translation gives; ``url`` too, for the article's own version in that language."""
ISSUE_WORDS = ("title", "summary", "intro")
"""What an issue's translation gives."""
ISSUE_STEM = ISSUE_FILE.rsplit(".", 1)[0]



@dataclass
class TranslationFiles:
    """The files of one issue folder that translate it, by edition code."""

    issues: dict[str, RawDocument] = dataclasses.field(default_factory=dict)
    entries: dict[str, dict[str, RawDocument]] = dataclasses.field(default_factory=dict)
    """Edition code -> the original's slug -> the translation's file."""


def split_translations(
    docs: Iterable[RawDocument], config: Config, problems: list[Problem]
) -> tuple[list[RawDocument], TranslationFiles]:
    """Tell the developments of an issue folder from their translations (and ``issue.<code>.yaml``).

    A name that ends like an edition's code which ``languages:`` does not
    list is an error: its words would otherwise be published as an entry
    of their own, or not at all.
    """
    codes = [edition.code for edition in config.editions]
    by_tag = {edition.language.casefold(): edition.code for edition in config.editions}
    originals: list[RawDocument] = []
    found = TranslationFiles()
    for doc in docs:
        name = doc.path.rsplit("/", 1)[-1]
        stem, _, code = name.rsplit(".", 1)[0].rpartition(".")
        if stem and code.casefold() in by_tag and code not in codes:  # slug.zh-Hans.md for slug.zh.md
            problems.append(Problem(doc.path, 1, 1, f"'{name}' names the language, not the edition: name it "
                                    f"{name.replace(f'.{code}.', f'.{by_tag[code.casefold()]}.')}"))
        elif not stem or not EDITION_CODE.fullmatch(code):
            originals.append(doc)
        elif code not in codes:
            listed = f"it lists {', '.join(codes)}" if codes else "it lists none"
            problems.append(Problem(doc.path, 1, 1, f"'{name}' is named as a translation into '{code}', but "
                                    f"'languages:' in newsletter.yaml has no edition '{code}' ({listed})"))
        elif stem == ISSUE_STEM and name.endswith((".yaml", ".yml")):
            found.issues[code] = doc
        else:
            found.entries.setdefault(code, {})[stem] = doc
    return originals, found


def read_translations(
    issue: Issue,
    meta: RawDocument,
    originals: Sequence[RawDocument],
    files: TranslationFiles,
    config: Config,
    bundled: Mapping[str, bytes],
    problems: list[Problem],
    issue_fields: Sequence[str],
) -> tuple[IssueTranslation, ...]:
    """The issue in each edition it has an ``issue.<code>.yaml`` for; problems added to ``problems``.

    ``issue_fields`` are those of ``issue.yaml``, which its translations may hold too.
    """
    by_path = {doc.path: doc for doc in originals}
    translations = []
    for edition in config.editions:
        translated = files.entries.get(edition.code, {})
        _check_originals(translated, {entry.slug for entry in issue.entries}, edition, problems)
        issue_doc = files.issues.get(edition.code)
        if issue_doc is None:
            problems.extend(
                Problem(doc.path, 1, 1, f"this translation is not published: the issue has no "
                        f"issue.{edition.code}.yaml, which puts it in the '{edition.code}' edition", "warning")
                for doc in translated.values()
            )
            continue
        before = len(problems)
        words = _issue_words(issue_doc, meta, issue, issue_fields, edition, edition_url(config, edition), bundled,
                             problems)
        entries = [_entry_in_edition(entry, by_path[entry.source_path], translated.get(entry.slug), config, edition,
                                     bundled, problems) for entry in issue.entries]
        if words is not None and not errors_in(problems[before:]):
            translations.append(dataclasses.replace(words, entries=tuple(entries)))
    return tuple(translations)


def _check_originals(
    translated: Mapping[str, RawDocument], slugs: set[str], edition: Edition, problems: list[Problem]
) -> None:
    for slug, doc in translated.items():
        if slug not in slugs:
            problems.append(Problem(doc.path, 1, 1, f"this translates '{slug}', but the issue has no development "
                                    f"{slug}.md or {slug}.yaml (a translation sits beside its original)"
                                    f"{did_you_mean(slug, slugs)}"))


def edition_url(config: Config, edition: Edition) -> str:
    """Where the edition is published: ``<base_url><code>/``."""
    return f"{config.base_url}{edition.code}/"


def _issue_words(
    doc: RawDocument, meta: RawDocument, issue: Issue, issue_fields: Sequence[str], edition: Edition, site_url: str,
    bundled: Mapping[str, bytes], problems: list[Problem],
) -> IssueTranslation | None:
    """``issue.<code>.yaml``: the issue's title, summary and intro in the edition (published at ``site_url``).

    Without a title, the issue is called as its edition names issues: its title and the month.
    """
    problems.extend(doc.problems)
    if not doc.ok:
        return None
    fields = Fields(doc, issue_fields, problems)
    _contradictions(doc, meta, [key for key in issue_fields if key not in ISSUE_WORDS], problems)
    title = fields.line("title")
    intro = fields.markdown("intro") or ""
    problems.extend(doc.problem(("intro",), message) for _, message in target_problems(intro, bundled,
                                                                                      doc.path.rsplit("/", 1)[0] + "/"))
    month = date_text(EntryDate(issue.date.year, issue.date.month), edition.language)
    page_url = f"{site_url}{issue.path}"
    return IssueTranslation(
        code=edition.code,
        source_path=doc.path,
        title=title or f"{edition.title} — {month}",
        summary=(fields.text("summary") or "").strip(),
        intro_html=sized_images(render_markdown(intro, page_url, "intro"), page_url, bundled),
        entries=(),
    )


def _entry_in_edition(
    entry: Entry, original: RawDocument, doc: RawDocument | None, config: Config, edition: Edition,
    bundled: Mapping[str, bytes], problems: list[Problem],
) -> Entry:
    """The development as the edition shows it: from its translation, or as written, marked with its language."""
    page_url = f"{edition_url(config, edition)}issues/{entry.issue_id}/"
    if doc is None:
        if not entry.draft:
            problems.append(Problem(entry.source_path, 1, 1, f"no '{edition.code}' translation: the "
                                    f"'{edition.code}' edition shows this development as written; translate it "
                                    f"in {entry.slug}.{edition.code}.md", "warning"))
        body, highlight = _written_words(original)
        text = rendered_text(entry.title, body, highlight, entry.sources, page_url, entry.slug, bundled)
        return dataclasses.replace(entry, **text, language=config.language)
    problems.extend(doc.problems)
    if not doc.ok:
        return entry
    is_markdown = doc.body is not None
    fields = Fields(doc, [f for f in ENTRY_FIELDS if f != "body" or not is_markdown], problems)
    _contradictions(doc, original, [key for key in ENTRY_FIELDS if key not in ENTRY_WORDS], problems)
    title = fields.line("title")
    body = read_body(doc, fields, needs_body=False)
    highlight = fields.markdown("highlight")
    sources = _source_titles(fields, entry.sources)
    problems.extend(bundle_problems(doc, body, highlight, bundled))
    # Words left out would be published in the original's language under a page that says it is in this one.
    for key, given, kept in (("title", title, entry.title), ("body", body.strip(), entry.body_html),
                             ("highlight", highlight, entry.highlight_html)):
        if kept and not given:
            where = "after the front matter" if key == "body" and is_markdown else f"as '{key}:'"
            problems.append(doc.problem((), f"the translation has no {key}: write the {key} in "
                                            f"{edition.name} {where}, or delete this file to show the development "
                                            "as written, marked as untranslated"))
    original_body, original_highlight = _written_words(original)
    text = rendered_text(title or entry.title, body if body.strip() else original_body,
                         highlight or original_highlight, sources, page_url, entry.slug, bundled)
    return dataclasses.replace(entry, **text, sources=sources, source_path=doc.path,
                               url=fields.url("url") or entry.url)


def _written_words(doc: RawDocument) -> tuple[str, str | None]:
    """The Markdown of a file that validated: its body and its highlight, as written."""
    body = doc.body if doc.body is not None else str(doc.data.get("body") or "")
    highlight = doc.data.get("highlight")
    return body, str(highlight) if highlight else None


def _source_titles(fields: Fields, sources: tuple[Source, ...]) -> tuple[Source, ...]:
    """The original's sources with the translation's titles: the same documents, in the same order."""
    if not fields.has("sources"):
        return sources
    given = list(fields.mappings("sources", SOURCE_FIELDS))
    if len(given) != len(sources):
        fields.error("sources", f"the translation lists {len(given)} sources and the original {len(sources)}: "
                                "give the title of each of the original's sources, in its order")
        return sources
    titled = []
    for index, (source, original) in enumerate(zip(given, sources, strict=True)):
        url = source.url("url")
        if url is not None and url != original.url:
            fields.item_problem("sources", index, f"source {index + 1} links to {url}, the original's to "
                                f"{original.url}: a translation names the same documents (leave out 'url')")
        titled.append(Source((source.line("title") or original.title).strip(), original.url))
    return tuple(titled)


def _contradictions(doc: RawDocument, original: RawDocument, inherited: Iterable[str], problems: list[Problem]) -> None:
    """An error at each inherited field that the translation gives differently from its original."""
    for key in inherited:
        if key in doc.data and (here := _same(doc.data[key])) != (there := _same(original.data.get(key))):
            said = f"'{there}'" if key in original.data else "nothing"
            problems.append(doc.problem((key,), f"'{key}' is '{here}' here but {said} in the original "
                                        f"({original.path}): a translation takes '{key}' from its original; "
                                        "remove it here"))


def _same(value: Any) -> Any:
    """``value`` as compared between a translation and its original: text stripped, lists of one unwrapped."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        items = [_same(item) for item in value]
        return items[0] if len(items) == 1 else items
    if isinstance(value, dict):
        return {key: _same(item) for key, item in value.items()}
    return value


def edition_config(config: Config, edition: Edition) -> Config:
    """The settings of an edition: the newsletter's, in its language, published under ``<code>/``."""
    return dataclasses.replace(
        config,
        edition=edition.code,
        language=edition.language,
        language_name=edition.name,
        title=edition.title,
        description=edition.description,
        base_url=edition_url(config, edition),
        sections=edition.sections,
        email=edition.email,
        footer_html=edition.footer_html,
    )


def issues_in_edition(issues: Iterable[Issue], edition: Edition) -> list[Issue]:
    """The issues that have a translation into ``edition``, as it shows them (sections and numbers kept)."""
    titles = {section.id: section.title for section in edition.sections}
    shown = []
    for issue in issues:
        translation = next((t for t in issue.translations if t.code == edition.code), None)
        if translation is None:
            continue
        entries = {entry.ref: entry for entry in translation.entries}
        sections = tuple(
            dataclasses.replace(section, title=titles.get(section.id, section.title), items=tuple(
                dataclasses.replace(item, entry=entries[item.entry.ref]) for item in section.items))
            for section in issue.sections
        )
        shown.append(dataclasses.replace(
            issue, source_path=translation.source_path, title=translation.title, summary=translation.summary,
            intro_html=translation.intro_html, sections=sections, translations=(), coming_up=(),
        ))
    return shown
