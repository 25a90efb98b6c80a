"""Every public name has documentation: the names of ``jaxclimb.__all__`` and of the mlrose
front. The docs build (``docs/_ext``) refuses the same; this test says it without Sphinx."""

import pathlib
import sys

import pytest

import jaxclimb as jc
from jaxclimb import mlrose

DOCS = pathlib.Path(__file__).resolve().parent.parent / "docs"
sys.path.insert(0, str(DOCS / "_ext"))
import public_api  # noqa: E402


@pytest.mark.parametrize("name", jc.__all__)
def test_public_name_has_a_docstring(name):
    assert public_api.docstring(getattr(jc, name), name), f"jaxclimb.{name} has no docstring"


@pytest.mark.parametrize("name", mlrose.__all__)
def test_mlrose_public_name_has_a_docstring(name):
    assert public_api.docstring(getattr(mlrose, name), name), f"mlrose.{name} has no docstring"


def test_a_name_without_a_docstring_is_found(monkeypatch):
    def undocumented_function():
        return None

    class Undocumented(jc.SearchResult):
        pass

    assert public_api.docstring(undocumented_function, "undocumented_function") == ""
    assert public_api.docstring(Undocumented, "Undocumented") == ""  # inherited is not its own
    monkeypatch.setattr(jc, "__all__", [*jc.__all__, "undocumented_function"])
    monkeypatch.setitem(jc._WHERE, "undocumented_function", "results")
    monkeypatch.setattr(jc, "undocumented_function", undocumented_function, raising=False)
    assert "jaxclimb.undocumented_function" in public_api.undocumented()


def test_a_constant_is_documented_by_the_string_after_it():
    assert "Metrics by name" in public_api.docstring(jc.METRICS, "METRICS")
    assert public_api.docstring(jc.__version__, "__version__")


def test_every_public_name_is_on_the_api_page():
    grouped = [name for names in public_api.public_groups().values() for name in names]
    assert sorted(grouped) == sorted(jc.__all__)


def test_the_link_checker_finds_a_missing_page_and_a_missing_anchor(tmp_path):
    import check_links

    (tmp_path / "index.html").write_text(
        '<a href="page.html#here">ok</a> <a href="gone.html">gone</a>'
        '<a href="page.html#nowhere">no anchor</a> <a href="https://example.org">out</a>'
    )
    (tmp_path / "page.html").write_text('<h1 id="here">x</h1><img src="index.html">')
    broken, checked = check_links.broken_links(tmp_path)
    assert checked == 4  # the external link is not counted
    assert broken == ["index.html: gone.html (no such file)",
                      "index.html: page.html#nowhere (no such anchor)"]  # fmt: skip
    assert check_links.main([str(tmp_path)]) == 1
