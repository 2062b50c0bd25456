"""A text printed in traditional script, corrected through its simplified view.

The shipped models know simplified text: the LM never saw 國 or 們, and the inventory, the
confusion sets and the channel are of simplified characters. A page of a Taiwan or Hong Kong
paper (or a mainland one from before 1956) is therefore read the way the models can read it:
each traditional form is put into its simplified form, which keeps every offset — the forms of
the variant table (:mod:`ocrfix.confusions.variants`, OpenCC's ``t2s`` one character at a time)
and the few that are inventory characters too (於, 祕, 徵: the traditional forms of
``models/confusions/simplified.tsv`` inside the inventory); the corrector works on that view;
and each character an edit puts in is written back in traditional script, in the form the page
itself uses for it (a page that writes 裡 keeps 裡 where another writes 裏, and a Taiwan page
keeps the 群 OpenCC writes 羣), else in the form of
``simplified.tsv`` (OpenCC's ``s2t``), else as it is (a character every script writes). An edit
that comes back as the page's own character is no edit.

A text is taken for traditional script by :func:`~.variants.traditional_script` over the whole
text: at least as many traditional forms as characters traditional script writes otherwise, and
:data:`MIN_FORMS` of them (a third of a traditional text's characters are such forms; a shorter
text is judged line by line by the variant stage, :mod:`.variants`). Simplified text with an
engine's slips (項 for 项) has hundreds of characters traditional script writes otherwise.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..column_order import TokenScorer
from .variants import traditional_script

MIN_FORMS = 10


@dataclass(frozen=True)
class ScriptView:
    """The simplified view of one traditional text, and the way back."""

    to_simplified: Mapping[str, str]  # traditional -> simplified
    to_traditional: Mapping[str, str]  # simplified -> the traditional form this text writes

    def view(self, text: str) -> str:
        """``text`` with every traditional form of the table put into its simplified form (same length)."""
        return "".join(self.to_simplified.get(char, char) for char in text)

    def written_back(self, chars: str) -> str:
        """``chars`` (put in by an edit of the view) in the text's script."""
        return "".join(self.to_traditional.get(char, char) for char in chars)

    def scorer(self, lm: TokenScorer) -> "ViewScorer":
        """``lm`` reading the view of the tokens it is given (for the reflow's and column order's LM calls)."""
        return ViewScorer(lm, self)


@dataclass(frozen=True)
class ViewScorer:
    """An LM that scores the simplified view of the tokens of a traditional text."""

    lm: TokenScorer
    script: ScriptView

    def score_tokens(self, tokens: Sequence[str], bos: bool = True, eos: bool = True) -> float:
        return self.lm.score_tokens([self.script.view(token) for token in tokens], bos=bos, eos=eos)


def script_view(text: str, variants: Mapping[str, str], simplified_forms: Mapping[str, str]) -> ScriptView | None:
    """The simplified view of ``text`` if it is printed in traditional script, else None.
    ``variants``: traditional -> simplified (:meth:`ScriptView.view`); ``simplified_forms``: simplified -> traditional for the
    characters traditional script writes otherwise."""
    if sum(char in variants for char in text) < MIN_FORMS or not traditional_script(text, variants, simplified_forms):
        return None
    own: dict[str, Counter[str]] = {}
    for char in text:
        # a traditional form, or a character OpenCC writes otherwise that this page writes as it is (群 in Taiwan)
        simplified = variants.get(char, char if char in simplified_forms else None)
        if simplified is not None:
            own.setdefault(simplified, Counter())[char] += 1
    back = {**simplified_forms, **{simplified: forms.most_common(1)[0][0] for simplified, forms in own.items()}}
    return ScriptView(variants, back)
