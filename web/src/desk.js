// The desk: pick a municipality and a date, fill in the case (a form generated from the
// schema endpoint, or loaded from a persona), decide, read the answer sheet with its legal
// basis, unfold why, ask why not, print it with its receipt.
import { api } from './api.js';
import { h, clear, uid, add } from './dom.js';
import { t } from './i18n.js';
import { renderSheet, renderErrors } from './sheet.js';
import { personas } from 'loket-data';

// One fact per line: the server's diagnostics carry the line of the fact they are about.
export function caseJson(values, factOrder) {
  const keys = factOrder.filter((name) => values[name] !== undefined);
  if (keys.length === 0) return { text: '{}', lineOf: {} };
  const lineOf = {};
  const lines = keys.map((name, i) => {
    lineOf[i + 2] = name;
    return `${JSON.stringify(name)}: ${JSON.stringify(values[name])}${i + 1 < keys.length ? ',' : ''}`;
  });
  return { text: `{\n${lines.join('\n')}\n}`, lineOf };
}

// Which fact a case diagnostic is about: the line of the body it points at, else the fact
// its message names in backquotes.
function factOfDiagnostic(diagnostic, lineOf, factNames) {
  if (diagnostic.fact && factNames.includes(diagnostic.fact)) return diagnostic.fact;
  const line = diagnostic.location && diagnostic.location.line;
  if (line && lineOf[line]) return lineOf[line];
  for (const match of String(diagnostic.message || '').matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)) {
    if (factNames.includes(match[1])) return match[1];
  }
  return null;
}

// A fact's input by its type; `read()` gives the JSON value or undefined when empty.
function factInput(fact, id, describedBy) {
  const common = { id, name: fact.name, 'aria-describedby': describedBy };
  if (!fact.optional) common['aria-required'] = 'true';
  switch (fact.type) {
    case 'bool': {
      const el = h('select', common,
        h('option', { value: '' }, fact.optional ? t('unknown') : t('choose')),
        h('option', { value: 'true' }, t('yes')),
        h('option', { value: 'false' }, t('no')));
      return { el, read: () => (el.value === '' ? undefined : el.value === 'true'),
        write: (v) => { el.value = v === undefined ? '' : String(Boolean(v)); } };
    }
    case 'int':
    case 'money': {
      const attrs = { ...common, type: 'number', step: fact.type === 'int' ? '1' : '0.01', inputmode: 'decimal' };
      if (fact.range) { attrs.min = fact.range.min; attrs.max = fact.range.max; }
      const el = h('input', attrs);
      return { el, read: () => (el.value === '' ? undefined : Number(el.value)),
        write: (v) => { el.value = v === undefined ? '' : String(v); } };
    }
    case 'date': {
      const attrs = { ...common, type: 'date' };
      if (fact.range) { attrs.min = fact.range.min; attrs.max = fact.range.max; }
      const el = h('input', attrs);
      return { el, read: () => (el.value === '' ? undefined : el.value),
        write: (v) => { el.value = v === undefined ? '' : String(v); } };
    }
    case 'set': {
      const boxes = (fact.members || []).map((name) => {
        const boxId = `${id}-${name}`;
        const box = h('input', { type: 'checkbox', id: boxId, value: name });
        return { box, row: h('div', { class: 'check' }, box, h('label', { for: boxId }, memberText(fact, name))) };
      });
      const el = h('div', { id, role: 'group', 'aria-describedby': describedBy, class: 'set' }, boxes.map((b) => b.row));
      return { el, group: true, read: () => {
        const chosen = boxes.filter((b) => b.box.checked).map((b) => b.box.value);
        return chosen.length || !fact.optional ? chosen : undefined;
      }, write: (v) => { for (const b of boxes) b.box.checked = Array.isArray(v) && v.includes(b.box.value); } };
    }
    case 'enum': {
      const el = h('select', common, h('option', { value: '' }, fact.optional ? t('unknown') : t('choose')),
        (fact.members || []).map((name) => h('option', { value: name }, memberText(fact, name))));
      return { el, read: () => (el.value === '' ? undefined : el.value),
        write: (v) => { el.value = v === undefined ? '' : String(v); } };
    }
    default: {
      const el = h('input', { ...common, type: 'text' });
      return { el, read: () => (el.value === '' ? undefined : el.value),
        write: (v) => { el.value = v === undefined ? '' : String(v); } };
    }
  }
}

// A member as the choice list shows it: its name and, when the rule base gives one, its
// description (the schema's `member_descriptions`).
function memberText(fact, name) {
  const description = fact.member_descriptions && fact.member_descriptions[name];
  return description ? `${name} — ${description}` : name;
}

// The facts of a witness case when its rule base has no schema endpoint: types read off the
// values (the case is a flat YAML mapping of the checker's witness).
export function factsOfValues(values) {
  return Object.entries(values).map(([name, value]) => ({
    name,
    type: typeof value === 'boolean' ? 'bool'
      : typeof value === 'number' ? 'int'
        : /^\d{4}-\d{2}-\d{2}$/.test(String(value)) ? 'date' : 'text',
    optional: true,
    description: '',
  }));
}

// Flat YAML as the witnesses and personas are written: `name: value` lines, `#` comments.
export function parseFlatYaml(text) {
  const values = {};
  for (const raw of String(text).split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (!line || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    let value = line.slice(colon + 1).trim();
    if (/^".*"$|^'.*'$/.test(value)) value = value.slice(1, -1);
    else if (value === 'true' || value === 'false') value = value === 'true';
    else if (/^-?\d+(\.\d+)?$/.test(value)) value = Number(value);
    else if (/^\[.*\]$/.test(value)) value = value.slice(1, -1).split(',').map((s) => s.trim()).filter(Boolean);
    values[name] = value;
  }
  return values;
}

export class Desk {
  constructor(root, state) {
    this.root = root;
    this.state = state;
    this.inputs = {};
    this.lineOf = {};
  }

  render() {
    const s = this.state;
    clear(this.root);
    const options = s.jurisdictions.map((j) => h('option', { value: j.name }, `${j.title || j.name}${j.code ? ` (${j.code})` : ''}`));
    this.picker = h('input', { id: 'jurisdiction', list: 'jurisdiction-list', value: s.jurisdiction || '', autocomplete: 'off',
      onchange: () => this.pick(this.picker.value) });
    this.date = h('input', { id: 'date', type: 'date', value: s.date, required: true,
      onchange: () => { s.date = this.date.value; this.loadSchema(); } });
    this.personaSelect = h('select', { id: 'persona' }, h('option', { value: '' }, t('persona_none')),
      personas.map((p, i) => h('option', { value: String(i) }, `${p.person} — ${p.jurisdiction} ${p.date}`)));
    this.banner = h('div', { id: 'desk-banner', class: 'banner', role: 'status' });
    this.form = h('form', { id: 'case-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); this.decide(); } });
    this.sheet = h('section', { id: 'sheet', 'aria-live': 'polite', 'aria-label': t('sheet') });
    add(this.root,
      h('div', { class: 'pickers' },
        h('div', { class: 'field' }, h('label', { for: 'jurisdiction' }, t('jurisdiction')), this.picker,
          h('datalist', { id: 'jurisdiction-list' }, options)),
        h('div', { class: 'field' }, h('label', { for: 'date' }, t('date')), this.date),
        h('div', { class: 'field' }, h('label', { for: 'persona' }, t('persona')),
          h('div', { class: 'row' }, this.personaSelect,
            h('button', { type: 'button', id: 'load-persona', onclick: () => this.loadPersona(this.personaSelect.value) }, t('load'))))),
      this.banner, this.form, this.sheet);
    this.renderForm();
  }

  // Accepts a layer name, a CBS code or a title, without regard to case.
  resolve(text) {
    const wanted = String(text || '').trim().toLowerCase();
    return this.state.jurisdictions.find((j) => j.name.toLowerCase() === wanted || (j.code || '').toLowerCase() === wanted
      || (j.title || '').toLowerCase() === wanted || (j.title || '').toLowerCase().endsWith(` ${wanted}`));
  }

  async pick(text) {
    const found = this.resolve(text);
    if (!found) {
      this.showBanner(`${t('jurisdiction')}: ${text} — ${t('not_found')}`, true);
      return;
    }
    this.state.override = null;
    this.state.jurisdiction = found.name;
    this.picker.value = found.name;
    this.showBanner('');
    await this.loadSchema();
  }

  showBanner(text, isError = false, action = null) {
    clear(this.banner);
    this.banner.classList.toggle('error', isError);
    if (text) add(this.banner, h('p', {}, text), action);
  }

  async loadSchema() {
    const s = this.state;
    if (s.override || !s.jurisdiction) return;
    const [schema, rules] = await Promise.all([api.schema(s.jurisdiction, s.date), api.rules(s.jurisdiction, s.date)]);
    if (!schema.ok) {
      this.showBanner(`${t('server_error')}: ${schema.body.error ? schema.body.error.message : schema.status}`, true);
      return;
    }
    s.schema = schema.body;
    s.rules = rules.ok ? rules.body.rules : [];
    this.renderForm();
    this.state.onchange?.();
  }

  facts() {
    const s = this.state;
    if (s.override) return s.override.facts;
    return s.schema ? s.schema.facts : [];
  }

  renderForm(values = this.state.values) {
    clear(this.form);
    this.inputs = {};
    const facts = this.facts();
    if (!facts.length) return;
    const fields = facts.map((fact) => {
      const id = `fact-${fact.name}`;
      const hintId = uid('hint');
      const errorId = `${id}-error`;
      const input = factInput(fact, id, `${hintId} ${errorId}`);
      this.inputs[fact.name] = input;
      input.write(values[fact.name]);
      const marker = h('span', { class: fact.optional ? 'optional' : 'required' }, ` (${fact.optional ? t('optional') : t('required')})`);
      const range = fact.range ? ` ${t('range')} ${fact.range.min}..${fact.range.max}` : '';
      const label = input.group ? h('span', { class: 'label', id: `${id}-label` }, fact.name, marker)
        : h('label', { for: id }, fact.name, marker);
      if (input.group) input.el.setAttribute('aria-labelledby', `${id}-label`);
      return h('div', { class: 'field fact', dataset: { fact: fact.name } }, label, input.el,
        h('p', { class: 'hint', id: hintId }, `${fact.description || ''}${range}`),
        h('p', { class: 'field-error', id: errorId, role: 'alert' }));
    });
    add(this.form, h('fieldset', {}, h('legend', {}, t('facts')), h('div', { class: 'facts' }, fields)),
      h('div', { class: 'row actions' },
        h('button', { type: 'submit', id: 'decide', class: 'primary' }, t('decide')),
        h('button', { type: 'button', onclick: () => { this.state.values = {}; this.renderForm({}); clear(this.sheet); } }, t('clear'))));
  }

  values() {
    const values = {};
    for (const [name, input] of Object.entries(this.inputs)) {
      const value = input.read();
      if (value !== undefined) values[name] = value;
    }
    this.state.values = values;
    return values;
  }

  async loadPersona(index) {
    const persona = personas[Number(index)];
    if (index === '' || !persona) return;
    this.state.override = null;
    this.state.values = { ...persona.facts };
    this.state.date = persona.date;
    this.date.value = persona.date;
    this.state.jurisdiction = persona.jurisdiction;
    this.picker.value = persona.jurisdiction;
    this.showBanner(persona.story);
    await this.loadSchema();
  }

  // A witness of a finding on the served rules (findings.js): its municipality, date and facts
  // in the desk's form, decided.
  async openServedWitness(witness, finding) {
    const s = this.state;
    s.override = null;
    s.values = parseFlatYaml(witness.case);
    s.date = witness.date;
    this.date.value = witness.date;
    s.jurisdiction = witness.jurisdiction;
    this.picker.value = witness.jurisdiction;
    this.showBanner(t('served_witness_banner', finding.code));
    await this.loadSchema();
    await this.decide();
  }

  // A witness of the checker (findings.js): its facts in the form, decided against the rules
  // of the example it came from (POST /v1/try with those files).
  async openWitness(witness, finding, example) {
    const s = this.state;
    const values = parseFlatYaml(witness.case);
    s.override = { facts: factsOfValues(values), files: example.files, jurisdiction: witness.jurisdiction };
    s.values = values;
    s.date = witness.date;
    this.date.value = witness.date;
    this.picker.value = witness.jurisdiction;
    this.renderForm(values);
    this.showBanner(t('witness_banner', finding.code, example.name), false,
      h('button', { type: 'button', onclick: () => this.pick(s.jurisdiction) }, t('back_to_served')));
    await this.decide();
  }

  clearErrors() {
    for (const el of this.form.querySelectorAll('.field-error')) el.textContent = '';
    for (const el of this.form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  }

  showFieldErrors(diagnostics) {
    const names = Object.keys(this.inputs);
    const unplaced = [];
    for (const d of diagnostics) {
      const fact = factOfDiagnostic(d, this.lineOf, names);
      const slot = fact && this.form.querySelector(`#fact-${CSS.escape(fact)}-error`);
      if (!slot) { unplaced.push(d); continue; }
      slot.textContent = `${slot.textContent ? `${slot.textContent} ` : ''}${d.message}${d.help && d.help.length ? ` (${d.help.join('; ')})` : ''}`;
      this.inputs[fact].el.setAttribute('aria-invalid', 'true');
    }
    return unplaced;
  }

  async decide() {
    const s = this.state;
    const values = this.values();
    const order = this.facts().map((f) => f.name);
    const { text, lineOf } = caseJson(values, order);
    this.lineOf = lineOf;
    this.clearErrors();
    clear(this.sheet).append(h('p', { class: 'busy' }, t('deciding')));
    const result = s.override
      ? await api.tryDraft(s.date, { files: s.override.files, jurisdiction: s.override.jurisdiction, case: values })
      : await api.decide(s.jurisdiction, s.date, text);
    clear(this.sheet);
    if (!result.ok) {
      const error = result.body && result.body.error ? result.body.error : { message: String(result.body) };
      const unplaced = this.showFieldErrors(error.diagnostics || []);
      const heading = error.code === 'rule_errors' ? t('errors_in_rules') : t('errors_in_case');
      add(this.sheet, h('div', { class: 'errors', role: 'alert' }, h('h2', {}, heading),
        h('p', {}, `${error.code || result.status}: ${error.message}`), renderErrors(unplaced)));
      const first = this.form.querySelector('[aria-invalid]');
      if (first) first.focus();
      return;
    }
    s.answer = result.body;
    this.sheet.append(renderSheet(result.body, {
      schema: s.override ? null : s.schema,
      rules: s.override ? [] : s.rules,
      whyNot: s.override ? null : (rule) => api.whyNot(s.jurisdiction, s.date, rule, caseJson(values, order).text),
    }));
  }
}
