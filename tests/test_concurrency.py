"""Builds that overlap, are killed or are stopped never leave a broken or missing ``output/``.

Real processes, real signals, real files. Nothing here measures time: waits
are for files to appear, with generous limits that only a hung build reaches.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newsletter.build import Project, build
from newsletter.options import Options
from newsletter.output import output_lock
from tests.conftest import MakeSite, built, cold_build, entry, run, tree

ENTRIES = 24
LIMIT_SECONDS = 120.0


def project_files(edit: int = 0) -> dict[str, str | bytes | None]:
    """A small project of two issues; ``edit`` changes one entry's words."""
    files: dict[str, str | bytes | None] = {"content/2022-06/issue.yaml": "date: 2022-06-15\n"}
    for number in range(ENTRIES):
        issue = "2022-05" if number % 2 else "2022-06"
        words = f"The text of development {number}" + (f", edited {edit} times" if number == 3 else "") + "."
        files[f"content/{issue}/entry-{number}.md"] = entry(
            f"Development {number}", "industry", f"{issue}-0{number % 9 + 1}", body=words, tags=f"[tag-{number % 4}]"
        )
    return files


def newsletter_process(root: Path, *args: str) -> subprocess.Popen[str]:
    """``newsletter ARGS`` as its own process in ``root``."""
    return subprocess.Popen(
        [sys.executable, "-m", "newsletter", *args], cwd=root, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + LIMIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def leftovers(root: Path) -> list[str]:
    prefixes = (".output.spool-", ".output.new-", ".output.old-")
    return sorted(p.name for p in root.iterdir() if p.name.startswith(prefixes))


def test_overlapping_builds_after_an_edit_leave_exactly_a_cold_build(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site(project_files())
    built(root, "-q")
    built(root, "-q")  # and once more, incrementally
    for round_number in range(1, 4):
        make_site(project_files(edit=round_number))
        processes = []
        for stagger in (0.0, 0.03, 0.1):
            time.sleep(stagger)
            processes.append(newsletter_process(root, "build", "-q"))
        for process in processes:
            _, stderr = process.communicate(timeout=LIMIT_SECONDS)
            assert process.returncode == 0, stderr
        output = tree(root / "output")
        assert [path for path, data in output.items() if not data] == [], "empty files in the output"
        expected = cold_build(root, tmp_path)
        assert output.keys() == expected.keys()
        assert {path for path in expected if output[path] != expected[path]} == set()
        assert leftovers(root) == []


KILLED_IN_THE_SWAP = """
import os, sys, time
from pathlib import Path
from newsletter import output
real = output.exchange
after = sys.argv[1] == "after"

def exchange(first, second):
    if not after:
        Path("reached").touch(); time.sleep(600)
    done = real(first, second)
    Path("reached").touch(); time.sleep(600)
    return done

output.exchange = exchange
from newsletter.cli import main
main(["build", "-q"])
"""


@pytest.mark.parametrize("moment", ["before", "after"])
def test_a_build_killed_inside_the_swap_leaves_a_whole_output(
    make_site: MakeSite, tmp_path: Path, moment: str
) -> None:
    root = make_site(project_files())
    built(root, "-q")
    old = tree(root / "output")
    make_site(project_files(edit=1))
    new = cold_build(root, tmp_path)
    process = subprocess.Popen([sys.executable, "-c", KILLED_IN_THE_SWAP, moment], cwd=root)
    try:
        wait_for((root / "reached").exists, "the build to reach the swap")
        process.kill()
    finally:
        process.wait(timeout=LIMIT_SECONDS)
    assert tree(root / "output") == (old if moment == "before" else new)
    built(root, "-q")
    assert tree(root / "output") == new
    assert leftovers(root) == []


POLLER = """
import os, sys
page, stop = sys.argv[1], sys.argv[2]
looks = missing = 0
while not os.path.exists(stop):
    looks += 1
    missing += not os.path.exists(page)
print(looks, missing)
"""


def test_the_output_page_never_goes_missing_during_rebuilds(make_site: MakeSite) -> None:
    root = make_site(project_files())
    project = Project.at(root)
    build(project, Options())
    stop = root / "stop-polling"
    poller = subprocess.Popen(
        [sys.executable, "-c", POLLER, str(root / "output" / "index.html"), str(stop)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        for edit in range(1, 21):
            make_site(project_files(edit=edit))
            build(project, Options())
    finally:
        stop.touch()
        stdout, _ = poller.communicate(timeout=LIMIT_SECONDS)
    looks, missing = map(int, stdout.split())
    assert looks > 1000
    assert missing == 0


def test_leftovers_of_killed_builds_are_removed_by_the_next_build(make_site: MakeSite) -> None:
    root = make_site(project_files())
    built(root, "-q")
    for name in (".output.spool-abc", ".output.new-def", ".output.old-ghi"):
        (root / name / "issues").mkdir(parents=True)
        (root / name / "issues" / "index.html").write_text("half a build")
    (root / ".output.spool-file").write_text("not a folder: not ours to remove")
    make_site(project_files(edit=1))
    built(root, "-q")
    assert leftovers(root) == [".output.spool-file"]
    assert (root / ".output.previous").is_dir()  # kept on purpose: the next build updates it


def test_a_second_build_waits_for_the_first_and_says_so(make_site: MakeSite) -> None:
    root = make_site(project_files())
    with output_lock(Project.at(root).output_dir, lambda: None):
        waiting = newsletter_process(root, "build")
        assert waiting.stderr is not None
        first_line: list[str] = []
        reader = threading.Thread(target=lambda: first_line.append(waiting.stderr.readline()))  # type: ignore[union-attr]
        reader.start()
        reader.join(LIMIT_SECONDS)
        assert first_line and "waiting for another build of this project" in first_line[0]
        assert waiting.poll() is None
        assert not (root / "output").exists()
    _, stderr = waiting.communicate(timeout=LIMIT_SECONDS)
    assert waiting.returncode == 0, stderr
    assert (root / "output" / "index.html").is_file()


def test_no_wait_fails_at_once_while_another_build_writes(make_site: MakeSite) -> None:
    root = make_site(project_files())
    with output_lock(Project.at(root).output_dir, lambda: None):
        result = run("build", "--no-wait", cwd=root)
    assert result.exit_code == 1
    assert "another build is writing" in result.stderr
    assert not (root / "output").exists()


@pytest.mark.parametrize(("stop", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stopped_build_exits_with_its_own_code_and_leaves_nothing_behind(
    make_site: MakeSite, stop: signal.Signals, code: int
) -> None:
    root = make_site(project_files())
    built(root, "-q")
    before = tree(root / "output")
    make_site(project_files(edit=1))
    held = textwrap.dedent("""
        import sys, time
        from pathlib import Path
        from newsletter import output
        real = output.write_output
        def slow(*args, **kwargs):
            Path("reached").touch(); time.sleep(600)
        output.write_output = slow
        import newsletter.incremental.rebuild as rebuild
        rebuild.write_output = slow
        from newsletter.cli import main
        main(["build", "-q"])
    """)
    process = subprocess.Popen([sys.executable, "-c", held], cwd=root, stderr=subprocess.PIPE, text=True)
    wait_for((root / "reached").exists, "the build to reach writing")
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=LIMIT_SECONDS)
    assert process.returncode == code, stderr
    assert "Traceback" not in stderr
    assert tree(root / "output") == before
    assert leftovers(root) == []


def test_a_command_run_in_process_leaves_the_callers_answer_to_sigterm(make_site: MakeSite) -> None:
    """A program that runs commands in its own process (this test suite) keeps its own SIGTERM handling."""
    before = signal.getsignal(signal.SIGTERM)
    root = make_site()
    built(root, "-q")
    assert run("check", cwd=root).exit_code == 0
    assert signal.getsignal(signal.SIGTERM) is before
