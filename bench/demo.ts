// `npm run bench -- demo [--customers 1000000]`
// Times `retain demo` (the real CLI, in a child process) writing a synthetic retailer, and in the
// same run DuckDB reading those CSV files and writing them out again: the cost of parsing,
// formatting and writing the same bytes with nothing to generate. Target: 1,000,000 customers in
// ≤ 60 s, streamed (flat memory).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { argValue, formatBytes, printTable, runMeasured } from './lib/measure.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const customers = Number(argValue('--customers', '1000000'));
const out = path.join(here, 'out', `demo-bench-${customers}`);
const copy = path.join(here, 'out', `demo-bench-${customers}-copy`);
for (const dir of [out, copy]) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
}

const cli = path.join(here, '..', 'apps', 'cli', 'bin', 'retain.js');
const demo = await runMeasured(process.execPath, [
  cli,
  'demo',
  '--out',
  out,
  '--customers',
  String(customers),
  '--seed',
  '42',
  '--json',
]);
if (demo.code !== 0) throw new Error(`retain demo failed:\n${demo.stderr}`);
const bytes = fs.readdirSync(out).reduce((sum, f) => sum + fs.statSync(path.join(out, f)).size, 0);

const baseline = await runMeasured(process.execPath, [path.join(here, 'lib', 'copyCsvs.mjs'), out, copy]);
if (baseline.code !== 0) throw new Error(`baseline failed:\n${baseline.stderr}`);
const { rows } = JSON.parse(baseline.stdout) as { rows: number };

printTable(
  ['', 'seconds', 'rows/s', 'MB/s', 'peak RSS'],
  [
    [
      `retain demo --customers ${customers.toLocaleString('en-US')}`,
      demo.seconds.toFixed(1),
      Math.round(rows / demo.seconds).toLocaleString('en-US'),
      (bytes / 1e6 / demo.seconds).toFixed(0),
      formatBytes(demo.peakRss),
    ],
    [
      'DuckDB: read those CSVs, write them again',
      baseline.seconds.toFixed(1),
      Math.round(rows / baseline.seconds).toLocaleString('en-US'),
      (bytes / 1e6 / baseline.seconds).toFixed(0),
      formatBytes(baseline.peakRss),
    ],
  ],
);
console.log(
  `\n${rows.toLocaleString('en-US')} rows in 5 files, ${formatBytes(bytes)}; ratio ${(demo.seconds / baseline.seconds).toFixed(2)} × the baseline's time` +
    `\ntarget: 1,000,000 customers in ≤ 60 s — ${customers === 1_000_000 ? (demo.seconds <= 60 ? 'met' : 'MISSED') : 'run with --customers 1000000 to check'}` +
    `\n(one generator thread; the time scales linearly with customers)`,
);
fs.rmSync(copy, { recursive: true, force: true });
