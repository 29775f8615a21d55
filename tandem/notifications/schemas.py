from datetime import datetime

from ninja import Field, Schema

from tandem.core.schemas import InputSchema


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    created_at: datetime
    read_at: datetime | None


class CommentAuthorOut(Schema):
    id: int
    full_name: str
    handle: str


class CommentOut(Schema):
    id: int
    body: str
    author: CommentAuthorOut
    created_at: datetime


class CommentIn(InputSchema):
    body: str = Field(..., min_length=1, max_length=5000)


class PostedCommentOut(Schema):
    comment: CommentOut
    notified: list[CommentAuthorOut]
    cannot_see: list[CommentAuthorOut]
