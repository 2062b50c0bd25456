"""What a correction run is asked to do, as one typed value passed from the CLI (or an API
caller) to :mod:`ocrfix.batch` and its worker processes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import InputError
from .profiles import DEFAULT_PROFILE

if TYPE_CHECKING:
    from .correction.corrector import Corrector
    from .quality import QualityModel


@dataclass(frozen=True)
class CorrectOptions:
    """The models (``None``: the shipped default), the corrector's settings and the file handling.

    ``threshold``: minimum calibrated probability of an edit on every text (``None``: the
    weights' own, with their noisy-scan and clean-print thresholds); ``keep``: words never
    edited; ``rules``: apply the symbol rules; ``reflow``: join column-wrapped lines of plain
    text first; ``encoding``: of the input files (``None``: UTF-8 only); ``input_format`` /
    ``output_format``: one of :data:`ocrfix.formats.FORMATS` (``None``: detected / the input's own);
    ``profile``: the engine profile, a name under ``models/profiles`` or a directory (``None``: for
    an hOCR/ALTO/PAGE file that names its OCR software the profile picked from that name,
    :func:`ocrfix.profiles.pick_profile`; for one that names none ``OCRFIX_PROFILE``, else the
    profile its text's habits pick, :func:`ocrfix.profiles.pick_profile_for_text`, else
    ``tesseract``); the model paths above override its files.
    """

    model: str | None = None
    confusions: tuple[str, ...] | None = None
    weights: str | None = None
    misread: str | None = None
    threshold: float | None = None
    keep: frozenset[str] = frozenset()
    rules: bool = True
    reflow: bool = True
    encoding: str | None = None
    input_format: str | None = None
    output_format: str | None = None
    profile: str | None = None
    #: the page quality model (``None``: the shipped one where the corrector reads with the shipped LM)
    quality: str | None = None

    def __post_init__(self) -> None:
        if self.threshold is not None and not 0.0 <= self.threshold <= 1.0:
            raise InputError("--threshold must be between 0 and 1")

    @property
    def chosen_profile(self) -> str | None:
        """The profile the caller chose (this run's, else ``OCRFIX_PROFILE``), or None: every input
        naming no OCR software gets it."""
        from .settings import load_settings

        return self.profile or load_settings().default_profile

    @property
    def profile_name(self) -> str:
        """The profile of an input that names no OCR software: the chosen one, else the default."""
        return self.chosen_profile or DEFAULT_PROFILE

    def quality_model(self, corrector: "Corrector") -> "QualityModel | None":
        """The model that estimates each page's OCR CER from ``corrector``'s reading of it: ``quality``,
        else the shipped one where ``corrector`` reads with the LM it was fitted for; None without one."""
        from .quality import QualityModel, shipped_quality_model

        return QualityModel.load(self.quality) if self.quality else shipped_quality_model(corrector.lm)

    def corrector(self, profile: str | None = None, like: "Corrector | None" = None) -> "Corrector":
        """The corrector these options describe (loads its models); with ``profile`` (picked for a
        file) instead of their own, sharing the loaded LM of ``like`` when given."""
        from .correction.corrector import Corrector
        from .lm.context import context_path
        from .profiles import shipped_profiles
        from .settings import load_settings

        settings = load_settings()
        model = self.model or settings.default_lm
        shared = {} if like is None else {"model": like.lm, "context": like.context or context_path(model),
                                          "glyphs": like.featurizer.glyphs}
        name: str | None = profile or self.profile_name
        if name == DEFAULT_PROFILE and name not in shipped_profiles(settings.models_dir):
            name = None  # a models directory without profiles: its own files are the default
        return Corrector(**{"model": model, **shared}, confusions=self.confusions, weights=self.weights,
                         misread=self.misread, threshold=self.threshold, keep=self.keep, rules=self.rules, profile=name)
