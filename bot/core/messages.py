"""Channel-agnostic message types: what a channel hands the engine and gets back.

Markup contract for `Reply.text`: plain text with paragraphs separated by blank
lines; the only markup is `**bold**`, and URLs appear as plain text. Every
channel renders it with `bot.core.markup` (escaped HTML for the web and Telegram,
plain text for Zalo and the terminal) and never passes it through raw.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields

MAX_PAYLOAD_BYTES = 64  # Telegram's callback_data limit; every payload must fit it
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def well_formed(text: str) -> str:
    """Text that can be stored and sent: JSON's "\\ud800" decodes to a lone surrogate, which is no character at
    all and which SQLite and every channel refuse to encode; it becomes U+FFFD (the replacement character)."""
    return _LONE_SURROGATE.sub("\ufffd", text)


@dataclass(frozen=True)
class Button:
    """Either a payload the engine gets back when pressed, or a link to open."""
    title: str
    payload: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", well_formed(self.title))
        if (self.payload is None) == (self.url is None):
            raise ValueError("a button has exactly one of payload or url")
        if self.payload is not None and len(self.payload.encode()) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"payload longer than {MAX_PAYLOAD_BYTES} bytes: {self.payload}")


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()
    entry_id: str | None = None   # set on the bubble that answers from a knowledge entry (it gets rated)
    rateable: bool = False   # not an answer (an ask-back, "the guide does not say") and still open to a 👎

    def __post_init__(self) -> None:  # e.g. a team member's answer pasted with a broken character
        object.__setattr__(self, "text", well_formed(self.text))


@dataclass(frozen=True)
class Incoming:
    """One delivery from a channel.

    `message_id` is the channel's own id for this delivery (Telegram update_id, Zalo msg_id, a client id
    on the web): a delivery seen before is ignored. `address` is how to reach the citizen later (Telegram
    chat id, Zalo user id); it is kept apart from the hashed user key and never logged.
    """
    channel: str          # "web", "telegram", "zalo", "cli", …
    user: str             # the channel's own user id; hashed before anything is stored
    text: str | None = None
    payload: str | None = None
    message_id: str | None = None
    address: str | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                object.__setattr__(self, f.name, well_formed(value))

    def __repr__(self) -> str:  # keeps the raw user id and address out of logs and tracebacks
        return f"Incoming(channel={self.channel!r}, message_id={self.message_id!r})"


def reply_to_dict(reply: Reply) -> dict:
    """The JSON shape of a reply (web API, queued replies)."""
    return {"text": reply.text,
            "buttons": [{"title": b.title, "payload": b.payload} if b.payload else {"title": b.title, "url": b.url}
                        for b in reply.buttons]}


def reply_from_dict(data: dict) -> Reply:
    return Reply(data["text"], tuple(Button(b["title"], b.get("payload"), b.get("url")) for b in data["buttons"]))


# Channels that may show a turn's buttons as numbered lines (`numbered_texts`): there "2" is the line marked [2].
# Elsewhere people see buttons without numbers, and "cái 2" counts the options listed, never the rating buttons.
SHOWS_NUMBERS = frozenset({"cli", "zalo"})


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
        lines += [f"🔗 {b.title}: {b.url}" for b in readable_links(reply)]
        out.append("\n".join(lines))
    return out


def readable_links(reply: Reply) -> list[Button]:
    """The link buttons a reader of plain text can open: a relative path (the "Chia sẻ" page, /s/…) needs the
    server's address, which only a channel that has one adds (see bot.dialogue.share)."""
    return [b for b in reply.buttons if b.url and not b.url.startswith("/")]
