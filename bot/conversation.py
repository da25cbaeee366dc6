"""Channel-agnostic message types: what a channel hands the engine and gets back."""
from __future__ import annotations

from dataclasses import dataclass

MAX_PAYLOAD_BYTES = 64  # Telegram's callback_data limit; every payload must fit it


@dataclass(frozen=True)
class Button:
    """Either a payload the engine gets back when pressed, or a link to open."""
    title: str
    payload: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if (self.payload is None) == (self.url is None):
            raise ValueError("a button has exactly one of payload or url")
        if self.payload is not None and len(self.payload.encode()) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"payload longer than {MAX_PAYLOAD_BYTES} bytes: {self.payload}")


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class Incoming:
    channel: str          # "web", "telegram", "zalo", "cli", …
    user: str             # the channel's own user id; hashed before anything is stored
    text: str | None = None
    payload: str | None = None


def numbered_texts(replies: list[Reply]) -> list[str]:
    """Render one turn for channels without buttons: payload buttons become "[1] …" lines,
    numbered across the whole turn in the order the engine maps "1", "2" back; links become 🔗 lines."""
    out, n = [], 0
    for reply in replies:
        lines = [reply.text]
        for b in reply.buttons:
            if b.payload:
                n += 1
                lines.append(f"[{n}] {b.title}")
        lines += [f"🔗 {b.title}: {b.url}" for b in reply.buttons if b.url]
        out.append("\n".join(lines))
    return out
