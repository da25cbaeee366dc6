"""Weighted score fusion of retriever results (min-max normalised per retriever)."""
from __future__ import annotations

from dataclasses import dataclass

from bot.retrieval.hybrid import Hit


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    fused: float
    dense: float      # raw cosine, 0 when the dense retriever did not return it
    lexical: float    # raw BM25, 0 when the lexical retriever did not return it


def _minmax(hits: list[Hit]) -> dict[str, float]:
    if not hits:
        return {}
    lo, hi = min(h.score for h in hits), max(h.score for h in hits)
    span = hi - lo
    return {h.entry_id: (h.score - lo) / span if span > 0 else 1.0 for h in hits}


def fuse(dense: list[Hit], lexical: list[Hit], dense_weight: float) -> list[Candidate]:
    """Blend both rankings; equal-weight RRF loses paraphrases, so scores are weighted instead."""
    nd, nl = _minmax(dense), _minmax(lexical)
    raw_d = {h.entry_id: h.score for h in dense}
    raw_l = {h.entry_id: h.score for h in lexical}
    ids = list(dict.fromkeys([h.entry_id for h in dense] + [h.entry_id for h in lexical]))
    out = [Candidate(e, dense_weight * nd.get(e, 0.0) + (1 - dense_weight) * nl.get(e, 0.0),
                     raw_d.get(e, 0.0), raw_l.get(e, 0.0)) for e in ids]
    return sorted(out, key=lambda c: (-c.fused, c.entry_id))
