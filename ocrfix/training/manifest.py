"""Build manifests: a JSON file beside each built model (``NAME.build.json``) recording the
command that built it, its inputs and the date, for people and for :mod:`.crossfit`, which
reruns a shipped set's command with its own inputs."""
from __future__ import annotations

import json
import shlex
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from ..errors import InputError
from ..textio import write_text_atomic

SUFFIX = ".build.json"


@dataclass(frozen=True)
class BuildManifest:
    command: tuple[str, ...]  # ocrfix's arguments that built the file, e.g. ("confusions", "merge", ...)
    inputs: tuple[str, ...] = ()  # the files it read
    date: str = ""  # UTC, ISO 8601

    def arguments(self, *subcommand: str) -> list[str]:
        """The arguments after ``subcommand`` (e.g. ``"confusions", "merge"``); InputError if the
        file was built by another command."""
        if self.command[:len(subcommand)] != subcommand:
            raise InputError(f"built by 'ocrfix {shlex.join(self.command)}', not by 'ocrfix {' '.join(subcommand)}'")
        return list(self.command[len(subcommand):])


def manifest_path(artefact: str | Path) -> Path:
    artefact = Path(artefact)
    return artefact.with_name(artefact.name + SUFFIX)


def write_manifest(artefact: str | Path, command: Sequence[str], inputs: Sequence[str | Path] = ()) -> None:
    """Record beside ``artefact`` that ``ocrfix COMMAND...`` built it from ``inputs``, now."""
    record = BuildManifest(tuple(map(str, command)), tuple(map(str, inputs)),
                           datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    write_text_atomic(manifest_path(artefact), json.dumps(asdict(record), ensure_ascii=False, indent=1) + "\n")


def read_manifest(artefact: str | Path) -> BuildManifest:
    """The build manifest beside ``artefact``; InputError if it is missing or unreadable."""
    path = manifest_path(artefact)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        return BuildManifest(tuple(record["command"]), tuple(record.get("inputs", ())), str(record.get("date", "")))
    except FileNotFoundError:
        raise InputError(f"{path}: no build manifest for {artefact} (rebuild it with its ocrfix command)") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: not a build manifest ({exc})") from None
