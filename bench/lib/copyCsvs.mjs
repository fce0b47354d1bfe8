// The baseline for `retain demo`: DuckDB reading the same CSV files and writing them out again
// (parse + format + write of the same bytes), in a process of its own.
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [dir, outDir] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const quote = (s) => `'${s.replaceAll("'", "''")}'`;
const started = performance.now();
let rows = 0;
for (const name of ['customers', 'purchases', 'complaints', 'returns', 'truth']) {
  const from = path.join(dir, `${name}.csv`);
  const to = path.join(outDir, `${name}.csv`);
  const result = await conn.runAndReadAll(`COPY (SELECT * FROM read_csv(${quote(from)})) TO ${quote(to)}`);
  rows += Number(result.getRows()[0]?.[0] ?? 0);
}
const seconds = (performance.now() - started) / 1000;
conn.closeSync();
instance.closeSync();
console.log(JSON.stringify({ seconds, rows }));
