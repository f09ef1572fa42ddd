// Nobody signed in on this device: the sign-in page and the e-mailed links' pages, the same for
// every role. Who signs in is not known yet: neither the tablet nor the desk is loaded.
import { html, route, online, toasts } from '../lib/ui.js';
import { lang, setLang } from '../lib/lang.js';
import { t } from '../lib/words.js';
import { Login } from './login.js';
import { ForgotPassword, ChoosePassword } from './password.js';

export { Login }; // a desk whose session ended signs in again without this frame (app.js)

export function SignIn() {
  const [name, id] = route.value.parts;
  const page = name === 'forgot' ? html`<${ForgotPassword} />`
    : name === 'password' ? html`<${ChoosePassword} token=${id} />` : html`<${Login} />`;
  return html`
    <header class="topbar">
      <a class="brand" href="#/login">Tournée</a>
      <span class=${`net ${online.value ? 'on' : 'off'}`}>${online.value ? t('online') : t('offline')}</span>
      <button class="lang" onClick=${() => setLang(lang.value === 'fr' ? 'en' : 'fr')}>${t('language')}</button>
    </header>
    <main>${page}</main>
    <div class="toasts" aria-live="polite">${toasts.value.map((x) => html`<div class=${`toast ${x.kind}`}>${x.text}</div>`)}</div>`;
}
