"""The end-of-session summary: outcome, meter curve, skill statistics, transcript.

Thresholds follow the MITI competence levels counselling educators use:
reflections per question (fair 1:1, good 2:1) and the share of reflections
that are complex (fair 40 %, good 50 %).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.catalogue import format_decimal, t
from bot.engine.acts import left_out_acts, only_doubted, sure_poor, turn_acts, unsure_poor
from bot.engine.feedback import is_short_reply
from bot.engine.practice import condition_values
from bot.engine.recognition import ADHERENT, NON_ADHERENT, heard_skills
from bot.engine.session import Session
from bot.scenario.model import Scenario


@dataclass
class Summary:
    """Numbers about one session, ready to render."""

    title: str
    ending: str | None
    ending_title: str
    outcome: str
    debrief: str
    turns: int
    curve: list[int]
    good: int
    poor: int
    unclear: int
    questions: int
    reflections: int
    complex_reflections: int
    adherent: int
    non_adherent: int
    move_counts: Counter[str] = field(default_factory=Counter)
    #: Replies of a word or two with no move ("exactly", "ok"), counted apart
    #: from messages not understood.
    short: int = 0
    #: Poor moves read under POOR_SURE, which the turn's feedback told as "not sure".
    unsure: Counter[str] = field(default_factory=Counter)

    #: Reflections whose kind was read as simple: with the complex ones, the
    #: share's base. A reflection counted only because a move declares it (beside
    #: a question) has no kind read, and must not count as a simple one.
    simple_reflections: int = 0
    #: Questions and reflections of turns with an unhelpful move, which the
    #: figures leave out: the summary says so (``acts.left_out_acts``).
    left_out: Counter[str] = field(default_factory=Counter)

    @property
    def reflection_ratio(self) -> float | None:
        return self.reflections / self.questions if self.questions else None

    @property
    def complex_percent(self) -> float | None:
        """From the counts, so 23 of 40 rounds to 58, not 57 (0.575 * 100 is 57.49…)."""
        kinds = self.complex_reflections + self.simple_reflections
        return self.complex_reflections * 100 / kinds if kinds else None


def summarize(scenario: Scenario, session: Session) -> Summary:
    """Compute the summary of ``session`` (ended or not)."""
    lang = session.language
    ending = scenario.endings.get(session.state)
    counts: Counter[str] = Counter()
    unsure: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    skills: Counter[str] = Counter()
    behaviours: Counter[str] = Counter()
    poor_turns = 0
    left_out: Counter[str] = Counter()
    for turn in session.turns:
        turn_kinds = [scenario.moves[m.id].kind if m.id in scenario.moves else "neutral"
                      for m in turn.moves]
        for move, kind in zip(turn.moves, turn_kinds, strict=True):
            counts[move.id] += 1
            kinds[kind] += 1
            unsure[move.id] += unsure_poor(scenario, move)
        if not turn.moves:
            kinds["short" if is_short_reply(turn.text) else "unclear"] += 1
        left_out.update(left_out_acts(scenario, turn.moves, turn.behaviour, turn.text))
        if sure_poor(scenario, turn.moves):
            poor_turns += 1
            continue
        if only_doubted(scenario, turn.moves):
            continue  # neither for nor against: no acts, no skills (turn_acts)
        acts = turn_acts(scenario, turn.moves, turn.behaviour, turn.text)
        behaviours.update(acts)
        heard = {skill.id for skill in heard_skills(turn.skills, turn_kinds)}
        if "reflection" not in acts:  # a reflection's kind counts only where one is counted
            heard -= {"simple_reflection", "complex_reflection"}
        # A move the scenario says *is* a skill (respecting Sam's choice is
        # emphasising autonomy) counts even when the skill reading missed it.
        heard |= {s for m in turn.moves if m.id in scenario.moves
                  and not unsure_poor(scenario, m) for s in scenario.moves[m.id].skills}
        skills.update(heard)
    return Summary(
        title=scenario.text(scenario.spec.title, lang),
        ending=session.state if ending else None,
        ending_title=scenario.text(ending.title, lang) if ending else "",
        outcome=ending.outcome if ending else "neutral",
        debrief=_debrief(scenario, session),
        turns=session.turn,
        curve=session.meter_curve,
        good=kinds["good"],
        poor=kinds["poor"],
        unclear=kinds["unclear"],
        short=kinds["short"],
        questions=behaviours["question"],
        reflections=behaviours["reflection"],
        complex_reflections=skills["complex_reflection"],
        simple_reflections=skills["simple_reflection"],
        adherent=sum(skills[s] for s in ADHERENT),
        non_adherent=sum(skills[s] for s in NON_ADHERENT) + poor_turns,
        move_counts=counts,
        unsure=+unsure,
        left_out=left_out,
    )


def render_summary(summary: Summary, scenario: Scenario, language: str | None = None) -> str:
    """The summary as plain text lines."""
    lang = language
    curve = summary.curve
    label = scenario.text(scenario.spec.meter.label, lang)
    lines = [
        t("summary.title", lang, title=summary.title),
        t("summary.outcome", lang, outcome=t(f"summary.outcome.{summary.outcome}", lang))
        + (f" ({summary.ending_title})" if summary.ending_title else ""),
        t("summary.turns", lang, turns=summary.turns),
        t("summary.meter", lang, label=label, start=curve[0], end=curve[-1], peak=max(curve)),
        t("summary.moves_good", lang, count=summary.good),
        _poor_line(summary, scenario, lang),
        t("summary.unclear", lang, count=summary.unclear),
    ]
    if summary.short:
        lines.append(t("summary.short", lang, count=summary.short))
    # Both lines always show: a debrief may point the trainee to them, and "no
    # questions" or "no reflections" is itself what the trainee should see.
    if summary.reflection_ratio is not None:
        # The counts too, so a trainee can check them against the transcript
        # (thirty-seventh play-test: "a trainee cannot check it").
        lines.append(t("summary.ratio", lang, ratio=format_decimal(summary.reflection_ratio, lang),
                       reflections=summary.reflections, questions=summary.questions))
    else:
        key = "summary.ratio_no_questions_one" if summary.reflections == 1 else (
            "summary.ratio_no_questions")
        lines.append(t(key, lang, count=summary.reflections))
    if (percent := summary.complex_percent) is not None:
        # With counts: "67 % of reflections" beside "4 reflections" read as
        # impossible where one had no kind read (thirtieth play-test).
        lines.append(t("summary.complex_share", lang, count=summary.complex_reflections,
                       read=summary.complex_reflections + summary.simple_reflections,
                       share=format_decimal(percent, lang, 0)))
    else:
        key = "summary.complex_unread" if summary.reflections else "summary.complex_none"
        lines.append(t(key, lang))
    if summary.left_out:
        counted = [t(f"summary.{act}s_one" if n == 1 else f"summary.{act}s", lang, count=n)
                   for act in ("question", "reflection") if (n := summary.left_out[act])]
        lines.append(t("summary.left_out", lang, acts=", ".join(counted)))
    lines.append(t("summary.adherent", lang, count=summary.adherent))
    lines.append(t("summary.non_adherent", lang, count=summary.non_adherent))
    # Helpful moves only: "Breaking Alex's confidentiality ×2" and "Greeting ×1"
    # read as the trainee's main skills (thirty-sixth play-test); the line above
    # names the unhelpful ones.
    helpful = Counter({m: n for m, n in summary.move_counts.items()
                       if m in scenario.moves and scenario.moves[m].kind == "good"})
    top = _counted(helpful.most_common(3), scenario, lang)
    lines.append(t("summary.most_used", lang, moves=top or t("summary.none", lang)))
    if summary.debrief:
        lines += ["", summary.debrief]
    return "\n".join(lines)


def render_transcript(scenario: Scenario, session: Session) -> str:
    """Every trainee line verbatim, with the partner's replies and the feedback."""
    lang = session.language
    name = scenario.partner_name(lang)
    you = t("transcript.trainee", lang)
    lines = [
        t("transcript.header", lang, title=scenario.text(scenario.spec.title, lang)),
        "",
        f"{t('transcript.brief', lang)}: {scenario.text(scenario.spec.brief.situation, lang)}",
        "",
        f"{name}: {session.opening}",
    ]
    for i, turn in enumerate(session.turns, 1):
        lines += [
            "",
            f"[{i}] {you}: {turn.text}",
            f"{name}: {turn.reply}",
            f"{t('transcript.feedback', lang)}:",
            *(f"    {line}" for line in turn.feedback.splitlines()),
        ]
    ending = scenario.endings.get(session.state)
    if ending is not None:
        lines += ["", t("transcript.ending", lang, title=scenario.text(ending.title, lang))]
    return "\n".join(lines) + "\n"


def _counted(counts: list[tuple[str, int]], scenario: Scenario, lang: str | None,
             unsure: Counter[str] | None = None) -> str:
    """'Pressure ×2, Blaming Sam ×1 (1 not sure)' for moves still in the scenario."""
    unsure = unsure or Counter()
    return ", ".join(
        f"{scenario.text(scenario.moves[m].label, lang)} ×{n}"
        + (f" ({t('summary.not_sure', lang, count=unsure[m])})" if unsure[m] else "")
        for m, n in counts if m in scenario.moves)


def _poor_line(summary: Summary, scenario: Scenario, lang: str | None) -> str:
    """The unhelpful moves by name: an ethics warning mid-call must not vanish from a
    summary that ends in agreement (ninth play-test). Reads the turn told as "not
    sure" are marked so here too."""
    poor = [(m, n) for m, n in summary.move_counts.most_common()
            if m in scenario.poor_moves]
    if not poor:
        return t("summary.moves_poor", lang, count=summary.poor)
    named = _counted(poor, scenario, lang, summary.unsure)
    return t("summary.moves_poor_named", lang, count=summary.poor, moves=named)


def _debrief(scenario: Scenario, session: Session) -> str:
    """The ending's debrief and those of its notes that fit this conversation: six
    play-tested wins got the same praise, for framing one trainee never did.

    A conversation summed up before any ending was stopped early (``/end``): it
    gets the scenario's stopped-early debrief, if the scenario has one.
    """
    ending = scenario.endings.get(session.state)
    if ending is not None:
        debrief, notes = ending.debrief, scenario.debrief_notes.get(session.state, [])
    elif scenario.spec.stopped_early is not None:
        debrief, notes = scenario.spec.stopped_early.debrief, scenario.stopped_notes
    else:
        return ""
    values = condition_values(scenario, session, meter=session.meter, turn=session.turn)
    shown = [scenario.text(text, session.language)
             for condition, text in notes if condition.holds(values)]
    doubted = _doubted_slips(scenario, session)
    if doubted:
        shown.append(t("summary.debrief_unsure", session.language, moves=doubted))
    return "\n\n".join([scenario.text(debrief, session.language), *shown])


def _doubted_slips(scenario: Scenario, session: Session) -> str:
    """The unhelpful moves read only "not sure", by name: the notes leave them out
    (a note must not claim a slip the bot doubted), so a trainee whose four
    slips were all doubted heard nothing of them at the end (thirty-third
    play-test: arguing back, the lesson of that call)."""
    sure = {m.id for turn in session.turns for m in turn.moves
            if m.id in scenario.poor_moves and not unsure_poor(scenario, m)}
    doubted = dict.fromkeys(m.id for turn in session.turns for m in turn.moves
                            if unsure_poor(scenario, m) and m.id not in sure)
    lang = session.language
    return ", ".join(t("summary.quoted", lang, text=scenario.text(scenario.moves[m].label, lang))
                     for m in doubted if m in scenario.moves)
