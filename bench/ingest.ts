// `npm run bench -- ingest [--lines N] [--repeat K]`
// Times `retain ingest` of a purchases CSV against DuckDB's bare CREATE TABLE AS read_csv on the
// same file, in the same run, and prints the ratio, rows/s and peak RSS of each.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { argValue, formatBytes, printTable, runMeasured } from './lib/measure.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const out = path.join(here, 'out');
const lines = Number(argValue('--lines', '10000000'));
const repeat = Number(argValue('--repeat', '1'));
const csv = path.join(out, `purchases-${lines}.csv`);

/** A realistic order-line export: ~2.5 lines per order, 1M customers, 4 years, 8 columns of text. */
async function generate(): Promise<void> {
  if (fs.existsSync(csv)) return;
  fs.mkdirSync(out, { recursive: true });
  console.log(`generating ${lines.toLocaleString('en-US')} purchase lines …`);
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const started = performance.now();
  await conn.run(`COPY (
    SELECT 'O' || lpad((i // 5 * 2 + (i % 5 > 2)::INT)::VARCHAR, 9, '0') AS order_id,
           'C' || lpad((hash(i // 5) % 1000000)::VARCHAR, 7, '0') AS customer_id,
           strftime(TIMESTAMP '2021-01-01' + to_seconds((hash(i // 5 * 2 + (i % 5 > 2)::INT) % (4 * 365 * 86400))::BIGINT), '%Y-%m-%d %H:%M:%S') AS order_date,
           round(q * p, 2) AS amount, q AS quantity, p AS unit_price,
           'SKU-' || (hash(i * 3) % 5000) AS product,
           ['toys', 'home', 'garden', 'books', 'food', 'beauty'][(1 + hash(i * 7) % 6)::INT] AS category,
           ['web', 'store', 'app', 'marketplace'][(1 + hash(i // 5) % 4)::INT] AS channel,
           ['North', 'South', 'East', 'West', 'Central'][(1 + hash(i // 5 * 11) % 5)::INT] AS region
    FROM (SELECT i, 1 + hash(i) % 4 AS q, round(1 + (hash(i * 13) % 9900) / 100, 2) AS p FROM range(${lines}) t(i))
  ) TO '${csv}' (HEADER)`);
  conn.closeSync();
  instance.closeSync();
  console.log(
    `  ${(fs.statSync(csv).size / 1e6).toFixed(0)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

function freshDb(name: string): string {
  const file = path.join(out, name);
  for (const f of [file, `${file}.wal`]) fs.rmSync(f, { force: true });
  return file;
}

await generate();
const rows: Array<Array<string | number>> = [];
const ratios: number[] = [];
for (let run = 1; run <= repeat; run++) {
  const bareDb = freshDb('bench-bare.duckdb');
  const bare = await runMeasured(process.execPath, [path.join(here, 'lib', 'bareCsvLoad.mjs'), bareDb, csv]);
  if (bare.code !== 0) throw new Error(`bare load failed: ${bare.stderr}`);
  const bareSeconds = (JSON.parse(bare.stdout) as { seconds: number }).seconds;

  const db = freshDb('bench-ingest.duckdb');
  const retain = [
    path.join(root, 'apps', 'cli', 'bin', 'retain.js'),
    'ingest',
    '--purchases',
    csv,
    '--db',
    db,
    '--json',
  ];
  const ours = await runMeasured(process.execPath, retain);
  if (ours.code !== 0) throw new Error(`retain ingest failed: ${ours.stderr}`);
  const summary = JSON.parse(ours.stdout) as { purchases: { inserted: number }; seconds: number };
  if (summary.purchases.inserted !== lines)
    throw new Error(`expected ${lines} rows, got ${summary.purchases.inserted}`);

  const again = await runMeasured(process.execPath, retain);
  const dupes = JSON.parse(again.stdout) as { purchases: { duplicates: number } };

  ratios.push(ours.seconds / bareSeconds);
  rows.push(
    [
      `bare DuckDB CTAS (run ${run})`,
      bareSeconds.toFixed(2),
      Math.round(lines / bareSeconds).toLocaleString('en-US'),
      formatBytes(bare.peakRss),
      '',
    ],
    [
      `retain ingest, whole command (run ${run})`,
      ours.seconds.toFixed(2),
      Math.round(lines / ours.seconds).toLocaleString('en-US'),
      formatBytes(ours.peakRss),
      (ours.seconds / bareSeconds).toFixed(2),
    ],
    [
      `retain ingest, load only (run ${run})`,
      summary.seconds.toFixed(2),
      Math.round(lines / summary.seconds).toLocaleString('en-US'),
      '',
      (summary.seconds / bareSeconds).toFixed(2),
    ],
    [
      `same file again: ${dupes.purchases.duplicates.toLocaleString('en-US')} duplicates`,
      again.seconds.toFixed(2),
      Math.round(lines / again.seconds).toLocaleString('en-US'),
      formatBytes(again.peakRss),
      (again.seconds / bareSeconds).toFixed(2),
    ],
  );
}
console.log(
  `purchases CSV: ${lines.toLocaleString('en-US')} lines, ${(fs.statSync(csv).size / 1e6).toFixed(0)} MB; validation, dedupe and one transaction included\n`,
);
printTable(['', 'seconds', 'rows/s', 'peak RSS', 'ratio'], rows);
console.log(
  `\nratio retain/bare (whole command, best of ${repeat}): ${Math.min(...ratios).toFixed(2)}  (target ≤ 1.5; peak RSS target ≤ 2 GB)`,
);
