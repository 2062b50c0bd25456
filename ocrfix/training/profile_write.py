"""Writing a fitted profile directory: built in a temporary directory beside the output,
checksummed, then renamed into place, so a failing step never leaves a half-built profile.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..checksums import write_checksums
from ..confusions.length import LENGTH_FILE
from ..confusions.variants import VARIANTS_FILE, load_variants
from ..errors import InputError
from ..profiles import FORMAT, MODELS_PREFIX, PROFILE_FILE
from ..settings import load_settings
from ..textio import write_text_atomic
from .lm.domain import DOMAIN_FILE

#: A fitted profile's mark-choice files: the engine's part, and the context model where it is not the shipped one.
MARK_CHOICE_FILE = "mark_choice.json"
MARK_CONTEXT_FILE = "mark_context.json"

if TYPE_CHECKING:
    from .profile_fit import Fitted

def _models_relative(path: Path) -> str | None:
    """``models:REL`` for a file of the models directory, else ``None``."""
    models_dir = load_settings().models_dir.resolve()
    try:
        return MODELS_PREFIX + path.resolve().relative_to(models_dir).as_posix()
    except ValueError:
        return None


def write_profile(fitted: Fitted, output: str | Path, inputs: Sequence[str | Path] = (), force: bool = False) -> Path:
    """Write ``fitted`` as a profile directory at ``output``: built in a temporary directory beside
    it, checksummed, then renamed into place (an existing one only with ``force``, replaced whole)."""
    output = Path(output)
    _refuse_inputs(output, inputs)
    if output.exists() and not force:
        raise InputError(f"{output}: already exists (use --force to replace it)")
    if output.exists() and not (output / PROFILE_FILE).is_file():
        raise InputError(f"{output}: exists and is not a profile directory; not replacing it")
    output.parent.mkdir(parents=True, exist_ok=True)
    with _staging(output) as stage:
        files = {"weights": "weights.json", "confusions": _confusion_files(fitted, stage), "misread": "misread.tsv"}
        fitted.misread.save(stage / "misread.tsv", header=["misread rates learned by ocrfix fit"])
        fitted.weights.save(stage / "weights.json")
        files["variants"] = _variants_file(fitted, stage)
        if fitted.stages.length is not None:
            fitted.stages.length.save(stage / LENGTH_FILE, header=["length channel learned by ocrfix fit"])
            files["length"] = LENGTH_FILE
        if fitted.stages.mark_choice is not None:
            files.update(_mark_choice_files(fitted, stage))
        if fitted.domain is not None:
            (stage / DOMAIN_FILE).write_bytes(fitted.domain.data)
            files["domain_lm"] = DOMAIN_FILE
        write_text_atomic(stage / PROFILE_FILE, json.dumps(_record(fitted, files), ensure_ascii=False, indent=1) + "\n")
        write_checksums(stage)
        _install(stage, output)
    return output


def _confusion_files(fitted: Fitted, stage: Path) -> list[str]:
    """The profile's confusion sets, written into ``stage`` where they are no shipped ones: the base
    sets (a shipped one by its ``models:`` path), then the learned channel (where it has entries)."""
    base_files = []
    for number, path in enumerate(fitted.base_confusions):
        shipped = _models_relative(path)
        if shipped is None:
            shutil.copyfile(path, stage / f"base{number}.tsv")
        base_files.append(shipped or f"base{number}.tsv")
    if len(fitted.learned):
        boost = fitted.card.get("learned_boost", 1.0)
        scores = "P(seen | true), Witten-Bell" + (f", times {boost:g} (capped at 1)" if boost != 1.0 else "")
        fitted.learned.save(stage / "learned.tsv", comments=[f"channel learned by ocrfix fit: {scores}"])
        base_files.append("learned.tsv")
    return base_files


def _mark_choice_files(fitted: Fitted, stage: Path) -> dict[str, str]:
    """The profile's mark-choice files: the engine's part, written into ``stage``, and the context model (the
    shipped one by its ``models:`` path, else a copy written beside it)."""
    write_text_atomic(stage / MARK_CHOICE_FILE, fitted.stages.mark_choice.engine_json(
        note="written by ocrfix fit; the profile card's mark_choice says where the channel comes from"))
    context = fitted.mark_context and _models_relative(fitted.mark_context)
    if context is None:
        write_text_atomic(stage / MARK_CONTEXT_FILE, fitted.stages.mark_choice.context_json())
        context = MARK_CONTEXT_FILE
    return {"mark_choice": MARK_CHOICE_FILE, "mark_context": context}


def _variants_file(fitted: Fitted, stage: Path) -> str:
    """The profile's variant table: the shipped one it uses (its ``models:`` path), else its own,
    written into ``stage`` (empty where the stage is off)."""
    variants = _models_relative(fitted.variants) if fitted.stages.variants and fitted.variants else None
    if variants is None:  # off (or not shipped): the profile's own table
        table = load_variants(fitted.variants) if fitted.stages.variants and fitted.variants else {}
        write_text_atomic(stage / VARIANTS_FILE, "# traditional<TAB>simplified\n" + "".join(f"{t}\t{s}\n" for t, s in table.items()))
        variants = VARIANTS_FILE
    return variants


def _record(fitted: Fitted, files: dict[str, Any]) -> dict[str, Any]:
    """The profile file's record: its ``files``, its stages' settings (those off left out) and its card."""
    record = {"format": FORMAT, "name": fitted.name, "files": files, "rules": list(fitted.stages.rules),
              "line_end_marks": fitted.stages.line_end_marks}
    if fitted.domain is not None:
        record["domain_weight"] = fitted.domain.weight
    if fitted.stages.line_end_margin is not None:
        record["line_end_margin"] = fitted.stages.line_end_margin
    if fitted.stages.line_end_reach is not None:
        record["line_end_reach"] = list(fitted.stages.line_end_reach)
    if fitted.stages.clean_print_marks:
        record["line_end_marks_in_clean_print"] = True
    if fitted.stages.garbled_marks:
        record["garbled_marks"] = True
    if fitted.stages.mark_choice is not None:
        record["mark_page_prior"] = fitted.stages.mark_choice.page_prior
        record["line_end_mark_choice"] = fitted.stages.line_end_mark_choice
    record["card"] = fitted.card
    return record


def _refuse_inputs(output: Path, inputs: Iterable[str | Path]) -> None:
    out = output.resolve()
    for item in inputs:
        path = Path(item).resolve()
        if out == path or out in path.parents or path in out.parents:
            raise InputError(f"{output}: the profile would be written over or into an input ({item}); choose another directory")


@contextmanager
def _staging(output: Path) -> Iterator[Path]:
    stage = Path(tempfile.mkdtemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(stage, 0o777 & ~umask)  # a directory like any other, not mkdtemp's private one
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _install(stage: Path, output: Path) -> None:
    """Rename ``stage`` to ``output``; an existing ``output`` is moved aside first and removed after."""
    old = None
    if output.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{output.name}.", suffix=".old", dir=output.parent))
        os.rmdir(old)
        os.rename(output, old)
    try:
        os.rename(stage, output)
    except OSError:
        if old is not None:
            os.rename(old, output)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
