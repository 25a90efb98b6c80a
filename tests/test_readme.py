"""README and the documentation pages as written: every file they cite exists, their Python
blocks run, and README's headline figures are the ones the pages they summarise measured."""

import os
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
PAGES = {
    p.relative_to(ROOT).as_posix(): p.read_text()
    for p in sorted((ROOT / "docs").rglob("*.md"))
    if "_build" not in p.parts
}
CITED = re.compile(r"[\w./-]+\.(?:py|md|png|toml|txt|json)\b")


def cited_files(text: str) -> set[str]:
    inline = re.findall(r"`([^`\n]+)`", text) + re.findall(r"\]\(([^)\s#]+)", text)
    return {m for piece in inline for m in CITED.findall(piece) if not m.startswith("http")}


def _exists(name: str, page: str) -> bool:
    here = (ROOT / page).parent
    if any(
        (base / name).exists()
        for base in (ROOT, ROOT / "jaxclimb", ROOT / "docs", ROOT / "benchmarks", here)
    ):
        return True
    if "/" not in name:  # a module named by itself in the layout page
        return any(ROOT.glob(f"jaxclimb/**/{name}"))
    return False


def test_every_file_readme_cites_exists():
    cited = cited_files(README)
    assert {"docs/REFERENCE.md", "docs/getting-started.md", "docs/compare.png"} <= cited
    missing = sorted(name for name in cited if not _exists(name, "README.md"))
    assert not missing, f"README cites files that are not in the repository: {missing}"


def test_every_file_the_documentation_pages_cite_exists():
    assert {"docs/getting-started.md", "docs/guides/cli.md", "docs/guides/speed.md"} <= set(PAGES)
    missing = sorted(f"{page}: {name}" for page, text in PAGES.items()
                     for name in cited_files(text) if not _exists(name, page))  # fmt: skip
    assert not missing, f"pages cite files that are not in the repository: {missing}"


def test_readme_links_every_guide_and_tutorial():
    linked = set(re.findall(r"\]\(([^)\s#]+)\)", README))
    guides = {p for p in PAGES if p.startswith("docs/guides/") and not p.endswith("index.md")}
    tutorials = {p.relative_to(ROOT).as_posix() for p in (ROOT / "docs/tutorials_src").glob("*.py")}
    assert guides | tutorials | {"docs/getting-started.md"} <= linked


def _figures(text: str) -> set[str]:
    """Numbers a reader would quote: with a decimal point or a thousands separator."""
    return set(re.findall(r"(?<![\w.])\d[\d,]*\.\d+|(?<![\w.])\d{1,3}(?:,\d{3})+", text))


def test_readme_headline_figures_come_from_the_pages_that_measured_them():
    headline = README[README.index("## Headline figures") :]
    sources = "\n".join(PAGES.values()) + (ROOT / "benchmarks/README.md").read_text()
    figures = _figures(headline)
    assert {"0.85", "4,430", "0.969", "1.94"} <= figures
    unsourced = sorted(f for f in figures if f not in _figures(sources))
    assert not unsourced, f"README headline figures found in no docs page or benchmark: {unsourced}"


def test_the_default_run_table_is_the_same_in_readme_and_getting_started():
    table = re.search(r"```\n( +chosen .*?)```", README, flags=re.S).group(1)
    assert table in PAGES["docs/getting-started.md"]


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


BLOCKS = [("README.md", i, code) for i, code in enumerate(python_blocks(README))] + [
    (page, i, code) for page, text in PAGES.items() for i, code in enumerate(python_blocks(text))
]


def test_readme_and_pages_have_python_blocks():
    assert len(python_blocks(README)) >= 2
    assert len(BLOCKS) >= 6


@pytest.mark.slow
@pytest.mark.parametrize(("page", "index", "code"), BLOCKS, ids=[f"{p}:{i}" for p, i, _ in BLOCKS])
def test_python_block_runs_as_written(page, index, code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # blocks may write files (run.npz, ckpt.npz)
    exec(compile(code, f"{page} python block {index}", "exec"), {"__name__": "__readme__"})
    assert os.getcwd() == str(tmp_path)
