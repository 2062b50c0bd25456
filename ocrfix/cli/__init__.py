"""Command-line interface: argparse subcommands mapped onto library calls.

Each subcommand lives in its own module with ``register(subparsers)``; the module's
handler receives the parsed arguments and calls the library. Errors the user can fix
(:class:`ocrfix.errors.OcrfixError`) become one line on stderr and a non-zero exit.
"""
from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import os
import signal
import sys
import threading
from collections.abc import Iterator

from ..errors import OcrfixError

#: Subcommand modules, in the order ``ocrfix --help`` lists them.
COMMAND_MODULES = ("reflow", "correct", "apply", "review", "eval", "fit", "lm", "confusions", "train")
#: Top-level modules of the ``train`` extra (pyproject.toml): needed only to build models.
TRAIN_EXTRA = frozenset({"sklearn", "PIL", "matplotlib", "pypinyin"})


class _Version(argparse.Action):
    """``--version``: ocrfix's and kenlm's versions and whether the compiled look-up loop is in
    use (worked out only when asked: it imports kenlm)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib.metadata import version

        from .. import __version__
        from ..lm.model import native_loop_built

        loop = "compiled" if native_loop_built() else "Python (the compiled loop is not built: bash install.sh)"
        try:
            print(f"ocrfix {__version__} (kenlm {version('kenlm')}; LM look-up loop: {loop})")
            sys.stdout.flush()  # a full disk fails here, not in the interpreter's exit
        except OSError as exc:
            parser.exit(OcrfixError.exit_code, _cannot_print(exc) + "\n")
        parser.exit()


def _cannot_print(exc: OSError) -> str:
    """The error line of printed output that could not be written (stdout on a full disk)."""
    from ..textio import os_reason

    return f"ocrfix: error: {exc.filename or '-'}: cannot write the output ({os_reason(exc)})"


class _Formatter(argparse.HelpFormatter):
    """Descriptions wrapped as usual; an epilog of examples printed as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return "\n".join(indent + line for line in text.splitlines())
        return super()._fill_text(text, width, indent)


def _common_options(parser: argparse.ArgumentParser, top: bool) -> None:
    """``--debug`` and ``--quiet``, accepted before and after the command: a subcommand's copy
    has no default, so it never overwrites what was given before the command."""
    default = False if top else argparse.SUPPRESS
    parser.add_argument("--debug", action="store_true", default=default, help="show a traceback on errors")
    parser.add_argument("--quiet", action="store_true", default=default,
                        help="no progress bar or summary on stderr (errors are still reported)")


def _subparsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
                ) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser, str]]:
    """Every (sub)command parser below ``parser`` with its command path, e.g. ("lm", "train"),
    and its one-line help."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, child in action.choices.items():
                yield (*path, name), child, helps.get(name, "")
                yield from _subparsers(child, (*path, name))


def build_parser() -> argparse.ArgumentParser:
    from .examples import EXAMPLES

    parser = argparse.ArgumentParser(
        prog="ocrfix",
        description="Post-correct Chinese newspaper OCR: reflow, correct, evaluate.",
        epilog=EXAMPLES[()], formatter_class=_Formatter,
    )
    parser.add_argument("--version", action=_Version, help="show the versions and the LM look-up loop in use, and exit")
    _common_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    for path, child, summary in _subparsers(parser):
        child.formatter_class = _Formatter
        child.description = child.description or summary[:1].upper() + summary[1:] + "."
        child.epilog = EXAMPLES.get(path, child.epilog)
        _common_options(child, top=False)
    return parser


def _exit_on_signal(signum: int, frame: object) -> None:
    """SIGTERM/SIGHUP end the run like an error: ``finally`` blocks remove temporary files."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)  # imports the commands' modules: Ctrl-C may come here
    except KeyboardInterrupt:
        return _interrupted()
    caught = {}
    if threading.current_thread() is threading.main_thread():
        caught = {signum: signal.signal(signum, _exit_on_signal) for signum in (signal.SIGTERM, signal.SIGHUP)
                  if signal.getsignal(signum) == signal.SIG_DFL}
    try:
        with _progress_bars(shown=not args.quiet):
            return _run(args)
    finally:
        for signum, previous in caught.items():
            signal.signal(signum, previous)


@contextlib.contextmanager
def _progress_bars(shown: bool) -> Iterator[None]:
    """``--quiet`` silences every command's progress bars, not only those a command passes it to: the
    bars are tqdm's, which takes ``TQDM_DISABLE`` as its default when it is imported, and the commands
    import it only after the command line is parsed (their worker and child processes inherit it)."""
    if shown or "TQDM_DISABLE" in os.environ:
        yield
        return
    os.environ["TQDM_DISABLE"] = "1"
    try:
        yield
    finally:
        del os.environ["TQDM_DISABLE"]


def entry() -> None:
    """The ``ocrfix`` program: :func:`main`, then exit with its status. Once the command is over (its
    work done, its files and logs written), SIGINT, SIGTERM and SIGHUP are ignored: the interpreter's
    shutdown resets Python's handlers to the default action, and a signal arriving then would turn a
    finished run into one killed by it (exit -2, -15) instead of the command's own status."""
    status = 130
    try:
        status = main()
    except KeyboardInterrupt:  # in the command's last instructions, after its own handling
        status = _interrupted()
    except SystemExit as exc:  # argparse: --help, a usage error
        status = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
    sys.exit(status)


def _interrupted() -> int:
    print("ocrfix: interrupted", file=sys.stderr)
    return 130


def _run(args: argparse.Namespace) -> int:
    try:
        status = int(args.handler(args) or 0)
        sys.stdout.flush()  # what is printed fails here, on a full disk, not in the interpreter's exit
        return status
    except OcrfixError as exc:
        if args.debug:
            raise
        print(f"ocrfix: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return _interrupted()
    except BrokenPipeError:
        # Output closed early (e.g. piped into head): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except MemoryError:
        print("ocrfix: error: out of memory; split the input into smaller files", file=sys.stderr)
        return 3
    except Exception as exc:  # noqa: BLE001 - last resort: one line, never a traceback
        if args.debug:
            raise
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):  # printing to a full disk
            print(_cannot_print(exc), file=sys.stderr)
            return OcrfixError.exit_code
        if isinstance(exc, ModuleNotFoundError) and (exc.name or "").split(".")[0] in TRAIN_EXTRA:
            print(f"ocrfix: error: this command builds models and needs the train extra ({exc.name} is missing): "
                  "pip install 'ocrfix[train]'", file=sys.stderr)
            return OcrfixError.exit_code
        print(f"ocrfix: internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)", file=sys.stderr)
        return 4


if __name__ == "__main__":
    sys.exit(main())
