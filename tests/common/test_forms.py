"""common.forms: every text field of every form refuses what the imports refuse."""

import importlib
import pkgutil
import re

import pytest
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from common.forms import StorableTextMixin, validate_storable_text
from common.text import text_problem
from organisations.admin import UserChangeAdminForm, UserCreationAdminForm
from organisations.forms import InvitationForm, InvitationSignupForm
from organisations.models import Organisation
from purposes.forms import CommentForm
from roadmap.models import Milestone

APPS = ("organisations", "communities", "purposes", "roadmap", "reports", "common")
REFUSED = [chr(c) for c in [*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]]


def _messages(value: str) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        validate_storable_text(value)
    return refused.value.messages


@pytest.mark.parametrize("character", REFUSED, ids=lambda c: f"U+{ord(c):04X}")
def test_each_control_character_is_named_in_the_message(character):
    assert _messages(f"a{character}b") == [
        f"Remove the control character (U+{ord(character):04X}) from this text."
    ]


@pytest.mark.parametrize("text", ["", "plain", "tab\there", "two\r\nlines", "\u202eRTL 🙂"])
def test_tab_line_ends_and_any_valid_unicode_pass(text):
    validate_storable_text(text)


def test_several_characters_are_named_once_each_up_to_three():
    assert _messages("\x07\x07\x1b") == [
        "Remove the control characters (U+0007, U+001B) from this text."
    ]
    assert _messages("\x01\x02\x03\x04") == [
        "Remove the control characters (U+0001, U+0002, U+0003 …) from this text."
    ]


def test_a_lone_surrogate_is_named_as_invalid_unicode():
    assert _messages("half \ud800 a pair") == [
        "Remove the character U+D800 from this text: it is not valid Unicode."
    ]
    assert len(_messages("\x07\udfff")) == 2


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        st.one_of(
            st.characters(exclude_categories=()),
            st.sampled_from([*REFUSED, "\x00", "\t", "\n", "\r", "\ud800", "\udfff"]),
        ),
        max_size=20,
    )
)
def test_forms_refuse_exactly_what_the_imports_refuse_and_name_what_is_wrong(text):
    try:
        validate_storable_text(text)
    except ValidationError as refused:
        assert text_problem(text) is not None
        named = re.findall(r"U\+([0-9A-F]{4})", " ".join(refused.messages))
        assert named
        assert all(chr(int(code, 16)) in text for code in named)
    else:
        assert text_problem(text) is None


def _project_form_classes() -> list[type]:
    """Every form class our apps define, in any module (views and admin too)."""
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in APPS and cls.__module__ != "common.forms":
            found.append(cls)
    return found


def test_every_form_with_a_text_field_refuses_control_characters():
    classes = _project_form_classes()
    assert len(classes) > 20  # the walk found the forms
    unchecked = [
        f"{cls.__module__}.{cls.__name__}"
        for cls in classes
        if not issubclass(cls, StorableTextMixin)
        and any(isinstance(f, forms.CharField) for f in cls.base_fields.values())
    ]
    assert unchecked == [], "derive these from common.forms.Form or ModelForm"


def test_a_name_in_the_invitation_signup_is_checked_but_the_password_is_not():
    form = InvitationSignupForm(
        data={"full_name": "Ann\x07", "password1": "x\x07" * 8, "password2": "x\x07" * 8},
        email="ann@example.com",
    )
    assert not form.is_valid()
    assert form.errors["full_name"] == ["Remove the control character (U+0007) from this text."]
    assert "password1" not in form.errors and "password2" not in form.errors


def test_an_email_with_a_control_character_in_quotes_is_refused():
    # Django's EmailValidator accepts controls inside a quoted local part.
    form = InvitationForm(data={"email": '"a\x07b"@example.com', "role": "viewer"})
    assert not form.is_valid()
    assert "U+0007" in form.errors["email"][0]


@pytest.mark.django_db
def test_the_auth_forms_of_the_admin_check_names_and_emails():
    change = UserChangeAdminForm(data={"email": "ann@example.com", "first_name": "A\x07nn"})
    assert "U+0007" in change.errors["first_name"][0]
    create = UserCreationAdminForm(
        data={"email": '"b\x1b"@example.com', "password1": "", "password2": ""}
    )
    assert any("U+001B" in message for message in create.errors.get("email", []))


def test_the_admin_of_rows_shown_on_roadmaps_checks_their_text():
    for model in (Milestone, Organisation):
        assert issubclass(admin.site.get_model_admin(model).form, StorableTextMixin)


def test_a_nul_gets_one_message_that_names_it():
    form = CommentForm(data={"body": "nul \x00 inside"})
    assert form.errors["body"] == ["Remove the control character (U+0000) from this text."]
