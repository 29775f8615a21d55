"""API routes for notifications and for the comments of any record."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from tandem.core.api_pagination import CursorPagination
from tandem.core.ids import RecordId
from tandem.core.records import access_record
from tandem.notifications import services
from tandem.notifications.models import Comment, Notification
from tandem.notifications.schemas import CommentIn, CommentOut, NotificationOut, PostedCommentOut

router = Router(tags=["notifications"])


@router.get(
    "/notifications", response=list[NotificationOut], summary="Your notifications, newest first"
)
@paginate(CursorPagination, newest_first=True)
def list_notifications(request: HttpRequest, unread: bool = False) -> Any:
    found = Notification.objects.visible_to(request.user)
    return found.unread() if unread else found


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def read(request: HttpRequest, notification_id: RecordId) -> Notification:
    found = get_object_or_404(Notification.objects.visible_to(request.user), pk=notification_id)
    return services.mark_read(actor=request.user, notification=found)


@router.get(
    "/records/{label}/{record_id}/comments",
    response=list[CommentOut],
    tags=["comments"],
    summary="Comments on a record (label e.g. people.team), newest first",
)
@paginate(CursorPagination, newest_first=True)
def list_comments(request: HttpRequest, label: str, record_id: RecordId) -> Any:
    record = access_record(request.user, label, record_id)
    return Comment.objects.on(record).select_related("author")


@router.post(
    "/records/{label}/{record_id}/comments",
    response={201: PostedCommentOut},
    tags=["comments"],
    summary="Comment on a record; @handle mentions notify people",
)
def post_comment(
    request: HttpRequest, label: str, record_id: RecordId, payload: CommentIn
) -> Status[services.PostedComment]:
    record = access_record(request.user, label, record_id)
    return Status(201, services.post_comment(actor=request.user, record=record, body=payload.body))
