// Service-worker registration and the update prompt (STYLE.md habit 10). sw.js is the same in
// every release, so it is registered as /sw.js?v=<precache.json's hash>: a new URL per release.
// The new worker takes over once the user accepts and the outbox is empty.
import { signal } from '../vendor/signals-core.mjs';

export const updateReady = signal(false);
let registration = null;

function watch(reg) {
  const flag = () => { if (reg.waiting && navigator.serviceWorker.controller) updateReady.value = true; };
  flag();
  reg.addEventListener('updatefound', () => {
    reg.installing?.addEventListener('statechange', flag);
  });
}

export async function checkForUpdate() {
  if (!('serviceWorker' in navigator)) return;
  let version;
  try {
    const res = await fetch('/precache.json', { cache: 'no-store' });
    if (!res.ok) return;
    ({ version } = await res.json());
  } catch { return; } // offline: the running release goes on
  const reg = await navigator.serviceWorker.register(`/sw.js?v=${encodeURIComponent(version)}`, { scope: '/' });
  if (reg !== registration) { registration = reg; watch(reg); }
  await reg.update().catch(() => {});
}

export function startUpdates() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.getRegistration('/').then((reg) => { if (reg) { registration = reg; watch(reg); } });
  checkForUpdate();
  addEventListener('online', checkForUpdate);
  setInterval(checkForUpdate, 30 * 60_000);
}

/** The user accepted: the waiting worker takes over, then a reload. Kept for the tab's
 * session, so a reload before the takeover resumes it (`resumeUpdate`). */
export async function applyUpdate() {
  sessionStorage.setItem('tournee-apply-update', '1');
  const reg = (await navigator.serviceWorker.getRegistration('/')) || registration;
  const worker = reg?.waiting || reg?.installing;
  if (!worker) { sessionStorage.removeItem('tournee-apply-update'); location.reload(); return; }
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    sessionStorage.removeItem('tournee-apply-update');
    location.reload();
  }, { once: true });
  if (worker.state === 'installing') {
    await new Promise((done) => worker.addEventListener('statechange', () => { if (worker.state !== 'installing') done(); }));
  }
  worker.postMessage({ type: 'skipWaiting' });
}

/** At start: an update accepted in this tab goes on once nothing waits to sync. */
export async function resumeUpdate(outboxCount) {
  if (!sessionStorage.getItem('tournee-apply-update') || !('serviceWorker' in navigator)) return;
  const reg = await navigator.serviceWorker.getRegistration('/');
  if (reg?.waiting && !(await outboxCount())) await applyUpdate();
  else if (!reg?.waiting) sessionStorage.removeItem('tournee-apply-update');
}
