"""End-to-end Telegram benchmark: turns/s and turn latency through PTB and the fake Bot API.

Run with ``.venv/bin/python bench/telegram.py`` (about a minute; see bench/README.md).

Simulated trainees talk to the real bot (``build_application``: PTB networking, per-chat
ordering, SQLite in a temporary folder) over HTTP to the in-process fake Bot API: on
the flagship with the full recogniser, and on the mini fixture with the lexical one, so
that mini's numbers are almost all Telegram, storage and glue. Each trainee sends its
next message as soon as the previous turn's last reply has arrived. A turn's latency
runs from the moment the trainee's message is queued at the fake to the moment the
fake receives the bot's last reply message of that turn.

The same trainees also talk to a bare PTB echo bot on the same fake: long polling,
HTTP, the fake and PTB's dispatch with no work of our own, the most any PTB bot could
do here. The ratio ours/echo says how much of that throughput our bot keeps.

Our bot is measured without Telegram's 30 messages/s broadcast cap (``rate_limit=False``),
because with it the cap, not the bot, sets the number; one extra row shows the bot as
deployed, cap included.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import re
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Run as a script, this file's folder comes first on sys.path, and this file's name
# would shadow the ``telegram`` package: drop the folder, add the repository root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402
from telegram.ext import (  # noqa: E402
    Application,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.library import PracticeLibrary, default_recognizer  # noqa: E402
from bot.recognition.recognizer import ScenarioRecognizer  # noqa: E402
from bot.scenario.model import Scenario  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.telegram.app import build_application  # noqa: E402
from tests.bot_harness import started  # noqa: E402
from tests.fake_telegram import DEFAULT_TOKEN, FakeTelegram  # noqa: E402

MINI = ROOT / "tests" / "fixtures" / "valid" / "mini.yaml"
FLAGSHIP = ROOT / "dialogues" / "hesitant_partner.yaml"
#: Bot API methods that put a message in the chat (a chat action is not a reply).
REPLY_METHODS = {"sendMessage", "sendPhoto", "sendDocument"}
#: A turn taking longer than this means the bot lost an update: stop, don't hang.
TURN_TIMEOUT = 60.0
FIRST_USER = 100_000

#: What the trainees say. Mini: its reflections plus lines it does not understand, so
#: both the recognised and the "unclear" path are timed; nothing here ends a session.
MINI_LINES = [
    "it sounds like you're worried about being blamed",
    "I hear you, you feel this is really Alex's business",
    "you seem unsure whether this is worth your time",
    "what did you have for breakfast",
    "so you feel like you're being dragged into this",
    "you're tired of being seen as the problem",
    "ok",
    "it sounds like you are not sure why you are here",
    "hmm, right",
    "you feel you might get blamed for everything",
]
#: Flagship: own paraphrases of helpful moves (not the training examples), no invitation.
FLAGSHIP_LINES = [
    "Hi Sam, thanks for taking the time to talk with me today.",
    "It sounds like you're worried you'll end up being blamed for all of this.",
    "What has been the hardest part of all this for you lately?",
    "You obviously care about Alex a great deal.",
    "Plenty of partners feel unsure at the start, that's completely normal.",
    "It wouldn't be about fixing anyone, more about how the two of you get along.",
    "How could we make a session feel fair from your side?",
    "It's completely your call, there's no pressure from me.",
    "Whatever you tell me stays between us unless you say otherwise.",
    "We could meet in the evening so it fits around your shifts.",
]


@dataclass
class Result:
    """One measured configuration."""

    scenario: str
    bot: str
    trainees: int
    seconds: float
    latencies: list[float]
    endings: int = 0

    @property
    def turns(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.turns / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile in milliseconds (p99 of 10 samples is the slowest)."""
        ordered = sorted(self.latencies)
        rank = max(1, math.ceil(p / 100 * len(ordered)))
        return ordered[rank - 1] * 1000


@dataclass
class Harness:
    """A running application on a fresh fake, with a future per update it has finished."""

    tg: FakeTelegram
    app: Application  # type: ignore[type-arg]
    waiting: dict[int, asyncio.Future[None]] = field(default_factory=dict)
    errors: list[BaseException] = field(default_factory=list)

    async def finished(self, update: object, _: object) -> None:
        """Last handler group: every reply of the update has been sent."""
        if isinstance(update, Update):
            future = self.waiting.pop(update.update_id, None)
            if future is not None and not future.done():
                future.set_result(None)

    async def failed(self, _: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A handler raised: the numbers of this run would mean nothing."""
        if context.error is not None:
            self.errors.append(context.error)

    async def expect(self, update_id: int) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting[update_id] = future
        await asyncio.wait_for(future, TURN_TIMEOUT)
        if self.errors:
            error = self.errors[0]
            raise RuntimeError(f"the bot failed on an update: {type(error).__name__}: {error}")

    async def say(self, user: int, text: str) -> None:
        """Send and wait for the bot to finish (not timed: set-up steps)."""
        await self.expect(self.tg.user_sends_text(user, text))

    async def press(self, user: int, data: str) -> None:
        for message in reversed(self.tg.sent_messages(user)):
            rows = message.get("reply_markup", {}).get("inline_keyboard", [])
            if any(b.get("callback_data") == data for row in rows for b in row):
                await self.expect(self.tg.user_presses_button(user, message["message_id"], data))
                return
        raise RuntimeError(f"no button {data!r} for user {user}")

    async def turn(self, user: int, text: str) -> tuple[float, bool]:
        """One timed turn: seconds from the message to the last reply; did it end a session?"""
        mark = len(self.tg.calls)
        sent = time.time()
        await self.expect(self.tg.user_sends_text(user, text))
        replies = [c for c in self.tg.calls[mark:]
                   if c.ok and c.method in REPLY_METHODS and c.params.get("chat_id") == user]
        if not replies:
            raise RuntimeError(f"no reply to {text!r} from user {user}")
        return max(c.at for c in replies) - sent, any(c.method == "sendDocument" for c in replies)


async def running(
    tg: FakeTelegram, app: Application,  # type: ignore[type-arg]
    body: Callable[[Harness], Awaitable[Result]],
) -> Result:
    """Start ``app`` with long polling against ``tg``, run ``body``, always shut down."""
    harness = Harness(tg, app)
    app.add_handler(TypeHandler(Update, harness.finished), group=99)
    app.add_error_handler(harness.failed)
    async with started(app):
        return await body(harness)


async def play_ours(
    harness: Harness, scenario: str, lines: Sequence[str], trainees: int, turns: int,
) -> Result:
    """Every trainee picks ``scenario`` (untimed), then plays ``turns`` timed turns.

    The lines avoid endings; should one happen anyway, it is counted and the trainee
    taps "Try again" (inside the timed window, since others are still playing).
    """
    users = [FIRST_USER + i for i in range(trainees)]

    async def setup(user: int) -> None:
        await harness.say(user, "/start")
        await harness.press(user, f"s:{scenario}")

    async def trainee(user: int) -> tuple[list[float], int]:
        latencies: list[float] = []
        endings = 0
        for index in range(turns):
            seconds, ended = await harness.turn(user, lines[(index + user) % len(lines)])
            latencies.append(seconds)
            if ended:
                endings += 1
                await harness.press(user, f"again:{scenario}")
        return latencies, endings

    await asyncio.gather(*(setup(u) for u in users))
    started = time.perf_counter()
    results = await asyncio.gather(*(trainee(u) for u in users))
    elapsed = time.perf_counter() - started
    return Result(scenario, "ours", trainees, elapsed,
                  [s for latencies, _ in results for s in latencies],
                  sum(endings for _, endings in results))


async def play_echo(harness: Harness, lines: Sequence[str], trainees: int, turns: int) -> Result:
    """The same trainees and messages, to the echo bot."""
    users = [FIRST_USER + i for i in range(trainees)]

    async def trainee(user: int) -> list[float]:
        return [(await harness.turn(user, lines[(i + user) % len(lines)]))[0]
                for i in range(turns)]

    started = time.perf_counter()
    results = await asyncio.gather(*(trainee(u) for u in users))
    elapsed = time.perf_counter() - started
    return Result("-", "echo", trainees, elapsed, [s for r in results for s in r])


def echo_application(tg: FakeTelegram) -> Application:  # type: ignore[type-arg]
    """The bare PTB echo bot, processing updates concurrently like ours does."""

    async def echo(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is not None and update.message.text is not None:
            await update.message.reply_text(update.message.text)

    app = tg.application_builder().concurrent_updates(256).build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return app


def library_for(
    path: Path, folder: Path, lexical: bool, lines: Sequence[str], turns: int
) -> PracticeLibrary:
    """A library with one scenario; ``lexical`` uses the fast recogniser without skills.

    The copy's turn limit is raised above ``turns`` (mini's is 8), so every timed turn
    is an ordinary turn of a running conversation. Every line is played once offline,
    so models that load lazily are warm before timing.
    """
    folder.mkdir(parents=True, exist_ok=True)
    text = re.sub(  # textually: a YAML round trip would lose the scenario format's quirks
        r"(^turn_limit:\s*\{?\s*turns:\s*)(\d+)",
        lambda m: m.group(1) + str(max(int(m.group(2)), turns + 1)),
        path.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE,
    )
    (folder / path.name).write_text(text, encoding="utf-8")

    def lexical_recognizer(scenario: Scenario) -> Any:
        return ScenarioRecognizer(scenario, with_skills=False)

    library = PracticeLibrary(folder, lexical_recognizer if lexical else default_recognizer)
    report = library.reload()
    if not report.loaded:
        raise SystemExit(f"could not load {path}: {report.problems}")
    try:
        for practice in library.practices():
            for line in lines:
                practice.turn(practice.start(seed=1), line)
    except Exception as exc:  # a broken model: say so in one line, time nothing
        message = f"{path.name}: a turn failed offline: {type(exc).__name__}: {exc}"
        raise RuntimeError(message) from exc
    return library


def settings(tg: FakeTelegram, library: PracticeLibrary, db: Path) -> Settings:
    return Settings(
        telegram_bot_token=DEFAULT_TOKEN, telegram_base_url=tg.base_url,
        telegram_base_file_url=tg.base_file_url, database_url=f"sqlite:///{db}",
        dialogues_dir=library.folder, _env_file=None,
    )


async def measure_ours(
    library: PracticeLibrary, scenario: str, lines: Sequence[str], trainees: int, turns: int,
    workdir: Path, *, rate_limit: bool = False,
) -> Result:
    db = Path(tempfile.mkdtemp(dir=workdir)) / "bench.db"
    async with FakeTelegram() as tg:
        app = build_application(settings(tg, library, db), library, rate_limit=rate_limit)
        return await running(tg, app, lambda h: play_ours(
            h, scenario, lines, trainees, turns))


async def measure_echo(lines: Sequence[str], trainees: int, turns: int) -> Result:
    async with FakeTelegram() as tg:
        return await running(tg, echo_application(tg),
                             lambda h: play_echo(h, lines, trainees, turns))


def print_table(rows: list[tuple[Result, Result | None, str]]) -> None:
    header = (f"{'scenario':<17} {'trainees':>8} {'bot':<6} {'turns':>6} {'turns/s':>8} "
              f"{'p50 ms':>8} {'p99 ms':>8} {'ours/echo':>9}  note")
    print(header)
    print("-" * len(header))
    for result, echo, note in rows:
        ratio = f"{result.rate / echo.rate:.2f}" if echo is not None and echo.rate else ""
        print(f"{result.scenario:<17} {result.trainees:>8} {result.bot:<6} {result.turns:>6} "
              f"{result.rate:>8.1f} {result.percentile(50):>8.1f} {result.percentile(99):>8.1f} "
              f"{ratio:>9}  {note}")


async def main_async(args: argparse.Namespace) -> None:
    counts = [int(x) for x in args.trainees.split(",")]
    rows: list[tuple[Result, Result | None, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-telegram-", dir=args.tmp) as tmp:
        workdir = Path(tmp)
        echoes = {}
        for count in counts:
            echoes[count] = await measure_echo(MINI_LINES, count, args.turns)
            rows.append((echoes[count], None, "bare PTB echo, concurrent updates"))
            print(f"echo, {count} trainee(s): {echoes[count].rate:.0f} msgs/s", flush=True)

        plans = [("mini", MINI, MINI_LINES, True, "lexical recogniser")]
        if not args.no_flagship:
            plans.append(("hesitant_partner", FLAGSHIP, FLAGSHIP_LINES, False,
                          "full recogniser"))
        for name, path, lines, lexical, note in plans:
            started = time.perf_counter()
            library = library_for(path, workdir / name, lexical, lines, args.turns)
            print(f"{name}: library loaded in {time.perf_counter() - started:.1f}s", flush=True)
            for count in counts:
                result = await measure_ours(library, name, lines, count, args.turns,
                                            workdir)
                extra = f", {result.endings} ending(s)" if result.endings else ""
                rows.append((result, echoes[count], note + extra))
                print(f"{name}, {count} trainee(s): {result.rate:.0f} turns/s", flush=True)
            if name == "mini" and args.deployed:
                deployed = await measure_ours(library, name, lines, args.deployed, 1,
                                              workdir, rate_limit=True)
                rows.append((deployed, None,
                             "as deployed: AIORateLimiter, 30 msgs/s for all chats"))
    print()
    print_table(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--trainees", default="1,100",
                        help="comma-separated numbers of concurrent trainees (default 1,100)")
    parser.add_argument("--turns", type=int, default=10, help="timed turns per trainee")
    parser.add_argument("--no-flagship", action="store_true",
                        help="skip the flagship (its recogniser takes 10-40 s to load)")
    parser.add_argument("--deployed", type=int, default=100, metavar="N",
                        help="trainees for the one-turn rate-limited row (0 skips it)")
    parser.add_argument("--tmp", default=None, metavar="DIR",
                        help="where the SQLite files go (default: the system temp folder)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bot.telegram.handlers").setLevel(logging.CRITICAL)  # errors abort
    logging.getLogger("transitions").setLevel(logging.ERROR)  # "can't trigger" per turn
    started = time.perf_counter()
    try:
        asyncio.run(main_async(args))
    except RuntimeError as exc:
        print(f"benchmark aborted: {exc}", file=sys.stderr)
        return 1
    print(f"\ntotal {time.perf_counter() - started:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
