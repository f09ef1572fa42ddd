"""Account and contact files over HTTP: `POST /api/accounts/import` (manager, admin)
and `GET /api/accounts/export.csv` (the caller's scope, any role)."""
from __future__ import annotations

from flask import current_app, request
from flask_smorest import Blueprint

from server.accounts import transfer_service as service
from server.actor import current_actor
from server.common.spreadsheet import csv_response
from server.errors import Invalid
from server.extensions import db
from server.i18n import translate_report
from server.segmentation.schemas import ImportArgs

blp = Blueprint("account_files", __name__, url_prefix="/api", description="Account and contact import and export")
import_args = ImportArgs()


@blp.route("/accounts/import", methods=["POST"])
@blp.response(200)
def import_file():
    """Import accounts (or `kind=contacts`) from a CSV file: multipart `file`, `dry_run`, `mapping` (JSON),
    `default_owner_id` (the rep of new accounts whose line names none; accounts only); all or nothing."""
    args = import_args.load({**request.args.to_dict(), **request.form.to_dict()})
    upload = request.files.get("file")
    if upload is None:
        raise Invalid("Send the CSV file as the multipart field `file`.", errors={"file": ["Missing file."]})
    limit = current_app.config.get("IMPORT_MAX_BYTES", service.DEFAULT_MAX_BYTES)
    data = upload.stream.read(limit + 1)
    outcome = service.run_import(session=db.session, actor=current_actor(), data=data, kind=args["kind"],
                                 mapping=service.parse_mapping(args["mapping"]), dry_run=args["dry_run"],
                                 max_bytes=limit, default_owner_id=args["default_owner_id"],
                                 max_lines=current_app.config.get("IMPORT_MAX_LINES", service.DEFAULT_MAX_LINES))
    if args["dry_run"]:
        db.session.rollback()
    else:
        db.session.commit()
    result = outcome.as_dict()
    return {**result, "report": translate_report(result["report"]), "warnings": translate_report(result["warnings"])}


@blp.route("/contacts/export.csv", methods=["GET"])
@blp.alt_response(200, schema={"type": "string"}, content_type="text/csv", success=True,
                  description="Semicolon-separated, UTF-8 with BOM")
def export_contacts():
    """The contacts of your accounts as CSV (`;`, UTF-8 with BOM), with their account's `external_ref` and name."""
    from server.common import exports
    actor = current_actor()
    header, rows = exports.contacts(session=db.session, actor=actor)
    return csv_response("contacts.csv", header, rows, zone=actor.timezone)


@blp.route("/accounts/export.csv", methods=["GET"])
@blp.alt_response(200, schema={"type": "string"}, content_type="text/csv", success=True,
                  description="Semicolon-separated, UTF-8 with BOM")
def export_file():
    """The caller's accounts as CSV (`;`, UTF-8 with BOM, decimal commas, `JJ/MM/AAAA` dates, formulas quoted), importable back."""
    actor = current_actor()
    header, rows = service.export_accounts(session=db.session, actor=actor)
    # field names as headers: the file imports back as it is (API.md → Account files)
    return csv_response("accounts.csv", header, rows, zone=actor.timezone, translate_header=False)
