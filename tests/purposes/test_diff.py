"""Word-level diff between two versions of a purpose: pure functions."""

from types import SimpleNamespace

from purposes.diff import DELETE, EQUAL, INSERT, revision_diff, word_diff
from purposes.models import PurposeRevision


def reconstruct(segments, side):
    keep = {EQUAL, DELETE} if side == "old" else {EQUAL, INSERT}
    return "".join(s.text for s in segments if s.kind in keep)


def marked(segments):
    marks = {EQUAL: "{}", INSERT: "[+{}+]", DELETE: "[-{}-]"}
    return "".join(marks[s.kind].format(s.text) for s in segments)


def test_identical_texts_are_one_equal_segment():
    assert marked(word_diff("same words here", "same words here")) == "same words here"


def test_an_inserted_word_is_marked_as_inserted():
    segments = word_diff("help engineers", "help design engineers")
    assert [s.kind for s in segments] == [EQUAL, INSERT, EQUAL]
    assert segments[1].text.strip() == "design"


def test_a_replaced_word_is_deleted_then_inserted():
    assert marked(word_diff("get boards right", "ship boards right")) == (
        "[-get-][+ship+] boards right"
    )


def test_neighbouring_replacements_read_as_one_change():
    assert marked(word_diff("old one stays", "new two stays")) == "[-old one-][+new two+] stays"


def test_punctuation_changes_do_not_mark_the_whole_word():
    assert marked(word_diff("boards.", "boards!")) == "boards[-.-][+!+]"


def test_whitespace_only_changes_are_not_shown_as_changes():
    assert [s.kind for s in word_diff("a  b", "a b")] == [EQUAL]


def test_both_texts_can_be_rebuilt_from_the_segments():
    pairs = [
        ("Help engineers build boards.", "Help design engineers build better boards!"),
        ("", "Brand new text"),
        ("Everything goes", ""),
        ("We help design engineers", "Voltaic helps electronics design engineers ship"),
        ("line one\nline two", "line one\nline 2\nline three"),
    ]
    for old, new in pairs:
        segments = word_diff(old, new)
        assert reconstruct(segments, "old") == old
        assert reconstruct(segments, "new") == new


def revision(**values):
    base = {
        "title": "T",
        "statement": "S",
        "participants": "P",
        "issue": "I",
        "value_to_participants": "VP",
        "value_to_organisation": "VO",
        "status": "draft",
        "community_names": [],
    }
    return PurposeRevision(**{**base, **values})


def test_revision_diff_lists_only_changed_fields_and_names_the_rest():
    diff = revision_diff(revision(), revision(issue="A new issue", title="T2"))
    assert [f.name for f in diff.changed_fields] == ["title", "issue"]
    assert diff.unchanged_labels == [
        "Purpose statement",
        "Who participates",
        "Value to participants",
        "Value to the organisation",
    ]
    assert diff.has_changes


def test_revision_diff_reports_communities_and_status():
    diff = revision_diff(
        revision(community_names=["Buyers", "Engineers"]),
        revision(community_names=["Engineers", "Students"], status="chosen"),
    )
    assert diff.communities_added == ["Students"]
    assert diff.communities_removed == ["Buyers"]
    assert diff.status_changed
    assert (diff.old_status, diff.new_status) == ("draft", "chosen")


def test_revision_diff_of_the_same_revision_has_no_changes():
    same = revision()
    assert not revision_diff(same, same).has_changes


def test_revision_diff_works_on_plain_objects_too():
    old = SimpleNamespace(**dict.fromkeys(["title", "statement", "participants", "issue"], ""))
    old.value_to_participants = old.value_to_organisation = ""
    new = SimpleNamespace(**vars(old))
    new.statement = "Now there is one"
    diff = revision_diff(old, new)
    assert [f.name for f in diff.changed_fields] == ["statement"]
