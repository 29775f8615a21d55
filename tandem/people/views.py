"""Pages about people and teams. Thin: parse, call a service, render the page or its htmx
fragment."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tandem.core.errors import DomainError
from tandem.core.forms import error_message, form_error
from tandem.core.htmx import render_page_or_partial
from tandem.core.ids import parse_id
from tandem.core.pagination import paginate
from tandem.core.permissions import ORGANISATION, Action, can, require, require_staff
from tandem.people import services
from tandem.people.auth import signed_in
from tandem.people.forms import (
    AddMemberForm,
    EditTeamForm,
    GrantsForm,
    NewTeamForm,
    NewUserForm,
    ProfileForm,
    RoleForm,
)
from tandem.people.models import Membership, Team, User, load_team_roles


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    form = ProfileForm(
        request.POST or None,
        initial={
            "full_name": user.full_name,
            "job_title": user.job_title,
            "time_zone": user.time_zone,
            "email_notifications": user.email_notifications,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(actor=user, user=user, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("people:profile")
    return render(request, "people/profile.html", {"form": form})


@login_required
def mention_suggestions(request: HttpRequest) -> JsonResponse:
    """Who an "@" being typed could mean: up to eight people, as JSON for the comment
    box's autocomplete ({handle, name, team}). Only people who work here may list
    their colleagues."""
    require_staff(request.user)
    found = (
        User.objects.visible_to(request.user)
        .mentionable(request.GET.get("q", ""))
        .order_by("full_name", "id")[:8]
    )
    people = load_team_roles(list(found))
    team_ids = {t for u in people for t in u.team_roles()}
    names = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name"))
    return JsonResponse(
        {
            "people": [
                {
                    "handle": u.handle,
                    "name": u.full_name,
                    "team": ", ".join(sorted(names[t] for t in u.team_roles())),
                }
                for u in people
            ]
        }
    )


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    can_create = can(request.user, Action.CREATE_USER, ORGANISATION)
    show_closed = can_create and request.GET.get("closed") == "1"
    people = User.objects.visible_to(request.user)
    if not show_closed:
        people = people.active()
    query = request.GET.get("q", "")
    team_id = parse_id(request.GET.get("team"))
    people = people.search(query)
    if team_id is not None:
        people = people.in_team(team_id)
    page = paginate(request, people.order_by("full_name", "id"))
    context = {
        "page": page,
        "q": query,
        "team": request.GET.get("team", ""),
        "teams": Team.objects.visible_to(request.user),
        "can_create": can_create,
        "show_closed": show_closed,
    }
    return render_page_or_partial(
        request, "people/directory.html", "people/_people_rows.html", context
    )


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    memberships = shown.memberships.select_related("team").order_by("team__name")
    context = {
        "person": shown,
        "memberships": memberships,
        "can_close": can(request.user, Action.CREATE_USER, ORGANISATION)
        and shown.pk != request.user.pk,
        "grants_form": GrantsForm(
            initial={
                "may_export_lists": shown.may_export_lists,
                "may_create_campaigns": shown.may_create_campaigns,
            }
        )
        if can(request.user, Action.GRANT, shown)
        else None,
    }
    return render(request, "people/person.html", context)


@login_required
@require_POST
def set_grants(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator grants rights beyond the person's teams' (``people.grants``)."""
    shown = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    require(request.user, Action.GRANT, shown)
    form = GrantsForm(request.POST)
    form.is_valid()  # two check boxes: absent is "no"
    services.set_grants(actor=signed_in(request), user=shown, **form.cleaned_data)
    messages.success(request, f"{shown}'s rights are saved.")
    return redirect("people:person", pk=shown.pk)


@login_required
@require_POST
def set_active(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    active = request.POST.get("active") == "1"
    services.set_active(actor=signed_in(request), user=shown, active=active)
    messages.success(request, f"{shown}'s account is {'reopened' if active else 'closed'}.")
    return redirect("people:person", pk=shown.pk)


@login_required
def new_person(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.CREATE_USER, ORGANISATION):
        return render(
            request, "403.html", {"message": "Only administrators add people."}, status=403
        )
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.create_user(
                actor=signed_in(request),
                email=data["email"],
                full_name=data["full_name"],
                time_zone=data["time_zone"],
                job_title=data["job_title"],
                is_admin=data["is_admin"],
            )
            if data["team"]:
                services.add_member(
                    actor=signed_in(request),
                    team=data["team"],
                    user=created,
                    role=data["role"],
                )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request, f"{created} can now log in: we e-mailed them a link to set a password."
            )
            return redirect("people:person", pk=created.pk)
    return render(request, "people/new_person.html", {"form": form})


@login_required
def teams(request: HttpRequest) -> HttpResponse:
    visible = Team.objects.visible_to(request.user).with_member_counts().order_by("name")
    page = paginate(request, visible)
    can_create = can(request.user, Action.CREATE_USER, ORGANISATION)
    if request.method == "POST":
        require(request.user, Action.CREATE_USER, ORGANISATION)
    form = NewTeamForm(request.POST or None) if can_create else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            team = services.create_team(actor=signed_in(request), **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"Team {team} created. Add its people next.")
            return redirect("people:team", pk=team.pk)
    return render(request, "people/teams.html", {"page": page, "form": form})


def _team_context(
    request: HttpRequest, team: Team, add_form: AddMemberForm | None = None
) -> dict[str, Any]:
    can_manage = can(request.user, Action.MANAGE_MEMBERS, team)
    return {
        "team": team,
        "memberships": team.memberships.select_related("user").order_by("-role", "user__full_name"),
        "can_manage": can_manage,
        "add_form": add_form or (AddMemberForm() if can_manage else None),
        "roles": Membership.Role.choices,
    }


@login_required
def team(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(Team.objects.visible_to(request.user), pk=pk)
    context = _team_context(request, shown)
    if can(request.user, Action.CHANGE, shown):
        form = EditTeamForm(
            request.POST or None,
            initial={"name": shown.name, "description": shown.description, "desk": shown.desk},
        )
        if shown.function != Team.Function.FRONT_LINE:
            del form.fields["desk"]  # only a front-line team meets customers
        if request.method == "POST" and form.is_valid():
            try:
                services.update_team(actor=signed_in(request), team=shown, **form.cleaned_data)
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, "Team details saved.")
                return redirect("people:team", pk=shown.pk)
        context["edit_form"] = form
    elif request.method == "POST":
        require(request.user, Action.CHANGE, shown)
    return render(request, "people/team.html", context)


def _members_partial(
    request: HttpRequest, team: Team, add_form: AddMemberForm | None = None, error: str = ""
) -> HttpResponse:
    context = _team_context(request, team, add_form)
    context["error"] = error
    return render_page_or_partial(
        request,
        "people/team.html",
        "people/_members.html",
        context,
        status=422 if error or (add_form and add_form.errors) else 200,
    )


@login_required
@require_POST
def add_member(request: HttpRequest, pk: int) -> HttpResponse:
    shown = get_object_or_404(Team.objects.visible_to(request.user), pk=pk)
    # Permission before reading the form, so a non-head learns nothing about e-mails.
    require(request.user, Action.MANAGE_MEMBERS, shown)
    form = AddMemberForm(request.POST)
    if form.is_valid():
        member = User.objects.filter(email=form.cleaned_data["email"].strip().lower()).first()
        if member is None:
            form.add_error(
                "email", "Nobody has this e-mail address. An administrator can add them."
            )
        else:
            try:
                services.add_member(
                    actor=signed_in(request),
                    team=shown,
                    user=member,
                    role=form.cleaned_data["role"],
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                return _members_partial(request, shown)
    return _members_partial(request, shown, add_form=form)


@login_required
@require_POST
def change_member(request: HttpRequest, pk: int, membership_id: int) -> HttpResponse:
    shown = get_object_or_404(Team.objects.visible_to(request.user), pk=pk)
    membership = get_object_or_404(
        shown.memberships.select_related("team", "user"), pk=membership_id
    )
    try:
        if request.POST.get("action") == "remove":
            services.remove_member(actor=signed_in(request), membership=membership)
        else:
            form = RoleForm(request.POST)
            role = form.cleaned_data["role"] if form.is_valid() else ""
            services.change_role(actor=signed_in(request), membership=membership, role=role)
    except DomainError as exc:
        return _members_partial(request, shown, error=error_message(exc))
    return _members_partial(request, shown)
