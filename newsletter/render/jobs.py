"""Output split into jobs: a renderer applied to exactly the values its files depend on.

A job's files are a pure function of its inputs, the templates and the tool,
so a build can reuse the files of any job whose inputs did not change and
render the others in any order, in parallel. Dependencies are exact by
construction: a renderer cannot depend on what it is not given. That is why
per-issue outputs (the email edition) are rendered from a newsletter that
holds only that issue, and why a page receives the whole archive only when
its templates mention ``issues``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2 import meta

Files = dict[str, bytes]
"""Rendered output: site path -> bytes. Every renderer returns one."""

Environments = Mapping[str, jinja2.Environment]
"""The template environment of each edition, by its code (``""`` for the newsletter's own language)."""


@dataclass(frozen=True)
class Job:
    """Files made by calling ``render(*inputs, env)``, under ``<edition>/`` for another edition's."""

    render: Callable[..., Files]
    inputs: tuple[Any, ...]
    edition: str = ""
    """The code of the edition the files belong to (its folder), ``""`` for the newsletter's own."""

    @property
    def name(self) -> str:
        """The renderer's qualified name, part of the job's identity."""
        return f"{self.render.__module__}.{self.render.__qualname__}"

    def run(self, envs: Environments) -> Files:
        """Render this job's files with its edition's environment, at their paths in the output."""
        files = self.render(*self.inputs, envs[self.edition])
        if not self.edition:
            return files
        return {f"{self.edition}/{path}": data for path, data in files.items()}


def run_jobs(jobs: Iterable[Job], envs: Environments) -> Files:
    """Every file of ``jobs``, rendered in this process (no cache, no fingerprints)."""
    files: Files = {}
    for job in jobs:
        files.update(job.run(envs))
    return files


@dataclass(frozen=True)
class TemplateFacts:
    """What one template's source says: the variables it reads and the templates it pulls in."""

    variables: frozenset[str]
    references: tuple[str | None, ...]


class TemplateNames:
    """Which context variables a template may read, following extends, includes and imports."""

    def __init__(self, env: jinja2.Environment):
        self.env = env
        self._found: dict[str, frozenset[str] | None] = {}

    def used_by(self, name: str) -> frozenset[str] | None:
        """The variables ``name`` and the templates it pulls in read; ``None`` if unknowable."""
        if name not in self._found:
            self._found[name] = self._collect(name)
        return self._found[name]

    def _collect(self, name: str) -> frozenset[str] | None:
        names: set[str] = set()
        seen: set[str] = set()
        pending = [name]
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            facts = self._facts(current)
            if None in facts.references:  # a template chosen at run time: assume it reads anything
                return None
            names |= facts.variables
            pending += [reference for reference in facts.references if reference is not None]
        return frozenset(names)

    def _facts(self, name: str) -> TemplateFacts:
        assert self.env.loader is not None
        source, filename, _ = self.env.loader.get_source(self.env, name)
        return self.facts_of(name, source, filename)

    def facts_of(self, name: str, source: str, filename: str | None) -> TemplateFacts:
        """What the template ``name`` says, parsed from its ``source``."""
        tree = self.env.parse(source, name, filename)  # named, so a syntax error is located
        return TemplateFacts(
            frozenset(meta.find_undeclared_variables(tree)),
            tuple(meta.find_referenced_templates(tree)),
        )
