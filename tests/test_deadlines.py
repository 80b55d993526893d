"""Comment deadlines and effective dates: what is ahead, as of which day."""

from __future__ import annotations

import datetime as dt

from newsletter.build import Project, check
from newsletter.model import Deadline, Entry, EntryDate, Newsletter
from newsletter.options import Options
from tests.conftest import MakeSite


def entry(title: str, lifecycle: str, date: str = "2022-05-10") -> str:
    return (
        f"---\ntitle: {title}\nsection: industry\ndate: {date}\n{lifecycle}---\nBody of {title}.\n"
    )


FILES: dict[str, str | None] = {
    "content/2022-05/draft.md": entry("Draft measures", "comment_deadline: 2022-06-05\neffective_date: 2022-09\n"),
    "content/2022-05/old.md": entry("Already in force", "effective_date: 2022-05-01\n"),
    "content/2022-06/issue.yaml": "date: 2022-06-15\n",
    "content/2022-06/final.md": entry("Final rules", "effective_date: 2022-06-30\n", date="2022-06-10"),
}


def newsletter_of(make_site: MakeSite, files: dict[str, str | None], as_of: dt.date | None = None) -> Newsletter:
    newsletter, _ = check(Project.at(make_site(files)), Options(as_of=as_of))
    return newsletter


def describe(deadlines: tuple[Deadline, ...]) -> list[tuple[str, str, str]]:
    return [(d.date.iso, d.label, d.entry.title) for d in deadlines]


def test_upcoming_defaults_to_the_newest_issue_date(make_site: MakeSite) -> None:
    news = newsletter_of(make_site, FILES)
    assert news.as_of == dt.date(2022, 6, 15)
    assert describe(news.upcoming) == [
        ("2022-06-30", "Takes effect", "Final rules"),
        ("2022-09", "Takes effect", "Draft measures"),
    ]


def test_as_of_moves_the_window_and_month_dates_last_all_month(make_site: MakeSite) -> None:
    news = newsletter_of(make_site, FILES, as_of=dt.date(2022, 9, 30))
    assert describe(news.upcoming) == [("2022-09", "Takes effect", "Draft measures")]
    assert newsletter_of(make_site, FILES, as_of=dt.date(2022, 10, 1)).upcoming == ()


def test_each_issue_knows_only_what_was_published_by_its_date(make_site: MakeSite) -> None:
    june, may = newsletter_of(make_site, FILES).issues
    assert describe(may.coming_up) == [
        ("2022-06-05", "Comments due", "Draft measures"),
        ("2022-09", "Takes effect", "Draft measures"),
    ]
    assert describe(june.coming_up) == [
        ("2022-06-30", "Takes effect", "Final rules"),
        ("2022-09", "Takes effect", "Draft measures"),
    ]


def test_an_issue_can_turn_the_box_off(make_site: MakeSite) -> None:
    files = {**FILES, "content/2022-06/issue.yaml": "date: 2022-06-15\nupcoming: false\n"}
    june, may = newsletter_of(make_site, files).issues
    assert june.coming_up == () and may.coming_up != ()


def test_key_dates_line_and_month_end() -> None:
    from newsletter.model import Lifecycle

    lifecycle = Lifecycle(comment_deadline=EntryDate(2022, 7, 7), effective_date=EntryDate(2022, 9, 1))
    assert lifecycle.key_dates == "Comments due 7 Jul 2022 · Effective 1 Sep 2022"
    stub = Entry("x", "y", "p", "t", "industry", EntryDate(2022, 1), "")
    assert Deadline(EntryDate(2024, 2), "effective_date", stub).last_day == dt.date(2024, 2, 29)
    assert Deadline(EntryDate(2022, 12), "effective_date", stub).last_day == dt.date(2022, 12, 31)
