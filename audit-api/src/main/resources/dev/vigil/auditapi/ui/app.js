// The Vigil UI: one page, hash routes (#/search, #/record?chain=..&seq=.., #/posture,
// #/violations, #/risk, #/verify). Signed in through POST /ui/session; the session lives in an
// HttpOnly cookie, the CSRF token only in memory (fetched again from GET /ui/session on reload).
import { api, setCsrfToken, onUnauthorized } from './api.js';
import { h, status } from './dom.js';
import { loginView } from './views/login.js';
import { searchView } from './views/search.js';
import { recordView } from './views/record.js';
import { postureView } from './views/posture.js';
import { violationsView } from './views/violations.js';
import { riskView } from './views/risk.js';
import { verifyView } from './views/verify.js';

const main = document.getElementById('main-content');
const top = document.getElementById('top');
const views = {
  search: searchView,
  record: recordView,
  posture: postureView,
  violations: violationsView,
  risk: riskView,
  verify: verifyView,
};

export const session = { current: null };
let cleanup = null;
let sessionNotice = null;

function parseHash() {
  const raw = location.hash.startsWith('#/') ? location.hash.slice(2) : '';
  const q = raw.indexOf('?');
  const name = (q < 0 ? raw : raw.slice(0, q)) || 'search';
  const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  return { name, params };
}

export function navigate(name, params) {
  const qs = params && params.toString() ? '?' + params.toString() : '';
  const target = '#/' + name + qs;
  if (location.hash === target) {
    render();
  } else {
    location.hash = target;
  }
}

function signedIn(s) {
  session.current = s;
  setCsrfToken(s.csrf_token);
  document.getElementById('who').textContent = 'Tenant ' + s.tenant + ' · ' + s.roles.join(', ');
  top.hidden = false;
}

function signedOut(notice) {
  session.current = null;
  setCsrfToken(null);
  top.hidden = true;
  sessionNotice = notice || null;
}

async function render() {
  if (cleanup) {
    try { cleanup(); } catch (e) { /* a view's teardown must not block the next one */ }
    cleanup = null;
  }
  main.replaceChildren();
  if (!session.current) {
    const view = loginView({
      notice: sessionNotice,
      onLogin: (s) => { sessionNotice = null; signedIn(s); render(); },
    });
    main.append(view.node);
    view.focus();
    return;
  }
  const { name, params } = parseHash();
  const view = views[name];
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === name || (name === 'record' && a.dataset.nav === 'search')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!view) {
    main.append(h('h1', {}, 'Not found'), status('error', 'There is no page ' + location.hash + '.'));
    return;
  }
  const result = view({ params, session: session.current, navigate, container: main });
  cleanup = result && typeof result.cleanup === 'function' ? result.cleanup : null;
}

async function start() {
  onUnauthorized(() => {
    if (session.current) {
      signedOut('Your session has ended; log in again.');
      render();
    }
  });
  document.getElementById('logout').addEventListener('click', async () => {
    await api('DELETE', '/ui/session');
    signedOut('Logged out.');
    history.replaceState(null, '', '#/search');
    render();
  });
  document.getElementById('skip-link').addEventListener('click', (e) => {
    e.preventDefault();
    main.focus();
  });
  window.addEventListener('hashchange', render);
  const current = await api('GET', '/ui/session');
  if (current.ok) signedIn(current.data);
  render();
}

start();
