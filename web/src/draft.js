// Drafting a local variant: one municipality's layer (GET …/source) in a CodeMirror editor
// with the loket mode; as the officer types, the draft is checked over the loaded rule base
// (POST /v1/check {draft}) and the diagnostics are underlined with their message and help.
// "Try it" decides the desk's case against the draft (POST /v1/try). The draft is the
// page's own: it never changes what the desk serves. Download saves it as a file.
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { linter, lintGutter } from '@codemirror/lint';
import { api } from './api.js';
import { h, clear, add } from './dom.js';
import { t } from './i18n.js';
import { loketLanguage, loketHighlight } from './loket-mode.js';
import { renderSheet, renderErrors } from './sheet.js';

function samePath(diagnosticPath, draftPath) {
  return diagnosticPath === draftPath || diagnosticPath.endsWith(`/${draftPath}`);
}

// A diagnostic's line/column (1-based) as a document range.
function range(doc, location) {
  const lineNumber = Math.min(Math.max(location.line || 1, 1), doc.lines);
  const line = doc.line(lineNumber);
  const from = Math.min(line.from + Math.max((location.column || 1) - 1, 0), line.to);
  let to = from;
  if (location.end_line && location.end_column) {
    const endLine = doc.line(Math.min(Math.max(location.end_line, 1), doc.lines));
    to = Math.min(endLine.from + Math.max(location.end_column - 1, 0), endLine.to);
  }
  return { from, to: Math.max(to, from) };
}

export class Draft {
  constructor(root, state, desk) {
    this.root = root;
    this.state = state;
    this.desk = desk;
    this.view = null;
    this.loadedFor = null;
  }

  async render() {
    const s = this.state;
    if (this.loadedFor === s.jurisdiction && this.view) return;
    clear(this.root);
    if (!s.jurisdiction) return;
    this.loadedFor = s.jurisdiction;
    const result = await api.source(s.jurisdiction);
    if (!result.ok) {
      this.root.append(h('p', { class: 'error' }, result.body.error ? result.body.error.message : String(result.status)));
      return;
    }
    this.files = result.body.files;
    this.status = h('p', { id: 'draft-status', role: 'status', 'aria-live': 'polite' });
    // The diagnostics as a list too: underlines alone are not read out by a screen reader.
    this.problems = h('ul', { id: 'draft-problems', class: 'diagnostics' });
    this.fileSelect = h('select', { id: 'draft-file', onchange: () => this.open(Number(this.fileSelect.value)) },
      this.files.map((f, i) => h('option', { value: String(i) }, f.path)));
    this.editorHost = h('div', { id: 'editor', class: 'editor' });
    this.tryOut = h('div', { id: 'try-answer', 'aria-live': 'polite' });
    add(this.root,
      h('h2', {}, `${t('draft_title')}: ${s.jurisdiction}`),
      h('p', { class: 'muted' }, t('draft_hint')),
      h('div', { class: 'row' }, h('label', { for: 'draft-file' }, t('draft_file')), this.fileSelect,
        h('button', { type: 'button', id: 'draft-download', onclick: () => this.download() }, t('download')),
        h('button', { type: 'button', id: 'draft-try', onclick: () => this.tryIt() }, t('try_it'))),
      h('span', { id: 'editor-label', class: 'sr-only' }, `${t('draft_file')} ${s.jurisdiction}`),
      this.editorHost, this.status, this.problems, this.tryOut);
    this.open(0);
  }

  open(index) {
    const file = this.files[index];
    this.path = file ? file.path : `${this.state.jurisdiction}/${this.state.jurisdiction}.loket`;
    if (this.view) this.view.destroy();
    const check = linter(async (view) => this.lint(view), { delay: 400 });
    this.view = new EditorView({
      parent: this.editorHost,
      state: EditorState.create({
        doc: file ? file.text : `layer ${this.state.jurisdiction}\n`,
        extensions: [lineNumbers(), history(), drawSelection(), highlightActiveLine(),
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          loketLanguage, loketHighlight, check, lintGutter(),
          EditorView.contentAttributes.of({ 'aria-labelledby': 'editor-label', tabindex: '0' })],
      }),
    });
  }

  jump(location) {
    const { from } = range(this.view.state.doc, location);
    this.view.dispatch({ selection: { anchor: from }, scrollIntoView: true });
    this.view.focus();
  }

  text() {
    return this.view ? this.view.state.doc.toString() : '';
  }

  async lint(view) {
    const text = view.state.doc.toString();
    const result = await api.check({ draft: { path: this.path, text } });
    if (!result.ok) {
      this.status.textContent = `${t('server_error')}: ${result.body.error ? result.body.error.message : result.status}`;
      return [];
    }
    if (view.state.doc.toString() !== text) return [];  // typed on; the next check follows
    const mine = (result.body.diagnostics || []).filter((d) => d.location && samePath(d.location.path || '', this.path));
    const counts = { error: 0, warning: 0 };
    for (const d of mine) if (counts[d.severity] !== undefined) counts[d.severity] += 1;
    this.status.textContent = mine.length ? t('draft_counts', counts.error, counts.warning) : t('draft_ok');
    clear(this.problems).append(...mine.map((d) => h('li', { class: `sev-${d.severity}`, dataset: { line: String(d.location.line) } },
      h('button', { type: 'button', class: 'link', onclick: () => this.jump(d.location) }, `${t('line')} ${d.location.line}`),
      ` ${d.code}: ${d.message}`, (d.help || []).map((x) => h('div', { class: 'help' }, `${t('help')}: ${x}`)))));
    return mine.map((d) => {
      const { from, to } = range(view.state.doc, d.location);
      const help = (d.help || []).map((x) => `${t('help')}: ${x}`).join('\n');
      return {
        from, to,
        severity: d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'info',
        source: d.code,
        message: `${d.code}: ${d.message}${help ? `\n${help}` : ''}`,
      };
    });
  }

  download() {
    const blob = new Blob([this.text()], { type: 'text/plain' });
    const link = h('a', { href: URL.createObjectURL(blob), download: this.path.split('/').pop() });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  async tryIt() {
    const s = this.state;
    const values = this.desk.values();
    clear(this.tryOut).append(h('p', { class: 'busy' }, t('deciding')));
    const result = await api.tryDraft(s.date, { draft: { path: this.path, text: this.text() }, jurisdiction: s.jurisdiction, case: values });
    clear(this.tryOut);
    if (!result.ok) {
      const error = result.body.error || { message: String(result.status) };
      add(this.tryOut, h('div', { class: 'errors', role: 'alert' }, h('p', {}, `${error.code}: ${error.message}`), renderErrors(error.diagnostics)));
      return;
    }
    this.tryOut.append(renderSheet(result.body, { schema: s.schema, rules: [], whyNot: null, prefix: 'try-' }));
  }
}
