// The invitation's fate after "Nouvel utilisateur" or "Renvoyer l'invitation" (API.md → Company
// set-up): the e-mail left, or it could not (no mail relay) and the admin passes the link on
// by hand — the same link the e-mail would carry, single use, valid as long. An admin's
// "Lien de mot de passe" for a user who has signed in already goes the same way (a reset link).
import { html, toast } from '../../lib/ui.js';
import { post, problemText } from './fetch.js';
import { w } from './words.js';

/** Tell what became of `user.invitation`; the link (when the e-mail did not leave) goes to `onLink`. */
export function told(user, onLink) {
  if (user.invitation?.sent === false) {
    onLink({ email: user.email, link: user.invitation.link, noRelay: user.invitation.reason === 'not_configured' });
  } else toast(w('invited', { email: user.email }));
}

/** POST /api/users/{id}/invitation, then `told`. */
export async function inviteAgain(u, onLink, onDone) {
  try { told(await post(`/api/users/${u.id}/invitation`), onLink); onDone(); } catch (e) { toast(problemText(e), 'error'); }
}

/** POST /api/users/{id}/password-reset (admin): the e-mail left, or its link goes to `onLink` with why. */
export async function sendReset(u, onLink) {
  try {
    const answer = await post(`/api/users/${u.id}/password-reset`);
    if (answer.sent) toast(w('resetSent', { email: u.email }));
    else onLink({ email: u.email, link: answer.link, reset: true, noRelay: answer.reason === 'not_configured' });
  } catch (e) { toast(problemText(e), 'error'); }
}

export function InvitationLink({ pending, onClose }) {
  async function copy() {
    try { await navigator.clipboard.writeText(pending.link); toast(w('linkCopied')); } catch { toast(w('copyByHand'), 'error'); }
  }
  return html`<div class="card notice warn" role="alert" data-testid="invitation-link">
    <p>${w(`${pending.reset ? 'reset' : 'invite'}${pending.noRelay ? 'NoRelay' : 'NotSent'}`, { email: pending.email })}</p>
    <input readonly data-testid="invitation-link-url" value=${pending.link} onFocus=${(e) => e.target.select()}
      aria-label=${w(pending.reset ? 'resetLink' : 'inviteLink')} />
    <button class="primary" data-testid="invitation-copy" onClick=${copy}>${w('copyLink')}</button>
    <button type="button" onClick=${onClose}>${w('close')}</button>
  </div>`;
}
