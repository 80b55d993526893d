"""One issue folder -> a validated :class:`~newsletter.model.Issue`, its entries in sections.

Pure: no file access. Every problem in every file is collected; the caller
decides whether they stop the build. Within a section, entries with
``order`` come first, ascending, then the rest by date, then title;
numbered sections number their items 1..n.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from newsletter.content.bundled import LARGE_IMAGE_BYTES, is_image, referenced, sized_images, target_problems
from newsletter.content.entries import LONGEST_TITLE, read_entries
from newsletter.content.fields import SLUG, Fields
from newsletter.content.layout import ENTRY_SUFFIXES, ISSUE_FILE
from newsletter.content.loading import RawDocument, RawIssue
from newsletter.content.markdown import render_markdown
from newsletter.content.translations import read_translations, split_translations
from newsletter.errors import Problem, errors_in
from newsletter.model import Config, Entry, Issue, Item, Section, month_year, reading_order
from newsletter.options import Options

ISSUE_FIELDS = ("date", "title", "summary", "intro", "draft", "upcoming")
PREHEADER_BUDGET = 150
"""Characters of ``summary`` an inbox shows beside the subject before cutting it off."""
MAX_DAYS_FROM_ISSUE = 183
SOURCED_SECTIONS = ("regulatory", "enforcement")
"""Sections whose entries should cite a primary source."""

IssueResult = tuple[Issue | None, list[Problem]]
"""A validated issue (``None`` if it has errors or is a draft left out) and its problems."""


def read_issue(raw: RawIssue, config: Config, options: Options) -> IssueResult:
    """Validate one issue folder: a pure function of its files, the settings and the options."""
    issue, problems = _read_issue(raw, config)
    if issue is None or (issue.draft and not options.drafts):
        return None, problems
    return (issue if options.drafts else without_draft_entries(issue)), problems


def without_draft_entries(issue: Issue) -> Issue:
    """The issue as a build without drafts shows it: draft entries left out, items numbered again."""
    sections = []
    for section in issue.sections:
        entries = [item.entry for item in section.items if not item.entry.draft]
        if entries:
            sections.append(_section(section.id, section.title, section.numbered, entries))
    return dataclasses.replace(issue, sections=tuple(sections))


def _read_issue(raw: RawIssue, config: Config) -> tuple[Issue | None, list[Problem]]:
    problems: list[Problem] = []
    issue_id = raw.folder.rsplit("/", 1)[-1]
    if not SLUG.fullmatch(issue_id):
        problems.append(
            Problem(raw.folder, 1, 1, f"issue folder name '{issue_id}' is not a valid id: "
                    "use lowercase letters, digits and hyphens, like 2022-05")
        )
    if raw.meta is None:
        problems.append(Problem(raw.folder, 1, 1, f"issue folder has no {ISSUE_FILE}: "
                                f"create one with `newsletter new issue {issue_id}`"))
        meta = None
    else:
        meta = _read_issue_meta(raw.meta, config, issue_id, problems)
    bundled = dict(raw.bundled)
    if raw.meta is not None and raw.meta.ok:
        intro = str(raw.meta.data.get("intro") or "")
        problems.extend(raw.meta.problem(("intro",), message)
                        for _, message in target_problems(intro, bundled, f"{raw.folder}/"))
    originals, translated = split_translations(raw.entries, config, problems)
    entries = read_entries(originals, config, issue_id, problems, bundled)
    problems.extend(
        Problem(path, 1, 1, f"file is not read: entries are {', '.join(ENTRY_SUFFIXES)} files "
                "(start the name with _ to keep a file here on purpose)", "warning")
        for path in raw.unread
    )
    if meta is None or any(p.severity == "error" for p in problems):
        return None, problems
    _warn_about_issue(raw, meta.date, meta.summary, entries, problems)
    problems.extend(_bundled_warnings(raw))
    sections = tuple(
        _section(section.id, section.title, section.numbered, grouped)
        for section in config.sections
        if (grouped := [e for e in entries if e.section_id == section.id])
    )
    intro_html = sized_images(meta.intro_html, f"{config.base_url}{meta.path}", bundled)
    issue = dataclasses.replace(meta, sections=sections, files=tuple(raw.bundled), intro_html=intro_html)
    assert raw.meta is not None
    translations = read_translations(issue, raw.meta, originals, translated, config, bundled, problems, ISSUE_FIELDS)
    if errors_in(problems):
        return None, problems
    return dataclasses.replace(issue, translations=translations), problems


def _bundled_warnings(raw: RawIssue) -> list[Problem]:
    """Bundled files nothing names (published all the same), and images too large for an email."""
    texts = [str(doc.data.get(key) or "") for doc in raw.entries for key in ("body", "highlight")]
    texts += [doc.body or "" for doc in raw.entries]
    texts += [str(raw.meta.data.get("intro") or "")] if raw.meta is not None else []
    named = set().union(*(referenced(text) for text in texts))
    problems = []
    for name, data in raw.bundled:
        path = f"{raw.folder}/{name}"
        if name not in named:
            problems.append(Problem(path, 1, 1, "no entry of this issue shows or links to this file; it is "
                                    f"published all the same, at issues/{raw.folder.rsplit('/', 1)[-1]}/{name}",
                                    "warning"))
        if is_image(name) and len(data) > LARGE_IMAGE_BYTES:
            problems.append(Problem(path, 1, 1, f"image is {len(data) / 1_000_000:.1f} MB: emails with it open "
                                    "slowly on phones; make it smaller than 1 MB", "warning"))
    return problems


def _read_issue_meta(doc: RawDocument, config: Config, issue_id: str, problems: list[Problem]) -> Issue | None:
    """Read ``issue.yaml`` into an issue that has no sections yet."""
    problems.extend(doc.problems)
    if not doc.ok:
        return None
    fields = Fields(doc, ISSUE_FIELDS, problems)
    date = fields.date("date", required=True)
    title = fields.line("title")
    summary = fields.text("summary") or ""
    intro = fields.markdown("intro") or ""
    draft = fields.boolean("draft")
    show_coming_up = fields.boolean("upcoming") if fields.has("upcoming") else True
    if title is not None and len(title) > LONGEST_TITLE:
        problems.append(doc.problem(("title",), f"title is {len(title)} characters; the email's subject is cut "
                                    f"short in inboxes after about {LONGEST_TITLE}", "warning"))
    if date is None:
        return None
    published = date.sort_date
    page_url = f"{config.base_url}issues/{issue_id}/"
    return Issue(
        id=issue_id,
        source_path=doc.path,
        date=published,
        title=title or f"{config.title} — {month_year(published)}",
        summary=summary.strip(),
        intro_html=render_markdown(intro, page_url, "intro"),
        sections=(),
        draft=draft,
        show_coming_up=show_coming_up,
    )


def _warn_about_issue(
    raw: RawIssue, date: dt.date, summary: str, entries: list[Entry], problems: list[Problem]
) -> None:
    assert raw.meta is not None
    if not entries:
        problems.append(raw.meta.problem((), "issue has no entries", "warning"))
    elif all(entry.draft for entry in entries):
        problems.append(raw.meta.problem((), "every entry of this issue is a draft: it is published empty "
                                         "unless you build with --drafts", "warning"))
    if len(summary) > PREHEADER_BUDGET:
        problems.append(
            raw.meta.problem(
                ("summary",),
                f"summary is {len(summary)} characters; inboxes show about {PREHEADER_BUDGET}",
                "warning",
            )
        )
    documents = {doc.path: doc for doc in raw.entries}
    problems.extend(_source_warnings(entries, documents))
    for entry in entries:
        if abs((entry.date.sort_date - date).days) > MAX_DAYS_FROM_ISSUE:
            problems.append(
                documents[entry.source_path].problem(
                    ("date",),
                    f"entry date {entry.date.iso} is more than 6 months from the issue date {date}",
                    "warning",
                )
            )


def _source_warnings(entries: list[Entry], documents: dict[str, RawDocument]) -> list[Problem]:
    """Warn about unsourced regulatory and enforcement items and sources cited twice."""
    problems = []
    cited: dict[str, Entry] = {}
    for entry in sorted(entries, key=lambda e: e.source_path):
        doc = documents[entry.source_path]
        if entry.section_id in SOURCED_SECTIONS and not entry.sources:
            problems.append(doc.problem((), f"entry in '{entry.section_id}' has no sources: "
                                        "cite the primary document", "warning"))
        for index, source in enumerate(entry.sources):
            first = cited.setdefault(source.url, entry)
            if first is not entry:
                problems.append(doc.problem(("sources", index, "url"), f"source {source.url} is also "
                                            f"cited by {first.source_path}", "warning"))
    return problems


def _section(section_id: str, title: str, numbered: bool, entries: list[Entry]) -> Section:
    ordered = reading_order(entries)
    items = tuple(Item(entry, index if numbered else None) for index, entry in enumerate(ordered, 1))
    return Section(section_id, title, numbered, items)
