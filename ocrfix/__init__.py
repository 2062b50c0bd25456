"""ocrfix: post-correction of Chinese newspaper OCR.

Public API (imported lazily so ``import ocrfix`` stays cheap):
  reflow(text) -> str                       column-wrapped OCR -> paragraphs
  correct(text, ...) -> Result              reflow + noisy-channel correction
  Corrector                                 loads the LM and confusion sets once
  evaluate(gt, hyp, ocr=None, ...) -> report
"""
from __future__ import annotations

__version__ = "0.1.0"
