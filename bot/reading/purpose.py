"""What a citizen wants to spare themselves ("… cho khỏi bế con đi", "… để khỏi mất nữa") says why they ask, not
what about: searched with the rest, "để khỏi mất" had turned a question about putting the registration into VNeID
into re-issuing a lost one, and "cho khỏi bế con đi" a clear question about receiving the card by post into
don't-know."""
from __future__ import annotations

import re

# "để khỏi …", "cho khỏi …", "đặng khỏi …", up to the end of its clause: a mark, "thì", or the end
_SPARED = re.compile(r"(?:^|(?<=\s))(?:để|de|cho|đặng|dang)\s+(?:khỏi|khoi)\s[^,.;!?\n]*?"
                     r"(?=\s+(?:thì|thi)\s|[,.;!?\n]|$)", re.IGNORECASE)
_LEFT_WORDS = 6   # what stays must still be a question of its own ("có cách nào để khỏi bị phạt không" is one)
# asked how to be spared it, it is the question: "giờ tôi phải làm gì để khỏi dính phạt của nó nữa"
_HOW = re.compile(r"(?:làm gì|lam gi|làm sao|lam sao|cách nào|cach nao|thế nào|the nao|ntn|sao)\s*$", re.IGNORECASE)


def without_spared(text: str) -> str:
    """`text` without the clauses that say what the citizen wants to be spared, when enough is left to ask."""
    left = _SPARED.sub(lambda m: m.group() if _HOW.search(text[:m.start()]) else "", text)
    left = re.sub(r"\s+(?=[,.;!?])|(?<=\s)\s+", "", left).strip()
    return left if len(left.split()) >= _LEFT_WORDS else text
