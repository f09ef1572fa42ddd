// Who is signed in on this device: the token pair (API.md → Auth) and the user, in localStorage
// rather than the tablet's store (lib/db.js): the desk and the sign-in pages never load Dexie.
const KEY = 'tournee-session';

const read = () => {
  try { return JSON.parse(localStorage.getItem(KEY)); } catch { return null; }
};
export const sessionUser = () => read()?.user ?? null;
export const sessionTokens = () => read()?.tokens ?? null;
export const startSession = (tokens, user) => localStorage.setItem(KEY, JSON.stringify({ tokens, user }));
/** The refreshed pair; none if the session ended meanwhile (signed out in another tab). */
export const renewTokens = (tokens) => { const user = sessionUser(); if (user) startSession(tokens, user); };
export const endSession = () => localStorage.removeItem(KEY);

/** A tablet updated from a release that kept the session in its store: moved here, once. Only a
 * device that has the store (the database lib/db.js opens) loads Dexie to look. */
export async function sessionFromStore() {
  const stores = await Promise.resolve(globalThis.indexedDB?.databases?.()).catch(() => null);
  if (stores && !stores.some((d) => d.name === 'tournee')) return null;
  const old = await import('./db.js').then((db) => db.takeOldSession()).catch(() => null);
  if (old) startSession(old.tokens, old.user);
  return old?.user ?? null;
}
