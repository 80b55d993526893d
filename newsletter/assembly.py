"""Raw records -> validated entries and issues -> the ordered, numbered newsletter.

Pure: no file access. Every problem in every file is collected; the caller
decides whether they stop the build. Ordering rules, in one place:

* issues newest first by date (then id);
* within a section, entries with ``order`` first, ascending, then the rest
  by date, then title; numbered sections number their items 1..n;
* Key Highlights are the ``highlight`` texts in the order their entries appear.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newsletter.config import read_config
from newsletter.deadlines import ahead, deadlines_of, with_coming_up
from newsletter.errors import Problem
from newsletter.fields import SLUG, Fields, did_you_mean, xml_invalid_character
from newsletter.lifecycle import LIFECYCLE_FIELDS, FolderReferences, dangling, read_lifecycle
from newsletter.loading import ENTRY_SUFFIXES, ISSUE_FILE, RawDocument, RawIssue
from newsletter.markup import render_markdown, strip_tracking
from newsletter.model import (
    MONTHS,
    Authority,
    Config,
    Entry,
    Instrument,
    Issue,
    Item,
    Newsletter,
    Section,
    Source,
)
from newsletter.plaintext import excerpt, plain_text, search_words

ISSUE_FIELDS = ("date", "title", "summary", "intro", "draft", "upcoming")
ENTRY_FIELDS = (
    "title", "section", "date", "authority", "tags", "sources", "url",
    "highlight", "order", "draft", "body", "instruments", *LIFECYCLE_FIELDS,
)
SOURCE_FIELDS = ("title", "url")
PREHEADER_BUDGET = 150
"""Characters of ``summary`` an inbox shows beside the subject before cutting it off."""
MAX_DAYS_FROM_ISSUE = 183
SOURCED_SECTIONS = ("regulatory", "enforcement")
"""Sections whose entries should cite a primary source."""


@dataclass(frozen=True)
class Options:
    """What the editor asked for on the command line."""

    drafts: bool = False
    base_url: str | None = None
    as_of: dt.date | None = None


IssueResult = tuple[Issue | None, list[Problem]]
"""A validated issue (``None`` if it has errors or is a draft left out) and its problems."""


def read_settings(
    doc: RawDocument, registry: RawDocument | None, options: Options
) -> tuple[Config, list[Problem]]:
    """Validate the settings and the registry; with errors, defaults stand in so entries are still checked."""
    config, problems = read_config(doc, registry, options.base_url)
    return config or Config(title="", base_url="https://example.invalid/"), problems


def read_issue(raw: RawIssue, config: Config, options: Options) -> IssueResult:
    """Validate one issue folder: a pure function of its files, the settings and the options."""
    issue, problems = _read_issue(raw, config)
    if issue is None or (issue.draft and not options.drafts):
        return None, problems
    return _without_draft_entries(issue, options), problems


def collect(
    config: Config,
    results: Sequence[IssueResult],
    references: Iterable[FolderReferences],
    problems: list[Problem],
    options: Options,
) -> tuple[Newsletter | None, list[Problem]]:
    """Check what spans issues and put the archive together; ``None`` if any problem is an error.

    Everything here reads every issue, so it runs on each build, after the
    issues themselves are validated (or found in the build cache).
    """
    problems = problems + [problem for _, found in results for problem in found] + dangling(references)
    if any(p.severity == "error" for p in problems):
        return None, sorted(problems)
    issues = sorted(
        (issue for issue, _ in results if issue is not None),
        key=lambda issue: (issue.date, issue.id),
        reverse=True,
    )
    issues = with_coming_up(issues)
    deadlines = deadlines_of(entry for issue in issues for entry in issue.entries)
    as_of = options.as_of or (issues[0].date if issues else None)
    upcoming = ahead(deadlines, as_of) if as_of else []
    newsletter = Newsletter(config, tuple(issues), as_of, tuple(upcoming), tuple(deadlines))
    return newsletter, sorted(problems)


def _without_draft_entries(issue: Issue, options: Options) -> Issue:
    if options.drafts:
        return issue
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
    entries = _read_entries(raw.entries, config, issue_id, problems)
    problems.extend(
        Problem(path, 1, 1, f"file is not read: entries are {', '.join(ENTRY_SUFFIXES)} files "
                "(start the name with _ to keep a file here on purpose)", "warning")
        for path in raw.unread
    )
    if meta is None or any(p.severity == "error" for p in problems):
        return None, problems
    _warn_about_issue(raw, meta.date, meta.summary, entries, problems)
    sections = tuple(
        _section(section.id, section.title, section.numbered, grouped)
        for section in config.sections
        if (grouped := [e for e in entries if e.section_id == section.id])
    )
    return dataclasses.replace(meta, sections=sections), problems


def _read_issue_meta(doc: RawDocument, config: Config, issue_id: str, problems: list[Problem]) -> Issue | None:
    """Read ``issue.yaml`` into an issue that has no sections yet."""
    problems.extend(doc.problems)
    if not doc.ok:
        return None
    fields = Fields(doc, ISSUE_FIELDS, problems)
    date = fields.date("date", required=True)
    title = fields.text("title")
    summary = fields.text("summary") or ""
    intro = fields.text("intro") or ""
    draft = fields.boolean("draft")
    show_coming_up = fields.boolean("upcoming") if fields.has("upcoming") else True
    if date is None:
        return None
    published = date.sort_date
    page_url = f"{config.base_url}issues/{issue_id}/"
    return Issue(
        id=issue_id,
        source_path=doc.path,
        date=published,
        title=title or f"{config.title} — {MONTHS[published.month - 1]} {published.year}",
        summary=summary.strip(),
        intro_html=render_markdown(intro, page_url),
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


def _read_entries(
    docs: Iterable[RawDocument], config: Config, issue_id: str, problems: list[Problem]
) -> list[Entry]:
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    for doc in docs:
        name = doc.path.rsplit("/", 1)[-1]
        slug = name.rsplit(".", 1)[0]
        if not SLUG.fullmatch(slug):
            problems.append(Problem(doc.path, 1, 1, f"file name '{name}' is not a valid slug: "
                                    "use lowercase letters, digits and hyphens"))
        elif slug in seen:
            problems.append(Problem(doc.path, 1, 1, f"slug '{slug}' is already used by {seen[slug]}"))
        else:
            seen[slug] = doc.path
        problems.extend(doc.problems)
        if doc.ok:
            entry = _read_entry(doc, slug, config, issue_id, problems)
            if entry is not None:
                entries.append(entry)
    return entries


def _read_entry(
    doc: RawDocument, slug: str, config: Config, issue_id: str, problems: list[Problem]
) -> Entry | None:
    before = len(problems)
    is_markdown = doc.body is not None
    fields = Fields(doc, [f for f in ENTRY_FIELDS if f != "body" or not is_markdown], problems)
    section_ids = [section.id for section in config.sections]
    title = fields.text("title", required=True)
    section = fields.text("section", required=True)
    if section is not None and section not in section_ids:
        fields.error(
            "section",
            f"unknown section '{section}'{did_you_mean(section, section_ids)} "
            f"(sections: {', '.join(section_ids)})",
        )
    date = fields.date("date", required=True, allow_month=True)
    authorities = _authorities(fields, config)
    tags = fields.slug_list("tags")
    sources = _sources(fields)
    url = fields.url("url")
    if section == "views" and url is None and not fields.has("url"):
        fields.error(None, "missing required field 'url': entries in 'views' link to the article")
    highlight = fields.text("highlight")
    order = fields.integer("order")
    draft = fields.boolean("draft")
    lifecycle = read_lifecycle(fields)
    instruments = _instruments(fields, config)
    body = _body(doc, fields, needs_body=section != "views")
    if len(problems) > before and any(p.severity == "error" for p in problems[before:]):
        return None
    assert title is not None and section is not None and date is not None
    page_url = f"{config.base_url}issues/{issue_id}/"
    body_html = render_markdown(body, page_url)
    highlight_html = render_markdown(highlight, page_url) if highlight else None
    body_text, highlight_text = plain_text(body_html), plain_text(highlight_html or "")
    return Entry(
        issue_id=issue_id,
        slug=slug,
        source_path=doc.path,
        title=title.strip(),
        section_id=section,
        date=date,
        body_html=body_html,
        authorities=authorities,
        tags=tuple(dict.fromkeys(tags)),
        sources=sources,
        url=url,
        highlight_html=highlight_html,
        order=order,
        draft=draft,
        lifecycle=lifecycle,
        instruments=instruments,
        summary=excerpt(body_text or highlight_text),
        search_words=search_words([title, body_text, highlight_text, *(source.title for source in sources)]),
    )


_IMAGE = re.compile(r"!\[[^\]]*\]\(|<img\b", re.IGNORECASE)


def _warn_about_images(doc: RawDocument, fields: Fields, body: str) -> None:
    """Images are removed from entries (mail clients block them); say so where one is written."""
    found = _IMAGE.search(body)
    if found:
        line = doc.body_line + body.count("\n", 0, found.start()) if doc.body is not None else doc.at(("body",))[0]
        fields.problems.append(Problem(doc.path, line, 1, "images are not shown in entries: "
                                       "link to the image or the document instead", "warning"))


def _body(doc: RawDocument, fields: Fields, needs_body: bool) -> str:
    if doc.body is not None:
        body = doc.body
        bad = xml_invalid_character(body)
        if bad:
            offset = next(i for i, ch in enumerate(body) if xml_invalid_character(ch))
            line = doc.body_line + body.count("\n", 0, offset)
            fields.problems.append(Problem(doc.path, line, 1, f"body contains the control character {bad}"))
    else:
        body = fields.text("body") or ""
    _warn_about_images(doc, fields, body)
    if needs_body and not body.strip():
        where = "after the front matter" if doc.body is not None else "under 'body'"
        fields.problems.append(
            Problem(doc.path, doc.body_line if doc.body is not None else 1, 1,
                    f"entry has no body: write a paragraph or two {where}")
        )
    return body


def _authorities(fields: Fields, config: Config) -> tuple[Authority, ...]:
    registry = config.registry
    keys = registry.authority_keys()
    authorities = []
    for index, reference in enumerate(fields.text_list("authority", one_allowed=True)):
        reference = reference.strip()
        known = registry.authority(reference)
        if known is not None:
            authorities.append(known)
            continue
        authorities.append(Authority(reference, reference))
        if registry.by_id:
            fields.item_problem("authority", index, f"unknown authority id '{reference}'"
                                f"{did_you_mean(reference, keys) or ' (not in the registry)'}")
        elif keys:
            fields.item_problem("authority", index, f"unknown authority '{reference}'"
                                f"{did_you_mean(reference, keys) or ' (not in authorities in newsletter.yaml)'}",
                                "warning")
    return tuple(authorities)


def _instruments(fields: Fields, config: Config) -> tuple[Instrument, ...]:
    instruments = []
    known_ids = [instrument.id for instrument in config.registry.instruments]
    for index, instrument_id in enumerate(fields.text_list("instruments", one_allowed=True)):
        instrument = config.registry.instrument(instrument_id.strip())
        if instrument is None:
            fields.item_problem("instruments", index, f"unknown instrument '{instrument_id}'"
                                f"{did_you_mean(instrument_id, known_ids) or ' (not in the registry)'}")
        else:
            instruments.append(instrument)
    return tuple(instruments)


def _sources(fields: Fields) -> tuple[Source, ...]:
    sources = []
    for source in fields.mappings("sources", SOURCE_FIELDS):
        title = source.text("title", required=True)
        url = source.url("url", required=True)
        if title is not None and url is not None:
            sources.append(Source(title.strip(), strip_tracking(url)))
    return tuple(sources)


def _section(section_id: str, title: str, numbered: bool, entries: list[Entry]) -> Section:
    ordered = sorted(
        entries,
        key=lambda e: (e.order is None, e.order or 0, e.date.sort_date, e.date.day is not None, e.title),
    )
    items = tuple(Item(entry, index if numbered else None) for index, entry in enumerate(ordered, 1))
    return Section(section_id, title, numbered, items)

