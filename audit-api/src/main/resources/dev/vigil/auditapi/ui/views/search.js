import { api, describe, hasRoute, query } from '../api.js';
import { badge, field, formData, h, input, select, status, table, toLocalInput, toRfc3339, unavailable } from '../dom.js';

/** Records seen in search results, for the detail page when the server has no GET /v1/audit/record. */
export const recordCache = new Map();

const FILTERS = ['q', 'scope', 'kind', 'type', 'control', 'requirement', 'verdict', 'severity', 'actor', 'from', 'to', 'as_of', 'sort', 'size'];
const KINDS = [['', 'any'], ['INPUT', 'input'], ['VIOLATION_CHANGE', 'violation change'], ['EVALUATION', 'evaluation'], ['ACCESS', 'access'], ['ERASURE', 'erasure'], ['RISK_ACCEPTANCE', 'risk acceptance']];
const VERDICTS = [['', 'any'], ['PASS', 'pass'], ['FAIL', 'fail'], ['NOT_APPLICABLE', 'not applicable'], ['ERROR', 'error']];
export const SEVERITIES = [['', 'any'], ['CRITICAL', 'critical'], ['HIGH', 'high'], ['MEDIUM', 'medium'], ['LOW', 'low'], ['INFO', 'info']];

export function recordLink(chain, seq) {
  return '#/record?' + new URLSearchParams({ chain, seq: String(seq) }).toString();
}

export function searchView({ params, navigate, container }) {
  const v = (k) => params.get(k) || '';
  const form = h('form', { class: 'filters', id: 'search-form', role: 'search', 'aria-label': 'Record filters' },
    field('Text', input('q', v('q'), { type: 'search', placeholder: 'words in message, subject, user' })),
    field('Scope (repository)', input('scope', v('scope'), { placeholder: 'github.com/acme/shop' })),
    field('Kind', select('kind', KINDS, v('kind'))),
    field('Event type', input('type', v('type'), { placeholder: 'violation.OPENED' })),
    field('Control', input('control', v('control'), { placeholder: 'CM-01' })),
    field('Requirement', input('requirement', v('requirement'), { placeholder: 'SOC2:CC8.1' })),
    field('Verdict', select('verdict', VERDICTS, v('verdict'))),
    field('Severity', select('severity', SEVERITIES, v('severity'))),
    field('Actor', input('actor', v('actor'))),
    field('From', input('from', toLocalInput(v('from')), { type: 'datetime-local' })),
    field('To', input('to', toLocalInput(v('to')), { type: 'datetime-local' })),
    field('As of', input('as_of', toLocalInput(v('as_of')), { type: 'datetime-local' })),
    field('Order', select('sort', [['', 'oldest first'], ['-time', 'newest first']], v('sort'))),
    field('Page size', select('size', [['', '50'], ['20', '20'], ['100', '100'], ['500', '500']], v('size'))),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', id: 'search-button' }, 'Search'),
      h('button', { type: 'reset', class: 'secondary', id: 'clear-button' }, 'Clear')));
  const results = h('section', { id: 'results', 'aria-live': 'polite', 'aria-label': 'Search results' });
  const exports = h('section', { id: 'exports', 'aria-labelledby': 'exports-title' });

  const filterParams = (data) => {
    const p = new URLSearchParams();
    for (const k of FILTERS) {
      let value = (data[k] || '').trim();
      if (['from', 'to', 'as_of'].includes(k)) value = toRfc3339(value);
      if (value) p.set(k, value);
    }
    return p;
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate('search', filterParams(formData(form)));
  });
  form.addEventListener('reset', (e) => {
    e.preventDefault();
    navigate('search', new URLSearchParams());
  });

  container.append(h('h1', {}, 'Search the audit trail'), form, results, exports);

  const current = {};
  for (const k of FILTERS) if (params.get(k)) current[k] = params.get(k);
  runSearch(results, current, params.get('cursor'), navigate);
  renderExports(exports, current);
  return {};
}

async function runSearch(results, filters, cursor, navigate) {
  results.replaceChildren(h('p', { class: 'muted' }, 'Searching…'));
  const q = Object.assign({}, filters);
  if (cursor) q.cursor = cursor;
  if (q.sort === 'time') delete q.sort;
  const r = await api('GET', '/v1/audit/records' + query(q));
  if (!r.ok) {
    const restart = h('button', { type: 'button', class: 'secondary', onclick: () => navigate('search', new URLSearchParams(filters)) }, 'Restart search');
    results.replaceChildren(status('error', describe(r), 'search-error'), cursor ? restart : '');
    return;
  }
  const records = r.data.records || [];
  for (const rec of records) {
    if (rec.chain) recordCache.set(rec.chain.id + ':' + rec.chain.seq, rec);
  }
  const sortButton = h('button', {
    type: 'button', id: 'sort-time',
    'aria-label': filters.sort === '-time' ? 'Time, newest first; sort oldest first' : 'Time, oldest first; sort newest first',
    onclick: () => {
      const p = new URLSearchParams(filters);
      if (filters.sort === '-time') p.delete('sort'); else p.set('sort', '-time');
      navigate('search', p);
    },
  }, 'Time ' + (filters.sort === '-time' ? '▼' : '▲'));
  const rows = records.map((rec) => h('tr', { 'data-event-id': rec.event && rec.event.id, 'data-chain': rec.chain && rec.chain.id, 'data-seq': rec.chain && rec.chain.seq },
    h('td', { class: 'mono' }, rec['@timestamp'] || ''),
    h('td', {}, rec.event && rec.event.kind),
    h('td', {}, rec.event && rec.event.type),
    h('td', {}, rec.scope),
    h('td', { class: 'mono' }, rec.chain ? String(rec.chain.seq) : ''),
    h('td', { class: 'message' }, rec.message || ''),
    h('td', {}, rec.user && rec.user.id),
    h('td', {}, (rec.verdicts || []).filter((x) => x.result === 'FAIL').map((x) => [badge('FAIL'), ' ', x.control_id, ' '])),
    h('td', {}, rec.chain ? h('a', { href: recordLink(rec.chain.id, rec.chain.seq), class: 'record-link', 'aria-label': 'Details of ' + rec.chain.id + ' #' + rec.chain.seq }, 'Details') : '')));
  const total = r.data.total === null || r.data.total === undefined ? 'more than 10,000'
    : r.data.total_relation === 'gte' ? 'at least ' + String(r.data.total) : String(r.data.total);
  const pager = h('div', { class: 'pager' },
    cursor ? h('button', { type: 'button', class: 'secondary', id: 'first-page', onclick: () => navigate('search', new URLSearchParams(filters)) }, 'First page') : '',
    r.data.next ? h('button', {
      type: 'button', id: 'next-page',
      onclick: () => { const p = new URLSearchParams(filters); p.set('cursor', r.data.next); navigate('search', p); },
    }, 'Next page') : '',
    h('span', { class: 'muted' }, records.length + ' shown of ' + total));
  results.replaceChildren(
    h('h2', {}, 'Records'),
    records.length ? table([sortButton, 'Kind', 'Type', 'Scope', 'Seq', 'Message', 'Actor', 'Failed controls', ''], rows, { id: 'results-table' })
      : h('p', { id: 'no-results', class: 'muted' }, 'No records match.'),
    pager);
}

async function renderExports(section, filters) {
  const title = h('h2', { id: 'exports-title' }, 'Export');
  section.replaceChildren(title, h('p', { class: 'muted' }, 'Checking…'));
  const [plain, bundle] = await Promise.all([hasRoute('/v1/audit/export'), hasRoute('/v1/audit/export/bundle')]);
  const scope = { from: filters.from, to: filters.to, scope: filters.scope };
  const links = [];
  if (plain) {
    for (const [format, label] of [['csv', 'CSV'], ['jsonl', 'JSON Lines'], ['oscal', 'OSCAL']]) {
      links.push(h('a', { class: 'button secondary', id: 'export-' + format, href: '/v1/audit/export' + query(Object.assign({ format }, scope)), download: '' }, label));
    }
  }
  if (bundle) {
    links.push(h('a', { class: 'button secondary', id: 'export-bundle', href: '/v1/audit/export/bundle' + query(scope), download: '' }, 'Signed bundle (zip)'));
  }
  section.replaceChildren(title,
    links.length ? h('div', { class: 'exports' }, h('span', { class: 'muted' }, 'Records of this scope and time range:'), links)
      : unavailable('Export', 'GET /v1/audit/export', 'exports-unavailable'));
}
