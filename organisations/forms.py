from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from common.forms import Form, ModelForm
from organisations.models import Organisation
from organisations.permissions import Role


class InvitationForm(Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EXECUTIVE)


class RoleForm(Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class OrganisationSettingsForm(ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "logo", "brand_colour", "paper_size"]
        widgets = {
            "brand_colour": forms.TextInput(attrs={"type": "color"}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        }


class InvitationSignupForm(Form):
    """A new user accepting an invitation: the email comes from the invitation."""

    full_name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            from organisations.models import User

            probe = User(email=self.email, first_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AuditFilterForm(Form):
    """Narrow the audit log to one kind of record and/or one person."""

    model = forms.ChoiceField(label=_("What changed"), required=False)
    user = forms.TypedChoiceField(label=_("Who"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, model_choices, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("Everything")), *model_choices]
        self.fields["user"].choices = [
            ("", _("Everyone")),
            *[(u.pk, u.display_name) for u in users],
        ]


class OrganisationCreateForm(Form):
    """A new organisation: only its name; the address is made from it."""

    name = forms.CharField(
        label=_("Name of the organisation"),
        max_length=Organisation._meta.get_field("name").max_length,
        help_text=_("As your team and your board know it. You can change it later."),
        error_messages={
            "required": _("Give the organisation a name."),
            "max_length": _(
                "Keep the name to %(limit_value)d characters (this one has %(show_value)d)."
            ),
        },
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )

    def __init__(self, *args, preview_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        # As one types, htmx asks the page for the address the name makes.
        self.fields["name"].widget.attrs.update(
            {
                "hx-get": preview_url,
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#org-address",
                "hx-sync": "this:replace",
            }
        )

    def clean_name(self) -> str:
        # One line: a tab or line break pasted into the name becomes a space.
        return " ".join(self.cleaned_data["name"].split())
