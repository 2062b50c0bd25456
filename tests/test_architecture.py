"""The runtime stands apart from the training side: no runtime module imports ``ocrfix.training``,
and correcting a page through the CLI loads neither it nor the ``train`` extra's libraries."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import ocrfix

PACKAGE = Path(ocrfix.__file__).parent
#: Packages allowed to reach the training side: the CLI (its build/train subcommands) and training itself.
EDGES = ("cli", "training")


def imported_modules(path: Path) -> set[str]:
    """Absolute names of the ocrfix modules ``path`` imports (relative imports resolved)."""
    package = ["ocrfix", *path.relative_to(PACKAGE).parent.parts]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n for n in names if n.startswith("ocrfix")}


def test_no_runtime_module_imports_the_training_side():
    runtime = [p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] not in EDGES]
    assert len(runtime) > 30
    offenders = {str(p.relative_to(PACKAGE)): sorted(m for m in imported_modules(p) if m.startswith("ocrfix.training"))
                 for p in runtime}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_import_check_sees_relative_imports():
    assert "ocrfix.training.fit" in imported_modules(PACKAGE / "training" / "measure.py")
    assert "ocrfix.correction.corrector" in imported_modules(PACKAGE / "training" / "fit.py")


TRAIN_EXTRA = ("sklearn", "matplotlib", "PIL", "pypinyin")


def loaded_after(code: str, forbidden: str) -> None:
    """Run ``code`` in a fresh interpreter, then fail if a module matching ``forbidden`` (a Python
    expression over the module name ``m``) was loaded."""
    check = f"; import sys; bad = sorted(m for m in sys.modules if {forbidden}); assert not bad, bad"
    run = subprocess.run([sys.executable, "-c", code + check], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_correcting_a_page_with_the_library_loads_no_training_code(models):
    model, confusions, weights = models[1], models[3], models[5]
    loaded_after(f"import ocrfix, ocrfix.batch; r = ocrfix.correct('我们在北京工乍。', model={model!r}, "
                 f"confusions={confusions!r}, weights={weights!r}); assert r.text == '我们在北京工作。\\n', r",
                 f"m.startswith('ocrfix.training') or m.split('.')[0] in {TRAIN_EXTRA!r}")


def test_correcting_a_page_with_the_cli_loads_no_model_builders(models, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("我们在北京工乍。\n", encoding="utf-8")
    loaded_after(f"from ocrfix.cli import main; assert main(['correct', {str(page)!r}, '-o', {str(tmp_path / 'out.txt')!r}, "
                 f"*{models!r}]) == 0",
                 f"m.startswith('ocrfix.training.confusions') or m.split('.')[0] in {TRAIN_EXTRA!r}")
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "我们在北京工作。\n"
