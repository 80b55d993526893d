"""Lifecycle fields of an entry, and references between entries across issue folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsletter.content.fields import Fields
from newsletter.content.lifecycle import (
    LIFECYCLE_FIELDS,
    FolderReferences,
    Reference,
    dangling,
    folder_references,
    read_lifecycle,
)
from newsletter.content.loading import load_issue_folder, load_yaml_file
from newsletter.errors import Problem
from newsletter.model import STATUSES, EntryDate, EntryRef, Lifecycle
from tests.conftest import write_files as write

SYNTAX = "must be written <issue-id>/<slug>, like 2022-05/cac-draft-rules"


def lifecycle_of(tmp_path: Path, text: str) -> tuple[Lifecycle, list[tuple[int, int, str]]]:
    path = tmp_path / "entry.yaml"
    path.write_text(text, encoding="utf-8")
    doc = load_yaml_file(path, tmp_path)
    assert doc.ok, doc.problems
    problems: list[Problem] = []
    lifecycle = read_lifecycle(Fields(doc, LIFECYCLE_FIELDS, problems))
    return lifecycle, [(p.line, p.column, p.message) for p in problems]


def references_of(root: Path, issue_id: str) -> FolderReferences:
    return folder_references(load_issue_folder(root / "content" / issue_id, root))


# read_lifecycle


def test_no_lifecycle_fields(tmp_path: Path) -> None:
    assert lifecycle_of(tmp_path, "status:\n") == (Lifecycle(), [])


def test_every_lifecycle_field_is_read(tmp_path: Path) -> None:
    text = (
        "status: draft-for-comment\n"
        "comment_deadline: 2022-06-05\n"
        "effective_date: 2022-09\n"
        "document_number: 国信办〔2022〕12号\n"
        "supersedes: 2022-04/old-rules\n"
        "related:\n"
        "  - 2022-03/first-draft\n"
        "  - ' 2022-05/guidance '\n"
    )
    assert lifecycle_of(tmp_path, text) == (
        Lifecycle(
            status="draft-for-comment",
            comment_deadline=EntryDate(2022, 6, 5),
            effective_date=EntryDate(2022, 9),
            document_number="国信办〔2022〕12号",
            supersedes=(EntryRef("2022-04", "old-rules"),),
            related=(EntryRef("2022-03", "first-draft"), EntryRef("2022-05", "guidance")),
        ),
        [],
    )


@pytest.mark.parametrize("status", list(STATUSES))
def test_each_status_is_accepted(tmp_path: Path, status: str) -> None:
    lifecycle, problems = lifecycle_of(tmp_path, f"status: {status}\n")
    assert problems == []
    assert lifecycle.status == status


@pytest.mark.parametrize(
    ("status", "suggestion"),
    [
        ("in force", "; did you mean 'in-force'?"),
        ("Issued", "; did you mean 'issued'?"),
        ("draft", ""),
        ("pending", ""),
    ],
)
def test_an_unknown_status_lists_the_statuses(tmp_path: Path, status: str, suggestion: str) -> None:
    lifecycle, problems = lifecycle_of(tmp_path, f"effective_date: 2022-09\nstatus: {status}\n")
    statuses = "draft-for-comment, issued, in-force, amended, repealed, enforcement-action, judgment, other"
    assert problems == [(2, 9, f"unknown status '{status}'{suggestion} (statuses: {statuses})")]
    assert lifecycle == Lifecycle(effective_date=EntryDate(2022, 9))


def test_lifecycle_dates_are_checked(tmp_path: Path) -> None:
    text = "comment_deadline: 2022-02-30\neffective_date: soon\n"
    lifecycle, problems = lifecycle_of(tmp_path, text)
    assert lifecycle == Lifecycle()
    assert problems == [
        (1, 19, "'2022-02-30' is not a real date"),
        (2, 17, "'soon' is not a date; expected YYYY-MM-DD or YYYY-MM"),
    ]


def test_document_number_must_be_text(tmp_path: Path) -> None:
    lifecycle, problems = lifecycle_of(tmp_path, "document_number: 12\n")
    assert lifecycle.document_number is None
    assert problems == [(1, 18, "'document_number' must be text, not a number")]


@pytest.mark.parametrize(
    "text", ["old-rules", "2022-04/", "/old-rules", "2022-04/Old Rules", "2022-04/a/b", "2022-04/a.md"]
)
def test_a_single_reference_must_name_issue_and_slug(tmp_path: Path, text: str) -> None:
    lifecycle, problems = lifecycle_of(tmp_path, f"supersedes: '{text}'\n")
    assert lifecycle.supersedes == ()
    assert problems == [(1, 13, f"'{text}' in 'supersedes' {SYNTAX}")]


def test_each_bad_reference_in_a_list_is_located(tmp_path: Path) -> None:
    text = "related:\n  - 2022-04/good\n  - bad\n  - 2022-05/also-good\n  - 2022-05/Bad\n"
    lifecycle, problems = lifecycle_of(tmp_path, text)
    assert lifecycle.related == (EntryRef("2022-04", "good"), EntryRef("2022-05", "also-good"))
    assert problems == [
        (3, 5, f"'bad' in 'related' {SYNTAX}"),
        (5, 5, f"'2022-05/Bad' in 'related' {SYNTAX}"),
    ]


def test_references_of_the_wrong_kind(tmp_path: Path) -> None:
    lifecycle, problems = lifecycle_of(tmp_path, "related: 5\nsupersedes: {a: b}\n")
    assert lifecycle == Lifecycle()
    assert problems == [
        (2, 13, "'supersedes' must be a list or text, not a mapping"),
        (1, 10, "'related' must be a list or text, not a number"),
    ]


# folder_references


def test_folder_references_names_every_entry_and_locates_each_reference(tmp_path: Path) -> None:
    write(tmp_path, {
        "content/2022-05/issue.yaml": "date: 2022-05-15\n",
        "content/2022-05/notes.txt": "not an entry",
        "content/2022-05/.hidden.md": "---\ntitle: hidden\n---\n",
        "content/2022-05/final-rules.md": (
            "---\ntitle: Final\nsupersedes: 2022-04/draft-rules\nrelated:\n  - 2022-03/consultation\n"
            "  - no-slash\n  - 7\n---\nBody.\n"
        ),
        "content/2022-05/fine.yml": "title: Fine\nrelated: [' 2022-05/final-rules ']\n",
        "content/2022-05/broken.yaml": "title: [unclosed\nrelated: 2022-01/x\n",
    })
    found = references_of(tmp_path, "2022-05")
    assert found.names == ("2022-05/broken", "2022-05/final-rules", "2022-05/fine")
    assert found.references == (
        Reference("supersedes", "2022-04/draft-rules", "content/2022-05/final-rules.md", 3, 13),
        Reference("related", "2022-03/consultation", "content/2022-05/final-rules.md", 5, 5),
        Reference("related", "2022-05/final-rules", "content/2022-05/fine.yml", 2, 11),
    )


def test_a_folder_without_entries(tmp_path: Path) -> None:
    write(tmp_path, {"content/2022-05/issue.yaml": "date: 2022-05-15\n"})
    assert references_of(tmp_path, "2022-05") == FolderReferences((), ())


# dangling


def test_references_to_existing_entries_are_fine(tmp_path: Path) -> None:
    write(tmp_path, {
        "content/2022-04/draft-rules.md": "---\ntitle: Draft\n---\nBody.\n",
        "content/2022-05/final-rules.md": "---\ntitle: Final\nsupersedes: 2022-04/draft-rules\n---\nBody.\n",
    })
    folders = [references_of(tmp_path, "2022-04"), references_of(tmp_path, "2022-05")]
    assert folders[1].references != ()
    assert dangling(folders) == []


def test_references_to_draft_entries_are_fine(tmp_path: Path) -> None:
    write(tmp_path, {
        "content/2022-04/draft-rules.md": "---\ntitle: Draft\ndraft: true\n---\nBody.\n",
        "content/2022-05/final-rules.md": "---\ntitle: Final\nsupersedes: 2022-04/draft-rules\n---\nBody.\n",
    })
    folders = [references_of(tmp_path, "2022-04"), references_of(tmp_path, "2022-05")]
    assert dangling(folders) == []


def test_references_to_missing_entries_are_located_errors(tmp_path: Path) -> None:
    write(tmp_path, {
        "content/2022-04/draft-rules.md": "---\ntitle: Draft\n---\nBody.\n",
        "content/2022-05/final-rules.md": (
            "---\ntitle: Final\nsupersedes: 2022-04/draft-rulez\nrelated:\n  - 2021-01/elsewhere\n---\nBody.\n"
        ),
    })
    folders = (references_of(tmp_path, name) for name in ("2022-04", "2022-05"))
    path = "content/2022-05/final-rules.md"
    assert dangling(folders) == [
        Problem(
            path, 3, 13,
            "'supersedes' refers to 2022-04/draft-rulez, but there is no content/2022-04/draft-rulez.{md|yaml|yml}"
            "; did you mean '2022-04/draft-rules'?",
        ),
        Problem(
            path, 5, 5,
            "'related' refers to 2021-01/elsewhere, but there is no content/2021-01/elsewhere.{md|yaml|yml}",
        ),
    ]


def test_an_entry_may_refer_to_another_in_its_own_folder(tmp_path: Path) -> None:
    write(tmp_path, {
        "content/2022-05/a.md": "---\ntitle: A\nrelated: 2022-05/b\n---\nBody.\n",
        "content/2022-05/b.yaml": "title: B\nrelated: 2022-05/a\nbody: Text.\n",
    })
    assert dangling([references_of(tmp_path, "2022-05")]) == []


def test_dangling_needs_only_the_folder_references() -> None:
    folder = FolderReferences(
        ("2022-05/a",), (Reference("related", "2022-05/b", "content/2022-05/a.md", 3, 10),)
    )
    assert dangling([folder]) == [
        Problem(
            "content/2022-05/a.md", 3, 10,
            "'related' refers to 2022-05/b, but there is no content/2022-05/b.{md|yaml|yml}"
            "; did you mean '2022-05/a'?",
        )
    ]
    assert dangling([]) == []


def test_a_bad_reference_after_an_item_that_is_not_text_is_located_at_itself(tmp_path: Path) -> None:
    _, problems = lifecycle_of(tmp_path, "related:\n  - 5\n  - bad\n")
    assert [(line, column) for line, column, _ in problems] == [(2, 5), (3, 5)]
    assert "'bad' in 'related' must be written <issue-id>/<slug>" in problems[1][2]


def test_a_malformed_reference_with_a_slash_gets_one_message(tmp_path: Path) -> None:
    write(tmp_path, {"content/2022-05/a.md": "---\nrelated: 2022-04/Old Rules\n---\n"})
    assert references_of(tmp_path, "2022-05").references == ()
