"""A list of SQLite migrations that registers each function decorated with it, by name: every concern's module
(desk, tokens, the conversation tables) keeps its own, and bot/storage/sqlite_schema.py joins them."""
from __future__ import annotations

from typing import Callable

import sqlite_utils

Migrate = Callable[[sqlite_utils.Database], None]


class Migrations(list[tuple[str, Migrate]]):
    def __call__(self, fn: Migrate) -> Migrate:
        self.append((fn.__name__, fn))
        return fn
