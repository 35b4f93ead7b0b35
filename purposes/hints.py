"""Advice on a purpose draft while it is being typed.

A pure function over the draft's text: no database, no request. Hints are
advice and never block a save; the editor shows them beside the form.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from purposes.models import PURPOSE_PARTS

# A statement people can repeat from memory (PRODUCT.md: a compelling purpose).
MAX_STATEMENT_WORDS = 35
MAX_STATEMENT_CHARS = 240

FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "statement": gettext_lazy("Purpose statement"),
    "participants": gettext_lazy("Who participates"),
    "issue": gettext_lazy("The issue or opportunity"),
    "value_to_participants": gettext_lazy("Value to participants"),
    "value_to_organisation": gettext_lazy("Value to the organisation"),
}
TEXT_FIELDS = ("title", "statement", *PURPOSE_PARTS)

KIND_LABELS = {
    "missing": gettext_lazy("Missing"),
    "long": gettext_lazy("Too long"),
    "vague": gettext_lazy("Vague"),
}

PART_QUESTIONS = {
    "participants": gettext_lazy("Who will take part: which people, in which roles?"),
    "issue": gettext_lazy("Which widely recognised need or opportunity brings them together?"),
    "value_to_participants": gettext_lazy("What do participants get that they cannot get alone?"),
    "value_to_organisation": gettext_lazy(
        "What does the organisation gain, and how will you measure it?"
    ),
}

# Words that sound like strategy but tell a reader nothing. Each pattern is
# matched as whole words, case-insensitively; the label is what the hint quotes.
_VAGUE = [
    (r"leverag(?:e|es|ed|ing)", "leverage"),
    (r"synerg(?:y|ies|istic)", "synergy"),
    (r"best[- ]in[- ]class", "best-in-class"),
    (r"world[- ]class", "world-class"),
    (r"empower(?:s|ed|ing|ment)?", "empower"),
    (r"solutions?", "solutions"),
    (r"cutting[- ]edge", "cutting-edge"),
    (r"state[- ]of[- ]the[- ]art", "state-of-the-art"),
    # "next-generation platform" is buzz; "the next generation of engineers" is people.
    (r"next(?:-generation|\s+generation(?!\s+of\b))", "next-generation"),
    (r"game[- ]chang(?:er|ers|ing)", "game-changing"),
    (r"seamless(?:ly)?", "seamless"),
    (r"holistic(?:ally)?", "holistic"),
    (r"innovative", "innovative"),
    (r"value[- ]added", "value-added"),
    (r"thought leadership", "thought leadership"),
    (r"engagement", "engagement"),
]
_VAGUE_RE = [(re.compile(rf"\b{pattern}\b", re.IGNORECASE), label) for pattern, label in _VAGUE]

# "engage" is vague only with no object: "to engage and grow", "engage more",
# "engage." — but "engage design engineers" and "engage with suppliers" are fine.
_ENGAGE_NO_OBJECT = re.compile(
    r"\bengag(?:e|es|ed|ing)\b(?=\s*(?:$|[.,;:!?)]|(?:and|or|but|more|better|deeply|fully|"
    r"actively|meaningfully|effectively|together|online)\b))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Hint:
    kind: str  # "missing", "long" or "vague"
    field: str
    message: str

    @property
    def field_label(self) -> str:
        return str(FIELD_LABELS[self.field])

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


def _words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


def vague_terms(text: str) -> list[str]:
    """The vague words in ``text``, each once, in the order they first appear."""
    found: list[tuple[int, str]] = []
    for pattern, label in _VAGUE_RE:
        match = pattern.search(text)
        if match:
            found.append((match.start(), label))
    match = _ENGAGE_NO_OBJECT.search(text)
    if match:
        found.append((match.start(), "engage"))
    seen: set[str] = set()
    ordered = []
    for _position, label in sorted(found):
        if label not in seen:
            seen.add(label)
            ordered.append(label)
    return ordered


def purpose_hints(values: dict[str, str]) -> list[Hint]:
    """Hints for a draft given as ``{field name: text}``; missing keys count as empty."""
    text = {name: (values.get(name) or "").strip() for name in TEXT_FIELDS}
    hints: list[Hint] = []

    if not text["statement"]:
        hints.append(
            Hint(
                "missing",
                "statement",
                _("Write the statement: one sentence the whole team can repeat."),
            )
        )
    for part in PURPOSE_PARTS:
        if not text[part]:
            hints.append(
                Hint(
                    "missing",
                    part,
                    _("Not written yet. %(question)s") % {"question": PART_QUESTIONS[part]},
                )
            )

    word_count = len(_words(text["statement"]))
    char_count = len(text["statement"])
    if word_count > MAX_STATEMENT_WORDS or char_count > MAX_STATEMENT_CHARS:
        hints.append(
            Hint(
                "long",
                "statement",
                _(
                    "The statement has %(words)d words and %(chars)d characters. People "
                    "remember one of at most %(max_words)d words or %(max_chars)d characters: "
                    "move detail into the four parts."
                )
                % {
                    "words": word_count,
                    "chars": char_count,
                    "max_words": MAX_STATEMENT_WORDS,
                    "max_chars": MAX_STATEMENT_CHARS,
                },
            )
        )

    for name in TEXT_FIELDS:
        for term in vague_terms(text[name]):
            if term == "engage":
                message = _("“engage” with no object: say who engages, and in what.")
            else:
                message = _("“%(term)s” is vague: say concretely what you mean.") % {"term": term}
            hints.append(Hint("vague", name, message))
    return hints
