"""``python -m bot play``: practise in the terminal with the same engine as the bot.

At a terminal it is interactive; with piped input it reads one trainee
message per line and prints plainly, so practice runs can be scripted.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.catalogue import t
from bot.engine.feedback import render_plain, turns_left_text
from bot.engine.practice import Practice
from bot.engine.session import Session
from bot.engine.summary import render_summary, render_transcript, summarize
from bot.errors import UnknownScenarioError
from bot.library import default_recognizer, find_scenario, list_scenarios
from bot.settings import load_settings


class _Terminal:
    """Input and output, with a prompt and colour only when a person is typing."""

    def __init__(self, stdin: TextIO, stdout: TextIO) -> None:
        self.stdin, self.stdout = stdin, stdout
        self.interactive = stdin.isatty() and stdout.isatty()

    def say(self, text: str = "", style: str = "") -> None:
        if self.interactive and style:
            codes = {"bold": "1", "dim": "2", "partner": "1;36", "warn": "33"}
            text = f"\033[{codes[style]}m{text}\033[0m"
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def ask(self, prompt: str) -> str | None:
        if self.interactive:
            try:
                return input(prompt)
            except EOFError:
                return None
        line = self.stdin.readline()
        if not line:
            return None
        line = line.rstrip("\n")
        self.say(f"{prompt}{line}")
        return line


def _choose(term: _Terminal, folder: Path) -> str | None:
    scenarios = list_scenarios(folder)
    term.say(t("play.scenarios"), "bold")
    for i, s in enumerate(scenarios, 1):
        term.say(f"  {i}. {s.id}: {s.text(s.spec.title)}")
    answer = term.ask(t("play.choose"))
    if answer is None:
        return None
    answer = answer.strip()
    if answer.isdigit() and 1 <= int(answer) <= len(scenarios):
        return scenarios[int(answer) - 1].id
    return answer


def _brief(term: _Terminal, practice: Practice, session: Session) -> None:
    s = practice.scenario
    lang = session.language
    term.say(s.text(s.spec.title, lang), "bold")
    term.say(s.text(s.spec.brief.situation, lang))
    term.say(s.text(s.spec.brief.goal, lang), "bold")
    term.say(t("play.commands", lang, name=s.partner_name(lang)), "dim")
    term.say()
    _partner(term, practice, session, session.opening)


def _partner(term: _Terminal, practice: Practice, session: Session, line: str) -> None:
    name = practice.scenario.partner_name(session.language)
    term.say(f"{name}: {line}", "partner")


def _options(term: _Terminal, practice: Practice, session: Session) -> None:
    options = practice.options(session)
    if options:
        term.say(t("play.options", session.language), "dim")
        for o in options:
            term.say(f"  /{o.index + 1}  {o.text}", "dim")


def _finish(term: _Terminal, practice: Practice, session: Session) -> None:
    """The end-of-session summary and the meter's curve."""
    scenario, lang = practice.scenario, session.language
    term.say()
    term.say(render_summary(summarize(scenario, session), scenario, lang), "bold")
    label = scenario.text(scenario.spec.meter.label, lang)
    curve = " → ".join(str(v) for v in session.meter_curve)
    term.say(t("play.curve", lang, label=label, curve=curve), "dim")
    # A debrief may send the trainee to "the transcript" (thirtieth play-test:
    # the terminal had none).
    term.say(t("play.transcript_hint", lang), "dim")


def play(
    scenario_id: str | None,
    *,
    seed: int = 0,
    folder: Path | None = None,
    feedback: bool = True,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Run a practice conversation until the trainee quits or input ends."""
    term = _Terminal(stdin or sys.stdin, stdout or sys.stdout)
    folder = folder or load_settings().dialogues_dir
    if scenario_id is None:
        scenario_id = _choose(term, folder)
        if scenario_id is None:
            return 0
    try:
        scenario = find_scenario(folder, scenario_id)
    except UnknownScenarioError:
        term.say(t("play.unknown", name=scenario_id), "warn")
        return 2
    if term.interactive:  # a new or edited scenario is fitted first: say why we wait
        title = scenario.text(scenario.spec.title)
        term.say(t("play.loading", scenario.language, name=title), "dim")
    practice = Practice(scenario, default_recognizer(scenario))
    session = practice.start(seed=seed)
    _brief(term, practice, session)
    lang = session.language
    finished = False  # ended by the scenario, or early with /end
    while True:
        finished = finished or session.ended
        if not finished:
            _options(term, practice, session)
        text = term.ask(f"{t('play.you', lang)}: ")
        if text is None or text.strip() == "/quit":
            term.say(t("play.bye", lang))
            return 0
        command = text.strip()
        if command == "/hint":
            hint = practice.hint(session)
            term.say(t("play.hint", lang, hint=hint) if hint else t("play.no_hint", lang), "dim")
            continue
        if command == "/transcript":
            term.say(render_transcript(practice.scenario, session))
            continue
        if command == "/restart":
            term.say(t("play.restarted", lang), "dim")
            session = practice.start(seed=seed + 1)
            finished = False
            _brief(term, practice, session)
            continue
        if finished:
            term.say(t("play.ended", lang), "dim")
            continue
        if not command:
            continue
        if command == "/end":
            term.say(t("play.ended_early", lang), "dim")
            _finish(term, practice, session)
            finished = True
            continue
        option = None
        if command.startswith("/") and " " not in command:
            # A mistyped command is not a message to Sam, and costs no turn.
            number = command[1:]
            options = practice.options(session)
            if number.isdigit() and 0 < int(number) <= len(options):
                option = int(number) - 1
                # what Sam hears, not "/2"
                term.say(t("play.picked", lang, text=options[option].text))
            else:
                term.say(t("play.unknown_command", lang, command=command), "warn")
                continue
        result = practice.turn(session, text, option=option)
        if result.feedback.help:  # a question for the bot: answered, Sam says nothing
            term.say(render_plain(result.feedback, lang), "dim")
            continue
        _partner(term, practice, session, result.reply)
        if feedback:
            body = render_plain(result.feedback, lang)
            term.say("\n".join(f"  {line}" for line in body.splitlines()), "dim")
        elif (left := turns_left_text(result.feedback, lang)) is not None:
            term.say(f"  {left}", "dim")  # about the call, not the trainee: always shown
        if result.ended:
            _finish(term, practice, session)
