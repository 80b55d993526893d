"""One development file -> a validated :class:`~newsletter.model.Entry`, Markdown rendered.

Pure: no file access. Reading is two steps: the fields as written are
validated (every problem collected, located at its value), then, only if
none is an error, the entry's values are built from them: Markdown rendered
and sanitized, plain text, summary and search words derived.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from newsletter.content.bundled import sized_images, target_problems
from newsletter.content.fields import SLUG, Fields, did_you_mean, xml_invalid_character
from newsletter.content.lifecycle import ALIASES, LIFECYCLE_FIELDS, read_aliases, read_lifecycle
from newsletter.content.loading import RawDocument
from newsletter.content.markdown import (
    excerpt,
    markdown_problem,
    plain_text,
    render_markdown,
    search_words,
    strip_tracking,
)
from newsletter.errors import Problem, errors_in
from newsletter.model import Author, Authority, Config, Entry, EntryDate, EntryRef, Instrument, Lifecycle, Source

ENTRY_FIELDS = (
    "title", "section", "date", "authority", "tags", "sources", "url",
    "highlight", "order", "draft", "body", "instruments", ALIASES, "authors", *LIFECYCLE_FIELDS,
)
SOURCE_FIELDS = ("title", "url")

PLACEHOLDER = (
    "Replace this paragraph with the text of the development: what was published, by whom, "
    "and what it means for readers. Then delete the line `draft: true` above to publish it."
)
VIEWS_PLACEHOLDER = (
    "Optional: a sentence or two introducing the article; delete this paragraph to show only "
    "the link. Then delete the line `draft: true` above to publish it."
)
"""The paragraphs ``newsletter new entry`` starts a development with (see ``newsletter.authoring``)."""

LONGEST_TITLE = 150
"""Characters of a title that inboxes, feed readers and search results show before cutting it."""

MOST_PER_ENTRY = {"tags": 25, "authority": 10, "instruments": 10, "authors": 10}
"""How many tags, authorities and instruments one development may name: each gets a page and a
feed that list it, so a runaway list (1,000 tags) would multiply the output (45 MB) and the time."""


@dataclass(frozen=True)
class _Written:
    """An entry's fields as the editor wrote them, validated."""

    title: str
    section: str
    date: EntryDate
    authorities: tuple[Authority, ...]
    tags: tuple[str, ...]
    sources: tuple[Source, ...]
    url: str | None
    highlight: str | None
    order: int | None
    draft: bool
    lifecycle: Lifecycle
    instruments: tuple[Instrument, ...]
    body: str
    aliases: tuple[EntryRef, ...]
    authors: tuple[Author, ...]


def read_entries(
    docs: Iterable[RawDocument], config: Config, issue_id: str, problems: list[Problem],
    bundled: Mapping[str, bytes] | None = None,
) -> list[Entry]:
    """Validate the development files of one issue; return the entries of those without errors.

    ``bundled`` are the images and attachments of the issue's folder, by file name.
    """
    bundled = bundled or {}
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
            written = _read_fields(doc, config, EntryRef(issue_id, slug), problems)
            found = bundle_problems(doc, written.body, written.highlight, bundled) if written is not None else []
            problems.extend(found)
            if written is not None and not errors_in(found):
                entries.append(_entry(written, doc.path, slug, issue_id, config, bundled))
    return entries


def _read_fields(doc: RawDocument, config: Config, ref: EntryRef, problems: list[Problem]) -> _Written | None:
    """Validate every field of ``doc``, adding to ``problems``; ``None`` if any is an error."""
    before = len(problems)
    is_markdown = doc.body is not None
    fields = Fields(doc, [f for f in ENTRY_FIELDS if f != "body" or not is_markdown], problems)
    title = fields.line("title", required=True)
    section = _section_id(fields, config)
    date = fields.date("date", required=True, allow_month=True)
    authorities = _authorities(fields, config)
    tags = fields.slug_list("tags")
    sources = _sources(fields)
    url = fields.url("url")
    if section == "views" and url is None and not fields.has("url"):
        fields.error(None, "missing required field 'url': entries in 'views' link to the article")
    highlight = fields.markdown("highlight")
    order = fields.integer("order")
    draft = fields.boolean("draft")
    lifecycle = read_lifecycle(fields)
    instruments = _instruments(fields, config)
    body = read_body(doc, fields, needs_body=section != "views")
    aliases = read_aliases(fields, ref.issue_id, ref.slug)
    authors = _authors(fields, config)
    if not draft:
        _warn_about_placeholder(doc, body, problems)
    _warn_about_dates(doc, date, lifecycle, problems)
    if title is not None and len(title) > LONGEST_TITLE:
        problems.append(doc.problem(("title",), f"title is {len(title)} characters; a title over {LONGEST_TITLE} "
                                    "is cut short in inboxes, feed readers and search results", "warning"))
    for key, limit in MOST_PER_ENTRY.items():
        written = fields.data.get(key)
        count = len(written) if isinstance(written, list) else 0
        if count > limit:
            fields.error(key, f"'{key}' names {count} values; an entry may name at most {limit}")
    if errors_in(problems[before:]):
        return None
    assert title is not None and section is not None and date is not None
    return _Written(
        title.strip(), section, date, authorities, tuple(dict.fromkeys(tags)), sources, url, highlight,
        order, draft, lifecycle, instruments, body, aliases, authors,
    )


def bundle_problems(doc: RawDocument, body: str, highlight: str | None, bundled: Mapping[str, bytes]) -> list[Problem]:
    """Images and attachments that the body or highlight names but the folder lacks; images without alt text."""
    folder = doc.path.rsplit("/", 1)[0] + "/"
    problems = []
    for offset, message in target_problems(body, bundled, folder):
        if doc.body is not None:  # Markdown after the front matter: located exactly
            line = doc.body_line + body.count("\n", 0, offset)
            column = offset - (body.rfind("\n", 0, offset) + 1) + 1
            problems.append(Problem(doc.path, line, column, message))
        else:
            problems.append(doc.problem(("body",), message))
    problems += [doc.problem(("highlight",), message)
                 for _, message in target_problems(highlight or "", bundled, folder)]
    return problems


def _entry(
    written: _Written, source_path: str, slug: str, issue_id: str, config: Config, bundled: Mapping[str, bytes]
) -> Entry:
    """Build the entry's values: render its Markdown, derive its plain text, summary and search words."""
    page_url = f"{config.base_url}issues/{issue_id}/"
    text = rendered_text(written.title, written.body, written.highlight, written.sources, page_url, slug, bundled)
    return Entry(
        issue_id=issue_id,
        slug=slug,
        source_path=source_path,
        section_id=written.section,
        date=written.date,
        authorities=written.authorities,
        tags=written.tags,
        sources=written.sources,
        url=written.url,
        order=written.order,
        draft=written.draft,
        lifecycle=written.lifecycle,
        instruments=written.instruments,
        aliases=written.aliases,
        authors=written.authors,
        **text,
    )


def rendered_text(
    title: str, body: str, highlight: str | None, sources: Iterable[Source], page_url: str, slug: str,
    bundled: Mapping[str, bytes],
) -> dict[str, Any]:
    """The words of a development as an :class:`Entry` holds them, for its page at ``page_url``.

    Its title, its Markdown rendered and sanitized (bundled images sized),
    and what is derived from them: the summary and the search words.
    """
    body_html = sized_images(render_markdown(body, page_url, slug), page_url, bundled)
    highlight_html = sized_images(render_markdown(highlight, page_url, f"{slug}-highlight"), page_url,
                                  bundled) if highlight else None
    body_text, highlight_text = plain_text(body_html), plain_text(highlight_html or "")
    words = [title, body_text, highlight_text, *(source.title for source in sources)]
    return {
        "title": title,
        "body_html": body_html,
        "highlight_html": highlight_html,
        "summary": excerpt(body_text or highlight_text),
        "search_words": search_words(words),
    }


def _warn_about_dates(doc: RawDocument, date: EntryDate | None, life: Lifecycle, problems: list[Problem]) -> None:
    """A comment deadline or an effective date before the development itself is most likely a typo."""
    for key, when in (("comment_deadline", life.comment_deadline), ("effective_date", life.effective_date)):
        if date is not None and when is not None and when.sort_date < date.sort_date:
            problems.append(doc.problem((key,), f"{key} {when.iso} is before the entry's own date {date.iso}",
                                        "warning"))


def _warn_about_placeholder(doc: RawDocument, body: str, problems: list[Problem]) -> None:
    """A scaffold's placeholder left in an entry no longer marked a draft would be published as written."""
    found = [at for placeholder in (PLACEHOLDER, VIEWS_PLACEHOLDER) if (at := body.find(placeholder)) >= 0]
    if found:
        line = doc.body_line + body.count("\n", 0, min(found)) if doc.body is not None else doc.at(("body",))[0]
        problems.append(Problem(doc.path, line, 1, "the placeholder paragraph of `newsletter new entry` is still "
                                "here and would be published: replace it with the text", "warning"))


def _section_id(fields: Fields, config: Config) -> str | None:
    section_ids = [section.id for section in config.sections]
    section = fields.line("section", required=True)
    if section is not None and section not in section_ids:
        fields.error(
            "section",
            f"unknown section '{section}'{did_you_mean(section, section_ids)} "
            f"(sections: {', '.join(section_ids)})",
        )
    return section


def read_body(doc: RawDocument, fields: Fields, needs_body: bool) -> str:
    """The Markdown body: after the front matter, or under ``body``; checked for what cannot be published."""
    if doc.body is not None:
        body = doc.body
        bad = xml_invalid_character(body)
        if bad:
            offset = next(i for i, ch in enumerate(body) if xml_invalid_character(ch))
            line = doc.body_line + body.count("\n", 0, offset)
            fields.problems.append(Problem(doc.path, line, 1, f"body contains the control character {bad}"))
        found = markdown_problem(body)
        if found:
            line = doc.body_line + body.count("\n", 0, found[0])
            column = found[0] - (body.rfind("\n", 0, found[0]) + 1) + 1
            fields.problems.append(Problem(doc.path, line, column, found[1]))
    else:
        body = fields.markdown("body") or ""
    if needs_body and not body.strip():
        where = "after the front matter" if doc.body is not None else "under 'body'"
        fields.problems.append(
            Problem(doc.path, doc.body_line if doc.body is not None else 1, 1,
                    f"entry has no body: write a paragraph or two {where}")
        )
    return body


def _authors(fields: Fields, config: Config) -> tuple[Author, ...]:
    """The byline: ids from the ``authors`` map in newsletter.yaml if there is one, else names as written."""
    known = {author.id: author for author in config.authors}
    authors: dict[str, Author] = {}
    for index, reference in fields.indexed_texts("authors", one_allowed=True):
        reference = reference.strip()
        if not reference:
            fields.item_problem("authors", index, "an author's name is empty")
        elif not known:
            authors.setdefault(reference, Author(reference))
        elif reference in known:
            authors.setdefault(reference, known[reference])
        else:
            fields.item_problem("authors", index, f"unknown author '{reference}'"
                                f"{did_you_mean(reference, list(known)) or ' (not in authors in newsletter.yaml)'}")
    return tuple(authors.values())


def _authorities(fields: Fields, config: Config) -> tuple[Authority, ...]:
    registry = config.registry
    keys = registry.authority_keys()
    authorities = []
    for index, reference in fields.indexed_texts("authority", one_allowed=True):
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
    for index, instrument_id in fields.indexed_texts("instruments", one_allowed=True):
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
        title = source.line("title", required=True)
        url = source.url("url", required=True)
        if title is not None and url is not None:
            sources.append(Source(title.strip(), strip_tracking(url)))
    return tuple(sources)
