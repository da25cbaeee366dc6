"""An entry as text to match: its body without markup, and its lexical document. Read by the index build and by
the live answering code alike, so both see the same words (the answering code never imports the builder)."""
from __future__ import annotations

import re

from indexer.knowledge import KnowledgeEntry
from indexer.vntext import folded_syllables, lexical_terms

_MARKUP = re.compile(r"[*_`#>\[\]()]|https?://\S+")
# "xem “Tiêu đề mục khác”" points the reader to another entry; its words describe that entry, so matching them
# here made a signing entry outrank the registration entry it refers to
_CROSS_REFERENCE = re.compile(r"\bxem\s+“[^”\n]*”", re.IGNORECASE)


def plain(markdown: str) -> str:
    """Body text without Markdown markup, URLs or cross-references, for embedding and matching."""
    return " ".join(_MARKUP.sub(" ", _CROSS_REFERENCE.sub(" ", markdown)).split())


def entry_terms(entry: KnowledgeEntry) -> list[str]:
    """Lexical document of an entry; title and questions count twice (they say what it answers)."""
    head = " ".join([entry.title, *entry.questions])
    return lexical_terms(folded_syllables(head)) * 2 + lexical_terms(folded_syllables(plain(entry.body)))
