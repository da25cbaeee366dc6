"""A learned linear map applied to question vectors before the dense search.

The small embedding model places a citizen's question near entries that share
its words, not always near the entry that answers it ("quên mật khẩu" lands
between the password, passcode and login-error entries). A square matrix,
fitted by bench/calibrate.py on labelled questions to pull each question
towards the entries that answer it, and kept close to the identity so it only
bends the space, corrects much of that: on questions it was not fitted on, the
dense retriever's top-1 rose from 78% to 89%. Entry vectors are left as
built, so the index does not depend on it; it applies only to the embedding
model it was fitted for.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class QueryAdapter:
    matrix: np.ndarray   # dimension × dimension; question vector v becomes normalise(v @ matrix)
    model_id: str        # the embedding model it was fitted for

    def apply(self, vectors: np.ndarray) -> np.ndarray:
        moved = np.asarray(vectors, dtype=np.float32) @ self.matrix
        norms = np.linalg.norm(moved, axis=1, keepdims=True)
        return moved / np.where(norms > 0, norms, 1.0)

    def fits(self, model_id: str, dimension: int) -> bool:
        return self.model_id == model_id and self.matrix.shape == (dimension, dimension)

    def save(self, path: Path) -> None:
        with open(path, "wb") as f:  # an open file: np.savez would add ".npz" to a name without it
            np.savez_compressed(f, matrix=self.matrix.astype(np.float32), model_id=np.array(self.model_id))

    @classmethod
    def load(cls, path: Path) -> "QueryAdapter":
        with np.load(path, allow_pickle=False) as data:
            return cls(data["matrix"].astype(np.float32), str(data["model_id"]))
