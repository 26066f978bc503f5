// A CodeMirror 6 stream mode for the loket rule language: the reserved words of
// docs/language.md §1 (bundled by web/build.mjs), strings, comments (// and /* */), dates,
// money (€1.234,56 and 1234.56 EUR), durations and numbers.
import { StreamLanguage, HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { vocabulary } from 'loket-data';

// docs/language.md §1 "Reserved words", the types and the built-ins, read by web/build.mjs.
export const KEYWORDS = vocabulary.keywords;
const TYPES = vocabulary.types;
const BUILTINS = vocabulary.builtins;
const keywordSet = new Set(KEYWORDS);

const loket = {
  name: 'loket',
  startState: () => ({ inComment: false }),
  token(stream, state) {
    if (state.inComment) {
      if (stream.skipTo('*/')) { stream.next(); stream.next(); state.inComment = false; } else stream.skipToEnd();
      return 'comment';
    }
    if (stream.eatSpace()) return null;
    if (stream.match('//')) { stream.skipToEnd(); return 'comment'; }
    if (stream.match('/*')) { state.inComment = true; return 'comment'; }
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return 'string';
    if (stream.match(/^\d{4}-\d{2}-\d{2}/)) return 'atom';
    if (stream.match(/^€\s?\d[\d.]*(,\d+)?/)) return 'number';
    if (stream.match(/^\d[\d,]*(\.\d+)?\s*EUR\b/)) return 'number';
    if (stream.match(/^\d+(\.\.)?/)) { if (stream.current().endsWith('..')) stream.backUp(2); return 'number'; }
    if (stream.match(/^[A-Za-z_][A-Za-z0-9_]*/)) {
      const word = stream.current();
      if (keywordSet.has(word)) return 'keyword';
      if (TYPES.includes(word)) return 'typeName';
      if (BUILTINS.includes(word)) return 'standard';
      return 'variableName';
    }
    stream.next();
    return 'operator';
  },
  languageData: { commentTokens: { line: '//', block: { open: '/*', close: '*/' } } },
};

export const loketLanguage = StreamLanguage.define(loket);

// Colours with at least 4.5:1 contrast on white.
export const loketHighlight = syntaxHighlighting(HighlightStyle.define([
  { tag: tags.keyword, color: '#7a1f9c', fontWeight: 'bold' },
  { tag: tags.string, color: '#0b6b2c' },
  { tag: tags.comment, color: '#5c5c5c', fontStyle: 'italic' },
  { tag: tags.number, color: '#8a4b00' },
  { tag: tags.atom, color: '#8a4b00' },
  { tag: tags.typeName, color: '#0b5394' },
  { tag: tags.standard(tags.name), color: '#0b5394' },
]));
