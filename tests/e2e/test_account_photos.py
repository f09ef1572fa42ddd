"""A tablet sees the photos of its accounts that others took (the manager's storefront photo,
a colleague's on a visit), fetched online and still there offline; and the agenda prompts the
rep to move an appointment booked on a day it declared itself absent."""
from __future__ import annotations

import json
import urllib.request
import uuid

import pytest
from playwright.sync_api import expect
from pwa import PHOTO, open_first_stop, sign_in

pytestmark = pytest.mark.e2e

REP = "rep5@example.com"

def _upload(base: str, token: str) -> str:
    """POST /api/attachments as multipart, the way a tablet sends a photo."""
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"vitrine.png\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode() + PHOTO + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(base + "/api/attachments", data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["id"]

def test_a_photo_the_manager_took_shows_on_the_reps_tablet_and_stays_offline(page, context, api, live_server):
    manager = api("manager@example.com")
    sign_in(page, REP)
    account_id = open_first_stop(page)
    photo = _upload(live_server.url, manager.token)
    manager.call("PATCH", f"/api/accounts/{account_id}", {"changes": {"attachment_ids": {"add": [photo]}}})
    try:
        page.get_by_test_id("sync-now").click()  # the account's new version, then its photos
        shown = page.locator(f"[data-testid=account-photo][data-photo-id='{photo}']")
        expect(shown).to_be_visible(timeout=20_000)
        expect(shown.locator("figcaption")).to_contain_text(manager.user["name"])
        expect(shown.locator("img")).to_have_js_property("naturalWidth", 2)  # the thumbnail of a 2×2 photo

        context.set_offline(True)
        page.reload()
        expect(shown).to_be_visible(timeout=20_000)  # kept on the tablet
        expect(page.get_by_test_id("photos-offline")).to_be_visible()
    finally:
        context.set_offline(False)
        manager.call("PATCH", f"/api/accounts/{account_id}", {"changes": {"attachment_ids": {"remove": [photo]}}})

def test_the_agenda_prompts_to_move_an_appointment_booked_during_an_absence(page, api):
    rep = api(REP)
    booked = [a for a in rep.pull_all().get("appointment", {}).values() if a["status"] == "booked"]
    later = sorted((a for a in booked if a["start"] >= "2026-11-25"), key=lambda a: a["start"])
    assert later, "the demo books appointments in the reps' coming weeks"
    day = later[0]["start"][:10]
    absence = rep.call("POST", f"/api/users/{rep.user['id']}/absences", {"from": day, "to": day, "reason": "training"})
    try:
        assert later[0]["id"] in [c["appointment_id"] for c in absence["clashes"]]
        tour = rep.call("GET", f"/api/tours/{rep.user['id']}/{day}")
        assert f"booked during an absence: {later[0]['id']}" in tour["warnings"]
        sign_in(page, REP)
        page.goto(f"/#/agenda/{day}")
        expect(page.get_by_test_id("absence-clash")).to_be_visible(timeout=20_000)
        expect(page.get_by_test_id("absence-clash")).to_have_text("Rendez-vous pendant votre absence : à déplacer.")
        expect(page.get_by_test_id("clashing-appointment").first).to_contain_text("Déplacer")
        page.goto(f"/#/tour/{day}")
        banner = page.get_by_test_id("tour-absence-clashes")  # one banner for the absence, naming the appointment
        expect(banner).to_be_visible(timeout=20_000)
        expect(banner).to_contain_text("Vous êtes absent ce jour-là")
    finally:
        rep.call("DELETE", f"/api/users/{rep.user['id']}/absences/{absence['id']}", expect=204)
