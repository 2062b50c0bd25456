"""How wrong a page's OCR is, estimated without its ground truth.

An archive corrected without ground truth still needs to know which pages the engine read badly: those
to scan or read again, to review first, or to leave out of a search index. The corrector already holds
the evidence: the language model's view of the text (a garbled page reads as improbable text), and how
many confident edits the page needed. :func:`page_signs` measures them on the reflowed input, and a
:class:`QualityModel` (fitted on pages with ground truth whose text the LM never saw:
``ocrfix.training.quality``) turns them into an estimated character error rate with a range.

The estimates are of CERs as ``ocrfix eval`` counts them (matched text, whitespace ignored, widths folded):
the input's, before correction, and (a model's ``corrected`` twin) the corrector's output's.
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .errors import ModelError
from .normalize import lm_tokens

if TYPE_CHECKING:
    from .correction.features import LanguageModel

#: log10 P under which a token is one the LM does not expect there (a misread or garbled character
#: mostly; 3.4 % of the tokens of the median page of clean held-out news, the ground truth of the 45
#: `eval` pages; 9.7 % of those of the median noisiest page, Tesseract's `eval` l3).
SURPRISE = -4.0
#: The shipped model, under the models directory.
QUALITY_FILE = "quality.json"


#: Added to the shares before their log: a page with none is about as clean as one with this few.
SURPRISE_FLOOR, EDITS_FLOOR = 0.005, 0.001


class PageSigns(NamedTuple):
    """What a page's text says of its OCR's quality (:func:`page_signs`)."""

    tokens: int  # LM tokens of the text (its characters but whitespace)
    logp: float  # mean log10 P per token, each line read as a sentence
    surprise: float  # share of the tokens under :data:`SURPRISE`
    edits: float  # the corrector's edits per token

    def values(self) -> dict[str, float]:
        """The signs a :class:`QualityModel` weighs, by name: the mean log10 P, and the logs of the two
        shares (errors are a page's share of its characters; on 84 development pages of two engines,
        weighing the shares' logs rather than the shares put the estimate within a factor 1.1-1.3 of the
        true CER at the median page instead of 2)."""
        return {"logp": self.logp, "log_surprise": math.log10(self.surprise + SURPRISE_FLOOR),
                "log_edits": math.log10(self.edits + EDITS_FLOOR)}


def page_signs(lm: LanguageModel, text: str, edits: int) -> PageSigns:
    """The signs of ``text`` (a page's reflowed OCR, one paragraph a line) read by ``lm``, with the
    number of ``edits`` the corrector made in it."""
    scores = [logp for line in text.splitlines() if (tokens := lm_tokens(line))
              for logp, _ in lm.token_scores(tokens, bos=True, eos=False)]
    n = len(scores)
    if not n:
        return PageSigns(0, 0.0, 0.0, 0.0)
    return PageSigns(n, sum(scores) / n, sum(s < SURPRISE for s in scores) / n, edits / n)


def signs_by_page(lm: LanguageModel, text: str, edit_offsets: Sequence[int]) -> tuple[PageSigns, ...]:
    """:func:`page_signs` of each page of ``text`` (a file of several pages: a form feed after each page but
    the last, as ``ocrfix correct`` reflows them), each with the edits whose offsets in ``text`` fall in it;
    one page's for a text without a form feed."""
    starts = [0, *(k + 1 for k, ch in enumerate(text) if ch == "\f")]
    ends = [*(start - 1 for start in starts[1:]), len(text)]
    return tuple(page_signs(lm, text[start:end], sum(start <= offset < end for offset in edit_offsets))
                 for start, end in zip(starts, ends))


def combined_signs(pages: Sequence[PageSigns]) -> PageSigns:
    """The signs of a text made of ``pages`` (:func:`signs_by_page`'s), as :func:`page_signs` of the whole
    text gives them (a form feed ends a line): each share weighted by the page's tokens."""
    tokens = sum(page.tokens for page in pages)
    if not tokens:
        return PageSigns(0, 0.0, 0.0, 0.0)
    return PageSigns(tokens, *(sum(getattr(page, field) * page.tokens for page in pages) / tokens
                               for field in ("logp", "surprise", "edits")))


class CerEstimate(NamedTuple):
    cer: float  # the estimated character error rate
    low: float  # the range that held the true CER of 80 % of the pages the model was checked on
    high: float

    def to_dict(self) -> dict[str, float]:
        return {"estimated_cer": round(self.cer, 4), "range": [round(self.low, 4), round(self.high, 4)]}


class PageQuality(NamedTuple):
    """A page's estimated CER: of its OCR, and of the corrector's output (where the model has it)."""

    ocr: CerEstimate
    corrected: CerEstimate | None

    def to_dict(self) -> dict[str, object]:
        return {**self.ocr.to_dict(), **({"corrected": self.corrected.to_dict()} if self.corrected else {})}


@dataclass(frozen=True)
class QualityModel:
    """log10(CER + ``offset``) as a linear function of a page's signs; ``spread`` the 10th and 90th
    percentiles of the residuals out of fold (log10), which make the estimate's range. ``corrected``: the
    same for the CER of the corrector's output."""

    weights: Mapping[str, float]
    intercept: float
    offset: float
    spread: tuple[float, float]
    #: fewer tokens than this make no estimate (a caption or a headline says little of the engine)
    min_tokens: int = 50
    #: the LM the signs were read with when it was fitted (its file name), whose reading it interprets
    lm: str = ""
    corrected: "QualityModel | None" = None

    def estimate(self, signs: PageSigns) -> CerEstimate | None:
        """The estimated CER of the page of ``signs`` (None: too short a text to tell)."""
        if signs.tokens < self.min_tokens:
            return None
        y = self.intercept + sum(self.weights.get(name, 0.0) * value for name, value in signs.values().items())
        low, high = self.spread

        def cer(log_value: float) -> float:
            return min(max(10.0 ** log_value - self.offset, 0.0), 1.0)

        return CerEstimate(cer(y), cer(y + low), cer(y + high))

    def assess(self, signs: PageSigns) -> PageQuality | None:
        """The page's estimated CER before and (with ``corrected``) after correction; None: too short a text."""
        ocr = self.estimate(signs)
        if ocr is None:
            return None
        return PageQuality(ocr, None if self.corrected is None else self.corrected.estimate(signs))

    def _record(self) -> dict[str, object]:
        return {"weights": dict(self.weights), "intercept": self.intercept, "offset": self.offset,
                "spread": list(self.spread), "min_tokens": self.min_tokens}

    def to_json(self, **extra: object) -> str:
        record = {**self._record(), "lm": self.lm, **({"corrected": self.corrected._record()} if self.corrected else {}), **extra}
        return json.dumps(record, ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def _from_record(cls, record: Mapping, lm: str = "", corrected: "QualityModel | None" = None) -> "QualityModel":
        weights = {str(k): float(v) for k, v in record["weights"].items()}
        unknown = set(weights) - set(PageSigns(0, 0.0, 0.0, 0.0).values())
        if unknown:
            raise ValueError(f"unknown signs {sorted(unknown)}")
        low, high = (float(v) for v in record["spread"])
        model = cls(weights, float(record["intercept"]), float(record["offset"]), (low, high),
                    int(record.get("min_tokens", 50)), lm, corrected)
        if not (model.offset > 0 and low <= high and all(map(math.isfinite, [model.intercept, *weights.values()]))):
            raise ValueError("offset, spread or weights out of range")
        return model

    @classmethod
    def load(cls, path: str | Path) -> "QualityModel":
        try:
            record = json.loads(Path(path).read_text(encoding="utf-8"))
            corrected = cls._from_record(record["corrected"]) if record.get("corrected") is not None else None
            return cls._from_record(record, str(record.get("lm", "")), corrected)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ModelError(f"{path}: not a page quality model ({exc})") from exc


def shipped_quality_model(lm: object) -> QualityModel | None:
    """The shipped quality model (``models/quality.json``) where ``lm`` is the LM it was fitted for
    (the same file under the models directory); None otherwise, or where none is shipped."""
    from .settings import load_settings

    path = load_settings().models_dir / QUALITY_FILE
    if not path.is_file():
        return None
    model = QualityModel.load(path)
    read_with = getattr(lm, "path", None)
    fitted_for = load_settings().models_dir / model.lm if model.lm else None
    same = read_with is not None and fitted_for is not None and fitted_for.is_file() and Path(read_with).resolve() == fitted_for.resolve()
    return model if same else None
