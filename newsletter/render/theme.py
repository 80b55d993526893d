"""The project's templates beside the defaults: which are overridden, and where a template fails."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import jinja2

from newsletter.errors import Problem
from newsletter.render.templates import default_templates_dir

TEMPLATES_FOLDER = "templates"
Origin = Literal["default", "overridden", "project"]


@dataclass(frozen=True, order=True)
class TemplateFile:
    """One template name and where the build takes it from."""

    name: str
    origin: Origin


def list_templates(root: Path) -> list[TemplateFile]:
    """Every default template, marked where the project overrides it, then project-only ones."""
    defaults = _template_names(default_templates_dir())
    project = _template_names(root / TEMPLATES_FOLDER)
    listed = [
        TemplateFile(name, "overridden" if name in project else "default") for name in sorted(defaults)
    ]
    return listed + [TemplateFile(name, "project") for name in sorted(project - defaults)]


def _template_names(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    names = (path.relative_to(folder) for path in folder.rglob("*") if path.is_file())
    return {name.as_posix() for name in names if not any(p.startswith(".") for p in name.parts)}


def template_syntax_problems(env: jinja2.Environment, root: Path) -> list[Problem]:
    """Compile every template the build can use, reporting syntax errors without rendering."""
    problems = []
    for name in env.list_templates():
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as error:
            problems.append(template_problem(error, root))
    return problems


def template_problem(error: jinja2.TemplateError, root: Path) -> Problem:
    """Locate a template error at the template file and line that caused it."""
    filename: str | None
    line: int | None
    if isinstance(error, jinja2.TemplateSyntaxError):
        filename, line = error.filename, error.lineno
    else:
        filename, line = _innermost_template_frame(error, root)
    where = _display_path(filename, root) if filename else "templates"
    return Problem(where, line or 1, 1, f"template error: {error.message or type(error).__name__}")


def _innermost_template_frame(error: BaseException, root: Path) -> tuple[str | None, int | None]:
    """Jinja rewrites tracebacks so template code appears under the template's file name."""
    folders = (default_templates_dir().resolve(), (root / TEMPLATES_FOLDER).resolve())
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if any(folder in Path(frame.filename).resolve().parents for folder in folders):
            return frame.filename, frame.lineno
    return None, None


def _display_path(filename: str, root: Path) -> str:
    """``templates/base.html`` for the project's files, ``default/base.html`` for the package's."""
    path = Path(filename).resolve()
    defaults = default_templates_dir().resolve()
    if defaults in path.parents:
        return f"default/{path.relative_to(defaults).as_posix()}"
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return filename
