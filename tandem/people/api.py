"""API routes for people and teams: the same rules as the pages."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from tandem.core.api_pagination import CursorPagination
from tandem.core.errors import DomainError, ErrorCode
from tandem.core.ids import RecordId
from tandem.people import services
from tandem.people.auth import signed_in
from tandem.people.models import Membership, Team, User
from tandem.people.schemas import MemberIn, MeOut, PersonOut, ProfileIn, TeamMemberOut, TeamOut

router = Router(tags=["people"])


@router.get("/me", response=MeOut, summary="The person this token belongs to")
def me(request: HttpRequest) -> dict[str, Any]:
    user = signed_in(request)
    memberships = user.memberships.select_related("team").order_by("team__name")
    return {**PersonOut.from_orm(user).dict(), "teams": list(memberships)}


@router.patch(
    "/me", response=MeOut, summary="Change your name, job title, time zone or e-mail setting"
)
def update_me(request: HttpRequest, payload: ProfileIn) -> dict[str, Any]:
    user = signed_in(request)
    changes = payload.dict(exclude_none=True)
    services.update_profile(
        actor=user,
        user=user,
        full_name=changes.get("full_name", user.full_name),
        time_zone=changes.get("time_zone", user.time_zone),
        job_title=changes.get("job_title", user.job_title),
        email_notifications=changes.get("email_notifications", user.email_notifications),
    )
    return me(request)


@router.get("/people", response=list[PersonOut], summary="People you can see")
@paginate(CursorPagination)
def list_people(request: HttpRequest, q: str = "", team: RecordId | None = None) -> Any:
    people = User.objects.visible_to(request.user).active().search(q)
    return people.in_team(team) if team else people


@router.get("/people/{person_id}", response=PersonOut)
def get_person(request: HttpRequest, person_id: RecordId) -> User:
    return get_object_or_404(User.objects.visible_to(request.user), pk=person_id)


@router.get("/teams", response=list[TeamOut], summary="Teams you can see")
@paginate(CursorPagination)
def list_teams(request: HttpRequest) -> Any:
    return Team.objects.visible_to(request.user).with_member_counts()


@router.get("/teams/{team_id}", response=TeamOut)
def get_team(request: HttpRequest, team_id: RecordId) -> Team:
    return get_object_or_404(Team.objects.visible_to(request.user).with_member_counts(), pk=team_id)


@router.get("/teams/{team_id}/members", response=list[TeamMemberOut])
@paginate(CursorPagination)
def list_members(request: HttpRequest, team_id: RecordId) -> Any:
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=team_id)
    return team.memberships.select_related("user")


@router.post(
    "/teams/{team_id}/members", response={201: TeamMemberOut}, summary="Add a person to a team"
)
def add_member(request: HttpRequest, team_id: RecordId, payload: MemberIn) -> Status[Membership]:
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=team_id)
    person = User.objects.filter(email=payload.email.strip().lower()).first()
    if person is None:
        raise DomainError(ErrorCode.INVALID, "Nobody has this e-mail address.", field="email")
    membership = services.add_member(
        actor=signed_in(request),
        team=team,
        user=person,
        role=payload.role,
    )
    return Status(201, membership)
