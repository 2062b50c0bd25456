"""Length and symbol errors of OCR noise, fixed by precise pattern rules.

Measured on the Tesseract training pages (benchmarks, train split; see benchmarks/RESULTS.md,
"Corrector"): after Han substitutions, the commonest errors are symbols the LM cannot repair
because they are never edit sites. Each rule below fires only in a context where the OCR
string is essentially never legitimate newspaper text, or (where it can be: 一一, a number's 96)
only where the LM prefers the other reading by far; each match becomes a logged edit with
source ``rule:<name>``.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Collection, Mapping, Sequence

from ..errors import ModelError
from ..normalize import lm_tokens
from .edits import Change
from .features import LanguageModel

#: Minimum log10 gain of a sentence break at a body paragraph's end (``final-period``). The LM
#: often mildly prefers a paragraph to stop without its '。' (a 6-gram sees no further back than
#: 呼伦贝尔地区的火险高危期), while a paragraph end the reflow made mid-sentence (…要继续 / 乌克兰危机)
#: scores -3 or below. Training pages, paragraph ends that pass the body-paragraph guard, with a
#: gain in (-2, 0]: RapidOCR ``rapid-train`` 3 lost '。' of 3, Tesseract ``train`` 8 of 10 (one end
#: lost nothing, one lost a '……'); below -2: 0 of 11 and 0 of 5. At -1.5 instead of 0 the
#: corrector fixes 173 / 4 errors instead of 167 / 4 on ``rapid-train`` (``ppocr``) and 1,953 / 25
#: instead of 1,938 / 26 on ``train`` (default); -1.0: 171 and 1,947; -2.0: 173 and 1,954 / 25 with
#: one more wrong insertion.
PERIOD_MIN_GAIN = -1.5
MISREAD_MIN_GAIN = 3.0
DASH_MIN_MARGIN = 2.0
#: How much the LM must prefer '%' to a number's final '96' (percent-96). Cross-fit fold LMs on
#: the training pages: '96' after a digit stood for '%' 86 times of 91; a margin of 1 takes 76 of
#: them and none of the 5 real numbers (1996年 twice, 196/196, a train K396), and fires twice on the 645
#: real '96' number endings of the 47 M characters of training news (296 as a pollution
#: reading, 0.99996); a margin of 2 fires on the same two and takes 61.
PERCENT_MIN_MARGIN = 1.0
#: A paragraph's last sentence that lost its final mark: at least this long, and with a clause
#: mark when longer than ``MAX_UNPUNCTUATED`` (see ``_body_paragraph``).
MIN_LAST_SENTENCE = 6
#: Shortest line taken for body text rather than a headline or title.
MIN_BODY_LINE = 30
MAX_UNPUNCTUATED = 30
#: A body paragraph has a '。' before its end, or a '，' and is no longer than one sentence of news
#: (:data:`MAX_SENTENCE`): a paragraph of one sentence has no other mark (…等约3000人参加开幕会),
#: nor has one whose sentence ends the OCR garbled (`*` or `·` read for '。'). Longer text with
#: commas and never a '。' is a writer's style (web text cut into clauses), not lost marks: of the
#: 39,754 sentences with a comma of rmrb 2019-10 (training news), 99 % are 139 characters or
#: shorter, 99.9 % 204, and 13 longer than 300. A news lead of one long sentence
#: (…近平在北京厅对使节们发表讲话, 227 characters) still loses its '。': at 300 instead of 150 the rule
#: ends 5 more paragraphs of the 240 Tesseract ``train`` pages, each of which had lost its '。' (4 of
#: 4 on the 80 fold pages, scored with LMs that never saw their text), and changes nothing more in
#: clean text (LEMON's domains, also typed full-width). With a comma at all, the rule ended 7 more
#: paragraphs of the 120 training pages than with a '。' alone, each of which had lost its '。'.
MAX_SENTENCE = 300
#: ``final-comma``: the shortest last sentence of a paragraph whose final '，' is taken for its '。'.
#: Reflowed Tesseract and RapidOCR training pages, a paragraph ending in '，' after a Han character: where
#: its last sentence (since the paragraph's start or its last '。！？') had 13 characters or more, print had
#: '。' 29 times, '；' 4 times and '，' once (a paragraph the reflow broke before a title, 《布加勒斯特…》);
#: the three with 6 or 7 (“1997年，, 在叶剑英纪念馆，) were clauses the reflow broke off their sentence.
MIN_COMMA_SENTENCE = 12
CLAUSE_MARKS = "，、；：,;:"
#: ``speck-or-mark``: the LM's view (characters either side) and how much deleting a '.' must beat the
#: best mark. A 4-gram view and no margin deleted a '.' that stood for a mark (mostly '，') 14 times of
#: 53 on the 80 fold pages (Tesseract and RapidOCR training pages, each scored with an LM that never
#: saw its text) and chose right 37 times; 6 characters and a margin of 1.0 choose right 42 times
#: (7 marks deleted, 1 speck read as a mark); on the 300 training pages with the shipped LM 62 -> 72 of 81.
SPECK_SPAN = 6
SPECK_DELETE_MARGIN = 1.0
#: What a misread mark between Han characters can be (the LM chooses; "。" ends a sentence).
MARKS = ("，", "。", "、", "·")

#: How much the LM must prefer deleting a '·' between Han characters (or a clause mark) to keeping it.
STRAY_MIDDOT_MIN_MARGIN = 7.5
#: Han characters a damaged scan's marks are read as: the ink of show-through, faded or spread print
#: around a '，', '。' or '、' makes Tesseract see a character's strokes. Training pages of scan damage
#: (``degrade-train``, 48 pages), the characters read for a mark at least 3 times and in at least 5 %
#: of their readings: 二 29 of 86, 于 12 of 100, 寺 5 of 8, 志 5 of 28, 导 5 of 60, 六 4 of 23, 下 4 of
#: 73, 可 3 of 42, 所 3 of 30, 请 3 of 21, 计 3 of 36; none is read for a mark on the 60 ``train`` pages
#: of l1-l3 damage.
HAN_READ_FOR_MARK = "二于寺志导六下可所请计"
#: How much the LM must prefer a mark to such a character between Han characters. ``degrade-train``,
#: matches the LM prefers a mark at by more than 4.0 / 4.5 / 5.0: the truth was that mark 49 / 42 / 36
#: times, another mark 3 / 1 / 1, the character read 0 times; no match on the ``train`` pages or in the
#: ground truth of both sets passes 4.0. (LEMON's clean news has 以后二奶奶 at 4.1.)
HAN_MARK_MIN_MARGIN = 4.5
#: How much the LM must prefer a mark to an opening quotation mark that opens nothing. ``degrade-train``
#: and ``train``, such a '“' between Han characters where the LM prefers a mark by more than 1.0 / 2.0 /
#: 3.0: that mark 12 / 11 / 8 times, another mark 5 / 2 / 2, a quotation whose closing mark the engine
#: lost 2 / 2 / 0 times (坦言“写水说成为…, at 2.2 and 3.0); of the 23 that stay at 3.0, 14 are quotations.
QUOTE_MARK_MIN_MARGIN = 3.0
#: How much the LM must prefer '，' to the sentence break of a '。' between Han characters.
PERIOD_COMMA_MIN_MARGIN = 3.0
#: ... and the text's own sentence breaks must read like news: over all its '。' between Han
#: characters, the LM's median preference for '，' below this. News puts its breaks where the news
#: LM expects them: every Tesseract and RapidOCR training page where the rule fixed an error has a
#: median of -0.36 or less, the other pages at most 0.13 but for two whose marks the garbled-mark
#: stage settles first (0.56, 1.81); clean essays whose writers end sentences where news runs on
#: (SIGHAN's training gold, in 3,000-character pieces) have 0.00 to 0.72 but for one (-0.05), and
#: there the rule would change 53 of their 7,678 '。' (1.9 per 10,000 characters).
NEWS_BREAKS_MAX_MEDIAN = 0.0
#: Fewest matches from which a text's median margin tells its style; with fewer, nothing says the
#: text's marks are print's and the rule stays off. A sentence or a caption corrected alone has one
#: or two: on SIGHAN's training essays, each line corrected alone, ``period-comma`` changed 19 of
#: their '。' and fixed none; of the Tesseract and RapidOCR training pages, the 6 with fewer than 5
#: '。' between Han characters have no match the rule changes.
MIN_STYLE_MATCHES = 5

HAN = "\u4e00-\u9fff"
CJK_MARKS = "，。、；：！？“”"

#: A text writes its marks half-width (typed or web text, or an engine that outputs ASCII marks) when
#: at least this share of its commas between Han characters is ',' and it has at least
#: ``MIN_STYLE_COMMAS`` of them. OCR of print writes '，': the Tesseract training pages have 18 ',' to
#: 2,287 '，' between Han characters, the RapidOCR ones none; LEMON's clean text of seven domains writes ','.
HALF_WIDTH_SHARE = 0.5
MIN_STYLE_COMMAS = 5


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    replacement: str
    guard: Callable[[str, re.Match[str]], bool] | None = None  # extra context test
    min_gain: float | None = None  # also require the LM to prefer a sentence break by this much (period_gain)
    options: tuple[str, ...] = ()  # the LM picks the replacement among these (see :func:`mark_scores`)
    min_margin: float | None = None  # also require the LM to prefer the replacement by this much (replacement_gain)
    #: on only in a text with ``MIN_STYLE_MATCHES`` matches or more whose median margin (best other
    #: option over the seen mark) is below this: where the LM prefers another mark to the writer's at
    #: most of them, the marks are the writer's style, not misreadings
    style_max: float | None = None
    #: the rule reads marks as print sets them (full-width): off in a text that writes half-width marks,
    #: where a '.', '-', '=', '|' or straight quote is the writer's own (see :func:`writes_half_width`)
    print_marks: bool = True
    #: run only where named (a profile's list), not among "all" the rules
    opt_in: bool = False
    #: characters either side the LM sees when it picks among the ``options``
    span: int = 4
    #: with "" among the ``options``: how much (log10) deleting the match must beat the best other option
    delete_margin: float = 0.0
    #: the match itself is weighed with the ``options`` (a character no option list can name, such as a
    #: Han character read for a mark): the LM must prefer an option to it by ``min_margin``
    weigh_match: bool = False
    #: the rule reads a paragraph's end, or a column's edge, as the reflow of a scanned page made it: on
    #: only in a ``wrapped`` text (one whose printed lines the reflow joined); a typed text's paragraphs
    #: are lines of their own, and one that ends without a '。', or with a '，', is its writer's, as is a
    #: bar between its words
    wrapped_only: bool = False


def _line_start(text: str, match: re.Match[str]) -> int:
    """Offset of the start of the line (paragraph) the match is in."""
    return text.rfind("\n", 0, match.start()) + 1


def writes_half_width(text: str) -> bool:
    """Whether ``text`` writes its commas half-width (``HALF_WIDTH_SHARE``, ``MIN_STYLE_COMMAS``)."""
    half = len(re.findall(rf"(?<=[{HAN}]),(?=[{HAN}])", text))
    full = len(re.findall(rf"(?<=[{HAN}])，(?=[{HAN}])", text))
    return half >= MIN_STYLE_COMMAS and half >= HALF_WIDTH_SHARE * (half + full)


def reflowed_from_columns(text: str, joins: Sequence[int]) -> bool:
    """Whether the reflow joined, on average, at least one printed line into each paragraph of
    ``text`` (``joins``: its offsets of wrapped line ends): a page set in columns and scanned. A
    typed text's paragraphs are lines of their own. Its commas read half-width are still print's:
    Tesseract reads the ``，`` of some faces as ``,`` (BabelStone Han: 146 of 524 commas between Han
    characters on the ``fonts-train`` pages, over half on 8 of its 34 pages; at most 35 of 1,779
    on any face of the 240 ``train`` pages)."""
    return bool(joins) and len(joins) >= sum(1 for line in text.split("\n") if line.strip())


def _no_open_bracket_before(text: str, match: re.Match[str]) -> bool:
    return not re.search(r"[\[［]", text[max(0, match.start() - 20):match.start()])


#: A line break between two non-space characters: the text has two paragraphs or more (found at the
#: first paragraph's end, so a long text costs no more than a short one, match after match).
_LINE_BREAK_INSIDE = re.compile(r"\S\s*\n\s*\S")


def _body_paragraph(text: str, match: re.Match[str]) -> bool:
    """The line ending here is long and already has a sentence end, or a comma in no more than one
    sentence's length (:data:`MAX_SENTENCE`): a body paragraph, not a headline; and its last sentence looks like one: at least
    ``MIN_LAST_SENTENCE`` characters, with a clause mark if it is longer than ``MAX_UNPUNCTUATED``.
    (On the cross-fit training pages' clean text all 12 fires were paragraphs of run-together
    headline phrases: the 新闻联播 transcripts' summaries, 40–76 characters without a mark, or a
    3-character fragment; no real fix was lost.) A text of one paragraph is no page: SIGHAN's
    training essays, each line corrected alone by the ``generic`` profile, got 14 final '。', all
    against the gold (the writers' lines are pieces of longer essays)."""
    if not _LINE_BREAK_INSIDE.search(text):  # a lone paragraph (a sentence corrected alone): no page to say it is body text
        return False
    line = text[_line_start(text, match):match.start()]
    if len(line) < MIN_BODY_LINE or not ("。" in line or (("，" in line or "," in line) and len(line) <= MAX_SENTENCE)):
        return False
    last = line[max(line.rfind(end) for end in "。！？") + 1:]
    return len(last) >= MIN_LAST_SENTENCE and (len(last) <= MAX_UNPUNCTUATED or any(m in last for m in CLAUSE_MARKS))


def _long_last_sentence(text: str, match: re.Match[str]) -> bool:
    """The text has more than one paragraph (a page, not a sentence corrected alone) and the last
    sentence of the match's paragraph is at least :data:`MIN_COMMA_SENTENCE` characters long."""
    if not _LINE_BREAK_INSIDE.search(text):
        return False
    line = text[_line_start(text, match):match.start()]
    return len(line) - max(line.rfind(end) for end in "。！？") - 1 >= MIN_COMMA_SENTENCE


def _in_body_text(text: str, match: re.Match[str]) -> bool:
    """The match is in a paragraph of body text: at least ``MIN_BODY_LINE`` characters with a sentence end."""
    end = text.find("\n", match.end())
    line = text[_line_start(text, match):end if end >= 0 else len(text)]
    return len(line) >= MIN_BODY_LINE and any(mark in line for mark in "。！？")


def _last_quote(text: str, match: re.Match[str]) -> str | None:
    """The last quotation mark (“ ” or a straight ") before the match in its paragraph; a ``”`` read
    for an opening mark (:func:`_reversed_open_quotes`) counts as the ``“`` it stands for."""
    start = _line_start(text, match)
    marks = list(_QUOTE.finditer(text, start, match.start()))
    if not marks:
        return None
    last = marks[-1]
    return "“" if last.start() in _reversed_open_quotes(text, start) else last.group()


def _stray_bar(text: str, match: re.Match[str]) -> bool:
    """A bar of body text that is not a typed separator: one right after a sentence end (。|下一篇)
    or with another bar within 6 characters of the same line (图片|配置|询价) divides items as typed
    web text does. (None of the 9 bars that the reflow of 201 Tesseract and RapidOCR pages
    put between Chinese characters or marks is either: an engine's bar is a column rule or a
    speck next to a line end.)"""
    if text[match.start() - 1] in "。！？":
        return False
    before = text[max(_line_start(text, match), match.start() - 6):match.start()]
    after = text[match.end():match.end() + 6].split("\n")[0]
    return "|" not in before + after and _in_body_text(text, match)


def _nested_quote(text: str, match: re.Match[str]) -> bool:
    """The match (a curly quotation mark) stands at the second level of its paragraph's quotations,
    and the paragraph's curly quotes nest at most two deep and close as they open (a lost or extra
    mark leaves the nesting unknown). Print nests a quotation in single quotes (“…‘…’…”); an engine
    that reads the ‘’ as “” leaves “…“…”…”."""
    return match.start() in _second_level_quotes(text, _line_start(text, match))


_CURLY_QUOTE = re.compile("[“”]")
_QUOTE = re.compile('[“”"]')


def _reversed_open_quote(text: str, match: re.Match[str]) -> bool:
    return match.start() in _reversed_open_quotes(text, _line_start(text, match))


@lru_cache(maxsize=8)
def _reversed_open_quotes(text: str, start: int) -> frozenset[int]:
    """Offsets of the ``”`` of the paragraph of ``text`` that starts at ``start`` which stand where
    no quotation is open and are followed by a closing mark (``”`` or a straight ``"``) before any
    ``“``: a quotation's opening mark read as its closing one (”一带一路”). Print never has one (none
    in the ground truth of the 240 Tesseract ``train`` pages, 1,814 quotes); an engine reads a face's
    opening mark so where the face draws it unlike the faces it learned (Tesseract, WenQuanYi Zen Hei:
    30 of its 66 ``“`` on the ``fonts-train`` pages). A ``"`` opens a quotation where none is open."""
    end = text.find("\n", start)
    marks = list(_QUOTE.finditer(text, start, end if end >= 0 else len(text)))
    depth, found = 0, []
    for k, mark in enumerate(marks):
        if mark.group() == "“" or (mark.group() == '"' and depth == 0):
            depth += 1
        elif depth > 0:
            depth -= 1
        elif k + 1 < len(marks) and marks[k + 1].group() != "“":
            found.append(mark.start())
            depth += 1
    return frozenset(found)


@lru_cache(maxsize=8)
def _second_level_quotes(text: str, start: int) -> frozenset[int]:
    """Offsets of the curly quotes at the second level of the paragraph of ``text`` that starts at
    ``start``; none where its quotes nest deeper or do not balance. Once per paragraph, not per
    mark: a paragraph of many quotations would otherwise be read again for each."""
    end = text.find("\n", start)
    depth, second = 0, []
    for mark in _CURLY_QUOTE.finditer(text, start, end if end >= 0 else len(text)):
        depth += mark.group() == "“"
        if depth == 2:
            second.append(mark.start())
        depth -= mark.group() == "”"
        if not 0 <= depth <= 2:
            return frozenset()
    return frozenset(second) if depth == 0 else frozenset()


def _quote_open(text: str, match: re.Match[str]) -> bool:
    return _last_quote(text, match) == "“"


def _unpaired_corner(text: str, match: re.Match[str]) -> bool:
    """No '』' after the '『' in its paragraph: it opens no nested quotation of its own."""
    end = text.find("\n", match.end())
    return "』" not in text[match.end():None if end < 0 else end]


def _bracket_closes_quote(text: str, match: re.Match[str]) -> bool:
    """No '[' before the ']' in its paragraph, and the last quotation mark before it (a '『' read for
    '“' counted as one) opens a quotation."""
    before = text[_line_start(text, match):match.start()]
    marks = re.findall('[“”"『』]', before)
    return "[" not in before and "［" not in before and bool(marks) and marks[-1] in "“『"


def _no_quote_open(text: str, match: re.Match[str]) -> bool:
    """No quotation open before the '’' in its paragraph: no '‘' a '’' has not closed, nor a '“'
    (the '’' may be its closing '”' misread)."""
    before = text[_line_start(text, match):match.start()]
    return before.count("‘") <= before.count("’") and _last_quote(text, match) != "“"


def _opens_nothing(text: str, match: re.Match[str]) -> bool:
    """No closing mark (``”`` or a straight ``"``) follows the ``“`` in its paragraph before another ``“``."""
    end = text.find("\n", match.end())
    rest = text[match.end():end if end >= 0 else len(text)]
    closing = min((k for k in (rest.find("”"), rest.find('"')) if k >= 0), default=-1)
    return closing < 0 or 0 <= rest.find("“") < closing


def _quote_closed(text: str, match: re.Match[str]) -> bool:
    """No quotation open: a straight '"' before would open one in text that uses straight quotes."""
    return _last_quote(text, match) in (None, "”")


RULES = (
    # '。' read as '*', '=' or '>' after a Han character or closing quote, before a line end or Han
    # text. (Training pages: such a '>' stood for '。' 44 times of 49, for another mark 5 times;
    # never in the news corpora.)
    Rule("star-period", re.compile(rf"(?<=[{HAN}”’）)])[*=>](?=\s|$|[{HAN}“‘])"), "。"),
    # A paragraph never ends in '-', '“' or '.' after Han text: its final '。' misread. (All
    # training pages: the truth was '。' for 138 of 141 such line ends; 7 fires in 46 M characters
    # of clean corpus text, each a '.' typed for '。'.)
    Rule("line-end-period", re.compile(rf"(?<=[{HAN}])[-“.]$", re.M), "。"),
    # ... nor in '，' (or ',') after a long last sentence: its final '。' read as a comma, as Tesseract
    # often reads it (the reflow ends a paragraph where its last line is short).
    Rule("final-comma", re.compile(rf"(?<=[{HAN}])[，,]$", re.M), "。", _long_last_sentence, wrapped_only=True),
    # '（' read as '〈' or as '《〈' — unless a '〉' closes it: then it is a title nested in 《…》.
    Rule("angle-paren", re.compile(r"《?〈(?![^〈〉\n]{0,40}〉)"), "（", print_marks=False),
    # '（' read as '《' when a ')' closes it within 6 characters and no '》' does.
    Rule("book-paren", re.compile(r"《(?=[^《》()（）\n]{1,6}[)）])"), "（", print_marks=False),
    # ... and as '【', '〔' or '[' when a ')' closes it within 8 characters and no bracket does
    # (training pages: 42 of 42 stood for '（'; never in the news corpora).
    Rule("bracket-paren", re.compile(r"[【〔\[［](?=[^【】〔〕\[\]［］《》()（）\n]{1,8}[)）])"), "（", print_marks=False),
    # '1' read as ']' next to digits or before a date/number unit, with no '[' open.
    Rule("bracket-one", re.compile(r"(?<=\d)\]|\](?=[\d月日号万])"), "1", _no_open_bracket_before, print_marks=False),
    # A body paragraph's final '。' dropped (Tesseract often loses it at a column's last line).
    Rule("final-period", re.compile(rf"(?<=[{HAN}])$", re.M), "。", _body_paragraph, min_gain=PERIOD_MIN_GAIN,
         wrapped_only=True),
    # A half-width '.', '`' or "'" between Han characters is never Chinese punctuation: a misread
    # '，', '。', '、' or '·' -- the LM picks which.
    # '。' read as '-', '"' or '“' between Han text, where the LM prefers a sentence break by far.
    Rule("misread-period", re.compile(rf"(?<=[{HAN}”’）)])[-\"“](?=[{HAN}“‘])"), "。", min_gain=MISREAD_MIN_GAIN),
    # A '.' between Han characters is as often a speck as a misread mark (RapidOCR
    # training pages: 40 of 79 stood for nothing), so deleting it is one more option the LM weighs;
    # so is a '.' or '·' between Han text and an opening quote (出台了.“暖企十条”). The LM sees
    # SPECK_SPAN characters either side, and deleting must beat the best mark by SPECK_DELETE_MARGIN.
    # The full-width '．' too, as an engine that writes full-width marks reads them (the training news has
    # 3 between Han characters, each a typo for '，', and 44 '.').
    Rule("speck-or-mark", re.compile(rf"(?<=[{HAN}])[.．](?=[{HAN}])|(?<=[{HAN}])[.．·](?=“)"), "",
         options=("", *MARKS), span=SPECK_SPAN, delete_margin=SPECK_DELETE_MARGIN),
    # ... and two dots between Han characters (身体，日..子; never in the 47 M characters of training
    # news), but web text writes them as an ellipsis (大哥们..我是, LEMON's car forum): opt-in, for an
    # engine that reads specks so (PP-OCR), and only in a text whose printed lines the reflow joined
    # (LEMON's car forum typed full-width, ``ppocr``: its one '..' took 2 of the domain's 4 changes and
    # its block over the clean-print count, which let the other two stand).
    Rule("double-speck", re.compile(rf"(?<=[{HAN}])\.\.(?=[{HAN}])"), "", options=("", *MARKS), opt_in=True,
         wrapped_only=True),
    Rule("misread-mark", re.compile(rf"(?<=[{HAN}”’）)])[.．`'](?=[{HAN}“‘])"), "", options=MARKS),
    # A stray '|' between Chinese characters or marks of body text (a column rule or speck read as
    # a bar; never in the 46 M characters of the corpora): deleted. Headlines and titles, short and
    # without a sentence end, can use '|' as a separator (马上评|假存单…) and are left alone.
    # (Training pages: 28 of 37 such bars stood for nothing, 9 for a character — 十, 厂 — where
    # deleting changes one error for another; 34 of the 37 are in body text.) An engine's bar is a
    # column rule or a speck at a printed line's edge (each of the 10 bars of the 120 Tesseract
    # ``train`` and ``train-more`` pages ends its line): only in a text whose printed lines the reflow
    # joined. A typed text's bars are the writer's (web headlines, 投资界快讯|齐家网…: LEMON's news,
    # typed full-width, lost 4 of them).
    Rule("stray-bar", re.compile(rf"(?<=[{HAN}{CJK_MARKS}])\|(?=[{HAN}{CJK_MARKS}])"), "", _stray_bar, wrapped_only=True),
    # One or two of a half-width '.', '*', '`', '~' or '_' between a Chinese mark (or a half-width
    # ',' ';') and Han text, a '-' or ':' between a clause mark and Han text, or one of '-.*`~_'
    # between Han text (or a closing '”', '）', '%') and a following mark: a speck, deleted (the
    # mark is already there: 截至目前，..成都, （3月2日）.，). None of these occurs in the 47 M
    # characters of training news.
    Rule("stray-mark", re.compile(rf"(?<=[{CJK_MARKS},;])[.*`~_]{{1,2}}(?=[{HAN}“])|(?<=[，、。；,;])[-:](?=[{HAN}“])"
                                  rf"|(?<=[{HAN}”）%％])[-.*`~_](?=[{CJK_MARKS[:7]}])"), ""),
    # An ellipsis read, or folded by NFKC, as three full stops after Han text (``……`` as six): the news
    # corpora have ``…`` on 1,700 lines a month and never ``...``. Only in a scan (a typed text's dots
    # are its writer's: 大哥们...我是).
    Rule("dots-ellipsis", re.compile(rf"(?<=[{HAN}])\.{{3}}(?=\.{{3}}(?!\.)|(?!\.))|(?<=[{HAN}]\.{{3}})\.{{3}}(?!\.)"), "…",
         wrapped_only=True),
    # A full-width comma doubled by a half-width one, and so between Han characters in text folded to
    # half width (NFKC turns `，,` into `,,`; never in the 47 M characters of training news).
    Rule("double-comma", re.compile(rf",(?=，)|(?<=，),|(?<=[{HAN}]),(?=,[{HAN}])"), "", print_marks=False),
    # A dash '——' read as the Han '一一' -- a real word too (一一握手, 一一对应): only where the LM
    # prefers the dash by far. (Cross-fit training pages: the dash reading gained > 2 for 17 of 20
    # OCR '一一' standing for '——', and for none of the 6 real '一一'.)
    Rule("misread-dash", re.compile("一一"), "——", min_margin=DASH_MIN_MARGIN),
    # ... and one half of it so ('—一', '一—'): the news corpora have each once in 45 M characters of training
    # text (团结纲领—一个, 之一—美国: both typos, a dash lost) and '——' 15,361 times; the LM decides, as above.
    Rule("half-dash", re.compile("(?<![一—])(?:—一|一—)(?![一—])"), "——", min_margin=DASH_MIN_MARGIN),
    # The Han '一' read as a hyphen between Han characters (统-意志, 情-段时间), where it is not a
    # misread '。' (misread-period, earlier, wins) and the LM prefers '一' by far.
    Rule("hyphen-one", re.compile(rf"(?<=[{HAN}])-(?=[{HAN}])"), "一", min_margin=DASH_MIN_MARGIN),
    # ... and the other way: the dash or hyphen that joins two names (中国—中亚峰会, 中国－东盟) read as the
    # Han '一', where the LM prefers either by far. (Training pages, each scored with a fold LM that never
    # saw its text, a lone '一' between Han characters: of 829, the LM preferred a dash by more than 2 at
    # 9, and print had a dash at all 9; at most 0.97 at a real '一'.)
    Rule("one-dash", re.compile(rf"(?<=[{HAN}])(?<!一)一(?!一)(?=[{HAN}])"), "", options=("一", "—", "－"),
         min_margin=DASH_MIN_MARGIN),
    # The dash of a range between numbers read as the Han '一' (2014一2019年, 0一24时): the news
    # corpora have 4,007 digit—digit and 8 digit一digit, 7 of them typos for the dash and one a
    # year in mixed numerals (二0一0, left alone). Training pages: the truth was '—' 24 times of 25.
    Rule("digit-dash", re.compile(r"(?<=\d)(?<![〇零一二三四五六七八九十]\d)一(?=\d)"), "—", print_marks=False),
    # Tesseract reads '%' as '96' ('29.496' for '29.4%', '2596' for '25%'): a number's final '96'
    # becomes '%' where the LM prefers a percentage by far (the LM sees digits as one class, so it
    # judges the digits' count and what follows: 1996年 stays).
    Rule("percent-96", re.compile(r"(?<=\d)96(?![\d%％.．])"), "%", min_margin=PERCENT_MIN_MARGIN, print_marks=False),
    # ... or as '%6' (or another digit): a single digit right after a number's '%' is deleted
    # ('15%6降至': a '%' followed by a digit never occurs in the 47 M characters of training news;
    # on the training pages 26 of 26 such digits stood for nothing).
    Rule("digit-after-percent", re.compile(r"(?<=\d[%％])\d(?![\d%％.．])"), "", print_marks=False),
    # A quotation's opening mark read as its closing one: a '”' where no quotation is open and a
    # closing mark follows before any '“' (see _reversed_open_quotes).
    Rule("reversed-open-quote", re.compile("”"), "“", _reversed_open_quote),
    # A straight '"' after Han text where the paragraph has an unclosed '“': its closing '”' misread.
    Rule("straight-close-quote", re.compile(rf'(?<=[{HAN}，。！？])"'), "”", _quote_open),
    # Tesseract's vertical models read the vertical forms of “ and ” (﹁ ﹂) as '『' and ']'
    # (chi_sim_vert, whole vertical pages of training text: 77 '『' and 57 ']' against 147 “ and 146 ”
    # in the ground truth, and no '』' or '['): a '『' with no '』' after it in its paragraph opens
    # a quotation, a ']' after text with no '[' before it closes the one open.
    Rule("corner-open-quote", re.compile("『"), "“", _unpaired_corner),
    Rule("bracket-close-quote", re.compile(rf"(?<=[{HAN}，。！？…])\]"), "”", _bracket_closes_quote),
    # PP-OCR reads the comma of vertical print (set in the cell's upper right) as '’' (RapidOCR,
    # whole vertical pages of training text: 110 '’' where the ground truth has a mark, against 6
    # real ones, each after a '‘'; 8 '’' on the 165 horizontal RapidOCR and PP-OCRv4 pages, 4 of
    # them real, 1 a '”' misread): a '’' between Han characters with no quotation open in its
    # paragraph is the mark the LM likes best of '，' and '、'.
    Rule("lone-close-single-quote", re.compile(rf"(?<=[{HAN}])’(?=[{HAN}])"), "，", _no_quote_open,
         options=("，", "、")),
    # A quotation inside a quotation read with double quotes: print's ‘’ (training pages, a paragraph
    # whose curly quotes nest two deep and balance: 19 of 20 marks at the second level stood for
    # ‘ or ’, and the 20th closed ‘鼓浪屿品牌’” read as ””).
    Rule("nested-open-quote", re.compile("“"), "‘", _nested_quote),
    Rule("nested-close-quote", re.compile("”"), "’", _nested_quote),
    # An opening '“' between Han text and a following '。' or '、' with no quotation open: a speck
    # (training pages: 19 of 19 such marks stood for nothing; where a quotation is open it can be
    # its closing mark, as in the 5 of the news corpora).
    Rule("stray-open-quote", re.compile(rf"(?<=[{HAN}])“(?=[。、])"), "", _quote_closed),
    # A straight '"' ending a paragraph after Han text, with no quotation open: the final '。' misread.
    Rule("straight-quote-period", re.compile(rf'(?<=[{HAN}])"$', re.M), "。", _quote_closed),
    # First seen in PP-OCR (RapidOCR) output of noisy scans; no less true of any engine's. A speck read
    # as '.' or '·' right after a Chinese clause or sentence mark (before Han text or the line
    # end) or starting a paragraph before Han text: deleted (the news corpora never have one; a
    # '·' after '”' is a series title: “第一”·生活篇, left alone).
    Rule("stray-dot", re.compile(rf"(?<=[，。、；：！？])[.·](?=[{HAN}“]|$)|^[.·](?=[{HAN}])", re.M), ""),
    # '。' read as '·' between Han characters, where the LM prefers a sentence break by far (as
    # misread-period; names and series titles keep their '·': 约翰·史密斯, 新时代·深圳); the mark
    # the LM prefers there, '。' or '，': in faces no profile was fitted on (AR PL UKai) PP-OCR reads
    # '，' as '·' too (张德江指出·本次会议). On the RapidOCR training pages of those faces
    # (``fonts-rapid-train``) the 8 such '·' the rule changed that stood for '，' had the LM prefer '，'
    # by 1.2 to 4.8 (log10); on ``rapid-train`` the 4 that stood for '。' had it prefer '。' by 0.4 to 1.7.
    Rule("middot-period", re.compile(rf"(?<=[{HAN}])·(?=[{HAN}])"), "。", min_gain=MISREAD_MIN_GAIN,
         options=("。", "，")),
    # A speck read as '·' between Han characters (与·时俱进, 调研期·间), where the LM prefers the text
    # without it, or a mark, by far more than the '·' (names and series titles keep theirs: 约翰·史密斯,
    # 中国·河北·正定; the '·' that stood for a sentence break went to middot-period before).
    Rule("stray-middot", re.compile(rf"(?<=[{HAN}])·(?=[{HAN}])"), "", options=("", "·", "，", "、"),
         min_margin=STRAY_MIDDOT_MIN_MARGIN),
    # A damaged scan's '，', '。' or '、' read as a Han character (HAN_READ_FOR_MARK) between Han
    # characters, where the LM prefers the mark to it by far (不能变二凝聚 -> 不能变，凝聚; 第二届 and
    # 位于 keep theirs).
    Rule("han-read-for-mark", re.compile(rf"(?<=[{HAN}])[{HAN_READ_FOR_MARK}](?=[{HAN}])"), "",
         options=("，", "。", "、"), weigh_match=True, min_margin=HAN_MARK_MIN_MARGIN),
    # ... and read as an opening quotation mark that opens nothing: no closing mark follows it in
    # its paragraph before the next '“' (工业“能源、投资“高技术 -> 工业、能源、投资、高技术).
    Rule("unclosed-open-quote", re.compile(rf"(?<=[{HAN}])“(?=[{HAN}])"), "", _opens_nothing,
         options=("“", "，", "。", "、"), min_margin=QUOTE_MARK_MIN_MARGIN),
    # '，' read as '。' between Han characters, where the LM prefers the comma to the sentence
    # break by far.
    Rule("period-comma", re.compile(rf"(?<=[{HAN}])。(?=[{HAN}])"), "", options=("，", "。"),
         min_margin=PERIOD_COMMA_MIN_MARGIN, style_max=NEWS_BREAKS_MAX_MEDIAN),
)


#: The rules that run when none are named ("all" in a profile): every rule but the opt-in ones.
DEFAULT_RULES = tuple(rule for rule in RULES if not rule.opt_in)


def select_rules(names: Collection[str]) -> tuple[Rule, ...]:
    """The rules called ``names``, in their order in :data:`RULES`; an unknown name is an error."""
    unknown = set(names) - {rule.name for rule in RULES}
    if unknown:
        raise ModelError(f"unknown symbol rule(s): {', '.join(sorted(unknown))}")
    return tuple(rule for rule in RULES if rule.name in names)


def period_gain(lm: LanguageModel, text: str, offset: int, width: int = 0, span: int = 4) -> float:
    """log10 P(text with a sentence break at ``offset``, replacing its ``width`` characters)
    - log10 P(text running on as it is), near ``offset``."""
    left, right = _context(text, offset, width, span)
    seen = lm_tokens(text[offset:offset + width])
    if not right:
        return lm.score_tokens(left + ["。"], bos=False, eos=True) - lm.score_tokens(left + seen, bos=False, eos=True)
    broken = lm.score_tokens(left + ["。"], bos=False, eos=True) + lm.score_tokens(right, bos=True, eos=False)
    return broken - lm.score_tokens(left + seen + right, bos=False, eos=False)


def replacement_gain(lm: LanguageModel, text: str, offset: int, width: int, replacement: str, span: int = 4) -> float:
    """log10 P(text with ``replacement`` for its ``width`` characters at ``offset``) - log10 P(text
    as it is), near ``offset``."""
    left, right = _context(text, offset, width, span)
    return (lm.score_tokens(left + lm_tokens(replacement) + right, bos=False, eos=False)
            - lm.score_tokens(left + lm_tokens(text[offset:offset + width]) + right, bos=False, eos=False))


def _context(text: str, offset: int, width: int, span: int) -> tuple[list[str], list[str]]:
    left = lm_tokens(text[max(0, offset - span):offset])
    right = lm_tokens(text[offset + width:offset + width + span + 1])[:span]
    return left, right


def mark_scores(lm: LanguageModel, text: str, offset: int, width: int, options: tuple[str, ...],
                span: int = 4) -> dict[str, float]:
    """log10 P of the text around ``offset`` with each option in place of ``text[offset:offset + width]``
    ("。" scored as a sentence break: the left part ends a sentence, the right part starts one)."""
    left, right = _context(text, offset, width, span)

    def score(mark: str) -> float:
        if mark == "。":
            return lm.score_tokens(left + ["。"], bos=False, eos=True) + lm.score_tokens(right, bos=True, eos=False)
        return lm.score_tokens(left + lm_tokens(mark) + right, bos=False, eos=False)

    return {mark: score(mark) for mark in options}


def _scored_matches(lm: LanguageModel, text: str, matches: Sequence[re.Match[str]],
                    options: tuple[str, ...]) -> dict[int, dict[str, float]]:
    """:func:`mark_scores` of each match whose seen mark is one of the ``options``, by its offset."""
    return {m.start(): mark_scores(lm, text, m.start(), len(m.group()), options) for m in matches if m.group() in options}


def _writers_style(text: str, scored: dict[int, dict[str, float]], style_max: float) -> bool:
    """Whether the ``scored`` matches of ``text`` are too few to tell (under ``MIN_STYLE_MATCHES``) or
    the LM prefers another option to the seen mark at so many of them (their median margin at least
    ``style_max``) that the marks are the writer's style (a rule's ``style_max``)."""
    if len(scored) < MIN_STYLE_MATCHES:
        return True
    margins = [max(score for mark, score in scores.items() if mark != text[offset]) - scores[text[offset]]
               for offset, scores in scored.items()]
    return statistics.median(margins) >= style_max


def _replacement(rule: Rule, text: str, match: re.Match[str], lm: LanguageModel | None,
                 scored: Mapping[int, Mapping[str, float]]) -> str | None:
    """What ``rule`` puts in place of its ``match`` (None: the match stays), the rule's LM tests passed:
    the period's gain (``min_gain``), the option the LM prefers (``options``, by ``min_margin`` where the match is one
    of them; ``scored``: the LM's scores of a style rule's matches, by offset), the replacement's gain (``min_margin``).
    A rule that needs the LM changes nothing without one."""
    options = (match.group(), *rule.options) if rule.weigh_match else rule.options
    if rule.min_gain is not None and (
            lm is None or period_gain(lm, text, match.start(), len(match.group())) <= rule.min_gain):
        return None
    if options and match.group() in options:  # the LM must prefer another option by min_margin
        return _preferred_option(rule, text, match, lm, scored, options)
    if rule.options:
        if lm is None:
            return None
        replacement = _best_mark(rule, text, match, lm)
    else:
        replacement = rule.replacement
    # (the match is none of the options here)
    if rule.min_margin is not None and (lm is None or replacement_gain(
            lm, text, match.start(), len(match.group()), replacement) <= rule.min_margin):
        return None
    return replacement


def _preferred_option(rule: Rule, text: str, match: re.Match[str], lm: LanguageModel | None,
                      scored: Mapping[int, Mapping[str, float]], options: tuple[str, ...]) -> str | None:
    """The one of ``options`` (the match among them) that the LM prefers, where it prefers it to the
    match by more than the rule's ``min_margin`` (``scored``: see :func:`_replacement`); else None."""
    if lm is None:
        return None
    scores = scored.get(match.start()) or mark_scores(lm, text, match.start(), len(match.group()), options)
    replacement = max(options, key=scores.__getitem__)
    if replacement == match.group() or scores[replacement] - scores[match.group()] <= (rule.min_margin or 0.0):
        return None
    return replacement


def _best_mark(rule: Rule, text: str, match: re.Match[str], lm: LanguageModel) -> str:
    """The mark of the rule's ``options`` that the LM prefers in place of the match, or nothing
    where "" is an option and deleting beats the best mark by the rule's ``delete_margin``."""
    scores = mark_scores(lm, text, match.start(), len(match.group()), rule.options, rule.span)
    best_mark = max((k for k in rule.options if k), key=scores.__getitem__)
    deleting = "" in scores and scores[""] - scores[best_mark] > rule.delete_margin
    return "" if deleting else best_mark


def rule_changes(text: str, rules: tuple[Rule, ...] = DEFAULT_RULES, lm: LanguageModel | None = None,
                 scanned: bool = False, wrapped: bool = False) -> list[Change]:
    """Non-overlapping ``(offset, original, replacement, 1.0, ("rule:<name>",))`` changes, first rule wins.

    Rules that need the LM (``min_gain``, ``options``, ``min_margin``) are skipped without one; rules of
    print's marks (``print_marks``) in a text that writes half-width marks, unless it is ``scanned``
    print (:func:`reflowed_from_columns`: its marks are print's, whatever width the engine read its
    commas in); a rule with ``style_max`` in a text whose marks of its kind are the writer's style
    (:func:`_writers_style`); a rule of a paragraph's end or a column's edge (``wrapped_only``) only in a ``wrapped`` text, the
    reflow of a page's printed lines (any page read by an engine; not a typed text, one paragraph a line)."""
    taken: set[int] = set()
    changes = []
    if not wrapped:
        rules = tuple(rule for rule in rules if not rule.wrapped_only)
    if not scanned and writes_half_width(text):
        rules = tuple(rule for rule in rules if not rule.print_marks)
    for rule in rules:
        matches = list(rule.pattern.finditer(text))
        # a style rule weighs all its matches first; any other scores a match once it passes the guards
        scored = _scored_matches(lm, text, matches, rule.options) if rule.style_max is not None and lm is not None else {}
        if rule.style_max is not None and _writers_style(text, scored, rule.style_max):
            continue
        for match in matches:
            span = range(match.start(), max(match.end(), match.start() + 1))
            if taken.intersection(span) or (rule.guard and not rule.guard(text, match)):
                continue
            replacement = _replacement(rule, text, match, lm, scored)
            if replacement is not None:
                taken.update(span)
                changes.append((match.start(), match.group(), replacement, 1.0, (f"rule:{rule.name}",)))
    return sorted(changes)
