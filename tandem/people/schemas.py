from ninja import Field, Schema
from pydantic import StrictBool

from tandem.core.schemas import InputSchema, RequiredText


class PersonOut(Schema):
    id: int
    email: str
    full_name: str
    handle: str
    job_title: str
    time_zone: str
    is_admin: bool


class TeamRoleOut(Schema):
    team_id: int
    team: str = Field(..., alias="team.name")
    function: str = Field(..., alias="team.function")
    role: str


class MeOut(PersonOut):
    teams: list[TeamRoleOut]


class TeamOut(Schema):
    id: int
    name: str
    function: str
    description: str
    member_count: int


class TeamMemberOut(Schema):
    id: int
    person: PersonOut = Field(..., alias="user")
    role: str


class ProfileIn(InputSchema):
    """Only the fields sent are changed."""

    full_name: RequiredText | None = Field(None, max_length=150)
    job_title: str | None = Field(None, max_length=120)
    time_zone: str | None = Field(None, max_length=64)
    email_notifications: StrictBool | None = None


class MemberIn(InputSchema):
    email: str = Field(..., max_length=254)
    role: str = Field("member", pattern="^(member|head)$")
