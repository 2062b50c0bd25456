"""Build hook for the two compiled parts of ocrfix, both optional:

* the corrector's site-gain loop (``ocrfix/lm/_site_gains.cpp``), built against KenLM's headers.
  ``install.sh`` downloads KenLM's source and points ``OCRFIX_KENLM_SRC`` at it. Without it, or if
  the compile fails, ocrfix installs without the loop and makes the same corrections with Python
  look-ups (at about three quarters of the speed);
* the layout analysis's per-word and per-line loops (``ocrfix/formats/_layout_kernel.cpp``), which
  need only Python's headers: built wherever a C++ compiler is; without them the layout runs the
  same loops in Python.

Everything else is in ``pyproject.toml``.
"""
import os
from pathlib import Path

from setuptools import Extension, setup

KENLM_SRC = os.environ.get("OCRFIX_KENLM_SRC", "")

extensions = [Extension("ocrfix.formats._layout_kernel", ["ocrfix/formats/_layout_kernel.cpp"],
                        extra_compile_args=["-O2", "-std=c++11", "-ffp-contract=off"], language="c++", optional=True)]
if KENLM_SRC and (Path(KENLM_SRC) / "lm" / "virtual_interface.hh").is_file():
    extensions.append(Extension(
        "ocrfix.lm._site_gains", ["ocrfix/lm/_site_gains.cpp"], include_dirs=[KENLM_SRC],
        # the kenlm Python package's defaults: its State holds KENLM_MAX_ORDER - 1 words
        define_macros=[("KENLM_MAX_ORDER", "6"), ("NDEBUG", None)],
        extra_compile_args=["-O3", "-std=c++11"], language="c++", optional=True))

setup(ext_modules=extensions)
