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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newsletter.config import read_config
from newsletter.errors import Problem
from newsletter.fields import SLUG, Fields, did_you_mean, xml_invalid_character
from newsletter.loading import ISSUE_FILE, RawDocument, RawIssue, RawProject
from newsletter.markup import render_markdown
from newsletter.model import (
    MONTHS,
    Authority,
    Config,
    Entry,
    Issue,
    Item,
    Newsletter,
    Section,
    Source,
)

ISSUE_FIELDS = ("date", "title", "summary", "intro", "draft")
ENTRY_FIELDS = (
    "title", "section", "date", "authority", "tags", "sources", "url",
    "highlight", "order", "draft", "body",
)
SOURCE_FIELDS = ("title", "url")
PREHEADER_BUDGET = 150
"""Characters of ``summary`` an inbox shows beside the subject before cutting it off."""
MAX_DAYS_FROM_ISSUE = 183


@dataclass(frozen=True)
class Options:
    """What the editor asked for on the command line."""

    drafts: bool = False
    base_url: str | None = None


IssueResult = tuple[Issue | None, list[Problem]]
"""A validated issue (``None`` if it has errors or is a draft left out) and its problems."""


def assemble(raw: RawProject, options: Options) -> tuple[Newsletter | None, list[Problem]]:
    """Validate everything and build the newsletter; ``None`` if there are errors."""
    config, problems = read_settings(raw.config, options)
    return collect(config, [read_issue(issue, config, options) for issue in raw.issues], problems)


def read_settings(doc: RawDocument, options: Options) -> tuple[Config, list[Problem]]:
    """Validate ``newsletter.yaml``; with errors, defaults stand in so entries are still checked."""
    config, problems = read_config(doc, options.base_url)
    return config or Config(title="", base_url="https://example.invalid/"), problems


def read_issue(raw: RawIssue, config: Config, options: Options) -> IssueResult:
    """Validate one issue folder: a pure function of its files, the settings and the options."""
    issue, problems = _read_issue(raw, config)
    if issue is None or (issue.draft and not options.drafts):
        return None, problems
    return _without_draft_entries(issue, options), problems


def collect(
    config: Config, results: Sequence[IssueResult], problems: list[Problem]
) -> tuple[Newsletter | None, list[Problem]]:
    """Order the validated issues newest first; ``None`` if any problem is an error."""
    problems = problems + [problem for _, found in results for problem in found]
    if any(p.severity == "error" for p in problems):
        return None, sorted(problems)
    issues = sorted(
        (issue for issue, _ in results if issue is not None),
        key=lambda issue: (issue.date, issue.id),
        reverse=True,
    )
    return Newsletter(config, tuple(issues)), sorted(problems)


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
        problems.append(Problem(f"{raw.folder}/{ISSUE_FILE}", 1, 1, f"missing {ISSUE_FILE} in issue folder"))
        meta = None
    else:
        meta = _read_issue_meta(raw.meta, config, issue_id, problems)
    entries = _read_entries(raw.entries, config, issue_id, problems)
    if meta is None or any(p.severity == "error" for p in problems):
        return None, problems
    date, title, summary, intro_html, draft = meta
    _warn_about_issue(raw, date, summary, entries, problems)
    sections = tuple(
        _section(section.id, section.title, section.numbered, grouped)
        for section in config.sections
        if (grouped := [e for e in entries if e.section_id == section.id])
    )
    assert raw.meta is not None
    issue = Issue(issue_id, raw.meta.path, date, title, summary, intro_html, sections, draft)
    return issue, problems


def _read_issue_meta(
    doc: RawDocument, config: Config, issue_id: str, problems: list[Problem]
) -> tuple[dt.date, str, str, str, bool] | None:
    problems.extend(doc.problems)
    if not doc.ok:
        return None
    fields = Fields(doc, ISSUE_FIELDS, problems)
    date = fields.date("date", required=True)
    title = fields.text("title")
    summary = fields.text("summary") or ""
    intro = fields.text("intro") or ""
    draft = fields.boolean("draft")
    if date is None:
        return None
    published = date.sort_date
    page_url = f"{config.base_url}issues/{issue_id}/"
    default_title = f"{config.title} — {MONTHS[published.month - 1]} {published.year}"
    return published, title or default_title, summary.strip(), render_markdown(intro, page_url), draft


def _warn_about_issue(
    raw: RawIssue, date: dt.date, summary: str, entries: list[Entry], problems: list[Problem]
) -> None:
    assert raw.meta is not None
    if not entries:
        problems.append(raw.meta.problem((), "issue has no entries", "warning"))
    if len(summary) > PREHEADER_BUDGET:
        problems.append(
            raw.meta.problem(
                ("summary",),
                f"summary is {len(summary)} characters; inboxes show about {PREHEADER_BUDGET}",
                "warning",
            )
        )
    documents = {doc.path: doc for doc in raw.entries}
    for entry in entries:
        if abs((entry.date.sort_date - date).days) > MAX_DAYS_FROM_ISSUE:
            problems.append(
                documents[entry.source_path].problem(
                    ("date",),
                    f"entry date {entry.date.iso} is more than 6 months from the issue date {date}",
                    "warning",
                )
            )


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
    body = _body(doc, fields, needs_body=section != "views")
    if len(problems) > before and any(p.severity == "error" for p in problems[before:]):
        return None
    assert title is not None and section is not None and date is not None
    page_url = f"{config.base_url}issues/{issue_id}/"
    return Entry(
        issue_id=issue_id,
        slug=slug,
        source_path=doc.path,
        title=title.strip(),
        section_id=section,
        date=date,
        body_html=render_markdown(body, page_url),
        authorities=authorities,
        tags=tuple(dict.fromkeys(tags)),
        sources=sources,
        url=url,
        highlight_html=render_markdown(highlight, page_url) if highlight else None,
        order=order,
        draft=draft,
    )


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
    if needs_body and not body.strip():
        where = "after the front matter" if doc.body is not None else "under 'body'"
        fields.problems.append(
            Problem(doc.path, doc.body_line if doc.body is not None else 1, 1,
                    f"entry has no body: write a paragraph or two {where}")
        )
    return body


def _authorities(fields: Fields, config: Config) -> tuple[Authority, ...]:
    shorts = fields.text_list("authority", one_allowed=True)
    known = dict(config.authorities)
    for index, short in enumerate(shorts):
        if known and short not in known:
            keypath = ("authority", index) if isinstance(fields.data.get("authority"), list) else ("authority",)
            fields.problems.append(
                fields.doc.problem(
                    keypath,
                    f"unknown authority '{short}'{did_you_mean(short, known)}; "
                    "add it to 'authorities' in newsletter.yaml",
                    "warning",
                )
            )
    return tuple(Authority(short.strip(), config.authority_name(short.strip())) for short in shorts)


def _sources(fields: Fields) -> tuple[Source, ...]:
    sources = []
    for source in fields.mappings("sources", SOURCE_FIELDS):
        title = source.text("title", required=True)
        url = source.url("url", required=True)
        if title is not None and url is not None:
            sources.append(Source(title.strip(), url))
    return tuple(sources)


def _section(section_id: str, title: str, numbered: bool, entries: list[Entry]) -> Section:
    ordered = sorted(
        entries,
        key=lambda e: (e.order is None, e.order or 0, e.date.sort_date, e.date.day is not None, e.title),
    )
    items = tuple(Item(entry, index if numbered else None) for index, entry in enumerate(ordered, 1))
    return Section(section_id, title, numbered, items)

