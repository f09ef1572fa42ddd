// HTTP to the API: bearer tokens, refresh with rotation, RFC 9457 problems as errors.
import { signal } from '../vendor/signals-core.mjs';
import { sessionTokens, startSession, renewTokens, endSession } from './session.js';
import { lang } from './lang.js';

/** 'ok' | 'lost' (refresh refused: the outbox waits for a new sign-in). */
export const authState = signal('ok');

export class ApiError extends Error {
  constructor(status, problem = {}, retryAfter = null) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
  /** Try again later, keep everything. */
  get transient() { return this.status === 0 || this.status === 429 || this.status >= 500; }
}
export class AuthLost extends Error {}

async function send(path, { method = 'GET', body, form, token, signal: abort } = {}) {
  // The server answers in the language on screen.
  const headers = { Accept: 'application/json', 'Accept-Language': lang.value };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const init = { method, headers, cache: 'no-store', signal: abort, body: form ?? (body === undefined ? undefined : JSON.stringify(body)) };
  try {
    return await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, { title: 'network', detail: e.message });
  }
}

async function failure(res) {
  let problem = {};
  try { problem = await res.json(); } catch { /* not JSON: a proxy page, keep the status only */ }
  const after = Number(res.headers.get('Retry-After'));
  return new ApiError(res.status, problem, Number.isFinite(after) && after > 0 ? after : null);
}

/** One refresh shared by every caller and tab: a refresh token is single-use. */
async function refresh(staleAccess) {
  const run = async () => {
    const tokens = sessionTokens();
    if (!tokens) throw new AuthLost();
    if (tokens.access_token !== staleAccess) return; // someone refreshed meanwhile
    const res = await send('/api/auth/refresh', { method: 'POST', token: tokens.refresh_token });
    if (res.status === 401 || res.status === 422) { authState.value = 'lost'; throw new AuthLost(); }
    if (!res.ok) throw await failure(res);
    const pair = await res.json();
    renewTokens({ access_token: pair.access_token, refresh_token: pair.refresh_token });
  };
  return navigator.locks ? navigator.locks.request('tournee-auth', run) : run();
}

/** Authenticated JSON call (`as: 'blob'`: a file); a 401 refreshes once and retries. */
export async function api(path, options = {}) {
  for (let attempt = 0; ; attempt++) {
    const tokens = sessionTokens();
    if (!tokens) { authState.value = 'lost'; throw new AuthLost(); }
    const res = await send(path, { ...options, token: tokens.access_token });
    if (res.status === 401 && attempt === 0) { await refresh(tokens.access_token); continue; }
    if (res.status === 401) { authState.value = 'lost'; throw new AuthLost(); }
    if (!res.ok) throw await failure(res);
    authState.value = 'ok';
    if (res.status === 204) return null;
    return options.as === 'blob' ? res.blob() : res.json();
  }
}

/** POST /api/auth/login: stores the token pair; returns the user. */
export async function login(email, password) {
  const res = await send('/api/auth/login', { method: 'POST', body: { email, password } });
  if (!res.ok) throw await failure(res);
  const { access_token, refresh_token, user } = await res.json();
  startSession({ access_token, refresh_token }, user);
  authState.value = 'ok';
  return user;
}

/** POST to a public path (password reset), no token. */
export async function publicPost(path, body) {
  const res = await send(path, { method: 'POST', body });
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return null;
  const text = await res.text(); // a 202 may have no body
  return text ? JSON.parse(text) : null;
}

/** POST /api/auth/logout, then forget the session here. */
export async function logout() {
  const tokens = sessionTokens();
  if (tokens) await send('/api/auth/logout', { method: 'POST', token: tokens.access_token }).catch(() => {});
  endSession();
}
