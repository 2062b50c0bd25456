"""The corrector: reflow, segment, propose, score, decode, log — with models loaded once."""
from __future__ import annotations

import copy
import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Collection, Iterable, Iterator, Mapping, NamedTuple, Sequence

from ..confusions import ConfusionSet, inventory as default_inventory, merge
from ..confusions.length import LENGTH_FILE, LengthRates
from ..confusions.marks import MarkChannel
from ..confusions.misread import MisreadRates
from ..confusions.similarity import GlyphSpace
from ..confusions.variants import REGIONAL_FORMS, VARIANTS_FILE, load_variants, simplified_forms
from ..errors import InputError, ModelError
from ..lm.context import ContextIndex, context_path
from ..normalize import is_han
from ..segment import Sentence, protected_mask, iter_sentences, sentence_tokens
from ..profiles import SHIPPED_STAGES, Profile, load_profile
from ..settings import load_settings
from ..text_reflow import PAGE_BREAK
from .candidates import CONTEXT, ENGINE, GENERATORS, Candidate, CandidateSource, Table, build_table, cached_table
from .decode import SentenceDecoder
from .deletions import SOURCE as DELETION_SOURCE, deletion_changes
from .document import DocumentBigrams
from .edits import Change, Edit, InputOffsets, apply_changes
from .engine import ConfidencePrior, Reading, TokenEvidence, token_evidence
from .pairs import PairCandidate, PairProposer
from .features import Featurizer, LanguageModel, forward, mean_logp
from .line_marks import (MIN_GAIN, REACH_SOURCE, SOURCE as LINE_END_SOURCE, MarkChoice, MarkGate, drops_hung_marks,
                         hung_marks_read, line_end_choices, marks_by_reach, marks_to_insert, sparse_margin, stray_habit,
                         stray_mark_changes, stray_runs, sure_losses, sure_share, joined_lines, wrapped_line_ends)
from .garbled_marks import garbled_changes
from .han_insertions import SOURCE as HAN_INSERTION_SOURCE, STOP, insertion_changes, lost_before_stop
from .pair_marks import SOURCE as PAIR_SOURCE, closing_changes, readings, without_second_closings
from .mark_channel import mark_changes
from .mark_choice import READ_MARGIN_SOURCE, MarkModel, choice_changes, line_end_picks
from .rules import DEFAULT_RULES, Rule, reflowed_from_columns, rule_changes, select_rules
from .script import ScriptView, script_view
from .variants import variant_changes
from .score import Weights

if TYPE_CHECKING:
    import numpy as np

    from ..text_reflow import Block

WEIGHTS_FILE = "corrector.json"
#: What a ``str`` can hold and no UTF-8 text can (``os.fsdecode``'s escapes of undecodable bytes, JSON's
#: ``"\\ud800"``): the LM reads its text as UTF-8.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
DEFAULT_CONFUSIONS = "default.tsv"
GLYPHS_FILE = "glyphs.npz"
MISREAD_FILE = "misread.tsv"
#: Edits per sentence at most: ``MAX_EDITS``, or one per ``TOKENS_PER_EDIT`` tokens in longer
#: sentences. Cross-fit training pages at threshold 0.8: 4 -> 1,176 fixed / 6 introduced, 8 ->
#: 1,213 / 7, 16 -> 1,220 / 7 (noisy scans have several errors per sentence). A flat 16 stopped
#: halfway through the long 、-separated name lists of meeting reports (500 tokens, 30 misread
#: names): fold a's l2 pages 40.9% -> 44.8% CER reduction with the share, no other change.
MAX_EDITS = 16
TOKENS_PER_EDIT = 8
#: Texts are judged noisy (the second pass), clean print (the higher threshold) or neither in
#: blocks of consecutive sentences of at least this many characters: page-sized, like the
#: calibration pages (~1,000-2,000 characters: one block each), so a long file's clean and noisy
#: stretches are told apart, and the decoders of one block at a time are held for the second
#: pass (memory stays flat on long texts).
BLOCK_CHARS = 2000
#: Stages whose changes are withdrawn again in blocks that read like clean print: there an engine
#: rarely loses a mark or a character or adds one, and the LM's taste (an optional comma, a name's 绾绾
#: it never saw doubled) would outweigh the few it does. A profile keeps the marks put back at line
#: ends (the closing marks of pairs too) there with ``line_end_marks_in_clean_print``.
LINE_END_SOURCES = ((LINE_END_SOURCE,), (LINE_END_SOURCE, REACH_SOURCE), (PAIR_SOURCE,))
#: The rule that ends a body paragraph that lost its '。': withdrawn (with a profile's ``line_end_habit`` and
#: ``paragraph_end_habit``) where the text shows the engine reads the marks at its line ends. On the RapidOCR training pages
#: (``rapid-train``, ``ppocr``), the paragraph ends of the reflowed OCR after a Han character, letter or
#: digit: on the 51 pages judged to read them, 0 of 57 lost a '。' (53 lost nothing); on the 9 judged
#: to drop them, 12 of 22. (Tesseract loses paragraph-final marks on pages that read hung marks too:
#: 95 of 364 such ends on its ``train`` pages.)
PARAGRAPH_END_RULE = "final-period"
#: ... and so are the mark choices that only a mark read's own, lower margin lets through: a clean text's
#: '、', '；' and '：' are its writer's, in styles the news-fitted context model has not seen
CLEAN_PRINT_WITHDRAWN = (*LINE_END_SOURCES, (DELETION_SOURCE,), (HAN_INSERTION_SOURCE,), (READ_MARGIN_SOURCE,))
#: ... of which these only in a block typed in print's style, not in one the reflow joined from a page's printed lines:
#: a scanned page's '；' misread for '，' is the engine's, whatever its blocks read like
TYPED_ONLY_WITHDRAWN = ((READ_MARGIN_SOURCE,),)
#: In a block that reads like clean print, the symbol rules' changes stand only where the pattern
#: stages change at least this many places of it: OCR noise comes in numbers, while a clean text
#: typed in print's style (a web page, a book) has a lone '.', '|', '=' or straight quote of its
#: writer's, or a paragraph ending without a mark, here and there. RapidOCR training pages
#: (``rapid-train``): of the 13 blocks read as clean print where a rule fixed an error, 2 have a
#: single pattern change (3 errors fixed), none 2, the others 3 to 39; 3 is the most that costs
#: nothing beyond the lone ones (``ppocr`` 173 -> 170 fixed, 4 introduced both ways; the Tesseract
#: ``train`` pages have no rule change in a clean-print block). A rule that weighs the text's own
#: style (``style_max``: period-comma) is exempt: it has its own evidence.
CLEAN_PRINT_MIN_CHANGES = 3
#: A text shorter than this many characters (a sentence, a caption, a paragraph corrected alone)
#: gives the decoder little to stand on beyond the LM: no page around it for the document's bigrams,
#: and too few characters for the block rules to tell a scan from clean print (one edit in fewer
#: than 1,000 characters already keeps it from reading as clean print). There an edit whose candidate has no evidence that the
#: engine makes this very confusion (:data:`ENGINE_EVIDENCE`) needs the clean-print threshold
#: (the weights' ``sparse``; no gate without one). Each line of the sentence sets' training files
#: corrected alone with the default profile, decoder edits with / without a learned pair: FASPell's
#: OCR lines 399 fixed / 0 introduced against 19 / 3 (13 / 1 at 0.975 or more); SIGHAN's essays
#: 58 / 4 against 129 / 28 (29 / 3 at 0.975 or more). Every generated page is longer (680 to 1,975
#: characters reflowed), every training line shorter (at most 258).
SHORT_TEXT = 500
#: Candidate sources that say the engine makes this very confusion: a pair learned from OCR training
#: pages, or the engine's own alternative reading.
ENGINE_EVIDENCE = frozenset({"learned", ENGINE})


@dataclass(frozen=True)
class Result:
    text: str  # corrected (reflowed) text
    edits: tuple[Edit, ...]
    source: str  # the text the edits apply to (the reflowed input): replay(source, edits) == text
    #: the blocks the reflow made of the input, whose texts ``source`` renders (None without a reflow)
    blocks: tuple[Block, ...] | None = None


def _blocks(sentences: Iterable[Sentence], min_chars: int) -> Iterable[list[Sentence]]:
    """Consecutive sentences grouped until a group spans at least ``min_chars`` characters."""
    block: list[Sentence] = []
    for sentence in sentences:
        block.append(sentence)
        if block[-1].end - block[0].start >= min_chars:
            yield block
            block = []
    if block:
        yield block


def block_logp(decoders: Sequence[SentenceDecoder]) -> float:
    """Mean log10 P per token of the sentences of ``decoders`` as they stand (those with an edit
    site: the others were never scored); 0.0 without any."""
    passes = [decoder.forward_pass for decoder in decoders if decoder.forward_pass is not None]
    tokens = sum(len(fwd.logps) for fwd in passes)
    return sum(sum(fwd.logps) for fwd in passes) / tokens if tokens else 0.0


def lone_rule_changes(rule_edits: Sequence[Edit], clean_print: Sequence[tuple[int, int]],
                      rule_sources: Collection[str]) -> set[tuple[int, tuple[str, ...]]]:
    """(input offset, sources) of the symbol rules' changes (sources ``rule_sources``) in the spans of
    ``clean_print`` where the pattern stages' ``rule_edits`` are fewer than
    :data:`CLEAN_PRINT_MIN_CHANGES`: there a rule's match is as likely the writer's as the engine's."""
    lone: set[tuple[int, tuple[str, ...]]] = set()
    offsets = [edit.offset for edit in rule_edits]  # sorted, as apply_changes returns the edits
    for start, end in clean_print:
        inside = rule_edits[bisect_left(offsets, start):bisect_left(offsets, end)]
        if len(inside) < CLEAN_PRINT_MIN_CHANGES:
            lone.update((edit.input_offset, edit.sources) for edit in inside if edit.sources[0] in rule_sources)
    return lone


def _within(spans: Sequence[tuple[int, int]], offset: int) -> bool:
    """Whether ``offset`` lies in one of the sorted, disjoint ``spans``."""
    k = bisect_right(spans, (offset, math.inf)) - 1
    return k >= 0 and spans[k][0] <= offset < spans[k][1]


def _holds(offsets: Sequence[int], start: int, end: int) -> bool:
    """Whether the sorted ``offsets`` hold one in ``[start, end)``."""
    k = bisect_left(offsets, start)
    return k < len(offsets) and offsets[k] < end


def load_confusions(paths: Sequence[str | Path]) -> ConfusionSet:
    """One set from one or several TSV files (several are merged by noisy-OR)."""
    sets = [ConfusionSet.load(p) for p in paths]
    return sets[0] if len(sets) == 1 else merge(sets)


def load_lm(path: str | Path, native: bool = True) -> LanguageModel:
    """The corrector's LM (``native``: with the compiled site-gain loop when it is built)."""
    from ..lm import CharLM  # imported here: kenlm loads only when a model is needed

    if not Path(path).is_file():
        raise ModelError(f"{path}: language model not found")
    # No score cache: on unseen pages few (state, token) pairs repeat (hit rate ~15%), and a
    # first pass over 27 training pages ran at 7.4 k chars/s without it vs 5.3 k with it.
    return CharLM(path, cache_size=0, native=native)


def mixed_lm(news: LanguageModel, domain: str | Path, weight: float) -> LanguageModel:
    """``news`` interpolated with the domain LM file ``domain`` (a fitted profile's,
    :class:`~ocrfix.lm.mixed.MixedLM`): the mixture's state pairs the two models' states."""
    from ..lm import CharLM
    from ..lm.mixed import MixedLM

    if not isinstance(news, CharLM):
        raise ModelError(f"a profile with a domain LM needs a KenLM news model, not {type(news).__name__}")
    return MixedLM(news, CharLM(domain, cache_size=0, native=False), weight)


def read_keep(path: str | Path) -> frozenset[str]:
    """Keep-list file: one word (or phrase) per line, '#' comments."""
    from ..textio import read_text

    return frozenset(w.strip() for w in read_text(path).splitlines() if w.strip() and not w.startswith("#"))


def _corrector_lm(model: str | Path | LanguageModel, profile: Profile | None) -> LanguageModel:
    """The news LM ``model`` (a file or a loaded model), interpolated with the profile's domain LM where it
    has one (:func:`mixed_lm`)."""
    domain = profile is not None and profile.domain_lm is not None
    # the compiled loop scores one KenLM model only: none for a mixture
    lm = load_lm(model, native=not domain) if isinstance(model, (str, Path)) else model
    return mixed_lm(lm, profile.domain_lm, profile.domain_weight) if domain else lm


def profile_mark_choice(profile: Profile | None) -> MarkModel | None:
    """The profile's mark-choice model, its channel adapted to each page with the profile's
    ``mark_page_prior`` (None: the profile has none)."""
    if profile is None or profile.mark_choice is None or profile.mark_context is None:
        return None
    return MarkModel.load(profile.mark_context, profile.mark_choice)._replace(page_prior=profile.mark_page_prior or 0.0)


def _confusion_table(confusions: str | Path | Sequence[str | Path] | ConfusionSet | None, k: int,
                     inventory: frozenset[str]) -> Table:
    """The candidate table of ``confusions`` (a set, or TSV file(s), cached under the build directory;
    default the shipped set): each character's top ``k`` inside ``inventory``."""
    settings = load_settings()
    if confusions is None:
        confusions = settings.confusions_dir / DEFAULT_CONFUSIONS
    if isinstance(confusions, ConfusionSet):
        return build_table(confusions, k, inventory)
    paths = [Path(confusions)] if isinstance(confusions, (str, Path)) else [Path(p) for p in confusions]
    return cached_table(paths, k, inventory, settings.build_dir / "cache", load_confusions)


def _context_index(context: str | Path | ContextIndex | None, model: str | Path | LanguageModel,
                   inventory: frozenset[str]) -> ContextIndex:
    """The LM's context index (given, from its file, or from the file beside the LM file ``model``),
    restricted to the Han characters of ``inventory``."""
    if context is None and not isinstance(model, (str, Path)):
        raise ModelError("these weights use context candidates: give the LM's context index (context=...)")
    index = context if isinstance(context, ContextIndex) else ContextIndex.load(context or context_path(model))
    index.restrict({ch for ch in inventory if is_han(ch)})
    return index


class _Choices(NamedTuple):
    """The :class:`Corrector`'s arguments a profile stands in for where they are not given."""

    weights: str | Path | Weights | None
    confusions: str | Path | Sequence[str | Path] | ConfusionSet | None
    misread: str | Path | MisreadRates | None
    variants: str | Path | Mapping[str, str] | None
    length: str | Path | LengthRates | bool | None
    marks: str | Path | MarkChannel | None
    threshold: float | None
    rules: bool | Collection[str]
    confidence: ConfidencePrior | None
    word_confidence: ConfidencePrior | None


def _with_profile(given: _Choices, profile: Profile | None) -> _Choices:
    """``given``, the profile's choice standing in for each argument not given (None; ``rules``: True)."""
    if profile is None:
        return given
    stand_ins = _Choices(profile.weights, profile.confusions, profile.misread, profile.variants, profile.length or False,
                         profile.marks, profile.threshold, True if profile.rules is None else profile.rules,
                         None if profile.confidence is None else ConfidencePrior(*profile.confidence),
                         None if profile.word_confidence is None else ConfidencePrior(*profile.word_confidence))
    chosen = _Choices(*(stand_in if value is None else value for value, stand_in in zip(given, stand_ins)))
    return chosen._replace(rules=stand_ins.rules) if given.rules is True else chosen


def _variants(variants: str | Path | Mapping[str, str] | None, inventory: frozenset[str],
              confusions_dir: Path) -> dict[str, str]:
    """Traditional -> simplified forms (a mapping, its file, default the shipped table) for the traditional
    forms outside ``inventory`` whose simplified form is inside it."""
    if not isinstance(variants, Mapping):
        variants = load_variants(variants or confusions_dir / VARIANTS_FILE)
    return {t: s for t, s in variants.items() if t not in inventory and s in inventory}


def _length_channel(length: str | Path | LengthRates | bool | None, confusions_dir: Path) -> LengthRates | None:
    """The engine's length channel: ``length`` itself, its file, the shipped one (None, True) or none (False)."""
    if length is False:
        return None
    if isinstance(length, LengthRates):
        return length
    return LengthRates.load(confusions_dir / LENGTH_FILE if length in (None, True) else length)


def _mark_channel(marks: str | Path | MarkChannel | None) -> MarkChannel | None:
    """The engine's mark channel, ``marks`` itself or its file (None: none)."""
    return marks if marks is None or isinstance(marks, MarkChannel) else MarkChannel.load(marks)


def _misread_rates(misread: str | Path | MisreadRates | None, flat: bool, confusions_dir: Path) -> MisreadRates:
    """The engine's misread rates (``misread`` itself, its file, default the shipped ones); loaded from a file
    with ``flat`` (the profile does not know its engine's habits), its overall rate for every character."""
    if isinstance(misread, MisreadRates):
        return misread
    rates = MisreadRates.load(misread or confusions_dir / MISREAD_FILE)
    return MisreadRates.uniform(rates.overall) if flat else rates


def _first_wins(changes: list[Change], staged: list[list[Change]]) -> list[Change]:
    """``changes`` with each stage's of ``staged`` in turn, but those that start on a character an
    earlier change touches (a deletion touches the one it starts on), sorted."""
    for stage in staged:
        taken = {pos for start, original, *_ in changes for pos in range(start, start + max(len(original), 1))}
        changes += [change for change in stage if change[0] not in taken]
    return sorted(changes)


class Corrector:
    """Loads the LM, the confusion set(s) and the weights once; :meth:`correct` is then cheap.

    ``model``: KenLM file or a loaded LM object; ``confusions``: TSV path(s) or a ConfusionSet;
    ``weights``: JSON path or :class:`Weights`; ``threshold``: minimum calibrated probability
    of an edit (default from the weights, and on blocks the first pass finds to be noisy scans
    the weights' lower second-pass threshold, :class:`~ocrfix.correction.score.NoisyPages`, on
    blocks it finds to read like clean print their higher one, :class:`~ocrfix.correction.score.SparsePages`;
    a given threshold holds for all text); ``keep``: words never edited; ``inventory``:
    characters that may be edited and proposed (default: the shipped inventory); ``rules``: apply
    the symbol rules (all, none, or the rules of these names;
    ``False`` also stops the line-end marks);
    ``context``: the LM's :class:`~ocrfix.lm.context.ContextIndex` or its file (default: beside
    the LM file, ``news.klm`` -> ``news.context.npz``), used when the weights were fitted with
    context candidates (source ``context``); ``glyphs``: the :class:`~ocrfix.confusions.similarity.GlyphSpace`
    or its file (default ``models/confusions/glyphs.npz``); ``misread``: the
    :class:`~ocrfix.confusions.misread.MisreadRates` of the OCR engine or their file (default
    ``models/confusions/misread.tsv``, learned from Tesseract pages); ``max_edits``: edits per
    sentence at most, or one per :data:`TOKENS_PER_EDIT` tokens in a longer sentence;
    ``variants``: traditional -> simplified forms (:mod:`ocrfix.confusions.variants`) or their file
    (default ``models/confusions/variants.tsv``; an empty mapping turns the variant stage off);
    ``length``: the engine's :class:`~ocrfix.confusions.length.LengthRates` or their file (default
    ``models/confusions/length.tsv``, learned from Tesseract pages; ``False`` turns the deletion
    stage off, as ``rules=False`` does); ``marks``: the engine's :class:`~ocrfix.confusions.marks.MarkChannel`
    or its file, for the confused-mark stage (:mod:`.mark_channel`; default: the profile's, none
    without one; ``rules=False`` turns it off); ``profile``: an engine profile (:mod:`ocrfix.profiles`: a name under ``models/profiles``, a
    directory, or a :class:`~ocrfix.profiles.Profile`) whose files, rules and threshold stand in
    for the arguments not given (a profile's domain LM is interpolated with ``model``: :func:`mixed_lm`); ``confidence``: how the OCR engine's character confidences move
    an edit's probability (:class:`~ocrfix.correction.engine.ConfidencePrior`; default: the
    profile's, none without one) when :meth:`correct` is given them; ``word_confidence``: the
    same for a character the engine gives only its word's confidence (default: the profile's
    ``word_confidence``; none: word confidences are not used); ``mark_choice``: the mark-choice model
    (:class:`~.mark_choice.MarkModel`, context and the engine's channel; default: the profile's, none
    without one; ``rules=False`` turns it off).
    """

    def __init__(
        self,
        model: str | Path | LanguageModel | None = None,
        confusions: str | Path | Sequence[str | Path] | ConfusionSet | None = None,
        threshold: float | None = None,
        keep: Iterable[str] = (),
        weights: str | Path | Weights | None = None,
        inventory: Collection[str] | None = None,
        max_edits: int = MAX_EDITS,
        rules: bool | Collection[str] = True,
        context: str | Path | ContextIndex | None = None,
        glyphs: str | Path | GlyphSpace | None = None,
        misread: str | Path | MisreadRates | None = None,
        variants: str | Path | Mapping[str, str] | None = None,
        profile: str | Path | Profile | None = None,
        length: str | Path | LengthRates | bool | None = None,
        confidence: ConfidencePrior | None = None,
        word_confidence: ConfidencePrior | None = None,
        marks: str | Path | MarkChannel | None = None,
        mark_choice: MarkModel | None = None,
    ) -> None:
        settings = load_settings()
        if profile is not None and not isinstance(profile, Profile):
            profile = load_profile(profile, settings.models_dir)
        #: the engine profile the models below came from where not given (None: the shipped defaults)
        self.profile = profile
        chosen = _with_profile(_Choices(weights, confusions, misread, variants, length, marks, threshold, rules,
                                        confidence, word_confidence), profile)
        threshold, rules = chosen.threshold, chosen.rules
        #: how the engine's confidences move an edit's log-odds (None: they are not used)
        self.confidence = chosen.confidence
        #: the same for a character with only its word's confidence (None: not used)
        self.word_confidence = chosen.word_confidence
        model = settings.default_lm if model is None else model
        self.lm = _corrector_lm(model, profile)
        weights = settings.models_dir / WEIGHTS_FILE if chosen.weights is None else chosen.weights
        self.weights = weights if isinstance(weights, Weights) else Weights.load(weights)
        self._set_thresholds(threshold)
        self.inventory = default_inventory(settings.confusions_dir) if inventory is None else frozenset(inventory)
        self.keep = frozenset(keep)
        self.max_edits = max_edits
        #: the symbol rules that run (``rules``: all but the opt-in ones, none, or these names)
        self.rules = DEFAULT_RULES if rules is True else () if rules is False else select_rules(rules)
        stages = SHIPPED_STAGES if profile is None else profile
        #: which stages run and their settings: the line-end marks (margins, habits, the clean-print switch),
        #: the garbled marks, the Han insertions (the profile's; :data:`~ocrfix.profiles.SHIPPED_STAGES`
        #: without one; ``rules=False`` switches these off)
        self.stages = replace(stages, line_end_marks=False, garbled_marks=False, han_insertions=False) \
            if rules is False else stages
        #: the profile's calibrated decision for line-end marks, in place of the margin (None: the margin)
        self.line_end_gate = None if self.stages.line_end_gate is None else MarkGate.load(self.stages.line_end_gate)
        self._set_script_forms(chosen.variants, settings.confusions_dir)
        pattern_stages = rules is not False
        #: the engine's length channel; None: no deletion stage
        self.length = _length_channel(chosen.length, settings.confusions_dir) if pattern_stages else None
        #: the engine's mark channel; None: no confused-mark stage
        self.marks = _mark_channel(chosen.marks) if pattern_stages else None
        #: the profile's mark-choice model (:mod:`.mark_choice`; its channel adapted to each page with the profile's
        #: ``mark_page_prior``); None: no mark-choice stage
        self.mark_choice = (profile_mark_choice(profile) if mark_choice is None else mark_choice) if pattern_stages else None
        self._set_candidates(chosen, context, model, glyphs, profile, settings.confusions_dir)

    def _set_thresholds(self, threshold: float | None) -> None:
        """The thresholds: ``threshold`` for all text where it is given, else the weights' own (their
        second pass on noisy scans, their clean-print pass and their domain gate with them)."""
        self.threshold = self.weights.threshold if threshold is None else float(threshold)
        self.noisy = self.weights.noisy if threshold is None else None
        self.sparse = self.weights.sparse if threshold is None else None
        #: the threshold on blocks unlike the profile's domain LM (None: one for all; only with a domain LM)
        self.domain_gate = self.weights.domain_gate if threshold is None and hasattr(self.lm, "domain_share") else None

    def _set_script_forms(self, variants: str | Path | Mapping[str, str] | None, confusions_dir: Path) -> None:
        """The variant stage's table (``variants``) and the forms traditional script is read and written in."""
        #: traditional forms outside the inventory whose simplified form is inside it
        self.variants = _variants(variants, self.inventory, confusions_dir)
        #: simplified -> traditional for the characters traditional script writes otherwise: what tells a
        #: text in traditional script, and how its corrections are written back
        self.simplified_forms = simplified_forms(confusions_dir) if self.variants else {}
        #: traditional -> simplified for reading a text in traditional script (:mod:`.script`): the
        #: variants and the traditional forms inside the inventory (於, 祕)
        self.script_forms = {**{t: s for s, t in self.simplified_forms.items() if t in self.inventory}, **self.variants}

    def _set_candidates(self, chosen: _Choices, context: str | Path | ContextIndex | None, model: str | Path | LanguageModel,
                        glyphs: str | Path | GlyphSpace | None, profile: Profile | None, confusions_dir: Path) -> None:
        """Where candidates come from (the confusion table, the LM's context index where the weights
        use it) and what scores them (the featurizer with the glyph space and the misread rates; the
        pair proposals)."""
        table = _confusion_table(chosen.confusions, self.weights.k, self.inventory)
        index = _context_index(context, model, self.inventory) if CONTEXT in self.weights.sources else None
        #: the LM's context index (None unless the weights use context candidates)
        self.context = index
        self.candidates = CandidateSource(table, [make(index) for source, make in GENERATORS.items()
                                                  if source in self.weights.sources], REGIONAL_FORMS)
        if not isinstance(glyphs, GlyphSpace):
            glyphs = GlyphSpace.load(glyphs or confusions_dir / GLYPHS_FILE)
        misread_rates = _misread_rates(chosen.misread, profile is not None and profile.flat_misread, confusions_dir)
        self.featurizer = Featurizer(self.lm, self.weights.sources, glyphs, misread_rates, self.weights.prune)
        #: Pair proposals need the context index; they are scored only with a pair model in the weights.
        self.pairs = PairProposer(self.candidates.table, index, glyphs) if index is not None else None

    def correct(self, text: str, reflow: bool = True, progress: Callable[[int], None] | None = None,
                readings: Sequence[Reading | None] | None = None, wrapped: str | None = None,
                page_chars: int | None = None, stray_marks: bool | None = None,
                reaching: Collection[int] | None = None) -> Result:
        """Correct one page of text; ``reflow`` first joins column-wrapped lines into paragraphs
        (after putting back in column order the lines of an engine that listed them across
        side-by-side columns, :mod:`ocrfix.column_order`, each story it finds reflowed on its own;
        the LM settles the line breaks the reflow's rules cannot, :mod:`ocrfix.text_reflow`).

        Symbol rules (:mod:`.rules`), the variant stage (:mod:`.variants`: traditional forms
        put back into simplified text) and, after a reflow, marks lost at wrapped line ends
        (:mod:`.line_marks`), characters the engine added (:mod:`.deletions`) and Han characters it
        lost inside a word (:mod:`.han_insertions`: without a profile, or where the profile asks) —
        all withdrawn again in blocks that read like clean print, the marks unless the profile keeps
        them there — run first, then the LM decoder on their output, block by
        block of consecutive sentences (:data:`BLOCK_CHARS`): every sentence at the threshold
        (with a profile's domain LM, at least the :class:`~.score.DomainGate`'s on a block unlike
        its domain), then — if that pass made edits as densely as on a noisy scan (``noisy``) — every
        sentence of the block again down to the noisy-scan threshold, or — if it made them as
        sparsely as on clean print (``sparse``; in a block far from the LM's domain, counting only
        those that reach the clean-print threshold) — the sentences with an edit below the
        clean-print threshold afresh at that threshold. In a text shorter than :data:`SHORT_TEXT`,
        an edit without the engine's evidence (:data:`ENGINE_EVIDENCE`) below the clean-print
        threshold is dropped. All edits are reported
        against the reflowed text (``Result.source``). ``progress`` is called after each block
        with the number of characters it spans (a progress bar inside one large file).
        ``readings``: what the OCR engine said of each character of ``text`` (with ``reflow=False``;
        None where unknown): its confidence moves the probability of the edits there
        (``confidence``), its alternative readings are candidates there (:mod:`.engine`).
        ``wrapped``: with ``reflow=False``, the text as it was printed, its paragraphs' lines on lines
        of their own (a geometry reflow's, :meth:`ocrfix.formats.Reflowed.wrapped`): the line-end
        stages run at its wrapped line ends. ``page_chars``: the length of the page ``text`` is a
        part of (a story corrected on its own, :func:`ocrfix.formats.correct_document`): the text
        counts as short only when the page does. ``stray_marks``: whether the engine that read the
        page reads marks at line ends where print has none (:meth:`stray_marks_habit` of the page;
        None: judged from ``text``, :func:`~.line_marks.stray_mark_changes`). ``reaching``: with ``wrapped``,
        the offsets in it of the last characters of the printed lines whose box reaches past their
        column's measure with no mark read (:meth:`ocrfix.formats.Reflowed.reaching`), for the profile's
        ``line_end_reach``; None: no geometry. With ``reflow``, the offsets are in ``text``, and unused
        where the column order moves its lines.

        A text printed in traditional script is reflowed and corrected through its simplified view,
        and every character an edit puts in is written back in the text's script (:mod:`.script`).
        """
        if readings is not None and (reflow or len(readings) != len(text)):
            raise ValueError("readings must be given per character of the text, with reflow=False")
        if (found := LONE_SURROGATE.search(text)) is not None:
            raise InputError(f"the text holds a lone surrogate, U+{ord(found.group()):04X}, at offset {found.start()}: "
                             "no UTF-8 text holds one (decode its bytes with errors='strict' or 'replace')")
        script = script_view(text, self.script_forms, self.simplified_forms)
        blocks = None
        if reflow:
            given = text
            wrapped, blocks, text = self._reflowed(text, script)
            if wrapped != given:  # the column order moved lines: the offsets of ``reaching`` no longer hold
                reaching = None
        if script is None:
            return self._correct(text, wrapped, blocks, readings, progress, page_chars, stray_marks, reaching)
        viewed = self._correct(script.view(text), None if wrapped is None else script.view(wrapped), blocks,
                               readings, progress, page_chars, stray_marks, reaching)
        changes = [(edit.input_offset, original, replacement, edit.gain, edit.sources) for edit in viewed.edits
                   if (original := text[edit.input_offset:edit.input_offset + len(edit.original)])
                   != (replacement := script.written_back(edit.replacement))]
        output, edits = apply_changes(text, changes)
        return Result(output, tuple(edits), text, viewed.blocks)

    def source(self, text: str, reflow: bool = True) -> str:
        """The text :meth:`correct` reports its edits against (``correct(text, reflow).source``), without
        correcting it: what an edit log of ``text`` is replayed onto (``ocrfix apply``)."""
        return self._reflowed(text, script_view(text, self.script_forms, self.simplified_forms))[2] if reflow else text

    def _reflowed(self, text: str, script: ScriptView | None) -> tuple[str, list[Block], str]:
        """``text`` as printed in column order (:mod:`ocrfix.column_order`), its reflowed blocks (each
        story the column order found on its own), and their text (:mod:`ocrfix.text_reflow`), with
        the LM (read through ``script``'s simplified view of a text in traditional script) settling
        what the rules cannot."""
        from ..text_reflow import reflow_columns, render

        printed, blocks = reflow_columns(text, self.lm if script is None else script.scorer(self.lm))
        return printed, blocks, render(blocks)

    def _correct(self, text: str, printed: str | None, blocks: Sequence[Block] | None,
                 readings: Sequence[Reading | None] | None, progress: Callable[[int], None] | None,
                 page_chars: int | None, stray_marks: bool | None, reaching: Collection[int] | None = None) -> Result:
        """:meth:`correct` of ``text`` (reflowed into ``blocks`` when they are given), ``printed``: the
        text as printed (line ends as wrapped)."""
        if PAGE_BREAK in text:
            return self._correct_pages(text, printed, blocks, readings, progress, page_chars, stray_marks, reaching)
        joined = joined_lines(printed, text) if printed is not None else []
        joins = [join for join, _ in joined]
        reached = None if reaching is None else frozenset(join for join, end in joined if end in reaching)
        hung = hung_marks_read(printed) if self.stages.line_end_habit is not None and printed is not None else 0
        changes = self._pattern_changes(text, joins, stray_marks, hung, reached)
        staged, rule_edits = apply_changes(text, changes)
        to_input = InputOffsets(rule_edits)
        sentences, document = self._segment(staged)
        clean_print: list[tuple[int, int]] = []  # spans of ``staged`` whose blocks read like clean print
        # a short text: an edit without the engine's evidence needs the clean-print threshold
        short = self.sparse.threshold if self.sparse is not None and (page_chars or len(text)) < SHORT_TEXT else 0.0
        decoded: list[Change] = []  # the decoder's changes
        for block in _blocks(sentences, BLOCK_CHARS):
            block_changes, clean = self._decode_block(block, document, text, staged, to_input, readings, short)
            decoded += block_changes
            if clean:
                clean_print.append((block[0].start, block[-1].end))
            if progress is not None:
                progress(block[-1].end - block[0].start)
        # a character the variant stage changed (褲 -> 裤) and the decoder then replaced: one edit
        # from the input's character
        replaced = {change[0] for change in decoded}
        changes = [change for change in changes if change[0] not in replaced or len(change[1]) != 1] + decoded
        withdrawn = self._withdrawn_in_clean_print(rule_edits, to_input, clean_print, joins)
        changes = [change for change in changes if (change[0], tuple(change[4])) not in withdrawn]
        output, edits = apply_changes(text, changes)
        return Result(output, tuple(edits), text, None if blocks is None else tuple(blocks))

    def _correct_pages(self, text: str, printed: str | None, blocks: Sequence[Block] | None,
                       readings: Sequence[Reading | None] | None, progress: Callable[[int], None] | None,
                       page_chars: int | None, stray_marks: bool | None, reaching: Collection[int] | None) -> Result:
        """:meth:`_correct` of each page of a text of several (a form feed after each page but the last, as
        the reflow of a multi-page scan's text renders them) on its own: no decoder block, threshold, page
        bigram or habit a page's edits depend on reads another page (one file of an issue's pages gets the
        edits of its pages corrected apart), and the edits' offsets are the whole text's."""
        pages = text.split(PAGE_BREAK)
        printed_pages = printed.split(PAGE_BREAK) if printed is not None else []
        if len(printed_pages) != len(pages):
            printed_pages = [None] * len(pages)
        outputs: list[str] = []
        edits: list[Edit] = []
        start = out_start = printed_start = 0
        for page, page_printed in zip(pages, printed_pages):
            page_readings = None if readings is None else readings[start:start + len(page)]
            page_reaching = None if reaching is None or page_printed is None else \
                [end - printed_start for end in reaching if 0 <= end - printed_start < len(page_printed)]
            done = self._correct(page, page_printed, None, page_readings, progress, page_chars, stray_marks, page_reaching)
            printed_start += len(page_printed or "") + len(PAGE_BREAK)
            edits += [replace(edit, offset=edit.offset + out_start, input_offset=edit.input_offset + start) for edit in done.edits]
            outputs.append(done.text)
            start, out_start = start + len(page) + 1, out_start + len(done.text) + 1
        return Result(PAGE_BREAK.join(outputs), tuple(edits), text, None if blocks is None else tuple(blocks))

    def _decode_block(self, block: Sequence[Sentence], document: DocumentBigrams, text: str, staged: str,
                      to_input: InputOffsets, readings: Sequence[Reading | None] | None, short: float
                      ) -> tuple[list[Change], bool]:
        """The decoder's changes in the sentences of ``block`` (offsets in ``text``; ``staged``: the text after
        the pattern stages, whose offsets ``to_input`` maps to ``text``'s), and whether the block reads like clean print.

        Every sentence is decoded at the threshold (at least the domain gate's floor); a block whose first
        pass edits as densely as a noisy scan is decoded again down to the noisy-scan threshold; one that
        edits as sparsely as clean print has its sentences with an edit below the clean-print threshold
        decoded afresh at that threshold. An edit below ``short`` without the engine's evidence is dropped."""
        evidence = [self._evidence(sentence, text, staged, to_input, readings) for sentence in block]
        decoders = [self._decoder(sentence, document, ev) for sentence, ev in zip(block, evidence)]
        limits = [max(self.max_edits, len(sentence.tokens) // TOKENS_PER_EDIT) for sentence in block]
        logp = block_logp(decoders)
        floor = self._gate_floor(block)
        first_pass = [choice.probability for decoder, limit in zip(decoders, limits)
                      for choice in decoder.run(max(self.threshold, floor), limit)]
        chars = block[-1].end - block[0].start
        clean = False
        if self.noisy is not None and self.noisy.is_noisy(len(first_pass), chars):
            if self.noisy.threshold > floor:  # a block unlike the domain's gets no second pass below its floor
                for decoder, limit in zip(decoders, limits):
                    decoder.run(self.noisy.threshold, limit)
        elif self.sparse is not None and self.sparse.is_sparse(self.sparse.counted(first_pass, logp, chars), chars):
            clean = True
            clean_threshold = max(self.sparse.threshold, floor)
            for k, (sentence, limit) in enumerate(zip(block, limits)):
                if any(choice.probability < clean_threshold for choice in decoders[k].chosen):
                    decoders[k] = self._decoder(sentence, document, evidence[k])  # decoded afresh: its edits interact
                    decoders[k].run(clean_threshold, limit)
        changes: list[Change] = []
        for sentence, decoder in zip(block, decoders):
            for choice in decoder.chosen:
                if choice.probability < short and ENGINE_EVIDENCE.isdisjoint(choice.candidate.sources):
                    continue
                for index, char in choice.candidate.replacements:  # a pair is logged as one edit per character
                    pos = to_input(sentence.offsets[index])
                    changes.append((pos, text[pos], char, choice.probability, choice.candidate.sources))
        return changes, clean

    def _withdrawn_in_clean_print(self, rule_edits: Sequence[Edit], to_input: InputOffsets,
                                  clean_print: Sequence[tuple[int, int]], joins: Sequence[int]
                                  ) -> set[tuple[int, tuple[str, ...]]]:
        """(input offset, sources) of the pattern stages' ``rule_edits`` (``to_input``: their output offsets
        mapped to input offsets) withdrawn in the ``clean_print`` spans (sorted, disjoint).

        On clean print Tesseract rarely loses a mark or adds a character, and the LM's taste (an optional
        comma, a name's double) would outweigh the few it does: line-end marks (unless the profile's engine
        loses hanging marks on clean scans too) and deletions are kept only where the text is noisier. In a
        clean span the reflow did not join from column lines (a text typed in print's style), a symbol
        rule's lone changes go too (:func:`lone_rule_changes`)."""
        withdraw = [sources for sources in CLEAN_PRINT_WITHDRAWN
                    if not (self.stages.line_end_marks_in_clean_print and sources in LINE_END_SOURCES)]
        typed = [(start, end) for start, end in clean_print
                 if not _holds(joins, to_input(start), to_input(end))]
        withdrawn = {(edit.input_offset, edit.sources) for edit in rule_edits if edit.sources in withdraw
                     and _within(typed if edit.sources in TYPED_ONLY_WITHDRAWN else clean_print, edit.offset)}
        return withdrawn | lone_rule_changes(rule_edits, typed,
                                             {f"rule:{rule.name}" for rule in self.rules if rule.style_max is None})

    def text_logp(self, text: str) -> float:
        """Mean log10 P per token of ``text`` (already reflowed) as the decoder first scores it, after
        the pattern stages (what :meth:`correct` compares with :data:`~.score.FAR_LOGP` per block)."""
        sentences, document = self._segment(self._staged(text))
        return block_logp([self._decoder(sentence, document) for sentence in sentences])

    def domain_share(self, text: str) -> float | None:
        """The domain LM's mean posterior share of ``text`` (already reflowed) after the pattern stages
        (what :meth:`correct` compares with the profile's :class:`~.score.DomainGate` per block);
        None without a domain LM or tokens."""
        if not hasattr(self.lm, "domain_share"):
            return None
        return self.lm.domain_share(s.tokens for s in iter_sentences(self._staged(text), self.inventory, self.keep))

    def _staged(self, text: str) -> str:
        return apply_changes(text, self._pattern_changes(text, []))[0]

    def _gate_floor(self, block: Sequence[Sentence]) -> float:
        """The lowest threshold of ``block``: the domain gate's on a block unlike the domain LM's text, else 0."""
        if self.domain_gate is None:
            return 0.0
        return self.domain_gate.floor(self.lm.domain_share(s.tokens for s in block), block[-1].end - block[0].start)

    def stray_marks_habit(self, text: str, wrapped: str) -> bool:
        """Whether the engine that read ``text`` (already reflowed; ``wrapped``: as printed, see
        :meth:`correct`) reads marks at line ends where print has none (:func:`~.line_marks.stray_habit`)."""
        if not self.stages.line_end_marks:
            return False
        joins = wrapped_line_ends(wrapped, text)
        return stray_habit(stray_runs(text, joins, self.lm, protected_mask(text, self.keep)))

    def _pattern_changes(self, text: str, joins: Sequence[int], stray_marks: bool | None = None, hung: int = 0,
                         reached: frozenset[int] | None = None) -> list[Change]:
        """The changes made before the decoder: the marks of a garbled text (:mod:`.garbled_marks`,
        if the profile asks), symbol rules, traditional forms, closing marks of pairs (:mod:`.pair_marks`)
        and other marks lost at the wrapped line ends ``joins``, confused marks (:mod:`.mark_channel`, then
        the profile's mark-choice model, :mod:`.mark_choice`), characters the engine added (:mod:`.deletions`), Han
        characters it lost inside a word (:mod:`.han_insertions`); where two would touch the same character, the first stage wins.
        ``hung``: the marks hung past a full line that the engine read in the printed text
        (:func:`~.line_marks.hung_marks_read`), for the profile's ``line_end_habit`` (the line-end margin)
        and ``paragraph_end_habit``: where the text shows the engine reads the marks at its line ends, a
        paragraph that ends without one had none in print (no ``final-period``). ``reached``: the ``joins``
        whose printed line's box reaches past its column's measure with no mark read, for the profile's
        ``line_end_reach`` (None: the text has no geometry)."""
        protected = protected_mask(text, self.keep)
        choices = line_end_choices(text, joins, self.lm, protected, self.line_end_gate is not None) \
            if self.stages.line_end_marks and joins else []
        dropping = self.hung_marks_dropped(choices, hung)
        rules = self._rules_to_run(dropping)
        # a garbled text's marks are the LM's first: the rules' margins are set for clean ones
        changes = garbled_changes(text, self.lm, protected) if self.stages.garbled_marks else []
        staged = [rule_changes(text, rules, lm=self.lm, scanned=reflowed_from_columns(text, joins), wrapped=bool(joins))] if rules else []
        if staged and self.stages.han_insertions and self.context is not None:
            staged[0] = [self._with_lost_end(text, change, protected) for change in staged[0]]
        if self.variants:
            staged.append(variant_changes(text, self.variants, self.simplified_forms, self.lm, protected))
        if self.stages.line_end_marks and joins:
            # a quote that a rule reads as another mark (“ for 。: misread-period) opens no quotation;
            # one it reads as a quote (" for ”: straight-close-quote) still closes one
            earlier = readings(change for stage in (changes, *staged) for change in stage)
            staged += self._line_end_changes(text, joins, protected, choices, dropping, stray_marks, earlier, reached)
        staged += self._model_changes(text, joins, protected)
        return _first_wins(changes, staged)

    def _with_lost_end(self, text: str, change: Change, protected: Sequence[bool]) -> Change:
        """``change``, or where it is ``final-period``'s stop after a word cut off, the stop with the Han
        character the engine lost before it (:func:`~.han_insertions.lost_before_stop`), one edit of both sources."""
        offset, original, replacement, probability, sources = change
        if sources != (f"rule:{PARAGRAPH_END_RULE}",) or original or replacement != STOP:
            return change
        lost = lost_before_stop(text, offset, self.lm, self.context, protected)
        return change if lost is None else (offset, original, lost + STOP, probability, (*sources, HAN_INSERTION_SOURCE))

    def _rules_to_run(self, dropping: bool | None) -> tuple[Rule, ...]:
        """The symbol rules, but the paragraph-end rule where the profile asks (``paragraph_end_habit``)
        and the text shows the engine reads the marks at its line ends (``dropping`` False)."""
        if dropping is not False or not self.stages.paragraph_end_habit:
            return self.rules
        return tuple(rule for rule in self.rules if rule.name != PARAGRAPH_END_RULE)

    def _model_changes(self, text: str, joins: Sequence[int], protected: Sequence[bool]) -> list[list[Change]]:
        """The changes of the stages the corrector has a model for, in order: confused marks
        (:mod:`.mark_channel`), the mark-choice model's (:mod:`.mark_choice`), characters the engine
        added (:mod:`.deletions`) and Han characters it lost (:mod:`.han_insertions`, where the profile asks)."""
        staged = []
        if self.marks is not None:
            staged.append(mark_changes(text, self.marks, self.lm, protected))
        if self.mark_choice is not None:
            staged.append(choice_changes(text, self.mark_choice, self.lm, protected, joins))
        if self.length is not None:
            staged.append(deletion_changes(text, self.length, self.lm, protected))
        if self.stages.han_insertions and self.context is not None:
            staged.append(insertion_changes(text, self.lm, self.context, protected))
        return staged

    def hung_marks_dropped(self, choices: Sequence[tuple[int, MarkChoice]], hung: int) -> bool | None:
        """Whether the engine drops the marks print hangs past a full line, as the text shows it
        (:func:`~.line_marks.drops_hung_marks` of the line ends' ``choices`` and the ``hung`` marks read);
        None where the profile does not ask (no ``line_end_habit``) or the text shows neither."""
        return drops_hung_marks(sure_losses(choices), hung) if self.stages.line_end_habit is not None else None

    def line_end_margin(self, text: str, joins: Sequence[int], protected: Sequence[bool],
                        choices: Sequence[tuple[int, MarkChoice]], dropping: bool | None) -> float | None:
        """The log10 gain a lost mark needs at the wrapped line ends ``joins`` of ``text``: the profile's margin, by
        whether the engine is ``dropping`` hung marks (:meth:`hung_marks_dropped`) where the profile has a
        ``line_end_habit``, raised in a text that leaves out marks the LM asks for (``line_end_sparse``); None:
        :data:`~.line_marks.MIN_GAIN`."""
        switches = self.stages
        margin = switches.line_end_margin if switches.line_end_habit is None else switches.line_end_habit[dropping is not True]
        if switches.line_end_sparse is not None and self.line_end_gate is None:
            margin = sparse_margin(text, joins, self.lm, protected, choices, margin, switches.line_end_sparse)
        if switches.line_end_sure_share is not None and sure_share(choices) >= switches.line_end_sure_share[0]:
            margin = min(MIN_GAIN if margin is None else margin, switches.line_end_sure_share[1])
        return margin

    def _line_end_changes(self, text: str, joins: Sequence[int], protected: Sequence[bool],
                          choices: Sequence[tuple[int, MarkChoice]], dropping: bool | None, stray_marks: bool | None,
                          earlier: Mapping[int, str], reached: frozenset[int] | None = None) -> list[list[Change]]:
        """The line-end stages' changes at the wrapped line ends ``joins``: stray marks the engine read there
        (``stray_marks``: its habit, None: judged from the text), closing marks of pairs lost there (none where
        an ``earlier`` stage read the opening mark as another: offset -> its reading), and the lost marks of ``choices`` put back at the
        profile's margin (by whether the engine is ``dropping`` hung marks, in a text that leaves out marks the LM
        asks for, or the profile's gate; or the profile's ``line_end_reach`` margins, where the geometry tells which
        line ends it ``reached``, a mark put back there logged with :data:`~.line_marks.REACH_SOURCE` too), each
        mark picked by the mark-choice model where the profile asks."""
        closings = closing_changes(text, joins, self.lm, protected, changed=earlier)
        reach = self.stages.line_end_reach
        if reach is not None and reached is not None and self.line_end_gate is None:
            inserted = marks_by_reach(choices, reached, reach)
        else:
            inserted = marks_to_insert(choices, self.line_end_margin(text, joins, protected, choices, dropping), self.line_end_gate)
        if self.stages.line_end_mark_choice and self.mark_choice is not None:
            inserted = line_end_picks(text, inserted, self.mark_choice, self.lm)
        return [stray_mark_changes(text, joins, self.lm, protected, habit=stray_marks), closings,
                without_second_closings(text, closings, inserted)]

    def scoring_with(self, weights: Weights) -> "Corrector":
        """A corrector that shares this one's models and thresholds but scores candidates with
        ``weights`` (fitted on the same sources, ``k`` and ``prune``); this one is unchanged."""
        if (weights.sources, weights.k, weights.prune) != (self.weights.sources, self.weights.k, self.weights.prune):
            raise ValueError("the weights were fitted on other candidate sources, k or prune than this corrector's")
        twin = copy.copy(self)
        twin.weights = weights
        return twin

    def _decoder(self, sentence: Sentence, document: DocumentBigrams, evidence: TokenEvidence | None = None) -> SentenceDecoder:
        return SentenceDecoder(self.featurizer, self.weights, self.candidates, sentence, document, self.pairs,
                               evidence, self.inventory)

    def _evidence(self, sentence: Sentence, text: str, staged: str, to_input: InputOffsets,
                  readings: Sequence[Reading | None] | None) -> TokenEvidence | None:
        """The engine's evidence per token of ``sentence`` (offsets in ``staged``, the text after
        the pattern stages, mapped to ``text``'s by ``to_input``) from its ``readings`` of ``text``; None without any."""
        if readings is None:
            return None
        per_token = []
        for offset in sentence.offsets:
            at = to_input(offset)
            per_token.append(readings[at] if 0 <= at < len(text) and text[at] == staged[offset] else None)
        evidence = token_evidence(per_token, self.confidence, self.word_confidence)
        return None if evidence.empty else evidence

    def _segment(self, text: str) -> tuple[Iterator[Sentence], DocumentBigrams]:
        """The sentences of ``text``, one at a time (a long text's are never all held), and the bigrams of
        all of them (the document evidence, counted in a pass of its own)."""
        return iter_sentences(text, self.inventory, self.keep), DocumentBigrams(sentence_tokens(text))

    def candidate_features(self, text: str) -> Iterable[tuple[list[int], list[Candidate], "np.ndarray"]]:
        """Per sentence of ``text`` (already reflowed): page offsets, candidates and feature rows
        of every single substitution against the unedited sentence (the data the weights are fitted on)."""
        sentences, document = self._segment(text)
        for sentence in sentences:
            lattice = self.candidates.lattice(sentence)
            if any(site is not None for site in lattice):
                fwd = forward(self.lm, sentence.tokens)
                cands, matrix = self.featurizer.rows(fwd, self.candidates.with_context(lattice, fwd.tokens, fwd.logps),
                                                     document)
                yield [sentence.offsets[c.index] for c in cands], cands, matrix

    def pair_features(self, text: str) -> Iterable[tuple[tuple[int, int], list[PairCandidate], "np.ndarray"]]:
        """Per pair of adjacent improbable edit sites of ``text`` (already reflowed): their page
        offsets, the pair proposals and their feature rows against the unedited sentence (the data
        the pair model is fitted on)."""
        if self.pairs is None:
            return
        sentences, document = self._segment(text)
        for sentence in sentences:
            lattice = self.candidates.lattice(sentence)
            pair_sites = [i for i in range(len(lattice) - 1) if lattice[i] is not None and lattice[i + 1] is not None]
            if not pair_sites:
                continue
            fwd = forward(self.lm, sentence.tokens)
            for i in pair_sites:
                if self.pairs.gated(fwd.logps, i):
                    proposals = self.pairs.propose(fwd.tokens, i)
                    if proposals:
                        matrix = self.featurizer.pair_rows(fwd, proposals, mean_logp(fwd), document)
                        yield (sentence.offsets[i], sentence.offsets[i + 1]), proposals, matrix
