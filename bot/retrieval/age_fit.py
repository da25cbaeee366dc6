"""Entries for other ages than a question states are no answer ("con 15 tuổi làm căn cước" is not about VNeID for
children under 14): what the retrievers found, and what was decided, kept to the ages that fit. The ages are read
from titles (bot/retrieval/choice_reading.py)."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable

from bot.retrieval.answers import Retrieved
from bot.retrieval.choice_reading import fits_age, for_age
from bot.retrieval.decision import Decision, Kind
from bot.retrieval.normalize import NormalizedQuery
from bot.retrieval.tier_arbitration import said_words, title_subject

_NAMED_APART = 2   # words of a later option's title, beyond the nearest's, that make it the one meant


def without_other_ages(found: Retrieved, age: int | None, title: Callable[[str], str]) -> Retrieved:
    """What the retrievers found, without the entries for other ages than the question states. Used when the
    nearest is one, so that the rest decide ("e 17t … làm vneid mức 2" had been asked back, the children's VNeID
    guide nearest); when the nearest fits, the others stay: they set how far ahead it is."""
    return found.only(lambda entry_id: fits_age(title(entry_id), age))


def of_age(decision: Decision, age: int | None, reading: NormalizedQuery, title: Callable[[str], str]) -> Decision:
    """An entry for other ages than the question states is no answer. When the nearest option is for other ages, a
    later one stands only if the question names, in two words or more, what its title says beyond the nearest's."""
    kept = for_age(age, decision.entry_id, decision.options, title)
    if kept is None and decision.kind == Kind.CLARIFY and decision.options:
        nearest = title_subject(title(decision.options[0]))
        said = set(said_words(reading))   # read only here: most questions state no age
        kept = tuple(o for o in for_age(age, None, decision.options, title, nearest_decides=False) or ()
                     if len((title_subject(title(o)) - nearest) & said) >= _NAMED_APART) or None
    return Decision(Kind.DONT_KNOW, None, decision.score) if kept is None else dataclasses.replace(
        decision, options=kept)
