"""Micro-skill classifier and sentence embedder: shipped parameters, behaviour, integrity."""

from __future__ import annotations

import itertools
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import ModelIntegrityError
from bot.recognition import embedding, skills
from bot.recognition.skill_model import HEADS, META_PATH, MODEL_PATH, SKILLS, load_params
from tests.scenarios import ROOT

META = json.loads(META_PATH.read_text(encoding="utf-8"))
EMBEDDER = embedding.get_embedder()
needs_model = pytest.mark.skipif(EMBEDDER is None, reason="sentence model not installed")


def _ids(reading: skills.SkillReading) -> list[str]:
    return [g.id for g in reading.skills]


# --- shipped parameters ---------------------------------------------------


def test_shipped_params_reproduce_recorded_probe_outputs() -> None:
    params = load_params()
    assert len(META["probes"]) >= 30
    for probe in META["probes"]:
        variants = [("lexical", None)]
        if EMBEDDER is not None:
            variants.append(("sentence", EMBEDDER.layer_features(probe["text"])))
        for name, vec in variants:
            probs = params.probabilities(probe["text"], probe["previous"], vec)
            want = probe[name]
            np.testing.assert_allclose(
                probs, want["probabilities"], atol=1e-4, err_msg=probe["text"]
            )
            reading = skills.read_probabilities(probs, params, name)  # type: ignore[arg-type]
            assert reading.behaviour == want["behaviour"], probe["text"]
            assert _ids(reading) == want["skills"], probe["text"]


def test_recorded_metrics_do_not_regress() -> None:
    # Floors just under what the shipped model reached (the targets are 0.80 for
    # both; a linear model on a frozen MiniLM's middle layers reaches 0.77-0.78).
    cv = META["cv"]["sentence"]
    assert cv["behaviour"]["macro_f1"] >= 0.765
    assert cv["open_vs_closed"]["macro_f1"] >= 0.77
    assert META["cv"]["lexical"]["behaviour"]["macro_f1"] >= 0.72
    assert set(META["reliability"]["sentence"]) == set(SKILLS)


@needs_model
def test_written_coded_lines_are_read_as_well_as_when_measured() -> None:
    """bench/skills_written.py's 1,200 lines, never trained on (0.862 / 0.950 when written).

    A retrained skill model or sentence model that reads typed counsellor lines
    worse fails here, even if AnnoMI's cross-validation holds.
    """
    from bench import skills_written

    rows = skills_written.load_rows()
    assert len(rows) == 1200
    assert {r["behaviour"] for r in rows} == {"question", "reflection", "input", "other"}
    got = skills_written.scores(rows, skills_written.read(rows))
    assert got["behaviour"] >= 0.84, got
    assert got["question"] >= 0.92, got


def test_model_file_checksum_is_verified(tmp_path: Path) -> None:
    model = tmp_path / "skills_model.npz"
    meta = tmp_path / "skills_model.json"
    shutil.copy(MODEL_PATH, model)
    shutil.copy(META_PATH, meta)
    load_params(model, meta)  # an intact copy loads
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError):
        load_params(model, meta)


def test_model_fitted_on_other_sentence_features_is_refused() -> None:
    from bot.recognition.skill_model import unpack

    with np.load(MODEL_PATH, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    unpack(arrays, META)  # the shipped arrays fit this code
    arrays["sentence_W"] = arrays["sentence_W"][: -embedding.DIM]  # e.g. one layer fewer
    with pytest.raises(ModelIntegrityError, match="retrain"):
        unpack(arrays, META)


def test_model_file_is_read_without_pickle(tmp_path: Path) -> None:
    model = tmp_path / "skills_model.npz"
    np.savez(model, terms=np.asarray([{"a": 1}], dtype=object))
    meta = tmp_path / "skills_model.json"
    digest = embedding.sha256_bytes(model.read_bytes())
    meta.write_text(json.dumps({"model_sha256": digest}), encoding="utf-8")
    with pytest.raises(ValueError, match="allow_pickle"):
        load_params(model, meta)


# --- what the classifier says ---------------------------------------------------


@needs_model
@pytest.mark.parametrize(
    ("text", "previous", "behaviour", "skill"),
    [
        ("What worries you most about coming?", None, "question", "open_question"),
        ("Is Tuesday ok?", None, "question", "closed_question"),
        ("It sounds like you're worried you'd be blamed.", "I just don't want to be the bad guy",
         "reflection", None),
        ("You did a great job coming here today", None, None, "affirm"),
        ("It's completely your decision", None, None, "emphasize_autonomy"),
    ],
)
def test_classifies_the_reference_examples(
    text: str, previous: str | None, behaviour: str | None, skill: str | None
) -> None:
    reading = skills.classify_skills(text, previous)
    assert reading.model == "sentence"
    if behaviour:
        assert reading.behaviour == behaviour
    if skill:
        assert skill in _ids(reading), reading


@needs_model
@needs_model
@pytest.mark.parametrize(
    ("text", "behaviour", "skill"),
    [
        ("It took courage to take this call.", "other", "affirm"),
        ("Thank you for being so honest with me.", "other", "affirm"),
        ("Whether you come or not is completely your decision.", "other", "emphasize_autonomy"),
        ("In a joint session you'd both get equal time, and I'd keep it fair.", "input", None),
    ],
)
def test_a_partners_line_before_does_not_turn_statements_into_reflections(
    text: str, behaviour: str, skill: str | None
) -> None:
    """In play there is always a previous line; it once made most statements 'reflections'."""
    sam = "Look, I'm only on this call because Alex asked me to. I'm not sure what you want."
    for previous in (None, sam):
        reading = skills.classify_skills(text, previous)
        assert reading.behaviour == behaviour, (previous, reading)
        assert skill is None or reading.has(skill), (previous, reading)


def test_telling_someone_to_stop_is_advice_or_confrontation() -> None:
    reading = skills.classify_skills("You need to stop drinking", None)
    assert reading.behaviour == "input"
    assert {"advice", "confront"} & set(_ids(reading)), reading


@needs_model
def test_open_and_closed_are_not_both_claimed_for_a_plain_question() -> None:
    reading = skills.classify_skills("Is Tuesday ok?", None)
    assert "open_question" not in _ids(reading)


@needs_model
@pytest.mark.parametrize(
    ("text", "behaviour"),
    [
        ("wat wd u need to feel ok about it", "question"),
        ("so like is it more the time thing w ur shifts or more abt wat might come up",
         "question"),
        ("how r u feeling abt it all", "question"),
    ],
)
def test_phone_shorthand_is_read_like_the_words_it_stands_for(text: str, behaviour: str) -> None:
    # From a play-test: the first read as "other" before shorthand was spelled out.
    assert skills.classify_skills(text, "I don't know.").behaviour == behaviour


def test_shorthand_is_spelled_out_but_stutters_and_abbreviations_stay() -> None:
    from bot.recognition.skill_features import clean

    assert clean("wat wd u need, tbh") == "what would you need, to be honest"
    assert clean("W-what do you mean? The U.S. and R&B") == "w-what do you mean? the u.s. and r&b"


def test_lexical_model_still_reads_questions() -> None:
    params = load_params()
    probs = params.probabilities("What worries you most about coming?", None)
    reading = skills.read_probabilities(probs, params, "lexical")
    assert reading.behaviour == "question"
    assert _ids(reading)[0] == "open_question"
    probs = params.probabilities("Did you drink last night?", None)
    assert "closed_question" in _ids(skills.read_probabilities(probs, params, "lexical"))


def test_weak_skills_are_hedged() -> None:
    params = load_params()
    probs = np.zeros(len(HEADS), dtype=np.float32)
    probs[1] = 0.97  # reflection
    probs[HEADS.index("complex|r")] = 0.9
    reading = skills.read_probabilities(probs, params, "sentence")
    guess = next(g for g in reading.skills if g.id == "complex_reflection")
    assert guess.reliability == META["reliability"]["sentence"]["complex_reflection"]
    assert guess.hedge == (guess.reliability < skills.RELIABLE_F1)
    low = skills.SkillGuess("open_question", 0.55, 0.95)
    assert low.hedge and "open_question" not in skills.SkillReading("question", 0.9).tentative


def test_permission_advice_is_not_also_plain_advice() -> None:
    params = load_params()
    probs = np.zeros(len(HEADS), dtype=np.float32)
    probs[2] = 0.9  # input
    probs[HEADS.index("advice|i")] = 0.8
    probs[HEADS.index("advice_with_permission")] = 0.9
    ids = _ids(skills.read_probabilities(probs, params, "sentence"))
    assert "advice_with_permission" in ids and "advice" not in ids


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=300), previous=st.none() | st.text(max_size=200))
def test_any_text_gives_a_well_formed_reading(text: str, previous: str | None) -> None:
    reading = skills.classify_skills(text, previous)
    assert reading.behaviour in ("question", "reflection", "input", "other")
    assert 0.25 <= reading.behaviour_confidence <= 1.0
    ids = _ids(reading)
    assert len(ids) == len(set(ids)) and set(ids) <= set(SKILLS)
    confs = [g.confidence for g in reading.skills]
    assert confs == sorted(confs, reverse=True)
    assert all(0.0 <= c <= 1.0 for c in confs)


# --- embedder ---------------------------------------------------


@needs_model
def test_embeddings_are_unit_float32_and_batch_independent() -> None:
    assert EMBEDDER is not None
    texts = ["Is Tuesday ok?", "It sounds like you're worried you'd be blamed.", ""]
    EMBEDDER.cache.clear()
    vecs = EMBEDDER.embed(texts)
    assert vecs.shape == (3, embedding.DIM) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    EMBEDDER.cache.clear()
    alone = EMBEDDER.embed([texts[1]])[0]
    np.testing.assert_allclose(alone, vecs[1], atol=1e-6)
    assert EMBEDDER.embed([]).shape == (0, embedding.DIM)
    # Paraphrases are closer than unrelated lines: the tokenizer matches the model.
    a, b, c = EMBEDDER.embed(["I'm worried about my drinking.", "My drinking worries me.",
                              "The bus leaves at ten."])
    assert a @ b > a @ c + 0.3


@needs_model
def test_embedding_cache_serves_repeats() -> None:
    assert EMBEDDER is not None
    EMBEDDER.cache.clear()
    EMBEDDER.embed(["What worries you most about coming?"])
    hits = EMBEDDER.cache.hits
    vec = EMBEDDER.embed_one("What worries you most about coming?")
    assert EMBEDDER.cache.hits == hits + 1
    assert not vec.flags.writeable


@needs_model
def test_the_model_gives_the_top_layer_then_the_skill_layers_in_one_run() -> None:
    import onnxruntime as ort

    session = ort.InferenceSession(embedding.MODEL_PATH.read_bytes(),
                                   providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    assert names == ["last_hidden_state", *embedding.SKILL_LAYERS]
    ids = np.asarray([[101, 2054, 5176, 2017, 2087, 1029, 102]], dtype=np.int64)
    feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids),
             "token_type_ids": np.zeros_like(ids)}
    last, *layers = session.run(None, feeds)
    assert all(h.shape == last.shape for h in layers)
    assert not any(np.allclose(h, last) for h in layers)
    assert not any(np.allclose(a, b) for a, b in itertools.pairwise(layers))


@needs_model
def test_layer_features_are_one_run_whichever_layer_asks_first() -> None:
    """Moves read clauses through embed_parts; skills must then get the same row."""
    assert EMBEDDER is not None
    text = "I hear you, but honestly you need to come."
    EMBEDDER.cache.clear()
    direct = EMBEDDER.layer_features(text).copy()
    assert direct.shape == (embedding.LAYER_DIM,)
    norms = np.linalg.norm(direct.reshape(len(embedding.SKILL_LAYERS), embedding.DIM), axis=1)
    np.testing.assert_allclose(norms, 1.0, atol=1e-5)
    EMBEDDER.cache.clear()
    EMBEDDER.embed_parts(text, ["I hear you,", "but honestly you need to come."])
    hits = EMBEDDER.cache.hits
    np.testing.assert_array_equal(EMBEDDER.layer_features(text), direct)
    assert EMBEDDER.cache.hits == hits + 1

@needs_model
def test_embedding_model_checksum_mismatch_raises(tmp_path: Path) -> None:
    tampered = tmp_path / "model.onnx"
    data = bytearray(embedding.MODEL_PATH.read_bytes())
    data[-1000] ^= 0x01
    tampered.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match="sha256"):
        embedding.Embedder(model_path=tampered)


def test_tokenizer_checksum_mismatch_raises(tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime")
    tok = tmp_path / "tokenizer.json"
    tok.write_bytes(embedding.TOKENIZER_PATH.read_bytes().replace(b'"[UNK]"', b'"[UNX]"', 1))
    with pytest.raises(ModelIntegrityError):
        embedding.Embedder(tokenizer_path=tok)


def test_missing_model_package_falls_back_to_lexical_with_one_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(embedding, "MODEL_PATH", Path("/nonexistent/model.onnx"))
    embedding._reset_for_tests()
    try:
        with caplog.at_level(logging.WARNING, logger="bot.recognition.embedding"):
            assert embedding.get_embedder() is None
            assert embedding.get_embedder() is None
            reading = skills.classify_skills("Is Tuesday ok?", None)
        warnings = [r for r in caplog.records if "sentence model not installed" in r.message]
        assert len(warnings) == 1
        assert reading.model == "lexical" and reading.behaviour == "question"
    finally:
        embedding._reset_for_tests()


# --- training is reproducible ---------------------------------------------------


@needs_model
def test_training_is_deterministic() -> None:
    from bot.recognition import train_skills as ts

    own = ts.load_own(ts.EXAMPLES_PATH)
    feats = ts.compute_features(own)
    idx = np.arange(len(own))
    vocab1, fit1 = ts.fit_all(own, feats, idx)
    vocab2, fit2 = ts.fit_all(own, feats, idx)
    assert vocab1.index == vocab2.index
    for name in fit1:
        assert np.array_equal(fit1[name].weights, fit2[name].weights)
        assert np.array_equal(fit1[name].bias, fit2[name].bias)


def test_readings_are_identical_in_every_process() -> None:
    """Python salts string hashes per process; no reading may depend on set order."""
    code = (
        "import json, sys; from bot.recognition.skills import get_params\n"
        "p = get_params().probabilities(sys.argv[1], sys.argv[2])\n"
        "print(json.dumps(p.tolist()))"
    )
    text = "So you'd be fine talking about the money, as long as nobody takes sides?"
    previous = ("Honestly the money, the kids, her mother, the whole weekend thing, "
                "none of it gets sorted and I'm tired of rows about bills and holidays.")
    outputs = set()
    for seed in ("1", "2", "3", "4", "5", "6"):
        result = subprocess.run(
            [sys.executable, "-c", code, text, previous], cwd=ROOT, capture_output=True,
            text=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1


def test_word_features_read_on_the_helper_thread_give_the_same_reading() -> None:
    from bot.recognition.recognizer import read_skills
    from tests.scenarios import flagship_practice

    recognizer = flagship_practice().recognizer
    text = "So you'd come if nobody takes sides, is that it?"
    previous = "I'm not walking into a room where it's two against one."
    assert recognizer.recognize(text, previous).skills == read_skills(text, previous)


def test_a_scenario_can_give_tips_on_every_skill_the_reading_names() -> None:
    """``skill_notes`` keys are checked against the format's list, so the two must agree."""
    from typing import get_args

    import numpy as np

    from bot.recognition.skill_model import HEADS
    from bot.recognition.skills import get_params, read_probabilities
    from bot.scenario.format import SkillId

    named: set[str] = set()
    for subtypes in (1.0, 0.0):  # open, complex and advice heads, then their opposites
        probs = np.ones(len(HEADS))
        probs[[HEADS.index(h) for h in ("open|q", "complex|r", "advice|i")]] = subtypes
        named |= {g.id for g in read_probabilities(probs, get_params(), "sentence").skills}
    named.add("advice")  # advice with permission hides plain advice whenever both read
    assert named == set(get_args(SkillId))


def test_the_wording_decides_whether_a_question_is_open() -> None:
    """An invitation ending "How would that be?" was shown as a closed question
    (twenty-seventh play-test): where the wording shows a question, its kind wins."""
    from bot.engine.recognition import SkillNote, with_worded_question
    from bot.engine.session import MoveGuess

    note = SkillNote("question", 0.9, [MoveGuess("closed_question", 0.69)])
    text = "We could try one session, and then you decide. How would that be?"
    assert [s.id for s in with_worded_question(note, text).skills] == ["open_question"]
    note = SkillNote("question", 0.9, [MoveGuess("open_question", 0.6)])
    read = with_worded_question(note, "How about one session together?")
    assert [(s.id, s.confidence) for s in read.skills] == [("closed_question", 0.6)]


def test_a_reflection_that_says_the_partners_words_back_reads_as_simple() -> None:
    """Every play-test summary read "Complex reflections: 100 %", and the
    twenty-seventh's near-verbatim rephrases were shown as complex."""
    from bot.recognition.recognizer import read_skills
    from bot.recognition.said_back import said_back_share

    sam = "Look, I'm only on this call because Alex asked me to. I'm not sure what you want."
    echo = "sounds like ur not sure why im calling u at all"
    assert said_back_share(echo, sam) >= 0.5
    assert "simple_reflection" in {s.id for s in read_skills(echo, sam).skills}
    deeper = "It sounds like you're worried you've already been judged in a room you weren't in."
    said = "I don't know what's been said about me in those sessions, and that bothers me."
    assert said_back_share(deeper, said) < 0.2
    assert "complex_reflection" in {s.id for s in read_skills(deeper, said).skills}
    # classify (and AnnoMI's measure) keeps the model's own reading.
    from bot.recognition.skills import classify_skills
    assert classify_skills(echo, sam).has("complex_reflection")


def test_an_apostrophe_does_not_make_a_word_said_back() -> None:
    """"you're" counted as a word said back, "youre" did not (review)."""
    from bot.recognition.said_back import said_back_share

    sam = "I'm worried you're all going to decide it's my fault."
    assert said_back_share("you're scared you'll be the problem", sam) == said_back_share(
        "youre scared youll be the problem", sam) == 0.0


def test_words_are_compared_once_their_ending_is_cut() -> None:
    """"probably" met "problem" at four letters (review); "calling" still meets "call"."""
    from bot.recognition.said_back import said_back_share

    assert said_back_share("you're probably feeling left out", "The problem is nobody asked.") == 0
    assert said_back_share("so Alex calling", "Alex didn't call me") == 1.0


def test_a_quote_followed_by_an_added_feeling_reads_as_complex() -> None:
    """"You said Alex has all these new ways… Like the ground moved and nobody told
    you." was shown as a simple reflection: the quote's words said back made the
    whole message read simple (thirty-fourth play-test). Each statement counts on
    its own, and a question after a reflection says nothing of its kind."""
    from bot.recognition.recognizer import read_skills
    from bot.recognition.said_back import least_said_back

    sam = ("Honestly, I don't know where I fit any more. Alex has all these new ways of "
           "putting things, and I'm still catching up.")
    quote = "You said Alex has all these new ways of putting things and you're still catching up."
    added = f"{quote} Like the ground moved and nobody told you."
    assert least_said_back(quote, sam) >= 0.8
    assert least_said_back(added, sam) == 0.0
    assert "simple_reflection" in {s.id for s in read_skills(quote, sam).skills}
    assert "complex_reflection" in {s.id for s in read_skills(added, sam).skills}
    assert least_said_back(f"{quote} What's that been like?", sam) == least_said_back(quote, sam)


def test_a_courtesy_before_a_word_for_word_reflection_leaves_it_simple() -> None:
    """Review: "Fair enough." in front made a word-for-word reflection complex, as
    its least-said-back sentence; a courtesy sentence is not weighed."""
    from bot.recognition.recognizer import read_skills
    from bot.recognition.said_back import least_said_back

    sam = "Alex is the one who's been seeing you. I don't really get where I come into it."
    for courtesy in ("Fair enough.", "That makes sense.", "I hear you.",
                     "That makes a lot of sense.", "That makes sense to me.",
                     "Thanks for saying so.", "I hear what you're saying.",
                     "That's understandable."):
        text = f"{courtesy} You don't really get where you come into it."
        assert least_said_back(text, sam) == 1.0
        assert "simple_reflection" in {s.id for s in read_skills(text, sam).skills}


def test_a_dismissal_is_no_courtesy() -> None:
    """Reviews: "It makes no sense to me." and "That makes zero sense." were
    set aside as courtesies when weighing a reflection's kind."""
    from bot.recognition.said_back import _COURTESY

    for said in ("It makes no sense to me.", "That makes zero sense.", "That makes little sense."):
        assert not _COURTESY.match(said), said
    assert _COURTESY.match("That makes a whole lot of sense.")
