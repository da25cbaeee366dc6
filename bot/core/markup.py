"""Render the markup contract of `Reply.text` for each channel, and split long text.

The engine writes plain text with `**bold**` only (see bot.core.messages); a
citizen's own words can end up in replies, so everything else is escaped.
"""
from __future__ import annotations

import html
import re

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)


def to_plain(text: str) -> str:
    """Zalo, the terminal, `dvcbot ask`: bold markers dropped, nothing else touched."""
    return _BOLD.sub(r"\1", text)


def to_html(text: str) -> str:
    """Web page and Telegram HTML parse mode: everything escaped, then **bold** → <b>."""
    return _BOLD.sub(r"<b>\1</b>", html.escape(text, quote=False))


def split_text(text: str, limit: int) -> list[str]:
    """Chunks of at most `limit` characters, cut at paragraph, then line, then word boundaries.

    Bold markers never straddle a cut: a chunk boundary inside **…** moves before it.
    """
    if limit < 20:
        raise ValueError("limit too small")
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit + 1]
        cut = max((window.rfind(sep) for sep in ("\n\n", "\n")), default=-1)
        if cut < limit // 3:
            cut = window.rfind(" ")
        if cut < limit // 3:
            cut = limit
        if window[:cut].count("**") % 2:  # do not split a bold run
            cut = window[:cut].rfind("**") or cut
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks
