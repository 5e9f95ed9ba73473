// Calls to the audit API from the page. The browser authenticates with the HttpOnly session
// cookie (never readable here); the CSRF token lives in this module's memory only, never in
// browser storage or the DOM, and is sent on every request that changes state.

let csrfToken = null;
let onSessionLost = () => {};

export function setCsrfToken(token) {
  csrfToken = token;
}

export function onUnauthorized(handler) {
  onSessionLost = handler;
}

/** The generic 404 of a route this server does not have (as opposed to "no such record"). */
export const ROUTE_MISSING = 'https://vigil.dev/problems/not-found';

/**
 * One request; resolves to {status, ok, data, problem, missing}. `missing` is true when the
 * server has no such endpoint (a build without that feature): pages show "not available".
 */
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) {
    headers['X-CSRF-Token'] = csrfToken;
  }
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store', redirect: 'error' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    return { status: 0, ok: false, data: null, problem: { title: 'Network error', detail: String(e.message || e) }, missing: false };
  }
  const type = response.headers.get('Content-Type') || '';
  let data = null;
  if (method !== 'HEAD' && type.includes('json')) {
    try { data = await response.json(); } catch (e) { data = null; }
  }
  const problem = response.ok ? null : (data || { title: response.statusText || String(response.status) });
  const missing = response.status === 404 && (method === 'HEAD' || (problem && problem.type === ROUTE_MISSING));
  if (response.status === 401 && !path.startsWith('/ui/session')) {
    onSessionLost();
  }
  return { status: response.status, ok: response.ok, data, problem, missing };
}

/**
 * Whether the server has a route, without calling it: HEAD on a GET-only route answers 405,
 * on an absent one 404 (both before authentication, and nothing is searched or logged).
 */
export async function hasRoute(path) {
  const r = await api('HEAD', path);
  return r.status !== 404 && r.status !== 0;
}

/** A query string of the non-empty values, in the given order. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && String(v).trim() !== '') {
      q.set(k, String(v).trim());
    }
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

/** A problem answer as one readable line. */
export function describe(result) {
  const p = result.problem || {};
  const pointer = p.errors && p.errors[0] && p.errors[0].pointer ? ' (' + p.errors[0].pointer + ')' : '';
  return (p.title || 'Error') + (p.detail ? ': ' + p.detail : '') + pointer + (result.status ? ' [' + result.status + ']' : '');
}
