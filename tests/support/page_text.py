"""A page's text as a reader sees it, from its HTML (standard library only)."""

from html.parser import HTMLParser

# Elements whose content no reader sees as text on the page.
SILENT = {"script", "style", "head", "template"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


def squeeze(text: str) -> str:
    return " ".join(text.split())


class _Collector(HTMLParser):
    def __init__(self, css_class: str | None):
        super().__init__(convert_charrefs=True)
        self.css_class = css_class
        self.stack: list[tuple[str, bool]] = []  # (tag, starts a wanted element)
        self.silent = 0
        self.parts: list[list[str]] = []
        self.open_wanted = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        wanted = (
            self.css_class is not None
            and self.css_class in (dict(attrs).get("class") or "").split()
        )
        self.stack.append((tag, wanted))
        if tag in SILENT:
            self.silent += 1
        if wanted:
            self.open_wanted += 1
            self.parts.append([])

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, wanted = self.stack.pop()
            if open_tag in SILENT:
                self.silent -= 1
            if wanted:
                self.open_wanted -= 1
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.silent:
            return
        self.text.append(data)
        if self.open_wanted:
            self.parts[-1].append(data)


def page_text(html: str) -> str:
    """Every text the page shows, whitespace squeezed."""
    collector = _Collector(None)
    collector.feed(html)
    return squeeze(" ".join(collector.text))


def texts_of_class(html: str, css_class: str) -> list[str]:
    """The text of each element with ``css_class``, whitespace squeezed."""
    collector = _Collector(css_class)
    collector.feed(html)
    return [squeeze("".join(part)) for part in collector.parts]
