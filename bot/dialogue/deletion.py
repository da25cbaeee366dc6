""""Xóa dữ liệu của tôi": after a confirmation, everything stored about the citizen is deleted."""
from __future__ import annotations

from bot.core.messages import Reply
from bot.core.payloads import menu_button
from bot.dialogue.part import Part
from bot.dialogue.turn import Turn


class Deletion(Part):
    def on_delete(self, turn: Turn, confirmed: bool) -> None:
        turn.session.pending = None
        if not confirmed:
            self._send(turn, Reply(self._say(turn, "delete_kept"), (menu_button(),)))
            return
        counts = self.storage.delete_user(turn.user)
        turn.forget = True
        turn.replies.clear()
        turn.replies.append(Reply(self._say(turn, "deleted", count=str(sum(counts.values()))), (menu_button(),)))
