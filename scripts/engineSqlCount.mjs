#!/usr/bin/env node
// Counts the source files that spell engine-specific SQL outside the dialect modules: what a second
// engine would have to touch. `node scripts/engineSqlCount.mjs [ROOT] [--files]` (ROOT: a checkout,
// default this one). Tests, fixtures and benchmarks are not counted; the warehouse's dialect/ and
// an engine package's own dialect are where these spellings belong.
//
// Two groups are reported apart:
// - shared code, which a second engine runs (analytics, churn features, call lists, …): the target
//   is none;
// - the local warehouse's own machinery, which only ever runs on the DuckDB file Retain keeps
//   (loading files into it, its schema, and the SQL console's plan-based access check): a second
//   engine reads histories where they live and brings its own console check, so it replaces these
//   rather than changing them.
// `$name` placeholders count only in files that hand them to the engine themselves: in a file
// whose statements go through the query layer's `sql.named` (or analytics' `sqlQuery`) they are
// the query layer's notation, bound as values for every engine.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const root = path.resolve(
  args.find((a) => !a.startsWith('--')) ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'),
);
const listFiles = args.includes('--files');

/** DuckDB spellings that Trino (or another engine) writes differently or not at all. */
const PATTERNS = {
  ':: cast': /[\w)\]'"]::[A-Za-z]/,
  '$name parameter': /(?<![\w$\\])\$(?![A-Z][A-Z0-9_]*\b)[A-Za-z_]\w*(?!\s*[({])/,
  'GROUP BY ALL': /GROUP BY ALL/i,
  'arg_min/arg_max': /\barg_(?:min|max)\s*\(/i,
  'epoch()': /\bepoch\s*\(/i,
  'date_diff/date_trunc': /\bdate_(?:diff|trunc|sub|part)\s*\(/i,
  'file readers': /\bread_(?:csv|csv_auto|parquet|json)\s*\(/i,
  COPY: /\bCOPY\s*\(/,
  'list type': /\b(?:VARCHAR|DOUBLE|INTEGER|BIGINT)\[\]/,
  QUALIFY: /\bQUALIFY\b/,
  'INSERT OR REPLACE': /INSERT OR REPLACE/i,
  'strftime()': /\bstrftime\s*\(/i,
  'temp / replace tables':
    /\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP|TEMPORARY)\b|\bCREATE\s+OR\s+REPLACE\s+TABLE\b/i,
  'MATERIALIZED CTE': /\bMATERIALIZED\b/,
  'catalog functions': /\bcurrent_database\s*\(|\bduckdb_\w+\s*\(/i,
  'list/map functions': /\blist_(?:contains|value|transform|filter)\s*\(|\bMAP\s*\{|\bmap_extract\s*\(/i,
  'DuckDB-only types': /(?:::|\bAS\s+)(?:HUGEINT|UBIGINT|STRUCT)\b/i,
  regexp_full_match: /\bregexp_full_match\s*\(/i,
  "regexp_replace 'g'": /\bregexp_replace\s*\([^;]*?,\s*'g'\s*\)/i,
  'SELECT * EXCLUDE/REPLACE': /\*\s*(?:EXCLUDE|REPLACE)\s*\(/i,
  'left()/right()': /(?<![\w.])(?:left|right)\s*\(/i,
};

/** The local DuckDB warehouse's own machinery (see above), relative to the checkout. */
const LOCAL_ONLY = [
  'packages/warehouse/src/ingest/',
  'packages/warehouse/src/sandbox/',
  'packages/warehouse/src/schema.ts',
  'packages/warehouse/src/csvSql.ts',
];
const NAMED_NOTATION = /\bsql\.named\(|\bsqlQuery\b/;

const SKIP_DIRS = new Set(['node_modules', 'dist', 'testing', 'dialect', 'out']);
function* sources(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) yield* sources(full);
    } else if (
      /\.tsx?$/.test(entry.name) &&
      !/\.test\.tsx?$/.test(entry.name) &&
      !/Dialect\.ts$/.test(entry.name)
    ) {
      yield full;
    }
  }
}

const roots = ['packages', 'apps'].flatMap((top) =>
  fs.existsSync(path.join(root, top))
    ? fs.readdirSync(path.join(root, top)).map((name) => path.join(root, top, name, 'src'))
    : [],
);
const byPattern = Object.fromEntries(Object.keys(PATTERNS).map((name) => [name, []]));
const files = new Map();
for (const dir of roots) {
  for (const file of sources(dir)) {
    // Comments (block comments and whole-line // comments) are prose, not SQL.
    const text = fs
      .readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    const named = NAMED_NOTATION.test(text);
    const hits = Object.entries(PATTERNS)
      .filter(([name, pattern]) => !(name === '$name parameter' && named) && pattern.test(text))
      .map(([name]) => name);
    if (hits.length === 0) continue;
    const relative = path.relative(root, file);
    files.set(relative, hits);
    for (const name of hits) byPattern[name].push(relative);
  }
}
const isLocal = (file) => LOCAL_ONLY.some((prefix) => file.split(path.sep).join('/').startsWith(prefix));
const shared = [...files].filter(([file]) => !isLocal(file)).sort();
const local = [...files].filter(([file]) => isLocal(file)).sort();
console.log(`files with engine-specific SQL outside the dialect modules: ${files.size}`);
console.log(`  in shared code a second engine runs: ${shared.length} (target 0)`);
console.log(
  `  in the local DuckDB warehouse's own machinery (ingest, schema, console check): ${local.length}`,
);
console.log('by construct (shared code):');
for (const [name, list] of Object.entries(byPattern)) {
  console.log(`  ${name.padEnd(22)} ${list.filter((file) => !isLocal(file)).length}`);
}
if (listFiles) {
  console.log('shared code:');
  for (const [file, hits] of shared) console.log(`  ${file}: ${hits.join(', ')}`);
  console.log('local DuckDB warehouse:');
  for (const [file, hits] of local) console.log(`  ${file}: ${hits.join(', ')}`);
}
