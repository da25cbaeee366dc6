"""A test channel that reads like a conversation: `replies = await chat("dk vneid muc 2 o dau")`."""
from __future__ import annotations

import asyncio

from bot.core.messages import Button, Incoming, Reply
from bot.dialogue import Dialogue


class Chat:
    def __init__(self, dialogue: Dialogue, user: str = "citizen-1", channel: str = "test") -> None:
        self.dialogue, self.user, self.channel = dialogue, user, channel
        self.last: list[Reply] = []

    async def __call__(self, text: str) -> list[Reply]:
        return await self._send(Incoming(self.channel, self.user, text=text))

    async def press(self, title_part: str) -> list[Reply]:
        """Press the first button of the last replies whose title contains title_part."""
        return await self._send(Incoming(self.channel, self.user, payload=self.button(title_part).payload))

    def button(self, title_part: str) -> Button:
        for reply in self.last:
            for b in reply.buttons:
                if b.payload and title_part.lower() in b.title.lower():
                    return b
        raise AssertionError(f"no button '{title_part}' in {[b.title for r in self.last for b in r.buttons]}")

    def text(self) -> str:
        return "\n".join(r.text for r in self.last)

    async def _send(self, incoming: Incoming) -> list[Reply]:
        self.last = await asyncio.to_thread(self.dialogue.handle, incoming)
        return self.last
