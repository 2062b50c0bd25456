"""Help: every command has a description and examples, every argument a description;
--debug and --quiet work before and after the command; short options where users expect them."""
from __future__ import annotations

import argparse
import importlib

import pytest

from ocrfix.cli import _subparsers, build_parser, main
from ocrfix.cli.train import ACTIONS
from ocrfix.errors import InputError

PARSER = build_parser()
COMMANDS = [((), PARSER)] + [(path, child) for path, child, _ in _subparsers(PARSER)]
#: `ocrfix train ACTION` hands its arguments to the training module's own parser.
TRAIN_ACTIONS = [(name, importlib.import_module(module).build_parser(f"ocrfix train {name}"))
                 for name, (module, _) in ACTIONS.items()]


def _undescribed(parser: argparse.ArgumentParser) -> list[str]:
    return [a.option_strings[0] if a.option_strings else a.dest for a in parser._actions
            if not a.help and not isinstance(a, (argparse._HelpAction, argparse._SubParsersAction))]


def test_every_command_is_listed() -> None:
    assert {path for path, _ in COMMANDS} >= {
        (), ("reflow",), ("correct",), ("eval",), ("lm", "train"), ("lm", "context"), ("lm", "eval"),
        ("confusions", "show"), ("confusions", "coverage"), ("confusions", "build"), ("confusions", "learn")}


@pytest.mark.parametrize("path,parser", COMMANDS, ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_help_describes_every_argument_and_shows_examples(path, parser) -> None:
    assert _undescribed(parser) == []
    assert parser.description and parser.description.strip()[-1] in ".)"
    assert parser.epilog and parser.epilog.startswith("examples:")
    examples = parser.epilog.splitlines()[1:]
    assert 1 <= len(examples) and all(line.lstrip().startswith("ocrfix ") for line in examples)
    for line in examples:  # each example names a command that exists and parses
        words = line.split("#")[0].split()[1:]
        if "COMMAND" not in words:
            assert PARSER.parse_args(words).handler


@pytest.mark.parametrize("name,parser", TRAIN_ACTIONS, ids=lambda x: x if isinstance(x, str) else "")
def test_train_actions_describe_every_argument_and_show_examples(name, parser) -> None:
    assert _undescribed(parser) == []
    assert parser.epilog and parser.epilog.startswith("examples:")
    for line in parser.epilog.splitlines()[1:]:  # each example is this action's and parses
        words = line.split("#")[0].split()
        assert words[:3] == ["ocrfix", "train", name]
        parser.parse_args(words[3:])


def test_examples_are_printed_as_written(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["confusions", "show", "--help"])
    out = capsys.readouterr().out
    assert "examples:\n  ocrfix confusions show 己 -k 5\n" in out
    assert "Candidates of a character" in out  # the one-line help became the description


@pytest.mark.parametrize("argv", [["--debug", "--quiet", "reflow", "x"], ["reflow", "x", "--debug", "--quiet"],
                                  ["--debug", "reflow", "--quiet", "x"], ["lm", "--quiet", "eval", "m", "t", "--debug"]])
def test_debug_and_quiet_anywhere(argv) -> None:
    args = PARSER.parse_args(argv)
    assert args.debug is True and args.quiet is True


def test_debug_and_quiet_default_off() -> None:
    args = PARSER.parse_args(["reflow", "x"])
    assert args.debug is False and args.quiet is False


def test_debug_after_the_command_shows_the_traceback(tmp_path, capsys) -> None:
    missing = str(tmp_path / "missing.txt")
    assert main(["eval", "--gt", missing, "--hyp", missing]) == 2
    assert capsys.readouterr().err.startswith("ocrfix: error: ")
    with pytest.raises(InputError):
        main(["eval", "--gt", missing, "--hyp", missing, "--debug"])


def test_show_takes_short_k() -> None:
    assert PARSER.parse_args(["confusions", "show", "已", "-k", "5"]).k == 5
