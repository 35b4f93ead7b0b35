"""Two people with one editor open: load it twice, save one after the other.

``open_editor`` reads the form the way a browser would post it untouched
(tests.support.forms); the test changes a field or two and posts.
"""

from django.test import Client

from tests.support.forms import forms_on


class Editor:
    """One person's open editor: what the page showed, ready to change and save."""

    def __init__(self, client: Client, url: str, *, headers: dict | None = None):
        self.client = client
        self.url = url
        self.headers = headers or {}
        response = client.get(url, **self.headers)
        assert response.status_code == 200, response.status_code
        self.html = response.content.decode()
        forms = [f for f in forms_on(self.html) if f.action in ("", url)]
        assert forms, f"no form posting to {url}"
        self.data = forms[0].as_posted()

    def prefixed(self, name: str) -> str:
        """The posted name of a field, whatever prefix the form gives it."""
        matches = [key for key in self.data if key == name or key.endswith(f"_{name}")]
        matches += [key for key in self.data if key.endswith(f"-{name}")]
        assert matches, f"{name} is not on the form: {sorted(self.data)}"
        return min(matches, key=len)

    def set(self, **changes) -> "Editor":
        for name, value in changes.items():
            values = value if isinstance(value, list) else [value]
            self.data[self.prefixed(name)] = [str(v) for v in values]
        return self

    def save(self, **extra):
        return self.client.post(self.url, {**self.data, **extra}, **self.headers)

    def reopen_from(self, response) -> "Editor":
        """Carry on from a page the save answered with (a clash, an error)."""
        forms = [f for f in forms_on(response.content.decode()) if f.action in ("", self.url)]
        assert forms, "the answer holds no editor"
        self.data = forms[0].as_posted()
        return self
