"""Traditional forms in simplified text: which simplified character a traditional one stands for.

Some engines (PP-OCR among them) now and then read a simplified character as its traditional
form (項 for 项, 請 for 请). Such a character lies outside the inventory, so the decoder never
edits it; the corrector's variant stage (:mod:`ocrfix.correction.variants`) puts its simplified
form in where the LM prefers it. Nothing is converted blindly: simplified newspapers keep
traditional forms in names (梁靖崑, 李仕傑) and in terms for old objects (虎鎣).

The table is built from OpenCC's character conversion by
:mod:`ocrfix.training.confusions.variants` and shipped as ``models/confusions/variants.tsv``:
only characters outside the inventory whose one simplified form is inside it. Beside it,
``models/confusions/simplified.tsv`` lists the inventory characters that traditional script
writes otherwise (儿, 们, 国; OpenCC's ``s2t``), each with its traditional form: what tells a line
in traditional script from simplified text with a slip, and what a correction made in a
traditional text's simplified view is written back as (:mod:`ocrfix.correction.script`).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..checksums import model_rows
from ..errors import ModelError

VARIANTS_FILE = "variants.tsv"
SIMPLIFIED_FILE = "simplified.tsv"
#: Regional standard forms: a character Taiwan's standard writes where the mainland's writes another,
#: both in the inventory (OpenCC's ``tw2sp`` changes it alone, ``t2s`` keeps it:
#: :func:`ocrfix.training.confusions.variants.build_regional`). The decoder never proposes the
#: mainland form for it: it is the writer's standard, not a misreading. Text typed by writers taught
#: in Taiwan (SIGHAN's essays, simplified by character) writes the particle 着 as 著 (看著), which the
#: news LM reads as an error: each line corrected alone, the default profile changed 著 to 着 91
#: times in SIGHAN's training essays, every time against the gold, of 125 false edits there (188
#: fixed). The engines do not confuse the two on print: the Tesseract and RapidOCR training pages'
#: OCR has 5 and 4 著 against 4 and 4 in their GT, and no edit of one.
REGIONAL_FORMS = {"么": "幺", "著": "着", "醯": "酰"}


def load_variants(path: str | Path) -> dict[str, str]:
    """The variant table of ``path``: ``traditional<TAB>simplified`` lines, ``#`` comments
    (checked against its ``checksums.json`` entry first, where one lists it)."""
    return _character_pairs(path, "traditional<TAB>simplified")


@lru_cache(maxsize=4)
def simplified_forms(confusions_dir: Path) -> dict[str, str]:
    """simplified -> traditional for the characters traditional script writes otherwise, of a confusions
    directory (shipped: ``models/confusions/simplified.tsv``; checked against its ``checksums.json``
    entry first, where one lists it)."""
    return _character_pairs(Path(confusions_dir) / SIMPLIFIED_FILE, "simplified<TAB>traditional")


def _character_pairs(path: str | Path, row: str) -> dict[str, str]:
    """A model TSV of one character -> one character (``row`` names its columns in the error)."""
    table: dict[str, str] = {}
    for number, fields in model_rows(path):
        if len(fields) != 2 or len(fields[0]) != 1 or len(fields[1]) != 1:
            raise ModelError(f"{path}:{number}: expected '{row}', one character each")
        table[fields[0]] = fields[1]
    return table
