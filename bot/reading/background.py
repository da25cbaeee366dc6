"""What a message says around its question, not about it, is not searched. What a citizen wants to be spared
("… cho khỏi bế con đi", "… để khỏi mất nữa") says why they ask: searched with the rest, "để khỏi mất" had turned a
question about putting the registration into VNeID into re-issuing a lost one. What they already know of ("Ngoài
tiền mai táng, … tiền tuất hằng tháng") is what the question is not about: the death guide had answered it. What
is done already ("mới đăng ký kết hôn xong, giờ …") may not be what is asked now (bot/retrieval/answers.py)."""
from __future__ import annotations

import re

# "để khỏi …", "cho khỏi …", "đặng khỏi …", up to the end of its clause: a mark, "thì", or the end
_SPARED = re.compile(r"(?:^|(?<=\s))(?:để|de|cho|đặng|dang)\s+(?:khỏi|khoi)\s[^,.;!?\n]*?"
                     r"(?=\s+(?:thì|thi)\s|[,.;!?\n]|$)", re.IGNORECASE)
_LEFT_WORDS = 6   # what stays must still be a question of its own ("có cách nào để khỏi bị phạt không" is one)
# asked how to be spared it, it is the question: "giờ tôi phải làm gì để khỏi dính phạt của nó nữa"
_HOW = re.compile(r"(?:làm gì|lam gi|làm sao|lam sao|cách nào|cach nao|thế nào|the nao|ntn|sao)\s*$", re.IGNORECASE)
# "Ngoài tiền mai táng, …", "ngoài ra, …" opening a message; not "ngoài giờ hành chính, …", which asks about hours
_BESIDES = re.compile(r"^\s*(?:ngoài|ngoai)\s+(?!(?:giờ|gio)\b)[^,.;!?\n]*[,.;]\s*", re.IGNORECASE)


# "tụi mình mới đăng ký kết hôn xong, giờ vợ muốn chuyển hộ khẩu…": what is done already, then "giờ" and the question
_DONE = re.compile(r"(?:^|(?<=[,.;]))[^,.;!?\n]*?(?<!\w)(?:xong|xog)(?!\w)[^,.;!?\n]*[,.;]\s*"
                   r"(?=(?:giờ|gio|bây giờ|bay gio|h)\s)", re.IGNORECASE)


def _kept(left: str, text: str) -> str:
    left = re.sub(r"\s+(?=[,.;!?])|(?<=\s)\s+", "", left).strip()
    return left if len(left.split()) >= _LEFT_WORDS else text


def without_spared(text: str) -> str:
    """`text` without the clauses that say what the citizen wants to be spared, when enough is left to ask."""
    return _kept(_SPARED.sub(lambda m: m.group() if _HOW.search(text[:m.start()]) else "", text), text)


def without_besides(text: str) -> str:
    """`text` without the "ngoài X," it opens with (X is had or known already), when enough is left to ask."""
    return _kept(_BESIDES.sub("", text, count=1), text)


def done_apart(text: str) -> tuple[str, str] | None:
    """A clause saying what is done already ("… mới đăng ký kết hôn xong,") before "giờ …" and the question, and the
    message without it; None when there is none, or too little would be left to ask."""
    found = _DONE.search(text)
    if found is None:
        return None
    rest = _kept(text[:found.start()] + " " + text[found.end():], text)
    return (found.group().strip(" ,.;"), rest) if rest != text else None
