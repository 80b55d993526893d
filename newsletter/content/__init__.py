"""Files -> a validated model: everything the editor writes, read and checked.

Owns: where content lives (``layout``), reading files into raw records that
remember positions (``loading``), typed field access with located problems
(``fields``), the settings and registry (``settings``, ``registry``), one
development (``entries``, ``lifecycle``), one issue (``issues``), what spans
issues (``archive``), Markdown to safe HTML and plain text (``markdown``),
URL checks (``urls``) and slugs for new files (``slugs``).

May import: the standard library, the reading libraries (PyYAML, Markdown,
nh3), and :mod:`newsletter.model`, :mod:`newsletter.errors` and
:mod:`newsletter.options`. Never :mod:`newsletter.render`,
:mod:`newsletter.incremental`, :mod:`newsletter.cli` or anything that writes.
Everything here but ``loading`` is pure: problems are returned as values.
"""
