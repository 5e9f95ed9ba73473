import { api, describe, query } from '../api.js';
import { badge, facts, h, status, table } from '../dom.js';
import { recordCache, recordLink } from './search.js';

export function recordView({ params, container }) {
  const chain = params.get('chain') || '';
  const seq = params.get('seq') || '';
  const body = h('div', { id: 'record-detail' }, h('p', { class: 'muted' }, 'Loading…'));
  container.append(
    h('p', {}, h('a', { href: '#/search', id: 'back-to-search' }, '← Back to search')),
    h('h1', {}, 'Record ', h('span', { class: 'mono' }, chain + ' #' + seq)),
    body);
  load(body, chain, seq);
  return {};
}

async function load(body, chain, seq) {
  const r = await api('GET', '/v1/audit/record' + query({ chain, seq }));
  if (r.ok) {
    body.replaceChildren(...render(r.data.record, r.data.checkpoint, r.data.integrity, r.data.previous, r.data.next, true));
    return;
  }
  if (!r.missing) {
    body.replaceChildren(status('error', describe(r), 'record-error'));
    return;
  }
  // This server has no record endpoint: show what the search answered, and the covering
  // checkpoint from GET /v1/audit/checkpoints; integrity is then only available through Verify.
  const cached = recordCache.get(chain + ':' + seq);
  if (!cached) {
    body.replaceChildren(status('unavailable', 'This server has no GET /v1/audit/record; open the record from the search results.', 'record-unavailable'));
    return;
  }
  const checkpoint = await coveringCheckpoint(cached.scope, chain, Number(seq));
  body.replaceChildren(...render(cached, checkpoint, null, null, null, false));
}

async function coveringCheckpoint(scope, chain, seq) {
  const r = await api('GET', '/v1/audit/checkpoints' + query({ scope, size: 100 }));
  if (!r.ok) return undefined;
  const mine = (r.data.checkpoints || []).filter((c) => c.chain && c.chain.id === chain && c.chain.seq >= seq);
  mine.sort((a, b) => a.chain.seq - b.chain.seq);
  return mine.length ? mine[0] : null;
}

function render(rec, checkpoint, integrity, previous, next, fromRecordEndpoint) {
  const c = rec.chain || {};
  const ev = rec.event || {};
  const subject = rec.subject || {};
  const evidence = rec.evidence && rec.evidence.url
    ? h('a', { href: rec.evidence.url, id: 'evidence-link', target: '_blank', rel: 'noopener' }, 'Raw evidence (' + rec.evidence.sha256.slice(0, 12) + '…)')
    : 'none';
  const out = [];
  out.push(h('h2', {}, 'Chain position'), facts([
    ['Chain', h('span', { class: 'mono', id: 'record-chain' }, c.id)],
    ['Sequence', h('span', { class: 'mono', id: 'record-seq' }, String(c.seq))],
    ['Hash', h('span', { class: 'mono', id: 'record-hash' }, c.hash)],
    ['Previous hash', h('span', { class: 'mono' }, c.prev_hash)],
    ['Neighbours', h('span', {},
      previous ? h('a', { href: recordLink(c.id, previous.seq), id: 'previous-record' }, '← #' + previous.seq) : '',
      previous && next ? ' · ' : '',
      next ? h('a', { href: recordLink(c.id, next.seq), id: 'next-record' }, '#' + next.seq + ' →') : '')],
  ]));
  out.push(h('h2', {}, 'Integrity'));
  if (integrity) {
    const ok = integrity.hash_ok && integrity.linked_to_previous !== false;
    out.push(status(ok ? 'ok' : 'error',
      (integrity.hash_ok ? 'The stored hash is the hash of this content.' : 'The stored hash does NOT match this content.')
      + (integrity.linked_to_previous === null || integrity.linked_to_previous === undefined ? ''
        : integrity.linked_to_previous ? ' It links to the previous record.' : ' It does NOT link to the previous record.'), 'record-integrity'));
  } else if (!fromRecordEndpoint) {
    out.push(status('unavailable', 'Per-record integrity is not available on this server (no GET /v1/audit/record); run Verify for the whole trail.', 'record-integrity'));
  }
  out.push(h('p', {}, h('a', { href: '#/verify', class: 'button secondary', id: 'verify-from-record' }, 'Verify the whole trail')));
  out.push(h('h2', {}, 'Covering checkpoint'));
  if (checkpoint) {
    out.push(facts([
      ['Signed at', checkpoint['@timestamp']],
      ['Covers up to seq', h('span', { class: 'mono', id: 'checkpoint-seq' }, String(checkpoint.chain.seq))],
      ['Head hash', h('span', { class: 'mono' }, checkpoint.chain.hash)],
      ['Key', h('span', { class: 'mono' }, checkpoint.key_id + ' (' + checkpoint.algorithm + ')')],
    ]));
  } else if (checkpoint === null) {
    out.push(h('p', { class: 'muted', id: 'no-checkpoint' }, 'No signed checkpoint covers this record yet.'));
  } else {
    out.push(h('p', { class: 'muted' }, 'Checkpoints could not be read.'));
  }
  out.push(h('h2', {}, 'Event'), facts([
    ['Time', rec['@timestamp']],
    ['Chained at', ev.ingested],
    ['Kind', ev.kind],
    ['Type', ev.type],
    ['Event id', h('span', { class: 'mono', id: 'record-event-id' }, ev.id)],
    ['Source', [ev.source_type, ev.provider, ev.source_id].filter(Boolean).join(' · ')],
    ['Outcome', ev.outcome],
    ['Scope', rec.scope],
    ['Actor', rec.user && rec.user.id],
    ['Subject', Object.entries(subject).map(([k, v]) => k + ': ' + v).join(', ')],
    ['Message', rec.message],
    ['Catalog version', rec.catalog_version],
    ['Evidence', evidence],
  ]));
  const verdicts = rec.verdicts || [];
  out.push(h('h2', {}, 'Verdicts'));
  out.push(verdicts.length
    ? table(['Control', 'Result', 'Severity', 'Requirements', 'Reason'], verdicts.map((v) => h('tr', {},
      h('td', {}, v.control_id), h('td', {}, badge(v.result)), h('td', {}, v.severity),
      h('td', {}, (v.requirements || []).join(', ')), h('td', {}, v.reason || ''))), { id: 'verdicts-table' })
    : h('p', { class: 'muted' }, 'No control verdicts on this record.'));
  if (rec.labels && Object.keys(rec.labels).length) {
    out.push(h('h2', {}, 'Labels'), facts(Object.entries(rec.labels).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])));
  }
  return out;
}
