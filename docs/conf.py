"""Sphinx's settings for the labs' site. Build it with ``make docs`` (:mod:`labkit.docs`), which stages
these pages with the lessons and the generated parts, and builds with warnings as errors.

Notebooks are rendered with the outputs they hold (MyST-NB, never executed here). autodoc imports
every labkit module for the API pages; importing labkit must not import TensorFlow, Keras or music21,
and the build fails (a warning) if it did.
"""

import sys

from sphinx.util import logging

project = "Sequence Modeling Labs"
author = "Sequence Modeling Labs"
copyright = "the Sequence Modeling Labs authors"
extensions = ["myst_nb", "sphinx.ext.autodoc"]
exclude_patterns = ["downloads/*", "contributing.md"]
html_theme = "furo"
html_title = "Sequence Modeling Labs"
html_show_sourcelink = False
html_copy_source = False

myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
nb_execution_mode = "off"  # the outputs are the stored ones: make results leaves full-mode runs
nb_merge_streams = True

autodoc_member_order = "bysource"
autodoc_typehints = "none"

HEAVY = ("tensorflow", "keras", "music21")


def _no_heavy_imports(app, env):
    imported = [name for name in HEAVY if name in sys.modules]
    if imported:
        logging.getLogger(__name__).warning("importing labkit for the API pages imported %s: labkit must "
                                            "load them lazily", ", ".join(imported))


def setup(app):
    app.connect("env-updated", _no_heavy_imports)
