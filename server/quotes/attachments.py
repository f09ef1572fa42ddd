"""/api/attachments: photos and documents of quote requests, accounts and visits, stored by content hash.

The type is read from the file's first bytes (JPEG, PNG or PDF), never from its
name or the client's Content-Type. Files live under ATTACHMENTS_DIR as
`ab/cd/<sha256>`, written once (two uploads of the same photo share the file);
each upload still gets its own row, owned by its uploader: a quote may only name
attachments its author uploaded (server/quotes/entity.py).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app, request, send_file
from flask_smorest import Blueprint
from sqlalchemy import String, cast, exists, select

from server.actor import Actor, current_actor
from server.errors import Invalid, NotFound, TooLarge
from server.extensions import db
from server.quotes.models import Attachment, QuoteRequest
from server.scope import condition

blp = Blueprint("attachments", __name__, url_prefix="/api", description="Photos and documents of quote requests")

MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"%PDF-", "application/pdf"))
CHUNK = 64 * 1024


def sniff(head: bytes) -> str | None:
    return next((kind for magic, kind in MAGIC if head.startswith(magic)), None)


def _path(sha256: str) -> Path:
    return Path(current_app.config["ATTACHMENTS_DIR"]) / sha256[:2] / sha256[2:4] / sha256


def _store(stream, limit: int) -> tuple[str, str, int]:
    """Copy the upload to a temporary file while hashing it; refuse it past `limit` bytes."""
    directory = Path(current_app.config["ATTACHMENTS_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLarge(f"An attachment may be at most {limit} bytes.")
                if len(head) < 16:
                    head += chunk[:16]
                digest.update(chunk)
                out.write(chunk)
        kind = sniff(head)
        if kind is None:
            raise Invalid("Only JPEG, PNG or PDF files.", errors={"file": ["Not a JPEG, PNG or PDF file."]})
        sha256 = digest.hexdigest()
        final = _path(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)  # atomic; the same content gives the same bytes
        return sha256, kind, size
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@blp.post("/attachments")
@blp.response(201)
def upload():
    """Upload a photo or document (multipart field `file`): JPEG, PNG or PDF, 10 MB at most."""
    upload = request.files.get("file")
    if upload is None:
        raise Invalid("Send the file as the multipart field `file`.", errors={"file": ["Missing file."]})
    sha256, kind, size = _store(upload.stream, current_app.config["ATTACHMENT_MAX_BYTES"])
    name = Path(upload.filename or "").name[:200] or None
    attachment = Attachment(sha256=sha256, content_type=kind, size=size, filename=name,
                            uploaded_by=current_actor().id)
    db.session.add(attachment)
    db.session.commit()
    return {"id": attachment.id, "sha256": sha256, "content_type": kind, "size": size}


def _visible(attachment: Attachment, actor: Actor) -> bool:
    if attachment.uploaded_by == actor.id or actor.role == "admin":
        return True
    # JSON lists of UUIDs: the quoted id inside the text is an exact match.
    from server.accounts.models import Account
    from server.visits.models import Visit
    for entity, model in (("quote_request", QuoteRequest), ("account", Account), ("visit", Visit)):
        names_it = cast(model.attachment_ids, String).like(f'%"{attachment.id}"%')
        if db.session.scalar(select(exists().where(names_it, condition(entity, actor)))):
            return True
    # a visit of an account the caller sees, whoever made it (server/accounts/photos.py)
    of_visit = cast(Visit.attachment_ids, String).like(f'%"{attachment.id}"%')
    in_scope = Visit.account_id.in_(select(Account.id).where(condition("account", actor)))
    return bool(db.session.scalar(select(exists().where(of_visit, in_scope))))


def visible_file(attachment_id: str, *, kinds: tuple[str, ...] | None = None) -> tuple[Attachment, Path]:
    """The attachment `attachment_id` the caller may see (its uploader, admin, or whoever sees a quote
    request, account or visit that names it) and its stored file. NotFound when there is no such
    attachment, the caller may not see it, it is not of the content types `kinds` (when given), or
    its file is missing: the one check behind every route that serves a stored file."""
    attachment = db.session.get(Attachment, attachment_id)
    if (attachment is None or (kinds is not None and attachment.content_type not in kinds)
            or not _visible(attachment, current_actor())):
        raise NotFound(f"No attachment {attachment_id}.")
    path = _path(attachment.sha256)
    if not path.exists():
        raise NotFound(f"The file of attachment {attachment_id} is missing.")
    return attachment, path


@blp.get("/attachments/<string:attachment_id>")
def download(attachment_id):
    """The file, for its uploader and for whoever can see a quote request, account or visit that names it."""
    attachment, path = visible_file(attachment_id)
    return send_file(path, mimetype=attachment.content_type, download_name=attachment.filename or attachment.sha256,
                     etag=attachment.sha256, max_age=3600, conditional=True)
