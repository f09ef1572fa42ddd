// Boot of the rep's tablet app: open the local store, restore the session,
// start sync and update checks, render the shell. Everything shown comes from
// IndexedDB first; the network only ever refreshes it.
import { render } from './vendor/preact.mjs';
import './vendor/signals.mjs'; // components re-render when the signals they read change
import { openDb, getMeta } from './lib/db.js';
import { html, user, go, route } from './lib/ui.js';
import { lang } from './lib/i18n.js';
import { startSync } from './lib/sync-client.js';
import { startUpdates } from './lib/update.js';
import { Shell } from './views/shell.js';

const root = document.getElementById('app');

async function boot() {
  document.documentElement.lang = lang.value;
  try {
    await openDb();
    user.value = (await getMeta('user')) ?? null;
  } catch {
    // The shell shows storageProblem in words (blocked by another tab, unavailable…).
  }
  if (!user.value) go('/login');
  else if (!route.value.parts.length || route.value.parts[0] === 'login') go('/tour');
  root.textContent = '';
  render(html`<${Shell} />`, root);
  if (user.value) startSync();
  startUpdates();
}

boot();
