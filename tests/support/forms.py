"""Find the POST forms of the project's URLs and the fields they send, from the tenancy table.

Every URL in the tenancy TABLE (``tests/support/tenancy_table.py``) that accepts
POST is a target; its fields come from the ``<form>`` on its own page (GET as an
admin) or, for a POST-only URL, from the case's ``data``. New URLs are covered
as they land.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlparse

from django.urls import reverse

from tests.support.tenancy import OrgCase

TEXT_TYPES = {"text", "search", "textarea", "url", "tel", ""}


@dataclass
class Field:
    name: str
    kind: str  # an <input> type, "textarea" or "select"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    action: str
    multipart: bool
    fields: list[Field]

    def valid_data(self) -> dict:
        """The form as the page shows it, with each choice group given a value."""
        data: dict = {}
        groups: dict[str, list[Field]] = {}
        for f in self.fields:
            if f.kind in {"checkbox", "radio"}:
                groups.setdefault(f.name, []).append(f)
            elif f.kind == "select":
                data[f.name] = f.value or next((o for o in f.options if o), "")
            elif f.kind not in {"file", "submit", "button", "reset", "image"}:
                data[f.name] = f.value
        for name, boxes in groups.items():
            chosen = [b.value or "on" for b in boxes if b.checked] or [boxes[0].value or "on"]
            data[name] = chosen if boxes[0].kind == "checkbox" else chosen[0]
        return data

    def as_posted(self) -> dict[str, list[str]]:
        """What a browser posts for the form untouched: checked boxes only, a
        select's chosen (or first) option, a textarea's lines ending ``\r\n``."""
        data: dict[str, list[str]] = {}
        for f in self.fields:
            if f.kind in {"file", "submit", "button", "reset", "image"}:
                continue
            if f.kind in {"checkbox", "radio"}:
                if f.checked:
                    data.setdefault(f.name, []).append(f.value or "on")
                continue
            if f.kind == "select":
                value = f.value if f.checked else next(iter(f.options), "")
            elif f.kind == "textarea":
                text = f.value[1:] if f.value.startswith("\n") else f.value
                value = text.replace("\r\n", "\n").replace("\n", "\r\n")
            else:
                value = f.value
            data.setdefault(f.name, []).append(value)
        return data

    def text_fields(self) -> list[str]:
        return sorted({f.name for f in self.fields if f.kind in TEXT_TYPES})


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._option: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = Form(a.get("action", ""), "multipart" in a.get("enctype", ""), [])
            self.forms.append(self._form)
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
            if "selected" in a:
                self._select.value = a.get("value", "")
                self._select.checked = True  # an option was chosen
        elif self._form is None or not a.get("name") or a["name"] == "csrfmiddlewaretoken":
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            self._form.fields.append(
                Field(a["name"], kind, a.get("value", ""), checked="checked" in a)
            )
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea")
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(a["name"], "select")
            self._form.fields.append(self._select)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_on(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def post_cases(table: dict) -> dict[str, OrgCase]:
    return {
        name: case
        for name, case in sorted(table.items())
        if isinstance(case, OrgCase) and "POST" in case.methods
    }


def url_for(name: str, case: OrgCase, tenant) -> str:
    kwargs = case.kwargs(tenant) if case.kwargs else {}
    return reverse(name, kwargs={"org_slug": tenant.org.slug, **kwargs})


def form_for(client, url: str, case: OrgCase, tenant) -> Form:
    """The form that posts to ``url`` on its own page, else one built from the case's data."""
    if "GET" in case.methods:
        response = client.get(url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for form in forms_on(response.content.decode()):
                target = urlparse(form.action).path if form.action else url
                if target == url and form.fields:
                    return form
    data = case.data(tenant) if case.data else {}
    return Form(
        action=url,
        multipart=False,
        fields=[Field(name, "text", str(value)) for name, value in data.items()],
    )
