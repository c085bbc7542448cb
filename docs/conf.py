"""Sphinx configuration of the jvmodel documentation (Markdown pages through MyST)."""

from __future__ import annotations

import jvmodel

project = "jvmodel"
author = "The jvmodel developers"
copyright = "the jvmodel developers"  # noqa: A001  (Sphinx's name)
release = version = jvmodel.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "matplotlib.sphinxext.plot_directive",
]

source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "README.md"]
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# The docstrings are numpydoc-style; napoleon reads them.
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_ivar = True
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"show-inheritance": False}

# Charts are drawn by jvmodel itself while the site builds; nothing generated is
# kept in the repository.
plot_formats = [("png", 110)]
plot_html_show_formats = False
plot_html_show_source_link = False
plot_include_source = False
plot_rcparams = {"savefig.bbox": "tight"}

html_theme = "alabaster"
html_title = f"jvmodel {release}"
html_theme_options = {
    "description": "Who owns a joint venture, and is it inside the cap?",
    "fixed_sidebar": True,
    "page_width": "1100px",
    "sidebar_width": "230px",
}
