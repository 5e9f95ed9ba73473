import { api, describe, hasRoute, query } from '../api.js';
import { badge, field, formData, h, input, select, status, table, unavailable } from '../dom.js';
import { recordLink, SEVERITIES } from './search.js';

const STREAM = '/v1/violations/stream';

export function violationsView({ params, navigate, session, container }) {
  const v = (k) => params.get(k) || '';
  const filters = {};
  for (const k of ['control', 'severity', 'scope', 'framework']) if (v(k)) filters[k] = v(k);
  const officer = session.roles.includes('officer');
  const form = h('form', { class: 'filters', id: 'violations-form', 'aria-label': 'Violation filters' },
    field('Control', input('control', v('control'), { placeholder: 'CM-01' })),
    field('Severity', select('severity', SEVERITIES, v('severity'))),
    field('Scope', input('scope', v('scope'))),
    field('Framework', select('framework', [['', 'all'], ['SOC2', 'SOC 2'], ['GDPR', 'GDPR']], v('framework'))),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Apply')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const [k, value] of Object.entries(formData(form))) if (value.trim()) p.set(k, value.trim());
    navigate('violations', p);
  });
  const feedStatus = h('p', { id: 'feed-status', class: 'status', role: 'status' }, 'Connecting…');
  const feed = h('ol', { class: 'feed', id: 'feed', 'aria-live': 'polite', 'aria-label': 'Violation changes as they happen' });
  const list = h('section', { id: 'open-violations', 'aria-labelledby': 'open-v-title' });
  container.append(h('h1', {}, 'Violations'), form,
    h('section', { 'aria-labelledby': 'feed-title' }, h('h2', { id: 'feed-title' }, 'Live feed'), feedStatus, feed),
    list);

  let source = null;
  let closed = false;
  (async () => {
    if (!(await hasRoute(STREAM))) {
      feedStatus.replaceWith(unavailable('The live feed', 'GET ' + STREAM, 'feed-status'));
      return;
    }
    if (closed) return;
    // Same origin: EventSource sends the session cookie; it reconnects by itself and resumes
    // with Last-Event-ID, so a short outage loses no change.
    source = new EventSource(STREAM + query(filters));
    source.addEventListener('open', () => { feedStatus.textContent = 'Live: new violation changes appear below.'; feedStatus.className = 'status ok'; });
    source.addEventListener('error', () => {
      feedStatus.textContent = source.readyState === EventSource.CLOSED ? 'Disconnected (reload to retry).' : 'Reconnecting…';
      feedStatus.className = 'status unavailable';
    });
    source.addEventListener('violation', (e) => {
      let v;
      try { v = JSON.parse(e.data); } catch (err) { return; }
      feed.prepend(feedItem(v, officer));
    });
  })();
  loadOpen(list, filters, officer);
  return { cleanup: () => { closed = true; if (source) source.close(); } };
}

function feedItem(v, officer) {
  return h('li', { 'data-violation-id': v.violation_id, 'data-control-id': v.control_id, 'data-change': v.change },
    badge(v.change || v.state), ' ', badge(v.severity), ' ',
    h('strong', {}, v.control_id), ' on ', v.scope || v.subject_key, ' · ', v.changed_at || '', ' · ', v.reason || '',
    v.chain ? [' · ', h('a', { href: recordLink(v.chain.id, v.chain.seq) }, 'record')] : '',
    officer ? [' · ', h('a', { href: '#/risk?' + new URLSearchParams({ violation: v.violation_id }).toString() }, 'Accept risk')] : '');
}

async function loadOpen(list, filters, officer) {
  const title = h('h2', { id: 'open-v-title' }, 'Open violations');
  const r = await api('GET', '/v1/violations' + query(Object.assign({ state: 'open', size: 100 }, filters)));
  if (r.missing) {
    list.replaceChildren(title, unavailable('The violation list', 'GET /v1/violations', 'violations-unavailable'));
    return;
  }
  if (!r.ok) {
    list.replaceChildren(title, status('error', describe(r)));
    return;
  }
  const rows = (r.data.violations || []).map((v) => h('tr', { 'data-violation-id': v.violation_id },
    h('td', { class: 'mono' }, v.control_id), h('td', {}, badge(v.severity)), h('td', {}, badge(v.state)),
    h('td', {}, v.scope), h('td', {}, (v.requirements || []).join(', ')), h('td', { class: 'mono' }, v.opened_at),
    h('td', { class: 'message' }, v.reason || ''),
    h('td', {}, v.chain ? h('a', { href: recordLink(v.chain.id, v.chain.seq) }, 'Record') : '',
      officer ? [' ', h('a', { href: '#/risk?' + new URLSearchParams({ violation: v.violation_id }).toString() }, 'Accept risk')] : '')));
  list.replaceChildren(title, rows.length
    ? table(['Control', 'Severity', 'State', 'Scope', 'Requirements', 'Opened', 'Reason', ''], rows, { id: 'violations-table' })
    : h('p', { class: 'muted' }, 'No open violations.'));
}
