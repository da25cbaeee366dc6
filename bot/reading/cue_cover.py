"""How a message's words are covered by cues: what the intent book counts to tell a social turn from a question
that only borrows its words ("cảm ơn, mà cho hỏi thêm lệ phí bao nhiêu")."""
from __future__ import annotations

from indexer.vntext import fold, has_diacritics

MAX_KEY_WORDS = 3   # the longest neutral phrase, and abbreviation, in words


def ends_as(typed: list[str], phrase: list[str]) -> bool:
    """`typed` ends with `phrase`: its last word (the particle: "à" is not "ạ") exactly, the others folded when
    typed without marks ("nguoi that à")."""
    tail = typed[-len(phrase):]
    return (len(tail) == len(phrase) and tail[-1] == phrase[-1]
            and all(t == p or (not has_diacritics(t) and t == fold(p)) for t, p in zip(tail[:-1], phrase[:-1])))


def cover(words: list[str], covered: list[bool], cue: tuple[str, ...]) -> bool:
    """Mark every uncovered occurrence of cue; True when there was one."""
    hit = False
    n, i = len(cue), -1
    while True:   # list.index finds each start: a long message is scanned at C speed for each of ~460 cues
        try:
            i = words.index(cue[0], i + 1)
        except ValueError:
            return hit
        if tuple(words[i:i + n]) == cue and not any(covered[i:i + n]):
            covered[i:i + n] = [True] * n
            hit = True


def uncovered(words: list[str], covered: list[bool], neutral: frozenset[str]) -> int:
    """Words left that carry meaning: not part of a cue and not a neutral word (phrases up to 3 words)."""
    left, i = 0, 0
    while i < len(words):
        if covered[i]:
            i += 1
            continue
        for n in range(min(MAX_KEY_WORDS, len(words) - i), 0, -1):
            if " ".join(words[i:i + n]) in neutral and not any(covered[i:i + n]):
                i += n
                break
        else:
            left += 1
            i += 1
    return left
