// Forgotten password and invitation links (API.md → Company set-up): ask for a link
// (#/forgot), then choose a password with the link's token (#/password/<token>).
// The same page serves the invitation e-mail of a new user.
import { useState } from '../vendor/preact-hooks.mjs';
import { html, go } from '../lib/ui.js';
import { t } from '../lib/words.js';
import { publicPost, ApiError } from '../lib/api.js';

export function ForgotPassword() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(null); // the server's answer: {by_email} (API.md → Company set-up)
  const [error, setError] = useState('');
  async function submit(event) {
    event.preventDefault();
    setError('');
    try {
      setSent((await publicPost('/api/auth/password-reset', { email: email.trim() })) || { by_email: true });
    } catch (e) {
      // A 429 says when to retry in the server's words; else a word of ours.
      setError(e instanceof ApiError && e.status === 429 ? e.problem?.detail || t('tooMany') : e.message);
    }
  }
  return html`
    <form class="card login" onSubmit=${submit}>
      <h1>${t('forgotTitle')}</h1>
      <label>${t('email')}
        <input data-testid="forgot-email" type="email" autocomplete="username" required value=${email}
          onInput=${(e) => setEmail(e.target.value)} />
      </label>
      ${sent && (sent.by_email === false
    ? html`<p class="notice warn" role="status" data-testid="forgot-ask-admin">${t('askAdmin')}</p>`
    : html`<p class="ok" role="status" data-testid="forgot-sent">${t('linkSent')}</p>`)}
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <button class="primary" data-testid="forgot-submit" type="submit">${t('sendLink')}</button>
      <a href="#/login">${t('backToLogin')}</a>
    </form>`;
}

export function ChoosePassword({ token }) {
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState(false);
  async function submit(event) {
    event.preventDefault();
    setError('');
    if (password !== again) { setError(t('passwordsDiffer')); return; }
    try {
      await publicPost('/api/auth/password-reset/confirm', { token, password });
      setDone(true);
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) setError(t('badLink'));
      else if (e instanceof ApiError && e.problem?.errors?.password) setError(e.problem.errors.password.join(' '));
      else setError(e.message);
    }
  }
  return html`
    <form class="card login" onSubmit=${submit}>
      <h1>${t('choosePassword')}</h1>
      <p class="muted" data-testid="password-rules">${t('passwordRules')}</p>
      <label>${t('newPassword')}
        <input data-testid="password-new" type="password" autocomplete="new-password" required value=${password}
          onInput=${(e) => setPassword(e.target.value)} />
      </label>
      <label>${t('confirmPassword')}
        <input data-testid="password-again" type="password" autocomplete="new-password" required value=${again}
          onInput=${(e) => setAgain(e.target.value)} />
      </label>
      ${error && html`<p class="error" role="alert" data-testid="password-error">${error}</p>`}
      ${done && html`<p class="ok" role="status" data-testid="password-done">${t('passwordSet')}</p>`}
      ${done ? html`<button class="primary" type="button" data-testid="password-to-login" onClick=${() => go('/login')}>${t('signIn')}</button>`
    : html`<button class="primary" data-testid="password-submit" type="submit">${t('choosePassword')}</button>`}
    </form>`;
}
