"""A trainee's conversation with the bot, independent of Telegram's objects.

Handlers translate Telegram updates into calls here and deliver the returned
``Reply`` list. Each turn is saved (with its update id) before any reply is
built, so a crash never loses a turn and a re-delivered update is answered
from what was saved instead of being played twice.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from bot.catalogue import t
from bot.engine.feedback import (
    TurnFeedback,
    capped_text,
    meter_bar,
    skills_text,
    turns_left_text,
)
from bot.engine.practice import Practice, SessionMismatchError, TurnResult
from bot.engine.session import Session
from bot.engine.summary import render_summary, render_transcript, summarize
from bot.errors import UnknownScenarioError
from bot.library import PracticeLibrary, forget_message_texts
from bot.storage.models import SessionStatus, StoredTurn, TurnRow
from bot.telegram.replies import Button, Reply, bold, brief, esc, italic, split_html_lines

log = logging.getLogger(__name__)

FEEDBACK_SETTING = "feedback"

#: How many answered turn updates this process remembers (see ``already_handled``).
ANSWERED_MEMORY = 10_000


def option_data(session_id: int, turn: int, index: int) -> str:
    """Callback data of a guided option (well under Telegram's 64 bytes).

    The session id makes a button from an earlier session stale, instead of
    playing the new session's option with the same turn and index.
    """
    return f"o:{session_id}:{turn}:{index}"


@dataclass(frozen=True)
class Trainee:
    """Who is writing, as far as the conversation needs to know."""

    user_id: int
    language: str
    first_name: str = ""


class Conversation:
    """Turns trainee actions into saved turns and replies."""

    def __init__(self, library: PracticeLibrary, store: Any) -> None:
        self.library = library
        self.store = store
        #: (user id, update id) of turns answered by this process, oldest first.
        self._answered: dict[tuple[int, int], None] = {}

    def _remember_answered(self, user_id: int, update_id: int) -> None:
        self._answered[(user_id, update_id)] = None
        while len(self._answered) > ANSWERED_MEMORY:
            del self._answered[next(iter(self._answered))]

    # -- menus -------------------------------------------------------------
    def scenario_buttons(self, language: str) -> list[list[Button]]:
        rows = []
        for practice in self.library.practices():
            title = practice.scenario.text(practice.scenario.spec.title, language)
            rows.append([Button(title, f"s:{practice.scenario.id}")])
        return rows

    async def welcome(self, who: Trainee) -> list[Reply]:
        await self.store.get_or_create_trainee(who.user_id, who.language)
        text = esc(t("tg.welcome", who.language, name=who.first_name or "there"))
        replies = [Reply(text)]
        replies += await self.scenarios(who)
        return replies

    async def scenarios(self, who: Trainee) -> list[Reply]:
        buttons = self.scenario_buttons(who.language)
        if not buttons:
            return [Reply(esc(t("tg.no_scenarios", who.language)))]
        active = await self.store.active_session(who.user_id)
        text = t("tg.resume" if active else "tg.choose", who.language)
        return [Reply(esc(text), buttons)]

    def help(self, who: Trainee) -> list[Reply]:
        return [Reply(esc(t("tg.help", who.language)))]

    # -- starting ----------------------------------------------------------
    async def start_scenario(self, who: Trainee, scenario_id: str, seed: int) -> list[Reply]:
        try:
            practice = self.library.get(scenario_id)
        except UnknownScenarioError:
            return [Reply(esc(t("tg.scenario_gone", who.language)),
                          self.scenario_buttons(who.language))]
        await self.store.get_or_create_trainee(who.user_id, who.language)
        session = practice.start(seed=seed, language=who.language)
        session_id = await self.store.start_session(who.user_id, scenario_id, session.to_dict())
        return [self._brief(practice, session),
                self._partner(practice, session, session.opening, session_id)]

    async def restart(self, who: Trainee, seed: int) -> list[Reply]:
        loaded = await self._load(who)
        if loaded is None:
            return await self._no_session(who)
        _, _, session = loaded
        return await self.start_scenario(who, session.scenario_id, seed)

    def _brief(self, practice: Practice, session: Session) -> Reply:
        s = practice.scenario
        lang = session.language
        persona = s.spec.persona
        lines = [
            bold(s.text(s.spec.title, lang)),
            "",
            esc(t("tg.persona", lang, name=s.partner_name(lang),
                  relation=s.text(persona.relation, lang))),
            esc(s.text(s.spec.brief.situation, lang)),
            "",
            f"{bold(t('tg.goal', lang))}: {esc(s.text(s.spec.brief.goal, lang))}",
            "",
            italic(t("tg.start_hint", lang)),
        ]
        return Reply("\n".join(lines))

    def _partner(
        self, practice: Practice, session: Session, line: str, session_id: int | None
    ) -> Reply:
        """The partner's line, with the guided options as buttons (none if ``session_id``
        is None: the line is not the latest one, so its options would be stale)."""
        name = practice.scenario.partner_name(session.language)
        buttons = [] if session_id is None else [
            [Button(o.text[:60], option_data(session_id, session.turn, o.index))]
            for o in practice.options(session)  # none once the session has ended
        ]
        return Reply(f"{bold(name)}: {esc(line)}", buttons)

    # -- playing -----------------------------------------------------------
    async def _load(self, who: Trainee) -> tuple[int, Practice, Session] | None:
        active = await self.store.active_session(who.user_id)
        if active is None:
            return None
        session_id, snapshot = active
        session = Session.from_dict(snapshot)
        try:
            practice = self.library.get(session.scenario_id)
        except UnknownScenarioError:
            return None
        return session_id, practice, session

    async def _no_session(self, who: Trainee) -> list[Reply]:
        return [Reply(esc(t("tg.no_session", who.language)), self.scenario_buttons(who.language))]

    async def already_handled(self, user_id: int, update_id: int) -> bool:
        """True if a repeated update must be ignored.

        The update id of a turn is stored in the turn's own transaction, so the store
        cannot tell "saved, then the process died before replying" from "saved and
        answered". This process can: it remembers the turns it built replies for. A
        turn update it did not answer (it was restarted since) is let through and
        answered again from the saved turn; answering twice beats never answering.
        """
        if not await self.store.was_processed(user_id, update_id):
            return False
        if (user_id, update_id) in self._answered:
            return True
        return await self.store.turn_for_update(user_id, update_id) is None

    async def message(self, who: Trainee, text: str, update_id: int) -> list[Reply]:
        """A typed trainee message: play a turn, save it, then build the replies.

        A redelivered update whose turn was saved is answered from that turn: by
        ``_play`` when the turn fails to record again, or here when it ended the session.
        """
        loaded = await self._load(who)
        if loaded is None or loaded[2].ended:
            return await self._saved_answer(who, update_id) or await self._no_session(who)
        return await self._play(who, loaded, text, None, update_id)

    async def option(
        self, who: Trainee, session_id: int, turn: int, index: int, update_id: int
    ) -> list[Reply]:
        """A tapped guided option; buttons of another session or turn, or forged ones,
        are refused politely."""
        saved = await self._saved_answer(who, update_id)
        if saved is not None:
            return saved
        loaded = await self._load(who)
        if (loaded is None or loaded[0] != session_id or loaded[2].turn != turn
                or loaded[2].ended):
            return [Reply(esc(t("tg.stale_button", who.language)))]
        if not 0 <= index < len(loaded[1].options(loaded[2])):
            return [Reply(esc(t("tg.stale_button", who.language)))]
        return await self._play(who, loaded, "", index, update_id)

    async def _play(
        self,
        who: Trainee,
        loaded: tuple[int, Practice, Session],
        text: str,
        option: int | None,
        update_id: int,
    ) -> list[Reply]:
        session_id, practice, session = loaded
        index = session.turn
        try:
            result = await asyncio.to_thread(practice.turn, session, text, option=option)
        except SessionMismatchError:
            log.warning("scenario %s changed under a session; restarting", practice.scenario.id)
            notice = Reply(esc(t("tg.scenario_changed", who.language)))
            return [notice, *await self.start_scenario(who, practice.scenario.id, update_id)]
        if session.turn == index:
            # A question for the bot ("what am i supposed to do here?") is answered
            # with the hint and is no turn: there is nothing to save.
            self._remember_answered(who.user_id, update_id)
            return self._turn_replies(practice, session, result, await self._settings(who),
                                      session_id)
        row = TurnRow.from_record(session.turns[-1])
        outcome = await self.store.record_turn(
            session_id, index, row, session.to_dict(), update_id
        )
        if not outcome.recorded:
            log.info("update %s was already handled (%s)", update_id, outcome)
            return await self._saved_answer(who, update_id) or []
        if result.ended:
            ending = practice.scenario.endings[session.state]
            await self.store.end_session(session_id, ending.outcome, session.to_dict())
        settings = await self._settings(who)
        self._remember_answered(who.user_id, update_id)
        return self._turn_replies(practice, session, result, settings, session_id)

    async def _saved_answer(self, who: Trainee, update_id: int) -> list[Reply] | None:
        """The replies to a turn this update already saved, rebuilt from the stored turn;
        None if the update saved no turn. Nothing is played or recorded again."""
        # The key lookup first: turns have no index on update_id, so only a
        # redelivered update pays for the search.
        if not await self.store.was_processed(who.user_id, update_id):
            return None
        stored = await self.store.turn_for_update(who.user_id, update_id)
        if stored is None:
            return None
        info = await self.store.get_session(stored.session_id)
        if info is None:  # erased meanwhile
            return None
        log.info("update %s was saved before; answering from the saved turn", update_id)
        session = Session.from_dict(info.snapshot)
        try:
            practice = self.library.get(session.scenario_id)
        except UnknownScenarioError:
            return [Reply(esc(t("tg.scenario_gone", who.language)),
                          self.scenario_buttons(who.language))]
        latest = stored.turn_index == session.turn - 1
        if latest and session.ended and info.status is SessionStatus.ACTIVE:
            # The process died between saving the final turn and closing the session.
            ending = practice.scenario.endings.get(session.state)
            outcome = ending.outcome if ending is not None else "ended"
            await self.store.end_session(info.session_id, outcome, session.to_dict())
        live = latest and info.status is SessionStatus.ACTIVE
        replies = [self._partner(practice, session, stored.turn.reply,
                                 info.session_id if live else None)]
        if (await self._settings(who)).get(FEEDBACK_SETTING, True):
            replies.append(Reply(self._saved_feedback_html(stored)))
        if latest and session.ended:
            replies += self.summary(practice, session)
        self._remember_answered(who.user_id, update_id)
        return replies

    @staticmethod
    def _saved_feedback_html(stored: StoredTurn) -> str:
        """The turn's feedback as it was saved (plain text, rendered when it was played)."""
        lines = [esc(line) for line in stored.turn.feedback.splitlines()]
        return "\n".join(split_html_lines(lines)[:1])

    def _turn_replies(
        self,
        practice: Practice,
        session: Session,
        result: TurnResult,
        settings: dict[str, Any],
        session_id: int,
    ) -> list[Reply]:
        if result.feedback.help:  # a question for the bot: the hint, with the options
            partner = self._partner(practice, session, "", session_id)
            heading = bold(t("tg.for_you", session.language))
            return [Reply(f"💡 {heading}: {esc(result.feedback.unclear_text or '')}",
                          partner.buttons)]
        replies = [self._partner(practice, session, result.reply, session_id)]
        if settings.get(FEEDBACK_SETTING, True):
            replies.append(Reply(self._feedback_html(result.feedback, session.language)))
        elif (left := turns_left_text(result.feedback, session.language)) is not None:
            replies.append(Reply(f"⏳ {esc(left)}"))  # about the call, not the trainee
        if result.ended:
            replies += self.summary(practice, session)
        return replies

    def _feedback_html(self, feedback: TurnFeedback, language: str) -> str:
        lines = []
        if not feedback.understood:
            unclear = esc(feedback.unclear_text or "")
            heading = t("tg.short" if feedback.short else "tg.unclear", language)
            lines.append(f"❔ {bold(heading)}: {unclear}")
        for move in feedback.moves:
            mark = {"good": "✅", "neutral": "▫️", "poor": "⚠️"}[move.kind]
            unsure = f" ({italic(t('feedback.unsure', language))})" if move.unsure else ""
            lines.append(f"{mark} {bold(move.label)}{unsure}: {esc(brief(move.text))}")
            if move.note:
                lines.append(f"⏱ {italic(t('tg.note', language))}: {esc(move.note)}")
            if move.tip:
                lines.append(f"🔎 {italic(t('tg.tip', language))}: {esc(move.tip)}")
            if move.better:
                lines.append(f"💡 {italic(t('tg.better', language))}: {esc(move.better)}")
        if (skills := skills_text(feedback, language)) is not None:
            lines.append(f"🗣 {esc(t('tg.skills', language))}: {esc(skills)}")
        bar = meter_bar(feedback.meter_after, feedback.meter_min, feedback.meter_max)
        delta = feedback.delta
        sign = f" ({delta:+d})" if delta else ""
        lines.append(f"{esc(feedback.meter_label)} {bar} {feedback.meter_after}{sign}")
        if (capped := capped_text(feedback, language)) is not None:
            lines.append(esc(capped))
        if (left := turns_left_text(feedback, language)) is not None:
            lines.append(f"⏳ {esc(left)}")
        return "\n".join(split_html_lines(lines)[:1])

    # -- ending ------------------------------------------------------------
    def summary(self, practice: Practice, session: Session) -> list[Reply]:
        """Outcome and statistics, the openness curve as a photo, the transcript as a file."""
        from bot.report.plot import openness_plot

        s = practice.scenario
        lang = session.language
        summary = summarize(s, session)
        lines = [esc(line) for line in render_summary(summary, s, lang).splitlines()]
        lines[0] = f"<b>{lines[0]}</b>"
        text = split_html_lines(lines)
        m = s.spec.meter
        label = s.text(m.label, lang)
        png = openness_plot(session.meter_curve, low=m.min, high=m.max, label=label,
                            title=s.text(s.spec.title, lang), outcome=summary.outcome,
                            language=lang)
        transcript = render_transcript(s, session).encode("utf-8")
        buttons = [[Button(t("tg.try_again", lang), f"again:{s.id}"),
                    Button(t("tg.other_scenario", lang), "pick")]]
        replies = [Reply(chunk) for chunk in text]
        replies.append(Reply(esc(t("tg.summary_caption", lang, label=label)), photo=png))
        replies.append(Reply(esc(t("tg.transcript_caption", lang)), buttons, document=transcript,
                             filename=f"transcript-{s.id}.txt"))
        return replies

    async def end(self, who: Trainee) -> list[Reply]:
        loaded = await self._load(who)
        if loaded is None:
            return await self._no_session(who)
        session_id, practice, session = loaded
        await self.store.end_session(session_id, "ended_early", session.to_dict())
        return [Reply(esc(t("tg.ended_early", who.language))), *self.summary(practice, session)]

    # -- commands ------------------------------------------------------------
    async def hint(self, who: Trainee) -> list[Reply]:
        loaded = await self._load(who)
        if loaded is None:
            return await self._no_session(who)
        hint = loaded[1].hint(loaded[2])
        key = "tg.hint" if hint else "tg.no_hint"
        return [Reply(esc(t(key, who.language, hint=hint)))]

    async def _settings(self, who: Trainee) -> dict[str, Any]:
        trainee = await self.store.get_or_create_trainee(who.user_id, who.language)
        return dict(trainee.settings)

    async def toggle_feedback(self, who: Trainee) -> list[Reply]:
        settings = await self._settings(who)
        settings[FEEDBACK_SETTING] = not settings.get(FEEDBACK_SETTING, True)
        await self.store.update_trainee_settings(who.user_id, settings)
        key = "tg.feedback_on" if settings[FEEDBACK_SETTING] else "tg.feedback_off"
        return [Reply(esc(t(key, who.language)))]

    def confirm_delete(self, who: Trainee) -> list[Reply]:
        lang = who.language
        buttons = [[Button(t("tg.delete_yes", lang), "del:yes"),
                    Button(t("tg.delete_no", lang), "del:no")]]
        return [Reply(esc(t("tg.delete_confirm", lang)), buttons)]

    async def delete(self, who: Trainee, confirmed: bool) -> list[Reply]:
        if not confirmed:
            return [Reply(esc(t("tg.delete_cancelled", who.language)))]
        await self.store.delete_trainee_data(who.user_id)
        forget_message_texts()
        for key in [k for k in self._answered if k[0] == who.user_id]:
            del self._answered[key]
        return [Reply(esc(t("tg.deleted", who.language)))]
