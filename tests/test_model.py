"""The model's values: dates and their formats, labels, paths, lookups and orderings."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from newsletter.model import (
    MONTHS,
    Authority,
    Config,
    Deadline,
    Entry,
    EntryDate,
    EntryRef,
    Instrument,
    Issue,
    Item,
    Lifecycle,
    Newsletter,
    Section,
    format_date,
    long_date,
    month_year,
    newest_first,
    published_at,
    reading_order,
    soonest_first,
)

UTC = dt.UTC
MAY_10 = EntryDate(2022, 5, 10)


def make_entry(
    slug: str,
    *,
    issue_id: str = "2022-05",
    title: str = "A development",
    date: EntryDate = MAY_10,
    order: int | None = None,
    lifecycle: Lifecycle | None = None,
    instruments: tuple[Instrument, ...] = (),
) -> Entry:
    return Entry(
        issue_id=issue_id,
        slug=slug,
        source_path=f"content/{issue_id}/{slug}.md",
        title=title,
        section_id="regulatory",
        date=date,
        body_html="<p>Body.</p>",
        order=order,
        lifecycle=lifecycle or Lifecycle(),
        instruments=instruments,
    )


def make_issue(issue_id: str, date: dt.date, entries: tuple[Entry, ...] = ()) -> Issue:
    items = tuple(Item(entry, number) for number, entry in enumerate(entries, 1))
    sections = (Section("regulatory", "Regulatory Developments", True, items),) if items else ()
    return Issue(issue_id, f"content/{issue_id}/issue.yaml", date, f"Issue {issue_id}", "", "", sections)


def newsletter_of(*issues: Issue) -> Newsletter:
    return Newsletter(Config(title="T", base_url="https://news.example.org/"), issues)


# Dates


@pytest.mark.parametrize(
    ("date", "iso", "display"),
    [
        (EntryDate(2022, 5, 12), "2022-05-12", "12 May 2022"),
        (EntryDate(2022, 7, 7), "2022-07-07", "7 July 2022"),
        (EntryDate(2022, 9), "2022-09", "September 2022"),
        (EntryDate(987, 1, 2), "0987-01-02", "2 January 987"),
    ],
)
def test_entry_date_formats(date: EntryDate, iso: str, display: str) -> None:
    assert (date.iso, date.display) == (iso, display)


def test_a_month_only_date_sorts_as_the_first_of_the_month() -> None:
    assert EntryDate(2022, 9).sort_date == dt.date(2022, 9, 1)
    assert EntryDate(2022, 9, 30).sort_date == dt.date(2022, 9, 30)


@pytest.mark.parametrize("month", range(1, 13))
def test_format_date_names_every_month(month: int) -> None:
    name = MONTHS[month - 1]
    assert format_date(2022, month, 3) == f"3 {name} 2022"
    assert format_date(2022, month, None) == f"{name} 2022"


def test_long_date_and_month_year() -> None:
    assert long_date(dt.date(2022, 6, 8)) == "8 June 2022"
    assert long_date(dt.date(2022, 12, 31)) == "31 December 2022"
    assert month_year(dt.date(2022, 6, 8)) == "June 2022"


def test_published_at_is_eight_in_the_morning_local_time() -> None:
    moment = published_at(dt.date(2022, 5, 15), "Asia/Shanghai")
    assert moment.tzinfo == ZoneInfo("Asia/Shanghai")
    assert (moment.hour, moment.minute) == (8, 0)
    assert moment.utcoffset() == dt.timedelta(hours=8)
    assert moment == dt.datetime(2022, 5, 15, 0, 0, tzinfo=UTC)


def test_published_at_follows_daylight_saving_time() -> None:
    winter = published_at(dt.date(2022, 1, 15), "America/New_York")
    summer = published_at(dt.date(2022, 7, 15), "America/New_York")
    assert winter.astimezone(UTC) == dt.datetime(2022, 1, 15, 13, 0, tzinfo=UTC)
    assert summer.astimezone(UTC) == dt.datetime(2022, 7, 15, 12, 0, tzinfo=UTC)


def test_an_issue_is_published_at_eight_local_time() -> None:
    issue = make_issue("2022-05", dt.date(2022, 5, 15))
    assert issue.published_at("UTC") == dt.datetime(2022, 5, 15, 8, 0, tzinfo=UTC)
    assert issue.published_at("Asia/Shanghai") == dt.datetime(2022, 5, 15, 0, 0, tzinfo=UTC)
    assert issue.published_at("Asia/Shanghai").date() == dt.date(2022, 5, 15)


# Authorities


def test_authority_label() -> None:
    assert Authority("CBIRC", "China Banking and Insurance Regulatory Commission").label == (
        "China Banking and Insurance Regulatory Commission (CBIRC)"
    )
    assert Authority("CBIRC", "CBIRC").label == "CBIRC"


@pytest.mark.parametrize(
    ("short", "slug"),
    [("CBIRC", "cbirc"), ("C.A.C.", "c-a-c"), ("PBoC / SAFE", "pboc-safe"), ("__SAMR__", "samr"), ("TC 260", "tc-260")],
)
def test_authority_slug_comes_from_the_short_name(short: str, slug: str) -> None:
    assert Authority(short, "Full name").slug == slug
    assert Authority(short, "Another full name").slug == slug


def test_authority_slug_is_the_registry_id_where_there_is_one() -> None:
    assert Authority("CAC", "Cyberspace Administration", id="cac-national").slug == "cac-national"


def test_a_punctuation_only_short_name_still_gets_a_stable_distinct_slug() -> None:
    slugs = {short: Authority(short, "Full name").slug for short in ("!!!", "???", "—", "...")}
    for slug in slugs.values():
        prefix, _, digest = slug.partition("authority-")
        assert prefix == ""
        assert len(digest) == 8
        assert all(char in "0123456789abcdef" for char in digest)
    assert len(set(slugs.values())) == 4
    assert Authority("!!!", "Other name").slug == slugs["!!!"]


# Lifecycle and entries


def test_status_label() -> None:
    assert Lifecycle(status="draft-for-comment").status_label == "Draft for comment"
    assert Lifecycle(status="in-force").status_label == "In force"
    assert Lifecycle().status_label is None


def test_entry_ref_and_paths() -> None:
    entry = make_entry("cac-draft-rules", issue_id="2022-05")
    assert entry.ref == EntryRef("2022-05", "cac-draft-rules")
    assert str(entry.ref) == "2022-05/cac-draft-rules"
    assert entry.path == "issues/2022-05/#cac-draft-rules"
    assert entry.permalink == "issues/2022-05/cac-draft-rules/"
    assert make_issue("2022-05", dt.date(2022, 5, 15)).path == "issues/2022-05/"


# Deadlines


def test_deadline_label() -> None:
    entry = make_entry("a")
    assert Deadline(MAY_10, "comment_deadline", entry).label == "Comments due"
    assert Deadline(MAY_10, "effective_date", entry).label == "Takes effect"


@pytest.mark.parametrize(
    ("date", "last_day"),
    [
        (EntryDate(2022, 5, 10), dt.date(2022, 5, 10)),
        (EntryDate(2022, 12, 1), dt.date(2022, 12, 1)),
        (EntryDate(2022, 1), dt.date(2022, 1, 31)),
        (EntryDate(2022, 4), dt.date(2022, 4, 30)),
        (EntryDate(2023, 2), dt.date(2023, 2, 28)),
        (EntryDate(2024, 2), dt.date(2024, 2, 29)),
        (EntryDate(2022, 11), dt.date(2022, 11, 30)),
        (EntryDate(2022, 12), dt.date(2022, 12, 31)),
    ],
)
def test_deadline_last_day(date: EntryDate, last_day: dt.date) -> None:
    assert Deadline(date, "effective_date", make_entry("a")).last_day == last_day


# Newsletter lookups


def test_latest_is_the_first_issue() -> None:
    june, may = make_issue("2022-06", dt.date(2022, 6, 15)), make_issue("2022-05", dt.date(2022, 5, 15))
    assert newsletter_of(june, may).latest is june
    assert newsletter_of().latest is None


def test_find_and_issue_of() -> None:
    draft, other = make_entry("draft-rules"), make_entry("other")
    final = make_entry("final-rules", issue_id="2022-06")
    may = make_issue("2022-05", dt.date(2022, 5, 15), (draft, other))
    june = make_issue("2022-06", dt.date(2022, 6, 15), (final,))
    news = newsletter_of(june, may)
    assert news.find(EntryRef("2022-05", "other")) is other
    assert news.find(EntryRef("2022-06", "final-rules")) is final
    assert news.find(EntryRef("2022-06", "other")) is None
    assert news.issue_of(draft) is may
    assert news.issue_of(final) is june


def test_superseded_by_lists_each_superseding_entry_once() -> None:
    old = make_entry("old-rules", issue_id="2022-04")
    ref = old.ref
    twice = make_entry("final-rules", issue_id="2022-06", lifecycle=Lifecycle(supersedes=(ref, ref)))
    also = make_entry("erratum", issue_id="2022-05", lifecycle=Lifecycle(supersedes=(ref,)))
    unrelated = make_entry("unrelated", issue_id="2022-05", lifecycle=Lifecycle(related=(ref,)))
    news = newsletter_of(
        make_issue("2022-06", dt.date(2022, 6, 15), (twice,)),
        make_issue("2022-05", dt.date(2022, 5, 15), (also, unrelated)),
        make_issue("2022-04", dt.date(2022, 4, 15), (old,)),
    )
    assert news.superseded_by(old) == [twice, also]
    assert news.superseded_by(also) == []


# Orderings


def test_newest_first_orders_by_date_then_id() -> None:
    a = make_issue("2022-05a", dt.date(2022, 5, 15))
    b = make_issue("2022-05b", dt.date(2022, 5, 15))
    june = make_issue("2022-06", dt.date(2022, 6, 1))
    april = make_issue("2022-04", dt.date(2022, 4, 30))
    assert newest_first([a, april, june, b]) == [june, b, a, april]


def test_reading_order() -> None:
    second = make_entry("second", order=2, date=EntryDate(2022, 1, 1))
    first = make_entry("first", order=1, date=EntryDate(2022, 5, 30))
    zero = make_entry("zero", order=0, date=EntryDate(2022, 6, 1))
    month = make_entry("month", date=EntryDate(2022, 5))
    day_one = make_entry("day-one", title="Zebra", date=EntryDate(2022, 5, 1))
    day_one_a = make_entry("day-one-a", title="Aardvark", date=EntryDate(2022, 5, 1))
    later = make_entry("later", date=EntryDate(2022, 5, 20))
    shuffled = [later, day_one, second, month, zero, day_one_a, first]
    assert reading_order(shuffled) == [zero, first, second, month, day_one_a, day_one, later]


def test_soonest_first() -> None:
    alpha, beta = make_entry("alpha", title="Alpha"), make_entry("beta", title="Beta")
    alpha_2 = make_entry("alpha-2", title="Alpha")
    deadlines = [
        Deadline(EntryDate(2022, 8, 2), "comment_deadline", alpha),
        Deadline(EntryDate(2022, 7, 1), "effective_date", beta),
        Deadline(EntryDate(2022, 7, 1), "effective_date", alpha_2),
        Deadline(EntryDate(2022, 7, 1), "comment_deadline", beta),
        Deadline(EntryDate(2022, 8), "effective_date", beta),
        Deadline(EntryDate(2022, 6, 30), "effective_date", beta),
        Deadline(EntryDate(2022, 7, 1), "effective_date", alpha),
    ]
    assert [(d.date.iso, d.kind, d.entry.slug) for d in soonest_first(deadlines)] == [
        ("2022-06-30", "effective_date", "beta"),
        ("2022-07-01", "comment_deadline", "beta"),
        ("2022-07-01", "effective_date", "alpha"),
        ("2022-07-01", "effective_date", "alpha-2"),
        ("2022-07-01", "effective_date", "beta"),
        ("2022-08", "effective_date", "beta"),
        ("2022-08-02", "comment_deadline", "alpha"),
    ]


def test_entry_dates_order_a_month_before_its_days() -> None:
    dates = [EntryDate(2022, 5, 3), EntryDate(2022, 5), EntryDate(2022, 4, 30), EntryDate(2022, 5, 1)]
    assert sorted(dates) == [EntryDate(2022, 4, 30), EntryDate(2022, 5), EntryDate(2022, 5, 1), EntryDate(2022, 5, 3)]
    assert EntryDate(2022, 5) < EntryDate(2022, 5, 1)
