"""Command-line verbs, named the way users think: play, validate, classify, schema, graph."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.errors import BotError, ScenarioError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    play = sub.add_parser("play", help="practise a scenario in the terminal")
    play.add_argument("scenario", nargs="?", help="scenario id (lists them when omitted)")
    play.add_argument("--seed", type=int, default=0, help="seed for the partner's line choice")
    play.add_argument("--dialogues", type=Path, help="folder of scenario files")
    play.add_argument("--no-feedback", action="store_true", help="practise without feedback")

    validate = sub.add_parser("validate", help="check scenario files")
    validate.add_argument("paths", nargs="*", type=Path, help="files or folders")

    classify = sub.add_parser("classify", help="show how messages are read (JSON lines)")
    classify.add_argument("--scenario", help="scenario id for move recognition")
    classify.add_argument("--dialogues", type=Path, help="folder of scenario files")

    test = sub.add_parser("test", help="run test transcripts (default: dialogues/tests)")
    test.add_argument("paths", nargs="*", type=Path, help="transcript files or folders")
    test.add_argument("--dialogues", type=Path, help="folder of scenario files")

    sub.add_parser("schema", help="print the scenario format as JSON Schema")

    graph = sub.add_parser("graph", help="print a scenario's states as a Mermaid diagram")
    graph.add_argument("scenario", type=Path, help="scenario file")

    run = sub.add_parser("run", help="run the Telegram bot")
    run.add_argument("--check", action="store_true", help="check settings and exit")
    return parser


def _show_fitting_progress() -> None:
    """An educator who edited examples sees why the first start takes seconds.

    The move model's notes about fitting go to stderr as plain sentences;
    its warnings keep their level. stdout (``classify``'s JSON) is untouched.
    """
    notes = logging.getLogger("bot.recognition.moves")
    if any(isinstance(h.formatter, _PlainInfo) for h in notes.handlers):
        return  # main() run again in one process: one note, not two
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_PlainInfo())
    notes.addHandler(handler)
    notes.setLevel(logging.INFO)
    notes.propagate = False


class _PlainInfo(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text if record.levelno == logging.INFO else f"{record.levelname} {text}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run one verb; user errors print one line and exit 2, never a traceback.

    Anything unexpected is logged (token redacted) and exits 1.
    """
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.command in ("play", "classify", "test"):
        _show_fitting_progress()
    try:
        if args.command == "play":
            from bot.cli.play import play

            return play(args.scenario, seed=args.seed, folder=args.dialogues,
                        feedback=not args.no_feedback)
        if args.command == "validate":
            from bot.cli.validate import validate

            return validate(args.paths)
        if args.command == "classify":
            from bot.cli.classify import classify

            return classify(args.scenario, folder=args.dialogues)
        if args.command == "test":
            from bot.cli.transcripts import test_transcripts

            return test_transcripts(args.paths, folder=args.dialogues)
        if args.command == "schema":
            from bot.cli.schema import schema

            return schema()
        if args.command == "graph":
            from bot.cli.graph import graph

            return graph(args.scenario)
        if args.command == "run":
            from bot.telegram.run import run

            return int(run(check_only=args.check))
    except ScenarioError as exc:  # already "file:line:col: error: ..." per problem
        print(exc, file=sys.stderr)
        return 2
    except BotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:
        # Through logging, not the interpreter's hook: once ``run`` has configured logging,
        # the handlers' RedactingFormatter hides the token in the message and traceback.
        logging.getLogger(__name__).critical("stopped by an unexpected error", exc_info=True)
        return 1
    return 2
