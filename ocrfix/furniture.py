"""What page furniture says: the words of a folio line and of an editor line.

A newspaper page prints, besides its stories, a **folio** across its top — date, weekday, paper
name, section, page number (``2020年5月6日　星期三　　人民日报　　要闻　　4``) — and an **editor
line** at its foot (``本版责编：王　磊　张　艳　　版式设计：李　强``). Neither belongs to a story. Their
words are a light cue only: where they stand (the page's first or last row, :mod:`.formats.furniture`;
a plain text's first or last lines, :func:`plain_parts`) says the rest. A paper's name is never
looked for: the cues hold on any paper's page.
"""
from __future__ import annotations

import re

_NUMBER = r"[0-9０-９〇一二三四五六七八九十]"
#: A full date (``2020年5月6日``), a weekday (``星期三``) or a page number (``第4版``, ``04版``).
FOLIO = re.compile(rf"\d{{2,4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|星期\s*[一二三四五六日天]|第?\s*{_NUMBER}{{1,3}}\s*版")
#: A weekday or a page number: what a folio prints and a story's dateline does not.
_FOLIO_ONLY = re.compile(rf"星期\s*[一二三四五六日天]|第\s*{_NUMBER}{{1,3}}\s*版")
_ROLE = "责编|编辑|版式|美编|校对|制图|设计|审读|监制"
#: An editor's credit: a role and a colon (``本版责编：``, ``版式设计:``, ``美编：``, ``校对：``), or a
#: line that starts with a role and ends no sentence (its colon misread: ``责任编辑杨　辉``).
EDITOR = re.compile(rf"({_ROLE})\s*[：:]|^\W*(本版|责任)?({_ROLE})(?!.*[。！？]\W*$)")
_CLAUSE = re.compile(r"[，、；,;]")
#: A jump line's page number (``（下转第四版）``, ``（上接第一版）``): the story's own, no folio's.
_JUMP = re.compile(r"[转接]\s*第")
#: A line that opens with an editor's credit (``本版责编：``, ``美编:``, ``图片编辑：``, its first character or
#: two misread or a piece of a name before it: ``术版责编:``, ``秀 ”美编:``); not a chart's or a photo's credit,
#: ``制图：``, ``设计：``, ``版式设计：``, which a story may print under its graphics or its last paragraph.
CREDIT = re.compile(r"^\W*\w{0,2}\W*(责编|编辑|版式|美编|校对)\s*[：:]")
#: Each editor's credit of a line: a role and a colon (two or more make an editor line, no story's credit).
_CREDITS = re.compile(rf"({_ROLE})\s*[：:]")
#: A folio's full date and its weekday, in either order.
_DATED = re.compile(r"\d{2,4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日.{0,4}星期|星期.{1,12}\d{2,4}\s*年\s*\d{1,2}\s*月")
#: A line ending with a page number set apart or alone (``光明日报社会 8``, ``人民日报”地方新闻03``, ``03``).
_PAGE_END = re.compile(r"(?<!\w)[0-9０-９]{1,2}\s*$")
#: A paper's name alone on a line: a word or two ending with 报 (``新华日报``, ``文汇报``), no other mark.
_PAPER = re.compile(r"^\W{0,2}\w{1,8}报\W{0,2}$")
#: The page's own credit (``本版责编：``).
_PAGE_CREDIT = re.compile(r"^\W*本版")
#: A sentence's or a clause's mark: no furniture line prints one.
_MARKS = re.compile(r"[，。！？；,;!?]")
#: A folio's date with its month or day misread (``2009 年 ?月 6 日``): cue enough for a page's first
#: row of print or a plain text's first lines, not for a line anywhere.
_DATE_MISREAD = re.compile(r"\d{2,4}\s*年\s*\S{1,2}\s*月\s*\S{1,2}\s*日")
#: A weekday with its day lost (``星期 民生``): cue enough for a page's first row of print only, whose
#: place and type size say the rest (a plain text's first line may be a headline: ``下星期起实行新规``).
_WEEKDAY_MISREAD = re.compile("星期")
FOLIO_CHARS = 50  # characters at most of a folio row (its parts far apart on one line included)
EDITOR_CHARS = 80  # characters at most of an editor line
FOLIO_LINES = 3  # a plain text's first lines that may hold its folio (the engine may part its pieces) ...
NAME_CHARS = 10  # ... each before the one that reads as a folio at most this long (a paper's name, a section)
EDITOR_LINES = 3  # a plain text's last lines that may hold its editor line
PAGE_LINES = 8  # the fewest lines of a text that is a page


def letters(text: str) -> int:
    """The characters of ``text`` that are not whitespace (a line's length as the cues count it)."""
    return sum(not ch.isspace() for ch in text)


def folio_like(text: str) -> bool:
    """Whether ``text`` (a row of print) reads as a folio: a date, a weekday or a page number in a
    short line without a clause mark (a body line's date comes in a clause: ``2020年5月6日，…``) nor a
    jump to or from another page (``（下转第四版）``: it ends or opens a story)."""
    return letters(text) <= FOLIO_CHARS and FOLIO.search(text) is not None and _CLAUSE.search(text) is None \
        and _JUMP.search(text) is None


def editor_like(text: str) -> bool:
    """Whether ``text`` reads as an editor line: an editor's credit (:data:`EDITOR`) in a short line."""
    return letters(text) <= EDITOR_CHARS and EDITOR.search(text) is not None


def folio_row_like(text: str, weekday: bool = True) -> bool:
    """Whether ``text``, the page's first row of print (where it stands says most: see
    :mod:`.formats.furniture`) or one of a plain text's first lines (``weekday`` False), reads as a
    folio (:func:`folio_like`) or as one whose date (:data:`_DATE_MISREAD`) or, with ``weekday``,
    weekday (:data:`_WEEKDAY_MISREAD`) the engine misread."""
    misread = _DATE_MISREAD.search(text) is not None or (weekday and _WEEKDAY_MISREAD.search(text) is not None)
    return folio_like(text) or (misread and letters(text) <= FOLIO_CHARS and _CLAUSE.search(text) is None
                                and _JUMP.search(text) is None)


def editor_row_like(text: str) -> bool:
    """Whether ``text``, the page's last row of print, reads as an editor line (:func:`editor_like`)
    or opens with the page's credit, its role misread (``本版纺丁姑洋``), with no sentence's mark."""
    return editor_like(text) or (letters(text) <= EDITOR_CHARS and _PAGE_CREDIT.match(text) is not None
                                 and _MARKS.search(text) is None)


def furniture_line(text: str) -> bool:
    """Whether ``text`` (a line the engine set apart, wherever it listed it) is furniture or a piece
    of it: a short line that opens with an editor's credit (:data:`CREDIT`) or prints two of them
    (``版式设计：吴国辉　图片编辑：喜　琳``: one is a story's own credit, two an editor line), or that
    reads as a folio (:func:`folio_like`) with a weekday or a page number (a date alone may be a
    story's dateline)."""
    short = letters(text) <= EDITOR_CHARS
    return (short and (CREDIT.match(text) is not None or len(_CREDITS.findall(text)) >= 2)) or (
        folio_like(text) and _FOLIO_ONLY.search(text) is not None)


def furniture_run_in(text: str) -> bool:
    """Whether ``text``, a line the engine ran in among a story's lines with no blank line around it,
    says unmistakably that it is furniture: a short line without a sentence's or a clause's mark
    that prints two editor's credits or more (``版式设计：吴国辉　图片编辑：喜　琳``), opens with the
    page's credit (``本版责编：``), or prints a folio's full date and weekday. A story's own credit
    (``（编辑：王磊）``, ``制图：蔡华伟``) is one credit in its own words."""
    if letters(text) > EDITOR_CHARS or _MARKS.search(text):
        return False
    return len(_CREDITS.findall(text)) >= 2 or (_PAGE_CREDIT.match(text) is not None and CREDIT.match(text) is not None) \
        or (_DATED.search(text) is not None and folio_like(text))


def plain_parts(text: str) -> tuple[str, str, str]:
    """A page of plain text as its folio, the rest and its editor line (each ``""`` or its lines and
    a newline: ``text``'s lines in turn).

    The folio is the text's first lines, up to the last of its first ``FOLIO_LINES`` lines that
    reads as one (:func:`folio_row_like`, a bare weekday not enough). A paper's name or a section
    before it, which the engine read as a line of its own, goes with it when it is ``NAME_CHARS``
    long at most; so do the one or two lines after it when they are as short and the last ends
    with a page number set apart (``光明日报社会 8``) or is one (``03``). A text without such a folio whose first line is a paper's
    name alone (``新华日报``) while a line of it, wherever the engine listed it, reads as a folio with
    a weekday or a page number has that name as its folio. The editor line is the text's last lines
    that read as one (:func:`editor_row_like`, up to ``EDITOR_LINES``). A text of fewer than
    ``PAGE_LINES`` lines keeps them: a story's text, not a page."""
    lines = text.splitlines()
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if len(filled) < PAGE_LINES:
        return "", text, ""
    head = filled[:FOLIO_LINES]
    said = [k for k, i in enumerate(head) if folio_row_like(lines[i], weekday=False)]
    named = said and all(letters(lines[i]) <= NAME_CHARS or folio_like(lines[i]) for i in head[:said[-1]])
    start = head[said[-1]] + 1 if named else 0
    for i in filled[said[-1] + 1:said[-1] + 3] if named else ():  # its paper, section and page number under its date
        if letters(lines[i]) > NAME_CHARS:
            break
        if _PAGE_END.search(lines[i]):
            start = i + 1
            break
    if not named and _PAPER.match(lines[filled[0]]) and any(folio_like(line) and _FOLIO_ONLY.search(line) for line in lines):
        start = filled[0] + 1  # a paper's name over the page, its folio's date listed elsewhere
    end = len(lines)
    for i in reversed(filled[-EDITOR_LINES:]):
        if not editor_row_like(lines[i]):
            break
        end = i
    if start >= end:
        return "", text, ""

    def part(a: int, b: int) -> str:
        return "\n".join(lines[a:b]) + "\n" if a < b else ""

    return part(0, start), part(start, end), part(end, len(lines))
