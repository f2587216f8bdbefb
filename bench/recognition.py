"""Every recognition target in one table: accuracy, recall, F1, latency and start-up.

Run: ``.venv/bin/python bench/recognition.py`` (a few minutes). The held-out
test sets are ``HELD_OUT`` (``bench/data/moves_test15.jsonl`` on), each
written after a freeze of the flagship's examples and
settings by someone who never saw them or the other sets (TEST15_README.md
and on). The earlier evaluation sets were
retired into the examples once measured (data/README.md); leaving each one out
in turn ("leave one writer out") is how settings were chosen, because it asks
what the split of the examples cannot: does the model cope with a writer it has
never read? Since the eleventh freeze the sentence model itself is tuned on all
the examples, so a writer left out of the fit is still in the model: those rows
(and the cross-validation) are optimistic, and only the held-out set is not.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import skills_written as written  # noqa: E402
from bot.recognition import moves as mv  # noqa: E402
from bot.recognition.embedding import get_embedder  # noqa: E402
from bot.recognition.recognizer import ScenarioRecognizer  # noqa: E402
from bot.recognition.text_norm import normalise  # noqa: E402
from bot.recognition.vector_store import read_vectors, text_key, write_vectors  # noqa: E402
from bot.scenario.loader import parse_scenario  # noqa: E402

DATA = ROOT / "bench" / "data"
#: Evaluation sets each written after a freeze and measured once there (data/README.md
#: says which were read again later, as set 24 was to choose the clause setting).
HELD_OUT = ("test15", "test16", "test17", "test18", "test19", "test20", "test21", "test23",
            "test24", "test25", "test26", "test27", "test28", "test29",
            "test30", "test31", "test32", "test33", "test34", "test35", "test36", "test37",
            "test38", "test39", "test40", "test42", "test44", "test45", "test46", "test47",
            "test48", "test49", "test50", "test51", "test52")
FLAGSHIP = ROOT / "dialogues" / "hesitant_partner.yaml"


def _rows(name: str) -> list[dict[str, Any]]:
    path = DATA / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def move_scores(model: mv.MoveModel, rows: list[dict[str, Any]]) -> dict[str, float]:
    """Top-1 (main move, and any labelled move), poor-move recall, good flagged as poor;
    and on messages labelled with several moves, how many of those moves are found
    and how many of the moves found there are labelled."""
    poor = {m for m, move in model.scenario.moves.items() if move.kind == "poor"}
    top1 = strict = hits = poor_total = flagged = good_total = unclear = 0
    several = several_found = several_read = several_right = 0
    for row in rows:
        found = [g.id for g in model.read(row["text"])]
        expected: list[str] = row["moves"]
        if len(expected) > 1:
            several += len(expected)
            several_found += len(set(expected) & set(found))
            several_read += len(found)
            several_right += sum(m in expected for m in found)
        top1 += bool(found) and found[0] in expected
        strict += bool(found) and found[0] == expected[0]
        unclear += not found
        if any(m in poor for m in expected):
            poor_total += 1
            hits += any(m in poor for m in found)
        else:
            good_total += 1
            flagged += any(m in poor for m in found)
    n = len(rows)
    return {
        "n": n, "top1": top1 / n, "top1_main": strict / n, "unclear": unclear / n,
        "poor_recall": hits / max(poor_total, 1), "good_flagged": flagged / max(good_total, 1),
        "several_found": several_found / max(several, 1),
        "several_precision": several_right / max(several_read, 1),
    }


Keep = Callable[[list[str], np.ndarray], list[int]]


def fitted_on(
    scenario: Any, keep: Keep, cache_dir: Path | None = None, *, seeded: bool = True
) -> mv.MoveModel:
    """The move model fitted on part of its training set: ``keep(texts, labels)`` picks rows.

    ``seeded=False`` reuses only the background's shipped vectors, as a new
    scenario would: its examples are embedded from nothing.
    """

    class Subset(mv.MoveModel):
        def vector_seed(self) -> Path | None:
            return super().vector_seed() if seeded else background_seed(self.embedder_id)

        def shipped_fit(self) -> Path | None:
            return None  # a subset is fitted here, never read from the shipped fit

        def _training_set(self) -> tuple[list[str], np.ndarray]:
            texts, labels = super()._training_set()
            chosen = keep(texts, labels)
            return [texts[i] for i in chosen], labels[chosen]

    return Subset(scenario, get_embedder(), cache_dir=cache_dir)


@cache
def background_seed(embedder_id: str) -> Path:
    """A seed file holding only the background phrases' vectors (what a new scenario finds)."""
    shipped = read_vectors(mv.seed_path(embedder_id))
    keys = sorted(text_key(p) for p in mv.background_phrases())
    path = Path(tempfile.mkdtemp()) / "background.npz"
    write_vectors(path, [(k, shipped[k]) for k in keys])
    return path


def cross_validation(scenario_path: Path, folds: int = 5) -> dict[str, float]:
    """Stratified k-fold over the examples themselves (each move's phrases held out in turn)."""
    from sklearn.model_selection import StratifiedKFold

    scenario = parse_scenario(scenario_path)
    ids = list(scenario.moves)
    texts = [t for move in scenario.moves.values() for t in move.examples]
    y = np.asarray([i for i, move in enumerate(scenario.moves.values()) for _ in move.examples])
    background = list(range(len(texts), len(texts) + len(mv.background_phrases())))
    parts = []
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=1).split(texts, y):
        model = fitted_on(scenario, lambda _t, _l, train=train: [*train, *background])
        parts.append(move_scores(model, [{"text": texts[i], "moves": [ids[y[i]]]} for i in test]))
    total = sum(p["n"] for p in parts)
    return {k: sum(p[k] * p["n"] for p in parts) / total for k in parts[0] if k != "n"}


RETIRED = {  # earlier evaluation sets, now part of the examples
    "first writer": ("moves_dev.jsonl", "offtopic_eval.jsonl"),
    "second writer": ("moves_test.jsonl", "offtopic_test.jsonl"),
    "third writer": ("moves_test2.jsonl", "offtopic_test2.jsonl"),
    "fourth writer": ("moves_test3.jsonl", "offtopic_test3.jsonl"),
    "held-out set 4": ("moves_test4.jsonl", "offtopic_test4.jsonl"),
    "held-out set 5": ("moves_test5.jsonl", "offtopic_test5.jsonl"),
    "held-out set 6": ("moves_test6.jsonl", "offtopic_test6.jsonl"),
    "held-out set 7": ("moves_test7.jsonl", "offtopic_test7.jsonl"),
    "held-out set 8": ("moves_test8.jsonl", "offtopic_test8.jsonl"),
    "held-out set 9": ("moves_test9.jsonl", "offtopic_test9.jsonl"),
    "held-out set 10": ("moves_test10.jsonl", "offtopic_test10.jsonl"),
    "held-out set 11": ("moves_test11.jsonl", "offtopic_test11.jsonl"),
    "held-out set 12": ("moves_test12.jsonl", "offtopic_test12.jsonl"),
    "held-out set 13": ("moves_test13.jsonl", "offtopic_test13.jsonl"),
    "held-out set 14": ("moves_test14.jsonl", "offtopic_test14.jsonl"),
    "held-out set 22": ("moves_test22.jsonl", "offtopic_test22.jsonl"),
}


def leave_one_writer_out() -> dict[str, dict[str, float]]:
    """Fit without one retired set's messages (examples and background), score on it."""
    scenario = parse_scenario(FLAGSHIP)
    out = {}
    for writer, (moves_file, off_file) in RETIRED.items():
        rows, off_rows = _rows(moves_file), _rows(off_file)
        drop = frozenset(normalise(r["text"]) for r in rows + off_rows)
        model = fitted_on(scenario, lambda texts, _l, drop=drop: [
            i for i, t in enumerate(texts) if normalise(t) not in drop])
        out[writer] = move_scores(model, rows)
        out[writer]["offtopic"] = sum(bool(model.read(r["text"])) for r in off_rows) / len(
            off_rows)
    return out


def first_per_move(n: int) -> Keep:
    """Keep the first ``n`` examples of each move, and all background phrases."""
    def keep(_texts: list[str], labels: np.ndarray) -> list[int]:
        background = int(labels.max())
        seen: Counter[int] = Counter()
        chosen = []
        for i, label in enumerate(labels.tolist()):
            seen[label] += 1
            if label == background or seen[label] <= n:
                chosen.append(i)
        return chosen
    return keep


def fit_seconds() -> dict[str, float]:
    """Fitting the flagship from nothing and on a fresh install, refitting after edits,
    and a new scenario with 20 examples per move."""
    scenario = parse_scenario(FLAGSHIP)
    embedder = get_embedder()
    if embedder is None:
        return {}
    everything: Keep = lambda texts, _labels: list(range(len(texts)))  # noqa: E731

    def timed(make: Callable[[], object]) -> float:
        embedder.cache.clear()
        start = time.perf_counter()
        make()
        return time.perf_counter() - start

    def edited(folder: Path, old: str, new: str) -> Any:
        path = folder / "edited.yaml"
        path.write_text(FLAGSHIP.read_text(encoding="utf-8").replace(old, new, 1), "utf-8")
        return parse_scenario(path)

    out = {"nothing": timed(lambda: fitted_on(scenario, everything, seeded=False))}
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        out["fresh"] = timed(lambda: mv.MoveModel(scenario, embedder, cache_dir=cache))
        line = edited(cache, "the less I want to come.", "the less I feel like coming.")
        out["line"] = timed(lambda: mv.MoveModel(line, embedder, cache_dir=cache))
        example = edited(cache, "Thanks for agreeing to talk.",
                         "Thanks for agreeing to talk today.")
        out["edit"] = timed(lambda: mv.MoveModel(example, embedder, cache_dir=cache))
        out["cached"] = timed(lambda: mv.MoveModel(example, embedder, cache_dir=cache))
    out["small"] = timed(lambda: fitted_on(scenario, first_per_move(20), seeded=False))
    return out


def _sorted_ms(call: Callable[[str], object], texts: list[str]) -> list[float]:
    """Each text's wall time through ``call``, in ms, sorted."""
    times = []
    for text in texts:
        start = time.perf_counter()
        call(text)
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)


def _p95(times: list[float]) -> float:
    return times[int(len(times) * 0.95) - 1]


def latency(recognizer: ScenarioRecognizer, texts: list[str]) -> tuple[float, float]:
    """Warm p50 and p95 in ms for both layers (moves and micro-skills) together."""
    for text in texts[:20]:
        recognizer.recognize(text + " (warm-up)", "Why am I here?")
    embedder = getattr(recognizer.moves, "embedder", None)
    if embedder is not None:
        embedder.cache.clear()  # measure fresh messages, not cached vectors
    times = _sorted_ms(
        lambda text: recognizer.recognize(text, "I just don't want to be blamed for everything."),
        texts)
    return statistics.median(times), _p95(times)


def model_run_p95(embedder: Any, texts: list[str]) -> float:
    """p95 in ms of the sentence model's bare run on the same messages: the baseline.

    The machines are noisy (the same code's p95 moved from 9.3 to 11.5 ms within
    a day), so the latency is also given as a multiple of this, measured in the
    same process right after it.
    """
    return _p95(_sorted_ms(lambda text: embedder._run([text]), texts))


def startup_seconds() -> float:
    """A fresh process: imports, model checks, cached move model and skills ready."""
    code = (
        "import time; t=time.perf_counter();"
        "from bot.library import find_scenario, default_recognizer;"
        "from pathlib import Path;"
        "r=default_recognizer(find_scenario(Path('dialogues'),'hesitant_partner'));"
        "r.recognize('hello there', None);"
        "print(time.perf_counter()-t)"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True,
                         text=True)
    return float(out.stdout.strip().splitlines()[-1])


def classify_thousand(texts: list[str], *, fresh: bool = False) -> float:
    """Wall time of ``python -m bot classify`` on 1,000 messages, start-up included.

    ``fresh``: with an empty data folder, as on a new install (no fitted model
    cached, so the shipped fit and phrase vectors are all there is).
    """
    lines = (texts * (1000 // len(texts) + 1))[:1000]
    with tempfile.TemporaryFile("w+") as handle, tempfile.TemporaryDirectory() as data:
        handle.write("\n".join(f"{t} #{i}" for i, t in enumerate(lines)))
        handle.seek(0)
        env = {**os.environ, "DATA_DIR": data} if fresh else None
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot", "classify", "--scenario", "hesitant_partner"],
                       cwd=ROOT, stdin=handle, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def footprint_mb() -> dict[str, float]:
    """Installed size of the model files and the recognition run-time packages."""
    import onnxruntime
    import tokenizers

    from bot.recognition.embedding import MODEL_PATH

    def size(path: Path) -> float:
        if path.is_file():
            return path.stat().st_size / 1e6
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6

    data = ROOT / "bot" / "recognition" / "data"
    return {
        "sentence model (dynamic int8 ONNX)": size(MODEL_PATH),
        "tokenizer, skill parameters, shipped phrase vectors and fits":
            size(data) - size(MODEL_PATH),
        "onnxruntime": size(Path(onnxruntime.__file__).parent),
        "tokenizers": size(Path(tokenizers.__file__).parent),
    }


def skill_scores() -> dict[str, Any]:
    """The skill model's grouped-CV scores, recorded when it was trained (reproducibly)."""
    path = ROOT / "bot" / "recognition" / "data" / "skills_model.json"
    cv = json.loads(path.read_text(encoding="utf-8"))["cv"]["sentence"]
    return {
        "behaviour_macro_f1": cv["behaviour"]["macro_f1"],
        "open_closed_macro_f1": cv["open_vs_closed"]["macro_f1"],
        "simple_complex_macro_f1": cv["complex_vs_simple"]["macro_f1"],
    }


def main() -> None:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    scenario = parse_scenario(FLAGSHIP)
    embedder = get_embedder()
    fits = fit_seconds()
    recognizer = ScenarioRecognizer(scenario, embedder=embedder)
    held_out = {name: _rows(f"moves_{name}.jsonl") for name in HELD_OUT}
    if len(held_out) > 1:
        held_out["pooled"] = [row for rows in held_out.values() for row in rows]
    off_rows = [row for name in HELD_OUT for row in _rows(f"offtopic_{name}.jsonl")]
    off = sum(bool(recognizer.moves.read(r["text"])) for r in off_rows) / len(off_rows)
    writers = leave_one_writer_out()
    cv = cross_validation(FLAGSHIP)
    texts = [r["text"] for r in _rows("moves_test4.jsonl")]
    p50, p95 = latency(recognizer, texts)
    bare = model_run_p95(embedder, texts) if embedder is not None else float("nan")
    print("Recognition targets (flagship scenario)")
    print(f"{'measure':58} {'value':>9} {'target':>9}")
    table: list[tuple[str, float, str]] = []
    for name, rows in held_out.items():
        test = move_scores(recognizer.moves, rows)
        table += [
            (f"moves, held out ({name}): top-1 (a labelled move first)", test["top1"], "≥ 0.92"),
            (f"moves, held out ({name}): top-1 (the main move first)", test["top1_main"], ""),
            (f"moves, held out ({name}): poor-move recall", test["poor_recall"], "≥ 0.95"),
            (f"moves, held out ({name}): good messages flagged as poor", test["good_flagged"],
             "≤ 0.02"),
            (f"moves, held out ({name}): read as nothing", test["unclear"], ""),
        ]
        if name == "pooled":
            table += [
                ("moves, pooled, several labelled: labelled moves found", test["several_found"],
                 ""),
                ("moves, pooled, several labelled: moves found that are labelled",
                 test["several_precision"], ""),
            ]
    table.append((f"off-topic read as a move, held out ({len(off_rows)} messages)", off, "low"))
    for writer, score in writers.items():
        table += [
            (f"moves, leaving out the {writer}: top-1", score["top1"], ""),
            (f"moves, leaving out the {writer}: poor-move recall", score["poor_recall"], ""),
            (f"moves, leaving out the {writer}: good flagged as poor", score["good_flagged"], ""),
            (f"off-topic, leaving out the {writer}: read as a move", score["offtopic"], ""),
        ]
    table += [
        ("moves, 5-fold CV over examples: top-1", cv["top1"], ""),
        ("moves, 5-fold CV over examples: poor-move recall", cv["poor_recall"], ""),
        ("moves, 5-fold CV over examples: good flagged as poor", cv["good_flagged"], ""),
    ]
    skills = skill_scores()
    for key, label, target in [
        ("behaviour_macro_f1", "skills: behaviour macro-F1 (grouped 5-fold CV)", "≥ 0.80"),
        ("open_closed_macro_f1", "skills: open vs closed question macro-F1", "≥ 0.80"),
        ("simple_complex_macro_f1", "skills: simple vs complex reflection macro-F1", "report"),
    ]:
        if key in skills:
            table.append((label, float(skills[key]), target))
    if embedder is not None:
        rows = written.load_rows()
        typed = written.scores(rows, written.read(rows))
        table += [
            (f"skills, {len(rows)} written coded lines: behaviour macro-F1", typed["behaviour"],
             "report"),
            ("skills, written coded lines: open vs closed macro-F1", typed["question"], "report"),
            ("skills, written coded lines: simple vs complex macro-F1", typed["reflection"],
             "report"),
        ]
    for label, value, target in table:
        print(f"{label:58} {value:9.3f} {target:>9}")
    print(f"{'latency, both layers, warm p50 (ms)':58} {p50:9.1f} {'':>9}")
    print(f"{'latency, both layers, warm p95 (ms)':58} {p95:9.1f} {'≤ 10':>9}")
    print(f"{'latency baseline: the sentence model alone, p95 (ms)':58} {bare:9.1f} {'':>9}")
    print(f"{'latency, both layers p95 / sentence model alone p95':58} {p95 / bare:9.2f}")
    print(f"{'start-up, recogniser ready in a fresh process (s)':58} {startup_seconds():9.2f} "
          f"{'≤ 2':>9}")
    print(f"{'classify 1,000 messages incl. start-up (s)':58} {classify_thousand(texts):9.2f} "
          f"{'< 20':>9}")
    print(f"{'the same on a fresh install (empty data folder) (s)':58} "
          f"{classify_thousand(texts, fresh=True):9.2f} {'< 20':>9}")
    n_examples = sum(len(m.examples) for m in scenario.moves.values())
    for key, label in [
        ("nothing", f"fit the flagship from nothing ({n_examples} examples) (s)"),
        ("fresh", "the flagship on a fresh install (shipped fit and vectors) (s)"),
        ("line", "reload the flagship after editing one of Sam's lines (s)"),
        ("edit", "refit the flagship after editing one example (s)"),
        ("cached", "load the fitted flagship from the cache (s)"),
        ("small", "fit a new scenario with 20 examples per move (s)"),
    ]:
        if key in fits:
            print(f"{label:58} {fits[key]:9.2f}")
    for name, mb in footprint_mb().items():
        print(f"{'footprint: ' + name + ' (MB)':58} {mb:9.1f}")


if __name__ == "__main__":
    main()
