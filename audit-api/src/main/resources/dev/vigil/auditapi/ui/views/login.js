import { api, describe } from '../api.js';
import { h, status } from '../dom.js';

/** The API key is sent once, to POST /ui/session, and dropped from the form right after. */
export function loginView({ notice, onLogin }) {
  const key = h('input', { id: 'api-key', name: 'api_key', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false' });
  const message = h('div', { id: 'login-message' }, notice ? status('ok', notice) : '');
  const button = h('button', { type: 'submit', id: 'login-button' }, 'Log in');
  const form = h('form', { class: 'form', id: 'login-form', novalidate: true },
    h('div', {}, h('label', { for: 'api-key' }, 'API key'), key),
    h('div', {}, button),
    message);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const value = key.value.trim();
    key.value = '';
    if (!value) {
      message.replaceChildren(status('error', 'Enter an API key.'));
      key.focus();
      return;
    }
    button.disabled = true;
    const r = await api('POST', '/ui/session', { api_key: value });
    button.disabled = false;
    if (r.ok) {
      onLogin(r.data);
    } else {
      message.replaceChildren(status('error', r.status === 401 ? 'This API key is not valid.' : describe(r)));
      key.focus();
    }
  });
  const node = h('section', { class: 'login', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Log in to Vigil'),
    h('p', { class: 'muted' }, 'Use an auditor or officer API key (vigil keys create). The key is exchanged for a session and not kept in the browser.'),
    form);
  return { node, focus: () => key.focus() };
}
