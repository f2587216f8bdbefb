"""Erasing one trainee's data completely, for "delete my data" requests.

Tables are emptied explicitly, not through ON DELETE CASCADE alone, so every
table holding personal data is named here. The deletion test compares the row
count of every table, so a table added later and forgotten here fails it.
"""

from __future__ import annotations

from bot.storage.backend import Tx


async def erase_trainee(tx: Tx, user_id: int) -> bool:
    """Delete the trainee's turns, sessions, row and update ids; True if any existed."""
    # Trainee row first: the same lock order as start_session, so no deadlock.
    await tx.fetch(f"SELECT user_id FROM trainees WHERE user_id = ?{tx.for_update()}", (user_id,))
    count = await tx.execute(
        "DELETE FROM turns WHERE session_id IN (SELECT id FROM sessions WHERE user_id = ?)",
        (user_id,),
    )
    count += await tx.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
    count += await tx.execute("DELETE FROM trainees WHERE user_id = ?", (user_id,))
    count += await tx.execute("DELETE FROM processed_updates WHERE user_id = ?", (user_id,))
    return count > 0
