"""Start-up: `ocrfix --help` and `import ocrfix` load none of the heavy libraries (numpy, scipy,
kenlm, lxml, the train extra); the public API is still all there, loaded on first use."""
from __future__ import annotations

import subprocess
import sys

HEAVY = ("numpy", "scipy", "kenlm", "lxml", "sklearn", "matplotlib", "PIL", "charset_normalizer", "tqdm")


def loaded_modules(code: str) -> set[str]:
    """Top-level names of the modules a fresh interpreter has loaded after running ``code``."""
    run = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in run.stdout.split()}


def test_help_loads_no_heavy_library() -> None:
    code = ("import contextlib, io\nfrom ocrfix.cli import main\n"
            "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
            "    for args in (['--help'], ['correct', '--help'], ['eval', '--help'], ['lm', 'train', '--help'],"
            " ['confusions', 'show', '--help']):\n"
            "        with contextlib.suppress(SystemExit):\n"
            "            main(args)")
    assert sorted(loaded_modules(code) & set(HEAVY)) == []


def test_import_ocrfix_is_light_and_its_api_complete() -> None:
    assert sorted(loaded_modules("import ocrfix") & set(HEAVY)) == []
    import ocrfix

    assert callable(ocrfix.correct) and callable(ocrfix.evaluate) and callable(ocrfix.reflow)
    assert ocrfix.Corrector.__name__ == "Corrector" and ocrfix.Edit.__name__ == "Edit"
    assert ocrfix.replay("ab", []) == "ab"
    assert {"Corrector", "Result", "replay"} <= set(dir(ocrfix))
    from ocrfix.formats import FORMATS, read_document

    assert "alto" in FORMATS and callable(read_document)


def test_unknown_attribute_is_an_attribute_error() -> None:
    import ocrfix
    import ocrfix.formats

    for module in (ocrfix, ocrfix.formats):
        try:
            module.no_such_name  # noqa: B018
        except AttributeError as exc:
            assert "no_such_name" in str(exc)
        else:
            raise AssertionError(f"{module.__name__}.no_such_name did not raise")
