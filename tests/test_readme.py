"""README as written: every file it cites exists, and its Python blocks run."""

import os
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
CITED = re.compile(r"[\w./-]+\.(?:py|md|png|toml|txt|json)\b")


def cited_files() -> set[str]:
    inline = re.findall(r"`([^`\n]+)`", README) + re.findall(r"\]\(([^)\s]+)\)", README)
    return {m for text in inline for m in CITED.findall(text) if not m.startswith("http")}


def _exists(name: str) -> bool:
    if (ROOT / name).exists() or (ROOT / "jaxclimb" / name).exists():
        return True
    if "/" not in name:  # a module named by itself in the layout section
        return any(ROOT.glob(f"jaxclimb/**/{name}"))
    return False


def test_every_file_readme_cites_exists():
    cited = cited_files()
    assert {"docs/REFERENCE.md", "examples/flax_model.py", "docs/compare.png"} <= cited
    missing = sorted(name for name in cited if not _exists(name))
    assert not missing, f"README cites files that are not in the repository: {missing}"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_readme_has_python_blocks():
    assert len(python_blocks()) >= 3


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(python_blocks())))
def test_readme_python_block_runs_as_written(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # blocks may write files (run.npz)
    code = python_blocks()[index]
    exec(compile(code, f"README.md python block {index}", "exec"), {"__name__": "__readme__"})
    assert os.getcwd() == str(tmp_path)
