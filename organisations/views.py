import itertools

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_scopes import scopes_disabled

from common.merge import merged_save, open_form
from organisations import audit, checklist, services, workshop
from organisations.forms import (
    AuditFilterForm,
    InvitationForm,
    InvitationSignupForm,
    OrganisationCreateForm,
    OrganisationSettingsForm,
    RoleForm,
)
from organisations.models import AuditEntry, Invitation, Membership, Organisation, User
from organisations.permissions import ROLE_DESCRIPTIONS, Perm, Role
from organisations.ratelimit import rate_limit
from organisations.tenancy import SESSION_ORG_KEY, membership_for, org_view


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Send the user to the organisation they last used, or let them pick one."""
    # Counted over all of an organisation's memberships, not only the user's own
    # (a filter and a count on the same relation would share one join).
    mine = Organisation.objects.filter(memberships__user=request.user).values("pk")
    organisations = list(
        Organisation.objects.filter(pk__in=mine)
        .annotate(member_count=Count("memberships"))
        .order_by("name")
    )
    last = request.session.get(SESSION_ORG_KEY)
    slugs = {org.slug for org in organisations}
    if last in slugs:
        return redirect("organisations:home", org_slug=last)
    if len(organisations) == 1:
        return redirect("organisations:home", org_slug=organisations[0].slug)
    return render(
        request,
        "organisations/dashboard.html",
        {
            "organisations": organisations,
            "can_create_organisation": services.organisation_creation_allowed(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
@rate_limit("organisation_create", setting="ROADMAP_RATE_ORG_CREATE")
def organisation_create(request: HttpRequest) -> HttpResponse:
    """A new organisation, its creator its admin; for htmx, the address it would get."""
    if not services.organisation_creation_allowed(request.user):
        return render(request, "organisations/create_refused.html", status=403)
    template = "organisations/create.html"
    if request.method == "POST":
        form = OrganisationCreateForm(request.POST, preview_url=request.path)
        if form.is_valid():
            organisation = services.organisation_create(
                name=form.cleaned_data["name"], creator=request.user
            )
            messages.success(
                request,
                _(
                    "%(org)s is ready and you are its admin. The checklist below walks you "
                    "through the workshop; invite your team from Members."
                )
                % {"org": organisation.name},
            )
            return redirect("organisations:home", org_slug=organisation.slug)
        # Back on the one field to fix (the only one the page has).
        form.fields["name"].widget.attrs["autofocus"] = True
        status = 422
    else:
        form = OrganisationCreateForm(
            initial={"name": request.GET.get("name", "")}, preview_url=request.path
        )
        status = 200
        if request.htmx:
            template += "#address-preview"
    name = (request.POST if request.method == "POST" else request.GET).get("name", "")
    return render(
        request, template, {"form": form, "address": _address_preview(request, name)}, status=status
    )


def _address_preview(request: HttpRequest, name: str) -> dict[str, str]:
    """The link an organisation named ``name`` asks for, as ``prefix`` and ``slug``.

    Not the free slug: a preview answering "acme-2" as one types would tell
    anyone which organisations exist, which outsiders' 404s keep secret.
    """
    slug = services.organisation_slug_base(name)
    url = request.build_absolute_uri(reverse("organisations:home", kwargs={"org_slug": slug}))
    return {"prefix": url.removesuffix(f"{slug}/"), "slug": slug if name.strip() else ""}


def _home_context(request: HttpRequest) -> dict:
    steps = workshop.steps_for(request)
    return {"steps": steps, "checklist": checklist.checklist_for(steps, request.membership)}


@require_GET
@org_view(Perm.VIEW)
def home(request: HttpRequest) -> HttpResponse:
    member_count = Membership.objects.count()
    return render(
        request,
        "organisations/home.html",
        {"member_count": member_count, **_home_context(request)},
    )


@require_POST
@org_view(Perm.RUN_WORKSHOP)
def checklist_hide(request: HttpRequest) -> HttpResponse:
    """Hide the setup checklist for this member (``hidden=0`` shows it again)."""
    hidden = request.POST.get("hidden", "1") != "0"
    services.membership_hide_checklist(membership=request.membership, hidden=hidden)
    if request.htmx:
        return render(request, "organisations/home.html#setup-checklist", _home_context(request))
    return redirect("organisations:home", org_slug=request.org.slug)


def _members_context(request: HttpRequest, **extra) -> dict:
    memberships = list(Membership.objects.select_related("user"))
    admin_count = sum(1 for m in memberships if m.role == Role.ADMIN)
    return {
        "memberships": memberships,
        "admin_count": admin_count,
        "invitations": Invitation.objects.pending().select_related("invited_by"),
        "roles": Role.choices,
        "roles_described": [
            (value, label, ROLE_DESCRIPTIONS[value]) for value, label in Role.choices
        ],
        "invite_link": request.session.pop("invite_link", None),
        "invite_form": extra.pop("invite_form", None) or InvitationForm(),
        **extra,
    }


def _members_response(request: HttpRequest, status: int = 200, **extra) -> HttpResponse:
    template = "organisations/members.html"
    if request.htmx:
        template += "#members-panel"
    return render(request, template, _members_context(request, **extra), status=status)


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE_MEMBERS)
def members(request: HttpRequest) -> HttpResponse:
    """The member list; a POST invites someone."""
    if request.method == "GET":
        return _members_response(request)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _members_response(request, status=422, invite_form=form)
    try:
        created = services.invitation_create(
            organisation=request.org,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            invited_by=request.user,
            accept_url_for=lambda token: request.build_absolute_uri(
                reverse("invitation_accept", kwargs={"token": token})
            ),
        )
    except services.MembershipError as error:
        form.add_error("email", str(error))
        return _members_response(request, status=422, invite_form=form)
    invite_link = request.build_absolute_uri(
        reverse("invitation_accept", kwargs={"token": created.token})
    )
    if created.replaced:
        message = _(
            "Invitation sent again to %(email)s. The link sent before no longer works; "
            "this one works once and expires in 7 days."
        )
    else:
        message = _("Invitation sent to %(email)s. It works once and expires in 7 days.")
    messages.success(request, message % {"email": created.invitation.email})
    if request.htmx:
        return _members_response(request, invite_link=invite_link)
    # Without htmx the link is shown once on the next page.
    request.session["invite_link"] = invite_link
    return redirect("organisations:members", org_slug=request.org.slug)


def _redirect_members(request: HttpRequest) -> HttpResponse:
    if request.htmx:
        return _members_response(request)
    return redirect("organisations:members", org_slug=request.org.slug)


@require_POST
@org_view(Perm.MANAGE_MEMBERS)
def member_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles."))
        return _redirect_members(request)
    try:
        services.membership_change_role(membership=membership, role=form.cleaned_data["role"])
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(name)s is now %(role)s.")
            % {"name": membership.user.display_name, "role": membership.get_role_display()},
        )
    if membership.user_id == request.user.pk and membership.role != Role.ADMIN:
        # You demoted yourself: this page is no longer yours.
        return _leave_to_home(request)
    return _redirect_members(request)


@require_POST
@org_view(Perm.MANAGE_MEMBERS)
def member_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_id)
    try:
        services.membership_remove(membership=membership)
    except services.MembershipError as error:
        messages.error(request, str(error))
        return _redirect_members(request)
    messages.success(
        request,
        _("%(name)s was removed from %(org)s.")
        % {"name": membership.user.display_name, "org": request.org.name},
    )
    if membership.user_id == request.user.pk:
        request.session.pop(SESSION_ORG_KEY, None)
        return _leave_to(request, reverse("dashboard"))
    return _redirect_members(request)


def _leave_to(request: HttpRequest, url: str) -> HttpResponse:
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _leave_to_home(request: HttpRequest) -> HttpResponse:
    return _leave_to(request, reverse("organisations:home", kwargs={"org_slug": request.org.slug}))


@require_POST
@org_view(Perm.MANAGE_MEMBERS)
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=invitation_id)
    services.invitation_revoke(invitation=invitation)
    messages.success(
        request, _("The invitation to %(email)s was revoked.") % {"email": invitation.email}
    )
    return _redirect_members(request)


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE_SETTINGS)
def settings_edit(request: HttpRequest) -> HttpResponse:
    organisation = request.org
    if request.method == "GET":
        form = open_form(OrganisationSettingsForm(instance=organisation))
        return render(request, "organisations/settings.html", {"form": form})

    def current() -> dict:
        nonlocal organisation
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        return {}  # the form reads the fresh instance

    def save(form: OrganisationSettingsForm) -> bool:
        services.organisation_settings_save(form=form)
        return True

    result = merged_save(
        lambda data=None, files=None, initial=None: OrganisationSettingsForm(
            data, files, instance=organisation
        ),
        request.POST,
        files=request.FILES,
        current=current,
        save=save,
    )
    if result.saved:
        if result.taken:
            messages.info(request, result.notice())
        messages.success(request, _("Settings saved."))
        return redirect("organisations:settings", org_slug=organisation.slug)
    # Keep the saved values for the header while the form shows the errors.
    request.org.refresh_from_db()
    return render(
        request, "organisations/settings.html", {"form": result.form}, status=result.status
    )


@require_GET
@org_view(Perm.VIEW)
def logo(request: HttpRequest) -> HttpResponse:
    if not request.org.logo:
        raise Http404
    try:
        handle = request.org.logo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Open to anyone holding the link: the token is the secret."""
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationInvalid:
        return render(request, "organisations/invitation_invalid.html", status=404)

    with scopes_disabled():
        existing_user = User.objects.filter(email__iexact=invitation.email).first()
    signup_form = None
    if request.user.is_authenticated:
        if not services.invitation_is_for(invitation, request.user):
            return render(
                request,
                "organisations/invitation_other_address.html",
                {"invitation": invitation},
                status=403,
            )
        if request.method == "POST":
            return _accept(request, token, request.user, invitation)
    elif existing_user is None:
        signup_form = InvitationSignupForm(
            request.POST if request.method == "POST" else None, email=invitation.email
        )
        if request.method == "POST" and signup_form.is_valid():
            user = services.user_create_for_invitation(
                invitation=invitation,
                full_name=signup_form.cleaned_data["full_name"],
                password=signup_form.cleaned_data["password1"],
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return _accept(request, token, user, invitation)

    already_member = (
        request.user.is_authenticated
        and membership_for(request.user, invitation.organisation.slug) is not None
    )
    return render(
        request,
        "organisations/invitation_accept.html",
        {
            "invitation": invitation,
            "role_description": ROLE_DESCRIPTIONS[invitation.role],
            "signup_form": signup_form,
            "existing_user": existing_user,
            "already_member": already_member,
        },
        status=422 if signup_form is not None and signup_form.is_bound else 200,
    )


def _accept(request: HttpRequest, token: str, user: User, invitation: Invitation) -> HttpResponse:
    try:
        membership = services.invitation_accept(token=token, user=user)
    except services.InvitationInvalid:
        return render(request, "organisations/invitation_invalid.html", status=404)
    except services.InvitationForAnotherAddress:
        return render(
            request,
            "organisations/invitation_other_address.html",
            {"invitation": invitation},
            status=403,
        )
    messages.success(
        request,
        _("Welcome to %(org)s. You joined as %(role)s.")
        % {"org": membership.organisation.name, "role": membership.get_role_display()},
    )
    return redirect("organisations:home", org_slug=membership.organisation.slug)


AUDIT_PAGE_SIZE = 50


@require_GET
@org_view(Perm.VIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    """The organisation's audit log, newest first; admins only, and only their own."""
    entries = AuditEntry.objects.filter(organisation=request.org)
    people = User.objects.filter(pk__in=entries.exclude(actor=None).values("actor_id")).order_by(
        "first_name", "last_name", "email"
    )
    form = AuditFilterForm(request.GET or None, model_choices=audit.model_choices(), users=people)
    status = 200
    if form.is_bound and not form.is_valid():
        status = 422
    elif form.is_bound:
        if form.cleaned_data["model"]:
            app_label, model = form.cleaned_data["model"].split(".")
            content_type = ContentType.objects.get_by_natural_key(app_label, model)
            entries = entries.filter(content_type=content_type)
        if form.cleaned_data["user"]:
            entries = entries.filter(actor_id=form.cleaned_data["user"])
    page = Paginator(entries.select_related("actor", "content_type"), AUDIT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page_entries = list(page.object_list)
    audit.describe(page_entries)
    days = [
        (day, list(group))
        for day, group in itertools.groupby(
            page_entries, key=lambda entry: timezone.localtime(entry.timestamp).date()
        )
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organisations/audit.html",
        {
            "form": form,
            "page": page,
            "entries": page_entries,
            "days": days,
            "today": timezone.localdate(),
            "filter_query": query.urlencode(),
            "Action": AuditEntry.Action,
        },
        status=status,
    )
