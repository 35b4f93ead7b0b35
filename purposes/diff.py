"""Word-level differences between two versions of a purpose.

Plain functions over plain values (revisions, or anything with the same
attributes), so they are testable without a database. Templates render the
segments as ``<ins>``/``<del>`` with words for screen readers.
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from purposes.hints import FIELD_LABELS, TEXT_FIELDS

# Words (with inner apostrophes and hyphens), runs of whitespace, and single
# punctuation marks: a changed comma does not mark the whole word as changed.
_TOKEN = re.compile(r"\s+|[\w'’-]+|[^\w\s]")

EQUAL, INSERT, DELETE = "equal", "insert", "delete"


@dataclass(frozen=True)
class Segment:
    kind: str  # EQUAL, INSERT or DELETE
    text: str


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.replace("\r\n", "\n"))


def word_diff(old: str, new: str) -> list[Segment]:
    """Segments that turn ``old`` into ``new``; adjacent segments of a kind are merged."""
    a, b = tokens(old or ""), tokens(new or "")
    matcher = SequenceMatcher(a=a, b=b, autojunk=False)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(segments, Segment(EQUAL, "".join(a[i1:i2])))
        else:
            # Deletions before insertions, as a reader expects ("was … now …").
            _append(segments, Segment(DELETE, "".join(a[i1:i2])))
            _append(segments, Segment(INSERT, "".join(b[j1:j2])))
    return _absorb_lone_spaces(segments)


def _absorb_lone_spaces(segments: list[Segment]) -> list[Segment]:
    """Fold a whitespace-only equal run between two replacements into them.

    "old one" → "new two" would otherwise read ``[-old-][+new+] [-one-][+two+]``;
    folding gives ``[-old one-][+new two+]``, which reads as one change. Joining
    the equal and deleted segments still gives the old text, equal and inserted
    the new one (except where only whitespace changed, which is shown as equal).
    """
    # Runs: [EQUAL, text] or [CHANGE, deleted, inserted].
    runs: list[list] = []
    for segment in segments:
        if segment.kind == EQUAL:
            runs.append([EQUAL, segment.text])
        elif runs and runs[-1][0] == _CHANGE:
            runs[-1][1 if segment.kind == DELETE else 2] += segment.text
        else:
            deleted = segment.text if segment.kind == DELETE else ""
            inserted = segment.text if segment.kind == INSERT else ""
            runs.append([_CHANGE, deleted, inserted])

    merged: list[list] = []
    for run in runs:
        if (
            _is_replacement(run)
            and len(merged) >= 2
            and merged[-1][0] == EQUAL
            and not merged[-1][1].strip()
            and _is_replacement(merged[-2])
        ):
            space = merged.pop()[1]
            merged[-1][1] += space + run[1]
            merged[-1][2] += space + run[2]
        else:
            merged.append(run)

    result: list[Segment] = []
    for run in merged:
        if run[0] == EQUAL:
            _append(result, Segment(EQUAL, run[1]))
        elif not run[1].strip() and not run[2].strip():
            # Only whitespace changed: nothing a reader would call a change.
            _append(result, Segment(EQUAL, run[2]))
        else:
            _append(result, Segment(DELETE, run[1]))
            _append(result, Segment(INSERT, run[2]))
    return result


def _append(segments: list[Segment], segment: Segment) -> None:
    if not segment.text:
        return
    if segments and segments[-1].kind == segment.kind:
        segments[-1] = Segment(segment.kind, segments[-1].text + segment.text)
    else:
        segments.append(segment)


_CHANGE = "change"


def _is_replacement(run: list) -> bool:
    return run[0] == _CHANGE and bool(run[1].strip()) and bool(run[2].strip())


@dataclass(frozen=True)
class FieldDiff:
    name: str
    old: str
    new: str
    segments: list[Segment]

    @property
    def label(self) -> str:
        return str(FIELD_LABELS[self.name])

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class RevisionDiff:
    fields: list[FieldDiff]
    communities_added: list[str] = field(default_factory=list)
    communities_removed: list[str] = field(default_factory=list)
    old_status: str = ""
    new_status: str = ""

    @property
    def changed_fields(self) -> list[FieldDiff]:
        return [f for f in self.fields if f.changed]

    @property
    def unchanged_labels(self) -> list[str]:
        return [f.label for f in self.fields if not f.changed]

    @property
    def status_changed(self) -> bool:
        return self.old_status != self.new_status

    @property
    def has_changes(self) -> bool:
        return bool(
            self.changed_fields
            or self.communities_added
            or self.communities_removed
            or self.status_changed
        )


def revision_diff(old, new) -> RevisionDiff:
    """Compare two revisions (or any objects with the purpose's text fields)."""
    fields = []
    for name in TEXT_FIELDS:
        before, after = getattr(old, name) or "", getattr(new, name) or ""
        fields.append(FieldDiff(name, before, after, word_diff(before, after)))
    old_names = list(getattr(old, "community_names", None) or [])
    new_names = list(getattr(new, "community_names", None) or [])
    return RevisionDiff(
        fields=fields,
        communities_added=[n for n in new_names if n not in old_names],
        communities_removed=[n for n in old_names if n not in new_names],
        old_status=getattr(old, "status", ""),
        new_status=getattr(new, "status", ""),
    )


def changed_field_names(old, new) -> list[str]:
    """Names of the text fields that differ: cheaper than a full diff for a list."""
    return [
        name for name in TEXT_FIELDS if (getattr(old, name) or "") != (getattr(new, name) or "")
    ]
