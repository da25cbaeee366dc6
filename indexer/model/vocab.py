"""The pieces a pruned model file keeps, and the knowledge text a shipped file would read differently.

The stock file has 250,002 pieces for a hundred languages; our text uses a few thousand. A file pruned to
those (plus a margin of common ASCII pieces, every piece of a Vietnamese word and every single character of
Latin and Vietnamese script) is a quarter of the size. Text outside the pruning corpus still tokenises, only into smaller pieces; when staff add
knowledge whose words need pieces the shipped file lacks, `dvcbot check` says so and the tuning is re-run.
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

from indexer.model.q4file import ModelFile, read_model
from indexer.model.tokenizer import PieceTokenizer
from indexer.vntext import fold

META = "\u2581"
_VIETNAMESE = frozenset("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ")


def _vietnamese_word(piece: str) -> bool:
    """A piece of Latin letters with at least one Vietnamese letter: any Vietnamese word with its marks reads
    as the stock model reads it, even one the pruning corpus never used (8,600 pieces, 1.9 MB)."""
    text = piece.lstrip(META).lower()
    return bool(text) and all(c.isascii() and c.isalpha() or c in _VIETNAMESE for c in text) and \
        any(c in _VIETNAMESE for c in text)


def _script_char(piece: str) -> bool:
    """One character (with or without the space mark) of Latin or Vietnamese script, a digit or punctuation."""
    text = piece[1:] if piece.startswith(META) and len(piece) > 1 else piece
    if len(text) != 1:
        return False
    cp = ord(text)
    return cp < 0x250 or 0x1E00 <= cp < 0x1F00 or 0x300 <= cp < 0x370 or 0x2000 <= cp < 0x2070 or \
        unicodedata.category(text).startswith(("P", "N", "S"))


def keep_for(tok: PieceTokenizer, model: ModelFile, corpus: list[str], margin: int) -> set[int]:
    """Ids of the pieces `corpus` uses (as query and passage, with and without diacritics), the `margin`
    highest-scoring ASCII pieces, every piece of a Vietnamese word and every single script character."""
    keep: set[int] = set()
    texts = list(dict.fromkeys(corpus + [fold(t) for t in corpus]))
    for is_query in (True, False):
        for ids in tok.content_ids(texts, is_query):
            keep.update(ids)
    pieces = [p.decode("utf-8", "replace") for p in model.pieces]
    ascii_ids = [i for i, p in enumerate(pieces) if p.replace(META, " ").isascii()]
    keep.update(sorted(ascii_ids, key=lambda i: -model.scores[i])[:margin])
    keep.update(i for i, p in enumerate(pieces) if _script_char(p) or _vietnamese_word(p))
    return keep


def knowledge_texts(knowledge_dir: Path) -> list[str]:
    """What an index build embeds from the knowledge folder: entries' titles, questions and bodies, and the
    offered procedures' names and situation passages."""
    from indexer.build import dense_texts as entry_texts
    from indexer.catalogue.index import dense_texts, offered, read_phrases
    from indexer.catalogue.snapshot import folder_of, load_catalogue
    from indexer.knowledge import load_knowledge

    entries, _ = load_knowledge(knowledge_dir)
    texts = [t for e in entries for _, t, _ in entry_texts(e)]
    catalogue = load_catalogue(folder_of(knowledge_dir))
    if catalogue:
        phrases = read_phrases(folder_of(knowledge_dir))
        texts += [t for p in catalogue.procedures.values() if offered(p) for _, t, _ in dense_texts(p, phrases)]
    return texts


def missing_pieces(texts: list[str], shipped: Path, stock: Path) -> Counter[str]:
    """Pieces the stock tokenizer splits `texts` into that the shipped file lacks, with how often they occur:
    the shipped file reads those words in smaller pieces than the model was tuned on."""
    have = set(read_model(shipped).pieces)
    stock_model = read_model(stock)
    tok = PieceTokenizer(stock_model)
    missing: Counter[str] = Counter()
    for is_query in (True, False):
        for ids in tok.content_ids(texts, is_query):
            missing.update(stock_model.pieces[i].decode("utf-8", "replace") for i in ids
                           if stock_model.pieces[i] not in have)
    return missing
