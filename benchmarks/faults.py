"""The fault matrix: bad inputs (and hostile OCR files) x commands, outputs onto inputs, hostile environments, kills,
damaged models and pathological lines, each run as a user would run it (a fresh ``python -m
ocrfix`` process), and a table of cases, passed and failed per group.

    python -m benchmarks.faults [--groups bad-input manifests outputs environment producers long] [--keep DIR]

A case passes when the command behaves as documented: refused with exactly one ``ocrfix:
error:`` line (``correct`` may add its end-of-run summary line; a line reporting an internal error
does not count) and exit 2 (or succeeds where it should), no traceback, no crash signal, every
input byte-for-byte unchanged, and no output, log or ``.tmp`` file left behind by a refusal.
The ``producers`` group runs ``reflow``, ``correct --edits`` (text out) and ``correct`` into the
file's own format on every file of tests/data/producers (the shapes other OCR producers write):
a case passes with exit 0, no traceback, every character of the file's text once in the output
(beside the logged edits) and, written back, every word and glyph box kept.
The models are the shipped ones (a damaged copy of them for the model cases); ``--groups ... long``
adds the 1 M-character lines (time and peak RSS, target < 60 s and < 600 MB each).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ocrfix.settings import MAX_INPUT_BYTES, load_settings

from .batch_memory import pages

#: A page with one error the shipped corrector fixes (暑 -> 署), so that logs have a line.
TEXT = "　　会议强调要坚持稳中求进工作总基调，推动高质量发展。\n　　各地区各部门要认真贯彻落实党中央决策部暑。\n"
START = "会议强调"
#: bad input kind -> how to make it at a path (None: leave it missing)
KINDS: dict[str, Callable[[Path], object] | None] = {
    "missing": None,
    "dir": lambda p: p.mkdir(),
    "png": lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
    "gb18030": lambda p: p.write_bytes(TEXT.encode("gb18030")),
    "utf16": lambda p: p.write_bytes(TEXT.encode("utf-16")),
    "empty": lambda p: p.write_bytes(b""),
    "blank": lambda p: p.write_text(" \n\u3000\n\t\n", encoding="utf-8"),
    "nul": lambda p: p.write_bytes((TEXT * 50).encode() + b"\x00\n"),  # text with one NUL byte
    "huge": lambda p: (p.touch(), os.truncate(p, MAX_INPUT_BYTES + 1)),  # sparse: no disk, no read
    "corrupt": lambda p: p.write_bytes(bytes((i * 97 + 13) % 256 for i in range(4096))),
    "xml": lambda p: p.write_text('<?xml version="1.0"?>\n<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#"><Layout>',
                                  encoding="utf-8"),
    "tsv": lambda p: p.write_text("# header\nonly-one-column\n已\t己\tnot-a-number\n", encoding="utf-8"),
}
#: An HTML5 hOCR page of one word (not well-formed XML: read by the HTML parser) and PaddleOCR JSON of one line.
_HOCR5 = ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><meta name="ocr-system" content="tesseract 5.3.0"></head><body>'
          '<div class="ocr_page" title="bbox 0 0 1000 800"><p class="ocr_par"><{line} class="ocr_line" title="bbox 100 80 900 140">'
          '<span class="ocrx_word" title="bbox 100 80 900 140">{word}</span></{line}></p></div></body></html>\n')
_XHOCR = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html [{entities}]>\n<html xmlns="http://www.w3.org/1999/xhtml"><body>'
          '<div class="ocr_page" title="bbox 0 0 1000 800"><span class="ocr_line" title="bbox 100 80 900 140">'
          '<span class="ocrx_word" title="bbox 100 80 500 140">{word}</span><span class="ocrx_word" title="bbox 500 80 900 140">发展</span>'
          '</span></div></body></html>\n')
_LAUGHS = '<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">' + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))


def _paddle(text_json: str) -> str:
    return '[[[[100, 80], [900, 80], [900, 140], [100, 140]], [' + text_json + ', 0.9]]]\n'


#: Hostile OCR files (found by mutating the producers' files), bad for the commands that read OCR:
#: refused with one line, where before they were an internal error, lost a word silently or were corrected as prose.
OCR_KINDS: dict[str, Callable[[Path], object]] = {
    "json-nested-deep": lambda p: p.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8"),
    "json-long-number": lambda p: p.write_text(_paddle('"' + START + '"').replace("100", "1" + "0" * 5000, 1), encoding="utf-8"),
    "json-lone-surrogate": lambda p: p.write_text(_paddle('"' + START + '\\ud800"'), encoding="utf-8"),
    "xml-entity": lambda p: p.write_text(_XHOCR.format(entities='<!ENTITY w "' + START + '">', word="&w;"), encoding="utf-8"),
    "xml-external-entity": lambda p: p.write_text(_XHOCR.format(entities='<!ENTITY w SYSTEM "file:///etc/passwd">', word="&w;"),
                                                  encoding="utf-8"),
    "billion-laughs": lambda p: p.write_text(_XHOCR.format(entities=_LAUGHS, word="&i;"), encoding="utf-8"),
    "hocr-control-char": lambda p: p.write_text(_HOCR5.format(line="span", word=START + "\x01"), encoding="utf-8"),
    "hocr-odd-tag": lambda p: p.write_text(_HOCR5.format(line="s\u2028pan", word=START), encoding="utf-8"),
    "tsv-damaged-header": lambda p: p.write_text("levle\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
                                                 f"5\t1\t1\t1\t1\t1\t100\t80\t800\t60\t91\t{START}\n", encoding="utf-8"),
}
TEXT_KINDS = (*(k for k in KINDS if k != "tsv"), *OCR_KINDS)
#: Bad for an edit log (an empty or blank log is a log without edits).
LOG_KINDS = tuple(k for k in KINDS if k not in ("empty", "blank"))
#: Bad for a manifest as a file (the XML and TSV files are text, their lines names of missing files: see Matrix.manifests).
MANIFEST_KINDS = tuple(k for k in KINDS if k not in ("xml", "tsv"))
#: (name, argv with {bad} {good} {out}, the kinds that are bad for it)
COMMANDS: list[tuple[str, list[str], tuple[str, ...]]] = [
    ("reflow IN", ["reflow", "{bad}", "-o", "{out}/r.txt"], TEXT_KINDS),
    ("eval --gt", ["eval", "--gt", "{bad}", "--hyp", "{good}", "--html", "{out}/r.html"], TEXT_KINDS),
    ("eval --hyp", ["eval", "--gt", "{good}", "--hyp", "{bad}", "--confusions", "{out}/c.tsv"], TEXT_KINDS),
    ("eval --pairs", ["eval", "--pairs", "{bad}"], tuple(KINDS)),
    ("correct IN", ["correct", "{bad}", "-o", "{out}/c.txt", "--edits", "{out}/e.jsonl"], TEXT_KINDS),
    ("apply IN", ["apply", "{bad}", "--edits", "{log}", "-o", "{out}/a.txt"], TEXT_KINDS),
    ("apply --edits", ["apply", "{good}", "--edits", "{bad}", "-o", "{out}/a.txt"], LOG_KINDS),
    ("review IN", ["review", "{bad}", "--edits", "{log}", "-o", "{out}/r.html"], TEXT_KINDS),
    ("review --edits", ["review", "{good}", "--edits", "{bad}", "-o", "{out}/r.html"], LOG_KINDS),
    ("review --estimate", ["review", "--estimate", "{bad}"], tuple(KINDS)),
    ("review --estimate --edits", ["review", "--estimate", "{log}", "--edits", "{bad}"], LOG_KINDS),
    ("apply --manifest", ["apply", "--manifest", "{bad}", "--edits", "{log}", "--out-dir", "{out}/a"], MANIFEST_KINDS),
    ("review --manifest", ["review", "--manifest", "{bad}", "--edits", "{log}", "-o", "{out}/r.html"], MANIFEST_KINDS),
    ("correct --model", ["correct", "{good}", "-o", "{out}/c.txt", "--model", "{bad}"], tuple(KINDS)),
    ("correct --confusions", ["correct", "{good}", "-o", "{out}/c.txt", "--confusions", "{bad}"], tuple(KINDS)),
    ("correct --weights", ["correct", "{good}", "-o", "{out}/c.txt", "--weights", "{bad}"], tuple(KINDS)),
    ("correct --quality", ["correct", "{good}", "-o", "{out}/c.txt", "--quality", "{bad}"], tuple(KINDS)),
    ("lm eval MODEL", ["lm", "eval", "{bad}", "{good}"], tuple(KINDS)),
    ("lm eval TEXT", ["lm", "eval", "{lm}", "{bad}"], tuple(k for k in KINDS if k != "huge")),
    ("confusions merge", ["confusions", "merge", "{bad}", "-o", "{out}/m.tsv"], tuple(KINDS)),
]


@dataclass(frozen=True)
class Run:
    code: int
    err: list[str]
    out: bytes
    seconds: float
    peak_mb: float


def ocrfix(argv: list[str], cwd: Path, stdin: int | None = subprocess.DEVNULL, timeout: float = 600,
           preexec: Callable[[], object] | None = None) -> Run:
    """One ``python -m ocrfix`` process: exit status, stderr lines, stdout, wall time, peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "ocrfix", *argv], cwd=cwd, stdin=stdin, capture_output=True,
                          timeout=timeout, check=False, preexec_fn=preexec)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return Run(proc.returncode, proc.stderr.decode("utf-8", "replace").splitlines(), proc.stdout,
               time.perf_counter() - started, max(peak, before) / 1024)


def one_error(run: Run, *needles: str) -> str | None:
    """None when ``run`` was refused as documented, else what was wrong."""
    if run.code != 2:
        return f"exit {run.code}" + (f" (signal {-run.code})" if run.code < 0 else "") + f": {run.err[-1:]}"
    errors = [line for line in run.err if line.startswith("ocrfix: error: ")]
    others = [line for line in run.err if line not in errors and not _SUMMARY.match(line) and not _PROGRESS.match(line)]
    if len(errors) != 1 or others:
        return f"stderr is not one error line: {run.err[:3]}"
    if ": internal error: " in errors[0]:  # a batch worker's report of an exception: a traceback in one line
        return errors[0]
    missing = [n for n in needles if n not in errors[0]]
    return f"message lacks {missing}: {errors[0]}" if missing else None


#: The end-of-run summary `ocrfix correct` prints after the error line (not an error line itself).
_SUMMARY = re.compile(r"ocrfix: [\d,]+ files? \(")
#: What the progress bar of `ocrfix correct` (or `apply`) leaves on a captured stderr when the run took over its
#: one-second delay before the error (its redraws, split at carriage returns): no error line either.
_PROGRESS = re.compile(r"\s*$|(correcting|applying) [\d,]+ files?: ")


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


class Matrix:
    """Cases run in one scratch directory; results per group."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.results: dict[str, list[tuple[str, str | None]]] = {}
        self.good = root / "good.txt"
        self.good.write_text(TEXT, encoding="utf-8")
        self.lm = str(load_settings().default_lm)

    def record(self, group: str, case: str, problem: str | None) -> None:
        self.results.setdefault(group, []).append((case, problem))
        print(f"{'ok  ' if problem is None else 'FAIL'} {group}: {case}" + (f": {problem}" if problem else ""),
              file=sys.stderr, flush=True)

    def case_dir(self) -> Path:
        return Path(tempfile.mkdtemp(dir=self.root))

    def bad_inputs(self) -> None:
        for name, template, kinds in COMMANDS:
            for kind in kinds:
                d = self.case_dir()
                bad = d / f"bad-{kind}{'.tsv' if kind == 'tsv' else '.txt'}"
                make = {**KINDS, **OCR_KINDS}[kind]
                if make is not None:
                    make(bad)
                out = d / "out"
                out.mkdir()
                log = d / "edits.jsonl"  # a log with an edit of the bad input (`apply` and `review` must read it), judged
                log.write_text(json.dumps({"file": str(bad), "offset": 0, "original": "我", "replacement": "找", "gain": 0.9,
                                           "sources": ["visual"], "input_offset": 0, "judged": "right"}, ensure_ascii=False)
                               + "\n", encoding="utf-8")
                before = snapshot(d)
                argv = [a.format(bad=bad, good=self.good, out=out, lm=self.lm, log=log) for a in template]
                problem = one_error(ocrfix(argv, d))
                if problem is None and snapshot(d) != before:
                    problem = "a file was written or changed"
                self.record("bad input x command", f"{name} {kind}", problem)

    def outputs_onto_inputs(self) -> None:
        cases = [
            ("reflow X -o X", ["reflow", "{x}", "-o", "{x}"]),
            ("reflow X -o symlink-to-X", ["reflow", "{x}", "-o", "{link}"]),
            ("reflow X -o hard-link-of-X", ["reflow", "{x}", "-o", "{hard}"]),
            ("correct X -o X", ["correct", "{x}", "-o", "{x}"]),
            ("correct X -o O --edits X", ["correct", "{x}", "-o", "{o}", "--edits", "{x}"]),
            ("correct X -o O --edits O", ["correct", "{x}", "-o", "{o}", "--edits", "{o}"]),
            ("correct DIR --out-dir DIR", ["correct", "{d}", "--out-dir", "{d}"]),
            ("correct DIR --out-dir DIR/.", ["correct", "{d}", "--out-dir", "{d}/."]),
            ("correct X -o the LM", ["correct", "{x}", "-o", "{lmcopy}", "--model", "{lmcopy}"]),
            ("eval --html GT", ["eval", "--gt", "{x}", "--hyp", "{y}", "--html", "{x}"]),
            ("eval --confusions HYP", ["eval", "--gt", "{x}", "--hyp", "{y}", "--confusions", "{y}"]),
            ("eval --html H --confusions H", ["eval", "--gt", "{x}", "--hyp", "{y}", "--html", "{o}", "--confusions", "{o}"]),
            ("eval DIR --confusions onto a page", ["eval", "--gt", "{d}", "--hyp", "{d}", "--confusions", "{x}"]),
            ("lm train C -o C", ["lm", "train", "{x}", "-o", "{x}"]),
            ("confusions merge S -o S", ["confusions", "merge", "{tsv}", "-o", "{tsv}"]),
        ]
        for name, template in cases:
            d = self.case_dir()
            x, y = d / "x.txt", d / "y.txt"
            x.write_text(TEXT, encoding="utf-8")
            y.write_text(TEXT.replace("乍", "作"), encoding="utf-8")
            (d / "link.txt").symlink_to(x)
            os.link(x, d / "hard.txt")
            (d / "s.tsv").write_text("乍\t作\t0.5\tvisual\n", encoding="utf-8")
            lmcopy = d / "tiny.arpa"
            lmcopy.write_text("\\data\\\nngram 1=3\n\n\\1-grams:\n-1\t<unk>\t0\n0\t<s>\t-0.5\n-0.5\t</s>\t0\n\n\\end\\\n",
                              encoding="utf-8")
            before = snapshot(d)
            argv = [a.format(x=x, y=y, o=d / "o.txt", d=d, link=d / "link.txt", hard=d / "hard.txt", lmcopy=lmcopy,
                             tsv=d / "s.tsv") for a in template]
            problem = one_error(ocrfix(argv, d), "output")
            if problem is None and snapshot(d) != before:
                problem = "a file was written or changed"
            self.record("output onto an input", name, problem)

    def environment(self) -> None:
        d = self.case_dir()
        (d / "dir").mkdir()
        (d / "file").write_text("x", encoding="utf-8")
        checks: list[tuple[str, Callable[[], str | None]]] = [
            ("directory as -o", lambda: one_error(ocrfix(["reflow", str(self.good), "-o", str(d / "dir")], d), "is a directory")),
            ("directory as --edits", lambda: one_error(ocrfix(["correct", str(self.good), "-o", str(d / "c.txt"), "--edits",
                                                               str(d / "dir")], d), "is a directory")),
            ("output under a regular file", lambda: one_error(ocrfix(["reflow", str(self.good), "-o", str(d / "file" / "o.txt")], d),
                                                              "is not a directory")),
            ("/dev/full as -o", lambda: one_error(ocrfix(["reflow", str(self.good), "-o", "/dev/full"], d), "No space left")),
            ("full file system (tmpfs)", lambda: self.full_disk(d)),
            ("closed stdin", lambda: one_error(ocrfix(["reflow", "-"], d, stdin=None, preexec=lambda: os.close(0)), "closed")),
            ("/dev/zero as input", lambda: one_error(ocrfix(["reflow", "/dev/zero"], d), "limit")),
            ("250-byte output name", lambda: self.expect_file(ocrfix(["reflow", str(self.good), "-o", str(d / ("长" * 83 + ".t"))], d),
                                                              d / ("长" * 83 + ".t"))),
            ("-o /dev/stdout", lambda: self.dev_stdout(d)),
            ("-o FIFO", lambda: self.fifo(d)),
            ("-o symlink: target replaced, link kept", lambda: self.symlink(d)),
            ("--edits - is stdout", lambda: self.edits_stdout(d)),
            ("log and output follow the umask", lambda: self.umask(d)),
            ("non-UTF-8 file name in a batch", lambda: self.odd_name(d)),
            ("failed single input leaves no log", lambda: self.no_log(d)),
            ("SIGTERM leaves no .tmp", lambda: self.sigterm(d)),
            ("damaged shipped LM refused, no crash", lambda: self.damaged_model(d, "lm/news.klm")),
            ("damaged context index refused", lambda: self.damaged_model(d, "lm/news.context.npz")),
        ]
        for name, check in checks:
            try:
                problem = check()
            except Exception as exc:  # noqa: BLE001 - a case that cannot even run is a failure
                problem = f"{type(exc).__name__}: {exc}"
            self.record("environment and odd cases", name, problem)

    def manifests(self) -> None:
        """``apply`` and ``review`` over a manifest whose lines name missing files, and bad batch
        options; with a log of another file's edit (the empty log of :meth:`bad_inputs` is refused
        before ``review`` looks at its inputs)."""
        d = self.case_dir()
        log = d / "other.jsonl"
        log.write_text(json.dumps({"file": "other.txt", "offset": 0, "input_offset": 0, "original": "暑", "replacement": "署",
                                   "gain": 0.9, "sources": ["visual"]}) + "\n", encoding="utf-8")
        (d / "good.txt").write_text(TEXT, encoding="utf-8")
        for name, lines in (("missing", "missing.txt\n"), ("good", "good.txt\n"), ("good-and-missing", "good.txt\nmissing.txt\n")):
            (d / f"{name}.lst").write_text(lines, encoding="utf-8")
        apply = ["apply", "--edits", str(log), "--out-dir", str(d / "out"), "--manifest"]
        review = ["review", "--edits", str(log), "-o", str(d / "r.html"), "--manifest"]
        refusals = [("apply --manifest naming a missing file", [*apply, "missing.lst"], "missing.txt"),
                    ("review --manifest naming a missing file", [*review, "missing.lst"], "missing.txt"),
                    ("review --manifest naming a file and a missing one", [*review, "good-and-missing.lst"], "missing.txt"),
                    ("apply --jobs 0", [*apply, "good.lst", "--jobs", "0"], "--jobs"),
                    ("apply --shard without --out-dir", ["apply", "good.txt", "--edits", str(log), "-o", "o.txt", "--shard", "1/2"],
                     "--shard"),
                    *((f"apply --shard {shard}", [*apply, "good.lst", "--shard", shard], f"--shard {shard}")
                      for shard in ("x", "0/2", "3/2", "1/0", "1/2/3"))]
        for name, argv, needle in refusals:
            before = snapshot(d)
            problem = one_error(ocrfix(argv, d), needle)
            if problem is None and snapshot(d) != before:
                problem = "a file was written or changed"
            self.record("manifests and batch options", name, problem)
        run = ocrfix([*apply, "good-and-missing.lst"], d)
        errors = [line for line in run.err if line.startswith("ocrfix: error: ")]
        problem = (f"exit {run.code}: {run.err[-1:]}" if run.code != 1 or any("Traceback" in line for line in run.err) else
                   f"error lines {errors}" if len(errors) != 1 or "missing.txt" not in errors[0] else
                   "the good file was not written" if not (d / "out" / "good.txt").is_file() else None)
        self.record("manifests and batch options", "apply --manifest naming a file and a missing one: that file fails", problem)

    def expect_file(self, run: Run, path: Path, content: str | None = None) -> str | None:
        if run.code != 0:
            return f"exit {run.code}: {run.err[-1:]}"
        if not path.is_file():
            return f"{path.name} not written"
        return None if content is None or path.read_text(encoding="utf-8") == content else "wrong content"

    def full_disk(self, d: Path) -> str | None:
        mount = d / "small"
        mount.mkdir()
        if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(mount)],
                                               capture_output=True, check=False).returncode:
            return None if os.geteuid() != 0 else "cannot mount a tmpfs"
        try:
            (mount / "filler").write_bytes(b"\0" * 12288)
            big = d / "big.txt"  # distinct noisy sentences: a repeated page gets no edits (document evidence)
            big.write_text(pages(1, 20_000)[0], encoding="utf-8")
            for argv in (["reflow", str(big), "-o", str(mount / "r.txt")],
                         ["correct", str(big), "-o", str(d / "c.txt"), "--edits", str(mount / "e.jsonl")]):
                problem = one_error(ocrfix(argv, d), "No space left")
                if problem:
                    return f"{argv[0]}: {problem}"
                if sorted(p.name for p in mount.iterdir()) != ["filler"]:
                    return f"{argv[0]} left {sorted(p.name for p in mount.iterdir())}"
        finally:
            subprocess.run(["umount", str(mount)], check=False)
        return None

    def dev_stdout(self, d: Path) -> str | None:
        run = ocrfix(["reflow", str(self.good), "-o", "/dev/stdout"], d)
        ok = run.code == 0 and run.out.decode().startswith(START) and Path("/dev/stdout").is_symlink()
        return None if ok else f"exit {run.code}, {len(run.out)} bytes on stdout"

    def fifo(self, d: Path) -> str | None:
        fifo = d / "pipe"
        os.mkfifo(fifo)
        reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
        run = ocrfix(["reflow", str(self.good), "-o", str(fifo)], d)
        got = reader.communicate(timeout=60)[0]
        return None if run.code == 0 and got.decode().startswith(START) and fifo.is_fifo() else f"exit {run.code}"

    def symlink(self, d: Path) -> str | None:
        real, link = d / "real.txt", d / "link-out.txt"
        real.write_text("old\n", encoding="utf-8")
        link.symlink_to(real)
        run = ocrfix(["reflow", str(self.good), "-o", str(link)], d)
        ok = run.code == 0 and link.is_symlink() and real.read_text(encoding="utf-8").startswith(START)
        return None if ok else f"exit {run.code}, link kept: {link.is_symlink()}"

    def edits_stdout(self, d: Path) -> str | None:
        run = ocrfix(["correct", str(self.good), "-o", str(d / "e-out.txt"), "--edits", "-"], d)
        ok = run.code == 0 and '"original": "暑"'.encode() in run.out and not (d / "-").exists()
        return None if ok else f"exit {run.code}, stdout {run.out[:80]!r}"

    def umask(self, d: Path) -> str | None:
        out, log = d / "u.txt", d / "u.jsonl"
        run = ocrfix(["correct", str(self.good), "-o", str(out), "--edits", str(log)], d, preexec=lambda: os.umask(0o022))
        modes = [p.stat().st_mode & 0o777 for p in (out, log) if p.exists()]
        return None if run.code == 0 and modes == [0o644, 0o644] else f"exit {run.code}, modes {[oct(m) for m in modes]}"

    def odd_name(self, d: Path) -> str | None:
        src = d / "odd-in"
        src.mkdir()
        with open(os.path.join(os.fsencode(src), b"caf\xe9.txt"), "wb") as fh:
            fh.write(TEXT.encode())
        run = ocrfix(["correct", str(src), "--out-dir", str(d / "odd-out"), "--edits", str(d / "odd.jsonl"), "--quiet"], d)
        ok = run.code == 0 and [n for n in os.listdir(os.fsencode(d / "odd-out")) if not n.startswith(b".")] == [b"caf\xe9.txt"]
        return None if ok else f"exit {run.code}: {run.err[-1:]}"

    def no_log(self, d: Path) -> str | None:
        empty = d / "empty.txt"
        empty.write_bytes(b"")
        problem = one_error(ocrfix(["correct", str(empty), "-o", str(d / "n.txt"), "--edits", str(d / "n.jsonl")], d))
        return problem or ("a log or output was left" if (d / "n.jsonl").exists() or (d / "n.txt").exists() else None)

    def sigterm(self, d: Path) -> str | None:
        big = d / "kill.txt"
        big.write_text(TEXT * 20000, encoding="utf-8")
        out = d / "kill-out"
        out.mkdir()
        proc = subprocess.Popen([sys.executable, "-m", "ocrfix", "correct", str(big), "-o", str(out / "k.txt"),
                                 "--edits", str(out / "k.jsonl")], stderr=subprocess.DEVNULL)
        time.sleep(4.0)  # the models are loaded, the page is being corrected (a few minutes' work)
        if proc.poll() is not None:
            return f"finished (exit {proc.returncode}) before the signal"
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=120)
        left = sorted(p.name for p in out.iterdir())
        return None if code == 128 + signal.SIGTERM and not left else f"exit {code}, left {left}"

    def damaged_model(self, d: Path, name: str) -> str | None:
        """A copy of the shipped models with 2,000 bytes of one file overwritten (checksums kept)."""
        models = d / f"models-{name.replace('/', '-')}"
        shutil.copytree(load_settings().models_dir, models)
        target = models / name
        with open(target, "r+b") as fh:
            fh.seek(target.stat().st_size // 2)
            fh.write(os.urandom(2000))
        page = d / "page.txt"
        page.write_text(TEXT, encoding="utf-8")
        runs = [ocrfix(["correct", str(page), "-o", str(d / "dm.txt"), "--model", str(models / "lm" / "news.klm")], d)]
        if name.endswith(".klm"):
            runs.append(ocrfix(["lm", "eval", str(target), str(page)], d))
        problems = [p for p in (one_error(r, "damaged") for r in runs) if p]
        return problems[0] if problems else ("an output was written" if (d / "dm.txt").exists() else None)

    def producers(self) -> None:
        from ocrfix.formats import read_document

        expected = json.loads((PRODUCERS / "expected.json").read_text(encoding="utf-8"))
        for name, text in expected.items():
            d = self.case_dir()
            src = d / name
            shutil.copyfile(PRODUCERS / name, src)
            log = d / "edits.jsonl"
            run = ocrfix(["reflow", str(src), "-o", str(d / "r.txt")], d)
            self.record("other producers' files", f"reflow {name}",
                        _ran(run) or _same_chars((d / "r.txt").read_text(encoding="utf-8"), text, []))
            run = ocrfix(["correct", str(src), "-o", str(d / "c.txt"), "--output-format", "text", "--edits", str(log)], d)
            problem = _ran(run)
            if problem is None:
                edits = [e for e in map(json.loads, log.read_text(encoding="utf-8").splitlines()) if "original" in e] if log.exists() else []
                problem = _same_chars((d / "c.txt").read_text(encoding="utf-8"), text, edits)
            self.record("other producers' files", f"correct --edits {name}", problem)
            if name.endswith(".txt") and not name.startswith("paddle"):
                continue
            out = d / f"o-{name}"
            problem = _ran(ocrfix(["correct", str(src), "-o", str(out)], d))
            if problem is None:
                boxes = [Counter((w.box, tuple(g.box for g in w.glyphs)) for w in read_document(f).words()) for f in (src, out)]
                problem = None if boxes[0] == boxes[1] else "a box changed in the file written back"
            if problem is None and src.read_bytes() != (PRODUCERS / name).read_bytes():
                problem = "the input changed"
            self.record("other producers' files", f"correct -o same format {name}", problem)

    def long_lines(self) -> None:
        for name, line in (("1 M x 的", "的" * 1_000_000), ("1 M x a", "a" * 1_000_000),
                           ("1 M-character line of news OCR (no line break)", None)):
            d = self.case_dir()
            src = d / "line.txt"
            src.write_text((line if line is not None else _news_line(1_000_000)) + "\n", encoding="utf-8")
            run = ocrfix(["correct", str(src), "-o", str(d / "out.txt")], d, timeout=1800)
            problem = None if run.code == 0 else f"exit {run.code}: {run.err[-1:]}"
            if problem is None and (run.seconds > 60 or run.peak_mb > 600):
                problem = f"{run.seconds:.0f} s, {run.peak_mb:.0f} MB"
            self.record("1 M-character lines", f"{name}: {run.seconds:.1f} s, peak RSS {run.peak_mb:.0f} MB", problem)

    def table(self) -> str:
        rows = ["| group | cases | passed | failed |", "|---|---:|---:|---:|"]
        total = [0, 0]
        for group, results in self.results.items():
            failed = sum(1 for _, p in results if p)
            rows.append(f"| {group} | {len(results)} | {len(results) - failed} | {failed} |")
            total[0] += len(results)
            total[1] += failed
        rows.append(f"| **all** | **{total[0]}** | **{total[0] - total[1]}** | **{total[1]}** |")
        failures = [f"- {group}: {case}: {p}" for group, results in self.results.items() for case, p in results if p]
        return "\n".join(rows + ([""] + failures if failures else []))


#: Files in the shapes other OCR producers write, and the text each carries (expected.json).
PRODUCERS = Path(__file__).resolve().parent.parent / "tests" / "data" / "producers"


def _ran(run: Run) -> str | None:
    """None when a command that should succeed did, cleanly."""
    if run.code != 0 or any("Traceback" in line for line in run.err):
        return f"exit {run.code}: {run.err[-1:]}"
    return None


def _same_chars(output: str, text: str, edits: list[dict]) -> str | None:
    """None when ``output`` holds every character of ``text`` once, beside what the edits changed."""
    def count(s: str) -> Counter:
        return Counter(ch for ch in s if not ch.isspace())

    got, want = count(output), count(text)
    for edit in edits:
        want.subtract(count(edit["original"]))
        want.update(count(edit["replacement"]))
    want = +want
    return None if got == want else f"characters lost {dict(want - got)}, added {dict(got - want)}"


def _news_line(chars: int) -> str:
    """The benchmark's evaluation OCR pages, reflowed, joined into one line of ``chars`` characters."""
    from ocrfix.text_reflow import reflow

    pages = sorted(Path("build/bench/pages/eval").rglob("*.ocr.txt"))
    if not pages:
        raise SystemExit("no build/bench/pages/eval/*.ocr.txt: python -m benchmarks.generate --split eval")
    text = "".join(reflow(p.read_text(encoding="utf-8")).replace("\n", "") for p in pages)
    return (text * (chars // len(text) + 1))[:chars]


#: --groups name -> the Matrix method that runs it
GROUPS = {"bad-input": "bad_inputs", "manifests": "manifests", "outputs": "outputs_onto_inputs", "environment": "environment",
          "producers": "producers", "long": "long_lines"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.faults", description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", nargs="+", choices=list(GROUPS), default=[g for g in GROUPS if g != "long"],
                        help="groups of cases to run (default: all but 'long', the 1 M-character lines, minutes)")
    parser.add_argument("--keep", metavar="DIR", help="run in DIR and keep it (default: a temporary directory)")
    args = parser.parse_args(argv)
    root = Path(args.keep or tempfile.mkdtemp(prefix="ocrfix-faults-"))
    root.mkdir(parents=True, exist_ok=True)
    matrix = Matrix(root)
    try:
        for group in args.groups:
            getattr(matrix, GROUPS[group])()
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print(matrix.table())
    return 1 if any(p for results in matrix.results.values() for _, p in results) else 0


if __name__ == "__main__":
    sys.exit(main())
