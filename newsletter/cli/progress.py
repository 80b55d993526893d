"""A progress bar for long builds, drawn only on an interactive terminal.

Most builds take well under a second, and a bar that flashes by is noise; so
the bar appears only once a build has run for ``delay`` seconds. Logs and CI
never get one: it needs a terminal, and the ``CI`` variable turns it off.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from types import TracebackType
from typing import TextIO

BAR_WIDTH = 24
REDRAW_SECONDS = 0.1
LONG_BUILD_SECONDS = 2.0


def wants_progress(stream: TextIO) -> bool:
    """Whether a progress bar belongs on ``stream``: a terminal, outside CI."""
    return stream.isatty() and not os.environ.get("CI")


class StageProgress:
    """Show which of ``stages`` is running, as a bar redrawn in place on ``stream``."""

    def __init__(self, stages: Sequence[str], stream: TextIO, delay: float = LONG_BUILD_SECONDS):
        self.stages = stages
        self.stream = stream
        self.delay = delay
        self.current = 0
        self.drawn = False
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._draw_until_stopped, daemon=True)

    def __enter__(self) -> StageProgress:
        self.started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        if self.drawn:
            self.stream.write("\r\x1b[K")  # clear the bar so the summary starts on a clean line
            self.stream.flush()

    def advance(self, stage: str) -> None:
        """Record that ``stage`` has started."""
        self.current = self.stages.index(stage)

    def line(self) -> str:
        """The bar as it looks now: ``[######------] rendering  2.4 s``."""
        done = BAR_WIDTH * self.current // len(self.stages)
        bar = "#" * done + "-" * (BAR_WIDTH - done)
        elapsed = time.monotonic() - self.started
        return f"[{bar}] {self.stages[self.current]:<10} {elapsed:4.1f} s"

    def _draw_until_stopped(self) -> None:
        if self._stop.wait(self.delay):
            return
        while not self._stop.is_set():
            self.stream.write("\r" + self.line())
            self.stream.flush()
            self.drawn = True
            self._stop.wait(REDRAW_SECONDS)
