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


def test_every_public_name_is_in_the_api_table_and_a_new_one_fails(monkeypatch):
    assert public_api.unlisted() == []
    listed = [name for names in public_api.SECTIONS.values() for name in names]
    assert sorted(listed) == sorted(jc.__all__)  # each once
    assert public_api.api_sections()["Modules and version"][1] == "datasets.tasks"  # real path
    monkeypatch.setattr(jc, "__all__", [*jc.__all__, "brand_new"])
    with pytest.raises(ValueError, match=r"'brand_new'.*API table lacks"):
        public_api.api_sections()


def test_a_name_outside_the_top_level_is_documented_where_it_lives(monkeypatch):
    assert "tree_select" not in jc.__all__  # the protocol lives in jaxclimb.algorithms
    search = public_api.SECTIONS["Search algorithms"]
    monkeypatch.setitem(public_api.SECTIONS, "Search algorithms", (*search, "tree_select"))
    assert public_api.api_sections()["Search algorithms"][-1] == "algorithms.tree_select"
    assert public_api.resolve("algorithms.tree_select") is jc.algorithms.tree_select
    assert public_api.docstring(jc.algorithms.REGISTRY, "algorithms.REGISTRY")
    monkeypatch.setitem(public_api.SECTIONS, "Search algorithms", (*search, "NoSuchType"))
    with pytest.raises(ValueError, match="'NoSuchType'"):
        public_api.api_sections()
    assert set(public_api.POINTERS) == {h for h, names in public_api.SECTIONS.items() if not names}


def test_no_heading_names_a_private_module():
    assert list(public_api.SECTIONS)[:6] == [
        "Search algorithms", "Objectives and networks", "Running and results", "Estimators",
        "Comparing", "Command line",
    ]  # fmt: skip
    assert not any("_" in heading or "From" in heading for heading in public_api.SECTIONS)


def test_constant_defaults_show_their_values():
    import api_signatures

    from jaxclimb.estimators import base

    shown = api_signatures.literal_defaults(
        "(*, budget=DEFAULT_BUDGET, alpha=DEFAULT_ALPHA, precision=DEFAULT_PRECISION, "
        "net=MLP(3), table=METRICS)",
        vars(base) | {"METRICS": {}},
    )
    assert shown == (
        f"(*, budget={base.DEFAULT_BUDGET!r}, alpha=10.0, precision='float32', "
        "net=MLP(3), table=METRICS)"  # a call and a dict stay as written
    )


def test_the_estimator_page_shows_underscored_attributes_and_values(tmp_path):
    """The estimators' page built by Sphinx with the site's settings (one page, about 2 s)."""
    from sphinx.application import Sphinx

    (tmp_path / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(DOCS / '_ext')!r})\n"
        "import api_signatures\nglobals().update(api_signatures.SETTINGS)\n"
        "extensions = ['sphinx.ext.autodoc', 'sphinx.ext.napoleon', 'api_signatures']\n"
    )
    (tmp_path / "index.rst").write_text(
        "Page\n====\n\n.. autoclass:: jaxclimb.ClimbingClassifier\n\n"
        ".. autoclass:: jaxclimb.ClimbingRegressor\n"
    )
    out = tmp_path / "_build"
    # autodoc's preserved defaults set a __signature__ of DefaultValue objects on the
    # documented __init__: take it off again, or scikit-learn's checks in a later test of
    # this process see those objects as the estimators' defaults
    inits = {jc.ClimbingClassifier.__init__, jc.ClimbingRegressor.__init__}
    saved = {init: dict(vars(init)) for init in inits}
    try:
        Sphinx(tmp_path, tmp_path, out, out / ".doctrees", "text", status=None).build()
    finally:
        for init, attributes in saved.items():
            vars(init).clear()
            vars(init).update(attributes)
    page = (out / "index.txt").read_text()
    for attribute in ("coefs_", "result_", "n_iter_", "best_climber_", "network_"):
        assert f"**{attribute}**" in page, attribute
    assert "DEFAULT_" not in page
    from jaxclimb.algorithms.defaults import DEFAULT_BUDGET

    assert f"budget={DEFAULT_BUDGET}" in page and "alpha=10.0" in page
    assert "precision='float32'" in page


@pytest.mark.parametrize("estimator", [jc.ClimbingClassifier, jc.ClimbingRegressor])
def test_every_estimator_parameter_has_a_text_of_its_own(estimator):
    """The classifier's Args: section documents both (the regressor's refers to it)."""
    import inspect

    from sphinx.ext.napoleon import Config, GoogleDocstring

    doc = inspect.getdoc(jc.ClimbingClassifier)
    lines = str(GoogleDocstring(doc, Config())).splitlines()
    texts = {}
    for i, line in enumerate(lines):
        if line.startswith(":param "):
            name, _, first = line[len(":param ") :].partition(":")
            more = [ln.strip() for ln in lines[i + 1 : i + 6] if ln.startswith("    ")]
            texts[name] = " ".join([first.strip(), *more])
    assert set(texts) == set(estimator().get_params())  # each named alone, none missing
    assert len(set(texts.values())) == len(texts)  # no text shared


@pytest.mark.parametrize("command", ["run", "compare", "report"])
def test_the_cli_guide_lists_every_option_from_the_parser(command):
    import cli_options

    listed = " ".join(o for _, options in cli_options.option_groups(command) for o in options)
    parser = cli_options.command_parser(command)
    for action in parser._actions:
        if action.option_strings and action.help != "==SUPPRESS==" and action.dest != "help":
            assert max(action.option_strings, key=len) in listed.split(), action.dest
    guide = (DOCS / "guides" / "cli.md").read_text()
    assert f"```{{jaxclimb-cli-options}} {command}\n```" in guide  # generated, not typed
    if command == "run":
        for new in ("--evaluation", "--record-every", "--elites", "--sigma-learning-rate"):
            assert new in listed.split()
        assert "snes" in listed.split("--algorithm ")[1].split()[0].split("|")


GALLERY_SOURCES = sorted((DOCS.parent / "examples").glob("*.py")) + sorted(
    (DOCS / "tutorials_src").glob("*.py")
)


@pytest.mark.parametrize("source", GALLERY_SOURCES, ids=lambda p: p.name)
def test_every_gallery_script_draws_its_card(source):
    """A script without a figure gets sphinx-gallery's placeholder card (the build refuses
    it too, from the thumbnails: docs/_ext/gallery_thumbnails.py)."""
    import gallery_thumbnails

    assert gallery_thumbnails.draws_a_figure(source.read_text()), (
        f"{source.name} draws no figure: its gallery card would show the placeholder image"
    )


def test_a_script_without_a_figure_is_found():
    from gallery_thumbnails import draws_a_figure

    assert not draws_a_figure("import matplotlib.pyplot as plt\nprint(1)\nplt.show()\n")
    assert draws_a_figure("fig, ax = plt.subplots()\n")
    assert draws_a_figure("jc.plot_run(result)\n")
    assert draws_a_figure("print(1)\n# sphinx_gallery_thumbnail_path = '_static/x.png'\n")


def test_the_build_finds_a_placeholder_thumbnail(tmp_path):
    """Thumbnails as sphinx-gallery writes them: the placeholder scaled, and a figure."""
    import gallery_thumbnails
    from PIL import Image
    from sphinx_gallery import glr_path_static
    from sphinx_gallery.utils import scale_image

    (tmp_path / "src").mkdir()
    thumbs = tmp_path / "gallery" / "images" / "thumb"
    thumbs.mkdir(parents=True)
    for name in ("no_figure", "figure", "no_thumbnail"):
        (tmp_path / "src" / f"{name}.py").write_text("print(1)\n")
    scale_image(pathlib.Path(glr_path_static()) / "no_image.png",
                thumbs / "sphx_glr_no_figure_thumb.png", 400, 280)  # fmt: skip
    Image.new("RGB", (640, 480), (30, 90, 200)).save(tmp_path / "figure.png")
    scale_image(tmp_path / "figure.png", thumbs / "sphx_glr_figure_thumb.png", 400, 280)
    conf = {"examples_dirs": [str(tmp_path / "src")], "gallery_dirs": ["gallery"]}
    found = gallery_thumbnails.placeholder_cards(tmp_path, conf)
    assert [line.split(":")[0] for line in found] == [
        "gallery/no_figure.py", "gallery/no_thumbnail.py"
    ]  # fmt: skip
    assert "placeholder" in found[0] and "no thumbnail" in found[1]
