"""Progress of a long step (embedding): a tqdm bar on a terminal, a plain line every few seconds elsewhere.

A first build embeds for a minute or two. Docker, systemd or a pipe are no terminal: a redrawn bar there is one
endless line of carriage returns (or, as before, nothing at all), so the operator saw no sign of life.
"""
from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TextIO, TypeVar

from tqdm import tqdm

T = TypeVar("T")
LOG_EVERY_S = 10.0


class _Lines:
    """A stream for tqdm that writes each refresh as a whole line."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.last = ""

    def write(self, text: str) -> int:
        line = text.replace("\r", "").strip()
        if line and line != self.last:
            self.stream.write(line + "\n")
            self.last = line
        return len(text)

    def flush(self) -> None:
        self.stream.flush()


def progress(items: Iterable[T] | None = None, *, total: int | None = None, desc: str, unit: str,
             shown: bool = True, stream: TextIO | None = None) -> tqdm:
    """tqdm over items (or a total updated by hand), on stderr unless told otherwise."""
    stream = stream or sys.stderr
    if stream.isatty():
        return tqdm(items, total=total, desc=desc, unit=unit, disable=not shown, file=stream)
    return tqdm(items, total=total, desc=desc, unit=unit, disable=not shown, file=_Lines(stream),
                mininterval=LOG_EVERY_S, ncols=80, ascii=True)
