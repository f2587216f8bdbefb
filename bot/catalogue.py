"""Every system text (not scenario text) comes from here, so the bot can be translated.

Catalogues are YAML files in ``bot/locales/<lang>.yaml``; a missing key or
language falls back to English, and English is required to have every key.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from bot.scenario.yaml_source import safe_load

LOCALES = Path(__file__).with_name("locales")
DEFAULT_LANGUAGE = "en"


@cache
def _catalogue(language: str) -> dict[str, str]:
    path = LOCALES / f"{language}.yaml"
    if not path.is_file():
        return {}
    data = safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in data.items()}


@cache
def available_languages() -> list[str]:
    """Languages with a catalogue file."""
    return sorted(p.stem for p in LOCALES.glob("*.yaml"))


def normalise_language(code: str | None) -> str:
    """Telegram sends codes like 'en-GB' or 'pt-br'; use the base language if we have it."""
    if not code:
        return DEFAULT_LANGUAGE
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in available_languages() else DEFAULT_LANGUAGE


def t(key: str, language: str | None = None, /, **values: object) -> str:
    """The text for ``key`` in ``language`` (falling back to English), formatted."""
    template = _catalogue(normalise_language(language)).get(key)
    if template is None:
        template = _catalogue(DEFAULT_LANGUAGE)[key]
    return template.format(**values) if values else template


def format_decimal(value: float, language: str | None = None, places: int = 1, /) -> str:
    """``value`` rounded half up and written the language's way ("1.3", German
    "1,3"): 5 reflections to 4 questions showed as 1.2, and the German summary
    wrote "1.5" beside its own "1,0" (review 44)."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{rounded}".replace(".", t("number.decimal_point", language))
