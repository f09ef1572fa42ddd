"""The photos of an account, whoever took them: its own (the storefront…) and those of its
visits, for every device that sees the account (a rep's tablet shows those a colleague or
the manager took, not only its own), with small thumbnails the tablet keeps for offline.

- `GET /api/accounts/{id}/photos` → `{"items": [{"id", "source": "account"|"visit",
  "visit_id", "taken_by", "taken_by_name", "taken_at", "content_type", "size"}]}`, newest
  first; 404 for an account outside the caller's scope. `GET /api/visits/{id}/photos`: the
  same for one visit of such an account, whoever made it.
- `GET /api/attachments/{id}/thumbnail` → a JPEG of at most THUMB_SIDE px on its long side,
  made once per file (cached beside it); 404 for a document (PDF) or an attachment the
  caller may not see.
"""
from __future__ import annotations

import os
import tempfile

from flask import send_file
from flask_smorest import Blueprint
from sqlalchemy import select

from server.accounts.models import Account
from server.actor import current_actor
from server.errors import NotFound
from server.extensions import db
from server.quotes.attachments import visible_file
from server.quotes.models import Attachment
from server.scope import get_in_scope
from server.users.models import User
from server.visits.models import Visit

blp = Blueprint("account_photos", __name__, url_prefix="/api", description="Photos of accounts and their visits")

THUMB_SIDE = 320  # px: sharp on a tablet's list of photos, ~15-30 KB as JPEG
IMAGES = ("image/jpeg", "image/png")


@blp.get("/accounts/<string:account_id>/photos")
@blp.response(200)
def account_photos(account_id):
    """The account's photos and its visits' (anyone's), newest first: `{"items": [{id, source, visit_id,
    taken_by, taken_by_name, taken_at, content_type, size}]}`; 404 outside the caller's scope."""
    account = get_in_scope(db.session, "account", account_id, current_actor())
    if account is None:
        raise NotFound(f"No account {account_id}.")
    named = {pid: ("account", None) for pid in account.attachment_ids or []}
    for visit_id, ids in db.session.execute(select(Visit.id, Visit.attachment_ids).where(Visit.account_id == account.id)):
        named.update({pid: ("visit", visit_id) for pid in ids or [] if pid not in named})
    return {"items": _described(named)}


@blp.get("/visits/<string:visit_id>/photos")
@blp.response(200)
def visit_photos(visit_id):
    """The photos of one visit of an account in the caller's scope, whoever made the visit:
    `{"items": [...]}` as for an account; 404 outside the caller's scope."""
    from server.scope import condition
    in_scope = select(Account.id).where(condition("account", current_actor()))
    visit = db.session.scalars(select(Visit).where(Visit.id == visit_id, Visit.account_id.in_(in_scope))).first()
    if visit is None:
        raise NotFound(f"No visit {visit_id}.")
    return {"items": _described({pid: ("visit", visit.id) for pid in visit.attachment_ids or []})}


def _described(named: dict[str, tuple[str, str | None]]) -> list[dict]:
    """Attachment ids (with where each was found) as the photo list's items, newest first."""
    if not named:
        return []
    rows = db.session.execute(select(Attachment, User.name).join(User, User.id == Attachment.uploaded_by)
                              .where(Attachment.id.in_(list(named)), Attachment.content_type.in_(IMAGES))
                              .order_by(Attachment.created_at.desc(), Attachment.id))
    return [{"id": a.id, "source": named[a.id][0], "visit_id": named[a.id][1], "taken_by": a.uploaded_by,
             "taken_by_name": name, "taken_at": a.created_at.isoformat(), "content_type": a.content_type,
             "size": a.size} for a, name in rows]


@blp.get("/attachments/<string:attachment_id>/thumbnail")
def thumbnail(attachment_id):
    """A JPEG of the photo, at most THUMB_SIDE px on its long side (the tablet caches it for offline)."""
    attachment, source = visible_file(attachment_id, kinds=IMAGES)
    thumb = source.with_name(f"{source.name}.thumb{THUMB_SIDE}.jpg")
    if not thumb.exists():
        _make_thumbnail(source, thumb)
    return send_file(thumb, mimetype="image/jpeg", etag=f"{attachment.sha256}-{THUMB_SIDE}", max_age=86400,
                     conditional=True)


def _make_thumbnail(source, target) -> None:
    from PIL import Image, ImageOps
    with Image.open(source) as image:
        image = ImageOps.exif_transpose(image)  # as the camera held it
        image.thumbnail((THUMB_SIDE, THUMB_SIDE))
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".thumb-")
        with os.fdopen(fd, "wb") as out:
            image.convert("RGB").save(out, "JPEG", quality=80, optimize=True)
    os.replace(tmp, target)  # atomic: two requests may make it at once
