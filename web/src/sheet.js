// The one-desk answer sheet: per domain, the answers that apply first (decided by a rule),
// then the defaults; each answer with the article it rests on and the rule's note; "why?"
// unfolds the explanation down to the facts read; "why not?" asks about any rule. The
// receipt closes the sheet (printed with it).
import { h } from './dom.js';
import { t } from './i18n.js';

function valueText(value) {
  if (Array.isArray(value)) return value.length ? value.join(', ') : '∅';
  if (value === true) return t('yes');
  if (value === false) return t('no');
  return String(value);
}

export function renderErrors(diagnostics) {
  if (!diagnostics || !diagnostics.length) return null;
  return h('ul', { class: 'diagnostics' }, diagnostics.map((d) => h('li', { class: `sev-${d.severity || 'error'}` },
    h('strong', {}, d.code || ''), ' ', d.message,
    (d.help || []).map((help) => h('div', { class: 'help' }, `${t('help')}: ${help}`)))));
}

function notesOf(rule, rules) {
  if (rule.notes && rule.notes.length) return rule.notes;
  const found = (rules || []).find((r) => r.qualified_id === `${rule.layer}.${rule.id}` || (r.id === rule.id && r.layer === rule.layer));
  return found ? found.notes : [];
}

const ruleName = (r) => (typeof r === 'string' ? r : `${r.layer}.${r.id}`);

// The fact tree (docs/cli.md "JSON output"): each value read, a derived one unfolded into what
// it came from, down to the case's facts.
export function factTree(reads) {
  if (!reads || !reads.length) return null;
  return h('ul', { class: 'reads' }, reads.map((read) => h('li', {},
    h('code', {}, read.name), h('span', { class: 'muted' }, ` (${read.kind})`), ' = ',
    h('strong', {}, read.known ? String(read.value) : t('unknown')),
    read.rules && read.rules.length ? h('span', { class: 'muted' }, ` ${t('by_rule')} `,
      read.rules.map((r, i) => [i ? ', ' : '', h('code', {}, ruleName(r)), ` (${r.citation})`])) : null,
    read.expanded_above ? h('span', { class: 'muted' }, ' ↑') : factTree(read.from))));
}

function explanation(rule) {
  if (rule.condition === undefined && !rule.reads) return null;
  return h('details', { class: 'why' }, h('summary', {}, t('why')),
    rule.condition ? h('p', {}, h('span', { class: 'k' }, `${t('condition')}: `), h('code', {}, rule.condition)) : null,
    factTree(rule.reads));
}

// Why a rule did not decide (a default's candidates, and the answer of why-not).
export function whyNotBlock(why) {
  return h('div', { class: 'why-not' },
    h('p', {}, h('strong', {}, ruleName(why.rule)), ` — ${why.rule.citation}`),
    h('p', { class: 'why-not-message' }, why.message || why.reason || ''),
    why.failed_part ? h('p', {}, h('span', { class: 'k' }, `${t('condition')}: `), h('code', {}, why.failed_part)) : null,
    factTree(why.reads),
    why.defeated_by && why.defeated_by.length ? h('p', {}, `${t('defeated')}: `, why.defeated_by.map(ruleName).join(', ')) : null);
}

function ruleLine(rule, rules) {
  const notes = notesOf(rule, rules);
  return h('li', { class: 'basis' },
    h('span', { class: 'k' }, `${t('by_rule')} `), h('code', {}, rule.id),
    h('span', { class: `layer ${rule.layer === 'national' ? 'national' : 'local'}` }, rule.layer),
    h('div', { class: 'citation' }, rule.citation),
    notes.map((note) => h('div', { class: 'note' }, `${t('note')}: ${note}`)),
    explanation(rule));
}

function receiptBlock(receipt, prefix) {
  if (!receipt) return null;
  const row = (key, value) => (value ? [h('dt', {}, t(key)), h('dd', {}, h('code', {}, value))] : []);
  return h('section', { class: 'receipt', 'aria-labelledby': `${prefix}receipt-title` },
    h('h3', { id: `${prefix}receipt-title` }, t('receipt')),
    h('dl', {}, row('decision_id', receipt.decision_id), row('rule_base_hash', receipt.rule_base_hash),
      row('loket_version', receipt.loket_version), row('receipt_jurisdiction', receipt.jurisdiction),
      row('reference_date', receipt.reference_date), row('decided_at', receipt.decided_at)));
}

function whyNotForm(rules, ask) {
  if (!ask || !rules || !rules.length) return null;
  const select = h('select', { id: 'why-not-rule' },
    rules.map((r) => h('option', { value: r.qualified_id || r.id }, `${r.qualified_id || r.id} — ${r.citation}`)));
  const out = h('div', { id: 'why-not-answer', 'aria-live': 'polite' });
  const run = async () => {
    out.textContent = t('loading');
    const result = await ask(select.value);
    out.textContent = '';
    if (!result.ok) {
      out.append(h('p', { class: 'error' }, result.body.error ? result.body.error.message : String(result.status)));
      return;
    }
    const why = result.body.why_not || { rule: { id: select.value, layer: '', citation: '' } };
    out.append(whyNotBlock(why));
  };
  return h('section', { class: 'why-not-box no-print' },
    h('h3', {}, t('why_not')),
    h('div', { class: 'row' }, h('label', { for: 'why-not-rule' }, t('why_not_rule')), select,
      h('button', { type: 'button', id: 'why-not-ask', onclick: run }, t('why_not_run'))), out);
}

export function renderSheet(answer, { schema, rules, whyNot, prefix = '' }) {
  const details = answer.details || [];
  const byName = Object.fromEntries(details.map((d) => [d.name, d]));
  // Domains in the order the library gives them (the schema's, the CLI's sheet's).
  const domains = [];
  for (const d of details) {
    let group = domains.find((x) => x.domain === d.domain);
    if (!group) { group = { domain: d.domain, title: d.domain_title || d.domain || '', names: [] }; domains.push(group); }
    group.names.push(d.name);
  }
  const description = (name) => byName[name].description
    || (schema && schema.decisions ? schema.decisions.flatMap((g) => g.decisions).find((x) => x.name === name)?.description : '');
  const answerItem = (name) => {
    const d = byName[name];
    return h('li', { class: `answer status-${d.status}`, id: `${prefix}answer-${name}`, dataset: { decision: name } },
      h('div', { class: 'answer-head' }, h('code', {}, name), ' = ', h('strong', { class: 'value' }, d.status === 'error' ? '—' : valueText(d.value))),
      description(name) ? h('div', { class: 'muted' }, description(name)) : null,
      d.error ? h('p', { class: 'error' }, `${d.error.code}: ${d.error.message}`) : null,
      h('ul', { class: 'bases' }, (d.rules || []).map((rule) => ruleLine(rule, rules))),
      d.defeated && d.defeated.length ? h('div', { class: 'muted' }, `${t('defeated')}: `,
        d.defeated.map((x) => (x.rule ? `${ruleName(x.rule)} (${ruleName(x.defeated_by)}, ${x.how})` : ruleName(x))).join('; ')) : null);
  };
  const sections = domains.map((domain) => {
    // What applies to the person first; then what a rule decided "no"; then the defaults.
    const applied = domain.names.filter((n) => byName[n].status === 'decided' || byName[n].status === 'error');
    const notApplying = domain.names.filter((n) => byName[n].status === 'default_with_basis');
    const defaults = domain.names.filter((n) => !applied.includes(n) && !notApplying.includes(n));
    return h('section', { class: 'domain', dataset: { domain: domain.domain || '' } },
      h('h3', {}, domain.title || domain.domain || '—', domain.domain ? h('span', { class: 'muted' }, ` [${domain.domain}]`) : null),
      applied.length ? h('ul', { class: 'answers' }, applied.map(answerItem)) : null,
      notApplying.length ? [h('p', { class: 'k' }, t('does_not_apply')), h('ul', { class: 'answers not-applying' }, notApplying.map(answerItem))] : null,
      defaults.length ? h('div', { class: 'defaults' }, h('p', {}, `${t('default_used')}: `,
        defaults.map((n, i) => [i ? ', ' : '', h('span', { id: `${prefix}answer-${n}` }, h('code', {}, n), ` = ${valueText(byName[n].value)}`)])),
        h('details', { class: 'why' }, h('summary', {}, t('why')),
          defaults.flatMap((n) => (byName[n].candidates || []).map((c) => h('div', {}, h('code', {}, n), whyNotBlock(c)))))) : null);
  });
  return h('article', { class: 'sheet' },
    h('div', { class: 'row sheet-head' },
      h('h2', { id: `${prefix}sheet-title` }, t('sheet_for', answer.jurisdiction, answer.date)),
      h('button', { type: 'button', id: `${prefix}print`, class: 'no-print', onclick: () => window.print() }, t('print'))),
    answer.errors && answer.errors.length ? h('div', { class: 'errors', role: 'alert' }, h('h3', {}, t('errors')), renderErrors(answer.errors)) : null,
    sections,
    receiptBlock(answer.receipt, prefix),
    whyNotForm(rules, whyNot));
}
