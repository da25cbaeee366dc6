"""Group similar open needs so a team answers a recurring question once and everyone waiting gets it.

Two questions are the same need when either measure clearly says so: rapidfuzz's token-set ratio on folded text
(after the bot's own normalisation when given: teencode and abbreviations expanded), or the cosine of the
embeddings of the normalised questions (same words said differently: "mất căn cước thì làm lại ở chỗ nào" /
"lam lai cccd bi mat o dau"). The cosine threshold is chosen per model on bench/paraphrase_pairs.jsonl
(bench/paraphrase_bench.py); a model without one (the tests' fake) groups by the string ratio alone. Neither
measure may merge a sentence with one word swapped ("cấp lại" / "cấp đổi cccd"): a wrong merge sends a citizen
someone else's answer.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np
from rapidfuzz import fuzz

from bot.domain.chat_port import UnmetNeed
from indexer.embedder import Embedder
from indexer.model.files import BUNDLED, TUNED
from indexer.vntext import clean, fold

SAME_NEED_AT = 85  # token-set ratio from which two questions are the same need (see tests/test_desk_core.py)
_MIN_TOKENS = 2    # one-word questions ("vneid") are too vague to merge with anything
# cosine from which two questions are the same need, by model family (the part of the model id before ":"): the
# lowest that adds no wrong merge on the tuning half of bench/paraphrase_pairs.jsonl (bench/paraphrase_bench.py
# --sweep; the tuned model's 0.805 rounded up inside its plateau). Precision first: a wrong merge sends a citizen
# someone else's answer, a missed one only costs staff a manual merge.
SAME_NEED_COSINE = {BUNDLED: 0.96, TUNED: 0.82}

Vectors = Callable[[list[str]], np.ndarray]


def cosine_for(model_id: str) -> float | None:
    """The cosine threshold kept for this model, None when none was chosen for it (string ratio only)."""
    return SAME_NEED_COSINE.get(model_id.split(":", 1)[0])


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


class QuestionVectors:
    """The embeddings of the desk's questions, each distinct text embedded once: the queue is read on every page
    view, and a question embedded for one view serves every later one. The embedder is asked for each time (the
    running library's, no second model); keys are digests, so no citizen's text is kept here."""

    def __init__(self, embedder: Callable[[], Embedder | None], size: int = 4096) -> None:
        self._embedder, self._size = embedder, size
        self._vectors: OrderedDict[tuple[str, bytes], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def cosine_at(self) -> float | None:
        embedder = self._embedder()
        return cosine_for(embedder.model_id) if embedder is not None else None

    def __call__(self, texts: list[str]) -> np.ndarray:
        embedder = self._embedder()
        assert embedder is not None
        keys = [(embedder.model_id, hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=16).digest())
                for t in texts]
        with self._lock:
            found = [self._vectors.get(k) for k in keys]
        missing = list({keys[i]: i for i, v in enumerate(found) if v is None}.values())
        if missing:
            fresh = _unit(np.asarray(embedder.embed_queries([texts[i] for i in missing]), dtype=np.float32))
            with self._lock:
                for i, vec in zip(missing, fresh):
                    self._vectors[keys[i]] = vec
                while len(self._vectors) > self._size:
                    self._vectors.popitem(last=False)
            fresh_of = dict(zip((keys[i] for i in missing), fresh))
            found = [v if v is not None else fresh_of[k] for k, v in zip(keys, found)]
        return np.vstack(found) if found else np.zeros((0, 0), dtype=np.float32)


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


def reading(question: str | None, normalize: Callable[[str], str] | None) -> str:
    """The question as the bot reads it (normalised, diacritics kept): what is embedded."""
    if not question or not question.strip():
        return ""
    text = clean(question)
    return " ".join((normalize(text) if normalize is not None else text).split())


def _key(text: str) -> str:
    return " ".join(fold(text).split())


# folded words a citizen adds or swaps without asking something else: particles, and the ways of saying "how"
_FILLER = frozenset("a nhe nha nhi vay oi ha voi the nao nhu sao cach kieu".split())


def one_word_swapped(a: str, b: str) -> bool:
    """The same sentence with one word swapped ("cấp lại" / "cấp đổi cccd", "tạm trú" / "thường trú", "mức 1" /
    "mức 2"): that word is what is asked, so neither measure may merge them (both score such pairs as high as
    paraphrases: bench/paraphrase_bench.py)."""
    ta, tb = set(a.split()) - _FILLER, set(b.split()) - _FILLER
    return len(ta - tb) == 1 and len(tb - ta) == 1


def same_need_strength(ratio: float, cosine: float | None, threshold: float = SAME_NEED_AT,
                       cosine_at: float | None = None) -> float | None:
    """How clearly two questions are one need (≥ 0: the same; None: not the same): the larger margin of the
    two measures over their thresholds, each as a share of its range."""
    margins = [(ratio - threshold) / max(100.0 - threshold, 1e-9)]
    if cosine is not None and cosine_at is not None:
        margins.append((cosine - cosine_at) / max(1.0 - cosine_at, 1e-9))
    best = max(margins)
    return best if best >= 0 else None


def group_needs(needs: Iterable[UnmetNeed], normalize: Callable[[str], str] | None = None,
                threshold: float = SAME_NEED_AT, vectors: Vectors | None = None,
                cosine_at: float | None = None) -> list[NeedGroup]:
    """Greedy single pass, oldest first: a need joins the group whose first question it matches most clearly
    (string ratio, or the cosine of `vectors` when a `cosine_at` is given); staff's own choice (`group_with`:
    merged into another need's group, or 0: kept alone) comes before any similarity. Groups come out largest
    first, then oldest first."""
    needs = sorted(needs, key=lambda n: n.id)
    auto = [n for n in needs if n.group_with is None]
    readings = [reading(n.question, normalize) for n in auto]
    keys = [_key(r) for r in readings]
    judged = [i for i, k in enumerate(keys) if len(k.split()) >= _MIN_TOKENS]
    unit: dict[int, np.ndarray] = {}
    if vectors is not None and cosine_at is not None and len(judged) > 1:
        unit = dict(zip(judged, _unit(np.asarray(vectors([readings[i] for i in judged]), dtype=np.float32))))
    groups: list[tuple[int, list[UnmetNeed]]] = []   # (index of the first question, members)
    for i, need in enumerate(auto):
        best, best_strength = None, 0.0
        if len(keys[i].split()) >= _MIN_TOKENS:
            for g, (head, _) in enumerate(groups):
                if len(keys[head].split()) < _MIN_TOKENS or one_word_swapped(keys[i], keys[head]):
                    continue
                cosine = float(unit[i] @ unit[head]) if unit else None
                strength = same_need_strength(fuzz.token_set_ratio(keys[i], keys[head]), cosine, threshold, cosine_at)
                if strength is not None and strength >= best_strength:
                    best, best_strength = g, strength
        if best is None:
            groups.append((i, [need]))
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
            groups.append((-1, [need]))
            members_of[need.id] = groups[-1][1]
    result = [NeedGroup(tuple(sorted(members, key=lambda n: n.id))) for _, members in groups]
    return sorted(result, key=lambda g: (-g.count, g.id))
