"""Everything that exists only to do less next time.

Invariant: deleting ``.newsletter-cache/`` is always safe and never changes
the output; it only makes the next build slower. Every cached value is
stored under a digest of all the inputs that decide it (content bytes,
settings, options, templates and the tool itself), so nothing is ever
invalidated by hand.

Owns: the cache folder (``cache``), digests of model values
(``fingerprints``), digests of the project's files taken cheaply (``scan``),
the up-to-date answers of ``build`` and ``check`` (``stamps``), issues read
from the cache or in parallel (``reading``), output jobs rendered only when
their inputs changed (``jobs``), worker processes (``parallel``), cached
template work (``templates``), and :class:`~newsletter.incremental.rebuild.Rebuild`,
the one object :mod:`newsletter.build` asks for all of it.

May import: :mod:`newsletter.content`, :mod:`newsletter.render`,
:mod:`newsletter.model`, :mod:`newsletter.options`, :mod:`newsletter.output`
and :mod:`newsletter.project`; never :mod:`newsletter.cli`. ``cache``,
``scan`` and ``stamps`` use the standard library only: a build answered from
its stamp loads nothing else.
"""
