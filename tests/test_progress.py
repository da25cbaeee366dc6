"""A build's progress shows where no terminal is (Docker, systemd, a pipe): whole lines, not a redrawn bar."""
import io

from indexer.build import build_index
from indexer.progress import progress
from tests.conftest import FAKE_MODEL, FakeEmbedder


def test_a_build_off_a_terminal_prints_its_progress_as_lines(small_kb, tmp_path, capsys):
    build_index(small_kb, tmp_path / "index", FAKE_MODEL, FakeEmbedder, progress=True)
    err = capsys.readouterr().err
    assert "\r" not in err and err.endswith("\n")
    assert err.splitlines()[-1].startswith("Nhúng mục kiến thức: 100%") and "3/3" in err


def test_off_a_terminal_a_line_at_most_every_few_seconds():
    log = io.StringIO()
    for _ in progress(range(1000), desc="Nhúng", unit="mục", stream=log):
        pass
    lines = log.getvalue().splitlines()
    assert len(lines) <= 3 and lines[0].startswith("Nhúng:   0%") and lines[-1].startswith("Nhúng: 100%")


def test_nothing_when_not_shown():
    log = io.StringIO()
    assert list(progress([1, 2], desc="Nhúng", unit="mục", shown=False, stream=log)) == [1, 2]
    assert log.getvalue() == ""
