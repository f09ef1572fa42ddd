// Sign in (first time, or again when the session expired: the outbox is kept). The same page
// for every role: the tablet's store and sync are loaded only for a rep (lib/db.js, sync-client.js).
import { useState } from '../vendor/preact-hooks.mjs';
import { html, user, go } from '../lib/ui.js';
import { t } from '../lib/words.js';
import { login, ApiError } from '../lib/api.js';
import { isDesk, deskHome } from './desk/roles.js';

export function Login() {
  const previous = user.value;
  const [email, setEmail] = useState(previous?.email || '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [sending, setSending] = useState(false);

  async function submit(event) {
    event.preventDefault();
    setError('');
    const sameUser = previous && previous.email.toLowerCase() === email.trim().toLowerCase();
    // Only a rep's tablet keeps records and an outbox; a desk keeps nothing but the session.
    const store = previous && !sameUser && !isDesk(previous) ? await import('../lib/db.js') : null;
    if (store && await store.outboxCount()) { setError(t('otherUser', { email: previous.email })); return; }
    setSending(true);
    try {
      if (store) await store.clearAll(); // another rep on this tablet: start clean
      user.value = await login(email.trim(), password);
      if (isDesk(user.value)) { go(deskHome(user.value)); return; } // desk roles work online, no sync
      (await import('../lib/sync-client.js')).startSync();
      go('/tour');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setError(t('badLogin'));
      else if (e instanceof ApiError && e.status === 429) setError(t('tooMany'));
      else if (e instanceof ApiError && e.status === 0) setError(t('offlineLogin'));
      else setError(e.message);
    } finally {
      setSending(false);
    }
  }

  return html`
    <form class="card login" onSubmit=${submit}>
      <h1>${t('login')}</h1>
      <label>${t('email')}
        <input data-testid="login-email" type="email" autocomplete="username" required value=${email}
          onInput=${(e) => setEmail(e.target.value)} />
      </label>
      <label>${t('password')}
        <input data-testid="login-password" type="password" autocomplete="current-password" required value=${password}
          onInput=${(e) => setPassword(e.target.value)} />
      </label>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <button class="primary" data-testid="login-submit" type="submit" disabled=${sending}>${t('signIn')}</button>
      <a href="#/forgot" data-testid="login-forgot">${t('forgot')}</a>
    </form>`;
}

