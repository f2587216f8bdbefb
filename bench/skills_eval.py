"""Print the skill classifier's recorded CV metrics, its latency and its footprint.

    python bench/skills_eval.py            # recorded metrics + timing
    python bench/skills_eval.py --cv       # re-run the grouped CV (about 3 minutes)

Latency is measured three ways on this machine: the skill layer alone when the
message's embedding is already cached (move recognition embeds the same text),
end to end including the embedding, and the lexical fallback.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.recognition import embedding, skills  # noqa: E402
from bot.recognition.skill_eval import PROBES, format_metrics  # noqa: E402
from bot.recognition.skill_model import META_PATH, MODEL_PATH  # noqa: E402

CSV = ROOT.parent / "shared" / "annomi" / "train.csv"


def _pct(ms: list[float]) -> str:
    return f"p50 {np.percentile(ms, 50):.2f} ms  p95 {np.percentile(ms, 95):.2f} ms  (n={len(ms)})"


def _messages(n: int) -> list[tuple[str, str | None]]:
    """Probe lines plus a seeded sample of AnnoMI lines (longer than chat turns)."""
    pairs: list[tuple[str, str | None]] = [(t, p) for t, p, _, _ in PROBES]
    if CSV.exists():
        with CSV.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        rng = random.Random(0)
        pairs += [(r["text"], r["prev_text"]) for r in rng.sample(rows, n)]
    return pairs


def load_time() -> None:
    """Cold load in a fresh interpreter: parameters, embedder, first classification."""
    code = (
        "import time; t=time.perf_counter();"
        "from bot.recognition import skills, embedding;"
        "t1=time.perf_counter(); skills.get_params(); t2=time.perf_counter();"
        "embedding.get_embedder(); t3=time.perf_counter();"
        "skills.classify_skills('Is Tuesday ok?', None); t4=time.perf_counter();"
        "print(f'import {t1-t:.3f}s  skill params {t2-t1:.3f}s  embedder {t3-t2:.3f}s  "
        "first call {t4-t3:.3f}s')"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    print("cold load:", out.stdout.strip())


def latency(n: int) -> None:
    """Warm per-message timings."""
    params = skills.get_params()
    emb = embedding.get_embedder()
    pairs = _messages(n)
    for text, prev in pairs[:20]:
        skills.classify_skills(text, prev)
    lexical = []
    for text, prev in pairs:
        t0 = time.perf_counter()
        skills.read_probabilities(params.probabilities(text, prev), params, "lexical")
        lexical.append((time.perf_counter() - t0) * 1000)
    print("lexical fallback (whole classifier):  ", _pct(lexical))
    if emb is None:
        print("sentence model not installed: no sentence-model timings")
        return
    chat = [(t, p) for t, p, _, _ in PROBES]
    emb.embed([t for t, _ in pairs])  # as after move recognition: the text is cached
    layer = []
    for text, prev in pairs:
        t0 = time.perf_counter()
        skills.classify_skills(text, prev)
        layer.append((time.perf_counter() - t0) * 1000)
    print("skill layer, embedding cached:        ", _pct(layer))
    for group, items in (("probes (chat-length)", chat), ("probes+AnnoMI", pairs)):
        full, embed_only = [], []
        for _ in range(3 if len(items) < 100 else 1):
            for text, prev in items:
                emb.cache.clear()
                time.sleep(0.002)  # messages arrive one at a time, not back to back
                t0 = time.perf_counter()
                emb.embed([text])
                embed_only.append((time.perf_counter() - t0) * 1000)
                emb.cache.clear()
                time.sleep(0.002)
                t0 = time.perf_counter()
                skills.classify_skills(text, prev)
                full.append((time.perf_counter() - t0) * 1000)
        print(f"embedding alone, {group}:".ljust(38), _pct(embed_only))
        print(f"end to end incl. embedding, {group}:".ljust(38), _pct(full))


def footprint() -> None:
    sizes = {
        "ONNX model (dynamic int8)": embedding.MODEL_PATH.stat().st_size,
        "tokenizer.json": embedding.TOKENIZER_PATH.stat().st_size,
        "skills_model.npz": MODEL_PATH.stat().st_size,
        "skills_model.json": META_PATH.stat().st_size,
    }
    for name, size in sizes.items():
        print(f"  {name:<34} {size / 1e6:7.2f} MB")


def main() -> int:
    """Print everything; --cv recomputes the metrics instead of reading them."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--cv", action="store_true", help="re-run cross-validation")
    ap.add_argument("-n", type=int, default=300, help="AnnoMI lines to time")
    args = ap.parse_args()
    meta = json.loads(META_PATH.read_text(encoding="utf-8"))
    if args.cv:
        from bot.recognition import train_skills as ts

        examples = ts.training_examples()
        metrics = ts.cross_validate(examples, ts.compute_features(examples))
    else:
        metrics = meta["cv"]
    print(format_metrics(metrics))
    load = os.getloadavg()[0]
    print(f"\nthreads: onnxruntime intra-op {embedding.THREADS}; cpus {os.cpu_count()}; "
          f"load average {load:.2f} (timings are noisy when other jobs run)")
    load_time()
    latency(args.n)
    print("footprint:")
    footprint()
    agree = sum(
        p["sentence"]["behaviour"] == p["expected_behaviour"]
        for p in meta["probes"] if p["expected_behaviour"] and "sentence" in p
    )
    total = sum(1 for p in meta["probes"] if p["expected_behaviour"])
    has = sum(
        p["expected_skill"] in p["sentence"]["skills"]
        for p in meta["probes"] if p["expected_skill"] and "sentence" in p
    )
    total_s = sum(1 for p in meta["probes"] if p["expected_skill"])
    print(f"probes: behaviour as expected {agree}/{total}, expected skill present {has}/{total_s}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
