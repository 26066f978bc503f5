// The checker's findings as a legal team reads them: those on the served rule base about the
// desk's municipality (GET /v1/jurisdictions/{j}/findings), or a conflict example of
// examples/conflicts (bundled at build time) checked by POST /v1/check; each finding with its
// message, notes, help and witness cases (the case and its replay), and a button that opens
// the witness in the desk, decided.
import { api } from './api.js';
import { h, clear, add } from './dom.js';
import { t } from './i18n.js';
import { conflicts } from 'loket-data';

function location(loc) {
  return loc && loc.path ? `${loc.path}:${loc.line}:${loc.column}` : '';
}

export function renderFindings(root, desk, showDesk) {
  clear(root);
  const served = () => desk.state.jurisdiction || 'national';
  const select = h('select', { id: 'example' }, h('option', { value: 'served' }, t('served_rules')),
    conflicts.map((c, i) => h('option', { value: String(i) }, c.name)));
  const story = h('p', { class: 'muted', id: 'example-story' });
  const out = h('div', { id: 'findings', 'aria-live': 'polite' });
  const showStory = () => {
    story.textContent = select.value === 'served' ? t('served_rules_story', served()) : conflicts[Number(select.value)]?.story || '';
  };
  select.addEventListener('change', showStory);
  const run = async () => {
    const example = select.value === 'served' ? null : conflicts[Number(select.value)];
    showStory();
    clear(out).append(h('p', { class: 'busy' }, t('checking')));
    const result = example ? await api.check({ files: example.files }) : await api.findings(served());
    clear(out);
    if (!result.ok) {
      out.append(h('p', { class: 'error' }, result.body.error ? result.body.error.message : String(result.status)));
      return;
    }
    const findings = result.body.diagnostics || [];
    if (!findings.length) out.append(h('p', {}, t('no_findings')));
    out.append(h('ol', { class: 'finding-list' }, findings.map((f) => h('li', { class: `finding sev-${f.severity}`, dataset: { code: f.code } },
      h('h3', {}, h('span', { class: `badge ${f.severity}` }, `${f.severity} ${f.code}`), ' ', f.message),
      h('p', { class: 'muted' }, location(f.location), f.layer ? ` · ${f.layer}` : ''),
      (f.notes || []).map((n) => h('p', { class: 'note' }, n.message, n.location && n.location.path ? ` (${location(n.location)})` : '')),
      (f.help || []).map((x) => h('p', { class: 'help' }, `${t('help')}: ${x}`)),
      (f.witnesses || []).map((w) => h('div', { class: 'witness' },
        h('h4', {}, `${t('witness')}: ${w.title} — ${w.jurisdiction} ${w.date}`),
        h('pre', { class: 'case' }, w.case),
        h('p', { class: 'k' }, t('replay')), h('pre', { class: 'replay' }, w.replay),
        h('button', { type: 'button', class: 'open-witness', onclick: async () => { showDesk(); await (example ? desk.openWitness(w, f, example) : desk.openServedWitness(w, f)); } }, t('open_witness'))))))));
  };
  add(root, h('h2', {}, t('findings_title')),
    h('div', { class: 'row' }, h('label', { for: 'example' }, t('example')), select,
      h('button', { type: 'button', id: 'check-example', class: 'primary', onclick: run }, t('check'))),
    story, out);
  showStory();
}
