"""Imports point one way: handlers → bot → indexer; dialogue code never touches channel libraries."""
import ast

import pytest

from tests.conftest import REPO

FORBIDDEN = {
    "bot": {"telegram", "aiohttp", "faiss", "handlers", "sentence_transformers", "torch"},
    "indexer": {"bot", "handlers", "telegram", "aiohttp"},
}


def imported(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_import_direction(package):
    bad = [(p.name, m) for p in (REPO / package).glob("*.py") for m in imported(p) if m in FORBIDDEN[package]]
    assert bad == []
