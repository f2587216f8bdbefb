"""Telegram update ids already handled, so a redelivered update is not acted on twice.

Ids are kept per trainee (deletable with the rest of their data) and pruned by age:
Telegram redelivers for at most about a day, so old ids only cost space.
"""

from __future__ import annotations

from datetime import datetime

from bot.storage.backend import Tx


async def claim_update(
    tx: Tx, user_id: int, update_id: int, now: datetime, expired: datetime
) -> bool:
    """Mark the update processed; False if it already was.

    Also drops this trainee's ids older than ``expired``, which keeps the table
    small without a cron job.
    """
    await tx.execute(
        "DELETE FROM processed_updates WHERE user_id = ? AND processed_at < ?",
        (user_id, expired),
    )
    rows = await tx.fetch(
        "INSERT INTO processed_updates (user_id, update_id, processed_at) VALUES (?, ?, ?) "
        "ON CONFLICT (user_id, update_id) DO NOTHING RETURNING update_id",
        (user_id, update_id, now),
    )
    return bool(rows)


async def is_processed(tx: Tx, user_id: int, update_id: int) -> bool:
    """True if the id is recorded for this trainee."""
    rows = await tx.fetch(
        "SELECT 1 FROM processed_updates WHERE user_id = ? AND update_id = ?",
        (user_id, update_id),
    )
    return bool(rows)


async def prune(tx: Tx, expired: datetime) -> int:
    """Forget every id recorded before ``expired``; returns how many."""
    return await tx.execute("DELETE FROM processed_updates WHERE processed_at < ?", (expired,))
