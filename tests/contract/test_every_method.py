"""The suite covers every method of the ports: a method added to a port without a contract test fails here."""
import re
from pathlib import Path

from bot.domain.chat_port import Storage
from bot.domain.desk_port import DeskStorage
from bot.domain.token_port import TokenStorage

HERE = Path(__file__).parent


def _methods(port: type) -> set[str]:
    return {name for name, value in vars(port).items() if callable(value) and not name.startswith("_")}


def test_every_port_method_is_called_by_the_contract_suite():
    called = set()
    for path in HERE.glob("test_*.py"):
        if path.name != Path(__file__).name:
            called |= set(re.findall(r"\.(\w+)\(", path.read_text(encoding="utf-8")))
    missing = (_methods(Storage) | _methods(DeskStorage) | _methods(TokenStorage)) - called
    assert not missing, f"port methods without a contract test: {sorted(missing)}"
