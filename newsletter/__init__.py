"""newsletter: a static-site generator for regulatory and professional newsletters.

One pass: load files -> validate into a typed model -> assemble issues ->
render each output kind -> write atomically. See ``build.py``.
"""

__version__ = "0.1.0"
