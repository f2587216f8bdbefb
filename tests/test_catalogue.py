"""The message catalogues: every translation complete, and the bot speaking the trainee's language.

A key missing from a translation would silently fall back to English mid-sentence, and
a lost ``{placeholder}`` would raise at run time, so both are checked for every file.
"""

from __future__ import annotations

import re
import string
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.catalogue import LOCALES, available_languages, normalise_language, t
from bot.scenario.yaml_source import safe_load
from tests.bot_harness import Running, mini_bot

GERMAN_TRAINEE = 9101


def _load(language: str) -> dict[str, str]:
    data = safe_load((LOCALES / f"{language}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{language}.yaml is not a mapping"
    return {str(k): str(v) for k, v in data.items()}


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


TRANSLATIONS = [lang for lang in available_languages() if lang != "en"]


def test_german_is_available() -> None:
    assert "de" in TRANSLATIONS


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_a_translation_has_exactly_the_english_keys(language: str) -> None:
    english, other = _load("en"), _load(language)
    assert sorted(set(english) - set(other)) == [], f"missing in {language}.yaml"
    assert sorted(set(other) - set(english)) == [], f"unknown keys in {language}.yaml"


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_a_translation_keeps_every_placeholder(language: str) -> None:
    english, other = _load("en"), _load(language)
    wrong = {key: (sorted(_placeholders(english[key])), sorted(_placeholders(value)))
             for key, value in other.items()
             if key in english and _placeholders(value) != _placeholders(english[key])}
    assert wrong == {}


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_a_translation_is_plain_text_and_really_translated(language: str) -> None:
    """Texts are escaped before HTML is added, so a tag in a catalogue would show literally."""
    english, other = _load("en"), _load(language)
    assert not [k for k, v in other.items() if re.search(r"</?[a-z]+>", v)]
    same = [k for k, v in other.items() if v == english[k] and re.search(r"[a-z]{4}", v)]
    assert len(same) <= len(other) // 20, f"left in English: {same}"  # "neutral" etc. may match


def test_normalise_language() -> None:
    assert normalise_language("de-AT") == "de"
    assert normalise_language("de_CH") == "de"
    assert normalise_language("DE") == "de"
    assert normalise_language("en-GB") == "en"
    assert normalise_language("tlh") == "en"  # no Klingon catalogue: English
    assert normalise_language("") == "en"
    assert normalise_language(None) == "en"


def test_texts_fall_back_to_english() -> None:
    assert t("tg.goal", "de") == "Dein Ziel"
    assert t("tg.goal", "de-AT") == "Dein Ziel"
    assert t("tg.goal", "xx") == t("tg.goal", "en") == "Your goal"
    assert t("tg.hint", "de", hint="Frag nach.") == "Tipp: Frag nach."


# -- through the fake Bot API -----------------------------------------------------------
@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Running]:
    async with mini_bot(tmp_path) as running:
        yield running


async def test_a_german_speaking_trainee_gets_german_system_texts(bot: Running) -> None:
    user = GERMAN_TRAINEE
    # Telegram sends the client's language with every message, so each say() repeats it.
    await bot.say("/start", user=user, language_code="de", first_name="Jana")
    welcome, choose = bot.texts(user)
    assert welcome.startswith("Hallo Jana!") and "/delete_my_data" in welcome
    assert choose == t("tg.choose", "de")
    message_id, data = bot.last_buttons(user)
    assert data == ["s:mini"]
    [button] = bot.tg.sent_messages(user)[-1]["reply_markup"]["inline_keyboard"][0]
    assert button["text"] == "Mini practice"  # the scenario has no German: its own language

    await bot.press(message_id, "s:mini", user=user)
    brief, opening = bot.texts(user)[-2:]
    assert "Du sprichst mit Sam, Alex's partner." in brief  # German frame, English details
    assert "Dein Ziel: Invite Sam to one joint session." in brief
    assert opening.startswith("Sam: ") and opening in {
        "Sam: Why am I here?", "Sam: Alex is the one in therapy.", "Sam: I've not got long.",
    }

    await bot.say("/hint", user=user, language_code="de")
    assert bot.texts(user)[-1] == "Tipp: Find out what worries Sam."
    await bot.say("it sounds like you're worried about being blamed", user=user,
                  language_code="de")
    sam, feedback = bot.texts(user)[-2:]
    # The partner speaks the scenario's language (mini's "warming" lines).
    assert sam in {"Sam: Maybe.", "Sam: Go on.", "Sam: I'm listening."}
    assert "Reflection: Putting Sam's worry into words" in feedback
    await bot.say("/feedback", user=user, language_code="de")
    assert bot.texts(user)[-1] == t("tg.feedback_off", "de")
    update_id = bot.tg.user_sends_file(user, "voice", b"OggS-fake")
    await bot.settled(update_id)
    assert bot.texts(user)[-1] == t("tg.not_text", "de")


async def test_an_austrian_trainee_gets_german_and_others_english(bot: Running) -> None:
    await bot.say("/help", user=GERMAN_TRAINEE, language_code="de-AT")
    await bot.say("/help", user=GERMAN_TRAINEE + 1, language_code="fr")
    assert bot.texts(GERMAN_TRAINEE)[-1] == t("tg.help", "de")
    assert bot.texts(GERMAN_TRAINEE + 1)[-1] == t("tg.help", "en")


async def test_command_descriptions_are_registered_per_language(bot: Running) -> None:
    """Telegram shows a user the list for their app's language, English otherwise."""
    english = {c["command"]: c["description"] for c in bot.tg.commands()}
    german = {c["command"]: c["description"] for c in bot.tg.commands(language_code="de")}
    assert english["hint"] == t("command.hint", "en")
    assert set(german) == set(english)
    assert german["hint"] == t("command.hint", "de") != english["hint"]


def test_no_catalogue_key_is_written_twice() -> None:
    """A second ``tg.help`` (a new heading) silently replaced the /help text,
    as YAML keeps the last of two equal keys (review of the thirty-first play-test's mends)."""
    import yaml

    for path in LOCALES.glob("*.yaml"):
        root = yaml.compose(path.read_text(encoding="utf-8"))
        assert isinstance(root, yaml.MappingNode)
        keys = [key.value for key, _ in root.value]
        assert len(keys) == len(set(keys)), (path.name, sorted(k for k in keys
                                                             if keys.count(k) > 1))
