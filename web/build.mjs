// Builds the web desk into one folder: index.html, app.js, app.css. Usage:
//   node web/build.mjs build/web
// Bundles web/src with esbuild (no CDN, nothing fetched at run time) together with the data
// of the menus: the personas of examples/cases (their facts, story, jurisdiction and date from
// the README's table) and the conflict examples of examples/conflicts (their rule files and
// story). The output depends only on the sources: the same sources give the same bytes.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const out = process.argv[2];
if (!out) {
  console.error('usage: node web/build.mjs OUTPUT_FOLDER');
  process.exit(2);
}

// `| a | b | c |` rows of a Markdown table, by their first cell.
function tableRows(markdown) {
  const rows = new Map();
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|') || /^\|[-| ]+\|$/.test(line.trim())) continue;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    rows.set(cells[0].replace(/`/g, ''), cells);
  }
  return rows;
}

function flatYaml(text) {
  const facts = {};
  const story = [];
  for (const raw of text.split('\n')) {
    if (raw.startsWith('#')) { story.push(raw.replace(/^#\s?/, '')); continue; }
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (!line) continue;
    const colon = line.indexOf(':');
    if (colon < 0) throw new Error(`not a flat YAML mapping line: ${raw}`);
    const name = line.slice(0, colon).trim();
    let value = line.slice(colon + 1).trim();
    if (/^".*"$|^'.*'$/.test(value)) value = value.slice(1, -1);
    else if (value === 'true' || value === 'false') value = value === 'true';
    else if (/^-?\d+(\.\d+)?$/.test(value)) value = Number(value);
    else if (/^\[.*\]$/.test(value)) value = value.slice(1, -1).split(',').map((s) => s.trim()).filter(Boolean);
    facts[name] = value;
  }
  return { facts, story: story.join(' ').trim() };
}

function personas() {
  const folder = join(root, 'examples/cases');
  const table = tableRows(readFileSync(join(folder, 'README.md'), 'utf8'));
  return readdirSync(folder).filter((f) => f.endsWith('.yaml')).sort().map((file) => {
    const row = table.get(file);
    if (!row) throw new Error(`examples/cases/${file} is not in the README's table`);
    const where = row[2];
    const date = (where.match(/\d{4}-\d{2}-\d{2}/) || [])[0];
    const jurisdiction = where.split(/\s+/)[0];
    if (!date || !jurisdiction) throw new Error(`examples/cases/README.md: no jurisdiction and date for ${file}`);
    const { facts, story } = flatYaml(readFileSync(join(folder, file), 'utf8'));
    return { file, person: row[1], jurisdiction, date, story, facts };
  });
}

function conflicts() {
  const folder = join(root, 'examples/conflicts');
  const table = tableRows(readFileSync(join(folder, 'README.md'), 'utf8'));
  return readdirSync(folder).filter((name) => statSync(join(folder, name)).isDirectory()).sort().map((name) => {
    const files = readdirSync(join(folder, name)).filter((f) => f.endsWith('.loket')).sort()
      .map((f) => ({ path: `${name}/${f}`, text: readFileSync(join(folder, name, f), 'utf8') }));
    const row = table.get(name);
    return { name, expected: row ? row[1] : '', story: row ? row[2] : '', files };
  });
}

// The words the editor's syntax mode colours, from the language's reference (docs/language.md
// §1 "Reserved words"), so the mode never keeps its own copy.
function vocabulary() {
  const text = readFileSync(join(root, 'docs/language.md'), 'utf8');
  const block = text.match(/### Reserved words\s*```\n([\s\S]*?)```/);
  const types = text.match(/the types `([^`]+)`/);
  const builtins = text.match(/the built-ins `([^`]+)`/);
  if (!block || !types || !builtins) throw new Error('docs/language.md: no "Reserved words" block with the types and built-ins');
  const words = (s) => s.trim().split(/\s+/);
  return { keywords: words(block[1]), types: words(types[1]), builtins: words(builtins[1]) };
}

const data = { personas: personas(), conflicts: conflicts(), vocabulary: vocabulary() };
const dataModule = {
  name: 'loket-data',
  setup(b) {
    b.onResolve({ filter: /^loket-data$/ }, () => ({ path: 'loket-data', namespace: 'loket-data' }));
    b.onLoad({ filter: /.*/, namespace: 'loket-data' }, () => ({
      contents: Object.entries(data).map(([k, v]) => `export const ${k} = ${JSON.stringify(v)};`).join('\n'),
      loader: 'js',
    }));
  },
};

const common = { bundle: true, minify: true, write: false, logLevel: 'warning', legalComments: 'eof', charset: 'utf8' };
const js = await build({ ...common, entryPoints: [join(here, 'src/main.js')], format: 'esm', target: 'es2020',
  outfile: 'app.js', plugins: [dataModule] });
const css = await build({ ...common, entryPoints: [join(here, 'src/app.css')], outfile: 'app.css' });

// Written beside the folder, then moved into place: a reader never sees half a bundle.
const target = resolve(out);
const staging = `${target}.tmp-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
writeFileSync(join(staging, 'app.js'), js.outputFiles[0].contents);
writeFileSync(join(staging, 'app.css'), css.outputFiles[0].contents);
writeFileSync(join(staging, 'index.html'), readFileSync(join(here, 'src/index.html')));
rmSync(target, { recursive: true, force: true });
renameSync(staging, target);
console.log(`web desk built into ${out}: ${data.personas.length} personas, ${data.conflicts.length} conflict examples, ${data.vocabulary.keywords.length} keywords`);
