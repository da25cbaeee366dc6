"""Group similar open needs so a team answers a recurring question once and everyone waiting gets it.

Questions are compared on folded text (after the bot's own normalisation when given: teencode and
abbreviations expanded) with rapidfuzz's token-set ratio.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from rapidfuzz import fuzz

from bot.storage import UnmetNeed
from indexer.vntext import clean, fold

SAME_NEED_AT = 85  # token-set ratio from which two questions are the same need (see tests/test_desk_core.py)
_MIN_TOKENS = 2    # one-word questions ("vneid") are too vague to merge with anything


@dataclass(frozen=True)
class NeedGroup:
    needs: tuple[UnmetNeed, ...]

    @property
    def id(self) -> int:
        return self.needs[0].id

    @property
    def count(self) -> int:
        return len(self.needs)

    @property
    def wordings(self) -> tuple[str, ...]:
        """The citizens' own wordings, each once, oldest first."""
        return tuple(dict.fromkeys(n.question.strip() for n in self.needs if n.question and n.question.strip()))

    @property
    def need_ids(self) -> tuple[int, ...]:
        return tuple(n.id for n in self.needs)


def _key(question: str | None, normalize: Callable[[str], str] | None) -> str:
    if not question or not question.strip():
        return ""
    text = clean(question)
    if normalize is not None:
        text = normalize(text)
    return " ".join(fold(text).split())


def group_needs(needs: Iterable[UnmetNeed], normalize: Callable[[str], str] | None = None,
                threshold: float = SAME_NEED_AT) -> list[NeedGroup]:
    """Greedy single pass, oldest first: a need joins the group whose first question it matches best; staff's
    own choice (`group_with`: merged into another need's group, or 0: kept alone) comes before any similarity.
    Groups come out largest first, then oldest first."""
    needs = sorted(needs, key=lambda n: n.id)
    groups: list[tuple[str, list[UnmetNeed]]] = []
    for need in needs:
        if need.group_with is not None:
            continue
        key = _key(need.question, normalize)
        best, best_score = None, threshold
        if len(key.split()) >= _MIN_TOKENS:
            for i, (head, _) in enumerate(groups):
                if len(head.split()) < _MIN_TOKENS:
                    continue
                score = fuzz.token_set_ratio(key, head)
                if score >= best_score:
                    best, best_score = i, score
        if best is None:
            groups.append((key, [need]))
        else:
            groups[best][1].append(need)
    members_of = {m.id: members for _, members in groups for m in members}
    for need in needs:
        if need.group_with is None:
            continue
        if need.group_with and need.group_with in members_of:
            members_of[need.group_with].append(need)
            members_of[need.id] = members_of[need.group_with]
        else:
            groups.append(("", [need]))
            members_of[need.id] = groups[-1][1]
    result = [NeedGroup(tuple(sorted(members, key=lambda n: n.id))) for _, members in groups]
    return sorted(result, key=lambda g: (-g.count, g.id))
