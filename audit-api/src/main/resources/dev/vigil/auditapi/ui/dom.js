// DOM building from elements and text nodes only: every value from the API goes in as text, never as markup.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function status(kind, text, id) {
  return h('p', { class: 'status ' + kind, role: kind === 'error' ? 'alert' : 'status', id }, text);
}

export function unavailable(what, endpoint, id) {
  return status('unavailable', what + ' is not available on this server (it has no ' + endpoint + ').', id);
}

export function badge(value) {
  return value ? h('span', { class: 'badge ' + value }, value) : '';
}

export function field(label, input) {
  const id = input.id || 'f-' + Math.random().toString(36).slice(2);
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}

export function select(name, options, value) {
  return h('select', { name, id: 'f-' + name },
    options.map(([v, label]) => h('option', { value: v, selected: v === (value || '') }, label)));
}

export function input(name, value, attrs) {
  return h('input', Object.assign({ name, id: 'f-' + name, value: value || '' }, attrs || {}));
}

export function table(headers, rows, attrs) {
  return h('table', attrs || {},
    h('thead', {}, h('tr', {}, headers.map((x) => (x instanceof Node ? h('th', { scope: 'col' }, x) : h('th', { scope: 'col' }, x))))),
    h('tbody', {}, rows));
}

export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v === undefined || v === null || v === '' ? '—' : v)]));
}

/** A datetime-local value as RFC 3339 in UTC; '' stays ''. */
export function toRfc3339(local) {
  if (!local) return '';
  const d = new Date(local);
  return isNaN(d.getTime()) ? local : d.toISOString();
}

/** RFC 3339 to a datetime-local value in the browser's zone. */
export function toLocalInput(rfc) {
  if (!rfc) return '';
  const d = new Date(rfc);
  if (isNaN(d.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes());
}

export function formData(form) {
  const out = {};
  for (const [k, v] of new FormData(form).entries()) out[k] = String(v);
  return out;
}
