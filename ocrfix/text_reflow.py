"""Column-wrapped OCR lines -> blocks (headlines, bylines, paragraphs).

Newspaper OCR yields one line per printed line (12–14 characters in a column), blank lines
where a column or block ends, headlines as short isolated lines, and spaces that OCR inserted
between CJK characters and inside numbers. :func:`reflow_blocks` rebuilds the logical blocks;
:func:`reflow` renders them one paragraph per line.

Only whitespace ever changes: the sequence of non-whitespace characters of the output is the
one of the input (a property test checks this).

How a line break is decided (``W`` = local column width, the upper quartile of the display
widths of nearby lines: Han and full-width forms count 1, half-width characters 0.5, spaces 0;
a column rule the engine read as ``|`` at either end of a line counts for nothing):

* on a whole page of several stories the nearby lines mix columns of other widths: a run of four
  lines or more between blank lines, three of them as wide as its upper quartile, is a column of
  its own, and where it is at least 3 em narrower or wider than ``W`` its own width is used (a
  narrow column's full lines no longer look short; a wide column's lines, which ``W`` leaves out
  as atypical beside narrow ones, no longer all look full). A blank line between two such runs of five lines or
  more whose widths differ by 1.5 em or more ends the paragraph: one story's columns are
  equally wide, so the engine went on in another story; with the LM so does 1 em where the
  sentence reads on into the next column by less than :data:`LM_OTHER_COLUMN` (on the
  development pages, of 38 blank lines between such columns that the reflow ran on across, 30
  were the engine going on in another story, 28 of them reading on by less; 6 were a column
  break, 5 of them reading on by more);

* a line is *full* when its width is at least ``W - 1`` (``W - 3`` for the first line of a
  paragraph, which is indented in print even when OCR dropped the indent), or when the next
  line's first word of letters or digits would not have fitted after it (print never splits such
  a word; after a sentence end only before a full line: :func:`leading_word_width`);
* a paragraph ends after a line that ends a sentence (``。！？…”」』`` …, or Tesseract's misread
  ``。``: a ``*`` or ``~`` after a Han character, :data:`_MISREAD_STOP`) and is not full;
  after a line clearly shorter than the column (its stop misread, e.g. ``*``); before a line
  that starts with an indent, or that is as wide as an indented first line (OCR dropped the
  indent) after a sentence end or a blank line; and at a blank line after a line that is not
  full. A blank line after a full line is a column break: the paragraph goes on;
* with a language model (``lm``), breaks the rules above cannot settle from widths alone are
  settled by the text: where a paragraph would end after a line that is not full and does not
  end a sentence (a short line, a blank line after a line not full, an indent-like width), it
  goes on when the sentence reads on into the next line (:func:`continuation` at least
  :data:`LM_JOIN`, :data:`LM_JOIN_BLANK` across a blank line, where the engine may have moved
  on to another story): the engine dropped characters or a mark, or the column was measured too
  wide. Not after a line ending in a mark the LM cannot weigh (a stop misread as ``*``), nor
  before a line that is short itself without ending a sentence and narrower than
  :data:`HEADLINE_LINE` (lines of a headline in a narrow column; a wider one is body text whose
  end the engine dropped too, or that runs in a column measured too wide). A line as wide as an
  indented first line with a blank line after it starts a paragraph (as one followed by a body
  line does) when it reads on across the blank line: a paragraph's first line at the foot of a
  column. Set apart by blank lines before it too, after other text (a run of one line, else a
  headline), it is body text where the sentence reads on into the next run, body text, by at
  least :data:`LM_FIRST_LINE_APART` (the first run of a text is left a headline: on a page of one
  story it is the headline, whose words may read on into the body). A fragment of at most
  :data:`FRAGMENT` em that ends no sentence, before a blank line and after a full line that leaves
  its sentence open, is a column's last line the engine read as a piece of it or a speck where
  that line's sentence reads on into the line after the blank line by at least
  :data:`LM_JOIN_BLANK`: the break is judged at the full line (a blank line after a full line). And a blank line after a full line that does not end a sentence ends the paragraph
  when the sentence does not read on into the next line (:data:`LM_END`): the engine dropped the
  stop, or went on in another story; so does a line that does not end a sentence before a line
  as wide as an indented first line (:data:`LM_END_INDENT`, after a full line as after one not
  full; :data:`LM_END_INDENT_CLOSED` where that line ends a sentence itself and may be the
  paragraph's last line): the engine dropped the paragraph's last stop, went on in another story or
  paragraph mid-sentence, or the lines above were a headline set over its body with no blank line
  between. A blank line after a full line that ends a sentence with a stop (``。！？``) ends the
  paragraph when the next line's first characters do not open a sentence (:func:`opens_sentence`
  below :data:`LM_NO_START`): the engine went on mid-sentence, in another story or column (on a
  page of one story's columns the next column goes on with a sentence's start; on the development
  pages, of 37 such blank lines that the reflow ran on across, 19 went on in another story, 5 in
  the next paragraph, 2 in the paragraph's own column, one of them its first character misread;
  11 the GT lookup could not tell). On a page of several stories (two runs of five lines or
  more whose columns differ by 1.5 em or more: :func:`several_stories`) so does a blank line
  after a full line that ends a sentence: where the engine went on, the next column of the same
  story and a column of another read alike, their first lines full (on the development pages 65
  of 104 such blank lines the plain reflow ran on across were the engine going on in another
  story or paragraph); on a page of one story's columns it is a column break;
* a text in which at least a third of the lines end a sentence and under 70 % of the lines are as
  wide as their column (3 em less to 1 em more) is not column-wrapped: web text, or an engine that
  writes a paragraph per line, as ABBYY FineReader's text export does. Wrapped OCR pages have 0–23 %
  lines that end a sentence (and 88–98 % lines at the column's width on one-story pages); texts with
  a paragraph per line 41–93 % (and 0–50 %; ``python -m benchmarks.wrapping``). There every
  sentence end and every blank line ends a paragraph;
* a run of one to three lines isolated by blank lines, none ending a sentence, following the end
  of a paragraph (or a headline/byline, or the start of the page) is a headline group, each line a
  headline block; so is such a run right after a full line that leaves its sentence unfinished
  when it is clearly narrower than the column and has no clause punctuation, or starts with a
  line clearly wider than the column before it, without a comma (a headline the engine read into
  the middle of a paragraph: between two of the story's columns, or another story's on a whole
  page); a run made of bylines (``据新华社电``, ``本报记者 曹博文``, ``本报讯`` alone; the space
  before the name also read as a quote mark: ``特约记者”郭洋``) is a byline block. A run in which
  a sentence ends before more text (``。`` with no space after it: a headline sets its parts
  apart with a space, also where ``·`` was read as ``。``) or that ends on a comma is body text,
  and so, with the LM, is a paragraph's first line set apart between blank lines (see above);
* page furniture is no story's: a page's first lines that read as its folio (a date, a weekday, a
  page number) and its last lines that read as its editor line (``本版责编：…``) are each a
  block of their own (kind ``furniture``), set apart as a story (:func:`page_stories`, :func:`ocrfix.furniture.plain_parts`:
  the column order and the LM never read them), and so is a line set apart by blank lines that opens
  with an editor's credit (or prints two) or reads as a folio with a weekday or a page number,
  wherever the engine listed it (:func:`ocrfix.furniture.furniture_line`), and a line the engine ran
  in among a story's lines that says so unmistakably (:func:`ocrfix.furniture.furniture_run_in`) at a
  paragraph's seam (a blank line or a sentence end before it, or a blank line after it). Furniture
  listed inside a sentence comes after the paragraph reading it: the sentence runs on past it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cache
from typing import Callable, Iterable, Literal, NamedTuple, Sequence

from .column_order import TokenScorer, column_stories, seam_tokens
from .furniture import furniture_line, furniture_run_in, plain_parts
from .normalize import ZERO_WIDTH, PerChar

BlockKind = Literal["headline", "byline", "paragraph", "furniture"]
#: What :func:`render` puts between two stories of a page: two blank lines.
STORY_BREAK = "\n\n\n"
#: What parts the pages of a plain text (Tesseract ends each page of its text output with one), and what
#: :func:`render` puts between them, after the page's last line.
PAGE_BREAK = "\f"

#: Opening quotes and brackets: a line may not end on one, so one may be carried to the next line.
OPENING = "“‘（《「『〔【(["
SENTENCE_END = frozenset("。！？…”」』）)!?.；;")
_WINDOW = 10  # lines each side used to estimate the local column width
_INTERPOSED_SLACK = 4.0  # characters: how much narrower than the column a headline line read mid-paragraph is
_SPANNING = 4.0  # characters: how much wider than the column a headline across columns read mid-paragraph is
_MAX_HEADLINE_RUN = 3
#: A text is taken as unwrapped (see above) when at least this share of its lines end a sentence ...
UNWRAPPED_SENTENCE_ENDS = 1 / 3
#: ... and under this share are as wide as their column.
UNWRAPPED_AT_WIDTH = 0.7
_MIN_UNWRAPPED_LINES = 5  # fewer lines tell nothing: read as wrapped
_NAME = r"[\u4e00-\u9fff·]{2,4}"
_NAME_GAP = r"\s*[“”\"]?\s*"  # the ideographic space before a reporter's name, often read as a quote mark
_BYLINE = re.compile(
    r"^[（(]?(据?(新华社|中新社|中新网|人民网|央视新闻)(\S{0,12}日)?电|本报讯|本报\S{1,10}电"
    rf"|(本报|新华社)?(特约)?(记者|通讯员){_NAME_GAP}{_NAME}([\s、]+{_NAME})*)[）)]?$"
)
_LEADING_BYLINE = re.compile(r"^(本报讯|据新华社电)\s+")
#: log10: how much likelier the sentence must read on into the next line than end there for a
#: break the rules cannot settle to be joined (see the module docstring) ...
LM_JOIN = 3.0
#: ... and across a blank line (the engine may have gone on in another story there).
LM_JOIN_BLANK = 4.0
#: log10: a blank line after a full line that does not end a sentence ends the paragraph when the
#: sentence reads on into the next line by no more than this.
LM_END = 0.5
#: log10: a line that does not end a sentence ends the paragraph before a line as wide as an
#: indented first line (followed by a body line) when the sentence reads on into that line by no
#: more than this.
LM_END_INDENT = 1.5
#: log10: the same before an indent-like line that may close its paragraph (:func:`_closes_paragraph`).
#: A first line that holds all of a one-line paragraph, as wide as an indented first line to the
#: character, is rare; a paragraph's last line that wide is not (…不断增强能源体系 / 韧性和安全保障能力。,
#: read on by 1.0): the break needs the sentence not to read on at all.
LM_END_INDENT_CLOSED = 0.0
#: log10: at a blank line between columns whose measured widths differ by ``_NEAR_WIDTH`` (too
#: little to tell two stories by the widths alone), the paragraph ends when the sentence reads on
#: into the next column by less than this.
LM_OTHER_COLUMN = 5.0
#: log10: at a blank line after a full line that ends a sentence with a stop, the paragraph ends
#: when the next line's first characters open a sentence less likely than they run on in one
#: (:func:`opens_sentence` below this): the engine went on mid-sentence, in another story or
#: column.
LM_NO_START = 0.0
#: log10: a line as wide as an indented first line, set apart by blank lines after other text, is
#: a paragraph's first line, not a headline, when its sentence reads on into the body text after
#: it by at least this (see the module docstring).
LM_FIRST_LINE_APART = 5.0
#: em: a line this narrow that ends no sentence, before a blank line and after a full line that
#: leaves its sentence open, may be a fragment of a column's last line (see the module docstring).
FRAGMENT = 1.5
#: em: a line this wide is not a headline's line in a narrow column, however short beside its
#: column: the LM may join a break before it (see the module docstring).
HEADLINE_LINE = 10.0
#: The marks that end a sentence for certain (a closing quote or bracket may close a phrase inside one).
_STOPS = frozenset("。！？!?")
#: The breaks the LM settles, by the rule that made them.
_LM_SETTLES = frozenset({"short line", "blank line after a line not full", "indent-like width"})
#: A line's end the LM can weigh: a letter, a digit or a clause mark (not a misread stop: ``*``, ``~``).
_WEIGHABLE_END = re.compile(r"[\w，、：,:]$")
#: A line's end that is a sentence's stop as Tesseract misreads it (``召开座谈会*``, ``新突破 *``): a
#: ``*`` or ``~`` after a Han character or a closing mark.
_MISREAD_STOP = re.compile(r"[\u4e00-\u9fff”’」』）)]\s*[*~]$")


@dataclass(frozen=True)
class Block:
    """One logical block: ``text`` is a single line; ``source_lines`` are 0-based input line numbers;
    ``story`` numbers the stories in reading order (geometry reflow; plain text: 0, or the stories
    put back from lines listed across them); ``page``: the page (0-based) of a document of several
    (:func:`ocrfix.formats.reflow_document`), or of a plain text whose pages a form feed parts
    (:func:`reflow_pages`), which :func:`render` sets apart by a form feed."""

    kind: BlockKind
    text: str
    source_lines: tuple[int, ...]
    story: int = 0
    page: int = 0


@cache
def char_width(ch: str) -> float:
    """Printed width of one character in em: wide (Han, full-width) 1, narrow 0.5, whitespace and
    zero-width characters 0."""
    if ch.isspace() or ch in ZERO_WIDTH:
        return 0.0
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5


_WIDTHS = PerChar(char_width)  # display_width reads every line's characters


def display_width(line: str) -> float:
    return sum(map(_WIDTHS.__getitem__, line))


_WIDE = "\u3000-\u303f\u4e00-\u9fff\uff01-\uff60"
_NARROW_MARKS = "*!\"'(),./:;?\\[\\]`{|}~“”‘’…—·"
#: A narrow mark beside a wide character (Han, a Chinese mark): print set it in a full cell, an engine
#: read it narrow (``,`` for ``，``, ``;`` for ``；``, ``.`` for ``。``: Tesseract reads the commas of
#: BabelStone Han so on the ``fonts-train`` pages), or Unicode counts it narrow (the curly quotes,
#: ``…``, ``—``: width "ambiguous"). Digits, letters and ``%`` keep their half cell.
_MARK_IN_WIDE_TEXT = re.compile(f"(?<=[{_WIDE}])[{_NARROW_MARKS}]|[{_NARROW_MARKS}](?=[{_WIDE}])")


def printed_width(line: str) -> float:
    """How much of its column a line of Chinese print filled, in em: :func:`display_width` with each
    narrow mark beside a wide character counted as the full cell print gave it."""
    return display_width(line) + 0.5 * len(_MARK_IN_WIDE_TEXT.findall(line))


def _line_widths(lines: Sequence[str]) -> list[float | None]:
    """Per line, how much of its column it filled (None: a blank line): its :func:`printed_width`, but
    never past the column its display widths measure (:func:`_local_widths`), nor below its display
    width. Print squeezes marks that stand together: the seed page (Jiefang Daily) sets
    ``四五”收官、“十五五”开局打下`` in its 14-cell line, which full cells for its quotes make 15; read
    at 15, such lines widened the column, and the reflow lost 2 of the page's 15 paragraphs."""
    display = [display_width(line) if line.strip() else None for line in lines]
    column = _local_widths(display)
    return [None if width is None else max(width, min(printed_width(line), column[i]))
            for i, (line, width) in enumerate(zip(lines, display))]


SIGNED = re.compile(r"[-+]\d")  # a signed number's start


def _is_wide(ch: str) -> bool:
    return char_width(ch) == 1.0


#: Marks inside a word of half-width letters or digits (``2.5%``, ``4+7``, ``R&D``).
_WORD_MARKS = ".,%+-/:'&"


def _is_narrow_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in _WORD_MARKS)


#: A line's first word of half-width letters or digits, after any opening marks that went down with it.
_LEADING_WORD = re.compile(f"[{re.escape(OPENING)}]*[0-9A-Za-z][0-9A-Za-z{re.escape(_WORD_MARKS)}]*")


def leading_word_width(line: str) -> float:
    """Width in em of ``line``'s first word of letters or digits (with the opening marks before it; 0
    if it opens with none). Print never splits such a word: where it does not fit, the line before
    ends short and the whole word opens the next (集团开发的“珠海免税 / MALL”小程序仅用两周便)."""
    match = _LEADING_WORD.match(line.strip())
    return printed_width(match.group()) if match else 0.0


def squeeze_spaces(text: str, keep_wide_gaps: bool) -> str:
    """Remove OCR spaces next to wide characters and inside split numbers; keep them in Latin text.

    With ``keep_wide_gaps`` (headlines) a run of two or more spaces or an ideographic space
    between two parts is kept as one space.
    """
    out: list[str] = []
    for match in re.finditer(r"\s+|\S+", text):
        piece = match.group()
        if not piece.isspace():
            out.append(piece)
            continue
        start, end = match.span()
        if start == 0 or end == len(text):
            continue
        before, after = text[start - 1], text[end]
        if keep_wide_gaps and (len(piece) > 1 or "\u3000" in piece):
            out.append(" ")
        elif _is_narrow_word_char(before) and _is_narrow_word_char(after) and not _split_number(text, start, end):
            out.append(" ")
    return "".join(out)


def _split_number(text: str, start: int, end: int) -> bool:
    """True when the space run text[start:end] splits a number set between wide characters (``等 2 3 6 件``)."""
    left = start
    while left > 0 and (text[left - 1].isdigit() or text[left - 1] == " "):
        left -= 1
    right = end
    while right < len(text) and (text[right].isdigit() or text[right] == " "):
        right += 1
    bounded = (left == 0 or _is_wide(text[left - 1])) and (right == len(text) or _is_wide(text[right]))
    groups = text[left:right].split()
    return bounded and text[start - 1].isdigit() and text[end].isdigit() and all(len(g) <= 3 for g in groups)


def _join_lines(lines: list[str]) -> str:
    """Concatenate stripped lines; a space where a Latin letter or digit ends a line and another (or a
    signed number) starts the next (the line break counts as a space between them, which
    :func:`squeeze_spaces` then keeps or drops as it does inside a line): print does not break a
    number, so two numbers on two lines (the cells of a table, ``64594.8`` over ``-0.9``) stay two.
    A mark at the line end (``..`` or ``:`` read for ``。`` or ``：``) joins as it is."""
    out = ""
    for line in lines:
        line = line.strip()
        if out and line and _is_latin_or_digit(out[-1]) and (_is_latin_or_digit(line[0]) or SIGNED.match(line)):
            out += " "
        out += line
    return out


def _is_latin_or_digit(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def clean_paragraph(lines: list[str]) -> str:
    text = _join_lines(lines)
    lead = _LEADING_BYLINE.match(text)
    if lead:  # keep '本报讯 ' as the web edition prints it
        return lead.group(1) + " " + squeeze_spaces(text[lead.end():], keep_wide_gaps=False)
    return squeeze_spaces(text, keep_wide_gaps=False)


def _title_text(kind: BlockKind, line: str) -> str:
    """A headline or byline line: bylines keep their (single) spaces, headlines only wide gaps."""
    if kind == "byline":
        return " ".join(line.split())
    return squeeze_spaces(line.strip(), keep_wide_gaps=True)


def ends_sentence(line: str) -> bool:
    stripped = line.rstrip()
    return bool(stripped) and stripped[-1] in SENTENCE_END


def stop_ended(line: str) -> bool:
    """:func:`ends_sentence`, or a line ending in Tesseract's misread ``。`` (:data:`_MISREAD_STOP`)."""
    return ends_sentence(line) or _MISREAD_STOP.search(line.rstrip()) is not None


def continuation(lm: TokenScorer, tail: str, head: str) -> float:
    """log10 P(head | tail) − log10 P(end of sentence | tail) − log10 P(head | start of sentence):
    how much likelier the sentence reads on from ``tail`` (a line's last characters) into
    ``head`` (the next line's first ones) than it ends after ``tail`` and a new one starts."""
    before, after = seam_tokens(tail, head)
    joined = lm.score_tokens(before + after, bos=False, eos=False)
    return joined - lm.score_tokens(before, bos=False, eos=True) - lm.score_tokens(after, bos=True, eos=False)


def opens_sentence(lm: TokenScorer, head: str) -> float:
    """log10 P(head | start of sentence) − log10 P(head): how much likelier ``head`` (a line's first
    characters) opens a sentence than runs on in one."""
    _, after = seam_tokens("", head)
    return lm.score_tokens(after, bos=True, eos=False) - lm.score_tokens(after, bos=False, eos=False)


class Wrapping(NamedTuple):
    """How a text's lines are set: its non-blank lines, the share of them that end a sentence, and
    the share as wide as their column (3 em less, a first line's lost indent, to 1 em more)."""

    lines: int
    sentence_ends: float
    at_width: float

    @property
    def unwrapped(self) -> bool:
        """A paragraph per line rather than column-wrapped print. A wrapped line ends a sentence
        only where a paragraph or, by chance, a sentence ends at the column's edge, and most wrapped
        lines fill the column (those of short paragraphs too)."""
        return (self.lines >= _MIN_UNWRAPPED_LINES and self.sentence_ends >= UNWRAPPED_SENTENCE_ENDS
                and self.at_width < UNWRAPPED_AT_WIDTH)


def _wrapping(lines: Sequence[str], widths: Sequence[float | None], column: Sequence[float]) -> Wrapping:
    present = [i for i, line in enumerate(lines) if line.strip()]
    if not present:
        return Wrapping(0, 0.0, 0.0)
    ends = sum(ends_sentence(lines[i]) for i in present)
    filled = sum(column[i] - 3.0 <= (widths[i] or 0.0) <= column[i] + 1.0 for i in present)
    return Wrapping(len(present), ends / len(present), filled / len(present))


def wrapping(text: str) -> Wrapping:
    """:class:`Wrapping` of ``text``, as :func:`reflow_blocks` reads it."""
    lines = text.splitlines()
    widths = _line_widths(lines)
    return _wrapping(lines, widths, _local_widths(widths))


def is_byline(line: str) -> bool:
    return bool(_BYLINE.match(line.strip()))


def _upper_quartile(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[round(0.75 * (len(ordered) - 1))]


def _local_widths(widths: list[float | None]) -> list[float]:
    """Per line, the column width: the upper quartile of the display widths of the non-blank lines
    around it (most lines of a column are full; paragraph ends and first lines are shorter)."""
    present = [w for w in widths if w]
    if not present:
        return [0.0] * len(widths)
    overall = _upper_quartile(present)
    typical = [w if w and 0.5 * overall <= w <= 1.5 * overall else None for w in widths]
    result = []
    for i in range(len(widths)):
        window = [w for w in typical[max(0, i - _WINDOW): i + _WINDOW + 1] if w]
        result.append(_upper_quartile(window) if len(window) >= 5 else overall)
    return result


_MIN_COLUMN_RUN = 4  # lines: a run this long (3 of them as wide as its upper quartile) measures its column
_OWN_WIDTH = 3.0  # em: a measured column this much narrower or wider than the page's local width is used instead
_OTHER_WIDTH = 1.5  # em: columns whose measured widths differ this much are not one story's
_NEAR_WIDTH = 1.0  # em: ... nor, with the LM, are columns that differ this much where the sentence does not read on
_MIN_WIDTH_RUN = 5  # lines: both runs at least this long for that (a few misread lines skew a short run)
_MIN_PIECE_RUN = 3  # lines: a shorter run (a headline's lines, a paragraph's tail) is measured with no other


def _column_width(found: list[float]) -> float | None:
    """The width of a column whose lines are ``found`` wide: their upper quartile, when that is a
    column (``_MIN_COLUMN_RUN`` lines or more, 3 of them within 1 em of it); else None."""
    if len(found) < _MIN_COLUMN_RUN:
        return None
    width = _upper_quartile(found)
    return width if sum(abs(w - width) <= 1.0 for w in found) >= 3 else None


def _near(width: float | None, other: float) -> bool:
    """Whether a run's upper quartile ``width`` (None: a run too short to measure) is within 1 em of ``other``."""
    return width is not None and abs(width - other) <= 1.0


def several_stories(runs: list[list[int]], measured: Sequence[float | None]) -> bool:
    """Whether the text holds columns of several stories: two runs of ``_MIN_WIDTH_RUN`` lines or
    more whose measured columns (:func:`_run_widths`) differ by ``_OTHER_WIDTH`` or more (one
    story's columns are equally wide)."""
    found = [measured[run[0]] for run in runs if len(run) >= _MIN_WIDTH_RUN]
    present = [width for width in found if width is not None]
    return bool(present) and max(present) - min(present) >= _OTHER_WIDTH


def _run_widths(runs: list[list[int]], widths: list[float | None]) -> list[float | None]:
    """Per line, the width of its column measured on its own run of lines between blank lines,
    when that run is a column (:func:`_column_width`); a run too short for that (of
    ``_MIN_PIECE_RUN`` lines or more), on the runs next to it (as long, a blank line between each)
    whose upper quartiles are within 1 em of its own, when they make a column together (a column
    the engine read in pieces of three lines or so); else None. On a whole page the page-wide estimate (:func:`_local_widths`) mixes columns of other widths:
    a narrow column's full lines would all look short, a wide one's all look full."""
    measured: list[float | None] = [None] * len(widths)
    found = [[widths[i] or 0.0 for i in run] for run in runs]
    quartiles = [_upper_quartile(f) if len(f) >= _MIN_PIECE_RUN else None for f in found]
    for k, run in enumerate(runs):
        width, own = _column_width(found[k]), quartiles[k]
        if width is None and own is not None:
            first, end = k, k + 1
            while first > 0 and _near(quartiles[first - 1], own):
                first -= 1
            while end < len(runs) and _near(quartiles[end], own):
                end += 1
            width = _column_width([w for f in found[first:end] for w in f])
        for i in run:
            measured[i] = width
    return measured


def _runs(lines: list[str]) -> list[list[int]]:
    """Maximal runs of consecutive non-blank line numbers."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, line in enumerate(lines):
        if line.strip():
            current.append(i)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


_PAIRS = ("《》", "“”", "（）", "「」", "()")
_CLAUSE_MARKS = "，、；,;"  # rare in headlines, common in body lines


def _unbalanced(text: str) -> bool:
    return any(text.count(a) != text.count(b) for a, b in _PAIRS)


def _closes_paragraph(line: str) -> bool:
    """``line`` may be a paragraph's last line: it ends a sentence and leaves no quotation or bracket
    it opens unclosed (``“我们要失业了！`` is a quotation's first line, its ``”`` lost)."""
    return stop_ended(line) and all(line.count(a) <= line.count(b) for a, b in _PAIRS)


#: A column rule the engine read as ``|`` at either end of a line (with the spaces around it).
_COLUMN_RULE = re.compile(r"^\s*\|\s*|\s*\|\s*$")
_INSIDE = re.compile(r"[。！？；!?;]\S\S|[，、,]\s*$")


def _sentence_inside(text: str) -> bool:
    """Body text, not a title: a sentence ends inside it (a stop with more text after it), or it
    ends on a comma (headlines set their parts apart with spaces, and end on a word)."""
    return _INSIDE.search(text.strip()) is not None


def _column_like(run: list[int], widths: list[float | None], column: Sequence[float], measured: Sequence[float | None]) -> bool:
    """True when every line of ``run`` is as wide as a body line (first line: indented body line) of
    the column, or of the column measured on its run and the runs beside it (:func:`_run_widths`;
    the column does not take that one within 3 em: a body run a little wider than the column)."""
    def fits(width: Sequence[float | None]) -> bool:
        return all(width[i] is not None and width[i] - (3.0 if k == 0 else 1.0) <= (widths[i] or 0.0) <= width[i] + 1.0
                   for k, i in enumerate(run))

    return fits(column) or fits(measured)


def _interposed(run: list[int], lines: list[str], widths: list[float | None], column: list[float], before: int) -> bool:
    """A headline the engine read into the middle of a paragraph (a story's headline between two
    of its columns, or another story's on a whole page), right after a full line that leaves its
    sentence unfinished: lines clearly narrower than the column, without clause punctuation,
    ending on a word (a paragraph's last line whose stop was misread ends on the misreading:
    ``~``, ``"``); or a run whose first line is clearly wider than the column of the line before,
    without a comma (a headline across several columns: larger type, yet more characters than a
    column's line holds; it may wrap onto a second line), whatever the line before (a paragraph's
    last line, its stop lost)."""
    text = "".join(lines[i] for i in run).strip()
    if (widths[run[0]] or 0.0) >= column[before] + _SPANNING and not any(mark in text for mark in "，；,;"):
        return True
    if (widths[before] or 0.0) < column[before] - 1.0 or ends_sentence(lines[before]):
        return False
    return title_like(lines[i] for i in run) and all(2 <= (widths[i] or 0.0) <= column[i] - _INTERPOSED_SLACK for i in run)


def title_like(lines: Iterable[str]) -> bool:
    """Whether ``lines`` may be a title: none ends a sentence, no clause punctuation, no sentence
    inside, brackets and quotes closed, ending on a word (a paragraph's last line whose stop was
    misread ends on the misreading: ``~``, ``"``)."""
    lines = list(lines)
    text = "".join(lines).strip()
    return text[-1:].isalnum() and not any(map(ends_sentence, lines)) and not any(mark in text for mark in _CLAUSE_MARKS) \
        and not _sentence_inside(text) and not _unbalanced(text)


def _classify_runs(lines: list[str], runs: list[list[int]], widths: list[float | None], column: list[float],
                   measured: list[float | None], lm: TokenScorer | None = None) -> list[BlockKind]:
    """Kind of each run: 'headline' / 'byline' for isolated title runs, else 'paragraph' (body text).

    A title candidate is a run of at most three lines, none ending a sentence, after the end of a
    paragraph, or read into the middle of one (see :func:`_interposed`: the text keeps the
    engine's order, so the paragraph is cut there). It is body text after all when it has an unclosed bracket or quote (a sentence that
    continues), or when all its lines are as wide as the column and it has clause punctuation, or
    several lines with body text following (a paragraph's first line cut off by a column break),
    or (with ``lm``) a paragraph's first line set apart (:func:`_first_line_apart`).
    """
    candidate = [
        len(run) <= _MAX_HEADLINE_RUN and not any(ends_sentence(lines[i]) for i in run) for run in runs
    ]
    kinds: list[BlockKind] = []
    for k, run in enumerate(runs):
        after_break = not kinds or kinds[-1] != "paragraph" or ends_sentence(lines[runs[k - 1][-1]])
        if all(is_byline(lines[i]) for i in run):
            kinds.append("byline")
        elif candidate[k] and not _looks_body(k, runs, lines, candidate, widths, column, measured) \
                and not (kinds and _first_line_apart(k, runs, lines, candidate, widths, column, lm)) \
                and (after_break or _interposed(run, lines, widths, column, runs[k - 1][-1])):
            kinds.append("headline")
        else:
            kinds.append("paragraph")
    return kinds


def _first_line_apart(k: int, runs: list[list[int]], lines: list[str], candidate: list[bool], widths: list[float | None],
                      column: list[float], lm: TokenScorer | None) -> bool:
    """With the LM: run ``k`` of :func:`_classify_runs` is a paragraph's first line the engine set
    apart between blank lines, its paragraph going on in the next run (module docstring): one line
    as wide as an indented first line, body text after it (no title candidate) that its sentence
    reads on into by at least :data:`LM_FIRST_LINE_APART`."""
    if lm is None or len(runs[k]) != 1 or k + 1 >= len(runs) or candidate[k + 1]:
        return False
    i = runs[k][0]
    return _indent_like(widths[i], column[i]) \
        and continuation(lm, lines[i].strip(), lines[runs[k + 1][0]].strip()) >= LM_FIRST_LINE_APART


#: Clause marks print hangs past a line's end rather than start the next line with them.
_HUNG_CLAUSE_MARKS = frozenset("，、；：,;:")


def _indent_like(width: float | None, column: float, line: str = "") -> bool:
    """Whether a line ``width`` em wide is as wide as an indented first line in a ``column`` em wide
    (1.5 to 3 em short: OCR dropped the two-em indent), or, where ``line`` ends in a clause mark, as
    wide with that mark hung past the column's edge (``凭借一股不服输的韧劲儿，`` in a column of 13: 11
    cells and the comma); a first line that ends a sentence so would be a paragraph of one line. Only
    in a line of wide characters, whose width is exact: digits and letters are set 0.5–0.7 em wide,
    so a full line of them may measure an em short (``12345市民服务热线提质增效，``)."""
    stripped, measured = line.strip(), width or 0.0
    hung = stripped[-1:] in _HUNG_CLAUSE_MARKS and all(map(_is_wide, stripped))
    return column - 3.0 <= measured <= column - 1.5 or (hung and column - 3.0 <= measured - 1.0 <= column - 1.5)


def _looks_body(k: int, runs: list[list[int]], lines: list[str], candidate: list[bool], widths: list[float | None],
                column: list[float], measured: list[float | None]) -> bool:
    """Whether run ``k`` of :func:`_classify_runs` (``candidate``: whether each run is a title
    candidate) is body text after all: it has an unclosed bracket or quote or a sentence inside, or
    all its lines are as wide as the column and it has clause punctuation (at the top of the page:
    a title still) or several lines with body text following; or, below the top, it has
    ``_MAX_HEADLINE_RUN`` lines justified to one width of their own (:func:`_justified`), two of them
    with clause punctuation (a story set wider than the page's other columns, its folio taken off
    above it; a title's byline may have a comma)."""
    run = runs[k]
    text = "".join(lines[i] for i in run)
    body_follows = k + 1 < len(runs) and not candidate[k + 1]
    clauses = k > 0 and any(mark in text for mark in _CLAUSE_MARKS)  # top of page: a title
    return _unbalanced(text) or _sentence_inside(text) or (
        (clauses or (len(run) > 1 and body_follows)) and _column_like(run, widths, column, measured)
    ) or (len(run) >= _MAX_HEADLINE_RUN and sum(any(mark in lines[i] for mark in _CLAUSE_MARKS) for i in run) >= 2
          and k > 0 and _justified([widths[i] for i in run]))


def _justified(widths: list[float | None]) -> bool:
    """Whether lines ``widths`` em wide fill one width as a paragraph's lines do: all but the first
    within 1 em of the widest, the first too or up to 3 em short of it (its indent)."""
    if any(w is None for w in widths):
        return False
    widest = max(widths)
    return all(widest - 1.0 <= w for w in widths[1:]) and widest - 3.0 <= widths[0]


def reflow_blocks(text: str, lm: TokenScorer | None = None) -> list[Block]:
    """Rebuild headlines, bylines and paragraphs from column-wrapped OCR ``text`` (``lm``: see
    the module docstring)."""
    return [block for block, _ in reflow_cues(text, lm)]


@dataclass(frozen=True)
class _PageLines:
    """A text's lines as the paragraph-break rules read them, measured once (:meth:`measure`); its
    methods are the rules' predicates (module docstring), :meth:`paragraph_ends` their table."""

    original: list[str]  # the lines as read, which the blocks' text keeps
    lines: list[str]  # what the decisions read: a column rule read as ``|`` dropped
    widths: list[float | None]  # how much of its column each line filled (None: a blank line)
    column: list[float]  # per line, its column's width: the page's local one, or its run's own
    measured: list[float | None]  # per line, its column measured on its run (:func:`_run_widths`)
    runs: list[list[int]]  # runs of consecutive non-blank lines
    runlen: dict[int, int]  # per non-blank line, the length of its run
    unwrapped: bool  # a paragraph per line (:class:`Wrapping`)
    several: bool  # columns of several stories (:func:`several_stories`)
    lm: TokenScorer | None

    @classmethod
    def measure(cls, text: str, lm: TokenScorer | None) -> _PageLines:
        original = text.splitlines()
        lines = [_COLUMN_RULE.sub("", line) or line for line in original]
        widths = _line_widths(lines)
        runs = _runs(lines)
        page_column = _local_widths(widths)
        measured = _run_widths(runs, widths)
        column = [m if m is not None and abs(m - page_column[i]) >= _OWN_WIDTH else page_column[i]
                  for i, m in enumerate(measured)]
        return cls(original=original, lines=lines, widths=widths, column=column, measured=measured, runs=runs,
                   runlen={i: len(run) for run in runs for i in run},
                   unwrapped=wrapping(text).unwrapped,  # as benchmarks.wrapping reports it
                   several=several_stories(runs, measured), lm=lm)

    def kinds(self) -> list[BlockKind]:
        """Each run's kind (:func:`_classify_runs`; the LM does not weigh unwrapped text)."""
        return _classify_runs(self.lines, self.runs, self.widths, self.column, self.measured,
                              None if self.unwrapped else self.lm)

    def is_full(self, i: int, first: int) -> bool:
        """As wide as the column (3 em less for ``first``, the paragraph's first line: indented in print)."""
        slack = 3.0 if i == first else 1.0
        return (self.widths[i] or 0.0) >= self.column[i] - slack

    def word_wrapped(self, prev: int, i: int) -> bool:
        """Line ``prev`` is not full only because line ``i``'s first word of letters or digits did not fit
        after it (:func:`leading_word_width`): a line break, not a paragraph's end."""
        return (self.widths[prev] or 0.0) + leading_word_width(self.lines[i]) > self.column[prev] - 1.0

    def is_short(self, i: int, first: int) -> bool:
        """Clearly shorter than the column: the paragraph ended (its final stop misread, e.g. '*')."""
        slack = 5.0 if i == first else 3.0
        return (self.widths[i] or 0.0) < self.column[i] - slack

    def reads_on(self, prev: int, i: int, least: float) -> bool:
        """With the LM: the sentence of line ``prev`` reads on into line ``i`` (by ``least``)."""
        return self.lm is not None and continuation(self.lm, self.lines[prev].strip(), self.lines[i].strip()) >= least

    def looks_indented(self, i: int) -> bool:
        """As wide as an indented first line (OCR dropped the indent) and followed by a body line,
        or (with the LM) by a blank line and a line its sentence reads on into."""
        if not _indent_like(self.widths[i], self.column[i], self.lines[i]):
            return False
        if i + 1 < len(self.lines) and self.widths[i + 1]:
            return True
        after = next((j for j in range(i + 1, len(self.lines)) if self.widths[j]), None)
        return after is not None and not ends_sentence(self.lines[i]) and self.reads_on(i, after, LM_JOIN)

    def weighable(self, prev: int) -> bool:
        """The LM may weigh the break after line ``prev`` (wrapped text, a line's end it knows)."""
        return self.lm is not None and not self.unwrapped and _WEIGHABLE_END.search(self.lines[prev].rstrip()) is not None

    def settled_by_lm(self, prev: int, i: int, reason: str) -> bool:
        """A break the rules cannot settle, where the LM reads the sentence on (module docstring)."""
        across_blank = prev != i - 1
        return (reason in _LM_SETTLES and self.weighable(prev)
                and (reason == "indent-like width" or (self.widths[i] or 0.0) >= min(self.column[i] - 3.0, HEADLINE_LINE)
                     or ends_sentence(self.lines[i]))
                and self.reads_on(prev, i, LM_JOIN_BLANK if across_blank else LM_JOIN))

    def not_read_on(self, prev: int, i: int, most: float) -> bool:
        """With the LM, where the widths read on (a column break: a blank line after a full line;
        a line not full before an indent-like one): the sentence of line ``prev`` reads on into
        line ``i`` by no more than ``most`` (module docstring)."""
        return self.weighable(prev) and continuation(self.lm, self.lines[prev].strip(), self.lines[i].strip()) <= most

    def another_column(self, prev: int, i: int) -> bool:
        """Line ``i`` starts a column of another width than that of line ``prev`` (runs of
        ``_MIN_WIDTH_RUN`` lines or more, measured): by ``_OTHER_WIDTH``, or with the LM by
        ``_NEAR_WIDTH`` where the sentence reads on into it by less than :data:`LM_OTHER_COLUMN`."""
        before, after = self.measured[prev], self.measured[i]
        if before is None or after is None or min(self.runlen[prev], self.runlen[i]) < _MIN_WIDTH_RUN:
            return False
        apart = abs(before - after)
        return apart >= _OTHER_WIDTH or (apart >= _NEAR_WIDTH and self.lm is not None
                                         and not self.reads_on(prev, i, LM_OTHER_COLUMN))

    def no_sentence_opens(self, prev: int, i: int) -> bool:
        """With the LM, after a line that ends a sentence with a stop: line ``i`` does not open a
        sentence (:func:`opens_sentence` below :data:`LM_NO_START`; module docstring)."""
        return (self.lm is not None and not self.unwrapped and self.lines[prev].rstrip()[-1:] in _STOPS
                and opens_sentence(self.lm, self.lines[i].strip()) < LM_NO_START)

    def another_story_may_follow(self, prev: int, i: int) -> bool:
        """With the LM, a blank line after a full line that ends a sentence, on a page of several
        stories, where the sentence does not read on (module docstring)."""
        return self.several and self.lm is not None \
            and continuation(self.lm, self.lines[prev].strip(), self.lines[i].strip()) <= LM_END

    def judged_at(self, paragraph: Sequence[int], i: int) -> int:
        """The line at which the break after the open ``paragraph`` (its line numbers), before line
        ``i``, is judged: its last line; across a blank line after a fragment (at most
        :data:`FRAGMENT` em, ending no sentence) that follows a full line leaving its sentence open,
        that full line where (with the LM) its sentence reads on into line ``i`` by at least
        :data:`LM_JOIN_BLANK` (module docstring)."""
        prev = paragraph[-1]
        if self.lm is None or self.unwrapped or prev == i - 1 or len(paragraph) < 2 or (self.widths[prev] or 0.0) > FRAGMENT:
            return prev
        before = paragraph[-2]
        fragment = self.is_full(before, paragraph[0]) and not ends_sentence(self.lines[before]) \
            and not ends_sentence(self.lines[prev])
        return before if fragment and self.reads_on(before, i, LM_JOIN_BLANK) else prev

    def paragraph_ends(self, first: int, prev: int, i: int) -> str | None:
        """Why the open paragraph (first line ``first``, judged at line ``prev``) ends before line ``i``, or None."""
        lines, unwrapped = self.lines, self.unwrapped
        across_blank = prev != i - 1
        ends = stop_ended(lines[prev])
        # after a stop, only before a full line: a paragraph's first line is indented in print
        wrapped = self.word_wrapped(prev, i) and (not ends or self.is_full(i, first))
        full = wrapped or self.is_full(prev, first)
        rules = (
            ("indent", lines[i][:1] in (" ", "\u3000", "\t")),
            ("sentence end" if ends else "blank line", unwrapped and (ends or across_blank)),
            ("sentence end on a line not full", ends and not full),
            ("blank line after a line not full", across_blank and not full),
            ("short line", self.is_short(prev, first) and not wrapped),
            ("indent-like width", self.looks_indented(i) and (ends or across_blank or self.not_read_on(
                prev, i, LM_END_INDENT_CLOSED if _closes_paragraph(lines[i]) else LM_END_INDENT))),
            ("leading byline", across_blank and bool(_LEADING_BYLINE.match(lines[i].strip()))),
            ("column of another width", across_blank and self.another_column(prev, i)),
        )
        reason = next((name for name, applies in rules if applies), None)
        if reason is None and across_blank and ends and self.another_story_may_follow(prev, i):
            return "blank line after a sentence end, on a page of several stories"
        if reason is None and across_blank and self.no_sentence_opens(prev, i):
            return "blank line after a sentence end, no sentence opening"
        if reason is None:
            return "blank line, the sentence not read on" if across_blank and not ends and self.not_read_on(prev, i, LM_END) else None
        return None if not ends and self.settled_by_lm(prev, i, reason) else reason

    def paragraph(self, numbers: list[int], kind: BlockKind = "paragraph") -> Block:
        """The paragraph of lines ``numbers`` (``kind``: ``furniture`` for a folio's or an editor line's)."""
        return Block(kind, clean_paragraph([self.original[i] for i in numbers]), tuple(numbers))

    def title(self, kind: BlockKind, i: int) -> Block:
        """Line ``i`` as a headline or byline block."""
        return Block(kind, _title_text(kind, self.original[i]), (i,))


def reflow_cues(text: str, lm: TokenScorer | None = None) -> list[tuple[Block, str]]:
    """:func:`reflow_blocks`, each block with the cue that set it apart from the one before:
    ``headline`` / ``byline`` (its own kind), ``after a title`` (a paragraph after a headline or
    byline), ``start`` (the first block) or the rule that ended the paragraph before (``indent``,
    ``sentence end`` / ``blank line`` on unwrapped text, ``sentence end on a line not full``, ``blank
    line after a line not full``, ``short line``, ``indent-like width``, ``leading byline``,
    ``column of another width``; with ``lm``: ``blank line, the sentence not read on``, ``blank line
    after a sentence end, on a page of several stories``); ``furniture`` (a line set apart by blank
    lines that is furniture, :func:`ocrfix.furniture.furniture_line`: a paragraph of its own) and
    ``after furniture``. ``python -m benchmarks.stories --census`` counts the cues at
    which the reflow cut GT paragraphs."""
    page = _PageLines.measure(text, lm)
    blocks: list[tuple[Block, str]] = []
    pending: list[int] = []  # line numbers of the open paragraph
    held: list[tuple[Block, str]] = []  # furniture the engine listed inside the open paragraph's sentence
    cue = "start"  # why the open paragraph was set apart from the block before

    def close(next_cue: str) -> None:
        nonlocal cue
        if pending:
            blocks.append((page.paragraph(pending), cue))
            pending.clear()
        blocks.extend(held)
        held.clear()
        cue = next_cue

    def furniture(i: int) -> None:
        """Line ``i`` as furniture, a paragraph of its own; after the open paragraph when it cuts
        the sentence that paragraph reads (the sentence runs on past it)."""
        if pending and not ends_sentence(page.lines[pending[-1]]):
            held.append((page.paragraph([i], "furniture"), "furniture"))
            return
        close("after furniture")
        blocks.append((page.paragraph([i], "furniture"), "furniture"))

    for run, kind in zip(page.runs, page.kinds()):
        if len(run) == 1 and furniture_line(page.lines[run[0]]):  # furniture the engine listed among the stories
            furniture(run[0])
            continue
        for k, i in enumerate(run):
            if furniture_run_in(page.lines[i]) and (k in (0, len(run) - 1) or ends_sentence(page.lines[run[k - 1]])):
                furniture(i)  # run in among a story's lines at a paragraph's seam (a blank line or a sentence end before it)
                continue
            title = kind if kind != "paragraph" else "byline" if is_byline(page.lines[i]) else None
            if title is not None:
                close("after a title")
                blocks.append((page.title(title, i), title))
                continue
            reason = page.paragraph_ends(pending[0], page.judged_at(pending, i), i) if pending else None
            if reason:
                close(reason)
            pending.append(i)
    close("")
    return blocks


def _in_page(block: Block, story: int, offset: int) -> Block:
    """``block`` of a page's story ``story`` whose first line is line ``offset`` of the page."""
    return replace(block, story=story, source_lines=tuple(i + offset for i in block.source_lines))


def _offsets(stories: Sequence[str]) -> list[int]:
    """The page line number of each story's first line (the stories' texts joined by a newline)."""
    offsets = [0]
    for story in stories[:-1]:
        offsets.append(offsets[-1] + len(story.splitlines()) + 1)
    return offsets


def story_cues(stories: Sequence[str], lm: TokenScorer | None = None, apart: frozenset[int] = frozenset()
               ) -> list[tuple[Block, str]]:
    """:func:`reflow_cues` of each story of a page of plain text (the stories' texts, e.g.
    :func:`ocrfix.column_order.column_stories`), its blocks numbered by story (:func:`render` sets
    the stories apart) and their ``source_lines`` counted in the stories' texts joined by a newline;
    the stories numbered in ``apart`` are the page's furniture (:func:`page_stories`): each one
    paragraph, cue ``furniture``."""
    return [(_in_page(block, k, offset), cue) for k, (story, offset) in enumerate(zip(stories, _offsets(stories)))
            for block, cue in (_furniture_cues(story) if k in apart else reflow_cues(story, lm))]


def _furniture_cues(text: str) -> list[tuple[Block, str]]:
    """A folio's or an editor line's lines (``text``) as one paragraph."""
    lines = text.splitlines()
    filled = tuple(i for i, line in enumerate(lines) if line.strip())
    return [(Block("furniture", clean_paragraph([lines[i] for i in filled]), filled), "furniture")]


def reflow_stories(stories: Sequence[str], lm: TokenScorer | None = None, apart: frozenset[int] = frozenset()) -> list[Block]:
    """:func:`reflow_blocks` of each story of a page of plain text (see :func:`story_cues`)."""
    return [_in_page(block, k, offset) for k, (story, offset) in enumerate(zip(stories, _offsets(stories)))
            for block in ([b for b, _ in _furniture_cues(story)] if k in apart else reflow_blocks(story, lm))]


def page_stories(page: str, stories_of: Callable[[str], list[str]]) -> tuple[list[str], frozenset[int]]:
    """The stories of a page of plain text: its folio, ``stories_of`` the rest, its editor line
    (:func:`ocrfix.furniture.plain_parts`: each a paragraph of its own, read by no story), and the
    numbers of the furniture's (for :func:`story_cues`)."""
    folio, body, editor = plain_parts(page)
    stories = [*([folio] if folio else []), *stories_of(body), *([editor] if editor else [])]
    return stories, frozenset([*([0] if folio else []), *([len(stories) - 1] if editor else [])])


def reflow_pages(text: str, stories_of: Callable[[str], list[str]], lm: TokenScorer | None = None
                 ) -> tuple[str, list[Block]]:
    """A plain text whose pages a form feed parts (:data:`PAGE_BREAK`: a multi-page scan's text, as
    Tesseract writes it), each page reflowed on its own: the text as printed (each page's
    stories — its folio, ``stories_of`` the rest, e.g. :func:`ocrfix.column_order.column_stories`, its
    editor line: :func:`page_stories` — joined by a newline, the pages by a form feed) and :func:`reflow_stories` of every page, numbered by ``page`` (its place among the
    text's form-feed parts, blank pages counted), their stories numbered across the pages and their
    ``source_lines`` counted in the printed text. A paragraph never runs on across a page break, and
    the LM that settles a page's breaks reads no other page."""
    printed: list[str] = []
    pages: list[tuple[int, int, list[Block]]] = []
    line = 0
    for number, page in enumerate(text.split(PAGE_BREAK)):
        if not page.strip():  # a blank page (or what follows the last page's form feed)
            continue
        stories, apart = page_stories(page, stories_of)
        pages.append((number, line, reflow_stories(stories, lm, apart)))
        printed.append("\n".join(stories))
        line += len((printed[-1] + PAGE_BREAK).splitlines())  # the form feed ends the page's last line
    return PAGE_BREAK.join(printed), number_pages(pages)


def number_pages(pages: Iterable[tuple[int, int, Sequence[Block]]]) -> list[Block]:
    """The blocks of a document's pages as the document's: each page given as (its number, the line of
    the document's text its text starts at, its blocks as reflowed alone), each block with its
    ``page``, its ``source_lines`` counted in the document's text and its ``story`` numbered across
    the pages."""
    blocks: list[Block] = []
    story = 0
    for number, first_line, page_blocks in pages:
        moved = [replace(block, page=number, story=block.story + story,
                         source_lines=tuple(i + first_line for i in block.source_lines)) for block in page_blocks]
        blocks += moved
        story = max((block.story + 1 for block in moved), default=story)
    return blocks


def _starts_article(block: Block) -> bool:
    return block.kind != "paragraph" or bool(_LEADING_BYLINE.match(block.text))


def reflow(text: str, lm: TokenScorer | None = None) -> str:
    """Reflowed text: one block per line; a blank line around headline groups, bylines and new
    articles; each page on its own (``lm``: see the module docstring; pages: :func:`reflow_pages`)."""
    return render(reflow_pages(text, lambda page: [page], lm)[1])


def reflow_columns(text: str, lm: TokenScorer) -> tuple[str, list[Block]]:
    """``text`` as printed, its lines put back in column order where an engine listed them across
    side-by-side columns (:func:`ocrfix.column_order.column_stories`), and its reflowed blocks, each
    story on its own, the LM settling the breaks the rules leave open: how the corrector reads plain
    text (:func:`reflow_pages`)."""
    return reflow_pages(text, lambda page: column_stories(page, lm), lm)


def render(blocks: Sequence[Block]) -> str:
    """Blocks as text: one block per line; a blank line around headline groups, bylines, furniture
    and new articles; two blank lines between the stories of a page; a form feed after a page's last line."""
    out: list[str] = []
    previous: Block | None = None
    for block in blocks:
        if previous is not None and block.page != previous.page:
            out.append("\n" + PAGE_BREAK)
        elif previous is not None and block.story != previous.story:
            out.append(STORY_BREAK)
        elif previous is not None:
            same_group = block.kind == previous.kind == "headline"
            separate = not same_group and (_starts_article(block) or previous.kind != "paragraph")
            out.append("\n\n" if separate else "\n")
        out.append(block.text)
        previous = block
    return "".join(out) + ("\n" if out else "")
