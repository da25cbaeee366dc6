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
    remembered_questions: int = 4096  # question vectors kept so a repeated question is not embedded again (0: none)
    database: Path = Path("var/dvcbot.db")
    session_minutes: int = 30
    support_hours: int = 8     # working hours within which the support team usually answers a ticket
    secret: str = field(default="", repr=False)  # salt for user-id hashing; never printed
    reload_seconds: float = 5.0                   # how often `serve` looks for a newly published index build
    rate_per_minute: int = 20                     # messages a minute per citizen and channel (0: no limit)
    rate_per_ip_per_minute: int = 120             # web chat requests a minute per IP address (0: no limit)
    behind_proxy: bool = False                    # take the client address from X-Forwarded-For (set by our proxy)
    # Telegram: on when the token is set; long polling unless a webhook URL is set
    telegram_token: str = field(default="", repr=False)
    telegram_webhook_url: str = ""
    telegram_webhook_secret: str = field(default="", repr=False)
    telegram_api_url: str = "https://api.telegram.org/bot"
    # Zalo Official Account: on when the OA secret key and the tokens are set
    zalo_oa_secret: str = field(default="", repr=False)
    zalo_app_id: str = ""
    zalo_app_secret: str = field(default="", repr=False)
    zalo_access_token: str = field(default="", repr=False)
    zalo_refresh_token: str = field(default="", repr=False)
    zalo_api_url: str = "https://openapi.zalo.me"
    zalo_oauth_url: str = "https://oauth.zaloapp.com"
    # community desk and admin pages
    public_url: str = ""             # how staff reach this server (links in Telegram announcements); optional
    retention_days: int = 365        # conversations and needs older than this are purged (daily, and `dvcbot purge`)
    admin_session_minutes: int = 30  # a staff session ends after this long without activity
    portal_api_url: str = "https://dichvucong.gov.vn"  # the national portal's public API (`dvcbot catalogue sync`)

    @property
    def telegram_on(self) -> bool:
        return bool(self.telegram_token)

    @property
    def zalo_on(self) -> bool:
        return all((self.zalo_oa_secret, self.zalo_app_id, self.zalo_app_secret,
                    self.zalo_access_token or self.zalo_refresh_token))

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
            remembered_questions=int(_env("REMEMBERED_QUESTIONS", "4096")),
            database=Path(_env("DATABASE", str(data_dir / "dvcbot.db"))),
            session_minutes=int(_env("SESSION_MINUTES", "30")),
            support_hours=int(_env("SUPPORT_HOURS", "8")),
            secret=_env("SECRET", ""),
            reload_seconds=float(_env("RELOAD_SECONDS", "5")),
            rate_per_minute=int(_env("RATE_PER_MINUTE", "20")),
            rate_per_ip_per_minute=int(_env("RATE_PER_IP_PER_MINUTE", "120")),
            behind_proxy=_env("BEHIND_PROXY", "0").lower() in ("1", "true", "yes", "on"),
            telegram_token=_env("TELEGRAM_TOKEN", ""),
            telegram_webhook_url=_env("TELEGRAM_WEBHOOK_URL", ""),
            telegram_webhook_secret=_env("TELEGRAM_WEBHOOK_SECRET", ""),
            telegram_api_url=_env("TELEGRAM_API_URL", "https://api.telegram.org/bot"),
            zalo_oa_secret=_env("ZALO_OA_SECRET", ""),
            zalo_app_id=_env("ZALO_APP_ID", ""),
            zalo_app_secret=_env("ZALO_APP_SECRET", ""),
            zalo_access_token=_env("ZALO_ACCESS_TOKEN", ""),
            zalo_refresh_token=_env("ZALO_REFRESH_TOKEN", ""),
            zalo_api_url=_env("ZALO_API_URL", "https://openapi.zalo.me"),
            zalo_oauth_url=_env("ZALO_OAUTH_URL", "https://oauth.zaloapp.com"),
            public_url=_env("PUBLIC_URL", ""),
            retention_days=int(_env("RETENTION_DAYS", "365")),
            admin_session_minutes=int(_env("ADMIN_SESSION_MINUTES", "30")),
            portal_api_url=_env("PORTAL_API_URL", "https://dichvucong.gov.vn"),
        )
