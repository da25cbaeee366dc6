"""What a new user installs: the CPU build of torch everywhere, and no test tools at run time."""
import re
import tomllib

from tests.conftest import REPO

TORCH = "pip install -q torch==2.13.0 --extra-index-url https://download.pytorch.org/whl/cpu"


def test_every_install_takes_torch_from_the_cpu_index():
    assert TORCH.replace(" -q", "") in (REPO / "README.md").read_text(encoding="utf-8")
    assert TORCH in (REPO / ".ci" / "run").read_text(encoding="utf-8")
    docker = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert "ARG TORCH_VERSION=2.13.0" in docker and "ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu" in docker
    assert 'pip install "torch==$TORCH_VERSION" --extra-index-url "$TORCH_INDEX_URL"' in docker


def test_pytest_is_a_test_dependency_only():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    name = lambda requirement: re.match(r"[\w.-]+", requirement)[0].lower()  # noqa: E731
    assert "pytest" not in {name(r) for r in project["dependencies"]}
    assert "pytest" in {name(r) for r in project["optional-dependencies"]["test"]}
    code = [p for package in ("bot", "handlers", "indexer") for p in (REPO / package).rglob("*.py")]
    assert [p for p in code if re.search(r"^\s*(import|from) (pytest|hypothesis|selenium)\b",
                                         p.read_text(encoding="utf-8"), re.M)] == []
