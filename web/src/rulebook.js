// The rule book of a municipality on a date (GET …/overview, as `loket doc`): per domain and
// decision the rules in force, national and local (marked), with citation and note; the
// competence of each decision and its delegated bounds; the delegated room left unused; the
// dependency graph of a decision (GET …/graph, the SVG of `loket graph`).
import { api } from './api.js';
import { h, clear, add } from './dom.js';
import { t } from './i18n.js';

// What a local rule does to the national answer: it adds to a collected decision, decides a
// delegated one in place of the national rules (within the delegated bounds), decides the
// municipality's own decision, or makes an exception.
function localEffect(r, decision) {
  if (!r.local) return null;
  if (r.exception_to && r.exception_to.length) return t('effect_exception', r.exception_to.join(', '));
  if (decision.collect) return t('effect_adds');
  if (decision.competence === 'delegated') return t('effect_replaces', decision.competence_text);
  if (decision.competence === 'local') return t('effect_own');
  return null;
}

function rule(r, decision) {
  const effect = localEffect(r, decision);
  return h('li', { class: `rule ${r.local ? 'is-local' : ''}` },
    h('div', {}, h('code', {}, r.id), h('span', { class: `layer ${r.local ? 'local' : 'national'}` }, r.local ? `${t('local')}: ${r.layer}` : r.layer),
      effect ? h('span', { class: 'effect' }, ` — ${effect}`) : null),
    h('div', { class: 'citation' }, r.citation),
    r.outcome ? h('div', {}, h('code', {}, r.outcome), r.condition ? [h('span', { class: 'k' }, ` ${t('condition')}: `), h('code', {}, r.condition)] : null) : null,
    (r.notes || []).map((n) => h('div', { class: 'note' }, `${t('note')}: ${n}`)));
}

export async function renderRuleBook(root, state) {
  clear(root);
  if (!state.jurisdiction) return;
  root.append(h('p', { class: 'busy' }, t('loading')));
  const result = await api.overview(state.jurisdiction, state.date);
  clear(root);
  if (!result.ok) {
    root.append(h('p', { class: 'error' }, result.body.error ? result.body.error.message : String(result.status)));
    return;
  }
  const o = result.body;
  const unused = [];
  const domains = o.domains.map((domain) => h('section', { class: 'domain' },
    h('h3', {}, domain.title || domain.domain || '—'),
    domain.decisions.map((d) => {
      const local = d.rules.filter((r) => r.local);
      if (d.competence === 'delegated' && local.length === 0) unused.push(d);
      return h('div', { class: 'decision', id: `rb-${d.name}` },
        h('h4', {}, h('code', {}, d.name), ' ',
          h('span', { class: `badge ${d.competence}` }, t(`competence_${d.competence}`)),
          d.differs_from_national ? h('span', { class: 'badge differs' }, t('differs')) : null),
        d.description ? h('p', { class: 'muted' }, d.description) : null,
        d.competence_text ? h('p', { class: 'muted' }, d.competence_text) : null,
        d.rules.length ? h('ul', { class: 'rules' }, d.rules.map((r) => rule(r, d))) : null);
    })));
  const decisionSelect = h('select', { id: 'graph-decision' },
    o.domains.flatMap((d) => d.decisions).map((d) => h('option', { value: d.name }, d.name)));
  const graph = h('div', { id: 'graph', class: 'graph' });
  add(root,
    h('h2', {}, `${t('rules_title')}: ${o.title || o.jurisdiction} ${o.code ? `(${o.code})` : ''} — ${o.date}`),
    h('p', {}, t('rules_count', o.rules_in_force, o.local_rules_in_force), ` · ${o.chain.join(' → ')}`),
    domains,
    h('section', { class: 'unused' }, h('h3', {}, t('unused_room')),
      unused.length ? h('ul', {}, unused.map((d) => h('li', {}, h('code', {}, d.name), ` — ${d.competence_text}`))) : h('p', {}, '—')),
    h('section', { class: 'graph-box' }, h('h3', {}, t('graph')),
      h('div', { class: 'row' }, h('label', { for: 'graph-decision' }, t('graph')), decisionSelect,
        h('button', { type: 'button', id: 'graph-show', onclick: () => {
          clear(graph).append(h('img', { id: 'graph-image', src: api.graphUrl(state.jurisdiction, decisionSelect.value), alt: `${t('graph')}: ${decisionSelect.value}` }));
        } }, t('graph_show'))),
      graph));
}
