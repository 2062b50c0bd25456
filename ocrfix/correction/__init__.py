"""The corrector: rules, candidates, features, scoring, decoding, edits (see docs/correct.md).

``ocrfix.correct(text)`` — the package-level function — is the convenience entry point;
:class:`ocrfix.correction.corrector.Corrector` loads the models once for many pages.
"""
