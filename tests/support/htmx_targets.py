"""Where a page's htmx requests would land: every ``#id`` they aim at must be on the page.

A form whose ``hx-target`` names an element of another page does nothing
when submitted (htmx reports ``htmx:targetError``): the editor dialog's form
opened as a page of its own did exactly that.
"""

from dataclasses import dataclass
from html.parser import HTMLParser

HX_REQUESTS = ("hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete")
VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    # The hx-target it has or inherits from an ancestor ("" when none: htmx
    # then swaps the element itself).
    target: str
    text: str = ""

    @property
    def makes_request(self) -> bool:
        return any(name in self.attrs for name in HX_REQUESTS)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.ids: set[str] = set()
        self._open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if a.get("id"):
            self.ids.add(a["id"])
        inherited = self._open[-1].target if self._open else ""
        element = Element(tag, a, a.get("hx-target", inherited))
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self._open.pop()

    def handle_endtag(self, tag):
        # Close up to the matching tag: an unclosed <p> or <li> does not
        # leave everything after it nested inside.
        for depth in range(len(self._open) - 1, -1, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data):
        for element in self._open:
            element.text += data


def parse(html: str) -> _Parser:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser


def missing_targets(html: str, *, host_ids: frozenset[str] = frozenset()) -> list[str]:
    """Each ``#id`` an htmx attribute of ``html`` aims at that is not there.

    ``host_ids``: for a fragment, the ids of the page it is swapped into.
    Relative targets (``this``, ``closest …``, ``find …``) always resolve.
    """
    page = parse(html)
    ids = page.ids | host_ids
    missing = []
    for element in page.elements:
        aims = [element.attrs.get("hx-target", "")]
        if element.makes_request:
            aims.append(element.target)
        oob = element.attrs.get("hx-swap-oob", "")
        if ":" in oob:
            aims.append(oob.split(":", 1)[1])
        for aim in dict.fromkeys(aims):
            if aim.startswith("#") and aim[1:] not in ids:
                missing.append(f"<{element.tag}> aims at {aim}")
    return missing


def forms(html: str) -> list[Element]:
    return [element for element in parse(html).elements if element.tag == "form"]


def links(html: str, text: str) -> list[Element]:
    """The links (and link-buttons) whose text is ``text``."""
    return [e for e in parse(html).elements if e.tag == "a" and e.text.strip() == text]
