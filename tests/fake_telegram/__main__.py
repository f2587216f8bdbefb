"""Run the fake as its own process: ``python -m tests.fake_telegram --port 8081``.

Prints ``FAKE_TELEGRAM_READY <url>`` once listening (with the real port when ``--port 0``),
so a parent process can wait for that line; stops cleanly on SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from .remote import READY_MARKER
from .server import DEFAULT_TOKEN, FakeTelegram


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options; every one has a default that suits a local test run."""
    parser = argparse.ArgumentParser(prog="python -m tests.fake_telegram", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--bot-username", default="fake_test_bot")
    parser.add_argument(
        "--lenient-chats", action="store_true",
        help="let the bot write to chats no user has opened (Telegram says 'chat not found')",
    )
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    """Start the server, announce it, and wait for a stop signal."""
    fake = FakeTelegram(
        token=args.token, host=args.host, port=args.port, bot_username=args.bot_username,
        strict_chats=not args.lenient_chats,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with fake:
        print(f"{READY_MARKER} {fake.url}", flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``python -m tests.fake_telegram``."""
    asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
