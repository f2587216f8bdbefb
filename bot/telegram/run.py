"""``python -m bot run``: start the Telegram bot (long polling, or a webhook by setting)."""

from __future__ import annotations

import logging
from functools import partial
from urllib.parse import urlparse

from telegram.error import InvalidToken

from bot.errors import SettingsError
from bot.library import PracticeLibrary, default_recognizer
from bot.settings import Settings, load_settings
from bot.telegram.app import build_application

log = logging.getLogger(__name__)


class RedactingFormatter(logging.Formatter):
    """Never let the token reach a log line, whatever library logs a URL or a traceback."""

    def __init__(self, secret: str, fmt: str) -> None:
        super().__init__(fmt)
        self.secret = secret

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text.replace(self.secret, "<token>") if self.secret else text


def _drop_rejected_token_traceback(record: logging.LogRecord) -> bool:
    """Keep PTB's "Invalid token" line but not its traceback: ``run`` says what to do."""
    if record.exc_info and isinstance(record.exc_info[1], InvalidToken):
        record.exc_info = None
        record.exc_text = None
    return True


def configure_logging(settings: Settings, token: str) -> None:
    """Log to stderr at the configured level, with the token redacted everywhere."""
    logging.basicConfig(level=settings.log_level.upper(), force=True)
    formatter = RedactingFormatter(token, "%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter)
        handler.addFilter(_drop_rejected_token_traceback)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the URL


def run(check_only: bool = False) -> int:
    """Start the bot; settings problems end with one line and exit code 2."""
    settings = load_settings()
    token = settings.token()
    if settings.mode == "webhook" and (not settings.webhook_url or not settings.webhook_secret):
        raise SettingsError("webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET")
    if check_only:
        print("settings ok")
        return 0
    configure_logging(settings, token)
    recognizer = partial(default_recognizer, cache_dir=settings.data_dir / "cache")
    library = PracticeLibrary(settings.dialogues_dir, recognizer)
    report = library.reload()
    if not library.ids():
        raise SettingsError(f"no loadable scenario in {settings.dialogues_dir}")
    log.info("scenarios loaded: %s", ", ".join(report.loaded))
    application = build_application(settings, library)
    try:
        if settings.mode == "webhook":
            secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
            application.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=urlparse(settings.webhook_url).path.lstrip("/"),
                webhook_url=settings.webhook_url,
                secret_token=secret,
            )
        else:
            application.run_polling()
    except InvalidToken:
        # PTB's message quotes the token; a near-miss of the real one must not reach the log.
        raise SettingsError(
            "Telegram rejected the bot token; check TELEGRAM_BOT_TOKEN"
        ) from None
    return 0
