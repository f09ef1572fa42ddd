// Boot of the rep's tablet app: open the local store, restore the session,
// start sync and update checks, render the shell. Everything shown comes from
// IndexedDB first; the network only ever refreshes it.
import { render } from './vendor/preact.mjs';
import './vendor/signals.mjs'; // components re-render when the signals they read change
import { openDb, getMeta, outboxCount } from './lib/db.js';
import { html, user, go, route } from './lib/ui.js';
import { lang } from './lib/i18n.js';
import { startSync } from './lib/sync-client.js';
import { startUpdates, resumeUpdate } from './lib/update.js';
import { Shell, loadScreens, followUserLanguage } from './views/shell.js';
import { Login } from './views/login.js';
import { authState } from './lib/api.js';
import { signal } from './vendor/signals-core.mjs';
import { isDesk, deskHome } from './views/desk/roles.js';

const root = document.getElementById('app');

// Telemarketers, the back office and managers get the desk screens (online, no local
// copy), loaded on demand: a rep's tablet never downloads them.
const deskShell = signal(null);
const PUBLIC_PAGES = ['login', 'forgot', 'password']; // reachable signed out (e-mailed links)
function Root() {
  if (!isDesk(user.value) || PUBLIC_PAGES.includes(route.value.parts[0])) return html`<${Shell} />`;
  // The desk works online: a session closed by the server (user deactivated, password
  // reset) means signing in again at once.
  if (authState.value === 'lost') return html`<${Login} />`;
  if (!deskShell.value) {
    import('./views/desk/shell.js').then((m) => { deskShell.value = m.DeskShell; });
    return html`<p class="boot">Tournée…</p>`;
  }
  return html`<${deskShell.value} />`;
}

async function boot() {
  document.documentElement.lang = lang.value;
  // The user's saved language on this device, and a choice made here saved as its locale, so the
  // server's messages, e-mails and files follow it too (API.md → Language: the user's locale first).
  followUserLanguage();
  try {
    await openDb();
    user.value = (await getMeta('user')) ?? null;
  } catch {
    // The shell shows storageProblem in words (blocked by another tab, unavailable…).
  }
  if (PUBLIC_PAGES.includes(route.value.parts[0]) && route.value.parts[0] !== 'login') { /* an e-mailed link */ }
  else if (!user.value) go('/login');
  else if (isDesk(user.value)) { if (route.value.parts[0] !== 'desk') go(deskHome(user.value)); }
  else if (!route.value.parts.length || route.value.parts[0] === 'login') go('/tour');
  // A rep's screens are fetched before the first render (from the service worker's cache
  // offline), so that the tour appears at once rather than after a placeholder.
  if (user.value && !isDesk(user.value)) await loadScreens().catch(() => {});
  root.textContent = '';
  render(html`<${Root} />`, root);
  if (user.value && !isDesk(user.value)) startSync();
  startUpdates();
  resumeUpdate(outboxCount);
}

boot();
