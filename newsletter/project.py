"""A newsletter project on disk: where its settings, content, templates, output and cache are.

Standard library and light modules only: a build answered from its stamp
(:mod:`newsletter.incremental.stamps`) loads it without loading any of the
libraries that read or render the content.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newsletter.content.layout import ASSETS_FOLDER, LOCALES_FOLDER, REGISTRY_FILE
from newsletter.errors import OutputError
from newsletter.incremental.cache import CACHE_DIR, Cache
from newsletter.output import check_output_dir


@dataclass(frozen=True)
class Project:
    """Where a newsletter project's files are."""

    root: Path
    config_path: Path
    content_dir: Path
    output_dir: Path

    @classmethod
    def at(cls, root: Path) -> Project:
        """The default layout of a project rooted at ``root``."""
        return cls(root, root / "newsletter.yaml", root / "content", root / "output")

    @property
    def protected(self) -> list[Path]:
        """Paths the output folder must never be, nor contain."""
        return [self.root, self.content_dir, self.config_path]

    @property
    def templates_dir(self) -> Path | None:
        """The project's own templates, if it has any."""
        templates = self.root / "templates"
        return templates if templates.is_dir() else None

    @property
    def assets_dir(self) -> Path | None:
        """The project's files to publish as they are (a logo), if it has any."""
        assets = self.root / ASSETS_FOLDER
        return assets if assets.is_dir() else None

    @property
    def locales_dir(self) -> Path | None:
        """The project's own message catalogs (``locales/<locale>/messages.po``), if it has any."""
        locales = self.root / LOCALES_FOLDER
        return locales if locales.is_dir() else None

    @property
    def settings_files(self) -> list[Path]:
        """The files the settings are read from, whether they exist or not."""
        return [self.config_path, self.root / REGISTRY_FILE]

    @property
    def cache(self) -> Cache:
        """The build cache beside the settings file."""
        return Cache(self.root / CACHE_DIR)

    def check_output_dir(self) -> None:
        """Refuse an output folder that the build must not replace."""
        if self.content_dir.resolve() in self.output_dir.resolve().parents:
            raise OutputError(f"refusing to write the output inside the content folder {self.content_dir}")
        check_output_dir(self.output_dir, self.protected)
