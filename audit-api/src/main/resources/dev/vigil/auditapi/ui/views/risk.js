import { api, describe } from '../api.js';
import { field, facts, h, status, toRfc3339, unavailable } from '../dom.js';

export function riskView({ params, session, container }) {
  container.append(h('h1', {}, 'Accept a risk'));
  if (!session.roles.includes('officer')) {
    container.append(status('unavailable', 'Accepting a risk needs the officer role; this session has ' + session.roles.join(', ') + '.', 'risk-forbidden'));
    return {};
  }
  const id = h('input', { id: 'risk-violation', name: 'violation_id', required: true, value: params.get('violation') || '' });
  const justification = h('textarea', { id: 'risk-justification', name: 'justification', required: true, maxlength: 4000 });
  const expires = h('input', { id: 'risk-expires', name: 'expires_at', type: 'datetime-local', required: true });
  const answer = h('div', { id: 'risk-answer', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', id: 'risk-submit' }, 'Accept risk');
  const form = h('form', { class: 'form', id: 'risk-form' },
    field('Violation id', id),
    field('Justification (recorded in the audit trail)', justification),
    field('Expires at (the violation reopens then)', expires),
    h('div', {}, button), answer);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!form.reportValidity()) return;
    button.disabled = true;
    const violation = id.value.trim();
    const r = await api('POST', '/v1/violations/' + encodeURIComponent(violation) + '/risk-acceptance',
      { justification: justification.value.trim(), expires_at: toRfc3339(expires.value) });
    button.disabled = false;
    if (r.missing) {
      answer.replaceChildren(unavailable('Risk acceptance', 'POST /v1/violations/{id}/risk-acceptance'));
    } else if (r.ok) {
      answer.replaceChildren(status('ok', 'Recorded: the acceptance is on its way into the audit trail.'),
        facts([['Event id', h('span', { class: 'mono', id: 'risk-event-id' }, r.data.event_id)], ['Violation', r.data.violation_id]]));
    } else {
      answer.replaceChildren(status('error', describe(r), 'risk-error'));
    }
  });
  container.append(form);
  return {};
}
