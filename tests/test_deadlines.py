"""Comment deadlines and effective dates: what is ahead, as of which day."""

from __future__ import annotations

import datetime as dt

from newsletter.model import Deadline, Entry, EntryDate
from newsletter.options import Options
from tests.conftest import Files, MakeSite, entry, newsletter_of

FILES: Files = {
    "content/2022-05/draft.md": entry(
        "Draft measures", "industry", comment_deadline="2022-06-05", effective_date="2022-09",
    ),
    "content/2022-05/old.md": entry("Already in force", "industry", effective_date="2022-05-01"),
    "content/2022-06/issue.yaml": "date: 2022-06-15\n",
    "content/2022-06/final.md": entry("Final rules", "industry", "2022-06-10", effective_date="2022-06-30"),
}


def describe(deadlines: tuple[Deadline, ...]) -> list[tuple[str, str, str]]:
    return [(d.date.iso, d.label, d.entry.title) for d in deadlines]


def test_upcoming_defaults_to_the_newest_issue_date(make_site: MakeSite) -> None:
    news = newsletter_of(make_site(FILES))
    assert news.as_of == dt.date(2022, 6, 15)
    assert describe(news.upcoming) == [
        ("2022-06-30", "Takes effect", "Final rules"),
        ("2022-09", "Takes effect", "Draft measures"),
    ]


def test_as_of_moves_the_window_and_month_dates_last_all_month(make_site: MakeSite) -> None:
    news = newsletter_of(make_site(FILES), Options(as_of=dt.date(2022, 9, 30)))
    assert describe(news.upcoming) == [("2022-09", "Takes effect", "Draft measures")]
    assert newsletter_of(make_site(FILES), Options(as_of=dt.date(2022, 10, 1))).upcoming == ()


def test_each_issue_knows_only_what_was_published_by_its_date(make_site: MakeSite) -> None:
    june, may = newsletter_of(make_site(FILES)).issues
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
    june, may = newsletter_of(make_site(files)).issues
    assert june.coming_up == () and may.coming_up != ()


def test_key_dates_line_and_month_end() -> None:

    stub = Entry("x", "y", "p", "t", "industry", EntryDate(2022, 1), "")
    assert Deadline(EntryDate(2024, 2), "effective_date", stub).last_day == dt.date(2024, 2, 29)
    assert Deadline(EntryDate(2022, 12), "effective_date", stub).last_day == dt.date(2022, 12, 31)
