"""Read the project's files into raw records that remember where each value was.

Loading never interprets fields; it turns bytes into Python values (dicts,
lists, strings, numbers, booleans) plus a map from each key path to its
line and column, so validation can point at the exact spot. YAML is
composed with PyYAML's C parser where available and converted by our own
walker: only plain data tags are accepted (``!!python/...`` is reported,
never constructed) and aliases are expanded within a fixed budget, so an
alias bomb ends in an error rather than exhausting memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from newsletter.content.layout import (
    ASSETS_FOLDER,
    BUNDLED_SUFFIXES,
    ENTRY_SUFFIXES,
    ISSUE_FILE,
    LOCALES_FOLDER,
    REGISTRY_FILE,
    is_hidden,
)
from newsletter.errors import Problem

try:  # the C parser is about eight times faster than the pure-Python one
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

KeyPath = tuple[str | int, ...]
Position = tuple[int, int]

MAX_FILE_BYTES = 1_000_000
"""Largest content file accepted; far above any real development, and it
keeps Markdown rendering of a runaway paste bounded in time and memory."""

MAX_YAML_NODES = 20_000
"""Most values one YAML document may expand to once aliases are followed."""

MAX_YAML_DEPTH = 64
"""Deepest nesting of lists and mappings accepted; real settings and entries nest three or four deep."""


_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}
_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


@dataclass
class RawDocument:
    """One parsed file: its data, where each value sits, and its Markdown body."""

    path: str
    data: dict[str, Any] = field(default_factory=dict)
    values: dict[KeyPath, Position] = field(default_factory=dict)
    keys: dict[KeyPath, Position] = field(default_factory=dict)
    body: str | None = None
    body_line: int = 1
    problems: list[Problem] = field(default_factory=list)

    def at(self, keypath: KeyPath) -> Position:
        """Position of the value at ``keypath``, or of its nearest known parent."""
        while keypath not in self.values and keypath:
            keypath = keypath[:-1]
        return self.values.get(keypath, (1, 1))

    def key_at(self, keypath: KeyPath) -> Position:
        """Position of the key that names ``keypath`` (for unknown-field errors)."""
        return self.keys.get(keypath) or self.at(keypath)

    def problem(self, keypath: KeyPath, message: str, severity: str = "error") -> Problem:
        """Make a problem located at the value of ``keypath``."""
        line, column = self.at(keypath)
        return Problem(self.path, line, column, message, severity)  # type: ignore[arg-type]

    @property
    def ok(self) -> bool:
        """Whether the file parsed well enough to validate its fields."""
        return not self.problems


@dataclass
class RawIssue:
    """An issue folder: its ``issue.yaml`` and its development files."""

    folder: str
    meta: RawDocument | None
    entries: list[RawDocument]
    unread: list[str] = field(default_factory=list)
    """Files in the folder that are neither ``issue.yaml``, entries nor files to bundle, e.g. ``notes.md~``."""
    bundled: list[tuple[str, bytes]] = field(default_factory=list)
    """Images and attachments in the folder (see ``BUNDLED_SUFFIXES``), by file name, with their bytes."""


def load_settings(root: Path, config_path: Path) -> tuple[RawDocument, RawDocument | None]:
    """Read ``newsletter.yaml`` and, if the project has one, ``registry.yaml``."""
    registry_path = root / REGISTRY_FILE
    registry = load_yaml_file(registry_path, root) if registry_path.is_file() else None
    return load_yaml_file(config_path, root), registry


MAX_ASSET_BYTES = 10_000_000
"""Largest file of ``assets/`` copied to the site: a logo or a PDF, not a video."""


def load_assets(root: Path) -> tuple[tuple[tuple[str, bytes], ...], list[Problem]]:
    """Every file of the project's ``assets/`` folder (hidden ones aside) by site path, and what is wrong."""
    folder = root / ASSETS_FOLDER
    found: list[tuple[str, bytes]] = []
    problems: list[Problem] = []
    if not folder.is_dir():
        return (), problems
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or any(is_hidden(part) for part in relative.parts):
            continue
        if path.stat().st_size > MAX_ASSET_BYTES:
            problems.append(Problem(relative.as_posix(), 1, 1, f"file is over {MAX_ASSET_BYTES // 1_000_000} MB: "
                                    "link to it elsewhere rather than publish it with the site"))
            continue
        found.append((relative.as_posix(), path.read_bytes()))
    return tuple(found), problems


def project_catalogs(root: Path) -> list[str]:
    """The locales the project's ``locales/`` has a catalog for: ``zh_Hant`` for ``locales/zh_Hant/messages.po``."""
    folder = root / LOCALES_FOLDER
    return sorted(path.parent.name for path in folder.glob("*/messages.po")) if folder.is_dir() else []


MAX_BUNDLED_BYTES = 20_000_000
"""Largest image or attachment published from an issue folder; larger files are left out with a warning."""


def load_issue_folder(folder: Path, root: Path) -> RawIssue:
    """Read one issue folder: ``issue.yaml`` and every ``.md``/``.yaml``/``.yml`` entry."""
    meta_path = folder / ISSUE_FILE
    meta = load_yaml_file(meta_path, root) if meta_path.is_file() else None
    files = [path for path in sorted(folder.iterdir()) if path.is_file() and not is_hidden(path.name)]
    entries = [
        load_entry_file(path, root) for path in files if path.suffix in ENTRY_SUFFIXES and path.name != ISSUE_FILE
    ]
    kept = [path for path in files if path.suffix.lower() in BUNDLED_SUFFIXES]
    unread = [_relative(path, root) for path in files if path.suffix not in ENTRY_SUFFIXES and path not in kept]
    bundled = [(path.name, path.read_bytes()) for path in kept if path.stat().st_size <= MAX_BUNDLED_BYTES]
    unread += [_relative(path, root) for path in kept if path.stat().st_size > MAX_BUNDLED_BYTES]
    return RawIssue(_relative(folder, root), meta, entries, unread, bundled)


def load_entry_file(path: Path, root: Path) -> RawDocument:
    """Read a development: Markdown with front matter, or YAML with a ``body`` key."""
    if path.suffix == ".md":
        return _load_markdown_file(path, root)
    return load_yaml_file(path, root)


def load_yaml_file(path: Path, root: Path) -> RawDocument:
    """Read a YAML file whose top level must be a mapping."""
    doc = RawDocument(_relative(path, root))
    text = _read_text(path, doc)
    if text is not None:
        _parse_yaml(text, doc, first_line=1)
    return doc


def _load_markdown_file(path: Path, root: Path) -> RawDocument:
    doc = RawDocument(_relative(path, root))
    text = _read_text(path, doc)
    if text is None:
        return doc
    if not text.startswith("---") or not _FENCE.match(text):
        doc.problems.append(
            Problem(doc.path, 1, 1, "expected front matter: the file must start with a '---' line")
        )
        return doc
    closing = _FENCE.search(text, text.index("\n") + 1 if "\n" in text else len(text))
    if closing is None:
        doc.problems.append(
            Problem(doc.path, 1, 1, "front matter is not closed: add a '---' line after it")
        )
        return doc
    front = text[text.index("\n") + 1 : closing.start()]
    _parse_yaml(front, doc, first_line=2)
    body_start = closing.end() + 1
    doc.body_line = text.count("\n", 0, body_start) + 1
    doc.body = text[body_start:]
    return doc


def _read_text(path: Path, doc: RawDocument) -> str | None:
    r"""Decode a file as UTF-8 (BOM allowed) with ``\n`` line endings."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            doc.problems.append(
                Problem(
                    doc.path, 1, 1,
                    f"file is {size / 1_000_000:.1f} MB; content files are limited to "
                    f"{MAX_FILE_BYTES // 1_000_000} MB",
                )
            )
            return None
        data = path.read_bytes()
    except OSError as error:
        doc.problems.append(Problem(doc.path, 1, 1, f"cannot read file: {error.strerror}"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        doc.problems.append(
            Problem(doc.path, line, column, "file is not UTF-8 text: save it with UTF-8 encoding")
        )
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        doc.problems.append(Problem(doc.path, 1, 1, "file is empty"))
        return None
    return text


def _parse_yaml(text: str, doc: RawDocument, first_line: int) -> None:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = error.problem or "invalid YAML"
        if error.context and error.context.startswith("while parsing a flow") and error.context_mark:
            # The parser stops where it gave up, often lines later; the mistake is the bracket left open.
            bracket = "]" if "sequence" in error.context else "}"
            where = f"line {mark.line + first_line}" if mark else "the end"
            mark = error.context_mark
            reason = (f"this {'list' if bracket == ']' else 'mapping'} is not closed: add '{bracket}' at its end "
                      f"(the parser gave up at {where}: {reason})")
        elif error.context:
            reason = f"{reason} ({error.context})"
        line, column = (mark.line + first_line, mark.column + 1) if mark else (first_line, 1)
        if reason.startswith("mapping values are not allowed"):
            reason += "; a value that holds ': ' must be in quotes, like title: \"CAC: new rules\""
        doc.problems.append(Problem(doc.path, line, column, f"YAML syntax error: {reason}"))
        return
    except yaml.reader.ReaderError as error:  # a character YAML does not allow, such as a control character
        line, column = _line_and_column(text, error.position)
        doc.problems.append(Problem(doc.path, line + first_line - 1, column,
                                    f"YAML cannot hold the character U+{error.character:04X}: remove it"))
        return
    except yaml.YAMLError as error:
        doc.problems.append(Problem(doc.path, first_line, 1, f"YAML error: {error}"))
        return
    if node is None:
        doc.problems.append(Problem(doc.path, first_line, 1, "no fields found: expected a mapping"))
        return
    walker = _Walker(doc, first_line)
    data = walker.convert(node, ())
    if walker.exhausted:
        return
    if not isinstance(data, dict):
        doc.problems.append(
            doc.problem((), f"expected a mapping of field names to values, found {kind_of(data)}")
        )
        return
    doc.data = data


def _line_and_column(text: str, offset: int) -> Position:
    """The 1-based line and column of the character at ``offset``."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def kind_of(value: Any) -> str:
    """Name a YAML value's kind the way an editor would read it."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class _Walker:
    """Convert a composed YAML node graph into plain values, recording positions."""

    def __init__(self, doc: RawDocument, first_line: int):
        self.doc = doc
        self.first_line = first_line
        self.budget = MAX_YAML_NODES
        self.exhausted = False
        self.constructor = yaml.constructor.SafeConstructor()

    def position(self, node: yaml.Node) -> Position:
        return node.start_mark.line + self.first_line, node.start_mark.column + 1

    def fail(self, node: yaml.Node, message: str) -> None:
        line, column = self.position(node)
        self.doc.problems.append(Problem(self.doc.path, line, column, message))

    def convert(self, node: yaml.Node, keypath: KeyPath) -> Any:
        self.budget -= 1
        if self.budget < 0:
            if not self.exhausted:
                self.exhausted = True
                self.fail(node, "document expands to too many values (are aliases nested?)")
            return None
        self.doc.values.setdefault(keypath, self.position(node))
        if len(keypath) > MAX_YAML_DEPTH:
            if not self.exhausted:
                self.exhausted = True
                self.fail(node, f"values are nested more than {MAX_YAML_DEPTH} deep")
            return None
        if node.tag not in _PLAIN_TAGS:
            self.fail(node, f"YAML tag '{node.tag}' is not allowed: use plain text, numbers and lists")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, keypath)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*keypath, i)) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, keypath: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node, "a field name must be plain text")
                continue
            key = str(key_node.value)
            if key in result:
                self.fail(key_node, f"field '{key}' appears twice")
                continue
            self.doc.keys.setdefault((*keypath, key), self.position(key_node))
            result[key] = self.convert(value_node, (*keypath, key))
        return result

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"):
            # Dates stay text: validation parses them so '2022-02-30' gets a clear message.
            return str(node.value)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, yaml.YAMLError):
            self.fail(node, f"cannot read value {node.value!r}")
            return None


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
