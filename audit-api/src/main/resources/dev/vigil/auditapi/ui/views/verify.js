import { api, describe } from '../api.js';
import { facts, h, status, table } from '../dom.js';

export function verifyView({ container }) {
  const report = h('div', { id: 'verify-report', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', id: 'verify-button' }, 'Verify now');
  button.addEventListener('click', async () => {
    button.disabled = true;
    report.replaceChildren(h('p', { class: 'muted' }, 'Recomputing every hash chain and checking the signed checkpoints…'));
    const r = await api('GET', '/v1/audit/verify');
    button.disabled = false;
    if (!r.ok) {
      report.replaceChildren(r.missing ? status('unavailable', 'Verification is not available on this server.') : status('error', describe(r), 'verify-error'));
      return;
    }
    const d = r.data;
    const counts = d.counts || {};
    report.replaceChildren(
      status(d.intact ? 'ok' : 'error', d.intact ? 'Intact: every chain recomputes and every checkpoint signature holds.' : 'NOT intact: see the findings below.', 'verify-verdict'),
      facts([
        ['Complete', d.complete ? 'yes' : 'no (partial check)'],
        ['Chains', h('span', { id: 'verify-chains' }, String(counts.chains))],
        ['Records', h('span', { id: 'verify-documents' }, String(counts.documents))],
        ['Checkpoints', String(counts.checkpoints)],
        ['Findings', String(d.findings_total)],
        ['Started', d.started_at],
        ['Took', d.duration_ms + ' ms'],
      ]),
      (d.findings || []).length
        ? table(['Kind', 'Chain', 'Seqs', 'Message'], d.findings.map((f) => h('tr', {},
          h('td', {}, f.kind), h('td', { class: 'mono' }, f.chain), h('td', {}, (f.seqs || []).join(', ')), h('td', {}, f.message))), { id: 'findings-table' })
        : '');
    report.focus();
  });
  report.setAttribute('tabindex', '-1');
  container.append(h('h1', {}, 'Verify the audit trail'),
    h('p', {}, 'Recomputes the hash chains of your tenant and checks the signed checkpoints on the server, on demand.'),
    button, report);
  return {};
}
