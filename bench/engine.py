"""Engine benchmarks: turn throughput, the cost of holding many sessions, save/restore time.

Run with ``.venv/bin/python bench/engine.py`` (about 1-2 minutes; see bench/README.md).
It answers three questions the design depends on:

(a) How many trainee messages per second can one process answer, with the real
    recogniser, and how much of that is the engine itself (recogniser excluded)?
(b) Why sessions are plain records borrowing one shared ``transitions`` machine per
    scenario: memory and time to hold 10,000 mid-way sessions, shared machine versus
    the naive design of one machine per session, measured in the same run.
(c) What saving and restoring a session (``to_dict`` + JSON and back) costs per turn.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import random
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.engine.machine import CompiledScenario  # noqa: E402
from bot.engine.practice import Practice  # noqa: E402
from bot.engine.recognition import Recognition, Recognizer, SkillNote  # noqa: E402
from bot.engine.session import MoveGuess, Session  # noqa: E402
from bot.scenario.loader import parse_scenario  # noqa: E402
from bot.scenario.model import Scenario  # noqa: E402

FLAGSHIP = ROOT / "dialogues" / "hesitant_partner.yaml"
MINI = ROOT / "tests" / "fixtures" / "valid" / "mini.yaml"

#: Messages no scenario move matches, so the "unclear" path is timed too.
OFF_TOPIC = [
    "what time does the shop open on sunday",
    "asdfgh jkl",
    "lol",
    "can you recommend a good pizza place near the station",
    "🙂",
    "",
]
#: Turns played on each stored session in (b): "mid-way", never at an ending.
TURNS_PER_STORED = 4
#: Per-session machines traced for memory in (b); each costs the same, so this is exact.
MEMORY_SAMPLE = 1_000


class PreRecognised:
    """A recogniser that answers from a table, so engine timings exclude recognition."""

    def __init__(self, table: dict[str, Recognition]) -> None:
        self.table = table
        self.empty = Recognition([])

    def recognize(self, text: str, previous: str | None = None,
                  earlier: tuple[str, ...] = ()) -> Recognition:
        return self.table.get(text, self.empty)

    def read_skills(self, text: str, previous: str | None = None) -> SkillNote | None:
        return self.table.get(text, self.empty).skills


@dataclass
class Row:
    """One line of the result table."""

    section: str
    metric: str
    value: str
    note: str = ""


# -- helpers ------------------------------------------------------------------
def _rate(work: Callable[[], int], seconds: float) -> tuple[float, int]:
    """Run ``work`` (which returns how many units it did) for about ``seconds``; units/s."""
    done = 0
    start = time.perf_counter()
    while True:
        done += work()
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed, done


def _mib(n: float) -> str:
    return f"{n / 2**20:,.1f} MiB"


def _secs(n: float) -> str:
    return f"{n:,.2f} s" if n >= 1 else f"{n * 1e3:,.0f} ms"


def _pool(scenario: Scenario) -> list[str]:
    """Every example phrase (each move's wording) plus off-topic text, in a fixed shuffle."""
    texts = [e for move in scenario.moves.values() for e in move.examples] + OFF_TOPIC
    random.Random(0).shuffle(texts)
    return texts


def _play_round(practice: Practice, texts: list[str], state: dict[str, Any]) -> int:
    """Play ``len(texts)`` turns, starting a new session whenever one ends."""
    for text in texts:
        session: Session = state["session"]
        if session.ended:
            state["sessions"] += 1
            session = state["session"] = practice.start(seed=state["sessions"])
        practice.turn(session, text)
    return len(texts)


# -- (a) throughput -----------------------------------------------------------
def bench_turns(practice: Practice, seconds: float) -> tuple[list[Row], PreRecognised, float]:
    """Turns/s with the real recogniser, the recogniser alone, the engine alone, raw steps."""
    scenario = practice.scenario
    texts = _pool(scenario)
    rows = []
    practice.turn(practice.start(), texts[0])  # warm caches and lazy imports

    state: dict[str, Any] = {"session": practice.start(), "sessions": 0}
    full, n = _rate(lambda: _play_round(practice, texts[:50], state), seconds)
    rows.append(Row("a", "turns/s, real recogniser", f"{full:,.0f}",
                    f"{1e3 / full:.2f} ms/turn over {n:,} turns"))

    recognizer = practice.recognizer
    def recognise_all() -> int:
        for text in texts[:50]:
            recognizer.recognize(text)
        return 50

    recog, n = _rate(recognise_all, seconds / 2)
    rows.append(Row("a", "recognise() calls/s alone", f"{recog:,.0f}",
                    f"{1e3 / recog:.2f} ms/call: the recogniser's share of a turn"))

    table = {t: recognizer.recognize(t) for t in texts}
    pre = PreRecognised(table)
    engine = Practice(scenario, pre)
    state = {"session": engine.start(), "sessions": 0}
    alone, n = _rate(lambda: _play_round(engine, texts, state), seconds / 2)
    rows.append(Row("a", "turns/s, engine only", f"{alone:,.0f}",
                    "same messages, moves pre-recognised (lines, feedback, records)"))

    compiled = engine.compiled
    pairs = [
        (src, move, {**dict.fromkeys(scenario.moves, 1), scenario.spec.meter.name: value,
                     "turn": 1})
        for src, reactions in scenario.reactions.items()
        for move in reactions
        for value in (scenario.spec.meter.min, scenario.spec.meter.start, scenario.spec.meter.max)
    ]

    def fire_all() -> int:
        for src, move, values in pairs:
            compiled.fire(src, move, values)
        return len(pairs)

    steps, n = _rate(fire_all, seconds / 2)
    rows.append(Row("a", "machine steps/s (fire only)", f"{steps:,.0f}",
                    f"{1e6 / steps:.1f} µs/step: shared transitions machine, lock included"))
    return rows, pre, full


# -- (b) holding many sessions ------------------------------------------------
def _scripts(practice: Practice, moves: list[str], count: int) -> list[list[str]]:
    """Move sequences of TURNS_PER_STORED turns that leave the session mid-way (not ended)."""
    rng = random.Random(1)
    found: list[list[str]] = []
    for _ in range(count * 200):
        script = [rng.choice(moves) for _ in range(TURNS_PER_STORED)]
        session = practice.start()
        for text in script:
            if session.ended:
                break
            practice.turn(session, text)
        if not session.ended and script not in found:
            found.append(script)
            if len(found) == count:
                break
    if not found:
        raise SystemExit("no script keeps a session open for "
                         f"{TURNS_PER_STORED} turns; lower TURNS_PER_STORED")
    return found


@dataclass
class Stored:
    """How one design holds a stored session: the record, and the machine it plays on."""

    session: Session
    practice: Practice


Holder = Callable[[int], Stored]


@dataclass
class Cost:
    """What holding ``count`` sessions cost one design."""

    count: int
    load_seconds: float
    step_seconds: float
    kept_bytes: int

    def scaled(self, count: int) -> Cost:
        k = count / self.count
        return Cost(count, self.load_seconds * k, self.step_seconds * k, int(self.kept_bytes * k))


def _restore(stored: str) -> Session:
    """A session from its stored JSON, with its own strings, as the bot loads it."""
    return Session.from_dict(json.loads(stored))


def _measure(hold: Holder, count: int, step: str, memory_count: int) -> Cost:
    """Load ``count`` sessions and play one more turn on each (untraced, timed), then
    load ``memory_count`` of them again under tracemalloc for the memory they keep.

    Loading is what the bot does when trainees come back: ``Session.from_dict`` of
    the stored JSON snapshot, plus whatever the design needs to play it. The cyclic GC is
    paused while building: with thousands of live machines its full collections
    make the naive design slower still, and unpredictably so run to run.
    """
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        held = [hold(i) for i in range(count)]
        loaded = time.perf_counter()
        for item in held:
            item.practice.turn(item.session, step)
        stepped = time.perf_counter()
        del held, item
    finally:
        gc.enable()
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    held = [hold(i) for i in range(memory_count)]
    gc.collect()
    kept = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    del held
    gc.collect()
    return Cost(count, loaded - start, stepped - loaded, int(kept * count / memory_count))


def bench_storage(scenario: Scenario, pre: PreRecognised, sessions: int,
                  budget: float) -> tuple[list[Row], float, float]:
    """Many mid-way sessions: one shared machine versus one machine per session."""
    for move in scenario.moves:
        pre.table[f"move:{move}"] = Recognition([MoveGuess(move, 0.9)])
    shared = Practice(scenario, pre)
    scripts = _scripts(shared, [f"move:{m}" for m in scenario.moves], 64)
    snapshots: list[str] = []  # as stored in the database: JSON text
    for seed, script in enumerate(scripts):
        session = shared.start(seed=seed)
        for text in script:
            shared.turn(session, text)
        snapshots.append(json.dumps(session.to_dict()))
    step = scripts[0][0]

    def hold_shared(i: int) -> Stored:
        return Stored(_restore(snapshots[i % len(snapshots)]), shared)

    def hold_naive(i: int) -> Stored:
        own = copy.copy(shared)  # same scenario and recogniser, but its own machine
        own.compiled = CompiledScenario(scenario)
        return Stored(_restore(snapshots[i % len(snapshots)]), own)

    ours = _measure(hold_shared, sessions, step, sessions)

    # A machine per session can cost milliseconds to build; if the full build would not
    # fit the time budget, measure a sample and scale linearly (machines are independent).
    # Memory per machine is the same for every session, so a sample of MEMORY_SAMPLE
    # machines measures it exactly; tracemalloc makes building them ~3x slower.
    probe = time.perf_counter()
    for i in range(20):
        hold_naive(i)
    per_naive = (time.perf_counter() - probe) / 20
    memory_count = min(sessions, MEMORY_SAMPLE)
    left = budget - per_naive * memory_count * 3
    sample = min(sessions, max(MEMORY_SAMPLE, int(left / per_naive)))
    naive = _measure(hold_naive, sample, step, min(sample, memory_count)).scaled(sessions)
    how = "measured"
    if sample < sessions:
        how = f"timed on {sample:,}, scaled x{sessions / sample:.1f}"
    memory_how = "measured"
    if memory_count < sessions:
        memory_how = f"traced on {memory_count:,}, scaled x{sessions / memory_count:.0f}"

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.1f}x"

    rows = [
        Row("b", f"shared: memory of {sessions:,} sessions", _mib(ours.kept_bytes),
            f"{ours.kept_bytes / sessions / 1024:.1f} KiB/session, {TURNS_PER_STORED} turns each"),
        Row("b", "shared: load them", _secs(ours.load_seconds),
            "json.loads + Session.from_dict each"),
        Row("b", "shared: one more turn on each", _secs(ours.step_seconds),
            "moves pre-recognised"),
        Row("b", "per-session machine: memory", _mib(naive.kept_bytes),
            f"{naive.kept_bytes / sessions / 1024:.1f} KiB/session; {memory_how}"),
        Row("b", "per-session machine: load them", _secs(naive.load_seconds),
            f"the same + build a machine each; {how}"),
        Row("b", "per-session machine: one more turn on each", _secs(naive.step_seconds), how),
        Row("b", "ratio per-session / shared: memory",
            ratio(naive.kept_bytes, ours.kept_bytes), ""),
        Row("b", "ratio per-session / shared: load + turn",
            ratio(naive.load_seconds + naive.step_seconds, ours.load_seconds + ours.step_seconds),
            f"load alone {ratio(naive.load_seconds, ours.load_seconds)}, "
            f"turn alone {ratio(naive.step_seconds, ours.step_seconds)}"),
    ]
    naive_total = naive.load_seconds + naive.step_seconds
    ours_total = ours.load_seconds + ours.step_seconds
    return rows, naive.kept_bytes / ours.kept_bytes, naive_total / ours_total


# -- (c) save and restore -----------------------------------------------------
def bench_roundtrip(scenario: Scenario, pre: PreRecognised, seconds: float) -> tuple[list[Row],
                                                                                      float]:
    """``to_dict`` + ``json.dumps`` and back, for a mid-way and a long session."""
    practice = Practice(scenario, pre)
    moves = [f"move:{m}" for m in scenario.moves]
    mid = _scripts(practice, moves, 1)[0]
    session = practice.start(seed=1)
    for text in mid:
        practice.turn(session, text)
    long = practice.start(seed=2)
    while not long.ended:  # unclear turns until the turn limit (or a rule) ends it
        practice.turn(long, "unclear words")
    rows = []
    mid_us = 0.0
    for name, sample in (("mid-way", session), ("ended", long)):
        def trip(sample: Session = sample) -> int:
            for _ in range(20):
                restored = Session.from_dict(json.loads(json.dumps(sample.to_dict())))
            assert restored == sample
            return 20

        def save(sample: Session = sample) -> int:
            for _ in range(20):
                json.dumps(sample.to_dict())
            return 20

        dump, _ = _rate(save, seconds / 4)
        both, _ = _rate(trip, seconds / 4)
        size = len(json.dumps(sample.to_dict()).encode("utf-8"))
        rows.append(Row("c", f"save, {name} session ({sample.turn} turns)", f"{1e6 / dump:,.0f} µs",
                        f"to_dict + json.dumps; {size:,} bytes of JSON"))
        rows.append(Row("c", f"save + restore, {name} session", f"{1e6 / both:,.0f} µs",
                        "to_dict + dumps + loads + from_dict, equality checked"))
        if name == "mid-way":
            mid_us = 1e6 / both
    return rows, mid_us


# -- report -------------------------------------------------------------------
def print_table(title: str, rows: list[Row]) -> None:
    headers = ("", "metric", "value", "note")
    cells = [(r.section, r.metric, r.value, r.note) for r in rows]
    widths = [max(len(str(c[i])) for c in [headers, *cells]) for i in range(3)]
    print(f"\n{title}")
    line = f"{headers[0]:<{widths[0]}}  {headers[1]:<{widths[1]}}  {headers[2]:>{widths[2]}}  note"
    print(line)
    print("-" * max(len(line), 100))
    last = ""
    for section, metric, value, note in cells:
        if last and section != last:
            print()
        last = section
        print(f"{section:<{widths[0]}}  {metric:<{widths[1]}}  {value:>{widths[2]}}  {note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scenario", type=Path, default=None,
                        help="scenario file (default: the flagship, else the mini fixture)")
    parser.add_argument("--sessions", type=int, default=10_000,
                        help="stored sessions in (b) (default 10,000)")
    parser.add_argument("--seconds", type=float, default=3.0,
                        help="time per throughput measurement in (a) (default 3)")
    parser.add_argument("--budget", type=float, default=30.0,
                        help="seconds allowed for the per-session-machine build in (b); "
                             "beyond it a sample is measured and scaled (default 30)")
    args = parser.parse_args(argv)

    path = (args.scenario or (FLAGSHIP if FLAGSHIP.exists() else MINI)).resolve()
    started = time.perf_counter()
    scenario = parse_scenario(path)
    recognizer: Recognizer
    if path == MINI:  # the fixture has few examples; use the lexical model the tests use
        from bot.recognition.recognizer import ScenarioRecognizer
        recognizer = ScenarioRecognizer(scenario, with_skills=False)
        kind = "lexical recogniser"
    else:
        from bot.library import default_recognizer
        recognizer = default_recognizer(scenario)
        kind = "full recogniser"
    loaded = time.perf_counter() - started
    practice = Practice(scenario, recognizer)
    print(f"scenario {scenario.id} ({path.name}): {len(scenario.states)} states, "
          f"{len(scenario.endings)} endings, {len(scenario.moves)} moves; {kind}; "
          f"load + fit {_secs(loaded)}; Python {sys.version.split()[0]}", flush=True)

    rows, pre, full = bench_turns(practice, args.seconds)
    print("(a) done", flush=True)
    storage, mem_ratio, time_ratio = bench_storage(scenario, pre, args.sessions, args.budget)
    print("(b) done", flush=True)
    trips, mid_us = bench_roundtrip(scenario, pre, args.seconds)
    print_table(f"Engine benchmark, {scenario.id}", rows + storage + trips)
    total = time.perf_counter() - started
    print(f"\nSummary: {full:,.0f} turns/s with the {kind}; holding {args.sessions:,} sessions "
          f"with one machine each costs {mem_ratio:.1f}x the memory and {time_ratio:.1f}x the "
          f"time of the shared machine; save + restore {mid_us:,.0f} µs per mid-way session "
          f"(run took {_secs(total)}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
