"""Settings from the environment or ``.env``, validated once at start-up.

Every setting is listed with a comment in ``.env.example``. Errors name the
variable and the expected form, never echo a secret.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.errors import SettingsError

ROOT = Path(__file__).resolve().parent.parent
_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")


class Settings(BaseSettings):
    """All configuration of the bot and the command-line tools."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    dialogues_dir: Path = ROOT / "dialogues"
    data_dir: Path = ROOT / "data"
    database_url: str = ""
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    log_level: str = "INFO"

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(x) for x in re.split(r"[,\s]+", value.strip()) if x]
        return value

    @property
    def database(self) -> str:
        """The storage URL; by default an SQLite file in the data folder."""
        return self.database_url or f"sqlite:///{self.data_dir / 'practice.db'}"

    def token(self) -> str:
        """The bot token, checked for shape; raises SettingsError naming the variable."""
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value():
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN is not set: put the token from @BotFather in .env"
            )
        token = self.telegram_bot_token.get_secret_value().strip()
        if not _TOKEN.match(token):
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN is malformed: expected digits, a colon and a long key, "
                "like 123456789:AA..."
            )
        return token


def load_settings() -> Settings:
    """Read settings; a malformed value becomes one clear SettingsError."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"{name}: {first['msg']}") from None
