"""A citizen's own key words in a message: what the portal's search box gets, and what a follow-up asks beyond
its subject."""
from __future__ import annotations

from bot.privacy.redact import redact, without_placeholders
from bot.reading.intent_file import load_intents
from indexer.vntext import fold, syllables

_MAX_SEARCH_WORDS = 8


def search_keywords(question: str, limit: int = _MAX_SEARCH_WORDS) -> list[str]:
    """The citizen's own key words for the portal's search box: no question words, fillers or personal data."""
    book = load_intents()
    # a small number says which one ("mức 2", "phiếu số 2"); a longer one is a year, an amount or a code
    words = [w for w in syllables(without_placeholders(redact(question) or "").lower())
             if not (w.isdigit() and len(w) > 2)]
    keep: list[str] = []
    i = 0
    while i < len(words):
        for n in (3, 2, 1):
            if fold(" ".join(words[i:i + n])) in book.search_stopwords:
                i += n
                break
        else:
            keep.append(words[i])
            i += 1
    return keep[:limit]
