"""Imports point one way and read one way: the layers in pyproject.toml ([tool.importlinter]) hold, and every
module's imports are sorted and used (ruff's isort and unused-import rules)."""
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

BIN = Path(sys.executable).parent


def run(tool: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / tool), *args], cwd=REPO, capture_output=True, text=True, timeout=120)


def test_layers_and_forbidden_imports_hold():
    done = run("lint-imports")
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout


def test_a_layer_break_is_caught(tmp_path):
    """The contract is live: a retrieval module importing a channel module breaks it."""
    sneaky = REPO / "bot" / "retrieval" / "_sneaky_import_probe.py"
    sneaky.write_text("from handlers.channels import turns  # noqa: F401\n")
    try:
        done = run("lint-imports", "--no-cache")
    finally:
        sneaky.unlink()
    assert done.returncode != 0
    assert "bot.retrieval._sneaky_import_probe -> handlers.channels.turns" in done.stdout


def test_imports_are_sorted_and_used():
    done = run("ruff", "check", "--select", "I,F401", "bot", "handlers", "indexer", "tests", "bench")
    assert done.returncode == 0, done.stdout[-3000:]
