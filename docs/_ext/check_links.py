"""Check the built site's internal links: every relative ``href`` and ``src`` points to a
file of the site, and every ``#fragment`` to an ``id`` on that page.

    python docs/_ext/check_links.py docs/_build/html

Links to other sites are not followed (the build has no network). Exits 1 and lists the
broken links, page by page; prints how many links it checked otherwise.
"""

from __future__ import annotations

import html.parser
import pathlib
import sys
import urllib.parse

EXTERNAL = ("http:", "https:", "mailto:", "data:", "javascript:", "ftp:")


class _Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value or "")
            elif name in ("href", "src") and value and not value.startswith(EXTERNAL):
                self.links.append(value)


def _parse(path: pathlib.Path, cache: dict) -> _Page:
    if path not in cache:
        page = _Page()
        page.feed(path.read_text(errors="replace"))
        cache[path] = page
    return cache[path]


def _anchors(path: pathlib.Path, cache: dict) -> set[str]:
    return _parse(path, cache).ids if path.suffix == ".html" else set()


def broken_links(site: pathlib.Path) -> tuple[list[str], int]:
    """``(["page: link (why)", ...], links checked)`` for every page of ``site``."""
    cache: dict = {}
    broken, checked = [], 0
    for page_path in sorted(site.rglob("*.html")):
        for link in _parse(page_path, cache).links:
            checked += 1
            url = urllib.parse.urlsplit(link)
            target = (
                page_path if not url.path else (page_path.parent / urllib.parse.unquote(url.path))
            )
            target = target.resolve()
            if target.is_dir():
                target = target / "index.html"
            where = f"{page_path.relative_to(site)}: {link}"
            if not target.is_file():
                broken.append(f"{where} (no such file)")
            elif url.fragment and urllib.parse.unquote(url.fragment) not in _anchors(target, cache):
                broken.append(f"{where} (no such anchor)")
    return broken, checked


def main(argv: list[str]) -> int:
    site = pathlib.Path(argv[0] if argv else "docs/_build/html")
    if not (site / "index.html").is_file():
        print(f"{site} holds no built site (index.html missing)", file=sys.stderr)
        return 1
    broken, checked = broken_links(site)
    for line in broken:
        print(line, file=sys.stderr)
    print(f"{checked} internal links checked, {len(broken)} broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
