"""Exceptions that the CLI turns into one-line messages and non-zero exits."""


class OcrfixError(Exception):
    """Base class: anything the user can fix (bad input, missing model, wrong option)."""

    exit_code = 2


class InputError(OcrfixError):
    """An input file that cannot be read as text: missing, binary, empty, wrong encoding, too big."""


class ModelError(OcrfixError):
    """A model or confusion-set file that is missing or not of the expected format."""


class ToolMissingError(OcrfixError):
    """An external program (KenLM's lmplz/build_binary, Tesseract) is not installed."""
