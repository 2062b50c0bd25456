"""`ocrfix train`: build and measure the corrector's own models (see docs/correct.md).

Each action is a training module's own command line, run as it is: its options are listed by
'ocrfix train ACTION --help'. The confusion sets and the LM have their builders under
'ocrfix confusions' and 'ocrfix lm'.
"""
from __future__ import annotations

import argparse
import importlib

#: action -> (training module, one-line help)
ACTIONS = {
    "weights": ("ocrfix.training.fit", "fit and calibrate the corrector's weights on OCR/GT page pairs"),
    "crossfit": ("ocrfix.training.crossfit", "build one fold's cross-fit LM, misread rates and confusion set"),
    "measure": ("ocrfix.training.measure", "fixed and introduced errors of a corrector on page pairs, per threshold or rule"),
    "lm-sweep": ("ocrfix.training.lm.sweep", "measure LM orders x pruning on held-out text"),
    "quality": ("ocrfix.training.quality", "fit the model that estimates a page's OCR CER without its ground truth"),
}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("train", help="build and measure the corrector's weights and cross-fit models",
                            description=__doc__.split("\n\n")[1].replace("\n", " "))
    actions = parser.add_subparsers(dest="train_command", metavar="ACTION", required=True)
    for name, (module, text) in ACTIONS.items():
        # every argument goes to the module's own parser ('+' is no option prefix here, so
        # '--pages' and '--help' pass through)
        action = actions.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".", add_help=False,
                                     prefix_chars="+")
        action.add_argument("args", nargs=argparse.REMAINDER, metavar="...",
                            help=f"the options of {module} (ocrfix train {name} --help lists them)")
        action.set_defaults(handler=_run, module=module, action=name)


def _run(args: argparse.Namespace) -> int:
    return importlib.import_module(args.module).main(args.args, prog=f"ocrfix train {args.action}")
