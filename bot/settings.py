"""All settings come from DVCBOT_* environment variables with safe local defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from indexer.embedder import BUNDLED


def _env(name: str, default: str) -> str:
    value = os.environ.get(f"DVCBOT_{name}", "").strip()
    return value or default


@dataclass(frozen=True)
class Settings:
    knowledge_dir: Path = Path("knowledge")
    data_dir: Path = Path("var")
    index_dir: Path = Path("var/index")
    embedding_model: str = BUNDLED
    province: str = ""
    host: str = "127.0.0.1"
    port: int = 8080
    log_level: str = "INFO"
    log_format: str = "text"   # "text" or "json" (one object per line)
    decision_file: Path | None = None
    database: Path = Path("var/dvcbot.db")
    session_minutes: int = 30
    secret: str = field(default="", repr=False)  # salt for user-id hashing; never printed

    @classmethod
    def from_env(cls) -> "Settings":
        data_dir = Path(_env("DATA_DIR", "var"))
        decision = _env("DECISION_FILE", "")
        return cls(
            knowledge_dir=Path(_env("KNOWLEDGE_DIR", "knowledge")),
            data_dir=data_dir,
            index_dir=Path(_env("INDEX_DIR", str(data_dir / "index"))),
            embedding_model=_env("EMBEDDING_MODEL", BUNDLED),
            province=_env("PROVINCE", ""),
            host=_env("HOST", "127.0.0.1"),
            port=int(_env("PORT", "8080")),
            log_level=_env("LOG_LEVEL", "INFO").upper(),
            log_format=_env("LOG_FORMAT", "text").lower(),
            decision_file=Path(decision) if decision else None,
            database=Path(_env("DATABASE", str(data_dir / "dvcbot.db"))),
            session_minutes=int(_env("SESSION_MINUTES", "30")),
            secret=_env("SECRET", ""),
        )
