// The web desk of loket: four views over the HTTP service (docs/openapi.yaml) — the desk,
// the rule book, the checker's findings and drafting a local variant. Plain modules, no
// framework; the text is Dutch with English as a choice (i18n.js).
import { api } from './api.js';
import { h, clear } from './dom.js';
import { t, setLanguage, getLanguage } from './i18n.js';
import { Desk } from './desk.js';
import { renderRuleBook } from './rulebook.js';
import { renderFindings } from './findings.js';
import { Draft } from './draft.js';

const VIEWS = ['desk', 'rules', 'findings', 'draft'];

const state = {
  jurisdictions: [],
  jurisdiction: '',
  date: new Date().toISOString().slice(0, 10),
  schema: null,
  rules: [],
  values: {},
  override: null,
  view: 'desk',
};

const app = document.getElementById('app');
const panels = {};
let desk;
let draft;

function tabs() {
  const list = h('div', { role: 'tablist', 'aria-label': 'loket', class: 'tabs no-print' });
  VIEWS.forEach((view, index) => {
    const tab = h('button', {
      role: 'tab', id: `tab-${view}`, type: 'button', 'aria-controls': `panel-${view}`,
      'aria-selected': String(state.view === view), tabindex: state.view === view ? '0' : '-1',
      onclick: () => show(view),
      onkeydown: (event) => {
        const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
        if (!step) return;
        event.preventDefault();
        const next = VIEWS[(index + step + VIEWS.length) % VIEWS.length];
        show(next);
        document.getElementById(`tab-${next}`).focus();
      },
    }, t(`tab_${view}`));
    list.append(tab);
  });
  return list;
}

async function show(view) {
  state.view = VIEWS.includes(view) ? view : 'desk';
  if (location.hash !== `#${state.view}`) history.replaceState(null, '', `#${state.view}`);
  for (const v of VIEWS) {
    const tab = document.getElementById(`tab-${v}`);
    tab.setAttribute('aria-selected', String(v === state.view));
    tab.setAttribute('tabindex', v === state.view ? '0' : '-1');
    panels[v].hidden = v !== state.view;
  }
  if (state.view === 'rules') await renderRuleBook(panels.rules, state);
  if (state.view === 'draft') await draft.render();
}

function render() {
  if (desk) desk.values();  // keep what was typed across a change of language
  clear(app);
  document.title = t('title');
  const language = h('select', { id: 'language', onchange: () => { setLanguage(language.value); render(); } },
    h('option', { value: 'nl' }, 'Nederlands'), h('option', { value: 'en' }, 'English'));
  language.value = getLanguage();
  const header = h('header', { class: 'top no-print' },
    h('a', { href: '#main', class: 'skip' }, t('skip')),
    h('h1', {}, t('title')),
    h('div', { class: 'field inline' }, h('label', { for: 'language' }, t('language')), language));
  const main = h('main', { id: 'main', tabindex: '-1' });
  for (const view of VIEWS) {
    panels[view] = h('section', { id: `panel-${view}`, role: 'tabpanel', 'aria-labelledby': `tab-${view}`, hidden: view !== state.view });
    main.append(panels[view]);
  }
  app.append(header, tabs(), main);
  desk = new Desk(panels.desk, state);
  draft = new Draft(panels.draft, state, desk);
  state.onchange = () => { draft.loadedFor = null; };
  desk.render();
  renderFindings(panels.findings, desk, () => show('desk'));
  show(state.view);
}

async function start() {
  setLanguage(new URLSearchParams(location.search).get('lang') || 'nl');
  state.view = VIEWS.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'desk';
  const result = await api.jurisdictions();
  if (result.ok) {
    state.jurisdictions = result.body.jurisdictions;
    const leaf = state.jurisdictions.find((j) => j.leaf) || state.jurisdictions[0];
    state.jurisdiction = leaf ? leaf.name : '';
  }
  render();
  if (!result.ok) {
    panels.desk.prepend(h('p', { class: 'error', role: 'alert' }, `${t('server_error')}: ${result.body.error ? result.body.error.message : result.status}`));
  } else {
    await desk.loadSchema();
  }
  document.body.dataset.ready = 'true';
}

window.addEventListener('hashchange', () => {
  const view = location.hash.slice(1);
  if (VIEWS.includes(view) && view !== state.view) show(view);
});

start();
