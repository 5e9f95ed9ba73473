import { api, describe, query } from '../api.js';
import { badge, field, formData, h, input, select, status, table, toLocalInput, toRfc3339, unavailable } from '../dom.js';

const COLORS = ['#b42318', '#1f4e79', '#1a7f37', '#9a6700', '#6e40c9', '#0e7490', '#c2410c', '#57606a'];

export function postureView({ params, navigate, container }) {
  const v = (k) => params.get(k) || '';
  const form = h('form', { class: 'filters', id: 'posture-form', 'aria-label': 'Posture period' },
    field('From', input('from', toLocalInput(v('from')), { type: 'datetime-local' })),
    field('To', input('to', toLocalInput(v('to')), { type: 'datetime-local' })),
    field('Interval', select('interval', [['', 'default'], ['1h', 'hour'], ['1d', 'day'], ['7d', 'week']], v('interval'))),
    field('Framework', select('framework', [['', 'all'], ['SOC2', 'SOC 2'], ['GDPR', 'GDPR']], v('framework'))),
    field('As of', input('as_of', toLocalInput(v('as_of')), { type: 'datetime-local' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Show')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = formData(form);
    const p = new URLSearchParams();
    for (const k of ['from', 'to', 'interval', 'framework', 'as_of']) {
      const value = ['from', 'to', 'as_of'].includes(k) ? toRfc3339(data[k]) : data[k];
      if (value) p.set(k, value);
    }
    navigate('posture', p);
  });
  const body = h('div', { id: 'posture' }, h('p', { class: 'muted' }, 'Loading…'));
  container.append(h('h1', {}, 'Compliance posture'), form, body);
  const charts = [];
  load(body, Object.fromEntries(params.entries()), charts);
  return { cleanup: () => charts.forEach((c) => c.destroy()) };
}

async function load(body, filters, charts) {
  const [posture, controls] = await Promise.all([
    api('GET', '/v1/audit/posture' + query(filters)),
    api('GET', '/v1/controls'),
  ]);
  if (posture.missing) {
    body.replaceChildren(unavailable('The posture dashboard', 'GET /v1/audit/posture', 'posture-unavailable'));
    return;
  }
  if (!posture.ok) {
    body.replaceChildren(status('error', describe(posture), 'posture-error'));
    return;
  }
  const p = posture.data;
  const catalog = controls.ok ? controls.data : null;
  const open = p.open_violations || { total: 0, by_severity: {}, by_age: [] };
  const severityCanvas = chartCanvas('Open violations by severity');
  const requirementCanvas = chartCanvas('Failing verdicts per requirement over time');
  const controlCanvas = chartCanvas('Passing and failing verdicts over time, all controls');
  body.replaceChildren(
    h('p', { class: 'muted' }, 'From ' + p.from + ' to ' + p.to + ' by ' + p.interval + (p.as_of ? ', trail as of ' + p.as_of : '')
      + (catalog ? ' · catalog ' + catalog.catalog_version : '')),
    h('div', { class: 'grid2' },
      h('section', { class: 'card', 'aria-labelledby': 'open-title' },
        h('h2', { id: 'open-title' }, 'Open violations: ', h('span', { id: 'open-total' }, String(open.total))),
        severityCanvas.node,
        table(['Age', 'Open'], (open.by_age || []).map((b) => h('tr', {}, h('td', {}, b.bucket), h('td', {}, String(b.count)))))),
      h('section', { class: 'card', 'aria-labelledby': 'trend-title' },
        h('h2', { id: 'trend-title' }, 'Verdict trend'), controlCanvas.node)),
    h('section', { class: 'card', 'aria-labelledby': 'req-title' },
      h('h2', { id: 'req-title' }, 'Per requirement'), requirementCanvas.node,
      table(['Requirement', 'Pass', 'Fail'], (p.requirements || []).map((r) => h('tr', {},
        h('td', {}, r.requirement), h('td', {}, String(r.pass)), h('td', {}, String(r.fail)))), { id: 'requirements-table' })),
    h('section', { 'aria-labelledby': 'ctl-title' },
      h('h2', { id: 'ctl-title' }, 'Per control'),
      table(['Control', 'Title', 'Severity', 'Requirements', 'Pass', 'Fail', 'N/A', 'Error', ''], (p.controls || []).map((c) => h('tr', {},
        h('td', { class: 'mono' }, c.control_id), h('td', {}, c.title), h('td', {}, badge(c.severity)),
        h('td', {}, (c.requirements || []).join(', ')), h('td', {}, String(c.pass)), h('td', {}, String(c.fail)),
        h('td', {}, String(c.not_applicable)), h('td', {}, String(c.error)),
        h('td', {}, h('a', { href: '#/search?' + new URLSearchParams({ control: c.control_id, verdict: 'FAIL' }).toString() }, 'Failures')))), { id: 'controls-table' })));

  if (!window.Chart) {
    for (const c of [severityCanvas, requirementCanvas, controlCanvas]) c.node.replaceChildren(h('p', { class: 'muted' }, 'Charts are unavailable (Chart.js did not load); the tables show the same numbers.'));
    return;
  }
  const severities = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'];
  charts.push(new window.Chart(severityCanvas.canvas, {
    type: 'bar',
    data: { labels: severities, datasets: [{ label: 'open', data: severities.map((s) => (open.by_severity || {})[s] || 0), backgroundColor: COLORS[0] }] },
    options: { maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } } },
  }));
  const reqs = (p.requirements || []).slice().sort((a, b) => b.fail - a.fail).slice(0, 6);
  const times = (reqs[0] && reqs[0].series ? reqs[0].series : []).map((s) => s.t);
  charts.push(new window.Chart(requirementCanvas.canvas, {
    type: 'line',
    data: { labels: times, datasets: reqs.map((r, i) => ({ label: r.requirement, data: (r.series || []).map((s) => s.fail), borderColor: COLORS[i % COLORS.length], fill: false })) },
    options: { maintainAspectRatio: false, animation: false },
  }));
  const sum = new Map();
  for (const c of p.controls || []) {
    for (const s of c.series || []) {
      const e = sum.get(s.t) || { pass: 0, fail: 0 };
      e.pass += s.pass; e.fail += s.fail;
      sum.set(s.t, e);
    }
  }
  const ts = [...sum.keys()].sort();
  charts.push(new window.Chart(controlCanvas.canvas, {
    type: 'line',
    data: { labels: ts, datasets: [
      { label: 'pass', data: ts.map((t) => sum.get(t).pass), borderColor: COLORS[2], fill: false },
      { label: 'fail', data: ts.map((t) => sum.get(t).fail), borderColor: COLORS[0], fill: false },
    ] },
    options: { maintainAspectRatio: false, animation: false },
  }));
}

function chartCanvas(label) {
  const canvas = h('canvas', { role: 'img', 'aria-label': label });
  return { canvas, node: h('div', { class: 'chart' }, canvas) };
}
