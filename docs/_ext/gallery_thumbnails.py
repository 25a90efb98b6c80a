"""Every gallery card shows a figure of its own, never sphinx-gallery's placeholder image.

sphinx-gallery gives an example that draws no figure (and names no
``sphinx_gallery_thumbnail_path``) a placeholder thumbnail, silently. Two checks refuse it:

* At build time (``build-finished``), each example's thumbnail under
  ``<gallery_dir>/images/thumb/`` is compared, pixel for pixel, with the placeholder scaled
  the way sphinx-gallery scales it; a match, or no thumbnail, is a warning (an error under
  ``-W``). This is the authority: it looks at what the site shows.
* Without Sphinx (``tests/test_docs.py``), :func:`draws_a_figure` reads each source: a
  ``plt.<drawing call>``, a ``plot_*`` call (``jc.plot_run``) or a
  ``sphinx_gallery_thumbnail_path`` comment.
"""

from __future__ import annotations

import ast
import functools
import pathlib
import re
import tempfile

from sphinx.util import logging

logger = logging.getLogger(__name__)

# pyplot calls that draw nothing themselves
NOT_DRAWING = {"show", "close", "rc_context", "style", "ion", "ioff", "switch_backend", "rcParams"}


@functools.cache
def _placeholder(size: tuple[int, int], default_thumb_file: str | None) -> tuple:
    """The placeholder thumbnail's mode, size and pixels, made by sphinx-gallery's own code."""
    from sphinx_gallery import glr_path_static
    from sphinx_gallery.utils import scale_image

    source = default_thumb_file or str(pathlib.Path(glr_path_static()) / "no_image.png")
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "placeholder.png"
        scale_image(source, out, *size)
        return _pixels(out)


def _pixels(path: pathlib.Path) -> tuple:
    from PIL import Image

    with Image.open(path) as image:
        return image.mode, image.size, image.tobytes()


def _as_list(value) -> list[str]:
    return [value] if isinstance(value, str | pathlib.Path) else list(value)


def gallery_sources(examples_dir: pathlib.Path, ignore: str = r"__init__\.py") -> list:
    """The scripts sphinx-gallery makes cards of: every ``*.py`` of the folder."""
    return sorted(p for p in examples_dir.glob("*.py") if not re.search(ignore, p.name))


def placeholder_cards(srcdir: pathlib.Path, conf: dict) -> list[str]:
    """``"<gallery_dir>/<name>.py: ..."`` for each example whose thumbnail is missing or is
    sphinx-gallery's placeholder; ``conf`` is ``sphinx_gallery_conf``."""
    srcdir = pathlib.Path(srcdir)
    placeholder = _placeholder(
        tuple(conf.get("thumbnail_size", (400, 280))), conf.get("default_thumb_file")
    )
    pairs = zip(_as_list(conf["examples_dirs"]), _as_list(conf["gallery_dirs"]), strict=True)
    bad = []
    for examples_dir, gallery_dir in pairs:
        for source in gallery_sources(srcdir / examples_dir, conf.get("ignore_pattern", "^$")):
            thumb = srcdir / gallery_dir / "images" / "thumb" / f"sphx_glr_{source.stem}_thumb.png"
            where = f"{gallery_dir}/{source.name}"
            if not thumb.exists():
                bad.append(f"{where}: no thumbnail at {thumb}")
            elif _pixels(thumb) == placeholder:
                bad.append(
                    f"{where}: its card shows sphinx-gallery's placeholder image; draw a figure "
                    "(matplotlib) or name one with '# sphinx_gallery_thumbnail_path = ...'"
                )
    return bad


def draws_a_figure(source: str) -> bool:
    """Whether a gallery script draws a figure or names its thumbnail, read from its text."""
    if re.search(r"^\s*#\s*sphinx_gallery_thumbnail_path\s*=", source, re.MULTILINE):
        return True
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name.startswith("plot_"):  # jc.plot_run, jc.plot_comparison
            return True
        owner = func.value if isinstance(func, ast.Attribute) else None
        if isinstance(owner, ast.Name) and owner.id == "plt" and name not in NOT_DRAWING:
            return True
    return False


def check_thumbnails(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for problem in placeholder_cards(pathlib.Path(app.srcdir), app.config.sphinx_gallery_conf):
        logger.warning(problem, type="jaxclimb", subtype="thumbnail")


def setup(app):
    app.connect("build-finished", check_thumbnails)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
