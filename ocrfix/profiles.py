"""Engine profiles: everything about the corrector that depends on the OCR engine, in one directory.

A profile directory holds ``profile.json``: which weights, confusion sets, misread rates and
variant table, length and mark channels the corrector uses, its mark-choice model (the engine's
part, ``mark_choice``, and the context model every engine shares, ``mark_context``), which symbol
rules run, whether marks lost at line ends are put back (with what margin, and whether also in
text that reads like clean print), an optional fixed threshold, an optional LM of the user's domain
with its interpolation weight (``ocrfix fit --domain-lm``), and a card (what it was fitted on, its
held-out figures). File paths are relative to the directory, so a shipped profile can point at
the shared files in ``models/`` and a user's profile directory can carry its own; a path written ``models:REL`` names
a file of the models directory itself (a fitted profile built on the shipped confusion sets stays
valid wherever the checkout and the profile live). The news LM is not part of a profile: it
models the language, not the engine; a fitted profile may carry a small LM of its own domain
(``domain_lm``) interpolated with it (:class:`~ocrfix.lm.mixed.MixedLM`).

Shipped (``models/profiles/``): ``tesseract`` (fitted on Tesseract 5 ``chi_sim`` pages),
``ppocr`` (PP-OCR as RapidOCR runs it: its own misread rates and learned confusions, and marks
lost at line ends put back everywhere) and ``generic`` (for an unknown engine: no
engine-specific symbol rules or misread rates, line-end marks put back only in a text that shows its
engine drops them, the weights' own strict thresholds). A profile is chosen by
name or by directory (``ocrfix correct --profile``, ``Corrector(profile=...)``).

Picked from the file: an hOCR, ALTO or PAGE file that names its OCR software gets the shipped
profile ``models/profiles/engines.json`` maps that name to (:func:`pick_profile`; a name no
pattern matches, or whose profile is not installed, gets ``generic``); a file that names none
(plain text, or a file ocrfix wrote) gets ``OCRFIX_PROFILE`` if it is set, else the profile whose
engine's habits its text shows (:func:`pick_profile_for_text`, :mod:`ocrfix.engine_habits`), else
the default (``tesseract``). An explicit profile always wins.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .checksums import verify_model
from .errors import ModelError

if TYPE_CHECKING:
    from .engine_habits import HabitPick

PROFILE_FILE = "profile.json"
FORMAT = 1
#: Keys of ``files``: each names a file (``confusions``: a list of files) relative to the profile.
FILE_KEYS = ("weights", "confusions", "misread", "variants", "length", "marks", "mark_choice", "mark_context",
             "line_end_gate", "domain_lm")
#: Prefix of a path relative to the models directory rather than to the profile.
MODELS_PREFIX = "models:"
#: The profile of an input that names no OCR software when ``OCRFIX_PROFILE`` is not set (the
#: shipped models without a profile are this one).
DEFAULT_PROFILE = "tesseract"
#: The table from OCR software names to shipped profiles, in ``models/profiles``.
ENGINES_FILE = "engines.json"
#: Each shipped profile's engine's habits in plain text (:mod:`ocrfix.engine_habits`), in ``models/profiles``.
HABITS_FILE = "habits.json"
#: What ocrfix writes as a file's software when it does not know the engine: it names none.
OWN_NAME = re.compile(r"^ocrfix\b", re.IGNORECASE)


@dataclass(frozen=True)
class Profile:
    """A loaded profile; ``None`` fields fall back to the shipped models."""

    name: str
    directory: Path
    weights: Path | None = None
    confusions: tuple[Path, ...] | None = None
    misread: Path | None = None  # None with ``flat_misread``: every character equally likely misread
    variants: Path | None = None
    length: Path | None = None  # the engine's length channel (None: no deletion stage)
    marks: Path | None = None  # the engine's mark channel (None: no confused-mark stage)
    mark_choice: Path | None = None  # the engine's part of the mark-choice model (None: no mark-choice stage)
    mark_context: Path | None = None  # the mark-choice context model, the same for every engine
    #: the mark-choice channel adapted to each page's own marks, the fitted one weighing this many sites
    #: (:func:`~ocrfix.correction.mark_choice.page_adapted`; None: the fitted channel alone)
    mark_page_prior: float | None = None
    rules: tuple[str, ...] | None = None  # symbol rules by name (None: "all")
    line_end_marks: bool = True
    #: also in blocks that read like clean print (an engine that reads inside the line box loses
    #: hanging marks however clean the scan: PP-OCR); False: withdrawn there (Tesseract)
    line_end_marks_in_clean_print: bool = False
    line_end_margin: float | None = None  # log10 gain a lost mark needs (None: line_marks.MIN_GAIN)
    #: margins in place of it in a text whose engine drops the marks hung past a full line and in one
    #: whose engine reads them (:func:`~ocrfix.correction.line_marks.drops_hung_marks`; None: the margin)
    line_end_habit: tuple[float, float] | None = None
    #: with ``line_end_habit``: ``final-period`` withdrawn in a text whose engine reads its hung marks (a
    #: paragraph that ends without a mark had none in print)
    paragraph_end_habit: bool = False
    #: (asks per 1,000 characters, margin): the margin in place of the line-end margin in a text where the
    #: LM asks for a mark inside its lines, where the engine read none, at least that often
    #: (:func:`~ocrfix.correction.line_marks.unmarked_asks`: a writer who leaves out marks the LM expects)
    line_end_sparse: tuple[float, float] | None = None
    #: (share, margin): the margin in place of the line-end margin in a text where at least that share of the line
    #: ends the stage weighs surely lost a mark (:func:`~ocrfix.correction.line_marks.sure_share`: a page whose
    #: engine drops the marks hung past its full lines, and drops many)
    line_end_sure_share: tuple[float, float] | None = None
    #: (past, within): margins in place of the line-end margin in a text whose geometry tells, per wrapped line
    #: end, whether the printed line's box reaches past its column's measure with no mark read
    #: (:mod:`ocrfix.formats.line_reach`: an engine that boxed a hung mark's ink and dropped the mark) or not
    line_end_reach: tuple[float, float] | None = None
    #: the line-end stage's calibrated decision (:class:`~ocrfix.correction.line_marks.MarkGate`; None: the margin)
    line_end_gate: Path | None = None
    #: the line-end stage's marks picked by the mark-choice context model, the LM deciding only whether one
    #: goes back (:func:`~ocrfix.correction.mark_choice.line_end_picks`; needs a ``mark_choice``)
    line_end_mark_choice: bool = False
    #: a text whose marks read as garbled has them settled by the LM (:mod:`ocrfix.correction.garbled_marks`)
    garbled_marks: bool = False
    #: Han characters the engine lost inside a word are put back (:mod:`ocrfix.correction.han_insertions`)
    han_insertions: bool = False
    flat_misread: bool = False
    threshold: float | None = None  # one threshold on every text (None: the weights' own block rules)
    card: dict[str, Any] = field(default_factory=dict)
    #: (weight, reference) of the engine's confidences as channel evidence
    #: (:class:`~ocrfix.correction.engine.ConfidencePrior`; None: confidences unused)
    confidence: tuple[float, float] | None = None
    #: the same for a character with only its word's confidence (None: word confidences unused)
    word_confidence: tuple[float, float] | None = None
    #: a small LM of the profile's domain and its interpolation weight with the news LM (None: news only)
    domain_lm: Path | None = None
    domain_weight: float | None = None


#: The profile's switches (``profile.json`` key: the value where the key is absent, :class:`Profile`'s default).
SWITCHES = {f.name: f.default for f in fields(Profile) if f.name in (
    "line_end_marks", "line_end_marks_in_clean_print", "paragraph_end_habit", "line_end_mark_choice", "garbled_marks",
    "han_insertions", "flat_misread")}

#: The stage switches of a corrector given no profile (the shipped models): the line-end marks, the
#: garbled marks and the Han insertions run; every other switch is as in a profile that names none.
SHIPPED_STAGES = Profile("shipped", Path("."), garbled_marks=True, han_insertions=True)


def profiles_dir(models_dir: Path) -> Path:
    return models_dir / "profiles"


def shipped_profiles(models_dir: Path) -> list[str]:
    """Names of the profiles under ``models/profiles``."""
    root = profiles_dir(models_dir)
    return sorted(p.parent.name for p in root.glob(f"*/{PROFILE_FILE}")) if root.is_dir() else []


def _is_number(value: Any) -> bool:
    """Whether a JSON value is a number (JSON's true and false are not, though Python's bools are ints)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(manifest: Path, record: dict[str, Any], key: str, least: float, relation: str) -> float | None:
    """``record[key]``: a number ``>= least`` (``relation`` ">=") or ``> least`` (">"), or None where it is absent."""
    value = record.get(key)
    if value is None:
        return None
    if not (_is_number(value) and (value >= least if relation == ">=" else value > least)):
        raise ModelError(f"{manifest}: {key} must be a number {relation} {least:g}")
    return float(value)


def _two_numbers(manifest: Path, record: dict[str, Any], key: str, meaning: str) -> tuple[float, float] | None:
    """``record[key]``: two numbers >= 0 (``meaning`` names them in the error), or None where it is absent."""
    value = record.get(key)
    if value is None:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(_is_number(m) and m >= 0.0 for m in value)):
        raise ModelError(f"{manifest}: {key} must be two numbers >= 0 ({meaning})")
    return float(value[0]), float(value[1])


def _profile_directory(name_or_dir: str | Path, models_dir: Path) -> Path:
    """The directory of the profile ``name_or_dir``: that directory, or the shipped profile of that name."""
    directory = Path(name_or_dir)
    if (directory / PROFILE_FILE).is_file():
        return directory
    named = profiles_dir(models_dir) / str(name_or_dir)
    if "/" in str(name_or_dir) or not (named / PROFILE_FILE).is_file():
        have = ", ".join(shipped_profiles(models_dir)) or "none"
        raise ModelError(f"{name_or_dir}: no such profile (a directory with {PROFILE_FILE}, or one of: {have})")
    return named


def _manifest_record(manifest: Path) -> dict[str, Any]:
    """The record of the profile file ``manifest``, its checksums verified, its format and file keys checked."""
    verify_model(manifest)
    try:
        record = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{manifest}: unreadable profile ({exc})") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise ModelError(f"{manifest}: profile format {record.get('format') if isinstance(record, dict) else '?'}, "
                         f"this ocrfix reads format {FORMAT}")
    _check_types(manifest, record)
    unknown = set(record.get("files", {})) - set(FILE_KEYS)
    if unknown:
        raise ModelError(f"{manifest}: unknown files entries {sorted(unknown)} (known: {', '.join(FILE_KEYS)})")
    return record


def _check_types(manifest: Path, record: dict[str, Any]) -> None:
    """Refuse a profile whose name, files, rules, card or switches are of the wrong JSON type (a hand-edited
    ``"rules": null`` or ``"line_end_marks": "no"`` would otherwise crash later or switch a stage on)."""
    expected = {"name": (str, "a string"), "files": (dict, "an object"), "card": (dict, "an object"),
                **{key: (bool, "true or false") for key in SWITCHES}}
    for key, (kind, meaning) in expected.items():
        if key in record and not isinstance(record[key], kind):
            raise ModelError(f"{manifest}: {key} must be {meaning}")
    rules = record.get("rules", "all")
    if rules != "all" and not (isinstance(rules, list) and _strings(rules)):
        raise ModelError(f'{manifest}: rules must be "all" or a list of rule names')
    for key, value in record.get("files", {}).items():
        if key in FILE_KEYS and not (_strings(value) if key == "confusions" else isinstance(value, str)):
            raise ModelError(f"{manifest}: files entry {key} must be a file name" + (" or a list of them" if key == "confusions" else ""))


def _strings(value: Any) -> bool:
    """Whether a JSON value is a string or a list of strings."""
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(item, str) for item in value))


def load_profile(name_or_dir: str | Path, models_dir: Path) -> Profile:
    """The profile named ``name_or_dir`` (under ``models/profiles``) or in that directory.

    An incomplete profile (a missing file), one of another format version, or one whose files fail
    their recorded checksums is refused with a :class:`~ocrfix.errors.ModelError`."""
    directory = _profile_directory(name_or_dir, models_dir)
    manifest = directory / PROFILE_FILE
    record = _manifest_record(manifest)
    files = record.get("files", {})
    rules = record.get("rules", "all")
    threshold = _threshold(manifest, record)
    margin = _number(manifest, record, "line_end_margin", 0.0, ">=")
    page_prior = _number(manifest, record, "mark_page_prior", 0.0, ">")
    habit = _two_numbers(manifest, record, "line_end_habit", "dropped, read")
    sparse = _two_numbers(manifest, record, "line_end_sparse", "asks per 1,000 characters, margin")
    sure_share = _two_numbers(manifest, record, "line_end_sure_share", "share of line ends, margin")
    reach = _two_numbers(manifest, record, "line_end_reach", "past the measure, within it")
    prior, word_prior = (_prior(manifest, key, record.get(key)) for key in ("confidence", "word_confidence"))
    _check_mark_choice(manifest, record, files)
    domain_weight = _domain_weight(manifest, record, files)
    return Profile(
        name=str(record.get("name", directory.name)),
        directory=directory,
        **_resolved_files(manifest, directory, models_dir, files),
        mark_page_prior=page_prior,
        rules=None if rules == "all" else tuple(rules),
        line_end_margin=margin,
        line_end_habit=habit,
        line_end_sparse=sparse,
        line_end_sure_share=sure_share,
        line_end_reach=reach,
        **{key: bool(record.get(key, default)) for key, default in SWITCHES.items()},
        threshold=threshold,
        card=record.get("card", {}),
        confidence=prior,
        word_confidence=word_prior,
        domain_weight=domain_weight,
    )


def _threshold(manifest: Path, record: dict[str, Any]) -> float | None:
    """The profile's ``threshold``: a number in [0, 1], or None where it is absent."""
    threshold = record.get("threshold")
    if threshold is not None and not (_is_number(threshold) and 0.0 <= threshold <= 1.0):
        raise ModelError(f"{manifest}: threshold must be a number in [0, 1]")
    return None if threshold is None else float(threshold)


def _check_mark_choice(manifest: Path, record: dict[str, Any], files: dict[str, Any]) -> None:
    """Refuse a profile whose line-end mark choice lacks a ``mark_choice`` file, or whose
    ``mark_choice`` lacks the ``mark_context`` it completes."""
    if record.get("line_end_mark_choice") and "mark_choice" not in files:
        raise ModelError(f"{manifest}: line_end_mark_choice needs a mark_choice")
    if "mark_choice" in files and "mark_context" not in files:
        raise ModelError(f"{manifest}: a mark_choice needs the mark_context it completes")


def _domain_weight(manifest: Path, record: dict[str, Any], files: dict[str, Any]) -> float | None:
    """The weight of the profile's ``domain_lm``: a number in (0, 1); None without a domain_lm."""
    domain_weight = record.get("domain_weight")
    if "domain_lm" in files and not (_is_number(domain_weight) and 0.0 < domain_weight < 1.0):
        raise ModelError(f"{manifest}: a domain_lm needs a domain_weight in (0, 1)")
    return float(domain_weight) if "domain_lm" in files else None


def _resolved_files(manifest: Path, directory: Path, models_dir: Path, files: dict[str, Any]) -> dict[str, Any]:
    """The profile's ``files`` (by key) as paths, by :data:`FILE_KEYS`, the confusions a tuple
    of them (None without): relative to ``directory``, or to ``models_dir`` where one starts
    with :data:`MODELS_PREFIX`. A missing file is refused."""
    def resolve(relative: str) -> Path:
        base = models_dir if relative.startswith(MODELS_PREFIX) else directory
        path = (base / relative.removeprefix(MODELS_PREFIX)).resolve()
        if not path.is_file():
            raise ModelError(f"{manifest}: {relative} is missing: the profile is incomplete")
        return path

    found: dict[str, Any] = {key: resolve(files[key]) for key in FILE_KEYS if key in files and key != "confusions"}
    confusions = files.get("confusions")
    found["confusions"] = tuple(resolve(f) for f in ([confusions] if isinstance(confusions, str) else confusions)) if confusions else None
    return found


def _prior(manifest: Path, key: str, value: Any) -> tuple[float, float] | None:
    """A confidence prior's (weight, reference) from the manifest's ``key`` entry (None: absent)."""
    try:
        prior = None if value is None else (float(value["weight"]), float(value["reference"]))
    except (KeyError, TypeError, ValueError):
        prior = (-1.0, 0.0)
    if prior is not None and not (prior[0] >= 0 and 0.0 < prior[1] < 1.0):
        raise ModelError(f"{manifest}: {key} must be {{\"weight\": >= 0, \"reference\": in (0, 1)}}")
    return prior


class EngineTable(NamedTuple):
    """``engines.json``: (pattern, profile name) in order, and the profile of an unknown engine."""

    engines: tuple[tuple[re.Pattern[str], str], ...]
    unknown: str


class ProfileChoice(NamedTuple):
    """The profile picked for one file, and why: ``software`` is what the file names (None: nothing)."""

    name: str
    software: str | None


@lru_cache(maxsize=4)
def engine_table(models_dir: Path) -> EngineTable:
    """The engine table of ``models_dir`` (none there: every named engine is unknown)."""
    path = profiles_dir(models_dir) / ENGINES_FILE
    if not path.is_file():
        return EngineTable((), "generic")
    verify_model(path)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        engines = tuple((re.compile(e["pattern"], re.IGNORECASE), str(e["profile"])) for e in record["engines"])
        return EngineTable(engines, str(record.get("unknown", "generic")))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, re.error) as exc:
        raise ModelError(f"{path}: not an engine table ({type(exc).__name__}: {exc})") from None


def pick_profile(software: str | None, models_dir: Path, default: str) -> ProfileChoice:
    """The shipped profile for a file whose OCR software is ``software``: the first entry of the
    engine table whose pattern it matches, if that profile is installed, else the table's profile
    for an unknown engine; ``default`` when the file names no software (or only ocrfix)."""
    if not software or OWN_NAME.match(software):
        return ProfileChoice(default, None)
    table = engine_table(models_dir)
    installed = shipped_profiles(models_dir)
    named = next((name for pattern, name in table.engines if pattern.search(software)), None)
    return ProfileChoice(named if named in installed else table.unknown, software)


def pick_profile_for_text(text: str, models_dir: Path, default: str) -> HabitPick | None:
    """The shipped profile whose engine's habits ``text`` shows, for a file that names no OCR
    software, where it is installed and not ``default`` (:meth:`ocrfix.engine_habits.HabitModel.pick`);
    else None (the default stays)."""
    from .engine_habits import load_habits

    habits = load_habits(profiles_dir(models_dir) / HABITS_FILE)
    picked = habits.pick(text, default) if habits is not None else None
    return picked if picked is not None and picked.profile in shipped_profiles(models_dir) else None
